//! The library side of each command-line subcommand: typed options in, files and a short
//! report out. The binary only parses flags into these options.

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::experiment::outcome::Outcome;
use crate::experiment::run::simulate_for;
use crate::model::network::Network;
use crate::output::directory::{sha256_hex, OutputDir};
use crate::output::provenance::{self, Execution, EXECUTION};
use crate::scenario::loader::{load, LoadedScenario};
use crate::scenario::schema::NetworkKind;

/// How every random number is derived, recorded in each manifest.
pub const RNG_DERIVATION: &str = "ChaCha8Rng::seed_from_u64(seed) with stream 1 network, 2 population \
(each attribute at word position attribute << 48, initial holdings at 9 << 48), 3 platforms, 4 regulator, 5 events, 7 ratings, 8 trust survey; per-user draws \
are splitmix64(splitmix64(splitmix64(key ^ purpose * 0x9e3779b97f4a7c15) ^ (day << 32 | user))) >> 11 \
scaled by 2^-53, with key the first u64 of stream 6; every strategy of a comparison uses the same streams";

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
}

/// What `trustsim run` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Where the outputs are.
    pub directory: PathBuf,
    /// The run's outcome measures.
    pub outcome: Outcome,
}

/// The edge-list path of a scenario that reads one.
pub(crate) fn edge_list(loaded: &LoadedScenario) -> Option<PathBuf> {
    (loaded.scenario.network.kind == NetworkKind::EdgeList).then(|| loaded.edge_list_file())
}

/// The resolved scenario as TOML; it names the edge list (as the scenario names it, wherever it
/// was read from) by absolute path, so that it runs from anywhere.
pub(crate) fn resolved_text(loaded: &LoadedScenario) -> Result<String> {
    let mut resolved = loaded.scenario.clone();
    if resolved.network.kind == NetworkKind::EdgeList {
        let path = loaded.edge_list_path();
        resolved.network.edge_list = std::path::absolute(&path)
            .map_err(|e| crate::Error::io(&path, e))?
            .display()
            .to_string();
    }
    Ok(toml::to_string(&resolved).expect("a scenario always serializes"))
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
}

impl Origin {
    /// The origin of a scenario just loaded.
    pub fn of(loaded: &LoadedScenario) -> Origin {
        Origin {
            file: loaded.path.display().to_string(),
            sha256: sha256_hex(&loaded.source),
            overrides: loaded.overrides.clone(),
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

/// sha256 of a file's bytes.
pub(crate) fn file_sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
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
    let edges = edge_list(&loaded);
    let result = simulate_for(scenario, strategy, edges.as_deref(), options.seed)?;
    let directory = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-seed{}", scenario.name, options.seed)));
    let resolved = resolved_text(&loaded)?;
    let mut out = OutputDir::create(&directory)?;
    out.write_csv("series.csv", &result.series)?;
    out.write_csv("outcome.csv", std::slice::from_ref(&result.outcome))?;
    out.write_csv("platforms.csv", &result.platforms)?;
    out.write_text("scenario.toml", &resolved)?;
    let mut manifest = manifest_base("run", &Origin::of(&loaded), &resolved, edges.as_deref())?;
    manifest.insert("seed".into(), json!(options.seed));
    manifest.insert("strategy".into(), json!(scenario.strategies()[strategy].name));
    manifest.insert(EXECUTION.into(), execution.record(rayon::current_num_threads()));
    let directory = out.finish(manifest)?;
    Ok(RunReport {
        directory,
        outcome: result.outcome,
    })
}

/// Checks scenario files without simulating (including that an edge-list file loads).
/// Returns one result per file, in order.
pub fn validate(paths: &[PathBuf], overrides: &[String]) -> Vec<Result<()>> {
    paths
        .iter()
        .map(|path| {
            let loaded = load(path, overrides)?;
            if let Some(edges) = edge_list(&loaded) {
                Network::load_edge_list(&edges, loaded.scenario.population.users)?;
            }
            Ok(())
        })
        .collect()
}
