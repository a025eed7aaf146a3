//! Outputs an earlier run left in the output folder that this run did not
//! write (a table kind not seen, a format not asked for): removed at the end
//! of a run, so the folder never mixes two runs.
//!
//! A file is removed only when it is recognisably this tool's: a CSV whose
//! first line is the header this tool writes for that name, a Parquet file
//! whose columns are the ones it writes. Anything else of the same name is
//! the user's and stays.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{wide, RECORD_TABLES};
use crate::grammar::Grammar;

/// A file this tool may have written, and how to recognise it.
struct Candidate {
    path: PathBuf,
    columns: Vec<String>,
    parquet: bool,
}

/// What this run wrote, for [`remove`].
pub struct Written<'a> {
    pub csv: bool,
    pub parquet: bool,
    /// Table kinds with a `tables/<kind>.csv` this run.
    pub kinds: &'a [&'static str],
}

/// Removes this tool's outputs in `dir` that this run did not write;
/// returns their paths.
pub fn remove(dir: &Path, g: &Grammar, written: &Written) -> Result<Vec<PathBuf>> {
    let mut candidates = Vec::new();
    for (name, columns) in RECORD_TABLES {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        for (ext, wrote, parquet) in [
            ("csv", written.csv, false),
            ("parquet", written.parquet, true),
        ] {
            if !wrote {
                candidates.push(Candidate {
                    path: dir.join(format!("{name}.{ext}")),
                    columns: columns.clone(),
                    parquet,
                });
            }
        }
    }
    for kind in &g.kinds {
        if !(written.csv && written.kinds.contains(&kind.key)) {
            candidates.push(Candidate {
                path: dir.join("tables").join(format!("{}.csv", kind.key)),
                columns: wide::header(&wide::measures(g, kind.key)),
                parquet: false,
            });
        }
    }
    let mut removed = Vec::new();
    for c in candidates
        .into_iter()
        .filter(|c| c.path.is_file() && is_ours(c))
    {
        std::fs::remove_file(&c.path)
            .with_context(|| format!("removing stale {}", c.path.display()))?;
        removed.push(c.path);
    }
    Ok(removed)
}

fn is_ours(c: &Candidate) -> bool {
    match c.parquet {
        true => parquet_columns(&c.path).is_some_and(|cols| cols == c.columns),
        false => csv_header(&c.path).is_some_and(|cols| cols == c.columns),
    }
}

/// The first line's fields (a UTF-8 BOM allowed: `--excel`).
fn csv_header(path: &Path) -> Option<Vec<String>> {
    let mut line = String::new();
    BufReader::new(File::open(path).ok()?)
        .take(1 << 16)
        .read_line(&mut line)
        .ok()?;
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n']);
    Some(line.split(',').map(str::to_string).collect())
}

fn parquet_columns(path: &Path) -> Option<Vec<String>> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(File::open(path).ok()?).ok()?;
    let schema = reader.metadata().file_metadata().schema_descr();
    Some(
        schema
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_with_this_tools_header_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let g = Grammar::global();
        std::fs::create_dir(dir.path().join("tables")).unwrap();
        let ours = format!(
            "\u{feff}{}\n1,2\n",
            crate::emit::LINE_ITEM_COLUMNS.join(",")
        );
        std::fs::write(dir.path().join("line_items.csv"), ours).unwrap();
        std::fs::write(dir.path().join("documents.csv"), "name,notes\nmine,1\n").unwrap();
        let income = wide::header(&wide::measures(g, "income")).join(",") + "\n";
        std::fs::write(dir.path().join("tables/income.csv"), income).unwrap();
        std::fs::write(dir.path().join("tables/summary.csv"), "my,own\n").unwrap();
        std::fs::write(dir.path().join("tables/notes.csv"), "x\n").unwrap();
        let written = Written {
            csv: false,
            parquet: true,
            kinds: &[],
        };
        let removed = remove(dir.path(), g, &written).unwrap();
        assert_eq!(
            removed,
            [
                dir.path().join("line_items.csv"),
                dir.path().join("tables/income.csv")
            ]
        );
        let left = |p: &str| dir.path().join(p).exists();
        assert!(!left("line_items.csv") && !left("tables/income.csv"));
        assert!(left("documents.csv") && left("tables/summary.csv") && left("tables/notes.csv"));
    }
}
