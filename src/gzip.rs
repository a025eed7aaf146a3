//! gzip files: a dump kept compressed (`预算.txt.gz`), or a page saved
//! compressed as the server sent it. Such a file is read as the file it
//! holds (see `pipeline::process_read`).

use std::io::{Read, Write};

/// The first bytes of a gzip member (deflate, the only method gzip has).
pub const MAGIC: &[u8] = b"\x1F\x8B\x08";

/// Whether `bytes` start as a gzip file.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Writes the file the gzip `bytes` hold into `sink`, at most `limit + 1`
/// bytes of it: its members one after another (`cat a.gz b.gz`); bytes
/// after a member that start no other are ignored, as gzip ignores them
/// ("trailing garbage"). The bytes written.
pub fn copy<W: Write>(bytes: &[u8], limit: u64, sink: &mut W) -> std::io::Result<u64> {
    let mut rest = bytes;
    let mut written = 0u64;
    while is_gzip(rest) && written <= limit {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let room = limit.saturating_add(1) - written;
        written += std::io::copy(&mut (&mut member).take(room), sink)?;
        rest = member.into_inner();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;

    /// The file `bytes` hold, at most `limit + 1` bytes of it.
    fn unpack(bytes: &[u8], limit: u64) -> std::io::Result<Vec<u8>> {
        let mut inner = Vec::new();
        copy(bytes, limit, &mut inner)?;
        Ok(inner)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn members_are_read_in_turn_and_trailing_bytes_ignored() {
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        assert_eq!(unpack(&two, 100).unwrap(), b"first second");
        // Zeros (a tape's padding) or text after the last member: ignored.
        for tail in [&[0u8; 8][..], b"trailing text"] {
            let mut padded = two.clone();
            padded.extend_from_slice(tail);
            assert_eq!(unpack(&padded, 100).unwrap(), b"first second");
        }
        // Cut inside a member: an error.
        assert!(unpack(&two[..two.len() - 3], 100).is_err());
    }

    #[test]
    fn at_most_one_byte_past_the_limit_is_unpacked() {
        let packed = gzip(&[b'x'; 5000]);
        assert_eq!(unpack(&packed, 10).unwrap().len(), 11);
        assert_eq!(unpack(&packed, 5000).unwrap().len(), 5000);
        let mut two = packed.clone();
        two.extend(gzip(b"yz"));
        assert_eq!(unpack(&two, 5000).unwrap().len(), 5001);
    }
}
