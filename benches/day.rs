//! One simulated day of the platform_collapse scenario at 10^4, 10^5 and 10^6 users, and a whole
//! 10^4-user year. Run with `cargo bench --bench day`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::Path;
use trustsim::experiment::run::simulate;
use trustsim::model::world::World;
use trustsim::scenario::loader::load;

fn scenario(users: u32) -> trustsim::scenario::schema::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/platform_collapse.toml");
    load(&path, &[format!("population.users={users}")])
        .expect("shipped scenario")
        .scenario
}

fn day(c: &mut Criterion) {
    let mut group = c.benchmark_group("day");
    group.sample_size(10);
    for users in [10_000, 100_000, 1_000_000] {
        let scenario = scenario(users);
        let mut world = World::build(&scenario, None, 1).expect("builds");
        for _ in 0..40 {
            world.step().expect("steps");
        }
        group.bench_function(format!("{users}_users"), |b| {
            b.iter_batched(
                || world.clone(),
                |mut w| w.step().expect("steps"),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn year(c: &mut Criterion) {
    let scenario = scenario(10_000);
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function("10000_users_365_days", |b| {
        b.iter(|| simulate(&scenario, None, 1).expect("runs"))
    });
    group.finish();
}

criterion_group!(benches, day, year);
criterion_main!(benches);
