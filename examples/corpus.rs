//! Writes a benchmark corpus to a directory and keeps it (for profiling):
//! `cargo run --release --example corpus -- samples /tmp/corpus 2000`
fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, samples, dir, n] = args.as_slice() else {
        anyhow::bail!("usage: corpus SAMPLES DIR N");
    };
    let bytes = budget_harvest::bench::build_corpus(samples.as_ref(), dir.as_ref(), n.parse()?)?;
    println!("{bytes} bytes");
    Ok(())
}
