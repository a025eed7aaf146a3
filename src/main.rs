//! Command-line interface.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use budget_harvest::batch::{self, Discovery, Formats, Options};
use budget_harvest::grammar::Grammar;
use budget_harvest::pipeline::Status;

/// Parsing allocates many small strings; mimalloc frees them much faster
/// than the system allocator (measured with `budget-harvest bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when every input was processed and none failed.
const EXIT_OK: u8 = 0;
/// Exit status when at least one input failed (all outputs are still written).
const EXIT_SOME_FAILED: u8 = 1;
/// Exit status when the run itself could not proceed (outputs not writable, bad grammar).
const EXIT_FATAL: u8 = 3;

#[derive(Parser)]
#[command(
    name = "budget-harvest",
    version,
    about = "Turn Chinese government budget disclosures (部门预算/决算公开) into clean, checked records",
    after_help = "EXIT STATUS:\n  0  every input was processed; none failed (partial documents are reported in documents.csv)\n  1  at least one input failed (not text, empty, unreadable …); all outputs are still written\n  2  usage error (bad command line)\n  3  the run could not proceed (output directory not writable, invalid --grammars)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Csv,
    Parquet,
}

#[derive(Subcommand)]
enum Command {
    /// Extract every standard table from disclosures into line_items.csv and documents.csv.
    #[command(
        after_help = "EXAMPLE:\n  budget-harvest extract samples/ more/2024_奇台县.txt -o out\n  python3 ../shared/tools/score.py ../shared/gold out/line_items.csv"
    )]
    Extract {
        /// Input files and directories (directories are searched recursively, following
        /// symbolic links; a directory reached twice is read once).
        /// Text dumps in UTF-8, UTF-16 (with or without a BOM) or GB18030, any line ends.
        #[arg(required = true, value_name = "PATH")]
        inputs: Vec<PathBuf>,
        /// Output directory; created if missing. An earlier run's outputs there are replaced,
        /// or removed when this run does not write them (a format not asked for, a table kind
        /// not seen), so the folder never mixes two runs.
        #[arg(short, long, value_name = "OUT")]
        out: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(short, long, value_name = "N")]
        jobs: Option<usize>,
        /// Write CSVs with a UTF-8 BOM so Excel on a Chinese Windows desktop opens them correctly.
        #[arg(long)]
        excel: bool,
        /// Read the grammar (table kinds, header synonyms, layouts) from DIR instead of the
        /// built-in copy of grammars/: add a synonym without rebuilding.
        #[arg(long, value_name = "DIR")]
        grammars: Option<PathBuf>,
        /// Output formats, comma-separated: csv (line_items, documents, checks and
        /// tables/<kind>.csv), parquet (the same three tables as .parquet files).
        #[arg(
            long,
            value_name = "LIST",
            default_value = "csv",
            value_delimiter = ','
        )]
        format: Vec<OutputFormat>,
        /// Stop at the first input that fails (outputs up to it are still written).
        #[arg(long)]
        fail_fast: bool,
        /// Larger files fail without being read (a disclosure, even a scanned PDF, is far
        /// smaller; this keeps a stray archive or disk image from filling memory).
        #[arg(long, value_name = "MB", default_value_t = 256)]
        max_file_mb: u64,
        /// Print nothing but errors.
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
        /// Print one line per document (status, cells, checks failed).
        #[arg(short, long)]
        verbose: bool,
    },
    /// Benchmark: build a corpus from samples/ (amounts scaled consistently,
    /// flow dumps copied) and time read+decode and the whole pipeline on it,
    /// with 1 thread and with all cores.
    #[command(after_help = "EXAMPLE:\n  budget-harvest bench --docs 10000 --samples samples")]
    Bench {
        /// Documents in the generated corpus.
        #[arg(long, default_value_t = 2000)]
        docs: usize,
        /// Directory of seed documents to replicate.
        #[arg(long, default_value = "samples")]
        samples: PathBuf,
        /// Where to build the corpus (default: the system temp directory); removed afterwards.
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
    },
    /// Summarise the arithmetic checks of an extract run: per document, rules
    /// tested/passed/failed and every failure with expected, actual and difference.
    #[command(
        after_help = "EXAMPLE:\n  budget-harvest extract samples -o out && budget-harvest check out"
    )]
    Check {
        /// The output directory of `extract` (reads documents.csv and checks.csv).
        #[arg(value_name = "OUT")]
        out: PathBuf,
    },
}

/// Prints a report to stdout, or the error to stderr with the fatal status.
fn print_report(report: anyhow::Result<String>) -> ExitCode {
    match report {
        Ok(text) => {
            print!("{text}");
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            eprintln!("budget-harvest: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { out } => print_report(budget_harvest::report::summary(&out)),
        Command::Bench {
            docs,
            samples,
            work_dir,
        } => print_report(budget_harvest::bench::run(&samples, docs, work_dir)),
        Command::Extract {
            inputs,
            out,
            jobs,
            excel,
            grammars,
            format,
            fail_fast,
            max_file_mb,
            quiet,
            verbose,
        } => {
            let grammar = match grammars {
                Some(dir) => Grammar::install(&dir),
                None => Grammar::embedded().map(|_| ()),
            };
            if let Err(e) = grammar {
                eprintln!("budget-harvest: {e:#}");
                return ExitCode::from(EXIT_FATAL);
            }
            if let Some(n) = jobs {
                // Only fails if a pool was built already; the default pool is then used.
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build_global();
            }
            // An interrupted run removes the archives it unpacked (the
            // destructors that would have do not run); Ctrl-C's status.
            let _ = ctrlc::set_handler(|| budget_harvest::unpack::remove_all_and_exit(130));
            let paths = inputs;
            let max_file_bytes = max_file_mb.saturating_mul(1 << 20);
            let how = Discovery {
                out_dir: Some(&out),
                max_bytes: max_file_bytes,
                progress: !quiet,
            };
            let inputs = batch::discover_with(&paths, &how);
            if inputs.is_empty() {
                // Empty outputs are still written (with headers), but a typo
                // in a folder name should not pass for an empty corpus.
                eprintln!(
                    "budget-harvest: warning: no input files under {}",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let formats = Formats {
                csv: format.contains(&OutputFormat::Csv),
                parquet: format.contains(&OutputFormat::Parquet),
            };
            let opts = Options {
                out_dir: out,
                formats,
                excel,
                fail_fast,
                progress: !quiet,
                max_file_bytes,
            };
            let result = batch::run(&inputs, &opts, |o| {
                if o.status == Status::Failed {
                    eprintln!("error: {}: {}", o.document.source, o.document.error);
                } else if o.status == Status::Partial && !quiet {
                    eprintln!(
                        "warning: {}: partial: {}",
                        o.document.source, o.document.error
                    );
                }
                if verbose {
                    eprintln!(
                        "{:<8} {}  {} cells, {} checks failed",
                        o.status.as_str(),
                        o.document.source,
                        o.line_items.len(),
                        o.document.checks_failed
                    );
                }
            });
            match result {
                Ok(summary) => {
                    if !quiet {
                        eprintln!("budget-harvest: {summary}");
                        eprintln!("{}", summary.table());
                        if !summary.removed.is_empty() {
                            let names: Vec<String> = summary
                                .removed
                                .iter()
                                .map(|p| p.display().to_string())
                                .collect();
                            eprintln!(
                                "budget-harvest: removed {} output(s) of an earlier run that this run did not write: {}",
                                names.len(),
                                names.join(", ")
                            );
                        }
                        if summary.stopped_early {
                            eprintln!(
                                "budget-harvest: stopped at the first failed input (--fail-fast)"
                            );
                        }
                    }
                    ExitCode::from(if summary.failed > 0 {
                        EXIT_SOME_FAILED
                    } else {
                        EXIT_OK
                    })
                }
                Err(e) => {
                    eprintln!("budget-harvest: {e:#}");
                    ExitCode::from(EXIT_FATAL)
                }
            }
        }
    }
}
