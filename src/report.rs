//! `budget-harvest check OUT/`: a short human summary of a run's checks,
//! read back from `documents.csv` and `checks.csv`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    doc_id: String,
    source: String,
    status: String,
}

#[derive(Deserialize)]
struct Check {
    doc_id: String,
    table: String,
    rule: String,
    subject: String,
    expected: String,
    actual: String,
    ok: String,
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    r.deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("parsing {}", path.display()))
}

/// A decimal string as an integer of millionths, for exact differences.
fn micro(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 6 || whole.is_empty() {
        return None;
    }
    let v = whole.parse::<i128>().ok()? * 1_000_000 + format!("{frac:0<6}").parse::<i128>().ok()?;
    Some(if neg { -v } else { v })
}

fn difference(expected: &str, actual: &str) -> String {
    match (micro(expected), micro(actual)) {
        (Some(e), Some(a)) => {
            let d = e - a;
            let s = format!(
                "{}{}.{:06}",
                if d < 0 { "-" } else { "" },
                d.abs() / 1_000_000,
                d.abs() % 1_000_000
            );
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => "?".into(),
    }
}

/// The summary text for the outputs in `out_dir`.
pub fn summary(out_dir: &Path) -> Result<String> {
    let docs: Vec<Doc> = read(&out_dir.join("documents.csv"))?;
    let checks: Vec<Check> = read(&out_dir.join("checks.csv"))?;
    let mut by_doc: BTreeMap<&str, Vec<&Check>> = BTreeMap::new();
    for c in &checks {
        by_doc.entry(c.doc_id.as_str()).or_default().push(c);
    }
    let mut out = String::new();
    for d in &docs {
        let cs = by_doc
            .get(d.doc_id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let count = |ok: &str| cs.iter().filter(|c| c.ok == ok).count();
        let (passed, failed, unchecked) = (count("true"), count("false"), count("unchecked"));
        let _ = writeln!(
            out,
            "{} [{}]: {} rules tested, {passed} passed, {failed} failed; {unchecked} narrative figures unchecked",
            d.source,
            d.status,
            passed + failed
        );
        for c in cs.iter().filter(|c| c.ok == "false") {
            let _ = writeln!(
                out,
                "  FAIL {} {}: {}  expected {}, actual {}, difference {}",
                c.table,
                c.rule,
                c.subject,
                c.expected,
                c.actual,
                difference(&c.expected, &c.actual)
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_differences() {
        assert_eq!(difference("20.54", "21.16"), "-0.62");
        assert_eq!(difference("0.324521", "3245.21"), "-3244.885479");
        assert_eq!(difference("1060.98", "1060.97"), "0.01");
    }
}
