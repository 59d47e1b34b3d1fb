//! Early warning in the shipped crisis: the complaint and outflow indicators foretell failures
//! with a positive lead, and `trustsim warn` writes its evaluation.

use trustsim::model::warnings_day::score_names;
use trustsim::output::warning_tables::merged;

use crate::binary::*;
use crate::common::{root, runs, shipped};
use crate::compare::COMPARE_FILES;

#[test]
fn complaints_and_outflows_foretell_failures_in_the_platform_collapse() {
    let scenario = shipped("platform_collapse", &["population.users=10000"]);
    let runs = runs(&scenario, 4);
    let evaluations = &merged(runs.iter().map(|r| r.warnings.as_slice()));
    for indicator in ["complaints", "net_outflow"] {
        let k = score_names().iter().position(|s| *s == indicator).unwrap();
        let e = &evaluations[k];
        assert!(e.failures() > 0, "no failure to foretell");
        assert!(e.hits() > 0, "{indicator}: no failure was foretold");
        assert!(e.mean_lead() > 0.0, "{indicator}: mean lead {}", e.mean_lead());
        assert!(e.auc() > 0.5, "{indicator}: AUC {}", e.auc());
    }
}

#[test]
fn warn_writes_the_evaluation_of_one_strategy() {
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    let output = Test::new()
        .arg("warn")
        .arg(&scenario)
        .args(["--seeds", "2", "--strategy", "early_warning", "--out", "out"])
        .args(SMALL)
        .run()
        .success();
    // What compare writes of the early warning, with the resolved scenario and the manifest.
    let expected: std::collections::BTreeSet<String> = COMPARE_FILES
        .iter()
        .filter(|f| f.starts_with("warning_") || ["manifest.json", "scenario.toml"].contains(f))
        .map(|f| f.to_string())
        .collect();
    assert_eq!(output.entries("out"), expected);
    let manifest: serde_json::Value = serde_json::from_str(&output.text("out/manifest.json")).unwrap();
    assert_eq!(manifest["strategy"], "early_warning");
    let roc = output.text("out/warning_roc.csv");
    assert_eq!(
        roc.lines().count(),
        1 + score_names().len() * 401,
        "every threshold of every score"
    );
    for score in score_names() {
        assert!(
            output.stdout.contains(&format!("{score} ")),
            "{score} in the report:\n{output}"
        );
    }
    let error = Test::new()
        .arg("warn")
        .arg(&scenario)
        .args(["--strategy", "nope", "--out", "out"])
        .args(SMALL)
        .run()
        .error("out");
    assert_mentions(&error, &["--strategy", "nope", "early_warning"]);
}
