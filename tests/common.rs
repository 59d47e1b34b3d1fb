//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use trustsim::experiment::run::{simulate_many, RunResult};
use trustsim::model::world::World;
use trustsim::scenario::loader::parse;
use trustsim::scenario::schema::Scenario;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every shipped scenario file.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

/// A shipped scenario with overrides applied.
pub fn shipped(name: &str, overrides: &[&str]) -> Scenario {
    let path = root().join("scenarios").join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("shipped scenario");
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    parse(&text, name, &overrides, &path).expect("valid scenario")
}

/// A scenario from inline TOML text (`schema_version` is added).
pub fn inline(text: &str) -> Scenario {
    let text = format!("schema_version = 1\n{text}");
    parse(&text, "inline.toml", &[], Path::new("inline.toml")).expect("valid inline scenario")
}

/// Runs seeds 1..=n.
pub fn runs(scenario: &Scenario, n: u64) -> Vec<RunResult> {
    let seeds: Vec<u64> = (1..=n).collect();
    simulate_many(scenario, None, &seeds).expect("runs succeed")
}

/// Mean of a slice.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Paired t statistic of `a - b`.
pub fn paired_t(a: &[f64], b: &[f64]) -> f64 {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let m = mean(&d);
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (d.len() as f64 - 1.0);
    m / (var / d.len() as f64).sqrt()
}

/// A world for `scenario` and `seed`, stepped to its horizon.
pub fn run_to_end(scenario: &Scenario, seed: u64) -> World {
    let mut world = World::build(scenario, None, seed).expect("builds");
    for _ in 0..scenario.horizon_days {
        world.step().expect("steps");
    }
    world
}

/// `work` run on a rayon pool of `threads` threads.
pub fn on_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(work)
}
