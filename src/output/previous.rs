//! The one earlier output trustsim keeps: writing to a directory that holds a trustsim output
//! moves that output to `<name>.previous/` beside it, replacing an older `<name>.previous/` only
//! when everything in it was written by trustsim. So a second `compare` of a scenario never loses
//! the first without a word, and no file a user put into an output is ever deleted.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::output::directory::MANIFEST;
use crate::output::manifest::read_manifest;

/// Files trustsim writes into an output after its manifest, so the manifest does not list them.
const WRITTEN_AFTER: [&str; 1] = ["report.html"];

/// Where the output at `destination` is kept when a new one replaces it: `<name>.previous`
/// beside it.
pub(crate) fn previous_of(destination: &Path, name: &str) -> PathBuf {
    destination.with_file_name(format!("{name}.previous"))
}

/// Checks that keeping the output at `destination` as `previous` loses nothing: `previous` does
/// not exist, or is a directory holding only what trustsim wrote (the files its manifest lists,
/// the manifest and the report), which may be replaced. Anything else is refused, naming what a
/// user would lose.
pub(crate) fn check_replaceable(destination: &Path, previous: &Path) -> Result<()> {
    let refuse = |message: String| {
        Err(Error::io(
            previous,
            io::Error::new(io::ErrorKind::AlreadyExists, message),
        ))
    };
    match fs::symlink_metadata(previous) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(previous, e)),
        Ok(m) if !m.is_dir() => refuse(format!(
            "is where the output in {} would be kept, but it is not a directory; move it or choose \
             another --out",
            destination.display()
        )),
        Ok(_) => {
            let foreign = foreign_files(previous)?;
            if foreign.is_empty() {
                return Ok(());
            }
            let shown: Vec<&str> = foreign.iter().take(3).map(String::as_str).collect();
            let more = if foreign.len() > 3 {
                format!(" and {} more", foreign.len() - 3)
            } else {
                String::new()
            };
            refuse(format!(
                "holds files trustsim did not write ({}{more}), so it is not replaced by the output \
                 now in {}; move them or choose another --out",
                shown.join(", "),
                destination.display()
            ))
        }
    }
}

/// The files and links under `dir` (paths relative to it, `/`-separated, sorted) that its
/// manifest does not list and trustsim did not write after it: everything, when `dir` has no
/// readable manifest. Empty directories are not counted: there is nothing in them to lose.
pub(crate) fn foreign_files(dir: &Path) -> Result<Vec<String>> {
    let listed: Vec<String> = match read_manifest(dir) {
        Ok(manifest) => match manifest.get("files").and_then(Value::as_object) {
            Some(files) => files.keys().cloned().collect(),
            None => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let has_manifest = !listed.is_empty();
    let mut foreign = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, relative)) = pending.pop() {
        let entries = fs::read_dir(&path).map_err(|e| Error::io(&path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let inner = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
            if kind.is_dir() {
                pending.push((entry.path(), inner));
                continue;
            }
            let trustsims = has_manifest
                && (inner == MANIFEST || WRITTEN_AFTER.contains(&inner.as_str()) || listed.contains(&inner))
                && kind.is_file();
            if !trustsims {
                foreign.push(inner);
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(dir: &Path, files: &[&str]) {
        fs::create_dir_all(dir).unwrap();
        let listed: serde_json::Map<String, Value> = files
            .iter()
            .map(|f| (f.to_string(), Value::String("0".repeat(64))))
            .collect();
        let manifest = serde_json::json!({"trustsim_version": "test", "files": listed});
        fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
        for file in files {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
    }

    #[test]
    fn only_what_the_manifest_lists_and_the_report_are_trustsims() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        output(&dir, &["series.csv", "runs/a.csv"]);
        fs::write(dir.join("report.html"), "page").unwrap();
        fs::create_dir(dir.join("empty")).unwrap();
        assert!(foreign_files(&dir).unwrap().is_empty());

        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::write(dir.join("runs/b.csv"), "mine").unwrap();
        assert_eq!(foreign_files(&dir).unwrap(), ["notes.txt", "runs/b.csv"]);
    }

    #[test]
    fn without_a_manifest_every_file_is_foreign() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("report.html"), "page").unwrap();
        assert_eq!(foreign_files(root.path()).unwrap(), ["report.html"]);
    }

    #[test]
    fn a_previous_output_holding_a_users_file_is_not_replaced() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("out");
        let previous = previous_of(&destination, "out");
        assert_eq!(previous, root.path().join("out.previous"));
        assert!(check_replaceable(&destination, &previous).is_ok(), "none yet");
        output(&previous, &["series.csv"]);
        assert!(
            check_replaceable(&destination, &previous).is_ok(),
            "only trustsim's files"
        );
        fs::write(previous.join("analysis.R"), "mine").unwrap();
        let message = check_replaceable(&destination, &previous).unwrap_err().to_string();
        assert!(
            message.contains("out.previous") && message.contains("analysis.R"),
            "{message}"
        );
    }
}
