//! Stage 6 — records and the output files (SCHEMA.md): CSV, Parquet, and
//! wide per-kind CSVs.
//!
//! Every file is written to a temporary name and renamed when complete, so an
//! interrupted run never leaves a half-written file that looks complete.

pub mod parquet;
pub mod stale;
pub mod wide;

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::model::{CellStatus, Document};

/// A record's values in column order, as text (the CSV cell), borrowed
/// where the record holds them: the writers run once per output row.
pub trait Fields {
    fn fields(&self) -> Vec<Cow<'_, str>>;
}

/// Text shared by many records (a document's id, a row's label).
pub type Shared = std::sync::Arc<str>;

/// One row of `line_items.csv`.
///
/// The text fields describe the document, the table or the row, and are the
/// same for all of its cells: they are shared ([`Shared`]), not copied per
/// cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub doc_id: Shared,
    pub source: Shared,
    pub table_no: Shared,
    pub table: &'static str,
    pub section: &'static str,
    pub code: Shared,
    pub level: Shared,
    pub item: Shared,
    pub project: Shared,
    pub measure: &'static str,
    pub amount: String,
    pub unit: &'static str,
    pub status: &'static str,
    pub line: Shared,
    /// Which table row of the document this cell came from (not written:
    /// it groups a row's cells for the wide files).
    pub row: usize,
}

/// One row of `checks.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    pub doc_id: Shared,
    pub table: &'static str,
    pub rule: &'static str,
    pub subject: String,
    pub expected: String,
    pub actual: String,
    /// `true`, `false`, or `unchecked` (a narrative figure no rule covers).
    pub ok: &'static str,
}

/// One row of `issues.csv`: one problem noticed in a document (documents.csv
/// `error` shows the first three of them), with the table it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRecord {
    pub doc_id: Shared,
    pub source: Shared,
    /// The table's printed number (`3` for 表3), when it has one.
    pub table_no: String,
    /// The table's kind; empty for the document as a whole.
    pub table: &'static str,
    pub issue: String,
}

/// One row of `documents.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    let cells = doc
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|r| r.values.len())
        .sum();
    let mut out = Vec::with_capacity(cells);
    let doc_id = Shared::from(record.doc_id.as_str());
    let source = Shared::from(record.source.as_str());
    let g = crate::grammar::Grammar::global();
    let rows = doc
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(move |r| (t, r)));
    for (row, (t, r)) in rows.enumerate() {
        if r.values.is_empty() {
            continue;
        }
        // Formatted once per row, shared by its cells.
        let table_no = Shared::from(opt(t.number));
        let code = Shared::from(r.code.as_ref().map_or("", |c| c.as_str()));
        let level = Shared::from(opt(r.code.as_ref().map(|c| c.level())));
        let item = Shared::from(r.item.as_str());
        let project = Shared::from(r.project.as_str());
        let line = Shared::from(r.at.to_string());
        for v in &r.values {
            out.push(LineItem {
                doc_id: doc_id.clone(),
                source: source.clone(),
                table_no: table_no.clone(),
                table: t.kind,
                section: r.section.map_or("", |s| s.as_str()),
                code: code.clone(),
                level: level.clone(),
                item: item.clone(),
                project: project.clone(),
                measure: v.measure,
                amount: v.amount.to_string(),
                // A rate (增减率) is a percentage, whatever the table's unit.
                unit: if g.identities.is_percentage(v.measure) {
                    PERCENT
                } else {
                    t.unit.as_str()
                },
                status: v.status.as_str(),
                line: line.clone(),
                row,
            });
        }
    }
    out
}

/// The `unit` of a percentage column's cells.
pub const PERCENT: &str = "%";

/// Bytes the csv writer collects before each write to its file.
const CSV_BUFFER: usize = 1 << 16;

/// Streams rows of one CSV file to `dir/name` through a temporary file.
pub struct CsvSink<T> {
    writer: csv::Writer<File>,
    tmp: std::path::PathBuf,
    dest: std::path::PathBuf,
    _row: std::marker::PhantomData<T>,
}

impl<T> CsvSink<T> {
    /// Creates the file and writes its `header`; `bom` writes a UTF-8
    /// byte-order mark first (for Excel).
    pub fn create<H: AsRef<[u8]>>(dir: &Path, name: &str, bom: bool, header: &[H]) -> Result<Self> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let mut file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        if bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        let mut sink = CsvSink {
            // The csv writer buffers itself (a BufWriter under it would copy
            // every byte twice); a larger buffer means fewer writes.
            writer: csv::WriterBuilder::new()
                .buffer_capacity(CSV_BUFFER)
                .from_writer(file),
            tmp,
            dest,
            _row: std::marker::PhantomData,
        };
        sink.write_raw(header)?;
        Ok(sink)
    }

    /// Writes a record given as its fields (for files whose columns are
    /// only known at run time).
    pub fn write_raw<I, F>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes and moves the file into place.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        drop(self.writer);
        fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("moving {} into place", self.dest.display()))
    }
}

impl<T: Fields> CsvSink<T> {
    pub fn write(&mut self, row: &T) -> Result<()> {
        self.write_raw(row.fields().iter().map(|f| f.as_bytes()))
    }
}

/// The three record tables, by file stem (`.csv` / `.parquet`) and columns:
/// what a run writes at the top of its output folder.
pub const RECORD_TABLES: [(&str, &[&str]); 4] = [
    ("line_items", &LINE_ITEM_COLUMNS),
    ("documents", &DOCUMENT_COLUMNS),
    ("checks", &CHECK_COLUMNS),
    ("issues", &ISSUE_COLUMNS),
];

pub const LINE_ITEM_COLUMNS: [&str; 14] = [
    "doc_id", "source", "table_no", "table", "section", "code", "level", "item", "project",
    "measure", "amount", "unit", "status", "line",
];

pub const CHECK_COLUMNS: [&str; 7] = [
    "doc_id", "table", "rule", "subject", "expected", "actual", "ok",
];

pub const ISSUE_COLUMNS: [&str; 5] = ["doc_id", "source", "table_no", "table", "issue"];

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
    fn fields(&self) -> Vec<Cow<'_, str>> {
        [
            &*self.doc_id,
            &self.source,
            &self.table_no,
            self.table,
            self.section,
            &self.code,
            &self.level,
            &self.item,
            &self.project,
            self.measure,
            &self.amount,
            self.unit,
            self.status,
            &self.line,
        ]
        .into_iter()
        .map(Cow::Borrowed)
        .collect()
    }
}

impl Fields for CheckRecord {
    fn fields(&self) -> Vec<Cow<'_, str>> {
        [
            &*self.doc_id,
            self.table,
            self.rule,
            &self.subject,
            &self.expected,
            &self.actual,
            self.ok,
        ]
        .into_iter()
        .map(Cow::Borrowed)
        .collect()
    }
}

impl Fields for IssueRecord {
    fn fields(&self) -> Vec<Cow<'_, str>> {
        [
            &*self.doc_id,
            &self.source,
            &self.table_no,
            self.table,
            &self.issue,
        ]
        .into_iter()
        .map(Cow::Borrowed)
        .collect()
    }
}

impl Fields for DocumentRecord {
    fn fields(&self) -> Vec<Cow<'_, str>> {
        fn text(s: &str) -> Cow<'_, str> {
            Cow::Borrowed(s)
        }
        fn count(n: usize) -> Cow<'static, str> {
            Cow::Owned(n.to_string())
        }
        vec![
            text(&self.doc_id),
            text(&self.source),
            text(self.format),
            text(self.encoding),
            text(self.layout),
            text(&self.agency),
            text(&self.year),
            text(self.kind),
            text(self.unit),
            text(&self.staff_quota),
            text(&self.staff_actual),
            text(&self.staff_active),
            text(&self.staff_retired),
            text(&self.staff_honorary_retired),
            count(self.tables),
            text(&self.unknown_tables),
            count(self.line_items),
            count(self.cells_repaired),
            count(self.cells_uncertain),
            count(self.checks_failed),
            text(self.status),
            text(&self.error),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_give_each_column_its_own_field() {
        // Every field distinct, so a swapped pair would show.
        let item = LineItem {
            doc_id: "doc_id".into(),
            source: "source".into(),
            table_no: "table_no".into(),
            table: "table",
            section: "section",
            code: "code".into(),
            level: "level".into(),
            item: "item".into(),
            project: "project".into(),
            measure: "measure",
            amount: "amount".into(),
            unit: "unit",
            status: "status",
            line: "line".into(),
            row: 0,
        };
        assert_eq!(item.fields(), LINE_ITEM_COLUMNS.map(Cow::Borrowed));
        let check = CheckRecord {
            doc_id: "doc_id".into(),
            table: "table",
            rule: "rule",
            subject: "subject".into(),
            expected: "expected".into(),
            actual: "actual".into(),
            ok: "ok",
        };
        assert_eq!(check.fields(), CHECK_COLUMNS.map(Cow::Borrowed));
        let mut doc = DocumentRecord::new("doc_id".into(), "source");
        (
            doc.format,
            doc.encoding,
            doc.layout,
            doc.kind,
            doc.unit,
            doc.status,
        ) = ("format", "encoding", "layout", "kind", "unit", "status");
        for (field, name) in [
            (&mut doc.agency, "agency"),
            (&mut doc.year, "year"),
            (&mut doc.staff_quota, "staff_quota"),
            (&mut doc.staff_actual, "staff_actual"),
            (&mut doc.staff_active, "staff_active"),
            (&mut doc.staff_retired, "staff_retired"),
            (&mut doc.staff_honorary_retired, "staff_honorary_retired"),
            (&mut doc.unknown_tables, "unknown_tables"),
            (&mut doc.error, "error"),
        ] {
            *field = name.into();
        }
        (
            doc.tables,
            doc.line_items,
            doc.cells_repaired,
            doc.cells_uncertain,
            doc.checks_failed,
        ) = (1, 2, 3, 4, 5);
        let fields = doc.fields();
        assert_eq!(fields.len(), DOCUMENT_COLUMNS.len());
        for (name, field) in DOCUMENT_COLUMNS.iter().zip(&fields) {
            let count = match *name {
                "tables" => Some("1"),
                "line_items" => Some("2"),
                "cells_repaired" => Some("3"),
                "cells_uncertain" => Some("4"),
                "checks_failed" => Some("5"),
                _ => None,
            };
            assert_eq!(field, count.unwrap_or(name), "{name}");
        }
    }

    #[test]
    fn a_rows_cells_share_its_row_index() {
        let record = DocumentRecord::new("d".into(), "a.txt");
        let doc =
            crate::pipeline::document(include_bytes!("../../samples/002_ef8a97d7800bc6c6.txt"))
                .expect("sample reads");
        let items = line_items(&record, &doc);
        assert!(items.len() > 100, "{}", items.len());
        let mut rows: Vec<usize> = items.iter().map(|i| i.row).collect();
        assert!(rows.windows(2).all(|w| w[0] <= w[1]));
        rows.dedup();
        let printed = doc.tables.iter().flat_map(|t| &t.rows);
        assert_eq!(rows.len(), printed.filter(|r| !r.values.is_empty()).count());
    }
}
