//! Word 97–2003 documents (.doc) as tab-separated text.
//!
//! Counties attach many disclosures as old binary Word files. The main
//! document's text is read through its piece table, and its paragraph
//! properties tell the table rows: a cell ends at a cell mark (`\x07`), a
//! row at a cell mark that is a table row's end (TTP). Each row becomes a
//! line of tab-separated cells and each other paragraph a line, written by
//! [`crate::markup::TableText`] as a Word 2007 document's are; a cell
//! wider than the table's narrowest columns (a merged heading) is followed
//! by the empty cells of the columns it spans, told by the row's cell
//! edges (`sprmTDefTable`). Field codes, pictures and footnote marks are
//! left out.
//!
//! The layout is MS-DOC's: the FIB names the table stream and where the
//! piece table (CLX) and the paragraph properties' bin table (PlcBtePapx)
//! are; 512-byte FKP pages hold each paragraph's properties (sprms).

use std::io::{Cursor, Read};

use thiserror::Error;

use crate::markup::{Span, TableText, TooLarge};

#[derive(Debug, Error)]
pub enum DocError {
    #[error("the Word 97 document cannot be read: {0}")]
    Unreadable(String),
    #[error("the Word 97 document is encrypted")]
    Encrypted,
    #[error("the Word 97 document holds no text")]
    Empty,
    #[error("the Word 97 document is larger than {} MB as text", crate::markup::MAX_TEXT >> 20)]
    TooLarge,
}

/// A stream is read up to this size.
const MAX_STREAM: u64 = 64 << 20;

fn bad(what: &str) -> DocError {
    DocError::Unreadable(what.to_string())
}

/// The document's main text as lines (see the module documentation);
/// `Ok(None)` when the compound file holds no Word document (an .xls, a
/// .wps of another layout).
pub fn to_text(bytes: &[u8]) -> Result<Option<String>, DocError> {
    // (A compound file cfb cannot open is named by its bytes, as any.)
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(None);
    };
    if !file.is_stream("/WordDocument") {
        return Ok(None);
    }
    let word = read_stream(&mut file, "/WordDocument")?;
    let fib = Fib::read(&word)?;
    let table = read_stream(&mut file, fib.table_stream)?;
    let pieces = pieces(&table, fib.clx)?;
    // Paragraph properties too large for their page are in the Data stream.
    let data = match file.is_stream("/Data") {
        true => read_stream(&mut file, "/Data")?,
        false => Vec::new(),
    };
    let papx = ParagraphProperties::read(&table, fib.plcf_bte_papx, &word, &data)?;
    let chars = main_text(&word, &pieces, fib.ccp_text);
    let text = lines(&chars, &papx).map_err(|_| DocError::TooLarge)?;
    if text.trim().is_empty() {
        return Err(DocError::Empty);
    }
    Ok(Some(text))
}

fn read_stream(
    file: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
) -> Result<Vec<u8>, DocError> {
    let stream = file
        .open_stream(name)
        .map_err(|e| bad(&format!("{name}: {e}")))?;
    let mut out = Vec::new();
    stream
        .take(MAX_STREAM + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad(&format!("{name}: {e}")))?;
    if out.len() as u64 > MAX_STREAM {
        return Err(bad(&format!("{name} is larger than 64 MB")));
    }
    Ok(out)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// An (offset, length) pair of the FIB, into the table stream.
#[derive(Debug, Clone, Copy)]
struct FcLcb {
    fc: usize,
    lcb: usize,
}

/// What the File Information Block says this reader needs.
struct Fib {
    table_stream: &'static str,
    ccp_text: usize,
    clx: FcLcb,
    plcf_bte_papx: FcLcb,
}

impl Fib {
    fn read(word: &[u8]) -> Result<Fib, DocError> {
        if u16_at(word, 0) != Some(0xA5EC) {
            return Err(bad("no Word 97 file information block"));
        }
        // Word 6 and 95 (nFib 101–105) set their blocks out otherwise.
        if u16_at(word, 2).is_some_and(|n| n < 0x00C0) {
            return Err(bad("a Word 6 or Word 95 document: save it as .docx or PDF"));
        }
        let flags = u16_at(word, 0x0A).ok_or_else(|| bad("short FIB"))?;
        if flags & 0x0100 != 0 {
            return Err(DocError::Encrypted);
        }
        let pair = |index: usize| -> Result<FcLcb, DocError> {
            let at = 0x9A + 8 * index;
            Ok(FcLcb {
                fc: u32_at(word, at).ok_or_else(|| bad("short FIB"))? as usize,
                lcb: u32_at(word, at + 4).ok_or_else(|| bad("short FIB"))? as usize,
            })
        };
        Ok(Fib {
            table_stream: if flags & 0x0200 != 0 {
                "/1Table"
            } else {
                "/0Table"
            },
            ccp_text: u32_at(word, 0x4C).ok_or_else(|| bad("short FIB"))? as usize,
            clx: pair(33)?,
            plcf_bte_papx: pair(13)?,
        })
    }
}

/// A run of the main text stored in one place: characters `cp..cp_end`
/// from byte `fc`, one byte each (`compressed`, Windows-1252) or two
/// (UTF-16).
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp: usize,
    cp_end: usize,
    fc: usize,
    compressed: bool,
}

/// The piece table (PlcPcd) of the CLX.
fn pieces(table: &[u8], clx: FcLcb) -> Result<Vec<Piece>, DocError> {
    let clx = table
        .get(clx.fc..clx.fc.saturating_add(clx.lcb))
        .ok_or_else(|| bad("the piece table is outside the table stream"))?;
    let mut at = 0;
    // Property modifiers (Prc) first, then the piece table (Pcdt).
    while clx.get(at) == Some(&0x01) {
        let cb = u16_at(clx, at + 1).ok_or_else(|| bad("short CLX"))? as usize;
        at += 3 + cb;
    }
    if clx.get(at) != Some(&0x02) {
        return Err(bad("no piece table"));
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(|| bad("short CLX"))? as usize;
    let plc = clx
        .get(at + 5..at + 5 + lcb)
        .ok_or_else(|| bad("short piece table"))?;
    if lcb < 4 || !(lcb - 4).is_multiple_of(12) {
        return Err(bad("piece table of a wrong size"));
    }
    let n = (lcb - 4) / 12;
    let cp = |i: usize| u32_at(plc, 4 * i).map(|v| v as usize);
    (0..n)
        .map(|i| {
            let pcd = 4 * (n + 1) + 8 * i;
            let fc = u32_at(plc, pcd + 2).ok_or_else(|| bad("short piece"))?;
            let compressed = fc & 0x4000_0000 != 0;
            let fc = (fc & 0x3FFF_FFFF) as usize;
            Ok(Piece {
                cp: cp(i).ok_or_else(|| bad("short piece"))?,
                cp_end: cp(i + 1).ok_or_else(|| bad("short piece"))?,
                fc: if compressed { fc / 2 } else { fc },
                compressed,
            })
        })
        .collect()
}

/// A character of the main text and where it is stored (its byte in the
/// WordDocument stream, which paragraph properties are keyed by).
#[derive(Debug, Clone, Copy)]
struct Char {
    c: char,
    fc: usize,
}

/// The main document's characters, `ccp_text` of them at most (and no
/// more than the stream has bytes: pieces that overlap cannot multiply a
/// file's text).
fn main_text(word: &[u8], pieces: &[Piece], ccp_text: usize) -> Vec<Char> {
    let limit = ccp_text.min(word.len());
    let mut out = Vec::new();
    for p in pieces {
        if out.len() >= limit {
            break;
        }
        let end = p.cp_end.min(ccp_text);
        if p.cp >= end {
            continue;
        }
        let count = (end - p.cp).min(limit - out.len());
        if p.compressed {
            let Some(bytes) = word.get(p.fc..p.fc + count) else {
                continue;
            };
            // Windows-1252: one character a byte.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            for (i, c) in text.chars().enumerate() {
                out.push(Char { c, fc: p.fc + i });
            }
        } else {
            let Some(bytes) = word.get(p.fc..p.fc + 2 * count) else {
                continue;
            };
            let units = bytes
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]));
            let mut fc = p.fc;
            for c in char::decode_utf16(units) {
                let c = c.unwrap_or('\u{FFFD}');
                out.push(Char { c, fc });
                fc += 2 * c.len_utf16();
            }
        }
    }
    out
}

/// What a paragraph's properties say of its place in a table.
#[derive(Debug, Default, Clone, PartialEq)]
struct InTable {
    /// The paragraph is in a table cell.
    in_table: bool,
    /// Its mark ends a table row (TTP).
    row_end: bool,
    /// The row's cell edges (twips), given with a row's end.
    edges: Vec<i16>,
    /// Where the Data stream holds the rest of the properties.
    huge: Option<usize>,
}

/// The paragraph properties' bin table: FKP pages by the stream range
/// they cover.
struct ParagraphProperties<'w> {
    word: &'w [u8],
    data: &'w [u8],
    /// (first fc, end fc, page number) of each FKP page.
    pages: Vec<(usize, usize, usize)>,
}

impl<'w> ParagraphProperties<'w> {
    fn read(table: &[u8], plc: FcLcb, word: &'w [u8], data: &'w [u8]) -> Result<Self, DocError> {
        let plc = table
            .get(plc.fc..plc.fc.saturating_add(plc.lcb))
            .ok_or_else(|| bad("the paragraph bin table is outside the table stream"))?;
        if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(8) {
            return Err(bad("paragraph bin table of a wrong size"));
        }
        let n = (plc.len() - 4) / 8;
        let pages = (0..n)
            .filter_map(|i| {
                let first = u32_at(plc, 4 * i)? as usize;
                let end = u32_at(plc, 4 * (i + 1))? as usize;
                let pn = (u32_at(plc, 4 * (n + 1) + 4 * i)? & 0x003F_FFFF) as usize;
                Some((first, end, pn))
            })
            .collect();
        Ok(ParagraphProperties { word, data, pages })
    }

    /// The table properties of the paragraph whose mark is stored at `fc`.
    fn at(&self, fc: usize) -> InTable {
        let Some(grpprl) = self.grpprl(fc) else {
            return InTable::default();
        };
        let mut props = read_sprms(grpprl);
        // sprmPHugePapx: the rest in the Data stream (cb, then sprms).
        if let Some(at) = props.huge.take() {
            let cb = u16_at(self.data, at).map_or(0, usize::from);
            if let Some(rest) = self.data.get(at + 2..at + 2 + cb) {
                let more = read_sprms(rest);
                props.in_table |= more.in_table;
                props.row_end |= more.row_end;
                if !more.edges.is_empty() {
                    props.edges = more.edges;
                }
            }
        }
        props
    }

    /// The sprms of the paragraph whose mark is stored at `fc`. (Both
    /// lookups are binary searches: a hostile file of millions of marks
    /// cannot stall the batch.)
    fn grpprl(&self, fc: usize) -> Option<&'w [u8]> {
        let i = self.pages.partition_point(|&(first, _, _)| first <= fc);
        let &(_, end, pn) = self.pages.get(i.checked_sub(1)?)?;
        if fc >= end {
            return None;
        }
        let page = self.word.get(pn * 512..pn * 512 + 512)?;
        let crun = usize::from(page[511]);
        let fc_at = |i: usize| u32_at(page, 4 * i).map_or(usize::MAX, |v| v as usize);
        // The run whose range [rgfc[j], rgfc[j + 1]) holds `fc`.
        let (mut lo, mut hi) = (0, crun + 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fc_at(mid) <= fc {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let run = lo
            .checked_sub(1)
            .filter(|&j| j < crun && fc < fc_at(j + 1))?;
        let b_offset = usize::from(*page.get(4 * (crun + 1) + 13 * run)?);
        if b_offset == 0 {
            return None;
        }
        let at = 2 * b_offset;
        let cb = usize::from(*page.get(at)?);
        let (start, len) = if cb == 0 {
            (at + 2, 2 * usize::from(*page.get(at + 1)?))
        } else {
            (at + 1, 2 * cb - 1)
        };
        // The style index (2 bytes) first, then the sprms.
        page.get(start + 2..(start + len).min(512))
    }
}

/// The table sprms of a paragraph's grpprl.
fn read_sprms(grpprl: &[u8]) -> InTable {
    let mut out = InTable::default();
    let mut at = 0;
    while let Some(sprm) = u16_at(grpprl, at) {
        let operand = at + 2;
        let size = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            // Variable: a length byte first; a table's definition has a
            // 2-byte length (one more than the bytes after it).
            _ => match sprm {
                0xD608 | 0xD606 => match u16_at(grpprl, operand) {
                    Some(cb) => 1 + usize::from(cb),
                    None => break,
                },
                // sprmPChgTabs' long form: not needed, not walked past.
                0xC615 if grpprl.get(operand) == Some(&255) => break,
                _ => match grpprl.get(operand) {
                    Some(&cb) => 1 + usize::from(cb),
                    None => break,
                },
            },
        };
        let Some(arg) = grpprl.get(operand..operand + size) else {
            break;
        };
        match sprm {
            0x2416 => out.in_table = arg[0] != 0,
            0x6645 | 0x6646 => out.huge = u32_at(arg, 0).map(|v| v as usize),
            0x2417 => out.row_end = arg[0] != 0,
            0xD608 => {
                // cb (2), itcMac (1), rgdxaCenter (itcMac + 1 edges), …
                let cells = usize::from(*arg.get(2).unwrap_or(&0));
                out.edges = (0..=cells)
                    .filter_map(|i| u16_at(arg, 3 + 2 * i).map(|v| v as i16))
                    .collect();
            }
            _ => {}
        }
        at = operand + size;
    }
    out
}

/// The characters as lines: paragraphs, and table rows as tab-separated
/// cells.
fn lines(chars: &[Char], papx: &ParagraphProperties) -> Result<String, TooLarge> {
    let mut out = TableText::default();
    // A table's rows: each row's cells' texts, then the row's cell edges.
    let mut rows: Vec<(Vec<String>, Vec<i16>)> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut text = String::new();
    // The fields open around a character, each whether in its code
    // (`\x13` code `\x14` result `\x15`), and how many are: a code is
    // left out. A paragraph's end ends them (no code holds one; a field
    // left open would hide the rest of the document).
    let mut fields: Vec<bool> = Vec::new();
    let mut in_code = 0usize;
    for ch in chars {
        match ch.c {
            '\u{13}' => {
                fields.push(true);
                in_code += 1;
            }
            '\u{14}' => {
                if let Some(code) = fields.last_mut().filter(|c| **c) {
                    *code = false;
                    in_code -= 1;
                }
            }
            '\u{15}' => {
                if fields.pop() == Some(true) {
                    in_code -= 1;
                }
            }
            '\r' | '\u{7}' | '\u{c}' => {
                fields.clear();
                in_code = 0;
                let props = papx.at(ch.fc);
                if ch.c == '\u{7}' && props.row_end {
                    rows.push((std::mem::take(&mut cells), props.edges));
                    text.clear();
                } else if ch.c == '\u{7}' {
                    cells.push(std::mem::take(&mut text));
                } else if props.in_table {
                    text.push('\n');
                } else {
                    write_table(&mut out, &mut rows, &mut cells);
                    out.text(&std::mem::take(&mut text));
                    out.end_paragraph();
                }
            }
            _ if in_code > 0 => {}
            '\u{b}' => text.push('\n'),
            '\u{1e}' => text.push('-'),
            '\u{1}' | '\u{2}' | '\u{5}' | '\u{8}' | '\u{1f}' => {}
            c => text.push(c),
        }
    }
    write_table(&mut out, &mut rows, &mut cells);
    out.text(&text);
    out.finish()
}

/// Cell edges this close (twips, a point and a half) are one column's.
const EDGE_TOLERANCE: i32 = 30;

/// A table's rows, each cell followed by the empty cells of the columns
/// it spans: the columns are all the rows' cell edges together. Cells no
/// row's end closed (properties not read) are a row all the same: no cell
/// is dropped.
fn write_table(
    out: &mut TableText,
    rows: &mut Vec<(Vec<String>, Vec<i16>)>,
    cells: &mut Vec<String>,
) {
    if !cells.is_empty() {
        rows.push((std::mem::take(cells), Vec::new()));
    }
    if rows.is_empty() {
        return;
    }
    let mut edges: Vec<i32> = rows
        .iter()
        .flat_map(|(_, e)| e.iter().copied().map(i32::from))
        .collect();
    edges.sort_unstable();
    // Edges closer than a hair are one (rows whose widths were rounded
    // apart by a twip).
    let mut grid: Vec<i32> = Vec::new();
    for e in edges {
        if grid.last().is_none_or(|&g| e - g > EDGE_TOLERANCE) {
            grid.push(e);
        }
    }
    // The grid columns starting from `from` (the table's left, if none)
    // up to an edge at `to`.
    let columns = |from: Option<i16>, to: i16| {
        let low = from.map_or(i32::MIN, |a| i32::from(a) - EDGE_TOLERANCE);
        let high = i32::from(to) - EDGE_TOLERANCE;
        grid.iter().filter(|&&g| low <= g && g < high).count()
    };
    out.open_table();
    for (cells, edges) in rows.drain(..) {
        out.open_row();
        // A row starting right of the table's left edge (Word's width
        // before) leaves the columns before it empty.
        out.empty_cells(edges.first().map_or(0, |&a| columns(None, a)));
        for (i, cell) in cells.iter().enumerate() {
            let columns = match (edges.get(i), edges.get(i + 1)) {
                (Some(&a), Some(&b)) => columns(Some(a), b),
                _ => 1,
            };
            out.open_cell(Span {
                columns: columns.max(1),
                rows: 1,
            });
            for (j, paragraph) in cell.split('\n').enumerate() {
                if j > 0 {
                    out.break_line();
                }
                out.text(paragraph);
            }
            out.close_cell();
        }
        out.close_row();
    }
    out.close_table();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprms_give_the_table_marks_and_a_rows_edges() {
        // sprmPFInTable, sprmPFTtp, sprmTDefTable (2 cells: edges 0, 1000,
        // 3000), then a 2-byte sprm.
        let mut grpprl = vec![0x16, 0x24, 1, 0x17, 0x24, 1, 0x08, 0xD6];
        let def: Vec<u8> = [2u8]
            .into_iter()
            .chain([0i16, 1000, 3000].iter().flat_map(|v| v.to_le_bytes()))
            .chain([0u8; 4])
            .collect();
        grpprl.extend((def.len() as u16 + 1).to_le_bytes());
        grpprl.extend(&def);
        grpprl.extend([0x03, 0x46, 0, 0]);
        let props = read_sprms(&grpprl);
        assert_eq!(
            props,
            InTable {
                in_table: true,
                row_end: true,
                edges: vec![0, 1000, 3000],
                huge: None,
            }
        );
        assert_eq!(read_sprms(&[0x16, 0x24]), InTable::default());
    }

    #[test]
    fn a_wide_cell_is_followed_by_the_columns_it_spans() {
        let mut out = TableText::default();
        let mut rows = vec![
            (vec!["项目".into(), "预算数".into()], vec![0, 1000, 3000]),
            (
                vec!["".into(), "合计".into(), "基本\n支出".into()],
                vec![0, 1001, 2000, 3000],
            ),
        ];
        rows.push((vec!["9.00".into()], vec![2000, 3000]));
        write_table(&mut out, &mut rows, &mut Vec::new());
        assert_eq!(
            out.finish().unwrap(),
            "项目\t预算数\n\t合计\t基本 支出\n\t\t9.00\n"
        );
    }

    #[test]
    fn files_that_are_no_word_document_are_left_to_be_named() {
        assert!(matches!(to_text(b"not a compound file"), Ok(None)));
        let doc = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/doc/002_ef8a97d7800bc6c6.doc"),
        )
        .expect("fixture");
        assert!(matches!(to_text(&doc), Ok(Some(t)) if t.contains("\t1,010.70\t")));
        // Its FIB damaged: a Word document that cannot be read.
        let mut damaged = doc.clone();
        let fib = find(&damaged, &[0xEC, 0xA5]).expect("a FIB");
        damaged[fib] = 0;
        assert!(matches!(to_text(&damaged), Err(DocError::Unreadable(_))));
    }

    #[test]
    fn field_codes_are_left_out_and_end_with_their_paragraph() {
        let chars: Vec<Char> = "合\u{13} PAGE \u{14}3\u{15}计\r\u{13}未完\r正文\r"
            .chars()
            .map(|c| Char { c, fc: 0 })
            .collect();
        let none = ParagraphProperties {
            word: &[],
            data: &[],
            pages: Vec::new(),
        };
        assert_eq!(lines(&chars, &none).unwrap(), "合3计\n正文\n");
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }
}
