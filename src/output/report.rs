//! `trustsim report`: reads the output directory of `trustsim compare` (tables, charts, resolved
//! scenario, manifest), records an animation of the reference strategy's first seed, and writes
//! `report.html` beside them: one self-contained page for readers who will not open a CSV.

use serde::Deserialize;

use crate::analysis::comparison::ComparisonRow;
use crate::output::warning_tables::WarningRow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::animation::{record, Animation, DEFAULT_SAMPLE};
use crate::output::directory::{sha256_hex, MANIFEST};
use crate::output::html::{check_page, write_page};
use crate::output::manifest::{file_names, read_manifest, recorded_edge_list, seed_count};
use crate::output::report_page::render;
use crate::output::sweep_report::sweep_report;
use crate::scenario::loader::load;
use crate::scenario::schema::Scenario;

/// The page written into the results directory.
pub const REPORT: &str = "report.html";

/// The charts every comparison draws, in the order the report shows them.
pub const CHARTS: [&str; 4] = ["trust", "losses", "platforms", "users"];

/// The charts shown when present: exposure over time and the runs' distributions (written by
/// `compare` since public costs were added) and the early-warning charts.
pub const OPTIONAL_CHARTS: [&str; 5] = [
    "exposure",
    "loss_distribution",
    "exposure_distribution",
    "warning_roc",
    "warning_lead_times",
];

/// Metrics of `summary.csv` read on the last day (the state of things at the horizon).
pub const FINAL_METRICS: [&str; 7] = [
    "users_active",
    "users_exited",
    "users_victim",
    "open_sound",
    "open_fragile",
    "open_fraudulent",
    "trust_mean",
];

/// Values keyed by (strategy, outcome or metric).
pub type ByStrategy<T> = BTreeMap<(String, String), T>;

/// Everything the report shows, read from a comparison's output directory.
#[derive(Debug, Clone)]
pub struct CompareOutput {
    /// The directory.
    pub directory: PathBuf,
    /// The resolved scenario.
    pub scenario: Scenario,
    /// The manifest.
    pub manifest: serde_json::Value,
    /// The strategies in scenario order, and the reference.
    pub strategies: Vec<String>,
    /// The reference strategy.
    pub reference: String,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// `comparison.csv`.
    pub comparison: Vec<ComparisonRow>,
    /// Per strategy, each outcome's lowest and highest value over seeds (`outcomes.csv`).
    pub ranges: ByStrategy<(f64, f64)>,
    /// Per strategy and metric of [`FINAL_METRICS`], the mean on the last day (`summary.csv`).
    pub final_day: ByStrategy<f64>,
    /// The last day of `summary.csv`.
    pub horizon: u32,
    /// `warning_evaluation.csv`, when present.
    pub warnings: Option<Vec<WarningRow>>,
    /// (chart stem, SVG text) of every chart present, in [`CHARTS`] then [`OPTIONAL_CHARTS`] order.
    pub charts: Vec<(&'static str, String)>,
    /// Files whose sha256 differs from the manifest's (edited since the comparison).
    pub changed: Vec<String>,
}

/// Writes `report.html` into `directory` (a `trustsim compare` output, or a `trustsim sweep`
/// output by [`sweep_report`]); returns its path.
pub fn report(directory: &Path) -> Result<PathBuf> {
    let command = read_manifest(directory).ok().and_then(|m| m.get("command").cloned());
    if command.as_ref().and_then(serde_json::Value::as_str) == Some("sweep") {
        return sweep_report(directory);
    }
    let output = CompareOutput::read(directory)?;
    let path = directory.join(REPORT);
    check_page(&path)?;
    let strategy = output.scenario.strategy_index(&output.reference).unwrap_or(0);
    let seed = output.seeds.first().copied().unwrap_or(1);
    let manifest = output.manifest.as_object().cloned().unwrap_or_default();
    let edges = recorded_edge_list(edge_list(directory, &output.scenario), &manifest, directory)?;
    let animation: Animation = record(
        &output.scenario,
        strategy,
        edges.as_deref(),
        seed,
        usize::from(DEFAULT_SAMPLE),
    )?;
    write_page(&path, &render(&output, &animation))?;
    Ok(path)
}

/// The edge list of the resolved scenario in `directory`, if it reads one (see
/// [`crate::scenario::loader::edge_list_file`]).
fn edge_list(directory: &Path, scenario: &Scenario) -> Option<PathBuf> {
    (scenario.network.kind == crate::scenario::tables::NetworkKind::EdgeList)
        .then(|| crate::scenario::loader::edge_list_file(&directory.join("scenario.toml"), &scenario.network.edge_list))
}

impl CompareOutput {
    /// Reads a comparison's output directory; an error names the first missing or unreadable file.
    pub fn read(directory: &Path) -> Result<CompareOutput> {
        if !directory.is_dir() {
            return Err(Error::Damaged {
                path: directory.to_path_buf(),
                message: "not a directory; give the output directory of `trustsim compare`".to_string(),
            });
        }
        let manifest_path = required(directory, MANIFEST)?;
        // Read as strictly as `verify` reads it: what it lists is what the page vouches for.
        let recorded = read_manifest(directory)?;
        let manifest = serde_json::Value::Object(recorded.clone());
        if manifest["command"] != "compare" {
            return Err(Error::Damaged {
                path: manifest_path,
                message: format!(
                    "written by `trustsim {}`; a report needs the output of `trustsim compare` or `trustsim sweep`",
                    manifest["command"].as_str().unwrap_or("?")
                ),
            });
        }
        let scenario = load(&required(directory, "scenario.toml")?, &[])?.scenario;
        let strategies: Vec<String> = scenario.strategies().into_iter().map(|s| s.name).collect();
        let reference = manifest["reference_strategy"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| strategies[0].clone());
        file_names(&recorded, directory)?;
        let seeds = (1..=seed_count(&recorded, directory)?).collect();
        let comparison = read_csv(&required(directory, "comparison.csv")?)?;
        let ranges = outcome_ranges(&required(directory, "outcomes.csv")?)?;
        let (final_day, horizon) = final_day(&required(directory, "summary.csv")?)?;
        let warnings_path = directory.join("warning_evaluation.csv");
        let warnings = match warnings_path.exists() {
            true => Some(read_csv(&warnings_path)?),
            false => None,
        };
        let mut charts = Vec::new();
        for stem in CHARTS {
            charts.push((stem, svg(&required(directory, &format!("{stem}.svg"))?)?));
        }
        for stem in OPTIONAL_CHARTS {
            let path = directory.join(format!("{stem}.svg"));
            if path.exists() {
                charts.push((stem, svg(&path)?));
            }
        }
        let changed = changed_files(directory, &manifest);
        Ok(CompareOutput {
            directory: directory.to_path_buf(),
            scenario,
            manifest,
            strategies,
            reference,
            seeds,
            comparison,
            ranges,
            final_day,
            horizon,
            warnings,
            charts,
            changed,
        })
    }
}

/// `directory/name`, or an error saying it is missing and what the directory should be.
fn required(directory: &Path, name: &str) -> Result<PathBuf> {
    let path = directory.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::Damaged {
            path,
            message: format!(
                "missing: `{}` is not the output directory of `trustsim compare` (it writes `{name}`)",
                directory.display()
            ),
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// A CSV error located at its line.
fn csv_error(path: &Path, error: &csv::Error) -> Error {
    let line = error
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    Error::Damaged {
        path: path.to_path_buf(),
        message: format!("{line}{error}"),
    }
}

/// Every row of a CSV file with a header.
fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(path, &e))?;
    reader
        .deserialize()
        .map(|row| row.map_err(|e| csv_error(path, &e)))
        .collect()
}

/// Per (strategy, outcome), the lowest and highest value over seeds in `outcomes.csv`.
fn outcome_ranges(path: &Path) -> Result<ByStrategy<(f64, f64)>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(path, &e))?;
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let mut ranges = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let strategy = record.get(0).unwrap_or_default().to_string();
        for (name, value) in header.iter().zip(record.iter()).skip(2) {
            if let Ok(value) = value.parse::<f64>() {
                let range = ranges
                    .entry((strategy.clone(), name.to_string()))
                    .or_insert((value, value));
                *range = (range.0.min(value), range.1.max(value));
            }
        }
    }
    Ok(ranges)
}

/// One row of `summary.csv`, as far as the report reads it.
#[derive(Deserialize)]
struct SummaryEntry {
    strategy: String,
    day: u32,
    metric: String,
    mean: f64,
}

/// The means of [`FINAL_METRICS`] on the last day of `summary.csv`, and that day.
fn final_day(path: &Path) -> Result<(ByStrategy<f64>, u32)> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut values = BTreeMap::new();
    let mut horizon = 0;
    for row in reader.deserialize::<SummaryEntry>() {
        let row = row.map_err(|e| csv_error(path, &e))?;
        if row.day > horizon {
            horizon = row.day;
            values.clear();
        }
        if row.day == horizon && FINAL_METRICS.contains(&row.metric.as_str()) {
            values.insert((row.strategy, row.metric), row.mean);
        }
    }
    Ok((values, horizon))
}

/// An SVG chart's text, from its `<svg` element on.
pub(crate) fn svg(path: &Path) -> Result<String> {
    let text = String::from_utf8(read(path)?).map_err(|_| Error::Damaged {
        path: path.to_path_buf(),
        message: "not UTF-8 text; expected an SVG chart".to_string(),
    })?;
    match text.find("<svg") {
        Some(start) => Ok(text[start..].to_string()),
        None => Err(Error::Damaged {
            path: path.to_path_buf(),
            message: "no `<svg` element; expected an SVG chart".to_string(),
        }),
    }
}

/// Files listed in the manifest whose sha256 no longer matches (or that are gone).
pub(crate) fn changed_files(directory: &Path, manifest: &serde_json::Value) -> Vec<String> {
    let mut changed = Vec::new();
    if let Some(files) = manifest["files"].as_object() {
        for (name, hash) in files {
            let path = directory.join(name);
            let matches = match std::fs::read(&path) {
                Ok(bytes) => hash.as_str() == Some(sha256_hex(&bytes).as_str()),
                Err(_) => false,
            };
            if !matches {
                changed.push(name.clone());
            }
        }
    }
    changed
}
