//! A batch run: find the inputs, process them in parallel, write the outputs
//! in a deterministic order.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::emit::{self, CheckRecord, CsvSink, DocumentRecord, LineItem};
use crate::pipeline::{self, Outcome, Status};

/// One input file and the name it is reported under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub path: PathBuf,
    /// The path as given on the command line (joined with the entries of a
    /// directory argument).
    pub source: String,
}

/// Expands files and directories (recursively) into a sorted list of inputs.
/// A path that does not exist is still an input: it is reported as failed.
pub fn discover(args: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_dir() {
            walk(arg, &mut out);
        } else {
            out.push(Input {
                path: arg.clone(),
                source: arg.to_string_lossy().into_owned(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(Input {
            path: dir.to_path_buf(),
            source: dir.to_string_lossy().into_owned(),
        });
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(Input {
                source: path.to_string_lossy().into_owned(),
                path,
            });
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
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents: {} ok, {} partial, {} failed; {} cells ({} repaired, {} uncertain); {} checks failed",
            self.ok + self.partial + self.failed,
            self.ok,
            self.partial,
            self.failed,
            self.cells,
            self.repaired,
            self.uncertain,
            self.checks_failed
        )
    }
}

/// Options of an extract run.
#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    /// Write a UTF-8 BOM so Excel opens the CSVs correctly.
    pub excel: bool,
}

/// Processes `inputs` and writes `line_items.csv` and `documents.csv`.
/// `report` sees each document's outcome in output order.
pub fn run(inputs: &[Input], opts: &Options, mut report: impl FnMut(&Outcome)) -> Result<Summary> {
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("creating output directory {}", opts.out_dir.display()))?;
    let outcomes: Vec<Outcome> = inputs
        .par_iter()
        .map(|i| pipeline::process_path(&i.path, &i.source))
        .collect();
    let mut items: CsvSink<LineItem> =
        CsvSink::create(&opts.out_dir, "line_items.csv", opts.excel)?;
    let mut docs: CsvSink<DocumentRecord> =
        CsvSink::create(&opts.out_dir, "documents.csv", opts.excel)?;
    let mut checks: CsvSink<CheckRecord> =
        CsvSink::create(&opts.out_dir, "checks.csv", opts.excel)?;
    let mut summary = Summary::default();
    for o in &outcomes {
        for li in &o.line_items {
            items.write(li)?;
        }
        docs.write(&o.document)?;
        for c in &o.checks {
            checks.write(c)?;
        }
        summary.add(o);
        report(o);
    }
    items.finish(&emit::LINE_ITEM_COLUMNS)?;
    docs.finish(&emit::DOCUMENT_COLUMNS)?;
    checks.finish(&emit::CHECK_COLUMNS)?;
    Ok(summary)
}
