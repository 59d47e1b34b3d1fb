//! The statistics of a strategy comparison, from the runs of every strategy over the same
//! seeds: per-day summaries of every metric, and a table of each outcome measure's mean and its
//! paired difference against the reference strategy.

use serde::{Deserialize, Serialize};

use crate::analysis::cost_effectiveness::{cost_effectiveness, LOSS_OUTCOMES, PUBLIC_COST, UNDEFINED};
use crate::analysis::stats::{paired, quantile, summarize};

/// A row's fields as the CSV writer writes them: (column name, text), in column order.
pub fn csv_fields<T: Serialize>(row: &T) -> Vec<(String, String)> {
    csv_rows(std::slice::from_ref(row))
        .pop()
        .expect("one record was written")
}

/// Each row's numeric fields as [`numeric_fields`] gives them, written and read back through one
/// CSV writer and reader for all the rows (a reader per row would cost more than a small run).
pub fn numeric_rows<T: Serialize>(rows: &[T], skip: &str) -> Vec<Vec<(String, f64)>> {
    csv_rows(rows).into_iter().map(|fields| numeric(fields, skip)).collect()
}

/// Each row's fields as the CSV writer writes them, through one writer and one reader.
fn csv_rows<T: Serialize>(rows: &[T]) -> Vec<Vec<(String, String)>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row).expect("flat rows serialize to CSV");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().expect("a header was written").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("what was written reads back");
            header
                .iter()
                .zip(record.iter())
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect()
        })
        .collect()
}

/// A row's numeric fields as numbers (`true`/`false` as 1/0), skipping `skip` and any text.
pub fn numeric_fields<T: Serialize>(row: &T, skip: &str) -> Vec<(String, f64)> {
    numeric(csv_fields(row), skip)
}

/// Numeric (column, text) fields as numbers (`true`/`false` as 1/0), skipping column `skip` and
/// any text.
pub fn numeric(fields: Vec<(String, String)>, skip: &str) -> Vec<(String, f64)> {
    fields
        .into_iter()
        .filter(|(name, _)| name != skip)
        .filter_map(|(name, text)| {
            let value = match text.as_str() {
                "true" => Some(1.0),
                "false" => Some(0.0),
                _ => text.parse().ok(),
            };
            value.map(|v| (name, v))
        })
        .collect()
}

/// One row of `summary.csv`: a metric on one day under one strategy, over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SummaryRow {
    /// Strategy name.
    pub strategy: String,
    /// Day.
    pub day: u32,
    /// Metric (a column of a run's `series.csv`).
    pub metric: String,
    /// Number of seeds.
    pub n: usize,
    /// Mean over seeds.
    pub mean: f64,
    /// Sample standard deviation over seeds.
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean (Student t).
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
    /// 10th percentile over seeds.
    pub p10: f64,
    /// Median over seeds.
    pub p50: f64,
    /// 90th percentile over seeds.
    pub p90: f64,
}

/// The per-day metrics of many runs over a range of days, gathered one run at a time so that a
/// run's own rows need not be kept: for every (day, metric), the values of the runs in the order
/// they were added, as plain `f64` (eight bytes a value, whatever the metric's name). A long
/// horizon over many runs is summarised range by range, each cube holding only its days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesCube {
    /// The days held.
    days: std::ops::Range<usize>,
    /// The metrics' names, in a run's column order (from the first run added).
    metrics: Vec<String>,
    /// `values[(day - days.start) * metrics.len() + metric]`: one value per run.
    values: Vec<Vec<f64>>,
}

impl SeriesCube {
    /// An empty cube of the days `days`.
    pub fn new(days: std::ops::Range<usize>) -> SeriesCube {
        SeriesCube {
            days,
            ..SeriesCube::default()
        }
    }

    /// The days held.
    pub fn days(&self) -> std::ops::Range<usize> {
        self.days.clone()
    }

    /// Adds the cube's days of one run (`run[day]` holds the day's metrics as (name, value)).
    /// Every run must reach the cube's last day and have the metrics of the first run, in the
    /// same order; one that does not is described in the error.
    pub fn push(&mut self, run: &[Vec<(String, f64)>]) -> std::result::Result<(), String> {
        if run.len() < self.days.end {
            return Err(format!("has {} days of series, not {}", run.len(), self.days.end));
        }
        if self.values.is_empty() {
            self.metrics = run
                .first()
                .map(|day| day.iter().map(|(name, _)| name.clone()).collect())
                .unwrap_or_default();
            self.values = vec![Vec::new(); self.days.len() * self.metrics.len()];
        }
        for day in self.days.clone() {
            let metrics = &run[day];
            let same = metrics.len() == self.metrics.len()
                && metrics
                    .iter()
                    .zip(&self.metrics)
                    .all(|((name, _), known)| name == known);
            if !same {
                return Err(format!("has other metrics than the first run on day {day}"));
            }
            let base = (day - self.days.start) * self.metrics.len();
            for (m, (_, value)) in metrics.iter().enumerate() {
                self.values[base + m].push(*value);
            }
        }
        Ok(())
    }
}

/// Per day and metric of strategy `name`: mean, sd, CI and percentiles over the runs in `cube`.
pub fn summarize_series(name: &str, cube: &SeriesCube) -> Vec<SummaryRow> {
    let mut rows = Vec::with_capacity(cube.values.len());
    for day in cube.days() {
        for (m, metric) in cube.metrics.iter().enumerate() {
            let mut values = cube.values[(day - cube.days.start) * cube.metrics.len() + m].clone();
            let summary = summarize(&values);
            values.sort_by(f64::total_cmp);
            rows.push(SummaryRow {
                strategy: name.to_string(),
                day: day as u32,
                metric: metric.clone(),
                n: summary.n,
                mean: summary.mean,
                sd: summary.sd,
                ci_low: summary.ci_low,
                ci_high: summary.ci_high,
                p10: quantile(&values, 0.1),
                p50: quantile(&values, 0.5),
                p90: quantile(&values, 0.9),
            });
        }
    }
    rows
}

/// One row of `comparison.csv`: an outcome measure under one strategy, and its paired
/// difference against the reference strategy over the same seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ComparisonRow {
    /// Strategy name.
    pub strategy: String,
    /// Outcome measure (a column of `outcomes.csv`).
    pub outcome: String,
    /// Number of seeds.
    pub n: usize,
    /// Mean over seeds.
    pub mean: f64,
    /// Lower end of the 95% confidence interval of the mean (Student t).
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
    /// The reference strategy.
    pub reference: String,
    /// Mean paired difference, strategy minus reference, over the same seeds.
    pub diff: f64,
    /// Lower end of the 95% confidence interval of the difference.
    pub diff_ci_low: f64,
    /// Upper end of the 95% confidence interval of the difference.
    pub diff_ci_high: f64,
    /// The difference relative to the reference's mean (NaN when that mean is 0).
    pub relative_change: f64,
    /// Two-sided paired t-test p-value of no difference (1 when every difference is 0).
    pub p_value: f64,
    /// For an investor loss (`LOSS_OUTCOMES`): the loss averted per yuan of extra public money,
    /// mean averted over mean extra `public_cost_yuan`, seed by seed against the reference; NaN
    /// for other outcomes, for the reference and when the strategy spends no more public money.
    #[serde(default = "not_available")]
    pub averted_per_public_yuan: f64,
    /// Lower end of its 95% delta-method interval.
    #[serde(default = "not_available")]
    pub averted_per_public_yuan_ci_low: f64,
    /// Upper end of its 95% delta-method interval.
    #[serde(default = "not_available")]
    pub averted_per_public_yuan_ci_high: f64,
}

/// What a comparison written before cost-effectiveness existed reads as.
fn not_available() -> f64 {
    f64::NAN
}

/// Per strategy and outcome measure: the mean with its CI, and the paired comparison against
/// strategy `reference`. `outcomes[strategy][seed]` holds a run's measures as (name, value);
/// runs of every strategy must be in the same seed order.
pub fn compare_outcomes(
    strategies: &[String],
    reference: usize,
    outcomes: &[Vec<Vec<(String, f64)>>],
) -> Vec<ComparisonRow> {
    let column = |s: usize, m: usize| -> Vec<f64> { outcomes[s].iter().map(|run| run[m].1).collect() };
    let Some(measures) = outcomes.first().and_then(|runs| runs.first()) else {
        return Vec::new();
    };
    let public_cost = measures.iter().position(|(name, _)| name == PUBLIC_COST);
    let mut rows = Vec::new();
    for (s, name) in strategies.iter().enumerate() {
        for (m, (measure, _)) in measures.iter().enumerate() {
            let values = column(s, m);
            let summary = summarize(&values);
            let difference = paired(&values, &column(reference, m));
            let effectiveness = match public_cost {
                Some(c) if s != reference && LOSS_OUTCOMES.contains(&measure.as_str()) => {
                    cost_effectiveness(&values, &column(reference, m), &column(s, c), &column(reference, c))
                }
                _ => UNDEFINED,
            };
            rows.push(ComparisonRow {
                strategy: name.clone(),
                outcome: measure.clone(),
                n: summary.n,
                mean: summary.mean,
                ci_low: summary.ci_low,
                ci_high: summary.ci_high,
                reference: strategies[reference].clone(),
                diff: difference.mean_diff,
                diff_ci_low: difference.ci_low,
                diff_ci_high: difference.ci_high,
                relative_change: difference.relative_change,
                p_value: difference.p_value,
                averted_per_public_yuan: effectiveness.ratio,
                averted_per_public_yuan_ci_low: effectiveness.ci_low,
                averted_per_public_yuan_ci_high: effectiveness.ci_high,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three runs of four days and two metrics, run r's metric m on day d being a different
    /// number each time.
    fn runs() -> Vec<Vec<Vec<(String, f64)>>> {
        (0..3)
            .map(|r| {
                (0..4)
                    .map(|d| {
                        ["a", "b"]
                            .iter()
                            .enumerate()
                            .map(|(m, name)| (name.to_string(), ((r * 7 + d * 3 + m * 5) % 11) as f64))
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    fn summary(ranges: &[std::ops::Range<usize>]) -> Vec<SummaryRow> {
        let mut rows = Vec::new();
        for days in ranges {
            let mut cube = SeriesCube::new(days.clone());
            for run in runs() {
                cube.push(&run).unwrap();
            }
            rows.extend(summarize_series("s", &cube));
        }
        rows
    }

    #[test]
    fn summarising_the_days_in_ranges_gives_the_rows_of_one_range() {
        let whole = summary(std::slice::from_ref(&(0..4)));
        assert_eq!(whole.len(), 8);
        assert_eq!((whole[3].day, whole[3].metric.as_str(), whole[3].n), (1, "b", 3));
        // Run values of metric b on day 1: 8, 4, 0 (r*7 + 3 + 5 mod 11).
        assert_eq!((whole[3].p50, whole[3].mean), (4.0, 4.0));
        assert_eq!(summary(&[0..1, 1..3, 3..4]), whole);
    }

    #[test]
    fn a_run_unlike_the_first_is_refused() {
        let mut cube = SeriesCube::new(0..4);
        cube.push(&runs()[0]).unwrap();
        let short = &runs()[1][..3];
        assert!(cube.push(short).unwrap_err().contains("3 days"));
        let mut renamed = runs()[1].clone();
        renamed[2][1].0 = "c".to_string();
        assert!(cube.push(&renamed).unwrap_err().contains("day 2"));
    }
}
