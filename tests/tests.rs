//! Integration tests, compiled as one binary so the suite builds once.

mod agents;
mod baselines;
mod calibrate;
mod binary;
mod classic;
mod cli;
mod common;
mod compare;
mod conservation;
mod determinism;
mod docs;
mod hostile;
mod layers;
mod patterns;
mod properties;
mod public_cost;
mod regulation;
mod report;
mod repro;
mod sweep;
mod warning;
