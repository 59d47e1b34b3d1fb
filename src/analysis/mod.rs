//! Statistics over runs: means with confidence intervals and paired differences (common random
//! numbers), portable distribution functions, sampling designs and sensitivity indices for
//! sweeps, the comparison tables of strategies, and the evaluation of early-warning scores
//! (hit and false-alarm rates, lead times, ROC).

pub mod comparison;
pub mod design;
pub mod probability;
pub mod sensitivity;
pub mod stats;
pub mod warning_eval;
