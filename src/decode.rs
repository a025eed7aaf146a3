//! Stage 1 — bytes to text.
//!
//! Detects the text encoding (BOM, valid UTF-8, else GB18030), normalises line
//! ends, and refuses input that is not text at all, with a reason.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use thiserror::Error;

/// Decoded text of one input file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Text with `\n` line ends only.
    pub text: String,
    /// Encoding name as recorded in `documents.encoding`.
    pub encoding: &'static str,
    /// Bytes the encoding does not allow, each run replaced by U+FFFD: a
    /// few in a file that is otherwise text (a dump cut off inside a
    /// character, a damaged download). The lines holding them are doubtful.
    pub damage: Option<Damage>,
}

/// Invalid byte sequences in a text that was still read (see
/// [`Decoded::damage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// How many bytes were not valid (each invalid sequence is one U+FFFD).
    pub bytes: usize,
    /// The byte offset of the first, in the file.
    pub first_byte: usize,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = if self.bytes == 1 { "" } else { "s" };
        write!(
            f,
            "{} invalid byte{s}, the first at offset {}",
            self.bytes, self.first_byte
        )
    }
}

impl Damage {
    /// At most one invalid byte per this many characters outside ASCII: a
    /// damaged file, not one in another encoding. (A GB18030 dump read as
    /// UTF-8 has more invalid sequences than valid characters; a UTF-8 dump
    /// read as GB18030, one in about every fifteen characters.)
    const CHARACTERS_PER_BYTE: usize = 100;

    fn is_slight(&self, non_ascii: usize) -> bool {
        self.bytes * Self::CHARACTERS_PER_BYTE <= non_ascii
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("not a text file: {0}")]
    Binary(String),
    #[error("a PDF, not a text dump (read by the pdf module)")]
    Pdf,
    /// A file type harvested beside the disclosures, named from its first
    /// bytes, with what to do about it.
    #[error("{0}")]
    OtherFormat(&'static str),
}

/// File types that land in a harvest folder beside the disclosures, by their
/// leading bytes. Named, they tell the user what to convert, where reading
/// them as text would only say "not valid text" or "no tables". Only a
/// file that fails is named: text that merely starts with these bytes is
/// read as text.
const SIGNATURES: &[(&[u8], &str)] = &[
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an OLE compound file (.wps, .et, .ppt, or a damaged .doc or .xls), not a text dump or PDF: save it as PDF or text",
    ),
    (b"\x89PNG\r\n\x1A\n", "a PNG image: a scan needs OCR"),
    (b"\xFF\xD8\xFF", "a JPEG image: a scan needs OCR"),
    (b"II*\0", "a TIFF image: a scan needs OCR"),
    (b"MM\0*", "a TIFF image: a scan needs OCR"),
    (b"GIF87a", "a GIF image: a scan needs OCR"),
    (b"GIF89a", "a GIF image: a scan needs OCR"),
    (
        b"Rar!\x1A\x07",
        "a RAR archive that cannot be listed (damaged, cut short or its names encrypted), or one in an archive not named .rar or nested more than four deep: unpack it",
    ),
    (
        b"7z\xBC\xAF\x27\x1C",
        "a 7-Zip archive that cannot be listed (damaged, cut short or its names encrypted), or one in an archive not named .7z or nested more than four deep: unpack it",
    ),
    (b"\x1F\x8B", "a gzip file: unpack it first"),
    (b"{\\rtf", "an RTF document, not a text dump or PDF: save it as PDF or text"),
];

/// A file's (or a zip member's) name as text: UTF-8 as it is, else the
/// GBK Chinese Windows writes (an archive made there stores names so, with
/// no UTF-8 flag), else with U+FFFD for each byte neither reads.
pub fn name_text(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(name) => name.to_string(),
        Err(_) => GB18030.decode_without_bom_handling(raw).0.into_owned(),
    }
}

/// Names a file type from its bytes (see [`SIGNATURES`]); zip containers
/// are told apart by the names of their members.
pub fn other_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let names = zip_member_names(bytes);
        let has = |prefix: &[u8]| names.iter().any(|n| n.starts_with(prefix));
        return Some(if has(b"word/") {
            "a Word document (.docx), not a text dump or PDF: save it as PDF or text"
        } else if has(b"xl/") {
            "an Excel workbook (.xlsx), not a text dump or PDF: save it as PDF or text"
        } else if names.iter().any(|n| *n == b"OFD.xml") {
            "an OFD document (.ofd): read by the OFD reader, not as text"
        } else {
            "a zip archive that cannot be listed (damaged or cut short), or one in an archive not named .zip or nested more than four deep: unpack it"
        });
    }
    if bytes.get(257..262) == Some(b"ustar") {
        return Some("a tar archive: unpack it");
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|&(_, what)| what)
}

/// The member names a zip file lists in its central directory (found from
/// the end-of-directory record in its last 64 KiB), or, without one (a
/// truncated file), the names in its local headers. Only names are
/// read; nothing is decompressed, and a damaged directory gives fewer names.
pub(crate) fn zip_member_names(bytes: &[u8]) -> Vec<&[u8]> {
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
    };
    let tail = bytes.len().saturating_sub(22 + 0xFFFF);
    let end_record = memchr::memmem::rfind(&bytes[tail..], b"PK\x05\x06").map(|at| tail + at);
    let mut names = Vec::new();
    if let Some(end) = end_record {
        // A directory offset past the end reads no entry.
        let count = u16_at(end + 10).unwrap_or(0);
        let mut at = u32_at(end + 16).unwrap_or(bytes.len());
        for _ in 0..count {
            if bytes.get(at..at + 4) != Some(b"PK\x01\x02") {
                break;
            }
            let (Some(name), Some(extra), Some(comment)) =
                (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
            else {
                break;
            };
            let Some(n) = bytes.get(at + 46..at + 46 + name) else {
                break;
            };
            names.push(n);
            at = at.saturating_add(46 + name + extra + comment);
        }
    }
    if names.is_empty() {
        // Its local headers, whose names are stored uncompressed, remain.
        for at in memchr::memmem::find_iter(bytes, b"PK\x03\x04") {
            if let Some(n) = u16_at(at + 26).and_then(|len| bytes.get(at + 30..at + 30 + len)) {
                names.push(n);
            }
        }
    }
    names
}

/// Sniffs whether the bytes are a PDF (`%PDF-` within the first KiB).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Decodes a text dump, choosing the encoding from the bytes alone.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if is_pdf(bytes) {
        return Err(DecodeError::Pdf);
    }
    decode_text(bytes).map_err(|e| match (e, other_format(bytes)) {
        // Bytes that are not text, of a type a harvest brings along: named.
        (DecodeError::Binary(_), Some(what)) => DecodeError::OtherFormat(what),
        (e, _) => e,
    })
}

/// [`decode`] without naming the file types that are not text.
fn decode_text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (encoding, text, damage) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => {
            let (text, damage) =
                decode_leniently(enc, &bytes[bom_len..], bom_len).map_err(|d| {
                    DecodeError::Binary(format!("bytes are not valid {} text ({d})", enc.name()))
                })?;
            (enc, text, damage)
        }
        None => match sniff_without_bom(bytes) {
            // Validated once, while sniffing: borrowed, not decoded again.
            Sniffed::Utf8(text) => (UTF_8, Cow::Borrowed(text), None),
            Sniffed::DamagedUtf8(damage) => (UTF_8, String::from_utf8_lossy(bytes), Some(damage)),
            Sniffed::Other(enc, utf8) => {
                let (text, damage) = decode_leniently(enc, bytes, 0).map_err(|d| {
                    if utf8 {
                        // How much was not UTF-8, counted whole for the message.
                        let (Ok(u) | Err(u)) = utf8_damage(bytes);
                        DecodeError::Binary(format!(
                            "bytes are neither UTF-8 ({u}) nor {} text ({d})",
                            enc.name()
                        ))
                    } else {
                        DecodeError::Binary(format!(
                            "bytes are not valid {} text ({d})",
                            enc.name()
                        ))
                    }
                })?;
                (enc, text, damage)
            }
        },
    };
    check_textual(&text)?;
    Ok(Decoded {
        text: fold_fullwidth_digits(normalise_newlines(text)),
        encoding: encoding.name(),
        damage,
    })
}

/// Full-width digits and decimal points (`９５８１．３３`) as ASCII, so that
/// every layout reads them as numbers (a flow dump's fragments are found
/// by their digits). Line and character positions do not move. Item names
/// fold these characters anyway (SCHEMA.md, `item`).
fn fold_fullwidth_digits(text: String) -> String {
    // `０`–`９` are EF BC 90–99 in UTF-8, `．` EF BC 8E.
    let is_fullwidth_digit = |rest: &[u8]| matches!(rest, [0x8E | 0x90..=0x99, ..]);
    let bytes = text.as_bytes();
    let any = memchr::memmem::find_iter(bytes, b"\xEF\xBC")
        .any(|at| is_fullwidth_digit(&bytes[at + 2..]));
    if !any {
        return text;
    }
    text.chars().map(crate::normalize::fold_digit).collect()
}

/// Whether decoded text is an HTML page (`<!DOCTYPE html>` or `<html` near
/// its start): read as a text dump, its tables would be lost in the markup.
pub fn looks_like_html(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(1024)];
    let opens = |at: usize, tag: &[u8]| {
        head.get(at..at + tag.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(tag))
    };
    memchr::memchr_iter(b'<', head).any(|at| opens(at, b"<!doctype html") || opens(at, b"<html"))
}

/// Decodes `body` (found `offset` bytes into the file) as `encoding`; the
/// damage when more than slight (see [`Damage`]).
fn decode_leniently<'b>(
    encoding: &'static Encoding,
    body: &'b [u8],
    offset: usize,
) -> Result<(Cow<'b, str>, Option<Damage>), Damage> {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if !had_errors {
        return Ok((text, None));
    }
    // Where the invalid sequences are: decoded again, stopping at each (rare).
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut invalid, mut first_byte, mut at) = (0, None, 0);
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&body[at..], &mut out, true);
        at += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve((body.len() - at) * 3 + 16),
            DecoderResult::Malformed(bad, after) => {
                invalid += usize::from(bad);
                let start = at.saturating_sub(usize::from(bad) + usize::from(after));
                first_byte.get_or_insert(offset + start);
            }
        }
    }
    let damage = Damage {
        bytes: invalid.max(1),
        first_byte: first_byte.unwrap_or(offset),
    };
    let non_ascii = text
        .chars()
        .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
        .count();
    if !damage.is_slight(non_ascii) {
        return Err(damage);
    }
    Ok((text, Some(damage)))
}

/// What the bytes of a file without a BOM look like.
enum Sniffed<'b> {
    /// Valid UTF-8 (the text itself).
    Utf8(&'b str),
    /// UTF-8 but for a slight damage.
    DamagedUtf8(Damage),
    /// UTF-16 by its NUL bytes, or else GB18030 (`true`: the bytes were
    /// read as UTF-8 first, too damaged to be).
    Other(&'static Encoding, bool),
}

/// Without a BOM: UTF-16 if every other byte is NUL, UTF-8 if valid or
/// slightly damaged, else UTF-16 told by its characters or GB18030. (A damaged UTF-8 dump is often valid
/// GB18030, which takes almost any pair of high bytes: it would be read
/// as nonsense.)
fn sniff_without_bom(bytes: &[u8]) -> Sniffed<'_> {
    let sample = &bytes[..bytes.len().min(4096)];
    let nul_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let nul_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    let half = sample.len() / 2;
    if half > 8 && nul_odd * 10 > half * 3 && nul_even * 10 < half {
        return Sniffed::Other(UTF_16LE, false);
    }
    if half > 8 && nul_even * 10 > half * 3 && nul_odd * 10 < half {
        return Sniffed::Other(UTF_16BE, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Sniffed::Utf8(text),
        // Text in another encoding is told from damaged UTF-8 within its
        // first characters: not scanned whole.
        Err(_) if surely_not_slight_utf8(bytes) => not_utf8(sample),
        Err(_) => match utf8_damage(bytes) {
            Ok(damage) => Sniffed::DamagedUtf8(damage),
            Err(_) => not_utf8(sample),
        },
    }
}

/// Text that is not UTF-8, nor slightly damaged UTF-8: Chinese in UTF-16
/// (few NUL bytes: told by its characters), else GB18030.
fn not_utf8(sample: &[u8]) -> Sniffed<'static> {
    match utf16_by_characters(sample) {
        Some(utf16) => Sniffed::Other(utf16, false),
        None => Sniffed::Other(GB18030, true),
    }
}

/// UTF-16 without a BOM, told by what its code units would be: nearly all
/// (19 in 20) text a disclosure prints (ASCII, CJK ideographs and
/// punctuation, full-width forms) read one way, few the other. UTF-8 and
/// GB18030 bytes paired so read mostly as other scripts.
fn utf16_by_characters(sample: &[u8]) -> Option<&'static Encoding> {
    let plausible = |unit: u16| {
        matches!(unit, 0x09 | 0x0A | 0x0D | 0x20..=0x7E)
            || matches!(unit, 0x2000..=0x206F | 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    };
    let units = sample.len() / 2;
    if units < 16 {
        return None;
    }
    // Per byte order, the plausible units and the ASCII ones among them:
    // digits, spaces and line ends (a NUL byte beside them) must be there
    // too, as pairs of ASCII letters read as ideographs either way.
    let tally = |to_unit: fn([u8; 2]) -> u16| {
        sample
            .chunks_exact(2)
            .fold((0, 0), |(plausible_n, ascii_n), pair| {
                let unit = to_unit([pair[0], pair[1]]);
                (
                    plausible_n + usize::from(plausible(unit)),
                    ascii_n + usize::from(matches!(unit, 0x09..=0x7E)),
                )
            })
    };
    let (le, be) = (tally(u16::from_le_bytes), tally(u16::from_be_bytes));
    let mostly = |n: usize| n * 20 >= units * 19;
    let some = |n: usize| n * 50 >= units;
    match (mostly(le.0), mostly(be.0)) {
        (true, false) if some(le.1) => Some(UTF_16LE),
        (false, true) if some(be.1) => Some(UTF_16BE),
        _ => None,
    }
}

/// Whether [`utf8_damage`] must find more than slight damage, known before
/// the end: the invalid bytes so far outnumber what the characters still
/// to come (two bytes each at least) could excuse.
fn surely_not_slight_utf8(bytes: &[u8]) -> bool {
    let (mut invalid, mut non_ascii, mut at) = (0, 0, 0);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        non_ascii += valid.chars().filter(|c| !c.is_ascii()).count();
        at += valid.len() + chunk.invalid().len();
        invalid += chunk.invalid().len();
        let at_most = non_ascii + (bytes.len() - at) / 2;
        if invalid * Damage::CHARACTERS_PER_BYTE > at_most {
            return true;
        }
    }
    false
}

/// The damage of bytes that are not valid UTF-8: `Err` when more than
/// slight.
fn utf8_damage(bytes: &[u8]) -> Result<Damage, Damage> {
    let (mut invalid, mut first_byte, mut non_ascii, mut at) = (0, None, 0, 0);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        non_ascii += valid.chars().filter(|c| !c.is_ascii()).count();
        at += valid.len();
        if !chunk.invalid().is_empty() {
            invalid += chunk.invalid().len();
            first_byte.get_or_insert(at);
            at += chunk.invalid().len();
        }
    }
    let damage = Damage {
        bytes: invalid,
        first_byte: first_byte.unwrap_or(0),
    };
    if damage.is_slight(non_ascii) {
        Ok(damage)
    } else {
        Err(damage)
    }
}

/// Rejects decoded text that is mostly control characters (a binary file
/// that happened to decode), or blank. This runs on every input, so it
/// counts bytes (loops the compiler vectorises) rather than decoding
/// characters: a character starts at every byte that continues none, a C0
/// control is one byte, a C1 control (U+0080–U+009F) is `C2 80`–`C2 9F`.
fn check_textual(text: &str) -> Result<(), DecodeError> {
    let bytes = text.as_bytes();
    let total = bytes.iter().filter(|&&b| !is_continuation(b)).count();
    let c0 = bytes
        .iter()
        .filter(|&&b| (b < 0x20 || b == 0x7F) && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    let c1 = memchr::memchr_iter(0xC2, bytes)
        .filter(|&at| bytes.get(at + 1).is_some_and(|b| (0x80..=0x9F).contains(b)))
        .count();
    let control = c0 + c1;
    let nul = memchr::memchr(0, bytes).is_some();
    let total = total.max(1);
    if nul || control * 100 > total {
        return Err(DecodeError::Binary(format!(
            "{control} control characters in {total}"
        )));
    }
    if text.chars().all(char::is_whitespace) {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

/// A byte that continues a UTF-8 sequence (`10xxxxxx`).
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// `\r\n` and lone `\r` line ends become `\n` (most files have none).
fn normalise_newlines(text: Cow<'_, str>) -> String {
    if !text.contains('\r') {
        return text.into_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gbk_name_reads_as_gb18030() {
        assert_eq!(name_text(b"\xd4\xa4\xcb\xe3.txt"), "预算.txt");
        assert_eq!(name_text("决算.txt".as_bytes()), "决算.txt");
        assert_eq!(name_text(b"bad\xff.txt"), "bad\u{fffd}.txt");
        // A GBK name with a byte neither reads keeps its characters.
        assert_eq!(name_text(b"\xd4\xa4\xcb\xe3\xff.txt"), "预算\u{fffd}.txt");
    }

    #[test]
    fn fullwidth_digits_are_read_as_ascii() {
        let d =
            decode("收入总计 ９５８１．３３ 支出总计 ９，５８１．３３\n（一）".as_bytes()).unwrap();
        assert_eq!(d.text, "收入总计 9581.33 支出总计 9，581.33\n（一）");
        let plain = "收入总计，（一）：9581.33\n";
        assert_eq!(decode(plain.as_bytes()).unwrap().text, plain);
    }

    #[test]
    fn detects_encodings() {
        let s = "表1\t收支总体情况表\r\n单位：万元\r\n";
        let d = decode(s.as_bytes()).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "表1\t收支总体情况表\n单位：万元\n");

        let (gb, _, _) = GB18030.encode(s);
        let d = decode(&gb).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("收支总体情况表"));

        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(&le).unwrap();
        assert_eq!(d.encoding, "UTF-16LE");
        assert!(d.text.starts_with("表1\t"));
    }

    #[test]
    fn chinese_in_utf16_without_a_bom_is_told_by_its_characters() {
        // Few NUL bytes: before 2026-12-07 read as GB18030 nonsense and the
        // document failed.
        let s = "单位收支总体情况表\n单位：万元\n一、一般公共预算拨款\t1,010.39\n".repeat(5);
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes).unwrap();
            assert_eq!((d.encoding, d.text.as_ref()), (name, s.as_str()));
        }
        // GB18030 and damaged UTF-8 are not taken for it.
        let (gb, _, _) = GB18030.encode(&s);
        assert_eq!(decode(&gb).unwrap().encoding, "gb18030");
        let mut damaged = s.as_bytes().to_vec();
        damaged.insert(7, 0xB0);
        assert_eq!(utf16_by_characters(&damaged), None);
        // Nor slightly damaged UTF-8 opening with English (pairs of ASCII
        // letters read as ideographs).
        let mut english = "the quick brown fox jumps over the lazy dog "
            .repeat(200)
            .into_bytes();
        english.push(0xFF);
        english.extend(s.as_bytes());
        assert_eq!(decode(&english).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn damage_is_judged_early_only_when_the_whole_count_agrees() {
        let text = "表1\t收支总体情况表\n单位：万元\n".repeat(40);
        let (gb, _, _) = GB18030.encode(&text);
        let mut damaged = text.as_bytes().to_vec();
        damaged.insert(8, 0xB0);
        let mut late = text.as_bytes().to_vec();
        late.extend(gb.iter());
        for bytes in [&gb[..], &damaged, &late, &[0xFF; 300][..], b"abc"] {
            if surely_not_slight_utf8(bytes) {
                assert!(
                    utf8_damage(bytes).is_err(),
                    "{:?}",
                    &bytes[..8.min(bytes.len())]
                );
            }
        }
        assert!(surely_not_slight_utf8(&gb));
        assert!(!surely_not_slight_utf8(&damaged));
    }

    #[test]
    fn bytes_neither_utf8_nor_gb18030_are_named_with_both_damages() {
        let text = "收支总体情况表\n".repeat(40);
        let (gb, _, _) = GB18030.encode(&text);
        let bytes: Vec<u8> = gb.iter().flat_map(|&b| [b, 0xFF]).collect();
        let utf8 = utf8_damage(&bytes).unwrap_err();
        let message = decode(&bytes).unwrap_err().to_string();
        assert!(
            message.contains(&format!("neither UTF-8 ({utf8}) nor gb18030")),
            "{message}"
        );
    }

    #[test]
    fn slightly_damaged_text_is_read_with_its_damage() {
        let s = "表1\t收支总体情况表\n单位：万元\n".repeat(20);
        // UTF-8 with one stray byte (often valid GB18030 as a whole: read
        // as that, it would be nonsense).
        let mut bytes = s.as_bytes().to_vec();
        bytes.insert(8, 0xB0);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(
            d.damage,
            Some(Damage {
                bytes: 1,
                first_byte: 8
            })
        );
        assert!(d.text.starts_with("表1\t收\u{FFFD}支总体"));
        // GB18030 with a lead byte before a line end.
        let (gb, _, _) = GB18030.encode(&s);
        let mut bytes = gb.into_owned();
        let line_end = bytes.iter().position(|&b| b == b'\n').unwrap();
        bytes.insert(line_end, 0x81);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.damage.map(|d| d.first_byte), Some(line_end));
        assert!(d.text.contains("情况表\u{FFFD}\n单位"));
        // Undamaged text has none; damage in every other character is
        // no text at all.
        assert_eq!(decode(s.as_bytes()).unwrap().damage, None);
        let mut bytes = Vec::new();
        for c in s.chars() {
            bytes.extend(c.to_string().as_bytes());
            bytes.push(0xFF);
        }
        assert!(matches!(decode(&bytes), Err(DecodeError::Binary(_))));
    }

    /// The byte counts agree with counting characters: every character,
    /// and `char::is_control` but line ends, tabs and form feeds.
    #[test]
    fn control_characters_counted_as_characters() {
        let by_chars = |text: &str| {
            let total = text.chars().count().max(1);
            let control = text
                .chars()
                .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
                .count();
            format!("{control} control characters in {total}")
        };
        let mut texts = crate::testing::sample_texts();
        texts.push("a\u{1}\u{7f}\u{80}\u{9f}\u{a0}é表\u{c}\u{b}\u{85}\u{3000}".repeat(30));
        for text in texts {
            let counted = match check_textual(&text) {
                Err(DecodeError::Binary(counted)) => counted,
                // A text passes: its counts are in no message; make one fail
                // by adding one control character per 99 others.
                _ => {
                    let n = text.chars().count();
                    let worse = format!("{text}{}", "\u{1}".repeat(n / 99 + 1));
                    let Err(DecodeError::Binary(counted)) = check_textual(&worse) else {
                        panic!("not refused");
                    };
                    assert_eq!(counted, by_chars(&worse));
                    continue;
                }
            };
            assert_eq!(counted, by_chars(&text));
        }
    }

    #[test]
    fn refuses_non_text() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\n").unwrap_err(), DecodeError::Empty);
        let binary: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
        assert!(matches!(decode(&binary), Err(DecodeError::Binary(_))));
        assert_eq!(decode(b"%PDF-1.7\n...").unwrap_err(), DecodeError::Pdf);
        // One NUL makes a file binary; ideographic spaces alone are blank.
        assert_eq!(
            decode("表1\0收支".as_bytes()).unwrap_err(),
            DecodeError::Binary("1 control characters in 5".into())
        );
        assert_eq!(
            decode("\u{3000}\u{3000}\n".as_bytes()).unwrap_err(),
            DecodeError::Empty
        );
    }

    /// A stored (uncompressed) zip of `members`, as a zip writer lays it out:
    /// local headers and data, then the central directory and its end record.
    fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let (mut out, mut directory) = (Vec::new(), Vec::new());
        for (name, data) in members {
            let offset = out.len() as u32;
            let sizes = [(data.len() as u32).to_le_bytes(); 2].concat();
            out.extend_from_slice(
                b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            );
            out.extend_from_slice(&sizes);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            directory.extend_from_slice(
                b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            );
            directory.extend_from_slice(&sizes);
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let at = out.len() as u32;
        let count = (members.len() as u16).to_le_bytes();
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&[count, count].concat());
        out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn names_other_file_types() {
        let named = |bytes: &[u8]| match decode(bytes) {
            Err(DecodeError::OtherFormat(what)) => what,
            other => panic!("{other:?}"),
        };
        // Binary data, as compressed members are.
        let noise: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let docx = zip(&[
            ("[Content_Types].xml", &noise),
            ("word/document.xml", &noise),
        ]);
        assert!(named(&docx).starts_with("a Word document (.docx)"));
        let xlsx = zip(&[("[Content_Types].xml", &noise), ("xl/workbook.xml", &noise)]);
        assert!(named(&xlsx).starts_with("an Excel workbook (.xlsx)"));
        let ofd = zip(&[("OFD.xml", &noise), ("Doc_0/Document.xml", &noise)]);
        assert!(named(&ofd).starts_with("an OFD document (.ofd)"));
        // Only member names count: not a folder named `password/`, nor the
        // bytes `xl/` inside a member's data.
        let mut data = noise.clone();
        data.extend_from_slice(b"xl/word/");
        let archive = zip(&[("password/2024年部门预算.pdf", &data)]);
        assert_eq!(
            named(&archive),
            "a zip archive that cannot be listed (damaged or cut short), or one in an archive not named .zip or nested more than four deep: unpack it"
        );
        // A truncated zip: its first local header still names a member.
        let mut truncated = b"PK\x03\x04".to_vec();
        truncated.extend_from_slice(&[0; 22]);
        truncated.extend_from_slice(&5u16.to_le_bytes());
        truncated.extend_from_slice(&[0, 0]);
        truncated.extend_from_slice(b"word/");
        truncated.extend_from_slice(&noise);
        assert!(named(&truncated).starts_with("a Word document (.docx)"));
        assert!(named(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0").starts_with("an OLE compound file"));
        assert_eq!(
            named(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\0"),
            "a JPEG image: a scan needs OCR"
        );
        // Text that starts with the same bytes is read as text.
        assert!(decode("PK 2024年部门预算\n".as_bytes()).is_ok());
        assert!(decode("{\\rtf1 表1\t收支总体情况表\n".as_bytes()).is_ok());
        assert_eq!(
            other_format(b"{\\rtf1\\ansi"),
            Some("an RTF document, not a text dump or PDF: save it as PDF or text")
        );
    }

    #[test]
    fn damaged_zips_are_read_without_panicking() {
        let noise: Vec<u8> = (0..=255u8).cycle().take(600).collect();
        let docx = zip(&[
            ("[Content_Types].xml", &noise),
            ("word/document.xml", &noise),
        ]);
        // Every truncation, and every byte of the directory set to each of
        // a few values (offsets and lengths pointing anywhere).
        for len in 0..=docx.len() {
            other_format(&docx[..len]);
        }
        for at in docx.len() - 150..docx.len() {
            for value in [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF] {
                let mut damaged = docx.clone();
                damaged[at] = value;
                assert!(other_format(&damaged).is_some());
            }
        }
    }

    #[test]
    fn html_pages_are_told_apart() {
        assert!(looks_like_html("\u{feff}<!DOCTYPE HTML>\n<html><body>"));
        assert!(looks_like_html("  <HTML lang=\"zh\">收支总体情况表"));
        assert!(!looks_like_html("表1\t收支总体情况表\n单位：万元\n"));
        // Only the start counts: a narrative that quotes a tag is text.
        let late = format!("{}<html>", "收".repeat(400));
        assert!(!looks_like_html(&late));
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(decode(b"a\r\nb\rc\n").unwrap().text, "a\nb\nc\n");
        // No carriage return: the text as it was.
        assert_eq!(
            decode("表1\t收支\n".as_bytes()).unwrap().text,
            "表1\t收支\n"
        );
        // Invalid UTF-8 is read as GB18030.
        let (gb, _, _) = GB18030.encode("合计\r\n");
        let d = decode(&gb).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("gb18030", "合计\n"));
    }
}
