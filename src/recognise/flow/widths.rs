//! Coded tables whose wrapped names sit anywhere in their cells: at the
//! top, centred (a line more below or above), or at the bottom, as a dump
//! that sorts text by its line prints them. Each name's lines interleave
//! with the rows' lines, and a row's own line prints the piece of its name
//! that is level with its amounts, or none.
//!
//! ```text
//! 一般公
//! 201 共服务 1480.74 1162.30 318.44
//! 支出
//! 行政运
//! 2010301 行 392.40 392.40 0.00
//! ```
//!
//! Read in order, the lines over a row would go to the row above. But a
//! wrapped name's lines all fill the column but its last: a line narrower
//! than the column ends a name. Cut there, the name lines (the rows' own
//! pieces among them) fall into runs, most of them one row's name: the row
//! prints a piece of it on its line or, printing none, stands between two
//! of its pieces (or right under a run with no row). Those names show how
//! the table sets a name on its row (top, bottom, centred a line more
//! below or above), and a run holding several rows (a name ending on a
//! line as wide as the column) is cut the one way that sets every name so.
//! The reading is taken only when it holds together that way, some name
//! starts over its row, and it names at least as many 类 rows by their
//! class's name as reading in order.

use super::centred::Line;
use super::over::NameLines;
use super::{is_class, is_number_fragment, names_class, JoinedLines};
use crate::grammar::Grammar;
use crate::model::Provenance;

/// Lines a wrapped name spans at most.
const MAX_NAME_LINES: usize = 8;

/// Lines a run of names (each but its last ending on a line as wide as the
/// column) spans at most.
const MAX_RUN_LINES: usize = 64;

/// A line of a run of name lines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    /// A line printing a piece of a name only.
    Text(usize),
    /// A row's line printing a piece of its name.
    OnRow(usize),
    /// A row's line printing none.
    Bare(usize),
}

impl Piece {
    fn line(self) -> usize {
        match self {
            Piece::Text(i) | Piece::OnRow(i) | Piece::Bare(i) => i,
        }
    }
    fn row(self) -> Option<usize> {
        match self {
            Piece::Text(_) => None,
            Piece::OnRow(i) | Piece::Bare(i) => Some(i),
        }
    }
}

/// How a table sets a wrapped name on its row's line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Setting {
    Top,
    Bottom,
    /// Centred, an odd line more above the row than below.
    CentredHigh,
    /// Centred, an odd line more below.
    CentredLow,
}

impl Setting {
    const ALL: [Setting; 4] = [
        Setting::Top,
        Setting::Bottom,
        Setting::CentredHigh,
        Setting::CentredLow,
    ];

    /// Whether a name of `lines` lines, `over` of them over its row's
    /// line, is set so; `on_row` when the row's line prints one of them.
    fn sets(self, lines: usize, over: usize, on_row: bool) -> bool {
        if lines == 0 {
            return !on_row;
        }
        // Lines under the row's.
        let under = lines - over - usize::from(on_row);
        match self {
            Setting::Top => over == 0 && on_row,
            Setting::Bottom => under == 0,
            Setting::CentredHigh => over == under || (on_row && over == under + 1),
            Setting::CentredLow => over == under || (on_row && under == over + 1),
        }
    }
}

/// One row's name in a run: its row, its lines, and how many of them are
/// over the row's line.
fn fits(name: &[Piece], row: Piece, setting: Setting) -> bool {
    let lines = name.iter().filter(|p| !matches!(p, Piece::Bare(_))).count();
    if lines > MAX_NAME_LINES {
        return false;
    }
    let over = name.iter().take_while(|p| p.line() < row.line()).count();
    let on_row = matches!(row, Piece::OnRow(_));
    setting.sets(lines, over, on_row)
}

/// The ways to cut `run` into one name a row (each row's line within its
/// name's, no other row's in it) that set every name by `setting`: the
/// cuts, each name's end.
fn cuts(run: &[Piece], setting: Setting) -> Vec<Vec<usize>> {
    let rows: Vec<usize> = (0..run.len()).filter(|&k| run[k].row().is_some()).collect();
    let mut search = CutSearch {
        run,
        rows: &rows,
        setting,
        dead: vec![false; (run.len() + 1) * (rows.len() + 1)],
        ends: Vec::new(),
        found: Vec::new(),
    };
    search.from(0, 0);
    search.found
}

/// A depth-first search of a run's cuts that remembers the places no cut
/// completes from: a run of many full lines is not searched again from
/// each of them (the search was exponential in the run's rows).
struct CutSearch<'r> {
    run: &'r [Piece],
    rows: &'r [usize],
    setting: Setting,
    /// (name start, next row) pairs from which no cut completes.
    dead: Vec<bool>,
    ends: Vec<usize>,
    found: Vec<Vec<usize>>,
}

impl CutSearch<'_> {
    /// Whether some cut completes from `from`, the next name row
    /// `next_row`'s; each one found is kept.
    fn from(&mut self, from: usize, next_row: usize) -> bool {
        let key = from * (self.rows.len() + 1) + next_row;
        if self.dead[key] {
            return false;
        }
        let Some(&row) = self.rows.get(next_row) else {
            let complete = from == self.run.len();
            if complete {
                self.found.push(self.ends.clone());
            }
            return complete;
        };
        let last_row = next_row + 1 == self.rows.len();
        // The name holds its row's line and stops before the next row's.
        let until = self
            .rows
            .get(next_row + 1)
            .copied()
            .unwrap_or(self.run.len());
        let mut completes = false;
        for end in row + 1..=until {
            if last_row && end != self.run.len() {
                continue;
            }
            if fits(&self.run[from..end], self.run[row], self.setting) {
                self.ends.push(end);
                completes |= self.from(end, next_row + 1);
                self.ends.pop();
            }
        }
        self.dead[key] = !completes;
        completes
    }
}

/// The table's lines with each row's name joined into its line after its
/// code (`201 一般公共服务支出 1480.74 …`); `None` when the table does not
/// read so wholly.
pub(super) fn join_names_by_width(
    g: &Grammar,
    lines: &[(Provenance, String)],
    kinds: &[Line],
    economic: bool,
) -> Option<JoinedLines> {
    let body = NameLines::new(g, lines, kinds)?;
    let first_row = body.first_row;
    // Over the first row, the name lines right above it that fill the
    // column (the header's lines are above those).
    let heads_of_first = (0..first_row)
        .rev()
        .take_while(|&i| body.piece(i) && body.fills_just(body.text(i)))
        .take(MAX_NAME_LINES - 1)
        .count();
    let runs = runs(&body, kinds, first_row - heads_of_first)?;
    // The settings some cut of every run fits.
    let settings: Vec<Setting> = Setting::ALL
        .into_iter()
        .filter(|&s| runs.iter().all(|run| !cuts(run, s).is_empty()))
        .collect();
    // Each row line's name: the lines of its pieces in order (its own
    // line's among them).
    let mut names_of: Vec<Option<Vec<usize>>> = vec![None; lines.len()];
    // Rows that two ways of cutting their run name otherwise.
    let mut doubted_rows: Vec<usize> = Vec::new();
    let mut heads_over_a_row = false;
    for run in &runs {
        let mut ways: Vec<Vec<usize>> = settings.iter().flat_map(|&s| cuts(run, s)).collect();
        ways.sort_unstable();
        ways.dedup();
        // Several ways: the ones naming the most 类 rows by their class.
        if ways.len() > 1 {
            let classes_named = |ends: &Vec<usize>| {
                names(run, ends)
                    .filter(|(row, pieces)| {
                        let code = lines[*row].1.split_whitespace().next().unwrap_or_default();
                        let name: String = pieces.iter().map(|&j| body.name_text(j)).collect();
                        matches!(kinds[*row], Line::Row { code_tokens: 1, .. })
                            && is_class(g, code, economic)
                            && names_class(g, code, &name, economic)
                    })
                    .count()
            };
            let most = ways.iter().map(classes_named).max().unwrap_or(0);
            ways.retain(|w| classes_named(w) == most);
        }
        let (first, others) = ways.split_first()?;
        // Name lines between two rows of a run: where the upper name ends
        // among them is the table's setting, guessed from its other names,
        // and a row may be set otherwise (both rows are doubted).
        let rows_in_run: Vec<usize> = names(run, first).map(|(row, _)| row).collect();
        for pair in rows_in_run.windows(2) {
            let (upper, lower) = (pair[0], pair[1]);
            if run
                .iter()
                .any(|p| matches!(*p, Piece::Text(j) if upper < j && j < lower))
            {
                doubted_rows.extend([upper, lower]);
            }
        }
        for (row, pieces) in names(run, first) {
            heads_over_a_row |= pieces.first().is_some_and(|&j| j < row);
            // A row another way names otherwise.
            if others
                .iter()
                .any(|w| names(run, w).any(|(r, p)| r == row && p != pieces))
            {
                doubted_rows.push(row);
            }
            names_of[row] = Some(pieces);
        }
    }
    if !heads_over_a_row {
        return None;
    }
    // Every row named, and 类 rows named by their class as often as in
    // order (each row's own piece and the name lines under it).
    let (mut by_width, mut in_order) = (0, 0);
    for i in first_row..lines.len() {
        let Line::Row { code_tokens, .. } = kinds[i] else {
            continue;
        };
        let pieces = names_of[i].as_ref()?;
        let code = lines[i].1.split_whitespace().next().unwrap_or_default();
        if code_tokens == 1 && is_class(g, code, economic) {
            let name: String = pieces.iter().map(|&j| body.name_text(j)).collect();
            let under: String = (i + 1..lines.len())
                .take_while(|&j| body.piece(j))
                .map(|j| body.text(j))
                .collect();
            by_width += usize::from(names_class(g, code, &name, economic));
            in_order += usize::from(names_class(g, code, &(body.inline(i) + &under), economic));
        }
    }
    if by_width < in_order {
        return None;
    }
    let mut in_a_name = vec![false; lines.len()];
    for &j in names_of.iter().flatten().flatten() {
        in_a_name[j] = true;
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut doubted = Vec::new();
    for (i, (at, line)) in lines.iter().enumerate() {
        match &names_of[i] {
            Some(pieces) => {
                let name: String = pieces.iter().map(|&j| body.name_text(j)).collect();
                let at = pieces.first().map_or(*at, |&j| lines[j].0);
                if doubted_rows.contains(&i) {
                    doubted.push(at);
                }
                out.push((at, body.rejoined(i, &name)));
            }
            None if in_a_name[i] => {}
            None => out.push((*at, line.clone())),
        }
    }
    Some((out, doubted))
}

/// Each row of `run` cut at `ends` with its name's lines.
fn names<'r>(
    run: &'r [Piece],
    ends: &'r [usize],
) -> impl Iterator<Item = (usize, Vec<usize>)> + 'r {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends).filter_map(move |(from, &end)| {
        let name = &run[from..end];
        let row = name.iter().find_map(|p| p.row())?;
        let pieces = name.iter().filter(|p| !matches!(p, Piece::Bare(_)));
        Some((row, pieces.map(|p| p.line()).collect()))
    })
}

/// The name lines from `start` on, cut after each line narrower than the
/// column; a run with no row joins the row printing no name right under
/// it. `None` when a run has no row that way, or runs into a total.
fn runs(body: &NameLines, kinds: &[Line], start: usize) -> Option<Vec<Vec<Piece>>> {
    let mut runs: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    // A run ended with no row in it, waiting for a row printing none.
    let mut unowned: Option<Vec<Piece>> = None;
    // Right after a line of amounts no row of the grammar's prints.
    let mut after_unread_row = false;
    for (i, kind) in kinds.iter().enumerate().skip(start) {
        let (piece, ends) = match *kind {
            Line::Name if body.piece_or_lone_heading(i) => {
                (Piece::Text(i), ends_a_name(body, body.text(i)))
            }
            Line::Row { bare: true, .. } => (Piece::Bare(i), false),
            Line::Row { .. } => (Piece::OnRow(i), ends_a_name(body, &body.inline(i))),
            // A line of amounts after a label no row of the grammar's, or
            // a row's amounts with no code or label (a row not read as
            // one): a name open over it would cross a row.
            Line::Other if prints_unread_row(body.text(i)) => {
                // It ends a name on the row's line before it, like a total.
                let on_a_row = current.last().is_some_and(|p| p.row().is_some());
                if unowned.is_some() || !current.is_empty() && !on_a_row {
                    return None;
                }
                if on_a_row {
                    runs.push(std::mem::take(&mut current));
                }
                after_unread_row = true;
                continue;
            }
            // A name goes on over a page's foot and the header repeated.
            Line::Other | Line::Name => continue,
            // A total ends the name before it.
            Line::Total if unowned.is_none() => {
                if !current.is_empty() {
                    if !current.iter().any(|p| p.row().is_some()) {
                        return None;
                    }
                    runs.push(std::mem::take(&mut current));
                }
                continue;
            }
            Line::Total => return None,
        };
        // Name lines right under that row may be its own name's end.
        if std::mem::take(&mut after_unread_row) && matches!(piece, Piece::Text(_)) {
            return None;
        }
        if let Some(mut run) = unowned.take() {
            if !matches!(piece, Piece::Bare(_)) || !current.is_empty() {
                return None;
            }
            run.push(piece);
            runs.push(run);
            continue;
        }
        current.push(piece);
        if current.len() > MAX_RUN_LINES {
            return None;
        }
        if ends {
            let run = std::mem::take(&mut current);
            if run.iter().any(|p| p.row().is_some()) {
                runs.push(run);
            } else {
                unowned = Some(run);
            }
        }
    }
    if unowned.is_some() {
        return None;
    }
    // The last name may end on a line as wide as the column.
    if !current.is_empty() {
        if !current.iter().any(|p| p.row().is_some()) {
            return None;
        }
        runs.push(current);
    }
    Some(runs)
}

/// Whether a name's line is narrower than the column: narrower as printed
/// and, holding Latin letters or digits (whose printed width a font sets),
/// in characters too (`PPP项` over `目运营补`).
fn ends_a_name(body: &NameLines, text: &str) -> bool {
    let has_ascii = text.chars().any(|c| c.is_ascii_alphanumeric());
    let may_fill = body.fills_printed(text) || has_ascii && body.fills(text);
    !may_fill
}

/// Whether a line is a row the table's rows do not read: a label and an
/// amount, or amounts alone, two or more whole ones (not a split amount's
/// pieces).
fn prints_unread_row(text: &str) -> bool {
    let whole_amounts = text
        .split_whitespace()
        .filter(|t| {
            let (int, frac) = t.split_once('.').unwrap_or((t, ""));
            frac.len() == 2 && !int.is_empty() && is_number_fragment(t)
        })
        .count();
    let amounts_alone = text.split_whitespace().all(is_number_fragment);
    prints_labelled_amounts(text) || (amounts_alone && whole_amounts >= 2)
}

/// Whether a line prints a label and then an amount or its head
/// (`其他支出 12.00`, `支出 210.`), not a page's number (`第 3 页`).
fn prints_labelled_amounts(text: &str) -> bool {
    let mut tokens = text.split_whitespace();
    let labelled = tokens.next().is_some_and(|t| {
        t.chars()
            .any(|c| !c.is_ascii_digit() && !c.is_ascii_punctuation())
    });
    labelled && tokens.any(|t| is_number_fragment(t) && (t.contains('.') || t.len() >= 3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::flow::centred::classify_all;
    use crate::recognise::flow::numbered;

    /// The joined lines, and the codes of the rows doubted.
    fn joined(text: &str) -> Option<(Vec<String>, Vec<String>)> {
        let lines = numbered(text.lines());
        let g = Grammar::global();
        let (out, doubted) =
            join_names_by_width(g, &lines, &classify_all(g, &lines, false), false)?;
        let codes = out
            .iter()
            .filter(|(at, _)| doubted.contains(at))
            .map(|(_, l)| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect();
        Some((out.into_iter().map(|(_, l)| l).collect(), codes))
    }

    #[test]
    fn names_centred_on_rows_that_print_their_middle_join_their_rows() {
        // Three characters a line, each name centred on its row, the
        // row's line printing the piece level with it, a line more over it
        // than under it (事业运 / 行). 政府办公厅（室）及相关机构事务 ends on a
        // line as wide as the column: where the next name starts is the
        // one place that sets both names so, but a row may be set unlike
        // the others, and both rows are doubted.
        let (out, doubted) = joined(
            "科目编码 科目名称 合计 基本支出 项目支出
合计 1480.74 1162.30 318.44
一般公
201 共服务 1480.74 1162.30 318.44
支出
政府办
公厅（
20103 室）及 1480.74 1162.30 318.44
相关机
构事务
行政运
2010301 行 392.40 392.40 0.00
一般行
2010302 政管理 41.39 41.39 0.00
事务
事业运
2010350 行 1046.95 728.51 318.44",
        )
        .unwrap();
        assert_eq!(
            out,
            [
                "科目编码 科目名称 合计 基本支出 项目支出",
                "合计 1480.74 1162.30 318.44",
                "201 一般公共服务支出 1480.74 1162.30 318.44",
                "20103 政府办公厅（室）及相关机构事务 1480.74 1162.30 318.44",
                "2010301 行政运行 392.40 392.40 0.00",
                "2010302 一般行政管理事务 41.39 41.39 0.00",
                "2010350 事业运行 1046.95 728.51 318.44",
            ]
        );
        assert_eq!(doubted, ["20103", "2010301"]);
    }

    #[test]
    fn names_at_the_bottom_of_their_cells_join_the_row_below() {
        // 一般行政 fills the column: it may end 行政运行's name (set on top)
        // as well as start the next row's.
        let (out, doubted) = joined(
            "科目编码 科目名称 合计 基本支出 项目支出
一般公共
201 服务支出 1480.74 1162.30 318.44
2010301 行政运行 392.40 392.40 0.00
一般行政
2010302 管理事务 41.39 41.39 0.00
2010350 1046.95 728.51 318.44
合计 1480.74 1162.30 318.44",
        )
        .unwrap();
        assert_eq!(
            out,
            [
                "科目编码 科目名称 合计 基本支出 项目支出",
                "201 一般公共服务支出 1480.74 1162.30 318.44",
                "2010301 行政运行 392.40 392.40 0.00",
                "2010302 一般行政管理事务 41.39 41.39 0.00",
                "2010350 1046.95 728.51 318.44",
                "合计 1480.74 1162.30 318.44",
            ]
        );
        assert_eq!(doubted, ["2010301", "2010302"]);
    }

    #[test]
    fn names_read_in_order_already_are_left_alone() {
        // Names wrapped under their rows.
        assert_eq!(
            joined(
                "科目编码 科目名称 合计
201 一般公 1480.74
共服务
支出
2010301 行政运 392.40
行",
            ),
            None
        );
    }

    #[test]
    fn a_row_the_grammar_does_not_read_stops_the_reading() {
        // Names centred on their rows, and an uncoded row (其中：非税收入)
        // between two of them.
        let around = |unread: &str| {
            format!(
                "科目编码 科目名称 合计 基本支出 项目支出
一般公
201 共服务 100.00 60.00 40.00
支出
{unread}
行政运
2010301 行 90.00 54.00 36.00"
            )
        };
        // Its name's head (其中非) would go on into the next row's name.
        assert_eq!(joined(&around("其中非\n税收入 10.00 6.00 4.00")), None);
        // Its name's end under it would start the next row's.
        assert_eq!(joined(&around("非税收 10.00 6.00 4.00\n入安排")), None);
        // Its amounts printed on a line of their own, its name centred on
        // them.
        assert_eq!(joined(&around("其中非\n10.00 6.00 4.00\n税收入")), None);
    }

    #[test]
    fn a_row_the_grammar_does_not_read_ends_the_name_on_the_row_above() {
        // A subtotal under the last row, whose name ends on its line (set
        // at the bottom): like a total, it ends that name.
        let (out, _) = joined(
            "科目编码 科目名称 合计 基本支出 项目支出
一般公共
201 服务支出 433.79 433.79 0.00
一般行政
2010302 管理事务 433.79 433.79 0.00
基本支出小计 433.79 433.79 0.00",
        )
        .unwrap();
        assert_eq!(
            out[1..3],
            [
                "201 一般公共服务支出 433.79 433.79 0.00",
                "2010302 一般行政管理事务 433.79 433.79 0.00",
            ]
        );
    }

    #[test]
    fn a_line_with_latin_letters_ends_no_name_by_its_width_alone() {
        // `PPP项` is four characters of a four-character column, but
        // narrower as printed (a font sets Latin letters narrower).
        let (out, doubted) = joined(
            "科目编码 科目名称 合计
灾害防治
224 及应急管 100.00
理支出
PPP项
2240106 目运营补 100.00
贴支出",
        )
        .unwrap();
        assert_eq!(
            out[1..],
            [
                "224 灾害防治及应急管理支出 100.00",
                "2240106 PPP项目运营补贴支出 100.00"
            ]
        );
        assert!(doubted.is_empty());
    }

    #[test]
    fn names_a_width_cannot_cut_one_way_are_doubted() {
        // Every line as wide as the column: where one name ends and the
        // next begins is not printed. The rows are joined one way, and
        // both are doubted.
        let lines = numbered(
            "科目编码 科目名称 合计
一般公
201 共服务 1480.74
支出政
2010301 府办公 392.40
厅事务"
                .lines(),
        );
        let g = Grammar::global();
        let kinds = classify_all(g, &lines, false);
        let (out, doubted) = join_names_by_width(g, &lines, &kinds, false).unwrap();
        let rows: Vec<Provenance> = out
            .iter()
            .filter(|(_, l)| l.starts_with("201"))
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(doubted, rows);
    }
}
