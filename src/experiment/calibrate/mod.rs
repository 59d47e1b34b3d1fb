//! Calibration of a scenario to observed monthly series by ABC-SMC: the calibration file
//! (`file`), the months it speaks of (`month`), the data (`data`), the loaded and validated
//! calibration with each candidate's scenario (`spec`), a candidate's distance to the data
//! (`distance`), the sampler's loop with its saved generations (`sampler`, `record`), the
//! posterior predictive runs (`predictive`) and the output tables and charts (`tables`).
//! docs/CALIBRATION.md describes the method.

pub(crate) mod data;
pub mod distance;
pub mod file;
pub mod month;
pub mod predictive;
pub(crate) mod record;
pub mod sampler;
pub mod spec;
pub mod tables;
