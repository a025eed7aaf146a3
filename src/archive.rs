//! Zip, RAR and 7-Zip archives of disclosures (a county's budget files
//! published as one `.zip`, `.rar` or `.7z`): each file inside is an input
//! of its own, listed when the batch finds its inputs and read when its
//! turn comes. An archive is told by its first bytes, not its name.
//!
//! A member is reported as `ARCHIVE/NAME` (`预算公开.zip/教育局/预算.pdf`).
//! Names an archiver on Chinese Windows stores as GBK bytes (a zip without
//! its UTF-8 flag, a RAR 4 without a Unicode name) are read as GB18030, as
//! file names are ([`crate::decode::name_text`]). An archive inside an
//! archive (named `.zip`, `.rar` or `.7z`) is unpacked for the run and its
//! files listed in its place (`县.zip/教育局.rar/预算.pdf`; see
//! `crate::batch`).

mod rar;
mod sevenz;

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::decode::name_text;

/// A file inside an archive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    /// Its name in the archive, as text.
    pub name: String,
    /// Where to read it (its place among a zip's distinct names, its place
    /// in a RAR's or a 7z's list), or why it cannot be read.
    pub index: Result<usize, Unreadable>,
    /// Its place in the archive's listing: two files of one name that
    /// cannot be read for one reason are still two inputs.
    pub place: usize,
}

/// Why a file the archive lists cannot be read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unreadable {
    /// Another file of the same name comes after it: a zip reader gives the
    /// last one.
    Shadowed,
    /// Encrypted (RAR, 7z): no password is tried.
    Encrypted,
    /// Begun or continued in another volume of a multi-volume RAR.
    SplitAcrossVolumes,
    /// A link to another file (RAR), not a file.
    Link,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Shadowed => write!(
                f,
                "the archive holds another file of this name after it, which is read in its place: unpack the archive to read both"
            ),
            Unreadable::Encrypted => write!(f, "encrypted in its archive: unpack it with its password"),
            Unreadable::SplitAcrossVolumes => write!(
                f,
                "split across the volumes of a multi-volume archive: unpack the volumes together"
            ),
            Unreadable::Link => write!(f, "a link to another file in its archive, not a file"),
        }
    }
}

/// What a file found among the inputs holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Listing {
    /// No zip archive to open: a file read as a whole (a document, a zip
    /// that is an office document, or one that cannot be listed and fails
    /// as a file, named by its bytes).
    NotArchive,
    /// An archive holding no file (folders at most).
    Empty,
    /// An archive's files, in name order.
    Files(Vec<Member>),
}

/// Why a member could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot open its archive: {0}")]
    Open(#[from] std::io::Error),
    #[error("cannot read it from its archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot read it from its archive: {0}")]
    Read(std::io::Error),
    /// A RAR or 7z member that could not be decoded, in words.
    #[error("cannot read it from its archive: {0}")]
    Decode(String),
    #[error("cannot read it from its archive: no such file")]
    NoSuchFile,
    #[error(
        "cannot read it from its archive: a solid archive decodes more than {} GB of the files before it first: unpack it",
        MAX_DECODED_BEFORE >> 30
    )]
    FarInSolidBlock,
}

/// Bytes of the files before a member of a solid block (a solid RAR, a 7z
/// block) decoded at most to reach it: 2 GB, some seconds to a minute of
/// decoding.
const MAX_DECODED_BEFORE: u64 = 2 << 30;

/// The bytes of the central directory read at most: its records are some
/// hundred bytes a file.
const MAX_DIRECTORY: u64 = 64 << 20;

/// What the file at `path` holds: an archive's files, or a file to read as
/// a whole. Only a regular file is opened: opening a pipe would wait for
/// a writer.
pub fn list(path: &Path) -> Listing {
    // A crafted archive must not stop the run while inputs are found: a
    // panic listing it leaves it a file, read (and failed) as one.
    std::panic::catch_unwind(|| list_unguarded(path)).unwrap_or(Listing::NotArchive)
}

fn list_unguarded(path: &Path) -> Listing {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Listing::NotArchive;
    }
    // One open file: its first bytes, then (a second handle on it) the zip
    // reader, then the directory as written.
    let opened = File::open(path).and_then(|mut file| {
        let mut magic = Vec::with_capacity(8);
        (&mut file).take(8).read_to_end(&mut magic)?;
        Ok((file, magic))
    });
    let Ok((mut file, magic)) = opened else {
        return Listing::NotArchive;
    };
    match Format::of_magic(&magic) {
        Some(Format::Zip) => {}
        Some(Format::Rar) => return rar::list(path).map_or(Listing::NotArchive, sorted),
        Some(Format::SevenZip) => return sevenz::list(path).map_or(Listing::NotArchive, sorted),
        None => return Listing::NotArchive,
    }
    let Ok(mut zip) = file
        .try_clone()
        .and_then(|f| ZipArchive::new(BufReader::new(f)).map_err(std::io::Error::other))
    else {
        return Listing::NotArchive;
    };
    if zip.file_names().any(is_document_part) {
        return Listing::NotArchive;
    }
    // The directory as written, when its names are the zip reader's where
    // both are plain text (a name the reader takes from a Unicode extra
    // field may differ: the reader's own list then).
    let agrees = |members: &Vec<Member>| {
        members.iter().all(|m| match m.index {
            Ok(i) if !m.name.contains('\u{fffd}') => zip
                .name_for_index(i)
                .is_none_or(|n| n == m.name || !n.is_ascii() || !m.name.is_ascii()),
            _ => true,
        })
    };
    let files = directory_names(&mut file, zip.central_directory_start())
        .and_then(|names| members_of(names, zip.len()))
        .filter(agrees)
        .unwrap_or_else(|| crate_members(&mut zip));
    sorted(files)
}

/// An archive's listing: its files in name order, or empty.
fn sorted(mut files: Vec<Member>) -> Listing {
    files.sort();
    if files.is_empty() {
        Listing::Empty
    } else {
        Listing::Files(files)
    }
}

/// The raw names of the records of the central directory starting at
/// `start`, in their order; `None` when the records do not follow each
/// other as the format says.
fn directory_names(file: &mut File, start: u64) -> Option<Vec<Vec<u8>>> {
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut dir = Vec::new();
    file.take(MAX_DIRECTORY).read_to_end(&mut dir).ok()?;
    let field = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            dir.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let mut names = Vec::new();
    let mut at = 0;
    while dir.get(at..at + 4) == Some(b"PK\x01\x02") {
        let (name, extra, comment) = (field(at + 28)?, field(at + 30)?, field(at + 32)?);
        names.push(dir.get(at + 46..at + 46 + name)?.to_vec());
        at += 46 + name + extra + comment;
    }
    Some(names)
}

/// The members of an archive whose directory lists `names`, given the zip
/// reader's count of distinct names: a name listed twice reads as its last
/// copy, the earlier ones are [`Unreadable::Shadowed`]. `None` when the
/// counts disagree (the reader's index could not be told).
fn members_of(names: Vec<Vec<u8>>, distinct: usize) -> Option<Vec<Member>> {
    let mut index_of: std::collections::HashMap<&[u8], usize> = Default::default();
    let mut last_of: std::collections::HashMap<&[u8], usize> = Default::default();
    for (at, name) in names.iter().enumerate() {
        let next = index_of.len();
        index_of.entry(name.as_slice()).or_insert(next);
        last_of.insert(name.as_slice(), at);
    }
    if index_of.len() != distinct {
        return None;
    }
    let members = names
        .iter()
        .enumerate()
        .filter(|(_, name)| !name.ends_with(b"/"))
        .map(|(at, name)| Member {
            name: name_text(name),
            index: if last_of[name.as_slice()] == at {
                Ok(index_of[name.as_slice()])
            } else {
                Err(Unreadable::Shadowed)
            },
            place: at,
        })
        .collect();
    Some(members)
}

/// The members as the zip reader lists them (each distinct name once),
/// when the directory cannot be walked here.
fn crate_members(zip: &mut ZipArchive<BufReader<File>>) -> Vec<Member> {
    (0..zip.len())
        .filter_map(|index| {
            let raw = zip.by_index_raw(index).map(|f| name_text(f.name_raw()));
            let name = match raw {
                Ok(name) => name,
                Err(_) => zip.name_for_index(index)?.to_string(),
            };
            (!name.ends_with('/')).then_some(Member {
                name,
                index: Ok(index),
                place: index,
            })
        })
        .collect()
}

/// Whether `bytes` are an archive of files (a zip that is an office or
/// OFD document is not).
pub fn is_archive(bytes: &[u8]) -> bool {
    match Format::of_magic(bytes) {
        Some(Format::Zip) => !crate::decode::zip_member_names(bytes)
            .iter()
            .any(|name| std::str::from_utf8(name).is_ok_and(is_document_part)),
        Some(_) => true,
        None => false,
    }
}

/// Whether a file in an archive is, by its name, an archive: unpacked and
/// listed in its place.
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".zip", ".rar", ".7z"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A member only an office format keeps at its zip's root (OOXML's content
/// types, OpenDocument's mimetype, OFD's entry point): the file is one
/// document, not an archive of files.
fn is_document_part(name: &str) -> bool {
    matches!(name, "[Content_Types].xml" | "mimetype" | "OFD.xml")
}

thread_local! {
    /// The archive this thread read a member of last: an archive's members
    /// come one after another, and its directory is read once per run of
    /// them, not once per member.
    static OPEN: RefCell<Option<(PathBuf, ZipArchive<BufReader<File>>)>> =
        const { RefCell::new(None) };
}

/// Runs `f` on a reader of member `index` of the zip archive at `path`,
/// with the member's size as its directory states it.
fn with_member<T>(
    path: &Path,
    index: usize,
    f: impl FnOnce(&mut dyn Read, u64) -> std::io::Result<T>,
) -> Result<T, ArchiveError> {
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        let zip = match &mut *open {
            Some((p, zip)) if p == path => zip,
            slot => {
                *slot = None;
                let zip = ZipArchive::new(BufReader::new(File::open(path)?))?;
                &mut slot.insert((path.to_path_buf(), zip)).1
            }
        };
        let mut member = zip.by_index(index)?;
        let size = member.size();
        f(&mut member, size).map_err(ArchiveError::Read)
    })
}

/// The bytes of member `index` of the archive at `path`, at most
/// `max_bytes + 1` of them (one past the limit says it is too large), and
/// its size as its archive states it.
pub fn read(path: &Path, index: usize, max_bytes: u64) -> Result<(Vec<u8>, u64), ArchiveError> {
    let format = Format::of(path)?;
    if !matches!(format, Format::Zip) {
        let (bytes, _, stated) = copy_stated(format, path, index, max_bytes, Vec::new())?;
        return Ok((bytes, stated));
    }
    with_member(path, index, |member, size| {
        // The size a directory states is not trusted beyond 64 MB ahead.
        let ahead = size.min(max_bytes).min(64 << 20);
        let mut bytes = Vec::with_capacity(usize::try_from(ahead).unwrap_or(0));
        member
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        Ok((bytes, size))
    })
}

/// Writes member `index` of the archive at `path` into `sink`, at most
/// `limit + 1` bytes of it, without holding them: the sink and the bytes
/// written.
pub fn copy<W: Write + 'static>(
    path: &Path,
    index: usize,
    limit: u64,
    sink: W,
) -> Result<(W, u64), ArchiveError> {
    let (sink, written, _) = copy_stated(Format::of(path)?, path, index, limit, sink)?;
    Ok((sink, written))
}

/// [`copy`] from an archive of `format`, with the member's size as its
/// archive states it.
fn copy_stated<W: Write + 'static>(
    format: Format,
    path: &Path,
    index: usize,
    limit: u64,
    mut sink: W,
) -> Result<(W, u64, u64), ArchiveError> {
    match format {
        Format::Rar => rar::copy(path, index, limit, sink),
        Format::SevenZip => sevenz::copy(path, index, limit, sink),
        Format::Zip => {
            let (written, size) = with_member(path, index, |member, size| {
                let n = std::io::copy(&mut member.take(limit.saturating_add(1)), &mut sink)?;
                Ok((n, size))
            })?;
            Ok((sink, written, size))
        }
    }
}

/// Files of solid blocks (a 7z's blocks, a solid RAR) a thread decoded on
/// its way to a member of the archive it reads: the next members come from
/// here, not from decoding a block again from its start (which made reading
/// every file of a solid archive cost n²/2 files' decoding: 59 s for 60
/// files of 1 MB). At most [`Kept::MAX_BYTES`] a thread, files of
/// [`Kept::MAX_FILE`] at most, each given out once; forgotten when the
/// thread reads another archive. A member past that is decoded again.
#[derive(Default)]
struct Kept {
    path: Option<PathBuf>,
    /// By block, then place in the archive's list.
    files: std::collections::HashMap<(usize, usize), Vec<u8>>,
    bytes: u64,
}

thread_local! {
    /// The files this thread keeps (one store for every format).
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

impl Kept {
    const MAX_BYTES: u64 = 128 << 20;
    const MAX_FILE: u64 = 32 << 20;

    /// Takes the kept bytes of file `index` of `block` of the archive at
    /// `path` (a member is read once, and once more when over the size
    /// limit, then decoded again).
    fn take(&mut self, path: &Path, block: usize, index: usize) -> Option<Vec<u8>> {
        if self.path.as_deref() != Some(path) {
            return None;
        }
        let bytes = self.files.remove(&(block, index))?;
        self.bytes -= bytes.len() as u64;
        Some(bytes)
    }

    /// Starts keeping the files of the archive at `path`, forgetting
    /// another's.
    fn start(&mut self, path: &Path) {
        if self.path.as_deref() != Some(path) {
            *self = Kept {
                path: Some(path.to_path_buf()),
                ..Kept::default()
            };
        }
    }

    /// Whether a file of `size` bytes (as its archive states) is kept, after
    /// `planned` bytes more.
    fn has_room(&self, planned: u64, size: u64) -> bool {
        let after = self.bytes.saturating_add(planned).saturating_add(size);
        size <= Kept::MAX_FILE && after <= Kept::MAX_BYTES
    }

    /// Whether file `index` of `block` of the archive started is kept.
    fn contains(&self, block: usize, index: usize) -> bool {
        self.files.contains_key(&(block, index))
    }

    fn keep(&mut self, block: usize, index: usize, bytes: Vec<u8>) {
        self.bytes += bytes.len() as u64;
        if let Some(old) = self.files.insert((block, index), bytes) {
            self.bytes -= old.len() as u64;
        }
    }

    /// The kept bytes of a file, left kept (for tests).
    #[cfg(test)]
    fn peek(path: &Path, block: usize, index: usize) -> Option<Vec<u8>> {
        KEPT.with(|k| {
            let k = k.borrow();
            (k.path.as_deref() == Some(path))
                .then(|| k.files.get(&(block, index)).cloned())
                .flatten()
        })
    }
}

/// Writes `bytes` (a kept file) into `sink`, at most `limit + 1` of them:
/// the sink and the bytes written.
fn copy_kept<W: Write>(bytes: &[u8], limit: u64, mut sink: W) -> std::io::Result<(W, u64)> {
    let n = bytes
        .len()
        .min(usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX));
    sink.write_all(&bytes[..n])?;
    Ok((sink, n as u64))
}

/// The kind of archive a listed file is.
enum Format {
    Zip,
    Rar,
    SevenZip,
}

impl Format {
    /// Told by a file's first bytes (8 suffice); `None`: no archive.
    fn of_magic(magic: &[u8]) -> Option<Format> {
        if magic.starts_with(rar::MAGIC) {
            Some(Format::Rar)
        } else if magic.starts_with(sevenz::MAGIC) {
            Some(Format::SevenZip)
        } else if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
            // A zip's first file, or the end record of a zip of none.
            Some(Format::Zip)
        } else {
            None
        }
    }

    /// The format of a listed archive at `path` (a zip unless its first
    /// bytes say otherwise, as when it was listed).
    fn of(path: &Path) -> Result<Format, ArchiveError> {
        let mut magic = Vec::with_capacity(8);
        File::open(path)?.take(8).read_to_end(&mut magic)?;
        Ok(Format::of_magic(&magic).unwrap_or(Format::Zip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Writes a zip of `files` (name, contents) to `path`; a name ending
    /// in `/` is a folder.
    fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for (name, body) in files {
            if name.ends_with('/') {
                zip.add_directory(*name, opts).unwrap();
            } else {
                zip.start_file(*name, opts).unwrap();
                zip.write_all(body).unwrap();
            }
        }
        zip.finish().unwrap();
    }

    fn files(path: &Path) -> Vec<Member> {
        match list(path) {
            Listing::Files(files) => files,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_archives_files_are_listed_in_name_order_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.zip");
        // A folder named like a Word document's is only a folder here.
        zip_of(
            &path,
            &[
                ("预算/", b""),
                ("预算/b.txt", b"second"),
                ("word/a.txt", b"first"),
            ],
        );
        let members = files(&path);
        let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["word/a.txt", "预算/b.txt"]);
        let index = |m: &Member| m.index.unwrap();
        assert_eq!(read(&path, index(&members[0]), 100).unwrap().0, b"first");
        assert_eq!(
            read(&path, index(&members[1]), 100).unwrap(),
            (b"second".to_vec(), 6)
        );
        // One byte past the limit, no more.
        assert_eq!(read(&path, index(&members[1]), 3).unwrap().0, b"seco");
    }

    #[test]
    fn a_name_listed_twice_reads_as_its_last_copy_and_the_first_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twice.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        // The writer refuses a name twice: write two, then make the first
        // name the second's (same length).
        for (name, body) in [
            ("d.txx", b"first"),
            ("d.txt", b"later"),
            ("e.txt", b"other"),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body).unwrap();
        }
        let mut raw = zip.finish().unwrap();
        raw.flush().unwrap();
        drop(raw);
        let mut bytes = std::fs::read(&path).unwrap();
        while let Some(i) = bytes.windows(5).position(|w| w == b"d.txx") {
            bytes[i + 4] = b't';
        }
        std::fs::write(&path, bytes).unwrap();
        let members = files(&path);
        let shown: Vec<(&str, Result<usize, Unreadable>)> =
            members.iter().map(|m| (m.name.as_str(), m.index)).collect();
        assert_eq!(
            shown,
            [
                ("d.txt", Ok(0)),
                ("d.txt", Err(Unreadable::Shadowed)),
                ("e.txt", Ok(1))
            ]
        );
        assert_eq!(read(&path, 0, 100).unwrap().0, b"later");
    }

    #[test]
    fn documents_in_zip_form_folders_only_and_other_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let docx = dir.path().join("a.zip");
        zip_of(
            &docx,
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w:document/>"),
            ],
        );
        assert_eq!(list(&docx), Listing::NotArchive);
        let text = dir.path().join("b.zip");
        std::fs::write(&text, "PK not really").unwrap();
        assert_eq!(list(&text), Listing::NotArchive);
        let folders = dir.path().join("c.zip");
        zip_of(&folders, &[("预算/", b"")]);
        assert_eq!(list(&folders), Listing::Empty);
        assert_eq!(list(dir.path()), Listing::NotArchive);
    }

    #[test]
    fn a_member_whose_header_is_damaged_is_listed_and_fails_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.zip");
        zip_of(&path, &[("a.txt", b"aaaa"), ("b.txt", b"bbbb")]);
        let mut bytes = std::fs::read(&path).unwrap();
        // The second local header's signature.
        let second = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"PK\x03\x04")
            .nth(1)
            .unwrap()
            .0;
        bytes[second] = b'X';
        std::fs::write(&path, bytes).unwrap();
        let members = files(&path);
        assert_eq!(members.len(), 2);
        let error = read(&path, members[1].index.unwrap(), 100).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("cannot read it from its archive"));
    }
}
