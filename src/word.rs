//! Word documents (.docx) as tab-separated text.
//!
//! Counties publish many disclosures as Word attachments, the tables typed
//! into Word tables. The document's body is read in order: each table row a
//! line of tab-separated cells (a cell spanning grid columns followed by
//! empty cells; a vertically merged cell's continuation is an empty cell of
//! its own in the file), each other paragraph a line — the text the
//! document copied as text gives, which the tabbed layout reads (see
//! [`crate::markup`]).
//!
//! Only `word/document.xml` is read (zip, then quick-xml): headers,
//! footers, comments and footnotes are no part of a table. Text deleted
//! under revision marks and field codes are left out; a drawing's
//! alternative content is read once.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use thiserror::Error;

use crate::markup::{Span, TableText};

#[derive(Debug, Error)]
pub enum WordError {
    #[error("the Word document cannot be read: {0}")]
    Unreadable(String),
    #[error("the Word document is larger than {} MB as text", MAX_XML / (1 << 20))]
    TooLarge,
    #[error("the Word document holds no text")]
    Empty,
}

/// The body's XML is read up to this size: a zip bomb is an error, not an
/// out-of-memory.
const MAX_XML: u64 = 64 << 20;

/// Whether the bytes are a Word document: a zip holding `word/`.
pub fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && crate::decode::zip_member_names(bytes)
            .iter()
            .any(|n| n.starts_with(b"word/"))
}

/// The document's body as lines (see the module documentation).
pub fn to_text(bytes: &[u8]) -> Result<String, WordError> {
    let unreadable = |e: &dyn std::fmt::Display| WordError::Unreadable(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let body = zip
        .by_name("word/document.xml")
        .map_err(|e| unreadable(&format!("word/document.xml: {e}")))?;
    let mut xml = String::new();
    body.take(MAX_XML + 1)
        .read_to_string(&mut xml)
        .map_err(|e| unreadable(&format!("word/document.xml: {e}")))?;
    if xml.len() as u64 > MAX_XML {
        return Err(WordError::TooLarge);
    }
    let text = body_text(&xml)?;
    if text.trim().is_empty() {
        return Err(WordError::Empty);
    }
    Ok(text)
}

/// `word/document.xml` as lines.
fn body_text(xml: &str) -> Result<String, WordError> {
    body_lines(xml)
        .map_err(|e| WordError::Unreadable(format!("word/document.xml: {e}")))?
        .finish()
        .map_err(|_| WordError::TooLarge)
}

/// The body's tables and paragraphs, read.
fn body_lines(xml: &str) -> Result<TableText, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = TableText::default();
    // Inside `w:t` (text); how deep in elements whose content is no part
    // of the document (`is_skipped`).
    let (mut in_text, mut skipped) = (false, 0usize);
    let mut span = Span::ONE;
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                match name.as_ref() {
                    name if is_skipped(name) && !empty => skipped += 1,
                    _ if skipped > 0 => {}
                    b"t" if !empty => in_text = true,
                    b"tbl" if !empty => out.open_table(),
                    b"tr" if !empty => out.open_row(),
                    // Grid columns the row leaves out before its cells.
                    b"gridBefore" => out.empty_cells(value(e).unwrap_or(0)),
                    b"tc" if !empty => span = Span::ONE,
                    b"gridSpan" => {
                        span.columns = value(e).unwrap_or(1);
                    }
                    // The cell opens where its content starts (`<w:p/>` in
                    // an empty cell), its properties (the span) read.
                    b"p" => out.open_cell_once(span),
                    b"tab" | b"ptab" => out.text(" "),
                    b"br" | b"cr" => out.break_line(),
                    b"noBreakHyphen" => out.text("-"),
                    _ => {}
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    name if is_skipped(name) => skipped = skipped.saturating_sub(1),
                    _ if skipped > 0 => {}
                    b"t" => in_text = false,
                    b"p" => out.break_line(),
                    b"tc" => out.close_cell(),
                    b"tr" => out.close_row(),
                    b"tbl" => out.close_table(),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skipped == 0 => {
                out.text(&t.decode().map_err(quick_xml::Error::from)?);
            }
            Event::GeneralRef(r) if in_text && skipped == 0 => {
                let resolved = match r.resolve_char_ref()? {
                    Some(c) => Some(c.to_string()),
                    None => {
                        let name = r.decode().map_err(quick_xml::Error::from)?;
                        quick_xml::escape::resolve_predefined_entity(&name).map(String::from)
                    }
                };
                if let Some(s) = resolved {
                    out.text(&s);
                }
            }
            Event::CData(t) if in_text && skipped == 0 => {
                out.text(&String::from_utf8_lossy(t));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Elements whose content is no part of the document as it reads now:
/// text deleted or moved away under revision marks, the properties a
/// revision replaced (their spans are not the table's), a field's code, a
/// drawing's fallback (its alternative content read once).
fn is_skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"del"
            | b"delText"
            | b"moveFrom"
            | b"instrText"
            | b"Fallback"
            | b"tcPrChange"
            | b"trPrChange"
            | b"tblPrChange"
            | b"pPrChange"
            | b"rPrChange"
            | b"sectPrChange"
    )
}

/// An element's `w:val` as a count.
fn value(e: &BytesStart) -> Option<usize> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
             xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">\
             <w:body>{body}<w:sectPr/></w:body></w:document>"
        )
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn tc(props: &str, text: &str) -> String {
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"1000\" w:type=\"dxa\"/>{props}</w:tcPr>{}</w:tc>",
            p(text)
        )
    }

    #[test]
    fn rows_become_tab_separated_lines_and_paragraphs_lines() {
        let body = format!(
            "{}{}<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"1000\"/></w:tblGrid>\
             <w:tr>{}{}</w:tr>\
             <w:tr>{}{}{}</w:tr>\
             <w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}{}{}</w:tr>\
             </w:tbl>{}",
            p("表1 部门收支总体情况表"),
            p("单位：万元"),
            tc("<w:vMerge w:val=\"restart\"/>", "项目"),
            tc("<w:gridSpan w:val=\"2\"/>", "预算数"),
            tc("<w:vMerge/>", ""),
            tc("", "合计"),
            tc("", "基本支出"),
            tc("", "1,010.70"),
            "<w:tc><w:tcPr/><w:p/></w:tc>",
            tc("", "3.00"),
            p("备注：A&amp;B"),
        );
        assert_eq!(
            body_text(&document(&body)).unwrap(),
            "表1 部门收支总体情况表\n单位：万元\n项目\t预算数\n\t合计\t基本支出\n\t1,010.70\t\t3.00\n备注：A&B\n"
        );
    }

    #[test]
    fn deleted_text_field_codes_and_fallbacks_are_left_out() {
        let body = "<w:p><w:r><w:t>合</w:t></w:r><w:del><w:r><w:delText>旧</w:delText></w:r></w:del>\
            <w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>计</w:t></w:r>\
            <mc:AlternateContent><mc:Choice><w:t>图</w:t></mc:Choice><mc:Fallback><w:t>图</w:t></mc:Fallback></mc:AlternateContent></w:p>\
            <w:p><w:r><w:t>一</w:t><w:tab/><w:t>二</w:t><w:br/><w:t>三</w:t></w:r></w:p>\
            <w:p><w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom><w:r><w:t>留下</w:t></w:r></w:p>";
        assert_eq!(
            body_text(&document(body)).unwrap(),
            "合计图\n一 二\n三\n留下\n"
        );
        // A cell's span as a revision left it, not as it was.
        let row = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            tc(
                "<w:gridSpan w:val=\"2\"/><w:tcPrChange><w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr></w:tcPrChange>",
                "预算数"
            ),
            tc("", "9.00"),
        );
        assert_eq!(body_text(&document(&row)).unwrap(), "预算数\t\t9.00\n");
    }

    #[test]
    fn damaged_and_oversized_files_fail_with_a_reason() {
        let err = to_text(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the Word document cannot be read"),
            "{err}"
        );
        assert!(body_text("<w:document><w:body><w:p></w:document>").is_err());
    }
}
