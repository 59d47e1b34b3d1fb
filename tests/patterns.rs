//! Patterns the model must show (issue: core simulator, section 7). Each emerges from the rules;
//! each compares paired seeds (common random numbers) with enough seeds for a sound test.

use crate::common::{mean, paired_t, runs, shipped};
use trustsim::experiment::run::RunResult;
use trustsim::model::platform::PlatformState;
use trustsim::model::world::World;
use trustsim::scenario::tables::PlatformType;

const SEEDS: u64 = 12;

/// A rumour intensity that makes part, not all, of a platform's holders run.
const MILD_RUMOUR: f64 = 0.3;

fn column(results: &[RunResult], f: impl Fn(&RunResult) -> f64) -> Vec<f64> {
    results.iter().map(f).collect()
}

fn sum_days(
    result: &RunResult,
    days: std::ops::RangeInclusive<u32>,
    f: impl Fn(&trustsim::model::metrics::StepMetrics) -> f64,
) -> f64 {
    result.series.iter().filter(|r| days.contains(&r.day)).map(f).sum()
}

#[test]
fn trust_falls_faster_than_it_recovers() {
    let scenario = shipped("platform_collapse", &["population.users=10000"]);
    for r in runs(&scenario, SEEDS) {
        let o = &r.outcome;
        let loss = o.pre_shock_trust - o.trough_trust;
        assert!(loss > 0.01, "seed {}: the shock should cost trust", r.seed);
        // Days to lose half the eventual loss, against days to regain half of it after the trough.
        let half_fall = r.series[30..]
            .iter()
            .find(|row| row.trust_mean <= o.pre_shock_trust - 0.5 * loss)
            .unwrap()
            .day
            - 30;
        let half_rise = r.series[o.trough_day as usize..]
            .iter()
            .find(|row| row.trust_mean >= o.trough_trust + 0.5 * loss)
            .map_or(u32::MAX, |row| row.day - o.trough_day); // never regained: slower than any fall
        eprintln!(
            "seed {}: lost {loss:.3}; half of it in {half_fall} days, half regained in {half_rise} days",
            r.seed
        );
        assert!(2 * half_fall.max(1) < half_rise, "seed {}", r.seed);
    }
}

#[test]
fn a_large_collapse_raises_withdrawals_at_unrelated_sound_platforms() {
    // Calm worlds have occasional runs of their own, so the amounts are heavy-tailed: use a sign
    // test. Were the collapse without effect, 15 or more of 20 paired seeds would show more
    // withdrawals after it with probability 0.021.
    let seeds = 20;
    let shock = runs(&shipped("platform_collapse", &["population.users=10000"]), seeds);
    let calm = runs(
        &shipped("platform_collapse", &["population.users=10000", "event=[]"]),
        seeds,
    );
    let requested = |r: &RunResult| sum_days(r, 31..=90, |row| row.requested_sound_yuan);
    let (a, b) = (column(&shock, requested), column(&calm, requested));
    let more = a.iter().zip(&b).filter(|(x, y)| x > y).count();
    eprintln!(
        "sound withdrawals after shock {:.0} vs calm {:.0}; more in {more} of {seeds}",
        mean(&a),
        mean(&b)
    );
    assert!(more >= 15);
    assert!(mean(&a) > 1.5 * mean(&b));
}

/// The largest platform of type `kind` on day 20 of the baseline (10,000 users), per seed: the
/// target of the rumour, fixed by index so that every variant hits the same platform.
fn rumour_target(seed: u64, kind: PlatformType) -> u32 {
    let scenario = shipped("baseline", &["population.users=10000"]);
    let mut world = World::build(&scenario, None, seed).unwrap();
    for _ in 0..19 {
        world.step().unwrap();
    }
    world
        .platforms
        .iter()
        .filter(|p| p.kind == kind)
        .max_by_key(|p| p.claims_cents)
        .unwrap()
        .id
}

/// Whether the largest platform of type `kind` failed after a rumour of `intensity` about it on
/// day 20, per seed, with `intervention` (an event table) on day 19.
fn rumour_failures(kind: PlatformType, intensity: f64, intervention: Option<&str>) -> Vec<f64> {
    (1..=SEEDS)
        .map(|seed| {
            let target = rumour_target(seed, kind);
            let rumour = format!("{{day=20, kind=\"rumour\", platform=\"#{target}\", intensity={intensity:?}}}");
            let events = match intervention {
                Some(event) => format!("event=[{rumour}, {event}]"),
                None => format!("event=[{rumour}]"),
            };
            let scenario = shipped("baseline", &["population.users=10000", "horizon_days=200", &events]);
            let run = trustsim::experiment::run::simulate(&scenario, None, seed).unwrap();
            let state = run.platforms[target as usize].state;
            f64::from(u8::from(
                state == PlatformState::Collapsed || state == PlatformState::WoundDown,
            ))
        })
        .collect()
}

#[test]
fn a_panic_run_brings_down_a_solvent_fragile_platform_unless_backstopped_or_insured() {
    let fragile = PlatformType::Fragile;
    let panic = rumour_failures(fragile, 1.5, None);
    let backstop = rumour_failures(fragile, 1.5, Some("{day=19, kind=\"liquidity_backstop\"}"));
    let fund = rumour_failures(
        fragile,
        1.5,
        Some("{day=19, kind=\"compensation_fund\", coverage=1.0, capital_yuan=1.0e9}"),
    );
    eprintln!("rumoured platform failed: panic {panic:?}, backstop {backstop:?}, fund {fund:?}");
    assert!(
        mean(&panic) >= 0.75,
        "the rumour should usually bring the platform down"
    );
    assert!(mean(&backstop) <= 0.25 * mean(&panic));
    assert!(mean(&fund) <= 0.25 * mean(&panic));
}

#[test]
fn a_complete_run_brings_down_any_type_but_a_sound_platform_withstands_a_milder_one() {
    let sound = PlatformType::Sound;
    let complete_sound = rumour_failures(sound, 1.5, None);
    let mild_sound = rumour_failures(sound, MILD_RUMOUR, None);
    let mild_fragile = rumour_failures(PlatformType::Fragile, MILD_RUMOUR, None);
    let backstopped_sound = rumour_failures(sound, 1.5, Some("{day=19, kind=\"liquidity_backstop\"}"));
    eprintln!(
        "failed: sound complete {complete_sound:?}, sound mild {mild_sound:?}, fragile mild {mild_fragile:?}, \
         sound backstopped {backstopped_sound:?}"
    );
    assert!(
        mean(&complete_sound) >= 0.75,
        "Diamond–Dybvig: a complete run fells a solvent platform"
    );
    assert!(
        mean(&mild_fragile) >= mean(&mild_sound) + 0.3,
        "a milder rumour fells the fragile platform far more often than the sound one"
    );
    assert!(
        mean(&backstopped_sound) <= 0.25 * mean(&complete_sound),
        "a lender of last resort saves it"
    );
}

#[test]
fn the_rumoured_fragile_platform_was_solvent_when_the_run_began() {
    let scenario = shipped(
        "baseline",
        &[
            "population.users=10000",
            "event=[{day=20, kind=\"rumour\", platform=\"largest_fragile\", intensity=1.5}]",
        ],
    );
    for seed in 1..=4 {
        let mut world = World::build(&scenario, None, seed).unwrap();
        for _ in 0..19 {
            world.step().unwrap();
        }
        let largest = world
            .platforms
            .iter()
            .filter(|p| p.kind == PlatformType::Fragile)
            .max_by_key(|p| p.claims_cents)
            .unwrap();
        assert!(
            largest.is_solvent(),
            "seed {seed}: platform {} insolvent before the rumour",
            largest.id
        );
        assert_eq!(largest.state, PlatformState::Operating);
    }
}

#[test]
fn frauds_run_away_soon_after_inflows_dry_up() {
    let ban = runs(
        &shipped(
            "baseline",
            &["population.users=10000", "event=[{day=60, kind=\"fundraising_ban\"}]"],
        ),
        SEEDS,
    );
    let open = runs(&shipped("baseline", &["population.users=10000"]), SEEDS);
    let frauds_open = |r: &RunResult| r.series[120].open_fraudulent as f64;
    let (a, b) = (column(&ban, frauds_open), column(&open, frauds_open));
    eprintln!("frauds open on day 120: ban {a:?}, no ban {b:?}");
    assert!(mean(&a) < 0.25 * mean(&b));
}

#[test]
fn stalling_frauds_show_withdrawal_difficulties_where_others_abscond() {
    let starved = |stall: &str| {
        let scenario = shipped(
            "baseline",
            &[
                "population.users=5000",
                "horizon_days=150",
                &format!("platforms.fraud_stall_share={stall}"),
                "event=[{day=30, kind=\"fundraising_ban\"}]",
            ],
        );
        let runs = runs(&scenario, 4);
        let total = |f: fn(&trustsim::model::metrics::StepMetrics) -> u64| -> u64 {
            runs.iter().flat_map(|r| r.series.iter().map(f)).sum()
        };
        (
            total(|m| m.new_problem_absconded),
            total(|m| m.new_problem_withdrawal_difficulty),
        )
    };
    let (absconded, difficulty) = starved("0.0");
    assert!(absconded >= 8, "starved frauds abscond: {absconded}");
    let (stalled_absconded, stalled_difficulty) = starved("1.0");
    eprintln!("absconded {absconded} → {stalled_absconded}, difficulty {difficulty} → {stalled_difficulty}");
    assert!(stalled_absconded * 4 < absconded, "stalling frauds do not run away");
    assert!(
        stalled_difficulty >= difficulty + absconded / 2,
        "they suspend withdrawals instead"
    );
}

#[test]
fn a_data_leak_hits_the_leaking_platforms_users_far_more_than_others() {
    let scenario = shipped("data_leak", &["population.users=10000"]);
    let (mut holders_drop, mut others_drop) = (Vec::new(), Vec::new());
    for seed in 1..=SEEDS {
        let mut world = World::build(&scenario, None, seed).unwrap();
        for _ in 0..59 {
            world.step().unwrap();
        }
        let target = world
            .platforms
            .iter()
            .filter(|p| p.kind == PlatformType::Fragile && !p.state.is_closed())
            .max_by_key(|p| p.claims_cents)
            .unwrap()
            .id;
        let holds: Vec<bool> = (0..world.users.len())
            .map(|i| world.users.holdings_of(i).iter().any(|h| h.platform == target))
            .collect();
        let before = world.users.sector_trusts();
        for _ in 0..15 {
            world.step().unwrap();
        }
        let drop = |want: bool| {
            let d: Vec<f64> = (0..holds.len())
                .filter(|&i| holds[i] == want)
                .map(|i| f64::from(before[i] - world.users.sector_trust(i)))
                .collect();
            mean(&d)
        };
        holders_drop.push(drop(true));
        others_drop.push(drop(false));
    }
    eprintln!("trust drop: holders {holders_drop:?}, others {others_drop:?}");
    assert!(mean(&holders_drop) > 3.0 * mean(&others_drop).max(0.001));
    assert!(paired_t(&holders_drop, &others_drop) > 3.0);
}

const LITERATE: &str = "population.literacy={dist=\"beta\", alpha=5, beta=2}";

#[test]
fn higher_literacy_reduces_losses_to_fraud() {
    let low = runs(&shipped("platform_collapse", &["population.users=10000"]), SEEDS);
    let high = runs(
        &shipped("platform_collapse", &["population.users=10000", LITERATE]),
        SEEDS,
    );
    // A Ponzi still open at the end owes money it cannot repay: count it with what was lost.
    let fraud_loss = |r: &RunResult| r.outcome.net_loss_fraudulent_yuan + r.outcome.fraud_claims_open_yuan;
    let (a, b) = (column(&low, fraud_loss), column(&high, fraud_loss));
    eprintln!(
        "losses to fraud: low literacy {:.0}, high literacy {:.0}, t = {:.1}",
        mean(&a),
        mean(&b),
        paired_t(&a, &b)
    );
    assert!(paired_t(&a, &b) > 3.0);
}

#[test]
fn higher_literacy_reduces_herd_withdrawals() {
    // No frauds, so that literacy cannot change the shocks themselves: the largest platform
    // collapses on day 30 and the other platforms see the herd's withdrawals.
    let base = [
        "population.users=10000",
        "platforms.share={sound=0.8, fragile=0.2, fraudulent=0.0}",
        "event=[{day=30, kind=\"collapse\", platform=\"largest\"}]",
    ];
    let low = runs(&shipped("platform_collapse", &base), SEEDS);
    let high = runs(&shipped("platform_collapse", &[&base[..], &[LITERATE]].concat()), SEEDS);
    let herd = |r: &RunResult| sum_days(r, 31..=120, |row| row.requested_sound_yuan + row.requested_fragile_yuan);
    let (a, b) = (column(&low, herd), column(&high, herd));
    // The effect is multiplicative and the amounts heavy-tailed: test the paired log ratio.
    let log = |v: &[f64]| v.iter().map(|x| x.ln()).collect::<Vec<f64>>();
    let t = paired_t(&log(&a), &log(&b));
    eprintln!(
        "herd withdrawals: low literacy {:.0}, high literacy {:.0}, t(log) = {t:.1}",
        mean(&a),
        mean(&b)
    );
    assert!(t > 3.0);
}
