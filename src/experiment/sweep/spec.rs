//! A sweep file: a base scenario, the parameters to vary (by the dotted keys `--set` takes), the
//! sampling design, the strategies, seeds per point and the outcome measures of interest. Read
//! strictly: unknown keys are rejected, and every error names the file, line and key, and what
//! is allowed. Every point's scenario is validated before anything runs.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::analysis::comparison::numeric_fields;
use crate::analysis::design::{full_grid, latin_hypercube, morris, saltelli, UnitPoint};
use crate::error::{Error, Location, Result};
use crate::experiment::outcome::Outcome;
use crate::experiment::sweep::record::sweep_run_id;
use crate::scenario::loader::{find_line, line_of, load, toml_value, value_at, LoadedScenario};
use crate::scenario::schema::Scenario;

/// The version of the sweep file format this build reads.
pub const SWEEP_SCHEMA_VERSION: u32 = 1;

/// Stream of the design seed's ChaCha8 generator that draws the design's points.
pub const DESIGN_STREAM: u64 = 0;
/// Stream of the design seed's ChaCha8 generator that draws the bootstrap resamples.
pub const BOOTSTRAP_STREAM: u64 = 1;

/// A sweep file as written (and, resolved, as recorded in the output's `sweep.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Must be [`SWEEP_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What the sweep asks, in a line or two.
    #[serde(default)]
    pub description: String,
    /// The base scenario file, relative to the sweep file.
    pub scenario: String,
    /// Overrides applied to the base scenario at every point (`dotted.key=value`, as `--set`).
    #[serde(default)]
    pub set: Vec<String>,
    /// The strategies run at every point, by name; empty for all of the scenario's strategies.
    #[serde(default)]
    pub strategies: Vec<String>,
    /// The strategy the others are compared with, point by point; empty for the scenario's
    /// reference strategy if the sweep runs it, else the sweep's first strategy.
    #[serde(default)]
    pub reference: String,
    /// Seeds 1..=`seeds` run at every point for every strategy (common random numbers).
    #[serde(default = "default_seeds")]
    pub seeds: u64,
    /// The outcome measures analysed (columns of `outcomes.csv`).
    #[serde(default = "default_outcomes")]
    pub outcomes: Vec<String>,
    /// The sampling design.
    pub design: Design,
    /// The parameters varied, in order.
    pub parameter: Vec<Parameter>,
}

fn default_seeds() -> u64 {
    4
}

fn default_outcomes() -> Vec<String> {
    vec!["net_loss_yuan".to_string()]
}

fn default_seed() -> u64 {
    1
}

fn default_levels() -> usize {
    4
}

fn default_resamples() -> usize {
    1000
}

fn default_confidence() -> f64 {
    0.95
}

/// A sampling design and its settings ([`crate::analysis::design`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Design {
    /// Every combination of every parameter's levels or values.
    Grid {},
    /// Latin hypercube samples of the parameters' ranges.
    LatinHypercube {
        /// Number of points.
        samples: usize,
        /// Seed of the design's generator.
        #[serde(default = "default_seed")]
        seed: u64,
    },
    /// Morris elementary-effects trajectories, analysed for μ, μ* and σ.
    Morris {
        /// Number of trajectories r; the design has r(D + 1) points.
        trajectories: usize,
        /// Number of grid levels p (even).
        #[serde(default = "default_levels")]
        levels: usize,
        /// Seed of the design's and the bootstrap's generator.
        #[serde(default = "default_seed")]
        seed: u64,
        /// Bootstrap resamples for the interval of μ*.
        #[serde(default = "default_resamples")]
        resamples: usize,
        /// Confidence level of the interval of μ*.
        #[serde(default = "default_confidence")]
        confidence: f64,
    },
    /// Saltelli's sample, analysed for Sobol first-order and total indices.
    Saltelli {
        /// Number of base samples N; the design has N(D + 2) points.
        base_samples: usize,
        /// Seed of the design's and the bootstrap's generator.
        #[serde(default = "default_seed")]
        seed: u64,
        /// Bootstrap resamples for the intervals of the indices.
        #[serde(default = "default_resamples")]
        resamples: usize,
        /// Confidence level of the intervals.
        #[serde(default = "default_confidence")]
        confidence: f64,
    },
}

impl Design {
    /// The design's name, as written in `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Design::Grid {} => "grid",
            Design::LatinHypercube { .. } => "latin_hypercube",
            Design::Morris { .. } => "morris",
            Design::Saltelli { .. } => "saltelli",
        }
    }
}

/// One parameter of a sweep: a scenario key and a range (`min`, `max`, and for a grid
/// `levels`) or, for a grid only, a list of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// A dotted key, as `--set` takes it, e.g. `strategy[1].intervention[0].coverage`.
    pub key: String,
    /// Lower end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Evenly spaced levels from `min` to `max` (grid only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    /// The values to take (grid only), any TOML values the key accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<toml::Value>>,
}

impl Parameter {
    /// How many values a grid takes of this parameter: its list of values, or its `levels` (0
    /// when a range has none, which checking refuses).
    pub fn grid_size(&self) -> usize {
        self.values.as_ref().map_or_else(|| self.levels.unwrap_or(0), Vec::len)
    }

    /// The point `u` of the unit interval mapped linearly onto the range (`u = 1` gives `max`
    /// exactly).
    ///
    /// # Panics
    ///
    /// If the parameter has no range (a list of values).
    pub fn scale(&self, u: f64) -> f64 {
        let (min, max) = (self.min.expect("a range"), self.max.expect("a range"));
        if u >= 1.0 {
            max
        } else {
            min + u * (max - min)
        }
    }

    /// Level `k` of `levels` evenly spaced from `min` to `max`, as the weighted mean
    /// `(min · (levels − 1 − k) + max · k) / (levels − 1)`, which keeps round ends round
    /// (0.2 to 1.0 in 5 levels gives 0.6, not 0.6000000000000001).
    ///
    /// # Panics
    ///
    /// If the parameter has no range.
    pub fn level(&self, k: usize, levels: usize) -> f64 {
        let (min, max) = (self.min.expect("a range"), self.max.expect("a range"));
        let steps = (levels - 1) as f64;
        (min * (steps - k as f64) + max * k as f64) / steps
    }
}

/// One point of the design: a value for every parameter, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The values given to the scenario.
    pub values: Vec<toml::Value>,
    /// The point in the unit hypercube, for the designs that sample it.
    pub unit: Option<UnitPoint>,
}

/// One run of a sweep: a point, a strategy and a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Index of the point.
    pub point: usize,
    /// Index into [`Sweep::strategies`].
    pub strategy: usize,
    /// The seed.
    pub seed: u64,
}

/// A loaded, validated sweep: the file, its base scenario and every point's scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file.
    pub path: PathBuf,
    /// Its bytes, hashed into the manifest.
    pub source: Vec<u8>,
    /// What it says, defaults filled in.
    pub file: SweepFile,
    /// The base scenario file as the resolved sweep names it: by absolute path.
    pub scenario_name: String,
    /// The base scenario with the sweep's `set` overrides.
    pub base: LoadedScenario,
    /// The strategies run: (index in [`Scenario::strategies`], name), in the sweep's order.
    pub strategies: Vec<(usize, String)>,
    /// The index in `strategies` of the reference of paired differences.
    pub reference: usize,
    /// The design's points, in order.
    pub points: Vec<Point>,
    /// Each point's scenario (with its edge-list file, resolved), in the order of `points`.
    pub scenarios: Vec<LoadedScenario>,
}

impl Sweep {
    /// Reads and validates the sweep in `path`, building and validating every point's scenario.
    pub fn load(path: &Path) -> Result<Sweep> {
        Sweep::load_with_base(path, None)
    }

    /// Reads the sweep a sweep's output directory `dir` records: its resolved `sweep.toml` over
    /// the resolved base scenario stored beside it, so that the original files need not exist.
    pub fn load_stored(dir: &Path) -> Result<Sweep> {
        Sweep::load_with_base(&dir.join("sweep.toml"), Some(&dir.join("scenario.toml")))
    }

    /// Reads the sweep in `path` over the base scenario `base`, or the file it names.
    fn load_with_base(path: &Path, base: Option<&Path>) -> Result<Sweep> {
        let source = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let name = path.display().to_string();
        let text = String::from_utf8(source.clone()).map_err(|e| Error::Syntax {
            location: Location::new(&name, Some(line_of(&source, e.utf8_error().valid_up_to()))),
            message: "the file is not valid UTF-8".to_string(),
        })?;
        let at = |key: &str| Location::new(&name, find_line(&text, key).or(Some(1)));
        let invalid = |key: &str, message: String| Error::Invalid {
            location: at(key),
            key: key.to_string(),
            message,
        };
        let file = parse(&text, &name)?;
        check(&file).map_err(|(key, message)| invalid(&key, message))?;
        let named = path.parent().unwrap_or(Path::new(".")).join(&file.scenario);
        let scenario_path = base.unwrap_or(&named).to_path_buf();
        let scenario_name = match base {
            Some(_) => file.scenario.clone(),
            None => std::path::absolute(&named)
                .map_err(|e| Error::io(&named, e))?
                .display()
                .to_string(),
        };
        // A stored sweep's overrides name relative edge lists as written, relative to the original
        // scenario's directory, not to the output directory the stored scenario is in.
        let relative_to = base.map(|_| Path::new(&file.scenario).parent().unwrap_or(Path::new("")));
        let set: Vec<String> = file.set.iter().map(|o| anchored(o, relative_to)).collect();
        let base = load(&scenario_path, &set).map_err(|e| match e {
            Error::Io { path, source } if path == scenario_path => invalid(
                "scenario",
                format!("cannot read the scenario `{}`: {source}", scenario_path.display()),
            ),
            Error::Invalid { ref location, .. } if location.file != "--set" => e,
            e => relocate(e, at("set"), "set", None),
        })?;
        let strategies = strategies(&file, &base.scenario).map_err(|(key, message)| invalid(&key, message))?;
        let reference =
            reference(&file, &base.scenario, &strategies).map_err(|message| invalid("reference", message))?;
        let outcomes = outcome_names();
        for (i, outcome) in file.outcomes.iter().enumerate() {
            if file.outcomes[..i].contains(outcome) {
                return Err(invalid(
                    &format!("outcomes[{i}]"),
                    format!("`{outcome}` is listed twice"),
                ));
            }
            if !outcomes.contains(outcome) {
                return Err(invalid(
                    &format!("outcomes[{i}]"),
                    format!(
                        "`{outcome}` is not an outcome measure; measures are {}",
                        ticked(&outcomes)
                    ),
                ));
            }
        }
        let points = points(&file, &base.scenario);
        let mut scenarios = Vec::with_capacity(points.len());
        for (p, point) in points.iter().enumerate() {
            let mut overrides = set.clone();
            overrides.extend(point_overrides(&file, point).iter().map(|o| anchored(o, relative_to)));
            // The base loads, so whatever fails here is the point's doing.
            let loaded = load(&scenario_path, &overrides).map_err(|e| {
                let key = parameter_of(&file, &e).map_or("parameter".to_string(), |i| format!("parameter[{i}]"));
                relocate(
                    e,
                    at(&key),
                    &key,
                    Some(format!("at point {p} ({})", describe(&file, point))),
                )
            })?;
            scenarios.push(loaded);
        }
        check_edge_lists(&file, &points, &scenarios).map_err(|(key, message)| invalid(&key, message))?;
        Ok(Sweep {
            path: path.to_path_buf(),
            source,
            file,
            scenario_name,
            base,
            strategies,
            reference,
            points,
            scenarios,
        })
    }

    /// Every run, in a fixed order: point by point, then strategy by strategy in the sweep's
    /// order, then seed 1..=`seeds`. A job's place in this list never depends on the machine.
    pub fn jobs(&self) -> Vec<Job> {
        let (strategies, seeds) = (self.strategies.len(), self.file.seeds);
        (0..self.points.len())
            .flat_map(|point| {
                (0..strategies).flat_map(move |strategy| (1..=seeds).map(move |seed| Job { point, strategy, seed }))
            })
            .collect()
    }

    /// A job's stable run id, `point/strategy/seed`, e.g. `12/compensation_fund/3`.
    pub fn run_id(&self, job: &Job) -> String {
        sweep_run_id(job.point, &self.strategies[job.strategy].1, job.seed)
    }

    /// The parameters' keys, in order.
    pub fn parameter_names(&self) -> Vec<String> {
        self.file.parameter.iter().map(|p| p.key.clone()).collect()
    }

    /// The resolved sweep as TOML: defaults filled in and the scenario named by absolute path,
    /// so that it runs from anywhere.
    pub fn resolved_text(&self) -> String {
        let mut resolved = self.file.clone();
        resolved.scenario = self.scenario_name.clone();
        toml::to_string(&resolved).expect("a sweep always serializes")
    }
}

/// The names of the outcome measures, in the order of `outcomes.csv`.
pub fn outcome_names() -> Vec<String> {
    numeric_fields(&Outcome::default(), "seed")
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// A value as CSV text: strings bare, everything else as TOML writes it.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Parses the sweep's TOML into a [`SweepFile`], naming the file, line and key of a problem.
fn parse(text: &str, name: &str) -> Result<SweepFile> {
    let table: toml::Value = text
        .parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| Error::Syntax {
            location: Location::new(name, e.span().map(|s| line_of(text.as_bytes(), s.start))),
            message: e.message().trim_end().to_string(),
        })?;
    serde_path_to_error::deserialize(table).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().message().trim_end().to_string();
        // An unknown key in a tagged table (the design) is reported at the table: name the key.
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

/// Checks what can be checked without the scenario: the version, the seeds, the design's
/// settings and each parameter's range or values. Returns the key and message of a problem.
fn check(file: &SweepFile) -> std::result::Result<(), (String, String)> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    if file.schema_version != SWEEP_SCHEMA_VERSION {
        return problem(
            "schema_version",
            format!("must be {SWEEP_SCHEMA_VERSION}, got {}", file.schema_version),
        );
    }
    if file.scenario.trim().is_empty() {
        return problem("scenario", "must name the scenario file to sweep".to_string());
    }
    if !(1..=100_000).contains(&file.seeds) {
        return problem(
            "seeds",
            format!("must be a whole number from 1 to 100000, got {}", file.seeds),
        );
    }
    if file.outcomes.is_empty() {
        return problem("outcomes", "must name at least one outcome measure".to_string());
    }
    if file.parameter.is_empty() {
        return problem("parameter", "give at least one `[[parameter]]`".to_string());
    }
    check_design(&file.design).or_else(|(key, message)| problem(&format!("design.{key}"), message))?;
    let grid = matches!(file.design, Design::Grid {});
    for (i, parameter) in file.parameter.iter().enumerate() {
        if file.parameter[..i].iter().any(|p| p.key == parameter.key) {
            return problem(
                &format!("parameter[{i}].key"),
                format!("`{}` is varied by an earlier parameter", parameter.key),
            );
        }
        let last = parameter.key.rsplit('.').next().unwrap_or_default();
        if ["name", "description", "reference_strategy"].contains(&last) {
            return problem(
                &format!("parameter[{i}].key"),
                format!(
                    "`{}` labels the scenario without changing any run, so every point would repeat \
                     the same runs; the sweep's own `strategies` and `reference` choose strategies",
                    parameter.key
                ),
            );
        }
        // The list, or one whole strategy (with its name): a strategy's settings may vary.
        let key = parameter.key.as_str();
        if key == "strategy" || (key.starts_with("strategy[") && !key.contains('.')) {
            return problem(
                &format!("parameter[{i}].key"),
                format!(
                    "`{}` would change the scenario's strategies from point to point, but every point \
                     runs the same strategies (those of the base scenario, chosen by the sweep's \
                     `strategies`); vary one setting of a strategy instead, such as \
                     `strategy[1].intervention[0].coverage`",
                    parameter.key
                ),
            );
        }
        check_parameter(parameter, grid)
            .or_else(|(key, message)| problem(&format!("parameter[{i}].{key}"), message))?;
    }
    let runs = point_count(file).saturating_mul(u128::from(file.seeds));
    if runs > u128::from(crate::scenario::limits::MAX_SWEEP_RUNS) {
        let key = if grid { "parameter" } else { "design" };
        return problem(
            key,
            format!(
                "the design's points × seeds make {runs} runs per strategy; at most {} are allowed",
                crate::scenario::limits::MAX_SWEEP_RUNS
            ),
        );
    }
    Ok(())
}

/// The number of points the (checked) design of `file` makes, without making them.
fn point_count(file: &SweepFile) -> u128 {
    let dimensions = file.parameter.len() as u128;
    match file.design {
        Design::Grid {} => file
            .parameter
            .iter()
            .map(|p| p.grid_size() as u128)
            .fold(1u128, u128::saturating_mul),
        Design::LatinHypercube { samples, .. } => samples as u128,
        Design::Morris { trajectories, .. } => (trajectories as u128).saturating_mul(dimensions + 1),
        Design::Saltelli { base_samples, .. } => (base_samples as u128).saturating_mul(dimensions + 2),
    }
}

fn check_design(design: &Design) -> std::result::Result<(), (String, String)> {
    let at_least = |key: &str, value: usize, minimum: usize| {
        if value < minimum {
            Err((key.to_string(), format!("must be at least {minimum}, got {value}")))
        } else {
            Ok(())
        }
    };
    let bootstrap = |resamples: usize, confidence: f64| {
        at_least("resamples", resamples, 2)?;
        if resamples > crate::scenario::limits::MAX_RESAMPLES {
            return Err((
                "resamples".to_string(),
                format!(
                    "must be at most {}, got {resamples}",
                    crate::scenario::limits::MAX_RESAMPLES
                ),
            ));
        }
        if confidence > 0.0 && confidence < 1.0 {
            Ok(())
        } else {
            Err((
                "confidence".to_string(),
                format!("must be between 0 and 1 (exclusive), got {confidence}"),
            ))
        }
    };
    match *design {
        Design::Grid {} => Ok(()),
        Design::LatinHypercube { samples, .. } => at_least("samples", samples, 2),
        Design::Morris {
            trajectories,
            levels,
            resamples,
            confidence,
            ..
        } => {
            at_least("trajectories", trajectories, 2)?;
            if levels < 2 || levels % 2 != 0 {
                return Err((
                    "levels".to_string(),
                    format!("must be an even number of at least 2, got {levels}"),
                ));
            }
            bootstrap(resamples, confidence)
        }
        Design::Saltelli {
            base_samples,
            resamples,
            confidence,
            ..
        } => {
            at_least("base_samples", base_samples, 2)?;
            bootstrap(resamples, confidence)
        }
    }
}

fn check_parameter(parameter: &Parameter, grid: bool) -> std::result::Result<(), (String, String)> {
    let problem = |key: &str, message: &str| Err((key.to_string(), message.to_string()));
    match (parameter.min, parameter.max, &parameter.values) {
        (Some(_), Some(_), Some(_)) => problem("values", "give either `min` and `max` or `values`, not both"),
        (None, None, Some(values)) => {
            if !grid {
                return problem(
                    "values",
                    "a list of values needs `design.kind = \"grid\"`; other designs sample a range: give `min` and `max`",
                );
            }
            if values.is_empty() {
                return problem("values", "must list at least one value");
            }
            if let Some(twice) = values.iter().enumerate().find(|&(i, v)| values[..i].contains(v)) {
                return Err((
                    "values".to_string(),
                    format!("lists `{}` twice, which would run the same points twice", twice.1),
                ));
            }
            if parameter.levels.is_some() {
                return problem("levels", "goes with `min` and `max`, not with `values`");
            }
            Ok(())
        }
        (Some(min), Some(max), None) => {
            if !(min.is_finite() && max.is_finite() && min < max) {
                return Err((
                    "max".to_string(),
                    format!("must be greater than `min` ({min}), got {max}"),
                ));
            }
            if !(max - min).is_finite() {
                return Err((
                    "max".to_string(),
                    format!("the range {min} to {max} is too wide to map points onto (its width overflows)"),
                ));
            }
            match (grid, parameter.levels) {
                (true, None) => problem("levels", "a grid over a range needs `levels` (at least 2)"),
                (true, Some(levels)) if levels < 2 => {
                    Err(("levels".to_string(), format!("must be at least 2, got {levels}")))
                }
                (false, Some(_)) => problem("levels", "is for grids only; this design samples the range itself"),
                _ => Ok(()),
            }
        }
        _ => problem(
            "min",
            "give a range (`min` and `max`) or, for a grid, a list of `values`",
        ),
    }
}

/// The scenario's strategies the sweep runs: those it names, or all.
fn strategies(file: &SweepFile, scenario: &Scenario) -> std::result::Result<Vec<(usize, String)>, (String, String)> {
    let all = scenario.strategies();
    if file.strategies.is_empty() {
        return Ok(all.into_iter().enumerate().map(|(i, s)| (i, s.name)).collect());
    }
    file.strategies
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let key = format!("strategies[{i}]");
            if file.strategies[..i].contains(name) {
                return Err((key, format!("`{name}` is listed twice")));
            }
            scenario
                .strategy_index(name)
                .map(|index| (index, name.clone()))
                .map_err(|message| (key, message))
        })
        .collect()
}

/// The index in `strategies` of the sweep's reference strategy.
fn reference(
    file: &SweepFile,
    scenario: &Scenario,
    strategies: &[(usize, String)],
) -> std::result::Result<usize, String> {
    if file.reference.is_empty() {
        let scenario_reference = scenario.reference_index().expect("validated");
        return Ok(strategies
            .iter()
            .position(|(i, _)| *i == scenario_reference)
            .unwrap_or(0));
    }
    strategies
        .iter()
        .position(|(_, name)| *name == file.reference)
        .ok_or_else(|| {
            let names: Vec<String> = strategies.iter().map(|(_, n)| n.clone()).collect();
            format!(
                "`{}` is not among the strategies the sweep runs: {}",
                file.reference,
                ticked(&names)
            )
        })
}

/// The design's points. A range maps the unit interval linearly onto `[min, max]`; a key whose
/// value in the base scenario is a whole number is rounded to the nearest whole number.
fn points(file: &SweepFile, base: &Scenario) -> Vec<Point> {
    let base = toml::Value::try_from(base).expect("a scenario always serializes");
    let whole: Vec<bool> = file
        .parameter
        .iter()
        .map(|p| matches!(value_at(&base, &p.key), Some(toml::Value::Integer(_))))
        .collect();
    let typed = |i: usize, x: f64| -> toml::Value {
        if whole[i] {
            toml::Value::Integer(x.round() as i64)
        } else {
            toml::Value::Float(x)
        }
    };
    let from_unit = |units: Vec<UnitPoint>| -> Vec<Point> {
        units
            .into_iter()
            .map(|unit| Point {
                values: unit
                    .iter()
                    .enumerate()
                    .map(|(i, &u)| typed(i, file.parameter[i].scale(u)))
                    .collect(),
                unit: Some(unit),
            })
            .collect()
    };
    let dimensions = file.parameter.len();
    let rng = |seed: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        rng
    };
    match file.design {
        Design::Grid {} => {
            let levels: Vec<usize> = file.parameter.iter().map(Parameter::grid_size).collect();
            full_grid(&levels)
                .into_iter()
                .map(|indices| Point {
                    values: indices
                        .iter()
                        .enumerate()
                        .map(|(i, &k)| match &file.parameter[i].values {
                            Some(values) => values[k].clone(),
                            None => typed(i, file.parameter[i].level(k, levels[i])),
                        })
                        .collect(),
                    unit: None,
                })
                .collect()
        }
        Design::LatinHypercube { samples, seed } => from_unit(latin_hypercube(samples, dimensions, &mut rng(seed))),
        Design::Morris {
            trajectories,
            levels,
            seed,
            ..
        } => from_unit(morris(trajectories, dimensions, levels, &mut rng(seed))),
        Design::Saltelli { base_samples, seed, .. } => from_unit(saltelli(base_samples, dimensions, &mut rng(seed))),
    }
}

/// Reads every point's edge list once (each file for each population size), so that a malformed
/// one is found before any run: the error names the point and the parameter that chose the file
/// or the size, else `set`.
fn check_edge_lists(
    file: &SweepFile,
    points: &[Point],
    scenarios: &[LoadedScenario],
) -> std::result::Result<(), (String, String)> {
    let mut read: Vec<(std::path::PathBuf, u32)> = Vec::new();
    for (p, (point, loaded)) in points.iter().zip(scenarios).enumerate() {
        let Some(edges) = loaded.edge_list() else {
            continue;
        };
        let users = loaded.scenario.population.users;
        if read.contains(&(edges.clone(), users)) {
            continue;
        }
        if let Err(error) = crate::model::network::Network::load_edge_list(&edges, users) {
            let key = file
                .parameter
                .iter()
                .position(|p| ["network.edge_list", "network.kind", "population.users"].contains(&p.key.as_str()))
                .map_or("set".to_string(), |i| format!("parameter[{i}]"));
            return Err((key, format!("at point {p} ({}): {error}", describe(file, point))));
        }
        read.push((edges, users));
    }
    Ok(())
}

/// The override `argument` with a relative `network.edge_list` made relative to `dir` instead
/// (when given) of the scenario file's directory; any other override as it is.
fn anchored(argument: &str, dir: Option<&Path>) -> String {
    let (Some(dir), Some((key, raw))) = (dir, argument.split_once('=')) else {
        return argument.to_string();
    };
    if key.trim() != "network.edge_list" {
        return argument.to_string();
    }
    let named = match toml_value(raw) {
        Some(toml::Value::String(named)) => named,
        Some(_) => return argument.to_string(),
        None => raw.trim().to_string(),
    };
    if named.is_empty() || Path::new(&named).is_absolute() {
        return argument.to_string();
    }
    let path = toml::Value::String(dir.join(named).display().to_string());
    format!("network.edge_list={path}")
}

/// A point's overrides, `key=value` per parameter.
fn point_overrides(file: &SweepFile, point: &Point) -> Vec<String> {
    file.parameter
        .iter()
        .zip(&point.values)
        .map(|(p, v)| format!("{}={v}", p.key))
        .collect()
}

/// A point as `key = value, …`, for error messages.
fn describe(file: &SweepFile, point: &Point) -> String {
    let parts: Vec<String> = file
        .parameter
        .iter()
        .zip(&point.values)
        .map(|(p, v)| format!("`{} = {v}`", p.key))
        .collect();
    parts.join(", ")
}

/// The index of the parameter an error at a point is about: the one whose key is, or contains,
/// the key of the error.
fn parameter_of(file: &SweepFile, error: &Error) -> Option<usize> {
    let key = match error {
        Error::Invalid { key, .. } => key.as_str(),
        Error::Override { argument, .. } => argument.split('=').next().unwrap_or_default(),
        _ => return None,
    };
    file.parameter
        .iter()
        .position(|p| p.key == key || key.starts_with(&format!("{}.", p.key)))
}

/// A scenario error caused by the sweep's overrides, moved to the sweep file's `key` at
/// `location`, the scenario's own key and message kept in the message after `prefix`.
fn relocate(error: Error, location: Location, key: &str, prefix: Option<String>) -> Error {
    let message = match error {
        Error::Invalid { key, message, .. } => format!("`{key}`: {message}"),
        Error::Override { argument, message } => format!("`{argument}`: {message}"),
        other => return other,
    };
    Error::Invalid {
        location,
        key: key.to_string(),
        message: prefix.map_or(message.clone(), |prefix| format!("{prefix}: {message}")),
    }
}

/// Names in backticks, comma-separated.
fn ticked(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> SweepFile {
        parse(text, "s.toml").unwrap()
    }

    fn parse_error(text: &str) -> String {
        parse(text, "s.toml").unwrap_err().to_string()
    }

    const HEAD: &str = "schema_version = 1\nscenario = \"x.toml\"\n";

    #[test]
    fn defaults_fill_what_is_not_written() {
        let file = parse_ok(&format!(
            "{HEAD}[design]\nkind = \"morris\"\ntrajectories = 5\n[[parameter]]\nkey = \"trust.loss_rate\"\nmin = 0.1\nmax = 0.3\n"
        ));
        assert_eq!(file.seeds, 4);
        assert_eq!(file.outcomes, vec!["net_loss_yuan"]);
        assert_eq!(
            file.design,
            Design::Morris {
                trajectories: 5,
                levels: 4,
                seed: 1,
                resamples: 1000,
                confidence: 0.95
            }
        );
        assert!(check(&file).is_ok());
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"grid\"\nsamples = 3\n[[parameter]]\nkey = \"a\"\n"
        ));
        assert!(
            error.starts_with("s.toml:5: `design.samples`: unknown field `samples`"),
            "{error}"
        );
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"grid\"\n[[parameter]]\nkey = \"a\"\nmaximum = 3\n"
        ));
        assert!(
            error.starts_with("s.toml:7: `parameter[0].maximum`: unknown field"),
            "{error}"
        );
        assert!(
            error.contains("expected one of `key`, `min`, `max`, `levels`, `values`"),
            "{error}"
        );
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"sobol\"\n[[parameter]]\nkey = \"a\"\n"
        ));
        assert!(
            error.starts_with("s.toml:4: `design.kind`: unknown variant `sobol`, expected one of `grid`"),
            "{error}"
        );
    }

    #[test]
    fn ranges_and_values_are_checked_against_the_design() {
        let checked = |design: &str, parameter: &str| -> String {
            let file = parse_ok(&format!(
                "{HEAD}[design]\n{design}\n[[parameter]]\nkey = \"a\"\n{parameter}\n"
            ));
            check(&file).map_or_else(|(key, message)| format!("{key}: {message}"), |()| "ok".to_string())
        };
        let grid = "kind = \"grid\"";
        let lhs = "kind = \"latin_hypercube\"\nsamples = 4";
        assert_eq!(checked(grid, "min = 0.0\nmax = 1.0\nlevels = 3"), "ok");
        assert_eq!(checked(grid, "values = [1, 2]"), "ok");
        assert!(checked(grid, "min = 0.0\nmax = 1.0").starts_with("parameter[0].levels: a grid over a range needs"));
        assert!(checked(lhs, "values = [1, 2]").starts_with("parameter[0].values: a list of values needs"));
        assert!(checked(lhs, "min = 1.0\nmax = 1.0").starts_with("parameter[0].max: must be greater than `min` (1)"));
        assert!(checked(lhs, "min = 0.0\nmax = 1.0\nlevels = 3").starts_with("parameter[0].levels: is for grids only"));
        assert!(checked(lhs, "min = 0.0").starts_with("parameter[0].min: give a range"));
        assert!(checked(
            "kind = \"morris\"\ntrajectories = 4\nlevels = 3",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.levels: must be an even number"));
        assert!(checked(
            "kind = \"saltelli\"\nbase_samples = 8\nconfidence = 1.0",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.confidence: must be between 0 and 1"));
        // Sizes: a short file cannot ask for more points than memory holds.
        assert!(
            checked(grid, "min = 0.0\nmax = 1.0\nlevels = 4294967295").starts_with("parameter: the design's points")
        );
        assert!(
            checked("kind = \"saltelli\"\nbase_samples = 4294967295", "min = 0.0\nmax = 1.0")
                .contains("at most 10000000 are allowed")
        );
        assert!(checked(
            "kind = \"morris\"\ntrajectories = 4\nresamples = 4294967295",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.resamples: must be at most 100000"));
    }

    #[test]
    fn points_scale_ranges_round_whole_keys_and_list_grids_in_order() {
        let file = parse_ok(&format!(
            "{HEAD}[design]\nkind = \"grid\"\n[[parameter]]\nkey = \"population.users\"\nmin = 1000.0\nmax = 2000.0\nlevels = 4\n\
             [[parameter]]\nkey = \"network.kind\"\nvalues = [\"random\", \"small_world\"]\n"
        ));
        let points = points(&file, &Scenario::default());
        assert_eq!(points.len(), 8);
        let users: Vec<String> = points.iter().step_by(2).map(|p| p.values[0].to_string()).collect();
        assert_eq!(users, ["1000", "1333", "1667", "2000"]);
        assert_eq!(value_text(&points[1].values[1]), "small_world");
        assert_eq!(
            point_overrides(&file, &points[1]),
            ["population.users=1000", "network.kind=\"small_world\""]
        );
    }
}
