//! Fonts as the text layer needs them: how many bytes a character code
//! takes, what Unicode it means, and how wide its glyph is.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::ToUnicode;

#[derive(Debug, Clone)]
pub struct Font {
    /// Type0 fonts with 2-byte codes (Identity-H and the like).
    two_byte: bool,
    to_unicode: Option<ToUnicode>,
    /// Glyph widths in 1/1000 text-space units, by code.
    widths: HashMap<u32, f32>,
    default_width: f32,
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

impl Font {
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| {
                s.decompressed_content()
                    .ok()
                    .or_else(|| Some(s.content.clone()))
            })
            .map(|data| ToUnicode::parse(&data))
            .filter(|t| !t.is_empty());
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        let two_byte = subtype == b"Type0";
        if two_byte {
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(d) = descendant {
                default_width = d.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
                if let Some(w) = d
                    .get(b"W")
                    .ok()
                    .map(|o| resolve(doc, o))
                    .and_then(|o| o.as_array().ok())
                {
                    let mut i = 0;
                    while i < w.len() {
                        let Some(first) = number(resolve(doc, &w[i])) else {
                            break;
                        };
                        match w.get(i + 1).map(|o| resolve(doc, o)) {
                            Some(Object::Array(list)) => {
                                for (k, v) in list.iter().enumerate() {
                                    if let Some(v) = number(resolve(doc, v)) {
                                        widths.insert(first as u32 + k as u32, v);
                                    }
                                }
                                i += 2;
                            }
                            Some(last) => {
                                let (Some(last), Some(v)) = (
                                    number(last),
                                    w.get(i + 2).map(|o| resolve(doc, o)).and_then(number),
                                ) else {
                                    break;
                                };
                                for c in first as u32..=last as u32 {
                                    widths.insert(c, v);
                                }
                                i += 3;
                            }
                            None => break,
                        }
                    }
                }
            }
        } else {
            let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
            if let Some(ws) = dict
                .get(b"Widths")
                .ok()
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                for (k, v) in ws.iter().enumerate() {
                    if let Some(v) = number(resolve(doc, v)) {
                        widths.insert(first + k as u32, v);
                    }
                }
            }
            default_width = 500.0;
        }
        Font {
            two_byte,
            to_unicode,
            widths,
            default_width,
        }
    }

    /// Whether codes of this font can be turned into Unicode.
    pub fn has_unicode(&self) -> bool {
        self.to_unicode.is_some() || !self.two_byte
    }

    /// Splits a shown string into (text, width in 1/1000 units, is single-byte space).
    pub fn glyphs(&self, bytes: &[u8]) -> Vec<(String, f32, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = if self.two_byte {
                2.min(bytes.len() - i)
            } else {
                1
            };
            let code = bytes[i..i + len]
                .iter()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            let text = match &self.to_unicode {
                Some(t) => t
                    .get(len as u8, code)
                    .map(str::to_string)
                    .unwrap_or_default(),
                // A simple font without a map: its codes as Latin-1 (ASCII digits and
                // punctuation come out right; anything else is caught as garbled).
                None if !self.two_byte => char::from(code as u8).to_string(),
                None => String::new(),
            };
            let width = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width);
            out.push((text, width, len == 1 && code == 32));
            i += len;
        }
        out
    }
}
