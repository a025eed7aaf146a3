//! `tables/<kind>.csv`: one row per (document, table row), one column per
//! measure — the shape a spreadsheet user wants. Columns are the measures of
//! the kind's standard layouts; a measure outside them goes to
//! `other_measures` (`measure=amount;…`), never dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{CsvSink, LineItem};
use crate::grammar::{Grammar, Measure, Shape};
use crate::model::{same_measure, CellStatus};

const KEY_COLUMNS: [&str; 11] = [
    "doc_id",
    "source",
    "table_no",
    "section",
    "code",
    "level",
    "item",
    "project_name",
    "unit",
    "status",
    "line",
];

/// The measure columns of a kind's wide file.
pub fn measures(g: &Grammar, kind: &str) -> Vec<Measure> {
    let mut out: Vec<Measure> = Vec::new();
    if let Some(k) = g.kind(kind) {
        // Any table may print last year's figures beside this year's, the
        // change and its rate (the grammar's comparisons); a two-sided or
        // “三公” table, this year's as budget or final.
        let this_years: &[Measure] = match k.shape {
            Shape::TwoSided | Shape::ThreePublic => &["budget", "final"],
            Shape::Coded => &[],
        };
        let extra = this_years.iter().copied().chain(g.identities.comparisons());
        for m in k
            .layouts
            .iter()
            .chain(&k.expenditure_layouts)
            .flatten()
            .copied()
            .chain(extra)
        {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// The header of a kind's wide file, from its [`measures`].
pub fn header(measures: &[Measure]) -> Vec<String> {
    let mut header: Vec<String> = KEY_COLUMNS.iter().map(|s| s.to_string()).collect();
    header.extend(measures.iter().map(|m| m.to_string()));
    header.push("other_measures".into());
    header
}

struct KindFile {
    sink: CsvSink<Vec<String>>,
    measures: Vec<Measure>,
}

/// Streams line items into per-kind wide files under `dir/tables/`.
pub struct WideTables {
    dir: PathBuf,
    excel: bool,
    files: BTreeMap<&'static str, KindFile>,
}

fn worst(a: &'static str, b: &'static str) -> &'static str {
    let rank = |s: &str| match s {
        "uncertain" => CellStatus::Uncertain,
        "repaired" => CellStatus::Repaired,
        _ => CellStatus::Ok,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

impl WideTables {
    pub fn create(out_dir: &Path, excel: bool) -> Result<Self> {
        let dir = out_dir.join("tables");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(WideTables {
            dir,
            excel,
            files: BTreeMap::new(),
        })
    }

    /// Writes one document's line items; consecutive items of one table row
    /// become one wide row.
    pub fn write(&mut self, g: &Grammar, items: &[LineItem]) -> Result<()> {
        let same_row = |a: &LineItem, b: &LineItem| a.row == b.row;
        let mut start = 0;
        while start < items.len() {
            let mut end = start + 1;
            while end < items.len() && same_row(&items[start], &items[end]) {
                end += 1;
            }
            self.row(g, &items[start..end])?;
            start = end;
        }
        Ok(())
    }

    fn row(&mut self, g: &Grammar, cells: &[LineItem]) -> Result<()> {
        let first = &cells[0];
        if !self.files.contains_key(first.table) {
            let measures = measures(g, first.table);
            let header = header(&measures);
            let sink = CsvSink::create(
                &self.dir,
                &format!("{}.csv", first.table),
                self.excel,
                &header,
            )?;
            self.files.insert(first.table, KindFile { sink, measures });
        }
        let file = self.files.get_mut(first.table).expect("inserted above");
        let status = cells.iter().fold("ok", |s, c| worst(s, c.status));
        // The row's unit is its amounts' (a rate's `%` is its column's).
        let unit = cells
            .iter()
            .map(|c| c.unit)
            .find(|u| *u != super::PERCENT)
            .unwrap_or(first.unit);
        let keys = [
            &*first.doc_id,
            &first.source,
            &first.table_no,
            first.section,
            &first.code,
            &first.level,
            &first.item,
            &first.project,
            unit,
            status,
            &first.line,
        ];
        let mut other = Vec::new();
        let mut values = vec![""; file.measures.len()];
        for c in cells {
            match file
                .measures
                .iter()
                .position(|m| same_measure(m, c.measure))
            {
                Some(i) => values[i] = &c.amount,
                None => other.push(format!("{}={}", c.measure, c.amount)),
            }
        }
        let other = other.join(";");
        file.sink
            .write_raw(keys.into_iter().chain(values).chain([other.as_str()]))
    }

    /// Moves the files into place; returns the kinds written (the others'
    /// files from an earlier run are removed by the caller, `stale`).
    pub fn finish(self) -> Result<Vec<&'static str>> {
        let kinds = self.files.keys().copied().collect();
        for (_, f) in self.files {
            f.sink.finish()?;
        }
        Ok(kinds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: usize, item: &str, measure: &'static str, amount: &str) -> LineItem {
        LineItem {
            doc_id: "d".into(),
            source: "a.pdf".into(),
            table_no: "3".into(),
            table: "expenditure",
            section: "",
            code: "".into(),
            level: "".into(),
            item: item.into(),
            project: "".into(),
            measure,
            amount: amount.into(),
            unit: "万元",
            status: "ok",
            line: "p2".into(),
            row,
        }
    }

    #[test]
    fn one_wide_row_per_table_row_even_when_two_rows_look_alike() {
        let dir = tempfile::tempdir().unwrap();
        let mut wide = WideTables::create(dir.path(), false).unwrap();
        // Rows 0 and 1 print the same label on the same PDF page: two rows
        // (grouping by their printed keys used to merge them).
        let items = [
            cell(0, "培训费", "total", "5"),
            cell(0, "培训费", "project", "5"),
            cell(1, "培训费", "total", "7"),
            cell(1, "培训费", "extra_measure", "1"),
        ];
        wide.write(crate::grammar::Grammar::global(), &items)
            .unwrap();
        wide.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("tables/expenditure.csv")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "doc_id,source,table_no,section,code,level,item,project_name,unit,status,line,total,basic,project,remit_to_superior,operating_expenditure,affiliate_subsidy,prior_year,change,change_rate,other_measures",
                "d,a.pdf,3,,,,培训费,,万元,ok,p2,5,,5,,,,,,,",
                "d,a.pdf,3,,,,培训费,,万元,ok,p2,7,,,,,,,,,extra_measure=1",
            ]
        );
    }
}
