//! Coded tables whose cells centre their text on the row, as a dump that
//! sorts text by its line prints them (pdfplumber, PyMuPDF sorted): a name
//! wrapped on two lines prints one line above its row's code and amounts
//! and one below, the row's own line bare; wrapped on three, its middle
//! line on the row's.
//!
//! ```text
//! 社会保障和
//! 208 3061.52 2808.64
//! 就业支出
//! 人力资源和
//! 01 社会保障管 2945.64 2808.64
//! 理事务
//! ```
//!
//! Read in order, each name line would go to the row above. A table shows
//! the style when a bare row has a name line right over and right under
//! it, with no row right over those, and two rows somewhere have two name
//! lines or more between them. Then the name lines between two rows are
//! the upper row's, as many as it took above itself (none after a whole
//! name shorter than the column), then the lower row's (a bare row keeps
//! one at least). Each row's name is joined on its line after its code, as
//! a reader that keeps a cell's lines together prints it. The reading
//! stands only when it holds together (every bare row named, every row
//! given the lines it owes, every name's lines but its last as wide as the
//! column) and names more 类 rows by their class's name than reading each
//! name from the lines under its row or over it: names printed over their
//! rows, or a line low, look alike line by line.

use super::{is_class, is_level, is_number_fragment, is_total_start, leading_code, names_class};
use crate::grammar::Grammar;
use crate::model::Provenance;

/// What a line of the table's body is to the centred reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Line {
    /// Text only: a piece of a name (or of the header, before the rows).
    Name,
    /// A row: its code's tokens, and whether nothing but amounts follow.
    Row { code_tokens: usize, bare: bool },
    /// A total row (`合计 …` and amounts): its name is on its line.
    Total,
    /// Anything else (a page number, amounts alone).
    Other,
}

fn classify(g: &Grammar, line: &str, economic: bool) -> Line {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let Some(first) = tokens.first() else {
        return Line::Other;
    };
    let amounts = tokens.iter().any(|t| is_number_fragment(t));
    if is_total_start(first) {
        // `合计` over its amounts' line, or heading a header's columns.
        return if amounts { Line::Total } else { Line::Other };
    }
    if !amounts {
        return Line::Name;
    }
    let code_tokens = match leading_code(g, &tokens, economic) {
        Some(start) => start.used,
        None => tokens.iter().take(2).take_while(|t| is_level(t)).count(),
    };
    let rest = &tokens[code_tokens..];
    if code_tokens == 0 || rest.is_empty() {
        return Line::Other;
    }
    Line::Row {
        code_tokens,
        bare: rest.iter().all(|t| is_number_fragment(t)),
    }
}

/// Each of the table's lines classified.
pub(super) fn classify_all(
    g: &Grammar,
    lines: &[(Provenance, String)],
    economic: bool,
) -> Vec<Line> {
    lines
        .iter()
        .map(|(_, l)| classify(g, l, economic))
        .collect()
}

/// A row of the output: its code's tokens, its name's pieces line by
/// line, its amounts.
struct JoinedRow {
    /// The row's line in the table's lines.
    line: usize,
    at: Provenance,
    code: Vec<String>,
    pieces: Vec<String>,
    amounts: Vec<String>,
}

impl JoinedRow {
    fn name(&self) -> String {
        self.pieces.concat()
    }
}

/// The last row read: where it is in the output, the name lines it owes
/// below itself, and those it took there so far.
#[derive(Clone, Copy)]
struct LastRow {
    at: usize,
    owed: usize,
    taken: usize,
}

impl LastRow {
    fn still_owed(last: Option<LastRow>) -> usize {
        last.map_or(0, |r| r.owed.saturating_sub(r.taken))
    }

    /// Whether the row took as many lines below as it owed.
    fn settled(last: Option<LastRow>) -> bool {
        last.is_none_or(|r| r.owed == r.taken)
    }
}

enum Out {
    Line((Provenance, String)),
    Row(JoinedRow),
}

/// The table's lines with each centred row's name lines joined into its
/// line, after its code (`208 社会保障和就业支出 3061.52 2808.64`); `None`
/// when the table does not show the style, when the reading does not
/// hold together, or when it names no more 类 rows right than reading
/// each row's name from the lines under it or over it (names printed a
/// line low, or over their rows: `行政运行` / `201 06 01 1,511.89 …`).
pub(super) fn join_centred_names(
    g: &Grammar,
    lines: &[(Provenance, String)],
    kinds: &[Line],
    economic: bool,
) -> Option<Vec<(Provenance, String)>> {
    if !shows_style(kinds) || prints_after_amounts(lines, kinds) {
        return None;
    }
    // A wrapped name's lines are all as long as its column is wide but its
    // last: a shorter line over a row is a whole name (`行政运行`), owing
    // none below.
    let first_row = kinds.iter().position(|k| matches!(k, Line::Row { .. }))?;
    let width = (first_row..lines.len())
        .filter(|&i| kinds[i] == Line::Name)
        .map(|i| lines[i].1.trim().chars().count())
        .max()
        .unwrap_or(0);
    // Whether every row took as many lines below as it owed, and every
    // bare row one line above at least: else the style is not this one.
    let mut consistent = true;
    let mut out: Vec<Out> = Vec::with_capacity(lines.len());
    // Name lines since the last row.
    let mut pending: Vec<&(Provenance, String)> = Vec::new();
    let mut last: Option<LastRow> = None;
    let mut seen_row = false;
    for (i, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        let owed = LastRow::still_owed(last);
        let (code_tokens, bare) = match *kind {
            Line::Name => {
                pending.push(line);
                continue;
            }
            Line::Row { code_tokens, bare } => (code_tokens, bare),
            Line::Total | Line::Other => {
                // The last row's tails, then the line.
                let total = *kind == Line::Total;
                let tails = owed.min(pending.len());
                attach_tails(&mut out, &mut last, pending.drain(..tails));
                out.extend(pending.drain(..).map(|l| Out::Line(l.clone())));
                out.push(Out::Line(line.clone()));
                if total {
                    consistent &= LastRow::settled(last.take());
                    seen_row = true;
                }
                continue;
            }
        };
        let n = pending.len();
        let (tails, heads) = if seen_row {
            let tails = owed.min(n.saturating_sub(usize::from(bare)));
            (tails, n - tails)
        } else {
            // Over the first row, only its name's line: the header's are
            // above it.
            (0, usize::from(bare).min(n))
        };
        attach_tails(&mut out, &mut last, pending.drain(..tails));
        // A bare row keeps the one line it needs: the row above, a whole
        // name as wide as the column (`卫生健康支出` over `210 236.64`),
        // owed it no more.
        let kept_for_bare = bare && heads == 1 && owed == tails + 1;
        consistent &= LastRow::settled(last.take()) || kept_for_bare;
        consistent &= !bare || heads > 0;
        out.extend(
            pending
                .drain(..n - heads - tails)
                .map(|l| Out::Line(l.clone())),
        );
        let names = std::mem::take(&mut pending);
        let (at, text) = line;
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let (inline, amounts): (Vec<&str>, Vec<&str>) = tokens[code_tokens..]
            .iter()
            .partition(|t| !is_number_fragment(t));
        let mut pieces: Vec<String> = names.iter().map(|(_, t)| t.trim().to_string()).collect();
        let inline: String = inline.concat();
        pieces.extend((!inline.is_empty()).then_some(inline));
        out.push(Out::Row(JoinedRow {
            line: i,
            at: names.first().map_or(*at, |(a, _)| *a),
            code: tokens[..code_tokens]
                .iter()
                .map(|t| t.to_string())
                .collect(),
            pieces,
            amounts: amounts.iter().map(|t| t.to_string()).collect(),
        }));
        let whole = names
            .last()
            .is_some_and(|(_, t)| t.trim().chars().count() < width);
        last = Some(LastRow {
            at: out.len() - 1,
            owed: if whole { 0 } else { heads },
            taken: 0,
        });
        seen_row = true;
    }
    let owed = LastRow::still_owed(last);
    attach_tails(
        &mut out,
        &mut last,
        pending.drain(..owed.min(pending.len())),
    );
    consistent &= LastRow::settled(last.take());
    out.extend(pending.drain(..).map(|l| Out::Line(l.clone())));
    // Each name's lines but its last fill the column (a character short
    // at most: a line may not end before some punctuation).
    let filled = out.iter().all(|o| match o {
        Out::Row(r) => r
            .pieces
            .split_last()
            .is_none_or(|(_, before)| before.iter().all(|p| p.chars().count() + 1 >= width)),
        Out::Line(_) => true,
    });
    let named = names_more_classes(g, lines, kinds, first_row, &out, economic);
    if !consistent || !filled || !named {
        return None;
    }
    Some(
        out.into_iter()
            .map(|o| match o {
                Out::Line(l) => l,
                Out::Row(r) => {
                    let name = r.name();
                    let mut parts = r.code;
                    parts.extend((!name.is_empty()).then_some(name));
                    parts.extend(r.amounts);
                    (r.at, parts.join(" "))
                }
            })
            .collect(),
    )
}

/// Name lines under the last row that end its name (counted in `last`);
/// with no row (over the first one), lines as they are.
fn attach_tails<'l>(
    out: &mut Vec<Out>,
    last: &mut Option<LastRow>,
    tails: impl Iterator<Item = &'l (Provenance, String)>,
) {
    for tail in tails {
        match last {
            Some(row) => {
                if let Some(Out::Row(r)) = out.get_mut(row.at) {
                    r.pieces.push(tail.1.trim().to_string());
                    row.taken += 1;
                }
            }
            None => out.push(Out::Line(tail.clone())),
        }
    }
}

/// Whether a bare row stands between two name lines with no row right
/// over them, and two rows somewhere have two name lines or more between
/// them (one's end, the next one's start: a table whose names print over
/// their rows has one line at most between two rows).
fn shows_style(kinds: &[Line]) -> bool {
    let is_row = |k: &Line| matches!(k, Line::Row { .. } | Line::Total);
    let around = (2..kinds.len().saturating_sub(1)).any(|i| {
        matches!(kinds[i], Line::Row { bare: true, .. })
            && kinds[i - 1] == Line::Name
            && kinds[i + 1] == Line::Name
            && !is_row(&kinds[i - 2])
    });
    let rows: Vec<usize> = (0..kinds.len()).filter(|&i| is_row(&kinds[i])).collect();
    let wide_gap = rows
        .windows(2)
        .any(|w| w[1] - w[0] > 2 && kinds[w[0] + 1..w[1]].iter().all(|k| *k == Line::Name));
    around && wide_gap
}

/// Whether a row line prints text after an amount (a second panel's row
/// beside the first, `301 工资福利支出 1002.59 302 商品服务支出 133.85`):
/// not a line the joining may reorder.
pub(super) fn prints_after_amounts(lines: &[(Provenance, String)], kinds: &[Line]) -> bool {
    lines.iter().zip(kinds).any(|((_, l), k)| match *k {
        Line::Row { code_tokens, .. } => l
            .split_whitespace()
            .skip(code_tokens)
            .skip_while(|t| !is_number_fragment(t))
            .any(|t| !is_number_fragment(t)),
        _ => false,
    })
}

/// Whether the centred reading (`out`) names more 类 rows (a class code
/// alone) by their class's name than either other reading: in order,
/// where a row's name goes on in the name lines under it (a table whose
/// names pdftotext set a line low), or from the name lines over it (a
/// table printing its names over their rows).
fn names_more_classes(
    g: &Grammar,
    lines: &[(Provenance, String)],
    kinds: &[Line],
    first_row: usize,
    out: &[Out],
    economic: bool,
) -> bool {
    let class_of = |i: usize| {
        let code = lines[i].1.split_whitespace().next()?;
        matches!(kinds[i], Line::Row { code_tokens: 1, .. })
            .then_some(code)
            .filter(|c| is_class(g, c, economic))
    };
    let names = |code: &str, name: &str| names_class(g, code, name, economic);
    // The class rows a reading (a row's line → its name) names right.
    let named_by = |name_of: &dyn Fn(usize) -> String| {
        (0..lines.len())
            .filter(|&i| class_of(i).is_some_and(|code| names(code, &name_of(i))))
            .count()
    };
    let name_lines = |range: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
        range.take_while(|&j| kinds[j] == Line::Name).collect()
    };
    let inline = |i: usize| -> String {
        let tokens = lines[i].1.split_whitespace().skip(1);
        tokens.filter(|t| !is_number_fragment(t)).collect()
    };
    let centred = out
        .iter()
        .filter(|o| matches!(o, Out::Row(r) if class_of(r.line).is_some_and(|code| names(code, &r.name()))))
        .count();
    let in_order = named_by(&|i| {
        let below = name_lines(&mut (i + 1..lines.len()));
        let below = below.iter().map(|&j| lines[j].1.trim());
        inline(i) + &below.collect::<String>()
    });
    // Each row named by the name lines over it (a table printing its names
    // over their rows); the first row by the one line right over it.
    let over_rows = named_by(&|i| {
        let mut above = name_lines(&mut (0..i).rev());
        if i == first_row {
            above.truncate(1);
        }
        let above: String = above.iter().rev().map(|&j| lines[j].1.trim()).collect();
        above + &inline(i)
    });
    centred > in_order.max(over_rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::flow::numbered;

    #[test]
    fn centred_names_join_their_rows() {
        let g = Grammar::global();
        let lines = numbered(
            "类 款 项
社会保障和
208 3061.52 2808.64
就业支出
人力资源和
01 社会保障管 2945.64 2808.64
理事务
208 01 01 行政运行 895.96 758.96
社会保险经
208 01 09 1897.5 1897.5
办机构
其他人力资
源和社会保
208 01 99 152.18 152.18
障管理事务
支出
合计 3245.21 3108.21"
                .lines(),
        );
        let joined =
            join_centred_names(g, &lines, &classify_all(g, &lines, false), false).expect("centred");
        let text: Vec<&str> = joined.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            text,
            [
                "类 款 项",
                "208 社会保障和就业支出 3061.52 2808.64",
                "01 人力资源和社会保障管理事务 2945.64 2808.64",
                "208 01 01 行政运行 895.96 758.96",
                "208 01 09 社会保险经办机构 1897.5 1897.5",
                "208 01 99 其他人力资源和社会保障管理事务支出 152.18 152.18",
                "合计 3245.21 3108.21",
            ]
        );
    }

    #[test]
    fn names_printed_over_their_rows_are_no_centred_names() {
        // Each name wholly over its row (a long one's end on the row's
        // line): one name line at most between two rows, none split
        // around its row.
        let g = Grammar::global();
        let lines = numbered(
            "类 款 项
一般公共服务支出
201 2,106.66 1,503.52 603.14
财政事务
201 06 2,106.66 1,503.52 603.14
行政运行
201 06 01 1,511.89 1,503.52 8.37
一般行政管理事务
201 06 02 10.00 10.00
社会保障和就业支出
208 326.72 326.72
行政单位离退休
208 05 01 84.65 84.65
机关事业单位基本养老保险
208 05 05 缴费支出 160.75 160.75"
                .lines(),
        );
        assert!(join_centred_names(g, &lines, &classify_all(g, &lines, false), false).is_none());
    }

    #[test]
    fn an_economic_tables_centred_names_join_their_rows() {
        let g = Grammar::global();
        let lines = numbered(
            "类 款 小计 人员经费 公用经费
目名称
工资福利支
301 1002.59 1002.59
出
301 01 基本工资 356.28 356.28
国家规定津
301 02 36.55 36.55
贴补贴
商品服务支
302 133.85 133.85
出
302 01 办公费 6.99 6.99"
                .lines(),
        );
        let joined =
            join_centred_names(g, &lines, &classify_all(g, &lines, true), true).expect("centred");
        let text: Vec<&str> = joined.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            text[2..],
            [
                "301 工资福利支出 1002.59 1002.59",
                "301 01 基本工资 356.28 356.28",
                "301 02 国家规定津贴补贴 36.55 36.55",
                "302 商品服务支出 133.85 133.85",
                "302 01 办公费 6.99 6.99",
            ]
        );
        // Two panels side by side: nothing is joined.
        let panels = numbered(
            "工资福利支
301 1002.59 302 商品服务支出 133.85
出
国家规定津
301 02 36.55 36.55
贴补贴"
                .lines(),
        );
        assert!(join_centred_names(g, &panels, &classify_all(g, &panels, true), true).is_none());
    }

    #[test]
    fn a_line_either_row_could_own_leaves_the_lines_as_they_are() {
        // `事业单位离退休` is a whole name as wide as the column over its bare
        // row; `机关事业单位基` opens the next row's three-line name. Read as
        // centred, the first row would take it below, and `支出` would
        // open the row after it: a name line shorter than the column before
        // another of its lines, which no wrapped name prints.
        let g = Grammar::global();
        let lines = numbered(
            "类 款 项
社会保障和就业
208 754.75 754.75 0.00
支出
行政单位离退休
2080501 54.53 54.53 0.00
事业单位离退休
2080502 28.11 28.11 0.00
机关事业单位基
2080505 本养老保险缴费 446.11 446.11 0.00
支出
机关事业单位职
2080506 225.12 225.12 0.00
业年金缴费支出
卫生健康支出
210 236.64 236.64 0.00"
                .lines(),
        );
        assert!(join_centred_names(g, &lines, &classify_all(g, &lines, false), false).is_none());
    }

    #[test]
    fn names_set_a_line_low_are_no_centred_names() {
        // Each bare row's name under it: the line over a 类 row is the
        // row above's, and opens no class name.
        let g = Grammar::global();
        let lines = numbered(
            "类 款 项
208 05 01 行政单位离退休 84.65 84.65
208 05 05 160.75 160.75
机关事业单位基本养老保险
缴费支出
210 60.99 60.99
卫生健康支出
210 11 60.99 60.99
行政事业单位医疗"
                .lines(),
        );
        assert!(join_centred_names(g, &lines, &classify_all(g, &lines, false), false).is_none());
    }
}
