//! Archives found inside archives (a county's `.zip` of its departments'
//! `.rar`s), unpacked to temporary files for the run so their files can be
//! listed and read as any archive's are.
//!
//! A run unpacks into one hidden folder: in its output folder when it has
//! one (the disk the user chose for the results, not a small `/tmp`), else
//! in the system's temporary folder. Each unpacked file is deleted when the
//! last input read from it is dropped, the folder when the run ends; an
//! interrupted run removes it on its way out ([`remove_all_and_exit`],
//! called on Ctrl-C), and a run killed outright leaves it for the next run
//! into the same output folder to remove ([`remove_left_over`]). No run
//! reads such a folder as inputs (`crate::batch` passes it over).

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use crate::archive;

/// The prefix of a run's unpacking folder: never an input, removed when
/// left over.
pub const FOLDER_PREFIX: &str = ".budget-harvest-unpacked";

/// Bytes a run unpacks at most, all archives together: archives beyond it
/// fail, named (a zip of a hundred 256 MB archives would otherwise fill 25
/// GB of disk).
pub const MAX_TOTAL_BYTES: u64 = 8 << 30;

/// The unpacking folders of this process, for [`remove_all_and_exit`];
/// held while a file is made in one, so none is made as they are removed.
static FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn folders() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    FOLDERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every unpacking folder of this process and exits with `code`
/// (an interrupted run: the destructors that would remove them do not
/// run). A copy under way writes on into its file, unlinked, until the
/// exit.
pub fn remove_all_and_exit(code: i32) -> ! {
    let folders = folders();
    for folder in folders.iter() {
        let _ = std::fs::remove_dir_all(folder);
    }
    std::process::exit(code)
}

/// Removes the unpacking folders a killed run left in `out_dir`.
pub fn remove_left_over(out_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(FOLDER_PREFIX)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder a run unpacks into, made when the first archive inside an
/// archive is found; removed when the run ends.
struct Folder {
    dir: tempfile::TempDir,
}

impl Drop for Folder {
    fn drop(&mut self) {
        folders().retain(|f| f != self.dir.path());
    }
}

/// Where a run unpacks and how much it has unpacked.
pub struct Unpacking {
    /// The folder to make the unpacking folder in (`None`: the system's
    /// temporary folder).
    parent: Option<PathBuf>,
    folder: Option<Arc<Folder>>,
    /// Bytes unpacked so far.
    total: u64,
    /// Bytes unpacked at most ([`MAX_TOTAL_BYTES`]).
    max_total: u64,
    /// A file over this is not unpacked (it fails as too large).
    max_bytes: u64,
}

/// An archive's file that is an archive, unpacked: a temporary file that
/// lives as long as an input read from it.
#[derive(Debug)]
pub struct Unpacked {
    file: tempfile::TempPath,
    /// Its place in its archive, after the places of the archives around
    /// it: two unpackings of one file are one input, two files of one name
    /// (a 7z lists a name twice) are two.
    places: Vec<usize>,
    /// Kept to the last file: the folder goes with it.
    _folder: Arc<Folder>,
}

impl std::fmt::Debug for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.dir.path().fmt(f)
    }
}

impl Unpacked {
    pub fn path(&self) -> &Path {
        &self.file
    }

    pub fn places(&self) -> &[usize] {
        &self.places
    }
}

impl PartialEq for Unpacked {
    fn eq(&self, other: &Self) -> bool {
        self.places == other.places
    }
}

impl Eq for Unpacked {}

impl PartialOrd for Unpacked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Unpacked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.places.cmp(&other.places)
    }
}

/// Why an archive's file that is an archive was not unpacked, when the
/// fault is not the file's: it fails with this, not as a damaged archive.
#[derive(Debug, thiserror::Error)]
pub enum NotUnpacked {
    #[error("not unpacked: cannot write its temporary copy in {folder}: {error}")]
    Write { folder: String, error: String },
    #[error(
        "not unpacked: the run's archives inside archives took {} GB already: unpack it",
        MAX_TOTAL_BYTES >> 30
    )]
    TotalTooLarge,
}

impl Unpacking {
    /// Unpacking into `parent` (`None`: the system's temporary folder),
    /// files up to `max_bytes` each.
    pub fn new(parent: Option<&Path>, max_bytes: u64) -> Unpacking {
        Unpacking {
            parent: parent.map(Path::to_path_buf),
            folder: None,
            total: 0,
            max_total: MAX_TOTAL_BYTES,
            max_bytes,
        }
    }

    /// File `index` of the archive at `archive`, at `places` (its place
    /// after those of the archives around it), unpacked. `Ok(None)` when
    /// the archive cannot give it (it is then read as a file of its own and
    /// fails, naming why) or it is over the size limit (it fails so).
    pub fn member(
        &mut self,
        archive: &Path,
        index: usize,
        places: Vec<usize>,
    ) -> Result<Option<Unpacked>, NotUnpacked> {
        if self.total >= self.max_total {
            return Err(NotUnpacked::TotalTooLarge);
        }
        let folder = self.folder()?;
        let write_error = |e: std::io::Error| NotUnpacked::Write {
            folder: folder.dir.path().display().to_string(),
            error: e.to_string(),
        };
        // Not while an interrupted run removes the folder (which a file made
        // meanwhile would keep); the copy after is not waited for.
        let made = {
            let _removing = folders();
            tempfile::Builder::new()
                .suffix(".unpacked")
                .tempfile_in(folder.dir.path())
        };
        let (file, path) = made.map_err(write_error)?.into_parts();
        // The disk's errors told from the archive's.
        let failed = Rc::new(RefCell::new(None));
        let sink = Noting {
            inner: std::io::BufWriter::new(file),
            failed: Rc::clone(&failed),
        };
        let limit = self.max_bytes.min(self.max_total - self.total);
        let copied = archive::copy(archive, index, limit, sink);
        if let Some(e) = failed.borrow_mut().take() {
            return Err(write_error(e));
        }
        let Ok((sink, written)) = copied else {
            return Ok(None);
        };
        sink.inner
            .into_inner()
            .map_err(|e| write_error(e.into_error()))?;
        if written > self.max_bytes {
            return Ok(None);
        }
        if written > limit {
            return Err(NotUnpacked::TotalTooLarge);
        }
        self.total += written;
        Ok(Some(Unpacked {
            file: path,
            places,
            _folder: folder,
        }))
    }

    /// The run's unpacking folder, made at first use.
    fn folder(&mut self) -> Result<Arc<Folder>, NotUnpacked> {
        if let Some(folder) = &self.folder {
            return Ok(Arc::clone(folder));
        }
        let parent = self.parent.clone().unwrap_or_else(std::env::temp_dir);
        // Made and noted at once: an interrupted run removes it.
        let mut folders = folders();
        let dir = std::fs::create_dir_all(&parent)
            .and_then(|()| {
                tempfile::Builder::new()
                    .prefix(FOLDER_PREFIX)
                    .tempdir_in(&parent)
            })
            .map_err(|e| NotUnpacked::Write {
                folder: parent.display().to_string(),
                error: e.to_string(),
            })?;
        folders.push(dir.path().to_path_buf());
        drop(folders);
        let folder = Arc::new(Folder { dir });
        self.folder = Some(Arc::clone(&folder));
        Ok(folder)
    }
}

/// A writer that notes its own first error, so a failed copy can tell a
/// full disk from a damaged archive.
struct Noting<W> {
    inner: W,
    failed: Rc<RefCell<Option<std::io::Error>>>,
}

impl<W: Write> Noting<W> {
    fn noted<T>(&self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.inspect_err(|e| {
            self.failed
                .borrow_mut()
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

impl<W: Write> Write for Noting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.noted(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.noted(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip at `path` of `files` (name, contents).
    fn zip_at(path: &Path, files: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        for (name, bytes) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn a_file_is_unpacked_whole_within_the_limits_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("县.zip");
        zip_at(&archive, &[("a.zip", &[7; 1000]), ("b.zip", &[8; 1000])]);
        let out = dir.path().join("out");
        let mut unpacking = Unpacking::new(Some(&out), 1000);
        let a = unpacking.member(&archive, 0, vec![0]).unwrap().unwrap();
        assert_eq!(std::fs::read(a.path()).unwrap(), [7; 1000]);
        assert!(a.path().starts_with(&out));
        // One byte over the size limit: not unpacked (it fails so, read).
        let mut small = Unpacking::new(Some(&out), 999);
        assert!(small.member(&archive, 0, vec![0]).unwrap().is_none());
        // Over what the run unpacks in all: failed, named.
        unpacking.max_total = 1500;
        let over = unpacking.member(&archive, 1, vec![1]).unwrap_err();
        assert!(over.to_string().contains("took 8 GB already"), "{over}");
        assert!(unpacking.member(&archive, 1, vec![1]).is_err());
        // No file of the archive at index 5: the archive's fault, read later.
        assert!(Unpacking::new(None, 1000)
            .member(&archive, 5, vec![5])
            .unwrap()
            .is_none());
        // The folder goes with the last file unpacked in it.
        let folder = a.path().parent().unwrap().to_path_buf();
        drop((a, unpacking));
        assert!(!folder.exists());
    }

    #[test]
    fn a_folder_that_cannot_be_made_fails_the_file_named_not_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("县.zip");
        zip_at(&archive, &[("a.zip", b"x")]);
        // The output "folder" is a file: no folder can be made in it.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "").unwrap();
        let mut unpacking = Unpacking::new(Some(&blocked.join("out")), 1000);
        let why = unpacking.member(&archive, 0, vec![0]).unwrap_err();
        assert!(
            why.to_string()
                .starts_with("not unpacked: cannot write its temporary copy in"),
            "{why}"
        );
        assert!(why.to_string().contains("blocked"), "{why}");
    }
}
