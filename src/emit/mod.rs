//! Stage 6 — records and the output files (SCHEMA.md): CSV, Parquet, and
//! wide per-kind CSVs.
//!
//! Every file is written to a temporary name and renamed when complete, so an
//! interrupted run never leaves a half-written file that looks complete.

pub mod parquet;
pub mod wide;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::model::{CellStatus, Document};

/// A record's values in column order, as text (the CSV cell), for the
/// Parquet writer.
pub trait Fields {
    fn fields(&self) -> Vec<String>;
}

/// One row of `line_items.csv`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LineItem {
    pub doc_id: String,
    pub source: String,
    pub table_no: String,
    pub table: &'static str,
    pub section: &'static str,
    pub code: String,
    pub level: String,
    pub item: String,
    pub project: String,
    pub measure: &'static str,
    pub amount: String,
    pub unit: &'static str,
    pub status: &'static str,
    pub line: String,
    /// Which table row of the document this cell came from (not written:
    /// it groups a row's cells for the wide files).
    #[serde(skip)]
    pub row: usize,
}

/// One row of `checks.csv`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckRecord {
    pub doc_id: String,
    pub table: &'static str,
    pub rule: &'static str,
    pub subject: String,
    pub expected: String,
    pub actual: String,
    /// `true`, `false`, or `unchecked` (a narrative figure no rule covers).
    pub ok: &'static str,
}

/// One row of `documents.csv`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentRecord {
    pub doc_id: String,
    pub source: String,
    pub format: &'static str,
    pub encoding: &'static str,
    pub layout: &'static str,
    pub agency: String,
    pub year: String,
    pub kind: &'static str,
    pub unit: &'static str,
    pub staff_quota: String,
    pub staff_actual: String,
    pub staff_active: String,
    pub staff_retired: String,
    pub staff_honorary_retired: String,
    pub tables: usize,
    pub unknown_tables: String,
    pub line_items: usize,
    pub cells_repaired: usize,
    pub cells_uncertain: usize,
    pub checks_failed: usize,
    pub status: &'static str,
    pub error: String,
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl DocumentRecord {
    pub fn new(doc_id: String, source: &str) -> Self {
        DocumentRecord {
            doc_id,
            source: source.to_string(),
            format: "text",
            encoding: "",
            layout: "",
            agency: String::new(),
            year: String::new(),
            kind: "",
            unit: "",
            staff_quota: String::new(),
            staff_actual: String::new(),
            staff_active: String::new(),
            staff_retired: String::new(),
            staff_honorary_retired: String::new(),
            tables: 0,
            unknown_tables: String::new(),
            line_items: 0,
            cells_repaired: 0,
            cells_uncertain: 0,
            checks_failed: 0,
            status: "",
            error: String::new(),
        }
    }

    /// Fills the metadata and counts from a recognised document.
    pub fn fill(&mut self, doc: &Document, items: &[LineItem]) {
        self.agency = doc.agency.clone().unwrap_or_default();
        self.year = opt(doc.year);
        self.kind = doc.kind.map_or("", |k| k.as_str());
        self.unit = doc.unit().map_or("", |u| u.as_str());
        let s = &doc.staffing;
        self.staff_quota = opt(s.quota);
        self.staff_actual = opt(s.actual);
        self.staff_active = opt(s.active);
        self.staff_retired = opt(s.retired);
        self.staff_honorary_retired = opt(s.honorary_retired);
        self.tables = doc.tables.len();
        self.unknown_tables = doc.unknown_tables.join("|");
        self.line_items = items.len();
        self.cells_repaired = items
            .iter()
            .filter(|i| i.status == CellStatus::Repaired.as_str())
            .count();
        self.cells_uncertain = items
            .iter()
            .filter(|i| i.status == CellStatus::Uncertain.as_str())
            .count();
    }
}

/// Flattens a document's tables into line items, in document order.
pub fn line_items(record: &DocumentRecord, doc: &Document) -> Vec<LineItem> {
    let mut out = Vec::new();
    let rows = doc
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(move |r| (t, r)));
    for (row, (t, r)) in rows.enumerate() {
        // Formatted once per row, cloned per cell.
        let table_no = opt(t.number);
        let code = r
            .code
            .as_ref()
            .map_or(String::new(), |c| c.as_str().to_string());
        let level = opt(r.code.as_ref().map(|c| c.level()));
        let line = r.at.to_string();
        for v in &r.values {
            out.push(LineItem {
                doc_id: record.doc_id.clone(),
                source: record.source.clone(),
                table_no: table_no.clone(),
                table: t.kind,
                section: r.section.map_or("", |s| s.as_str()),
                code: code.clone(),
                level: level.clone(),
                item: r.item.clone(),
                project: r.project.clone(),
                measure: v.measure,
                amount: v.amount.to_string(),
                unit: t.unit.as_str(),
                status: v.status.as_str(),
                line: line.clone(),
                row,
            });
        }
    }
    out
}

/// Streams rows of one CSV file to `dir/name` through a temporary file.
pub struct CsvSink<T: Serialize> {
    writer: csv::Writer<BufWriter<File>>,
    rows: usize,
    tmp: std::path::PathBuf,
    dest: std::path::PathBuf,
    _row: std::marker::PhantomData<T>,
}

impl<T: Serialize> CsvSink<T> {
    /// `bom` writes a UTF-8 byte-order mark (for Excel).
    pub fn create(dir: &Path, name: &str, bom: bool) -> Result<Self> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let mut file = BufWriter::new(
            File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?,
        );
        if bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        Ok(CsvSink {
            writer: csv::Writer::from_writer(file),
            rows: 0,
            tmp,
            dest,
            _row: std::marker::PhantomData,
        })
    }

    /// Writes a record given as its fields (for files whose columns are
    /// only known at run time).
    pub fn write_raw<I, F>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        self.rows += 1;
        self.writer
            .write_record(fields)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    pub fn write(&mut self, row: &T) -> Result<()> {
        self.rows += 1;
        self.writer
            .serialize(row)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes and moves the file into place. An empty output still gets its header.
    pub fn finish(mut self, header: &[&str]) -> Result<()> {
        if self.rows == 0 && !header.is_empty() {
            self.writer.write_record(header)?;
        }
        self.writer.flush()?;
        drop(self.writer);
        fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("moving {} into place", self.dest.display()))
    }
}

pub const LINE_ITEM_COLUMNS: [&str; 14] = [
    "doc_id", "source", "table_no", "table", "section", "code", "level", "item", "project",
    "measure", "amount", "unit", "status", "line",
];

pub const CHECK_COLUMNS: [&str; 7] = [
    "doc_id", "table", "rule", "subject", "expected", "actual", "ok",
];

pub const DOCUMENT_COLUMNS: [&str; 22] = [
    "doc_id",
    "source",
    "format",
    "encoding",
    "layout",
    "agency",
    "year",
    "kind",
    "unit",
    "staff_quota",
    "staff_actual",
    "staff_active",
    "staff_retired",
    "staff_honorary_retired",
    "tables",
    "unknown_tables",
    "line_items",
    "cells_repaired",
    "cells_uncertain",
    "checks_failed",
    "status",
    "error",
];

impl Fields for LineItem {
    fn fields(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.source.clone(),
            self.table_no.clone(),
            self.table.to_string(),
            self.section.to_string(),
            self.code.clone(),
            self.level.clone(),
            self.item.clone(),
            self.project.clone(),
            self.measure.to_string(),
            self.amount.clone(),
            self.unit.to_string(),
            self.status.to_string(),
            self.line.clone(),
        ]
    }
}

impl Fields for CheckRecord {
    fn fields(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.table.to_string(),
            self.rule.to_string(),
            self.subject.clone(),
            self.expected.clone(),
            self.actual.clone(),
            self.ok.to_string(),
        ]
    }
}

impl Fields for DocumentRecord {
    fn fields(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.source.clone(),
            self.format.to_string(),
            self.encoding.to_string(),
            self.layout.to_string(),
            self.agency.clone(),
            self.year.clone(),
            self.kind.to_string(),
            self.unit.to_string(),
            self.staff_quota.clone(),
            self.staff_actual.clone(),
            self.staff_active.clone(),
            self.staff_retired.clone(),
            self.staff_honorary_retired.clone(),
            self.tables.to_string(),
            self.unknown_tables.clone(),
            self.line_items.to_string(),
            self.cells_repaired.to_string(),
            self.cells_uncertain.to_string(),
            self.checks_failed.to_string(),
            self.status.to_string(),
            self.error.clone(),
        ]
    }
}
