//! The crate's one error type. Every variant carries enough context (file, line, key) for a
//! user to find and fix the problem without reading the source.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem was found: a file and, when known, a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, or a pseudo-name such as `--set` for command-line overrides.
    pub file: String,
    /// 1-based line number, when the problem can be pinned to one.
    pub line: Option<usize>,
}

impl Location {
    /// A location in `file` at `line`.
    pub fn new(file: impl Into<String>, line: Option<usize>) -> Location {
        Location {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.file, line),
            None => write!(f, "{}", self.file),
        }
    }
}

/// Everything that can go wrong in trustsim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The scenario is not valid TOML.
    #[error("{location}: invalid TOML: {message}")]
    Syntax {
        /// Where the syntax error is.
        location: Location,
        /// What the parser said.
        message: String,
    },
    /// A key of the scenario is unknown, has the wrong type, or holds a value out of range.
    #[error("{location}: `{key}`: {message}")]
    Invalid {
        /// Where the key is (or, for a missing key, its table).
        location: Location,
        /// The dotted key, e.g. `population.users` or `event[2].day`.
        key: String,
        /// What is wrong and what would have been accepted.
        message: String,
    },
    /// A `--set key=value` argument is malformed.
    #[error("--set `{}`: {message}", printable(argument))]
    Override {
        /// The argument as given (shown with control characters escaped).
        argument: String,
        /// What is wrong.
        message: String,
    },
    /// An edge-list file is malformed.
    #[error("{location}: {message}")]
    EdgeList {
        /// Where the bad row is.
        location: Location,
        /// What is wrong and what is expected.
        message: String,
    },
    /// An observed-data file (a calibration's CSV) is malformed.
    #[error("{location}: {message}")]
    Data {
        /// Where the bad header or row is.
        location: Location,
        /// What is wrong and what is expected.
        message: String,
    },
    /// An input file is larger than trustsim reads (see `limits`).
    #[error("{location}: {message}")]
    TooLarge {
        /// The file.
        location: Location,
        /// What the limit is.
        message: String,
    },
    /// A command-line option is unusable with this scenario or machine.
    #[error("{option}: {message}")]
    Usage {
        /// The option, e.g. `--strategy`.
        option: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A file or directory trustsim wrote earlier (a manifest, a run record, a results directory)
    /// is missing, unreadable or not what the command reading it expects.
    #[error("{}: {message}", path.display())]
    Damaged {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Shard outputs given to `merge` do not make up one ensemble.
    #[error("cannot merge: {message}")]
    Shards {
        /// What disagrees or is missing.
        message: String,
    },
    /// Money in a run grew beyond what trustsim accounts for exactly (the scenario's returns
    /// compound without bound): a limit of the inputs, not a bug.
    #[error("day {day}: {message}")]
    MoneyOutOfRange {
        /// The simulated day on which the limit was passed.
        day: u32,
        /// Which amount passed the limit, and which parameters drive it.
        message: String,
    },
    /// A stop was asked for (Ctrl-C or SIGTERM) and the command stopped cleanly.
    #[error("stopped by a signal; {kept} are kept, and the same command with `--resume` continues from them")]
    Interrupted {
        /// What finished before the stop and is kept for `--resume` ("12 of 64 runs").
        kept: String,
    },
    /// The simulation broke one of its own invariants: a bug, never bad input.
    #[error("internal invariant broken on day {day}: {message}")]
    Invariant {
        /// The simulated day on which the check failed.
        day: u32,
        /// What did not add up.
        message: String,
    },
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `text` with its control characters (a newline, say) escaped as `\n`, `\u{1b}`, so that an
/// error stays on one line.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
