//! The content-stream interpreter: graphics and text state, text-showing
//! operators and form XObjects → positioned glyphs.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::Font;

/// A glyph on a page, in page space (points, y up).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    pub x: f32,
    pub y: f32,
    /// Advance width in page space.
    pub width: f32,
    /// Effective font size in page space.
    pub size: f32,
}

/// A painted straight line, axis-aligned, in page space: a table ruling.
/// Horizontal when `y0 == y1`, vertical when `x0 == x1`; `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Glyph {
    /// The middle of the glyph's box (its baseline a third of its size
    /// below): where it is seen, for what covers or clips it.
    fn centre(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.size / 3.0)
    }
}

impl Rule {
    pub fn is_vertical(&self) -> bool {
        self.x0 == self.x1
    }
}

/// Thicker than this, a filled rectangle is a shaded area, not a line.
const RULE_THICKNESS: f32 = 2.5;

type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// The quarter turns (counterclockwise, 0–3) of the direction `(x, y)`,
/// when it is within a few degrees of one: slanted text (a watermark) and
/// a glyph of size 0 turn no page.
fn quarter_turns(x: f32, y: f32) -> Option<usize> {
    let (major, minor) = if x.abs() >= y.abs() { (x, y) } else { (y, x) };
    if major == 0.0 || minor.abs() > 0.1 * major.abs() {
        return None;
    }
    Some(match (x.abs() >= y.abs(), major > 0.0) {
        (true, true) => 0,
        (true, false) => 2,
        (false, true) => 1,
        (false, false) => 3,
    })
}

/// The box that holds `area` once through `m`.
pub(super) fn transformed(area: &Area, m: &Matrix) -> Area {
    let [x0, y0, x1, y1] = *area;
    let corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(x, y)| apply(m, x, y));
    let (xs, ys) = (corners.map(|c| c.0), corners.map(|c| c.1));
    [min4(xs), min4(ys), max4(xs), max4(ys)]
}

/// The unit square under `ctm`: where an image is drawn.
fn unit_square(ctm: &Matrix) -> Area {
    transformed(&[0.0, 0.0, 1.0, 1.0], ctm)
}

/// A form's `/Matrix` (the identity when it has none).
fn form_matrix(stream: &lopdf::Stream) -> Matrix {
    stream
        .dict
        .get(b"Matrix")
        .ok()
        .and_then(|o| o.as_array().ok())
        .filter(|m| m.len() == 6)
        .map(|m| {
            [
                num(&m[0]),
                num(&m[1]),
                num(&m[2]),
                num(&m[3]),
                num(&m[4]),
                num(&m[5]),
            ]
        })
        .unwrap_or(IDENTITY)
}

/// A rectangle array (`[x0 y0 x1 y1]`, corners in any order) as an area.
fn area_of(o: &Object) -> Option<Area> {
    let a = o.as_array().ok().filter(|a| a.len() == 4)?;
    let v: Vec<f32> = a.iter().map(num).collect();
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

/// `area` grown by `by` on every side.
fn grown(area: &Area, by: f32) -> Area {
    [area[0] - by, area[1] - by, area[2] + by, area[3] + by]
}

fn intersection(a: &Area, b: &Area) -> Area {
    [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ]
}

/// Whether `outer` covers all of `inner`.
fn covers(outer: &Area, inner: &Area) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && inner[2] <= outer[2] && inner[3] <= outer[3]
}

/// Grows the bounding box `bounds` to take in `point`.
fn extend(bounds: &mut Option<Area>, (x, y): (f32, f32)) {
    *bounds = Some(match *bounds {
        Some([x0, y0, x1, y1]) => [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
        None => [x, y, x, y],
    });
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn min4(v: [f32; 4]) -> f32 {
    v.into_iter().fold(f32::INFINITY, f32::min)
}

fn max4(v: [f32; 4]) -> f32 {
    v.into_iter().fold(f32::NEG_INFINITY, f32::max)
}

/// A segment as a ruling, if it is (nearly) horizontal or vertical and long
/// enough to separate cells.
pub(crate) fn rule(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
    let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
    if dy <= 0.5 && dx >= 2.0 {
        let y = (a.1 + b.1) / 2.0;
        Some(Rule {
            x0: a.0.min(b.0),
            y0: y,
            x1: a.0.max(b.0),
            y1: y,
        })
    } else if dx <= 0.5 && dy >= 2.0 {
        let x = (a.0 + b.0) / 2.0;
        Some(Rule {
            x0: x,
            y0: a.1.min(b.1),
            x1: x,
            y1: a.1.max(b.1),
        })
    } else {
        None
    }
}

pub(super) fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// Whether a colour paints white (paper): text painted white shows only on
/// a background painted another colour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Paint {
    White,
    Ink,
}

/// A colour space set by `cs`/`CS`: the device spaces' components say
/// whether a colour is white; another space's (a spot colour's tint, an
/// ICC profile's) are taken for ink.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Space {
    Device,
    Other,
}

impl Paint {
    /// The paint of a device colour given by its components (gray, RGB or
    /// CMYK by their count).
    fn of(components: &[f32]) -> Paint {
        let white = match components {
            [gray] => *gray >= 0.995,
            [r, g, b] => [r, g, b].iter().all(|c| **c >= 0.995),
            [c, m, y, k] => [c, m, y, k].iter().all(|c| **c <= 0.005),
            _ => false,
        };
        if white {
            Paint::White
        } else {
            Paint::Ink
        }
    }
}

/// Whether a glyph can be seen.
enum Sight {
    Shown,
    /// Drawn in an invisible rendering mode (an OCR layer's way).
    Invisible,
    /// White on white, covered, clipped away, off the page, in a layer
    /// switched off.
    Hidden,
}

/// An axis-aligned box in page space: `[x0, y0, x1, y1]`.
pub type Area = [f32; 4];

fn contains(area: &Area, (x, y): (f32, f32)) -> bool {
    area[0] <= x && x <= area[2] && area[1] <= y && y <= area[3]
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    /// Text rendering mode (`Tr`): 3 and 7 paint nothing.
    render: i64,
    fill: Paint,
    stroke: Paint,
    fill_space: Space,
    stroke_space: Space,
    /// The clipping path's bounding box, once a path has clipped.
    clip: Option<Area>,
    /// Fills paint over what is under them: no transparency (`ca` < 1)
    /// nor blend mode (a white `Multiply` box changes nothing).
    opaque: bool,
}

/// Guards against XObjects that draw themselves.
const MAX_DEPTH: usize = 8;

pub struct Interpreter<'d> {
    doc: &'d Document,
    fonts: HashMap<ObjectId, Rc<Font>>,
    pub glyphs: Vec<Glyph>,
    /// Fonts whose codes map to no Unicode (a garbled text layer).
    pub unmapped: usize,
    /// A form XObject that could not be decoded within bounds.
    pub error: Option<super::PdfError>,
    /// Table rulings drawn on the page.
    pub rules: Vec<Rule>,
    /// Images drawn (XObjects and inline): a page of them and no text is a scan.
    pub images: usize,
    /// Glyphs shown, by the quarter turns (counterclockwise) their baseline
    /// runs at in page space: a page printed sideways shows most under 1 or 3.
    turns: [usize; 4],
    /// Operators left for this page: forms drawing forms many times over
    /// cannot stall the batch.
    budget: usize,
    /// The page's visible area (its CropBox) in page space: text outside
    /// it is not shown.
    pub visible: Option<Area>,
    /// Areas painted a colour other than white (filled paths' bounds,
    /// images, shadings): white text on them shows.
    backgrounds: Vec<Area>,
    /// Glyphs drawn that no one sees (white on white, invisible, clipped
    /// away, outside the page, covered by a white rectangle, in a layer
    /// switched off).
    pub hidden: usize,
    /// Glyphs drawn in an invisible rendering mode (3, 7): an OCR layer
    /// over a scan when the page shows no other text, else hidden text
    /// (old figures under new ones).
    pub invisible: Vec<Glyph>,
    /// The optional content groups (layers) the document shows off.
    layers_off: HashSet<ObjectId>,
    /// Per marked-content sequence open (`BDC`/`BMC` … `EMC`): whether it
    /// is a layer switched off.
    marked: Vec<bool>,
}

/// The optional content groups a viewer shows off by default
/// (`/OCProperties /D /OFF`).
fn layers_off(doc: &Document) -> HashSet<ObjectId> {
    let off = || -> Option<HashSet<ObjectId>> {
        let catalog = doc.catalog().ok()?;
        let properties = doc.dereference(catalog.get(b"OCProperties").ok()?).ok()?.1;
        let default = doc
            .dereference(properties.as_dict().ok()?.get(b"D").ok()?)
            .ok()?
            .1;
        let off = doc
            .dereference(default.as_dict().ok()?.get(b"OFF").ok()?)
            .ok()?
            .1;
        Some(
            off.as_array()
                .ok()?
                .iter()
                .filter_map(|o| o.as_reference().ok())
                .collect(),
        )
    };
    off().unwrap_or_default()
}

/// Operators run per page at most (a dense real page runs a few hundred
/// thousand).
const PAGE_BUDGET: usize = 5_000_000;

impl<'d> Interpreter<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Interpreter {
            doc,
            fonts: HashMap::new(),
            glyphs: Vec::new(),
            unmapped: 0,
            error: None,
            rules: Vec::new(),
            images: 0,
            turns: [0; 4],
            budget: PAGE_BUDGET,
            visible: None,
            backgrounds: Vec::new(),
            hidden: 0,
            invisible: Vec::new(),
            layers_off: layers_off(doc),
            marked: Vec::new(),
        }
    }

    /// Whether `reference` names a layer switched off (an optional content
    /// group in the OFF list, or a membership dictionary whose groups all
    /// are).
    fn is_off(&self, reference: &Object) -> bool {
        if self.layers_off.is_empty() {
            return false;
        }
        let Ok(id) = reference.as_reference() else {
            return false;
        };
        if self.layers_off.contains(&id) {
            return true;
        }
        let groups = self
            .doc
            .get_dictionary(id)
            .ok()
            .filter(|d| d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"OCMD"))
            .and_then(|d| d.get(b"OCGs").ok());
        match groups.map(|g| self.deref(g)) {
            Some(Object::Array(a)) => {
                !a.is_empty()
                    && a.iter().all(|g| {
                        g.as_reference()
                            .is_ok_and(|id| self.layers_off.contains(&id))
                    })
            }
            Some(Object::Reference(id)) => self.layers_off.contains(id),
            _ => false,
        }
    }

    fn deref(&self, o: &'d Object) -> &'d Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Option<Rc<Font>> {
        let fonts = self.deref(resources.get(b"Font").ok()?).as_dict().ok()?;
        let entry = fonts.get(name).ok()?;
        let id = entry.as_reference().ok();
        if let Some(f) = id.and_then(|id| self.fonts.get(&id)) {
            return Some(f.clone());
        }
        let dict = self.deref(entry).as_dict().ok()?;
        let font = Rc::new(Font::load(self.doc, dict));
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        Some(font)
    }

    /// Clears what one page collected (fonts stay cached for the next page).
    pub fn next_page(&mut self) {
        self.glyphs.clear();
        self.rules.clear();
        self.unmapped = 0;
        self.images = 0;
        self.turns = [0; 4];
        self.error = None;
        self.budget = PAGE_BUDGET;
        self.backgrounds.clear();
        self.invisible.clear();
        self.hidden = 0;
        self.marked.clear();
    }

    /// The quarter turns (counterclockwise) most of this page's text runs
    /// at, when that is not upright: the turns clockwise that set the page
    /// upright to read it. (A stray line of another direction, a watermark
    /// or a page number, does not turn a page.)
    pub fn sideways(&self) -> Option<i64> {
        let shown: usize = self.turns.iter().sum();
        (1..4)
            .find(|&q| 2 * self.turns[q] > shown)
            .map(|q| q as i64)
    }

    /// Runs a content stream with its resources under `ctm`.
    pub fn run(&mut self, content: &[u8], resources: &Dictionary, ctm: Matrix, depth: usize) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut state = State {
            ctm,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render: 0,
            fill: Paint::Ink,
            stroke: Paint::Ink,
            fill_space: Space::Device,
            stroke_space: Space::Device,
            clip: None,
            opaque: true,
        };
        let mut stack: Vec<State> = Vec::new();
        // The path under construction, in page space: closed subpaths of
        // straight segments (curves only move the current point).
        let mut path: Vec<[(f32, f32); 2]> = Vec::new();
        // Its rectangles (`re`), and every point it passes: what it covers
        // when filled, and bounds when it clips.
        let mut rects: Vec<Area> = Vec::new();
        let mut bounds: Option<Area> = None;
        let mut clipping = false;
        let mut current = (0.0f32, 0.0f32);
        let mut start = current;
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        for op in &content.operations {
            if self.budget == 0 {
                self.error.get_or_insert(super::PdfError::Load(format!(
                    "a page draws too much (over {} million operators)",
                    PAGE_BUDGET / 1_000_000
                )));
                return;
            }
            self.budget -= 1;
            let a = &op.operands;
            let n = |i: usize| a.get(i).map_or(0.0, num);
            match op.operator.as_str() {
                "q" => stack.push(state.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" => state.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &state.ctm),
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    state.font = a
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.font(resources, name));
                    state.size = n(1);
                }
                "Tr" => state.render = a.first().map_or(0, |o| num(o) as i64),
                "g" | "rg" | "k" => {
                    state.fill = Paint::of(&a.iter().map(num).collect::<Vec<_>>());
                    state.fill_space = Space::Device;
                }
                "G" | "RG" | "K" => {
                    state.stroke = Paint::of(&a.iter().map(num).collect::<Vec<_>>());
                    state.stroke_space = Space::Device;
                }
                "cs" | "CS" => {
                    let device = a
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .is_some_and(|n| matches!(n, b"DeviceGray" | b"DeviceRGB" | b"DeviceCMYK"));
                    let space = if device { Space::Device } else { Space::Other };
                    // A colour space starts at its initial colour: black
                    // in the device spaces.
                    if op.operator == "cs" {
                        (state.fill_space, state.fill) = (space, Paint::Ink);
                    } else {
                        (state.stroke_space, state.stroke) = (space, Paint::Ink);
                    }
                }
                "sc" | "scn" | "SC" | "SCN" => {
                    let fill = op.operator.starts_with('s');
                    let space = if fill {
                        state.fill_space
                    } else {
                        state.stroke_space
                    };
                    let paint = match space {
                        Space::Device => Paint::of(&a.iter().map(num).collect::<Vec<_>>()),
                        Space::Other => Paint::Ink,
                    };
                    if fill {
                        state.fill = paint;
                    } else {
                        state.stroke = paint;
                    }
                }
                "W" | "W*" => clipping = true,
                "gs" => {
                    if let Some(opaque) = a
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.graphics_state_opaque(resources, name))
                    {
                        state.opaque = opaque;
                    }
                }
                // A shading fills the clipping path (else the page): white
                // text on it shows.
                "sh" => {
                    let area = state.clip.or(self.visible).unwrap_or([
                        f32::MIN,
                        f32::MIN,
                        f32::MAX,
                        f32::MAX,
                    ]);
                    self.backgrounds.push(area);
                }
                "BMC" => self.marked.push(false),
                "BDC" => {
                    let layer = (a.first().and_then(|o| o.as_name().ok()) == Some(b"OC"))
                        .then(|| a.get(1)?.as_name().ok())
                        .flatten()
                        .and_then(|name| {
                            let properties = self.deref(resources.get(b"Properties").ok()?);
                            properties.as_dict().ok()?.get(name).ok()
                        });
                    let off = layer.is_some_and(|l| self.is_off(l));
                    self.marked.push(off);
                }
                "EMC" => {
                    self.marked.pop();
                }
                "Tc" => state.char_space = n(0),
                "Tw" => state.word_space = n(0),
                "Tz" => state.scale = n(0) / 100.0,
                "TL" => state.leading = n(0),
                "Ts" => state.rise = n(0),
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        state.leading = -n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            state.word_space = n(0);
                            state.char_space = n(1);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(bytes, _)) = a.last() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = a.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(bytes, &state, &mut tm),
                                other => {
                                    let tx = -num(other) / 1000.0 * state.size * state.scale;
                                    tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                "m" => {
                    current = apply(&state.ctm, n(0), n(1));
                    start = current;
                    extend(&mut bounds, current);
                }
                "l" => {
                    let to = apply(&state.ctm, n(0), n(1));
                    path.push([current, to]);
                    current = to;
                    extend(&mut bounds, current);
                }
                "c" | "v" | "y" => {
                    // A curve lies within its points' hull: they bound it.
                    for i in (0..a.len().saturating_sub(1)).step_by(2) {
                        extend(&mut bounds, apply(&state.ctm, n(i), n(i + 1)));
                    }
                    let k = a.len();
                    current = apply(&state.ctm, n(k.saturating_sub(2)), n(k.saturating_sub(1)));
                }
                "h" => {
                    path.push([current, start]);
                    current = start;
                }
                "re" => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                        .map(|(px, py)| apply(&state.ctm, px, py));
                    let (xs, ys) = (corners.map(|c| c.0), corners.map(|c| c.1));
                    let (x0, x1) = (min4(xs), max4(xs));
                    let (y0, y1) = (min4(ys), max4(ys));
                    rects.push([x0, y0, x1, y1]);
                    extend(&mut bounds, (x0, y0));
                    extend(&mut bounds, (x1, y1));
                    if y1 - y0 <= RULE_THICKNESS {
                        // A filled hairline rectangle: how Word and WPS draw rules.
                        let y = (y0 + y1) / 2.0;
                        path.push([(x0, y), (x1, y)]);
                    } else if x1 - x0 <= RULE_THICKNESS {
                        let x = (x0 + x1) / 2.0;
                        path.push([(x, y0), (x, y1)]);
                    } else {
                        for i in 0..4 {
                            path.push([corners[i], corners[(i + 1) % 4]]);
                        }
                    }
                    current = corners[0];
                    start = current;
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    if op.operator != "n" {
                        self.rules
                            .extend(path.iter().filter_map(|&[a, b]| rule(a, b)));
                    }
                    let fills = !matches!(op.operator.as_str(), "S" | "s" | "n");
                    if fills {
                        self.paint_path(&rects, bounds, state.fill, state.opaque);
                    }
                    // (A clip without a path, which no writer means, clips
                    // nothing here.)
                    if let (true, Some(area)) = (std::mem::take(&mut clipping), bounds) {
                        state.clip = Some(match state.clip {
                            Some(c) => intersection(&c, &area),
                            None => area,
                        });
                    }
                    path.clear();
                    rects.clear();
                    bounds = None;
                }
                // lopdf reads `BI … ID … EI` as one `BI` operation.
                "BI" => {
                    self.images += 1;
                    self.backgrounds.push(unit_square(&state.ctm));
                }
                "Do" if depth < MAX_DEPTH => {
                    let Some(name) = a.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    self.form(resources, name, &state.ctm, depth);
                }
                _ => {}
            }
        }
    }

    fn form(&mut self, resources: &Dictionary, name: &[u8], ctm: &Matrix, depth: usize) {
        let Some(xobjects) = resources
            .get(b"XObject")
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        let Some(stream) = xobjects
            .get(name)
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_stream().ok())
        else {
            return;
        };
        if stream.dict.get(b"OC").is_ok_and(|layer| self.is_off(layer)) {
            return;
        }
        self.draw_form(stream, resources, ctm, depth);
    }

    /// Draws the page's annotations' normal appearances over its content,
    /// as a viewer does: a correction typed over a figure (a FreeText or
    /// Stamp box, white behind new digits) hides the figure and shows its
    /// own; a form field shows its value. Hidden and NoView ones are not
    /// seen. `ctm` is the page's initial matrix.
    pub fn annotations(&mut self, page: &'d Dictionary, ctm: &Matrix) {
        let Some(Object::Array(annots)) = page.get(b"Annots").ok().map(|o| self.deref(o)) else {
            return;
        };
        for annot in annots {
            let Ok(annot) = self.deref(annot).as_dict() else {
                continue;
            };
            let flags = annot.get(b"F").ok().map_or(0, |f| num(f) as i64);
            // Hidden (bit 2), NoView (bit 6).
            if flags & (2 | 32) != 0 || annot.get(b"OC").is_ok_and(|l| self.is_off(l)) {
                continue;
            }
            let Some(stream) = self.appearance(annot) else {
                continue;
            };
            let rect = annot.get(b"Rect").ok().and_then(|r| area_of(self.deref(r)));
            let bbox = stream
                .dict
                .get(b"BBox")
                .ok()
                .and_then(|b| area_of(self.deref(b)));
            let (Some(rect), Some(bbox)) = (rect, bbox) else {
                continue;
            };
            // The form's box, through its matrix, fitted onto the
            // annotation's rectangle (PDF 32000-1, 12.5.5).
            let [x0, y0, x1, y1] = transformed(&bbox, &form_matrix(stream));
            if x1 - x0 <= 0.0 || y1 - y0 <= 0.0 {
                continue;
            }
            let (sx, sy) = (
                (rect[2] - rect[0]) / (x1 - x0),
                (rect[3] - rect[1]) / (y1 - y0),
            );
            let fit = [sx, 0.0, 0.0, sy, rect[0] - sx * x0, rect[1] - sy * y0];
            self.draw_form(stream, &Dictionary::new(), &mul(&fit, ctm), 0);
        }
    }

    /// An annotation's normal appearance: the stream, or the state `/AS`
    /// names among several.
    fn appearance(&self, annot: &'d Dictionary) -> Option<&'d lopdf::Stream> {
        let ap = self.deref(annot.get(b"AP").ok()?).as_dict().ok()?;
        match self.deref(ap.get(b"N").ok()?) {
            Object::Stream(s) => Some(s),
            Object::Dictionary(states) => {
                let state = annot.get(b"AS").ok()?.as_name().ok()?;
                self.deref(states.get(state).ok()?).as_stream().ok()
            }
            _ => None,
        }
    }

    /// Runs a form XObject's content under its matrix and `ctm`, with its
    /// own resources (else `resources`).
    fn draw_form(
        &mut self,
        stream: &lopdf::Stream,
        resources: &Dictionary,
        ctm: &Matrix,
        depth: usize,
    ) {
        match stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
        {
            Some(b"Form") => {}
            // An image is a background white text may show on (a header
            // band drawn as a picture).
            Some(b"Image") => {
                self.images += 1;
                self.backgrounds.push(unit_square(ctm));
                return;
            }
            _ => return,
        }
        let matrix = form_matrix(stream);
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_dict().ok());
        let res = own.unwrap_or(resources).clone();
        let content = match super::stream::decode(stream) {
            Ok(c) => c,
            Err(e) => {
                self.error.get_or_insert(e);
                return;
            }
        };
        self.run(&content, &res, mul(&matrix, ctm), depth + 1);
    }

    /// Whether a glyph drawn in `state` can be seen: painted (not in
    /// rendering mode 3 or 7), in ink or on a background of another colour
    /// than white, inside the clipping path and the page.
    fn sight(&self, glyph: &Glyph, state: &State) -> Sight {
        let centre = glyph.centre();
        let inside = |area: &Option<Area>| area.is_none_or(|a| contains(&grown(&a, 1.0), centre));
        if !inside(&state.clip) || !inside(&self.visible) || self.marked.contains(&true) {
            return Sight::Hidden;
        }
        let (fills, strokes) = match state.render {
            0 | 4 => (true, false),
            1 | 5 => (false, true),
            2 | 6 => (true, true),
            _ => return Sight::Invisible,
        };
        let inked = fills && state.fill == Paint::Ink || strokes && state.stroke == Paint::Ink;
        if inked || self.backgrounds.iter().any(|b| contains(b, centre)) {
            Sight::Shown
        } else {
            Sight::Hidden
        }
    }

    /// A path filled with `paint`: its rectangles, painted opaque white,
    /// hide the glyphs drawn under them; painted another colour, the path
    /// is a background white text shows on. (A rule's hairline hides
    /// nothing.)
    fn paint_path(&mut self, rects: &[Area], bounds: Option<Area>, paint: Paint, opaque: bool) {
        match paint {
            Paint::Ink => self.backgrounds.extend(bounds),
            Paint::White if opaque => {
                let areas = rects
                    .iter()
                    .filter(|r| r[2] - r[0] > RULE_THICKNESS && r[3] - r[1] > RULE_THICKNESS);
                for area in areas {
                    let before = self.glyphs.len();
                    self.glyphs.retain(|g| !contains(area, g.centre()));
                    self.hidden += before - self.glyphs.len();
                    // White on it no longer shows on what it covers.
                    self.backgrounds.retain(|b| !covers(area, b));
                }
            }
            Paint::White => {}
        }
    }

    /// Whether the named graphics state makes fills opaque (`ca` 1 and a
    /// normal blend mode); `None` when it sets neither.
    fn graphics_state_opaque(&self, resources: &Dictionary, name: &[u8]) -> Option<bool> {
        let states = self
            .deref_any(resources.get(b"ExtGState").ok()?)
            .as_dict()
            .ok()?;
        let gs = self.deref_any(states.get(name).ok()?).as_dict().ok()?;
        let alpha = gs.get(b"ca").ok().map(num);
        let blend = gs.get(b"BM").ok().map(|b| match self.deref_any(b) {
            Object::Name(n) => matches!(n.as_slice(), b"Normal" | b"Compatible"),
            Object::Array(a) => a
                .first()
                .and_then(|n| n.as_name().ok())
                .is_some_and(|n| matches!(n, b"Normal" | b"Compatible")),
            _ => true,
        });
        if alpha.is_none() && blend.is_none() {
            return None;
        }
        Some(alpha.is_none_or(|a| a >= 0.999) && blend.unwrap_or(true))
    }

    /// [`Self::deref`] for an object of any lifetime (one of a cloned
    /// resource dictionary).
    fn deref_any<'o>(&'o self, o: &'o Object) -> &'o Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn show(&mut self, bytes: &[u8], state: &State, tm: &mut Matrix) {
        let Some(font) = state.font.clone() else {
            return;
        };
        if !font.has_unicode() {
            self.unmapped += 1;
        }
        for (text, w, space) in font.glyphs(bytes) {
            let trm = mul(
                &mul(
                    &[
                        state.size * state.scale,
                        0.0,
                        0.0,
                        state.size,
                        0.0,
                        state.rise,
                    ],
                    tm,
                ),
                &state.ctm,
            );
            let tx = (w / 1000.0 * state.size
                + state.char_space
                + if space { state.word_space } else { 0.0 })
                * state.scale;
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            // The advance in page space: through a text matrix that turns
            // the text (`0 1 -1 0 x y Tm`) as through a turned page.
            let advance = mul(&mul(&[tx, 0.0, 0.0, 1.0, 0.0, 0.0], tm), &state.ctm);
            let width = (advance[0] * advance[0] + advance[1] * advance[1]).sqrt();
            if !text.is_empty() {
                let glyph = Glyph {
                    text,
                    x: trm[4],
                    y: trm[5],
                    width,
                    size,
                };
                // Text slanted off every quarter turn is a watermark (`样本`
                // across the page), never a table's: read, it broke rows.
                match (quarter_turns(trm[0], trm[1]), self.sight(&glyph, state)) {
                    (Some(q), Sight::Shown) => {
                        self.turns[q] += 1;
                        self.glyphs.push(glyph);
                    }
                    (Some(_), Sight::Invisible) => self.invisible.push(glyph),
                    _ => self.hidden += 1,
                }
            }
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// The glyphs `content` shows with Helvetica as /F1, and the quarter
    /// turns that would set the page upright. The resources name an image
    /// /Im0, graphics states /Clear (transparent) and /Multiply.
    fn shown(content: &str) -> (Vec<Glyph>, Option<i64>) {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let image = doc.add_object(lopdf::Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![0],
        ));
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => font },
            "XObject" => dictionary! { "Im0" => image },
            "ExtGState" => dictionary! {
                "Clear" => dictionary! { "ca" => 0 },
                "Multiply" => dictionary! { "BM" => "Multiply" },
            },
        };
        let mut interp = Interpreter::new(&doc);
        interp.run(content.as_bytes(), &resources, IDENTITY, 0);
        let sideways = interp.sideways();
        (interp.glyphs, sideways)
    }

    #[test]
    fn text_turned_by_its_matrix_keeps_its_advances_and_turns_the_page() {
        let (upright, none) = shown("BT /F1 12 Tf 1 0 0 1 100 200 Tm (Total) Tj ET");
        assert_eq!(none, None);
        let widths: Vec<f32> = upright.iter().map(|g| g.width).collect();
        assert!(widths.iter().all(|&w| w > 3.0), "{widths:?}");
        for (matrix, quarters) in [("0 1 -1 0", 1), ("-1 0 0 -1", 2), ("0 -1 1 0", 3)] {
            let (turned, sideways) =
                shown(&format!("BT /F1 12 Tf {matrix} 100 200 Tm (Total) Tj ET"));
            assert_eq!(sideways, Some(quarters), "{matrix}");
            let turned_widths: Vec<f32> = turned.iter().map(|g| g.width).collect();
            assert_eq!(turned_widths, widths, "{matrix}");
            assert!(turned.iter().all(|g| g.size == 12.0), "{matrix}");
        }
        // Up the page, glyph after glyph, each its advance further on.
        let (up, _) = shown("BT /F1 12 Tf 0 1 -1 0 100 200 Tm (Total) Tj ET");
        assert_eq!(up[1].y - up[0].y, widths[0]);
        assert!(up.iter().all(|g| g.x == 100.0));
    }

    fn texts(glyphs: &[Glyph]) -> String {
        glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn text_no_one_sees_is_not_read() {
        // Fuzzing review (2026-12-07): zeros hidden in blank cells and old
        // amounts drawn under the new were read as printed (111 wrong cells
        // `ok` in one document). Each line here shows `12` and hides `0.00`.
        for hidden in [
            // Rendering mode 3 (invisible, an OCR layer's).
            "BT /F1 10 Tf 3 Tr 100 700 Td (0.00) Tj ET",
            // White on the white page, in each device space.
            "1 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "1 1 1 rg BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "0 0 0 0 k BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "/DeviceRGB cs 1 1 1 sc BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            // Covered by a white rectangle drawn after it.
            "BT /F1 10 Tf 100 700 Td (0.00) Tj ET 1 g 90 690 60 30 re f",
            // Clipped away.
            "q 0 0 50 50 re W n BT /F1 10 Tf 100 700 Td (0.00) Tj ET Q",
        ] {
            let (glyphs, _) = shown(&format!("BT /F1 10 Tf 300 700 Td (12) Tj ET {hidden}"));
            assert_eq!(texts(&glyphs), "12", "{hidden}");
        }
        // White on a dark band (a header row) shows, however the band is
        // drawn (a rectangle, a path, a shading, an image); a white
        // rectangle drawn before the text (a cell's fill), or drawn after it
        // but transparent or blended, hides nothing; a clip around the text
        // keeps it, a curved one too; after `Q` the clip is gone. (Review,
        // 2026-12-07: the bands that were no `re`, the transparent cover
        // and the curved clip lost every cell of a fuzzed 002.)
        for seen in [
            "0 0 0.5 rg 90 690 60 30 re f 1 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "0 0 0.5 rg 90 690 m 150 690 l 150 720 l 90 720 l h f 1 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "q 90 690 60 30 re W n /Sh0 sh Q 1 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "q 60 0 0 30 90 690 cm /Im0 Do Q 1 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "BT /F1 10 Tf 100 700 Td (0.00) Tj ET /Clear gs 1 g 90 690 60 30 re f",
            "BT /F1 10 Tf 100 700 Td (0.00) Tj ET /Multiply gs 1 g 90 690 60 30 re f",
            "q 0 705 m 0 800 600 800 600 705 c 600 610 0 610 0 705 c W n BT /F1 10 Tf 100 700 Td (0.00) Tj ET Q",
            "1 g 90 690 60 30 re f 0 g BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            "q 90 690 60 30 re W n BT /F1 10 Tf 100 700 Td (0.00) Tj ET Q",
            "q 0 0 50 50 re W n Q BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
            // A spot colour's tint of 1 is full ink.
            "/CS0 cs 1 sc BT /F1 10 Tf 100 700 Td (0.00) Tj ET",
        ] {
            let (glyphs, _) = shown(&format!("BT /F1 10 Tf 300 700 Td (12) Tj ET {seen}"));
            assert_eq!(texts(&glyphs), "120.00", "{seen}");
        }
    }

    #[test]
    fn an_invisible_layer_is_kept_apart_for_a_scans_ocr() {
        // Rendering mode 3 over visible text is hidden text; alone on its
        // page, it is a scan's OCR, which the page reader falls back on.
        let (glyphs, _) = shown("BT /F1 10 Tf 3 Tr 100 700 Td (12) Tj ET");
        assert!(glyphs.is_empty());
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let mut interp = Interpreter::new(&doc);
        interp.run(
            b"BT /F1 10 Tf 3 Tr 100 700 Td (12) Tj ET",
            &resources,
            IDENTITY,
            0,
        );
        assert_eq!(texts(&interp.invisible), "12");
    }

    #[test]
    fn text_in_a_layer_switched_off_is_not_read() {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let old = doc
            .add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("old") });
        let new = doc
            .add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("new") });
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "OCProperties" => dictionary! {
                "OCGs" => vec![old.into(), new.into()],
                "D" => dictionary! { "OFF" => vec![old.into()] },
            },
        });
        doc.trailer.set("Root", catalog);
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => font },
            "Properties" => dictionary! { "MC0" => old, "MC1" => new },
        };
        let mut interp = Interpreter::new(&doc);
        let content = "/OC /MC0 BDC BT /F1 10 Tf 100 700 Td (0.00) Tj ET EMC \
                       /OC /MC1 BDC BT /F1 10 Tf 200 700 Td (12) Tj ET EMC \
                       BT /F1 10 Tf 300 700 Td (34) Tj ET";
        interp.run(content.as_bytes(), &resources, IDENTITY, 0);
        assert_eq!(texts(&interp.glyphs), "1234");
    }

    #[test]
    fn an_annotation_typed_over_a_figure_is_read_instead_of_it() {
        // Fuzzing review (2026-12-07): a FreeText box, white behind `5.40`,
        // over the page's `5.04`: the figure under it was read (9 cells).
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let appearance = |text: &str| {
            lopdf::Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 40.into(), 14.into()],
                    "Resources" => resources.clone(),
                },
                format!("1 g 0 0 40 14 re f 0 g BT /F1 10 Tf 2 3 Td ({text}) Tj ET").into_bytes(),
            )
        };
        let shown_box = doc.add_object(appearance("5.40"));
        let hidden_box = doc.add_object(appearance("9.99"));
        let annotation = |ap, flags: i64| {
            Object::Dictionary(dictionary! {
                "Type" => "Annot", "Subtype" => "FreeText", "F" => flags,
                "Rect" => vec![98.into(), 697.into(), 138.into(), 711.into()],
                "AP" => dictionary! { "N" => ap },
            })
        };
        let page = dictionary! {
            "Annots" => vec![annotation(shown_box, 4), annotation(hidden_box, 2)],
        };
        let mut interp = Interpreter::new(&doc);
        let content = "BT /F1 10 Tf 100 700 Td (5.04) Tj ET BT /F1 10 Tf 300 700 Td (12) Tj ET";
        interp.run(content.as_bytes(), &resources, IDENTITY, 0);
        interp.annotations(&page, &IDENTITY);
        assert_eq!(texts(&interp.glyphs), "125.40");
        let at: Vec<(f32, f32)> = interp.glyphs[2..].iter().map(|g| (g.x, g.y)).collect();
        assert_eq!(at[0], (100.0, 700.0));
    }

    #[test]
    fn text_outside_the_page_is_not_read() {
        // A column cropped away, or a text box's overflow drawn below the
        // page (a real Shanghai PDF's narrative, read twice before).
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let mut interp = Interpreter::new(&doc);
        interp.visible = Some([0.0, 0.0, 600.0, 800.0]);
        let content = "BT /F1 10 Tf 100 700 Td (12) Tj ET \
                       BT /F1 10 Tf 650 700 Td (34) Tj ET \
                       BT /F1 10 Tf 100 -40 Td (56) Tj ET";
        interp.run(content.as_bytes(), &resources, IDENTITY, 0);
        assert_eq!(texts(&interp.glyphs), "12");
        assert_eq!(interp.hidden, 4);
    }

    #[test]
    fn a_line_of_another_direction_does_not_turn_the_page() {
        // A page number printed upright under a sideways table turns the
        // page; a sideways margin note beside upright text does not.
        let (_, turned) = shown(
            "BT /F1 12 Tf 0 1 -1 0 100 200 Tm (Total 1,010.70) Tj ET \
             BT /F1 12 Tf 300 20 Td (- 3 -) Tj ET",
        );
        assert_eq!(turned, Some(1));
        let (_, upright) = shown(
            "BT /F1 12 Tf 100 700 Td (Total 1,010.70) Tj ET \
             BT /F1 12 Tf 0 1 -1 0 20 200 Tm (draft) Tj ET",
        );
        assert_eq!(upright, None);
        // A watermark slanted at 60 degrees, however long, turns nothing,
        // and is not read.
        let (glyphs, slanted) = shown(
            "BT /F1 12 Tf 100 700 Td (Total) Tj ET \
             BT /F1 40 Tf 0.5 0.866 -0.866 0.5 100 100 Tm (CONFIDENTIAL DRAFT COPY) Tj ET",
        );
        assert_eq!(slanted, None);
        assert_eq!(texts(&glyphs), "Total");
    }
}
