//! `trustsim calibrate`: a calibration file's parameters fitted to its data by ABC-SMC, each
//! finished generation saved so that an interrupted calibration resumes; then the posterior
//! predictive runs, and the tables, charts, calibrated scenario and manifest, written
//! atomically and identical whatever the thread count.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

use crate::analysis::abc::RNG_DERIVATION as ABC_RNG_DERIVATION;
use crate::error::Result;
use crate::experiment::calibrate::predictive::{fit_rows, predictive_rows, predictive_runs, PREDICTIVE_DERIVATION};
use crate::experiment::calibrate::sampler::sample;
use crate::experiment::calibrate::spec::{Calibration, DATA_COPY};
use crate::experiment::calibrate::tables::{
    generation_rows, pairs_figure, parameter_rows, posterior_figure, posterior_records, predictive_figure, ParameterRow,
};
use crate::experiment::ensemble::thread_pool;
use crate::experiment::run_store::{run_key, RunStore};
use crate::output::calibration_charts::{write_bands, write_histograms, write_pairs};
use crate::output::directory::{check_destination, file_sha256, sha256_hex, OutputDir};
use crate::output::manifest::{manifest_base, recorded_text, Origin};
use crate::output::provenance::{Execution, EXECUTION};
use crate::output::Written;

/// Options of `trustsim calibrate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalibrateOptions {
    /// The calibration file.
    pub calibration: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// Output directory; default `output/<calibration file name>-calibrate`.
    pub out: Option<PathBuf>,
    /// No progress display.
    pub quiet: bool,
    /// Keep the generations an interrupted execution finished, and continue from the last.
    pub resume: bool,
}

/// What `trustsim calibrate` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateReport {
    /// Where the outputs are.
    pub directory: Written,
    /// Generations made, generation 0 included.
    pub generations: usize,
    /// Why the sampler stopped, in words.
    pub stop: String,
    /// The final generation's tolerance.
    pub tolerance: f64,
    /// The final generation's effective sample size.
    pub ess: f64,
    /// Simulations run by the sampler (candidates evaluated × seeds) and for the predictive.
    pub runs: u64,
    /// Each parameter's prior and posterior.
    pub parameters: Vec<ParameterRow>,
}

/// Where a calibration came from, as its manifest records it: the calibration file, the data
/// file and their sha256, and the base scenario's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CalibrationOrigin {
    /// The calibration file as given.
    pub file: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// The data file, by absolute path.
    pub data_file: String,
    /// The base scenario's origin.
    pub scenario: Origin,
}

impl CalibrationOrigin {
    /// The origin of a calibration just loaded.
    pub fn of(calibration: &Calibration) -> CalibrationOrigin {
        CalibrationOrigin {
            file: calibration.path.display().to_string(),
            sha256: sha256_hex(&calibration.source),
            data_file: calibration.data_name.clone(),
            scenario: Origin::of(&calibration.base),
        }
    }

    /// The origin a calibration's manifest records.
    pub fn recorded(manifest: &Map<String, Value>) -> CalibrationOrigin {
        CalibrationOrigin {
            file: recorded_text(manifest, "calibration_file"),
            sha256: recorded_text(manifest, "calibration_sha256"),
            data_file: recorded_text(manifest, "data_file"),
            scenario: Origin::recorded(manifest),
        }
    }
}

/// Runs the calibration in `options.calibration` and writes its outputs atomically.
pub fn calibrate(options: &CalibrateOptions) -> Result<CalibrateReport> {
    let execution = Execution::start();
    let calibration = Calibration::load(&options.calibration)?;
    run_calibration(&calibration, &CalibrationOrigin::of(&calibration), options, execution)
}

/// Runs `calibration`, taking the generations a resumed execution saved, and writes its
/// outputs, recording `origin` in the manifest.
pub(crate) fn run_calibration(
    calibration: &Calibration,
    origin: &CalibrationOrigin,
    options: &CalibrateOptions,
    execution: Execution,
) -> Result<CalibrateReport> {
    let destination = options.out.clone().unwrap_or_else(|| {
        let stem = calibration.path.file_stem().map(|s| s.to_string_lossy().into_owned());
        Path::new("output").join(format!("{}-calibrate", stem.unwrap_or_default()))
    });
    let key = calibration_key(calibration)?;
    check_destination(&destination)?;
    let store = RunStore::open(RunStore::beside(&destination), options.resume)?;
    let progress = progress(options.quiet);
    let (sampled, runs) = thread_pool(options.threads)?.install(|| -> Result<_> {
        let sampled = sample(calibration, &store, &key, &progress)?;
        progress.set_message("posterior predictive runs".to_string());
        let last = sampled.generations.last().expect("generation 0 at least");
        Ok((sampled.clone(), predictive_runs(calibration, last)?))
    })?;
    progress.finish_and_clear();
    let generations = &sampled.generations;
    let last = generations.last().expect("generation 0 at least");

    let predictive = predictive_rows(calibration, &runs);
    let parameters = parameter_rows(calibration, last);
    let medians: Vec<f64> = parameters.iter().map(|p| p.median).collect();
    let mut out = OutputDir::create(&destination)?;
    out.write_records("posterior.csv", posterior_records(calibration, generations))?;
    out.write_csv("generations.csv", &generation_rows(calibration, generations))?;
    out.write_csv("parameters.csv", &parameters)?;
    out.write_csv("predictive.csv", &predictive)?;
    out.write_csv("fit.csv", &fit_rows(calibration, &predictive))?;
    let bands = predictive_figure(calibration, &predictive);
    out.write_with(&["predictive.png", "predictive.svg"], |paths| {
        write_bands(&bands, &paths[0].with_extension(""))
    })?;
    let marginals = posterior_figure(calibration, last);
    out.write_with(&["posterior.png", "posterior.svg"], |paths| {
        write_histograms(&marginals, &paths[0].with_extension(""))
    })?;
    if let Some(pairs) = pairs_figure(calibration, last) {
        out.write_with(&["pairs.png", "pairs.svg"], |paths| {
            write_pairs(&pairs, &paths[0].with_extension(""))
        })?;
    }
    out.write_text("calibrated.toml", &calibration.scenario_text(&medians)?)?;
    out.write_text("scenario.toml", &calibration.base_text)?;
    out.write_text("calibration.toml", &calibration.resolved_text())?;
    out.write_with(&[DATA_COPY], |paths| std::fs::write(&paths[0], &calibration.data))?;

    let sampler_runs: u64 = generations.iter().map(|g| g.evaluated).sum::<u64>() * calibration.file.seeds;
    let total_runs = sampler_runs + runs.len() as u64;
    let edges = calibration.base.edge_list();
    let mut manifest = manifest_base("calibrate", &origin.scenario, &calibration.base_text, edges.as_deref())?;
    manifest.insert("calibration_file".into(), json!(origin.file));
    manifest.insert("calibration_sha256".into(), json!(origin.sha256));
    manifest.insert("data_file".into(), json!(origin.data_file));
    manifest.insert("data_sha256".into(), json!(sha256_hex(&calibration.data)));
    manifest.insert(
        "window".into(),
        json!([calibration.window.0.to_string(), calibration.window.1.to_string()]),
    );
    let strategy = &calibration.base.scenario.strategies()[calibration.strategy].name;
    manifest.insert("strategy".into(), json!(strategy));
    manifest.insert("parameters".into(), json!(calibration.keys()));
    let names: Vec<&str> = calibration.file.series.iter().map(|s| s.name.as_str()).collect();
    manifest.insert("series".into(), json!(names));
    manifest.insert("seeds_per_candidate".into(), json!(calibration.file.seeds));
    manifest.insert("random_numbers".into(), json!(calibration.file.random_numbers));
    manifest.insert("generations".into(), json!(generations.len()));
    manifest.insert("stop".into(), json!(sampled.stop.describe()));
    manifest.insert("sampler_runs".into(), json!(sampler_runs));
    manifest.insert("predictive_runs".into(), json!(runs.len()));
    manifest.insert("abc_rng".into(), json!(ABC_RNG_DERIVATION));
    manifest.insert("predictive_draws".into(), json!(PREDICTIVE_DERIVATION));
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads);
    manifest.insert(EXECUTION.into(), execution.record(threads));
    let directory = out.finish(manifest)?;
    store.remove();
    Ok(CalibrateReport {
        directory,
        generations: generations.len(),
        stop: sampled.stop.describe(),
        tolerance: last.tolerance,
        ess: last.ess,
        runs: total_runs,
        parameters,
    })
}

/// The key every saved generation of `calibration` carries: sha256 of the version, git commit,
/// resolved calibration, resolved base scenario, data file and edge list, so that a resume after
/// any of them changed is refused.
fn calibration_key(calibration: &Calibration) -> Result<String> {
    let edges = calibration
        .base
        .edge_list()
        .map(|file| file_sha256(&file))
        .transpose()?
        .unwrap_or_default();
    Ok(run_key(&[
        &sha256_hex(calibration.resolved_text().as_bytes()),
        &sha256_hex(calibration.base_text.as_bytes()),
        &sha256_hex(&calibration.data),
        &edges,
    ]))
}

/// A spinner on stderr counting candidates evaluated, with the stage; hidden with `quiet`
/// (indicatif also hides it when stderr is not a terminal).
fn progress(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} candidates evaluated, {elapsed} elapsed")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A short report for the terminal.
pub fn summary(report: &CalibrateReport) -> String {
    let mut text = format!(
        "wrote {}\n{} generations ({}); final tolerance {:.4}, ESS {:.1}; {} runs\n",
        report.directory, report.generations, report.stop, report.tolerance, report.ess, report.runs
    );
    for p in &report.parameters {
        text.push_str(&format!(
            "{}: median {:.4} (90% credible interval {:.4} to {:.4}; prior {:.4} to {:.4})\n",
            p.key, p.median, p.low_90, p.high_90, p.prior_low_90, p.prior_high_90
        ));
    }
    text
}
