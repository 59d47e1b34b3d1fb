//! What a manifest records beside the results: how the binary was built (version, git commit,
//! compiler, target), and how this execution ran (command line, threads, wall time). The latter
//! differs between runs that give identical outputs, so it sits in an object of its own,
//! [`EXECUTION`], which comparisons of outputs leave out.

use serde_json::{json, Value};
use std::time::Instant;

/// The manifest key of the execution record: the only entry allowed to differ between two runs
/// of the same command.
pub const EXECUTION: &str = "execution";

/// The build record: git commit (`unknown` outside a checkout), whether the checkout had
/// uncommitted changes to tracked files (`null` when unknown), rustc version and target triple.
pub fn build() -> Value {
    let dirty = match env!("TRUSTSIM_GIT_DIRTY") {
        "true" => json!(true),
        "false" => json!(false),
        _ => Value::Null,
    };
    json!({
        "git_commit": env!("TRUSTSIM_GIT_COMMIT"),
        "git_dirty": dirty,
        "rustc": env!("TRUSTSIM_RUSTC_VERSION"),
        "target": env!("TRUSTSIM_TARGET"),
    })
}

/// The clock and command line of one execution, started when the command starts.
#[derive(Debug, Clone, Copy)]
pub struct Execution {
    started: Instant,
}

impl Execution {
    /// Starts the clock.
    pub fn start() -> Execution {
        Execution {
            started: Instant::now(),
        }
    }

    /// The execution record: this process's command line, the worker threads and the seconds
    /// since [`Execution::start`].
    pub fn record(&self, threads: usize) -> Value {
        let command_line: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
        json!({
            "command_line": command_line,
            "threads": threads,
            "wall_seconds": self.started.elapsed().as_secs_f64(),
        })
    }
}
