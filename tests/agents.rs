//! `run --agents`: every user on chosen days, the network as an edge list the loader reads back,
//! and every platform on every day, identical on any number of threads and covered by `verify`.

use std::path::Path;

use trustsim::model::network::Network;
use trustsim::model::world::World;
use trustsim::scenario::loader::load;

use crate::binary::*;
use crate::common::root;
use crate::repro::{succeeds, trustsim};

/// The columns of `agents.csv`, in order.
const USER_COLUMNS: &str = "day,user,degree,literacy,risk_tolerance,herding,trust_threshold,neighbour_threshold,state,sector_trust,cash_yuan,holdings,holdings_yuan,victim";

/// The columns of `platform_series.csv`, in order.
const PLATFORM_COLUMNS: &str =
    "day,platform,type,state,claims_yuan,reserves_yuan,inflow_yuan,outflow_yuan,complaints,warning_score";

/// `trustsim run` of the platform collapse at 2,000 users for 60 days in `dir`, writing `out`,
/// with `extra` options and `RAYON_NUM_THREADS=threads`.
fn run_agents(dir: &Path, out: &str, extra: &[&str], threads: &str) {
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        "4",
        "--out",
        out,
        "--quiet",
    ];
    args.extend(SMALL);
    args.extend(extra);
    succeeds(dir, &args, &[("RAYON_NUM_THREADS", threads)]);
}

/// The lines of a CSV file: its header, then its rows.
fn csv_lines(path: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().map(str::to_string);
    (lines.next().expect("a header"), lines.collect())
}

#[test]
fn agents_writes_users_on_the_chosen_days_the_network_and_every_platform_day() {
    let dir = tempfile::tempdir().unwrap();
    run_agents(dir.path(), "default", &["--agents"], "2");
    run_agents(dir.path(), "chosen", &["--agents", "--agents-days", "30,0,10,30"], "2");
    let out = dir.path().join("default");
    let files = entries(&out);
    for name in ["agents.csv", "network.csv", "platform_series.csv", "series.csv"] {
        assert!(files.contains(name), "{name} missing: {files:?}");
    }

    let (header, rows) = csv_lines(&out.join("agents.csv"));
    assert_eq!(header, USER_COLUMNS);
    assert_eq!(rows.len(), 2 * 2000, "2,000 users on day 0 and the last day");
    assert!(rows[0].starts_with("0,0,") && rows[1999].starts_with("0,1999,"));
    assert!(rows[2000].starts_with(&format!("{HORIZON},0,")));
    let columns: Vec<Vec<&str>> = rows.iter().map(|row| row.split(',').collect()).collect();
    assert!(columns.iter().all(|c| c.len() == 14));
    assert!(columns
        .iter()
        .all(|c| ["active", "withdrawing", "exited", "victim"].contains(&c[8])));
    assert!(columns.iter().all(|c| (c[13] == "true") == (c[8] == "victim")));
    assert!(columns.iter().all(|c| c[13] == "true" || c[13] == "false"));
    // The users' states on the last day add up to the series' counts of that day.
    let series = std::fs::read_to_string(out.join("series.csv")).unwrap();
    let names: Vec<&str> = series.lines().next().unwrap().split(',').collect();
    let last: Vec<&str> = series.lines().last().unwrap().split(',').collect();
    for state in ["active", "withdrawing", "exited", "victim"] {
        let counted = columns[2000..].iter().filter(|c| c[8] == state).count().to_string();
        let column = names.iter().position(|n| *n == format!("users_{state}")).unwrap();
        assert_eq!(last[column], counted, "users {state}");
    }

    let (header, rows) = csv_lines(&dir.path().join("chosen/agents.csv"));
    assert_eq!(header, USER_COLUMNS);
    assert_eq!(rows.len(), 3 * 2000, "days 0, 10 and 30, each once");
    assert!(rows[2000].starts_with("10,0,") && rows[4000].starts_with("30,0,"));

    let (header, rows) = csv_lines(&out.join("platform_series.csv"));
    assert_eq!(header, PLATFORM_COLUMNS);
    let platforms = csv_lines(&out.join("platforms.csv")).1.len();
    assert_eq!(rows.len(), platforms * (HORIZON + 1), "every platform on every day");
    assert!(
        rows[0].starts_with("0,0,") && rows[0].ends_with(','),
        "no warning score on day 0"
    );
    assert!(rows.iter().any(|row| !row.ends_with(',')), "some warning score is seen");

    let (header, rows) = csv_lines(&out.join("network.csv"));
    assert_eq!(header, "source,target");
    // Each user's degree in agents.csv counts its rows in network.csv.
    let mut degree = vec![0u32; 2000];
    for row in &rows {
        let (source, target) = row.split_once(',').unwrap();
        let (source, target): (usize, usize) = (source.parse().unwrap(), target.parse().unwrap());
        assert!(source < target, "{row}");
        degree[source] += 1;
        degree[target] += 1;
    }
    let (_, users) = csv_lines(&out.join("agents.csv"));
    for (user, row) in users[..2000].iter().enumerate() {
        assert_eq!(row.split(',').nth(2).unwrap(), degree[user].to_string(), "user {user}");
    }
}

#[test]
fn the_written_network_read_back_by_the_loader_is_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    run_agents(dir.path(), "out", &["--agents"], "2");
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    let overrides = ["population.users=2000".to_string(), "horizon_days=60".to_string()];
    let generated = World::build(&load(&scenario, &overrides).unwrap().scenario, None, 4)
        .unwrap()
        .network;
    let written = dir.path().join("out/network.csv");
    assert_eq!(Network::load_edge_list(&written, 2000).unwrap(), generated);

    // The same run on the written network, through a scenario that names it, gives the same
    // outputs: the network is the only thing the generator decided.
    let reuse = dir.path().join("reuse.toml");
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(&reuse, text).unwrap();
    let mut args = vec![
        "run",
        "reuse.toml",
        "--seed",
        "4",
        "--out",
        "again",
        "--quiet",
        "--set",
        "network.kind=\"edge_list\"",
        "--set",
        "network.edge_list=\"out/network.csv\"",
    ];
    args.extend(SMALL);
    succeeds(dir.path(), &args, &[]);
    for file in ["series.csv", "outcome.csv", "platforms.csv"] {
        assert!(
            std::fs::read(dir.path().join("out").join(file)).unwrap()
                == std::fs::read(dir.path().join("again").join(file)).unwrap(),
            "{file} differs on the written network"
        );
    }
}

#[test]
fn agents_are_the_same_on_one_or_two_threads_and_verify_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    run_agents(dir.path(), "one", &["--agents", "--agents-days", "0,20"], "1");
    run_agents(dir.path(), "two", &["--agents", "--agents-days", "0,20"], "2");
    assert_same_outputs(&dir.path().join("one"), &dir.path().join("two"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("two/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["agents"]["days"], serde_json::json!([0, 20]));
    for file in ["agents.csv", "network.csv", "platform_series.csv"] {
        assert!(manifest["files"][file].is_string(), "{file} is not in the manifest");
    }

    let stdout = succeeds(dir.path(), &["verify", "two", "--threads", "1"], &[]);
    assert!(stdout.contains("identical"), "{stdout}");
    let path = dir.path().join("two/agents.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",active,", ",exited,", 1)).unwrap();
    let (code, stdout, _) = trustsim(dir.path(), &["verify", "two"], &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("agents.csv"), "{stdout}");
}

#[test]
fn agent_days_past_the_horizon_or_without_agents_are_refused() {
    let output = Test::new()
        .arg("run")
        .arg(root().join("scenarios").join("platform_collapse.toml"))
        .args(["--out", "out", "--agents", "--agents-days", "0,61"])
        .args(SMALL)
        .run();
    let error = output.error("out");
    assert!(
        error.contains("--agents-days") && error.contains("61") && error.contains("0 to 60"),
        "{error}"
    );
    let output = Test::new()
        .arg("run")
        .arg(root().join("scenarios").join("platform_collapse.toml"))
        .args(["--out", "out", "--agents-days", "0"])
        .args(SMALL)
        .run()
        .failure();
    assert!(output.stderr.contains("--agents"), "{output}");
    assert!(!output.path("out").exists());
}
