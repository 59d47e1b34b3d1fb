//! Classic models as exact special cases: Watts (2002) threshold cascades and DeGroot (1974)
//! averaging, with finance switched off.

use rand::seq::index::sample;
use trustsim::model::network::Network;
use trustsim::model::users::UserState;
use trustsim::model::world::World;
use trustsim::random::rng::{stream, Stream};

use crate::common::inline;

fn watts(mean_degree: f64, users: u32) -> trustsim::scenario::schema::Scenario {
    inline(&format!(
        r#"
horizon_days = 80
[finance]
enabled = false
[network]
kind = "erdos_renyi"
mean_degree = {mean_degree}
[population]
users = {users}
neighbour_threshold = {{ dist = "fixed", value = 0.18 }}
[behaviour]
herd_memory_days = 1000000
[[event]]
day = 0
kind = "seed_withdrawers"
count = 1
"#
    ))
}

/// Watts' rule written directly: synchronous updates, a node adopts when at least a share φ
/// of its neighbours have adopted; adoption is permanent.
fn reference_cascade(network: &Network, seed_node: u32, phi: f64, steps: u32) -> usize {
    let n = network.nodes() as usize;
    let mut active = vec![false; n];
    active[seed_node as usize] = true;
    for _ in 0..steps {
        let next: Vec<bool> = (0..n)
            .map(|i| {
                let neighbours = network.neighbours(i as u32);
                let on = neighbours.iter().filter(|&&j| active[j as usize]).count();
                active[i] || (!neighbours.is_empty() && on as f32 / neighbours.len() as f32 >= phi as f32)
            })
            .collect();
        active = next;
    }
    active.iter().filter(|&&a| a).count()
}

fn cascade_size(world: &World) -> usize {
    world
        .users
        .state
        .iter()
        .filter(|&&s| s == UserState::Withdrawing)
        .count()
}

#[test]
fn withdrawal_contagion_is_exactly_the_watts_cascade() {
    for (z, seed) in [(2.0, 1), (4.0, 2), (4.0, 3), (6.0, 4)] {
        let scenario = watts(z, 3000);
        let mut world = World::build(&scenario, None, seed).unwrap();
        for _ in 0..scenario.horizon_days {
            world.step().unwrap();
        }
        let network = Network::erdos_renyi(3000, z, &mut stream(seed, Stream::Network));
        let seed_node = sample(&mut stream(seed, Stream::Events), 3000, 1).index(0) as u32;
        assert_eq!(
            cascade_size(&world),
            reference_cascade(&network, seed_node, 0.18, scenario.horizon_days),
            "z {z}"
        );
    }
}

#[test]
fn watts_global_cascades_occur_inside_the_window_and_not_at_mean_degree_ten() {
    // Watts (2002, fig. 1): with φ = 0.18 on Erdős–Rényi graphs of 10,000 nodes and one seed,
    // global cascades are frequent for 1 < z < ~6 and vanish at z = 10.
    let runs = 40;
    for (z, expect_some) in [(2.0, true), (3.0, true), (4.0, true), (5.0, true), (10.0, false)] {
        let scenario = watts(z, 10_000);
        let seeds: Vec<u64> = (1..=runs).collect();
        let results = trustsim::experiment::run::simulate_many(&scenario, None, &seeds).unwrap();
        let global = results
            .iter()
            .filter(|r| r.series.last().unwrap().users_withdrawing > 5_000)
            .count();
        if expect_some {
            // A frequency below 10% in 40 runs would be very unlikely (p < 0.01) were the true
            // frequency 30% or more, as Watts reports in this range.
            assert!(global >= 4, "z = {z}: {global} global cascades in {runs} runs");
        } else {
            assert_eq!(global, 0, "z = {z}: global cascades where none should be");
        }
    }
}

#[test]
fn trust_averaging_converges_to_the_degroot_consensus() {
    // S' = (1 − λ)S + λ·mean of neighbours: lazy random-walk averaging, whose consensus on a
    // connected graph weights each initial opinion by its node's degree.
    let scenario = inline(
        r#"
horizon_days = 600
[finance]
enabled = false
[network]
kind = "barabasi_albert"
mean_degree = 4
[population]
users = 2000
herding = { dist = "fixed", value = 1.0 }
initial_trust = { dist = "uniform", low = 0.0, high = 1.0 }
[trust]
gain_rate = 0.5
loss_rate = 0.5
behaviour_weight = 0.0
literacy_herd_reduction = 0.0
[behaviour]
herd_withdrawal = false
"#,
    );
    let mut world = World::build(&scenario, None, 9).unwrap();
    assert!(world.network.is_connected());
    let (mut weighted, mut degrees, mut plain) = (0.0, 0.0, 0.0);
    for i in 0..world.users.len() {
        let d = f64::from(world.network.degree(i as u32));
        weighted += d * f64::from(world.users.sector_trust(i));
        degrees += d;
        plain += f64::from(world.users.sector_trust(i));
    }
    let consensus = weighted / degrees;
    let plain = plain / world.users.len() as f64;
    assert!((consensus - plain).abs() > 0.003, "test cannot tell the weights apart");
    for _ in 0..scenario.horizon_days {
        world.step().unwrap();
    }
    for trust in world.users.sector_trusts() {
        assert!(
            (f64::from(trust) - consensus).abs() < 5e-4,
            "trust {trust} vs consensus {consensus}"
        );
    }
}
