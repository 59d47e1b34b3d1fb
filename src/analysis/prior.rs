//! The prior distribution of a calibrated parameter: its draws, its density in the working space
//! the ABC-SMC kernel moves in (`crate::analysis::abc`), its quantiles for reporting, and the
//! checks of its parameters. Draws come from the portable samplers and the pinned `libm`, so
//! they are the same bits on every machine.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::analysis::probability::{incomplete_beta, normal_quantile};
use crate::random::samplers;

/// Draws of the untruncated normal before a truncated normal prior falls back to inversion.
const NORMAL_REJECTION_TRIES: usize = 64;

/// Bisection steps of the beta quantile: 2^-200 is below any double's spacing that matters here.
const BISECTION_STEPS: usize = 200;

/// The prior distribution of one parameter.
///
/// In scenario-like files: `{ kind = "uniform", low = 0.1, high = 0.9 }`, `kind = "log_uniform"`,
/// `kind = "normal"` (`low` and `high` default to −∞ and +∞) or `kind = "beta"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Prior {
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound (finite).
        low: f64,
        /// Upper bound (finite, above `low`).
        high: f64,
    },
    /// Uniform in the logarithm on `[low, high]`, for a positive parameter whose order of
    /// magnitude is unknown. Its working space is the logarithm.
    LogUniform {
        /// Lower bound (finite, positive).
        low: f64,
        /// Upper bound (finite, above `low`).
        high: f64,
    },
    /// Normal with mean `mean` and standard deviation `sd`, truncated to `[low, high]`.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (positive).
        sd: f64,
        /// Lower truncation bound (may be −∞).
        #[serde(default = "negative_infinity")]
        low: f64,
        /// Upper truncation bound (may be +∞).
        #[serde(default = "positive_infinity")]
        high: f64,
    },
    /// Beta(`alpha`, `beta`) scaled from `[0, 1]` to `[low, high]`. Its support is the open
    /// interval, so that densities stay finite for shapes below 1.
    Beta {
        /// First shape (positive).
        alpha: f64,
        /// Second shape (positive).
        beta: f64,
        /// Value of 0 on the beta's scale (finite).
        low: f64,
        /// Value of 1 on the beta's scale (finite, above `low`).
        high: f64,
    },
}

fn negative_infinity() -> f64 {
    f64::NEG_INFINITY
}

fn positive_infinity() -> f64 {
    f64::INFINITY
}

impl Prior {
    /// A draw in natural units. Uniform and log-uniform priors take one uniform; a beta prior
    /// takes the portable gamma draws of `samplers::beta`; a normal prior draws the untruncated
    /// normal (`samplers::standard_normal`) until one lands in `[low, high]`, and after 64
    /// misses inverts the distribution function at one uniform. Both ways give the truncated
    /// normal, so mixing them is exact.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Prior::Uniform { low, high } => low + rng.random::<f64>() * (high - low),
            Prior::LogUniform { low, high } => {
                let (ln_low, ln_high) = (libm::log(low), libm::log(high));
                self.from_working(ln_low + rng.random::<f64>() * (ln_high - ln_low))
            }
            Prior::Normal { mean, sd, low, high } => {
                for _ in 0..NORMAL_REJECTION_TRIES {
                    let x = mean + sd * samplers::standard_normal(rng);
                    if low <= x && x <= high {
                        return x;
                    }
                }
                self.quantile(rng.random::<f64>())
            }
            Prior::Beta { alpha, beta, low, high } => low + samplers::beta(alpha, beta, rng) * (high - low),
        }
    }

    /// The working-space value of `x`: `ln x` for a log-uniform prior, `x` otherwise.
    pub fn to_working(&self, x: f64) -> f64 {
        match *self {
            Prior::LogUniform { .. } => libm::log(x),
            _ => x,
        }
    }

    /// The natural value of working-space `w`: `exp w` for a log-uniform prior (kept inside
    /// `[low, high]` despite rounding), `w` otherwise.
    pub fn from_working(&self, w: f64) -> f64 {
        match *self {
            Prior::LogUniform { low, high } => libm::exp(w).clamp(low, high),
            _ => w,
        }
    }

    /// The natural log of the density of the working-space variable at `w`, normalised; −∞
    /// outside the support (and for NaN). A log-uniform prior is uniform on
    /// `[ln low, ln high]` in working space.
    pub fn log_density_working(&self, w: f64) -> f64 {
        match *self {
            Prior::Uniform { low, high } if low <= w && w <= high => -libm::log(high - low),
            Prior::LogUniform { low, high } => {
                let (ln_low, ln_high) = (libm::log(low), libm::log(high));
                if ln_low <= w && w <= ln_high {
                    -libm::log(ln_high - ln_low)
                } else {
                    f64::NEG_INFINITY
                }
            }
            Prior::Normal { mean, sd, low, high } if low <= w && w <= high => {
                let z = (w - mean) / sd;
                let mass = normal_mass((low - mean) / sd, (high - mean) / sd);
                -0.5 * z * z - libm::log(sd) - 0.5 * libm::log(2.0 * PI) - libm::log(mass)
            }
            Prior::Beta { alpha, beta, low, high } if low < w && w < high => {
                let width = high - low;
                let log_beta_function = libm::lgamma(alpha) + libm::lgamma(beta) - libm::lgamma(alpha + beta);
                (alpha - 1.0) * libm::log((w - low) / width) + (beta - 1.0) * libm::log((high - w) / width)
                    - log_beta_function
                    - libm::log(width)
            }
            _ => f64::NEG_INFINITY,
        }
    }

    /// Whether working-space `w` lies in the support, where the density is positive.
    pub fn supports(&self, w: f64) -> bool {
        self.log_density_working(w) > f64::NEG_INFINITY
    }

    /// The `p`-quantile in natural units, for p in [0, 1] (NaN outside). A truncated normal is
    /// inverted through `normal_quantile` on whichever side of the mean keeps precision; a beta
    /// by bisection on its distribution function (the regularized incomplete beta function).
    pub fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        match *self {
            Prior::Uniform { low, high } => low + p * (high - low),
            Prior::LogUniform { low, high } => {
                let (ln_low, ln_high) = (libm::log(low), libm::log(high));
                self.from_working(ln_low + p * (ln_high - ln_low))
            }
            Prior::Normal { mean, sd, low, high } => {
                let z = truncated_normal_quantile(p, (low - mean) / sd, (high - mean) / sd);
                (mean + sd * z).clamp(low, high)
            }
            Prior::Beta { alpha, beta, low, high } => low + beta_quantile(alpha, beta, p) * (high - low),
        }
    }

    /// Checks the parameters; the message says what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            Prior::Uniform { low, high } => finite_bounds("a uniform prior", low, high),
            Prior::LogUniform { low, high } => {
                finite_bounds("a log-uniform prior", low, high)?;
                if low > 0.0 {
                    Ok(())
                } else {
                    Err(format!("a log-uniform prior needs `low` > 0, got low = {low}"))
                }
            }
            Prior::Normal { mean, sd, low, high } => {
                if !(mean.is_finite() && sd > 0.0 && sd.is_finite()) {
                    return Err(format!(
                        "a normal prior needs a finite `mean` and a finite `sd` > 0, got mean = {mean}, sd = {sd}"
                    ));
                }
                if low >= high || low.is_nan() || high.is_nan() {
                    return Err(format!(
                        "a normal prior needs `low` < `high` (either may be infinite), got low = {low}, high = {high}"
                    ));
                }
                if normal_mass((low - mean) / sd, (high - mean) / sd) > 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "a normal prior with mean = {mean} and sd = {sd} has no probability left in [{low}, {high}]; \
                         the bounds must lie within about 37 sd of the mean"
                    ))
                }
            }
            Prior::Beta { alpha, beta, low, high } => {
                if !(alpha > 0.0 && alpha.is_finite() && beta > 0.0 && beta.is_finite()) {
                    return Err(format!(
                        "a beta prior needs finite shapes `alpha` > 0 and `beta` > 0, got alpha = {alpha}, beta = {beta}"
                    ));
                }
                finite_bounds("a beta prior", low, high)
            }
        }
    }
}

/// Checks that `low` and `high` are finite with `low < high`.
fn finite_bounds(what: &str, low: f64, high: f64) -> Result<(), String> {
    if low.is_finite() && high.is_finite() && low < high {
        Ok(())
    } else {
        Err(format!(
            "{what} needs finite bounds with `low` < `high`, got low = {low}, high = {high}"
        ))
    }
}

/// `Φ(z)`, the standard normal distribution function, from the pinned `libm`'s `erfc`.
fn standard_normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * FRAC_1_SQRT_2)
}

/// `Φ(b) − Φ(a)`, computed on the side of 0 where neither term is close to 1.
fn normal_mass(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        standard_normal_cdf(-a) - standard_normal_cdf(-b)
    } else {
        standard_normal_cdf(b) - standard_normal_cdf(a)
    }
}

/// The p-quantile of the standard normal truncated to `[a, b]`: `Φ⁻¹(Φ(a) + p (Φ(b) − Φ(a)))`,
/// reflected to the lower tail when `a > 0` so that the probabilities stay away from 1.
fn truncated_normal_quantile(p: f64, a: f64, b: f64) -> f64 {
    if a > 0.0 {
        return -truncated_normal_quantile(1.0 - p, -b, -a);
    }
    let lower = standard_normal_cdf(a);
    normal_quantile(lower + p * normal_mass(a, b)).clamp(a, b)
}

/// The p-quantile of Beta(`alpha`, `beta`) on `[0, 1]`, by bisection on the regularized
/// incomplete beta function: the upper end of the final bracket.
fn beta_quantile(alpha: f64, beta: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let (mut low, mut high) = (0.0, 1.0);
    for _ in 0..BISECTION_STEPS {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            break;
        }
        if incomplete_beta(alpha, beta, middle, 1.0 - middle) < p {
            low = middle;
        } else {
            high = middle;
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn priors_say_what_is_allowed() {
        let message = |prior: Prior| prior.validate().unwrap_err();
        assert_eq!(
            message(Prior::Uniform { low: 1.0, high: 1.0 }),
            "a uniform prior needs finite bounds with `low` < `high`, got low = 1, high = 1"
        );
        assert_eq!(
            message(Prior::LogUniform { low: 0.0, high: 1.0 }),
            "a log-uniform prior needs `low` > 0, got low = 0"
        );
        assert!(message(Prior::LogUniform {
            low: 1.0,
            high: f64::INFINITY
        })
        .contains("finite bounds"));
        assert_eq!(
            message(Prior::Normal {
                mean: 0.0,
                sd: 0.0,
                low: f64::NEG_INFINITY,
                high: f64::INFINITY
            }),
            "a normal prior needs a finite `mean` and a finite `sd` > 0, got mean = 0, sd = 0"
        );
        assert!(message(Prior::Normal {
            mean: 0.0,
            sd: 1.0,
            low: 2.0,
            high: 1.0
        })
        .contains("`low` < `high`"));
        assert!(message(Prior::Normal {
            mean: 0.0,
            sd: 1.0,
            low: 50.0,
            high: 60.0
        })
        .contains("no probability left"));
        assert_eq!(
            message(Prior::Beta {
                alpha: 0.0,
                beta: 2.0,
                low: 0.0,
                high: 1.0
            }),
            "a beta prior needs finite shapes `alpha` > 0 and `beta` > 0, got alpha = 0, beta = 2"
        );
        assert!(message(Prior::Uniform {
            low: f64::NAN,
            high: 1.0
        })
        .contains("finite bounds"));
        assert!(Prior::Normal {
            mean: 0.0,
            sd: 1.0,
            low: 6.0,
            high: 8.0
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn priors_read_from_toml_with_open_normal_bounds() {
        #[derive(Deserialize)]
        struct File {
            prior: Vec<Prior>,
        }
        let file: File = toml::from_str(
            "prior = [{ kind = \"log_uniform\", low = 0.01, high = 1.0 }, { kind = \"normal\", mean = 1.0, sd = 2.0 }]",
        )
        .unwrap();
        assert_eq!(file.prior[0], Prior::LogUniform { low: 0.01, high: 1.0 });
        assert_eq!(
            file.prior[1],
            Prior::Normal {
                mean: 1.0,
                sd: 2.0,
                low: f64::NEG_INFINITY,
                high: f64::INFINITY
            }
        );
    }

    #[test]
    fn log_uniform_moves_in_the_logarithm() {
        let prior = Prior::LogUniform { low: 0.01, high: 100.0 };
        for x in [0.01, 0.0371, 1.0, 42.0, 100.0] {
            let back = prior.from_working(prior.to_working(x));
            assert!((back / x - 1.0).abs() < 1e-15, "{x} came back as {back}");
        }
        assert_eq!(prior.to_working(1.0), 0.0);
        assert_eq!(prior.from_working(100.0), 100.0);
        // Uniform on [ln 0.01, ln 100] = [−4.6, 4.6]: density 1 / (4 ln 10).
        let inside = prior.log_density_working(0.3);
        assert!((inside + libm::log(4.0 * std::f64::consts::LN_10)).abs() < 1e-12);
        assert_eq!(prior.log_density_working(-2.0), inside);
        assert_eq!(prior.log_density_working(4.7), f64::NEG_INFINITY);
        // Half the prior mass lies below 1, the geometric middle.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let below = (0..20_000).filter(|_| prior.sample(&mut rng) < 1.0).count();
        assert!((below as f64 / 20_000.0 - 0.5).abs() < 0.015, "{below}");
        assert!((prior.quantile(0.5) - 1.0).abs() < 1e-12);
    }

    /// Each prior's working density integrates to 1 over its support, its draws have the
    /// density's mean, and its quantiles cut its draws in the right proportions.
    #[test]
    fn prior_densities_draws_and_quantiles_agree() {
        let priors = [
            Prior::Uniform { low: -2.0, high: 3.0 },
            Prior::LogUniform { low: 0.5, high: 8.0 },
            Prior::Normal {
                mean: 0.5,
                sd: 2.0,
                low: -1.0,
                high: 3.0,
            },
            Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                low: 6.0,
                high: 8.0,
            },
            Prior::Beta {
                alpha: 2.0,
                beta: 5.0,
                low: 1.0,
                high: 3.0,
            },
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        for prior in priors {
            let (low, high) = (
                prior.to_working(prior.quantile(0.0)),
                prior.to_working(prior.quantile(1.0)),
            );
            // The midpoint rule on 20 000 cells.
            let cells = 20_000;
            let step = (high - low) / cells as f64;
            let (mut mass, mut mean) = (0.0, 0.0);
            for cell in 0..cells {
                let w = low + (cell as f64 + 0.5) * step;
                let density = libm::exp(prior.log_density_working(w)) * step;
                mass += density;
                mean += w * density;
            }
            assert!((mass - 1.0).abs() < 1e-6, "{prior:?}: mass {mass}");
            let n = 20_000;
            let draws: Vec<f64> = (0..n).map(|_| prior.to_working(prior.sample(&mut rng))).collect();
            assert!(draws.iter().all(|&w| low <= w && w <= high), "{prior:?}");
            let draws_mean = draws.iter().sum::<f64>() / n as f64;
            let spread = (high - low) / (n as f64).sqrt();
            assert!(
                (draws_mean - mean).abs() < spread,
                "{prior:?}: draws' mean {draws_mean}, density's {mean}"
            );
            for p in [0.1, 0.5, 0.9] {
                let cut = prior.to_working(prior.quantile(p));
                let share = draws.iter().filter(|&&w| w <= cut).count() as f64 / n as f64;
                assert!(
                    (share - p).abs() < 0.012,
                    "{prior:?}: {share} of draws below the {p}-quantile"
                );
            }
        }
    }
}
