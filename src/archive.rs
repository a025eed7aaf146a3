//! Zip archives of disclosures (a county's budget files published as one
//! `.zip`): each file inside is an input of its own, listed when the batch
//! finds its inputs and read when its turn comes.
//!
//! A member is reported as `ARCHIVE/NAME` (`预算公开.zip/教育局/预算.pdf`).
//! Names a zip made on Chinese Windows stores as GBK bytes (no UTF-8 flag)
//! are read as GB18030, as file names are (`batch::source_name`).
//! Archives inside an archive are not opened: such a member fails, named.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

/// A file inside a zip archive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    /// Its name in the archive, as text.
    pub name: String,
    /// Its place in the archive's directory (names may repeat).
    pub index: usize,
}

/// Why a member could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot open its archive: {0}")]
    Open(#[from] std::io::Error),
    #[error("cannot read it from its archive: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// The files of the zip archive at `path`, in name order; `None` when the
/// path is no regular file, no zip archive, cannot be listed (it fails as
/// a file, named by its bytes), lists no file, or is an office document in
/// zip form (`.docx`, `.xlsx`, `.ods`, `.ofd`: read or named as a whole).
pub fn members(path: &Path) -> Option<Vec<Member>> {
    // Only a regular file is opened: opening a pipe would wait for a writer.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut file = File::open(path).ok()?;
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic).ok()?;
    if &magic != b"PK\x03\x04" {
        return None;
    }
    let mut zip = ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    if zip.file_names().any(is_document_part) {
        return None;
    }
    let mut out: Vec<Member> = (0..zip.len())
        .filter_map(|index| {
            let file = zip.by_index_raw(index).ok()?;
            (!file.is_dir()).then(|| Member {
                name: text_of_name(file.name_raw()),
                index,
            })
        })
        .collect();
    out.sort();
    (!out.is_empty()).then_some(out)
}

/// A name the zip stores: UTF-8 (flagged or plain ASCII), else the GBK a
/// zip made on Chinese Windows writes, else with U+FFFD for bytes neither
/// reads.
pub fn text_of_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(name) => name.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(raw)
            .map_or_else(
                || String::from_utf8_lossy(raw).into_owned(),
                |n| n.into_owned(),
            ),
    }
}

/// A member an office format keeps in its zip: the file is one document.
fn is_document_part(name: &str) -> bool {
    name.starts_with("word/")
        || name.starts_with("xl/")
        || name == "[Content_Types].xml"
        || name == "mimetype"
        || name == "OFD.xml"
}

thread_local! {
    /// The archive this thread read a member of last: an archive's members
    /// come one after another, and its directory is read once per run of
    /// them, not once per member.
    static OPEN: RefCell<Option<(PathBuf, ZipArchive<BufReader<File>>)>> =
        const { RefCell::new(None) };
}

/// Runs `f` on a reader of member `index` of the archive at `path`, with
/// the member's size as its directory states it.
pub fn with_member<T>(
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
        Ok(f(&mut member, size)?)
    })
}

/// The bytes of member `index` of the archive at `path`, at most
/// `max_bytes + 1` of them (one past the limit says it is too large), and
/// its size as its directory states it.
pub fn read(path: &Path, index: usize, max_bytes: u64) -> Result<(Vec<u8>, u64), ArchiveError> {
    with_member(path, index, |member, size| {
        let mut bytes = Vec::with_capacity(usize::try_from(size.min(max_bytes)).unwrap_or(0));
        member
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        Ok((bytes, size))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Writes a zip of `files` (name, contents) to `path`.
    fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, body) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(body).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn an_archives_files_are_listed_in_name_order_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.zip");
        zip_of(
            &path,
            &[
                ("预算/b.txt", b"second"),
                ("预算/a.txt", b"first"),
                ("预算/", b""),
            ],
        );
        let members = members(&path).unwrap();
        let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["预算/a.txt", "预算/b.txt"]);
        assert_eq!(read(&path, members[0].index, 100).unwrap().0, b"first");
        assert_eq!(
            read(&path, members[1].index, 100).unwrap(),
            (b"second".to_vec(), 6)
        );
        // One byte past the limit, no more.
        assert_eq!(read(&path, members[1].index, 3).unwrap().0, b"seco");
    }

    #[test]
    fn office_documents_and_other_files_are_no_archives_to_expand() {
        let dir = tempfile::tempdir().unwrap();
        let docx = dir.path().join("a.zip");
        zip_of(&docx, &[("word/document.xml", b"<w:document/>")]);
        assert_eq!(members(&docx), None);
        let text = dir.path().join("b.zip");
        std::fs::write(&text, "PK not really").unwrap();
        assert_eq!(members(&text), None);
        let empty = dir.path().join("c.zip");
        zip_of(&empty, &[]);
        assert_eq!(members(&empty), None);
    }

    #[test]
    fn a_gbk_name_reads_as_gb18030() {
        assert_eq!(text_of_name(b"\xd4\xa4\xcb\xe3.txt"), "预算.txt");
        assert_eq!(text_of_name("决算.txt".as_bytes()), "决算.txt");
        assert_eq!(text_of_name(b"bad\xff.txt"), "bad\u{fffd}.txt");
    }
}
