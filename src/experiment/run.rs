//! A run is `(scenario, seed) -> rows`: build the world, step it to the horizon, observe every
//! day. Ensembles are many runs in parallel, collected in seed order.

use rayon::prelude::*;
use std::path::Path;

use crate::analysis::warning_eval::{evaluate, Evaluation};
use crate::error::Result;
use crate::experiment::outcome::{outcome, platform_summaries, Outcome, PlatformSummary};
use crate::model::agents::{edge_rows, platform_rows, user_rows, EdgeRow, PlatformDayRow, UserRow};
use crate::model::metrics::{observe, StepMetrics};
use crate::model::world::World;
use crate::scenario::schema::Scenario;

/// Everything one run produces.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// The seed.
    pub seed: u64,
    /// Metrics of day 0 (initial state) to the horizon.
    pub series: Vec<StepMetrics>,
    /// Outcome measures.
    pub outcome: Outcome,
    /// Each platform's fate.
    pub platforms: Vec<PlatformSummary>,
    /// How well each early-warning score foretold failures (in `score_names` order).
    pub warnings: Vec<Evaluation>,
}

/// Runs `scenario` under its reference strategy with `seed`; `edge_list` is the resolved
/// network file, if it reads one.
pub fn simulate(scenario: &Scenario, edge_list: Option<&Path>, seed: u64) -> Result<RunResult> {
    simulate_for(scenario, scenario.reference_index().unwrap_or(0), edge_list, seed)
}

/// Runs `scenario` under strategy `strategy` (an index into [`Scenario::strategies`]) with `seed`.
pub fn simulate_for(scenario: &Scenario, strategy: usize, edge_list: Option<&Path>, seed: u64) -> Result<RunResult> {
    let (world, series) = step_to_horizon(scenario, strategy, edge_list, seed, |_| ())?;
    Ok(finish(scenario, seed, &world, series))
}

/// What `run --agents` records of single agents besides the run itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentRecord {
    /// Every user on each day asked for, day by day.
    pub users: Vec<UserRow>,
    /// Every friendship of the social network.
    pub network: Vec<EdgeRow>,
    /// Every platform on every day, day by day.
    pub platforms: Vec<PlatformDayRow>,
}

/// [`simulate_for`], also recording every user on each of `user_days` (days past the horizon
/// are never reached), every platform on every day, and the network.
pub fn simulate_recording_agents(
    scenario: &Scenario,
    strategy: usize,
    edge_list: Option<&Path>,
    seed: u64,
    user_days: &[u32],
) -> Result<(RunResult, AgentRecord)> {
    let mut record = AgentRecord::default();
    let (world, series) = step_to_horizon(scenario, strategy, edge_list, seed, |world| {
        if user_days.contains(&world.day) {
            record.users.extend(user_rows(world));
        }
        record.platforms.extend(platform_rows(world));
    })?;
    record.network = edge_rows(&world.network);
    Ok((finish(scenario, seed, &world, series), record))
}

/// The result of a run from its world at the horizon and its daily metrics.
fn finish(scenario: &Scenario, seed: u64, world: &World, series: Vec<StepMetrics>) -> RunResult {
    RunResult {
        seed,
        outcome: outcome(scenario, seed, &series, world),
        platforms: platform_summaries(scenario, &world.platforms),
        warnings: evaluate(world),
        series,
    }
}

/// The metrics of day 0 to the horizon of `scenario` under strategy `strategy` with `seed`, and
/// nothing else: the part of [`simulate_for`] a calibration needs.
pub fn simulate_series(
    scenario: &Scenario,
    strategy: usize,
    edge_list: Option<&Path>,
    seed: u64,
) -> Result<Vec<StepMetrics>> {
    step_to_horizon(scenario, strategy, edge_list, seed, |_| ()).map(|(_, series)| series)
}

/// The world of a run stepped to the horizon, with the metrics observed on every day; `watch`
/// sees the world on day 0 and after every step.
fn step_to_horizon(
    scenario: &Scenario,
    strategy: usize,
    edge_list: Option<&Path>,
    seed: u64,
    mut watch: impl FnMut(&World),
) -> Result<(World, Vec<StepMetrics>)> {
    let mut world = World::build_for(scenario, strategy, edge_list, seed)?;
    let mut series = Vec::with_capacity(scenario.horizon_days as usize + 1);
    series.push(observe(&world));
    watch(&world);
    for _ in 0..scenario.horizon_days {
        world.step()?;
        series.push(observe(&world));
        watch(&world);
    }
    Ok((world, series))
}

/// Runs `scenario` for every seed in parallel; results come back in the order of `seeds`, so
/// they do not depend on the number of threads.
pub fn simulate_many(scenario: &Scenario, edge_list: Option<&Path>, seeds: &[u64]) -> Result<Vec<RunResult>> {
    seeds
        .par_iter()
        .map(|&seed| simulate(scenario, edge_list, seed))
        .collect()
}
