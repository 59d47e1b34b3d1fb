//! Integration tests, compiled as one binary so the suite builds once.

mod classic;
mod cli;
mod common;
mod conservation;
mod docs;
mod patterns;
