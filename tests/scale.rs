//! Batch behaviour: deterministic output for any thread count, Parquet that
//! reads back equal to the CSVs, Excel-friendly CSVs, wide per-kind tables.

use std::path::{Path, PathBuf};
use std::process::Command;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

const BIN: &str = env!("CARGO_BIN_EXE_budget-harvest");

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn extract(args: &[&str], out: &Path) -> std::process::Output {
    let out = Command::new(BIN)
        .arg("extract")
        .arg(samples())
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("tables")] {
        for e in std::fs::read_dir(&sub).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn output_is_identical_for_any_number_of_threads() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    extract(&["--jobs", "1", "--format", "csv,parquet", "-q"], a.path());
    extract(&["--jobs", "4", "--format", "csv,parquet", "-q"], b.path());
    let (fa, fb) = (files(a.path()), files(b.path()));
    let names: Vec<&str> = fa.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"line_items.parquet") && names.contains(&"tables/income.csv"),
        "{names:?}"
    );
    assert_eq!(fa.len(), fb.len());
    for ((na, da), (nb, db)) in fa.iter().zip(&fb) {
        assert_eq!(na, nb);
        assert!(da == db, "{na} differs between --jobs 1 and --jobs 4");
    }
}

/// A Parquet cell as the CSV prints it.
fn as_csv_text(f: &Field) -> String {
    match f {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Long(v) => v.to_string(),
        Field::Decimal(d) => {
            let bytes = d.data();
            let mut buf = [if bytes.first().is_some_and(|b| b & 0x80 != 0) {
                0xFF
            } else {
                0
            }; 16];
            buf[16 - bytes.len()..].copy_from_slice(bytes);
            let cents = i128::from_be_bytes(buf);
            format!(
                "{}{}.{:02}",
                if cents < 0 { "-" } else { "" },
                cents.abs() / 100,
                cents.abs() % 100
            )
        }
        other => panic!("unexpected parquet value {other:?}"),
    }
}

#[test]
fn parquet_reads_back_equal_to_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    extract(&["--format", "csv,parquet", "-q"], dir.path());
    for name in ["line_items", "documents", "checks", "issues"] {
        let mut csv = csv::Reader::from_path(dir.path().join(format!("{name}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let csv_rows: Vec<Vec<String>> = csv
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();

        let file = std::fs::File::open(dir.path().join(format!("{name}.parquet"))).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr();
        let columns: Vec<String> = schema
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(columns, header, "{name}: column names");
        let pq_rows: Vec<Vec<String>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .get_column_iter()
                    .map(|(_, f)| as_csv_text(f))
                    .collect()
            })
            .collect();
        assert_eq!(pq_rows.len(), csv_rows.len(), "{name}: rows");
        let amount = header.iter().position(|h| h == "amount");
        for (i, (p, c)) in pq_rows.iter().zip(&csv_rows).enumerate() {
            for (j, (pv, cv)) in p.iter().zip(c).enumerate() {
                if Some(j) == amount {
                    // decimal(18,2) prints two decimals; the CSV keeps the printed form.
                    let cents = |s: &str| budget_harvest::amount::Amount::parse(s).map(|a| a.cents);
                    assert_eq!(cents(pv), cents(cv), "{name} row {i} amount");
                } else {
                    assert_eq!(pv, cv, "{name} row {i} column {}", header[j]);
                }
            }
        }
    }
}

#[test]
fn excel_csvs_start_with_a_bom_and_wide_tables_have_one_column_per_measure() {
    let dir = tempfile::tempdir().unwrap();
    extract(&["--excel", "-q"], dir.path());
    for f in [
        "line_items.csv",
        "documents.csv",
        "checks.csv",
        "issues.csv",
        "tables/expenditure.csv",
    ] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{f}");
    }
    let wide = std::fs::read_to_string(dir.path().join("tables/expenditure.csv")).unwrap();
    let mut lines = wide.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("doc_id,source,table_no,section,code,level,item,project_name,unit,status,line,total,basic,project,remit_to_superior,operating_expenditure,affiliate_subsidy,prior_year,change,change_rate,other_measures")
    );
    // 000_… table 3, row 20801: total 1146.18 = basic 779.18 + project 367
    assert!(
        wide.contains(
            ",3,,20801,2,人力资源和社会保障管理事务,,万元,ok,674,1146.18,779.18,367,,,,,,,\n"
        ),
        "{}",
        &wide[..400]
    );
}
