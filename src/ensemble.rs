//! What the commands over many seeds (`compare`, `warn`) share: their options, the scenario they
//! load, running strategies × seeds as parallel jobs, and finishing the output directory with
//! the resolved scenario and a manifest.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

use crate::charts::{write_figure, Figure};
use crate::commands::{edge_list, manifest_base, resolved_text};
use crate::error::{Error, Result};
use crate::loader::{load, LoadedScenario};
use crate::output::OutputDir;
use crate::run::{simulate_for, RunResult};
use crate::scenario::Scenario;

/// Options every command over many seeds takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnsembleOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Seeds 1..=`seeds` are run for every strategy.
    pub seeds: u64,
    /// Worker threads (default: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// `dotted.key=value` overrides.
    pub overrides: Vec<String>,
    /// Output directory; default `output/<scenario name>-<command>`.
    pub out: Option<PathBuf>,
    /// No progress bar.
    pub quiet: bool,
}

/// A loaded scenario with its edge list and seeds, for one command.
pub(crate) struct Ensemble<'a> {
    options: &'a EnsembleOptions,
    command: &'static str,
    loaded: LoadedScenario,
    edges: Option<PathBuf>,
    /// Seeds 1..=N.
    pub seeds: Vec<u64>,
}

impl EnsembleOptions {
    /// Loads the scenario for `command`.
    pub(crate) fn load(&self, command: &'static str) -> Result<Ensemble<'_>> {
        let loaded = load(&self.scenario, &self.overrides)?;
        Ok(Ensemble {
            options: self,
            command,
            edges: edge_list(&loaded),
            loaded,
            seeds: (1..=self.seeds).collect(),
        })
    }
}

impl Ensemble<'_> {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.loaded.scenario
    }

    /// Runs each of `strategies` (indices into [`Scenario::strategies`]) with every seed as parallel
    /// jobs on `--threads` workers, with a progress bar unless quiet. Returns `[strategy][seed]`,
    /// in the order given, whatever the number of threads.
    pub fn run(&self, strategies: &[usize]) -> Result<Vec<Vec<RunResult>>> {
        let (scenario, edges, seeds) = (self.scenario(), self.edges.as_deref(), &self.seeds);
        let (threads, quiet) = (self.options.threads, self.options.quiet);
        let jobs: Vec<(usize, u64)> = (0..strategies.len())
            .flat_map(|s| seeds.iter().map(move |&seed| (s, seed)))
            .collect();
        let bar = progress_bar(jobs.len() as u64, quiet);
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(threads) = threads {
            pool = pool.num_threads(threads);
        }
        let pool = pool.build().map_err(|e| Error::Usage {
            option: "--threads".to_string(),
            message: format!("cannot start the worker threads: {e}"),
        })?;
        let results: Vec<RunResult> = pool.install(|| {
            jobs.par_iter()
                .map(|&(s, seed)| {
                    let result = simulate_for(scenario, strategies[s], edges, seed);
                    bar.inc(1);
                    result
                })
                .collect::<Result<_>>()
        })?;
        bar.finish_and_clear();
        let mut runs: Vec<Vec<RunResult>> = vec![Vec::with_capacity(seeds.len()); strategies.len()];
        for ((s, _), result) in jobs.iter().zip(results) {
            runs[*s].push(result);
        }
        Ok(runs)
    }

    /// The output directory, staged: `--out`, or `output/<scenario name>-<command>`.
    pub fn output(&self) -> Result<OutputDir> {
        let directory = self
            .options
            .out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(format!("{}-{}", self.scenario().name, self.command)));
        OutputDir::create(&directory)
    }

    /// Writes the resolved scenario and the manifest (the common entries, the seeds and
    /// `entries`), and moves the output into place. Returns its directory.
    pub fn finish(&self, mut out: OutputDir, entries: Map<String, Value>) -> Result<PathBuf> {
        let resolved = resolved_text(self.scenario(), self.edges.as_deref())?;
        out.write_text("scenario.toml", &resolved)?;
        let mut manifest = manifest_base(self.command, &self.loaded, &resolved, self.edges.as_deref())?;
        manifest.insert("seeds".into(), json!(self.seeds));
        manifest.extend(entries);
        out.finish(manifest)
    }
}

/// Writes each (file stem, figure) as PNG and SVG.
pub(crate) fn write_charts(out: &mut OutputDir, charts: Vec<(&'static str, Figure)>) -> Result<()> {
    for (stem, figure) in charts {
        let files = [format!("{stem}.png"), format!("{stem}.svg")];
        out.write_with(&[&files[0], &files[1]], |paths| {
            write_figure(&figure, &paths[0].with_extension(""))
        })?;
    }
    Ok(())
}

/// A progress bar with an ETA on stderr; hidden with `quiet` (indicatif also hides it when
/// stderr is not a terminal).
pub(crate) fn progress_bar(jobs: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(jobs);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} elapsed, ETA {eta}")
            .expect("a valid template"),
    );
    bar
}

/// A pool of `threads` workers (default: one per core) for parallel runs.
pub(crate) fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        pool = pool.num_threads(threads);
    }
    pool.build().map_err(|e| Error::Usage {
        option: "--threads".to_string(),
        message: format!("cannot start the worker threads: {e}"),
    })
}
