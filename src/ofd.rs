//! OFD documents (GB/T 33190, China's own fixed-layout format: a zip of XML
//! parts), read as a PDF's text layer is.
//!
//! `OFD.xml` names the document's root (`DocRoot`); its `Document.xml`
//! lists the pages (`Page BaseLoc`) and the templates they draw on. A
//! page's `Content.xml` holds layers of objects in millimetres, y growing
//! down: a `TextObject` places its `TextCode`s (Unicode text; `X`, `Y` the
//! first glyph's origin, `DeltaX` the advances between glyphs, `g N d`
//! repeating `d` N times) inside its `Boundary`, through its `CTM`; a
//! `PathObject`'s straight edges (`AbbreviatedData`: `M`, `L`, `C`) are the
//! table rulings. Each page becomes positioned glyphs and rulings in points,
//! y up, and goes through the PDF reader's layout ([`PageLayout`]): the
//! same lines, cells and tables.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use thiserror::Error;
use zip::ZipArchive;

use crate::pdf::{rule, Glyph, PageLayout, PdfText, Rule};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OfdError {
    #[error("the OFD document cannot be read: {0}")]
    Unreadable(String),
    #[error("the OFD document lists no pages")]
    NoPages,
    #[error("no text layer on {0} pages of the OFD document (a scan?): needs OCR")]
    NoText(usize),
    #[error("the OFD document's text layer is garbled: {0}")]
    Garbled(String),
    #[error("the OFD document draws more than {} glyphs or {} MB of parts (damaged or hostile file)", MAX_GLYPHS, MAX_READ >> 20)]
    TooLarge,
}

/// A part of the package read at most (a page's content is far smaller).
const MAX_PART: u64 = 64 << 20;

/// The parts' text read at most in all, templates counted each time a page
/// draws them: a disclosure's pages are some megabytes.
const MAX_READ: u64 = 512 << 20;

/// Glyphs a document draws at most (a disclosure of a hundred pages draws
/// some hundred thousand): a page listed a hundred thousand times, or a
/// text code of millions of characters, stops here.
const MAX_GLYPHS: usize = 4_000_000;

/// Points per millimetre: the layout's tolerances are set in points.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Thicker than this (in points), a filled path is a shaded area, not a
/// ruling (as the PDF reader judges filled rectangles).
const RULE_THICKNESS: f32 = 2.5;

/// Whether `bytes` are an OFD package: a zip whose root holds `OFD.xml`.
pub fn is_ofd(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && crate::decode::zip_member_names(bytes)
            .iter()
            .any(|n| *n == b"OFD.xml")
}

/// The text layer of every page of the document's first body.
pub fn extract(bytes: &[u8]) -> Result<PdfText, OfdError> {
    let mut package = Package::open(bytes)?;
    let ofd = package.xml("OFD.xml")?;
    let root = first_text(&ofd, b"DocRoot")
        .map_err(|e| xml_error("OFD.xml", &e))?
        .filter(|r| !r.is_empty())
        .ok_or_else(|| OfdError::Unreadable("OFD.xml names no DocRoot".into()))?;
    let root = resolve("", &root);
    let document = package.xml(&root)?;
    let base = parent(&root);
    let listed = |name: &[u8]| elements(&document, name).map_err(|e| xml_error(&root, &e));
    let templates: Vec<(String, String)> = listed(b"TemplatePage")?
        .into_iter()
        .filter_map(|a| Some((a.get("ID")?.clone(), resolve(base, a.get("BaseLoc")?))))
        .collect();
    let pages: Vec<String> = listed(b"Page")?
        .into_iter()
        .filter_map(|a| a.get("BaseLoc").map(|loc| resolve(base, loc)))
        .collect();
    if pages.is_empty() {
        return Err(OfdError::NoPages);
    }
    // A page that covers most of this box with a path paints a background,
    // not a ruling.
    let page_box = first_text(&document, b"PhysicalBox")
        .ok()
        .flatten()
        .map(|b| numbers(&b))
        .filter(|b| b.len() == 4);
    let mut layout = PageLayout::default();
    let mut scanned_pages = Vec::new();
    for (number, page) in (1u32..).zip(&pages) {
        let content = package.xml(page)?;
        let mut drawn = Drawing {
            page_box: page_box.clone(),
            ..Drawing::default()
        };
        drawn
            .read(&content, layout.glyph_count)
            .map_err(|e| e.at(page))?;
        // The templates the page names, each part once (the order things are
        // drawn in does not matter: the layout places them by position).
        let mut read: Vec<&str> = Vec::new();
        for id in std::mem::take(&mut drawn.templates) {
            let loc = templates.iter().find(|(t, _)| *t == id).map(|(_, loc)| loc);
            if let Some(loc) = loc.filter(|loc| !read.contains(&loc.as_str())) {
                read.push(loc);
                let template = package.xml(loc)?;
                drawn
                    .read(&template, layout.glyph_count)
                    .map_err(|e| e.at(loc))?;
            }
        }
        if drawn.glyphs.is_empty() && drawn.images > 0 {
            scanned_pages.push(number);
        }
        layout.add_page(number, drawn.glyphs, &drawn.rules);
    }
    if layout.glyph_count == 0 {
        return Err(OfdError::NoText(pages.len()));
    }
    if let Some(reason) = crate::pdf::mojibake(&layout.text) {
        return Err(OfdError::Garbled(reason));
    }
    Ok(PdfText {
        items: layout.items,
        text: layout.text,
        pages: pages.len(),
        scanned_pages,
        ocr_pages: Vec::new(),
    })
}

fn xml_error(part: &str, e: &quick_xml::Error) -> OfdError {
    OfdError::Unreadable(format!("{part}: {e}"))
}

/// Why a page's content could not be drawn.
enum DrawError {
    Xml(quick_xml::Error),
    TooLarge,
}

impl DrawError {
    fn at(self, part: &str) -> OfdError {
        match self {
            DrawError::Xml(e) => xml_error(part, &e),
            DrawError::TooLarge => OfdError::TooLarge,
        }
    }
}

/// The package's parts, read by name.
struct Package<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    /// Bytes of text read so far (see [`MAX_READ`]).
    read: u64,
}

impl<'b> Package<'b> {
    fn open(bytes: &'b [u8]) -> Result<Self, OfdError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        Ok(Package { zip, read: 0 })
    }

    /// The part at `path` as text.
    fn xml(&mut self, path: &str) -> Result<String, OfdError> {
        if path.is_empty() {
            return Err(OfdError::Unreadable(
                "a part is named by an empty path".into(),
            ));
        }
        let mut part = self
            .zip
            .by_name(path)
            .map_err(|e| OfdError::Unreadable(format!("{path}: {e}")))?;
        let mut text = String::new();
        (&mut part)
            .take(MAX_PART + 1)
            .read_to_string(&mut text)
            .map_err(|e| OfdError::Unreadable(format!("{path}: {e}")))?;
        if text.len() as u64 > MAX_PART {
            return Err(OfdError::Unreadable(format!(
                "{path} is larger than {} MB",
                MAX_PART >> 20
            )));
        }
        self.read += text.len() as u64;
        if self.read > MAX_READ {
            return Err(OfdError::TooLarge);
        }
        Ok(text)
    }
}

fn unreadable(e: &dyn std::fmt::Display) -> OfdError {
    OfdError::Unreadable(e.to_string())
}

/// `loc` as a path in the package: from the root when it starts with `/`,
/// else from the folder `base` (`Doc_0`); `.` and `..` resolved.
fn resolve(base: &str, loc: &str) -> String {
    let mut parts: Vec<&str> = if loc.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in loc.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The folder of a part's path.
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// An element's local name (OFD parts use the `ofd:` prefix, which some
/// writers bind to other namespaces).
fn local(e: &BytesStart) -> Vec<u8> {
    e.local_name().as_ref().to_vec()
}

type Attributes = std::collections::HashMap<String, String>;

fn attributes(e: &BytesStart) -> Attributes {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let key = String::from_utf8(a.key.local_name().as_ref().to_vec()).ok()?;
            let raw = String::from_utf8_lossy(&a.value);
            let value = quick_xml::escape::unescape(&raw)
                .map_or_else(|_| raw.to_string(), |v| v.into_owned());
            Some((key, value))
        })
        .collect()
}

/// The attributes of every element named `name`.
fn elements(xml: &str, name: &[u8]) -> Result<Vec<Attributes>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == name => out.push(attributes(&e)),
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The text of the first element named `name`.
fn first_text(xml: &str, name: &[u8]) -> Result<Option<String>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut text: Option<String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) if local(&e) == name => text = Some(String::new()),
            event @ (Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)) => {
                if let Some(text) = text.as_mut() {
                    push_text(text, &event);
                }
            }
            Event::End(_) if text.is_some() => return Ok(text.map(|t| t.trim().to_string())),
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Appends a text event's characters (an entity or character reference
/// resolved) to `out`.
fn push_text(out: &mut String, event: &Event) {
    match event {
        Event::Text(t) => {
            if let Ok(t) = t.decode() {
                out.push_str(&t);
            }
        }
        Event::CData(t) => {
            if let Ok(t) = t.decode() {
                out.push_str(&t);
            }
        }
        Event::GeneralRef(r) => {
            let resolved = match r.resolve_char_ref() {
                Ok(Some(c)) => Some(c),
                _ => r
                    .decode()
                    .ok()
                    .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name))
                    .and_then(|s| s.chars().next()),
            };
            out.extend(resolved);
        }
        _ => {}
    }
}

/// Numbers of a space-separated attribute (`Boundary`, `CTM`).
fn numbers(text: &str) -> Vec<f32> {
    text.split_whitespace()
        .filter_map(|t| t.parse::<f32>().ok().filter(|v| v.is_finite()))
        .collect()
}

/// A number attribute, when it is finite.
fn number(a: &Attributes, key: &str) -> Option<f32> {
    a.get(key)
        .and_then(|v| v.trim().parse::<f32>().ok())
        .filter(|v| v.is_finite())
}

/// `DeltaX` as advances, `g N d` expanded to N copies of d;
/// at most `glyphs` of them (one per glyph of its text code is all that is
/// used).
fn deltas(text: &str, glyphs: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let mut tokens = text.split_whitespace();
    let finite = |t: Option<&str>| {
        t.and_then(|d| d.parse::<f32>().ok())
            .filter(|d| d.is_finite())
    };
    while let Some(t) = tokens.next() {
        let room = glyphs.saturating_sub(out.len());
        if room == 0 {
            break;
        }
        if t == "g" {
            let n: usize = tokens.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let d = finite(tokens.next()).unwrap_or(0.0);
            out.extend(std::iter::repeat_n(d, n.min(room)));
        } else if let Some(d) = finite(Some(t)) {
            out.push(d);
        }
    }
    out
}

/// An affine map `[a b c d e f]`: (x, y) → (a·x + c·y + e, b·x + d·y + f).
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// How much `m` scales lengths (the square root of its determinant).
fn scale(m: &Matrix) -> f32 {
    (m[0] * m[3] - m[1] * m[2]).abs().sqrt()
}

/// An object's map from its own space to the page: its `CTM`, then its
/// `Boundary`'s origin.
fn object_matrix(a: &Attributes) -> Matrix {
    // `numbers` drops what is not finite: a CTM short of six numbers is
    // none.
    let ctm = a
        .get("CTM")
        .map(|c| numbers(c))
        .and_then(|n| <[f32; 6]>::try_from(n).ok())
        .unwrap_or(IDENTITY);
    let origin = a.get("Boundary").map(|b| numbers(b)).unwrap_or_default();
    let (x, y) = (
        origin.first().copied().unwrap_or(0.0),
        origin.get(1).copied().unwrap_or(0.0),
    );
    [ctm[0], ctm[1], ctm[2], ctm[3], ctm[4] + x, ctm[5] + y]
}

/// A point of the page (mm, y down) in the layout's space (points, y up).
fn to_layout(x: f32, y: f32) -> (f32, f32) {
    (x * PT_PER_MM, -y * PT_PER_MM)
}

/// What a page's layers draw.
#[derive(Default)]
struct Drawing {
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    images: usize,
    /// The page's box (`x y w h`, mm), when the document gives it.
    page_box: Option<Vec<f32>>,
    /// Glyphs this drawing may still add (see [`MAX_GLYPHS`]); a text code
    /// that would pass it sets `over`.
    room: usize,
    over: bool,
    /// The templates the content names (`Template TemplateID`), each once.
    templates: Vec<String>,
}

/// The text object being read.
struct TextObject {
    matrix: Matrix,
    size: f32,
    /// The right edge of its `Boundary`, in its own space (x from the
    /// boundary's origin, through the CTM's scale).
    right: Option<f32>,
    /// The previous `TextCode`'s `X` and `Y`, which one that gives none
    /// takes.
    last: (f32, f32),
}

impl Drawing {
    /// Reads the objects of a page's (or a template's) content;
    /// `glyphs_before` the document's pages drew before this one.
    fn read(&mut self, xml: &str, glyphs_before: usize) -> Result<(), DrawError> {
        self.room = MAX_GLYPHS.saturating_sub(glyphs_before);
        let mut reader = Reader::from_str(xml);
        let mut text: Option<TextObject> = None;
        let mut path: Option<Attributes> = None;
        // The `TextCode` or `AbbreviatedData` being read, and its text.
        let mut code: Option<(Attributes, String)> = None;
        let mut data: Option<String> = None;
        // Inside a clipping area: its paths draw nothing.
        let mut clips = 0usize;
        loop {
            match reader.read_event().map_err(DrawError::Xml)? {
                Event::Start(e) => {
                    let a = attributes(&e);
                    match local(&e).as_slice() {
                        b"Clips" => clips += 1,
                        _ if clips > 0 => {}
                        b"TextObject" => {
                            // Writers spell it `Size` (the standard) or `size`.
                            let size = number(&a, "Size")
                                .or_else(|| number(&a, "size"))
                                .filter(|s| *s > 0.0)
                                .unwrap_or(3.5);
                            let matrix = object_matrix(&a);
                            let width = a.get("Boundary").and_then(|b| numbers(b).get(2).copied());
                            text = Some(TextObject {
                                matrix,
                                size,
                                right: width.map(|w| w / matrix[0].abs().max(f32::EPSILON)),
                                last: (0.0, 0.0),
                            });
                        }
                        b"TextCode" => code = Some((a, String::new())),
                        b"PathObject" => path = Some(a),
                        b"AbbreviatedData" => data = Some(String::new()),
                        b"ImageObject" => self.images += 1,
                        b"Template" => self.names_template(&a),
                        _ => {}
                    }
                }
                Event::Empty(e) if clips == 0 => match local(&e).as_slice() {
                    b"ImageObject" => self.images += 1,
                    b"Template" => self.names_template(&attributes(&e)),
                    _ => {}
                },
                event @ (Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)) => {
                    if let Some((_, t)) = code.as_mut() {
                        push_text(t, &event);
                    } else if let Some(t) = data.as_mut() {
                        push_text(t, &event);
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"Clips" => clips = clips.saturating_sub(1),
                    _ if clips > 0 => {}
                    b"TextObject" => text = None,
                    b"TextCode" => {
                        if let (Some(object), Some((a, t))) = (text.as_mut(), code.take()) {
                            self.text_code(object, &a, &t);
                            if self.over {
                                return Err(DrawError::TooLarge);
                            }
                        }
                    }
                    b"AbbreviatedData" => {
                        if let (Some(a), Some(t)) = (path.as_ref(), data.take()) {
                            self.path(a, &t);
                        }
                    }
                    b"PathObject" => path = None,
                    _ => {}
                },
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn names_template(&mut self, a: &Attributes) {
        if let Some(id) = a.get("TemplateID") {
            if !self.templates.contains(id) {
                self.templates.push(id.clone());
            }
        }
    }

    /// A `TextCode`'s glyphs: each character at the pen, which `DeltaX`
    /// moves; without `X` (or `Y`) the code starts at the previous code's.
    /// A glyph is as wide as its advance; the last one, which has none,
    /// reaches the object's `Boundary` when that is plausible (the box
    /// holds the text), else is taken as the font size wide for a wide
    /// character, half of it for a narrow one.
    fn text_code(&mut self, object: &mut TextObject, a: &Attributes, text: &str) {
        let mut x = number(a, "X").unwrap_or(object.last.0);
        let y = number(a, "Y").unwrap_or(object.last.1);
        object.last = (x, y);
        let count = text.chars().count();
        let advances = a
            .get("DeltaX")
            .map(|d| deltas(d, count))
            .unwrap_or_default();
        let (size, m) = (object.size, object.matrix);
        let points = scale(&m) * PT_PER_MM;
        for (i, ch) in text.chars().enumerate() {
            let own = if ch.is_ascii() { size / 2.0 } else { size };
            let advance = advances.get(i).copied();
            let width = match advance {
                Some(d) => d.abs().max(own / 4.0).min(2.0 * size),
                None if i + 1 == count => object
                    .right
                    .map(|right| right - x)
                    .filter(|w| (0.2 * size..=1.5 * size).contains(w))
                    .unwrap_or(own),
                None => own,
            };
            let (gx, gy) = {
                let (px, py) = apply(&m, x, y);
                to_layout(px, py)
            };
            let glyph = Glyph {
                text: ch.to_string(),
                x: gx,
                y: gy,
                width: width * points,
                size: size * points,
            };
            if !ch.is_control() && on_a_page(&[glyph.x, glyph.y, glyph.width, glyph.size]) {
                if self.glyphs.len() >= self.room {
                    self.over = true;
                    return;
                }
                self.glyphs.push(glyph);
            }
            x += advance.unwrap_or(own);
        }
    }

    /// A path's straight edges as rulings: a thin path as one ruling along
    /// its middle, a wider one (a box) edge by edge; a path covering most
    /// of the page (a background) none.
    fn path(&mut self, a: &Attributes, data: &str) {
        let m = object_matrix(a);
        let boundary = a.get("Boundary").map(|b| numbers(b)).unwrap_or_default();
        let (w, h) = (
            boundary.get(2).copied().unwrap_or(f32::MAX),
            boundary.get(3).copied().unwrap_or(f32::MAX),
        );
        if let Some(page) = self.page_box.as_ref() {
            if w >= 0.8 * page[2] && h >= 0.8 * page[3] {
                return;
            }
        }
        let edges = straight_edges(data);
        let page = |p: (f32, f32)| {
            let (x, y) = apply(&m, p.0, p.1);
            to_layout(x, y)
        };
        if (w.min(h)) * PT_PER_MM <= RULE_THICKNESS && !edges.is_empty() {
            // A thin box (a ruling drawn filled): its middle line.
            let points: Vec<(f32, f32)> = edges
                .iter()
                .flat_map(|(a, b)| [page(*a), page(*b)])
                .collect();
            let (x0, x1) = span(points.iter().map(|p| p.0));
            let (y0, y1) = span(points.iter().map(|p| p.1));
            let (from, to) = if x1 - x0 >= y1 - y0 {
                let y = (y0 + y1) / 2.0;
                ((x0, y), (x1, y))
            } else {
                let x = (x0 + x1) / 2.0;
                ((x, y0), (x, y1))
            };
            self.rules.extend(rule(from, to).filter(rule_on_a_page));
            return;
        }
        self.rules.extend(
            edges
                .into_iter()
                .filter_map(|(a, b)| rule(page(a), page(b)))
                .filter(rule_on_a_page),
        );
    }
}

/// Whether places and sizes (points) lie in any page's range: a CTM of
/// 1e38 puts what it draws on no page.
fn on_a_page(values: &[f32]) -> bool {
    values.iter().all(|v| v.abs() < 1e7)
}

fn rule_on_a_page(r: &Rule) -> bool {
    on_a_page(&[r.x0, r.y0, r.x1, r.y1])
}

/// The straight segments of a path's `AbbreviatedData`: `M`/`S` move, `L`
/// draws a line, `C` closes back to the start; curves and arcs (`B`, `Q`,
/// `A`) draw none but move to their last point.
fn straight_edges(data: &str) -> Vec<((f32, f32), (f32, f32))> {
    let mut edges = Vec::new();
    let (mut start, mut at) = ((0.0, 0.0), (0.0, 0.0));
    let mut tokens = data.split_whitespace().peekable();
    while let Some(op) = tokens.next() {
        let mut operands: Vec<f32> = Vec::new();
        while let Some(v) = tokens.peek().and_then(|t| t.parse::<f32>().ok()) {
            operands.push(v);
            tokens.next();
        }
        let last = match operands.as_slice() {
            [.., x, y] if x.is_finite() && y.is_finite() => Some((*x, *y)),
            _ => None,
        };
        match (op, last) {
            ("M" | "S", Some(p)) => {
                start = p;
                at = p;
            }
            ("L", Some(p)) => {
                edges.push((at, p));
                at = p;
            }
            ("C", _) => {
                edges.push((at, start));
                at = start;
            }
            (_, Some(p)) => at = p,
            _ => {}
        }
    }
    edges
}

/// The smallest and largest of some numbers.
fn span(values: impl Iterator<Item = f32>) -> (f32, f32) {
    values.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_x_repeats_and_lists_advances() {
        assert_eq!(deltas("g 3 2.5", 10), [2.5, 2.5, 2.5]);
        assert_eq!(deltas("1 g 2 0.5 3", 10), [1.0, 0.5, 0.5, 3.0]);
        // No more than the text code's glyphs, whatever a run claims.
        assert_eq!(deltas("g 99999999 1 g 99999999 1", 3), [1.0, 1.0, 1.0]);
        assert_eq!(deltas("1 NaN inf 2", 10), [1.0, 2.0]);
    }

    #[test]
    fn locations_resolve_from_their_folder_or_the_root() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(
            resolve("Doc_0", "/Doc_0/Tpls/Tpl_0/Content.xml"),
            "Doc_0/Tpls/Tpl_0/Content.xml"
        );
        assert_eq!(resolve("Doc_0/Pages", "../Res/a.xml"), "Doc_0/Res/a.xml");
        assert_eq!(resolve("", "Doc_0/Document.xml"), "Doc_0/Document.xml");
    }

    /// The glyphs `content` (a page's layer's objects) draws, as (text,
    /// x, y) in millimetres to a hundredth, y down; and its rulings.
    fn drawn(content: &str) -> (Vec<(String, f32, f32)>, Vec<Rule>) {
        let mut d = Drawing {
            page_box: Some(vec![0.0, 0.0, 210.0, 297.0]),
            ..Drawing::default()
        };
        let page = format!(
            r#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>{content}</ofd:Layer></ofd:Content></ofd:Page>"#
        );
        assert!(d.read(&page, 0).is_ok());
        let mm = |v: f32| (v / PT_PER_MM * 100.0).round() / 100.0;
        let glyphs = d
            .glyphs
            .iter()
            .map(|g| (g.text.clone(), mm(g.x), mm(-g.y)))
            .collect();
        (glyphs, d.rules)
    }

    fn glyph(text: &str, x: f32, y: f32) -> (String, f32, f32) {
        (text.to_string(), x, y)
    }

    #[test]
    fn a_text_code_places_each_glyph_by_its_advances() {
        let (glyphs, rules) = drawn(
            r#"<ofd:TextObject ID="1" Boundary="10 20 50 5" Font="2" Size="4">
              <ofd:TextCode X="0" Y="4" DeltaX="g 2 4 2">合计1</ofd:TextCode>
            </ofd:TextObject>
            <ofd:PathObject ID="3" Boundary="10 30 100 0.2"><ofd:AbbreviatedData>M 0 0.1 L 100 0.1</ofd:AbbreviatedData></ofd:PathObject>
            <ofd:PathObject ID="4" Boundary="10 30 50 40"><ofd:AbbreviatedData>M 0 0 L 50 0 L 50 40 L 0 40 C</ofd:AbbreviatedData></ofd:PathObject>"#,
        );
        assert_eq!(
            glyphs,
            [
                glyph("合", 10.0, 24.0),
                glyph("计", 14.0, 24.0),
                glyph("1", 18.0, 24.0)
            ]
        );
        // The thin path is one ruling; the box four.
        assert_eq!(rules.len(), 5);
        assert!((rules[0].y0 / -PT_PER_MM - 30.1).abs() < 1e-3 && rules[0].y0 == rules[0].y1);
    }

    #[test]
    fn a_text_code_without_x_starts_at_the_previous_codes_x() {
        // GB/T 33190: a TextCode without X (or Y) takes the previous one's.
        let (glyphs, _) = drawn(
            r#"<ofd:TextObject ID="1" Boundary="10 20 50 20" Size="4" CTM="0.5 0 0 0.5 0 0">
              <ofd:TextCode X="2" Y="8" DeltaX="8">工资</ofd:TextCode>
              <ofd:TextCode Y="20">福利</ofd:TextCode>
            </ofd:TextObject>"#,
        );
        let xs: Vec<(f32, f32)> = glyphs.iter().map(|g| (g.1, g.2)).collect();
        assert_eq!(xs, [(11.0, 24.0), (15.0, 24.0), (11.0, 30.0), (13.0, 30.0)]);
    }

    #[test]
    fn clipping_paths_backgrounds_and_curves_draw_no_rulings() {
        let (_, rules) = drawn(
            r#"<ofd:PathObject ID="1" Boundary="10 30 100 0.2">
              <ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary="0 0 20 60"><ofd:AbbreviatedData>M 0 0 L 20 0 L 20 60 L 0 60 C</ofd:AbbreviatedData></ofd:Path></ofd:Area></ofd:Clip></ofd:Clips>
              <ofd:AbbreviatedData>M 0 0.1 L 100 0.1</ofd:AbbreviatedData></ofd:PathObject>
            <ofd:PathObject ID="2" Boundary="0 0 210 297" Fill="true"><ofd:AbbreviatedData>M 0 0 L 210 0 L 210 297 L 0 297 C</ofd:AbbreviatedData></ofd:PathObject>
            <ofd:PathObject ID="3" Boundary="20 50 40 20"><ofd:AbbreviatedData>M 0 5 Q 0 0 5 0 L 35 0</ofd:AbbreviatedData></ofd:PathObject>"#,
        );
        // The clipped ruling alone, at its own place; the background none;
        // after the curve, the line runs from the curve's end (5 mm in).
        assert_eq!(rules.len(), 2, "{rules:?}");
        assert!((rules[0].x1 - rules[0].x0 - 100.0 * PT_PER_MM).abs() < 1e-2);
        assert!(
            (rules[1].x0 - 25.0 * PT_PER_MM).abs() < 1e-2,
            "{:?}",
            rules[1]
        );
    }

    #[test]
    fn numbers_that_are_no_sizes_or_places_read_as_missing() {
        // -1e38 is finite, but a CTM scaling by it puts the glyphs off any
        // page: not drawn.
        for (bad, drawn_glyphs) in [("-1", 2), ("NaN", 2), ("-1e38", 0), ("inf", 2)] {
            let (glyphs, _) = drawn(&format!(
                r#"<ofd:TextObject ID="1" Boundary="10 20 50 5" Size="{bad}" CTM="1 0 0 {bad} 0 0">
                  <ofd:TextCode X="{bad}" Y="4" DeltaX="{bad} 2">合计</ofd:TextCode></ofd:TextObject>"#
            ));
            assert_eq!(glyphs.len(), drawn_glyphs, "{bad}");
            assert!(
                glyphs.iter().all(|g| g.1.is_finite() && g.2.is_finite()),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_damaged_page_fails_and_a_huge_one_stops() {
        let mut d = Drawing::default();
        assert!(matches!(
            d.read(
                "<ofd:Page><ofd:Content></ofd:Bogus></ofd:Content></ofd:Page>",
                0
            ),
            Err(DrawError::Xml(_))
        ));
        let mut d = Drawing::default();
        let page = r#"<ofd:Page><ofd:TextObject ID="1" Boundary="0 0 9 9" Size="3"><ofd:TextCode X="0" Y="3">合计</ofd:TextCode></ofd:TextObject></ofd:Page>"#;
        assert!(matches!(
            d.read(page, MAX_GLYPHS - 1),
            Err(DrawError::TooLarge)
        ));
    }
}
