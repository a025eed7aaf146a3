//! 7-Zip archives (`.7z`, through the `sevenz-rust2` crate: LZMA, LZMA2
//! and stored files, with 7-Zip's filters such as BCJ, BCJ2 and Delta; not
//! BZip2, PPMd or Deflate): county files are sometimes published as these.
//!
//! A member is found by its place in the archive's file list. 7-Zip packs
//! files into blocks, solid by default: a member is decoded after the files
//! before it in its block, at most [`MAX_DECODED_BEFORE`] of them by their
//! stated sizes, and the files passed on the way are kept for the members
//! that follow ([`Kept`]).

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sevenz_rust2::{Archive, BlockDecoder, EncoderMethod, Password};

use super::{copy_kept, ArchiveError, Kept, Member, Unreadable, KEPT, MAX_DECODED_BEFORE};

/// The first bytes of a 7-Zip archive.
pub(super) const MAGIC: &[u8] = b"7z\xBC\xAF\x27\x1C";

/// Header buffers and a decoder's memory allowed, in KiB: a 256 MB
/// dictionary and its decoder (7-Zip's largest preset dictionary is 64 MB,
/// for `-mx9`).
const MEMORY_LIMIT_KB: usize = 257 << 10;

fn open_archive(path: &Path) -> Result<(Archive, BufReader<File>), ArchiveError> {
    let mut file = BufReader::new(File::open(path)?);
    let archive = Archive::read_with_memory_limit(&mut file, &Password::empty(), MEMORY_LIMIT_KB)
        .map_err(|e| ArchiveError::Decode(e.to_string()))?;
    Ok((archive, file))
}

/// The files of the 7-Zip archive at `path`, in archive order (not
/// sorted); `None` when it cannot be listed (damaged, cut short, or its
/// names encrypted).
pub(super) fn list(path: &Path) -> Option<Vec<Member>> {
    let (archive, _) = match open_archive(path) {
        Ok(opened) => opened,
        // 7-Zip's archive of nothing, which the crate does not open.
        Err(_) if is_empty_archive(path) => return Some(Vec::new()),
        Err(_) => return None,
    };
    let members = archive
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_directory && !f.is_anti_item)
        .map(|(index, f)| Member {
            name: f.name.replace('\\', "/"),
            index: if is_encrypted(&archive, index) {
                Err(Unreadable::Encrypted)
            } else {
                Ok(index)
            },
            place: index,
        })
        .collect();
    Some(members)
}

/// Whether the file at `path` is a 7z of nothing: its signature header
/// alone (32 bytes), stating no header after it (offset, size and CRC 0,
/// under their CRC).
fn is_empty_archive(path: &Path) -> bool {
    const NOTHING_AFTER: [u8; 24] = {
        let mut tail = [0; 24];
        // The CRC-32 of the 20 zero bytes that follow it.
        [tail[0], tail[1], tail[2], tail[3]] = [0x8d, 0x9b, 0xd5, 0x0f];
        tail
    };
    // A damaged archive is not read whole to tell.
    std::fs::metadata(path).is_ok_and(|m| m.len() == 32)
        && std::fs::read(path).is_ok_and(|bytes| {
            bytes.len() == 32 && bytes.starts_with(MAGIC) && bytes[8..] == NOTHING_AFTER
        })
}

/// Whether file `index`'s block is encrypted (AES): no password is tried.
/// An empty file is not, whatever block it is listed in.
fn is_encrypted(archive: &Archive, index: usize) -> bool {
    if !archive
        .files
        .get(index)
        .is_some_and(|f| f.has_stream && f.size > 0)
    {
        return false;
    }
    let block = archive
        .stream_map
        .file_block_index
        .get(index)
        .copied()
        .flatten();
    block.and_then(|b| archive.blocks.get(b)).is_some_and(|b| {
        b.coders
            .iter()
            .any(|c| c.encoder_method_id() == EncoderMethod::ID_AES256_SHA256)
    })
}

thread_local! {
    /// The 7-Zip archive this thread read a member of last (its headers are
    /// read once per run of its members).
    static OPEN: RefCell<Option<(PathBuf, Archive, BufReader<File>)>> = const { RefCell::new(None) };
}

/// Decodes member `index` of the 7-Zip archive at `path` into `sink`, at
/// most `limit + 1` bytes of it (one past the limit says it is too large).
/// Returns the sink, the bytes written and the member's stated size.
pub(super) fn copy<W: Write>(
    path: &Path,
    index: usize,
    limit: u64,
    sink: W,
) -> Result<(W, u64, u64), ArchiveError> {
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        let (archive, file) = match &mut *open {
            Some((p, archive, file)) if p == path => (archive, file),
            slot => {
                *slot = None;
                let (archive, file) = open_archive(path)?;
                let (_, archive, file) = slot.insert((path.to_path_buf(), archive, file));
                (archive, file)
            }
        };
        let entry = archive
            .files
            .get(index)
            .filter(|f| !f.is_directory && !f.is_anti_item)
            .ok_or(ArchiveError::NoSuchFile)?;
        let stated = entry.size;
        // An empty file is in no block, or (some writers' way) in a block,
        // with or without a stream of its own: nothing to decode.
        let block = archive.stream_map.file_block_index[index];
        let Some(block) = block.filter(|_| entry.has_stream && entry.size > 0) else {
            return Ok((sink, 0, stated));
        };
        KEPT.with(|kept| {
            let mut kept = kept.borrow_mut();
            if let Some(bytes) = kept.take(path, block, index) {
                let (sink, n) = copy_kept(&bytes, limit, sink)?;
                return Ok((sink, n, stated));
            }
            kept.start(path);
            decode(archive, file, block, index, limit, sink, &mut kept).map(|(s, n)| (s, n, stated))
        })
    })
}

/// Decodes `block` of `archive` up to file `index`, into `sink` as
/// [`copy`] says, keeping the other files it decodes, and those after it,
/// while `kept` has room for each.
fn decode<W: Write>(
    archive: &Archive,
    file: &mut BufReader<File>,
    block: usize,
    index: usize,
    limit: u64,
    mut sink: W,
    kept: &mut Kept,
) -> Result<(W, u64), ArchiveError> {
    let first = archive.stream_map.block_first_file_index[block];
    let before: u64 = archive.files[first..index].iter().map(|f| f.size).sum();
    if before > MAX_DECODED_BEFORE {
        return Err(ArchiveError::FarInSolidBlock);
    }
    let password = Password::empty();
    let mut decoder =
        BlockDecoder::new_with_memory_limit(1, MEMORY_LIMIT_KB, block, archive, &password, file);
    decoder.set_thread_count(1);
    // A block of one file is not kept: nothing else comes from it.
    let solid = decoder.entry_count() > 1;
    let mut at = first;
    let mut written = None;
    let decoded = decoder.for_each_entries(&mut |entry, reader: &mut dyn Read| {
        let this = at;
        at += 1;
        if this == index {
            let n = std::io::copy(&mut reader.take(limit.saturating_add(1)), &mut sink)?;
            written = Some(n);
            // On to keep the files after it, when it was read whole.
            return Ok(solid && n <= limit);
        }
        if !entry.has_stream || entry.size == 0 {
            // Nothing to decode (an empty file, a folder): on to the next.
            return Ok(true);
        }
        // Only files after it: those before it were most likely read
        // already (a block's files are in name order, as the batch reads).
        if solid && this > index && kept.has_room(0, entry.size) && !kept.contains(block, this) {
            // Its stated size is at most Kept::MAX_FILE here.
            let mut bytes = Vec::with_capacity(entry.size as usize);
            reader
                .take(entry.size.saturating_add(1))
                .read_to_end(&mut bytes)?;
            kept.keep(block, this, bytes);
            return Ok(true);
        }
        // Before it: decoded and discarded (the block reads on from its
        // end); after it: the rest of the block is left.
        Ok(this < index)
    });
    match (decoded, written) {
        // Read (its checksum checked as its last byte was): an error after
        // it is a later file's, which fails when its turn comes.
        (_, Some(n)) => Ok((sink, n)),
        (Ok(_), None) => Err(ArchiveError::NoSuchFile),
        (Err(e), None) => Err(ArchiveError::Decode(reason(&e))),
    }
}

/// Why a member could not be decoded, in words (the crate shows its
/// errors as Rust source).
fn reason(error: &sevenz_rust2::Error) -> String {
    use sevenz_rust2::Error as E;
    let damaged = "its data does not match its checksum: the archive is damaged";
    match error {
        E::UnsupportedCompressionMethod(method) => {
            format!("compressed with {method}, which is not read here: unpack it")
        }
        E::MaxMemLimited { actaul_kb, .. } => format!(
            "decoding it takes {} MB, more than the {} MB allowed: unpack it",
            actaul_kb >> 10,
            MEMORY_LIMIT_KB >> 10
        ),
        E::ChecksumVerificationFailed => damaged.to_string(),
        E::PasswordRequired | E::MaybeBadPassword(_) => Unreadable::Encrypted.to_string(),
        E::Io(e, _) if e.to_string().contains("ChecksumVerificationFailed") => damaged.to_string(),
        E::Io(e, _) => format!("the archive is damaged: {e}"),
        E::Other(text) | E::Unsupported(text) => text.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/7z")
            .join(name)
    }

    fn listed(name: &str) -> Vec<(String, Result<usize, Unreadable>)> {
        let members = list(&fixture(name)).unwrap();
        members.into_iter().map(|m| (m.name, m.index)).collect()
    }

    #[test]
    fn an_archive_of_nothing_is_listed_empty_and_a_cut_one_is_not_listed() {
        // 7-Zip's archive of no file: the signature header alone.
        let mut nothing = MAGIC.to_vec();
        nothing.extend_from_slice(&[0, 4, 0x8d, 0x9b, 0xd5, 0x0f]);
        nothing.resize(32, 0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nothing.7z");
        std::fs::write(&path, &nothing).unwrap();
        assert_eq!(list(&path), Some(Vec::new()));
        // Its CRC wrong, or a real archive cut to 32 bytes: not listed.
        nothing[8] ^= 1;
        std::fs::write(&path, &nothing).unwrap();
        assert_eq!(list(&path), None);
        let whole = std::fs::read(fixture("county_solid.7z")).unwrap();
        std::fs::write(&path, &whole[..32]).unwrap();
        assert_eq!(list(&path), None);
    }

    #[test]
    fn files_are_listed_by_their_place_with_why_one_cannot_be_read() {
        // 7-Zip lists the folder 预算 and puts it first (place 0).
        assert_eq!(
            listed("county_solid.7z"),
            [
                ("决算/003.txt".into(), Ok(1)),
                ("预算/002.txt".into(), Ok(2))
            ]
        );
        assert_eq!(
            listed("encrypted.7z"),
            [("a.txt".into(), Err(Unreadable::Encrypted))]
        );
        assert!(list(&fixture("encrypted_names.7z")).is_none());
    }

    #[test]
    fn a_member_is_read_whole_or_one_byte_past_the_limit() {
        let seed = |name: &str| {
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("samples")
                    .join(name),
            )
            .unwrap()
        };
        let (s002, s003) = (
            seed("002_ef8a97d7800bc6c6.txt"),
            seed("003_93f707ff5e41d323.txt"),
        );
        for (archive, places) in [
            ("county_solid.7z", [1, 2]),
            ("county_lzma_blocks.7z", [0, 1]),
        ] {
            let path = fixture(archive);
            // The second of a solid block is decoded after the first.
            for (place, whole) in places.into_iter().zip([&s003, &s002]) {
                let (bytes, written, stated) = copy(&path, place, u64::MAX, Vec::new()).unwrap();
                assert!(&bytes == whole, "{archive} {place}");
                assert_eq!((written, stated), (whole.len() as u64, whole.len() as u64));
                let (cut, written, _) = copy(&path, place, 10, Vec::new()).unwrap();
                assert_eq!((cut.as_slice(), written), (&whole[..11], 11));
            }
        }
        // Reading the first file of the solid block kept the second, which
        // then reads from memory, the same bytes; not so for a block a file.
        let path = fixture("county_solid.7z");
        copy(&path, 1, u64::MAX, Vec::new()).unwrap();
        assert!(Kept::peek(&path, 0, 2).is_some_and(|b| b == s002));
        let (bytes, ..) = copy(&path, 2, u64::MAX, Vec::new()).unwrap();
        assert!(bytes == s002);
        let (cut, written, _) = copy(&path, 2, 10, Vec::new()).unwrap();
        assert_eq!((cut.as_slice(), written), (&s002[..11], 11));
        copy(&fixture("county_lzma_blocks.7z"), 0, u64::MAX, Vec::new()).unwrap();
        assert!(KEPT.with(|k| k.borrow().files.is_empty()));
        let error = copy(&fixture("county_solid.7z"), 0, 100, Vec::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot read it from its archive: no such file"
        );
    }
}
