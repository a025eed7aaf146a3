//! Helpers shared by the variant tests (`flow_variants`, `aligned_variants`)
//! and the end-to-end tests: a deterministic generator, the clean seeds, a
//! document's cells keyed for comparison, and lines set the way
//! `pdftotext -layout` sets them.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use budget_harvest::model::Document;
use budget_harvest::pipeline;

/// A small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A seed of `samples/`, read.
pub fn seed(name: &str) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    pipeline::document(&std::fs::read(path).unwrap()).unwrap()
}

/// The seeds whose tables are laid out cleanly (tabbed, one cell per line),
/// read: the ground truth the variants are printed from.
pub fn clean_seeds() -> Vec<Document> {
    [
        "000_530d8417aadfcef1.txt",
        "002_ef8a97d7800bc6c6.txt",
        "003_93f707ff5e41d323.txt",
        "004_9cf6d38fe078751d.txt",
    ]
    .iter()
    .map(|s| seed(s))
    .collect()
}

/// Every value of `kinds`' tables by table, section, code (or label), measure
/// and occurrence: its cents and status.
pub fn keyed(doc: &Document, kinds: &[&str]) -> HashMap<String, (i64, String)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = HashMap::new();
    for t in doc.tables.iter().filter(|t| kinds.contains(&t.kind)) {
        for r in &t.rows {
            let label = match &r.code {
                Some(c) => c.as_str().to_string(),
                None if r.is_total() || r.item == "合计" => "合计".to_string(),
                None => r.item.clone(),
            };
            for v in &r.values {
                let base = format!("{}|{:?}|{}|{}", t.kind, r.section, label, v.measure);
                let n = seen.entry(base.clone()).or_default();
                *n += 1;
                out.insert(
                    format!("{base}|{n}"),
                    (v.amount.cents, v.status.as_str().to_string()),
                );
            }
        }
    }
    out
}

/// Printed width: a Chinese character is set two columns wide.
pub fn printed_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// One printed line from pieces of text at physical columns. As pdftotext
/// does, each piece starts at its column (padded with spaces, two at
/// least), but its characters take one column each, so a Chinese piece
/// ends early.
pub fn set_at_columns(mut pieces: Vec<(usize, String)>) -> String {
    pieces.sort_by_key(|(at, _)| *at);
    let mut out = String::new();
    for (at, text) in pieces {
        let len = out.chars().count();
        let pad = if len == 0 {
            at
        } else {
            at.saturating_sub(len).max(2)
        };
        out.extend(std::iter::repeat_n(' ', pad));
        out.push_str(&text);
    }
    out
}
