//! `trustsim sweep`: a sweep file's points × strategies × seeds run as one flat list of
//! parallel jobs, summarised per point with confidence intervals, analysed for sensitivity
//! (Morris or Sobol, by design) and drawn as charts, all written atomically.

use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

use crate::commands::{edge_list, manifest_base, resolved_text, Origin};
use crate::ensemble::{progress_bar, thread_pool};
use crate::error::Result;
use crate::output::{sha256_hex, OutputDir};
use crate::provenance::{Execution, EXECUTION};
use crate::run::simulate_for;
use crate::sweep_charts;
use crate::sweep_spec::{Sweep, BOOTSTRAP_STREAM, DESIGN_STREAM};
use crate::sweep_tables::SweepResults;

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
}

/// What `trustsim sweep` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// Where the outputs are.
    pub directory: PathBuf,
    /// Number of points of the design.
    pub points: usize,
    /// Number of runs (points × strategies × seeds).
    pub runs: usize,
}

/// Runs the sweep in `options.sweep` and writes its outputs atomically.
pub fn sweep(options: &SweepOptions) -> Result<SweepReport> {
    let execution = Execution::start();
    let sweep = Sweep::load(&options.sweep)?;
    let jobs = sweep.jobs();
    let edges: Vec<Option<PathBuf>> = sweep.scenarios.iter().map(edge_list).collect();
    let bar = progress_bar(jobs.len() as u64, options.quiet);
    let pool = thread_pool(options.threads)?;
    let outcomes = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let scenario = &sweep.scenarios[job.point].scenario;
                let strategy = sweep.strategies[job.strategy].0;
                let run = simulate_for(scenario, strategy, edges[job.point].as_deref(), job.seed);
                bar.inc(1);
                run.map(|r| r.outcome)
            })
            .collect::<Result<Vec<_>>>()
    })?;
    bar.finish_and_clear();
    let names: Vec<&str> = sweep.strategies.iter().map(|(_, n)| n.as_str()).collect();
    let reference = sweep.reference;
    let results = SweepResults {
        sweep: &sweep,
        jobs,
        outcomes,
        reference,
    };

    let directory = options.out.clone().unwrap_or_else(|| {
        let stem = sweep.path.file_stem().map(|s| s.to_string_lossy().into_owned());
        Path::new("output").join(format!("{}-sweep", stem.unwrap_or_default()))
    });
    let mut out = OutputDir::create(&directory)?;
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
    for (stem, figure) in sweep_charts::figures(&results, &aggregates, &morris, &sobol) {
        let files = [format!("{stem}.png"), format!("{stem}.svg")];
        out.write_with(&[&files[0], &files[1]], |paths| {
            sweep_charts::write(&figure, &paths[0].with_extension(""))
        })?;
    }

    let base_edges = edge_list(&sweep.base);
    let resolved = resolved_text(&sweep.base.scenario, base_edges.as_deref())?;
    out.write_text("scenario.toml", &resolved)?;
    out.write_text("sweep.toml", &sweep.resolved_text()?)?;
    let mut manifest = manifest_base("sweep", &Origin::of(&sweep.base), &resolved, base_edges.as_deref())?;
    manifest.insert("sweep_file".into(), json!(sweep.path.display().to_string()));
    manifest.insert("sweep_sha256".into(), json!(sha256_hex(&sweep.source)));
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
    manifest.insert("strategies".into(), json!(names));
    manifest.insert("reference_strategy".into(), json!(names[reference]));
    manifest.insert("seeds".into(), json!((1..=sweep.file.seeds).collect::<Vec<_>>()));
    manifest.insert("outcomes".into(), json!(sweep.file.outcomes));
    manifest.insert("runs".into(), json!(results.jobs.len()));
    manifest.insert(
        "run_order".into(),
        json!("point-major, then strategy in the sweep's order, then seed ascending; run id `point/strategy/seed`"),
    );
    let points = sweep.points.len();
    let runs = results.jobs.len();
    manifest.insert(EXECUTION.into(), execution.record(pool.current_num_threads()));
    let directory = out.finish(manifest)?;
    Ok(SweepReport {
        directory,
        points,
        runs,
    })
}

/// A short report for the terminal.
pub fn summary(report: &SweepReport) -> String {
    format!(
        "wrote {}\n{} points, {} runs\n",
        report.directory.display(),
        report.points,
        report.runs
    )
}
