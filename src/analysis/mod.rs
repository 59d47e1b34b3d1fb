//! Statistics over runs: means with confidence intervals and paired differences (common random
//! numbers), cost-effectiveness per yuan of public money, portable distribution functions, sampling designs and sensitivity indices for
//! sweeps, the comparison tables of strategies, the evaluation of early-warning scores (hit and
//! false-alarm rates, lead times, ROC), and calibration to observed series: ABC-SMC, its priors,
//! and the distances and goodness of fit it is judged by.

pub mod abc;
pub mod comparison;
pub mod cost_effectiveness;
pub(crate) mod design;
pub mod fit;
pub mod prior;
pub(crate) mod probability;
pub(crate) mod sensitivity;
pub(crate) mod stats;
pub(crate) mod warning_eval;
