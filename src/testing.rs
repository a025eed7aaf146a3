//! Helpers for the unit tests.

use std::ops::RangeInclusive;

use crate::amount::Amount;
use crate::grammar::Measure;
use crate::model::{CellStatus, Document, Placement, Provenance, Row, Table, Unit, Value};

/// A cell of `measure` printed at line 1.
pub fn value(measure: Measure, amount: Amount, status: CellStatus) -> Value {
    Value {
        measure,
        amount,
        status,
        at: Provenance::Line(1),
        alternatives: vec![],
        restored_from: None,
    }
}

/// A document holding one expenditure table (表3, 万元, total / basic /
/// project) of `rows`.
pub fn expenditure_document(rows: Vec<Row>) -> Document {
    Document {
        tables: vec![Table {
            number: Some(3.into()),
            kind: "expenditure",
            title: "支出总体情况表".into(),
            unit: Unit::WanYuan,
            at: Provenance::Line(1),
            rows,
            declared_empty: false,
            columns: vec!["total", "basic", "project"],
            sides: None,
            issues: vec![],
            placement: Placement::Cells,
        }],
        ..Document::default()
    }
}

/// Every string made of a number of `pieces` in `lengths` (repeats
/// allowed), shortest first: the inputs on which a rewritten function is
/// compared with the definition it replaced.
pub fn strings_of<'p>(
    pieces: &'p [&'p str],
    lengths: RangeInclusive<u32>,
) -> impl Iterator<Item = String> + 'p {
    lengths.flat_map(move |len| {
        (0..pieces.len().pow(len)).map(move |code| {
            let (mut text, mut c) = (String::new(), code);
            for _ in 0..len {
                text.push_str(pieces[c % pieces.len()]);
                c /= pieces.len();
            }
            text
        })
    })
}

/// The text of the seed `name` in `samples/`.
pub fn sample_text(name: &str) -> String {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The texts of the five real dumps in `samples/` (all of them, so a test
/// that reads them cannot pass on an empty folder).
pub fn sample_texts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let texts: Vec<String> = std::fs::read_dir(dir)
        .expect("samples/")
        .map(|entry| std::fs::read_to_string(entry.expect("entry").path()).expect("a text dump"))
        .collect();
    assert_eq!(texts.len(), 5, "samples/ holds the five seeds");
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_once() {
        let all: Vec<String> = strings_of(&["a", "b"], 0..=2).collect();
        assert_eq!(all, ["", "a", "b", "aa", "ba", "ab", "bb"]);
    }
}
