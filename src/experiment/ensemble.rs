//! What the commands over many seeds (`compare`, `warn`) share: their options, the scenario they
//! load, running strategies × seeds as parallel jobs, and finishing the output directory with
//! the resolved scenario and a manifest.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::experiment::interrupt;
use crate::experiment::posterior_draws::{SeedDraws, DRAWS_FILE, DRAW_DERIVATION};
use crate::experiment::run::simulate_for;
use crate::experiment::run_record::{run_id, RunRecord};
use crate::experiment::run_store::{run_key, RunStore, StoredRun};
use crate::experiment::shard::{Shard, ShardSpec};
use crate::output::charts::{write_drawing, Drawing};
use crate::output::directory::{check_destination, file_sha256, sha256_hex, OutputDir};
use crate::output::manifest::{manifest_base, Origin};
use crate::output::provenance::{Execution, EXECUTION};
use crate::output::Written;
use crate::scenario::loader::{load, parse, LoadedScenario};
use crate::scenario::schema::Scenario;

/// The most seeds a command over many seeds runs (`--seeds`).
pub const MAX_SEEDS: u64 = 100_000;

/// The most worker threads a command takes (`--threads`).
pub const MAX_THREADS: usize = 1024;

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
    /// Run only this shard's runs and write them, not the aggregates.
    pub shard: Option<ShardSpec>,
    /// Keep the runs an interrupted execution finished, and run only the others.
    pub resume: bool,
    /// Each seed runs with its own posterior draw: a `calibrate` output directory, or the
    /// `posterior_draws.csv` of an earlier output ([`SeedDraws::load`]).
    pub posterior: Option<PathBuf>,
}

/// A loaded scenario with its edge list and seeds, for one command.
pub(crate) struct Ensemble<'a> {
    options: &'a EnsembleOptions,
    command: &'static str,
    scenario: Scenario,
    origin: Origin,
    edges: Option<PathBuf>,
    /// The resolved scenario's text.
    resolved: String,
    shard: Option<Shard>,
    execution: Execution,
    /// Each seed's posterior draw and its scenario, with `--posterior`.
    posterior: Option<(SeedDraws, Vec<Scenario>)>,
    /// Seeds 1..=N.
    pub seeds: Vec<u64>,
}

/// Where an ensemble's finished run of a strategy name and seed is kept.
pub(crate) type LoadRun<'a> = dyn Fn(&str, u64) -> PathBuf + 'a;

impl EnsembleOptions {
    /// Loads the scenario for `command`. The manifest records the scenario's `origin` if given
    /// (`merge` reads the resolved scenario a shard wrote, but records the original file), else
    /// the file's own.
    pub(crate) fn load(&self, command: &'static str, origin: Option<Origin>) -> Result<Ensemble<'_>> {
        let execution = Execution::start();
        // The command line checks these as it parses; callers of the library get the same words.
        let out_of_range = |option: &str, value: String, max: String| Error::Usage {
            option: option.to_string(),
            message: format!("{value} is not in 1..={max}"),
        };
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            return Err(out_of_range("--seeds", self.seeds.to_string(), MAX_SEEDS.to_string()));
        }
        if let Some(threads) = self.threads.filter(|t| !(1..=MAX_THREADS).contains(t)) {
            return Err(out_of_range("--threads", threads.to_string(), MAX_THREADS.to_string()));
        }
        let loaded = load(&self.scenario, &self.overrides)?;
        let origin = origin.unwrap_or_else(|| Origin {
            posterior: self.posterior.as_ref().map(|p| p.display().to_string()),
            ..Origin::of(&loaded)
        });
        Ensemble::new(self, command, loaded, origin, execution)
    }
}

impl<'a> Ensemble<'a> {
    fn new(
        options: &'a EnsembleOptions,
        command: &'static str,
        loaded: LoadedScenario,
        origin: Origin,
        execution: Execution,
    ) -> Result<Ensemble<'a>> {
        let edges = loaded.edge_list();
        let resolved = loaded.resolved_text()?;
        let shard = options.shard.map(|spec| spec.resolve_from_env()).transpose()?;
        let seeds: Vec<u64> = (1..=options.seeds).collect();
        let posterior = match &options.posterior {
            Some(path) => {
                let draws = SeedDraws::load(path, &seeds)?;
                let name = loaded.path.display().to_string();
                let scenarios = seeds
                    .iter()
                    .map(|&seed| parse(&resolved, &name, &draws.overrides(seed), &loaded.path))
                    .collect::<Result<_>>()
                    .map_err(|e| Error::Usage {
                        option: "--posterior".to_string(),
                        message: format!("a posterior draw does not fit the scenario: {e}"),
                    })?;
                Some((draws, scenarios))
            }
            None => None,
        };
        Ok(Ensemble {
            options,
            command,
            scenario: loaded.scenario,
            origin,
            edges,
            resolved,
            shard,
            execution,
            posterior,
            seeds,
        })
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario the runs of `seed` take: the scenario, or with `--posterior` the seed's draw
    /// of it.
    fn scenario_of(&self, seed: u64) -> &Scenario {
        match &self.posterior {
            Some((_, scenarios)) => &scenarios[(seed - 1) as usize],
            None => &self.scenario,
        }
    }

    /// The shard this execution runs, if any.
    pub fn shard(&self) -> Option<Shard> {
        self.shard
    }

    /// The key every run record of this ensemble carries: sha256 of the version, git commit,
    /// resolved scenario, edge list and posterior draws.
    fn scenario_key(&self) -> Result<String> {
        let edges = self.edges.as_deref().map(file_sha256).transpose()?.unwrap_or_default();
        let draws = match &self.posterior {
            Some((draws, _)) => {
                let lines: Vec<String> = draws.records().iter().map(|record| record.join(",")).collect();
                sha256_hex(lines.join("\n").as_bytes())
            }
            None => String::new(),
        };
        Ok(run_key(&[&sha256_hex(self.resolved.as_bytes()), &edges, &draws]))
    }

    /// The run ids of `strategies` (indices into [`Scenario::strategies`]) × seeds, in run
    /// order: strategy-major, seeds ascending.
    pub fn run_ids(&self, strategies: &[usize]) -> Vec<String> {
        self.jobs(strategies)
            .iter()
            .map(|&(s, seed)| run_id(&self.scenario.strategies()[s].name, seed))
            .collect()
    }

    /// (strategy index, seed) of every run, strategy-major.
    fn jobs(&self, strategies: &[usize]) -> Vec<(usize, u64)> {
        strategies
            .iter()
            .flat_map(|&s| self.seeds.iter().map(move |&seed| (s, seed)))
            .collect()
    }

    /// Runs this shard's runs of `strategies` × seeds (all of them without `--shard`) that are
    /// not finished yet ([`run_missing`]). Returns the store they are saved in.
    pub fn run(&self, strategies: &[usize]) -> Result<RunStore> {
        let (scenario, edges) = (self.scenario(), self.edges.as_deref());
        let key = self.scenario_key()?;
        check_destination(&self.destination())?;
        let store = RunStore::open(RunStore::beside(&self.destination()), self.options.resume)?;
        let jobs: Vec<(String, (usize, u64))> = self
            .jobs(strategies)
            .into_iter()
            .map(|(s, seed)| (run_id(&scenario.strategies()[s].name, seed), (s, seed)))
            .collect();
        let options = self.options;
        run_missing(
            &store,
            &jobs,
            self.shard,
            &key,
            (options.threads, options.quiet),
            |&(s, seed)| {
                let result = simulate_for(self.scenario_of(seed), s, edges, seed)?;
                Ok(RunRecord::new(&scenario.strategies()[s].name, &result, &key))
            },
        )?;
        Ok(store)
    }

    /// Reads the runs of strategy `name`, seed by seed, from where `load_run` says they are kept,
    /// and hands each to `visit` before reading the next, so that only one run's record is held
    /// at a time. Each is first checked to be that run of this ensemble (same scenario and build,
    /// a whole series); a damaged one is an error naming its file, and so is the first error of
    /// `visit`.
    pub fn for_each_run(
        &self,
        load_run: &LoadRun,
        name: &str,
        mut visit: impl FnMut(&RunRecord) -> Result<()>,
    ) -> Result<()> {
        let key = self.scenario_key()?;
        let days = self.scenario.horizon_days as usize + 1;
        for &seed in &self.seeds {
            let path = load_run(name, seed);
            let record = RunRecord::read(&path)?;
            let problem = if record.strategy != name || record.seed != seed {
                Some(format!("holds run `{}`, not `{}`", record.run, run_id(name, seed)))
            } else if record.scenario_key != key {
                Some("was run with another scenario, overrides or build".to_string())
            } else if record.series.len() != days {
                Some(format!("has {} days of series, not {days}", record.series.len()))
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(Error::Damaged { path, message });
            }
            visit(&record)?;
        }
        Ok(())
    }

    /// The output directory: `--out`, or `output/<scenario name>-<command>`.
    fn destination(&self) -> PathBuf {
        self.options
            .out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(format!("{}-{}", self.scenario().name, self.command)))
    }

    /// The output directory, staged.
    pub fn output(&self) -> Result<OutputDir> {
        OutputDir::create(&self.destination())
    }

    /// Writes the resolved scenario, the posterior draws if any, and the manifest (the common
    /// entries, the seeds, the posterior's source and `entries`), and moves the output into
    /// place. Returns its directory.
    pub fn finish(&self, mut out: OutputDir, entries: Map<String, Value>) -> Result<Written> {
        out.write_text("scenario.toml", &self.resolved)?;
        let mut manifest = manifest_base(self.command, &self.origin, &self.resolved, self.edges.as_deref())?;
        manifest.insert("seeds".into(), json!(self.seeds));
        if let Some((draws, _)) = &self.posterior {
            out.write_records(DRAWS_FILE, draws.records())?;
            manifest.insert(
                "posterior".into(),
                json!({"source": self.origin.posterior, "file": DRAWS_FILE, "draws": DRAW_DERIVATION}),
            );
        }
        manifest.extend(entries);
        let threads = self.options.threads.unwrap_or_else(rayon::current_num_threads);
        manifest.insert(EXECUTION.into(), self.execution.record(threads));
        out.finish(manifest)
    }

    /// Finishes a shard's output: its runs of `strategies` (moved from the store into `runs/`),
    /// the resolved scenario and a manifest with `entries`, the shard and its run ids.
    pub fn finish_shard(&self, store: RunStore, strategies: &[usize], entries: Map<String, Value>) -> Result<Written> {
        let shard = self.shard.expect("a shard");
        let mut out = self.output()?;
        let ids: Vec<String> = self
            .run_ids(strategies)
            .into_iter()
            .enumerate()
            .filter(|&(k, _)| shard.owns(k as u64))
            .map(|(_, id)| id)
            .collect();
        store.retain(&ids)?;
        out.adopt_dir(RUNS_DIR, store.dir())?;
        let mut entries = entries;
        entries.insert("shard".into(), json!({"index": shard.index, "count": shard.count}));
        entries.insert("runs".into(), json!(ids));
        let directory = self.finish(out, entries)?;
        store.remove();
        Ok(directory)
    }
}

/// Runs the jobs (run id, job) that `shard` owns (all without a shard; job k in list order when
/// k mod n = i − 1) and `store` has not finished under `key`, as parallel jobs on `threads`
/// workers with a progress bar unless `quiet`, saving each record `make` returns as it finishes.
/// Once a stop is asked for ([`interrupt`]) no job starts and [`Error::Interrupted`] is returned
/// after the jobs in progress are saved. Returns the ids of the jobs the shard owns, in order.
pub(crate) fn run_missing<J: Sync, R: StoredRun>(
    store: &RunStore,
    jobs: &[(String, J)],
    shard: Option<Shard>,
    key: &str,
    (threads, quiet): (Option<usize>, bool),
    make: impl Fn(&J) -> Result<R> + Sync,
) -> Result<Vec<String>> {
    let mut owned = Vec::new();
    let mut todo = Vec::new();
    for (k, (id, job)) in jobs.iter().enumerate() {
        if shard.is_none_or(|shard| shard.owns(k as u64)) {
            if !store.finished::<R>(id, key)? {
                todo.push(job);
            }
            owned.push(id.clone());
        }
    }
    let bar = progress_bar(todo.len() as u64, quiet);
    let done = AtomicUsize::new(owned.len() - todo.len());
    thread_pool(threads)?.install(|| {
        todo.par_iter().try_for_each(|job| {
            interrupt::check(|| format!("{} of {} runs", done.load(Ordering::SeqCst), owned.len()))?;
            store.save(&make(job)?)?;
            done.fetch_add(1, Ordering::SeqCst);
            bar.inc(1);
            Ok(())
        })
    })?;
    bar.finish_and_clear();
    Ok(owned)
}

/// The directory of a shard's output holding its run records.
pub const RUNS_DIR: &str = "runs";

/// Writes each (file stem, figure) as PNG and SVG.
pub(crate) fn write_charts(out: &mut OutputDir, charts: Vec<(&'static str, impl Drawing)>) -> Result<()> {
    for (stem, figure) in charts {
        let files = [format!("{stem}.png"), format!("{stem}.svg")];
        out.write_with(&[&files[0], &files[1]], |paths| {
            write_drawing(&figure, &paths[0].with_extension(""))
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
