//! `budget-harvest bench`: builds a corpus by replicating `samples/` with
//! consistently scaled amounts (flow dumps copied as they are), then times
//! the read-and-decode baseline and the whole pipeline on the same files, on
//! one core and on all cores.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use regex::Regex;

use crate::amount::Amount;
use crate::batch::{self, Options};
use crate::decode;

/// Multiplies every printed decimal amount by `k`, keeping its printed form:
/// sums stay sums, so the documents keep their arithmetic. A percentage
/// (`增长8.81%`) is a ratio of amounts and stays as it is.
pub fn scale_amounts(text: &str, k: i64) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d[\d,]*\.\d{1,2}[%％]?").expect("valid regex"));
    re.replace_all(text, |c: &regex::Captures| {
        let printed = &c[0];
        if printed.ends_with(['%', '％']) {
            return printed.to_string();
        }
        match Amount::parse(printed) {
            Some(a) => Amount {
                cents: a.cents * k,
                decimals: a.decimals.max(2),
            }
            .to_string(),
            None => printed.to_string(),
        }
    })
    .into_owned()
}

/// One corpus copy of `seed`: amounts scaled by `k`. A flow dump's amounts
/// are split into fragments that cannot be scaled consistently, and even
/// reprinting them (`3.7` → `3.70`) would break the wrapped numbers: flow
/// dumps are copied byte for byte (the solver still does all its work on
/// every copy).
fn replicate(seed: &str, k: i64) -> String {
    if crate::layout::detect(seed) == crate::layout::LayoutKind::Flow {
        seed.to_string()
    } else {
        scale_amounts(seed, k)
    }
}

/// Writes `n` documents into `dir`: the samples, amounts scaled ×1…×9 (flow
/// dumps unscaled), every fifth one re-encoded as GB18030, each ending with
/// a line of its own number (no two files are the same bytes).
pub fn build_corpus(samples: &Path, dir: &Path, n: usize) -> Result<u64> {
    let mut seeds = Vec::new();
    for entry in
        std::fs::read_dir(samples).with_context(|| format!("reading {}", samples.display()))?
    {
        let path = entry?.path();
        if path.is_file() {
            seeds.push(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
            );
        }
    }
    if seeds.is_empty() {
        bail!("no sample files in {}", samples.display());
    }
    seeds.sort();
    std::fs::create_dir_all(dir)?;
    let mut bytes = 0;
    for i in 0..n {
        let seed = &seeds[i % seeds.len()];
        let mut text = replicate(seed, 1 + (i / seeds.len()) as i64 % 9);
        // Every document distinct, as in a real harvest: a batch writes the
        // rows of identical files once, which would flatter the figures.
        text.push_str(&format!("\n本文件为基准测试第{i}份\n"));
        let data = if i % 5 == 4 {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        bytes += data.len() as u64;
        std::fs::write(dir.join(format!("doc{i:06}.txt")), data)?;
    }
    Ok(bytes)
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Timing {
    label: String,
    secs: f64,
}

/// Best-of-`runs` time of the whole pipeline on each sample, one thread:
/// the cost of a single document by layout (the flow solver included).
fn per_document(samples: &Path, runs: usize) -> Result<Vec<(String, String, f64)>> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(samples)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path)?;
        let mut best = f64::MAX;
        let mut layout = String::new();
        for _ in 0..runs {
            let t = Instant::now();
            let o = crate::pipeline::process_bytes(&bytes, &path.to_string_lossy());
            best = best.min(t.elapsed().as_secs_f64());
            layout = o.document.layout.to_string();
        }
        let name = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        out.push((name, layout, best * 1e3));
    }
    Ok(out)
}

/// Runs the benchmark and returns the report text.
pub fn run(samples: &Path, docs: usize, work_dir: Option<PathBuf>) -> Result<String> {
    let tmp = tempfile_dir(work_dir)?;
    let report = measure(samples, docs, &tmp);
    // The corpus and the outputs go however the run ended (a samples
    // folder that could not be read left an empty folder behind).
    std::fs::remove_dir_all(&tmp).ok();
    report
}

/// The benchmark itself, its corpus and outputs written under `tmp`.
fn measure(samples: &Path, docs: usize, tmp: &Path) -> Result<String> {
    let corpus = tmp.join("corpus");
    let bytes = build_corpus(samples, &corpus, docs)?;
    let inputs = batch::discover(std::slice::from_ref(&corpus));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut timings = Vec::new();
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        flush_writes();
        let t = Instant::now();
        let decoded: usize = pool.install(|| {
            inputs
                .par_iter()
                .map(|i| {
                    std::fs::read(&i.path)
                        .ok()
                        .and_then(|b| decode::decode(&b).ok())
                        .map_or(0, |d| d.text.len())
                })
                .sum()
        });
        timings.push(Timing {
            label: format!("read+decode, {threads} thread(s)"),
            secs: t.elapsed().as_secs_f64(),
        });
        std::hint::black_box(decoded);
        let out_dir = tmp.join(format!("out{threads}"));
        let opts = Options::csv(out_dir.clone());
        flush_writes();
        let t = Instant::now();
        pool.install(|| batch::run(&inputs, &opts, |_| {}))?;
        timings.push(Timing {
            label: format!("pipeline, {threads} thread(s)"),
            secs: t.elapsed().as_secs_f64(),
        });
        // A gigabyte of outputs for 10,000 documents: not kept.
        std::fs::remove_dir_all(&out_dir).ok();
    }
    let mut out = format!(
        "corpus: {docs} documents, {:.1} MB ({} cores available)\n",
        bytes as f64 / 1e6,
        cores
    );
    for t in &timings {
        out.push_str(&format!(
            "  {:<28} {:>8.2} s  {:>9.0} documents/s  {:>7.1} MB/s\n",
            t.label,
            t.secs,
            docs as f64 / t.secs,
            bytes as f64 / 1e6 / t.secs
        ));
    }
    let ratio = |pipe: usize, base: usize| timings[base].secs / timings[pipe].secs;
    out.push_str(&format!(
        "  pipeline throughput / read+decode baseline: {:.2} (1 thread), {:.2} ({cores} threads)\n",
        ratio(1, 0),
        ratio(3, 2)
    ));
    out.push_str("  per document, 1 thread, best of 20 runs:\n");
    for (name, layout, ms) in per_document(samples, 20)? {
        out.push_str(&format!("    {name:<28} {layout:<14} {ms:>7.2} ms\n"));
    }
    if let Some(mb) = peak_rss_mb() {
        out.push_str(&format!("  peak resident memory: {mb:.0} MB\n"));
    }
    Ok(out)
}

/// Flushes the earlier phases' writes (the corpus, a run's outputs) to disk
/// before a timed phase, so that their write-back, which the kernel starts
/// seconds later, does not land in it. Best effort: without a `sync`
/// command the phases simply run as they are.
fn flush_writes() {
    let _ = std::process::Command::new("sync").status();
}

fn tempfile_dir(work_dir: Option<PathBuf>) -> Result<PathBuf> {
    let base = work_dir.unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("budget-harvest-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_run_leaves_no_folder_behind() {
        let work = std::env::temp_dir().join(format!("bh-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&work).unwrap();
        let missing = work.join("no-samples-here");
        let err = run(&missing, 10, Some(work.clone())).unwrap_err();
        assert!(format!("{err:#}").contains("no-samples-here"), "{err:#}");
        let left: Vec<_> = std::fs::read_dir(&work).unwrap().collect();
        std::fs::remove_dir_all(&work).ok();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn scaling_keeps_printed_form_and_sums() {
        assert_eq!(
            scale_amounts("合计⇥1,010.70⇥927.93⇥82.77⇥2024年⇥208", 3),
            "合计⇥3032.10⇥2783.79⇥248.31⇥2024年⇥208"
        );
        assert_eq!(scale_amounts("3.4", 2), "6.80");
        assert_eq!(
            scale_amounts("增加63.10万元，增长8.81%", 2),
            "增加126.20万元，增长8.81%"
        );
    }

    #[test]
    fn flow_dumps_are_copied_unchanged() {
        let seed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/001_49a4b981723e56f6.txt"),
        )
        .expect("flow sample");
        assert_eq!(
            crate::layout::detect(&seed),
            crate::layout::LayoutKind::Flow
        );
        assert_eq!(replicate(&seed, 3), seed);
        // A tabbed sample is scaled.
        let tabbed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/002_ef8a97d7800bc6c6.txt"),
        )
        .expect("tabbed sample");
        assert_ne!(replicate(&tabbed, 3), tabbed);
    }
}
