//! The distribution functions behind the statistics over runs (`compare`, `warn`, `sweep`,
//! `sensitivity`): the standard normal quantile and Student's t distribution's upper tail and
//! quantile. Like the samplers of [`crate::random::samplers`], they use only IEEE arithmetic and the
//! pinned `libm` crate, never the platform's mathematical library, so the statistics come out
//! the same to the last bit on every machine. (`statrs`, which calls the platform's library, is
//! kept only to check these in tests.)

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// Relative step at which the quantiles' Newton iterations stop: a few units in the last place.
const QUANTILE_TOLERANCE: f64 = 4.0 * f64::EPSILON;

/// Most iterations of a quantile search (it needs well under 20 from its starting guess; the
/// bound only guarantees that it ends).
const QUANTILE_ITERATIONS: usize = 200;

/// Most terms of the incomplete beta function's continued fraction. It needs about
/// `√max(a, b)` terms; 10^5 covers Student's t with 10^10 degrees of freedom.
const FRACTION_TERMS: usize = 100_000;

/// `P(T > t)` for Student's t distribution with `df > 0` degrees of freedom.
///
/// For t ≥ 0 it is `½ I_x(df/2, 1/2)` with `x = df / (df + t²)`, where `I` is the regularized
/// incomplete beta function (Abramowitz & Stegun 1964, *Handbook of Mathematical Functions*,
/// 26.7.1 with 26.5.1); `1 − x` is computed as `t² / (df + t²)`, so small tails keep their
/// relative precision. For t < 0 it is `1 − P(T > −t)`. NaN when `t` or `df` is NaN.
pub fn students_t_upper_tail(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() {
        return f64::NAN;
    }
    if t < 0.0 {
        return 1.0 - students_t_upper_tail(-t, df);
    }
    if t == f64::INFINITY {
        return 0.0;
    }
    let square = t * t;
    let x = df / (df + square);
    let y = square / (df + square);
    0.5 * incomplete_beta(0.5 * df, 0.5, x, y)
}

/// The quantile of Student's t distribution with `df > 0` degrees of freedom: the `t` with
/// `P(T ≤ t) = p`, for p in (0, 1); −∞ at 0, +∞ at 1, NaN outside [0, 1].
///
/// Found by Newton's method on `ln P(T > t)` (whose derivative is `−f(t) / P(T > t)`, f the
/// density), kept inside a bracket that bisection takes over whenever a step would leave it,
/// from the Cornish–Fisher expansion around the normal quantile `z` (Abramowitz & Stegun 1964,
/// 26.7.5): `t ≈ z + (z³ + z) / (4 df) + (5z⁵ + 16z³ + 3z) / (96 df²)`.
pub fn students_t_quantile(p: f64, df: f64) -> f64 {
    let tail = |t: f64| students_t_upper_tail(t, df);
    let log_density = {
        let constant = libm::lgamma(0.5 * (df + 1.0)) - libm::lgamma(0.5 * df) - 0.5 * libm::log(df * PI);
        move |t: f64| constant - 0.5 * (df + 1.0) * libm::log1p(t * t / df)
    };
    let guess = |z: f64| {
        let z3 = z * z * z;
        z + (z3 + z) / (4.0 * df) + (5.0 * z3 * z * z + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
    };
    quantile(p, tail, log_density, guess)
}

/// The quantile of the standard normal distribution: the `z` with `Φ(z) = p`, for p in (0, 1);
/// −∞ at 0, +∞ at 1, NaN outside [0, 1].
///
/// Found by the same safeguarded Newton iteration as [`students_t_quantile`], on the upper tail
/// `½ erfc(z / √2)`, from the rational approximation of Abramowitz & Stegun 1964, 26.2.23
/// (absolute error below 4.5 × 10⁻⁴).
pub fn normal_quantile(p: f64) -> f64 {
    let tail = |z: f64| 0.5 * libm::erfc(z * FRAC_1_SQRT_2);
    let log_density = |z: f64| -0.5 * z * z - 0.5 * libm::log(2.0 * PI);
    quantile(p, tail, log_density, |z| z)
}

/// The `x ≥ 0`-side quantile search shared by the normal and Student's t distributions:
/// symmetric about 0, with upper tail `tail` (decreasing from ½ at 0), log density
/// `log_density`, and `refine` turning the normal approximation's starting point into this
/// distribution's.
fn quantile(p: f64, tail: impl Fn(f64) -> f64, log_density: impl Fn(f64) -> f64, refine: impl Fn(f64) -> f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 || p == 1.0 {
        return if p == 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    if p == 0.5 {
        return 0.0;
    }
    // Solve P(X > x) = alpha for x > 0, alpha < ½.
    let (alpha, sign) = if p > 0.5 { (1.0 - p, 1.0) } else { (p, -1.0) };
    let target = libm::log(alpha);
    let mut x = refine(abramowitz_stegun_normal(alpha)).max(f64::MIN_POSITIVE);
    // A bracket [low, high] with tail(low) > alpha > tail(high).
    let (mut low, mut high) = (0.0, x.max(1.0));
    while tail(high) > alpha && high < f64::MAX / 2.0 {
        low = high;
        high *= 2.0;
    }
    for _ in 0..QUANTILE_ITERATIONS {
        let upper = tail(x);
        if upper > alpha {
            low = low.max(x);
        } else {
            high = high.min(x);
        }
        // Newton's step on ln tail(x) − ln alpha, whose derivative is −density / tail.
        let step = (libm::log(upper) - target) * upper / libm::exp(log_density(x));
        let next = x + step;
        let next = if next > low && next < high && step.is_finite() {
            next
        } else {
            0.5 * (low + high)
        };
        let done = (next - x).abs() <= QUANTILE_TOLERANCE * next.abs();
        x = next;
        if done {
            break;
        }
    }
    sign * x
}

/// Abramowitz & Stegun 1964, 26.2.23: the `x > 0` with `Q(x) ≈ alpha` (alpha in (0, ½]), Q the
/// standard normal upper tail; absolute error below 4.5 × 10⁻⁴.
fn abramowitz_stegun_normal(alpha: f64) -> f64 {
    let t = libm::sqrt(-2.0 * libm::log(alpha));
    t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
}

/// The regularized incomplete beta function `I_x(a, b)` for a, b > 0 and x in [0, 1], given
/// `x` and `y = 1 − x` separately (so that either may be tiny without cancellation).
///
/// Its continued fraction (Press, Teukolsky, Vetterling & Flannery 2007, *Numerical Recipes*,
/// 3rd ed., §6.4, eq. 6.4.5) evaluated by the modified Lentz method (§5.2), on `I_x(a, b)` when
/// `x < (a + 1) / (a + b + 2)` and otherwise on `1 − I_y(b, a)`, where it converges fast.
pub(crate) fn incomplete_beta(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let log_beta = libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b);
    let front = libm::exp(a * libm::log(x) + b * libm::log(y) - log_beta);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, y) / b
    }
}

/// The continued fraction of the incomplete beta function (Numerical Recipes, eq. 6.4.5):
/// `1 / (1 + d₁ / (1 + d₂ / (1 + …)))` with `d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))`
/// and `d₂ₘ = m (b − m) x / ((a + 2m − 1)(a + 2m))`, by the modified Lentz method.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=FRACTION_TERMS {
        let m = m as f64;
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let factor = d * c;
        h *= factor;
        if (factor - 1.0).abs() <= f64::EPSILON {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

    fn assert_relative(actual: f64, expected: f64, tolerance: f64, what: &str) {
        let error = ((actual - expected) / expected).abs();
        assert!(
            error <= tolerance,
            "{what}: {actual} against {expected} (relative error {error:e})"
        );
    }

    #[test]
    fn t_tail_and_quantile_match_published_values() {
        // Tables of Student's t (e.g. Abramowitz & Stegun 1964, table 26.10).
        for (df, t975) in [
            (1.0, 12.706204736),
            (2.0, 4.302652730),
            (7.0, 2.364624252),
            (30.0, 2.042272456),
        ] {
            assert_relative(students_t_quantile(0.975, df), t975, 1e-9, "t(0.975)");
            assert_relative(students_t_upper_tail(t975, df), 0.025, 1e-8, "tail at t(0.975)");
        }
        // Closed forms: df = 1 is Cauchy, P(T > t) = ½ − atan(t)/π; df = 2 has P(T > t) =
        // ½ (1 − t / √(2 + t²)).
        for t in [0.1, 1.0, 3.0, 40.0] {
            assert_relative(students_t_upper_tail(t, 1.0), 0.5 - t.atan() / PI, 1e-13, "Cauchy tail");
            let df2 = 0.5 * (1.0 - t / (2.0 + t * t).sqrt());
            assert_relative(students_t_upper_tail(t, 2.0), df2, 1e-11, "df 2 tail");
        }
        assert_eq!(students_t_upper_tail(0.0, 5.0), 0.5);
        assert_eq!(students_t_quantile(0.5, 5.0), 0.0);
        assert_relative(
            students_t_upper_tail(-1.5, 9.0),
            1.0 - students_t_upper_tail(1.5, 9.0),
            1e-15,
            "symmetry",
        );
    }

    /// Quantiles `(df, p, t)` and upper tails `(df, t, P(T > t))` of Student's t, computed to 40
    /// digits with mpmath 1.3.0 (`betainc(df/2, 1/2, 0, df/(df+t²), regularized=True)/2`, and
    /// `findroot` on it) and rounded to 16 significant digits.
    const QUANTILES: [(f64, f64, f64); 12] = [
        (1.0, 0.995, 63.65674116287158),
        (2.0, 0.9, 1.885618083164127),
        (3.0, 0.975, 3.18244630528371),
        (5.0, 0.995, 4.032142983555228),
        (10.0, 0.9, 1.372183641110336),
        (20.0, 0.975, 2.085963447265865),
        (30.0, 0.995, 2.749995653567225),
        (60.0, 0.975, 2.00029782201426),
        (99.0, 0.975, 1.984216951586417),
        (999.0, 0.995, 2.580759637267637),
        (9999.0, 0.9, 1.281636238198314),
        (9999.0, 0.975, 1.960201263621358),
    ];
    const TAILS: [(f64, f64, f64); 10] = [
        (1.0, 25.0, 0.01272561134799183),
        (3.0, 0.5, 0.3257239824240755),
        (3.0, 25.0, 7.01656949787743e-05),
        (10.0, 2.0, 0.03669401738537018),
        (10.0, 25.0, 1.199696380031671e-10),
        (99.0, 6.0, 1.62295805617277e-08),
        (99.0, 25.0, 7.246522449458282e-45),
        (9999.0, 0.5, 0.3085430402117568),
        (9999.0, 6.0, 1.020812709425799e-09),
        (9999.0, 25.0, 3.725036198604665e-134),
    ];

    #[test]
    fn t_functions_match_high_precision_values() {
        // Relative errors come from the log-gamma differences of the tail's front factor, which
        // grow with the degrees of freedom (2.4e-12 at 9,999).
        for (df, p, t) in QUANTILES {
            assert_relative(students_t_quantile(p, df), t, 1e-11, "quantile");
            assert_relative(students_t_quantile(1.0 - p, df), -t, 1e-11, "lower quantile");
        }
        for (df, t, tail) in TAILS {
            assert_relative(students_t_upper_tail(t, df), tail, 1e-11, "upper tail");
        }
    }

    #[test]
    fn t_functions_agree_with_statrs_over_the_range_used() {
        // statrs's own quantiles are accurate to about 1e-8 (1.05e-8 off at df 9,999, p 0.9).
        for df in (1..=60).map(f64::from).chain([99.0, 199.0, 999.0, 9999.0]) {
            let reference = StudentsT::new(0.0, 1.0, df).unwrap();
            for p in [0.6, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.05, 0.025] {
                assert_relative(students_t_quantile(p, df), reference.inverse_cdf(p), 1e-7, "quantile");
            }
            for t in [0.01, 0.5, 1.0, 2.0, 3.5, 6.0, 12.0] {
                let expected = reference.sf(t);
                if expected > 1e-280 {
                    assert_relative(students_t_upper_tail(t, df), expected, 1e-9, "upper tail");
                }
            }
        }
    }

    #[test]
    fn normal_quantile_matches_known_values_and_statrs() {
        assert_relative(normal_quantile(0.975), 1.959963984540054, 1e-15, "z(0.975)");
        assert_relative(normal_quantile(0.95), 1.6448536269514722, 1e-15, "z(0.95)");
        assert_relative(normal_quantile(0.025), -1.959963984540054, 1e-15, "z(0.025)");
        let reference = Normal::new(0.0, 1.0).unwrap();
        for p in [1e-12, 1e-6, 0.001, 0.1, 0.3, 0.49, 0.51, 0.8, 0.999, 1.0 - 1e-9] {
            assert_relative(normal_quantile(p), reference.inverse_cdf(p), 1e-12, "normal quantile");
        }
        assert_eq!(normal_quantile(0.5), 0.0);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan() && students_t_quantile(f64::NAN, 3.0).is_nan());
    }
}
