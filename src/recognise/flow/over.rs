//! Coded tables whose names are set over their rows and end on them, as a
//! dump that sorts text by its line prints a cell whose text sits at its
//! bottom (a spreadsheet's default alignment): a name wrapped on several
//! lines prints all but its last above its row, the last after the row's
//! code; a row printing no name after its code has its whole name above.
//!
//! ```text
//! 社会保障和
//! 208 就业支出 754.75 754.75 0.00
//! 行政事业单
//! 20805 位养老支出 754.75 754.75 0.00
//! ```
//!
//! Read in order, each name line would go to the row above. The lines
//! between two rows are the lower row's when the table reads so wholly and
//! cannot read the usual way: every name line but a bare row's last is as
//! wide as the column (none ends a name), no name line follows the last
//! row, and some row's name, narrower than the column, has a name line
//! under it (a name wrapped under its row fills the column on the row's
//! line). Reading the names so must name as many 类 rows by their class
//! as reading them from the lines under each row.

use super::centred::{prints_after_amounts, Line};
use super::{is_class, is_number_fragment, names_class, printed_width, JoinedLines};
use crate::grammar::{Grammar, HeaderMeaning};
use crate::model::Provenance;

/// Lines a wrapped name spans at most.
const MAX_NAME_LINES: usize = 6;

/// The table's lines with each row's name lines joined into its line after
/// its code (`208 社会保障和就业支出 754.75 …`); `None` when the table does
/// not read as names set over their rows.
pub(super) fn join_names_over(
    g: &Grammar,
    lines: &[(Provenance, String)],
    kinds: &[Line],
    economic: bool,
) -> Option<JoinedLines> {
    let body = NameLines::new(g, lines, kinds)?;
    let first_row = body.first_row;
    let text = |i: usize| body.text(i);
    let piece = |i: usize| body.piece(i);
    let inline = |i: usize| body.inline(i);
    let fills = |s: &str| body.fills(s);
    // Over the first row, the name lines right above it that fill the
    // column (the header's lines are above those).
    let heads_of_first = (0..first_row)
        .rev()
        .take_while(|&i| piece(i) && fills(text(i)))
        .take(MAX_NAME_LINES - 1)
        .count();
    let mut out: Vec<(Provenance, String)> = lines[..first_row - heads_of_first].to_vec();
    let mut pending: Vec<usize> = (first_row - heads_of_first..first_row).collect();
    let mut ends_short = false;
    // The last row read, while its name may go on under it (it ends on a
    // line as wide as the column): its lines may be a row set otherwise
    // (centred), and the next row's heads its name's end.
    let mut open_above: Option<Provenance> = None;
    let mut doubted = Vec::new();
    // Class rows named right by this reading, and by reading in order.
    let (mut named_over, mut named_in_order) = (0, 0);
    let names_its_class = |code: &str, name: &str| {
        is_class(g, code, economic) && names_class(g, code, name, economic)
    };
    for (i, (at, line)) in lines.iter().enumerate().skip(first_row) {
        let Line::Row { code_tokens, bare } = kinds[i] else {
            if piece(i) {
                pending.push(i);
                continue;
            }
            // A total, a header line, a page number: no name goes on
            // over it.
            if !pending.is_empty() {
                return None;
            }
            out.push((*at, line.clone()));
            continue;
        };
        let own = inline(i);
        // Every head fills the column but a bare row's last (its name's).
        let (last, before) = match pending.split_last() {
            Some((&last, before)) if bare => (Some(last), before),
            _ => (None, pending.as_slice()),
        };
        if pending.len() >= MAX_NAME_LINES
            || (bare && last.is_none())
            || !before.iter().all(|&j| fills(text(j)))
            || last.is_some_and(|j| !piece(j))
        {
            return None;
        }
        let heads: String = pending.iter().map(|&j| text(j)).collect();
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let under: Vec<usize> = (i + 1..lines.len()).take_while(|&j| piece(j)).collect();
        ends_short |= !bare && !under.is_empty() && !fills(&own);
        if code_tokens == 1 {
            let in_order = own.clone() + &under.iter().map(|&j| text(j)).collect::<String>();
            named_over += usize::from(names_its_class(tokens[0], &(heads.clone() + &own)));
            named_in_order += usize::from(names_its_class(tokens[0], &in_order));
        }
        if let Some(above) = open_above.take().filter(|_| !pending.is_empty()) {
            doubted.extend([above, *at]);
        }
        let last_line = if bare {
            pending.last().map(|&j| text(j))
        } else {
            Some(own.as_str())
        };
        open_above = last_line
            .is_some_and(|l| body.fills_printed(l))
            .then_some(*at);
        out.push((*at, body.rejoined(i, &(heads + &own))));
        pending.clear();
    }
    (pending.is_empty() && ends_short && named_over >= named_in_order).then_some((out, doubted))
}

/// A coded table's lines as name pieces and rows, for the readings that
/// join a row's name lines into its line.
pub(super) struct NameLines<'a> {
    lines: &'a [(Provenance, String)],
    kinds: &'a [Line],
    /// The first row's line.
    pub first_row: usize,
    /// The name column's width in characters: its widest piece.
    pub width: usize,
    /// Its width as printed (a Chinese character two columns).
    printed_width: usize,
    /// Per line, [`Self::one_word`] and [`Self::piece`], worked out once:
    /// the readings ask them of every line again and again.
    one_words: Vec<bool>,
    pieces: Vec<bool>,
}

impl<'a> NameLines<'a> {
    /// `None` for a table without rows, or whose rows print text after
    /// their amounts (a name there is no wrapped name's piece).
    pub fn new(
        g: &'a Grammar,
        lines: &'a [(Provenance, String)],
        kinds: &'a [Line],
    ) -> Option<Self> {
        if prints_after_amounts(lines, kinds) {
            return None;
        }
        let first_row = kinds.iter().position(|k| matches!(k, Line::Row { .. }))?;
        let one_words: Vec<bool> = (0..lines.len())
            .map(|i| {
                let text = lines[i].1.trim();
                kinds[i] == Line::Name
                    && !text.contains(char::is_whitespace)
                    && !g.mentions_label_column(text)
            })
            .collect();
        let pieces = (0..lines.len())
            .map(|i| {
                one_words[i]
                    && !matches!(
                        g.header(lines[i].1.trim()),
                        HeaderMeaning::Measure(_) | HeaderMeaning::Label
                    )
            })
            .collect();
        let mut body = NameLines {
            lines,
            kinds,
            first_row,
            width: 0,
            printed_width: 0,
            one_words,
            pieces,
        };
        let name_lines = (first_row..lines.len()).map(|i| match kinds[i] {
            Line::Name if body.piece(i) => body.text(i).to_string(),
            Line::Row { .. } => body.inline(i),
            _ => String::new(),
        });
        for name in name_lines.collect::<Vec<_>>() {
            body.width = body.width.max(name.chars().count());
            body.printed_width = body.printed_width.max(printed_width(&name));
        }
        Some(body)
    }

    pub fn text(&self, i: usize) -> &'a str {
        self.lines[i].1.trim()
    }

    /// A line that may be a piece of a name: one word, not a heading the
    /// header prints (`科目编码`, `项目`; a name may start like a heading
    /// cut short: `事业单位`).
    pub fn piece(&self, i: usize) -> bool {
        self.pieces[i]
    }

    /// A line of text alone, one word, and no header's words run together.
    fn one_word(&self, i: usize) -> bool {
        self.one_words[i]
    }

    /// [`Self::piece`], or a heading's word among a table's names (a name
    /// may end like one: `支出`), between a name's piece or a row and
    /// another or the table's total: a header repeated after a page break
    /// prints its lines together, by the page's foot (or its words run
    /// together on one line, never a name's).
    pub fn piece_or_lone_heading(&self, i: usize) -> bool {
        let in_names = |j: usize| {
            matches!(self.kinds.get(j), Some(Line::Row { .. } | Line::Total)) || self.piece(j)
        };
        // The next line but a row's amounts wrapped onto lines of their own.
        let next = (i + 1..self.lines.len()).find(|&j| !self.amounts_only(j));
        self.piece(i) || (self.one_word(i) && i > 0 && in_names(i - 1) && next.is_none_or(in_names))
    }

    /// Whether line `i` prints amounts or their pieces only.
    fn amounts_only(&self, i: usize) -> bool {
        self.kinds[i] == Line::Other && self.lines[i].1.split_whitespace().all(is_number_fragment)
    }

    /// The name a row's line prints after its code.
    pub fn inline(&self, i: usize) -> String {
        let Line::Row { code_tokens, .. } = self.kinds[i] else {
            return String::new();
        };
        let tokens = self.lines[i].1.split_whitespace().skip(code_tokens);
        tokens.filter(|t| !is_number_fragment(t)).collect()
    }

    /// Whether a line of a name fills the column (a character short at
    /// most: a line may not end before some punctuation).
    pub fn fills(&self, s: &str) -> bool {
        s.chars().count() + 1 >= self.width
    }

    /// Whether a line of a name is as wide as the column as printed (an
    /// ASCII character short at most).
    pub fn fills_printed(&self, s: &str) -> bool {
        printed_width(s) + 1 >= self.printed_width
    }

    /// Whether a line is as wide as the column as printed and no wider
    /// (over the first row: a header's words run together are wider).
    pub fn fills_just(&self, s: &str) -> bool {
        self.fills_printed(s) && printed_width(s) <= self.printed_width
    }

    /// The text a line gives a name: a piece's, or what a row's line
    /// prints after its code.
    pub fn name_text(&self, i: usize) -> String {
        match self.kinds[i] {
            Line::Row { .. } => self.inline(i),
            _ => self.text(i).to_string(),
        }
    }

    /// Row line `i` printed again with `name` after its code.
    pub fn rejoined(&self, i: usize, name: &str) -> String {
        let Line::Row { code_tokens, .. } = self.kinds[i] else {
            return self.lines[i].1.clone();
        };
        let tokens: Vec<&str> = self.lines[i].1.split_whitespace().collect();
        let mut parts: Vec<&str> = tokens[..code_tokens].to_vec();
        parts.extend((!name.is_empty()).then_some(name));
        parts.extend(
            tokens[code_tokens..]
                .iter()
                .filter(|t| is_number_fragment(t)),
        );
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::flow::centred::classify_all;
    use crate::recognise::flow::numbered;

    fn joined(text: &str) -> Option<Vec<String>> {
        let lines = numbered(text.lines());
        let g = Grammar::global();
        let (out, _) = join_names_over(g, &lines, &classify_all(g, &lines, false), false)?;
        Some(out.into_iter().map(|(_, l)| l).collect())
    }

    #[test]
    fn names_over_their_rows_join_the_row_below() {
        // A spreadsheet's bottom-aligned cells, five characters a line.
        let out = joined(
            "科目编码 科目名称 合计 基本支出 项目支出
社会保障和
208 就业支出 754.75 754.75 0.00
行政事业单
20805 位养老支出 754.75 754.75 0.00
机关事业单
位基本养老
保险缴费支
2080505 出 446.11 446.11 0.00
行政运行
2080506 308.64 308.64 0.00
合计 754.75 754.75 0.00",
        )
        .unwrap();
        assert_eq!(
            out,
            [
                "科目编码 科目名称 合计 基本支出 项目支出",
                "208 社会保障和就业支出 754.75 754.75 0.00",
                "20805 行政事业单位养老支出 754.75 754.75 0.00",
                "2080505 机关事业单位基本养老保险缴费支出 446.11 446.11 0.00",
                "2080506 行政运行 308.64 308.64 0.00",
                "合计 754.75 754.75 0.00",
            ]
        );
    }

    #[test]
    fn a_name_ending_as_wide_as_the_column_leaves_its_row_and_the_next_doubted() {
        // 21208's name is centred in a table setting its names at the
        // bottom: 排的支出 ends it, but the lines over 2120803 read as its.
        // Where 21208's name ends is not printed: both rows are doubted.
        let lines = numbered(
            "科目编码 科目名称 合计 基本支出 项目支出
城乡社区
212 支出 4885.13 0.00 4885.13
国有土地
使用权出
21208 让收入安 4885.13 0.00 4885.13
排的支出
城市建设
2120803 支出 198.86 0.00 198.86
合计 4885.13 0.00 4885.13"
                .lines(),
        );
        let g = Grammar::global();
        let kinds = classify_all(g, &lines, false);
        let (out, doubted) = join_names_over(g, &lines, &kinds, false).unwrap();
        let doubted: Vec<&str> = out
            .iter()
            .filter(|(at, _)| doubted.contains(at))
            .filter_map(|(_, l)| l.split_whitespace().next())
            .collect();
        assert_eq!(doubted, ["21208", "2120803"]);
        assert_eq!(out[1].1, "212 城乡社区支出 4885.13 0.00 4885.13");
    }

    #[test]
    fn names_wrapped_under_their_rows_are_left_alone() {
        // Top-aligned: each name's first line fills the column on its
        // row's line, its end under it.
        assert_eq!(
            joined(
                "科目编码 科目名称 合计 基本支出 项目支出
208 社会保障和 754.75 754.75 0.00
就业支出
20805 行政事业单 754.75 754.75 0.00
位养老支出
2080501 行政运行 54.53 54.53 0.00
合计 754.75 754.75 0.00",
            ),
            None
        );
        // A name line after the last row ends that row's name.
        assert_eq!(
            joined(
                "科目编码 科目名称 合计
社会保障和
208 就业支出 754.75
行政事业单
20805 位养老 754.75
支出
合计 754.75",
            ),
            None
        );
    }
}
