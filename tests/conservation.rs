//! Money is conserved at every step of every shipped scenario, and state stays in bounds.

use crate::common::{shipped, shipped_scenarios};
use trustsim::world::World;

#[test]
fn every_shipped_scenario_conserves_money_at_every_step() {
    for path in shipped_scenarios() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let scenario = shipped(&name, &["population.users=4000"]);
        for seed in 1..=2 {
            let mut world = World::build(&scenario, None, seed).unwrap();
            let mut previous_losses = 0;
            for _ in 0..scenario.horizon_days {
                // `step` checks money held = inflows − outflows to the cent and no negative balance.
                world.step().unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
                let users = &world.users;
                assert!(
                    users.sector_trusts().iter().all(|t| (0.0..=1.0).contains(t)),
                    "{name}: trust out of [0, 1]"
                );
                assert!(users.holdings.trust.iter().all(|t| (0.0..=1.0).contains(t)));
                assert!(
                    users.holdings.amount_cents.iter().all(|&a| a >= 0),
                    "{name}: negative holding"
                );
                for platform in &world.platforms {
                    let owed: i64 = (0..users.holdings.platform.len())
                        .filter(|&s| users.holdings.platform[s] == platform.id)
                        .map(|s| users.holdings.amount_cents[s])
                        .sum();
                    if platform.settlement.is_none() {
                        assert_eq!(
                            owed, platform.claims_cents,
                            "{name}: claims of platform {}",
                            platform.id
                        );
                    }
                }
                assert!(
                    world.totals.losses_incurred_cents >= previous_losses,
                    "cumulative losses decreased"
                );
                previous_losses = world.totals.losses_incurred_cents;
            }
        }
    }
}

#[test]
fn a_run_is_identical_for_the_same_seed_and_differs_for_another() {
    let scenario = shipped("platform_collapse", &["population.users=3000", "horizon_days=120"]);
    let a = trustsim::run::simulate(&scenario, None, 5).unwrap();
    let b = trustsim::run::simulate(&scenario, None, 5).unwrap();
    let c = trustsim::run::simulate(&scenario, None, 6).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.series, c.series);
}

#[test]
fn ensembles_do_not_depend_on_the_thread_count() {
    let scenario = shipped("baseline", &["population.users=2000", "horizon_days=60"]);
    let seeds: Vec<u64> = (1..=6).collect();
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| trustsim::run::simulate_many(&scenario, None, &seeds).unwrap())
    };
    assert_eq!(on(1), on(2));
}

#[test]
fn every_jurisdiction_gets_its_share_of_each_platform_type() {
    let scenario = crate::common::inline(
        r#"
[population]
users = 500
[platforms]
count = 40
[[regulator]]
name = "east"
jurisdiction_share = 0.5
[[regulator]]
name = "west"
jurisdiction_share = 0.5
"#,
    );
    let world = World::build(&scenario, None, 1).unwrap();
    for kind in trustsim::scenario::PlatformType::ALL {
        let of_kind: Vec<_> = world.platforms.iter().filter(|p| p.kind == kind).collect();
        let east = of_kind.iter().filter(|p| p.regulator == 0).count();
        assert_eq!(
            east,
            of_kind.len() / 2,
            "{kind:?}: {east} of {} with the first regulator",
            of_kind.len()
        );
    }
}

#[test]
fn a_fundraising_ban_also_binds_platforms_that_enter_later() {
    let scenario = crate::common::inline(
        r#"
horizon_days = 200
[population]
users = 1000
[platforms]
count = 10
entry_rate = 50.0
[[event]]
day = 1
kind = "fundraising_ban"
"#,
    );
    let mut world = World::build(&scenario, None, 3).unwrap();
    for _ in 0..scenario.horizon_days {
        world.step().unwrap();
    }
    assert!(world.platforms.len() > 10, "no platform entered");
    assert!(world
        .platforms
        .iter()
        .all(|p| p.fundraising_banned && p.peak_claims_cents == 0 || p.id < 10));
}

#[test]
fn a_follower_without_lag_adopts_its_leaders_stringency_the_same_day_whatever_the_order() {
    let scenario = crate::common::inline(
        r#"
horizon_days = 20
[population]
users = 300
[platforms]
count = 10
[[regulator]]
name = "province"
jurisdiction_share = 0.5
follows = "national"
[[regulator]]
name = "national"
jurisdiction_share = 0.5
[[event]]
day = 5
kind = "tightening"
regulator = "national"
stringency = 0.9
"#,
    );
    let mut world = World::build(&scenario, None, 1).unwrap();
    for _ in 0..scenario.horizon_days {
        world.step().unwrap();
    }
    assert_eq!(
        world.regulators[0].stringency_history,
        world.regulators[1].stringency_history
    );
    assert_eq!(world.regulators[0].stringency_history[5], 0.9);
}

#[test]
fn a_single_run_is_identical_whatever_the_thread_count() {
    // Enough users for several chunks of the users' day, so that the chunks run in parallel.
    let scenario = shipped("platform_collapse", &["population.users=20000", "horizon_days=60"]);
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| trustsim::run::simulate(&scenario, None, 4).unwrap())
    };
    assert_eq!(on(1), on(2));
}
