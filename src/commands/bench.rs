//! `trustsim bench`: how long building a world and simulating its days take, and the peak memory,
//! for the figures in BENCHMARKS.md. Timing is measured here and reported, never asserted.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::experiment::ensemble::thread_pool;
use crate::model::world::World;
use crate::scenario::loader::load;

/// What to time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// `dotted.key=value` overrides.
    pub overrides: Vec<String>,
    /// Days to simulate, 1 to the scenario's horizon [default: the horizon].
    pub days: Option<u32>,
    /// Worker threads within the run [default: one per core].
    pub threads: Option<usize>,
    /// The seed.
    pub seed: u64,
}

/// The measured figures.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Users in the world.
    pub users: usize,
    /// Platforms in the world.
    pub platforms: usize,
    /// Undirected edges of the social network.
    pub edges: u64,
    /// Worker threads used.
    pub threads: usize,
    /// Building the network, the population and the platforms.
    pub build: Duration,
    /// Days simulated.
    pub days: u32,
    /// Simulating them.
    pub simulate: Duration,
    /// Peak resident memory of the process, when the system reports it (Linux: `VmHWM`).
    pub peak_memory_bytes: Option<u64>,
}

/// Builds the scenario's world (reference strategy) and simulates it, timing both.
pub fn bench(options: &BenchOptions) -> Result<BenchReport> {
    let loaded = load(&options.scenario, &options.overrides)?;
    let scenario = &loaded.scenario;
    let days = options.days.unwrap_or(scenario.horizon_days);
    if !(1..=scenario.horizon_days).contains(&days) {
        return Err(Error::Usage {
            option: "--days".to_string(),
            message: format!(
                "must be from 1 to the scenario's horizon_days ({}), got {days}; to simulate longer, \
                 `--set horizon_days=N` (validated with the scenario)",
                scenario.horizon_days
            ),
        });
    }
    let edges = loaded.edge_list();
    let pool = thread_pool(options.threads)?;
    pool.install(|| {
        let started = Instant::now();
        let mut world = World::build(scenario, edges.as_deref(), options.seed)?;
        let build = started.elapsed();
        let started = Instant::now();
        for _ in 0..days {
            world.step()?;
        }
        Ok(BenchReport {
            users: world.users.len(),
            platforms: world.platforms.len(),
            edges: world.network.edge_count(),
            threads: pool.current_num_threads(),
            build,
            days,
            simulate: started.elapsed(),
            peak_memory_bytes: peak_memory_bytes(),
        })
    })
}

/// The process's peak resident set size, from `/proc/self/status` (None where there is none).
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

impl BenchReport {
    /// Mean time per simulated day.
    pub fn per_day(&self) -> Duration {
        self.simulate / self.days.max(1)
    }

    /// Building's share of the whole (build + simulate).
    pub fn build_share(&self) -> f64 {
        let total = (self.build + self.simulate).as_secs_f64();
        if total > 0.0 {
            self.build.as_secs_f64() / total
        } else {
            0.0
        }
    }
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} users, {} platforms, {} edges, {} thread{}",
            self.users,
            self.platforms,
            self.edges,
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )?;
        writeln!(
            f,
            "build      {:>10.3} s ({:.1}% of the whole)",
            self.build.as_secs_f64(),
            100.0 * self.build_share()
        )?;
        writeln!(
            f,
            "simulate   {:>10.3} s for {} days: {:.2} ms per day, {:.1} ns per user-day",
            self.simulate.as_secs_f64(),
            self.days,
            self.per_day().as_secs_f64() * 1e3,
            self.per_day().as_secs_f64() * 1e9 / self.users.max(1) as f64
        )?;
        match self.peak_memory_bytes {
            Some(bytes) => writeln!(f, "peak memory {:>9.1} MB", bytes as f64 / 1e6),
            None => writeln!(f, "peak memory: not reported by this system"),
        }
    }
}
