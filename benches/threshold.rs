//! The classic special case against a hand-written kernel: one step of Watts' (2002) threshold
//! cascade (finance off, uniform φ = 0.18) on an Erdős–Rényi network of 10^6 users with mean
//! degree 10, as trustsim's whole `World::step` and as a bare pull sweep over the same CSR
//! network with `u8` states and integer thresholds, each on one thread and on two. Both step
//! repeatedly on warm data, as in a run. Run with `cargo bench --bench threshold`.

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;
use std::path::Path;
use trustsim::model::network::Network;
use trustsim::model::users::UserState;
use trustsim::model::world::World;

const USERS: u32 = 1_000_000;
const PHI: f64 = 0.18;

fn scenario() -> trustsim::scenario::schema::Scenario {
    let text = format!(
        r#"schema_version = 1
horizon_days = 36500
[finance]
enabled = false
[network]
kind = "erdos_renyi"
mean_degree = 10
[population]
users = {USERS}
holdings_per_user = 1
neighbour_threshold = {{ dist = "fixed", value = {PHI} }}
[behaviour]
herd_memory_days = 1000000
[[event]]
day = 0
kind = "seed_withdrawers"
count = 1000
"#
    );
    trustsim::scenario::loader::parse(&text, "threshold.toml", &[], Path::new("threshold.toml"))
        .expect("valid scenario")
}

/// One synchronous pull sweep over users `first..first + next.len()`: a user adopts when at
/// least `need[i]` neighbours had adopted.
fn kernel_sweep(network: &Network, need: &[u32], state: &[u8], first: usize, next: &mut [u8]) {
    let users = first..first + next.len();
    for ((i, next), (&need, &own)) in users.zip(next).zip(need[first..].iter().zip(&state[first..])) {
        let on: u32 = network
            .neighbours(i as u32)
            .iter()
            .map(|&j| u32::from(state[j as usize]))
            .sum();
        *next = own | u8::from(need > 0 && on >= need);
    }
}

/// One step of the kernel, its users in chunks of 16,384 over the current thread pool.
fn kernel_step(network: &Network, need: &[u32], state: &[u8], next: &mut [u8]) {
    const CHUNK: usize = 1 << 14;
    next.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, next)| kernel_sweep(network, need, state, c * CHUNK, next));
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

fn threshold(c: &mut Criterion) {
    let scenario = scenario();
    let mut world = World::build(&scenario, None, 1).expect("builds");
    for _ in 0..3 {
        world.step().expect("steps");
    }
    let network = world.network.clone();
    // The smallest count of adopting neighbours whose share reaches φ (never, when isolated).
    let need: Vec<u32> = (0..network.nodes())
        .map(|i| {
            let degree = network.degree(i);
            (1..=degree)
                .find(|&on| on as f32 / degree as f32 >= PHI as f32)
                .unwrap_or(0)
        })
        .collect();
    let state: Vec<u8> = world
        .users
        .state
        .iter()
        .map(|&s| u8::from(s == UserState::Withdrawing))
        .collect();

    let mut group = c.benchmark_group("threshold_1000000_users");
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = pool(threads);
        let mut stepped = world.clone();
        group.bench_function(format!("trustsim_step_{threads}_threads"), |b| {
            b.iter(|| pool.install(|| stepped.step().expect("steps")))
        });
        let mut next = vec![0u8; state.len()];
        group.bench_function(format!("hand_written_kernel_{threads}_threads"), |b| {
            b.iter(|| pool.install(|| kernel_step(&network, &need, &state, &mut next)))
        });
    }
    group.finish();
}

criterion_group!(benches, threshold);
criterion_main!(benches);
