//! Time per stage, per document, over a folder of text dumps: where the
//! pipeline's time goes, by layout (a profiling aid for the bench target).
//!
//! `cargo run --release --example corpus -- samples /tmp/corpus 1000`
//! `cargo run --release --example stages -- /tmp/corpus`
//!
//! The CSV stage writes the line items and the checks' subjects to memory,
//! not the full files.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, Result};
use budget_harvest::emit::{self, Fields};
use budget_harvest::{check, decode, grammar::Grammar, layout, pipeline, recognise};

const STAGES: [&str; 6] = ["decode", "layout", "recognise", "check", "records", "csv"];

fn main() -> Result<()> {
    let dir = std::env::args().nth(1).context("usage: stages DIR")?;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {dir}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let g = Grammar::global();
    let new_sink = || {
        csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new())
    };
    let mut sink = new_sink();
    let mut by_layout: BTreeMap<&str, (usize, [f64; 6])> = BTreeMap::new();
    for path in &paths {
        let bytes = std::fs::read(path)?;
        let mut t = [0f64; 6];
        let mut lap = |stage: usize, start: Instant| t[stage] += start.elapsed().as_secs_f64();
        let s = Instant::now();
        let Ok(d) = decode::decode(&bytes) else {
            continue;
        };
        lap(0, s);
        let s = Instant::now();
        let kind = layout::detect(&d.text);
        let items = layout::items(&d.text, kind);
        lap(1, s);
        let s = Instant::now();
        let mut doc = recognise::recognise(g, items, &d.text);
        lap(2, s);
        let s = Instant::now();
        // As the pipeline: identities built once, cut digits restored.
        let ids = check::identities(&doc, g);
        let known = budget_harvest::solve::digits::restore_cut_digits(&mut doc, &ids);
        let results = check::check_and_flag_evaluated(&mut doc, g, ids, known);
        lap(3, s);
        let s = Instant::now();
        let record = emit::DocumentRecord::new(pipeline::doc_id(&bytes), "x");
        let line_items = emit::line_items(&record, &doc);
        lap(4, s);
        let s = Instant::now();
        for li in &line_items {
            sink.write_record(li.fields().iter().map(|f| f.as_bytes()))?;
        }
        for r in &results {
            sink.write_record([r.subject.as_bytes()])?;
        }
        lap(5, s);
        if sink.get_ref().len() > 64 << 20 {
            sink = new_sink();
        }
        let entry = by_layout.entry(kind.as_str()).or_default();
        entry.0 += 1;
        for (sum, x) in entry.1.iter_mut().zip(t) {
            *sum += x;
        }
    }
    let mut all = (0, [0f64; 6]);
    for (name, (n, t)) in &by_layout {
        print_row(name, *n, t);
        all.0 += n;
        for (sum, x) in all.1.iter_mut().zip(t) {
            *sum += x;
        }
    }
    print_row("all", all.0, &all.1);
    Ok(())
}

fn print_row(name: &str, n: usize, t: &[f64; 6]) {
    let per_doc = |x: f64| x * 1e3 / n.max(1) as f64;
    let cells: Vec<String> = STAGES
        .iter()
        .zip(t)
        .map(|(stage, x)| format!("{stage} {:.3}", per_doc(*x)))
        .collect();
    let total: f64 = t.iter().map(|x| per_doc(*x)).sum();
    println!(
        "{name:14} ×{n:<5} ms/doc: {}  = {total:.3}",
        cells.join("  ")
    );
}
