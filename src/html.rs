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

use crate::markup::{Span, TableText, TooLarge};

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
pub fn to_text(page: &str) -> Result<String, TooLarge> {
    // Scripts, styles and the like are raw text up to their end tag.
    let mut emitter = html5gum::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(page, emitter);
    let mut page_text = PageText::default();
    for token in tokenizer.flatten() {
        match token {
            Token::StartTag(tag) => {
                // As a browser reads it: the leading digits (`2px` is 2).
                let attribute = |name: &str| {
                    let v = tag.attributes.get(name.as_bytes())?;
                    let digits: String = String::from_utf8_lossy(&v.value)
                        .trim()
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .take(6)
                        .collect();
                    digits.parse::<usize>().ok()
                };
                let span = Span {
                    columns: attribute("colspan").unwrap_or(1),
                    rows: attribute("rowspan").unwrap_or(1),
                };
                // A row or cell not shown (`style="display:none"`,
                // `hidden`): no text of the page's. (Other tags are not
                // looked at.)
                let row_or_cell = matches!(&tag.name[..], b"tr" | b"td" | b"th");
                let shown = !row_or_cell
                    || !tag.attributes.contains_key(b"hidden".as_slice())
                        && tag.attributes.get(b"style".as_slice()).is_none_or(|v| {
                            let style: String = String::from_utf8_lossy(&v.value)
                                .chars()
                                .filter(|c| !c.is_whitespace())
                                .collect();
                            !style.to_ascii_lowercase().contains("display:none")
                        });
                page_text.start(&tag.name, span, shown);
            }
            Token::EndTag(tag) => page_text.end(&tag.name),
            Token::String(s) => page_text.text(&String::from_utf8_lossy(&s.value)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    page_text.finish()
}

/// The page's text as its tags open and close.
#[derive(Debug, Default)]
struct PageText {
    text: TableText,
    /// Inside a `<pre>`: its spacing and lines are kept.
    pre: usize,
    /// Inside a script, a style, the title: no text.
    hidden: usize,
    /// Inside the page's head, up to its end or the first tag of a body
    /// (an end tag a page may leave out): no text.
    in_head: bool,
    /// Inside a table row, or a cell, the page does not show (a stale row
    /// kept with `display:none`): no text, no cells; up to the next row.
    row_not_shown: bool,
    cell_not_shown: bool,
}

impl PageText {
    fn start(&mut self, name: &[u8], span: Span, shown: bool) {
        match name {
            b"head" => self.in_head = true,
            // (`<script/>` opens a script all the same, as in a browser.)
            b"script" | b"style" | b"noscript" | b"template" | b"title" => {
                self.hidden += 1;
            }
            // The head ends where the body begins, its end tag printed or not.
            b"body" => {
                self.in_head = false;
                self.text.break_line();
            }
            _ if self.in_head && starts_body(name) => {
                self.in_head = false;
                self.start(name, span, shown);
            }
            b"table" => self.text.open_table(),
            b"tr" => {
                (self.row_not_shown, self.cell_not_shown) = (!shown, false);
                if shown {
                    self.text.open_row();
                }
            }
            b"td" | b"th" if self.row_not_shown => {}
            b"td" | b"th" => {
                self.cell_not_shown = !shown;
                if shown {
                    self.text.open_cell(span);
                }
            }
            b"br" => self.text.break_line(),
            b"pre" => {
                self.text.end_paragraph();
                self.pre += 1;
            }
            _ if is_block(name) => self.text.break_line(),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"head" => self.in_head = false,
            b"script" | b"style" | b"noscript" | b"template" | b"title" => {
                self.hidden = self.hidden.saturating_sub(1);
            }
            b"table" => {
                (self.row_not_shown, self.cell_not_shown) = (false, false);
                self.text.close_table();
            }
            b"tr" if self.row_not_shown => self.row_not_shown = false,
            b"tr" => self.text.close_row(),
            b"td" | b"th" if self.row_not_shown || self.cell_not_shown => {
                self.cell_not_shown = false;
            }
            b"td" | b"th" => self.text.close_cell(),
            b"pre" => {
                self.text.end_paragraph_keeping_spaces();
                self.pre = self.pre.saturating_sub(1);
            }
            _ if is_block(name) => self.text.break_line(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_head {
            return;
        }
        if self.row_not_shown || self.cell_not_shown {
            return;
        }
        match (self.hidden, self.pre) {
            (0, 0) => self.text.text(text),
            (0, _) => self.text.preformatted(text),
            _ => {}
        }
    }

    fn finish(self) -> Result<String, TooLarge> {
        self.text.finish()
    }
}

/// Tags that only a page's body holds: the head ended before them.
fn starts_body(name: &[u8]) -> bool {
    matches!(
        name,
        b"table" | b"tr" | b"td" | b"th" | b"br" | b"pre" | b"span" | b"font"
    ) || is_block(name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_cells_the_page_does_not_show_are_no_text() {
        // A stale row kept in the page with `display:none` (before
        // 2026-12-07 read as printed: 414.61 for 376.92, ok).
        let page = "<table><tr><td>208</td><td>376.92</td></tr>\
                    <tr style=\"DISPLAY: none\"><td>208</td><td>414.61</td></tr>\
                    <tr hidden><td>209</td><td>1.00</td></tr>\
                    <tr><td>210</td><td style='display:none'>9.99</td><td>52.90</td></tr></table>";
        assert_eq!(to_text(page).unwrap().trim(), "208\t376.92\n210\t52.90");
    }

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
            to_text(page).unwrap(),
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
            to_text(page).unwrap(),
            "表2 收入总体情况表\n单位：万元\n编制部门：某局\n208\t社会保障和就业支出\t9.50\n说明\n右栏\n"
        );
    }

    #[test]
    fn a_head_left_open_ends_at_the_body_and_spans_read_as_browsers_do() {
        let page = "<html><head><meta charset=gbk><title>预算</title>\
            <h3>表1 收支总体情况表</h3><table><tr><td colspan=\"2px\">项目</td><td>金额</td></tr></table>";
        assert_eq!(to_text(page).unwrap(), "表1 收支总体情况表\n项目\t\t金额\n");
    }

    #[test]
    fn a_page_spanning_too_much_fails_as_too_large() {
        // 12 MB of rows, each a cell spanning 256 columns: 77 MB of text.
        let rows = "<tr><td colspan=256>1</td><td>2</td></tr>".repeat(300_000);
        let page = format!("<html><table>{rows}</table></html>");
        assert!(to_text(&page).is_err());
        let fewer = "<tr><td colspan=256>1</td><td>2</td></tr>".repeat(1_000);
        let page = format!("<html><table>{fewer}</table></html>");
        // `1`, 255 empty cells, `2`: 258 bytes and a newline a row.
        assert_eq!(to_text(&page).unwrap().len(), 1_000 * 259);
    }

    #[test]
    fn preformatted_text_keeps_its_lines_and_tabs() {
        let page =
            "<html><body><pre>表1\t收支总体情况表\n项目\t金额\n</pre><table></table></body></html>";
        assert_eq!(to_text(page).unwrap(), "表1\t收支总体情况表\n项目\t金额\n");
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
        let text = to_text(page).unwrap();
        assert_eq!(text.lines().next(), Some("1"));
        assert_eq!(
            text.lines().nth(1).map(|l| l.split('\t').count()),
            Some(crate::markup::MAX_COLUMNS + 1)
        );
    }
}
