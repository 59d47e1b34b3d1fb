//! `trustsim merge`: gathers the outputs of the shards of one `compare`, `warn` or `sweep` (each
//! written with `--shard`), checks that their manifests agree and that every run is present
//! exactly once, and aggregates the runs exactly as the command does in one process, so the
//! merged output is byte-identical to it (but for the manifest's `execution` record).

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::commands::compare::{write_comparison, CompareReport};
use crate::commands::sweep::{write_sweep, SweepOrigin, SweepReport};
use crate::commands::warn::{write_evaluation, WarnReport};
use crate::error::{Error, Result};
use crate::experiment::ensemble::{EnsembleOptions, RUNS_DIR};
use crate::experiment::run_record::run_id;
use crate::experiment::run_store::run_file_name;
use crate::experiment::sweep::spec::Sweep;
use crate::output::directory::{check_destination, sha256_hex};
use crate::output::manifest::Origin;
use crate::output::manifest::{posterior_file, read_manifest, seed_count, series};
use crate::output::provenance::Execution;
use crate::output::provenance::EXECUTION;

/// Options of `trustsim merge`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOptions {
    /// The shards' output directories.
    pub shards: Vec<PathBuf>,
    /// Where the merged output goes.
    pub out: PathBuf,
}

/// What `trustsim merge` produced: the report of the command it completes.
#[derive(Debug, Clone, PartialEq)]
pub enum MergeReport {
    /// A merged `compare`.
    Compare(CompareReport),
    /// A merged `warn`.
    Warn(WarnReport),
    /// A merged `sweep`.
    Sweep(SweepReport),
}

/// Manifest keys that differ between the shards of one ensemble: what each shard ran and how,
/// and the paths the scenario and sweep files were given by (`scenario/x.toml` in one shard and
/// `/home/me/scenario/x.toml` in another are the same file when their sha256, also recorded,
/// agree). The merged output records the first shard's paths.
const PER_SHARD: [&str; 6] = [EXECUTION, "files", "shard", "runs", "scenario_file", "sweep_file"];

/// At most this many run ids are named in an error.
const NAMED: usize = 10;

/// Merges shard outputs into one.
pub fn merge(options: &MergeOptions) -> Result<MergeReport> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(shard) = options.shards.iter().find(|dir| same(dir, &options.out)) {
        return Err(Error::Usage {
            option: "--out".to_string(),
            message: format!(
                "`{}` is one of the shards being merged; choose another directory",
                shard.display()
            ),
        });
    }
    check_destination(&options.out)?;
    let shards = options
        .shards
        .iter()
        .map(|dir| Ok((dir.clone(), read_manifest(dir)?)))
        .collect::<Result<Vec<_>>>()?;
    let Some((first_dir, first)) = shards.first() else {
        return Err(Error::Shards {
            message: "no shard directories given".to_string(),
        });
    };
    for (dir, manifest) in &shards {
        if !manifest.contains_key("shard") {
            return Err(Error::Shards {
                message: format!(
                    "`{}` is not a shard's output (its manifest has no `shard`)",
                    dir.display()
                ),
            });
        }
        let keys: BTreeSet<&String> = first.keys().chain(manifest.keys()).collect();
        if let Some(key) = keys
            .into_iter()
            .find(|k| !PER_SHARD.contains(&k.as_str()) && first.get(*k) != manifest.get(*k))
        {
            return Err(Error::Shards {
                message: format!(
                    "manifest entry `{key}` differs between `{}` and `{}`: they are not shards of one run",
                    first_dir.display(),
                    dir.display()
                ),
            });
        }
    }
    let runs = run_files(&shards)?;
    let text = |key: &str| first.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    match text("command").as_str() {
        "compare" | "warn" => merge_ensemble(first_dir, first, &runs, &options.out),
        "sweep" => merge_sweep(first_dir, first, &runs, &options.out),
        other => Err(Error::Shards {
            message: format!(
                "`{}` holds a `{other}` output; only `compare`, `warn` and `sweep` shard",
                first_dir.display()
            ),
        }),
    }
}

/// Merges the runs of the shards of a `compare` or `warn`, the first of which is in `first_dir`
/// with manifest `first`.
fn merge_ensemble(
    first_dir: &Path,
    first: &Map<String, Value>,
    runs: &BTreeMap<String, Vec<PathBuf>>,
    out: &Path,
) -> Result<MergeReport> {
    let text = |key: &str| first.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let seeds = seed_count(first, first_dir)?;
    let ensemble_options = EnsembleOptions {
        scenario: first_dir.join("scenario.toml"),
        seeds,
        threads: None,
        overrides: Vec::new(),
        out: Some(out.to_path_buf()),
        quiet: true,
        shard: None,
        resume: false,
        posterior: posterior_file(first, first_dir),
    };
    let origin = Origin::recorded(first);
    let command = if text("command") == "compare" {
        "compare"
    } else {
        "warn"
    };
    let ensemble = ensemble_options.load(command, Some(origin))?;
    let scenario = ensemble.scenario();
    let strategies: Vec<usize> = if command == "compare" {
        (0..scenario.strategies().len()).collect()
    } else {
        let name = text("strategy");
        vec![scenario
            .strategy_index(&name)
            .map_err(|message| Error::Shards { message })?]
    };
    check_complete(&ensemble.run_ids(&strategies), runs)?;
    let load_run = |name: &str, seed: u64| runs[&run_id(name, seed)][0].clone();
    if command == "compare" {
        write_comparison(&ensemble, &load_run, series(first, first_dir)?).map(MergeReport::Compare)
    } else {
        write_evaluation(&ensemble, strategies[0], &load_run).map(MergeReport::Warn)
    }
}

/// Merges the runs of the shards of a `sweep`, the first of which is in `first_dir` with
/// manifest `first`: the sweep is the resolved one stored there, over the resolved base scenario
/// stored beside it.
fn merge_sweep(
    first_dir: &Path,
    first: &Map<String, Value>,
    runs: &BTreeMap<String, Vec<PathBuf>>,
    out: &Path,
) -> Result<MergeReport> {
    let execution = Execution::start();
    let sweep = Sweep::load_stored(first_dir)?;
    let ids: Vec<String> = sweep.jobs().iter().map(|job| sweep.run_id(job)).collect();
    check_complete(&ids, runs)?;
    let load_run = |id: &str| runs[id][0].clone();
    write_sweep(
        &sweep,
        &SweepOrigin::recorded(first),
        &load_run,
        out,
        (&execution, rayon::current_num_threads()),
    )
    .map(MergeReport::Sweep)
}

/// Every shard's run files by run id, after checking each against its manifest's hash.
fn run_files(shards: &[(PathBuf, Map<String, Value>)]) -> Result<BTreeMap<String, Vec<PathBuf>>> {
    let mut runs: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (dir, manifest) in shards {
        let ids = manifest
            .get("runs")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for id in ids {
            let id = id.as_str().unwrap_or_default().to_string();
            let name = format!("{RUNS_DIR}/{}", run_file_name(&id));
            let path = dir.join(&name);
            let recorded = manifest
                .get("files")
                .and_then(|files| files.get(&name))
                .and_then(Value::as_str);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            if recorded != Some(sha256_hex(&bytes).as_str()) {
                return Err(Error::Damaged {
                    path,
                    message: "does not match the sha256 in its shard's manifest".to_string(),
                });
            }
            runs.entry(id).or_default().push(path);
        }
    }
    Ok(runs)
}

/// Checks that `found` holds every run of `expected` exactly once, and nothing else.
fn check_complete(expected: &[String], found: &BTreeMap<String, Vec<PathBuf>>) -> Result<()> {
    let named = |ids: Vec<&String>| {
        let mut text = ids
            .iter()
            .take(NAMED)
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > NAMED {
            text.push_str(&format!(" and {} more", ids.len() - NAMED));
        }
        text
    };
    let expected_set: BTreeSet<&String> = expected.iter().collect();
    let missing: Vec<&String> = expected.iter().filter(|id| !found.contains_key(*id)).collect();
    let duplicated: Vec<&String> = found
        .iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(id, _)| id)
        .collect();
    let foreign: Vec<&String> = found.keys().filter(|id| !expected_set.contains(id)).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("{} runs missing: {}", missing.len(), named(missing)));
    }
    if !duplicated.is_empty() {
        problems.push(format!(
            "{} runs in more than one shard: {}",
            duplicated.len(),
            named(duplicated)
        ));
    }
    if !foreign.is_empty() {
        problems.push(format!(
            "{} runs not of this ensemble: {}",
            foreign.len(),
            named(foreign)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Shards {
            message: problems.join("; "),
        })
    }
}
