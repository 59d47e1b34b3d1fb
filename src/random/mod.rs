//! Where randomness comes from: the named, portable streams every draw is taken from (ChaCha8
//! per process, a counter-based hash per user and day), and the samplers that turn uniform
//! draws into normal, gamma, beta and Poisson variates with the same bits on every machine.
//! Imports nothing from the crate but [`crate::error`].

pub mod rng;
pub(crate) mod samplers;
