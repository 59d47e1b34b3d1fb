//! `trustsim warn`: evaluates the early-warning scores of one strategy over many seeds, for
//! tuning thresholds: each score's ROC curve over every threshold, its AUC, hit and false-alarm
//! rates and lead times at the configured threshold, and the threshold that maximises
//! Youden's J = true-positive rate − false-positive rate (Youden 1950).

use serde_json::json;
use std::path::{Path, PathBuf};

use crate::commands::{edge_list, manifest_base, resolved_text};
use crate::compare::{run_all, write_charts, write_warnings};
use crate::error::{Error, Result};
use crate::loader::load;
use crate::output::OutputDir;
use crate::response::score_names;
use crate::warning_eval::Evaluation;
use crate::warning_report;

/// Options of `trustsim warn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarnOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Seeds 1..=`seeds`.
    pub seeds: u64,
    /// The strategy run (default: the reference strategy).
    pub strategy: Option<String>,
    /// Worker threads (default: one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// `dotted.key=value` overrides.
    pub overrides: Vec<String>,
    /// Output directory; default `output/<scenario name>-warn`.
    pub out: Option<PathBuf>,
    /// No progress bar.
    pub quiet: bool,
}

/// One score's evaluation, as reported on the terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport {
    /// The score.
    pub score: String,
    /// Area under its ROC curve.
    pub auc: f64,
    /// The threshold (as a multiple of the configured one) with the largest TPR − FPR.
    pub best_threshold: f64,
    /// TPR − FPR there.
    pub youden_j: f64,
}

/// What `trustsim warn` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct WarnReport {
    /// Where the outputs are.
    pub directory: PathBuf,
    /// Each score, in output order.
    pub scores: Vec<ScoreReport>,
}

/// Runs one strategy over seeds 1..=N and writes the early-warning evaluation atomically.
pub fn warn(options: &WarnOptions) -> Result<WarnReport> {
    let loaded = load(&options.scenario, &options.overrides)?;
    let scenario = &loaded.scenario;
    let strategy = scenario
        .strategy_index(options.strategy.as_deref().unwrap_or(&scenario.reference_strategy))
        .map_err(|message| Error::Usage {
            option: "--strategy".to_string(),
            message,
        })?;
    let name = scenario.strategies()[strategy].name.clone();
    let edges = edge_list(&loaded);
    let seeds: Vec<u64> = (1..=options.seeds).collect();
    let runs = run_all(
        scenario,
        edges.as_deref(),
        &[strategy],
        &seeds,
        options.threads,
        options.quiet,
    )?;
    let warnings = warning_report::merged(&runs);
    let directory = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-warn", scenario.name)));
    let mut out = OutputDir::create(&directory)?;
    write_warnings(&mut out, std::slice::from_ref(&name), &warnings)?;
    write_charts(&mut out, warning_report::figures(&scenario.name, &name, &warnings[0]))?;
    let resolved = resolved_text(scenario, edges.as_deref())?;
    out.write_text("scenario.toml", &resolved)?;
    let mut manifest = manifest_base("warn", &loaded, &resolved, edges.as_deref())?;
    manifest.insert("seeds".into(), json!(seeds));
    manifest.insert("strategy".into(), json!(name));
    let directory = out.finish(manifest)?;
    let scores = score_names()
        .iter()
        .zip(&warnings[0])
        .map(|(score, evaluation)| report(score, evaluation))
        .collect();
    Ok(WarnReport { directory, scores })
}

/// The AUC and the Youden-optimal threshold of one score (the lowest threshold on ties).
fn report(score: &str, evaluation: &Evaluation) -> ScoreReport {
    let (best_threshold, youden_j) = evaluation
        .roc()
        .iter()
        .map(|p| (p.threshold, p.true_positive_rate - p.false_positive_rate))
        .filter(|(_, j)| j.is_finite())
        .fold((f64::NAN, f64::NEG_INFINITY), |best, candidate| {
            if candidate.1 > best.1 {
                candidate
            } else {
                best
            }
        });
    ScoreReport {
        score: score.to_string(),
        auc: evaluation.auc(),
        best_threshold,
        youden_j: if youden_j.is_finite() { youden_j } else { f64::NAN },
    }
}

/// The terminal report: where the outputs are, then each score's AUC and best threshold.
pub fn summary(report: &WarnReport) -> String {
    let mut text = format!("wrote {}\n", report.directory.display());
    for s in &report.scores {
        text.push_str(&format!(
            "{:<20} AUC {:.3}; best threshold {:.2} × the configured one (TPR − FPR = {:.3})\n",
            s.score, s.auc, s.best_threshold, s.youden_j
        ));
    }
    text
}
