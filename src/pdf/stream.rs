//! Stream filters, decoded under a size bound.
//!
//! A PDF stream's filters can multiply its size a thousandfold (Flate) or
//! more (LZW): a damaged or hostile file must fail alone with a reason, not
//! exhaust the memory of a whole batch. Every filter chain is therefore
//! decoded here one step at a time, each step stopped at [`MAX_STREAM`]:
//! Flate and LZW by streaming decoders that stop writing at the bound,
//! ASCII85, ASCIIHex and RunLength by small decoders here that check it as
//! they go. PNG predictors, which never enlarge data, are undone by lopdf's
//! row decoder. Image-only filters (DCT, JPX, CCITT, JBIG2) are never
//! decoded: the text layer does not need them.
//!
//! One gap remains: lopdf expands the object streams of an *encrypted* file
//! itself while decrypting it (its load filter is not called for encrypted
//! files), without a bound.

use std::borrow::Cow;
use std::io::{self, Read, Write};

use lopdf::{Dictionary, Object, Stream};

use super::PdfError;

/// Largest decoded stream accepted: one that decodes past it is an error,
/// not an out-of-memory.
pub const MAX_STREAM: usize = 64 << 20;

/// A stream's decoded bytes, bounded by [`MAX_STREAM`].
pub(crate) fn decode(s: &Stream) -> Result<Vec<u8>, PdfError> {
    let filters: Vec<&[u8]> = match s.dict.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.as_slice()],
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_name().ok()).collect(),
        _ => Vec::new(),
    };
    if filters.is_empty() {
        return Ok(s.content.clone());
    }
    let params = s.dict.get(b"DecodeParms").and_then(Object::as_dict).ok();
    let mut data = Cow::Borrowed(s.content.as_slice());
    for filter in &filters {
        let decoded = match *filter {
            b"FlateDecode" | b"Fl" => png_predictor(flate(&data)?, params)?,
            b"LZWDecode" | b"LZW" => png_predictor(lzw(&data, early_change(params))?, params)?,
            b"ASCII85Decode" | b"A85" => ascii85(&data)?,
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
            b"RunLengthDecode" | b"RL" => run_length(&data)?,
            other => {
                return Err(PdfError::Load(format!(
                    "a stream uses the {} filter, which a text layer never needs",
                    String::from_utf8_lossy(other)
                )))
            }
        };
        if decoded.len() > MAX_STREAM {
            return Err(PdfError::TooLarge);
        }
        data = Cow::Owned(decoded);
    }
    Ok(data.into_owned())
}

/// Writes into a vector until it would pass [`MAX_STREAM`].
#[derive(Default)]
struct Bounded {
    data: Vec<u8>,
    exceeded: bool,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.data.len() + buf.len() > MAX_STREAM {
            self.exceeded = true;
            return Err(io::Error::other("decoded stream past the bound"));
        }
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn flate(input: &[u8]) -> Result<Vec<u8>, PdfError> {
    let (out, error) = bounded_read(flate2::read::ZlibDecoder::new(input))?;
    match error {
        None => Ok(out),
        // A truncated stream still yields what inflated before the damage.
        Some(_) if !out.is_empty() => Ok(out),
        // A damaged zlib header or checksum (seen in encrypted files): the
        // deflate data after the two header bytes, as lopdf retries it.
        Some(e) => match input.get(2..) {
            Some(raw) => match bounded_read(flate2::read::DeflateDecoder::new(raw))? {
                (out, _) if !out.is_empty() => Ok(out),
                _ => Err(PdfError::Load(format!("cannot inflate a stream: {e}"))),
            },
            None => Err(PdfError::Load(format!("cannot inflate a stream: {e}"))),
        },
    }
}

/// Reads at most [`MAX_STREAM`] bytes; past it, [`PdfError::TooLarge`].
/// A read error comes back with what was read before it.
fn bounded_read(reader: impl Read) -> Result<(Vec<u8>, Option<io::Error>), PdfError> {
    let mut out = Vec::new();
    let error = reader
        .take(MAX_STREAM as u64 + 1)
        .read_to_end(&mut out)
        .err();
    if out.len() > MAX_STREAM {
        return Err(PdfError::TooLarge);
    }
    Ok((out, error))
}

/// Undoes a PNG predictor (`/Predictor` 10–15) after Flate or LZW, as lopdf
/// does (other predictors are left as they are, as lopdf leaves them). The
/// output is never longer than the input.
fn png_predictor(data: Vec<u8>, params: Option<&Dictionary>) -> Result<Vec<u8>, PdfError> {
    let Some(params) = params else {
        return Ok(data);
    };
    let get = |key: &[u8], default: i64| {
        params
            .get(key)
            .and_then(Object::as_i64)
            .unwrap_or(default)
            .clamp(1, 1 << 20) as usize
    };
    if data.is_empty() || !(10..=15).contains(&get(b"Predictor", 1)) {
        return Ok(data);
    }
    let bytes_per_pixel = get(b"Colors", 1) * get(b"BitsPerComponent", 8).max(8) / 8;
    let columns = get(b"Columns", 1);
    // A row longer than the data is damage, not a reason to allocate it.
    if bytes_per_pixel.saturating_mul(columns) > data.len() {
        return Err(PdfError::Load(
            "predictor rows longer than the stream".into(),
        ));
    }
    lopdf::filters::png::decode_frame(&data, bytes_per_pixel, columns)
        .map_err(|e| PdfError::Load(format!("cannot undo a stream's predictor: {e}")))
}

/// `/EarlyChange` (default 1): the code width grows one code early.
fn early_change(params: Option<&Dictionary>) -> bool {
    params
        .and_then(|p| p.get(b"EarlyChange").ok())
        .and_then(|v| v.as_i64().ok())
        .is_none_or(|v| v != 0)
}

fn lzw(input: &[u8], early_change: bool) -> Result<Vec<u8>, PdfError> {
    use weezl::{decode::Decoder, BitOrder};
    let mut decoder = match early_change {
        true => Decoder::with_tiff_size_switch(BitOrder::Msb, 8),
        false => Decoder::new(BitOrder::Msb, 8),
    };
    let mut out = Bounded::default();
    let result = decoder.into_stream(&mut out).decode_all(input);
    match result.status {
        _ if out.exceeded => Err(PdfError::TooLarge),
        Ok(()) => Ok(out.data),
        // Damaged data: keep what decoded before it, as for Flate.
        Err(_) if !out.data.is_empty() => Ok(out.data),
        Err(e) => Err(PdfError::Load(format!("cannot decode an LZW stream: {e}"))),
    }
}

/// Pairs of hex digits, whitespace ignored, up to `>`; an odd last digit
/// is followed by an implied 0. Never longer than its input.
fn ascii_hex(input: &[u8]) -> Vec<u8> {
    let digits = input
        .iter()
        .take_while(|&&b| b != b'>')
        .filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8));
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high = None;
    for d in digits {
        match high.take() {
            None => high = Some(d),
            Some(h) => out.push(h << 4 | d),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

/// Runs: a length byte `n` < 128 copies the next `n + 1` bytes, `n` > 128
/// repeats the next byte `257 - n` times, 128 ends the data. Stops at the
/// bound (a run multiplies two bytes into 128).
fn run_length(input: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&n) = input.get(i) {
        match n {
            128 => break,
            0..=127 => {
                let end = (i + 2 + n as usize).min(input.len());
                out.extend_from_slice(&input[(i + 1).min(end)..end]);
                i = end;
            }
            _ => {
                let Some(&b) = input.get(i + 1) else { break };
                out.resize(out.len() + (257 - n as usize), b);
                i += 2;
            }
        }
        if out.len() > MAX_STREAM {
            return Err(PdfError::TooLarge);
        }
    }
    Ok(out)
}

/// Groups of five base-85 digits to four bytes, `z` for four zeros,
/// whitespace ignored, up to `~>`; a short last group is padded with `u`.
/// `z` makes four bytes of one: the bound is checked as it goes.
fn ascii85(input: &[u8]) -> Result<Vec<u8>, PdfError> {
    let bad = |what: &str| PdfError::Load(format!("cannot decode an ASCII85 stream: {what}"));
    let mut out = Vec::with_capacity(input.len() / 5 * 4);
    let (mut group, mut count) = (0u64, 0usize);
    for &b in input {
        match b {
            b'~' => break,
            b'z' if count == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group * 85 + u64::from(b - b'!');
                count += 1;
                if count == 5 {
                    let word = u32::try_from(group).map_err(|_| bad("a group past 2^32"))?;
                    out.extend_from_slice(&word.to_be_bytes());
                    (group, count) = (0, 0);
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => return Err(bad("a byte outside the alphabet")),
        }
        if out.len() > MAX_STREAM {
            return Err(PdfError::TooLarge);
        }
    }
    // A lone last digit carries no byte (lopdf drops it too).
    if count > 1 {
        for _ in count..5 {
            group = group * 85 + 84;
        }
        let word = u32::try_from(group).map_err(|_| bad("a group past 2^32"))?;
        out.extend_from_slice(&word.to_be_bytes()[..count - 1]);
    }
    Ok(out)
}

/// Object streams (`/Type /ObjStm`) are expanded by lopdf while it loads
/// the file, before any stream reaches [`decode`]: this load filter decodes
/// them first, under the bound, and hands lopdf the plain bytes. One that
/// would pass the bound is emptied and renamed [`OVERSIZED`], so the loaded
/// document can say why it failed.
pub(crate) fn bound_object_streams(
    id: (u32, u16),
    object: &mut Object,
) -> Option<((u32, u16), Object)> {
    if let Object::Stream(s) = object {
        if s.dict.has_type(b"ObjStm") {
            match decode(s) {
                Err(PdfError::TooLarge) => {
                    s.dict.set("Type", Object::Name(OVERSIZED.to_vec()));
                    s.set_content(Vec::new());
                }
                // Damaged past reading: emptied, never handed back to lopdf
                // (its own decoder has no bound); the objects it held are
                // missing, as they would be if lopdf failed on it.
                decoded => {
                    s.dict.remove(b"Filter");
                    s.dict.remove(b"DecodeParms");
                    s.set_content(decoded.unwrap_or_default());
                }
            }
        }
    }
    // lopdf keeps a top-level object as mutated above and ignores what is
    // returned; for objects inside an object stream it keeps the returned
    // copy. Those are never streams, so no stream's bytes are copied here;
    // the top-level dictionaries and arrays cloned for nothing are small.
    let kept = match object {
        Object::Stream(_) => Object::Null,
        other => other.clone(),
    };
    Some((id, kept))
}

/// The type given to an object stream that decoded past the bound.
pub(crate) const OVERSIZED: &[u8] = b"BudgetHarvestOversizedObjStm";

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// Zlib of `MAX_STREAM + 10` spaces: about 65 KB that inflate to 64 MB.
    pub(crate) fn flate_bomb() -> &'static [u8] {
        static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
        BOMB.get_or_init(|| {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(&vec![b' '; MAX_STREAM + 10]).unwrap();
            z.finish().unwrap()
        })
    }

    fn stream(filter: Object, content: Vec<u8>) -> Stream {
        Stream::new(lopdf::dictionary! { "Filter" => filter }, content)
    }

    #[test]
    fn flate_is_bounded_alone_behind_a_predictor_and_in_a_chain() {
        let bomb = stream("FlateDecode".into(), flate_bomb().to_vec());
        assert!(bomb.content.len() < 200_000);
        assert_eq!(decode(&bomb), Err(PdfError::TooLarge));
        let mut predicted = bomb.clone();
        predicted.dict.set(
            "DecodeParms",
            lopdf::dictionary! { "Predictor" => 12, "Columns" => 4 },
        );
        assert_eq!(decode(&predicted), Err(PdfError::TooLarge));
        // ASCII85 first, Flate second: lopdf alone would inflate it whole.
        let a85 = ascii85_encode(flate_bomb());
        let chain = stream(
            vec!["ASCII85Decode".into(), "FlateDecode".into()].into(),
            a85,
        );
        assert_eq!(decode(&chain), Err(PdfError::TooLarge));
    }

    #[test]
    fn small_streams_decode_through_every_filter() {
        let text = b"BT (x) Tj ET".to_vec();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&text).unwrap();
        let zipped = z.finish().unwrap();
        assert_eq!(
            decode(&stream("FlateDecode".into(), zipped.clone())).unwrap(),
            text
        );
        let chain = stream(
            vec!["ASCII85Decode".into(), "FlateDecode".into()].into(),
            ascii85_encode(&zipped),
        );
        assert_eq!(decode(&chain).unwrap(), text);
        let lzw_text = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(&text)
            .unwrap();
        assert_eq!(decode(&stream("LZWDecode".into(), lzw_text)).unwrap(), text);
        assert_eq!(
            decode(&Stream::new(Dictionary::new(), text.clone())).unwrap(),
            text
        );
    }

    #[test]
    fn png_predictors_are_undone_and_hostile_rows_refused() {
        // Rows of 4: `abcd` unfiltered, then Up (+1 on each byte above).
        let rows = [&[0, b'a', b'b', b'c', b'd'][..], &[2, 1, 1, 1, 1]].concat();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&rows).unwrap();
        let mut s = stream("FlateDecode".into(), z.finish().unwrap());
        s.dict.set(
            "DecodeParms",
            lopdf::dictionary! { "Predictor" => 12, "Columns" => 4 },
        );
        assert_eq!(decode(&s).unwrap(), b"abcdbcde");
        s.dict.set(
            "DecodeParms",
            lopdf::dictionary! { "Predictor" => 12, "Columns" => 1i64 << 40, "Colors" => 1i64 << 40 },
        );
        assert!(matches!(decode(&s), Err(PdfError::Load(_))));
    }

    #[test]
    fn a_damaged_zlib_header_falls_back_to_raw_deflate_under_the_bound() {
        let raw = |data: &[u8]| {
            let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            d.write_all(data).unwrap();
            [&[0x78, 0x00][..], &d.finish().unwrap()].concat()
        };
        let text = stream("FlateDecode".into(), raw(b"BT (x) Tj ET"));
        assert_eq!(decode(&text).unwrap(), b"BT (x) Tj ET");
        let bomb = stream("FlateDecode".into(), raw(&vec![b' '; MAX_STREAM + 10]));
        assert_eq!(decode(&bomb), Err(PdfError::TooLarge));
        // Nothing inflates at all: an error naming the cause.
        let junk = stream("FlateDecode".into(), b"not zlib".to_vec());
        assert!(matches!(decode(&junk), Err(PdfError::Load(m)) if m.contains("inflate")));
    }

    #[test]
    fn ascii85_is_decoded_here_and_bounded() {
        let a85 = stream("ASCII85Decode".into(), ascii85_encode(b"BT (x) Tj ET"));
        assert_eq!(decode(&a85).unwrap(), b"BT (x) Tj ET");
        let z = stream("ASCII85Decode".into(), b"z 9jqo^~>".to_vec());
        assert_eq!(decode(&z).unwrap(), [&[0u8; 4][..], b"Man "].concat());
        let short = stream("ASCII85Decode".into(), b"9jqo~>".to_vec());
        assert_eq!(decode(&short).unwrap(), b"Man");
        // Each `z` is four zero bytes: 16 M of them pass the bound.
        let zeros = stream("ASCII85Decode".into(), vec![b'z'; MAX_STREAM / 4 + 1]);
        assert_eq!(decode(&zeros), Err(PdfError::TooLarge));
        let bad = stream("ASCII85Decode".into(), b"9jqo\x7f~>".to_vec());
        assert!(matches!(decode(&bad), Err(PdfError::Load(_))));
        // Image-only filters are not decoded.
        let dct = stream("DCTDecode".into(), vec![0xFF, 0xD8]);
        assert!(matches!(decode(&dct), Err(PdfError::Load(m)) if m.contains("DCTDecode")));
    }

    #[test]
    fn ascii_hex_and_run_length() {
        let hex = stream("ASCIIHexDecode".into(), b"42 54 2\n0( 7>ignored".to_vec());
        assert_eq!(decode(&hex).unwrap(), b"BT p");
        // Literal run of 3, repeated run of 4 (257 - 253), end marker.
        let rl = stream(
            "RunLengthDecode".into(),
            vec![2, b'T', b'j', b' ', 253, b'x', 128, b'!'],
        );
        assert_eq!(decode(&rl).unwrap(), b"Tj xxxx");
        // A truncated literal run keeps what is there.
        assert_eq!(run_length(&[5, b'a', b'b']).unwrap(), b"ab");
        // Two bytes a run, 128 bytes out: a bomb stops at the bound.
        let bomb: Vec<u8> = [129u8, b' '].repeat(MAX_STREAM / 128 + 1);
        assert_eq!(run_length(&bomb), Err(PdfError::TooLarge));
        let chain = stream(
            vec!["ASCIIHexDecode".into(), "FlateDecode".into()].into(),
            hex_of(flate_bomb()),
        );
        assert_eq!(decode(&chain), Err(PdfError::TooLarge));
    }

    fn hex_of(data: &[u8]) -> Vec<u8> {
        let mut out: Vec<u8> = data
            .iter()
            .flat_map(|b| format!("{b:02X}").into_bytes())
            .collect();
        out.push(b'>');
        out
    }

    #[test]
    fn lzw_is_bounded() {
        // LZW of 96 MB of one byte is well under 1 MB: far past the bound.
        let mut enc = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let mut packed = Vec::new();
        let source = io::BufReader::new(io::repeat(b'a').take(96 << 20));
        enc.into_stream(&mut packed)
            .encode_all(source)
            .status
            .unwrap();
        assert!(packed.len() < (4 << 20), "{}", packed.len());
        assert_eq!(
            decode(&stream("LZWDecode".into(), packed)),
            Err(PdfError::TooLarge)
        );
    }

    /// ASCII85 encoding (no `z` shortcut), with the `~>` end marker.
    fn ascii85_encode(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in data.chunks(4) {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            let mut n = u32::from_be_bytes(word);
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = (n % 85) as u8 + b'!';
                n /= 85;
            }
            out.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        out.extend_from_slice(b"~>");
        out
    }
}
