//! The library side of each subcommand, one file each: typed options in, an output directory
//! and a short report out. The binary (`main.rs`) only parses flags into these options.

pub mod animate;
pub mod bench;
pub mod calibrate;
pub mod compare;
pub mod merge;
pub mod run;
pub mod sweep;
pub mod validate;
pub mod verify;
pub mod warn;
