//! The posterior predictive: parameter vectors drawn from the final generation, each run over the
//! whole horizon with several seeds; per series and month the data beside the quantiles of the
//! simulated values over draws × seeds; and per series the fit of those bands in the window.

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::abc::Generation;
use crate::analysis::fit::series_fit;
use crate::analysis::stats::quantile;
use crate::error::{Error, Result};
use crate::experiment::calibrate::distance::{metric_index, run_months, RunMonths};
use crate::experiment::calibrate::spec::{Calibration, Horizon};

/// How the predictive runs are drawn, for the manifest.
pub const PREDICTIVE_DERIVATION: &str = "draw k of K (from 0) is the final generation's particle whose cumulative \
normalised weight first exceeds (k + 0.5) / K (systematic resampling, no random numbers); its runs take seeds \
k·S + 1 to k·S + S, S the seeds per draw";

/// The quantiles of the bands, in the order of [`PredictiveRow`]'s columns.
const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// One row of `predictive.csv`: a series in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PredictiveRow {
    /// The series' name.
    pub series: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Whether the month is in the window fitted.
    pub window: bool,
    /// The observation, if the data has one.
    pub data: Option<f64>,
    /// 5% quantile over draws × seeds.
    pub p05: f64,
    /// 25% quantile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75% quantile.
    pub p75: f64,
    /// 95% quantile.
    pub p95: f64,
}

/// One row of `fit.csv`: how the predictive bands fit a series' data in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FitRow {
    /// The series' name.
    pub series: String,
    /// Its metric.
    pub metric: String,
    /// Its data's `source_id`s, in order of preference, separated by spaces.
    pub source: String,
    /// Months of the window with an observation.
    pub points: usize,
    /// Root mean square of observation minus predictive median.
    pub rmse: f64,
    /// Share of the observations inside the 50% band.
    pub coverage_50: f64,
    /// Share of the observations inside the 90% band.
    pub coverage_90: f64,
}

/// The particles (indices into `generation`) of `draws` posterior draws, by systematic
/// resampling with a fixed offset (see [`PREDICTIVE_DERIVATION`]).
pub fn posterior_draws(generation: &Generation, draws: usize) -> Vec<usize> {
    let mut cumulative = Vec::with_capacity(generation.particles.len());
    let mut total = 0.0;
    for particle in &generation.particles {
        total += particle.weight;
        cumulative.push(total);
    }
    let last = generation.particles.len() - 1;
    (0..draws)
        .map(|k| {
            let target = (k as f64 + 0.5) / draws as f64 * total;
            cumulative.partition_point(|&c| c <= target).min(last)
        })
        .collect()
}

/// The runs of the posterior draws over the whole horizon, draw by draw, seeds ascending (in
/// parallel, collected in that order).
pub fn predictive_runs(calibration: &Calibration, generation: &Generation) -> Result<Vec<RunMonths>> {
    let seeds = calibration.file.predictive.seeds;
    let jobs: Vec<(usize, u64)> = posterior_draws(generation, calibration.file.predictive.draws)
        .into_iter()
        .enumerate()
        .flat_map(|(k, particle)| (1..=seeds).map(move |j| (particle, k as u64 * seeds + j)))
        .collect();
    jobs.par_iter()
        .map(|&(particle, seed)| {
            let values = &generation.particles[particle].values;
            let scenario = calibration
                .scenario_for(values, Horizon::Full)?
                .ok_or_else(|| Error::Usage {
                    option: "calibration".to_string(),
                    message: format!("the posterior particle {values:?} no longer gives a valid scenario"),
                })?;
            run_months(calibration, &scenario, seed)
        })
        .collect()
}

/// The rows of `predictive.csv`: series by series, every month of the horizon.
pub fn predictive_rows(calibration: &Calibration, runs: &[RunMonths]) -> Vec<PredictiveRow> {
    let (first, last) = calibration.window;
    let months = calibration.months();
    let mut rows = Vec::new();
    for (series, observed) in calibration.file.series.iter().zip(&calibration.observed) {
        let metric = metric_index(&series.metric);
        for &month in &months {
            let mut values: Vec<f64> = runs.iter().filter_map(|run| run.get(month, metric)).collect();
            values.sort_by(f64::total_cmp);
            let q = QUANTILES.map(|p| quantile(&values, p));
            rows.push(PredictiveRow {
                series: series.name.clone(),
                month: month.to_string(),
                window: (first..=last).contains(&month),
                data: observed.iter().find(|(m, _)| *m == month).map(|(_, y)| *y),
                p05: q[0],
                p25: q[1],
                p50: q[2],
                p75: q[3],
                p95: q[4],
            });
        }
    }
    rows
}

/// The rows of `fit.csv`: each series' fit in the window (`crate::analysis::fit::series_fit`).
pub fn fit_rows(calibration: &Calibration, predictive: &[PredictiveRow]) -> Vec<FitRow> {
    calibration
        .file
        .series
        .iter()
        .map(|series| {
            let rows: Vec<&PredictiveRow> = predictive
                .iter()
                .filter(|row| row.series == series.name && row.window)
                .collect();
            let column = |f: fn(&PredictiveRow) -> f64| rows.iter().map(|row| f(row)).collect::<Vec<f64>>();
            let fit = series_fit(
                &column(|row| row.data.unwrap_or(f64::NAN)),
                &column(|row| row.p05),
                &column(|row| row.p25),
                &column(|row| row.p50),
                &column(|row| row.p75),
                &column(|row| row.p95),
            );
            FitRow {
                series: series.name.clone(),
                metric: series.metric.clone(),
                source: series.source.0.join(" "),
                points: fit.points,
                rmse: fit.rmse,
                coverage_50: fit.coverage_50,
                coverage_90: fit.coverage_90,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::abc::Particle;

    #[test]
    fn systematic_draws_follow_the_weights() {
        let particle = |weight: f64| Particle {
            values: vec![weight],
            weight,
            distance: 0.0,
        };
        let generation = Generation {
            index: 1,
            tolerance: 1.0,
            particles: vec![particle(0.5), particle(0.0), particle(0.25), particle(0.25)],
            proposed: 4,
            evaluated: 4,
            acceptance_rate: 1.0,
            ess: 2.7,
        };
        assert_eq!(posterior_draws(&generation, 4), [0, 0, 2, 3]);
        assert_eq!(posterior_draws(&generation, 8), [0, 0, 0, 0, 2, 2, 3, 3]);
        // One draw lands where the cumulative weight first exceeds 0.5: past the weightless particle.
        assert_eq!(posterior_draws(&generation, 1), [2]);
    }
}
