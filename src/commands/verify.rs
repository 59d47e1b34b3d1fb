//! `trustsim verify`: re-runs what an output directory's manifest describes (its command,
//! seeds, strategy and shard, from the resolved scenario (and sweep, or calibration with its
//! data) stored beside it, so the original files need not exist) into a scratch directory, and
//! compares every output file byte for byte.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

use crate::commands::calibrate::{run_calibration, CalibrateOptions, CalibrationOrigin};
use crate::commands::compare::{compare, CompareOptions};
use crate::commands::run::{self, RunOptions};
use crate::commands::sweep::{run_sweep, SweepOptions, SweepOrigin};
use crate::commands::warn::{warn, WarnOptions};
use crate::error::{Error, Result};
use crate::experiment::calibrate::spec::Calibration;
use crate::experiment::ensemble::EnsembleOptions;
use crate::experiment::shard::{Shard, ShardSpec};
use crate::experiment::sweep::spec::Sweep;
use crate::output::directory::{sha256_hex, MANIFEST};
use crate::output::manifest::{
    agent_days, file_names, posterior_file, read_manifest, recorded_edge_list, seed, seed_count, series, strategy,
};
use crate::output::provenance::{self, Execution};
use crate::scenario::loader::load;
use crate::scenario::schema::Scenario;

/// An output file that came out differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The file, relative to the output directory.
    pub file: String,
    /// How it differs: for a CSV file the first differing line, old and new.
    pub detail: String,
}

/// What `trustsim verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Output files compared.
    pub files: usize,
    /// Those that differ, in file-name order; empty when the outputs are identical.
    pub differences: Vec<Difference>,
    /// How the build that made the output differs from this one (version, git commit, rustc,
    /// target), if it does: differences may then come from the build rather than the inputs.
    pub other_build: Option<String>,
}

/// Re-runs the output in `dir` with `threads` workers and compares every output file.
pub fn verify(dir: &Path, threads: Option<usize>) -> Result<VerifyReport> {
    let manifest = read_manifest(dir)?;
    let scenario = dir.join("scenario.toml");
    let loaded = load(&scenario, &[])?;
    recorded_edge_list(loaded.edge_list(), &manifest, dir)?;
    let scratch = scratch_dir()?;
    let rerun = scratch.join("out");
    let result = file_names(&manifest, dir).and_then(|old| {
        rerun_into(&manifest, &loaded.scenario, dir, &rerun, threads)?;
        let new = file_names(&read_manifest(&rerun)?, &rerun)?;
        let mut names: Vec<String> = old.into_iter().chain(new).collect();
        names.sort();
        names.dedup();
        let differences = names
            .iter()
            .filter_map(|name| {
                difference(name, &dir.join(name), &rerun.join(name))
                    .or_else(|| changed_since_written(&manifest, name, &dir.join(name)))
            })
            .collect();
        Ok(VerifyReport {
            files: names.len(),
            differences,
            other_build: build_difference(&manifest),
        })
    });
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// How the build recorded in `manifest` differs from this one, in words, if it does.
fn build_difference(manifest: &Map<String, Value>) -> Option<String> {
    let text = |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or("unknown").to_string();
    let current = provenance::build();
    let recorded = manifest.get("build");
    let mut parts = Vec::new();
    let version = text(manifest.get("trustsim_version"));
    if version != env!("CARGO_PKG_VERSION") {
        parts.push(format!("version {version} (this is {})", env!("CARGO_PKG_VERSION")));
    }
    for key in ["git_commit", "rustc", "target"] {
        let (then, now) = (text(recorded.and_then(|b| b.get(key))), text(current.get(key)));
        if then != now {
            parts.push(format!("{key} {then} (this is {now})"));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "the output was made by another build: {}; a difference may come from the build rather than the inputs",
            parts.join(", ")
        )
    })
}

/// Runs the command of the manifest of `dir` again, from the resolved scenario stored there,
/// writing to `out`.
fn rerun_into(
    manifest: &Map<String, Value>,
    stored: &Scenario,
    dir: &Path,
    out: &Path,
    threads: Option<usize>,
) -> Result<()> {
    let scenario = dir.join("scenario.toml");
    let text = |key: &str| manifest.get(key).and_then(Value::as_str).map(String::from);
    let shard = manifest
        .get("shard")
        .map(|shard| {
            let number = |key: &str| shard.get(key).and_then(Value::as_u64);
            let (Some(index), Some(count)) = (number("index"), number("count")) else {
                return Err("needs a whole-number `index` and `count`".to_string());
            };
            Shard::new(index, count).map(ShardSpec::Fixed)
        })
        .transpose()
        .map_err(|message| Error::Damaged {
            path: dir.join(MANIFEST),
            message: format!("`shard` {message}"),
        })?;
    let ensemble = || -> Result<EnsembleOptions> {
        Ok(EnsembleOptions {
            scenario: scenario.clone(),
            seeds: seed_count(manifest, dir)?,
            threads,
            overrides: Vec::new(),
            out: Some(out.to_path_buf()),
            quiet: true,
            shard,
            resume: false,
            posterior: posterior_file(manifest, dir),
        })
    };
    match text("command").as_deref() {
        Some("run") => run::run(&RunOptions {
            scenario: scenario.clone(),
            seed: seed(manifest, dir)?,
            overrides: Vec::new(),
            out: Some(out.to_path_buf()),
            strategy: Some(strategy(manifest, dir, stored)?),
            agents: agent_days(manifest, dir)?,
        })
        .map(drop),
        Some("compare") => compare(&CompareOptions {
            ensemble: ensemble()?,
            series: series(manifest, dir)?,
        })
        .map(drop),
        Some("warn") => warn(&WarnOptions {
            ensemble: ensemble()?,
            strategy: Some(strategy(manifest, dir, stored)?),
        })
        .map(drop),
        Some("sweep") => {
            let options = SweepOptions {
                sweep: dir.join("sweep.toml"),
                threads,
                out: Some(out.to_path_buf()),
                quiet: true,
                shard,
                resume: false,
            };
            let sweep = Sweep::load_stored(dir)?;
            run_sweep(&sweep, &SweepOrigin::recorded(manifest), &options, Execution::start()).map(drop)
        }
        Some("calibrate") => {
            let options = CalibrateOptions {
                calibration: dir.join("calibration.toml"),
                threads,
                out: Some(out.to_path_buf()),
                quiet: true,
                resume: false,
            };
            let calibration = Calibration::load_stored(dir)?;
            run_calibration(
                &calibration,
                &CalibrationOrigin::recorded(manifest),
                &options,
                Execution::start(),
            )
            .map(drop)
        }
        other => Err(Error::Damaged {
            path: dir.join(MANIFEST),
            message: format!(
                "`command` is {}, not `run`, `compare`, `warn`, `sweep` or `calibrate`",
                other.map_or("missing".to_string(), |c| format!("`{c}`"))
            ),
        }),
    }
}

/// How the output file `name` (at `path`) differs from what `manifest` recorded of it when it
/// was written, if it does: a file edited afterwards (`scenario.toml`'s description, say) could
/// otherwise re-run into itself and verify as identical.
fn changed_since_written(manifest: &Map<String, Value>, name: &str, path: &Path) -> Option<Difference> {
    let recorded = manifest.get("files")?.get(name)?.as_str()?;
    let now = crate::output::directory::file_sha256(path).ok()?;
    (now != recorded).then(|| Difference {
        file: name.to_string(),
        detail: format!(
            "its sha256 is {now}, not the {recorded} its manifest recorded: it was changed after it was written"
        ),
    })
}

/// How `old` and `new` differ, if they do.
fn difference(name: &str, old: &Path, new: &Path) -> Option<Difference> {
    let detail = match (std::fs::read(old), std::fs::read(new)) {
        (Ok(a), Ok(b)) if a == b => return None,
        (Err(_), _) => "missing from the directory verified".to_string(),
        (_, Err(_)) => "not written by the re-run".to_string(),
        (Ok(a), Ok(b)) if name.ends_with(".csv") => first_differing_line(&a, &b),
        (Ok(a), Ok(b)) => format!("sha256 {} before, {} now", sha256_hex(&a), sha256_hex(&b)),
    };
    Some(Difference {
        file: name.to_string(),
        detail,
    })
}

/// The first line (1-based, the header being line 1) where two texts differ, with both versions;
/// a line that differs only in how it ends (`\r\n` for `\n`, or a final newline removed) says so.
fn first_differing_line(old: &[u8], new: &[u8]) -> String {
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let mut old_lines = old.split_inclusive('\n');
    let mut new_lines = new.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => return "the files differ in bytes that are not UTF-8 text".to_string(),
            (Some(a), Some(b)) if content(a) == content(b) => {
                return format!(
                    "line {line} differs only in how it ends: old {}, new {}",
                    ending(a),
                    ending(b)
                )
            }
            (a, b) => {
                let show = |l: Option<&str>| l.map_or("(no line)".to_string(), |l| format!("`{}`", content(l)));
                return format!("line {line} differs:\n    old: {}\n    new: {}", show(a), show(b));
            }
        }
    }
}

/// A line without its line ending.
fn content(line: &str) -> &str {
    line.trim_end_matches('\n').trim_end_matches('\r')
}

/// How a line ends, in words.
fn ending(line: &str) -> &'static str {
    if line.ends_with("\r\n") {
        "with `\\r\\n` (as Windows writes lines)"
    } else if line.ends_with('\n') {
        "with `\\n`"
    } else {
        "without a newline (the last line of a file whose final newline is missing)"
    }
}

/// A fresh scratch directory under the system's temporary directory.
fn scratch_dir() -> Result<PathBuf> {
    let base = std::env::temp_dir();
    for n in 0.. {
        let dir = base.join(format!("trustsim-verify-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&dir, e)),
        }
    }
    unreachable!("some scratch directory name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21: a CSV converted to CRLF, or stripped of its final newline, was said to differ
    /// at a line where both sides showed "(no line)".
    #[test]
    fn a_difference_in_line_endings_is_said_to_be_one() {
        let original = b"day,trust\n0,0.5\n1,0.4\n";
        let crlf = first_differing_line(original, b"day,trust\r\n0,0.5\r\n1,0.4\r\n");
        assert!(crlf.starts_with("line 1 differs only in how it ends"), "{crlf}");
        assert!(crlf.contains("old with `\\n`, new with `\\r\\n`"), "{crlf}");
        let cut = first_differing_line(original, b"day,trust\n0,0.5\n1,0.4");
        assert!(cut.starts_with("line 3 differs only in how it ends"), "{cut}");
        assert!(cut.contains("new without a newline"), "{cut}");
        let shorter = first_differing_line(original, b"day,trust\n0,0.5\n");
        assert_eq!(shorter, "line 3 differs:\n    old: `1,0.4`\n    new: (no line)");
        let changed = first_differing_line(original, b"day,trust\n0,0.6\n1,0.4\n");
        assert_eq!(changed, "line 2 differs:\n    old: `0,0.5`\n    new: `0,0.6`");
    }
}
