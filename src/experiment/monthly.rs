//! A run's days gathered into calendar months, in the categories and real units of the Chinese
//! P2P data (MODEL §7.23): platforms operating at month end, new problem platforms by type,
//! benign exits, active investors (10k persons), transaction volume and loan balance (100m CNY)
//! and the composite yield (percent). Only for scenarios with a `start_date`.

use serde::Serialize;

use crate::analysis::stats::quantile;
use crate::scenario::calendar::{date_of_day, Date};
use crate::scenario::tables::ScaleParams;

/// The monthly metrics, in output order, named as in the data.
pub const MONTHLY_METRICS: [&str; 10] = [
    "operating_platforms",
    "new_problem_platforms",
    "new_problem_absconded",
    "new_problem_withdrawal_difficulty",
    "new_problem_police",
    "new_ceased_platforms",
    "active_investors",
    "transaction_volume",
    "loan_balance",
    "composite_yield",
];

/// One row of a run's `monthly.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MonthlyRow {
    /// `YYYY-MM`.
    pub month: String,
    /// One of [`MONTHLY_METRICS`].
    pub metric: &'static str,
    /// Its value in the data's units.
    pub value: f64,
}

/// One row of a comparison's `monthly.csv`: a metric of one month under one strategy, over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MonthlySummaryRow {
    /// Strategy name.
    pub strategy: String,
    /// `YYYY-MM`.
    pub month: String,
    /// One of [`MONTHLY_METRICS`].
    pub metric: &'static str,
    /// Number of seeds.
    pub n: usize,
    /// Mean over seeds.
    pub mean: f64,
    /// 5th percentile over seeds.
    pub p05: f64,
    /// Median over seeds.
    pub p50: f64,
    /// 95th percentile over seeds.
    pub p95: f64,
}

/// The per-day columns the months are made of.
const COLUMNS: [&str; 10] = [
    "platforms_operating",
    "platforms_distressed",
    "new_problem_absconded",
    "new_problem_withdrawal_difficulty",
    "new_problem_police",
    "new_exits",
    "investors",
    "deposits_yuan",
    "aum_yuan",
    "promised_return_mean",
];

/// A run's months: `series[day]` holds the day's numeric metrics as (column, value), day 0 first
/// (as `series.csv` has them, without `day`). Day t ≥ 1 falls on `start + (t − 1)`; day 0 belongs
/// to no month. A month's flows are summed over its days in the run, its stocks read on its last
/// day in the run (so the last month may be partial).
pub fn monthly(start: Date, scale: &ScaleParams, series: &[Vec<(String, f64)>]) -> Vec<MonthlyRow> {
    let Some(first) = series.first() else {
        return Vec::new();
    };
    let index: Vec<usize> = COLUMNS
        .iter()
        .map(|name| {
            first
                .iter()
                .position(|(column, _)| column == name)
                .unwrap_or_else(|| panic!("the series has a `{name}` column"))
        })
        .collect();
    let value = |day: usize, c: usize| series[day][index[c]].1;
    let people = scale.investors_per_user / 1e4;
    let platforms = scale.platforms_per_platform;
    let money = scale.investors_per_user * scale.money_scale / 1e8;
    let mut rows = Vec::new();
    let mut day = 1;
    while day < series.len() {
        let month = date_of_day(start, day as u32).month_label();
        let first_day = day;
        while day < series.len() && date_of_day(start, day as u32).month_label() == month {
            day += 1;
        }
        let days = first_day..day;
        let last = day - 1;
        let sum = |c: usize| days.clone().map(|d| value(d, c)).sum::<f64>();
        let problems = [sum(2), sum(3), sum(4)];
        let values = [
            (value(last, 0) + value(last, 1)) * platforms,
            (problems[0] + problems[1] + problems[2]) * platforms,
            problems[0] * platforms,
            problems[1] * platforms,
            problems[2] * platforms,
            sum(5) * platforms,
            value(last, 6) * people,
            sum(7) * money,
            value(last, 8) * money,
            value(last, 9) * 100.0,
        ];
        rows.extend(MONTHLY_METRICS.iter().zip(values).map(|(&metric, value)| MonthlyRow {
            month: month.clone(),
            metric,
            value,
        }));
    }
    rows
}

/// Per month and metric of strategy `name`: mean and percentiles over seeds; `runs` are its
/// runs' months, each with the same months and metrics in the same order.
pub fn summarize_months(name: &str, runs: &[Vec<MonthlyRow>]) -> Vec<MonthlySummaryRow> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.len())
        .map(|k| {
            let mut values: Vec<f64> = runs.iter().map(|run| run[k].value).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            values.sort_by(f64::total_cmp);
            MonthlySummaryRow {
                strategy: name.to_string(),
                month: first[k].month.clone(),
                metric: first[k].metric,
                n: values.len(),
                mean,
                p05: quantile(&values, 0.05),
                p50: quantile(&values, 0.5),
                p95: quantile(&values, 0.95),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A series of `days` + 1 days in which every column is `f(day, column)`.
    fn series(days: usize, f: impl Fn(usize, &str) -> f64) -> Vec<Vec<(String, f64)>> {
        (0..=days)
            .map(|day| COLUMNS.iter().map(|&c| (c.to_string(), f(day, c))).collect())
            .collect()
    }

    #[test]
    fn flows_sum_over_a_months_days_and_stocks_read_its_last_day_in_real_units() {
        let start = Date::parse("2014-01-30").unwrap();
        let scale = ScaleParams {
            investors_per_user: 100.0,
            money_scale: 2.0,
            platforms_per_platform: 1.0,
        };
        let rows = monthly(start, &scale, &series(3, |day, _| day as f64));
        let get = |month: &str, metric: &str| {
            rows.iter()
                .find(|r| r.month == month && r.metric == metric)
                .map(|r| r.value)
                .unwrap()
        };
        // Days 1, 2 are 2014-01-30, 31; day 3 is 2014-02-01. Day 0 is in no month.
        assert_eq!(rows.len(), 2 * MONTHLY_METRICS.len());
        assert_eq!(get("2014-01", "new_problem_absconded"), 3.0);
        assert_eq!(get("2014-01", "new_problem_platforms"), 9.0);
        assert_eq!(
            get("2014-01", "operating_platforms"),
            4.0,
            "operating + distressed on day 2"
        );
        assert_eq!(get("2014-01", "active_investors"), 2.0 * 100.0 / 1e4);
        assert_eq!(get("2014-01", "transaction_volume"), 3.0 * 200.0 / 1e8);
        assert_eq!(get("2014-01", "composite_yield"), 200.0);
        assert_eq!(get("2014-02", "new_ceased_platforms"), 3.0);
    }

    #[test]
    fn months_are_summarised_over_seeds() {
        let start = Date::parse("2014-01-01").unwrap();
        let runs: Vec<Vec<MonthlyRow>> = (0..5)
            .map(|seed| monthly(start, &ScaleParams::default(), &series(31, |_, _| seed as f64)))
            .collect();
        let summary = summarize_months("s", &runs);
        assert_eq!(summary.len(), MONTHLY_METRICS.len());
        let operating = &summary[0];
        assert_eq!((operating.n, operating.mean, operating.p50), (5, 4.0, 4.0));
        assert_eq!((operating.p05, operating.p95), (0.4, 7.6));
    }
}
