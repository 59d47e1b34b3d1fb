//! The manifest of an output directory: the entries every command records (version, build,
//! scenario file and hashes, overrides, the RNG derivation), and reading a manifest back,
//! strictly: `verify` re-runs and `merge` combines what a manifest says, so a value that is missing or unlike anything trustsim writes is an
//! error naming the manifest and the key, never a default that could make a re-run look
//! identical.

use serde_json::{json, Map, Value};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::directory::{file_sha256, sha256_hex, MANIFEST};
use crate::output::provenance;
use crate::random::rng::RNG_DERIVATION;
use crate::scenario::loader::LoadedScenario;
use crate::scenario::schema::Scenario;

/// A directory's manifest as a JSON object.
pub(crate) fn read_manifest(dir: &Path) -> Result<Map<String, Value>> {
    let path = dir.join(MANIFEST);
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(damaged(dir, "is not a regular file".to_string()));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(manifest)) => Ok(manifest),
        Ok(_) => Err(damaged(dir, "is not a JSON object".to_string())),
        Err(e) => Err(damaged(dir, format!("is not valid JSON: {e}"))),
    }
}

/// Whether `dir` holds a trustsim output: its `manifest.json` is a regular file holding a JSON
/// object with the `trustsim_version` and `files` that every output's manifest has.
pub(crate) fn is_output(dir: &Path) -> bool {
    read_manifest(dir).is_ok_and(|manifest| {
        manifest.get("trustsim_version").is_some_and(Value::is_string)
            && manifest.get("files").is_some_and(Value::is_object)
    })
}

/// The seed of a `run`'s manifest (in `dir`).
pub(crate) fn seed(manifest: &Map<String, Value>, dir: &Path) -> Result<u64> {
    manifest.get("seed").and_then(Value::as_u64).ok_or_else(|| {
        damaged(
            dir,
            "`seed` is missing or not a whole number from 0 to 2^64 − 1".to_string(),
        )
    })
}

/// The days on which a `run` manifest (in `dir`) recorded every user, if it ran with `--agents`:
/// `agents.days` must be a list of whole numbers.
pub(crate) fn agent_days(manifest: &Map<String, Value>, dir: &Path) -> Result<Option<Vec<u32>>> {
    let Some(agents) = manifest.get("agents") else {
        return Ok(None);
    };
    agents
        .get("days")
        .and_then(Value::as_array)
        .and_then(|days| {
            days.iter()
                .map(|day| day.as_u64().and_then(|day| u32::try_from(day).ok()))
                .collect::<Option<Vec<u32>>>()
        })
        .map(Some)
        .ok_or_else(|| damaged(dir, "`agents.days` is missing or not a list of days".to_string()))
}

/// The posterior draws a `compare` or `warn` manifest (in `dir`) ran with, if it ran with
/// `--posterior`: the file its `posterior.file` names.
pub(crate) fn posterior_file(manifest: &Map<String, Value>, dir: &Path) -> Option<PathBuf> {
    let file = manifest.get("posterior")?.get("file")?.as_str()?;
    Some(dir.join(file))
}

/// How many seeds a `compare` or `warn` manifest (in `dir`) ran: its `seeds` must be 1, 2, …, N
/// with N ≥ 1, as those commands write them.
pub(crate) fn seed_count(manifest: &Map<String, Value>, dir: &Path) -> Result<u64> {
    let seeds = manifest.get("seeds").and_then(Value::as_array);
    let count = seeds.map_or(0, Vec::len) as u64;
    let ascending = seeds.is_some_and(|seeds| (1..=count).map(Value::from).eq(seeds.iter().cloned()));
    if count == 0 || !ascending {
        return Err(damaged(
            dir,
            "`seeds` is not the list 1, 2, …, N (N ≥ 1) that `compare` and `warn` record".to_string(),
        ));
    }
    Ok(count)
}

/// Whether a `compare` manifest (in `dir`) wrote the daily series: `series` must be true or
/// false.
pub(crate) fn series(manifest: &Map<String, Value>, dir: &Path) -> Result<bool> {
    manifest
        .get("series")
        .and_then(Value::as_bool)
        .ok_or_else(|| damaged(dir, "`series` is missing or not true or false".to_string()))
}

/// The strategy a `run` or `warn` manifest (in `dir`) names, which must be one of `scenario`'s.
pub(crate) fn strategy(manifest: &Map<String, Value>, dir: &Path, scenario: &Scenario) -> Result<String> {
    let name = manifest
        .get("strategy")
        .and_then(Value::as_str)
        .ok_or_else(|| damaged(dir, "`strategy` is missing or not a strategy's name".to_string()))?;
    scenario
        .strategy_index(name)
        .map_err(|message| damaged(dir, format!("`strategy`: {message}")))?;
    Ok(name.to_string())
}

/// The output files a manifest (in `dir`) lists under `files`: at least one, each a relative path
/// inside the directory (no root, no `..`), so that comparing them never reads elsewhere, and
/// each that exists a regular file (reading a named pipe would wait for ever).
pub(crate) fn file_names(manifest: &Map<String, Value>, dir: &Path) -> Result<Vec<String>> {
    let Some(files) = manifest.get("files").and_then(Value::as_object) else {
        return Err(damaged(dir, "`files` is missing or not an object".to_string()));
    };
    if files.is_empty() {
        return Err(damaged(dir, "`files` lists no file; every output has some".to_string()));
    }
    for name in files.keys() {
        let inside = !name.is_empty() && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(damaged(
                dir,
                format!("`files` names `{name}`, which is not a path inside the output directory"),
            ));
        }
        if std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| !m.is_file()) {
            return Err(damaged(
                dir,
                format!("`files` names `{name}`, which is not a regular file in the output directory"),
            ));
        }
    }
    Ok(files.keys().cloned().collect())
}

/// The edge list `edges` that the resolved scenario stored in `dir` reads, if any (loading the
/// scenario has checked that it exists), checked against the sha256 its manifest recorded, so
/// that nothing re-runs on another network.
pub(crate) fn recorded_edge_list(
    edges: Option<PathBuf>,
    manifest: &Map<String, Value>,
    dir: &Path,
) -> Result<Option<PathBuf>> {
    let Some(edges) = edges else {
        return Ok(None);
    };
    let Some(recorded) = manifest.get("edge_list_sha256").and_then(Value::as_str) else {
        return Err(damaged(
            dir,
            "the scenario reads an edge list but `edge_list_sha256` is missing".to_string(),
        ));
    };
    if file_sha256(&edges)? != recorded {
        return Err(Error::Damaged {
            path: edges,
            message: "the edge list has changed since the run (its sha256 differs from the manifest's)".to_string(),
        });
    }
    Ok(Some(edges))
}

/// An [`Error::Damaged`] for the manifest in `dir`.
fn damaged(dir: &Path, message: String) -> Error {
    Error::Damaged {
        path: dir.join(MANIFEST),
        message,
    }
}

/// Where a scenario came from, as a manifest records it: the file, its sha256 and the `--set`
/// overrides applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The scenario file as given.
    pub file: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// The overrides, in order.
    pub overrides: Vec<String>,
    /// The posterior the seeds drew from (`--posterior`) as given, if any.
    pub posterior: Option<String>,
}

/// The text a manifest records under `key`, or "" (for origins, which a re-run only repeats
/// into its own manifest).
pub(crate) fn recorded_text(manifest: &Map<String, Value>, key: &str) -> String {
    manifest
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl Origin {
    /// The scenario's origin a manifest records.
    pub fn recorded(manifest: &Map<String, Value>) -> Origin {
        Origin {
            file: recorded_text(manifest, "scenario_file"),
            sha256: recorded_text(manifest, "scenario_sha256"),
            overrides: serde_json::from_value(manifest.get("overrides").cloned().unwrap_or_default())
                .unwrap_or_default(),
            posterior: manifest
                .get("posterior")
                .and_then(|p| p.get("source"))
                .and_then(Value::as_str)
                .map(String::from),
        }
    }

    /// The origin of a scenario just loaded.
    pub fn of(loaded: &LoadedScenario) -> Origin {
        Origin {
            file: loaded.path.display().to_string(),
            sha256: sha256_hex(&loaded.source),
            overrides: loaded.overrides.clone(),
            posterior: None,
        }
    }
}

/// The manifest entries every command writes: version, build, command, scenario file and hashes,
/// overrides, the edge list's hash and the RNG derivation.
pub(crate) fn manifest_base(
    command: &str,
    origin: &Origin,
    resolved: &str,
    edges: Option<&Path>,
) -> Result<Map<String, Value>> {
    let mut manifest = Map::new();
    manifest.insert("trustsim_version".into(), json!(env!("CARGO_PKG_VERSION")));
    manifest.insert("build".into(), provenance::build());
    manifest.insert("command".into(), json!(command));
    manifest.insert("scenario_file".into(), json!(origin.file));
    manifest.insert("scenario_sha256".into(), json!(origin.sha256));
    manifest.insert(
        "resolved_scenario_sha256".into(),
        json!(sha256_hex(resolved.as_bytes())),
    );
    manifest.insert("overrides".into(), json!(origin.overrides));
    if let Some(path) = edges {
        manifest.insert("edge_list_sha256".into(), json!(file_sha256(path)?));
    }
    manifest.insert("rng".into(), Value::String(RNG_DERIVATION.to_string()));
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn seeds_must_be_one_to_n() {
        let dir = Path::new("out");
        assert_eq!(seed_count(&manifest(json!({"seeds": [1, 2, 3]})), dir).unwrap(), 3);
        for bad in [
            json!({}),
            json!({"seeds": []}),
            json!({"seeds": [2, 3]}),
            json!({"seeds": [1, "2"]}),
        ] {
            let error = seed_count(&manifest(bad), dir).unwrap_err().to_string();
            assert!(
                error.contains("out/manifest.json") && error.contains("`seeds`"),
                "{error}"
            );
        }
        assert_eq!(seed(&manifest(json!({"seed": 42})), dir).unwrap(), 42);
        for bad in [
            json!({}),
            json!({"seed": -1}),
            json!({"seed": "42"}),
            json!({"seed": 1.5}),
        ] {
            assert!(seed(&manifest(bad), dir).unwrap_err().to_string().contains("`seed`"));
        }
    }

    #[test]
    fn listed_files_stay_inside_the_directory() {
        let dir = Path::new("out");
        let names = file_names(&manifest(json!({"files": {"a.csv": "x", "runs/0.json": "y"}})), dir);
        assert_eq!(names.unwrap(), ["a.csv", "runs/0.json"]);
        for bad in ["/etc/hostname", "../x.csv", "runs/../../x", "", "./a.csv"] {
            let error = file_names(&manifest(json!({"files": {bad: "x"}})), dir)
                .unwrap_err()
                .to_string();
            assert!(error.contains("not a path inside"), "{bad}: {error}");
        }
        assert!(file_names(&manifest(json!({})), dir).is_err());
    }
}
