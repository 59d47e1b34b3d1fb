//! Experiments on the model: a run is `(scenario, seed) -> rows`; ensembles are strategies ×
//! seeds run in parallel and kept one record file per run (so they resume and shard); sweeps
//! vary parameters over a sampling design; calibrations fit parameters to observed series. Results are identical whatever the thread count or
//! the split into shards.

pub mod calibrate;
pub mod ensemble;
pub mod interrupt;
pub mod monthly;
pub mod posterior_draws;
pub(crate) mod outcome;
pub mod run;
pub(crate) mod run_record;
pub(crate) mod run_store;
pub mod shard;
pub mod sweep;
