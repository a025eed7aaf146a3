//! Stream filters, decoded under a size bound.
//!
//! A PDF stream's filters can multiply its size a thousandfold (Flate) or
//! more (LZW): a damaged or hostile file must fail alone with a reason, not
//! exhaust the memory of a whole batch. Every filter chain is therefore
//! decoded here one step at a time, each step stopped at [`MAX_STREAM`]:
//! Flate and LZW by streaming decoders that stop writing at the bound, the
//! filters that cannot expand much (ASCII85: at most 4×) by lopdf. PNG/TIFF
//! predictors never enlarge data; when a stream has one, lopdf decodes the
//! chain again, now known to stay under the bound.

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
            b"FlateDecode" | b"Fl" => flate(&data)?,
            b"LZWDecode" | b"LZW" => lzw(&data, early_change(params))?,
            other => one_filter_by_lopdf(other, &data)?,
        };
        if decoded.len() > MAX_STREAM {
            return Err(PdfError::TooLarge);
        }
        data = Cow::Owned(decoded);
    }
    if s.dict.get(b"DecodeParms").is_ok() {
        return s
            .decompressed_content()
            .map_err(|e| PdfError::Load(format!("cannot decode a stream: {e}")));
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
    let mut out = Vec::new();
    let read = flate2::read::ZlibDecoder::new(input)
        .take(MAX_STREAM as u64 + 1)
        .read_to_end(&mut out);
    match read {
        Ok(_) if out.len() > MAX_STREAM => Err(PdfError::TooLarge),
        Ok(_) => Ok(out),
        // A truncated stream still yields what inflated before the damage.
        Err(_) if !out.is_empty() => Ok(out),
        Err(e) => Err(PdfError::Load(format!("cannot inflate a stream: {e}"))),
    }
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

/// A filter that cannot expand its input much, decoded by lopdf alone.
fn one_filter_by_lopdf(filter: &[u8], input: &[u8]) -> Result<Vec<u8>, PdfError> {
    let single = Stream::new(
        lopdf::dictionary! { "Filter" => Object::Name(filter.to_vec()) },
        input.to_vec(),
    );
    single.decompressed_content().map_err(|e| {
        PdfError::Load(format!(
            "cannot decode a {} stream: {e}",
            String::from_utf8_lossy(filter)
        ))
    })
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
                Ok(plain) => {
                    s.dict.remove(b"Filter");
                    s.dict.remove(b"DecodeParms");
                    s.set_content(plain);
                }
                Err(PdfError::TooLarge) => {
                    s.dict.set("Type", Object::Name(OVERSIZED.to_vec()));
                    s.set_content(Vec::new());
                }
                // Encrypted or damaged: left to lopdf, as before.
                Err(_) => {}
            }
        }
    }
    // lopdf keeps a top-level object as mutated above and ignores what is
    // returned; for objects inside an object stream it keeps the returned
    // copy. Those are never streams, so no stream's bytes are copied here.
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
        let a85 = ascii85(flate_bomb());
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
            ascii85(&zipped),
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
    fn ascii85(data: &[u8]) -> Vec<u8> {
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
