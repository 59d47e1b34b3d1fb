//! The model: a [`world::World`] of users on their social network, platforms, regulators, policy
//! instruments, news and the money ledger, built from a scenario and a seed and advanced one day
//! at a time. Each phase of the day has its file (`events_day`, `users_day`, `platforms_day`,
//! `regulators_day`, `warnings_day`); the observation of a day (`metrics`, `tally`,
//! `observation`) and of single agents (`agents`) only reads the world. Pure computation: no
//! I/O, no clock, no global state.

pub mod agents;
pub(crate) mod events_day;
pub(crate) mod ledger;
pub mod metrics;
pub(crate) mod neighbourhood;
pub mod network;
pub(crate) mod news;
pub(crate) mod observation;
pub mod platform;
pub(crate) mod platforms_day;
pub(crate) mod policy;
pub mod public_account;
pub(crate) mod regulators_day;
pub mod tally;
pub mod users;
pub(crate) mod users_day;
pub(crate) mod warning_system;
pub mod warnings_day;
pub mod world;
