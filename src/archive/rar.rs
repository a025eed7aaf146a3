//! RAR archives (RAR 1.5 to RAR 7, through the `rars` crate): the format
//! county websites publish their disclosures in as often as zip.
//!
//! A member is found by its place in the archive (folders included), so two
//! files of one name are both read. In a solid archive a member is decoded
//! after the members before it, at most [`MAX_DECODED_BEFORE`] of them, and
//! the files decoded on the way are kept for the members that follow
//! ([`Kept`]).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rars::{Archive, ArchiveReadOptions, ArchiveReader, ExtractionDecision};

use super::{copy_kept, ArchiveError, Kept, Member, Unreadable, KEPT, MAX_DECODED_BEFORE};
use crate::decode::name_text;

/// The first bytes of a RAR archive (RAR 1.5 to 4 add `\0`, RAR 5 `\x01\0`).
pub(super) const MAGIC: &[u8] = b"Rar!\x1A\x07";

/// Limits on what a crafted archive may make the reader hold: header bytes
/// (some hundred a file, as a zip's directory), a RAR 5 dictionary (WinRAR's
/// default is 32 MB; one over 256 MB fails, named, before it is made), and
/// the RAR 5 member decoded whole in memory (a larger one streams: a tiny
/// archive of a file of zeros must not take a gigabyte a thread).
fn options() -> ArchiveReadOptions<'static> {
    ArchiveReadOptions::new()
        .with_max_header_bytes(64 << 20)
        .with_max_header_count(1 << 20)
        .with_rar50_dictionary_size_limit(256 << 20)
        .with_rar50_buffered_decode_limit(8 << 20)
}

/// The files of the RAR archive at `path`, in archive order (not sorted);
/// `None` when it cannot be listed (damaged, cut short, or its headers
/// encrypted).
pub(super) fn list(path: &Path) -> Option<Vec<Member>> {
    let archive = ArchiveReader::read_path_with_options(path, options()).ok()?;
    let members = archive
        .members()
        .enumerate()
        .filter(|(_, m)| !m.meta.is_directory)
        .map(|(index, m)| {
            let meta = &m.meta;
            let why = if meta.is_redirection {
                Some(Unreadable::Link)
            } else if meta.is_encrypted {
                Some(Unreadable::Encrypted)
            } else if meta.is_split_before || meta.is_split_after {
                Some(Unreadable::SplitAcrossVolumes)
            } else {
                None
            };
            Member {
                name: member_name(&meta.name),
                index: why.map_or(Ok(index), Err),
                place: index,
            }
        })
        .collect();
    Some(members)
}

/// A member's name as text: Unicode names are UTF-8 here, names a RAR 4
/// made on Chinese Windows stores as GBK bytes read as GB18030 (as file
/// names are), and RAR 4's `\` between folders shown as `/`.
fn member_name(raw: &[u8]) -> String {
    name_text(raw).replace('\\', "/")
}

thread_local! {
    /// The RAR archive this thread read a member of last (its headers are
    /// parsed once per run of its members).
    static OPEN: RefCell<Option<(PathBuf, Arc<Archive>)>> = const { RefCell::new(None) };
}

fn open(path: &Path) -> Result<Arc<Archive>, ArchiveError> {
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        if let Some((p, archive)) = &*open {
            if p == path {
                return Ok(Arc::clone(archive));
            }
        }
        *open = None;
        let archive = ArchiveReader::read_path_with_options(path, options())
            .map(Arc::new)
            .map_err(|e| ArchiveError::Decode(e.root_cause().to_string()))?;
        *open = Some((path.to_path_buf(), Arc::clone(&archive)));
        Ok(archive)
    })
}

/// A writer that passes at most `limit + 1` bytes on to `sink`, then fails:
/// the member's decoding stops one byte past the limit.
struct Capped<W> {
    sink: W,
    written: u64,
    limit: u64,
    error: Option<std::io::Error>,
}

/// [`Capped`] shared with the extraction, which wants to own its writer.
struct SharedCapped<W>(Arc<Mutex<Capped<W>>>);

impl<W: Write> Write for SharedCapped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut capped = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        let room = capped
            .limit
            .saturating_add(1)
            .saturating_sub(capped.written);
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        if let Err(e) = capped.sink.write_all(&buf[..take]) {
            let shown = std::io::Error::new(e.kind(), e.to_string());
            capped.error = Some(e);
            return Err(shown);
        }
        capped.written += take as u64;
        if take < buf.len() || capped.written > capped.limit {
            return Err(std::io::Error::other("past the size limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decodes member `index` of the RAR archive at `path` into `sink`, at most
/// `limit + 1` bytes of it (one past the limit says it is too large).
/// Returns the sink, the bytes written and the member's size as its header
/// states it.
pub(super) fn copy<W: Write + 'static>(
    path: &Path,
    index: usize,
    limit: u64,
    sink: W,
) -> Result<(W, u64, u64), ArchiveError> {
    let archive = open(path)?;
    let stated = archive
        .members()
        .nth(index)
        .filter(|m| !m.meta.is_directory && !m.meta.is_redirection)
        .ok_or(ArchiveError::NoSuchFile)?
        .meta
        .unpacked_size;
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        // A solid archive is one block.
        if let Some(bytes) = kept.take(path, 0, index) {
            let (sink, n) = copy_kept(&bytes, limit, sink)?;
            return Ok((sink, n, stated));
        }
        kept.start(path);
        let (sink, n) = decode(&archive, index, limit, sink, &mut kept)?;
        Ok((sink, n, stated))
    })
}

/// A shared buffer for one file the extraction decodes (it wants to own
/// its writers).
type Collected = Arc<Mutex<Capped<Vec<u8>>>>;

/// Decodes member `index` of `archive` into `sink` as [`copy`] says; in a
/// solid archive, keeping the other files it decodes, and those after it,
/// while `kept` has room for each.
fn decode<W: Write + 'static>(
    archive: &Archive,
    index: usize,
    limit: u64,
    sink: W,
    kept: &mut Kept,
) -> Result<(W, u64), ArchiveError> {
    let solid = archive.is_solid();
    let capped = Arc::new(Mutex::new(Capped {
        sink,
        written: 0,
        limit,
        error: None,
    }));
    let mut sink = Some(SharedCapped(Arc::clone(&capped)));
    // The files before it decoded and discarded stop the decoding past
    // their budget.
    let before = Arc::new(Mutex::new(Capped {
        sink: std::io::sink(),
        written: 0,
        limit: MAX_DECODED_BEFORE,
        error: None,
    }));
    let mut collected: Vec<(usize, u64, Collected)> = Vec::new();
    let mut planned = 0u64;
    let mut at = 0usize;
    let outcome = archive.extract_with_control(options(), |member| {
        let this = at;
        at += 1;
        let is_file = !member.meta.is_directory && !member.meta.is_redirection;
        let size = member.meta.unpacked_size;
        // Only files after it: those before it were most likely read
        // already (a block's files are in name order, as the batch reads).
        let room = solid
            && is_file
            && this > index
            && !kept.contains(0, this)
            && kept.has_room(planned, size);
        if room {
            planned += size;
            let buffer = Arc::new(Mutex::new(Capped {
                // Its stated size is at most Kept::MAX_FILE here.
                sink: Vec::with_capacity(size as usize),
                written: 0,
                limit: Kept::MAX_FILE,
                error: None,
            }));
            collected.push((this, size, Arc::clone(&buffer)));
            return Ok(ExtractionDecision::Extract(Box::new(SharedCapped(buffer))));
        }
        Ok(match this.cmp(&index) {
            Ordering::Less if solid && is_file => {
                ExtractionDecision::Extract(Box::new(SharedCapped(Arc::clone(&before))))
            }
            Ordering::Less => ExtractionDecision::Skip,
            Ordering::Equal => match sink.take() {
                Some(sink) => ExtractionDecision::Extract(Box::new(sink)),
                None => ExtractionDecision::Stop,
            },
            // A folder or link between kept files: on to the next.
            Ordering::Greater if solid && !is_file => ExtractionDecision::Skip,
            Ordering::Greater => ExtractionDecision::Stop,
        })
    });
    // The extraction has let go of its writers; the one it never took is
    // this function's.
    drop(sink);
    // A file kept is one decoded whole (as long as its header says) and
    // checked: the extraction checks a file before it asks about the next,
    // so when it failed, the file it was on when it did is not kept.
    let failed_at = outcome.is_err().then(|| at.saturating_sub(1));
    for (place, size, buffer) in collected {
        if failed_at.is_some_and(|f| place >= f) {
            continue;
        }
        if let Ok(Ok(b)) = Arc::try_unwrap(buffer).map(Mutex::into_inner) {
            if b.error.is_none() && b.written == size {
                kept.keep(0, place, b.sink);
            }
        }
    }
    let decoded_before = before.lock().map_or(0, |b| b.written);
    if decoded_before > MAX_DECODED_BEFORE {
        return Err(ArchiveError::FarInSolidBlock);
    }
    let capped = Arc::try_unwrap(capped)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .ok_or_else(|| ArchiveError::Decode("the decoder kept its output".into()))?;
    if let Some(e) = capped.error {
        return Err(ArchiveError::Read(e));
    }
    match outcome {
        // Stopped one byte past the limit: the caller tells it too large.
        Err(_) if capped.written > limit => {}
        // Read and checked, and the extraction went on to a later file:
        // an error after it is that file's, which fails when its turn
        // comes.
        Err(_) if at > index + 1 => {}
        // The cause alone: the source already names the file, and the
        // crate's own reading of a GBK name would garble it.
        Err(e) => return Err(ArchiveError::Decode(e.root_cause().to_string())),
        Ok(_) if at <= index => return Err(ArchiveError::NoSuchFile),
        Ok(_) => {}
    }
    Ok((capped.sink, capped.written))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rar")
            .join(name)
    }

    #[test]
    fn a_gbk_name_in_a_rar4_archive_reads_as_chinese_with_slashes() {
        assert_eq!(member_name("预算\\a.txt".as_bytes()), "预算/a.txt");
        // GBK bytes of 预算, as WinRAR 4 on Chinese Windows stores them.
        assert_eq!(member_name(b"\xd4\xa4\xcb\xe3\\a.txt"), "预算/a.txt");
    }

    #[test]
    fn files_are_listed_by_their_place_with_why_one_cannot_be_read() {
        let listed = |name: &str| -> Vec<(String, Result<usize, Unreadable>)> {
            let members = list(&fixture(name)).unwrap();
            members.into_iter().map(|m| (m.name, m.index)).collect()
        };
        // The folder entry is place 0.
        assert_eq!(
            listed("county_rar5_solid.rar"),
            [
                ("预算/002.txt".into(), Ok(1)),
                ("决算/003.txt".into(), Ok(2))
            ]
        );
        assert_eq!(
            listed("county_rar4_gbk.rar"),
            [("预算/002.txt".into(), Ok(0))]
        );
        // Two files of one name, each its own input.
        let encrypted = ("a.txt".to_string(), Err(Unreadable::Encrypted));
        assert_eq!(listed("encrypted_rar4.rar"), [encrypted.clone(), encrypted]);
        let places: Vec<usize> = list(&fixture("encrypted_rar4.rar"))
            .unwrap()
            .iter()
            .map(|m| m.place)
            .collect();
        assert_eq!(places, [0, 1]);
        assert_eq!(
            listed("solid_link_rar5.rar"),
            [
                ("a.txt".into(), Ok(0)),
                ("link".into(), Err(Unreadable::Link)),
                ("b.txt".into(), Ok(2))
            ]
        );
        assert!(list(&fixture("encrypted_names_rar5.rar")).is_none());
    }

    #[test]
    fn a_member_is_read_whole_or_one_byte_past_the_limit() {
        let path = fixture("county_rar5_solid.rar");
        let members = list(&path).unwrap();
        let index = members[1].index.unwrap();
        let (bytes, written, stated) = copy(&path, index, u64::MAX, Vec::new()).unwrap();
        assert_eq!(bytes.len() as u64, written);
        assert_eq!(written, stated);
        let (cut, written, _) = copy(&path, index, 10, Vec::new()).unwrap();
        assert_eq!((cut.len(), written), (11, 11));
        assert_eq!(cut, bytes[..11]);
        // On a thread of its own (its own kept files): reading the first
        // file keeps the one after it, the same bytes.
        let first = members[0].index.unwrap();
        let kept_after = std::thread::spawn(move || {
            copy(&path, first, u64::MAX, Vec::new()).unwrap();
            Kept::peek(&path, 0, index)
        });
        assert_eq!(kept_after.join().unwrap(), Some(bytes));
    }

    #[test]
    fn a_file_after_a_link_in_a_solid_archive_is_read() {
        // The link is skipped, the file before it decoded and discarded.
        let path = fixture("solid_link_rar5.rar");
        let (bytes, _, _) = copy(&path, 2, 100, Vec::new()).unwrap();
        assert_eq!(bytes, b"second");
        // Decoding the first file kept the last, past the link, which then
        // reads from memory, once.
        let (bytes, _, _) = copy(&path, 0, 100, Vec::new()).unwrap();
        assert_eq!(bytes, b"first");
        assert_eq!(Kept::peek(&path, 0, 2), Some(b"second".to_vec()));
        let (bytes, written, stated) = copy(&path, 2, 3, Vec::new()).unwrap();
        assert_eq!((bytes.as_slice(), written, stated), (&b"seco"[..], 4, 6));
        assert_eq!(Kept::peek(&path, 0, 2), None);
        let error = copy(&path, 1, 100, Vec::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot read it from its archive: no such file"
        );
    }
}
