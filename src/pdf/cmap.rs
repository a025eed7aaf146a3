//! ToUnicode CMaps: character codes (1–4 bytes) → Unicode text.
//!
//! Reads `begincodespacerange`, `beginbfchar` and `beginbfrange` (both the
//! `<lo> <hi> <dst>` and the `<lo> <hi> [<d1> <d2> …]` forms). Destinations
//! are UTF-16BE, surrogate pairs and multi-character ligatures included.

use std::collections::HashMap;

/// A parsed ToUnicode map.
#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    map: HashMap<(u8, u32), String>,
    /// Code lengths in bytes the codespace declares (default: 2).
    lengths: Vec<u8>,
}

fn hex_tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '<' => {
                let start = i + 1;
                let mut end = start;
                for (j, d) in chars.by_ref() {
                    if d == '>' {
                        end = j;
                        break;
                    }
                }
                let hex: String = s[start..end]
                    .chars()
                    .filter(|c| c.is_ascii_hexdigit())
                    .collect();
                out.push(Token::Hex(hex));
            }
            '[' => out.push(Token::Open),
            ']' => out.push(Token::Close),
            c if c.is_alphabetic() => {
                let mut word = String::from(c);
                while let Some(&(_, d)) = chars.peek() {
                    if d.is_alphanumeric() {
                        word.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(word));
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(String),
    Word(String),
    Open,
    Close,
}

fn utf16(hex: &str) -> String {
    let units: Vec<u16> = (0..hex.len() / 4)
        .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
        .collect();
    if units.is_empty() && !hex.is_empty() {
        // A one-byte destination.
        return u8::from_str_radix(hex, 16)
            .map(|b| char::from(b).to_string())
            .unwrap_or_default();
    }
    String::from_utf16_lossy(&units)
}

fn code(hex: &str) -> Option<(u8, u32)> {
    let len = (hex.len() / 2) as u8;
    (1..=4)
        .contains(&len)
        .then(|| u32::from_str_radix(hex, 16).ok().map(|c| (len, c)))
        .flatten()
}

/// Adds `n` to the last UTF-16 unit of a destination (bfrange increments).
fn offset(hex: &str, n: u32) -> String {
    let mut units: Vec<u16> = (0..hex.len() / 4)
        .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
        .collect();
    if let Some(last) = units.last_mut() {
        *last = last.wrapping_add(n as u16);
    }
    String::from_utf16_lossy(&units)
}

/// Most mappings a CMap may make (a whole 2-byte code space is 65,536): a
/// hostile file's thousands of full ranges stop here instead of filling
/// memory or running for minutes.
const MAX_MAPPINGS: usize = 1 << 20;

impl ToUnicode {
    pub fn parse(data: &[u8]) -> ToUnicode {
        let text = String::from_utf8_lossy(data);
        let tokens = hex_tokens(&text);
        let mut out = ToUnicode::default();
        let mut budget = MAX_MAPPINGS;
        let mut spend = |n: usize| -> bool {
            let ok = budget >= n;
            budget = budget.saturating_sub(n);
            ok
        };
        let mut i = 0;
        let mut section = "";
        while i < tokens.len() {
            match &tokens[i] {
                Token::Word(w) if w.starts_with("begin") => {
                    section = match w.as_str() {
                        "begincodespacerange" => "space",
                        "beginbfchar" => "char",
                        "beginbfrange" => "range",
                        _ => "",
                    };
                    i += 1;
                }
                Token::Word(w) if w.starts_with("end") => {
                    section = "";
                    i += 1;
                }
                Token::Hex(a) => match section {
                    "space" => {
                        if let Some((len, _)) = code(a) {
                            out.lengths.push(len);
                        }
                        i += 2;
                    }
                    "char" => {
                        if let (Some(k), Some(Token::Hex(dst))) = (code(a), tokens.get(i + 1)) {
                            if spend(1) {
                                out.map.insert(k, utf16(dst));
                            }
                        }
                        i += 2;
                    }
                    "range" => {
                        let (Some((len, lo)), Some(Token::Hex(hi))) = (code(a), tokens.get(i + 1))
                        else {
                            i += 1;
                            continue;
                        };
                        let hi = u32::from_str_radix(hi, 16).unwrap_or(lo);
                        match tokens.get(i + 2) {
                            Some(Token::Hex(dst)) => {
                                let hi = hi.min(lo.saturating_add(0xFFFF));
                                if spend(hi.saturating_sub(lo) as usize + 1) {
                                    for (n, c) in (lo..=hi).enumerate() {
                                        out.map.insert((len, c), offset(dst, n as u32));
                                    }
                                }
                                i += 3;
                            }
                            Some(Token::Open) => {
                                let mut j = i + 3;
                                let mut c = lo;
                                while let Some(Token::Hex(dst)) = tokens.get(j) {
                                    if spend(1) {
                                        out.map.insert((len, c), utf16(dst));
                                    }
                                    c = c.saturating_add(1);
                                    j += 1;
                                }
                                i = j + 1;
                            }
                            _ => i += 2,
                        }
                    }
                    _ => i += 1,
                },
                _ => i += 1,
            }
        }
        out.lengths.sort_unstable();
        out.lengths.dedup();
        out
    }

    pub fn get(&self, len: u8, code: u32) -> Option<&str> {
        self.map.get(&(len, code)).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_of_full_ranges_stop_at_the_budget() {
        // 4,000 distinct 4-byte ranges of 65,536 codes: 262 million mappings.
        let mut cmap =
            String::from("1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n");
        cmap.push_str("4000 beginbfrange\n");
        for r in 0..4000u32 {
            cmap.push_str(&format!("<{r:04X}0000> <{r:04X}FFFF> <4E00>\n"));
        }
        cmap.push_str("endbfrange");
        let t = ToUnicode::parse(cmap.as_bytes());
        assert_eq!(t.map.len(), MAX_MAPPINGS);
        assert_eq!(t.get(4, 0x0000_0001), Some("\u{4E01}"));
        assert_eq!(t.get(4, 0x0FA0_0001), None);
    }

    #[test]
    fn bfchar_and_bfrange() {
        let cmap = b"/CIDInit /ProcSet findresource begin 1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0A2F> <6536> endbfchar
2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<5408> <8BA1>] endbfrange end";
        let t = ToUnicode::parse(cmap);
        assert_eq!(t.get(2, 0x0A2F), Some("收"));
        assert_eq!(t.get(2, 0x0011), Some("1"));
        assert_eq!(t.get(2, 0x0021), Some("计"));
        assert_eq!(t.get(2, 0x0003), Some(" "));
    }
}
