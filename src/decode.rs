//! Stage 1 — bytes to text.
//!
//! Detects the text encoding (BOM, valid UTF-8, else GB18030), normalises line
//! ends, and refuses input that is not text at all, with a reason.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use thiserror::Error;

/// Decoded text of one input file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Text with `\n` line ends only.
    pub text: String,
    /// Encoding name as recorded in `documents.encoding`.
    pub encoding: &'static str,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("not a text file: {0}")]
    Binary(String),
    #[error("a PDF, not a text dump (read by the pdf module)")]
    Pdf,
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
    let (encoding, text) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, decode_strictly(enc, &bytes[bom_len..])?),
        None => match sniff_without_bom(bytes) {
            // Validated once, while sniffing: borrowed, not decoded again.
            Sniffed::Utf8(text) => (UTF_8, Cow::Borrowed(text)),
            Sniffed::Other(enc) => (enc, decode_strictly(enc, bytes)?),
        },
    };
    check_textual(&text)?;
    Ok(Decoded {
        text: normalise_newlines(text),
        encoding: encoding.name(),
    })
}

/// Decodes `body` as `encoding`, refusing bytes that are not valid in it.
fn decode_strictly<'b>(
    encoding: &'static Encoding,
    body: &'b [u8],
) -> Result<Cow<'b, str>, DecodeError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(DecodeError::Binary(format!(
            "bytes are not valid {} text",
            encoding.name()
        )));
    }
    Ok(text)
}

/// What the bytes of a file without a BOM look like.
enum Sniffed<'b> {
    /// Valid UTF-8 (the text itself).
    Utf8(&'b str),
    /// UTF-16 by its NUL bytes, or else GB18030.
    Other(&'static Encoding),
}

/// Without a BOM: UTF-16 if every other byte is NUL, UTF-8 if valid, else GB18030.
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
        return Sniffed::Other(UTF_16LE);
    }
    if half > 8 && nul_even * 10 > half * 3 && nul_odd * 10 < half {
        return Sniffed::Other(UTF_16BE);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Sniffed::Utf8(text),
        Err(_) => Sniffed::Other(GB18030),
    }
}

/// Rejects decoded text that is mostly control characters (a binary file
/// that happened to decode), or blank. One pass: this runs on every input.
fn check_textual(text: &str) -> Result<(), DecodeError> {
    let (mut total, mut control, mut nul, mut blank) = (0usize, 0usize, false, true);
    for c in text.chars() {
        total += 1;
        nul |= c == '\0';
        blank &= c.is_whitespace();
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    let total = total.max(1);
    if nul || control * 100 > total {
        return Err(DecodeError::Binary(format!(
            "{control} control characters in {total}"
        )));
    }
    if blank {
        return Err(DecodeError::Empty);
    }
    Ok(())
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
