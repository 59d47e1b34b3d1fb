//! `trustsim sweep` end to end on tiny sweeps of the shipped platform-collapse scenario: the
//! files of each design, run ids in their documented order, identical bytes whatever the thread
//! count, the SALib text layout, and sweep-file errors that name the file, line and key.

use crate::binary::*;
use crate::common::root;

/// A sweep file over the shipped platform collapse at a tiny size, with `body` after the header.
pub(crate) fn sweep_file(body: &str) -> String {
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    format!(
        "schema_version = 1\nscenario = {:?}\nset = [\"population.users=1500\", \"horizon_days=45\"]\n{body}",
        scenario.display().to_string()
    )
}

pub(crate) const MORRIS: &str = "strategies = [\"status_quo\", \"compensation_fund\"]\nseeds = 2\n\
outcomes = [\"net_loss_yuan\", \"trough_trust\"]\n\
[design]\nkind = \"morris\"\ntrajectories = 3\nresamples = 50\n\
[[parameter]]\nkey = \"strategy[1].intervention[0].coverage\"\nmin = 0.2\nmax = 1.0\n\
[[parameter]]\nkey = \"trust.loss_rate\"\nmin = 0.1\nmax = 0.4\n";

fn run_sweep(body: &str, threads: &str) -> Output {
    Test::new()
        .file("s.toml", sweep_file(body))
        .args(["sweep", "s.toml", "--out", "out", "--quiet", "--threads", threads])
        .run()
        .success()
}

fn rows(output: &Output, file: &str) -> Vec<Vec<String>> {
    let text = output.text(file);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn morris_sweep_is_identical_on_one_and_two_threads_and_lists_runs_in_order() {
    let one = run_sweep(MORRIS, "1");
    let two = run_sweep(MORRIS, "2");
    let files = one.entries("out");
    for expected in [
        "aggregates.csv",
        "manifest.json",
        "morris.csv",
        "morris_net_loss_yuan.png",
        "morris_trough_trust.svg",
        "points.csv",
        "runs.csv",
        "salib_X.txt",
        "salib_Y.txt",
        "salib_Y_columns.txt",
        "salib_params.txt",
        "scenario.toml",
        "sweep.toml",
    ] {
        assert!(files.contains(expected), "no {expected} in {files:?}");
    }
    assert!(!files.contains("sobol.csv"));
    assert_same_outputs(&one.path("out"), &two.path("out"));

    // 3 trajectories × (2 + 1) points × 2 strategies × 2 seeds, point-major.
    let runs = rows(&one, "out/runs.csv");
    assert_eq!(runs.len(), 1 + 9 * 2 * 2);
    assert_eq!(
        &runs[0][..6],
        [
            "run_id",
            "point",
            "strategy",
            "seed",
            // Issue 21: R's read.csv mangled brackets in column names.
            "strategy.compensation_fund.intervention.0.coverage",
            "trust.loss_rate"
        ]
    );
    let ids: Vec<&str> = runs[1..6].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        [
            "0/status_quo/1",
            "0/status_quo/2",
            "0/compensation_fund/1",
            "0/compensation_fund/2",
            "1/status_quo/1"
        ]
    );

    // Per parameter × outcome × strategy; coverage cannot move the status quo, which has no fund.
    let morris = rows(&one, "out/morris.csv");
    assert_eq!(
        morris[0],
        [
            "strategy",
            "outcome",
            "parameter",
            "mu",
            "mu_star",
            "sigma",
            "mu_star_conf"
        ]
    );
    assert_eq!(morris.len(), 1 + 2 * 2 * 2);
    let coverage_on_status_quo = morris
        .iter()
        .find(|r| r[0] == "status_quo" && r[2].starts_with("strategy.compensation_fund."))
        .unwrap();
    assert_eq!(coverage_on_status_quo[4], "0.0");

    // SALib's layout: `name lower upper`, then one whitespace-separated line per point.
    assert_eq!(
        one.text("out/salib_params.txt"),
        "strategy.compensation_fund.intervention[0].coverage 0.2 1\ntrust.loss_rate 0.1 0.4\n"
    );
    let x = one.text("out/salib_X.txt");
    assert_eq!(x.lines().count(), 9);
    assert!(x.lines().all(|line| line.split(' ').count() == 2));
    let y = one.text("out/salib_Y.txt");
    assert!(y.lines().all(|line| line.split(' ').count() == 4));
    assert_eq!(
        one.text("out/salib_Y_columns.txt"),
        "0 status_quo net_loss_yuan\n1 status_quo trough_trust\n2 compensation_fund net_loss_yuan\n3 compensation_fund trough_trust\n"
    );
    let manifest: serde_json::Value = serde_json::from_str(&one.text("out/manifest.json")).unwrap();
    assert_eq!(manifest["command"], "sweep");
    assert_eq!(manifest["runs"], 36);
    assert_eq!(manifest["reference_strategy"], "status_quo");
}

#[test]
fn saltelli_sweep_writes_sobol_indices_with_intervals() {
    let body = "strategies = [\"compensation_fund\"]\nseeds = 1\n\
[design]\nkind = \"saltelli\"\nbase_samples = 4\nresamples = 20\n\
[[parameter]]\nkey = \"strategy[1].intervention[0].coverage\"\nmin = 0.2\nmax = 1.0\n\
[[parameter]]\nkey = \"strategy[1].intervention[0].cap_yuan\"\nmin = 1000.0\nmax = 50000.0\n";
    let output = run_sweep(body, "2");
    assert_eq!(output.text("out/salib_X.txt").lines().count(), 4 * (2 + 2));
    let sobol = rows(&output, "out/sobol.csv");
    assert_eq!(
        sobol[0],
        ["strategy", "outcome", "parameter", "s1", "s1_conf", "st", "st_conf"]
    );
    assert_eq!(sobol.len(), 1 + 2);
    assert!(output.entries("out").contains("sobol_net_loss_yuan.png"));
}

/// Issue 20, item 6: a sweep gets a report like `compare`'s, from `sweep --report` or
/// `trustsim report DIR`, and a shard's output does not.
#[test]
fn a_sweep_reports_its_design_indices_and_charts_on_one_page() {
    let output = Test::new()
        .file("s.toml", sweep_file(MORRIS))
        .args(["sweep", "s.toml", "--out", "out", "--quiet", "--report"])
        .run()
        .success();
    let page = output.text("out/report.html");
    for part in [
        "<h1>A sweep over <code>platform_collapse</code></h1>",
        "A morris design of 9 points",
        "<code>strategy.compensation_fund.intervention[0].coverage</code> and <code>trust.loss_rate</code>",
        "This scenario is illustrative",
        "<h2>Sensitivity (morris.csv)</h2>",
        "<th>mu_star</th>",
        "id=\"chart-morris_net_loss_yuan\"",
        "<svg",
        "<h2>Every point</h2>",
        "trustsim sweep sweep.toml --out reproduced --report",
        "Every file listed in the manifest matches its sha256.",
    ] {
        assert!(page.contains(part), "the page lacks {part:?}");
    }
    let title = &page[page.find("<title>").unwrap()..page.find("</title>").unwrap()];
    assert!(!title.contains('`'), "{title}");

    // `report` writes the same page again; the output verifies with the page beside it.
    let again = Test::new().arg("report").arg(output.path("out")).run().success();
    assert_mentions(&again.stdout, &["report.html"]);
    assert_eq!(output.text("out/report.html"), page);
    Test::new().arg("verify").arg(output.path("out")).run().success();

    let shard = Test::new()
        .file("s.toml", sweep_file(MORRIS))
        .args(["sweep", "s.toml", "--out", "shard", "--quiet", "--shard", "1/9"])
        .run()
        .success();
    let refused = Test::new().arg("report").arg(shard.path("shard")).run().failure();
    assert_mentions(&refused.stderr, &["a shard's output holds runs", "trustsim merge"]);
}

#[test]
fn grids_over_one_and_two_parameters_draw_their_charts() {
    let one = "strategies = [\"status_quo\", \"education\"]\nseeds = 2\n[design]\nkind = \"grid\"\n\
[[parameter]]\nkey = \"strategy[4].intervention[0].reach_per_day\"\nvalues = [0.01, 0.05]\n";
    let output = run_sweep(one, "2");
    assert!(output.entries("out").contains("by_parameter.svg"));
    let aggregates = rows(&output, "out/aggregates.csv");
    // 2 points × 2 strategies × 1 outcome; the reference differs from itself by exactly 0.
    assert_eq!(aggregates.len(), 1 + 4);
    assert_eq!(aggregates[1][1], "status_quo");
    assert_eq!(aggregates[1][9], "0.0");

    let two = format!(
        "{one}[[parameter]]\nkey = \"strategy[1].intervention[0].coverage\"\nmin = 0.5\nmax = 1.0\nlevels = 2\n"
    )
    .replace("\"education\"]", "\"education\", \"compensation_fund\"]");
    let output = run_sweep(&two, "2");
    let files = output.entries("out");
    assert!(
        files.contains("overtake_net_loss_yuan.png") && !files.contains("by_parameter.svg"),
        "{files:?}"
    );
    assert_eq!(rows(&output, "out/points.csv").len(), 1 + 4);
}

/// Runs a sweep file with `body` and returns its error line; nothing may be left behind.
fn rejects(body: &str) -> String {
    rejects_file(&sweep_file(body))
}

fn rejects_file(text: &str) -> String {
    Test::new()
        .file("s.toml", text)
        .args(["sweep", "s.toml", "--out", "out/sweep", "--quiet"])
        .run()
        .error("out/sweep")
}

#[test]
fn sweep_file_errors_name_the_file_line_and_key() {
    let design = "[design]\nkind = \"latin_hypercube\"\nsamples = 3\n";
    let range = "[[parameter]]\nkey = \"trust.loss_rate\"\nmin = 0.1\nmax = 0.4\n";
    let error = rejects(&format!("seeds = 2\nsamples = 3\n{design}{range}"));
    assert_mentions(&error, &["s.toml:5: `samples`: unknown field `samples`"]);
    let error = rejects(&format!("outcomes = [\"loss\"]\n{design}{range}"));
    assert_mentions(
        &error,
        &[
            "s.toml:4: `outcomes[0]`",
            "`loss` is not an outcome measure",
            "`net_loss_yuan`",
        ],
    );
    let error = rejects(&format!("strategies = [\"bailout\"]\n{design}{range}"));
    assert_mentions(
        &error,
        &[
            "s.toml:4: `strategies[0]`",
            "no strategy is called `bailout`",
            "`status_quo`",
        ],
    );
    let error = rejects(&format!(
        "{design}[[parameter]]\nkey = \"trust.loss_rate\"\nmin = 0.5\nmax = 2.0\n"
    ));
    assert_mentions(&error, &["s.toml:7: `parameter[0]`: at point ", "`trust.loss_rate`"]);
    let error = rejects(&format!(
        "{design}[[parameter]]\nkey = \"trust.los_rate\"\nmin = 0.5\nmax = 0.6\n"
    ));
    assert_mentions(&error, &["s.toml:7: `parameter[0]`", "los_rate"]);
    let error = rejects_file(&sweep_file(&format!("{design}{range}")).replace("horizon_days=45", "horizon_days=-1"));
    assert_mentions(&error, &["s.toml:3: `set`: `horizon_days`"]);
    let error = rejects(design);
    assert_mentions(&error, &["`parameter`: missing field `parameter`"]);
    let error = rejects(&format!("outcomes = [\"victims\", \"victims\"]\n{design}{range}"));
    assert_mentions(&error, &["s.toml:4: `outcomes[1]`: `victims` is listed twice"]);
    let error = rejects(&format!(
        "{design}{range}[[parameter]]\nkey = \"reference_strategy\"\nvalues = [\"custody\"]\n"
    ));
    assert_mentions(
        &error,
        &["`parameter[1].key`", "`reference_strategy` labels the scenario"],
    );
    // Runs are matched to strategies by position, so no point may change the strategies.
    let error = rejects(&format!(
        "{design}{range}[[parameter]]\nkey = \"strategy\"\nvalues = [[{{ name = \"a\" }}]]\n"
    ));
    assert_mentions(
        &error,
        &[
            "`parameter[1].key`",
            "`strategy` would change the scenario's strategies",
        ],
    );
    // A whole strategy named by its name is refused alike; a misspelt name lists the names.
    let error = rejects(&format!(
        "{design}{range}[[parameter]]\nkey = \"strategy.custody\"\nvalues = [{{ name = \"a\" }}]\n"
    ));
    assert_mentions(&error, &["`strategy.custody` would change the scenario's strategies"]);
    let error = rejects(&format!(
        "{design}[[parameter]]\nkey = \"strategy.fund.intervention[0].coverage\"\nmin = 0.2\nmax = 0.9\n"
    ));
    assert_mentions(&error, &["names strategy `fund`", "`compensation_fund`"]);
    let error =
        rejects("[design]\nkind = \"grid\"\n[[parameter]]\nkey = \"trust.loss_rate\"\nvalues = [0.1, 0.2, 0.1]\n");
    assert_mentions(&error, &["`parameter[0].values`", "lists `0.1` twice"]);
    let error = rejects(&format!(
        "{design}[[parameter]]\nkey = \"trust.loss_rate\"\nmin = -1e308\nmax = 1e308\n"
    ));
    assert_mentions(&error, &["`parameter[0].max`", "too wide"]);
    let unnamed = sweep_file(&format!("{design}{range}"));
    let unnamed = unnamed.replace(
        &unnamed[unnamed.find("scenario = ").unwrap()..unnamed.find("\nset").unwrap()],
        "scenario = \"\"",
    );
    assert_mentions(
        &rejects_file(&unnamed),
        &["s.toml:2: `scenario`: must name the scenario file"],
    );
    let missing = sweep_file(&format!("{design}{range}")).replace("platform_collapse.toml", "absent.toml");
    let error = rejects_file(&missing);
    assert_mentions(
        &error,
        &["s.toml:2: `scenario`: cannot read the scenario `", "absent.toml`"],
    );
}

/// Issue 21: arrays where tables belong passed in sweep files, and serde's words ("invalid type:
/// map, expected a sequence", "expected u64") leaked into the errors.
#[test]
fn sweep_files_say_what_form_a_value_takes() {
    let design = "[design]\nkind = \"grid\"\n";
    let cases = [
        (
            format!("[[parameter]]\nkey = \"population.literacy\"\nvalues = [[\"beta\", 2, 5]]\n{design}"),
            "`population.literacy`: must be a distribution",
        ),
        (
            format!("seeds = [2]\n{design}[[parameter]]\nkey = \"trust.loss_rate\"\nvalues = [0.1]\n"),
            "`seeds`: must be a whole number, got a list",
        ),
        (
            format!("outcomes = \"victims\"\n{design}[[parameter]]\nkey = \"trust.loss_rate\"\nvalues = [0.1]\n"),
            "`outcomes`: must be a list in brackets `[…]`, got the string \"victims\"",
        ),
    ];
    for (body, expected) in cases {
        let error = rejects(&body);
        assert_mentions(&error, &[expected]);
        assert!(!error.contains("invalid type"), "{error}");
    }
    let error = rejects_file(
        &sweep_file(&format!(
            "{design}[[parameter]]\nkey = \"trust.loss_rate\"\nvalues = [0.1]\n"
        ))
        .replace("\"horizon_days=45\"", "\"population=[1, 2]\""),
    );
    assert_mentions(&error, &["`set`: `population`: must be a table"]);
}

#[test]
fn the_shipped_sweeps_load_and_every_point_validates() {
    let dir = root().join("sweeps");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let sweep = trustsim::experiment::sweep::spec::Sweep::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!sweep.jobs().is_empty());
            checked += 1;
        }
    }
    assert!(checked > 0, "no sweep files in {}", dir.display());
}
