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
