//! A loaded sweep: its file (see `file`), the base scenario, the design's points and every
//! point's scenario, validated before anything runs, and the jobs (point × strategy × seed)
//! that run them.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

use crate::analysis::comparison::numeric_fields;
use crate::analysis::design::{full_grid, latin_hypercube, morris, saltelli, UnitPoint};
use crate::error::{Error, Location, Result};
use crate::experiment::outcome::Outcome;
use crate::experiment::sweep::file::{check, parse, Design, Parameter, SweepFile};
use crate::experiment::sweep::record::sweep_run_id;
use crate::scenario::loader::{load, strategy_by_name, toml_value, value_at, LoadedScenario};
use crate::scenario::schema::Scenario;
use crate::scenario::strict::{invalid_key, key_location, read_text};

/// Stream of the design seed's ChaCha8 generator that draws the design's points.
pub const DESIGN_STREAM: u64 = 0;
/// Stream of the design seed's ChaCha8 generator that draws the bootstrap resamples.
pub const BOOTSTRAP_STREAM: u64 = 1;

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
        let (source, text) = read_text(path)?;
        let name = path.display().to_string();
        let at = |key: &str| key_location(&text, &name, key);
        let invalid = |key: &str, message: String| invalid_key(&text, &name, key, message);
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

    /// The parameters' keys, in order, a strategy named by its name even where the sweep file
    /// gives its position (`strategy.education.…` for `strategy[4].…`): the labels of the
    /// sweep's tables and charts.
    pub fn parameter_names(&self) -> Vec<String> {
        self.file
            .parameter
            .iter()
            .map(|p| strategy_by_name(&self.base.scenario, &p.key))
            .collect()
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
pub(crate) fn relocate(error: Error, location: Location, key: &str, prefix: Option<String>) -> Error {
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
pub(crate) fn ticked(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::sweep::file::tests::{parse_ok, HEAD};
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
