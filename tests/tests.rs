//! Integration tests, compiled as one binary so the suite builds once.

mod classic;
mod cli;
mod common;
mod conservation;
mod determinism;
mod docs;
mod patterns;
mod regulation;
