//! A batch run: find the inputs, process them in parallel, stream the
//! outputs in a deterministic order.
//!
//! Inputs are sorted by path and processed a chunk at a time (a few documents
//! per worker thread); a chunk's outcomes are written in input order before
//! the next chunk starts. Memory is bounded by the chunk, not the batch, and
//! the output bytes are the same for any number of threads.

use std::collections::hash_map::{Entry, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::archive::{self, Listing, Member};
use crate::emit::parquet::{self as pq, ParquetSink};
use crate::emit::wide::WideTables;
use crate::emit::{self, CheckRecord, CsvSink, DocumentRecord, IssueRecord, LineItem};
use crate::grammar::Grammar;
use crate::pipeline::{self, Outcome, Status};
use crate::unpack::{self, NotUnpacked, Unpacked, Unpacking};

/// One input file and the name it is reported under. Inputs sort by
/// path, then by the name reported (an archive's files, and those of the
/// archives inside it, in name order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The file found among the inputs (for a file inside an archive, the
    /// outermost archive).
    pub path: PathBuf,
    /// The path as given on the command line (joined with the entries of a
    /// directory argument; for a file in an archive, the archive's then the
    /// file's name).
    pub source: String,
    pub kind: InputKind,
}

/// What an input is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputKind {
    /// The file at `path`.
    File,
    /// A file inside the archive at `path` (see [`crate::archive`]).
    Member(Member),
    /// A file inside an archive that is itself a file of an archive (a
    /// county's `.zip` of its departments' `.rar`s), unpacked for the run.
    NestedMember(Arc<Unpacked>, Member),
    /// An archive that holds no file: it fails, saying so.
    EmptyArchive,
    /// An archive inside an archive that could not be unpacked for a reason
    /// of the run's (its disk): it fails, saying so.
    NotUnpacked(String),
}

/// Archives inside archives are opened this many levels down (a zip in a
/// zip is two); a deeper one (or a zip that holds itself) is a file that
/// fails, named.
const MAX_NESTING: usize = 4;

impl Input {
    /// The file at `path`, or the files inside it when it is an archive
    /// (and inside the archives it holds); a file in an archive over
    /// `max_bytes` is not unpacked.
    fn of_file(path: PathBuf, unpacking: &mut Unpacking, out: &mut Vec<Input>) {
        let source = source_name(&path);
        match archive::list(&path) {
            Listing::NotArchive => out.push(Input {
                path,
                source,
                kind: InputKind::File,
            }),
            Listing::Empty => out.push(Input {
                path,
                source,
                kind: InputKind::EmptyArchive,
            }),
            Listing::Files(members) => {
                let outer = Container {
                    path: &path,
                    unpacked: None,
                };
                outer.push_files(members, &source, 1, unpacking, out);
            }
        }
    }

    /// Reads and processes the input: its outcome and its size in bytes.
    pub fn process(&self, max_bytes: u64) -> (Outcome, u64) {
        // File `m` of the archive at `archive`.
        let member = |archive: &Path, m: &Member| match m.index {
            Ok(index) => pipeline::process_member(archive, index, &self.source, max_bytes),
            Err(why) => (pipeline::unread(&self.source, why.to_string()), 0),
        };
        match &self.kind {
            InputKind::File => pipeline::process_path(&self.path, &self.source, max_bytes),
            InputKind::Member(m) => member(&self.path, m),
            InputKind::NestedMember(archive, m) => member(archive.path(), m),
            InputKind::EmptyArchive => {
                let why = "an archive that holds no file (folders at most)";
                (pipeline::unread(&self.source, why.to_string()), 0)
            }
            InputKind::NotUnpacked(why) => (pipeline::unread(&self.source, why.clone()), 0),
        }
    }
}

/// The archive a listing was read from: a file found among the inputs, or
/// one unpacked from an archive there.
struct Container<'a> {
    /// The outermost archive, found among the inputs.
    path: &'a Path,
    /// The archive listed, when it was unpacked from another.
    unpacked: Option<Arc<Unpacked>>,
}

impl Container<'_> {
    /// The archive read from.
    fn archive(&self) -> &Path {
        self.unpacked.as_ref().map_or(self.path, |u| u.path())
    }

    /// The inputs of the files of the archive reported as `source`,
    /// `depth` archives down: an archive among them is unpacked and its
    /// files listed in its place.
    fn push_files(
        &self,
        files: Vec<Member>,
        source: &str,
        depth: usize,
        unpacking: &mut Unpacking,
        out: &mut Vec<Input>,
    ) {
        let input = |source: String, kind: InputKind| Input {
            path: self.path.to_path_buf(),
            source,
            kind,
        };
        for m in files {
            let source = format!("{source}/{}", m.name);
            let inner = match self.unpack(&m, depth, unpacking) {
                Ok(inner) => inner,
                Err(why) => {
                    out.push(input(source, InputKind::NotUnpacked(why.to_string())));
                    continue;
                }
            };
            match inner.as_ref().map(|inner| archive::list(inner.path())) {
                None | Some(Listing::NotArchive) => out.push(input(
                    source,
                    match &self.unpacked {
                        None => InputKind::Member(m),
                        Some(archive) => InputKind::NestedMember(Arc::clone(archive), m),
                    },
                )),
                Some(Listing::Empty) => out.push(input(source, InputKind::EmptyArchive)),
                Some(Listing::Files(files)) => {
                    let inner = Container {
                        path: self.path,
                        unpacked: inner.map(Arc::new),
                    };
                    inner.push_files(files, &source, depth + 1, unpacking, out);
                }
            }
        }
    }

    /// File `m`, unpacked, when its name says it is an archive and it is
    /// not too deep: the files of an archive are not unpacked on the
    /// chance (a solid archive's files cost the decoding of those before
    /// them).
    fn unpack(
        &self,
        m: &Member,
        depth: usize,
        unpacking: &mut Unpacking,
    ) -> Result<Option<Unpacked>, NotUnpacked> {
        let Ok(index) = m.index else {
            return Ok(None);
        };
        if depth >= MAX_NESTING || !archive::is_archive_name(&m.name) {
            return Ok(None);
        }
        let mut places = self
            .unpacked
            .as_ref()
            .map_or(Vec::new(), |u| u.places().to_vec());
        places.push(m.place);
        unpacking.member(self.archive(), index, places)
    }
}

/// Expands files and directories (recursively) into a sorted list of inputs.
/// A path that does not exist is still an input: it is reported as failed.
pub fn discover(args: &[PathBuf]) -> Vec<Input> {
    discover_with(
        args,
        &Discovery {
            out_dir: None,
            max_bytes: pipeline::DEFAULT_MAX_FILE_BYTES,
            progress: false,
        },
    )
}

/// How a run finds its inputs.
pub struct Discovery<'a> {
    /// The run's output folder: the files a run writes there are not
    /// inputs when that folder lies among them (or is one), and archives
    /// inside archives are unpacked there.
    pub out_dir: Option<&'a Path>,
    /// An archive inside an archive over this is not unpacked (it fails as
    /// too large).
    pub max_bytes: u64,
    /// A spinner on stderr (when it is a terminal) while inputs are found:
    /// a folder of tens of thousands of files, or archives unpacked, take
    /// a while before the progress bar can count them.
    pub progress: bool,
}

/// Like [`discover`], as `how` says: a rerun must not read the last run's
/// CSVs as disclosures. A file named on the command line is an input
/// wherever it lies.
pub fn discover_with(args: &[PathBuf], how: &Discovery) -> Vec<Input> {
    if let Some(dir) = how.out_dir {
        unpack::remove_left_over(dir);
    }
    let mut walker = Walker {
        out: Vec::new(),
        walked: std::collections::HashSet::new(),
        out_dir: how.out_dir.and_then(|d| std::fs::canonicalize(d).ok()),
        unpacking: Unpacking::new(how.out_dir, how.max_bytes),
        spinner: spinner(how.progress),
    };
    for arg in args {
        if arg.is_dir() {
            walker.walk(arg);
        } else {
            walker.add(arg.clone());
        }
    }
    walker.spinner.finish_and_clear();
    let mut out = walker.out;
    out.sort();
    out.dedup();
    out
}

/// The spinner shown while inputs are found (hidden unless `show` and
/// stderr is a terminal).
fn spinner(show: bool) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} finding inputs: {pos} found · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    // Drawn on a timer: an archive unpacked for a minute still shows life.
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// The name a file is reported under. A name that is not UTF-8 is, as a
/// rule, a GBK name an archive made on Chinese Windows left (`奇台县预算.txt`
/// as GBK bytes): each part of the path that reads as GB18030 is shown so,
/// any other byte that is not UTF-8 as U+FFFD. (The file is still read by
/// its path; `doc_id` tells two files whose names show alike apart.)
fn source_name(path: &Path) -> String {
    #[cfg(unix)]
    if path.to_str().is_none() {
        use std::os::unix::ffi::OsStrExt;
        return path
            .as_os_str()
            .as_bytes()
            .split(|&b| b == b'/')
            .map(crate::decode::name_text)
            .collect::<Vec<_>>()
            .join("/");
    }
    path.to_string_lossy().into_owned()
}

/// The names a run writes in its output folder (`.NAME.partial` while
/// writing): never inputs there.
fn is_output_name(name: &str) -> bool {
    let record = name.rsplit_once('.').is_some_and(|(stem, ext)| {
        matches!(ext, "csv" | "parquet") && emit::RECORD_TABLES.iter().any(|(s, _)| *s == stem)
    });
    record || name == "tables" || (name.starts_with('.') && name.ends_with(".partial"))
}

struct Walker {
    out: Vec<Input>,
    /// Canonical directories walked already.
    walked: std::collections::HashSet<PathBuf>,
    /// The run's output folder, canonical.
    out_dir: Option<PathBuf>,
    /// Where archives inside archives are unpacked.
    unpacking: Unpacking,
    spinner: ProgressBar,
}

impl Walker {
    /// The file at `path`, or the files inside it.
    fn add(&mut self, path: PathBuf) {
        if !self.spinner.is_hidden() {
            self.spinner.set_message(source_name(&path));
        }
        Input::of_file(path, &mut self.unpacking, &mut self.out);
        self.spinner.set_position(self.out.len() as u64);
    }

    /// Symbolic links are followed; a directory reached again (a link to a
    /// parent, or two links to one folder) is walked once, so no file is
    /// listed twice through a loop.
    fn walk(&mut self, dir: &Path) {
        let real = std::fs::canonicalize(dir).ok();
        if let Some(real) = &real {
            if !self.walked.insert(real.clone()) {
                return;
            }
        }
        let in_out_dir = real.is_some() && real == self.out_dir;
        let Ok(entries) = std::fs::read_dir(dir) else {
            self.out.push(Input {
                path: dir.to_path_buf(),
                kind: InputKind::File,
                source: source_name(dir),
            });
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // A run's unpacking folder, wherever it lies (made in the output
            // folder as the walk goes on, or left by a killed run): never
            // inputs.
            if name.starts_with(unpack::FOLDER_PREFIX) || (in_out_dir && is_output_name(&name)) {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                self.walk(&path);
            } else {
                self.add(path);
            }
        }
    }
}

/// Counts for the end-of-run summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub ok: usize,
    pub partial: usize,
    pub failed: usize,
    pub cells: usize,
    pub repaired: usize,
    pub uncertain: usize,
    pub checks_failed: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Files with the same bytes as an earlier one (their rows not written).
    pub copies: usize,
    /// The run stopped at the first failed input (`--fail-fast`).
    pub stopped_early: bool,
    /// Outputs of an earlier run in the folder that this run did not write,
    /// removed at the end.
    pub removed: Vec<PathBuf>,
}

impl Summary {
    fn add(&mut self, o: &Outcome) {
        match o.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Failed => self.failed += 1,
        }
        self.cells += o.line_items.len();
        self.repaired += o.document.cells_repaired;
        self.uncertain += o.document.cells_uncertain;
        self.checks_failed += o.document.checks_failed;
    }

    pub fn documents(&self) -> usize {
        self.ok + self.partial + self.failed
    }

    /// The multi-line table printed at the end of a run.
    pub fn table(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let copies = match self.copies {
            0 => String::new(),
            n => format!("\n  copies     {n:>8}  same bytes as an earlier file: rows written once"),
        };
        format!(
            "  documents  {:>8}  ok {} · partial {} · failed {}{copies}\n  cells      {:>8}  ok {} · repaired {} · uncertain {}\n  checks     {:>8}  failed\n  elapsed    {:>8.2} s  {:.0} documents/s · {:.1} MB/s",
            self.documents(),
            self.ok,
            self.partial,
            self.failed,
            self.cells,
            self.cells - self.repaired - self.uncertain,
            self.repaired,
            self.uncertain,
            self.checks_failed,
            secs,
            self.documents() as f64 / secs,
            self.bytes as f64 / 1e6 / secs,
        )
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents: {} ok, {} partial, {} failed; {} cells ({} repaired, {} uncertain); {} checks failed",
            self.documents(),
            self.ok,
            self.partial,
            self.failed,
            self.cells,
            self.repaired,
            self.uncertain,
            self.checks_failed
        )?;
        if self.copies > 0 {
            write!(f, "; {} copies of earlier files", self.copies)?;
        }
        Ok(())
    }
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub csv: bool,
    pub parquet: bool,
}

/// Options of an extract run.
#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    pub formats: Formats,
    /// Write a UTF-8 BOM so Excel opens the CSVs correctly.
    pub excel: bool,
    /// Stop at the first input that fails.
    pub fail_fast: bool,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Larger input files fail unread.
    pub max_file_bytes: u64,
}

impl Options {
    /// CSV outputs only, no BOM, no progress bar, run to the end.
    pub fn csv(out_dir: PathBuf) -> Self {
        Options {
            out_dir,
            formats: Formats {
                csv: true,
                parquet: false,
            },
            excel: false,
            fail_fast: false,
            progress: false,
            max_file_bytes: pipeline::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// The CSV outputs of a run.
struct CsvOutputs {
    items: CsvSink<LineItem>,
    docs: CsvSink<DocumentRecord>,
    checks: CsvSink<CheckRecord>,
    issues: CsvSink<IssueRecord>,
    wide: WideTables,
}

/// The Parquet outputs of a run.
struct ParquetOutputs {
    items: ParquetSink,
    docs: ParquetSink,
    checks: ParquetSink,
    issues: ParquetSink,
}

/// Every output file of a run, fed one document at a time.
struct Outputs {
    csv: Option<CsvOutputs>,
    parquet: Option<ParquetOutputs>,
}

impl Outputs {
    fn create(opts: &Options) -> Result<Self> {
        let dir = &opts.out_dir;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating output directory {}", dir.display()))?;
        let csv = match opts.formats.csv {
            true => Some(CsvOutputs {
                items: CsvSink::create(
                    dir,
                    "line_items.csv",
                    opts.excel,
                    &emit::LINE_ITEM_COLUMNS,
                )?,
                docs: CsvSink::create(dir, "documents.csv", opts.excel, &emit::DOCUMENT_COLUMNS)?,
                checks: CsvSink::create(dir, "checks.csv", opts.excel, &emit::CHECK_COLUMNS)?,
                issues: CsvSink::create(dir, "issues.csv", opts.excel, &emit::ISSUE_COLUMNS)?,
                wide: WideTables::create(dir, opts.excel)?,
            }),
            false => None,
        };
        let parquet = match opts.formats.parquet {
            true => Some(ParquetOutputs {
                items: ParquetSink::create(
                    dir,
                    "line_items.parquet",
                    &emit::LINE_ITEM_COLUMNS,
                    &pq::LINE_ITEM_KINDS,
                )?,
                docs: ParquetSink::create(
                    dir,
                    "documents.parquet",
                    &emit::DOCUMENT_COLUMNS,
                    &pq::DOCUMENT_KINDS,
                )?,
                checks: ParquetSink::create(
                    dir,
                    "checks.parquet",
                    &emit::CHECK_COLUMNS,
                    &pq::CHECK_KINDS,
                )?,
                issues: ParquetSink::create(
                    dir,
                    "issues.parquet",
                    &emit::ISSUE_COLUMNS,
                    &pq::ISSUE_KINDS,
                )?,
            }),
            false => None,
        };
        Ok(Outputs { csv, parquet })
    }

    fn write(&mut self, o: &Outcome) -> Result<()> {
        if let Some(csv) = &mut self.csv {
            for li in &o.line_items {
                csv.items.write(li)?;
            }
            csv.docs.write(&o.document)?;
            for c in &o.checks {
                csv.checks.write(c)?;
            }
            for i in &o.issues {
                csv.issues.write(i)?;
            }
            csv.wide.write(Grammar::global(), &o.line_items)?;
        }
        if let Some(pq) = &mut self.parquet {
            for li in &o.line_items {
                pq.items.write(li)?;
            }
            pq.docs.write(&o.document)?;
            for c in &o.checks {
                pq.checks.write(c)?;
            }
            for i in &o.issues {
                pq.issues.write(i)?;
            }
        }
        Ok(())
    }

    /// Moves every file into place. Outputs of an earlier run in the same
    /// folder that this run does not write (a format not asked for, a table
    /// kind not seen) are removed, so the folder never mixes two runs.
    fn finish(self, dir: &Path) -> Result<Vec<PathBuf>> {
        let (csv, parquet) = (self.csv.is_some(), self.parquet.is_some());
        let mut kinds = Vec::new();
        if let Some(csv) = self.csv {
            csv.items.finish()?;
            csv.docs.finish()?;
            csv.checks.finish()?;
            csv.issues.finish()?;
            kinds = csv.wide.finish()?;
        }
        if let Some(pq) = self.parquet {
            pq.items.finish()?;
            pq.docs.finish()?;
            pq.checks.finish()?;
            pq.issues.finish()?;
        }
        // Only once every file of this run is in place.
        let written = emit::stale::Written {
            csv,
            parquet,
            kinds: &kinds,
        };
        emit::stale::remove(dir, Grammar::global(), &written)
    }
}

/// Files with the same bytes: one disclosure downloaded twice, or mirrored
/// under two names. The first copy in output order keeps the rows; a later
/// one is still listed in documents.csv, with no line items or checks of its
/// own, so that sums over line_items count each disclosure once. (It keeps
/// a doc_id and a source per distinct file: about 100 bytes each.)
#[derive(Default)]
struct FirstCopies(HashMap<String, String>);

impl FirstCopies {
    /// Whether `o` is a copy (its rows and checks are then dropped).
    fn note(&mut self, o: &mut Outcome) -> bool {
        // A failed file has no rows to count twice; its own error says more.
        if o.document.doc_id.is_empty() || o.status == Status::Failed {
            return false;
        }
        let first = match self.0.entry(o.document.doc_id.clone()) {
            Entry::Vacant(e) => {
                e.insert(o.document.source.clone());
                return false;
            }
            Entry::Occupied(e) => e.get().clone(),
        };
        o.line_items.clear();
        o.checks.clear();
        o.issues.clear();
        let d = &mut o.document;
        (
            d.line_items,
            d.cells_repaired,
            d.cells_uncertain,
            d.checks_failed,
        ) = (0, 0, 0, 0);
        let note = format!("same bytes as {first}: its rows are written once, under that source");
        // Its own problems are the first copy's, listed there.
        o.issues.push(IssueRecord {
            doc_id: d.doc_id.as_str().into(),
            source: d.source.as_str().into(),
            table_no: String::new(),
            table: "",
            issue: note.clone(),
        });
        d.error = if d.error.is_empty() {
            note
        } else {
            format!("{note}; {}", d.error)
        };
        true
    }
}

fn progress_bar(total: usize, show: bool) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    // A rate in whole files a second (indicatif's own shows four decimals).
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} files · {rate} · ETA {eta}")
        .map(|style| {
            style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} files/s", state.per_sec());
                },
            )
        });
    bar.set_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar
}

/// Processes `inputs` on the current rayon pool and writes the outputs.
/// `report` sees each document's outcome in output order.
///
/// Documents are processed a chunk at a time; while one chunk is computed in
/// parallel, the previous one is written (`rayon::join`), in input order.
pub fn run(
    inputs: &[Input],
    opts: &Options,
    mut report: impl FnMut(&Outcome) + Send,
) -> Result<Summary> {
    let started = Instant::now();
    let mut outputs = Outputs::create(opts)?;
    let bar = progress_bar(inputs.len(), opts.progress);
    let chunk = rayon::current_num_threads().max(1) * 16;
    let mut summary = Summary::default();
    let mut pending: Vec<(Outcome, u64)> = Vec::new();
    let mut first_copies = FirstCopies::default();
    // Writes a finished chunk; false when --fail-fast says stop.
    let mut write = |done: Vec<(Outcome, u64)>, summary: &mut Summary| -> Result<bool> {
        for (mut o, bytes) in done {
            summary.copies += usize::from(first_copies.note(&mut o));
            let o = &o;
            outputs.write(o)?;
            summary.add(o);
            summary.bytes = summary.bytes.saturating_add(bytes);
            bar.suspend(|| report(o));
            if opts.fail_fast && o.status == Status::Failed {
                summary.stopped_early = true;
                return Ok(false);
            }
        }
        Ok(true)
    };
    let compute = |part: &[Input]| -> Vec<(Outcome, u64)> {
        part.par_iter()
            .map(|i| {
                let done = i.process(opts.max_file_bytes);
                bar.inc(1);
                done
            })
            .collect()
    };
    let mut go_on = true;
    for part in inputs.chunks(chunk) {
        let done = std::mem::take(&mut pending);
        let (written, next) = rayon::join(|| write(done, &mut summary), || compute(part));
        if !written? {
            go_on = false;
            break;
        }
        pending = next;
    }
    if go_on {
        write(pending, &mut summary)?;
    }
    bar.finish_and_clear();
    summary.removed = outputs.finish(&opts.out_dir)?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs found for a run into `out_dir`, archives inside archives up
    /// to `max_bytes` unpacked.
    fn found_in(out_dir: Option<&Path>, max_bytes: u64) -> Discovery<'_> {
        Discovery {
            out_dir,
            max_bytes,
            progress: false,
        }
    }

    /// A text sample every test here can read.
    fn seed() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/002_ef8a97d7800bc6c6.txt")
    }

    /// A zip (in memory) of `files` (name, contents).
    fn zip_bytes(files: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn archives_inside_an_archive_are_unpacked_for_the_run_and_listed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read(seed()).unwrap();
        let inner = zip_bytes(&[("002.txt", &text)]);
        // Six zips, each inside the next: four levels are opened.
        let mut deep = inner.clone();
        for level in 0..6 {
            deep = zip_bytes(&[(&format!("l{level}.zip"), &deep)]);
        }
        let outer = zip_bytes(&[
            ("a.txt", &text),
            ("b/inner.ZIP", &inner),
            ("c/empty.zip", &zip_bytes(&[])),
            ("d/cut.zip", &inner[..inner.len() / 2]),
            ("e/deep.zip", &deep),
            // Named as no archive: a file, not unpacked.
            ("f/inner.bin", &inner),
        ]);
        std::fs::write(dir.path().join("县.zip"), outer).unwrap();
        let inputs = discover(&[dir.path().to_path_buf()]);
        let shown: Vec<(String, &str)> = inputs
            .iter()
            .map(|i| {
                let source = i.source.rsplit_once("县.zip/").unwrap().1.to_string();
                let kind = match &i.kind {
                    InputKind::File => "file",
                    InputKind::Member(_) => "member",
                    InputKind::NestedMember(..) => "nested",
                    InputKind::EmptyArchive => "empty",
                    InputKind::NotUnpacked(_) => "not unpacked",
                };
                (source, kind)
            })
            .collect();
        let expected = [
            ("a.txt", "member"),
            ("b/inner.ZIP/002.txt", "nested"),
            ("c/empty.zip", "empty"),
            ("d/cut.zip", "member"),
            ("e/deep.zip/l5.zip/l4.zip/l3.zip", "nested"),
            ("f/inner.bin", "member"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|&(s, k)| (s.to_string(), k)).collect();
        assert_eq!(shown, expected);
        assert!(inputs.iter().all(|i| i.path == dir.path().join("县.zip")));
        // The file in the zip in the zip reads as the file itself.
        let (nested, _) = inputs[1].process(1 << 30);
        let (alone, _) = pipeline::process_path(&seed(), "alone", 1 << 30);
        assert_eq!(nested.status, Status::Ok);
        assert_eq!(nested.document.doc_id, alone.document.doc_id);
        assert_eq!(nested.line_items.len(), alone.line_items.len());
        // The deepest zip is a file that fails, named.
        let (deepest, _) = inputs[4].process(1 << 30);
        assert!(
            deepest
                .document
                .error
                .contains("nested more than four deep"),
            "{}",
            deepest.document.error
        );
        // The unpacked archives are deleted with the inputs.
        let unpacked: Vec<PathBuf> = inputs
            .iter()
            .filter_map(|i| match &i.kind {
                InputKind::NestedMember(archive, _) => Some(archive.path().to_path_buf()),
                _ => None,
            })
            .collect();
        assert_eq!(unpacked.len(), 2);
        assert!(unpacked.iter().all(|p| p.exists()));
        drop(inputs);
        assert!(unpacked.iter().all(|p| !p.exists()));
        // With an output folder, unpacked there (in one hidden folder, gone
        // with the inputs); one a killed run left there is removed.
        let out = dir.path().join("out");
        let left = out.join(format!("{}-killed", unpack::FOLDER_PREFIX));
        std::fs::create_dir_all(&left).unwrap();
        std::fs::write(left.join("x.unpacked"), "x").unwrap();
        let unpacking_folders = || {
            std::fs::read_dir(&out)
                .unwrap()
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(unpack::FOLDER_PREFIX)
                })
                .count()
        };
        let inputs = discover_with(&[dir.path().join("县.zip")], &found_in(Some(&out), 1 << 30));
        assert!(!left.exists());
        assert_eq!(unpacking_folders(), 1);
        assert_eq!(inputs.len(), 6);
        // A walk that reaches an unpacking folder (the output folder among
        // the inputs, made as the walk goes on, or one a killed run left
        // elsewhere) takes nothing from it.
        let among = discover_with(&[dir.path().to_path_buf()], &found_in(None, 1 << 30));
        assert_eq!(
            among.len(),
            6,
            "{:?}",
            among.iter().map(|i| &i.source).collect::<Vec<_>>()
        );
        drop(inputs);
        assert_eq!(unpacking_folders(), 0);
        // Over the size limit, an archive inside is not unpacked: a member
        // that fails as too large.
        let small = discover_with(&[dir.path().to_path_buf()], &found_in(None, 100));
        assert!(matches!(small[1].kind, InputKind::Member(_)));
        let (o, _) = small[1].process(100);
        assert!(
            o.document.error.contains("--max-file-mb"),
            "{}",
            o.document.error
        );
    }

    #[test]
    fn two_archives_of_one_name_inside_an_archive_are_both_read() {
        // A 7z listing 部门.zip twice (tests/7z/generate.sh): one holds 002,
        // the other 003; both are inputs (once, one was dropped as a
        // duplicate of the other).
        let twins = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/7z/twin_zips.7z");
        let inputs = discover(&[twins]);
        let read: Vec<(String, String)> = inputs
            .iter()
            .map(|i| {
                let (o, _) = i.process(1 << 30);
                assert_eq!(o.status, Status::Ok, "{}", i.source);
                let name = i.source.rsplit_once("twin_zips.7z/").unwrap().1;
                (name.to_string(), o.document.doc_id)
            })
            .collect();
        let id = |name: &str| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(name);
            pipeline::process_path(&path, name, 1 << 30)
                .0
                .document
                .doc_id
        };
        assert_eq!(
            read,
            [
                (
                    "部门.zip/决算/003.txt".to_string(),
                    id("003_93f707ff5e41d323.txt")
                ),
                (
                    "部门.zip/预算/002.txt".to_string(),
                    id("002_ef8a97d7800bc6c6.txt")
                ),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_gbk_file_name_is_reported_as_its_chinese_name() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        // 奇台县 in GBK, in a folder and a file name; a byte no encoding
        // reads (0xFF); a UTF-8 name beside them.
        let gbk_dir = dir
            .path()
            .join(OsStr::from_bytes(b"\xc6\xe6\xcc\xa8\xcf\xd8"));
        std::fs::create_dir(&gbk_dir).unwrap();
        for name in [
            &b"\xd4\xa4\xcb\xe3.txt"[..],
            b"bad\xff.txt",
            "决算.txt".as_bytes(),
        ] {
            std::fs::copy(seed(), gbk_dir.join(OsStr::from_bytes(name))).unwrap();
        }
        let root = dir.path().to_str().unwrap();
        let sources: Vec<String> = discover(&[dir.path().to_path_buf()])
            .into_iter()
            .map(|i| i.source.strip_prefix(root).unwrap().to_string())
            .collect();
        // In path order, a part's bytes deciding (GBK 预算 before UTF-8 决算).
        assert_eq!(
            sources,
            [
                "/奇台县/bad\u{fffd}.txt",
                "/奇台县/预算.txt",
                "/奇台县/决算.txt"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_among_the_inputs_is_listed_unopened_and_fails() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("p");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        // Opening a pipe for reading waits for a writer: listing the inputs
        // (which looks for zip archives) must not open it.
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.path().to_path_buf();
        std::thread::spawn(move || tx.send(discover(&[root])).unwrap());
        let inputs = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("listing the inputs returns");
        assert_eq!(inputs.len(), 1);
        let (o, _) = inputs[0].process(1 << 20);
        assert_eq!(o.status, Status::Failed);
        assert!(o.document.error.starts_with("not a regular file"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_lists_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("x.txt"), "x").unwrap();
        std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
        let inputs = discover(&[dir.path().to_path_buf(), sub.clone()]);
        let names: Vec<&Path> = inputs.iter().map(|i| i.path.as_path()).collect();
        assert_eq!(names, [sub.join("x.txt")]);
    }

    #[test]
    fn the_output_directory_among_the_inputs_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let seed = seed();
        std::fs::copy(&seed, dir.path().join("a.txt")).unwrap();
        let out = dir.path().join("out");
        let args = [dir.path().to_path_buf()];
        // Twice: the second run must not take the first run's CSVs as inputs.
        for _ in 0..2 {
            let inputs = discover_with(
                &args,
                &found_in(Some(&out), pipeline::DEFAULT_MAX_FILE_BYTES),
            );
            assert_eq!(inputs.len(), 1);
            let summary = run(&inputs, &Options::csv(out.clone()), |_| {}).unwrap();
            assert_eq!((summary.ok, summary.failed), (1, 0));
        }
        // Named on the command line, a file there is an input.
        let named = [out.join("documents.csv")];
        assert_eq!(
            discover_with(
                &named,
                &found_in(Some(&out), pipeline::DEFAULT_MAX_FILE_BYTES)
            )
            .len(),
            1
        );
        // The output folder is the input folder (`extract . -o .`): its
        // disclosures are inputs, the run's own files are not.
        let same = tempfile::tempdir().unwrap();
        std::fs::copy(&seed, same.path().join("a.txt")).unwrap();
        let args = [same.path().to_path_buf()];
        for _ in 0..2 {
            let inputs = discover_with(
                &args,
                &found_in(Some(same.path()), pipeline::DEFAULT_MAX_FILE_BYTES),
            );
            let names: Vec<_> = inputs.iter().map(|i| i.path.clone()).collect();
            assert_eq!(names, [same.path().join("a.txt")]);
            run(&inputs, &Options::csv(same.path().to_path_buf()), |_| {}).unwrap();
        }
        assert!(same.path().join("tables/summary.csv").exists());
        assert!(same.path().join("a.txt").exists());
    }

    #[test]
    fn a_rerun_into_the_same_folder_leaves_none_of_the_earlier_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let names = |sub: &str| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(out.join(sub))
                .unwrap()
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        // Run 1: every sample, CSV and Parquet.
        let samples = discover(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")]);
        let both = Options {
            formats: Formats {
                csv: true,
                parquet: true,
            },
            ..Options::csv(out.clone())
        };
        run(&samples, &both, |_| {}).unwrap();
        assert!(names("tables").len() > 2, "{:?}", names("tables"));
        assert!(names("").contains(&"line_items.parquet".to_string()));
        // Run 2: one document with one table kind, CSV only.
        let one = dir.path().join("one.txt");
        std::fs::write(
            &one,
            "表1\n部门支出总体情况表\n单位：万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
             201\t一般公共服务支出\t3\t1\t2\n",
        )
        .unwrap();
        run(
            &discover(std::slice::from_ref(&one)),
            &Options::csv(out.clone()),
            |_| {},
        )
        .unwrap();
        assert_eq!(names("tables"), ["expenditure.csv"]);
        // A file of the user's own in tables/ is left alone.
        std::fs::write(out.join("tables/my_notes.csv"), "mine").unwrap();
        assert_eq!(
            names(""),
            [
                "checks.csv",
                "documents.csv",
                "issues.csv",
                "line_items.csv"
            ]
        );
        // Run 3: Parquet only.
        let parquet = Options {
            formats: Formats {
                csv: false,
                parquet: true,
            },
            ..Options::csv(out.clone())
        };
        run(&discover(&[one]), &parquet, |_| {}).unwrap();
        assert_eq!(
            names(""),
            [
                "checks.parquet",
                "documents.parquet",
                "issues.parquet",
                "line_items.parquet"
            ]
        );
        assert_eq!(names("tables"), ["my_notes.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_device_fails_unread_and_the_batch_goes_on() {
        // /dev/zero never ends: reading it would hang the batch and fill memory.
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
        let seed = seed();
        std::fs::copy(&seed, dir.path().join("a.txt")).unwrap();
        let mut errors = Vec::new();
        let opts = Options::csv(dir.path().join("out"));
        let summary = run(&discover(&[dir.path().to_path_buf()]), &opts, |o| {
            errors.push(o.document.error.clone())
        })
        .unwrap();
        assert_eq!((summary.ok, summary.failed), (1, 1));
        assert_eq!(
            errors[1],
            "not a regular file (a pipe, a device or a socket): not read"
        );
    }

    #[test]
    fn a_second_copy_of_a_file_is_listed_without_rows() {
        // The same disclosure saved twice: summing line_items must count it
        // once, and the copy must still be accounted for.
        let dir = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(seed()).unwrap();
        for name in ["a.txt", "b.txt"] {
            std::fs::write(dir.path().join(name), &bytes).unwrap();
        }
        let mut other = bytes.clone();
        other.extend_from_slice("\n".as_bytes());
        std::fs::write(dir.path().join("c.txt"), &other).unwrap();
        // Two empty files fail alike; neither is called a copy.
        for name in ["d.txt", "e.txt"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let out = dir.path().join("out");
        let inputs = discover(&[dir.path().to_path_buf()]);
        let mut seen = Vec::new();
        let mut issues = Vec::new();
        let summary = run(&inputs, &Options::csv(out.clone()), |o| {
            seen.push((o.line_items.len(), o.checks.len(), o.document.error.clone()));
            issues.push(o.issues.iter().map(|i| i.issue.clone()).collect::<Vec<_>>());
        })
        .unwrap();
        assert_eq!((summary.documents(), summary.copies), (5, 1));
        assert_eq!(summary.cells, 2 * 272);
        assert_eq!(seen[0], (272, 363, String::new()));
        let a = inputs[0].source.clone();
        assert_eq!(
            seen[1],
            (
                0,
                0,
                format!("same bytes as {a}: its rows are written once, under that source")
            )
        );
        // Its one issue says whose copy it is (a clean seed: no other).
        assert_eq!(issues[0], Vec::<String>::new());
        assert_eq!(issues[1], [seen[1].2.clone()]);
        assert_eq!((seen[2].0, seen[2].2.as_str()), (272, ""));
        assert_eq!(
            (seen[3].2.as_str(), seen[4].2.as_str()),
            ("empty file", "empty file")
        );
        let documents = std::fs::read_to_string(out.join("documents.csv")).unwrap();
        assert_eq!(documents.lines().count(), 6);
    }

    #[test]
    fn a_file_over_the_size_limit_fails_unread_with_its_doc_id() {
        let dir = tempfile::tempdir().unwrap();
        let seed = seed();
        let bytes = std::fs::read(&seed).unwrap();
        std::fs::write(dir.path().join("big.txt"), &bytes).unwrap();
        std::fs::write(dir.path().join("small.txt"), &bytes[..bytes.len() / 4]).unwrap();
        let opts = Options {
            max_file_bytes: bytes.len() as u64 - 1,
            ..Options::csv(dir.path().join("out"))
        };
        let mut seen = Vec::new();
        let summary = run(&discover(&[dir.path().to_path_buf()]), &opts, |o| {
            seen.push((
                o.document.source.clone(),
                o.document.doc_id.clone(),
                o.document.error.clone(),
            ))
        })
        .unwrap();
        assert_eq!(summary.documents(), 2);
        let (source, id, error) = &seen[0];
        assert!(source.ends_with("big.txt"), "{source}");
        assert_eq!(id, &pipeline::doc_id(&bytes));
        assert_eq!(
            error,
            "file of 32206 bytes exceeds the --max-file-mb limit (32205 bytes): not read"
        );
        // The file under the limit is read as usual.
        assert!(!seen[1].2.contains("limit"), "{:?}", seen[1]);
    }

    #[test]
    fn a_panicking_document_fails_alone_and_the_batch_completes() {
        let dir = tempfile::tempdir().unwrap();
        let seed = seed();
        std::fs::copy(&seed, dir.path().join("a.txt")).unwrap();
        std::fs::write(dir.path().join("b.txt"), b"BUDGET-HARVEST-TEST-PANIC").unwrap();
        std::fs::copy(&seed, dir.path().join("c.txt")).unwrap();
        let out = dir.path().join("out");
        let opts = Options::csv(out.clone());
        let inputs = discover(&[dir.path().to_path_buf()]);
        let summary = run(&inputs, &opts, |_| {}).unwrap();
        assert_eq!((summary.ok, summary.partial, summary.failed), (2, 0, 1));
        let docs = std::fs::read_to_string(out.join("documents.csv")).unwrap();
        let b = docs.lines().find(|l| l.contains("b.txt")).unwrap();
        assert!(
            b.ends_with(",failed,internal error: test hook: parser panic"),
            "{b}"
        );
        assert_eq!(docs.lines().count(), 4);

        // --fail-fast stops at the failed input; outputs are still complete files.
        let opts = Options {
            fail_fast: true,
            out_dir: dir.path().join("out2"),
            ..opts
        };
        let summary = run(&inputs, &opts, |_| {}).unwrap();
        assert!(summary.stopped_early);
        assert_eq!((summary.ok, summary.failed), (1, 1));
        let docs = std::fs::read_to_string(dir.path().join("out2/documents.csv")).unwrap();
        assert_eq!(docs.lines().count(), 3);
    }
}
