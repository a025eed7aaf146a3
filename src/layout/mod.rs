//! Stage 2 — lines to rows of cells.
//!
//! Recognises how a text dump lays out its tables and turns the lines into a
//! flat sequence of text lines and table rows for the recogniser:
//! - `tabbed`: one table row per line, cells separated by tabs;
//! - `cell_per_line`: one cell per tab-prefixed line, a row ended by a blank
//!   line; a line without the tab continues the previous cell (a wrapped label);
//! - `aligned`: one table row per line, columns kept apart by runs of
//!   spaces (`pdftotext -layout`), read by position (see [`aligned`]);
//! - `flow`: pdftotext-style flowed text with no cell boundaries.

mod aligned;

use crate::amount;
use crate::model::{Cell, Provenance};
use crate::normalize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutKind {
    Tabbed,
    CellPerLine,
    /// Columns aligned with runs of spaces (`pdftotext -layout`): read by
    /// position, see [`aligned`].
    Aligned,
    Flow,
}

impl LayoutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LayoutKind::Tabbed => "tabbed",
            LayoutKind::CellPerLine => "cell_per_line",
            LayoutKind::Aligned => "aligned",
            LayoutKind::Flow => "flow",
        }
    }
}

/// A text line or a table row, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Text { text: String, at: Provenance },
    Row { cells: Vec<Cell>, at: Provenance },
}

impl Item {
    /// Where the line or row stands in the source.
    pub fn at(&self) -> Provenance {
        match self {
            Item::Text { at, .. } | Item::Row { at, .. } => *at,
        }
    }
}

/// Chooses the layout from how the lines use tabs.
pub fn detect(text: &str) -> LayoutKind {
    let bytes = text.as_bytes();
    let (mut single, mut multi) = (0usize, 0usize);
    // Per line: its tab count, and whether its first tab opens it.
    let (mut line_start, mut tabs, mut opens_with_tab) = (0, 0usize, false);
    let mut classify = |tabs: usize, opens_with_tab: bool| match tabs {
        0 => {}
        1 if opens_with_tab => single += 1,
        _ => multi += 1,
    };
    // This runs on every document: jump between tabs and line ends.
    for i in memchr::memchr2_iter(b'\t', b'\n', bytes) {
        if bytes[i] == b'\n' {
            classify(tabs, opens_with_tab);
            (line_start, tabs) = (i + 1, 0);
        } else {
            if tabs == 0 {
                opens_with_tab = i == line_start;
            }
            tabs += 1;
        }
    }
    classify(tabs, opens_with_tab);
    match layout_of(single, multi) {
        LayoutKind::Flow if aligned_lines(text) >= 10 => LayoutKind::Aligned,
        layout => layout,
    }
}

/// A tab-separated dump whose every tab was turned into `k` spaces (a
/// copy through an editor or a web page: `208    01  行政运行  376.61`
/// for `208⇥⇥01⇥行政运行⇥376.61`), given back its tabs: runs of `m·k`
/// spaces become `m` tabs (the publisher's own double spaces, when `k`
/// is 4 or 8, stay). Recognised when the text has no tab and nine in ten
/// runs of two spaces or more (fifty at least) are a multiple of `k`
/// (8, 4 or 2, the largest that fits), twenty lines at least cut in three
/// pieces or more, one of them a number, or a number alone after its
/// line's leading run (rows of cells, or a cell-per-line dump's; not a
/// heading's `目  录` or a label spaced out, `收  入  总  计`). A `pdftotext -layout` dump pads its
/// columns with runs of every length, a flow dump has one space between
/// words: neither is touched. `None` when the text is no such dump.
pub fn restore_expanded_tabs(text: &str) -> Option<String> {
    if memchr::memchr(b'\t', text.as_bytes()).is_some() {
        return None;
    }
    // Fifty runs are needed: a text with fewer (a flow dump's single
    // spaces) is passed over before its lines are read.
    if space_runs(text).take(50).count() < 50 {
        return None;
    }
    // Runs of spaces per line, lines of spaces alone aside; and whether a
    // piece between them is a number.
    let lines: Vec<(Vec<usize>, bool)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (bytes, mut i, mut runs) = (l.as_bytes(), 0, Vec::new());
            let mut number = false;
            while let Some(at) = memchr::memmem::find(&bytes[i..], b"  ") {
                let start = i + at;
                let len = bytes[start..].iter().take_while(|&&c| c == b' ').count();
                number |= amount::is_number(l[i..start].trim());
                runs.push(len);
                i = start + len;
            }
            number |= amount::is_number(l[i..].trim());
            (runs, number)
        })
        .collect();
    let runs = || lines.iter().flat_map(|(r, _)| r);
    // Rows of cells: lines cut in three pieces or more, one a number (not
    // a label spaced out: `收  入  总  计`).
    // Or a cell-per-line dump's amount cell, its leading tab turned into
    // spaces (`  801.18`).
    let amount_cell = |l: &str| l.starts_with("  ") && amount::is_number(l.trim());
    let cells = text.lines().filter(|l| amount_cell(l)).count();
    let rows = lines
        .iter()
        .filter(|(r, number)| r.len() >= 2 && *number)
        .count()
        .max(cells);
    let k = [8, 4, 2].into_iter().find(|&k| {
        let multiples = runs().filter(|&&n| n % k == 0).count();
        rows >= 20 && multiples >= 50 && multiples * 10 >= runs().count() * 9
    })?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("  ") {
        out.push_str(&rest[..at]);
        let len = rest[at..].bytes().take_while(|&c| c == b' ').count();
        if len % k == 0 {
            out.extend(std::iter::repeat_n('\t', len / k));
        } else {
            out.push_str(&rest[at..at + len]);
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether a tab-separated dump trims each row's trailing blank cells
/// (exports that stop a row at its last filled cell): ten lines at least
/// hold a tab after some text, no line ends with a tab, and empty cells
/// are kept elsewhere (two tabs in a row: a dump that drops every blank
/// cell is another thing). Such a dump prints a row with only a label
/// (`因公出国（境）费`, its amounts blank) as a line without tabs.
pub fn trims_trailing_blanks(text: &str) -> bool {
    // Most dumps end a tabbed line with a tab early on: stop there. A text
    // without two tabs in a row keeps no empty cell.
    if memchr::memmem::find(text.as_bytes(), b"\t\t").is_none() {
        return false;
    }
    let mut rows = 0;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.ends_with('\t') {
            return false;
        }
        // A tab after some text (after a spreadsheet's empty first
        // column's too): a row of cells, not a one-cell-per-line dump's cell.
        rows += usize::from(line.trim_start_matches('\t').contains('\t'));
    }
    rows >= 10
}

/// Lines that print two numbers apart by a run of spaces (`438,300
/// 438,300`): table rows of an aligned dump. A flow dump puts one space
/// between the numbers of a row, or a line break.
fn aligned_lines(text: &str) -> usize {
    // One scan of the text for its runs (this runs on every text without
    // tabs); a line counts once, however many runs it prints.
    let b = text.as_bytes();
    let mut counted_to = 0;
    let mut lines = 0;
    for (start, end) in space_runs(text) {
        if start < counted_to {
            continue;
        }
        if start > 0 && b[start - 1].is_ascii_digit() && b.get(end).is_some_and(u8::is_ascii_digit)
        {
            lines += 1;
            counted_to = memchr::memchr(b'\n', &b[end..]).map_or(b.len(), |n| end + n);
        }
    }
    lines
}

/// The runs of two spaces or more in `text`, as byte ranges (`start`,
/// `end`), in order.
fn space_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let (finder, mut from) = (memchr::memmem::Finder::new(b"  "), 0);
    std::iter::from_fn(move || {
        let start = from + finder.find(&b[from..])?;
        let end = start + b[start..].iter().take_while(|&&c| c == b' ').count();
        from = end;
        Some((start, end))
    })
}

/// The layout of a text with `single` lines holding one leading tab (cells
/// one per line) and `multi` lines holding other tabs (tab-separated rows).
fn layout_of(single: usize, multi: usize) -> LayoutKind {
    if single >= 20 && single > multi {
        LayoutKind::CellPerLine
    } else if multi >= 10 {
        LayoutKind::Tabbed
    } else {
        LayoutKind::Flow
    }
}

/// Splits the text into items according to `layout`.
pub fn items(text: &str, layout: LayoutKind) -> Vec<Item> {
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (Provenance::Line(i as u32 + 1), l));
    let raw = match layout {
        LayoutKind::Tabbed if trims_trailing_blanks(text) => label_rows(tabbed(lines)),
        LayoutKind::Tabbed => tabbed(lines),
        LayoutKind::CellPerLine => cell_per_line(lines),
        LayoutKind::Aligned => aligned::items(text),
        LayoutKind::Flow => lines
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(at, l)| Item::Text {
                text: l.to_string(),
                at,
            })
            .collect(),
    };
    raw.into_iter().filter(|i| !is_blank_row(i)).collect()
}

fn tabbed<'a>(lines: impl Iterator<Item = (Provenance, &'a str)>) -> Vec<Item> {
    let mut out = Vec::new();
    for (at, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        if line.contains('\t') {
            let cells = line.split('\t').map(|t| Cell::new(t, at)).collect();
            out.push(Item::Row { cells, at });
        } else {
            out.push(Item::Text {
                text: line.to_string(),
                at,
            });
        }
    }
    out
}

/// In a dump that trims each row's trailing blank cells, a row with only
/// its label (`因公出国（境）费`, amounts blank) has no tab left: the lines of
/// a run between two rows (blank lines aside) are rows of one cell, as the
/// untrimmed dump's would be, prose aside. (A title between two tables'
/// rows becomes a row of one cell too, and reads as a title.)
fn label_rows(items: Vec<Item>) -> Vec<Item> {
    let is_row = |i: &Item| matches!(i, Item::Row { .. });
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut run: Vec<Item> = Vec::new();
    for item in items {
        if !is_row(&item) {
            run.push(item);
            continue;
        }
        let after_row = out.last().is_some_and(is_row);
        for held in run.drain(..) {
            out.push(match held {
                Item::Text { text, at } if after_row && !normalize::is_prose(&text) => Item::Row {
                    cells: vec![Cell::new(text, at)],
                    at,
                },
                other => other,
            });
        }
        out.push(item);
    }
    out.extend(run);
    out
}

fn cell_per_line<'a>(lines: impl Iterator<Item = (Provenance, &'a str)>) -> Vec<Item> {
    let mut out = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let flush = |row: &mut Vec<Cell>, out: &mut Vec<Item>| {
        if let Some(first) = row.first() {
            let at = first.at;
            out.push(Item::Row {
                cells: std::mem::take(row),
                at,
            });
        }
    };
    for (at, line) in lines {
        // A bare tab is an empty cell; only a line with no tab ends the row.
        if !line.contains('\t') && line.trim().is_empty() {
            flush(&mut row, &mut out);
        } else if let Some(cell) = line.strip_prefix('\t') {
            // A table's title printed as a cell, at a row's start, stands
            // alone: the header's cells may follow it with no blank line
            // between. (Inside a row, a project's name may end in 明细表.)
            let title = row.is_empty() && is_title(cell);
            row.push(Cell::new(cell, at));
            if title {
                flush(&mut row, &mut out);
            }
        } else if row
            .last()
            .is_some_and(|last| is_page_footer(line, &last.text))
        {
            // A row broken over a page: its footer (`— 12 —`, `第 3 页 共
            // 20 页`, a date) is no cell's wrapped text.
            continue;
        } else if let (Some(last), true) = (row.last_mut(), is_continuation(line)) {
            if is_printed_blank(&last.text) && normalize::is_bare_page_number(line) {
                // A page number after a row whose last cell printed a blank
                // (`⇥\u{3000}` / `3`): not the cell's content.
                flush(&mut row, &mut out);
                out.push(Item::Text {
                    text: line.to_string(),
                    at,
                });
                continue;
            }
            // Digits after digits: a wrapped number (`1536.` / `75`) or a
            // page number after an amount (`93` / `3`). After an empty cell,
            // a page-number-like line is the cell's wrapped content or, at
            // a page's foot, a page number (`⇥` / `27`).
            // A dash printed for "no amount" is no minus sign: the wrapped
            // amount takes the cell (`⇥-` / `779.18` is 779.18, not -779.18).
            if matches!(last.text.trim(), "-" | "－" | "—") && amount::is_fragment(line) {
                last.text.clear();
            }
            let after_digits = amount::is_fragment(line) && amount::is_fragment(&last.text);
            let after_empty = last.text.is_empty() && normalize::is_bare_page_number(line);
            last.joined_at = (after_digits || after_empty).then_some(last.text.len());
            last.text.push_str(line);
        } else {
            flush(&mut row, &mut out);
            out.push(Item::Text {
                text: line.to_string(),
                at,
            });
        }
    }
    flush(&mut row, &mut out);
    out
}

/// A page's footer printed after a cell ending `last`: `第 3 页`, `3/20`,
/// `— 12 —`, `-3-`, a date (`2024年1月15日`), or a bare number after a
/// name (`财政拨款（补助）` / `12`; after digits or an empty cell, a bare
/// number may be the cell's wrapped digits: the caller tells).
fn is_page_footer(line: &str, last: &str) -> bool {
    let after_name = last
        .trim_end_matches(normalize::is_space)
        .ends_with(|c: char| normalize::is_ideograph(c) || matches!(c, ')' | '）'));
    if normalize::is_bare_page_number(line) {
        return after_name;
    }
    normalize::is_page_number(line)
        || normalize::is_page_marker(line) && line.bytes().any(|b| b.is_ascii_digit())
        || after_name && is_date(line)
}

/// A whole date and nothing else: `2024年1月15日`.
fn is_date(line: &str) -> bool {
    let mut rest = line.trim_matches(normalize::is_space);
    for (unit, digits) in [('年', 4..=4), ('月', 1..=2), ('日', 1..=2)] {
        let Some((n, after)) = rest.split_once(unit) else {
            return false;
        };
        let n = n.trim_matches(normalize::is_space);
        if !digits.contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        rest = after;
    }
    rest.trim_matches(normalize::is_space).is_empty()
}

/// A cell that prints an ideographic space: blank on purpose, not a cell
/// whose content wrapped to the next line (those are empty).
fn is_printed_blank(cell: &str) -> bool {
    !cell.is_empty() && cell.chars().all(|c| c == '\u{3000}')
}

/// A short line without the leading tab, inside a row, continues the cell
/// above it (`公务用车购置及运行费` / `（小计）`; `科目` / `名称`; a number);
/// a table's title (`表3`, or a title repeated at the top of a page:
/// `部门支出总体情况表`) does not. (A label's wrapped end may end in 表 too:
/// `统计调查报表`; only a title's endings count.)
/// Nor does a unit or agency line (`单位：万元`, `编制单位：…`).
fn is_continuation(line: &str) -> bool {
    const METADATA: [&str; 7] = [
        "单位",
        "金额单位",
        "编制单位",
        "编制部门",
        "填报单位",
        "填报部门",
        "部门名称",
    ];
    // At most sixteen characters besides spaces: counted no further (a
    // line of prose is long).
    if line
        .chars()
        .filter(|&c| !normalize::is_space(c))
        .nth(16)
        .is_some()
    {
        return false;
    }
    let trimmed = line.trim_matches(normalize::is_space);
    let metadata = || {
        METADATA.iter().any(|m| {
            trimmed
                .strip_prefix(m)
                .is_some_and(|rest| rest.starts_with([':', '：']))
        })
    };
    !line.contains('。')
        && !trimmed.starts_with('表')
        && !metadata()
        && !TITLE_ENDS.iter().any(|end| trimmed.ends_with(end))
}

/// How a table's title ends (a label's wrapped end may end in 表 too:
/// `统计调查报表`).
const TITLE_ENDS: [&str; 5] = ["情况表", "明细表", "总表", "预算表", "决算表"];

/// A table's title printed in a cell (`⇥一般公共预算支出情况表`): a title's
/// ending after a name of some length (a header's `预算表` alone is none).
fn is_title(cell: &str) -> bool {
    let trimmed = cell.trim_matches(normalize::is_space);
    TITLE_ENDS.iter().any(|end| trimmed.ends_with(end)) && normalize::label_len(cell) >= 6
}

/// Rows with nothing in them (padding rows of an empty table).
fn is_blank_row(item: &Item) -> bool {
    matches!(item, Item::Row { cells, .. } if cells.iter().all(|c| normalize::is_blank(&c.text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_trimming_trailing_blank_cells() {
        let rows = "科目\t\t名称\t合计\n".repeat(10);
        assert!(trims_trailing_blanks(&format!(
            "标题\n{rows}因公出国（境）费\n"
        )));
        // Every empty cell dropped: no trimming to undo.
        assert!(!trims_trailing_blanks(&"科目\t名称\t合计\n".repeat(10)));
        // One line ending with a tab: blank cells are kept.
        assert!(!trims_trailing_blanks(&format!("{rows}公务接待费\t\t\n")));
        assert!(!trims_trailing_blanks(&format!("{rows}公务接待费\t\t\r\n")));
        // One cell per line (tab-prefixed), or too few rows: not a tabbed dump.
        assert!(!trims_trailing_blanks(&"\t10.00\n".repeat(30)));
        assert!(!trims_trailing_blanks(&"科目\t名称\n".repeat(9)));
    }

    fn texts(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Text { text, .. } => format!("T:{text}"),
                Item::Row { cells, .. } => {
                    format!(
                        "R:{}",
                        cells
                            .iter()
                            .map(|c| c.text.as_str())
                            .collect::<Vec<_>>()
                            .join("|")
                    )
                }
            })
            .collect()
    }

    #[test]
    fn cell_per_line_rows_and_continuations() {
        let text = "表10\n标题\n\t合计\n\t7.59\n\n\t公务用车购置及运行费\n（小计）\n\t6.99\n\t\n\n\t表9\n\t\n\t\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(
            texts(&items),
            vec![
                "T:表10",
                "T:标题",
                "R:合计|7.59",
                "R:公务用车购置及运行费（小计）|6.99|",
                "R:表9||"
            ]
        );
        assert_eq!(
            items[3],
            Item::Row {
                cells: vec![
                    Cell::new("公务用车购置及运行费（小计）", Provenance::Line(6)),
                    Cell::new("6.99", Provenance::Line(8)),
                    Cell::new("", Provenance::Line(9)),
                ],
                at: Provenance::Line(6),
            }
        );
    }

    #[test]
    fn a_page_footer_inside_a_row_is_no_cell_text() {
        let read = |footer: &str| {
            let text = format!("\t住房公积金\n{footer}\n\t12.00\n\n");
            texts(&items(&text, LayoutKind::CellPerLine))
        };
        for footer in [
            "— 12 —",
            "-3-",
            "第 3 页 共 20 页",
            "3/20",
            "12",
            "2024年1月15日",
        ] {
            assert_eq!(read(footer), vec!["R:住房公积金|12.00"], "{footer}");
        }
        // A name's wrapped end, and a number's wrapped digits, are text.
        assert_eq!(read("（小计）"), vec!["R:住房公积金（小计）|12.00"]);
        let text = "\t1536.\n75\n\n";
        assert_eq!(
            texts(&items(text, LayoutKind::CellPerLine)),
            vec!["R:1536.75"]
        );
    }

    #[test]
    fn a_title_printed_as_a_cell_stands_alone() {
        // `⇥title`, its agency and unit lines without a tab, then the
        // header's cells with no blank line between: the title and the
        // metadata are not the header's first cell.
        let text = "表 3\n\t单位支出总体情况表\n编制单位：某局\n单位：万元\n\t项目\n\t合计\n\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(
            texts(&items),
            vec![
                "T:表 3",
                "R:单位支出总体情况表",
                "T:编制单位：某局",
                "T:单位：万元",
                "R:项目|合计"
            ]
        );
        // Inside a row, a project named like a table is a cell.
        let items = super::items(
            "\t208\n\t印制社会保险待遇发放明细表\n\t10.00\n\n",
            LayoutKind::CellPerLine,
        );
        assert_eq!(
            texts(&items),
            vec!["R:208|印制社会保险待遇发放明细表|10.00"]
        );
        // Inside a row, a unit line is no wrapped cell's end either.
        let items = super::items("\t合计\n单位：万元\n\t7.59\n\n", LayoutKind::CellPerLine);
        assert_eq!(texts(&items), vec!["R:合计", "T:单位：万元", "R:7.59"]);
    }

    #[test]
    fn a_page_number_after_a_printed_blank_is_no_cell_content() {
        // 000_…: a row ending in a printed blank (`⇥\u{3000}`), then the
        // page's number at the foot of the page.
        let text = "\t208\n\t行政运行\n\t779.18\n\t\u{3000}\n3\n\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(texts(&items), vec!["R:208|行政运行|779.18|\u{3000}", "T:3"]);
    }

    #[test]
    fn a_title_repeated_at_a_page_top_is_no_cell_content() {
        // A page break inside a table: its last cell on the page, then the
        // table's title printed again over the next page's rows.
        let text = "\t208\n\t行政运行\n\t779.18\n部门支出总体情况表\n\n\t208\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(
            texts(&items),
            vec!["R:208|行政运行|779.18", "T:部门支出总体情况表", "R:208"]
        );
        // A label's wrapped end may end in 表 too.
        let text = "\t208\n\t信息化建设\n及社会保险统计调查报表\n\t93\n\n";
        let wrapped = super::items(text, LayoutKind::CellPerLine);
        assert_eq!(
            texts(&wrapped),
            vec!["R:208|信息化建设及社会保险统计调查报表|93"]
        );
    }

    #[test]
    fn tabs_turned_into_spaces_are_given_back() {
        let row = "208\t01\t\t行政运行\t376.61\t\n";
        let tabbed = row.repeat(30);
        for k in [2, 4] {
            let spaced = tabbed.replace('\t', &" ".repeat(k));
            assert_eq!(
                restore_expanded_tabs(&spaced).as_deref(),
                Some(tabbed.as_str()),
                "{k}"
            );
        }
        // An aligned dump's padding comes in every length; tabs stay tabs.
        let aligned: String = (0..60)
            .map(|i| {
                format!(
                    "行政运行{}376.61{}376.61\n",
                    " ".repeat(2 + i % 7),
                    " ".repeat(3 + i % 5)
                )
            })
            .collect();
        assert_eq!(restore_expanded_tabs(&aligned), None);
        // Words spaced apart (`目  录`, PyMuPDF), one gap a line: no cells.
        assert_eq!(restore_expanded_tabs(&"目  录\n预  算\n".repeat(40)), None);
        // A cell-per-line dump's lines (`⇥801.18`).
        let cells = "\t行政运行\n\t801.18\n\t779.18\n\n".repeat(30);
        let spaced = cells.replace('\t', "  ");
        assert_eq!(
            restore_expanded_tabs(&spaced).as_deref(),
            Some(cells.as_str())
        );
        // Labels spaced out, no number among their pieces: no cells.
        assert_eq!(restore_expanded_tabs(&"收  入  总  计\n".repeat(60)), None);
        assert_eq!(restore_expanded_tabs(&tabbed), None);
    }

    #[test]
    fn a_wrapped_amount_after_a_printed_dash_is_no_negative() {
        // `⇥-` / `779.18`: before 2026-12-03, -779.18 (a seed 000 variant
        // printing `-` in its empty cells read three amounts negative, ok).
        let text = "\t20801\n\t1146.18\n\t-\n779.18\n\t—\n367\n\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(texts(&items), vec!["R:20801|1146.18|779.18|367"]);
    }

    #[test]
    fn digits_after_an_amount_are_marked_joined() {
        // `⇥93` / `3`: a wrapped 933 or 93 and a page number; the cell keeps
        // where the second line starts. So does a page-number-like line
        // onto an empty cell (`⇥` / `22`: the cell's content, or a page
        // number after an empty cell). After a name, a bare number is a
        // page's, dropped (`⇥项目` / `1`: a name does not wrap before
        // one or two digits alone, and a page number glued on gave rows
        // names no table has).
        let text = "\t信息化建设\n\t93\u{3000}\n3\n\t\n22\n\t项目\n1\n\t801.\n18\n\t7\n5\n万元\n\n";
        let items = items(text, LayoutKind::CellPerLine);
        let Item::Row { cells, .. } = &items[0] else {
            panic!("{items:?}")
        };
        let joined: Vec<_> = cells
            .iter()
            .map(|c| (c.text.as_str(), c.joined_at))
            .collect();
        assert_eq!(
            joined,
            vec![
                ("信息化建设", None),
                ("93\u{3000}3", Some(5)),
                ("22", Some(0)),
                ("项目", None),
                ("801.18", Some(4)),
                // Text after the digits: no number, nothing to settle.
                ("75万元", None)
            ]
        );
    }

    #[test]
    fn split_number_cell_is_continued() {
        // 000_…: `⇥1146.18 / ⇥ / 779.18 / ⇥ / 367` is total, basic, project.
        let text = "\t208\n\t01\n\t\n\t人力\n\t1146.18\n\t\n779.18\n\t\n367\n\n";
        let items = items(text, LayoutKind::CellPerLine);
        assert_eq!(texts(&items), vec!["R:208|01||人力|1146.18|779.18|367"]);
    }

    #[test]
    fn detect_counts_lines_as_a_line_by_line_reading_does() {
        // The definition of the counts: per `\n`-separated line, one tab
        // that opens it makes a cell line, any other tab count ≥ 1 a tabbed
        // line (the thresholds on them are `layout_of`'s).
        fn by_lines(text: &str) -> LayoutKind {
            let (mut single, mut multi) = (0, 0);
            for line in text.split('\n') {
                match line.matches('\t').count() {
                    0 => {}
                    1 if line.starts_with('\t') => single += 1,
                    _ => multi += 1,
                }
            }
            layout_of(single, multi)
        }
        // Fragments, and whole lines that lean towards one layout or the other.
        let fragments = ["\t", "\n", "a", "合", "\t\t", "\n\t", "a\tb"];
        let cell_lines = ["\t合\n", "\t合\n", "\n", "a\tb\n", "\t", "合"];
        let tab_lines = ["a\tb\n", "\t\t\n", "\t合\n", "\n", "合"];
        let mut seed = 7u64;
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..3000 {
            let mut text = String::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize * 4;
            let pieces: &[&str] = match seed % 3 {
                0 => &fragments,
                1 => &cell_lines,
                _ => &tab_lines,
            };
            for k in 0..len {
                let r = seed.rotate_left(k as u32 * 7) ^ (k as u64).wrapping_mul(0x9E37);
                text.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            assert_eq!(detect(&text), by_lines(&text), "{text:?}");
            seen.insert(detect(&text).as_str());
        }
        // The random texts reach every outcome, thresholds included.
        assert_eq!(seen.len(), 3, "{seen:?}");
        for text in crate::testing::sample_texts() {
            assert_eq!(detect(&text), by_lines(&text));
        }
    }

    #[test]
    fn detects_layouts() {
        let tabbed = "a\tb\tc\n".repeat(12);
        assert_eq!(detect(&tabbed), LayoutKind::Tabbed);
        let cells = "\ta\n\tb\n\n".repeat(12);
        assert_eq!(detect(&cells), LayoutKind::CellPerLine);
        assert_eq!(
            detect("一、本年收入 9466.10 201 一般公共服务支出\n"),
            LayoutKind::Flow
        );
    }
}
