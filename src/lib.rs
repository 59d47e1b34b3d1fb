//! trustsim: a fast, reproducible agent-based simulator of trust contagion in internet finance.
//!
//! The crate is a house with floors. Each folder below may import only from the folders listed
//! above it (a test, `tests/layers.rs`, reads every `crate::` path and fails on one that runs
//! upward), so a reader can tell from a file's folder what it may touch.
//!
//! - [`error`]: the one error type, whose variants name the file, line and key at fault.
//! - [`random`]: the seeded, portable streams every random draw comes from, and the samplers.
//! - [`scenario`]: the scenario schema (every parameter with its default, range and unit),
//!   events, strategies, limits and the loader of scenario files.
//! - [`model`]: the world and its day, one file per phase; pure computation, no I/O.
//! - [`analysis`]: statistics over runs, designs and sensitivity indices, comparison tables,
//!   the evaluation of early warnings.
//! - [`output`]: atomic output directories, manifests, charts, the HTML report and animation.
//! - [`experiment`]: runs, ensembles over seeds and strategies, run stores, shards, sweeps.
//! - [`commands`]: the library side of each subcommand, called by the thin binary.
//!
//! ```no_run
//! use trustsim::experiment::run::simulate;
//! use trustsim::scenario::loader::load;
//!
//! let loaded = load(std::path::Path::new("scenarios/platform_collapse.toml"), &[])?;
//! let result = simulate(&loaded.scenario, None, 1)?;
//! println!("net loss: {} yuan", result.outcome.net_loss_yuan);
//! # Ok::<(), trustsim::Error>(())
//! ```

pub mod error;
pub mod random;
pub mod scenario;
pub mod model;
pub mod analysis;
pub mod output;
pub mod experiment;
pub mod commands;

pub use error::{Error, Result};
