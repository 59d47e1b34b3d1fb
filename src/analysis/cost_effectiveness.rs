//! Cost-effectiveness: investor loss averted per yuan of public money, from the paired
//! per-seed differences of a loss and of the public cost against the reference strategy, as a
//! ratio estimator with a delta-method interval (MODEL §11.4).

use crate::analysis::probability::students_t_quantile;
use crate::analysis::stats::summarize;

/// The outcome measures that are investor losses, for which `comparison.csv` gives the loss
/// averted per yuan of public money.
pub const LOSS_OUTCOMES: [&str; 3] = ["net_loss_yuan", "investor_exposure_yuan", "losses_incurred_yuan"];

/// The outcome measure of public money spent.
pub const PUBLIC_COST: &str = "public_cost_yuan";

/// Loss averted per yuan of extra public money, with its 95% interval (all NaN when undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostEffectiveness {
    /// R = mean(loss averted) / mean(extra public cost).
    pub ratio: f64,
    /// Lower end of the 95% delta-method interval.
    pub ci_low: f64,
    /// Upper end of the 95% delta-method interval.
    pub ci_high: f64,
}

/// No cost-effectiveness: every field NaN.
pub const UNDEFINED: CostEffectiveness = CostEffectiveness {
    ratio: f64::NAN,
    ci_low: f64::NAN,
    ci_high: f64::NAN,
};

/// The ratio of mean loss averted to mean extra public cost over the same seeds, with a 95%
/// delta-method interval.
///
/// With a_i = reference loss − strategy loss and c_i = strategy cost − reference cost on seed
/// i (n seeds), R = ā / c̄ and, to first order (the delta method for a ratio of means; Cochran
/// 1977, *Sampling Techniques*, 3rd ed., §6.4),
/// `se² = (s_a² − 2R·s_ac + R²·s_c²) / (n·c̄²)` with s² and s_ac the sample variances and
/// covariance (n − 1 in the denominator); the interval is `R ± t(0.975; n − 1)·se`.
/// Undefined (NaN) when n < 2 or c̄ ≤ 0: a strategy that spends no more public money than the
/// reference has no cost per yuan to report. The interval is unreliable when c̄'s own interval
/// reaches zero (Fieller's interval would then be unbounded).
///
/// # Panics
///
/// If the samples differ in length: callers pair one value per seed.
pub fn cost_effectiveness(
    loss: &[f64],
    reference_loss: &[f64],
    cost: &[f64],
    reference_cost: &[f64],
) -> CostEffectiveness {
    let n = loss.len();
    assert!(
        reference_loss.len() == n && cost.len() == n && reference_cost.len() == n,
        "cost-effectiveness pairs one value per seed in every sample"
    );
    let averted: Vec<f64> = reference_loss.iter().zip(loss).map(|(r, s)| r - s).collect();
    let extra: Vec<f64> = cost.iter().zip(reference_cost).map(|(s, r)| s - r).collect();
    let (a, c) = (summarize(&averted), summarize(&extra));
    if n < 2 || c.mean.is_nan() || c.mean <= 0.0 {
        return UNDEFINED;
    }
    let ratio = a.mean / c.mean;
    let covariance = averted
        .iter()
        .zip(&extra)
        .map(|(x, y)| (x - a.mean) * (y - c.mean))
        .sum::<f64>()
        / (n - 1) as f64;
    let variance =
        (a.sd * a.sd - 2.0 * ratio * covariance + ratio * ratio * c.sd * c.sd).max(0.0) / (n as f64 * c.mean * c.mean);
    let half_width = students_t_quantile(0.975, (n - 1) as f64) * variance.sqrt();
    CostEffectiveness {
        ratio,
        ci_low: ratio - half_width,
        ci_high: ratio + half_width,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_and_its_delta_interval_match_a_hand_computation() {
        // Averted a = [4, 6, 8], extra cost c = [2, 2, 5]: ā = 6, c̄ = 3, R = 2;
        // s_a² = 4, s_c² = 3, s_ac = ((−2)(−1) + 0 + 2·2) / 2 = 3;
        // se² = (4 − 2·2·3 + 4·3) / (3·9) = 4/27; t(0.975; 2) = 4.302652730.
        let result = cost_effectiveness(&[6.0, 4.0, 2.0], &[10.0; 3], &[2.0, 2.0, 5.0], &[0.0; 3]);
        let half = 4.302652730 * (4.0f64 / 27.0).sqrt();
        assert!((result.ratio - 2.0).abs() < 1e-12);
        assert!((result.ci_low - (2.0 - half)).abs() < 1e-6);
        assert!((result.ci_high - (2.0 + half)).abs() < 1e-6);
    }

    #[test]
    fn exact_proportionality_has_a_zero_width_interval() {
        let result = cost_effectiveness(&[7.0, 4.0, 1.0], &[10.0; 3], &[1.5, 3.0, 4.5], &[0.0; 3]);
        assert!((result.ratio - 2.0).abs() < 1e-12);
        assert!((result.ci_high - result.ci_low).abs() < 1e-6);
    }

    #[test]
    fn no_extra_public_money_or_one_seed_leaves_it_undefined() {
        let cheaper = cost_effectiveness(&[1.0, 2.0], &[5.0, 5.0], &[1.0, 1.0], &[2.0, 2.0]);
        assert!(cheaper.ratio.is_nan() && cheaper.ci_low.is_nan());
        let same = cost_effectiveness(&[1.0, 2.0], &[5.0, 5.0], &[2.0, 2.0], &[2.0, 2.0]);
        assert!(same.ratio.is_nan());
        assert!(cost_effectiveness(&[1.0], &[5.0], &[3.0], &[2.0]).ratio.is_nan());
    }
}
