//! What an ensemble keeps of each run, and the one file per run it is kept in: the run's
//! per-day series and outcome exactly as CSV writes them, and its early-warning counts. Every
//! aggregate of `compare`, `warn` and `merge` is computed from these records, whether they were
//! just run, resumed or gathered from shards, so all three give the same bytes.

use serde::{Deserialize, Serialize};

use crate::analysis::comparison::{csv_fields, numeric};
use crate::analysis::warning_eval::Evaluation;
use crate::experiment::run::RunResult;
use crate::experiment::run_store::StoredRun;
use crate::model::warnings_day::score_names;

/// A run's id: `<strategy>/<seed>`.
pub fn run_id(strategy: &str, seed: u64) -> String {
    format!("{strategy}/{seed}")
}

/// One run as the aggregates see it. Fields are text as CSV writes them (floats in their
/// shortest round-trip form), so reading a record back loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// `<strategy>/<seed>`.
    pub run: String,
    /// The strategy's name.
    pub strategy: String,
    /// The seed.
    pub seed: u64,
    /// The scenario and build the run belongs to: sha256 of the trustsim version, git commit,
    /// resolved scenario and edge list.
    pub scenario_key: String,
    /// Column names of the per-day series (those of a run's `series.csv`).
    pub series_columns: Vec<String>,
    /// One row per day, from day 0.
    pub series: Vec<Vec<String>>,
    /// Column names of the outcome measures (those of a run's `outcome.csv`).
    pub outcome_columns: Vec<String>,
    /// The outcome measures.
    pub outcome: Vec<String>,
    /// The early-warning evaluation of each score, in `score_names` order.
    pub warnings: Vec<Evaluation>,
}

impl RunRecord {
    /// The record of `result`, a run of strategy `strategy`.
    pub fn new(strategy: &str, result: &RunResult, scenario_key: &str) -> RunRecord {
        let (series_columns, series) = columns_and_rows(result.series.iter().map(csv_fields));
        let (outcome_columns, mut outcome) = columns_and_rows(std::iter::once(csv_fields(&result.outcome)));
        RunRecord {
            run: run_id(strategy, result.seed),
            strategy: strategy.to_string(),
            seed: result.seed,
            scenario_key: scenario_key.to_string(),
            series_columns,
            series,
            outcome_columns,
            outcome: outcome.pop().unwrap_or_default(),
            warnings: result.warnings.clone(),
        }
    }

    /// Day `day`'s series as (column, text) pairs.
    pub fn series_fields(&self, day: usize) -> Vec<(String, String)> {
        self.series_columns
            .iter()
            .cloned()
            .zip(self.series[day].iter().cloned())
            .collect()
    }

    /// Every day's numeric metrics as (name, value), without the day: what
    /// [`summarize_series`](crate::analysis::comparison::summarize_series) takes of a run.
    pub fn numeric_series(&self) -> Vec<Vec<(String, f64)>> {
        (0..self.series.len())
            .map(|day| numeric(self.series_fields(day), "day"))
            .collect()
    }

    /// The outcome as (column, text) pairs.
    pub fn outcome_fields(&self) -> Vec<(String, String)> {
        self.outcome_columns
            .iter()
            .cloned()
            .zip(self.outcome.iter().cloned())
            .collect()
    }
}

impl StoredRun for RunRecord {
    const KIND: &'static str = "run record";

    fn id(&self) -> &str {
        &self.run
    }

    fn scenario_key(&self) -> &str {
        &self.scenario_key
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.run != run_id(&self.strategy, self.seed) {
            return Err(format!("`run` is `{}`, not `<strategy>/<seed>`", self.run));
        }
        let columns = self.series_columns.len();
        if self.series.iter().any(|row| row.len() != columns) || self.outcome.len() != self.outcome_columns.len() {
            return Err("a row's length differs from its columns'".to_string());
        }
        if self.warnings.len() != score_names().len() || !self.warnings.iter().all(Evaluation::is_well_formed) {
            return Err("the early-warning counts are malformed".to_string());
        }
        Ok(())
    }
}

/// The header of the first row and every row's values.
fn columns_and_rows(rows: impl Iterator<Item = Vec<(String, String)>>) -> (Vec<String>, Vec<Vec<String>>) {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for fields in rows {
        if columns.is_empty() {
            columns = fields.iter().map(|(name, _)| name.clone()).collect();
        }
        values.push(fields.into_iter().map(|(_, value)| value).collect());
    }
    (columns, values)
}
