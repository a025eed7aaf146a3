//! Stage 1 — bytes to text.
//!
//! Detects the text encoding (BOM, valid UTF-8, else GB18030), normalises line
//! ends, and refuses input that is not text at all, with a reason.

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
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => (sniff_without_bom(bytes), bytes),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(DecodeError::Binary(format!(
            "bytes are not valid {} text",
            encoding.name()
        )));
    }
    check_textual(&text)?;
    Ok(Decoded {
        text: normalise_newlines(&text),
        encoding: encoding.name(),
    })
}

/// Without a BOM: UTF-16 if every other byte is NUL, UTF-8 if valid, else GB18030.
fn sniff_without_bom(bytes: &[u8]) -> &'static Encoding {
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
        return UTF_16LE;
    }
    if half > 8 && nul_even * 10 > half * 3 && nul_odd * 10 < half {
        return UTF_16BE;
    }
    if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else {
        GB18030
    }
}

/// Rejects decoded text that is mostly control characters (a binary file
/// that happened to decode).
fn check_textual(text: &str) -> Result<(), DecodeError> {
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if text.contains('\0') || control * 100 > total {
        return Err(DecodeError::Binary(format!(
            "{control} control characters in {total}"
        )));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

fn normalise_newlines(text: &str) -> String {
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
    }
}
