//! Parameter sweeps: the sweep file (`spec`), what is kept of each run (`record`), the tables
//! computed from the runs (`tables`) and their charts (`charts`).

pub mod charts;
pub mod record;
pub mod spec;
pub mod tables;
