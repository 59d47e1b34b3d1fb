//! Public cost (MODEL §7.18a): every action is charged at its `[public_cost]` price, the parts
//! add up to `public_cost_yuan`, the prices change no behaviour, and `comparison.csv`'s loss
//! averted per public yuan is the ratio of the paired means.

use trustsim::analysis::comparison::{compare_outcomes, numeric_fields};
use trustsim::experiment::run::{simulate_for, RunResult};
use trustsim::scenario::schema::Scenario;

use crate::common::shipped;

/// `platform_collapse`, small, with the given prices.
fn collapse(prices: &[&str]) -> Scenario {
    let mut overrides = vec!["population.users=2000", "horizon_days=150"];
    overrides.extend_from_slice(prices);
    shipped("platform_collapse", &overrides)
}

/// The run of strategy `name` with `seed`.
fn run_of(scenario: &Scenario, name: &str, seed: u64) -> RunResult {
    let index = scenario
        .strategies()
        .iter()
        .position(|s| s.name == name)
        .expect("a shipped strategy");
    simulate_for(scenario, index, None, seed).expect("runs")
}

const STRATEGIES: [&str; 5] = [
    "status_quo",
    "compensation_fund",
    "backstop",
    "education",
    "early_warning",
];

#[test]
fn each_action_is_charged_at_its_price_and_the_parts_add_up() {
    let scenario = collapse(&[
        "public_cost.education_per_user_yuan=2.5",
        "public_cost.inspection_yuan=10000",
        "public_cost.wind_down_yuan=300000",
    ]);
    for name in STRATEGIES {
        let o = run_of(&scenario, name, 2).outcome;
        assert_eq!(o.education_cost_yuan, 2.5 * o.users_educated as f64, "{name}");
        assert_eq!(o.inspection_cost_yuan, 10_000.0 * o.inspections as f64, "{name}");
        assert_eq!(o.wind_down_cost_yuan, 300_000.0 * o.wound_down as f64, "{name}");
        let fund = (o.losses_compensated_yuan - o.fund_levies_yuan).max(0.0);
        assert!(
            (o.fund_cost_yuan - fund).abs() < 0.011,
            "{name}: fund cost {}",
            o.fund_cost_yuan
        );
        let parts = o.fund_cost_yuan
            + o.backstop_loss_yuan
            + o.education_cost_yuan
            + o.inspection_cost_yuan
            + o.wind_down_cost_yuan;
        assert!(
            (o.public_cost_yuan - parts).abs() < 0.011,
            "{name}: {} vs {parts}",
            o.public_cost_yuan
        );
        match name {
            "compensation_fund" => assert!(o.losses_compensated_yuan > 0.0 && o.fund_levies_yuan > 0.0),
            "backstop" => assert!(o.backstop_loss_yuan <= o.backstop_loans_yuan),
            "education" => assert!(o.users_educated > 0),
            "status_quo" => assert_eq!(
                (o.users_educated, o.fund_levies_yuan, o.backstop_loans_yuan),
                (0, 0.0, 0.0)
            ),
            _ => {}
        }
    }
}

#[test]
fn prices_are_accounting_only_and_change_no_other_outcome() {
    let free = collapse(&[
        "public_cost.education_per_user_yuan=0",
        "public_cost.inspection_yuan=0",
        "public_cost.wind_down_yuan=0",
    ]);
    let priced = collapse(&[]);
    let costs = [
        "education_cost_yuan",
        "inspection_cost_yuan",
        "wind_down_cost_yuan",
        "public_cost_yuan",
    ];
    for name in ["education", "early_warning"] {
        let (a, b) = (run_of(&free, name, 3).outcome, run_of(&priced, name, 3).outcome);
        let (a, b) = (numeric_fields(&a, ""), numeric_fields(&b, ""));
        for ((measure, x), (_, y)) in a.iter().zip(&b) {
            if costs.contains(&measure.as_str()) {
                assert!(*y >= *x, "{name} {measure}");
            } else {
                assert_eq!(x, y, "{name} {measure}");
            }
        }
        let public = |fields: &[(String, f64)]| fields.iter().find(|(m, _)| m == "public_cost_yuan").unwrap().1;
        assert!(public(&b) > public(&a), "{name}: the default prices cost something");
    }
}

#[test]
fn the_cost_effectiveness_is_the_ratio_of_paired_mean_loss_averted_to_extra_public_money() {
    let scenario = collapse(&[]);
    let names = [
        "status_quo".to_string(),
        "compensation_fund".to_string(),
        "backstop".to_string(),
    ];
    let outcomes: Vec<Vec<Vec<(String, f64)>>> = names
        .iter()
        .map(|name| {
            (1..=4)
                .map(|seed| numeric_fields(&run_of(&scenario, name, seed).outcome, "seed"))
                .collect()
        })
        .collect();
    let value = |s: usize, seed: usize, measure: &str| outcomes[s][seed].iter().find(|(m, _)| m == measure).unwrap().1;
    let table = compare_outcomes(&names, 0, &outcomes);
    let row = |strategy: &str, outcome: &str| {
        table
            .iter()
            .find(|r| r.strategy == strategy && r.outcome == outcome)
            .unwrap()
    };
    let averted: f64 = (0..4)
        .map(|i| value(0, i, "net_loss_yuan") - value(1, i, "net_loss_yuan"))
        .sum();
    let extra: f64 = (0..4)
        .map(|i| value(1, i, "public_cost_yuan") - value(0, i, "public_cost_yuan"))
        .sum();
    assert!(extra > 0.0, "the fund spends public money");
    let fund = row("compensation_fund", "net_loss_yuan");
    assert!((fund.averted_per_public_yuan - averted / extra).abs() < 1e-9 * (averted / extra).abs().max(1.0));
    assert!(fund.averted_per_public_yuan_ci_low < fund.averted_per_public_yuan);
    assert!(fund.averted_per_public_yuan < fund.averted_per_public_yuan_ci_high);
    assert!(row("compensation_fund", "losses_incurred_yuan")
        .averted_per_public_yuan
        .is_finite());
    assert!(
        row("compensation_fund", "trough_trust")
            .averted_per_public_yuan
            .is_nan(),
        "not a loss"
    );
    assert!(
        row("status_quo", "net_loss_yuan").averted_per_public_yuan.is_nan(),
        "the reference"
    );
    // The backstop lends from its own capital and at this size loses none of it.
    let backstop = row("backstop", "public_cost_yuan");
    assert!(backstop.diff <= 0.0, "{}", backstop.diff);
    assert!(row("backstop", "net_loss_yuan").averted_per_public_yuan.is_nan());
}
