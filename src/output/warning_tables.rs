//! The early-warning evaluation as tables and charts: per strategy and score (each indicator and
//! the composite), the AUC, hit and false-alarm rates and lead times over all seeds, the ROC
//! curve over thresholds, and the lead-time distribution.

use serde::{Deserialize, Serialize};

use crate::analysis::warning_eval::Evaluation;
use crate::error::Result;
use crate::model::warnings_day::{score_names, SCORES};
use crate::output::charts::{Figure, Ink, Line, Panel};
use crate::output::directory::OutputDir;

/// One row of `warning_evaluation.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct WarningRow {
    /// Strategy name.
    pub strategy: String,
    /// Score: an indicator or `composite`.
    pub score: String,
    /// Area under the ROC curve (0.5: no better than chance).
    pub auc: f64,
    /// Share of failures preceded by an alarm (score ≥ 1) within the lookahead.
    pub hit_rate: f64,
    /// Share of platform-days with no failure ahead on which the score alarmed.
    pub false_alarm_rate: f64,
    /// Mean days from the first alarm to the failure, over hits.
    pub mean_lead_days: f64,
    /// Median of the same.
    pub median_lead_days: f64,
    /// Failures over all seeds.
    pub failures: u64,
    /// Failures that were hits.
    pub hits: u64,
}

/// One row of `warning_roc.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RocRow {
    /// Strategy name.
    pub strategy: String,
    /// Score.
    pub score: String,
    /// Alarm threshold, as a multiple of the score's threshold.
    pub threshold: f64,
    /// Share of platform-days with a failure ahead that alarm at this threshold.
    pub true_positive_rate: f64,
    /// Share of platform-days with no failure ahead that alarm at this threshold.
    pub false_positive_rate: f64,
}

/// One row of `warning_lead_times.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LeadRow {
    /// Strategy name.
    pub strategy: String,
    /// Score.
    pub score: String,
    /// Days from the first alarm to the failure.
    pub lead_days: u32,
    /// Failures with that lead time.
    pub hits: u64,
}

/// One strategy's evaluations merged over its runs (each run's evaluations in score order):
/// one per score.
pub fn merged<'a>(runs: impl IntoIterator<Item = &'a [Evaluation]>) -> Vec<Evaluation> {
    let mut all = vec![Evaluation::new(); score_names().len()];
    for run in runs {
        merge_into(&mut all, run);
    }
    all
}

/// Merges one run's evaluations (one per score, in `score_names` order) into `all`, as
/// [`merged`] does run by run.
pub fn merge_into(all: &mut [Evaluation], run: &[Evaluation]) {
    for (total, evaluation) in all.iter_mut().zip(run) {
        total.merge(evaluation);
    }
}

/// The three tables, from the merged evaluations of each strategy (`names[s]`).
pub fn tables(names: &[String], evaluations: &[Vec<Evaluation>]) -> (Vec<WarningRow>, Vec<RocRow>, Vec<LeadRow>) {
    let (mut summary, mut roc, mut leads) = (Vec::new(), Vec::new(), Vec::new());
    for (strategy, by_score) in names.iter().zip(evaluations) {
        for (score, e) in score_names().iter().zip(by_score) {
            summary.push(WarningRow {
                strategy: strategy.clone(),
                score: score.to_string(),
                auc: e.auc(),
                hit_rate: e.hit_rate(),
                false_alarm_rate: e.false_alarm_rate(),
                mean_lead_days: e.mean_lead(),
                median_lead_days: e.median_lead(),
                failures: e.failures(),
                hits: e.hits(),
            });
            roc.extend(e.roc().into_iter().map(|point| RocRow {
                strategy: strategy.clone(),
                score: score.to_string(),
                threshold: point.threshold,
                true_positive_rate: point.true_positive_rate,
                false_positive_rate: point.false_positive_rate,
            }));
            leads.extend(e.lead_times().into_iter().map(|(lead_days, hits)| LeadRow {
                strategy: strategy.clone(),
                score: score.to_string(),
                lead_days,
                hits,
            }));
        }
    }
    (summary, roc, leads)
}

/// A score's name and its evaluation.
type Scored<'a> = (&'a str, &'a Evaluation);

/// The charts of one strategy's evaluation: ROC curves and lead-time distributions, one line
/// per score, platform scores and sector scores in panels of their own. The ROC curve is drawn
/// over the false-positive rate in whole percent, as the best true-positive rate reached at or
/// below each (a step curve); the tables hold every threshold.
pub fn figures(scenario: &str, strategy: &str, evaluations: &[Evaluation]) -> Vec<(&'static str, Figure)> {
    let names = score_names();
    let scored: Vec<Scored> = names.iter().copied().zip(evaluations).collect();
    let (platform, sector) = scored.split_at(SCORES);
    let longest = evaluations
        .iter()
        .flat_map(|e| e.lead_times())
        .map(|(lead, _)| lead)
        .max()
        .unwrap_or(0);
    let panels = |make: &dyn Fn(&[Scored]) -> Vec<Line>, y_label: &str| {
        [
            ("Platform scores (each open platform on each day)", platform),
            ("Sector scores (the sector on each day)", sector),
        ]
        .into_iter()
        .map(|(title, scores)| Panel {
            title: title.to_string(),
            y_label: y_label.to_string(),
            lines: make(scores),
            markers: Vec::new(),
        })
        .collect()
    };
    vec![
        (
            "warning_roc",
            Figure {
                title: format!("{scenario}, {strategy}: how well each warning score foretells failures (ROC)"),
                x_label: "false-positive rate (% of days with no failure ahead that alarm)".to_string(),
                panels: panels(&roc_lines, "true-positive rate"),
            },
        ),
        (
            "warning_lead_times",
            Figure {
                title: format!("{scenario}, {strategy}: how early the first alarm came"),
                x_label: "days from the first alarm to the failure".to_string(),
                panels: panels(&|scores| lead_lines(scores, longest), "failures foretold (all seeds)"),
            },
        ),
    ]
}

/// ROC curves as step envelopes over the false-positive rate in whole percent, and the diagonal
/// of a score no better than chance.
fn roc_lines(scores: &[Scored]) -> Vec<Line> {
    let chance = Line {
        label: "no better than chance".to_string(),
        days: (0..=100).collect(),
        mean: (0..=100).map(|percent| f64::from(percent) / 100.0).collect(),
        band: None,
        ink: Ink::Guide,
    };
    let curves = scores.iter().enumerate().map(|(i, (name, e))| {
        let mut best = [f64::NAN; 101];
        for point in e.roc() {
            if point.false_positive_rate.is_finite() && point.true_positive_rate.is_finite() {
                let percent = (point.false_positive_rate * 100.0).ceil() as usize;
                best[percent] = best[percent].max(point.true_positive_rate);
            }
        }
        for k in 1..best.len() {
            best[k] = best[k].max(best[k - 1]);
        }
        Line {
            label: format!("{name} (AUC {:.2})", e.auc()),
            days: (0..=100).collect(),
            mean: best.to_vec(),
            band: None,
            ink: Ink::Palette(i),
        }
    });
    // The diagonal first, so that every curve is drawn over it.
    std::iter::once(chance).chain(curves).collect()
}

/// Hits by lead time, from 0 to `longest` days.
fn lead_lines(scores: &[Scored], longest: u32) -> Vec<Line> {
    scores
        .iter()
        .enumerate()
        .map(|(i, (name, e))| {
            let mut counts = vec![0.0; longest as usize + 1];
            for (lead, hits) in e.lead_times() {
                counts[lead as usize] = hits as f64;
            }
            Line {
                label: name.to_string(),
                days: (0..=longest).collect(),
                mean: counts,
                band: None,
                ink: Ink::Palette(i),
            }
        })
        .collect()
}

/// Writes the early-warning evaluation tables.
pub(crate) fn write_tables(out: &mut OutputDir, names: &[String], warnings: &[Vec<Evaluation>]) -> Result<()> {
    let (summary, roc, leads) = tables(names, warnings);
    out.write_csv("warning_evaluation.csv", &summary)?;
    out.write_csv("warning_roc.csv", &roc)?;
    out.write_csv("warning_lead_times.csv", &leads)
}
