//! Simple-font encodings: code → character through WinAnsiEncoding (the
//! base of nearly every Chinese office document) and `/Differences` glyph
//! names. MacRoman and Standard differ from WinAnsi only above 0x7F in
//! letters these documents do not print; they are read as WinAnsi.

use lopdf::Object;

/// WinAnsiEncoding 0x80–0x9F (the rest of its upper half is Latin-1).
const WIN_ANSI_80: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn win_ansi() -> [Option<char>; 256] {
    let mut t = [None; 256];
    for (code, slot) in t.iter_mut().enumerate() {
        *slot = match code {
            0x20..=0x7E | 0xA0..=0xFF => char::from_u32(code as u32),
            0x80..=0x9F => WIN_ANSI_80[code - 0x80],
            _ => None,
        };
    }
    t
}

/// Adobe glyph names that office documents use, beyond `uniXXXX`/`uXXXX`
/// and single-character names.
const GLYPH_NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("quoteleft", '‘'),
    ("quoteright", '’'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("endash", '–'),
    ("emdash", '—'),
    ("bullet", '•'),
    ("ellipsis", '…'),
];

/// The character a glyph name stands for, if the name says.
pub fn glyph_name(name: &str) -> Option<char> {
    // `one.tnum`, `zero.lf`: a variant of the glyph before the dot.
    let name = name
        .split('.')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(name);
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(h) = name.strip_prefix("uni").filter(|h| h.len() == 4) {
        return hex(h);
    }
    if let Some(h) = name
        .strip_prefix('u')
        .filter(|h| (4..=6).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return hex(h);
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_ascii_alphanumeric().then_some(c);
    }
    GLYPH_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// A simple font's code → character table from its `/Encoding` (a name or a
/// dictionary with `/Differences`).
pub fn simple_encoding<'a>(
    encoding: Option<&'a Object>,
    resolve: impl Fn(&'a Object) -> &'a Object,
) -> [Option<char>; 256] {
    let mut table = win_ansi();
    let Some(Object::Dictionary(dict)) = encoding else {
        return table;
    };
    let Some(differences) = dict
        .get(b"Differences")
        .ok()
        .map(&resolve)
        .and_then(|o| o.as_array().ok())
    else {
        return table;
    };
    let mut code = 0usize;
    for item in differences {
        match resolve(item) {
            Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
            Object::Name(name) => {
                if code < 256 {
                    table[code] = glyph_name(&String::from_utf8_lossy(name));
                }
                code += 1;
            }
            _ => {}
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Object};

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name("uni6536"), Some('收'));
        assert_eq!(glyph_name("u20087"), Some('𠂇'));
        assert_eq!(glyph_name("seven"), Some('7'));
        assert_eq!(glyph_name("one.tnum"), Some('1'));
        assert_eq!(glyph_name("A"), Some('A'));
        assert_eq!(glyph_name("G065"), None);
    }

    #[test]
    fn differences_override_win_ansi() {
        let enc = Object::Dictionary(dictionary! {
            "Differences" => vec![Object::Integer(147), "quotedblleft".into(), "g7".into()],
        });
        let t = simple_encoding(Some(&enc), |o| o);
        assert_eq!(t[147], Some('“'));
        assert_eq!(t[148], None);
        assert_eq!(t[0x96], Some('–'));
        assert_eq!(t[b'7' as usize], Some('7'));
    }
}
