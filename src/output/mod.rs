//! Everything that leaves the process as a file: atomic output directories and their manifests
//! with provenance, charts (PNG and SVG with portable axis ticks), HTML pages (the report, the
//! animation) and the early-warning tables. It sits below `experiment`, which writes its run
//! stores and results through it; it knows results only as the analysis layer's rows.

pub mod animation;
pub mod animation_page;
pub(crate) mod axis;
pub mod calibration_charts;
pub(crate) mod charts;
pub(crate) mod compare_charts;
pub(crate) mod directory;
pub use directory::Written;
pub mod distribution_chart;
pub(crate) mod html;
pub(crate) mod manifest;
pub(crate) mod previous;
pub(crate) mod provenance;
pub mod report;
pub(crate) mod report_costs;
pub(crate) mod report_page;
pub mod report_tables;
pub mod sweep_report;
pub mod warning_tables;

pub use directory::csv_text;
