//! The scenario schema: every parameter of a run with its default, range, unit and meaning
//! (`params!`), attribute distributions, scheduled events and strategies of interventions, the
//! `[warning]` table, the limits on sizes, the loader that reads a TOML file with errors naming
//! file, line and key, and the parameter reference generated from all of it. Knows nothing of
//! how a run unfolds.

pub mod action;
pub mod calendar;
pub(crate) mod dist;
pub(crate) mod event;
pub mod limits;
pub mod loader;
pub(crate) mod params;
pub(crate) mod problem;
pub mod reference;
pub mod schedule;
pub mod schema;
pub(crate) mod strict;
pub mod strategy;
pub mod tables;
pub(crate) mod warning;
