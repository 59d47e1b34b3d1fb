//! Parameter sweeps: the sweep file (`spec`), what is kept of each run (`record`), the tables
//! computed from the runs (`tables`) and their charts (`charts`).

pub(crate) mod charts;
pub(crate) mod file;
pub(crate) mod record;
pub mod spec;
pub(crate) mod tables;
