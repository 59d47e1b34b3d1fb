//! What a sweep keeps of each run, and the one file per run it is kept in: the run's outcome
//! measures exactly as `runs.csv` writes them. A sweep's tables are computed from these records,
//! whether the runs were just made, resumed or gathered from shards, so all three give the
//! same bytes.

use serde::{Deserialize, Serialize};

use crate::analysis::comparison::csv_fields;
use crate::experiment::outcome::Outcome;
use crate::experiment::run_store::StoredRun;

/// A sweep run's id: `<point>/<strategy>/<seed>`, e.g. `12/compensation_fund/3`.
pub fn sweep_run_id(point: usize, strategy: &str, seed: u64) -> String {
    format!("{point}/{strategy}/{seed}")
}

/// One run of a sweep. The outcome is text as CSV writes it (floats in their shortest
/// round-trip form), so reading a record back loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepRun {
    /// `<point>/<strategy>/<seed>`.
    pub run: String,
    /// The point's index.
    pub point: usize,
    /// The strategy's name.
    pub strategy: String,
    /// The seed.
    pub seed: u64,
    /// The sweep and build the run belongs to: sha256 of the trustsim version, git commit,
    /// resolved sweep, resolved base scenario and edge list.
    pub scenario_key: String,
    /// Column names of the outcome measures (those of a run's `outcome.csv`).
    pub outcome_columns: Vec<String>,
    /// The outcome measures.
    pub outcome: Vec<String>,
}

impl SweepRun {
    /// The record of `outcome`, the run of `strategy` at `point` (with the outcome's seed).
    pub fn new(point: usize, strategy: &str, outcome: &Outcome, scenario_key: &str) -> SweepRun {
        let (outcome_columns, outcome_values) = csv_fields(outcome).into_iter().unzip();
        SweepRun {
            run: sweep_run_id(point, strategy, outcome.seed),
            point,
            strategy: strategy.to_string(),
            seed: outcome.seed,
            scenario_key: scenario_key.to_string(),
            outcome_columns,
            outcome: outcome_values,
        }
    }

    /// The outcome measures, read back exactly.
    pub fn outcome(&self) -> std::result::Result<Outcome, String> {
        let header = csv::StringRecord::from(self.outcome_columns.clone());
        csv::StringRecord::from(self.outcome.clone())
            .deserialize(Some(&header))
            .map_err(|e| format!("the outcome does not read back: {e}"))
    }
}

impl StoredRun for SweepRun {
    const KIND: &'static str = "sweep run record";

    fn id(&self) -> &str {
        &self.run
    }

    fn scenario_key(&self) -> &str {
        &self.scenario_key
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.run != sweep_run_id(self.point, &self.strategy, self.seed) {
            return Err(format!("`run` is `{}`, not `<point>/<strategy>/<seed>`", self.run));
        }
        let outcome = self.outcome()?;
        if outcome.seed != self.seed {
            return Err(format!("holds the outcome of seed {}, not {}", outcome.seed, self.seed));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_back_bit_for_bit() {
        let outcome = Outcome {
            seed: 7,
            net_loss_yuan: 0.1 + 0.2,
            trough_trust: 1.0 / 3.0,
            fraud_lifetime_days: f64::NAN,
            recovery_censored: true,
            victims: 12,
            ..Outcome::default()
        };
        let record = SweepRun::new(3, "status_quo", &outcome, "key");
        assert_eq!(record.run, "3/status_quo/7");
        let back = record.outcome().unwrap();
        assert_eq!(back.net_loss_yuan.to_bits(), outcome.net_loss_yuan.to_bits());
        assert_eq!(back.trough_trust.to_bits(), outcome.trough_trust.to_bits());
        assert!(back.fraud_lifetime_days.is_nan());
        assert_eq!((back.recovery_censored, back.victims, back.seed), (true, 12, 7));
    }
}
