//! Limits on the sizes a scenario may ask for, so that a hostile or mistaken file gets a clear
//! error instead of exhausting memory or time: counts of tables, the size of input files, and
//! an estimate of the memory one run needs. They are generous: 10^7 users fit many times over.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::scenario::problem::Problem;
use crate::scenario::schema::Scenario;
use crate::scenario::tables::NetworkKind;

/// Largest scenario file read, in bytes (shipped scenarios are a few kilobytes).
pub const MAX_SCENARIO_FILE_BYTES: u64 = 4 << 20;

/// Largest edge-list file read, in bytes: about 2.5 × 10^8 edges between 8-digit user ids.
pub const MAX_EDGE_LIST_FILE_BYTES: u64 = 4 << 30;

/// Most `[[event]]` entries in a scenario.
pub const MAX_EVENTS: usize = 10_000;

/// Most `[[strategy]]` entries in a scenario.
pub const MAX_STRATEGIES: usize = 100;

/// Most interventions in one strategy.
pub const MAX_INTERVENTIONS: usize = 1_000;

/// Most `[[regulator]]` entries in a scenario.
pub const MAX_REGULATORS: usize = 1_000;

/// Most holding slots (users × holdings_per_user).
pub const MAX_HOLDING_SLOTS: u64 = 200_000_000;

/// Most neighbour entries in a network (users × mean_degree, or twice the rows of an edge list):
/// each edge is two.
pub const MAX_NETWORK_ENTRIES: u64 = 2_000_000_000;

/// Most points of a sweep's design: each point's scenario is built, validated and kept before
/// the first run (about 10 kB each, so 2 GB at most).
pub const MAX_SWEEP_POINTS: u64 = 200_000;

/// Most runs per strategy of a sweep (its design's points × seeds), so that a short sweep file
/// cannot ask for more points than memory holds.
pub const MAX_SWEEP_RUNS: u64 = 10_000_000;

/// Most bootstrap resamples of a sweep's sensitivity indices.
pub const MAX_RESAMPLES: usize = 100_000;

/// Most cents any amount of money in a run may reach: a balance, the money held in total, the
/// claims on platforms, or a running total of a flow (2^60 cents, about 1.2 × 10^16 yuan, far
/// beyond any real economy; checked after every step, see `World::check_money`).
pub const MAX_CENTS: i64 = 1 << 60;

/// Most memory one run may need, by [`estimated_memory_bytes`].
pub const MAX_MEMORY_BYTES: u64 = 16 << 30;

/// Bytes of one user in the model's struct-of-arrays: seven `f32` attributes and trusts, two
/// neighbour-visible flags, a `u32`, the `i64` cash and the state. The memory estimate's sizes
/// are the model's; `model::world`'s tests check them against its types.
pub const USER_BYTES: u64 = 49;

/// Bytes of one holding slot: the holding and its withdrawal request.
pub const HOLDING_SLOT_BYTES: u64 = 28;

/// Bytes of one neighbour entry: the CSR graph's `u32` and the two of the edge it is built from.
pub const NETWORK_ENTRY_BYTES: u64 = 12;

/// At least the bytes of one platform's state.
pub const PLATFORM_BYTES: u64 = 1024;

/// Bytes of one platform's recorded early-warning scores per day: 8 `f64`.
pub const PLATFORM_SCORE_BYTES_PER_DAY: u64 = 64;

/// At least the bytes of one day's metrics row and recorded sector scores.
pub const DAY_BYTES: u64 = 640;

/// Every limit, by what it limits, for the parameter reference.
pub const LIMITS: &[(&str, u64, &str)] = &[
    ("scenario file", MAX_SCENARIO_FILE_BYTES, "bytes"),
    (
        "edge-list file (`network.edge_list`)",
        MAX_EDGE_LIST_FILE_BYTES,
        "bytes",
    ),
    ("`[[event]]` entries", MAX_EVENTS as u64, "events"),
    ("`[[strategy]]` entries", MAX_STRATEGIES as u64, "strategies"),
    (
        "interventions of one strategy",
        MAX_INTERVENTIONS as u64,
        "interventions",
    ),
    ("`[[regulator]]` entries", MAX_REGULATORS as u64, "regulators"),
    (
        "holding slots: `population.users` × `population.holdings_per_user`",
        MAX_HOLDING_SLOTS,
        "slots",
    ),
    (
        "neighbour entries of a generated network: `population.users` × `network.mean_degree`",
        MAX_NETWORK_ENTRIES,
        "entries",
    ),
    ("points of a sweep's design", MAX_SWEEP_POINTS, "points"),
    (
        "runs per strategy of a sweep: the design's points × `seeds`",
        MAX_SWEEP_RUNS,
        "runs",
    ),
    (
        "bootstrap `resamples` of a sweep's design",
        MAX_RESAMPLES as u64,
        "resamples",
    ),
    (
        "estimated memory of one run (users, holdings, network, platforms and their daily \
         early-warning scores over the horizon, entrants included)",
        MAX_MEMORY_BYTES,
        "bytes",
    ),
    (
        "money in a run, checked after every step: any balance, the money held, the claims on \
         platforms, a running total of a flow",
        MAX_CENTS as u64,
        "cents",
    ),
];

/// Reads the file at `path`, refusing one longer than `max_bytes` with an error naming it.
pub fn read_limited(path: &Path, max_bytes: u64, what: &str) -> Result<Vec<u8>> {
    check_regular(path, what)?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(path, what, max_bytes));
    }
    Ok(bytes)
}

/// Refuses what is not a regular file, naming it and `what` was expected: reading a FIFO would
/// wait for a writer for ever, and a directory or device is no input file.
pub fn check_regular(path: &Path, what: &str) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("is not a regular file (a directory, FIFO or device), so it cannot be {what}"),
            ),
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Refuses an edge-list file longer than [`MAX_EDGE_LIST_FILE_BYTES`]; a file that cannot be
/// read is left for the network loader to report.
pub fn check_edge_list_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.len() > MAX_EDGE_LIST_FILE_BYTES => {
            Err(too_large(path, "an edge-list file", MAX_EDGE_LIST_FILE_BYTES))
        }
        _ => Ok(()),
    }
}

fn too_large(path: &Path, what: &str, max_bytes: u64) -> Error {
    Error::TooLarge {
        location: Location::new(path.display().to_string(), None),
        message: format!("{what} may be at most {max_bytes} bytes ({})", size(max_bytes)),
    }
}

/// Checks the scenario's counts and sizes against the limits, naming the key to change.
pub fn check(scenario: &Scenario) -> Result<(), Problem> {
    let count = |key: &str, n: usize, max: usize, what: &str| {
        if n > max {
            Err(Problem::new(key, format!("at most {max} {what} are allowed, got {n}")))
        } else {
            Ok(())
        }
    };
    count("event", scenario.event.len(), MAX_EVENTS, "[[event]] entries")?;
    count(
        "strategy",
        scenario.strategy.len(),
        MAX_STRATEGIES,
        "[[strategy]] entries",
    )?;
    for (i, strategy) in scenario.strategy.iter().enumerate() {
        count(
            &format!("strategy[{i}].intervention"),
            strategy.intervention.len(),
            MAX_INTERVENTIONS,
            "interventions in one strategy",
        )?;
    }
    count(
        "regulator",
        scenario.regulator.len(),
        MAX_REGULATORS,
        "[[regulator]] entries",
    )?;
    let population = &scenario.population;
    let slots = u64::from(population.users) * u64::from(population.holdings_per_user);
    if slots > MAX_HOLDING_SLOTS {
        return Err(Problem::new(
            "population.holdings_per_user",
            format!("users × holdings_per_user must be at most {MAX_HOLDING_SLOTS}, got {slots}"),
        ));
    }
    let entries = network_entries(scenario);
    if entries > MAX_NETWORK_ENTRIES as f64 {
        return Err(Problem::new(
            "network.mean_degree",
            format!("users × mean_degree must be at most {MAX_NETWORK_ENTRIES} neighbour entries, got {entries}"),
        ));
    }
    let memory = Memory::of(scenario);
    if memory.total() > MAX_MEMORY_BYTES as f64 {
        return Err(Problem::new(
            memory.largest_key(),
            format!(
                "one run would need about {} of memory (users {}, holdings {}, network {}, day-0 platforms {}, \
                 entrants {}), more than the {} allowed; make the run smaller",
                size(memory.total() as u64),
                size(memory.users as u64),
                size(memory.holdings as u64),
                size(memory.network as u64),
                size(memory.platforms as u64),
                size(memory.entrants as u64),
                size(MAX_MEMORY_BYTES)
            ),
        ));
    }
    Ok(())
}

/// Neighbour entries of a generated network; an edge list's size is limited by its file.
fn network_entries(scenario: &Scenario) -> f64 {
    match scenario.network.kind {
        NetworkKind::EdgeList => 0.0,
        _ => f64::from(scenario.population.users) * scenario.network.mean_degree,
    }
}

/// The estimated memory of one run, in bytes, by what needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Memory {
    users: f64,
    holdings: f64,
    network: f64,
    platforms: f64,
    entrants: f64,
}

impl Memory {
    fn of(scenario: &Scenario) -> Memory {
        let users = f64::from(scenario.population.users);
        let days = f64::from(scenario.horizon_days);
        let (platforms, entrants) = if scenario.finance.enabled {
            (
                f64::from(scenario.platforms.count),
                scenario.platforms.entry_rate * days / 365.0,
            )
        } else {
            (0.0, 0.0)
        };
        let per_platform = (PLATFORM_BYTES + PLATFORM_SCORE_BYTES_PER_DAY * u64::from(scenario.horizon_days)) as f64;
        Memory {
            users: users * USER_BYTES as f64,
            holdings: users * f64::from(scenario.population.holdings_per_user) * HOLDING_SLOT_BYTES as f64,
            network: network_entries(scenario) * NETWORK_ENTRY_BYTES as f64 + users * 4.0,
            platforms: platforms * per_platform + days * DAY_BYTES as f64,
            entrants: entrants * per_platform,
        }
    }

    fn total(&self) -> f64 {
        self.users + self.holdings + self.network + self.platforms + self.entrants
    }

    /// The key that sets the largest part of the memory.
    fn largest_key(&self) -> &'static str {
        let parts = [
            (self.users, "population.users"),
            (self.holdings, "population.holdings_per_user"),
            (self.network, "network.mean_degree"),
            (self.platforms, "platforms.count"),
            (self.entrants, "platforms.entry_rate"),
        ];
        parts
            .iter()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or("population.users", |part| part.1)
    }
}

/// Bytes in the largest binary unit (KiB to GiB) that leaves at least 1, with two decimals.
fn size(bytes: u64) -> String {
    let units = [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    match units.into_iter().find(|&(unit, _)| bytes >= unit) {
        Some((unit, name)) => format!("{:.2} {name}", bytes as f64 / unit as f64),
        None => format!("{bytes} bytes"),
    }
}

/// The estimated memory of one run of `scenario`, in bytes, as checked against
/// [`MAX_MEMORY_BYTES`].
pub fn estimated_memory_bytes(scenario: &Scenario) -> u64 {
    Memory::of(scenario).total() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(overrides: &[&str]) -> Result<Scenario> {
        let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        crate::scenario::loader::parse("schema_version = 1\n", "s.toml", &overrides, Path::new("s.toml"))
    }

    #[test]
    fn ten_million_users_are_allowed() {
        let s = scenario(&["population.users=10000000"]).unwrap();
        assert!(estimated_memory_bytes(&s) < MAX_MEMORY_BYTES / 4);
    }

    #[test]
    fn a_run_too_large_for_memory_names_the_key_that_makes_it_so() {
        let error = scenario(&["platforms.count=100000", "horizon_days=36500"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`platforms.count`") && error.contains("16.00 GiB allowed"),
            "{error}"
        );
        let error = scenario(&["population.users=50000000", "network.mean_degree=100"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`network.mean_degree`") && error.contains("2000000000"),
            "{error}"
        );
        let error = scenario(&["platforms.entry_rate=100000", "horizon_days=36500"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("`platforms.entry_rate`"), "{error}");
    }

    #[test]
    fn sizes_are_written_in_a_unit_that_shows_them() {
        assert_eq!(size(MAX_SCENARIO_FILE_BYTES), "4.00 MiB");
        assert_eq!(size(MAX_EDGE_LIST_FILE_BYTES), "4.00 GiB");
        assert_eq!(size(1536), "1.50 KiB");
        assert_eq!(size(10), "10 bytes");
    }

    /// Issue 21: a FIFO as the scenario file blocked for ever.
    #[test]
    fn what_is_not_a_regular_file_is_refused_before_it_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_limited(dir.path(), 100, "a scenario file")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("is not a regular file") && error.contains("a scenario file"),
            "{error}"
        );
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success(), "mkfifo (coreutils) makes the FIFO this test needs");
        let error = read_limited(&fifo, 100, "a scenario file").unwrap_err().to_string();
        assert!(error.contains("is not a regular file"), "{error}");
    }

    #[test]
    fn a_file_past_its_limit_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'#'; 11]).unwrap();
        assert_eq!(read_limited(&path, 11, "a scenario file").unwrap().len(), 11);
        let error = read_limited(&path, 10, "a scenario file").unwrap_err().to_string();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains("at most 10 bytes"), "{error}");
    }
}
