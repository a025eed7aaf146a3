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

use crate::pdf::{Glyph, PageLayout, PdfText, Rule};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OfdError {
    #[error("the OFD document cannot be read: {0}")]
    Unreadable(String),
    #[error("no text layer on {0} pages of the OFD document (a scan?): needs OCR")]
    NoText(usize),
}

/// A part of the package read at most (a page's content is far smaller).
const MAX_PART: u64 = 64 << 20;

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
        .ok_or_else(|| OfdError::Unreadable("OFD.xml names no DocRoot".into()))?;
    let root = resolve("", &root);
    let document = package.xml(&root)?;
    let base = parent(&root);
    let templates: Vec<(String, String)> = elements(&document, b"TemplatePage")
        .into_iter()
        .filter_map(|a| Some((a.get("ID")?.clone(), resolve(base, a.get("BaseLoc")?))))
        .collect();
    let pages: Vec<String> = elements(&document, b"Page")
        .into_iter()
        .filter_map(|a| a.get("BaseLoc").map(|loc| resolve(base, loc)))
        .collect();
    let mut layout = PageLayout::default();
    let mut scanned_pages = Vec::new();
    for (number, page) in (1u32..).zip(&pages) {
        let content = package.xml(page)?;
        let mut drawn = Drawing::default();
        // Templates first: what they draw is under the page's own content.
        for a in elements(&content, b"Template") {
            let loc = a
                .get("TemplateID")
                .and_then(|id| templates.iter().find(|(t, _)| t == id));
            if let Some((_, loc)) = loc {
                drawn.read(&package.xml(loc)?);
            }
        }
        drawn.read(&content);
        if drawn.glyphs.is_empty() && drawn.images > 0 {
            scanned_pages.push(number);
        }
        layout.add_page(number, drawn.glyphs, &drawn.rules);
    }
    if layout.glyph_count == 0 {
        return Err(OfdError::NoText(pages.len()));
    }
    Ok(PdfText {
        items: layout.items,
        text: layout.text,
        pages: pages.len(),
        scanned_pages,
    })
}

/// The package's parts, read by name.
struct Package<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
}

impl<'b> Package<'b> {
    fn open(bytes: &'b [u8]) -> Result<Self, OfdError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        Ok(Package { zip })
    }

    /// The part at `path` as text.
    fn xml(&mut self, path: &str) -> Result<String, OfdError> {
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
fn elements(xml: &str, name: &[u8]) -> Vec<Attributes> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(&e) == name => out.push(attributes(&e)),
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// The text of the first element named `name`.
fn first_text(xml: &str, name: &[u8]) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut text: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if local(&e) == name => text = Some(String::new()),
            Ok(event @ (Event::Text(_) | Event::GeneralRef(_))) => {
                if let Some(text) = text.as_mut() {
                    push_text(text, &event);
                }
            }
            Ok(Event::End(_)) if text.is_some() => return text.map(|t| t.trim().to_string()),
            Ok(Event::Eof) | Err(_) => return None,
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
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// `DeltaX` (or `DeltaY`) as advances, `g N d` expanded to N copies of d.
fn deltas(text: &str) -> Vec<f32> {
    let mut out = Vec::new();
    let mut tokens = text.split_whitespace();
    while let Some(t) = tokens.next() {
        if t == "g" {
            let n: usize = tokens.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let d: f32 = tokens.next().and_then(|d| d.parse().ok()).unwrap_or(0.0);
            // Bounded: a page holds some thousands of glyphs at most.
            out.extend(std::iter::repeat_n(d, n.min(1 << 16)));
        } else if let Ok(d) = t.parse() {
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
}

/// The text object being read.
struct TextObject {
    matrix: Matrix,
    size: f32,
    /// The right edge of its `Boundary`, in its own space (x from the
    /// boundary's origin, through the CTM's scale).
    right: Option<f32>,
    /// Where the next `TextCode` without `X`/`Y` starts (object space).
    pen: (f32, f32),
}

impl Drawing {
    /// Reads the objects of a page's (or a template's) content.
    fn read(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut text: Option<TextObject> = None;
        let mut path: Option<Attributes> = None;
        // The `TextCode` or `AbbreviatedData` being read, and its text.
        let mut code: Option<(Attributes, String)> = None;
        let mut data: Option<String> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    let a = attributes(&e);
                    match local(&e).as_slice() {
                        b"TextObject" => {
                            // Writers spell it `Size` (the standard) or `size`.
                            let size = a.get("Size").or_else(|| a.get("size"));
                            let matrix = object_matrix(&a);
                            let width = a.get("Boundary").and_then(|b| numbers(b).get(2).copied());
                            text = Some(TextObject {
                                matrix,
                                size: size.and_then(|s| s.parse().ok()).unwrap_or(3.5),
                                right: width.map(|w| w / matrix[0].abs().max(f32::EPSILON)),
                                pen: (0.0, 0.0),
                            });
                        }
                        b"TextCode" => code = Some((a, String::new())),
                        b"PathObject" => path = Some(a),
                        b"AbbreviatedData" => data = Some(String::new()),
                        b"ImageObject" => self.images += 1,
                        _ => {}
                    }
                }
                Ok(Event::Empty(e)) if local(&e) == b"ImageObject" => self.images += 1,
                Ok(event @ (Event::Text(_) | Event::GeneralRef(_))) => {
                    if let Some((_, t)) = code.as_mut() {
                        push_text(t, &event);
                    } else if let Some(t) = data.as_mut() {
                        push_text(t, &event);
                    }
                }
                Ok(Event::End(e)) => match e.local_name().as_ref() {
                    b"TextObject" => text = None,
                    b"TextCode" => {
                        if let (Some(object), Some((a, t))) = (text.as_mut(), code.take()) {
                            self.text_code(object, &a, &t);
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
                Ok(Event::Eof) | Err(_) => return,
                _ => {}
            }
        }
    }

    /// A `TextCode`'s glyphs: each character at the pen, which `DeltaX`
    /// moves. A glyph is as wide as its advance; the last one, which has
    /// none, reaches the object's `Boundary` when that is plausible (the
    /// box holds the text), else is taken as the font size wide for a
    /// wide character, half of it for a narrow one.
    fn text_code(&mut self, object: &mut TextObject, a: &Attributes, text: &str) {
        let coordinate = |key: &str| a.get(key).and_then(|v| v.parse::<f32>().ok());
        let mut x = coordinate("X").unwrap_or(object.pen.0);
        let y = coordinate("Y").unwrap_or(object.pen.1);
        let advances = a.get("DeltaX").map(|d| deltas(d)).unwrap_or_default();
        let (size, m) = (object.size, object.matrix);
        let points = scale(&m) * PT_PER_MM;
        let count = text.chars().count();
        for (i, ch) in text.chars().enumerate() {
            let own = if ch.is_ascii() { size / 2.0 } else { size };
            let advance = advances.get(i).copied();
            let width = match advance {
                Some(d) => d.abs().clamp(own / 4.0, 2.0 * size),
                None if i + 1 == count => object
                    .right
                    .map(|right| right - x)
                    .filter(|w| (0.2 * size..=1.5 * size).contains(w))
                    .unwrap_or(own),
                None => own,
            };
            if !ch.is_control() {
                let (gx, gy) = {
                    let (px, py) = apply(&m, x, y);
                    to_layout(px, py)
                };
                self.glyphs.push(Glyph {
                    text: ch.to_string(),
                    x: gx,
                    y: gy,
                    width: width * points,
                    size: size * points,
                });
            }
            x += advance.unwrap_or(own);
        }
        object.pen = (x, y);
    }

    /// A path's straight edges as rulings: a thin path as one ruling along
    /// its middle, a wider one (a box) edge by edge.
    fn path(&mut self, a: &Attributes, data: &str) {
        let m = object_matrix(a);
        let boundary = a.get("Boundary").map(|b| numbers(b)).unwrap_or_default();
        let mut edges: Vec<((f32, f32), (f32, f32))> = Vec::new();
        let (mut start, mut at) = ((0.0, 0.0), (0.0, 0.0));
        let mut tokens = data.split_whitespace().peekable();
        let point = |tokens: &mut std::iter::Peekable<std::str::SplitWhitespace>| {
            let x: f32 = tokens.next()?.parse().ok()?;
            let y: f32 = tokens.next()?.parse().ok()?;
            Some((x, y))
        };
        while let Some(op) = tokens.next() {
            match op {
                "M" | "S" => {
                    let Some(p) = point(&mut tokens) else { return };
                    start = p;
                    at = p;
                }
                "L" => {
                    let Some(p) = point(&mut tokens) else { return };
                    edges.push((at, p));
                    at = p;
                }
                "C" => {
                    edges.push((at, start));
                    at = start;
                }
                // Curves and arcs draw no ruling: skip their numbers.
                _ => {
                    while tokens.peek().is_some_and(|t| t.parse::<f32>().is_ok()) {
                        tokens.next();
                    }
                }
            }
        }
        let page = |p: (f32, f32)| {
            let (x, y) = apply(&m, p.0, p.1);
            to_layout(x, y)
        };
        let (w, h) = (
            boundary.get(2).copied().unwrap_or(f32::MAX) * PT_PER_MM,
            boundary.get(3).copied().unwrap_or(f32::MAX) * PT_PER_MM,
        );
        if w.min(h) <= RULE_THICKNESS && !edges.is_empty() {
            // A thin box (a ruling drawn filled): its middle line.
            let points: Vec<(f32, f32)> = edges
                .iter()
                .flat_map(|(a, b)| [page(*a), page(*b)])
                .collect();
            let (x0, x1) = span(points.iter().map(|p| p.0));
            let (y0, y1) = span(points.iter().map(|p| p.1));
            let rule = if x1 - x0 >= y1 - y0 {
                let y = (y0 + y1) / 2.0;
                Rule {
                    x0,
                    y0: y,
                    x1,
                    y1: y,
                }
            } else {
                let x = (x0 + x1) / 2.0;
                Rule {
                    x0: x,
                    y0,
                    x1: x,
                    y1,
                }
            };
            self.rules.push(rule);
            return;
        }
        for (a, b) in edges {
            let ((x0, y0), (x1, y1)) = (page(a), page(b));
            if (y0 - y1).abs() < 0.01 && (x0 - x1).abs() > 0.01 {
                let (x0, x1) = (x0.min(x1), x0.max(x1));
                self.rules.push(Rule { x0, y0, x1, y1: y0 });
            } else if (x0 - x1).abs() < 0.01 && (y0 - y1).abs() > 0.01 {
                let (y0, y1) = (y0.min(y1), y0.max(y1));
                self.rules.push(Rule { x0, y0, x1: x0, y1 });
            }
        }
    }
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
        assert_eq!(deltas("g 3 2.5"), [2.5, 2.5, 2.5]);
        assert_eq!(deltas("1 g 2 0.5 3"), [1.0, 0.5, 0.5, 3.0]);
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

    #[test]
    fn a_text_code_places_each_glyph_by_its_advances() {
        let mut d = Drawing::default();
        d.read(
            r#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>
            <ofd:TextObject ID="1" Boundary="10 20 50 5" Font="2" Size="4">
              <ofd:TextCode X="0" Y="4" DeltaX="g 2 4 2">合计1</ofd:TextCode>
            </ofd:TextObject>
            <ofd:PathObject ID="3" Boundary="10 30 100 0.2"><ofd:AbbreviatedData>M 0 0.1 L 100 0.1</ofd:AbbreviatedData></ofd:PathObject>
            <ofd:PathObject ID="4" Boundary="10 30 50 40"><ofd:AbbreviatedData>M 0 0 L 50 0 L 50 40 L 0 40 C</ofd:AbbreviatedData></ofd:PathObject>
            </ofd:Layer></ofd:Content></ofd:Page>"#,
        );
        let placed: Vec<(String, f32, f32)> = d
            .glyphs
            .iter()
            .map(|g| {
                let mm = |v: f32| (v / PT_PER_MM * 100.0).round() / 100.0;
                (g.text.clone(), mm(g.x), mm(-g.y))
            })
            .collect();
        assert_eq!(
            placed,
            [
                ("合".to_string(), 10.0, 24.0),
                ("计".to_string(), 14.0, 24.0),
                ("1".to_string(), 18.0, 24.0)
            ]
        );
        // The thin path is one ruling; the box four.
        assert_eq!(d.rules.len(), 5);
        let first = d.rules[0];
        assert!((first.y0 / -PT_PER_MM - 30.1).abs() < 1e-3 && first.y0 == first.y1);
    }
}
