//! The report (`trustsim report`, `compare --report`) and the animation (`trustsim animate`):
//! self-contained pages, the comparison's numbers in them, text escaped, deterministic bytes.

use trustsim::experiment::run::simulate_for;
use trustsim::output::animation::record;
use trustsim::output::report_tables::number;

use crate::binary::{Test, SMALL};
use crate::common::{root, shipped};

/// A description with markup in it, which the report must show as text.
const MARKUP: &str = "<b>Tom & Jerry's</b> \"crisis\"";

fn scenario_path() -> String {
    root().join("scenarios/platform_collapse.toml").display().to_string()
}

/// Asserts that `html` loads nothing from elsewhere.
fn assert_self_contained(html: &str) {
    for needle in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "<script src",
        "<link",
        "<img",
        "@import",
        "url(",
    ] {
        assert!(
            !html.contains(needle),
            "the page loads something from elsewhere: {needle}"
        );
    }
}

#[test]
fn compare_with_report_writes_a_self_contained_page_with_the_comparison_numbers() {
    let output = Test::new()
        .args([
            "compare",
            &scenario_path(),
            "--seeds",
            "2",
            "--out",
            "out",
            "--quiet",
            "--series",
            "--report",
        ])
        .args(SMALL)
        .args(["--set", &format!("description={}", toml_string(MARKUP))])
        .run()
        .success();
    let html = output.text("out/report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);
    assert!(html.contains("&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt; &quot;crisis&quot;"));
    assert!(!html.contains(MARKUP) && !html.contains("<b>Tom"));

    let comparison = output.read("out/comparison.csv");
    let mut reader = csv::Reader::from_reader(comparison.as_slice());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut checked = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let value = |name: &str| record[column(name)].parse::<f64>().unwrap();
        if &record[column("outcome")] == "net_loss_yuan" {
            for name in ["mean", "ci_low", "ci_high"] {
                let shown = number(value(name), 0);
                assert!(html.contains(&shown), "{} {name} {shown} not in the report", &record[0]);
            }
            checked += 1;
        }
        if &record[column("outcome")] == "trough_trust" {
            assert!(html.contains(&number(value("mean"), 3)));
        }
    }
    assert_eq!(checked, 7, "one net-loss row per strategy");
    assert!(html.contains("Loss averted per yuan of public money"));
    let mut reader = csv::Reader::from_reader(comparison.as_slice());
    let fund = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "compensation_fund" && &r[column("outcome")] == "net_loss_yuan")
        .unwrap();
    let ratio: f64 = fund[column("averted_per_public_yuan")].parse().unwrap();
    assert!(ratio.is_finite(), "the fund spends public money");
    assert!(
        html.contains(&number(ratio, 2)),
        "the fund's loss averted per public yuan"
    );
    for title in titles(&html) {
        assert!(!title.contains('`'), "a title shows a literal backtick: {title}");
    }
    assert_eq!(
        html.matches("<figure id=\"chart-").count(),
        9,
        "five time charts, two distributions and two warning charts"
    );
    assert!(html.contains("id=\"trustsim-animation-data\""));
    assert!(html.contains("Early warning"));
    assert!(html.contains("matches its sha256"));
    // The commands that reproduce it write `series.csv` too.
    assert!(
        html.contains("--seeds 2 --series --out reproduced --report"),
        "reproduce command"
    );

    // The report command rewrites the same bytes from the same directory.
    let again = Test::new()
        .args(["report", output.path("out").to_str().unwrap(), "--quiet"])
        .run()
        .success();
    assert!(again.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(output.path("out/report.html")).unwrap(), html);
}

/// The text of every title a reader sees: the page's `<title>`, headings, figure captions and
/// the charts' SVG text (axis titles, legends), markup removed.
fn titles(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in ["title", "h1", "h2", "h3", "h4", "figcaption", "summary", "text"] {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut rest = html;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start..];
            let (Some(body), Some(end)) = (after.find('>'), after.find(&close)) else {
                break;
            };
            if body < end {
                found.push(after[body + 1..end].to_string());
            }
            rest = &after[end.max(body) + 1..];
        }
    }
    assert!(
        found.iter().any(|t| t.contains("platform_collapse")),
        "the page title was read"
    );
    found
}

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[test]
fn report_names_what_is_missing_from_a_directory_that_is_not_a_comparison() {
    let cases = [
        (Test::new().file("dir/placeholder", ""), "manifest.json"),
        (
            Test::new().file("dir/manifest.json", "{\"command\": \"run\"}"),
            "`trustsim run`",
        ),
        (
            Test::new().file("dir/manifest.json", "{\"command\": \"compare\"}"),
            "scenario.toml",
        ),
        (Test::new().file("dir/manifest.json", "not json"), "not valid JSON"),
    ];
    for (test, expected) in cases {
        let output = test.args(["report", "dir"]).run();
        assert_eq!(output.code, Some(1), "{output}");
        assert!(
            output.stderr.starts_with("error: ") && output.stderr.contains(expected),
            "{output}"
        );
        assert_eq!(output.stderr.lines().count(), 1, "{output}");
        assert!(!output.path("dir/report.html").exists());
    }
}

#[test]
fn animate_writes_the_same_bytes_twice_and_a_page_of_sensible_size() {
    let animate = || {
        Test::new()
            .args([
                "animate",
                &scenario_path(),
                "--strategy",
                "backstop",
                "--seed",
                "3",
                "--out",
                "a.html",
            ])
            .args(SMALL)
            .run()
            .success()
    };
    let (first, second) = (animate(), animate());
    assert_eq!(first.stdout, "wrote a.html\n");
    let html = first.read("a.html");
    assert_eq!(html, second.read("a.html"));
    assert!((20_000..2_000_000).contains(&html.len()), "{} bytes", html.len());
    let text = String::from_utf8(html).unwrap();
    assert_self_contained(&text);
    assert!(text.contains("strategy backstop, seed 3"));
}

#[test]
fn the_animated_run_is_the_run_and_its_sample_is_a_connected_ball() {
    let scenario = shipped("platform_collapse", &["population.users=2000", "horizon_days=60"]);
    let animation = record(&scenario, 0, None, 2, 120).unwrap();
    let run = simulate_for(&scenario, 0, None, 2).unwrap();
    let trust: Vec<f64> = run.series.iter().map(|m| m.trust_mean).collect();
    assert_eq!(animation.sector_trust, trust);
    assert_eq!(animation.frames.len(), 61);
    assert!(animation
        .frames
        .iter()
        .all(|f| f.len() == 120 && f.iter().all(|&c| c < 64)));
    assert_eq!(animation.users.len(), 120);
    // The colours span the run's own range of trust: the lowest and highest levels are both used.
    let (low, high) = animation.trust_range;
    assert!((0.0..1.0).contains(&low) && high <= 1.0 && high - low >= 1.0 / 32.0 - 1e-12);
    let levels: std::collections::BTreeSet<u8> = animation.frames.iter().flatten().map(|c| c % 16).collect();
    assert!(levels.contains(&0) && levels.contains(&15), "{levels:?}");
    assert_eq!(animation.depth[0], 0);
    assert!(animation.depth.windows(2).all(|w| w[0] <= w[1]), "breadth-first order");
    assert!(animation
        .positions
        .iter()
        .all(|&(x, y)| x.abs() <= 1.0 && y.abs() <= 1.0));
    let failed = run
        .platforms
        .iter()
        .filter(|p| p.closed_day.is_some() && p.state.is_failure())
        .count();
    assert_eq!(animation.failures.len(), failed);
    // The centre held the first platform to fail.
    assert_eq!(animation.focus_platform, animation.failures.first().map(|f| f.platform));
    assert!(animation.held_focus[0]);
}

#[test]
fn an_entrant_failing_first_is_the_focus_and_its_holders_the_squares() {
    // With hundreds of entrants a day, the first platform to fail entered after day 0 (it had no
    // holders on day 0; its holders are those of the day it failed).
    let scenario = shipped(
        "baseline",
        &["population.users=500", "horizon_days=30", "platforms.entry_rate=100000"],
    );
    let animation = record(&scenario, 0, None, 1, 100).unwrap();
    let first = animation.failures.first().expect("a failure");
    assert!(
        first.platform >= scenario.platforms.count,
        "platform {}",
        first.platform
    );
    assert_eq!(animation.focus_platform, Some(first.platform));
    // That one ran away before anyone invested in it: no squares, and the caption says so.
    assert!(animation.held_focus.iter().all(|&held| !held));
    let page = trustsim::output::animation_page::fragment(&animation);
    assert!(page.contains(&format!(
        "Platform {}, the first to fail, had no investors",
        first.platform
    )));
}

#[test]
fn a_report_refuses_an_edge_list_changed_or_missing_since_the_comparison() {
    let edges: String = (0..300).map(|i| format!("{i},{}\n", (i + 1) % 300)).collect();
    let output = Test::new()
        .file(
            "e.toml",
            "schema_version = 1\nhorizon_days = 30\n[population]\nusers = 300\n\
             [network]\nkind = \"edge_list\"\nedge_list = \"edges.csv\"\n",
        )
        .file("edges.csv", &edges)
        .args(["compare", "e.toml", "--seeds", "1", "--out", "c", "--quiet"])
        .run()
        .success();
    let report = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_trustsim"))
            .args(["report", "c"])
            .current_dir(dir)
            .output()
            .expect("trustsim starts")
    };
    std::fs::write(output.path("edges.csv"), "0,1\n").unwrap();
    let changed = report(&output.path("."));
    assert_eq!(changed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&changed.stderr).contains("the edge list has changed since the run"));
    assert!(!output.path("c/report.html").exists());
    std::fs::remove_file(output.path("edges.csv")).unwrap();
    let missing = String::from_utf8_lossy(&report(&output.path(".")).stderr).into_owned();
    assert!(
        missing.contains("beside the scenario file is also looked for"),
        "{missing}"
    );
    std::fs::write(output.path("c/edges.csv"), &edges).unwrap();
    assert_eq!(report(&output.path(".")).status.code(), Some(0));
    assert!(output.path("c/report.html").is_file());

    // The manifest is read as strictly as `verify` reads it: its files are inside the directory,
    // and a named pipe among them is refused rather than read for ever.
    let manifest_path = output.path("c/manifest.json");
    let original = std::fs::read(&manifest_path).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&original).unwrap();
    manifest["files"]["../../etc/passwd"] = serde_json::json!("0");
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let outside = String::from_utf8_lossy(&report(&output.path(".")).stderr).into_owned();
    assert!(
        outside.contains("`../../etc/passwd`, which is not a path inside"),
        "{outside}"
    );
    let status = std::process::Command::new("mkfifo")
        .arg(output.path("c/pipe.csv"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let mut manifest: serde_json::Value = serde_json::from_slice(&original).unwrap();
    manifest["files"]["pipe.csv"] = serde_json::json!("0");
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    for command in ["report", "verify"] {
        let refused = std::process::Command::new(env!("CARGO_BIN_EXE_trustsim"))
            .args([command, "c"])
            .current_dir(output.path("."))
            .output()
            .expect("trustsim starts");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("`pipe.csv`, which is not a regular file"),
            "{command}: {stderr}"
        );
    }
}
