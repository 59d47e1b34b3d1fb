//! The statistics of a strategy comparison over many seeds: each strategy's mean with its
//! confidence interval, its paired difference from the reference strategy on the same seeds
//! (common random numbers), and sample quantiles for bands.

use crate::analysis::probability::{students_t_quantile, students_t_upper_tail};

/// Two-sided confidence level of every interval here.
const CONFIDENCE: f64 = 0.95;

/// Mean, spread and 95% confidence interval of one sample.
///
/// The interval is Student's t interval for a mean (Student 1908, "The probable error of a mean",
/// Biometrika 6(1), 1–25): `mean ± t(0.975; n − 1) · sd / √n`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean (NaN when the sample is empty).
    pub mean: f64,
    /// Sample standard deviation, with n − 1 in the denominator (NaN when n < 2).
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean (NaN when n < 2).
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean (NaN when n < 2).
    pub ci_high: f64,
}

/// Summarizes `values` by their mean, sample standard deviation and 95% Student-t confidence
/// interval of the mean.
///
/// An empty sample gives NaN everywhere; a single value is its own mean, with NaN spread and
/// interval. A sample of equal values has `sd` exactly 0 and the interval `[mean, mean]`.
/// A NaN value makes the result NaN.
pub fn summarize(values: &[f64]) -> Summary {
    let n = values.len();
    let mean = mean(values);
    let sd = if n < 2 {
        f64::NAN
    } else {
        let squares: f64 = values.iter().map(|value| (value - mean) * (value - mean)).sum();
        (squares / (n - 1) as f64).sqrt()
    };
    let t_critical = degrees_of_freedom(n).map_or(f64::NAN, |df| students_t_quantile((1.0 + CONFIDENCE) / 2.0, df));
    // The critical value is finite for n ≥ 2, so a zero spread collapses the interval exactly.
    let half_width = t_critical * sd / (n as f64).sqrt();
    Summary {
        n,
        mean,
        sd,
        ci_low: mean - half_width,
        ci_high: mean + half_width,
    }
}

/// A paired comparison of a strategy against the reference over the same seeds.
///
/// Built from the per-seed differences `d_i = value_i − reference_i`; the test is the paired
/// t-test (Student 1908, "The probable error of a mean", Biometrika 6(1), 1–25).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Number of seeds (pairs).
    pub n: usize,
    /// Mean of the differences, strategy minus reference.
    pub mean_diff: f64,
    /// Lower end of the 95% Student-t confidence interval of the mean difference.
    pub ci_low: f64,
    /// Upper end of the 95% Student-t confidence interval of the mean difference.
    pub ci_high: f64,
    /// `mean_diff` as a fraction of the reference mean (NaN when the reference mean is 0).
    pub relative_change: f64,
    /// Two-sided p-value of the paired t-test of "the mean difference is 0".
    pub p_value: f64,
}

/// Compares `values` with `reference`, seed by seed.
///
/// `mean_diff` and the interval are those of [`summarize`] applied to the differences. The
/// p-value is `2 · (1 − F(|t|; n − 1))` with `t = mean_diff / (sd_d / √n)` and `F` Student's t
/// distribution function, computed through the upper tail so that small p-values keep their
/// precision. Special cases:
/// - n < 2: interval and p-value are NaN (whatever the differences);
/// - all differences exactly 0: `mean_diff` 0, interval `[0, 0]`, p-value 1;
/// - all differences equal and nonzero (sd 0): interval `[d, d]`, p-value 0;
/// - a NaN difference: interval and p-value are NaN.
///
/// # Panics
///
/// If the two samples differ in length: callers pair one value per seed, so that is a bug.
pub fn paired(values: &[f64], reference: &[f64]) -> Paired {
    assert!(
        values.len() == reference.len(),
        "a paired comparison needs one value per seed in both samples, got {} values and {} reference values",
        values.len(),
        reference.len()
    );
    let differences: Vec<f64> = values.iter().zip(reference).map(|(value, base)| value - base).collect();
    let summary = summarize(&differences);
    let reference_mean = mean(reference);
    let relative_change = if reference_mean == 0.0 {
        f64::NAN
    } else {
        summary.mean / reference_mean
    };
    let p_value = match degrees_of_freedom(summary.n) {
        None => f64::NAN,
        // A NaN difference has no test.
        Some(_) if summary.sd.is_nan() => f64::NAN,
        Some(_) if summary.sd == 0.0 => {
            if summary.mean == 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Some(df) => {
            let t_statistic = summary.mean / (summary.sd / (summary.n as f64).sqrt());
            2.0 * students_t_upper_tail(t_statistic.abs(), df)
        }
    };
    Paired {
        n: summary.n,
        mean_diff: summary.mean,
        ci_low: summary.ci_low,
        ci_high: summary.ci_high,
        relative_change,
        p_value,
    }
}

/// The q-quantile of a sample by linear interpolation between order statistics (Hyndman & Fan
/// type 7, numpy's default).
///
/// Hyndman & Fan 1996, "Sample quantiles in statistical packages", The American Statistician
/// 50(4), 361–365: with `h = (n − 1) · q`, the quantile is `x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋ + 1] − x[⌊h⌋])`
/// (0-based), so q = 0 is the minimum and q = 1 the maximum. `sorted` must be sorted ascending,
/// e.g. by `sort_by(f64::total_cmp)` (checked in debug builds). An empty sample gives NaN.
///
/// # Panics
///
/// If `q` is not in [0, 1].
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!((0.0..=1.0).contains(&q), "quantile `{q}` is outside [0, 1]");
    debug_assert!(
        sorted.windows(2).all(|pair| pair[0].total_cmp(&pair[1]).is_le()),
        "quantile needs a sample sorted ascending"
    );
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let position = (sorted.len() - 1) as f64 * q;
    let below = position.floor() as usize;
    match sorted.get(below + 1) {
        Some(&above) => sorted[below] + (position - below as f64) * (above - sorted[below]),
        None => last,
    }
}

/// The arithmetic mean (NaN when empty), summed as offsets from the first value: a sample of
/// equal values then has exactly that value as its mean, and so exactly zero spread, which the
/// special cases of [`paired`] rely on (a plain sum would make `[0.1, 0.1, 0.1]` average
/// 0.10000000000000002).
fn mean(values: &[f64]) -> f64 {
    let Some(&first) = values.first() else {
        return f64::NAN;
    };
    first + values.iter().map(|value| value - first).sum::<f64>() / values.len() as f64
}

/// The degrees of freedom of Student's t distribution of a mean of `n` values: n − 1; none when
/// n < 2.
fn degrees_of_freedom(n: usize) -> Option<f64> {
    (n >= 2).then(|| (n - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} differs from {expected} by more than {tolerance}"
        );
    }

    #[test]
    fn summary_matches_a_hand_computed_t_interval() {
        let summary = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        // mean = 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sd = √(32/7) = 2.138089935;
        // t(0.975; 7) = 2.364624252; half-width = 2.364624252 · 2.138089935 / √8 = 1.787487918.
        assert_eq!(summary.n, 8);
        assert_close(summary.mean, 5.0, 1e-12);
        assert_close(summary.sd, 2.138089935, 1e-9);
        assert_close(summary.ci_low, 5.0 - 1.787487918, 1e-6);
        assert_close(summary.ci_high, 5.0 + 1.787487918, 1e-6);
    }

    #[test]
    fn summary_of_fewer_than_two_values_has_no_spread_or_interval() {
        let empty = summarize(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_nan() && empty.sd.is_nan() && empty.ci_low.is_nan() && empty.ci_high.is_nan());
        let single = summarize(&[4.5]);
        assert_eq!(single.n, 1);
        assert_eq!(single.mean, 4.5);
        assert!(single.sd.is_nan() && single.ci_low.is_nan() && single.ci_high.is_nan());
    }

    #[test]
    fn constant_sample_has_zero_spread_and_a_collapsed_interval() {
        let summary = summarize(&[0.1, 0.1, 0.1]);
        assert_eq!(summary.mean, 0.1);
        assert_eq!(summary.sd, 0.0);
        assert_eq!((summary.ci_low, summary.ci_high), (0.1, 0.1));
    }

    #[test]
    fn paired_matches_a_hand_computed_t_test() {
        let strategy = [10.1, 9.8, 11.2, 10.5, 9.9];
        let reference = [9.6, 9.9, 10.4, 10.0, 9.5];
        let comparison = paired(&strategy, &reference);
        // d = [0.5, −0.1, 0.8, 0.5, 0.4]; mean 2.1 / 5 = 0.42; squared deviations
        // 0.0064+0.2704+0.1444+0.0064+0.0004 = 0.428; sd = √(0.428/4) = 0.3271085447;
        // se = sd / √5 = 0.1462873884; t = 0.42 / se = 2.871060894 on 4 degrees of freedom.
        // p = 2·(1 − F(t; 4)) = 0.045420033, from the closed form for 4 degrees of freedom,
        // F(t) = 1/2 + (3/8)·t/√a·(1 − t²/(12a)) with a = 1 + t²/4, and mpmath's integral of the
        // t density. t(0.975; 4) = 2.776445105, so the interval is 0.42 ± 0.406158903.
        // The reference mean is 49.4 / 5 = 9.88, so the relative change is 0.42 / 9.88.
        assert_eq!(comparison.n, 5);
        assert_close(comparison.mean_diff, 0.42, 1e-12);
        assert_close(comparison.ci_low, 0.013841097, 1e-6);
        assert_close(comparison.ci_high, 0.826158903, 1e-6);
        assert_close(comparison.relative_change, 0.042510121, 1e-6);
        assert_close(comparison.p_value, 0.045420033, 1e-6);
    }

    #[test]
    fn paired_with_itself_is_exactly_no_difference() {
        let values = [3.7, 0.1, 12.25, 8.0, 5.5, 0.3];
        let comparison = paired(&values, &values);
        assert_eq!(comparison.mean_diff, 0.0);
        assert_eq!((comparison.ci_low, comparison.ci_high), (0.0, 0.0));
        assert_eq!(comparison.p_value, 1.0);
        assert_eq!(comparison.relative_change, 0.0);
    }

    #[test]
    fn paired_with_a_constant_nonzero_difference_is_certain() {
        let comparison = paired(&[1.5, 2.5, 3.5], &[1.0, 2.0, 3.0]);
        assert_eq!(comparison.mean_diff, 0.5);
        assert_eq!((comparison.ci_low, comparison.ci_high), (0.5, 0.5));
        assert_eq!(comparison.p_value, 0.0);
    }

    #[test]
    fn paired_special_cases_without_a_test() {
        let single = paired(&[2.0], &[1.0]);
        assert_eq!(single.mean_diff, 1.0);
        assert!(single.ci_low.is_nan() && single.ci_high.is_nan() && single.p_value.is_nan());
        let nan_difference = paired(&[1.0, f64::NAN, 3.0], &[0.0, 1.0, 2.0]);
        assert!(nan_difference.ci_low.is_nan() && nan_difference.p_value.is_nan());
        let zero_reference = paired(&[1.0, 2.0], &[-1.0, 1.0]);
        assert!(zero_reference.relative_change.is_nan());
        assert_eq!(zero_reference.mean_diff, 1.5);
    }

    #[test]
    #[should_panic(expected = "got 3 values and 2 reference values")]
    fn paired_samples_of_different_lengths_are_a_bug() {
        paired(&[1.0, 2.0, 3.0], &[1.0, 2.0]);
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        let sample = [1.0, 2.0, 3.0, 4.0];
        // h = 3q: 0.3 → 1 + 0.3·1; 1.5 → 2 + 0.5·1; 2.7 → 3 + 0.7·1.
        assert_close(quantile(&sample, 0.1), 1.3, 1e-12);
        assert_close(quantile(&sample, 0.5), 2.5, 1e-12);
        assert_close(quantile(&sample, 0.9), 3.7, 1e-12);
        assert_eq!(quantile(&sample, 0.0), 1.0);
        assert_eq!(quantile(&sample, 1.0), 4.0);
        let mut unsorted = [10.0, 1.0, 0.0, 1.0];
        unsorted.sort_by(f64::total_cmp);
        // [0, 1, 1, 10], h = 3 · 0.75 = 2.25 → 1 + 0.25 · 9.
        assert_close(quantile(&unsorted, 0.75), 3.25, 1e-12);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn interval_covers_the_true_mean_95_percent_of_the_time() {
        let mut rng = ChaCha8Rng::seed_from_u64(20_240_601);
        let normal = Normal::new(3.0, 2.0).unwrap();
        let replications = 2_000;
        let covered = (0..replications)
            .filter(|_| {
                let sample: Vec<f64> = (0..10).map(|_| normal.sample(&mut rng)).collect();
                let summary = summarize(&sample);
                summary.ci_low <= 3.0 && 3.0 <= summary.ci_high
            })
            .count();
        let coverage = covered as f64 / replications as f64;
        // Binomial sd √(0.95 · 0.05 / 2000) = 0.0049: the band is 3 sd.
        assert_close(coverage, 0.95, 0.015);
    }

    #[test]
    fn paired_test_rejects_a_true_null_5_percent_of_the_time() {
        let mut rng = ChaCha8Rng::seed_from_u64(19_080_301);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let replications = 2_000;
        let rejected = (0..replications)
            .filter(|_| {
                let strategy: Vec<f64> = (0..20).map(|_| normal.sample(&mut rng)).collect();
                let reference: Vec<f64> = (0..20).map(|_| normal.sample(&mut rng)).collect();
                paired(&strategy, &reference).p_value < 0.05
            })
            .count();
        let type_one_error = rejected as f64 / replications as f64;
        assert_close(type_one_error, 0.05, 0.015);
    }
}
