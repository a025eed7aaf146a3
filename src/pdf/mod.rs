//! PDF input: lopdf parses the file; this module builds the text layer —
//! positioned glyphs from the content streams ([`interp`]), Unicode from the
//! fonts ([`font`], [`cmap`]) — and groups glyphs into lines and cells, which
//! enter the same recognise/solve/check stages as a text dump's rows.

mod cmap;
mod font;
mod interp;

use thiserror::Error;

use crate::layout::Item;
use crate::model::{Cell, Provenance};

use interp::{Glyph, Interpreter};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PdfError {
    #[error("cannot read PDF: {0}")]
    Load(String),
    #[error("encrypted PDF (no empty user password)")]
    Encrypted,
    #[error("no text layer on {0} pages (a scan?): needs OCR")]
    NoText(usize),
    #[error("text layer is garbled: fonts map their codes to no Unicode")]
    Garbled,
}

/// The text layer of a PDF, as layout items, and as plain text for metadata.
#[derive(Debug)]
pub struct PdfText {
    pub items: Vec<Item>,
    pub text: String,
    pub pages: usize,
}

/// Extracts the text layer of every page.
pub fn extract(bytes: &[u8]) -> Result<PdfText, PdfError> {
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Load(e.to_string()))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(PdfError::Encrypted);
    }
    let pages = doc.get_pages();
    let mut items = Vec::new();
    let mut text = String::new();
    let mut glyph_count = 0;
    let mut unmapped = 0;
    for (number, page_id) in &pages {
        let mut interp = Interpreter::new(&doc);
        let resources = match doc.get_page_resources(*page_id) {
            Ok((Some(dict), _)) => dict.clone(),
            Ok((None, ids)) => ids
                .first()
                .and_then(|id| doc.get_dictionary(*id).ok())
                .cloned()
                .unwrap_or_default(),
            Err(_) => lopdf::Dictionary::new(),
        };
        let content = doc.get_page_content(*page_id).unwrap_or_default();
        interp.run(&content, &resources, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0);
        glyph_count += interp.glyphs.len();
        unmapped += interp.unmapped;
        for line in lines(interp.glyphs) {
            let at = Provenance::Page(*number);
            let cells = cells(&line);
            text.push_str(&cells.join("\t"));
            text.push('\n');
            if cells.len() >= 2 {
                items.push(Item::Row {
                    cells: cells.into_iter().map(|t| Cell { text: t, at }).collect(),
                    at,
                });
            } else if let Some(t) = cells.into_iter().next() {
                items.push(Item::Text { text: t, at });
            }
        }
    }
    if glyph_count == 0 {
        return if unmapped > 0 {
            Err(PdfError::Garbled)
        } else {
            Err(PdfError::NoText(pages.len()))
        };
    }
    Ok(PdfText {
        items,
        text,
        pages: pages.len(),
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
            let duplicate = kept.iter().rev().take(3).any(|k| {
                k.text == g.text
                    && (k.x - g.x).abs() < 0.3 * g.size
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
