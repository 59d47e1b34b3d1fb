//! A candidate's distance to the data: its runs gathered into months (`crate::experiment::monthly`),
//! each series' simulated value in a month averaged over the candidate's seeds, and per series
//! the mean over the window's months with data of the per-month term, weighted and summed:
//!
//! `D(θ) = Σ_s w_s · (1 / |M_s|) Σ_{m ∈ M_s} d_s(y_{s,m}, μ_{s,m}(θ))`,
//!
//! `M_s` the months of the window with an observation of series `s`, `μ_{s,m}(θ)` the mean over
//! the seeds of the run's value. Sums run in series order, then month order.

use crate::analysis::comparison::numeric_rows;
use crate::error::{Error, Result};
use crate::experiment::calibrate::month::Month;
use crate::experiment::calibrate::spec::{Calibration, Horizon};
use crate::experiment::monthly::{monthly, MONTHLY_METRICS};
use crate::experiment::run::simulate_series;
use crate::scenario::schema::Scenario;

/// The monthly values of one run: `values[k][j]` is metric `j` of [`MONTHLY_METRICS`] in the
/// k-th month from `first`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMonths {
    /// The first month of the run.
    pub first: Month,
    /// Per month, per metric.
    pub values: Vec<[f64; MONTHLY_METRICS.len()]>,
}

impl RunMonths {
    /// The value of `metric` (an index into [`MONTHLY_METRICS`]) in `month`, if the run has it.
    pub fn get(&self, month: Month, metric: usize) -> Option<f64> {
        let k = usize::try_from(self.first.months_until(month)).ok()?;
        self.values.get(k).map(|row| row[metric])
    }
}

/// The months of `scenario` run under `calibration`'s strategy with `seed`.
pub fn run_months(calibration: &Calibration, scenario: &Scenario, seed: u64) -> Result<RunMonths> {
    let edges = calibration.base.edge_list();
    let series = simulate_series(scenario, calibration.strategy, edges.as_deref(), seed)?;
    let days = numeric_rows(&series, "day");
    let rows = monthly(calibration.start, &scenario.scale, &days);
    let values = rows
        .chunks(MONTHLY_METRICS.len())
        .map(|month| {
            let mut values = [0.0; MONTHLY_METRICS.len()];
            for (value, row) in values.iter_mut().zip(month) {
                *value = row.value;
            }
            values
        })
        .collect();
    Ok(RunMonths {
        first: Month::of(calibration.start),
        values,
    })
}

/// The index of `metric` in [`MONTHLY_METRICS`] (of a checked series).
pub fn metric_index(metric: &str) -> usize {
    MONTHLY_METRICS
        .iter()
        .position(|m| *m == metric)
        .expect("a checked metric")
}

/// The distance to the data of a candidate with parameter values `values` whose proposal drew
/// `candidate_seed`: +∞ when its scenario is invalid or a run leaves the model's range.
pub fn candidate_distance(calibration: &Calibration, values: &[f64], candidate_seed: u64) -> Result<f64> {
    let Some(scenario) = calibration.scenario_for(values, Horizon::Window)? else {
        return Ok(f64::INFINITY);
    };
    let mut runs = Vec::new();
    for seed in calibration.candidate_seeds(candidate_seed) {
        // Money beyond what trustsim accounts for puts the values out of the model's range.
        match run_months(calibration, &scenario, seed) {
            Ok(months) => runs.push(months),
            Err(Error::MoneyOutOfRange { .. }) => return Ok(f64::INFINITY),
            Err(other) => return Err(other),
        }
    }
    Ok(distance(calibration, &runs))
}

/// The distance of the runs `runs` (a candidate's seeds, each to the end of the window at least)
/// to the data, as the module's formula says.
pub fn distance(calibration: &Calibration, runs: &[RunMonths]) -> f64 {
    let (first, last) = calibration.window;
    let mut total = 0.0;
    for (series, observed) in calibration.file.series.iter().zip(&calibration.observed) {
        let metric = metric_index(&series.metric);
        let (mut sum, mut points) = (0.0, 0);
        for &(month, y) in observed.iter().filter(|(month, _)| (first..=last).contains(month)) {
            let mut simulated = 0.0;
            for run in runs {
                simulated += run.get(month, metric).expect("runs reach the end of the window");
            }
            sum += series.distance.term(y, simulated / runs.len() as f64);
            points += 1;
        }
        total += series.weight * sum / f64::from(points);
    }
    total
}
