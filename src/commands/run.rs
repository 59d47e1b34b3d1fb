//! `trustsim run`: one scenario with one seed, written atomically as per-day metrics, outcome
//! measures, platforms, the resolved scenario and a manifest; with `--agents`, also single users,
//! the network and each platform's days.

use serde_json::json;
use std::path::{Path, PathBuf};

use crate::analysis::comparison::numeric_fields;
use crate::error::Result;
use crate::experiment::monthly::monthly;
use crate::experiment::outcome::Outcome;
use crate::experiment::run::{simulate_for, simulate_recording_agents};
use crate::experiment::run_store::RunStore;
use crate::output::directory::{check_destination, OutputDir};
use crate::output::manifest::{manifest_base, Origin};
use crate::output::provenance::{Execution, EXECUTION};
use crate::output::Written;
use crate::scenario::loader::{load, LoadedScenario};

/// Options of `trustsim run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The seed.
    pub seed: u64,
    /// `dotted.key=value` overrides.
    pub overrides: Vec<String>,
    /// Output directory; default `output/<scenario name>-seed<seed>`.
    pub out: Option<PathBuf>,
    /// The strategy whose interventions are added (default: the reference strategy).
    pub strategy: Option<String>,
    /// Also write `agents.csv` (every user on these days; empty: day 0 and the last day),
    /// `network.csv` and `platform_series.csv`.
    pub agents: Option<Vec<u32>>,
}

/// What `trustsim run` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Where the outputs are.
    pub directory: Written,
    /// The run's outcome measures.
    pub outcome: Outcome,
    /// Whether the scenario is calibrated or illustrative, in words.
    pub standing: String,
}

/// Runs one scenario with one seed and writes its outputs atomically.
pub fn run(options: &RunOptions) -> Result<RunReport> {
    let execution = Execution::start();
    let loaded = load(&options.scenario, &options.overrides)?;
    let scenario = &loaded.scenario;
    let strategy = scenario
        .strategy_index(options.strategy.as_deref().unwrap_or(&scenario.reference_strategy))
        .map_err(|message| crate::Error::Usage {
            option: "--strategy".to_string(),
            message,
        })?;
    let directory = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-seed{}", scenario.name, options.seed)));
    check_destination(&directory)?;
    // The run store's lock, as `compare` takes it: another command writing to the same output
    // is refused rather than raced. A run keeps nothing in the store, so it is removed whether
    // the run succeeds or fails.
    let lock = RunStore::open(RunStore::beside(&directory), false)?;
    let written = simulate_and_write(options, &loaded, strategy, &directory, execution);
    lock.remove();
    written
}

/// Runs strategy `strategy` of the loaded scenario with the options' seed and writes the outputs
/// to `directory`.
fn simulate_and_write(
    options: &RunOptions,
    loaded: &LoadedScenario,
    strategy: usize,
    directory: &Path,
    execution: Execution,
) -> Result<RunReport> {
    let scenario = &loaded.scenario;
    let edges = loaded.edge_list();
    let agent_days = options
        .agents
        .as_deref()
        .map(|days| agent_days(days, scenario.horizon_days))
        .transpose()?;
    let (result, agents) = match &agent_days {
        Some(days) => {
            let (result, agents) = simulate_recording_agents(scenario, strategy, edges.as_deref(), options.seed, days)?;
            (result, Some(agents))
        }
        None => (simulate_for(scenario, strategy, edges.as_deref(), options.seed)?, None),
    };
    let resolved = loaded.resolved_text()?;
    let mut out = OutputDir::create(directory)?;
    out.write_csv("series.csv", &result.series)?;
    out.write_csv("outcome.csv", std::slice::from_ref(&result.outcome))?;
    out.write_csv("platforms.csv", &result.platforms)?;
    if let Some(start) = scenario.start().expect("validated") {
        let series: Vec<_> = result.series.iter().map(|row| numeric_fields(row, "day")).collect();
        out.write_csv("monthly.csv", &monthly(start, &scenario.scale, &series))?;
    }
    if let Some(agents) = &agents {
        out.write_csv("agents.csv", &agents.users)?;
        out.write_csv("network.csv", &agents.network)?;
        out.write_csv("platform_series.csv", &agents.platforms)?;
    }
    out.write_text("scenario.toml", &resolved)?;
    let mut manifest = manifest_base("run", &Origin::of(loaded), &resolved, edges.as_deref())?;
    manifest.insert("seed".into(), json!(options.seed));
    if let Some(days) = agent_days {
        manifest.insert("agents".into(), json!({ "days": days }));
    }
    manifest.insert("strategy".into(), json!(scenario.strategies()[strategy].name));
    manifest.insert(EXECUTION.into(), execution.record(rayon::current_num_threads()));
    let directory = out.finish(manifest)?;
    Ok(RunReport {
        directory,
        outcome: result.outcome,
        standing: scenario.standing(),
    })
}

/// The days on which `agents.csv` records every user: `days` sorted without repeats, or day 0
/// and the last day when `days` is empty; a day past the horizon is an error.
fn agent_days(days: &[u32], horizon_days: u32) -> Result<Vec<u32>> {
    if let Some(late) = days.iter().find(|&&day| day > horizon_days) {
        return Err(crate::Error::Usage {
            option: "--agents-days".to_string(),
            message: format!("day {late} is past the horizon: days run from 0 to {horizon_days}"),
        });
    }
    let mut days = if days.is_empty() {
        vec![0, horizon_days]
    } else {
        days.to_vec()
    };
    days.sort_unstable();
    days.dedup();
    Ok(days)
}
