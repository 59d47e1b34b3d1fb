//! Statistics over runs: means with confidence intervals and paired differences (common random
//! numbers), portable distribution functions, sampling designs and sensitivity indices for
//! sweeps, the comparison tables of strategies, and the evaluation of early-warning scores
//! (hit and false-alarm rates, lead times, ROC).

pub mod comparison;
pub(crate) mod design;
pub(crate) mod probability;
pub(crate) mod sensitivity;
pub(crate) mod stats;
pub(crate) mod warning_eval;
