//! Hostile input: every input the fuzzer ever crashed on (tests/fuzz_regressions/) now loads or
//! fails with an error, and scenarios asking for more than trustsim allows get a clear error
//! naming the file, line, key and maximum instead of exhausting memory.

use std::path::Path;

use crate::binary::{assert_mentions, rejects, Test, HEADER};
use crate::common::root;
use trustsim::scenario::limits::{
    MAX_EDGE_LIST_FILE_BYTES, MAX_EVENTS, MAX_HOLDING_SLOTS, MAX_INTERVENTIONS, MAX_REGULATORS,
    MAX_SCENARIO_FILE_BYTES, MAX_STRATEGIES,
};
use trustsim::scenario::loader::parse;

/// Reads a fuzzer input as the fuzz target does: the scenario text, then `--set` overrides,
/// separated by NUL bytes.
fn load_fuzz_input(bytes: &[u8]) -> trustsim::Result<trustsim::scenario::schema::Scenario> {
    let mut parts = bytes.split(|&b| b == 0);
    let text = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let overrides: Vec<String> = parts.map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    parse(&text, "fuzz.toml", &overrides, Path::new("fuzz.toml"))
}

#[test]
fn every_input_the_fuzzer_crashed_on_loads_or_fails_cleanly() {
    let dir = root().join("tests/fuzz_regressions");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzz_regressions exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).expect("readable");
        match load_fuzz_input(&bytes) {
            Ok(scenario) => {
                let resolved = toml::to_string(&scenario).expect("a valid scenario serializes");
                let again = parse(&resolved, "resolved.toml", &[], Path::new("resolved.toml"))
                    .unwrap_or_else(|e| panic!("{}: the resolved scenario does not load: {e}", path.display()));
                assert_eq!(again, scenario, "{}", path.display());
            }
            Err(error) => assert!(!error.to_string().is_empty(), "{}", path.display()),
        }
    }
}

#[test]
fn ten_million_users_are_allowed() {
    let output = Test::new()
        .file("big.toml", HEADER.replace("users = 2000", "users = 10000000"))
        .args(["validate", "big.toml"])
        .run()
        .success();
    assert_eq!(output.stdout, "ok: big.toml\n");
}

#[test]
fn a_run_too_large_for_memory_names_the_key_and_the_maximum() {
    let error = rejects(
        "schema_version = 1\nhorizon_days = 36500\n\n[platforms]\ncount = 100000\n",
        &[],
    );
    assert_mentions(&error, &["bad.toml:5:", "platforms.count", "GiB", "16.00 GiB allowed"]);
    let error = rejects(
        &format!("{HEADER}\n[network]\nmean_degree = 1000\n"),
        &["--set", "population.users=10000000"],
    );
    assert_mentions(&error, &["bad.toml:7:", "network.mean_degree", "at most 2000000000"]);
}

#[test]
fn too_many_events_are_refused() {
    let events = "[[event]]\nday = 1\nkind = \"rumour\"\n".repeat(MAX_EVENTS + 1);
    let error = rejects(&format!("{HEADER}{events}"), &[]);
    assert_mentions(&error, &["bad.toml:5:", "`event`", &format!("at most {MAX_EVENTS}")]);
}

#[test]
fn too_many_strategies_interventions_regulators_or_slots_are_refused() {
    let strategies: String = (0..=MAX_STRATEGIES)
        .map(|i| format!("[[strategy]]\nname = \"s{i}\"\n"))
        .collect();
    let error = rejects(&format!("{HEADER}{strategies}"), &[]);
    assert_mentions(&error, &["`strategy`", &format!("at most {MAX_STRATEGIES}")]);

    let interventions =
        "[[strategy.intervention]]\nkind = \"fund_custody\"\nstart_day = 1\n".repeat(MAX_INTERVENTIONS + 1);
    let error = rejects(&format!("{HEADER}[[strategy]]\nname = \"s\"\n{interventions}"), &[]);
    assert_mentions(
        &error,
        &["`strategy[0].intervention`", &format!("at most {MAX_INTERVENTIONS}")],
    );

    let share = 1.0 / (MAX_REGULATORS + 1) as f64;
    let regulators: String = (0..=MAX_REGULATORS)
        .map(|i| format!("[[regulator]]\nname = \"r{i}\"\njurisdiction_share = {share}\n"))
        .collect();
    let error = rejects(&format!("{HEADER}{regulators}"), &[]);
    assert_mentions(&error, &["`regulator`", &format!("at most {MAX_REGULATORS}")]);

    let error = rejects(
        HEADER,
        &[
            "--set",
            "population.users=20000000",
            "--set",
            "population.holdings_per_user=11",
            "--set",
            "platforms.count=20",
        ],
    );
    assert_mentions(
        &error,
        &["population.holdings_per_user", &format!("at most {MAX_HOLDING_SLOTS}")],
    );
}

#[test]
fn an_oversized_scenario_file_is_refused_before_it_is_read() {
    let padding = "#".repeat(MAX_SCENARIO_FILE_BYTES as usize);
    let error = rejects(&format!("{HEADER}{padding}"), &[]);
    assert_mentions(
        &error,
        &["bad.toml: ", &format!("at most {MAX_SCENARIO_FILE_BYTES} bytes")],
    );
}

#[test]
fn an_oversized_edge_list_is_refused_before_it_is_read() {
    let test = Test::new().file(
        "net.toml",
        format!("{HEADER}\n[network]\nkind = \"edge_list\"\nedge_list = \"edges.csv\"\n"),
    );
    // A sparse file: its length is past the limit without writing gigabytes.
    let file = std::fs::File::create(test.path("edges.csv")).unwrap();
    file.set_len(MAX_EDGE_LIST_FILE_BYTES + 1).unwrap();
    let output = test.args(["validate", "net.toml"]).run();
    let error = output.error("results/out");
    assert_mentions(
        &error,
        &["edges.csv", &format!("at most {MAX_EDGE_LIST_FILE_BYTES} bytes")],
    );
}

#[test]
fn money_compounding_beyond_exact_accounting_is_an_input_error_not_a_bug() {
    // Loans yielding 100% a year for 33 years multiply the money e^33-fold: past 2^60 cents.
    let output = Test::new()
        .file("s.toml", HEADER.replace("horizon_days = 60", "horizon_days = 12000"))
        .args(["run", "s.toml", "--out", "out", "--set", "population.users=200"])
        .args(["--set", "platforms.loan_yield={sound=1}"])
        .run();
    let error = output.error("out");
    assert_mentions(
        &error,
        &["1152921504606846976 cents", "platforms.loan_yield", "horizon_days"],
    );
    assert!(!error.contains("invariant"), "{error}");
}
