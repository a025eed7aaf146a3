//! Ruled tables: text lines crossed by vertical rulings are cut at the
//! rulings, not at gaps, so empty cells keep their place and a merged cell
//! sits at its left-most column — the shape a spreadsheet export has. Lines
//! between the same horizontal rulings are one row (a cell's text wrapped
//! over several lines, one character per line in narrow columns, is joined),
//! and every row of a table is placed on the table's full set of column
//! boundaries, so multi-level headers line up with the body.

use super::interp::{Glyph, Rule};

/// Rulings closer than this (points) are the same boundary.
const SAME_X: f32 = 2.0;

/// One text line of a page, cut into cells.
#[derive(Debug, Clone)]
pub struct Line {
    /// Vertical middle of the line's glyphs (page space, y up).
    pub mid: f32,
    /// Cells, left to right. For a ruled line, one per interval between
    /// rulings (empty ones included); otherwise cut at gaps.
    pub cells: Vec<String>,
    /// The column boundaries that cut this line, when it is in a table:
    /// rulings, or (unruled tables) the gutters of its alignment.
    pub bounds: Option<Vec<f32>>,
    /// Whether `bounds` are rulings; then horizontal rulings tell rows apart.
    pub ruled: bool,
    /// Unruled tables: this line goes on the row above (wrapped cell text).
    pub continues: bool,
}

fn cluster(mut xs: Vec<f32>) -> Vec<f32> {
    xs.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in xs {
        match out.last() {
            Some(last) if x - last <= SAME_X => {}
            _ => out.push(x),
        }
    }
    out
}

/// The vertical rulings a line at height `mid` crosses.
fn crossing(verticals: &[Rule], mid: f32, size: f32) -> Vec<f32> {
    let slack = 0.2 * size;
    cluster(
        verticals
            .iter()
            .filter(|r| r.y0 - slack <= mid && mid <= r.y1 + slack)
            .map(|r| r.x0)
            .collect(),
    )
}

/// Cuts a text line: at the rulings when at least two cells' worth cross it
/// and hold its glyphs, else at gaps (`gap_cells`).
pub fn cut(
    glyphs: &[Glyph],
    verticals: &[Rule],
    gap_cells: impl Fn(&[Glyph]) -> Vec<String>,
) -> Line {
    let size = glyphs.iter().map(|g| g.size).fold(0.0, f32::max);
    let mid = glyphs.iter().map(|g| g.y).sum::<f32>() / glyphs.len().max(1) as f32 + 0.35 * size;
    let xs = crossing(verticals, mid, size);
    // Spaces past the table's edge (Word pads cells with them) do not count.
    let inside = |g: &Glyph| {
        let c = g.x + g.width / 2.0;
        g.text.trim().is_empty() || (xs.len() >= 3 && xs[0] < c && c < xs[xs.len() - 1])
    };
    if xs.len() < 3 || !glyphs.iter().all(inside) {
        return Line {
            mid,
            cells: gap_cells(glyphs),
            bounds: None,
            ruled: false,
            continues: false,
        };
    }
    let mut cells: Vec<String> = xs
        .windows(2)
        .map(|w| {
            let part: Vec<Glyph> = glyphs
                .iter()
                .filter(|g| {
                    let c = g.x + g.width / 2.0;
                    w[0] < c && c <= w[1]
                })
                .cloned()
                .collect();
            let mut cell = String::new();
            for piece in gap_cells(&part) {
                super::join_cell(&mut cell, &piece, " ");
            }
            cell
        })
        .collect();
    // A number running across a ruling (a cell too narrow for it) would be
    // cut into two numbers that both parse: mark both halves so neither does.
    let numeric = |g: &Glyph| {
        g.text
            .starts_with(|c: char| c.is_ascii_digit() || c == ',' || c == '.')
    };
    for (k, x) in xs
        .iter()
        .enumerate()
        .skip(1)
        .take(xs.len().saturating_sub(2))
    {
        let left = glyphs
            .iter()
            .filter(|g| g.x + g.width / 2.0 <= *x)
            .max_by(|a, b| a.x.total_cmp(&b.x));
        let right = glyphs
            .iter()
            .filter(|g| g.x + g.width / 2.0 > *x)
            .min_by(|a, b| a.x.total_cmp(&b.x));
        if let (Some(l), Some(r)) = (left, right) {
            if numeric(l) && numeric(r) && r.x - (l.x + l.width) < 0.3 * size {
                cells[k - 1].push_str(" ‖");
                cells[k].insert_str(0, "‖ ");
            }
        }
    }
    Line {
        mid,
        cells,
        bounds: Some(xs),
        ruled: true,
        continues: false,
    }
}

/// Whether the table a line belongs to draws rows at all: with vertical
/// rulings only, nothing tells a wrapped line from the next row, so every
/// line stays a row of its own.
fn draws_rows(horizontals: &[Rule], bounds: &[f32]) -> bool {
    let (Some(lo), Some(hi)) = (bounds.first(), bounds.last()) else {
        return false;
    };
    horizontals.iter().any(|r| r.x0 < *hi && *lo < r.x1)
}

/// Whether a ruled line at `lower` is still in the row of the line at
/// `upper`: the table draws rows, and no rule lies between them at `xs`.
fn same_row(horizontals: &[Rule], bounds: &[f32], upper: f32, lower: f32, xs: &[f32]) -> bool {
    draws_rows(horizontals, bounds) && !separated(horizontals, upper, lower, xs)
}

/// Whether a horizontal ruling separates two lines at any of `xs`.
fn separated(horizontals: &[Rule], upper: f32, lower: f32, xs: &[f32]) -> bool {
    horizontals.iter().any(|r| {
        lower < r.y0 && r.y0 < upper && xs.iter().any(|x| r.x0 - 1.0 <= *x && *x <= r.x1 + 1.0)
    })
}

/// Joins lines of one ruled row (wrapped cell text) and places each table's
/// rows on the table's full column set. Lines come top to bottom.
///
/// `carry` holds the columns of a table the previous page ended in: a page
/// that starts with rows on a subset of them (the table goes on without its
/// header) keeps that table's columns; it is updated for the next page.
pub fn rows(
    lines: Vec<Line>,
    horizontals: &[Rule],
    carry: &mut Option<Vec<f32>>,
) -> Vec<Vec<String>> {
    // 1. Wrapped lines into their row.
    let mut joined: Vec<Line> = Vec::new();
    for line in lines {
        if let (Some(prev), Some(bounds)) = (joined.last_mut(), line.bounds.as_ref()) {
            if prev.bounds.as_ref() == Some(bounds) {
                let centres: Vec<f32> = bounds
                    .windows(2)
                    .zip(&line.cells)
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(w, _)| (w[0] + w[1]) / 2.0)
                    .collect();
                let joins = if line.ruled {
                    same_row(horizontals, bounds, prev.mid, line.mid, &centres)
                } else {
                    line.continues
                };
                if joins {
                    for (p, t) in prev.cells.iter_mut().zip(line.cells) {
                        super::join_cell(p, &t, "");
                    }
                    prev.mid = line.mid;
                    continue;
                }
            }
        }
        joined.push(line);
    }
    // 2. Runs of ruled rows are one table: cells onto the union of boundaries.
    if joined.first().is_none_or(|l| l.bounds.is_none()) {
        *carry = None;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < joined.len() {
        if joined[i].bounds.is_none() {
            out.push(std::mem::take(&mut joined[i].cells));
            i += 1;
            continue;
        }
        // A run is one kind of table: rulings and alignment gutters never
        // mix into one column set.
        let ruled = joined[i].ruled;
        let end = (i..joined.len())
            .find(|&k| joined[k].bounds.is_none() || joined[k].ruled != ruled)
            .unwrap_or(joined.len());
        let mut all = cluster(
            joined[i..end]
                .iter()
                .flat_map(|l| l.bounds.iter().flatten().copied())
                .collect(),
        );
        if let Some(previous) = carry.take().filter(|_| i == 0 && ruled) {
            let within = |x: &f32| previous.iter().any(|p| (p - x).abs() <= SAME_X);
            if all.iter().all(within) {
                all = previous;
            }
        }
        if end == joined.len() {
            // Unruled columns carry through `align`, not here.
            *carry = ruled.then(|| all.clone());
        }
        let column = |x: f32| {
            all.iter()
                .position(|a| (a - x).abs() <= SAME_X)
                .unwrap_or(0)
        };
        // Per column: the row its text was last placed in, and that line's
        // middle. A cell with no rule above it since then is the wrapped
        // rest of that row's cell (a tall merged cell's text included);
        // the other cells of the line start a new row.
        let mut last: Vec<Option<(usize, f32)>> = vec![None; all.len().saturating_sub(1)];
        for line in &mut joined[i..end] {
            let bounds = line.bounds.take().unwrap_or_default();
            let mut cells: Vec<(usize, f32, String)> = Vec::new();
            for (w, t) in bounds.windows(2).zip(std::mem::take(&mut line.cells)) {
                if !t.is_empty() {
                    cells.push((column(w[0]), (w[0] + w[1]) / 2.0, t));
                }
            }
            if cells.is_empty() {
                continue;
            }
            let mut new_row: Option<usize> = None;
            for (c, centre, t) in cells {
                let continued = last.get(c).copied().flatten().filter(|(_, mid)| {
                    line.ruled && same_row(horizontals, &bounds, *mid, line.mid, &[centre])
                });
                let r = match continued {
                    Some((r, _)) => r,
                    None => *new_row.get_or_insert_with(|| {
                        out.push(vec![String::new(); all.len().saturating_sub(1)]);
                        out.len() - 1
                    }),
                };
                if let Some(cell) = out[r].get_mut(c) {
                    super::join_cell(cell, &t, "");
                }
                if let Some(slot) = last.get_mut(c) {
                    *slot = Some((r, line.mid));
                }
            }
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y,
            width: 8.0,
            size: 8.0,
        }
    }

    fn v(x: f32, y0: f32, y1: f32) -> Rule {
        Rule {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    fn h(y: f32, x0: f32, x1: f32) -> Rule {
        Rule {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn words(gs: &[Glyph]) -> Vec<String> {
        if gs.is_empty() {
            Vec::new()
        } else {
            vec![gs.iter().map(|g| g.text.as_str()).collect()]
        }
    }

    #[test]
    fn rulings_cut_cells_keep_empty_ones_and_join_wrapped_text() {
        // Three columns 0–40–80–120; header "收入" spans columns 1–2 (no
        // ruling at 80 in the header band), body rows have one empty cell.
        let verticals = [
            v(0.0, 0.0, 100.0),
            v(40.0, 0.0, 100.0),
            v(80.0, 0.0, 80.0),
            v(120.0, 0.0, 100.0),
        ];
        let horizontals = [
            h(100.0, 0.0, 120.0),
            h(80.0, 0.0, 120.0),
            h(40.0, 0.0, 120.0),
            h(0.0, 0.0, 120.0),
        ];
        let lines = vec![
            cut(
                &[
                    glyph("项", 5.0, 88.0),
                    glyph("收", 50.0, 88.0),
                    glyph("入", 58.0, 88.0),
                ],
                &verticals,
                words,
            ),
            // A row whose label wraps over two lines; its amount in column 3.
            cut(
                &[glyph("上", 5.0, 65.0), glyph("1", 100.0, 60.0)],
                &verticals,
                words,
            ),
            cut(&[glyph("级", 5.0, 55.0)], &verticals, words),
            cut(
                &[glyph("合", 5.0, 20.0), glyph("2", 60.0, 20.0)],
                &verticals,
                words,
            ),
        ];
        assert!(lines.iter().all(|l| l.bounds.is_some()));
        let rows = rows(lines, &horizontals, &mut None);
        assert_eq!(
            rows,
            vec![
                vec!["项".to_string(), "收入".into(), String::new()],
                vec!["上级".to_string(), String::new(), "1".into()],
                vec!["合".to_string(), "2".into(), String::new()],
            ]
        );
    }

    #[test]
    fn wrapped_text_joins_its_own_column_under_a_merged_heading() {
        // Header: `项目` spans columns 0–1 on the first line (no ruling at
        // 40 there); column 2 holds `附属单` that wraps to `位上缴` on the
        // next line, which also starts `科目` and `名称` below a rule.
        let verticals = [
            v(0.0, 0.0, 100.0),
            v(40.0, 0.0, 80.0),
            v(80.0, 0.0, 100.0),
            v(120.0, 0.0, 100.0),
        ];
        let horizontals = [
            h(100.0, 0.0, 120.0),
            h(84.0, 0.0, 80.0),
            h(60.0, 0.0, 120.0),
            h(0.0, 0.0, 120.0),
        ];
        let lines = vec![
            cut(
                &[glyph("项", 5.0, 88.0), glyph("附", 85.0, 88.0)],
                &verticals,
                words,
            ),
            cut(
                &[
                    glyph("科", 5.0, 72.0),
                    glyph("名", 45.0, 72.0),
                    glyph("位", 85.0, 72.0),
                ],
                &verticals,
                words,
            ),
            cut(
                &[glyph("合", 5.0, 30.0), glyph("9", 100.0, 30.0)],
                &verticals,
                words,
            ),
        ];
        assert_ne!(lines[0].bounds, lines[1].bounds);
        let mut carry = None;
        let first = rows(lines, &horizontals, &mut carry);
        assert_eq!(
            first,
            vec![
                vec!["项".to_string(), String::new(), "附位".into()],
                vec!["科".to_string(), "名".into(), String::new()],
                vec!["合".to_string(), String::new(), "9".into()],
            ]
        );
        // The table ends the page: its columns carry to the next one, where
        // a continued row without the middle ruling still lands on them.
        assert_eq!(carry, Some(vec![0.0, 40.0, 80.0, 120.0]));
        let next_page = [
            v(0.0, 0.0, 100.0),
            v(80.0, 0.0, 100.0),
            v(120.0, 0.0, 100.0),
        ];
        let line = cut(
            &[glyph("续", 5.0, 50.0), glyph("7", 100.0, 50.0)],
            &next_page,
            words,
        );
        let rows = rows(vec![line], &[], &mut carry);
        assert_eq!(
            rows,
            vec![vec!["续".to_string(), String::new(), "7".into()]]
        );
    }

    #[test]
    fn a_table_with_vertical_rulings_only_keeps_its_lines_apart() {
        let verticals = [v(0.0, 0.0, 100.0), v(40.0, 0.0, 100.0), v(80.0, 0.0, 100.0)];
        let lines = vec![
            cut(
                &[glyph("甲", 5.0, 80.0), glyph("1", 60.0, 80.0)],
                &verticals,
                words,
            ),
            cut(
                &[glyph("乙", 5.0, 70.0), glyph("2", 60.0, 70.0)],
                &verticals,
                words,
            ),
        ];
        let rows = rows(lines, &[], &mut None);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1], vec!["乙".to_string(), "2".into()]);
    }

    #[test]
    fn a_number_across_a_ruling_is_no_number_at_all() {
        // `1,010.70` printed over the ruling at 40: cut by glyph centres it
        // would read 1,0 | 10.70, both numbers.
        let verticals = [v(0.0, 0.0, 100.0), v(40.0, 0.0, 100.0), v(80.0, 0.0, 100.0)];
        let glyphs: Vec<Glyph> = "1,010.70"
            .chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x: 26.0 + 4.0 * i as f32,
                y: 50.0,
                width: 4.0,
                size: 8.0,
            })
            .collect();
        let line = cut(&glyphs, &verticals, words);
        assert_eq!(line.cells.len(), 2);
        assert!(
            line.cells
                .iter()
                .all(|c| crate::amount::Amount::parse(c).is_none()),
            "{:?}",
            line.cells
        );
    }

    #[test]
    fn lines_without_rulings_are_cut_at_gaps() {
        let line = cut(
            &[glyph("说", 5.0, 200.0), glyph("明", 13.0, 200.0)],
            &[v(0.0, 0.0, 100.0)],
            words,
        );
        assert!(line.bounds.is_none());
        assert_eq!(line.cells, vec!["说明".to_string()]);
    }
}
