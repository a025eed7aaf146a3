//! Web pages (.html) as tab-separated text.
//!
//! Many counties publish a disclosure as a page on their site, its tables
//! as HTML tables. Each table row becomes a line of tab-separated cells and
//! every other block of text (a paragraph, a heading, a line break) a line
//! of its own: the text the page copied from a browser gives, which the
//! tabbed layout already reads. A cell spanning columns is followed by empty
//! cells, and one spanning rows leaves its column empty in the rows below:
//! a merged cell holds its text in its first cell, as in a spreadsheet
//! copied as text.
//!
//! A table holding a table is the page's layout, not a table of figures: its
//! cells' text reads as paragraphs, around the inner tables' rows (pages
//! saved from Word, and older sites, set their whole body in one).
//!
//! The page is tokenised by html5gum (WHATWG tokenizer: character
//! references, unclosed tags, scripts and styles skipped); the text was
//! decoded before, whatever its charset.

use html5gum::{Token, Tokenizer};

/// Whether decoded text is a page whose tables the markup holds: it looks
/// like HTML and opens a `<table>`. (A dump merely wrapped in `<html>` is
/// read as text.)
pub fn holds_tables(text: &str) -> bool {
    crate::decode::looks_like_html(text) && contains_ignoring_case(text, "<table")
}

fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The page as lines: table rows as tab-separated cells, other blocks of
/// text as lines (see the module documentation).
pub fn to_text(page: &str) -> String {
    // Scripts, styles and the like are raw text up to their end tag.
    let mut emitter = html5gum::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(page, emitter);
    let mut page_text = PageText::default();
    for token in tokenizer.flatten() {
        match token {
            Token::StartTag(tag) => {
                let attribute = |name: &str| {
                    tag.attributes
                        .get(name.as_bytes())
                        .and_then(|v| std::str::from_utf8(&v.value).ok())
                        .and_then(|v| v.trim().parse::<usize>().ok())
                };
                let span = Span {
                    columns: attribute("colspan").unwrap_or(1),
                    rows: attribute("rowspan").unwrap_or(1),
                };
                page_text.start(&tag.name, span);
            }
            Token::EndTag(tag) => page_text.end(&tag.name),
            Token::String(s) => page_text.text(&String::from_utf8_lossy(&s.value)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    page_text.finish()
}

/// How many columns and rows a cell covers (`colspan`, `rowspan`).
#[derive(Debug, Clone, Copy)]
struct Span {
    columns: usize,
    rows: usize,
}

/// No page lays out more columns than this: a `colspan` past it is a typo.
const MAX_COLUMNS: usize = 256;
/// Nor spans more rows.
const MAX_ROWS: usize = 10_000;

/// One open table.
#[derive(Debug, Default)]
struct Table {
    /// Holds a table: its cells are the page's layout.
    layout: bool,
    /// The row being read: its cells, the last one open.
    row: Option<Vec<String>>,
    /// Whether a cell of the row is open (text goes into it).
    in_cell: bool,
    /// Per column, how many rows below the current one a cell above still
    /// covers.
    covered: Vec<usize>,
    /// Per column, whether a cell above covers it in the current row.
    covered_now: Vec<bool>,
}

impl Table {
    fn start_row(&mut self) {
        self.covered_now = self.covered.iter().map(|&n| n > 0).collect();
        for n in &mut self.covered {
            *n = n.saturating_sub(1);
        }
        self.row = Some(Vec::new());
        self.in_cell = false;
    }

    /// Opens a cell in the current row, after the columns cells above
    /// cover, followed by the empty cells of its column span.
    fn start_cell(&mut self, span: Span) {
        if self.row.is_none() {
            self.start_row();
        }
        let Some(row) = self.row.as_mut() else {
            return;
        };
        while self.covered_now.get(row.len()).copied().unwrap_or(false) {
            row.push(String::new());
        }
        let at = row.len();
        let columns = span.columns.clamp(1, MAX_COLUMNS);
        let below = span.rows.clamp(1, MAX_ROWS) - 1;
        if self.covered.len() < at + columns {
            self.covered.resize(at + columns, 0);
        }
        for n in &mut self.covered[at..at + columns] {
            *n = (*n).max(below);
        }
        row.push(String::new());
        // The spanned columns' empty cells follow once the cell is read:
        // kept apart by `pending_empty`.
        for _ in 1..columns {
            row.push(String::from(SPANNED));
        }
        self.in_cell = true;
    }

    /// The cell the page's text goes into, if one is open.
    fn open_cell(&mut self) -> Option<&mut String> {
        if !self.in_cell || self.layout {
            return None;
        }
        let row = self.row.as_mut()?;
        let last = row.iter().rposition(|c| c != SPANNED)?;
        row.get_mut(last)
    }

    /// The current row as a line, if it holds any text.
    fn end_row(&mut self) -> Option<String> {
        let row = self.row.take()?;
        self.in_cell = false;
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| if c == SPANNED { String::new() } else { c })
            .map(|c| c.trim().replace(BLOCK_BREAK, " "))
            .collect();
        let last = cells.iter().rposition(|c| !c.is_empty())?;
        Some(cells[..=last].join("\t"))
    }
}

/// Stands for an empty cell a column span adds, until the row is written.
const SPANNED: &str = "\u{0}";

/// A block's end inside a cell (`<br>`, `<p>`): a space in a table of
/// figures, a line when the table turns out to be the page's layout.
const BLOCK_BREAK: char = '\n';

/// The page's lines as they are read.
#[derive(Debug, Default)]
struct PageText {
    lines: Vec<String>,
    /// Text outside any table's cells, up to the next block's start.
    paragraph: String,
    tables: Vec<Table>,
    /// Inside a `<pre>`: its spacing and lines are kept.
    pre: usize,
    /// Inside the page's head, a script, a style: no text.
    hidden: usize,
}

impl PageText {
    fn start(&mut self, name: &[u8], span: Span) {
        match name {
            // (`<script/>` opens a script all the same, as in a browser.)
            b"head" | b"script" | b"style" | b"noscript" | b"template" | b"title" => {
                self.hidden += 1;
            }
            // The head ends where the body begins, its end tag printed or not.
            b"body" => {
                self.hidden = 0;
                self.break_line();
            }
            b"table" => {
                self.end_paragraph();
                if let Some(outer) = self.tables.last_mut() {
                    // A table inside a cell: the outer one is the page's
                    // layout. The cell's text so far is a paragraph.
                    if !outer.layout {
                        outer.layout = true;
                        let before = outer.row.take().unwrap_or_default();
                        let paragraphs = before.iter().flat_map(|c| c.split(BLOCK_BREAK));
                        self.lines.extend(
                            paragraphs
                                .map(str::trim)
                                .filter(|p| !p.is_empty() && *p != SPANNED)
                                .map(String::from),
                        );
                    }
                }
                self.tables.push(Table::default());
            }
            b"tr" => {
                self.end_paragraph();
                if let Some(t) = self.tables.last_mut() {
                    if !t.layout {
                        let line = t.end_row();
                        self.lines.extend(line);
                        if let Some(t) = self.tables.last_mut() {
                            t.start_row();
                        }
                    }
                }
            }
            b"td" | b"th" => {
                self.end_paragraph();
                match self.tables.last_mut() {
                    Some(t) if !t.layout => t.start_cell(span),
                    _ => {}
                }
            }
            b"br" => self.break_line(),
            b"pre" => {
                self.end_paragraph();
                self.pre += 1;
            }
            _ if is_block(name) => self.break_line(),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"head" | b"script" | b"style" | b"noscript" | b"template" | b"title" => {
                self.hidden = self.hidden.saturating_sub(1);
            }
            b"table" => {
                self.end_paragraph();
                if let Some(mut t) = self.tables.pop() {
                    if !t.layout {
                        self.lines.extend(t.end_row());
                    }
                }
            }
            b"tr" => {
                self.end_paragraph();
                if let Some(t) = self.tables.last_mut() {
                    if !t.layout {
                        let line = t.end_row();
                        self.lines.extend(line);
                    }
                }
            }
            b"td" | b"th" => {
                self.end_paragraph();
                if let Some(t) = self.tables.last_mut() {
                    t.in_cell = false;
                }
            }
            b"pre" => {
                self.end_paragraph();
                self.pre = self.pre.saturating_sub(1);
            }
            _ if is_block(name) => self.break_line(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        if let Some(cell) = self.tables.last_mut().and_then(Table::open_cell) {
            push_collapsed(cell, text);
            return;
        }
        let in_layout_or_outside = self.tables.last().is_none_or(|t| t.layout || !t.in_cell);
        if !in_layout_or_outside {
            return;
        }
        if self.pre > 0 {
            let mut lines = text.split('\n');
            if let Some(first) = lines.next() {
                self.paragraph.push_str(first.trim_end_matches('\r'));
            }
            for line in lines {
                self.end_paragraph();
                self.paragraph.push_str(line.trim_end_matches('\r'));
            }
        } else {
            push_collapsed(&mut self.paragraph, text);
        }
    }

    /// A line break: inside a cell a [`BLOCK_BREAK`], elsewhere the end of
    /// a line.
    fn break_line(&mut self) {
        match self.tables.last_mut().and_then(Table::open_cell) {
            Some(cell) => {
                let trimmed = cell.trim_end_matches(' ').len();
                cell.truncate(trimmed);
                if !cell.is_empty() && !cell.ends_with(BLOCK_BREAK) {
                    cell.push(BLOCK_BREAK);
                }
            }
            None => self.end_paragraph(),
        }
    }

    fn end_paragraph(&mut self) {
        let line = std::mem::take(&mut self.paragraph);
        let line = if self.pre > 0 {
            line.trim_end()
        } else {
            line.trim()
        };
        if !line.is_empty() {
            self.lines.push(line.to_string());
        }
    }

    fn finish(mut self) -> String {
        self.end_paragraph();
        while let Some(mut t) = self.tables.pop() {
            if !t.layout {
                self.lines.extend(t.end_row());
            }
        }
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// Elements that start a block of text of their own (a line).
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"div"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"li"
            | b"ul"
            | b"ol"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"hr"
            | b"section"
            | b"article"
            | b"header"
            | b"footer"
            | b"center"
            | b"blockquote"
            | b"caption"
            | b"html"
            | b"form"
            | b"main"
            | b"nav"
            | b"address"
            | b"figure"
            | b"figcaption"
    )
}

/// Appends text with its runs of white space (newlines, tabs, no-break
/// spaces) made one space, as a browser shows it.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with([' ', BLOCK_BREAK]) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_tab_separated_lines_and_blocks_lines() {
        let page = "<!DOCTYPE html><html><head><title>预算</title>\
            <style>td { color: red }</style><script>if (a < b) { x = '<td>'; }</script></head>\
            <body><h2>表1 部门收支总体情况表</h2><p>单位：万元</p>\
            <TABLE border=1><tr><th rowspan=2>项目</th><th colspan=2>预算数</th></tr>\
            <tr><th>合计</th><th>基本<br>支出</th></tr>\
            <tr><td>一般公共&nbsp;服务</td><td> 1,010.70 </td><td>&nbsp;</td></tr>\
            <tr><td>合计<td>1,010.70<td>3.00</tr></table><p>备注：无</p></body></html>";
        assert!(holds_tables(page));
        assert_eq!(
            to_text(page),
            "表1 部门收支总体情况表\n单位：万元\n项目\t预算数\n\t合计\t基本 支出\n\
             一般公共 服务\t1,010.70\n合计\t1,010.70\t3.00\n备注：无\n"
        );
    }

    #[test]
    fn a_layout_table_reads_as_paragraphs_around_its_tables() {
        let page = "<html><body><table><tr><td>\
            <p>表2 收入总体情况表</p><p>单位：万元<br>编制部门：某局</p>\
            <table><tr><td>208</td><td>社会保障和就业支出</td><td>9.50</td></tr></table>\
            <p>说明</p></td><td>右栏</td></tr></table></body></html>";
        assert_eq!(
            to_text(page),
            "表2 收入总体情况表\n单位：万元\n编制部门：某局\n208\t社会保障和就业支出\t9.50\n说明\n右栏\n"
        );
    }

    #[test]
    fn preformatted_text_keeps_its_lines_and_tabs() {
        let page =
            "<html><body><pre>表1\t收支总体情况表\n项目\t金额\n</pre><table></table></body></html>";
        assert_eq!(to_text(page), "表1\t收支总体情况表\n项目\t金额\n");
    }

    #[test]
    fn a_page_without_tables_is_not_read_as_one() {
        assert!(!holds_tables(
            "<html><body><p>收支总体情况表</p></body></html>"
        ));
        assert!(!holds_tables("表1\t收支总体情况表\n<table>"));
        assert!(holds_tables("<HTML>\n<TABLE><TR><TD>1</TD></TR></TABLE>"));
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let page = "<html><table><tr><td colspan=99999999 rowspan=99999999>1</td></tr>\
            <tr><td>2</td></tr></table></html>";
        let text = to_text(page);
        assert_eq!(text.lines().next(), Some("1"));
        assert_eq!(
            text.lines().nth(1).map(|l| l.split('\t').count()),
            Some(MAX_COLUMNS + 1)
        );
    }
}
