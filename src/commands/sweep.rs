//! `trustsim sweep`: a sweep file's points × strategies × seeds run as one flat list of
//! parallel jobs (or one shard's share of it), each saved as it finishes so that an
//! interrupted sweep resumes; then summarised per point with confidence intervals, analysed
//! for sensitivity (Morris or Sobol, by design) and drawn as charts, all written atomically.

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::experiment::ensemble::{run_missing, RUNS_DIR};
use crate::experiment::run::simulate_for;
use crate::experiment::run_store::{run_key, RunStore, StoredRun};
use crate::experiment::shard::ShardSpec;
use crate::experiment::sweep::charts;
use crate::experiment::sweep::record::SweepRun;
use crate::experiment::sweep::spec::{Job, Sweep, BOOTSTRAP_STREAM, DESIGN_STREAM};
use crate::experiment::sweep::tables::SweepResults;
use crate::output::directory::{check_destination, file_sha256, sha256_hex, OutputDir};
use crate::output::manifest::{manifest_base, recorded_text, Origin};
use crate::output::provenance::{Execution, EXECUTION};
use crate::output::Written;
use crate::scenario::loader::LoadedScenario;

/// Options of `trustsim sweep`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepOptions {
    /// The sweep file.
    pub sweep: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// Output directory; default `output/<sweep file name>-sweep`.
    pub out: Option<PathBuf>,
    /// No progress bar.
    pub quiet: bool,
    /// Run only this shard's runs and write them, not the tables, for `merge`.
    pub shard: Option<ShardSpec>,
    /// Keep the runs an interrupted execution finished, and run only the others.
    pub resume: bool,
}

/// What `trustsim sweep` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// Where the outputs are.
    pub directory: Written,
    /// Number of points of the design.
    pub points: usize,
    /// Number of runs written (points × strategies × seeds; a shard's share with `--shard`).
    pub runs: usize,
}

/// Where a sweep came from, as its manifest records it: the sweep file and its sha256, and the
/// base scenario's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SweepOrigin {
    /// The sweep file as given.
    pub file: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// The base scenario's origin.
    pub scenario: Origin,
}

impl SweepOrigin {
    /// The origin of a sweep just loaded.
    pub fn of(sweep: &Sweep) -> SweepOrigin {
        SweepOrigin {
            file: sweep.path.display().to_string(),
            sha256: sha256_hex(&sweep.source),
            scenario: Origin::of(&sweep.base),
        }
    }

    /// The origin a sweep's manifest records.
    pub fn recorded(manifest: &Map<String, Value>) -> SweepOrigin {
        SweepOrigin {
            file: recorded_text(manifest, "sweep_file"),
            sha256: recorded_text(manifest, "sweep_sha256"),
            scenario: Origin::recorded(manifest),
        }
    }
}

/// Runs the sweep in `options.sweep` and writes its outputs atomically.
pub fn sweep(options: &SweepOptions) -> Result<SweepReport> {
    let execution = Execution::start();
    let sweep = Sweep::load(&options.sweep)?;
    run_sweep(&sweep, &SweepOrigin::of(&sweep), options, execution)
}

/// Runs `sweep` (or `options.shard`'s share of it), skipping the runs a resumed execution
/// finished, and writes its outputs, recording `origin` in the manifest.
pub(crate) fn run_sweep(
    sweep: &Sweep,
    origin: &SweepOrigin,
    options: &SweepOptions,
    execution: Execution,
) -> Result<SweepReport> {
    let shard = options.shard.map(|spec| spec.resolve_from_env()).transpose()?;
    let destination = options.out.clone().unwrap_or_else(|| {
        let stem = sweep.path.file_stem().map(|s| s.to_string_lossy().into_owned());
        Path::new("output").join(format!("{}-sweep", stem.unwrap_or_default()))
    });
    let key = scenario_key(sweep)?;
    check_destination(&destination)?;
    let store = RunStore::open(RunStore::beside(&destination), options.resume)?;
    let jobs: Vec<(String, Job)> = sweep.jobs().into_iter().map(|job| (sweep.run_id(&job), job)).collect();
    let edges: Vec<Option<PathBuf>> = sweep.scenarios.iter().map(LoadedScenario::edge_list).collect();
    let owned = run_missing(&store, &jobs, shard, &key, (options.threads, options.quiet), |job| {
        let scenario = &sweep.scenarios[job.point].scenario;
        let (index, name) = &sweep.strategies[job.strategy];
        let run = simulate_for(scenario, *index, edges[job.point].as_deref(), job.seed)?;
        Ok(SweepRun::new(job.point, name, &run.outcome, &key))
    })?;
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads);

    let report = match shard {
        Some(shard) => {
            let mut out = OutputDir::create(&destination)?;
            store.retain(&owned)?;
            out.adopt_dir(RUNS_DIR, store.dir())?;
            let mut entries = Map::new();
            entries.insert("shard".into(), json!({"index": shard.index, "count": shard.count}));
            entries.insert("runs".into(), json!(owned));
            let directory = finish(out, sweep, origin, entries, (&execution, threads))?;
            SweepReport {
                directory,
                points: sweep.points.len(),
                runs: owned.len(),
            }
        }
        None => write_sweep(sweep, origin, &|id| store.path(id), &destination, (&execution, threads))?,
    };
    store.remove();
    Ok(report)
}

/// The key every run record of `sweep` carries: sha256 of the version, git commit, resolved
/// sweep, resolved base scenario and every edge list a point reads (each file once, in the
/// order the points first name them), so that runs resumed after an edge list changed are
/// refused.
fn scenario_key(sweep: &Sweep) -> Result<String> {
    let resolved = sweep.base.resolved_text()?;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for file in std::iter::once(&sweep.base)
        .chain(&sweep.scenarios)
        .filter_map(LoadedScenario::edge_list)
    {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    let edges = files.iter().map(|file| file_sha256(file)).collect::<Result<Vec<_>>>()?;
    let mut parts = vec![
        sha256_hex(sweep.resolved_text().as_bytes()),
        sha256_hex(resolved.as_bytes()),
    ];
    parts.extend(edges);
    Ok(run_key(&parts.iter().map(String::as_str).collect::<Vec<_>>()))
}

/// Reads every run of `sweep` from where `load_run` says it is kept (by run id), after checking
/// that each is that run of this sweep (a damaged one is an error naming its file), and writes the sweep's tables, charts and manifest (with `execution`) to
/// `destination`; `execution` is this process's and its worker threads.
pub(crate) fn write_sweep(
    sweep: &Sweep,
    origin: &SweepOrigin,
    load_run: &dyn Fn(&str) -> PathBuf,
    destination: &Path,
    execution: (&Execution, usize),
) -> Result<SweepReport> {
    let key = scenario_key(sweep)?;
    let jobs = sweep.jobs();
    let outcomes = jobs
        .iter()
        .map(|job| {
            let id = sweep.run_id(job);
            let path = load_run(&id);
            let record = SweepRun::read(&path)?;
            let problem = if record.run != id {
                format!("holds run `{}`, not `{id}`", record.run)
            } else if record.scenario_key != key {
                "was run with another sweep, scenario or build".to_string()
            } else {
                return record.outcome().map_err(|message| Error::Damaged { path, message });
            };
            Err(Error::Damaged { path, message: problem })
        })
        .collect::<Result<Vec<_>>>()?;
    let results = SweepResults {
        sweep,
        jobs,
        outcomes,
        reference: sweep.reference,
    };

    let mut out = OutputDir::create(destination)?;
    let aggregates = results.aggregates();
    let morris = results.morris();
    let sobol = results.sobol();
    out.write_records("points.csv", results.point_records())?;
    out.write_records("runs.csv", results.run_records())?;
    out.write_csv("aggregates.csv", &aggregates)?;
    if !morris.is_empty() {
        out.write_csv("morris.csv", &morris)?;
    }
    if !sobol.is_empty() {
        out.write_csv("sobol.csv", &sobol)?;
    }
    for (name, text) in results.salib_files() {
        out.write_text(name, &text)?;
    }
    for (stem, figure) in charts::figures(&results, &aggregates, &morris, &sobol) {
        let files = [format!("{stem}.png"), format!("{stem}.svg")];
        out.write_with(&[&files[0], &files[1]], |paths| {
            charts::write(&figure, &paths[0].with_extension(""))
        })?;
    }
    let mut entries = Map::new();
    entries.insert("runs".into(), json!(results.jobs.len()));
    let directory = finish(out, sweep, origin, entries, execution)?;
    Ok(SweepReport {
        directory,
        points: sweep.points.len(),
        runs: results.jobs.len(),
    })
}

/// Writes the resolved base scenario, the resolved sweep and the manifest (the sweep's
/// entries, then `entries` and the execution record), and moves the output into place.
fn finish(
    mut out: OutputDir,
    sweep: &Sweep,
    origin: &SweepOrigin,
    entries: Map<String, Value>,
    (execution, threads): (&Execution, usize),
) -> Result<Written> {
    let base_edges = sweep.base.edge_list();
    let resolved = sweep.base.resolved_text()?;
    out.write_text("scenario.toml", &resolved)?;
    out.write_text("sweep.toml", &sweep.resolved_text())?;
    let mut manifest = manifest_base("sweep", &origin.scenario, &resolved, base_edges.as_deref())?;
    manifest.insert("sweep_file".into(), json!(origin.file));
    manifest.insert("sweep_sha256".into(), json!(origin.sha256));
    manifest.insert("design".into(), json!(sweep.file.design.kind()));
    manifest.insert(
        "design_rng".into(),
        json!(format!(
            "ChaCha8Rng::seed_from_u64(design seed), stream {DESIGN_STREAM} for the points; a fresh generator \
             on stream {BOOTSTRAP_STREAM} for each analysis's bootstrap"
        )),
    );
    manifest.insert("parameters".into(), json!(sweep.parameter_names()));
    manifest.insert("points".into(), json!(sweep.points.len()));
    let names: Vec<&str> = sweep.strategies.iter().map(|(_, n)| n.as_str()).collect();
    manifest.insert("strategies".into(), json!(names));
    manifest.insert("reference_strategy".into(), json!(names[sweep.reference]));
    manifest.insert("seeds".into(), json!((1..=sweep.file.seeds).collect::<Vec<_>>()));
    manifest.insert("outcomes".into(), json!(sweep.file.outcomes));
    manifest.insert(
        "run_order".into(),
        json!("point-major, then strategy in the sweep's order, then seed ascending; run id `point/strategy/seed`"),
    );
    manifest.extend(entries);
    manifest.insert(EXECUTION.into(), execution.record(threads));
    out.finish(manifest)
}

/// A short report for the terminal.
pub fn summary(report: &SweepReport) -> String {
    format!(
        "wrote {}\n{} points, {} runs\n",
        report.directory, report.points, report.runs
    )
}
