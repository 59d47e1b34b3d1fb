//! A problem found in a scenario: the dotted key at fault and what is wrong with its value,
//! located in the file by the loader.

/// A validation problem: the dotted key and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key, e.g. `population.users` or `event[2].day`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem with `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// `table.` for a non-empty table key, so that `prefix(t) + field` is a dotted key.
pub fn prefix(table: &str) -> String {
    if table.is_empty() {
        String::new()
    } else {
        format!("{table}.")
    }
}
