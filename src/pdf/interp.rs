//! The content-stream interpreter: graphics and text state, text-showing
//! operators and form XObjects → positioned glyphs.

use std::collections::HashMap;
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

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
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
}

/// Guards against XObjects that draw themselves.
const MAX_DEPTH: usize = 8;

pub struct Interpreter<'d> {
    doc: &'d Document,
    fonts: HashMap<ObjectId, Rc<Font>>,
    pub glyphs: Vec<Glyph>,
    /// Fonts whose codes map to no Unicode (a garbled text layer).
    pub unmapped: usize,
}

impl<'d> Interpreter<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Interpreter {
            doc,
            fonts: HashMap::new(),
            glyphs: Vec::new(),
            unmapped: 0,
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
        };
        let mut stack: Vec<State> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        for op in &content.operations {
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
        if stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            != Some(b"Form")
        {
            return;
        }
        let matrix = stream
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
            .unwrap_or(IDENTITY);
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_dict().ok());
        let res = own.unwrap_or(resources).clone();
        let Ok(content) = stream.decompressed_content() else {
            return;
        };
        self.run(&content, &res, mul(&matrix, ctm), depth + 1);
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
            let advance = mul(&[tx, 0.0, 0.0, 1.0, 0.0, 0.0], tm);
            let width =
                ((advance[0] * state.ctm[0]).powi(2) + (advance[0] * state.ctm[1]).powi(2)).sqrt();
            if !text.is_empty() {
                self.glyphs.push(Glyph {
                    text,
                    x: trm[4],
                    y: trm[5],
                    width,
                    size,
                });
            }
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}
