//! Distributions for initial agent attributes, as written in scenario files
//! (`{ dist = "beta", alpha = 2, beta = 5 }`), and how they are sampled.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

use crate::random::samplers;
use crate::scenario::params::Check;

/// A distribution of an attribute over agents. Draws are clipped to the parameter's range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Every agent gets `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Beta(`alpha`, `beta`) on `[0, 1]`.
    Beta {
        /// First shape parameter, > 0.
        alpha: f64,
        /// Second shape parameter, > 0.
        beta: f64,
    },
    /// Normal with `mean` and standard deviation `sd`, clipped to the parameter's range.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, >= 0.
        sd: f64,
    },
    /// exp(Normal(`mu`, `sigma`)).
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm, >= 0.
        sigma: f64,
    },
}

impl Dist {
    /// A distribution that always gives `value`.
    pub const fn fixed(value: f64) -> Dist {
        Dist::Fixed { value }
    }

    /// A Beta(`alpha`, `beta`) distribution.
    pub const fn beta(alpha: f64, beta: f64) -> Dist {
        Dist::Beta { alpha, beta }
    }

    /// A uniform distribution on `[low, high]`.
    pub const fn uniform(low: f64, high: f64) -> Dist {
        Dist::Uniform { low, high }
    }

    /// A sampler for this distribution, clipping draws to `range`. The distribution must have
    /// passed [`Check`] against `range`.
    pub fn sampler(&self, range: RangeInclusive<f64>) -> Sampler {
        let inner = match *self {
            Dist::Fixed { value } => Inner::Fixed(value),
            Dist::Uniform { low, high } => Inner::Uniform { low, width: high - low },
            Dist::Beta { alpha, beta } => Inner::Beta { alpha, beta },
            Dist::Normal { mean, sd } => Inner::Normal { mean, sd },
            Dist::LogNormal { mu, sigma } => Inner::LogNormal { mu, sigma },
        };
        Sampler {
            inner,
            low: *range.start(),
            high: *range.end(),
        }
    }
}

/// Draws from a [`Dist`], clipped to the parameter's range.
#[derive(Debug, Clone)]
pub struct Sampler {
    inner: Inner,
    low: f64,
    high: f64,
}

#[derive(Debug, Clone)]
enum Inner {
    Fixed(f64),
    Uniform { low: f64, width: f64 },
    Beta { alpha: f64, beta: f64 },
    Normal { mean: f64, sd: f64 },
    LogNormal { mu: f64, sigma: f64 },
}

impl Sampler {
    /// One draw. Fixed values use no randomness, so they never shift other draws.
    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        let value = match &self.inner {
            Inner::Fixed(value) => *value,
            Inner::Uniform { low, width } => low + width * rng.random::<f64>(),
            Inner::Beta { alpha, beta } => samplers::beta(*alpha, *beta, rng),
            Inner::Normal { mean, sd } => mean + sd * samplers::standard_normal(rng),
            Inner::LogNormal { mu, sigma } => libm::exp(mu + sigma * samplers::standard_normal(rng)),
        };
        value.clamp(self.low, self.high)
    }
}

impl Check<RangeInclusive<f64>> for Dist {
    fn check(&self, range: &RangeInclusive<f64>) -> Result<(), String> {
        let (lo, hi) = (*range.start(), *range.end());
        let inside = |x: f64| x.is_finite() && x >= lo && x <= hi;
        let allowed = format!("values must lie from {lo} to {hi}");
        match *self {
            Dist::Fixed { value } if !inside(value) => Err(format!("fixed value {value} is out of range: {allowed}")),
            Dist::Uniform { low, high } if !(inside(low) && inside(high) && low <= high) => Err(format!(
                "uniform needs {lo} <= low <= high <= {hi}, got low = {low}, high = {high}"
            )),
            Dist::Beta { alpha, beta } if !(alpha > 0.0 && beta > 0.0 && alpha.is_finite() && beta.is_finite()) => Err(
                format!("beta needs alpha > 0 and beta > 0, got alpha = {alpha}, beta = {beta}"),
            ),
            Dist::Beta { .. } if lo > 0.0 || hi < 1.0 => Err(format!(
                "beta draws lie in 0 to 1, but {allowed}; use uniform or normal"
            )),
            Dist::Normal { mean, sd } if !(inside(mean) && sd >= 0.0 && sd.is_finite()) => Err(format!(
                "normal needs a mean inside the range and sd >= 0 ({allowed}), got mean = {mean}, sd = {sd}"
            )),
            Dist::LogNormal { mu, sigma } if !(mu.is_finite() && sigma >= 0.0 && sigma.is_finite()) => Err(format!(
                "lognormal needs finite mu and sigma >= 0, got mu = {mu}, sigma = {sigma}"
            )),
            Dist::LogNormal { .. } if lo > 0.0 => Err(format!("lognormal draws can be near 0, but {allowed}")),
            _ => Ok(()),
        }
    }
}
