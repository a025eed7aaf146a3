//! Text normalisation shared by every stage (SCHEMA.md, `item`).

use std::borrow::Cow;

/// Folds a full-width ASCII character (U+FF01..U+FF5E) to half-width.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A full-width digit or decimal point (`９`, `．`) as ASCII; any other
/// character as it is. Every reader folds these (a text dump at decoding,
/// a PDF's or OFD's glyphs, a converted document's text), so that every
/// layout reads `９５８１．３３` as a number.
pub fn fold_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')).unwrap_or(c),
        '．' => '.',
        _ => c,
    }
}

/// `text` with its full-width digits folded ([`fold_digit`]); borrowed when
/// it has none.
pub fn fold_digits(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| fold_digit(c) != c) {
        Cow::Owned(text.chars().map(fold_digit).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// [`fold_digits`] in place; whether anything was folded.
pub fn fold_digits_in(text: &mut String) -> bool {
    match fold_digits(text) {
        Cow::Owned(folded) => {
            *text = folded;
            true
        }
        Cow::Borrowed(_) => false,
    }
}

/// A CJK ideograph (the unified blocks and extension A, compatibility
/// ideographs): a character of a Chinese word.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF)
}

/// Characters the `item` normalisation drops: whitespace, U+3000 included,
/// and the invisible zero-width characters a web page or word processor
/// leaves in text (U+200B–U+200D, U+2060, a stray U+FEFF): they would
/// make `人力资源` and `人力\u{200B}资源` two items, `933.34` no number.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{3000}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// The `item` normalisation: all whitespace (incl. U+3000) removed and
/// full-width ASCII folded to half-width (`（`→`(`, `：`→`:`, `１`→`1`).
///
/// Borrows when there is nothing to change (most labels), so the callers on
/// every line of every document do not allocate.
pub fn label(s: &str) -> Cow<'_, str> {
    let mut changes = false;
    for_each_edit(s, |_, _, _| {
        changes = true;
        false
    });
    if !changes {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    label_into(&mut out, s);
    Cow::Owned(out)
}

/// The length in characters of [`label`]`(s)`, without building it.
pub fn label_len(s: &str) -> usize {
    s.chars().filter(|&c| !is_space(c)).count()
}

/// [`label`]`(s)` into `out`, replacing its contents (a reused buffer).
pub fn label_into(out: &mut String, s: &str) {
    out.clear();
    // Runs of unchanged text between the edits are copied whole.
    let mut run = 0;
    for_each_edit(s, |at, len, folded| {
        out.push_str(&s[run..at]);
        if let Some(f) = folded {
            out.push(f);
        }
        run = at + len;
        true
    });
    out.push_str(&s[run..]);
}

/// Calls `edit(at, len, replacement)` for each character [`label`] changes
/// (at byte `at`, `len` bytes long), in order, while `edit` returns true;
/// `replacement: None` drops the character.
///
/// Reads bytes: every such character is named below by its UTF-8 encoding
/// (the whitespace of `char::is_whitespace`, U+3000, the zero-width
/// characters, and U+FF01–U+FF5E),
/// so prose full of `，。、` is never decoded.
#[inline(always)]
fn for_each_edit(s: &str, mut edit: impl FnMut(usize, usize, Option<char>) -> bool) {
    let bytes = s.as_bytes();
    let mut at = 0;
    while let Some(skip) = bytes[at..]
        .iter()
        .position(|&b| MAY_START_EDIT[usize::from(b)])
    {
        at += skip;
        let (len, change) = match bytes[at..] {
            // Only ASCII whitespace is flagged among ASCII bytes.
            [b, ..] if b.is_ascii() => (1, Some(None)),
            // U+0085, U+00A0.
            [0xC2, 0x85 | 0xA0, ..] => (2, Some(None)),
            [0xC2, ..] => (2, None),
            // U+1680; U+2000–U+200A, U+2028, U+2029, U+202F; U+205F; U+3000;
            // zero-width U+200B–U+200D, U+2060, U+FEFF.
            [0xE1, 0x9A, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF, ..]
            | [0xE2, 0x81, 0x9F | 0xA0, ..]
            | [0xE3, 0x80, 0x80, ..]
            | [0xEF, 0xBB, 0xBF, ..] => (3, Some(None)),
            // U+FF01–U+FF3F and U+FF40–U+FF5E fold to U+0021–U+007E.
            [0xEF, 0xBC, x @ 0x81..=0xBF, ..] => (3, Some(Some(char::from(x - 0x60)))),
            [0xEF, 0xBD, x @ 0x80..=0x9E, ..] => (3, Some(Some(char::from(x - 0x20)))),
            // Any other character with a flagged lead byte (E1, E2, E3, EF).
            _ => (3, None),
        };
        if let Some(replacement) = change {
            if !edit(at, len, replacement) {
                return;
            }
        }
        at += len;
    }
}

/// Bytes that can start a character [`label`] changes: ASCII whitespace, and
/// the UTF-8 lead bytes `C2` (U+0085, U+00A0), `E1` (U+1680), `E2`
/// (U+2000–U+2060), `E3` (U+3000) and `EF` (U+FEFF, U+FF01–U+FF5E). No other byte —
/// no continuation byte — starts one, so the text between them (Chinese
/// characters, digits) is skipped a byte at a time without decoding it.
const MAY_START_EDIT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'\t';
    while b <= b'\r' {
        table[b as usize] = true;
        b += 1;
    }
    table[b' ' as usize] = true;
    table[0xC2] = true;
    table[0xE1] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

/// A page number printed alone: one or two digits (a code like `208`, or
/// an amount, has more).
pub fn is_bare_page_number(s: &str) -> bool {
    let t = s.trim();
    (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// One ASCII digit or more, nothing else.
fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The years `text` names, in order: four digits (no fifth before them)
/// followed by 年 (`2019年…`).
pub fn years_in(text: &str) -> impl Iterator<Item = u16> + '_ {
    let bytes = text.as_bytes();
    text.match_indices('年').filter_map(move |(i, _)| {
        let four = bytes.get(i.checked_sub(4)?..i)?;
        let fifth = i > 4 && bytes[i - 5].is_ascii_digit();
        (four.iter().all(u8::is_ascii_digit) && !fifth)
            .then(|| std::str::from_utf8(four).ok()?.parse().ok())
            .flatten()
    })
}

/// A page number printed between a table's rows: `第 3 页`, `第3页 共12页`,
/// `第 3 页，共 12 页`, `共12页 第3页`, `3/12`, `Page 3 of 12`, or a bare
/// `3` (at most two digits: not a code like `208`; a split amount's tail
/// carries its decimal point).
pub fn is_page_number(line: &str) -> bool {
    // Every form below prints only these: any other character rules the
    // line out before it is copied.
    let page_char = |c: char| {
        c.is_whitespace()
            || c.is_ascii_digit()
            || matches!(
                c,
                '第' | '页' | '共' | '/' | '，' | ',' | '、' | '(' | ')' | '（' | '）'
            )
    };
    if !line.chars().all(page_char) {
        return is_english_page_number(line);
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let page = |s: &str| {
        s.strip_prefix('第')
            .and_then(|s| s.strip_suffix('页'))
            .is_some_and(digits)
    };
    let total = |s: &str| {
        s.strip_prefix('共')
            .and_then(|s| s.strip_suffix('页'))
            .is_some_and(digits)
    };
    is_bare_page_number(&t)
        || page(&t)
        || t.split_once('/')
            .is_some_and(|(a, b)| digits(a) && digits(b))
        || t.find('页').is_some_and(|i| {
            let (a, b) = t.split_at(i + '页'.len_utf8());
            let b = b.strip_prefix(['，', ',', '/', '、']).unwrap_or(b);
            // `第3页(共20页)`
            let b = b
                .strip_prefix(['(', '（'])
                .and_then(|b| b.strip_suffix([')', '）']))
                .unwrap_or(b);
            page(a) && total(b) || total(a) && page(b)
        })
}

/// `Page 3`, `Page 3 of 12`, `Page 3/12`, `3 of 12` (any case).
fn is_english_page_number(line: &str) -> bool {
    let t = line.trim();
    let of = |n: &str, of: &str, total: &str| {
        digits(n) && of.eq_ignore_ascii_case("of") && digits(total)
    };
    let rest = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("page"))
        .map(|_| t[4..].trim());
    let words: Vec<&str> = rest.unwrap_or(t).split_whitespace().collect();
    match (rest.is_some(), words.as_slice()) {
        (true, [n]) => {
            digits(n)
                || n.split_once('/')
                    .is_some_and(|(a, b)| digits(a) && digits(b))
        }
        (_, [n, o, total]) => of(n, o, total),
        _ => false,
    }
}

/// A page footer (`- 6 -`) or a dump's page-break marker (`-- PAGE_BREAK --`):
/// not text, not a row, and no end to a table.
pub fn is_page_marker(line: &str) -> bool {
    // Called on every line: most start with no dash.
    let t = line.trim();
    let dash = ['-', '—', '－', '·'];
    if !(t.starts_with(dash) && t.ends_with(dash)) {
        return false;
    }
    let inner = t.trim_matches(|c: char| dash.contains(&c) || c.is_whitespace());
    inner.bytes().all(|b| b.is_ascii_digit()) && !inner.is_empty()
        || inner.eq_ignore_ascii_case("page_break")
        || inner.is_empty()
}

/// A note under a table (`注：本表反映…`, `备注：…`), which ends it. Only a
/// line starting so is normalised (`注 ：` reads `注:`).
pub fn is_table_note(line: &str) -> bool {
    let t = line.trim_start_matches(is_space);
    (t.starts_with('注') || t.starts_with("备注")) && {
        let norm = label(t);
        norm.starts_with("注:") || norm.starts_with("备注")
    }
}

/// A dash printed for a blank amount (`-`, `—`, `－`, `--`): no more
/// than two, as [`is_blank`] takes them.
pub fn is_dash(s: &str) -> bool {
    (1..=2).contains(&s.chars().count()) && s.chars().all(|c| matches!(c, '-' | '—' | '－'))
}

/// True when the cell holds nothing: blank, U+3000, `-` or `—`.
pub fn is_blank(s: &str) -> bool {
    // Called for every cell: no allocation.
    let mut dashes = 0;
    for c in s.chars() {
        match c {
            c if is_space(c) => {}
            '-' | '—' | '－' if dashes < 2 => dashes += 1,
            _ => return false,
        }
    }
    true
}

/// Whether a label starts with one of the lines every summary prints
/// (本年收入合计, 年初结转和结余, 使用非财政拨款结余, 结余分配, 总计): such a
/// label opens an item of its own, it is no label wrapped from the row above.
pub fn opens_summary_line(label: &str) -> bool {
    const LINES: [&str; 6] = ["本年", "年初", "年末", "使用", "结余分配", "总计"];
    LINES.iter().any(|w| label.starts_with(w))
}

/// Whether a label names a line only a summary's expenditure side prints:
/// its totals, the year-end balance (`年末结转和结余`, `年终结转结余`,
/// `结转下年`; the income side has 年初… and 上年结转) and its allocation
/// (`结余分配`).
pub fn names_expenditure_side_line(label: &str) -> bool {
    const LINES: [&str; 7] = [
        "支出总计",
        "支出合计",
        "本年支出合计",
        "年末",
        "年终结转",
        "结转下年",
        "结余分配",
    ];
    LINES.iter().any(|k| label.starts_with(k))
}

/// Whether a label opens an item: a list ordinal (`三、`, `(一)`, `1.`) or
/// one of the lines every summary prints.
pub fn opens_item(label: &str) -> bool {
    strip_ordinal(label).len() < label.len() || opens_summary_line(label)
}

/// Drops a leading list ordinal: `一、` `(三)` `1.` `2、` `- `.
pub fn strip_ordinal(s: &str) -> &str {
    let mut rest = s.trim_start_matches(['-', '•', '·', ' ']);
    loop {
        let before = rest.len();
        rest = strip_one_ordinal(rest);
        // A suffix of what it was: as long, it is the same.
        if rest.len() == before {
            return rest;
        }
    }
}

fn strip_one_ordinal(s: &str) -> &str {
    let inner = s.strip_prefix('(').unwrap_or(s);
    let numeral_len: usize = inner
        .char_indices()
        .take_while(|(_, c)| {
            matches!(
                c,
                '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
            ) || c.is_ascii_digit()
        })
        .map(|(_, c)| c.len_utf8())
        .sum();
    if numeral_len == 0 {
        return s;
    }
    let after = &inner[numeral_len..];
    let parenthesised = inner.len() != s.len();
    if parenthesised {
        return after
            .strip_prefix(')')
            .map_or(s, |r| r.trim_start_matches(['、', '.']));
    }
    for sep in ['、', '.', ':'] {
        if let Some(r) = after.strip_prefix(sep) {
            // "1.5" is a number, not an ordinal.
            if sep == '.' && r.starts_with(|c: char| c.is_ascii_digit()) {
                return s;
            }
            return r;
        }
    }
    s
}

/// How a list ordinal is printed: the level of a list in a summary table's
/// income or spending side (`一、` over `1.` / `1、`, or over `(一)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrdinalStyle {
    /// `一、`
    Chinese,
    /// `(一)`
    ParenChinese,
    /// `1.` `1、`
    Arabic,
    /// `(1)`
    ParenArabic,
}

/// The leading list ordinal of a normalised label (`二、上年结转` → Chinese
/// 2), if any; `1.5` is a number, not an ordinal.
pub fn ordinal(s: &str) -> Option<(OrdinalStyle, u32)> {
    let rest = strip_one_ordinal(s);
    if rest.len() == s.len() {
        return None;
    }
    let head = &s[..s.len() - rest.len()];
    let paren = head.starts_with('(');
    let digits: String = head
        .chars()
        .filter(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .collect();
    if digits.is_empty() {
        return None;
    }
    if let Ok(n) = digits.parse::<u32>() {
        let style = if paren {
            OrdinalStyle::ParenArabic
        } else {
            OrdinalStyle::Arabic
        };
        return Some((style, n));
    }
    let style = if paren {
        OrdinalStyle::ParenChinese
    } else {
        OrdinalStyle::Chinese
    };
    chinese_number(&digits).map(|n| (style, n))
}

/// `一`..`九十九` (`十`, `十二`, `二十`, `二十三`).
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as u32 + 1)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', u] => Some(10 * digit(*t)? + digit(*u)?),
        _ => None,
    }
}

/// A sentence, not a heading or a cell: sentence punctuation, or longer
/// than any label.
pub fn is_prose(line: &str) -> bool {
    line.contains(['。', '，', '；', ';']) || label_len(line) > 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_their_styles() {
        use OrdinalStyle::*;
        assert_eq!(ordinal("二、上年结转结余"), Some((Chinese, 2)));
        assert_eq!(ordinal("十二、其他支出"), Some((Chinese, 12)));
        assert_eq!(ordinal("1.一般公共预算拨款"), Some((Arabic, 1)));
        assert_eq!(ordinal("5、单位资金"), Some((Arabic, 5)));
        assert_eq!(ordinal("(三)一般"), Some((ParenChinese, 3)));
        assert_eq!(ordinal("(2)运行费"), Some((ParenArabic, 2)));
        assert_eq!(ordinal("其中:一般财力"), None);
        assert_eq!(ordinal("收入总计"), None);
        assert_eq!(ordinal("1.5万元"), None);
        assert_eq!(ordinal("十一十、x"), None);
    }

    #[test]
    fn label_removes_space_and_folds() {
        assert_eq!(label("收  入  总  计"), "收入总计");
        assert_eq!(label("因公出国（境）费"), "因公出国(境)费");
        assert_eq!(label("其中：一般财力\u{3000}"), "其中:一般财力");
    }

    #[test]
    fn label_into_matches_the_char_by_char_definition() {
        let reference =
            |s: &str| -> String { s.chars().filter(|&c| !is_space(c)).map(fold_char).collect() };
        let mut out = String::from("left over");
        for s in [
            "",
            "   ",
            "收入总计",
            "（一）基本支出：１２３\u{3000}万元",
            " a\tｂ\u{85}c\u{a0}ｄ ",
            "末尾空格　",
            "ｚ",
        ] {
            label_into(&mut out, s);
            assert_eq!(out, reference(s), "{s:?}");
        }
    }

    #[test]
    fn byte_scan_agrees_with_the_char_definition_on_every_character() {
        let reference =
            |s: &str| -> String { s.chars().filter(|&c| !is_space(c)).map(fold_char).collect() };
        let mut out = String::new();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            // The character alone, and between Chinese text and ASCII.
            for s in [c.to_string(), format!("收{c}a{c}")] {
                label_into(&mut out, &s);
                assert_eq!(out, reference(&s), "U+{:04X}", c as u32);
                assert_eq!(label(&s), reference(&s), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn label_borrows_what_it_need_not_change() {
        assert!(matches!(
            label("一般公共预算"),
            Cow::Borrowed("一般公共预算")
        ));
        assert!(matches!(label("201.01"), Cow::Borrowed(_)));
        assert!(matches!(label("合 计"), Cow::Owned(_)));
        assert!(matches!(label("（一）"), Cow::Owned(_)));
        assert!(matches!(label("a b"), Cow::Owned(ref s) if s == "ab"));
        for s in [
            "收  入",
            "ａｂ１",
            "合计",
            "",
            " 2024年\u{3000}",
            "1,010.70",
            "（小计）",
        ] {
            let mut buf = String::from("stale");
            label_into(&mut buf, s);
            assert_eq!(buf, label(s), "{s:?}");
            assert_eq!(label_len(s), label(s).chars().count(), "{s:?}");
        }
        assert_eq!(label_len("收  入\u{3000}总计 "), 4);
        assert_eq!(label_len(""), 0);
        let mut buf = String::from("old");
        label_into(&mut buf, "其中：一般财力\u{3000}");
        assert_eq!(buf, "其中:一般财力");
    }

    #[test]
    fn blanks() {
        for b in ["", "\u{3000}", " \t", "-", "—", "——", "－"] {
            assert!(is_blank(b), "{b:?}");
        }
        for n in ["0", "合计", "---", "-1"] {
            assert!(!is_blank(n), "{n:?}");
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(
            strip_ordinal("八、社会保障和就业支出"),
            "社会保障和就业支出"
        );
        assert_eq!(strip_ordinal("(三)一般"), "一般");
        assert_eq!(strip_ordinal("1.一般公共预算拨款"), "一般公共预算拨款");
        assert_eq!(
            strip_ordinal("-一、单位收支总体情况表"),
            "单位收支总体情况表"
        );
        assert_eq!(strip_ordinal("2024年"), "2024年");
    }

    #[test]
    fn page_numbers() {
        for line in [
            "3",
            " 12 ",
            "第 3 页",
            "第3页 共12页",
            "共 12 页 第 3 页",
            "3 / 12",
            "第 5 页，共 21 页",
            "第5页,共21页",
            "第 5 页 / 共 21 页",
            "Page 5 of 21",
            "page 5",
            "PAGE 5/21",
            "3 of 20",
            "第3页(共20页)",
            "第 3 页（共 20 页）",
        ] {
            assert!(is_page_number(line), "{line}");
        }
        for line in [
            "2024",
            ".46",
            "82.46",
            "第三页",
            "208",
            "3/",
            "第3页共",
            "3,12",
            "Page",
            "Pages 5",
            "page 5 of",
            "第5页，",
            "(3)",
            "第3页(",
            "3 of",
            "of 20",
        ] {
            assert!(!is_page_number(line), "{line}");
        }
    }

    #[test]
    fn page_markers() {
        assert!(
            is_page_marker("- 6 -")
                && is_page_marker("-- PAGE_BREAK --")
                && is_page_marker("— 12 —")
                && is_page_marker("·3·")
        );
        assert!(!is_page_marker("- 一、主要职能") && !is_page_marker("-5.00"));
    }

    #[test]
    fn table_notes() {
        assert!(is_table_note("注：本表反映部门本年度各项支出情况。"));
        assert!(is_table_note("  注 ：无"));
        assert!(is_table_note("备注：无内容应公开空表并说明情况。"));
        assert!(!is_table_note("注册登记事务"));
        assert!(!is_table_note("说明：略"));
    }
}
