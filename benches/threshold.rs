//! The classic special case against a hand-written kernel: one step of Watts' (2002) threshold
//! cascade (finance off, uniform φ = 0.18) on an Erdős–Rényi network of 10^6 users with mean
//! degree 10, as trustsim's whole `World::step` and as a bare pull sweep over the same CSR
//! network with `u8` states and integer thresholds. Run with `cargo bench --bench threshold`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::Path;
use trustsim::network::Network;
use trustsim::users::UserState;
use trustsim::world::World;

const USERS: u32 = 1_000_000;
const PHI: f64 = 0.18;

fn scenario() -> trustsim::scenario::Scenario {
    let text = format!(
        r#"schema_version = 1
horizon_days = 1000
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
    trustsim::loader::parse(&text, "threshold.toml", &[], Path::new("threshold.toml")).expect("valid scenario")
}

/// One synchronous pull sweep: a user adopts when at least `need[i]` neighbours had adopted.
fn kernel_step(network: &Network, need: &[u32], state: &[u8], next: &mut [u8]) {
    for (i, (next, &need)) in next.iter_mut().zip(need).enumerate() {
        let on: u32 = network
            .neighbours(i as u32)
            .iter()
            .map(|&j| u32::from(state[j as usize]))
            .sum();
        *next = state[i] | u8::from(need > 0 && on >= need);
    }
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
    group.bench_function("trustsim_step", |b| {
        b.iter_batched(
            || world.clone(),
            |mut w| w.step().expect("steps"),
            BatchSize::LargeInput,
        )
    });
    let mut next = vec![0u8; state.len()];
    group.bench_function("hand_written_kernel", |b| {
        b.iter(|| kernel_step(&network, &need, &state, &mut next))
    });
    group.finish();
}

criterion_group!(benches, threshold);
criterion_main!(benches);
