//! `trustsim._core`: the simulator's library as seen from Python. Each function takes a scenario
//! file and its `--set` overrides and calls the same library code as the command line: `run` and
//! `compare` write the command line's output directory, and a world's tables come back as the
//! CSV text the command line writes; the `trustsim` package reads them into pandas DataFrames,
//! so results are the command line's to the byte. Long calls release the
//! GIL; every library error becomes a `trustsim.TrustsimError` carrying the command line's
//! one-line message.

use std::path::{Path, PathBuf};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use trustsim::commands::compare::{compare as compare_command, CompareOptions};
use trustsim::commands::run::{run as run_command, RunOptions};
use trustsim::experiment::ensemble::EnsembleOptions;
use trustsim::experiment::run::simulate_for;
use trustsim::model::agents::{edge_rows, platform_rows, user_rows};
use trustsim::model::metrics::observe;
use trustsim::model::world::World as ModelWorld;
use trustsim::output::csv_text;
use trustsim::scenario::loader::{load, LoadedScenario};
use trustsim::scenario::strategy::Intervention;

create_exception!(
    trustsim,
    TrustsimError,
    PyException,
    "A scenario, option or file trustsim cannot use; the message is the command line's."
);

/// The library's error as a Python exception with the command line's message.
fn raise(error: trustsim::Error) -> PyErr {
    TrustsimError::new_err(format!("{error:#}"))
}

/// Loads a scenario file with overrides, as `trustsim validate` does.
fn loaded(path: &str, overrides: &[String]) -> PyResult<LoadedScenario> {
    load(Path::new(path), overrides).map_err(raise)
}

/// The index of strategy `name` (the reference strategy when `None`) of a loaded scenario.
fn strategy_of(loaded: &LoadedScenario, name: Option<&str>) -> PyResult<usize> {
    let scenario = &loaded.scenario;
    scenario
        .strategy_index(name.unwrap_or(&scenario.reference_strategy))
        .map_err(|message| {
            raise(trustsim::Error::Usage {
                option: "strategy".to_string(),
                message,
            })
        })
}

/// Checks a scenario file with overrides and returns its resolved text (every default filled
/// in), as `run` writes it to `scenario.toml`.
#[pyfunction]
fn resolve(path: &str, overrides: Vec<String>) -> PyResult<String> {
    loaded(path, &overrides)?.resolved_text().map_err(raise)
}

/// The names of a scenario's strategies, in order, and the reference strategy's name.
#[pyfunction]
fn strategies(path: &str, overrides: Vec<String>) -> PyResult<(Vec<String>, String)> {
    let scenario = loaded(path, &overrides)?.scenario;
    let names: Vec<String> = scenario.strategies().into_iter().map(|s| s.name).collect();
    let reference = scenario.reference_index().unwrap_or(0);
    Ok((names.clone(), names[reference].clone()))
}

/// `trustsim run` into the directory `out`; `agents` as `--agents-days` (an empty list: day 0
/// and the last day), `None` for no `--agents`. Returns the output directory.
#[pyfunction]
#[pyo3(signature = (path, overrides, seed, strategy, out, agents))]
fn run(
    py: Python<'_>,
    path: &str,
    overrides: Vec<String>,
    seed: u64,
    strategy: Option<String>,
    out: PathBuf,
    agents: Option<Vec<u32>>,
) -> PyResult<String> {
    let options = RunOptions {
        scenario: PathBuf::from(path),
        seed,
        overrides,
        out: Some(out),
        strategy,
        agents,
    };
    let report = py.allow_threads(|| run_command(&options)).map_err(raise)?;
    Ok(report.directory.path.display().to_string())
}

/// `trustsim compare` over seeds 1 to `seeds` into the directory `out`, on `threads` threads
/// (`None`: every core, as the command line); `series` as `--series`. Returns the directory.
#[pyfunction]
#[pyo3(signature = (path, overrides, seeds, threads, out, series))]
fn compare(
    py: Python<'_>,
    path: &str,
    overrides: Vec<String>,
    seeds: u64,
    threads: Option<usize>,
    out: PathBuf,
    series: bool,
) -> PyResult<String> {
    let options = CompareOptions {
        ensemble: EnsembleOptions {
            scenario: PathBuf::from(path),
            seeds,
            threads,
            overrides,
            out: Some(out),
            quiet: true,
            shard: None,
            resume: false,
            posterior: None,
        },
        series,
    };
    let report = py.allow_threads(|| compare_command(&options)).map_err(raise)?;
    Ok(report.directory.path.display().to_string())
}

/// One run in memory, returning its outcome measures (the row of `outcome.csv`) as JSON.
#[pyfunction]
#[pyo3(signature = (path, overrides, seed, strategy))]
fn outcome(
    py: Python<'_>,
    path: &str,
    overrides: Vec<String>,
    seed: u64,
    strategy: Option<String>,
) -> PyResult<String> {
    let loaded = loaded(path, &overrides)?;
    let index = strategy_of(&loaded, strategy.as_deref())?;
    let edges = loaded.edge_list();
    let result = py
        .allow_threads(|| simulate_for(&loaded.scenario, index, edges.as_deref(), seed))
        .map_err(raise)?;
    serde_json::to_string(&result.outcome).map_err(|e| TrustsimError::new_err(e.to_string()))
}

/// A world built from a scenario and a seed, stepped by hand.
#[pyclass(module = "trustsim._core")]
struct World {
    world: ModelWorld,
}

#[pymethods]
impl World {
    /// Builds the world of a scenario file with overrides, `seed` and strategy `strategy` (the
    /// reference strategy when `None`), as a run does on day 0.
    #[new]
    #[pyo3(signature = (path, overrides, seed, strategy))]
    fn new(py: Python<'_>, path: &str, overrides: Vec<String>, seed: u64, strategy: Option<String>) -> PyResult<World> {
        let loaded = loaded(path, &overrides)?;
        let index = strategy_of(&loaded, strategy.as_deref())?;
        let edges = loaded.edge_list();
        let world = py
            .allow_threads(|| ModelWorld::build_for(&loaded.scenario, index, edges.as_deref(), seed))
            .map_err(raise)?;
        Ok(World { world })
    }

    /// Advances `days` days.
    fn step(&mut self, py: Python<'_>, days: u32) -> PyResult<()> {
        let world = &mut self.world;
        py.allow_threads(|| (0..days).try_for_each(|_| world.step()))
            .map_err(raise)
    }

    /// Days simulated so far.
    #[getter]
    fn day(&self) -> u32 {
        self.world.day
    }

    /// The scenario's horizon, in days.
    #[getter]
    fn horizon_days(&self) -> u32 {
        self.world.scenario.horizon_days
    }

    /// Today's row of `series.csv`, as CSV text with its header.
    fn metrics(&self) -> String {
        csv_text(&[observe(&self.world)])
    }

    /// Every user as `agents.csv` has them today, as CSV text.
    fn users(&self) -> String {
        csv_text(&user_rows(&self.world))
    }

    /// Every platform as `platform_series.csv` has them today, as CSV text.
    fn platforms(&self) -> String {
        csv_text(&platform_rows(&self.world))
    }

    /// The social network as `network.csv` has it, as CSV text.
    fn network(&self) -> String {
        csv_text(&edge_rows(&self.world.network))
    }

    /// Adds an intervention, given as a TOML inline table (`{ kind = "compensation_fund",
    /// start_day = 31 }`, the keys of a `[[strategy.intervention]]`), to the running world.
    fn apply(&mut self, table: &str) -> PyResult<()> {
        let intervention = Intervention::from_inline_table(table).map_err(raise)?;
        self.world.add_intervention(intervention).map_err(raise)
    }
}

/// The compiled part of the `trustsim` package.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("TrustsimError", m.py().get_type::<TrustsimError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(strategies, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(outcome, m)?)?;
    m.add_class::<World>()?;
    Ok(())
}
