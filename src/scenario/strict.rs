//! Reading the TOML files that describe experiments (sweep and calibration files) strictly:
//! the text must be UTF-8 and TOML, unknown keys are refused, and every error names the file,
//! line and key, and what serde would have accepted.

use serde::de::DeserializeOwned;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::scenario::loader::{find_line, line_of};

/// The bytes of the file at `path` and their text, or an error naming the file (and the line of
/// the first byte that is not UTF-8).
pub(crate) fn read_text(path: &Path) -> Result<(Vec<u8>, String)> {
    crate::scenario::limits::check_regular(path, "read as a text file")?;
    let source = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(source.clone()).map_err(|e| Error::Syntax {
        location: Location::new(
            path.display().to_string(),
            Some(line_of(&source, e.utf8_error().valid_up_to())),
        ),
        message: "the file is not valid UTF-8".to_string(),
    })?;
    Ok((source, text))
}

/// Parses `text` (named `name` in errors) into a `T`, naming the file, line and key of a
/// problem: a syntax error at its line; an unknown key, a missing key or a wrong value at the
/// line of the key (or, for a missing key, of the table that lacks it).
pub(crate) fn parse_strict<T: DeserializeOwned>(text: &str, name: &str) -> Result<T> {
    let table: toml::Value = text
        .parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| Error::Syntax {
            location: Location::new(name, e.span().map(|s| line_of(text.as_bytes(), s.start))),
            message: e.message().trim_end().to_string(),
        })?;
    serde_path_to_error::deserialize(table).map_err(|e| {
        let path = e.path().to_string();
        let message = plain_words(e.into_inner().message().trim_end());
        // An unknown key in a tagged table is reported at the table: name the key.
        let named = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next());
        let unknown = named("unknown field `").filter(|field| !path.ends_with(&format!(".{field}")) && path != *field);
        // A missing key is reported at the table that lacks it: name the key.
        let field = unknown.or_else(|| named("missing field `"));
        let key = match (path.as_str(), field) {
            (".", Some(field)) => field.to_string(),
            (_, Some(field)) => format!("{path}.{field}"),
            (".", None) => String::new(),
            (_, None) => path,
        };
        Error::Invalid {
            location: Location::new(name, find_line(text, &key).or(Some(1))),
            key,
            message,
        }
    })
}

/// Where `key` is in the file `name` whose text is `text`: its line, or line 1 when the file
/// does not write it.
pub(crate) fn key_location(text: &str, name: &str, key: &str) -> Location {
    Location::new(name, find_line(text, key).or(Some(1)))
}

/// An [`Error::Invalid`] of `key` in the file `name` whose text is `text`, at the key's line.
pub(crate) fn invalid_key(text: &str, name: &str, key: &str, message: String) -> Error {
    Error::Invalid {
        location: key_location(text, name, key),
        key: key.to_string(),
        message,
    }
}

/// serde's words for a value of the wrong kind ("invalid type: map, expected a sequence", naming
/// Rust types such as `u64` or `struct PopulationParams`) in the words of a TOML file ("must be a
/// list in brackets `[…]`, got a table"); any other message is returned as it is.
pub(crate) fn plain_words(message: &str) -> String {
    let Some((got, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    else {
        return message.to_string();
    };
    let expected = match expected {
        "a sequence" => "a list in brackets `[…]`",
        "f32" | "f64" => "a number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" => "a whole number",
        "a string" | "a borrowed string" | "string only" => "a string in quotes",
        "a boolean" => "`true` or `false`",
        "variant identifier" => "one of its names, in quotes",
        "a map" | "map" => "a table",
        other if other.starts_with("struct ") || other.starts_with("internally tagged enum ") => "a table",
        other => other,
    };
    let value = |prefix: &str| got.strip_prefix(prefix).map(|v| v.trim_matches('`'));
    let got = if let Some(v) = value("integer ") {
        format!("the whole number {v}")
    } else if let Some(v) = value("floating point ") {
        format!("the number {v}")
    } else if let Some(v) = value("boolean ") {
        format!("`{v}`")
    } else if let Some(v) = got.strip_prefix("string ") {
        format!("the string {v}")
    } else {
        match got {
            "map" => "a table".to_string(),
            "sequence" => "a list".to_string(),
            other => other.to_string(),
        }
    };
    format!("must be {expected}, got {got}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_words_become_the_words_of_a_toml_file() {
        let cases = [
            (
                "invalid type: map, expected a sequence",
                "must be a list in brackets `[…]`, got a table",
            ),
            (
                "invalid type: sequence, expected u64",
                "must be a whole number, got a list",
            ),
            ("invalid type: sequence, expected f64", "must be a number, got a list"),
            (
                "invalid type: integer `1`, expected variant identifier",
                "must be one of its names, in quotes, got the whole number 1",
            ),
            (
                "invalid type: sequence, expected struct PopulationParams",
                "must be a table, got a list",
            ),
            (
                "invalid type: string \"net_loss_yuan\", expected a sequence",
                "must be a list in brackets `[…]`, got the string \"net_loss_yuan\"",
            ),
            (
                "invalid type: floating point `0.5`, expected u32",
                "must be a whole number, got the number 0.5",
            ),
            ("unknown field `x`", "unknown field `x`"),
        ];
        for (serde, plain) in cases {
            assert_eq!(plain_words(serde), plain);
        }
    }
}
