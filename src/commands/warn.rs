//! `trustsim warn`: evaluates the early-warning scores of one strategy over many seeds, for
//! tuning thresholds: each score's ROC curve over every threshold, its AUC, hit and false-alarm
//! rates and lead times at the configured threshold, and the threshold that maximises
//! Youden's J = true-positive rate − false-positive rate (Youden 1950).

use serde_json::{json, Map, Value};

use crate::analysis::warning_eval::Evaluation;
use crate::error::{Error, Result};
use crate::experiment::ensemble::{write_charts, Ensemble, EnsembleOptions, LoadRun};
use crate::experiment::run_record::run_id;
use crate::model::warnings_day::score_names;
use crate::output::warning_tables;
use crate::output::Written;

/// Options of `trustsim warn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarnOptions {
    /// Scenario, seeds, threads, overrides, output directory and quietness.
    pub ensemble: EnsembleOptions,
    /// The strategy run (default: the reference strategy).
    pub strategy: Option<String>,
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
    pub directory: Written,
    /// Each score, in output order.
    pub scores: Vec<ScoreReport>,
}

/// Runs one strategy over seeds 1..=N and writes the early-warning evaluation atomically; with
/// `--shard`, runs only the shard's runs and writes them for `merge`.
pub fn warn(options: &WarnOptions) -> Result<WarnReport> {
    let ensemble = options.ensemble.load("warn", None)?;
    let scenario = ensemble.scenario();
    let strategy = scenario
        .strategy_index(options.strategy.as_deref().unwrap_or(&scenario.reference_strategy))
        .map_err(|message| Error::Usage {
            option: "--strategy".to_string(),
            message,
        })?;
    let store = ensemble.run(&[strategy])?;
    if ensemble.shard().is_some() {
        let entries = manifest_entries(&scenario.strategies()[strategy].name);
        let directory = ensemble.finish_shard(store, &[strategy], entries)?;
        return Ok(WarnReport {
            directory,
            scores: Vec::new(),
        });
    }
    let report = write_evaluation(&ensemble, strategy, &|name, seed| store.path(&run_id(name, seed)))?;
    store.remove();
    Ok(report)
}

/// The manifest entries of an evaluation: the strategy run.
fn manifest_entries(strategy: &str) -> Map<String, Value> {
    Map::from_iter([("strategy".to_string(), json!(strategy))])
}

/// Merges the evaluations of the finished runs of `strategy` (read through `load_run`) into
/// tables and charts, and finishes the output.
pub(crate) fn write_evaluation(ensemble: &Ensemble, strategy: usize, load_run: &LoadRun) -> Result<WarnReport> {
    let scenario = ensemble.scenario();
    let name = scenario.strategies()[strategy].name.clone();
    let mut merged = warning_tables::merged([]);
    ensemble.for_each_run(load_run, &name, |run| {
        warning_tables::merge_into(&mut merged, &run.warnings);
        Ok(())
    })?;
    let warnings = vec![merged];
    let mut out = ensemble.output()?;
    warning_tables::write_tables(&mut out, std::slice::from_ref(&name), &warnings)?;
    write_charts(&mut out, warning_tables::figures(&scenario.name, &name, &warnings[0]))?;
    let directory = ensemble.finish(out, manifest_entries(&name))?;
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
    let mut text = format!("wrote {}\n", report.directory);
    for s in &report.scores {
        text.push_str(&format!(
            "{:<20} AUC {:.3}; best threshold {:.2} × the configured one (TPR − FPR = {:.3})\n",
            s.score, s.auc, s.best_threshold, s.youden_j
        ));
    }
    text
}
