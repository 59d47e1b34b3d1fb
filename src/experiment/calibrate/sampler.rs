//! The ABC-SMC loop of a calibration: generation after generation from the sampler
//! (`crate::analysis::abc`), each candidate's distance from its runs (`distance`), each finished
//! generation saved in the run store before the next starts, so that `--resume` continues from
//! the last one saved; and the rules that stop it.

use indicatif::ProgressBar;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analysis::abc::{initial_generation, next_generation, AbcError, Candidate, Generation};
use crate::error::{Error, Result};
use crate::experiment::calibrate::distance::candidate_distance;
use crate::experiment::calibrate::record::{generation_id, GenerationRecord};
use crate::experiment::calibrate::spec::Calibration;
use crate::experiment::interrupt;
use crate::experiment::run_store::{RunStore, StoredRun};

/// Why a calibration stopped where it did.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// It made every generation `algorithm.generations` asks for.
    Generations,
    /// The last generation's acceptance rate fell below `algorithm.min_acceptance_rate`.
    AcceptanceRate,
    /// The last generation's tolerance reached `algorithm.target_tolerance`.
    Tolerance,
    /// The generation after the last ran out of proposals; the sampler's words.
    Exhausted(String),
}

impl Stop {
    /// In words, for the manifest and the terminal.
    pub fn describe(&self) -> String {
        match self {
            Stop::Generations => "made every generation `algorithm.generations` asks for".to_string(),
            Stop::AcceptanceRate => "the acceptance rate fell below `algorithm.min_acceptance_rate`".to_string(),
            Stop::Tolerance => "the tolerance reached `algorithm.target_tolerance`".to_string(),
            Stop::Exhausted(message) => message.clone(),
        }
    }
}

/// The generations a calibration made, and why it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    /// Generation 0, 1, … in order; the last is the posterior.
    pub generations: Vec<Generation>,
    /// Why there are no more.
    pub stop: Stop,
}

/// Runs the sampler for `calibration`, taking each generation `store` holds under `key` and
/// making (and saving) the others, counting evaluated candidates on `progress`.
pub fn sample(calibration: &Calibration, store: &RunStore, key: &str, progress: &ProgressBar) -> Result<Sampled> {
    let settings = calibration.settings();
    let algorithm = &calibration.file.algorithm;
    let priors = &calibration.priors;
    let finished = AtomicUsize::new(0);
    let evaluate = |candidate: &Candidate| -> Result<f64> {
        interrupt::check(|| format!("the {} finished generations", finished.load(Ordering::SeqCst)))?;
        let distance = candidate_distance(calibration, &candidate.values, candidate.seed);
        progress.inc(1);
        distance
    };
    let mut generations: Vec<Generation> = Vec::new();
    loop {
        let index = generations.len();
        let id = generation_id(index);
        let generation = if store.finished::<GenerationRecord>(&id, key)? {
            GenerationRecord::read(&store.path(&id))?.generation
        } else {
            progress.set_message(format!("generation {index}"));
            let made = match generations.last() {
                None => initial_generation(priors, &settings, &evaluate),
                Some(previous) => next_generation(previous, priors, &settings, &evaluate),
            };
            let generation = match made {
                Ok(generation) => generation,
                Err(AbcError::Exhausted { .. }) if index > 0 => {
                    let message = made.expect_err("exhausted").to_string();
                    return Ok(Sampled {
                        generations,
                        stop: Stop::Exhausted(message),
                    });
                }
                Err(AbcError::Evaluate { source, .. }) => return Err(source),
                Err(other) => {
                    return Err(Error::Damaged {
                        path: store.path(&generation_id(index.saturating_sub(1))),
                        message: format!("cannot make generation {index} from it: {other}"),
                    })
                }
            };
            if index == 0 {
                check_prior_generation(&generation)?;
            }
            store.save(&GenerationRecord {
                run: id,
                scenario_key: key.to_string(),
                generation: generation.clone(),
            })?;
            generation
        };
        let (acceptance, tolerance) = (generation.acceptance_rate, generation.tolerance);
        generations.push(generation);
        finished.store(generations.len(), Ordering::SeqCst);
        let stop = if generations.len() >= algorithm.generations {
            Some(Stop::Generations)
        } else if index > 0 && acceptance < algorithm.min_acceptance_rate {
            Some(Stop::AcceptanceRate)
        } else if algorithm.target_tolerance > 0.0 && tolerance <= algorithm.target_tolerance {
            Some(Stop::Tolerance)
        } else {
            None
        };
        if let Some(stop) = stop {
            return Ok(Sampled { generations, stop });
        }
    }
}

/// Refuses a generation 0 that kept a particle at distance +∞: too few prior draws gave a valid
/// scenario whose runs stayed within the model's range.
fn check_prior_generation(generation: &Generation) -> Result<()> {
    let finite = generation.particles.iter().filter(|p| p.distance.is_finite()).count();
    if finite == generation.particles.len() {
        return Ok(());
    }
    let valid = generation.proposed as usize - (generation.particles.len() - finite);
    Err(Error::Usage {
        option: "calibration".to_string(),
        message: format!(
            "only {valid} of the {} prior draws gave a valid scenario (the others broke a rule of the scenario, \
             such as shares summing to 1, or ran money out of range), fewer than the {} particles: narrow the \
             priors, or give a parameter a `balance` key that keeps such rules",
            generation.proposed,
            generation.particles.len()
        ),
    })
}
