//! Money is conserved at every step of every shipped scenario, state stays in bounds, and what
//! the users' day tallies for observation agrees with a recount of the users.

use crate::common::{shipped, shipped_scenarios};
use trustsim::model::tally::UserTally;
use trustsim::model::world::World;

/// The tally gathered during the users' day equals a fresh count of the users as they stand
/// (sums of trust up to the order in which they were added).
fn assert_tally_matches_recount(world: &World, name: &str) {
    let recount = UserTally::of(&world.users);
    let tally = &world.tally;
    assert_eq!(tally.states, recount.states, "{name} day {}: users by state", world.day);
    assert_eq!(
        tally.investors, recount.investors,
        "{name} day {}: investors",
        world.day
    );
    for (of, recounted) in [(&tally.sector, &recount.sector), (&tally.holdings, &recount.holdings)] {
        for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
            assert_eq!(
                of.quantile(q),
                recounted.quantile(q),
                "{name} day {}: quantile {q}",
                world.day
            );
        }
        assert!(
            (of.mean() - recounted.mean()).abs() < 1e-9,
            "{name} day {}: mean",
            world.day
        );
    }
    assert!((tally.literacy - recount.literacy).abs() < 1e-6 * recount.literacy.max(1.0));
}

#[test]
fn every_strategy_of_every_shipped_scenario_conserves_money_at_every_step() {
    for path in shipped_scenarios() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let scenario = shipped(&name, &["population.users=4000"]);
        // Two seeds under the reference strategy, one under each of the others.
        let reference = scenario.reference_index().unwrap();
        let runs = (0..scenario.strategies().len()).flat_map(|s| {
            let seeds = if s == reference { 1..=2 } else { 3..=3 };
            seeds.map(move |seed| (s, seed))
        });
        for (strategy, seed) in runs {
            let name = format!("{name} strategy {strategy}");
            let mut world = World::build_for(&scenario, strategy, None, seed).unwrap();
            let mut previous_losses = 0;
            for _ in 0..scenario.horizon_days {
                // `step` checks money held = inflows − outflows to the cent and no negative balance.
                world.step().unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
                let users = &world.users;
                assert!(
                    users.sector_trusts().iter().all(|t| (0.0..=1.0).contains(t)),
                    "{name}: trust out of [0, 1]"
                );
                assert!(users.holdings.iter().all(|h| (0.0..=1.0).contains(&h.trust)));
                assert!(
                    users.holdings.iter().all(|h| h.amount_cents >= 0),
                    "{name}: negative holding"
                );
                for platform in &world.platforms {
                    let owed: i64 = users
                        .holdings
                        .iter()
                        .filter(|h| h.platform == platform.id)
                        .map(|h| h.amount_cents)
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
                assert_tally_matches_recount(&world, &name);
            }
        }
    }
}
