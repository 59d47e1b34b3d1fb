//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC): the sampler that
//! calibrates parameters to observed data one generation of weighted particles at a time, driven
//! by the caller, resumable from any saved generation, with the same bits on any thread count.
//!
//! The sampler is the population Monte Carlo ABC of Beaumont, Cornuet, Marin & Robert (2009,
//! "Adaptive approximate Bayesian computation", Biometrika 96(4), 983–990). Generation 0 draws
//! from the priors. Each later generation proposes a parameter vector by picking a particle of
//! the previous generation by weight and moving it with a multivariate normal kernel whose
//! covariance is twice the previous generation's weighted covariance (Beaumont et al. 2009; the
//! multivariate form is that of Filippi, Barnes, Cornebise & Stumpf 2013, "On optimality of
//! kernels for approximate Bayesian computation using sequential Monte Carlo", Statistical
//! Applications in Genetics and Molecular Biology 12(1), 87–107). It keeps the proposals whose
//! simulated data lie within the tolerance of the observed, and weights each kept particle θ by
//! `π(θ) / Σ_j w_j K(θ | θ_j)`, prior density over proposal density. The tolerance adapts: it is
//! the weighted α-quantile of the previous generation's distances (Del Moral, Doucet & Jasra
//! 2012, "An adaptive sequential Monte Carlo method for approximate Bayesian computation",
//! Statistics and Computing 22(5), 1009–1020; Drovandi & Pettitt 2011, "Estimation of
//! parameters for macroparasite population evolution using approximate Bayesian computation",
//! Biometrics 67(1), 225–233).
//!
//! # Working space
//!
//! The kernel moves each parameter in its prior's ([`Prior`], `src/analysis/prior.rs`) *working
//! space*: the logarithm for a [`Prior::LogUniform`], the value itself otherwise. Densities in
//! the weights are those of the working-space variables, so the weights are consistent with the
//! moves.
//!
//! # Reproducibility
//!
//! Every draw of proposal `i` of generation `g` comes from its own generator (see
//! [`RNG_DERIVATION`]), which depends on nothing else. Candidates are evaluated in parallel in
//! batches, and their results are examined in proposal order: a generation keeps the first
//! `particles` candidates within tolerance, whatever the thread count and, apart from the count of
//! runs evaluated, whatever the batch size. Every floating-point sum runs in a fixed order.
//! Generations serialize their floats as shortest round-trip text, so a saved generation reads
//! back to the same bits and a resumed calibration continues exactly as an unbroken one.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::prior::Prior;
use crate::random::samplers;

/// How every random draw of a calibration is derived, for a manifest to record.
pub const RNG_DERIVATION: &str = "ABC-SMC proposal i of generation g: ChaCha8Rng::seed_from_u64(seed) with \
stream 2^32 + g and word position i << 20; its first u64 is the candidate's simulation seed; then, in \
generation 0, each parameter's draw from its prior (Prior::sample), in parameter order; in later \
generations, per attempt (at most 100), one uniform picking the ancestor by the inverse of the weights' \
cumulative sums and one standard normal (Marsaglia's polar method) per parameter";

/// Added to the generation's number to make its stream number, so that a calibration's streams
/// never coincide with a run's (numbered 1 to 8, `crate::random::rng::Stream`) under one seed.
const STREAM_BASE: u64 = 1 << 32;

/// Words (32 bits each) of a proposal's stream reserved for one proposal: `2^20`, far more than
/// its draws need.
const PROPOSAL_WORDS_SHIFT: u32 = 20;

/// Most proposals of a generation, so that every proposal's words fit in the stream's 2^68.
const MAX_PROPOSALS: u64 = 1 << 40;

/// Most attempts of one proposal to land in the priors' support before it counts as rejected.
const KERNEL_ATTEMPTS: usize = 100;

/// A pivot of the kernel covariance's Cholesky factor below this fraction of its diagonal entry
/// counts as singular, and a ridge is added.
const RELATIVE_PIVOT: f64 = 1e-12;

/// The first ridge, as a fraction of the largest variance; each retry multiplies it by 100.
const FIRST_RIDGE: f64 = 1e-10;

/// Most ridges tried: the last is 10^50 times the largest variance, which makes any finite
/// covariance positive definite.
const RIDGE_ATTEMPTS: usize = 31;

/// How a calibration runs. Defaults belong with the command that reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Particles of every generation (the size of the posterior sample): at least 2.
    pub particles: usize,
    /// Prior draws of generation 0, of which the `particles` closest to the data are kept: at
    /// least `particles`. Two to five times `particles` gives generation 1 a useful start.
    pub initial_particles: usize,
    /// α in (0, 1]: each generation's tolerance is the α-quantile of the previous generation's
    /// distances. 0.5 is the usual choice; smaller shrinks faster at a lower acceptance rate.
    pub quantile: f64,
    /// Candidates proposed and evaluated in parallel at a time: at least 1. It sets how much work
    /// may be wasted past a generation's last accepted candidate, and nothing else.
    pub batch: usize,
    /// Proposals a generation (after generation 0) may make before giving up: at least
    /// `particles`, at most 2^40.
    pub max_proposals_per_generation: u64,
    /// The calibration's seed, from which every proposal's generator is derived.
    pub seed: u64,
}

impl Settings {
    /// Checks the settings; the message names the field and says what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if self.particles < 2 {
            return Err(format!("`particles` must be at least 2, got {}", self.particles));
        }
        if self.initial_particles < self.particles || self.initial_particles as u64 > MAX_PROPOSALS {
            return Err(format!(
                "`initial_particles` must be at least `particles` ({}) and at most 2^40, got {}",
                self.particles, self.initial_particles
            ));
        }
        if !(self.quantile > 0.0 && self.quantile <= 1.0) {
            return Err(format!("`quantile` must be in (0, 1], got {}", self.quantile));
        }
        if self.batch == 0 {
            return Err("`batch` must be at least 1, got 0".to_string());
        }
        let most = self.max_proposals_per_generation;
        if most < self.particles as u64 || most > MAX_PROPOSALS {
            return Err(format!(
                "`max_proposals_per_generation` must be at least `particles` ({}) and at most 2^40, got {most}",
                self.particles
            ));
        }
        Ok(())
    }
}

/// A parameter vector to evaluate: the caller simulates it and returns its distance to the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The generation it was proposed for.
    pub generation: usize,
    /// Its proposal number within the generation, from 0.
    pub index: u64,
    /// A seed for its simulation, the first draw of the proposal's own generator: a pure function
    /// of the calibration's seed, the generation and the index.
    pub seed: u64,
    /// Parameter values in natural units, in the order of the priors.
    pub values: Vec<f64>,
}

/// One accepted parameter vector of a generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Particle {
    /// Parameter values in natural units, in the order of the priors.
    #[serde(with = "float_text::list")]
    pub values: Vec<f64>,
    /// Importance weight; a generation's weights sum to 1.
    #[serde(with = "float_text")]
    pub weight: f64,
    /// Distance of its simulation to the data (a NaN distance is kept as +∞).
    #[serde(with = "float_text")]
    pub distance: f64,
}

/// A finished generation: the weighted sample the next generation proposes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    /// 0 for the prior draws, then 1, 2, …
    pub index: usize,
    /// Largest distance accepted.
    #[serde(with = "float_text")]
    pub tolerance: f64,
    /// The particles, in proposal order.
    pub particles: Vec<Particle>,
    /// Proposals made up to the one that completed the generation (generation 0: every prior
    /// draw). It does not depend on the batch size.
    pub proposed: u64,
    /// Candidates evaluated (simulations run): those proposed, less those that never landed in
    /// the priors' support, plus the rest of the last batch.
    pub evaluated: u64,
    /// `particles / proposed`.
    #[serde(with = "float_text")]
    pub acceptance_rate: f64,
    /// Effective sample size of the weights, `1 / Σ w²`.
    #[serde(with = "float_text")]
    pub ess: f64,
}

/// Why a generation could not be made. `E` is the evaluator's error.
#[derive(Debug)]
pub enum AbcError<E> {
    /// The priors, the settings or the previous generation are unusable; the message says what
    /// would be accepted.
    Invalid(String),
    /// Evaluating a candidate failed.
    Evaluate {
        /// The generation being made.
        generation: usize,
        /// The candidate's proposal number.
        index: u64,
        /// What the evaluator said.
        source: E,
    },
    /// The generation made `max_proposals_per_generation` proposals without accepting enough
    /// particles: the tolerance is below what the model reaches at a useful rate. The caller
    /// should stop at the previous generation and report this.
    Exhausted {
        /// The generation being made.
        generation: usize,
        /// Its tolerance.
        tolerance: f64,
        /// Proposals made.
        proposed: u64,
        /// Particles accepted.
        accepted: usize,
        /// Particles wanted.
        wanted: usize,
    },
}

impl<E: std::fmt::Display> std::fmt::Display for AbcError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AbcError::Invalid(message) => write!(f, "{message}"),
            AbcError::Evaluate {
                generation,
                index,
                source,
            } => write!(f, "generation {generation}, candidate {index}: {source}"),
            AbcError::Exhausted {
                generation,
                tolerance,
                proposed,
                accepted,
                wanted,
            } => write!(
                f,
                "generation {generation}: only {accepted} of {wanted} particles came within tolerance {tolerance} \
                 in {proposed} proposals (acceptance rate {}), the most `max_proposals_per_generation` allows; \
                 the previous generation is the last one reached",
                *accepted as f64 / *proposed as f64
            ),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for AbcError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AbcError::Evaluate { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Generation 0: `initial_particles` draws from the priors, of which the `particles` with the
/// smallest distances are kept (ties go to the earlier proposal), in proposal order, with equal
/// weights. Its tolerance is the largest distance kept. With `initial_particles == particles`
/// every draw is kept.
///
/// `evaluate` returns a candidate's distance to the data; it is called in parallel (rayon) and
/// must be a pure function of the candidate for the results to be reproducible. The first error,
/// in proposal order, is returned.
pub fn initial_generation<F, E>(priors: &[Prior], settings: &Settings, evaluate: &F) -> Result<Generation, AbcError<E>>
where
    F: Fn(&Candidate) -> Result<f64, E> + Sync,
    E: Send,
{
    check(priors, settings)?;
    let draw = |rng: &mut ChaCha8Rng| Some(priors.iter().map(|prior| prior.sample(rng)).collect());
    let total = settings.initial_particles as u64;
    let mut draws: Vec<(u64, Evaluated)> = Vec::with_capacity(settings.initial_particles);
    let mut start = 0;
    while start < total {
        let end = (start + settings.batch as u64).min(total);
        for (index, trial) in (start..end).zip(evaluate_batch(0, start..end, settings.seed, draw, evaluate)) {
            let evaluated = trial.map_err(|source| AbcError::Evaluate {
                generation: 0,
                index,
                source,
            })?;
            draws.extend(evaluated.map(|evaluated| (index, evaluated)));
        }
        start = end;
    }
    // A stable sort: among equal distances the earlier proposal comes first.
    draws.sort_by(|a, b| a.1.distance.total_cmp(&b.1.distance));
    draws.truncate(settings.particles);
    let tolerance = draws.last().map_or(f64::INFINITY, |(_, evaluated)| evaluated.distance);
    draws.sort_by_key(|(index, _)| *index);
    let weight = 1.0 / settings.particles as f64;
    let particles: Vec<Particle> = draws
        .into_iter()
        .map(|(_, evaluated)| Particle {
            values: evaluated.values,
            weight,
            distance: evaluated.distance,
        })
        .collect();
    Ok(Generation {
        index: 0,
        tolerance,
        ess: effective_sample_size(&particles),
        particles,
        proposed: total,
        evaluated: total,
        acceptance_rate: settings.particles as f64 / total as f64,
    })
}

/// The generation after `previous`. Its tolerance is the weighted α-quantile
/// ([`weighted_quantile`]) of `previous`'s distances. Proposal `i` picks an ancestor from
/// `previous` by weight and moves it with the normal kernel in working space; when a coordinate
/// leaves its prior's support, the proposal draws again, ancestor and move both (so that the
/// proposal density stays `Σ_j w_j K(θ | θ_j)` up to a constant: Toni, Welch, Strelkowa, Ipsen
/// & Stumpf 2009, "Approximate Bayesian computation scheme for parameter inference and model
/// selection in dynamical systems", J. R. Soc. Interface 6(31), 187–202), and after 100 misses
/// it counts as rejected without an evaluation. Candidates are evaluated in parallel in batches
/// of `batch`, examined in proposal order, and the generation is the first `particles` within
/// tolerance; evaluations past the last of them, and their errors, are ignored.
///
/// `previous` may have been read back from a saved file: the result is the same bits as if the
/// calibration had never stopped.
///
/// # Errors
///
/// [`AbcError::Exhausted`] after `max_proposals_per_generation` proposals without enough
/// particles; [`AbcError::Evaluate`] with the first evaluation error in proposal order;
/// [`AbcError::Invalid`] for unusable priors, settings or previous generation.
pub fn next_generation<F, E>(
    previous: &Generation,
    priors: &[Prior],
    settings: &Settings,
    evaluate: &F,
) -> Result<Generation, AbcError<E>>
where
    F: Fn(&Candidate) -> Result<f64, E> + Sync,
    E: Send,
{
    check(priors, settings)?;
    check_previous(previous, priors)?;
    let generation = previous.index + 1;
    let distances: Vec<f64> = previous.particles.iter().map(|p| p.distance).collect();
    let weights: Vec<f64> = previous.particles.iter().map(|p| p.weight).collect();
    let tolerance = weighted_quantile(&distances, &weights, settings.quantile);
    let kernel = Kernel::new(previous, priors);
    let propose = |rng: &mut ChaCha8Rng| {
        let working = kernel.propose(priors, rng)?;
        Some(
            priors
                .iter()
                .zip(working)
                .map(|(prior, w)| prior.from_working(w))
                .collect(),
        )
    };

    let mut accepted: Vec<Evaluated> = Vec::with_capacity(settings.particles);
    let mut evaluated = 0;
    let mut proposed = 0;
    while accepted.len() < settings.particles {
        if proposed >= settings.max_proposals_per_generation {
            return Err(AbcError::Exhausted {
                generation,
                tolerance,
                proposed,
                accepted: accepted.len(),
                wanted: settings.particles,
            });
        }
        let end = (proposed + settings.batch as u64).min(settings.max_proposals_per_generation);
        let trials = evaluate_batch(generation, proposed..end, settings.seed, propose, evaluate);
        evaluated += trials.iter().filter(|trial| !matches!(trial, Ok(None))).count() as u64;
        for (index, trial) in (proposed..end).zip(trials) {
            proposed = index + 1;
            let trial = trial.map_err(|source| AbcError::Evaluate {
                generation,
                index,
                source,
            })?;
            if let Some(candidate) = trial.filter(|candidate| candidate.distance <= tolerance) {
                accepted.push(candidate);
                if accepted.len() == settings.particles {
                    break;
                }
            }
        }
    }

    // Each weight is a serial sum over the previous particles; only whole weights run in parallel.
    let log_weights: Vec<f64> = accepted
        .par_iter()
        .map(|candidate| {
            let working: Vec<f64> = priors
                .iter()
                .zip(&candidate.values)
                .map(|(prior, &x)| prior.to_working(x))
                .collect();
            let log_prior: f64 = priors
                .iter()
                .zip(&working)
                .map(|(prior, &w)| prior.log_density_working(w))
                .sum();
            log_prior - kernel.log_density(&working)
        })
        .collect();
    let weights = normalise(&log_weights);
    let particles: Vec<Particle> = accepted
        .into_iter()
        .zip(weights)
        .map(|(candidate, weight)| Particle {
            values: candidate.values,
            weight,
            distance: candidate.distance,
        })
        .collect();
    Ok(Generation {
        index: generation,
        tolerance,
        ess: effective_sample_size(&particles),
        particles,
        proposed,
        evaluated,
        acceptance_rate: settings.particles as f64 / proposed as f64,
    })
}

/// The priors and settings, checked; messages name the parameter by its position.
fn check<E>(priors: &[Prior], settings: &Settings) -> Result<(), AbcError<E>> {
    if priors.is_empty() {
        return Err(AbcError::Invalid(
            "a calibration needs at least one parameter with a prior".to_string(),
        ));
    }
    for (k, prior) in priors.iter().enumerate() {
        prior
            .validate()
            .map_err(|message| AbcError::Invalid(format!("parameter {k}: {message}")))?;
    }
    settings.validate().map_err(AbcError::Invalid)
}

/// Checks that `previous` fits the priors and has usable values and weights.
fn check_previous<E>(previous: &Generation, priors: &[Prior]) -> Result<(), AbcError<E>> {
    let invalid = |message: String| Err(AbcError::Invalid(format!("generation {}: {message}", previous.index)));
    if previous.particles.is_empty() {
        return invalid("has no particles".to_string());
    }
    for (i, particle) in previous.particles.iter().enumerate() {
        if particle.values.len() != priors.len() {
            return invalid(format!(
                "particle {i} has {} values for {} parameters",
                particle.values.len(),
                priors.len()
            ));
        }
        if !particle.values.iter().all(|x| x.is_finite()) {
            return invalid(format!("particle {i} has a value that is not a finite number"));
        }
        if !(particle.weight >= 0.0 && particle.weight.is_finite()) || particle.distance.is_nan() {
            return invalid(format!(
                "particle {i} needs a finite weight ≥ 0 and a distance, got weight {} and distance {}",
                particle.weight, particle.distance
            ));
        }
    }
    if previous.particles.iter().map(|p| p.weight).sum::<f64>() > 0.0 {
        Ok(())
    } else {
        invalid("the weights sum to 0".to_string())
    }
}

/// A candidate that was evaluated: its values (natural units) and its distance.
#[derive(Debug)]
struct Evaluated {
    values: Vec<f64>,
    distance: f64,
}

/// The generator of proposal `index` of `generation` (see [`RNG_DERIVATION`]).
fn proposal_rng(seed: u64, generation: usize, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STREAM_BASE + generation as u64);
    rng.set_word_pos(u128::from(index) << PROPOSAL_WORDS_SHIFT);
    rng
}

/// Proposes and evaluates proposals `indices` of `generation` in parallel, results in proposal
/// order: `Ok(None)` for a proposal that `propose` gave up on (not evaluated).
fn evaluate_batch<P, F, E>(
    generation: usize,
    indices: std::ops::Range<u64>,
    seed: u64,
    propose: P,
    evaluate: &F,
) -> Vec<Result<Option<Evaluated>, E>>
where
    P: Fn(&mut ChaCha8Rng) -> Option<Vec<f64>> + Sync,
    F: Fn(&Candidate) -> Result<f64, E> + Sync,
    E: Send,
{
    let start = indices.start;
    let count = (indices.end - start) as usize;
    (0..count)
        .into_par_iter()
        .map(|offset| {
            let index = start + offset as u64;
            let mut rng = proposal_rng(seed, generation, index);
            let candidate_seed = rng.next_u64();
            let Some(values) = propose(&mut rng) else {
                return Ok(None);
            };
            let candidate = Candidate {
                generation,
                index,
                seed: candidate_seed,
                values,
            };
            let distance = evaluate(&candidate)?;
            Ok(Some(Evaluated {
                values: candidate.values,
                distance: if distance.is_nan() { f64::INFINITY } else { distance },
            }))
        })
        .collect()
}

/// Weights proportional to `exp(log_weights)`, summing to 1 (log-sum-exp, in order).
fn normalise(log_weights: &[f64]) -> Vec<f64> {
    let largest = log_weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let unnormalised: Vec<f64> = log_weights.iter().map(|&lw| libm::exp(lw - largest)).collect();
    let total: f64 = unnormalised.iter().sum();
    unnormalised.iter().map(|w| w / total).collect()
}

/// `1 / Σ w²` of the particles' weights.
fn effective_sample_size(particles: &[Particle]) -> f64 {
    1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>()
}

/// The proposal distribution built from a generation: pick a particle by weight, move it by a
/// normal with covariance `Σ = 2 C + ridge`, `C` the weighted covariance in working space.
#[derive(Debug)]
struct Kernel {
    /// The particles in working space.
    ancestors: Vec<Vec<f64>>,
    /// The particles whitened, `L⁻¹ θ_j`, for the kernel density.
    whitened: Vec<Vec<f64>>,
    /// Natural log of each particle's normalised weight (−∞ for a zero weight).
    log_weights: Vec<f64>,
    /// Running sums of the normalised weights, for picking by inverse CDF.
    cumulative: Vec<f64>,
    /// The lower-triangular Cholesky factor `L` of `Σ`, by rows.
    cholesky: Vec<Vec<f64>>,
}

impl Kernel {
    fn new(generation: &Generation, priors: &[Prior]) -> Kernel {
        let ancestors: Vec<Vec<f64>> = generation
            .particles
            .iter()
            .map(|particle| {
                priors
                    .iter()
                    .zip(&particle.values)
                    .map(|(prior, &x)| prior.to_working(x))
                    .collect()
            })
            .collect();
        let total: f64 = generation.particles.iter().map(|p| p.weight).sum();
        let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight / total).collect();
        let covariance = weighted_covariance(&ancestors, &weights);
        let doubled: Vec<Vec<f64>> = covariance
            .iter()
            .map(|row| row.iter().map(|c| 2.0 * c).collect())
            .collect();
        let cholesky = cholesky_with_ridge(&doubled);
        let whitened = ancestors.iter().map(|a| forward_substitute(&cholesky, a)).collect();
        let mut running = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                running += w;
                running
            })
            .collect();
        Kernel {
            whitened,
            log_weights: weights.iter().map(|&w| libm::log(w)).collect(),
            cumulative,
            cholesky,
            ancestors,
        }
    }

    /// A proposal in working space inside the priors' support, or none after
    /// [`KERNEL_ATTEMPTS`] misses. Each attempt draws one uniform (the ancestor) and one standard
    /// normal per parameter.
    fn propose(&self, priors: &[Prior], rng: &mut ChaCha8Rng) -> Option<Vec<f64>> {
        for _ in 0..KERNEL_ATTEMPTS {
            let ancestor = &self.ancestors[self.pick(rng.random::<f64>())];
            let normals: Vec<f64> = ancestor.iter().map(|_| samplers::standard_normal(rng)).collect();
            let working: Vec<f64> = self
                .cholesky
                .iter()
                .zip(ancestor)
                .map(|(row, a)| a + row.iter().zip(&normals).map(|(l, z)| l * z).sum::<f64>())
                .collect();
            if priors.iter().zip(&working).all(|(prior, &w)| prior.supports(w)) {
                return Some(working);
            }
        }
        None
    }

    /// The particle whose cumulative weight first exceeds `u` (in [0, 1)); the last particle
    /// with a positive weight when rounding leaves `u` beyond them all.
    fn pick(&self, u: f64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = u * total;
        let found = self.cumulative.partition_point(|&c| c <= target);
        found.min(self.last_positive())
    }

    /// The index of the last particle with a positive weight.
    fn last_positive(&self) -> usize {
        self.log_weights
            .iter()
            .rposition(|&lw| lw > f64::NEG_INFINITY)
            .unwrap_or(0)
    }

    /// `ln Σ_j w_j K(θ | θ_j)` at working-space `theta`, less the kernel's normalising constant
    /// (the same for every particle, so the weights do not need it), by log-sum-exp in order.
    fn log_density(&self, theta: &[f64]) -> f64 {
        let whitened_theta = forward_substitute(&self.cholesky, theta);
        let terms: Vec<f64> = self
            .whitened
            .iter()
            .zip(&self.log_weights)
            .map(|(ancestor, &log_weight)| {
                let squared: f64 = whitened_theta
                    .iter()
                    .zip(ancestor)
                    .map(|(t, a)| (t - a) * (t - a))
                    .sum();
                log_weight - 0.5 * squared
            })
            .collect();
        let largest = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        largest + libm::log(terms.iter().map(|t| libm::exp(t - largest)).sum::<f64>())
    }
}

/// The covariance `Σ_i w_i (x_i − μ)(x_i − μ)ᵀ` with `μ = Σ_i w_i x_i`, for weights summing to 1.
fn weighted_covariance(points: &[Vec<f64>], weights: &[f64]) -> Vec<Vec<f64>> {
    let dimensions = points.first().map_or(0, Vec::len);
    let mut mean = vec![0.0; dimensions];
    for (point, w) in points.iter().zip(weights) {
        for (m, x) in mean.iter_mut().zip(point) {
            *m += w * x;
        }
    }
    let mut covariance = vec![vec![0.0; dimensions]; dimensions];
    for (point, w) in points.iter().zip(weights) {
        for (row, (xi, mi)) in covariance.iter_mut().zip(point.iter().zip(&mean)) {
            for (entry, (xj, mj)) in row.iter_mut().zip(point.iter().zip(&mean)) {
                *entry += w * (xi - mi) * (xj - mj);
            }
        }
    }
    covariance
}

/// The Cholesky factor of `matrix`, after adding to its diagonal the smallest ridge of
/// `10^-10 · 100^k` times its largest diagonal entry (or times 1 when that is 0) that makes it
/// positive definite, starting with no ridge. A degenerate population (fewer distinct particles
/// than parameters, or parameters in lockstep) gets a kernel that is thin in that direction.
fn cholesky_with_ridge(matrix: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let largest = matrix.iter().enumerate().map(|(i, row)| row[i]).fold(0.0, f64::max);
    let scale = if largest > 0.0 { largest } else { 1.0 };
    let mut ridge = 0.0;
    for _ in 0..RIDGE_ATTEMPTS {
        let ridged: Vec<Vec<f64>> = matrix
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut row = row.clone();
                row[i] += ridge;
                row
            })
            .collect();
        if let Some(factor) = cholesky(&ridged) {
            return factor;
        }
        ridge = if ridge == 0.0 {
            FIRST_RIDGE * scale
        } else {
            ridge * 100.0
        };
    }
    panic!("a ridge of 10^50 times the largest variance makes any finite covariance positive definite")
}

/// The lower-triangular `L` with `L Lᵀ = matrix`, or none when a pivot is not clearly positive.
fn cholesky(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    let mut factor = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let known: f64 = factor[i][..j].iter().zip(&factor[j][..j]).map(|(a, b)| a * b).sum();
            let sum = matrix[i][j] - known;
            if i == j {
                if sum.is_nan() || sum <= RELATIVE_PIVOT * matrix[i][i] {
                    return None;
                }
                factor[i][i] = sum.sqrt();
            } else {
                factor[i][j] = sum / factor[j][j];
            }
        }
    }
    Some(factor)
}

/// `L⁻¹ v` for lower-triangular `L`.
fn forward_substitute(factor: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    let mut solution: Vec<f64> = Vec::with_capacity(v.len());
    for (row, &value) in factor.iter().zip(v) {
        let i = solution.len();
        let known: f64 = row.iter().zip(&solution).map(|(l, y)| l * y).sum();
        solution.push((value - known) / row[i]);
    }
    solution
}

/// The weighted `p`-quantile: the smallest value whose cumulative normalised weight, summed over
/// the values sorted ascending (equal values in their given order), reaches `p`. Values of zero
/// weight are passed over, so `p = 0` gives the smallest value with a positive weight and
/// `p = 1` the largest (also when rounding leaves the last sum a little below 1). With equal
/// weights it is the sample's inverse distribution function (Hyndman & Fan type 1). NaN when no
/// weight is positive.
///
/// # Panics
///
/// If `p` is outside [0, 1] or the slices differ in length.
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    assert!((0.0..=1.0).contains(&p), "quantile `{p}` is outside [0, 1]");
    assert_eq!(values.len(), weights.len(), "one weight per value");
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let total: f64 = order.iter().map(|&i| weights[i]).sum();
    let target = p * total;
    let mut cumulative = 0.0;
    for &i in &order {
        cumulative += weights[i];
        if cumulative >= target {
            return values[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| values[i])
}

/// What a generation says about one parameter, in natural units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParameterSummary {
    /// Weighted posterior mean.
    pub mean: f64,
    /// Weighted posterior median.
    pub median: f64,
    /// Lower end of the 90% credible interval (weighted 5% quantile).
    pub low_90: f64,
    /// Lower end of the 50% credible interval (weighted 25% quantile).
    pub low_50: f64,
    /// Upper end of the 50% credible interval (weighted 75% quantile).
    pub high_50: f64,
    /// Upper end of the 90% credible interval (weighted 95% quantile).
    pub high_90: f64,
    /// Lower end of the prior's central 90% interval, to compare with.
    pub prior_low_90: f64,
    /// Upper end of the prior's central 90% interval.
    pub prior_high_90: f64,
}

/// The summary of each parameter (in the order of `priors`) in `generation`: weighted mean,
/// median and central 50% and 90% credible intervals ([`weighted_quantile`]), beside the prior's
/// central 90% interval.
pub fn posterior_summary(generation: &Generation, priors: &[Prior]) -> Vec<ParameterSummary> {
    let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
    let total: f64 = weights.iter().sum();
    priors
        .iter()
        .enumerate()
        .map(|(k, prior)| {
            let values: Vec<f64> = generation.particles.iter().map(|p| p.values[k]).collect();
            let quantile = |p: f64| weighted_quantile(&values, &weights, p);
            ParameterSummary {
                mean: values.iter().zip(&weights).map(|(x, w)| x * w).sum::<f64>() / total,
                median: quantile(0.5),
                low_90: quantile(0.05),
                low_50: quantile(0.25),
                high_50: quantile(0.75),
                high_90: quantile(0.95),
                prior_low_90: prior.quantile(0.05),
                prior_high_90: prior.quantile(0.95),
            }
        })
        .collect()
}

/// Serde for an `f64` as its shortest round-trip text (`0.1`, `1e-7`, `inf`), so that a saved
/// generation reads back to the same bits in any format: serde_json, unless its
/// `float_roundtrip` feature is on, reads about one double in thirteen one unit in the last place
/// off, and it writes infinities as `null`.
mod float_text {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{value:?}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        parse(&String::deserialize(deserializer)?)
    }

    fn parse<E: Error>(text: &str) -> Result<f64, E> {
        text.parse().map_err(|_| E::custom(format!("`{text}` is not a number")))
    }

    /// The same for a list of `f64`.
    pub mod list {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(values: &[f64], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(values.iter().map(|value| format!("{value:?}")))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
            Vec::<String>::deserialize(deserializer)?
                .iter()
                .map(|text| super::parse(text))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of the test models' evaluators, which never fail.
    type Never = std::convert::Infallible;

    /// Generation 0 and `later` generations after it.
    fn calibrate<F>(priors: &[Prior], settings: &Settings, later: usize, evaluate: &F) -> Vec<Generation>
    where
        F: Fn(&Candidate) -> Result<f64, Never> + Sync,
    {
        let mut generations = vec![initial_generation(priors, settings, evaluate).unwrap()];
        for _ in 0..later {
            let next = next_generation(generations.last().unwrap(), priors, settings, evaluate).unwrap();
            generations.push(next);
        }
        generations
    }

    fn settings(particles: usize, seed: u64) -> Settings {
        Settings {
            particles,
            initial_particles: 3 * particles,
            quantile: 0.5,
            batch: 32,
            max_proposals_per_generation: 1_000_000,
            seed,
        }
    }

    /// The mean of `n` draws from N(`mean`, 1).
    fn sample_mean(mean: f64, n: usize, rng: &mut ChaCha8Rng) -> f64 {
        (0..n).map(|_| mean + samplers::standard_normal(rng)).sum::<f64>() / n as f64
    }

    /// The Gaussian toy model: θ ~ U(−10, 10), data the mean of 25 draws from N(θ, 1), distance
    /// the absolute difference of the means. Its posterior is N(observed, 0.2²) (the prior's
    /// truncation is far away).
    fn gaussian_toy(observed: f64) -> impl Fn(&Candidate) -> Result<f64, Never> + Sync {
        move |candidate: &Candidate| {
            let mut rng = ChaCha8Rng::seed_from_u64(candidate.seed);
            Ok((sample_mean(candidate.values[0], 25, &mut rng) - observed).abs())
        }
    }

    #[test]
    fn gaussian_toy_model_recovers_its_known_posterior() {
        let truth = 2.7;
        let observed = sample_mean(truth, 25, &mut ChaCha8Rng::seed_from_u64(99));
        let priors = [Prior::Uniform { low: -10.0, high: 10.0 }];
        let generations = calibrate(&priors, &settings(500, 5), 8, &gaussian_toy(observed));
        for pair in generations.windows(2) {
            assert!(
                pair[1].tolerance < pair[0].tolerance,
                "tolerances {} then {}",
                pair[0].tolerance,
                pair[1].tolerance
            );
        }
        let last = generations.last().unwrap();
        assert!(last.tolerance < 0.05, "final tolerance {}", last.tolerance);
        assert!(last.ess > 200.0, "ess {}", last.ess);
        let weight_sum: f64 = last.particles.iter().map(|p| p.weight).sum();
        assert!((weight_sum - 1.0).abs() < 1e-12);
        let summary = posterior_summary(last, &priors)[0];
        // The posterior is N(observed, 0.2²): its median is `observed` (Monte Carlo error about
        // 0.2 / √ESS < 0.015), its 90% interval ±1.645 · 0.2 = ±0.33 wide (a little wider for
        // the final tolerance).
        assert!(
            (summary.median - observed).abs() < 0.05,
            "median {} for {observed}",
            summary.median
        );
        assert!(summary.low_90 < truth && truth < summary.high_90, "{summary:?}");
        let width = summary.high_90 - summary.low_90;
        assert!((0.55..0.8).contains(&width), "90% interval width {width}");
        assert!(summary.low_90 < summary.low_50 && summary.low_50 < summary.median);
        assert!(summary.median < summary.high_50 && summary.high_50 < summary.high_90);
        assert!((summary.prior_low_90 + 9.0).abs() < 1e-12 && (summary.prior_high_90 - 9.0).abs() < 1e-12);
    }

    /// Sample mean and log sample sd of `n` draws from N(`mean`, `sd`²).
    fn normal_summaries(mean: f64, sd: f64, n: usize, rng: &mut ChaCha8Rng) -> (f64, f64) {
        let draws: Vec<f64> = (0..n).map(|_| mean + sd * samplers::standard_normal(rng)).collect();
        let m = draws.iter().sum::<f64>() / n as f64;
        let variance = draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        (m, 0.5 * libm::log(variance))
    }

    /// Recovery of a location and a scale (log-uniform prior) from 20 normal draws, for 20 truths
    /// drawn from the prior. The summaries (mean, log sd) are sufficient, so the ABC posterior
    /// tends to the true one as the tolerance falls, and with truths drawn from the prior a
    /// credible interval covers the truth with its nominal probability (a little more at a
    /// positive tolerance, whose posterior is wider). For a well-calibrated sampler, 14 or more
    /// of 20 90% intervals covering fails with probability P(Binomial(20, 0.9) ≤ 13) = 0.002 per
    /// parameter, and 50% intervals covering 4 to 16 of 20 with 0.003: a biased or overconfident
    /// sampler fails the first, a uselessly wide one the second. (This seed covers 18 and 18
    /// with the 90% intervals, 11 and 10 with the 50%.) Runs are small (200 particles, 8
    /// generations after the first) to stay fast; being seeded, the check is deterministic.
    #[test]
    fn credible_intervals_cover_truths_drawn_from_the_prior() {
        let priors = [
            Prior::Uniform { low: -5.0, high: 5.0 },
            Prior::LogUniform { low: 0.2, high: 5.0 },
        ];
        let n = 20;
        let cases = 20;
        let mut covered = [0, 0];
        let mut half = [0, 0];
        let mut truth_rng = ChaCha8Rng::seed_from_u64(2024);
        for case in 0..cases {
            let truth: Vec<f64> = priors.iter().map(|prior| prior.sample(&mut truth_rng)).collect();
            let (mean, log_sd) = normal_summaries(truth[0], truth[1], n, &mut truth_rng);
            let evaluate = |candidate: &Candidate| -> Result<f64, Never> {
                let mut rng = ChaCha8Rng::seed_from_u64(candidate.seed);
                let (m, s) = normal_summaries(candidate.values[0], candidate.values[1], n, &mut rng);
                // Both summaries on the scale of their sampling spread: sd/√n and 1/√(2(n−1)).
                let location = (m - mean) / libm::exp(log_sd) * (n as f64).sqrt();
                let scale = (s - log_sd) * (2.0 * (n - 1) as f64).sqrt();
                Ok((location * location + scale * scale).sqrt())
            };
            let generations = calibrate(&priors, &settings(200, 100 + case as u64), 8, &evaluate);
            let summaries = posterior_summary(generations.last().unwrap(), &priors);
            for (k, summary) in summaries.iter().enumerate() {
                if summary.low_90 <= truth[k] && truth[k] <= summary.high_90 {
                    covered[k] += 1;
                }
                if summary.low_50 <= truth[k] && truth[k] <= summary.high_50 {
                    half[k] += 1;
                }
            }
        }
        assert!(
            covered.iter().all(|&c| c >= 14),
            "90% intervals covered {covered:?} of {cases}"
        );
        assert!(
            half.iter().all(|c| (4..=16).contains(c)),
            "50% intervals covered {half:?} of {cases}"
        );
    }

    #[test]
    fn results_are_the_same_on_one_and_two_threads_for_any_batch_and_after_a_resume() {
        let observed = 1.3;
        let priors = [
            Prior::Uniform { low: -10.0, high: 10.0 },
            Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                low: -3.0,
                high: f64::INFINITY,
            },
        ];
        let evaluate = |candidate: &Candidate| -> Result<f64, Never> {
            let mut rng = ChaCha8Rng::seed_from_u64(candidate.seed);
            let simulated = sample_mean(candidate.values[0] + candidate.values[1], 25, &mut rng);
            Ok((simulated - observed).abs())
        };
        let settings = Settings {
            batch: 7,
            ..settings(100, 77)
        };
        let on = |threads: usize, settings: &Settings| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| calibrate(&priors, settings, 3, &evaluate))
        };
        let one = on(1, &settings);
        let two = on(2, &settings);
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&two).unwrap()
        );
        assert_eq!(one, two);

        // The batch size changes how many runs are wasted, nothing else.
        let wide = on(
            2,
            &Settings {
                batch: 50,
                ..settings.clone()
            },
        );
        for (a, b) in one.iter().zip(&wide) {
            assert_eq!(
                (&a.particles, a.proposed, a.tolerance),
                (&b.particles, b.proposed, b.tolerance)
            );
        }

        // A generation read back from JSON continues exactly.
        let saved = serde_json::to_string(&one[1]).unwrap();
        let restored: Generation = serde_json::from_str(&saved).unwrap();
        assert_eq!(restored, one[1]);
        let resumed = next_generation(&restored, &priors, &settings, &evaluate).unwrap();
        assert_eq!(resumed, one[2]);
    }

    #[test]
    fn floats_read_back_to_the_same_bits() {
        let particle = Particle {
            values: vec![-7.3351217514938405, 1e-300, 0.1],
            weight: -0.9308055068931527,
            distance: f64::INFINITY,
        };
        let text = serde_json::to_string(&particle).unwrap();
        assert_eq!(
            text,
            r#"{"values":["-7.3351217514938405","1e-300","0.1"],"weight":"-0.9308055068931527","distance":"inf"}"#
        );
        let back: Particle = serde_json::from_str(&text).unwrap();
        assert_eq!(back, particle);
        let error = serde_json::from_str::<Particle>(r#"{"values":["x"],"weight":"1","distance":"0"}"#).unwrap_err();
        assert!(error.to_string().contains("`x` is not a number"), "{error}");
    }

    #[test]
    fn an_evaluation_error_and_running_out_of_proposals_are_reported() {
        let priors = [Prior::Uniform { low: 0.0, high: 1.0 }];
        let settings = Settings {
            max_proposals_per_generation: 500,
            ..settings(20, 3)
        };
        let failing = |candidate: &Candidate| {
            if candidate.index == 17 {
                Err("simulation failed")
            } else {
                Ok(candidate.values[0])
            }
        };
        let error = initial_generation(&priors, &settings, &failing).unwrap_err();
        assert_eq!(error.to_string(), "generation 0, candidate 17: simulation failed");

        // Distances are never negative, so no proposal comes within a tolerance of −1.
        let far = |candidate: &Candidate| -> Result<f64, Never> { Ok(1.0 - candidate.values[0]) };
        let first = initial_generation(&priors, &settings, &far).unwrap();
        let impossible = Generation {
            particles: first
                .particles
                .iter()
                .map(|p| Particle {
                    distance: -1.0,
                    ..p.clone()
                })
                .collect(),
            ..first
        };
        let error = next_generation(&impossible, &priors, &settings, &far).unwrap_err();
        assert!(matches!(
            error,
            AbcError::Exhausted {
                generation: 1,
                proposed: 500,
                accepted: 0,
                wanted: 20,
                ..
            }
        ));
        assert!(
            error
                .to_string()
                .starts_with("generation 1: only 0 of 20 particles came within tolerance -1 in 500 proposals"),
            "{error}"
        );
    }

    #[test]
    fn generation_zero_keeps_the_closest_draws_in_proposal_order() {
        let priors = [Prior::Uniform { low: 0.0, high: 1.0 }];
        let settings = Settings {
            particles: 10,
            initial_particles: 40,
            ..settings(10, 8)
        };
        let distance = |candidate: &Candidate| -> Result<f64, Never> { Ok((candidate.values[0] - 0.5).abs()) };
        let generation = initial_generation(&priors, &settings, &distance).unwrap();
        assert_eq!(generation.particles.len(), 10);
        assert_eq!((generation.proposed, generation.evaluated), (40, 40));
        assert_eq!(generation.acceptance_rate, 0.25);
        let largest = generation.particles.iter().map(|p| p.distance).fold(0.0, f64::max);
        assert_eq!(generation.tolerance, largest);
        assert!((generation.ess - 10.0).abs() < 1e-9);
        // Every draw left out is at least as far as the tolerance.
        let mut all: Vec<f64> = (0..40)
            .map(|index| {
                let mut rng = proposal_rng(8, 0, index);
                rng.next_u64();
                (priors[0].sample(&mut rng) - 0.5).abs()
            })
            .collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all[9], generation.tolerance);
    }

    #[test]
    fn settings_and_priors_are_checked_before_any_run() {
        let mut bad = settings(10, 1);
        bad.quantile = 0.0;
        assert_eq!(bad.validate().unwrap_err(), "`quantile` must be in (0, 1], got 0");
        let error = initial_generation(
            &[Prior::Uniform { low: 2.0, high: 1.0 }],
            &settings(10, 1),
            &|_: &Candidate| Ok::<f64, Never>(0.0),
        )
        .unwrap_err();
        assert!(error.to_string().starts_with("parameter 0: a uniform prior"), "{error}");
    }

    #[test]
    fn weighted_quantile_is_the_inverse_of_the_cumulative_weights() {
        let values = [3.0, 1.0, 2.0];
        let equal = [1.0, 1.0, 1.0];
        assert_eq!(weighted_quantile(&values, &equal, 0.0), 1.0);
        assert_eq!(weighted_quantile(&values, &equal, 0.2), 1.0);
        assert_eq!(weighted_quantile(&values, &equal, 0.5), 2.0);
        assert_eq!(weighted_quantile(&values, &equal, 0.9), 3.0);
        assert_eq!(weighted_quantile(&values, &equal, 1.0), 3.0);
        let peaked = [0.1, 0.1, 0.8];
        assert_eq!(weighted_quantile(&values, &peaked, 0.05), 1.0);
        assert_eq!(weighted_quantile(&values, &peaked, 0.5), 2.0);
        assert_eq!(weighted_quantile(&values, &peaked, 0.95), 3.0);
        // Cumulative weights 0.5 then exactly 1.0: a tie at 0.5 takes the lower value.
        assert_eq!(weighted_quantile(&[1.0, 2.0], &[0.5, 0.5], 0.5), 1.0);
        // Zero weights are passed over, at the ends as well.
        assert_eq!(
            weighted_quantile(&[0.0, 5.0, 6.0, 9.0], &[0.0, 1.0, 1.0, 0.0], 0.0),
            5.0
        );
        assert_eq!(
            weighted_quantile(&[0.0, 5.0, 6.0, 9.0], &[0.0, 1.0, 1.0, 0.0], 1.0),
            6.0
        );
        assert!(weighted_quantile(&[1.0], &[0.0], 0.5).is_nan());
        assert!(weighted_quantile(&[], &[], 0.5).is_nan());
    }

    /// A generation of particles just above 0 under a U(0, 1) prior: about one kernel move in
    /// seven falls below 0.
    fn crowded_at_the_edge() -> Generation {
        let particles = (1..=10)
            .map(|k| Particle {
                values: vec![0.001 * k as f64],
                weight: 0.1,
                distance: 0.0,
            })
            .collect();
        Generation {
            index: 1,
            tolerance: 0.0,
            particles,
            proposed: 10,
            evaluated: 10,
            acceptance_rate: 1.0,
            ess: 10.0,
        }
    }

    #[test]
    fn a_kernel_move_outside_the_support_is_drawn_again() {
        let priors = [Prior::Uniform { low: 0.0, high: 1.0 }];
        let wide = [Prior::Uniform { low: -1.0, high: 1.0 }];
        let kernel = Kernel::new(&crowded_at_the_edge(), &priors);
        // Weighted variance of 0.001 · (1..=10) is 8.25e-6; the kernel's is twice that.
        assert!((kernel.cholesky[0][0] - (2.0 * 8.25e-6f64).sqrt()).abs() < 1e-12);
        // From the same generator, a proposal under the wide prior is the first move; under
        // U(0, 1) it is the same move when that landed inside, and a later one otherwise.
        let mut redrawn = 0;
        for index in 0..400 {
            let first = kernel.propose(&wide, &mut proposal_rng(1, 2, index)).unwrap();
            let kept = kernel.propose(&priors, &mut proposal_rng(1, 2, index)).unwrap();
            assert!((0.0..=1.0).contains(&kept[0]), "{kept:?}");
            if first[0] < 0.0 {
                assert_ne!(first, kept);
                redrawn += 1;
            } else {
                assert_eq!(first, kept);
            }
        }
        // P(move < 0) averages 0.137 over the ten ancestors: 55 of 400 expected.
        assert!(
            (30..85).contains(&redrawn),
            "{redrawn} of 400 proposals were drawn again"
        );

        // Priors that the whole population lies outside of: every attempt misses.
        let elsewhere = [Prior::Uniform { low: 0.5, high: 1.0 }];
        assert!(kernel.propose(&elsewhere, &mut proposal_rng(1, 2, 0)).is_none());

        // In a generation, the evaluator sees only values inside the support.
        let settings = settings(50, 9);
        let inside = |candidate: &Candidate| -> Result<f64, Never> {
            assert!((0.0..=1.0).contains(&candidate.values[0]), "{candidate:?}");
            Ok(0.0)
        };
        let next = next_generation(&crowded_at_the_edge(), &priors, &settings, &inside).unwrap();
        assert_eq!((next.proposed, next.particles.len()), (50, 50));
    }

    #[test]
    fn a_singular_covariance_gets_a_ridge() {
        // Two parameters in lockstep: their covariance matrix has rank 1.
        let particles = (0..8)
            .map(|k| Particle {
                values: vec![0.1 * k as f64, 0.2 * k as f64],
                weight: 0.125,
                distance: 0.0,
            })
            .collect();
        let generation = Generation {
            particles,
            ..crowded_at_the_edge()
        };
        let priors = [
            Prior::Uniform { low: -5.0, high: 5.0 },
            Prior::Uniform { low: -5.0, high: 5.0 },
        ];
        let kernel = Kernel::new(&generation, &priors);
        assert!(kernel.cholesky[1][1] > 0.0 && kernel.cholesky[1][1].is_finite());
        assert!(kernel.log_density(&[0.35, 0.7]).is_finite());
        let proposal = kernel.propose(&priors, &mut proposal_rng(3, 1, 0)).unwrap();
        assert!(proposal.iter().all(|w| w.is_finite()));
    }

    #[test]
    fn weights_are_prior_over_proposal_density() {
        // Two previous particles, one parameter: the proposal density at θ is
        // Σ_j w_j N(θ; θ_j, 2 · var), and with a uniform prior the weight is its inverse.
        let particles = vec![
            Particle {
                values: vec![0.0],
                weight: 0.25,
                distance: 0.0,
            },
            Particle {
                values: vec![1.0],
                weight: 0.75,
                distance: 0.0,
            },
        ];
        let generation = Generation {
            particles,
            ..crowded_at_the_edge()
        };
        let priors = [Prior::Uniform { low: -10.0, high: 10.0 }];
        let kernel = Kernel::new(&generation, &priors);
        // Weighted mean 0.75, variance 0.25 · 0.5625 + 0.75 · 0.0625 = 0.1875; the kernel's 0.375.
        let variance: f64 = 0.375;
        let density = |theta: f64| {
            0.25 * libm::exp(-0.5 * theta * theta / variance)
                + 0.75 * libm::exp(-0.5 * (theta - 1.0) * (theta - 1.0) / variance)
        };
        for theta in [-0.4, 0.3, 0.9, 2.0] {
            assert!(
                (kernel.log_density(&[theta]) - libm::log(density(theta))).abs() < 1e-12,
                "{theta}"
            );
        }
    }
}
