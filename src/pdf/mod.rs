//! PDF input: lopdf parses the file; this module builds the text layer —
//! positioned glyphs from the content streams ([`interp`]), Unicode from the
//! fonts ([`font`], [`cmap`]) — and groups glyphs into lines and cells, which
//! enter the same recognise/solve/check stages as a text dump's rows.

mod align;
mod cmap;
mod encoding;
mod font;
mod grid;
mod interp;
mod stream;

use thiserror::Error;

use crate::amount::is_number;
use crate::layout::Item;
use crate::model::{Cell, Provenance};

use interp::Interpreter;
pub(crate) use interp::{rule, Glyph, Rule};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PdfError {
    #[error("cannot read PDF: {0}")]
    Load(String),
    #[error("encrypted PDF: it does not open with an empty user password ({0})")]
    Encrypted(String),
    #[error("no text layer on {0} pages (a scan?): needs OCR")]
    NoText(usize),
    #[error("text layer is garbled: fonts map their codes to no Unicode")]
    Garbled,
    #[error("text layer is garbled: {0}")]
    Mojibake(String),
    #[error("a stream inflates past {} MB (damaged or hostile file)", MAX_STREAM >> 20)]
    TooLarge,
}

pub use stream::MAX_STREAM;

/// A page attribute, inherited from the page tree when the page lacks it.
fn inherited<'d>(
    doc: &'d lopdf::Document,
    page: lopdf::ObjectId,
    key: &[u8],
) -> Option<&'d lopdf::Object> {
    let mut dict = doc.get_dictionary(page).ok()?;
    // A loop, not recursion, bounded against Parent cycles; null is absent.
    for _ in 0..4096 {
        if let Ok(v) = dict.get(key) {
            match doc.dereference(v).ok().map(|(_, o)| o) {
                Some(lopdf::Object::Null) | None => {}
                found => return found,
            }
        }
        dict = doc
            .get_dictionary(dict.get(b"Parent").ok()?.as_reference().ok()?)
            .ok()?;
    }
    None
}

/// The page's initial matrix (see [`page_box_matrix`]), and the page's
/// visible area under it: text outside the CropBox is not shown.
fn page_view(
    doc: &lopdf::Document,
    page: lopdf::ObjectId,
    quarters: i64,
) -> ([f32; 6], interp::Area) {
    let (m, bbox) = page_box_matrix(doc, page, quarters);
    (m, interp::transformed(&bbox, &m))
}

/// The page's initial matrix: the CropBox (else MediaBox) origin moved to
/// (0, 0) and /Rotate undone, so text reads upright in every page, then
/// `quarters` more quarter turns clockwise (a page printed sideways); and
/// that box.
fn page_box_matrix(
    doc: &lopdf::Document,
    page: lopdf::ObjectId,
    quarters: i64,
) -> ([f32; 6], [f32; 4]) {
    let num = interp::num;
    // A box of no area (`/CropBox [0 0 0 0]`) is ignored, as viewers do.
    let bbox = [b"CropBox".as_slice(), b"MediaBox"]
        .iter()
        .find_map(|k| {
            let a = inherited(doc, page, k)?
                .as_array()
                .ok()
                .filter(|a| a.len() == 4)?;
            let v: Vec<f32> = a
                .iter()
                .map(|o| num(doc.dereference(o).map(|(_, o)| o).unwrap_or(o)))
                .collect();
            let b = [
                v[0].min(v[2]),
                v[1].min(v[3]),
                v[0].max(v[2]),
                v[1].max(v[3]),
            ];
            (b[2] - b[0] >= 1.0 && b[3] - b[1] >= 1.0).then_some(b)
        })
        .unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let [x0, y0, x1, y1] = bbox;
    let rotate = inherited(doc, page, b"Rotate").map(num).unwrap_or(0.0) as i64;
    let m = match (rotate.rem_euclid(360) + 90 * quarters).rem_euclid(360) {
        90 => [0.0, -1.0, 1.0, 0.0, -y0, x1],
        180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
        270 => [0.0, 1.0, -1.0, 0.0, y1, -x0],
        _ => [1.0, 0.0, 0.0, 1.0, -x0, -y0],
    };
    (m, bbox)
}

/// The page's content streams, decoded and joined.
fn page_content(doc: &lopdf::Document, page: lopdf::ObjectId) -> Result<Vec<u8>, PdfError> {
    let Some(contents) = doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Contents").ok())
    else {
        return Ok(Vec::new());
    };
    let parts: Vec<&lopdf::Object> = match doc.dereference(contents).map(|(_, o)| o) {
        Ok(lopdf::Object::Array(a)) => a.iter().collect(),
        Ok(o) => vec![o],
        Err(_) => Vec::new(),
    };
    let mut out = Vec::new();
    for part in parts {
        let Ok((_, lopdf::Object::Stream(s))) = doc.dereference(part) else {
            continue;
        };
        out.extend(stream::decode(s)?);
        out.push(b'\n');
        if out.len() > MAX_STREAM {
            return Err(PdfError::TooLarge);
        }
    }
    Ok(out)
}

/// The text layer of a PDF, as layout items, and as plain text for metadata.
#[derive(Debug)]
pub struct PdfText {
    pub items: Vec<Item>,
    pub text: String,
    pub pages: usize,
    /// Pages that draw images and no text (scans): their content needs OCR.
    pub scanned_pages: Vec<u32>,
    /// Pages read from an invisible text layer (an OCR of a scan).
    pub ocr_pages: Vec<u32>,
}

/// Extracts the text layer of every page.
pub fn extract(bytes: &[u8]) -> Result<PdfText, PdfError> {
    let options = lopdf::LoadOptions {
        filter: Some(stream::bound_object_streams),
        ..Default::default()
    };
    let mut doc = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| PdfError::Load(e.to_string()))?;
    let oversized = |o: &lopdf::Object| {
        o.as_stream()
            .is_ok_and(|s| s.dict.has_type(stream::OVERSIZED))
    };
    if doc.objects.values().any(oversized) {
        return Err(PdfError::TooLarge);
    }
    if doc.is_encrypted() {
        doc.decrypt("")
            .map_err(|e| PdfError::Encrypted(e.to_string()))?;
    }
    let pages = doc.get_pages();
    let mut layout = PageLayout::default();
    let mut unmapped = 0;
    let mut scanned_pages = Vec::new();
    let mut ocr_pages = Vec::new();
    let mut interp = Interpreter::new(&doc);
    for (number, page_id) in &pages {
        interp.next_page();
        // Inherited from the nearest ancestor, as the spec says, walked in a
        // loop: lopdf's get_page_resources recurses up the whole Parent
        // chain and a hostile page tree overflows the stack.
        let resources = inherited(&doc, *page_id, b"Resources")
            .and_then(|o| o.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        let content = page_content(&doc, *page_id)?;
        let page = doc.get_dictionary(*page_id).ok();
        let (matrix, visible) = page_view(&doc, *page_id, 0);
        interp.visible = Some(visible);
        interp.run(&content, &resources, matrix, 0);
        if let Some(page) = page {
            interp.annotations(page, &matrix);
        }
        // Printed sideways (a wide table across a portrait page, with no
        // /Rotate to show it upright): read again, turned upright.
        if let Some(quarters) = interp.sideways() {
            interp.next_page();
            let (matrix, visible) = page_view(&doc, *page_id, quarters);
            interp.visible = Some(visible);
            interp.run(&content, &resources, matrix, 0);
            if let Some(page) = page {
                interp.annotations(page, &matrix);
            }
        }
        if let Some(e) = interp.error.take() {
            return Err(e);
        }
        // A scan with an invisible OCR layer (rendering mode 3) shows no
        // other text: the layer is the page's text.
        if interp.glyphs.is_empty() && !interp.invisible.is_empty() {
            interp.glyphs = std::mem::take(&mut interp.invisible);
            ocr_pages.push(*number);
        }
        if interp.glyphs.is_empty() && interp.images > 0 {
            scanned_pages.push(*number);
        }
        unmapped += interp.unmapped;
        layout.add_page(*number, std::mem::take(&mut interp.glyphs), &interp.rules);
    }
    let PageLayout {
        items,
        text,
        glyph_count,
        ..
    } = layout;
    if glyph_count == 0 {
        return if unmapped > 0 {
            Err(PdfError::Garbled)
        } else {
            Err(PdfError::NoText(pages.len()))
        };
    }
    if let Some(reason) = mojibake(&text) {
        return Err(PdfError::Mojibake(reason));
    }
    Ok(PdfText {
        items,
        text,
        pages: pages.len(),
        scanned_pages,
        ocr_pages,
    })
}

/// Pages of positioned glyphs and rulings (a PDF's, an OFD's) → the items
/// of a text dump: glyphs into lines, lines into cells (cut at vertical
/// rulings, or aligned as an unruled table), rows across rulings; page
/// numbers dropped, a row split by a page break joined again.
#[derive(Default)]
pub(crate) struct PageLayout {
    pub(crate) items: Vec<Item>,
    /// The rows as tab-separated lines.
    pub(crate) text: String,
    pub(crate) glyph_count: usize,
    /// A ruled table going on from the previous page.
    carry: Option<Vec<f32>>,
    /// An unruled table's columns going on from the previous page.
    unruled_carry: Option<Vec<f32>>,
}

impl PageLayout {
    /// Lays out page `number`: its glyphs and rulings, in page space (y up).
    pub(crate) fn add_page(&mut self, number: u32, glyphs: Vec<Glyph>, rules: &[Rule]) {
        self.glyph_count += glyphs.len();
        let (verticals, horizontals): (Vec<Rule>, Vec<Rule>) =
            rules.iter().partition(|r| r.is_vertical());
        let mut glyph_lines = lines(glyphs);
        let mut page_lines: Vec<grid::Line> = glyph_lines
            .iter()
            .map(|l| grid::cut(l, &verticals, cells))
            .collect();
        // Page numbers printed below or above the text are not content.
        let page_number = |l: &grid::Line| l.bounds.is_none() && is_page_number(&l.cells);
        if page_lines.last().is_some_and(page_number) {
            page_lines.pop();
            glyph_lines.pop();
        }
        if page_lines.first().is_some_and(page_number) {
            page_lines.remove(0);
            glyph_lines.remove(0);
        }
        align::realign(&glyph_lines, &mut page_lines, &mut self.unruled_carry);
        let mut rows = grid::rows(page_lines, &horizontals, &mut self.carry)
            .into_iter()
            .peekable();
        // A table row split by the page break: its rest joins the row.
        if let (Some(next), Some(Item::Row { cells: prev, .. })) =
            (rows.peek(), self.items.last_mut())
        {
            if continues_row(prev, next) {
                for (p, t) in prev.iter_mut().zip(next) {
                    p.text.push_str(t);
                }
                rows.next();
            }
        }
        for cells in rows {
            let at = Provenance::Page(number);
            self.text.push_str(&cells.join("\t"));
            self.text.push('\n');
            if cells.len() >= 2 {
                self.items.push(Item::Row {
                    cells: cells.into_iter().map(|t| Cell::new(t, at)).collect(),
                    at,
                });
            } else if let Some(t) = cells.into_iter().next() {
                self.items.push(Item::Text { text: t, at });
            }
        }
    }
}

/// Appends `next` to a cell's text with `sep`, unless both are amounts: two
/// numbers in one cell (a missing ruling, a lost gutter) must not read as one
/// (`0` + `12.50` → `0 12.50` → 12.50), so they are kept apart by a mark no
/// amount parses through, and the row is then flagged where it is read.
pub(crate) fn join_cell(cell: &mut String, next: &str, sep: &str) {
    if !cell.is_empty() && !next.is_empty() && is_number(cell) && is_number(next) {
        cell.push_str(" | ");
    } else if !cell.is_empty() {
        cell.push_str(sep);
    }
    cell.push_str(next);
}

/// `- 3 -`, `第 3 页`, `3 / 20`: a page number line.
fn is_page_number(cells: &[String]) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:[-—–－_\s]*\d{1,4}[-—–－_\s]*|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$",
        )
        .expect("page-number pattern")
    });
    re.is_match(cells.concat().trim())
}

/// Whether the first row of a page is the rest of the previous page's last
/// row (a wrapped cell split by the page break): same columns, nothing in
/// the first (label or code) column, and text only under cells that hold
/// text above — never an amount.
fn continues_row(prev: &[Cell], next: &[String]) -> bool {
    prev.len() == next.len()
        && prev.len() >= 2
        && next[0].is_empty()
        && !prev[0].text.is_empty()
        && next.iter().any(|t| !t.is_empty())
        && next.iter().zip(prev).all(|(n, p)| {
            n.is_empty() || (!is_number(n) && !p.text.is_empty() && !is_number(&p.text))
        })
}

/// Why a decoded text layer is garbage rather than Chinese: most letters
/// private-use, replacement or accented Latin (GBK bytes read as Latin-1)
/// and almost none CJK.
pub(crate) fn mojibake(text: &str) -> Option<String> {
    let (mut cjk, mut odd, mut letters) = (0usize, 0usize, 0usize);
    for c in text
        .chars()
        .filter(|c| c.is_alphabetic() || (*c as u32) >= 0x80)
    {
        letters += 1;
        match c as u32 {
            0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => cjk += 1,
            0x80..=0x24F | 0xE000..=0xF8FF | 0xFFFD => odd += 1,
            _ => {}
        }
    }
    (letters >= 20 && cjk * 20 < letters && odd * 10 >= letters * 3).then(|| {
        format!(
            "{}% of its letters are accented Latin or private-use and {}% Chinese (fonts without a usable Unicode map)",
            odd * 100 / letters,
            cjk * 100 / letters
        )
    })
}

/// Glyphs grouped into lines (top to bottom), each sorted left to right,
/// with fake-bold duplicates (the same glyph printed twice, offset a hair)
/// removed.
fn lines(mut glyphs: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match out.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= 0.4 * g.size.max(line[0].size) => line.push(g),
            _ => out.push(vec![g]),
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut kept: Vec<Glyph> = Vec::with_capacity(line.len());
        for g in line.drain(..) {
            // Closer than a third of its own advance: the same glyph struck
            // twice (condensed text, `Tz 50`, keeps genuine repeats apart).
            let duplicate = kept.iter().rev().take(3).any(|k| {
                k.text == g.text
                    && (k.x - g.x).abs() < 0.3 * g.width.min(g.size)
                    && (k.y - g.y).abs() < 0.3 * g.size
            });
            if !duplicate {
                kept.push(g);
            }
        }
        *line = kept;
    }
    out
}

/// A line cut into cells where the gap between glyphs is wider than a
/// character (table columns), or where digits meet text across any real gap
/// (a narrow code column: `07` | `专项普查活动`). Spaces count as gap; inside
/// a cell they are kept.
fn cells(line: &[Glyph]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut pending_space = false;
    let mut end: Option<f32> = None;
    for g in line {
        if g.text.trim().is_empty() {
            pending_space = true;
            continue;
        }
        let gap = end.map_or(0.0, |e| g.x - e);
        let last_digit = current
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || c == ',');
        let next_digit = g.text.chars().next().is_some_and(|c| c.is_ascii_digit());
        let threshold = if last_digit != next_digit {
            0.3 * g.size
        } else {
            (1.2 * g.size).max(4.0)
        };
        if end.is_some() && gap > threshold {
            out.push(std::mem::take(&mut current));
        } else if pending_space && !current.is_empty() {
            current.push(' ');
        }
        pending_space = false;
        current.push_str(&g.text);
        end = Some(g.x + g.width);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_amounts_never_join_into_one() {
        let mut cell = "0".to_string();
        join_cell(&mut cell, "12.50", " ");
        assert_eq!(cell, "0 | 12.50");
        assert_eq!(crate::amount::Amount::parse(&cell), None);
        let mut label = "公务用车购".to_string();
        join_cell(&mut label, "置费", "");
        assert_eq!(label, "公务用车购置费");
        let mut code = "208".to_string();
        join_cell(&mut code, "社会保障和就业支出", " ");
        assert_eq!(code, "208 社会保障和就业支出");
    }

    #[test]
    fn latin1_read_gbk_is_reported_as_garbled() {
        let gbk = encoding_rs::GBK
            .encode("一般公共预算财政拨款收入合计一般公共服务支出")
            .0;
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.decode(&gbk);
        assert!(mojibake(&latin1).is_some(), "{latin1}");
        assert!(mojibake("一般公共预算财政拨款收入合计 1,010.70 Total revenue in 2024").is_none());
        assert!(mojibake("Annual report of the municipal bureau of finance, café").is_none());
    }

    #[test]
    fn rotated_and_cropped_pages_read_upright() {
        use lopdf::{dictionary, Document, Object};
        let mut doc = Document::with_version("1.5");
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "CropBox" => vec![10.into(), 20.into(), 600.into(), 800.into()],
            "Rotate" => Object::Integer(90),
        });
        let (m, _) = page_box_matrix(&doc, page, 0);
        // The unrotated top-left corner (10, 800) ends up top-right of the
        // rotated view: x = 800 - 20 (its width), y = 600 - 10 (its height).
        let (x, y) = (10.0, 800.0);
        let t = (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        assert_eq!(t, (780.0, 590.0));
    }
}

#[cfg(test)]
mod document_tests {
    use super::*;
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};

    /// A three-page PDF: page 1 prints text, page 2 only draws an image
    /// XObject, page 3 only an inline image.
    fn text_and_scan() -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![0],
        ));
        let text = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![100.into(), 700.into()]),
                Operation::new("Tj", vec![Object::string_literal("Total 1,010.70")]),
                Operation::new("ET", vec![]),
            ],
        };
        let scan = Content {
            operations: vec![
                Operation::new("q", vec![]),
                Operation::new(
                    "cm",
                    vec![
                        500.into(),
                        0.into(),
                        0.into(),
                        700.into(),
                        50.into(),
                        50.into(),
                    ],
                ),
                Operation::new("Do", vec!["Im1".into()]),
                Operation::new("Q", vec![]),
            ],
        };
        let mut kids = Vec::new();
        // Page 3: an inline image only (`BI … ID … EI`).
        let inline = b"q 500 0 0 700 50 50 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q".to_vec();
        for bytes in [text.encode().unwrap(), scan.encode().unwrap(), inline] {
            let c = doc.add_object(Stream::new(dictionary! {}, bytes));
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => c,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! {
                    "Font" => dictionary! { "F1" => font },
                    "XObject" => dictionary! { "Im1" => image },
                },
            })));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 3 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_scans_ocr_layer_is_read_and_named_and_an_empty_crop_box_ignored() {
        // Review (2026-12-07): once invisible text was dropped, a scan's OCR
        // layer (rendering mode 3 over the page's image) was lost, and a
        // `/CropBox [0 0 0 0]` (which viewers ignore) hid its whole page.
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let pages_id = doc.new_object_id();
        let ocr = b"q 500 0 0 700 50 50 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q \
                    BT /F1 12 Tf 3 Tr 100 700 Td (Total 1,010.70) Tj ET"
            .to_vec();
        let text = b"BT /F1 12 Tf 100 700 Td (Total 2,020.40) Tj ET".to_vec();
        let mut kids = Vec::new();
        for (bytes, crop) in [(ocr, [595, 842]), (text, [0, 0])] {
            let c = doc.add_object(Stream::new(dictionary! {}, bytes));
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => c,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "CropBox" => vec![0.into(), 0.into(), crop[0].into(), crop[1].into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            })));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let pdf = extract(&bytes).unwrap();
        for total in ["1,010.70", "2,020.40"] {
            assert!(pdf.text.contains(total), "{total}: {}", pdf.text);
        }
        assert_eq!(pdf.ocr_pages, vec![1]);
        assert!(pdf.scanned_pages.is_empty());
    }

    #[test]
    fn a_scanned_page_among_text_pages_is_named() {
        let pdf = extract(&text_and_scan()).unwrap();
        assert!(
            pdf.text.contains("Total\t1,010.70") || pdf.text.contains("Total 1,010.70"),
            "{}",
            pdf.text
        );
        assert_eq!(pdf.scanned_pages, vec![2, 3]);
    }

    #[test]
    fn damaged_files_fail_with_a_reason_never_a_panic() {
        let good = text_and_scan();
        // A wrong startxref offset: lopdf rebuilds the cross-reference table.
        let text = String::from_utf8_lossy(&good).into_owned();
        let at = text.rfind("startxref").unwrap();
        let mut bad_xref = good[..at].to_vec();
        bad_xref.extend_from_slice(b"startxref\n999999\n%%EOF\n");
        match extract(&bad_xref) {
            Ok(pdf) => assert!(pdf.text.contains("1,010.70")),
            Err(e) => assert!(matches!(e, PdfError::Load(_)), "{e}"),
        }
        // Cut anywhere: an error or what could be read, and no panic.
        for cut in [10, good.len() / 3, good.len() / 2, good.len() - 40] {
            if let Err(e) = extract(&good[..cut]) {
                assert!(!e.to_string().is_empty());
            }
        }
    }
    /// A one-page PDF written by hand (lopdf's writer drops object streams),
    /// with `extra` as object 6: a classic cross-reference table.
    fn pdf_with_object(extra: &[u8]) -> Vec<u8> {
        let objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
               /Resources << /Font << /F1 5 0 R >> >> >>"
                .to_vec(),
            stream_object("", TOTAL_LINE),
            HELVETICA.to_vec(),
            extra.to_vec(),
        ];
        written(&objects)
    }

    /// Objects 1… (object 1 the catalog) with a classic cross-reference table.
    fn written(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn object_stream(decoded_first: usize, zlib: &[u8]) -> Vec<u8> {
        let entries = format!("/Type /ObjStm /N 1 /First {decoded_first} /Filter /FlateDecode ");
        stream_object(&entries, zlib)
    }

    /// The page text of the hand-written PDFs, and its font.
    const TOTAL_LINE: &[u8] = b"BT /F1 12 Tf 100 700 Td (Total 1,010.70) Tj ET";
    const HELVETICA: &[u8] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

    /// A stream object: `entries` (each followed by a space), its /Length, the bytes.
    fn stream_object(entries: &str, data: &[u8]) -> Vec<u8> {
        let dict = format!("<< {entries}/Length {} >>\nstream\n", data.len());
        [dict.as_bytes(), data, b"\nendstream"].concat()
    }

    #[test]
    fn a_page_tree_nested_past_the_stack_is_read_without_overflow() {
        // lopdf's get_page_resources recursed up the whole Parent chain and
        // overflowed the stack, aborting the batch.
        let pdf = extract(&deep_page_tree(20_000, false)).unwrap();
        assert!(pdf.text.contains("1,010.70"), "{}", pdf.text);
    }

    #[test]
    fn resources_inherited_from_far_up_and_null_is_absent() {
        // The font is declared on the root only; the page says /Resources null.
        let pdf = extract(&deep_page_tree(100, true)).unwrap();
        assert!(pdf.text.contains("1,010.70"), "{}", pdf.text);
    }

    /// Catalog, then `depth` /Pages nodes each the only kid of the one
    /// before, then the page, its content and the font: the page's own
    /// /Resources, or (`at_root`) the root node's, the page's being null.
    fn deep_page_tree(depth: usize, at_root: bool) -> Vec<u8> {
        let leaf = depth + 2;
        let font = format!("<< /Font << /F1 {} 0 R >> >>", leaf + 2);
        let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
        for k in 0..depth {
            let id = k + 2;
            let extra = match k {
                0 if at_root => format!("/Resources {font} "),
                0 => String::new(),
                _ => format!("/Parent {} 0 R ", id - 1),
            };
            objects.push(
                format!("<< /Type /Pages {extra}/Kids [{} 0 R] /Count 1 >>", id + 1).into_bytes(),
            );
        }
        let own = if at_root { "null".to_string() } else { font };
        objects.push(
            format!(
                "<< /Type /Page /Parent {} 0 R /MediaBox [0 0 612 792] /Contents {} 0 R \
                 /Resources {own} >>",
                leaf - 1,
                leaf + 1,
            )
            .into_bytes(),
        );
        objects.push(stream_object("", TOTAL_LINE));
        objects.push(HELVETICA.to_vec());
        written(&objects)
    }

    #[test]
    fn an_object_stream_that_inflates_past_the_bound_fails_the_file() {
        let bomb = pdf_with_object(&object_stream(4, stream::tests::flate_bomb()));
        assert!(bomb.len() < 300_000);
        assert_eq!(extract(&bomb).err(), Some(PdfError::TooLarge));
        // The same bomb as raw deflate behind a damaged zlib header, which
        // lopdf would retry without a bound: caught too.
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut raw, &vec![b' '; MAX_STREAM + 10]).unwrap();
        let raw = [&[0x78, 0x00][..], &raw.finish().unwrap()].concat();
        assert_eq!(
            extract(&pdf_with_object(&object_stream(4, &raw))).err(),
            Some(PdfError::TooLarge)
        );
        // An object stream past reading is dropped; the page still reads.
        let junk = pdf_with_object(&object_stream(4, b"not zlib at all"));
        assert!(extract(&junk).unwrap().text.contains("1,010.70"));
        // A small object stream is read as before, its object included.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut z, b"7 0 << /K 1 >>").unwrap();
        let small = pdf_with_object(&object_stream(4, &z.finish().unwrap()));
        assert!(extract(&small).unwrap().text.contains("1,010.70"));
        let options = lopdf::LoadOptions {
            filter: Some(stream::bound_object_streams),
            ..Default::default()
        };
        let doc = Document::load_mem_with_options(&small, options).unwrap();
        assert_eq!(
            doc.get_dictionary((7, 0)).and_then(|d| d.get(b"K")).ok(),
            Some(&Object::Integer(1))
        );
    }
}
