//! Regulators and policy: jurisdictions, bans, and followers of a lead regulator.

use crate::common::{inline, run_to_end};

#[test]
fn every_jurisdiction_gets_its_share_of_each_platform_type() {
    let scenario = inline(
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
    let world = trustsim::model::world::World::build(&scenario, None, 1).unwrap();
    for kind in trustsim::scenario::tables::PlatformType::ALL {
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
    let scenario = inline(
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
    let world = run_to_end(&scenario, 3);
    assert!(world.platforms.len() > 10, "no platform entered");
    assert!(world
        .platforms
        .iter()
        .all(|p| p.fundraising_banned && p.peak_claims_cents == 0 || p.id < 10));
}

#[test]
fn a_follower_without_lag_adopts_its_leaders_stringency_the_same_day_whatever_the_order() {
    let scenario = inline(
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
    let world = run_to_end(&scenario, 1);
    assert_eq!(
        world.regulators[0].stringency_history,
        world.regulators[1].stringency_history
    );
    assert_eq!(world.regulators[0].stringency_history[5], 0.9);
}
