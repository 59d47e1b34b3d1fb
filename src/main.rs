//! The `trustsim` command line: parses flags into typed options and calls the library.

use clap::{Args, Parser, Subcommand};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use trustsim::commands::animate::{animate, AnimateOptions};
use trustsim::commands::bench::{bench, BenchOptions};
use trustsim::commands::calibrate::{self, CalibrateOptions};
use trustsim::commands::compare::{compare, headline, CompareOptions};
use trustsim::commands::merge::{merge, MergeOptions, MergeReport};
use trustsim::commands::sweep::{self, SweepOptions};
use trustsim::commands::verify::verify;
use trustsim::commands::warn::{summary, warn, WarnOptions};
use trustsim::commands::{self, run::RunOptions};
use trustsim::experiment::ensemble::{EnsembleOptions, MAX_SEEDS, MAX_THREADS};
use trustsim::experiment::shard::ShardSpec;

/// Fast, reproducible agent-based simulation of trust contagion in internet finance.
#[derive(Debug, Parser)]
#[command(name = "trustsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one scenario with one seed; write per-day metrics, outcomes, platforms, the resolved
    /// scenario and a manifest.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Override a parameter, e.g. `--set population.users=50000` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
        /// Output directory [default: output/<scenario name>-seed<seed>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Add this strategy's interventions [default: the scenario's reference strategy].
        #[arg(long)]
        strategy: Option<String>,
        /// Also write agents.csv (every user on the days of --agents-days), network.csv (the
        /// social network as an edge list the scenario loader reads) and platform_series.csv
        /// (every platform on every day).
        #[arg(long)]
        agents: bool,
        /// Days on which agents.csv records every user, comma-separated, from 0 to the horizon
        /// [default: 0 and the last day].
        #[arg(long, value_name = "DAY,...", value_delimiter = ',', requires = "agents")]
        agents_days: Vec<u32>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Run every strategy of a scenario over the same seeds; write per-day summaries with
    /// confidence intervals, per-run outcomes, a comparison table against the reference
    /// strategy, charts, the resolved scenario and a manifest.
    Compare {
        #[command(flatten)]
        ensemble: EnsembleArgs,
        /// Also write every run's per-day series (series.csv).
        #[arg(long)]
        series: bool,
        /// Also write report.html: the results as one self-contained page (see `trustsim report`);
        /// not with `--shard`, whose output holds runs, not results (report the merged output).
        #[arg(long, conflicts_with = "shard")]
        report: bool,
    },
    /// Evaluate the early-warning scores of one strategy over many seeds: ROC curves over every
    /// threshold, AUC, hit and false-alarm rates, lead times, and the best thresholds.
    Warn {
        #[command(flatten)]
        ensemble: EnsembleArgs,
        /// The strategy to run [default: the scenario's reference strategy].
        #[arg(long)]
        strategy: Option<String>,
    },
    /// Re-run what an output directory's manifest describes, from the resolved scenario stored
    /// in it, and check that every output file comes out identical (exit 0) or name those that
    /// differ and, for CSV files, the first differing line (exit 1).
    Verify {
        /// An output directory of `run`, `compare`, `warn`, `sweep`, `merge` or `calibrate`.
        dir: PathBuf,
        /// Worker threads, 1 to 1024 [default: one per core]; results are identical for any number.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
        threads: Option<u16>,
    },
    /// Merge the outputs of the shards of one `compare`, `warn` or `sweep` (each run with
    /// `--shard`) into the output the command gives in one process.
    Merge {
        /// The shards' output directories.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Record one run as an animation of trust spreading over a sampled neighbourhood of the
    /// social network, next to the sector's trust curve: a self-contained HTML page.
    Animate {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// The strategy to run [default: the scenario's reference strategy].
        #[arg(long)]
        strategy: Option<String>,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Users shown: a breadth-first sample of the network around an investor of the first
        /// platform to fail.
        #[arg(long, default_value_t = trustsim::output::animation::DEFAULT_SAMPLE,
              value_parser = clap::value_parser!(u16).range(1..=5000))]
        users: u16,
        /// Override a parameter, e.g. `--set population.users=50000` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
        /// The page written [default: output/<scenario name>-<strategy>-seed<seed>.html].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Write report.html into the output directory of `compare` (the scenario, strategies, headline
    /// table, charts, an animation of one run, the early-warning evaluation and the manifest) or of
    /// `sweep` (the design, sensitivity indices, charts and aggregates), as one self-contained page.
    Report {
        /// The output directory of `trustsim compare` or `trustsim sweep`.
        directory: PathBuf,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Run a parameter sweep (a sweep file: base scenario, parameters, design, strategies,
    /// seeds, outcomes); write per-run outcomes, per-point aggregates with confidence intervals,
    /// Morris or Sobol sensitivity indices, SALib-readable samples, charts and a manifest.
    Sweep {
        /// Sweep file (TOML).
        sweep: PathBuf,
        /// Worker threads, 1 to 1024 [default: one per core]; results are identical for any number.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
        threads: Option<u16>,
        /// Output directory [default: output/<sweep file name>-sweep].
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress bar and no summary.
        #[arg(long)]
        quiet: bool,
        /// Also write report.html: the sweep as one self-contained page (see `trustsim report`);
        /// not with `--shard` (report the merged output).
        #[arg(long, conflicts_with = "shard")]
        report: bool,
        #[command(flatten)]
        scale_out: ScaleOutArgs,
    },
    /// Fit a scenario's parameters to observed monthly series by ABC-SMC (a calibration file:
    /// base scenario, data, window, series and distances, parameters and priors, algorithm);
    /// write the posterior of every generation, parameter summaries, posterior predictive bands
    /// against the data, the fit in the window, charts, the calibrated scenario and a manifest.
    Calibrate {
        /// Calibration file (TOML).
        calibration: PathBuf,
        /// Worker threads, 1 to 1024 [default: one per core]; results are identical for any number.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
        threads: Option<u16>,
        /// Output directory [default: output/<calibration file name>-calibrate].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Keep the generations an interrupted execution with the same output directory saved,
        /// and continue from the last one.
        #[arg(long)]
        resume: bool,
        /// No progress display and no summary.
        #[arg(long)]
        quiet: bool,
    },
    /// Check scenario files without simulating.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Overrides to check as well (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
    },
    /// Print the parameter reference (Markdown): every key, default, range and unit.
    Params,
    /// Time building a scenario's world and simulating it (reference strategy, one seed), and
    /// report the peak memory: the figures of BENCHMARKS.md. Writes no files.
    Bench {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Override a parameter, e.g. `--set population.users=1000000` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
        /// Days to simulate, at most the scenario's horizon [default: the horizon].
        #[arg(long)]
        days: Option<u32>,
        /// Worker threads within the run, 1 to 1024 [default: one per core].
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
        threads: Option<u16>,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// What `compare` and `warn` take: a scenario run over many seeds.
#[derive(Debug, Args)]
struct EnsembleArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Number of seeds (1 to N) run for every strategy.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=MAX_SEEDS))]
    seeds: u64,
    /// Worker threads, 1 to 1024 [default: one per core]; results are identical for any number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
    threads: Option<u16>,
    /// Override a parameter, e.g. `--set population.users=50000` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
    /// Output directory [default: output/<scenario name>-<command>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long)]
    quiet: bool,
    /// Run each seed with its own draw from a calibration's posterior (the output directory of
    /// `trustsim calibrate`), every strategy of a seed with the same draw, so that the paired
    /// differences carry the parameters' uncertainty; the draws go to posterior_draws.csv.
    #[arg(long, value_name = "CALIBRATE_OUTPUT")]
    posterior: Option<PathBuf>,
    #[command(flatten)]
    scale_out: ScaleOutArgs,
}

/// What `compare`, `warn` and `sweep` take to run on a cluster: a shard, and resuming.
#[derive(Debug, Args)]
struct ScaleOutArgs {
    /// Run only shard `i` of `n` (runs k, numbered in run order from 0, with k mod n = i − 1)
    /// and write its runs for `trustsim merge`; `auto` reads a SLURM array task or a Kubernetes
    /// indexed job from the environment.
    #[arg(long, value_name = "i/n|auto")]
    shard: Option<ShardSpec>,
    /// Keep the runs an interrupted execution with the same output directory finished, and
    /// run only the others.
    #[arg(long)]
    resume: bool,
}

impl From<EnsembleArgs> for EnsembleOptions {
    fn from(args: EnsembleArgs) -> EnsembleOptions {
        EnsembleOptions {
            scenario: args.scenario,
            seeds: args.seeds,
            threads: args.threads.map(usize::from),
            overrides: args.overrides,
            out: args.out,
            quiet: args.quiet,
            shard: args.scale_out.shard,
            resume: args.scale_out.resume,
            posterior: args.posterior,
        }
    }
}

/// Adds a line to what the command prints (writing to a `String` cannot fail).
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// The exit code of a command stopped by a signal: 128 + SIGINT, as shells report Ctrl-C.
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.resumes() {
        stop_cleanly_on_signals();
    }
    let mut said = String::new();
    let result = run(cli, &mut said);
    // What the command says is printed once it is done, so that a full disk or a closed pipe on
    // standard output is an error like any other, not a panic of `println!`.
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(said.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        // The reader stopped reading (`trustsim params | head`): nothing more to say to it.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            report(&format!("cannot write to standard output: {e}"));
            return ExitCode::FAILURE;
        }
    }
    match result {
        Ok(code) => code,
        Err(error) => {
            report(&format!("{error:#}"));
            match error {
                trustsim::Error::Interrupted { .. } => ExitCode::from(INTERRUPTED),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

impl Command {
    /// Whether the command keeps its finished runs for `--resume`, and so stops cleanly on a
    /// signal; the others end at once, as any program does.
    fn resumes(&self) -> bool {
        matches!(
            self,
            Command::Compare { .. } | Command::Warn { .. } | Command::Sweep { .. } | Command::Calibrate { .. }
        )
    }
}

/// On the first Ctrl-C or SIGTERM, asks the command to stop once the runs in progress are saved
/// (it then says how `--resume` continues); on the second, ends the process at once (what it
/// leaves is cleaned up by the next command writing the same output).
fn stop_cleanly_on_signals() {
    let installed = ctrlc::set_handler(|| {
        if trustsim::experiment::interrupt::request_stop() {
            std::process::exit(i32::from(INTERRUPTED));
        }
        let _ = writeln!(
            std::io::stderr(),
            "stopping once the runs in progress are saved (press Ctrl-C again to stop at once)"
        );
    });
    if let Err(e) = installed {
        report(&format!("cannot catch Ctrl-C, which will stop at once: {e}"));
    }
}

/// Prints `error: message` on standard error (as best it can: if even that fails, the exit code
/// still says so).
fn report(message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

fn run(cli: Cli, said: &mut String) -> Result<ExitCode, trustsim::Error> {
    match cli.command {
        Command::Run {
            scenario,
            seed,
            overrides,
            out,
            strategy,
            agents,
            agents_days,
            quiet,
        } => {
            let report = commands::run::run(&RunOptions {
                scenario,
                seed,
                overrides,
                out,
                strategy,
                agents: agents.then_some(agents_days),
            })?;
            if !quiet {
                let o = &report.outcome;
                say!(
                    said,
                    "wrote {}\nthe scenario is {}\nnet investor loss {:.0} yuan ({:.2} per user); trust {:.3} before the shock, trough {:.3} on day {}; {} platforms failed",
                    report.directory,
                    report.standing,
                    o.net_loss_yuan,
                    o.net_loss_per_user_yuan,
                    o.pre_shock_trust,
                    o.trough_trust,
                    o.trough_day,
                    o.failed_sound + o.failed_fragile + o.failed_fraudulent
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            ensemble,
            series,
            report: with_report,
        } => {
            let quiet = ensemble.quiet;
            let report = compare(&CompareOptions {
                ensemble: ensemble.into(),
                series,
            })?;
            if !quiet {
                said.push_str(&headline(&report));
            }
            if with_report {
                let page = trustsim::output::report::report(&report.directory.path)?;
                if !quiet {
                    say!(said, "wrote {}", page.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { directory, quiet } => {
            let page = trustsim::output::report::report(&directory)?;
            if !quiet {
                say!(said, "wrote {}", page.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Warn { ensemble, strategy } => {
            let quiet = ensemble.quiet;
            let report = warn(&WarnOptions {
                ensemble: ensemble.into(),
                strategy,
            })?;
            if !quiet {
                said.push_str(&summary(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { dir, threads } => {
            let report = verify(&dir, threads.map(usize::from))?;
            if let Some(note) = &report.other_build {
                say!(said, "note: {note}");
            }
            for difference in &report.differences {
                say!(said, "differs: {}: {}", difference.file, difference.detail);
            }
            if report.differences.is_empty() {
                say!(
                    said,
                    "identical: all {} output files of {}",
                    report.files,
                    dir.display()
                );
                Ok(ExitCode::SUCCESS)
            } else {
                say!(
                    said,
                    "different: {} of {} output files of {}",
                    report.differences.len(),
                    report.files,
                    dir.display()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Merge { shards, out, quiet } => {
            let report = merge(&MergeOptions { shards, out })?;
            if !quiet {
                match report {
                    MergeReport::Compare(report) => said.push_str(&headline(&report)),
                    MergeReport::Warn(report) => said.push_str(&summary(&report)),
                    MergeReport::Sweep(report) => said.push_str(&sweep::summary(&report)),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Animate {
            scenario,
            strategy,
            seed,
            users,
            overrides,
            out,
            quiet,
        } => {
            let path = animate(&AnimateOptions {
                scenario,
                strategy,
                seed,
                overrides,
                sample: usize::from(users),
                out,
            })?;
            if !quiet {
                say!(said, "wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep {
            sweep,
            threads,
            out,
            quiet,
            report: with_report,
            scale_out,
        } => {
            let report = sweep::sweep(&SweepOptions {
                sweep,
                threads: threads.map(usize::from),
                out,
                quiet,
                shard: scale_out.shard,
                resume: scale_out.resume,
            })?;
            if !quiet {
                said.push_str(&sweep::summary(&report));
            }
            if with_report {
                let page = trustsim::output::report::report(&report.directory.path)?;
                if !quiet {
                    say!(said, "wrote {}", page.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Calibrate {
            calibration,
            threads,
            out,
            resume,
            quiet,
        } => {
            let report = calibrate::calibrate(&CalibrateOptions {
                calibration,
                threads: threads.map(usize::from),
                out,
                quiet,
                resume,
            })?;
            if !quiet {
                said.push_str(&calibrate::summary(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { scenarios, overrides } => {
            let results = commands::validate::validate(&scenarios, &overrides);
            let mut failed = false;
            // An error of the command line's `--set` is the same for every file: said once.
            let mut reported = std::collections::BTreeSet::new();
            for (path, result) in scenarios.iter().zip(results) {
                match result {
                    Ok(()) => say!(said, "ok: {}", path.display()),
                    Err(error) => {
                        failed = true;
                        let message = format!("{error:#}");
                        if reported.insert(message.clone()) {
                            report(&message);
                        }
                    }
                }
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Bench {
            scenario,
            overrides,
            days,
            threads,
            seed,
        } => {
            let text = bench(&BenchOptions {
                scenario,
                overrides,
                days,
                threads: threads.map(usize::from),
                seed,
            })?;
            said.push_str(&text.to_string());
            Ok(ExitCode::SUCCESS)
        }
        Command::Params => {
            said.push_str(&trustsim::scenario::reference::parameters_markdown());
            Ok(ExitCode::SUCCESS)
        }
    }
}
