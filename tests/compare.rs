//! `trustsim compare`, end to end and through the library: outputs and their columns, identical
//! bytes whatever the thread count, common random numbers across strategies, a do-nothing
//! strategy that differs from the reference by exactly zero, and strategy errors that name the
//! file, line and key.

use trustsim::analysis::comparison::{compare_outcomes, numeric_fields};
use trustsim::experiment::run::simulate_for;

use crate::binary::*;
use crate::common::{inline, root};

/// Every file `compare --series` writes.
pub(crate) const COMPARE_FILES: [&str; 27] = [
    "comparison.csv",
    "exposure.png",
    "exposure.svg",
    "exposure_distribution.png",
    "exposure_distribution.svg",
    "loss_distribution.png",
    "loss_distribution.svg",
    "losses.png",
    "losses.svg",
    "manifest.json",
    "outcomes.csv",
    "platforms.png",
    "platforms.svg",
    "scenario.toml",
    "series.csv",
    "summary.csv",
    "trust.png",
    "trust.svg",
    "users.png",
    "users.svg",
    "warning_evaluation.csv",
    "warning_lead_times.csv",
    "warning_lead_times.png",
    "warning_lead_times.svg",
    "warning_roc.csv",
    "warning_roc.png",
    "warning_roc.svg",
];

/// `trustsim compare` on the shipped platform-collapse scenario, small, with `threads`.
fn compare_shipped(threads: &str) -> Output {
    Test::new()
        .arg("compare")
        .arg(root().join("scenarios").join("platform_collapse.toml"))
        .args([
            "--seeds",
            "3",
            "--threads",
            threads,
            "--series",
            "--out",
            "out",
            "--quiet",
        ])
        .args(["--set", "population.users=1500", "--set", "horizon_days=45"])
        .run()
        .success()
}

/// Header and rows of a CSV file, checking that every row has as many fields as the header.
fn table(output: &Output, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = output.text(file);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{file}: {e}"))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn compare_writes_every_output_identically_with_one_and_two_threads() {
    let one = compare_shipped("1");
    let two = compare_shipped("2");
    let expected: std::collections::BTreeSet<String> = COMPARE_FILES.iter().map(|f| f.to_string()).collect();
    assert_eq!(one.entries("out"), expected);
    assert_same_outputs(&one.path("out"), &two.path("out"));
    let manifest: serde_json::Value = serde_json::from_str(&one.text("out/manifest.json")).unwrap();
    assert_eq!(manifest["execution"]["threads"], 1);
    assert_eq!(manifest["build"]["target"].as_str().map(|t| !t.is_empty()), Some(true));
    assert!(manifest["build"]["git_commit"].is_string());
    for file in COMPARE_FILES.iter().filter(|f| **f != "manifest.json") {
        assert_eq!(
            manifest["files"][*file].as_str(),
            Some(sha256_hex(&one.read(&format!("out/{file}"))).as_str()),
            "{file}"
        );
    }
    assert_eq!(manifest["seeds"], serde_json::json!([1, 2, 3]));
    assert_eq!(manifest["reference_strategy"], "status_quo");
    assert_eq!(manifest["strategies"].as_array().unwrap().len(), 7);

    let (header, rows) = table(&one, "out/summary.csv");
    assert_eq!(
        header,
        ["strategy", "day", "metric", "n", "mean", "sd", "ci_low", "ci_high", "p10", "p50", "p90"]
    );
    let metrics = rows.iter().filter(|r| r[0] == "status_quo" && r[1] == "0").count();
    assert_eq!(rows.len(), 7 * 46 * metrics, "strategies × days × metrics");
    let (header, rows) = table(&one, "out/comparison.csv");
    assert_eq!(
        header,
        [
            "strategy",
            "outcome",
            "n",
            "mean",
            "ci_low",
            "ci_high",
            "reference",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
            "relative_change",
            "p_value",
            "averted_per_public_yuan",
            "averted_per_public_yuan_ci_low",
            "averted_per_public_yuan_ci_high"
        ]
    );
    let reference_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "status_quo").collect();
    assert!(
        reference_rows.iter().all(|r| r[7] == "0.0" && r[11] == "1.0"),
        "the reference against itself"
    );
    let (header, rows) = table(&one, "out/outcomes.csv");
    assert_eq!(&header[..3], ["strategy", "seed", "net_loss_yuan"]);
    assert_eq!(rows.len(), 7 * 3);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (net, open, exposure) = (
        column("net_loss_yuan"),
        column("fraud_claims_open_yuan"),
        column("investor_exposure_yuan"),
    );
    for row in &rows {
        let value = |k: usize| row[k].parse::<f64>().unwrap();
        assert_eq!(
            value(exposure),
            value(net) + value(open),
            "exposure is loss plus open fraud claims: {row:?}"
        );
    }
    let (header, rows) = table(&one, "out/series.csv");
    assert_eq!(&header[..3], ["strategy", "seed", "day"]);
    assert_eq!(rows.len(), 7 * 3 * 46);
    assert!(one.read("out/trust.png").starts_with(b"\x89PNG"));
    assert!(one.text("out/trust.svg").contains("compensation_fund"));
}

/// Two strategies: `a` adds nothing; `b` opens a compensation fund on `fund_day`.
fn two_strategies(fund_day: u32) -> trustsim::scenario::schema::Scenario {
    inline(&format!(
        "horizon_days = 60\n[population]\nusers = 1500\n\
         [[event]]\nday = 10\nkind = \"run_away\"\nplatform = \"largest_fraudulent\"\n\
         [[strategy]]\nname = \"a\"\n\
         [[strategy]]\nname = \"b\"\n[[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = {fund_day}\n"
    ))
}

#[test]
fn strategies_share_random_numbers_until_an_intervention_starts() {
    let scenario = two_strategies(30);
    let a = simulate_for(&scenario, 0, None, 4).unwrap();
    let b = simulate_for(&scenario, 1, None, 4).unwrap();
    // Day 30's events apply before that day's step: days 0 to 29 are the same world.
    assert_eq!(a.series[..30], b.series[..30]);
    assert_ne!(a.series[30..], b.series[30..], "the fund changes what follows");
}

#[test]
fn a_strategy_that_does_nothing_differs_from_the_reference_by_exactly_zero() {
    // An intervention past the horizon never starts: `b` is the reference in all but name.
    let scenario = two_strategies(200);
    let runs: Vec<Vec<_>> = (0..2)
        .map(|s| {
            (1..=4)
                .map(|seed| simulate_for(&scenario, s, None, seed).unwrap())
                .collect()
        })
        .collect();
    let names = ["a".to_string(), "b".to_string()];
    let outcomes: Vec<Vec<_>> = runs
        .iter()
        .map(|strategy_runs| {
            strategy_runs
                .iter()
                .map(|r| numeric_fields(&r.outcome, "seed"))
                .collect()
        })
        .collect();
    let table = compare_outcomes(&names, 0, &outcomes);
    let measures = numeric_fields(&runs[0][0].outcome, "seed").len();
    let b: Vec<_> = table.iter().filter(|r| r.strategy == "b").collect();
    assert_eq!(b.len(), measures);
    for row in b {
        assert_eq!(
            (row.diff, row.diff_ci_low, row.diff_ci_high, row.p_value),
            (0.0, 0.0, 0.0, 1.0),
            "{}",
            row.outcome
        );
    }
}

/// Runs `compare bad.toml --out results/out` on `scenario`; returns the error line.
fn compare_rejects(scenario: &str) -> String {
    Test::new()
        .file("bad.toml", scenario)
        .args(["compare", "bad.toml", "--seeds", "2", "--out", "results/out"])
        .run()
        .error("results/out")
}

#[test]
fn bad_strategies_name_the_file_line_and_key() {
    let error = compare_rejects(&format!(
        "{HEADER}[[strategy]]\nname = \"a\"\n[[strategy.intervention]]\nkind = \"run_away\"\nstart_day = 3\n"
    ));
    assert_mentions(
        &error,
        &["bad.toml:8:", "strategy[0].intervention[0].kind", "compensation_fund"],
    );
    let error = compare_rejects(&format!(
        "{HEADER}[[strategy]]\nname = \"a\"\n[[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 3\nramp_days = 10\n"
    ));
    assert_mentions(
        &error,
        &[
            "bad.toml:",
            "strategy[0].intervention[0].ramp_days",
            "education_campaign",
        ],
    );
    let error = compare_rejects(&format!(
        "{HEADER}[[strategy]]\nname = \"a\"\n[[strategy]]\nname = \"a\"\n"
    ));
    assert_mentions(&error, &["bad.toml:8:", "strategy[1].name", "unique"]);
    let error = compare_rejects(&format!(
        "reference_strategy = \"b\"\n{HEADER}[[strategy]]\nname = \"a\"\n"
    ));
    assert_mentions(&error, &["bad.toml:1:", "reference_strategy", "`a`"]);
    let error = compare_rejects(&format!(
        "{HEADER}[[strategy]]\nname = \"a\"\n[[strategy.intervention]]\nkind = \"warning_response\"\nstart_day = 1\nlevel = \"none\"\n"
    ));
    assert_mentions(
        &error,
        &["bad.toml:10:", "strategy[0].intervention[0].level", "emergency"],
    );
    let error = compare_rejects(&format!("{HEADER}[warning]\nwatch_level = 3.0\n"));
    assert_mentions(&error, &["warning.alert_level", "watch_level ≤ alert_level"]);
    let error = compare_rejects(&format!("{HEADER}[[strategy]]\nname = \"a b\"\n"));
    assert_mentions(&error, &["strategy[0].name", "letters, digits"]);
}

#[test]
fn run_takes_a_strategy_by_name() {
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    let output = Test::new()
        .arg("run")
        .arg(&scenario)
        .args(["--strategy", "backstop", "--out", "out", "--quiet"])
        .args(SMALL)
        .run()
        .success();
    let manifest: serde_json::Value = serde_json::from_str(&output.text("out/manifest.json")).unwrap();
    assert_eq!(manifest["strategy"], "backstop");
    let error = Test::new()
        .arg("run")
        .arg(&scenario)
        .args(["--strategy", "nope", "--out", "out"])
        .args(SMALL)
        .run()
        .error("out");
    assert_mentions(&error, &["--strategy", "nope", "status_quo", "backstop"]);
}
