//! How far simulated series are from observed ones: per-point distances for counts and positive
//! quantities (deviances of the Poisson and negative-binomial families, the variance-stabilised
//! square-root distance, the scaled log ratio) and the goodness of fit of predictive bands.
//!
//! The deviances are those of generalised linear models (McCullagh & Nelder 1989, *Generalized
//! Linear Models*, 2nd ed., Chapman & Hall), the negative binomial's with a known size r (Hilbe
//! 2011, *Negative Binomial Regression*, 2nd ed., Cambridge University Press). The square-root
//! distance rests on the variance-stabilising square root of counts (Anscombe 1948, "The
//! transformation of Poisson, binomial and negative-binomial data", Biometrika 35(3/4), 246–254):
//! `2√y` has variance about 1 for Poisson counts that are not small.

/// The smallest expected value the deviances use: an expectation of 0 (a simulation that
/// produced nothing) would make any positive count infinitely far, so it is raised to 10^-10.
pub const EXPECTED_FLOOR: f64 = 1e-10;

/// Negative-binomial deviance of an observed count `y` ≥ 0 against the expected `mu`, with size
/// (dispersion) `r` > 0: `2 [y ln(y / mu) − (y + r) ln((y + r) / (mu + r))]`, with
/// `y ln(y / mu) = 0` at y = 0 and `mu` raised to [`EXPECTED_FLOOR`]. The variance is
/// `mu + mu² / r`; as r grows the deviance tends to the Poisson's, which `r = +∞` gives exactly.
/// The second logarithm is taken as `ln(1 + (y − mu) / (mu + r))` through `log1p`, so that a
/// large `r` loses no precision.
pub fn nb_deviance(y: f64, mu: f64, r: f64) -> f64 {
    if r == f64::INFINITY {
        return poisson_deviance(y, mu);
    }
    let mu = mu.max(EXPECTED_FLOOR);
    2.0 * (y_log_ratio(y, mu) - (y + r) * libm::log1p((y - mu) / (mu + r)))
}

/// Poisson deviance of an observed count `y` ≥ 0 against the expected `mu`:
/// `2 [y ln(y / mu) − (y − mu)]`, with `y ln(y / mu) = 0` at y = 0 and `mu` raised to
/// [`EXPECTED_FLOOR`].
pub fn poisson_deviance(y: f64, mu: f64) -> f64 {
    let mu = mu.max(EXPECTED_FLOOR);
    2.0 * (y_log_ratio(y, mu) - (y - mu))
}

/// `y ln(y / mu)`, 0 at y = 0 (its limit).
fn y_log_ratio(y: f64, mu: f64) -> f64 {
    if y == 0.0 {
        0.0
    } else {
        y * libm::log(y / mu)
    }
}

/// The squared difference of square roots, `4 (√y − √mu)²`, for counts `y`, `mu` ≥ 0: the
/// squared difference of Anscombe-transformed counts, about a squared standard normal for
/// Poisson counts with a mean that is not small.
pub fn sqrt_distance(y: f64, mu: f64) -> f64 {
    let difference = y.sqrt() - mu.sqrt();
    4.0 * difference * difference
}

/// The squared scaled log ratio `((ln y − ln mu) / sigma)²`, for positive `y` and `mu` with a
/// multiplicative error whose log has standard deviation `sigma` > 0. A zero `y` or `mu` gives
/// +∞: use it for quantities that are never 0.
pub fn log_distance(y: f64, mu: f64, sigma: f64) -> f64 {
    let ratio = (libm::log(y) - libm::log(mu)) / sigma;
    ratio * ratio
}

/// How well a simulated ensemble's predictive bands fit one observed series over a window.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SeriesFit {
    /// Data points compared: those with a finite observation (missing ones are NaN).
    pub points: usize,
    /// Root mean square of observation minus predictive median (NaN when no points).
    pub rmse: f64,
    /// Share of the points inside the 50% band `[p25, p75]`, ends included (NaN when no points).
    pub coverage_50: f64,
    /// Share of the points inside the 90% band `[p05, p95]`, ends included (NaN when no points).
    pub coverage_90: f64,
}

/// The fit of the observed `data` to the predictive quantiles of the simulations, day by day
/// (all slices over the same window). A well-calibrated ensemble covers about half the points
/// with its 50% band and nine in ten with its 90% band.
///
/// # Panics
///
/// If the slices differ in length.
pub fn series_fit(data: &[f64], p05: &[f64], p25: &[f64], p50: &[f64], p75: &[f64], p95: &[f64]) -> SeriesFit {
    let n = data.len();
    assert!(
        [p05.len(), p25.len(), p50.len(), p75.len(), p95.len()]
            .iter()
            .all(|&len| len == n),
        "series_fit needs one value of each quantile per data point ({n})"
    );
    let (mut points, mut squares, mut inside_50, mut inside_90) = (0, 0.0, 0, 0);
    for t in 0..n {
        let y = data[t];
        if !y.is_finite() {
            continue;
        }
        points += 1;
        squares += (y - p50[t]) * (y - p50[t]);
        inside_50 += usize::from(p25[t] <= y && y <= p75[t]);
        inside_90 += usize::from(p05[t] <= y && y <= p95[t]);
    }
    let share = |count: usize| count as f64 / points as f64;
    SeriesFit {
        points,
        rmse: (squares / points as f64).sqrt(),
        coverage_50: share(inside_50),
        coverage_90: share(inside_90),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() <= 1e-12 * expected.abs().max(1.0),
            "{actual} differs from {expected}"
        );
    }

    #[test]
    fn deviances_match_hand_computed_values() {
        // 2 [3 ln 1.5 − 8 ln(8/7)] = 2 [1.216395324 − 1.068251141].
        assert_close(nb_deviance(3.0, 2.0, 5.0), 0.29628836665662517);
        // 2 [10 ln 2.5 − 30 ln 1.25].
        assert_close(nb_deviance(10.0, 4.0, 20.0), 4.937201558630516);
        // y = 0: −2 r ln(r / (mu + r)) = −10 ln(5/7).
        assert_close(nb_deviance(0.0, 2.0, 5.0), 3.364722366212129);
        // 2 [3 ln 1.5 − 1].
        assert_close(poisson_deviance(3.0, 2.0), 0.4327906486489863);
        assert_close(poisson_deviance(0.0, 2.0), 4.0);
        assert_eq!(poisson_deviance(7.0, 7.0), 0.0);
        assert_eq!(nb_deviance(7.0, 7.0, 3.0), 0.0);
    }

    #[test]
    fn negative_binomial_tends_to_poisson_as_the_size_grows() {
        assert_close(nb_deviance(3.0, 2.0, f64::INFINITY), poisson_deviance(3.0, 2.0));
        let large = nb_deviance(3.0, 2.0, 1e12);
        assert!((large - poisson_deviance(3.0, 2.0)).abs() < 1e-9, "{large}");
        // Overdispersion makes the same miss count less.
        assert!(nb_deviance(30.0, 10.0, 2.0) < poisson_deviance(30.0, 10.0));
    }

    #[test]
    fn an_expectation_of_zero_is_raised_to_the_floor() {
        // 2 [y ln(y / 1e-10) − y + 1e-10] with y = 1: 2 (10 ln 10 − 1 + 1e-10).
        assert_close(
            poisson_deviance(1.0, 0.0),
            2.0 * (10.0 * std::f64::consts::LN_10 - 1.0 + 1e-10),
        );
        assert_eq!(poisson_deviance(0.0, 0.0), 2.0 * EXPECTED_FLOOR);
        assert!(nb_deviance(1.0, 0.0, 5.0).is_finite());
    }

    #[test]
    fn square_root_and_log_distances_match_hand_computed_values() {
        assert_eq!(sqrt_distance(9.0, 4.0), 4.0);
        assert_eq!(sqrt_distance(0.0, 16.0), 64.0);
        assert_close(log_distance(libm::exp(2.0), 1.0, 2.0), 1.0);
        assert_close(log_distance(1.0, 100.0, std::f64::consts::LN_10), 4.0);
        assert_eq!(log_distance(0.0, 1.0, 1.0), f64::INFINITY);
    }

    #[test]
    fn series_fit_counts_points_inside_the_bands() {
        let data = [1.0, 5.0, f64::NAN, 10.0, 2.0];
        let p05 = [0.0, 0.0, 0.0, 0.0, 2.5];
        let p25 = [0.5, 3.0, 0.0, 0.0, 3.0];
        let p50 = [1.0, 4.0, 0.0, 7.0, 4.0];
        let p75 = [1.5, 4.5, 0.0, 8.0, 5.0];
        let p95 = [2.0, 6.0, 0.0, 10.0, 6.0];
        let fit = series_fit(&data, &p05, &p25, &p50, &p75, &p95);
        // Four points; residuals 0, 1, 3, −2: √(14 / 4).
        assert_eq!(fit.points, 4);
        assert_close(fit.rmse, (14.0f64 / 4.0).sqrt());
        // 50% band holds the first point only; 90% band the first three (10 is on its edge).
        assert_eq!(fit.coverage_50, 0.25);
        assert_eq!(fit.coverage_90, 0.75);
        let empty = series_fit(&[f64::NAN], &[0.0], &[0.0], &[0.0], &[0.0], &[0.0]);
        assert_eq!(empty.points, 0);
        assert!(empty.rmse.is_nan() && empty.coverage_50.is_nan() && empty.coverage_90.is_nan());
    }
}
