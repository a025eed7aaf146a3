//! Unruled tables: columns from alignment. In a run of lines that prints
//! numbers in several places (a table body), body text starts at a column's
//! left edge, numbers end at its right edge and the lowest header row's
//! words start theirs; those edges cut every line of the run into cells —
//! empty cells kept, as a ruled table gives them. Lines set tighter than the
//! table's row pitch (a cell's text wrapped) go on the row above, and a
//! table that runs on to the next page keeps its columns there.

use super::grid::Line;
use super::interp::Glyph;

/// Glyphs set together: a word, an amount, a label.
#[derive(Debug, Clone)]
struct Unit {
    x0: f32,
    x1: f32,
    text: String,
}

impl Unit {
    fn numeric(&self) -> bool {
        super::is_number(&self.text)
    }
}

/// A line cut at gaps wider than about half a character (a column gutter
/// is two cell paddings), or at any real gap where digits meet text with no
/// space printed between them.
fn units(line: &[Glyph]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut pending_space = false;
    for g in line {
        if g.text.trim().is_empty() {
            pending_space = true;
            continue;
        }
        let digit = g.text.starts_with(|c: char| c.is_ascii_digit());
        let joins = out.last().is_some_and(|u| {
            let last_digit = u.text.ends_with(|c: char| c.is_ascii_digit() || c == ',');
            // A printed space keeps a code with its name (`201 一般…`).
            let limit = if last_digit == digit || pending_space {
                0.6
            } else {
                0.3
            };
            // A letter-spaced heading (`项    目`, `合  计`) is one word:
            // spaces a few characters wide between single characters.
            let spaced = pending_space
                && g.x - u.x1 <= 2.5 * g.size
                && is_cjk(&g.text)
                && u.text
                    .chars()
                    .last()
                    .is_some_and(|c| is_cjk(&c.to_string()));
            spaced || g.x - u.x1 <= limit * g.size
        });
        match out.last_mut() {
            Some(u) if joins => {
                if pending_space {
                    u.text.push(' ');
                }
                u.text.push_str(&g.text);
                u.x1 = g.x + g.width;
            }
            _ => out.push(Unit {
                x0: g.x,
                x1: g.x + g.width,
                text: g.text.clone(),
            }),
        }
        pending_space = false;
    }
    out
}

fn is_cjk(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(crate::normalize::is_ideograph)
}

fn size(line: &[Glyph]) -> f32 {
    line.iter().map(|g| g.size).fold(0.0, f32::max)
}

/// The column-number row: `※ ※ 1 2 3 …`, `栏次 1 2 …`.
fn is_column_numbers(line: &[Unit]) -> bool {
    let mut n = 0;
    line.len() >= 2
        && line.iter().all(|u| {
            let t = u.text.trim();
            if let Ok(k) = t.parse::<usize>() {
                n += 1;
                k == n
            } else {
                matches!(t, "※" | "*" | "栏次" | "行次" | "甲" | "乙" | "丙")
            }
        })
        && n >= 2
}

/// A body line: numbers in several places — not the column-number row
/// (`1 2 3 …`, `栏次`), which is header.
fn is_body(line: &[Unit]) -> bool {
    let numbers: Vec<&str> = line
        .iter()
        .filter(|u| u.numeric())
        .map(|u| u.text.as_str())
        .collect();
    line.len() >= 2 && !numbers.is_empty() && !is_column_numbers(line)
}

/// Boundaries of a table block's columns, from how cells align: body text
/// starts at a column's left edge, body numbers end at its right edge, and a
/// header word starts a column where it cuts no body unit (an empty
/// column's heading, or a left-aligned `预算数` over right-aligned amounts).
/// Anchors closer than a character are one boundary.
fn boundaries(block: &[Vec<Unit>], continues: &[bool], size: f32) -> Vec<f32> {
    let body: Vec<&Unit> = block.iter().filter(|l| is_body(l)).flatten().collect();
    let (Some(lo), Some(hi)) = (
        block.iter().flatten().map(|u| u.x0).reduce(f32::min),
        block.iter().flatten().map(|u| u.x1).reduce(f32::max),
    ) else {
        return Vec::new();
    };
    let margin = 0.25 * size;
    let mut anchors: Vec<f32> = vec![lo - 1.0, hi + 1.0];
    for u in &body {
        anchors.push(if u.numeric() {
            u.x1 + margin
        } else {
            u.x0 - margin
        });
    }
    // Header words start their column: every word of the lowest header row
    // (the leaves), and of the rows above it the words over a gap in the
    // leaves (a heading two rows tall); a heading over several leaves is
    // centred on them and marks no edge, nor does the centred column-number
    // row.
    let mut rows: Vec<Vec<&Unit>> = Vec::new();
    for (k, line) in block.iter().enumerate() {
        if is_body(line) {
            break;
        }
        match rows.last_mut() {
            Some(row) if continues[k] => row.extend(line),
            _ => rows.push(line.iter().collect()),
        }
    }
    rows.retain(|r| !is_column_numbers(&r.iter().map(|u| (*u).clone()).collect::<Vec<_>>()));
    if let Some((leaves, upper)) = rows.split_last() {
        anchors.extend(leaves.iter().map(|u| u.x0 - margin));
        for u in upper.iter().flatten() {
            if !leaves.iter().any(|l| l.x0 < u.x1 && u.x0 < l.x1) {
                anchors.push(u.x0 - margin);
            }
        }
    }
    anchors.sort_by(f32::total_cmp);
    // Inner anchors closer than a character are one boundary; the outer
    // edges stay where the text ends, so no unit falls outside.
    let mut inner: Vec<f32> = Vec::new();
    for a in anchors
        .into_iter()
        .filter(|a| lo - 1.0 + 0.9 * size <= *a && *a <= hi + 1.0 - 0.9 * size)
    {
        match inner.last_mut() {
            Some(last) if a - *last < 0.9 * size => *last = (*last).max(a),
            _ => inner.push(a),
        }
    }
    // A boundary never cuts through a body unit.
    inner.retain(|x| !body.iter().any(|u| u.x0 < *x && *x < u.x1));
    let mut out = vec![lo - 1.0];
    out.extend(inner);
    out.push(hi + 1.0);
    out
}

/// The cells of one line on the block's columns: a unit goes to the column
/// its middle falls in, a unit spanning columns (a merged heading) to the one
/// it starts in.
fn place(units: &[Unit], bounds: &[f32]) -> Vec<String> {
    let n = bounds.len().saturating_sub(1);
    let mut cells = vec![String::new(); n];
    for u in units {
        let column = |x: f32| bounds.windows(2).position(|w| w[0] <= x && x < w[1]);
        let (start, middle) = (column(u.x0 + 0.5), column((u.x0 + u.x1) / 2.0));
        // Past an edge (a carried table's columns): the nearest column,
        // never dropped.
        let i = (if start != column(u.x1 - 0.5) {
            start
        } else {
            middle
        })
        .or(middle)
        .unwrap_or(if u.x0 < bounds[0] { 0 } else { n - 1 });
        super::join_cell(&mut cells[i], &u.text, " ");
    }
    cells
}

/// Rebuilds the unruled tables among a page's lines (top to bottom; ruled
/// lines are left alone). `glyphs[i]` are the glyphs of `lines[i]`.
/// `carry` holds the columns of an unruled table the previous page ended
/// in: a table at the top of this page whose every unit fits them goes on
/// in them (a continued table prints no header); it is updated for the next
/// page.
pub fn realign(glyphs: &[Vec<Glyph>], lines: &mut [Line], carry: &mut Option<Vec<f32>>) {
    let previous = carry.take();
    let units: Vec<Vec<Unit>> = glyphs.iter().map(|g| units(g)).collect();
    let sizes: Vec<f32> = glyphs.iter().map(|g| size(g)).collect();
    let tabular = |i: usize| units[i].len() >= 2 && units[i].iter().any(Unit::numeric);
    let mut i = 0;
    while i < lines.len() {
        if lines[i].bounds.is_some() {
            i += 1;
            continue;
        }
        // A run of unruled lines in one font size, set a few lines apart at most.
        let mut end = i + 1;
        while end < lines.len()
            && lines[end].bounds.is_none()
            && (sizes[end] - sizes[i]).abs() <= 0.15 * sizes[i]
            && lines[end - 1].mid - lines[end].mid <= 2.5 * sizes[i]
        {
            end += 1;
        }
        // The table is where lines print numbers in several places; lines
        // of one unit at its edges are text around it.
        let (mut a, mut b) = (i, end);
        while a < b && units[a].len() < 2 {
            a += 1;
        }
        // Trailing one-unit lines stay when they start where the body's
        // text does (a two-sided table's rows with one side only).
        let starts: Vec<f32> = (a..b)
            .filter(|&k| is_body(&units[k]))
            .flat_map(|k| units[k].iter().filter(|u| !u.numeric()).map(|u| u.x0))
            .collect();
        let aligned = |k: usize| {
            units[k].len() == 1 && starts.iter().any(|x| (x - units[k][0].x0).abs() <= 1.0)
        };
        while b > a && units[b - 1].len() < 2 {
            b -= 1;
        }
        while a < b && b < end && aligned(b) {
            b += 1;
        }
        // …except the rest of a wrapped last row, set one leading below it.
        while a < b && b < end && lines[b - 1].mid - lines[b].mid <= 1.4 * sizes[b] {
            b += 1;
        }
        // A table goes on from the previous page when this page starts
        // with rows of it (rows of one cell included) that fit its columns.
        let continued = previous
            .as_ref()
            .filter(|_| i == 0 && (i..b).any(|k| is_body(&units[k])));
        if continued.is_some() {
            a = i;
        }
        // A header at the foot of a page: its columns carry to the body
        // on the next.
        let header_at_foot =
            b == lines.len() && (a..b).filter(|&k| units[k].len() >= 2).count() >= 2;
        // Two rows of numbers, or one under a header (a “三公” table).
        let body_rows = (a..b).filter(|&k| tabular(k)).count();
        let multi = (a..b).filter(|&k| units[k].len() >= 2).count();
        if body_rows >= 2
            || (body_rows == 1 && multi >= 3)
            || (continued.is_some() && a < b)
            || header_at_foot
        {
            let bounds = rebuild(&units[a..b], &sizes[a..b], continued, &mut lines[a..b]);
            if b == lines.len() {
                *carry = bounds;
            }
        }
        i = end;
    }
}

/// Cuts a table block's lines into cells; returns its column boundaries.
fn rebuild(
    units: &[Vec<Unit>],
    sizes: &[f32],
    continued: Option<&Vec<f32>>,
    lines: &mut [Line],
) -> Option<Vec<f32>> {
    // The outer edges of carried columns are only where the text ended.
    let inner = |bounds: &Vec<f32>| bounds[1..bounds.len().saturating_sub(1)].to_vec();
    // Carried columns fit when no boundary cuts a unit and no column gets
    // two units of one line (another table's layout would).
    let fits = |bounds: &Vec<f32>| {
        let inner = inner(bounds);
        let uncut = units
            .iter()
            .flatten()
            .all(|u| !inner.iter().any(|b| u.x0 < *b && *b < u.x1));
        uncut
            && units.iter().all(|line| {
                let mut columns: Vec<usize> = line
                    .iter()
                    .map(|u| inner.iter().filter(|b| **b <= u.x0).count())
                    .collect();
                let n = columns.len();
                columns.dedup();
                columns.len() == n
            })
    };
    let size = sizes.iter().copied().fold(0.0, f32::max);
    // Lines set closer than a row apart go on the row above, unless both
    // print numbers. A row's pitch is what consecutive number rows show
    // (their median); without enough of them, a line or so.
    let mut pitches: Vec<f32> = (1..lines.len())
        .filter(|&k| units[k - 1].iter().any(Unit::numeric) && units[k].iter().any(Unit::numeric))
        .map(|k| lines[k - 1].mid - lines[k].mid)
        .collect();
    pitches.sort_by(f32::total_cmp);
    let row_pitch = (pitches.len() >= 2).then(|| pitches[pitches.len() / 2]);
    let mut continues = vec![false; lines.len()];
    let mut row_numeric = false;
    for k in 0..lines.len() {
        let numeric = units[k].iter().any(Unit::numeric);
        let pitch = if k > 0 {
            lines[k - 1].mid - lines[k].mid
        } else {
            f32::INFINITY
        };
        let tight = pitch <= 1.4 * sizes[k] && row_pitch.is_none_or(|row| pitch < 0.85 * row);
        continues[k] = k > 0 && tight && !(row_numeric && numeric);
        row_numeric = if continues[k] {
            row_numeric || numeric
        } else {
            numeric
        };
    }
    let bounds = match continued.filter(|b| b.len() >= 3 && fits(b)) {
        Some(b) => {
            let lo = units
                .iter()
                .flatten()
                .map(|u| u.x0 - 1.0)
                .fold(b[0], f32::min);
            let hi = units
                .iter()
                .flatten()
                .map(|u| u.x1 + 1.0)
                .fold(b[b.len() - 1], f32::max);
            let mut out = vec![lo];
            out.extend(inner(b));
            out.push(hi);
            out
        }
        None => boundaries(units, &continues, size),
    };
    if bounds.len() < 3 {
        return None;
    }
    for (k, line) in lines.iter_mut().enumerate() {
        line.cells = place(&units[k], &bounds);
        line.bounds = Some(bounds.clone());
        line.ruled = false;
        line.continues = continues[k];
    }
    Some(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of words at x positions, 8 pt, glyph width 8 (digits 4).
    fn line(y: f32, words: &[(f32, &str)]) -> Vec<Glyph> {
        let mut out = Vec::new();
        for (x, w) in words {
            let mut x = *x;
            for c in w.chars() {
                let width = if c.is_ascii() { 4.0 } else { 8.0 };
                out.push(Glyph {
                    text: c.to_string(),
                    x,
                    y,
                    width,
                    size: 8.0,
                });
                x += width;
            }
        }
        out
    }

    fn unruled(glyphs: &[Vec<Glyph>]) -> Vec<Line> {
        glyphs
            .iter()
            .map(|g| Line {
                mid: g[0].y,
                cells: Vec::new(),
                bounds: None,
                ruled: false,
                continues: false,
            })
            .collect()
    }

    #[test]
    fn columns_from_alignment_keep_empty_cells_and_split_touching_ones() {
        // Label | amount (right-aligned, ends at 100) | code+name | amount.
        // The amount 1,010.70 ends 8 pt before the code 201 starts.
        let glyphs = vec![
            line(
                100.0,
                &[
                    (0.0, "项目"),
                    (60.0, "预算数"),
                    (108.0, "功能分类"),
                    (200.0, "预算数"),
                ],
            ),
            line(
                87.0,
                &[
                    (0.0, "本年收入"),
                    (68.0, "1,010.70"),
                    (108.0, "201 一般公共服务"),
                    (208.0, "5.00"),
                ],
            ),
            line(74.0, &[(0.0, "其中"), (108.0, "202 外交")]),
            // Its label wraps: the rest sits one leading (10 pt) lower.
            line(
                61.0,
                &[
                    (0.0, "上级补助"),
                    (80.0, "1.46"),
                    (108.0, "203 国防"),
                    (208.0, "1.00"),
                ],
            ),
            line(51.0, &[(0.0, "收入")]),
        ];
        let mut lines = unruled(&glyphs);
        realign(&glyphs, &mut lines, &mut None);
        let cells: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(cells[0], ["项目", "预算数", "功能分类", "预算数"]);
        assert_eq!(
            cells[1],
            ["本年收入", "1,010.70", "201 一般公共服务", "5.00"]
        );
        assert_eq!(cells[2], ["其中", "", "202 外交", ""]);
        assert_eq!(cells[3], ["上级补助", "1.46", "203 国防", "1.00"]);
        assert_eq!(cells[4], ["收入", "", "", ""]);
        let continues: Vec<bool> = lines.iter().map(|l| l.continues).collect();
        assert_eq!(continues, [false, false, false, false, true]);
    }

    #[test]
    fn a_single_spaced_label_row_is_a_row_of_its_own() {
        // Rows set one leading apart (10 pt at 8 pt type, no padding): the
        // label-only row `其中：` is a row, not the rest of the row above.
        let glyphs = vec![
            line(110.0, &[(0.0, "项目"), (64.0, "本年"), (104.0, "上年")]),
            line(
                100.0,
                &[(0.0, "一般公共预算"), (80.0, "5.00"), (120.0, "6.00")],
            ),
            line(
                90.0,
                &[(0.0, "政府性基金"), (80.0, "1.00"), (120.0, "2.00")],
            ),
            line(80.0, &[(0.0, "国有资本"), (80.0, "3.00"), (120.0, "4.00")]),
            line(70.0, &[(0.0, "其中：")]),
            line(60.0, &[(0.0, "事业收入"), (80.0, "7.00"), (120.0, "8.00")]),
        ];
        let mut lines = unruled(&glyphs);
        realign(&glyphs, &mut lines, &mut None);
        assert!(lines.iter().all(|l| !l.continues), "{lines:?}");
        assert_eq!(lines[1].cells, ["一般公共预算", "5.00", "6.00"]);
        assert_eq!(lines[4].cells, ["其中：", "", ""]);
    }

    #[test]
    fn prose_is_left_alone() {
        let glyphs = vec![
            line(100.0, &[(0.0, "收支总预算1010.70万元。")]),
            line(85.0, &[(0.0, "其中基本支出927.93万元")]),
        ];
        let mut lines = unruled(&glyphs);
        realign(&glyphs, &mut lines, &mut None);
        assert!(lines.iter().all(|l| l.bounds.is_none()));
    }
}
