//! Fonts as the text layer needs them: how a shown string splits into
//! character codes, what Unicode each code means, and how wide its glyph is.
//!
//! Unicode comes, in order of trust, from the font's ToUnicode CMap, from a
//! predefined Chinese CMap whose codes *are* Unicode or GBK (UniGB-UCS2-H,
//! UniGB-UTF16-H, GBK-EUC-H …), from the embedded TrueType font's own cmap
//! (Identity-H fonts without ToUnicode), or from a simple font's encoding
//! (WinAnsi, /Differences) — with Word's GB2312 fonts posing as WinAnsi
//! decoded as GBK.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::ToUnicode;
use super::encoding;

/// How shown strings split into codes, and what a code means when no
/// ToUnicode map says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// One byte per code, Latin through the font's encoding.
    Simple,
    /// A simple font whose codes are GBK bytes (Word's 宋体 / 仿宋_GB2312
    /// written as WinAnsi TrueType): one byte, or two after a lead byte.
    SimpleGbk,
    /// Two bytes, CID = code (Identity-H/V and embedded CMaps).
    Identity,
    /// A predefined CMap this reader does not know: two-byte codes, Unicode
    /// from ToUnicode only.
    Unknown,
    /// UniGB-UCS2-H/V: two bytes of UCS-2.
    Ucs2,
    /// UniGB-UTF16-H/V: UTF-16BE, two or four bytes.
    Utf16,
    /// GB-EUC, GBK-EUC, GBpc-EUC, GBK2K and Word's WinCharSet CMaps: one,
    /// two or four bytes of GB 18030.
    Gbk,
}

impl Codes {
    /// The predefined CMap a Type0 font names.
    fn predefined(name: &[u8]) -> Codes {
        let name = String::from_utf8_lossy(name);
        if name.starts_with("UniGB-UCS2") || name.starts_with("UniCNS-UCS2") {
            Codes::Ucs2
        } else if name.starts_with("UniGB-UTF16") || name.starts_with("UniCNS-UTF16") {
            Codes::Utf16
        } else if name.starts_with("GB") || name.contains("WinCharSet") {
            Codes::Gbk
        } else if name.starts_with("Identity") {
            Codes::Identity
        } else {
            // Another registry's CMap (Big5, UTF-8 …): two-byte codes that
            // only a ToUnicode map can read.
            Codes::Unknown
        }
    }

    /// Length in bytes of the code starting at `bytes[0]`.
    fn len(self, bytes: &[u8]) -> usize {
        let n = match self {
            Codes::Simple => 1,
            Codes::Identity | Codes::Unknown | Codes::Ucs2 => 2,
            Codes::Utf16 => match bytes {
                [hi, ..] if (0xD8..0xDC).contains(hi) => 4,
                _ => 2,
            },
            // Two bytes only with a real GBK trail byte: a lone 0xA0 or 0x96
            // before `12.50` must not swallow its `1`.
            Codes::SimpleGbk | Codes::Gbk => match bytes {
                [0x81..=0xFE, 0x30..=0x39, ..] if self == Codes::Gbk => 4,
                [0x81..=0xFE, 0x40..=0x7E | 0x80..=0xFE, ..] => 2,
                _ => 1,
            },
        };
        n.min(bytes.len()).max(1)
    }
}

#[derive(Debug, Clone)]
pub struct Font {
    codes: Codes,
    to_unicode: Option<ToUnicode>,
    /// A simple font's code → character (its encoding with /Differences).
    simple: Option<[Option<char>; 256]>,
    /// CID → character from the embedded font's own cmap.
    embedded: HashMap<u32, char>,
    /// Glyph widths in 1/1000 text-space units, by CID (Type0) or code.
    widths: HashMap<u32, f32>,
    default_width: f32,
}

/// The largest CID (CIDs are 16-bit).
const MAX_CID: u32 = 0xFFFF;

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

fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| resolve(doc, o))
}

fn stream_data(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    let s = resolve(doc, o).as_stream().ok()?;
    super::stream::decode(s).ok()
}

/// Chinese font names that, on a simple font with no ToUnicode, mean the
/// codes are GBK bytes: the name itself in GBK (`/宋体`), or a known family.
fn names_a_gbk_font(base_font: &[u8]) -> bool {
    if base_font.iter().any(|b| *b >= 0x80) {
        return true;
    }
    let name = String::from_utf8_lossy(base_font).to_ascii_lowercase();
    [
        "gb2312",
        "gbk",
        "simsun",
        "simhei",
        "fangsong",
        "kaiti",
        "stsong",
        "stheiti",
        "stkaiti",
        "stfangsong",
        "nsimsun",
        "microsoftyahei",
    ]
    .iter()
    .any(|k| name.contains(k))
}

/// The `/W` array of a CIDFont: CID → width.
fn cid_widths(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    let mut widths = HashMap::new();
    // Entries set in all: thousands of repeated full ranges would take
    // minutes without a bound (a real /W sets each CID once).
    let mut budget: usize = 1 << 20;
    let mut i = 0;
    while i < w.len() && budget > 0 {
        let Some(first) = number(resolve(doc, &w[i])) else {
            break;
        };
        match w.get(i + 1).map(|o| resolve(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(budget) {
                    budget -= 1;
                    let cid = (first as u32).saturating_add(k as u32);
                    if let (Some(v), true) = (number(resolve(doc, v)), cid <= MAX_CID) {
                        widths.insert(cid, v);
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
                // CIDs are 16-bit: a hostile range cannot allocate more.
                for c in ((first as u32).min(MAX_CID + 1)..=(last as u32).min(MAX_CID)).take(budget)
                {
                    budget -= 1;
                    widths.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
    widths
}

/// CID → character from an embedded TrueType font's cmap, through
/// the descendant's CIDToGIDMap (Identity unless a stream says otherwise).
fn embedded_cmap(doc: &Document, descendant: &Dictionary) -> HashMap<u32, char> {
    let mut out = HashMap::new();
    let Some(descriptor) = get(doc, descendant, b"FontDescriptor").and_then(|o| o.as_dict().ok())
    else {
        return out;
    };
    // Only TrueType outlines: there CID → GID is the CIDToGIDMap. A CFF
    // font (FontFile3) numbers glyphs through its charset, which this does
    // not read — guessing GID = CID there yields plausible garbage.
    let Some(data) = descriptor
        .get(b"FontFile2")
        .ok()
        .and_then(|o| stream_data(doc, o))
    else {
        return out;
    };
    let Ok(face) = ttf_parser::Face::parse(&data, 0) else {
        return out;
    };
    let mut by_gid: HashMap<u16, char> = HashMap::new();
    if let Some(cmap) = face.tables().cmap {
        // A font has one to three Unicode subtables; a hostile one could
        // list thousands, each costing the full lookup below.
        for table in cmap
            .subtables
            .into_iter()
            .filter(|t| t.is_unicode())
            .take(4)
        {
            // Each codepoint of planes 0–3 (every CJK block) is looked up, in
            // order, rather than the subtable's own ranges walked: a hostile
            // range of 2^32 codes would run for minutes.
            for cp in 0..=0x3_FFFF {
                if let (Some(c), Some(g)) = (char::from_u32(cp), table.glyph_index(cp)) {
                    // Where a glyph serves two codepoints (⼀ radical and 一),
                    // the unified ideograph is the text.
                    let unified = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
                    let slot = by_gid.entry(g.0).or_insert(c);
                    if unified(c) && !unified(*slot) {
                        *slot = c;
                    }
                }
            }
        }
    }
    let gid_of_cid: Option<Vec<u16>> = get(doc, descendant, b"CIDToGIDMap")
        .filter(|o| o.as_stream().is_ok())
        .and_then(|o| stream_data(doc, o))
        .map(|d| {
            d.chunks_exact(2)
                .take(MAX_CID as usize + 1)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect()
        });
    match gid_of_cid {
        Some(map) => {
            for (cid, gid) in map.iter().enumerate() {
                if let Some(c) = by_gid.get(gid) {
                    out.insert(cid as u32, *c);
                }
            }
        }
        None => out.extend(by_gid.into_iter().map(|(g, c)| (u32::from(g), c))),
    }
    out
}

impl Font {
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get(doc, dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| stream_data(doc, o))
            .map(|data| ToUnicode::parse(&data))
            .filter(|t| !t.is_empty());
        if subtype == b"Type0" {
            let codes = match get(doc, dict, b"Encoding") {
                Some(Object::Name(name)) => Codes::predefined(name),
                _ => Codes::Identity,
            };
            let descendant = get(doc, dict, b"DescendantFonts")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_dict().ok());
            let mut font = Font {
                codes,
                to_unicode,
                simple: None,
                embedded: HashMap::new(),
                widths: HashMap::new(),
                default_width: 1000.0,
            };
            if let Some(d) = descendant {
                font.default_width = get(doc, d, b"DW").and_then(number).unwrap_or(1000.0);
                if let Some(w) = get(doc, d, b"W").and_then(|o| o.as_array().ok()) {
                    font.widths = cid_widths(doc, w);
                }
                if font.to_unicode.is_none() && codes == Codes::Identity {
                    font.embedded = embedded_cmap(doc, d);
                }
            }
            return font;
        }
        let base_font = get(doc, dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        // Word's GBK codes come with a plain WinAnsi encoding; /Differences
        // name real glyphs.
        let plain_encoding = !matches!(get(doc, dict, b"Encoding"), Some(Object::Dictionary(_)));
        let codes = if to_unicode.is_none() && plain_encoding && names_a_gbk_font(base_font) {
            Codes::SimpleGbk
        } else {
            Codes::Simple
        };
        let mut widths = HashMap::new();
        let first = get(doc, dict, b"FirstChar").and_then(number).unwrap_or(0.0) as u32;
        if let Some(ws) = get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (k, v) in ws.iter().enumerate().take(256) {
                if let Some(v) = number(resolve(doc, v)) {
                    widths.insert(first.saturating_add(k as u32), v);
                }
            }
        }
        Font {
            codes,
            to_unicode,
            simple: Some(encoding::simple_encoding(
                get(doc, dict, b"Encoding"),
                |o| resolve(doc, o),
            )),
            embedded: HashMap::new(),
            widths,
            default_width: 500.0,
        }
    }

    /// Whether codes of this font can be turned into Unicode.
    pub fn has_unicode(&self) -> bool {
        self.to_unicode.is_some()
            || !matches!(self.codes, Codes::Identity | Codes::Unknown)
            || !self.embedded.is_empty()
    }

    /// The CID a code selects, for widths. Predefined Chinese CMaps map the
    /// ASCII range to Adobe-GB1 CIDs 1–95; other CIDs are not needed (their
    /// glyphs take the default width).
    fn cid(&self, code: u32, len: usize) -> Option<u32> {
        match self.codes {
            Codes::Identity => Some(code),
            Codes::Ucs2 | Codes::Utf16 | Codes::Gbk if (0x20..=0x7E).contains(&code) => {
                Some(code - 0x1F)
            }
            Codes::Ucs2 | Codes::Utf16 | Codes::Gbk => None,
            Codes::Simple | Codes::SimpleGbk if len == 1 => Some(code),
            Codes::Simple | Codes::SimpleGbk | Codes::Unknown => None,
        }
    }

    fn width(&self, code: u32, raw: &[u8]) -> f32 {
        if self.codes == Codes::SimpleGbk && raw.len() == 2 {
            // Word writes a GBK character's width as its two bytes' widths.
            return raw
                .iter()
                .map(|b| {
                    self.widths
                        .get(&u32::from(*b))
                        .copied()
                        .unwrap_or(self.default_width)
                })
                .sum();
        }
        let ascii = matches!(self.codes, Codes::Ucs2 | Codes::Utf16 | Codes::Gbk)
            && (0x20..=0x7E).contains(&code);
        self.cid(code, raw.len())
            .and_then(|cid| self.widths.get(&cid).copied())
            // GB-EUC-H puts ASCII elsewhere in Adobe-GB1: half width, not DW.
            .unwrap_or(if ascii { 500.0 } else { self.default_width })
    }

    fn unicode(&self, code: u32, raw: &[u8]) -> String {
        if let Some(t) = self
            .to_unicode
            .as_ref()
            .and_then(|t| t.get(raw.len() as u8, code))
        {
            return t.to_string();
        }
        match self.codes {
            Codes::Simple => self
                .simple
                .and_then(|table| table[raw[0] as usize])
                .map(String::from)
                .unwrap_or_default(),
            Codes::SimpleGbk if raw.len() == 1 => self
                .simple
                .and_then(|table| table[raw[0] as usize])
                .map(String::from)
                .unwrap_or_default(),
            Codes::Gbk if raw.len() == 1 => char::from(raw[0])
                .to_string()
                .replace(|c: char| !c.is_ascii(), ""),
            Codes::SimpleGbk | Codes::Gbk => {
                let (text, _, bad) = encoding_rs::GB18030.decode(raw);
                if bad {
                    String::new()
                } else {
                    text.into_owned()
                }
            }
            Codes::Ucs2 => char::from_u32(code).map(String::from).unwrap_or_default(),
            Codes::Utf16 => {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                String::from_utf16(&units).unwrap_or_default()
            }
            Codes::Identity => self
                .embedded
                .get(&code)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            Codes::Unknown => String::new(),
        }
    }

    /// Splits a shown string into (text, width in 1/1000 units, is single-byte space).
    pub fn glyphs(&self, bytes: &[u8]) -> Vec<(String, f32, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = self.codes.len(&bytes[i..]);
            let raw = &bytes[i..i + len];
            let code = raw.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            out.push((
                self.unicode(code, raw),
                self.width(code, raw),
                len == 1 && code == 32,
            ));
            i += len;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(codes: Codes) -> Font {
        Font {
            codes,
            to_unicode: None,
            simple: None,
            embedded: HashMap::new(),
            widths: HashMap::new(),
            default_width: 1000.0,
        }
    }

    fn text(f: &Font, bytes: &[u8]) -> String {
        f.glyphs(bytes).into_iter().map(|g| g.0).collect()
    }

    #[test]
    fn predefined_chinese_cmaps_decode_without_tounicode() {
        assert_eq!(Codes::predefined(b"UniGB-UCS2-H"), Codes::Ucs2);
        assert_eq!(Codes::predefined(b"GBK-EUC-H"), Codes::Gbk);
        assert_eq!(Codes::predefined(b"GBK2K-V"), Codes::Gbk);
        assert_eq!(Codes::predefined(b"Identity-H"), Codes::Identity);
        // 收入 in UCS-2, UTF-16 and GBK.
        assert_eq!(text(&font(Codes::Ucs2), b"\x65\x36\x51\x65"), "收入");
        assert_eq!(text(&font(Codes::Utf16), b"\x65\x36\x51\x65"), "收入");
        assert_eq!(
            text(&font(Codes::Gbk), b"\xca\xd5\xc8\xeb 12.5"),
            "收入 12.5"
        );
        // A GB 18030 four-byte code (U+20087 𠂇) stays one glyph.
        let g = font(Codes::Gbk).glyphs(b"\x95\x32\x90\x31");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].0, "𠂇");
        // Identity-H with nothing to map through yields no text (reported garbled).
        let identity = font(Codes::Identity);
        assert!(!identity.has_unicode());
        assert_eq!(text(&identity, b"\x0a\x2f"), "");
    }

    #[test]
    fn word_gb2312_font_posing_as_winansi_reads_as_gbk() {
        assert!(names_a_gbk_font("宋体".as_bytes()) && names_a_gbk_font(b"FangSong_GB2312"));
        assert!(!names_a_gbk_font(b"TimesNewRomanPSMT"));
        let mut f = font(Codes::SimpleGbk);
        f.simple = Some(encoding::simple_encoding(None, |o| o));
        f.widths.insert(0xCA, 500.0);
        f.widths.insert(0xD5, 500.0);
        let g = f.glyphs(b"\xca\xd51");
        assert_eq!(g[0].0, "收");
        assert_eq!(g[0].1, 1000.0);
        assert_eq!(g[1].0, "1");
        // A lead byte without a GBK trail byte is one WinAnsi character: a
        // no-break space or en dash before `12.50` keeps every digit.
        let text: String = f
            .glyphs(b"\xa012.50 \x965")
            .into_iter()
            .map(|g| g.0)
            .collect();
        assert_eq!(text, "\u{a0}12.50 –5");
    }

    #[test]
    fn repeated_full_width_ranges_stop_at_the_budget() {
        // Twenty full ranges (1.3 million entries) exhaust the budget of
        // 2^20 before the last entry, which would set CID 100 to 700.
        let doc = Document::with_version("1.5");
        let mut w: Vec<Object> = Vec::new();
        for _ in 0..20 {
            w.extend([0.into(), 65535.into(), 500.into()]);
        }
        w.extend([100.into(), Object::Array(vec![700.into()])]);
        let widths = cid_widths(&doc, &w);
        assert_eq!(widths.len(), 65536);
        assert_eq!(widths.get(&100), Some(&500.0));
        // A real /W: each entry set once.
        let w: Vec<Object> = vec![
            1.into(),
            Object::Array(vec![250.into(), 260.into()]),
            10.into(),
            12.into(),
            1000.into(),
        ];
        let widths = cid_widths(&doc, &w);
        assert_eq!(
            (widths[&1], widths[&2], widths[&11]),
            (250.0, 260.0, 1000.0)
        );
    }

    #[test]
    fn ascii_widths_of_predefined_cmaps_use_adobe_gb1_cids() {
        let mut f = font(Codes::Ucs2);
        f.widths.insert(0x31 - 0x1F, 500.0);
        let g = f.glyphs(b"\x00\x31\x65\x36");
        assert_eq!((g[0].1, g[1].1), (500.0, 1000.0));
    }
}
