//! Reproducing and scaling out: `verify` re-runs an output and names what differs, shards of a
//! comparison or sweep merged give exactly the one-process output, and an interrupted
//! comparison or sweep resumed gives exactly the uninterrupted one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary::*;
use crate::common::root;
use crate::sweep::{sweep_file, MORRIS};

/// `trustsim args` in `dir` with `env` set; returns (exit code, stdout, stderr).
pub(crate) fn trustsim(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustsim"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("trustsim starts");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    (output.status.code(), text(output.stdout), text(output.stderr))
}

/// Like [`trustsim`], asserting success; returns stdout.
pub(crate) fn succeeds(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let (code, stdout, stderr) = trustsim(dir, args, env);
    assert_eq!(code, Some(0), "trustsim {args:?}\n{stdout}{stderr}");
    stdout
}

/// A small platform collapse (seven strategies, two seeds) to compare: the scenario and options.
fn small_compare(out: &str) -> Vec<String> {
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    [
        "compare",
        scenario.to_str().unwrap(),
        "--seeds",
        "2",
        "--series",
        "--quiet",
        "--set",
        "population.users=1500",
        "--set",
        "horizon_days=45",
        "--out",
        out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target: PathBuf = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn verify_finds_a_run_identical_without_its_scenario_file_and_names_a_tampered_row() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("leak.toml");
    std::fs::copy(root().join("scenarios").join("data_leak.toml"), &scenario).unwrap();
    let mut args = vec!["run", "leak.toml", "--seed", "3", "--out", "out", "--quiet"];
    args.extend(SMALL);
    succeeds(dir.path(), &args, &[]);
    std::fs::remove_file(&scenario).unwrap();

    let stdout = succeeds(dir.path(), &["verify", "out"], &[]);
    assert!(stdout.starts_with("identical: all 4 output files"), "{stdout}");

    // An output made by another build verifies the same, with a note saying so.
    copy_dir(&dir.path().join("out"), &dir.path().join("older"));
    let manifest = dir.path().join("older").join("manifest.json");
    let mut recorded: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    recorded["build"]["git_commit"] = serde_json::json!("0123abc");
    std::fs::write(&manifest, serde_json::to_vec_pretty(&recorded).unwrap()).unwrap();
    let stdout = succeeds(dir.path(), &["verify", "older"], &[]);
    assert_mentions(
        &stdout,
        &[
            "note: the output was made by another build: git_commit 0123abc",
            "identical: all 4",
        ],
    );

    copy_dir(&dir.path().join("out"), &dir.path().join("tampered"));
    let outcome = dir.path().join("tampered").join("outcome.csv");
    let text = std::fs::read_to_string(&outcome).unwrap();
    let (header, row) = text.split_once('\n').unwrap();
    let row = row.trim_end();
    let (seed, rest) = row.split_once(',').unwrap();
    std::fs::write(&outcome, format!("{header}\n{seed},1{rest}\n")).unwrap();
    let (code, stdout, _) = trustsim(dir.path(), &["verify", "tampered"], &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_mentions(
        &stdout,
        &[
            "differs: outcome.csv: line 2 differs",
            &format!("old: `{seed},1{rest}`"),
            &format!("new: `{row}`"),
            "different: 1 of 4 output files",
        ],
    );

    // A stored scenario edited after the run re-runs into itself, but no longer matches the
    // sha256 its manifest recorded.
    copy_dir(&dir.path().join("out"), &dir.path().join("redescribed"));
    let stored = dir.path().join("redescribed").join("scenario.toml");
    let text = std::fs::read_to_string(&stored).unwrap();
    assert!(text.contains("description = "), "{text}");
    std::fs::write(
        &stored,
        text.replacen("description = \"", "description = \"Edited: ", 1),
    )
    .unwrap();
    let (code, stdout, _) = trustsim(dir.path(), &["verify", "redescribed"], &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_mentions(
        &stdout,
        &[
            "differs: scenario.toml: its sha256 is ",
            "its manifest recorded: it was changed after it was written",
            "different: 1 of 4 output files",
        ],
    );

    // A manifest edited to say something trustsim never writes is refused, never defaulted.
    let edits: [(&str, serde_json::Value, &str); 4] = [
        ("seed", serde_json::json!("three"), "`seed` is missing"),
        (
            "strategy",
            serde_json::json!("nope"),
            "`strategy`: no strategy is called `nope`",
        ),
        ("files", serde_json::json!({"/etc/hostname": "0"}), "`/etc/hostname`"),
        ("command", serde_json::json!("rm"), "`command` is `rm`"),
    ];
    for (key, value, complaint) in edits {
        copy_dir(&dir.path().join("out"), &dir.path().join("edited"));
        let manifest = dir.path().join("edited").join("manifest.json");
        let mut recorded: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
        recorded[key] = value;
        std::fs::write(&manifest, serde_json::to_vec_pretty(&recorded).unwrap()).unwrap();
        let (code, _, stderr) = trustsim(dir.path(), &["verify", "edited"], &[]);
        assert_eq!(code, Some(1), "{key}: {stderr}");
        assert_mentions(&stderr, &["error: ", "edited/manifest.json", complaint]);
        std::fs::remove_dir_all(dir.path().join("edited")).unwrap();
    }
}

#[test]
fn an_output_moved_with_its_edge_list_copied_in_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("net");
    std::fs::create_dir(&net).unwrap();
    std::fs::write(
        net.join("scenario.toml"),
        "schema_version = 1\nhorizon_days = 30\n[population]\nusers = 500\n[network]\nkind = \"edge_list\"\nedge_list = \"edges.csv\"\n",
    )
    .unwrap();
    let edges: String = (0..500)
        .map(|i| format!("{i},{}\n{i},{}\n", (i + 1) % 500, (i + 9) % 500))
        .collect();
    std::fs::write(net.join("edges.csv"), &edges).unwrap();
    succeeds(
        dir.path(),
        &["run", "net/scenario.toml", "--out", "out", "--quiet"],
        &[],
    );
    let named = dir.path().join("net").join("edges.csv");
    let resolved = std::fs::read_to_string(dir.path().join("out").join("scenario.toml")).unwrap();
    assert!(
        resolved.contains(&format!("edge_list = {:?}", named.display().to_string())),
        "{resolved}"
    );

    // On "another machine": the edge list is no longer where the run read it.
    std::fs::remove_dir_all(&net).unwrap();
    let (code, stdout, stderr) = trustsim(dir.path(), &["verify", "out"], &[]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_mentions(
        &stderr,
        &[
            "out/scenario.toml:",
            "`network.edge_list`",
            &named.display().to_string(),
            "a file `edges.csv` beside the scenario file is also looked for",
        ],
    );

    // Copied into the output directory, it is found there by name and checked by its sha256.
    std::fs::write(dir.path().join("out").join("edges.csv"), &edges).unwrap();
    let stdout = succeeds(dir.path(), &["verify", "out"], &[]);
    assert!(stdout.starts_with("identical: all 4 output files"), "{stdout}");
    std::fs::write(dir.path().join("out").join("edges.csv"), format!("{edges}3,77\n")).unwrap();
    let (code, stdout, stderr) = trustsim(dir.path(), &["verify", "out"], &[]);
    assert_ne!(code, Some(0), "{stdout}{stderr}");
    assert_mentions(&stderr, &["edges.csv", "sha256 differs"]);
}

#[test]
fn three_shards_merged_are_the_comparison_in_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    succeeds(dir, &strs(&small_compare("whole")), &[]);
    for i in 1..=3 {
        let mut args = small_compare(&format!("shard{i}"));
        args.extend(["--shard".to_string(), format!("{i}/3")]);
        if i == 3 {
            // The same file by another path (as from another working directory) is the same
            // scenario: its sha256 agrees.
            let other = root().join("scenarios/../scenarios/platform_collapse.toml");
            args[1] = other.to_str().unwrap().to_string();
        }
        succeeds(dir, &strs(&args), &[]);
        assert!(!dir.join(format!("shard{i}")).join("comparison.csv").exists());
    }
    let shard: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("shard2/manifest.json")).unwrap()).unwrap();
    // 7 strategies × 2 seeds, strategy-major: shard 2 of 3 has runs 1, 4, 7, 10 and 13.
    let expected = [
        "status_quo/2",
        "backstop/1",
        "risk_ranked_inspections/2",
        "custody/1",
        "early_warning/2",
    ];
    assert_eq!(shard["runs"], serde_json::json!(expected), "{shard}");
    let files: Vec<&String> = shard["files"].as_object().unwrap().keys().collect();
    assert!(files.contains(&&"runs/backstop.1.json".to_string()), "{files:?}");
    assert_eq!(shard["shard"], serde_json::json!({"index": 2, "count": 3}));

    succeeds(
        dir,
        &["merge", "shard1", "shard3", "shard2", "--out", "merged", "--quiet"],
        &[],
    );
    assert_same_outputs(&dir.join("whole"), &dir.join("merged"));
    let stdout = succeeds(dir, &["verify", "merged"], &[]);
    assert!(stdout.starts_with("identical"), "{stdout}");
    let stdout = succeeds(dir, &["verify", "shard2"], &[]);
    assert!(stdout.starts_with("identical"), "{stdout}");
    copy_dir(&dir.join("shard2"), &dir.join("damaged"));
    let manifest = dir.join("damaged").join("manifest.json");
    let mut recorded: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    recorded["shard"] = serde_json::json!({"index": 0, "count": 0});
    std::fs::write(&manifest, serde_json::to_vec_pretty(&recorded).unwrap()).unwrap();
    let (code, _, stderr) = trustsim(dir, &["verify", "damaged"], &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_mentions(&stderr, &["manifest.json", "`shard` must be `i/n`"]);

    let (code, _, stderr) = trustsim(dir, &["merge", "shard1", "shard2", "shard3", "--out", "shard3/"], &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &["--out", "is one of the shards being merged"]);
    assert!(dir.join("shard3").join("runs").is_dir(), "the shard is kept");

    let (code, _, stderr) = trustsim(dir, &["merge", "shard1", "shard3", "--out", "partial"], &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &["cannot merge", "5 runs missing", "`status_quo/2`"]);
    assert!(!dir.join("partial").exists());
    let (code, _, stderr) = trustsim(
        dir,
        &["merge", "shard1", "shard2", "shard3", "shard1", "--out", "twice"],
        &[],
    );
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &["runs in more than one shard", "`status_quo/1`"]);
    let (code, _, stderr) = trustsim(dir, &["merge", "shard1", "whole", "--out", "mixed"], &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &["`whole` is not a shard's output"]);
}

#[test]
fn warn_shards_from_a_slurm_array_starting_at_one_merge_into_warn() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let scenario = root().join("scenarios").join("platform_collapse.toml");
    let warn = |out: &str| {
        let mut args = vec!["warn", scenario.to_str().unwrap(), "--seeds", "3", "--quiet", "--out"];
        args.push(out);
        args.extend(["--set", "population.users=1500", "--set", "horizon_days=45"]);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    succeeds(dir, &strs(&warn("whole")), &[]);
    for task in ["1", "2"] {
        let mut args = warn(&format!("task{task}"));
        args.extend(["--shard".to_string(), "auto".to_string()]);
        let env = [
            ("SLURM_ARRAY_TASK_ID", task),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        succeeds(dir, &strs(&args), &env);
    }
    succeeds(dir, &["merge", "task1", "task2", "--out", "merged", "--quiet"], &[]);
    assert_same_outputs(&dir.join("whole"), &dir.join("merged"));

    let mut args = warn("nowhere");
    args.extend(["--shard".to_string(), "auto".to_string()]);
    let (code, _, stderr) = trustsim(dir, &strs(&args), &[]);
    assert_eq!(code, Some(1));
    assert_mentions(
        &stderr,
        &["--shard auto", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"],
    );

    // A variable that is set but not UTF-8 is not mistaken for an unset one.
    use std::os::unix::ffi::OsStrExt;
    let output = Command::new(env!("CARGO_BIN_EXE_trustsim"))
        .args(strs(&args))
        .env("JOB_COMPLETION_INDEX", std::ffi::OsStr::from_bytes(b"\xff"))
        .current_dir(dir)
        .output()
        .expect("trustsim starts");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_mentions(&stderr, &["`JOB_COMPLETION_INDEX` must be a whole number"]);
}

#[test]
fn an_interrupted_comparison_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    succeeds(dir, &strs(&small_compare("whole")), &[]);
    let (code, _, _) = trustsim(dir, &strs(&small_compare("out")), &[("TRUSTSIM_CRASH_AFTER_RUNS", "5")]);
    assert_eq!(code, Some(75), "the simulated crash");
    assert!(!dir.join("out").exists(), "no output after a crash");
    let store = dir.join(".out.runs");
    let finished = entries(&store).into_iter().filter(|n| n.ends_with(".json")).count();
    assert!((5..14).contains(&finished), "{finished} runs finished before the crash");

    // Resuming with other overrides would mix two scenarios' runs.
    let mut other = small_compare("out");
    other.extend([
        "--resume".to_string(),
        "--set".to_string(),
        "population.users=1600".to_string(),
    ]);
    let (code, _, stderr) = trustsim(dir, &strs(&other), &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &[".out.runs", "another scenario", "without `--resume`"]);

    // A finished run's file holding another run is named with its store's directory.
    let mut resume = small_compare("out");
    resume.push("--resume".to_string());
    let finished: Vec<String> = entries(&store).into_iter().filter(|n| n.ends_with(".json")).collect();
    let (kept, overwritten) = (store.join(&finished[0]), store.join(&finished[1]));
    let original = std::fs::read(&overwritten).unwrap();
    std::fs::copy(&kept, &overwritten).unwrap();
    let (code, _, stderr) = trustsim(dir, &strs(&resume), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_mentions(&stderr, &[&format!(".out.runs/{}", finished[1]), "holds run"]);
    // A run file edited after it was saved no longer matches its sha256 line.
    let edited = String::from_utf8(original.clone())
        .unwrap()
        .replacen("net_loss_yuan", "zzz_loss_yuan", 1);
    assert_ne!(edited.as_bytes(), &original[..], "the record names its outcome columns");
    std::fs::write(&overwritten, edited).unwrap();
    let (code, _, stderr) = trustsim(dir, &strs(&resume), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_mentions(
        &stderr,
        &[&format!(".out.runs/{}", finished[1]), "not the sha256 of the rest"],
    );
    std::fs::write(&overwritten, original).unwrap();

    succeeds(dir, &strs(&resume), &[]);
    assert_same_outputs(&dir.join("whole"), &dir.join("out"));
    assert!(!store.exists(), "the store is removed once the output is complete");
}

/// Issue 21: a SIGTERM (or Ctrl-C) killed a comparison where it stood. Now it stops once the runs
/// in progress are saved, says how many are kept and that `--resume` continues, leaves no staging
/// directory, and the resumed output is the uninterrupted one.
#[test]
fn a_comparison_stopped_by_a_signal_says_so_and_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let compare = |out: &str| {
        let mut args = small_compare(out);
        args[3] = "20".to_string();
        args
    };
    let runs = 7 * 20;
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustsim"))
        .args(compare("out"))
        .current_dir(dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("trustsim starts");
    let store = dir.join(".out.runs");
    let saved = || entries(&store).into_iter().filter(|n| n.ends_with(".json")).count();
    while !store.exists() || saved() < 3 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the comparison ended before it was stopped"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert_mentions(
        &stderr,
        &["stopped by a signal", &format!("of {runs} runs"), "--resume"],
    );
    let kept = saved();
    assert!((3..runs).contains(&kept), "{kept} runs kept");
    assert!(!dir.join("out").exists(), "no output from a stopped comparison");
    let staging: Vec<String> = entries(dir).into_iter().filter(|n| n.contains(".partial")).collect();
    assert!(staging.is_empty(), "{staging:?}");

    let mut resume = compare("out");
    resume.push("--resume".to_string());
    succeeds(dir, &strs(&resume), &[]);
    succeeds(dir, &strs(&compare("whole")), &[]);
    assert_same_outputs(&dir.join("whole"), &dir.join("out"));
}

/// Issue 21: `compare` held every run's records until the end. It now reads one run at a time
/// and, past a memory budget, summarises the days in ranges, one pass over the runs each; a
/// budget of one byte (one day per pass) gives the bytes of a single pass.
#[test]
fn a_comparison_summarised_day_by_day_is_the_one_summarised_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    succeeds(dir, &strs(&small_compare("whole")), &[]);
    succeeds(
        dir,
        &strs(&small_compare("by_day")),
        &[("TRUSTSIM_SUMMARY_BUDGET_BYTES", "1")],
    );
    assert_same_outputs(&dir.join("whole"), &dir.join("by_day"));
}

/// `trustsim sweep` of the small Morris sweep in `dir`'s `s.toml` into `out`, with `extra`.
fn small_sweep<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["sweep", "s.toml", "--quiet", "--out", out];
    args.extend(extra);
    args
}

#[test]
fn three_sweep_shards_merged_are_the_sweep_in_one_process_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("s.toml"), sweep_file(MORRIS)).unwrap();
    succeeds(dir, &small_sweep("whole", &[]), &[]);
    let shards = ["1/3", "2/3", "3/3"];
    for (i, shard) in shards.iter().enumerate() {
        let out = format!("shard{}", i + 1);
        succeeds(dir, &small_sweep(&out, &["--shard", shard]), &[]);
    }
    let shard: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("shard2/manifest.json")).unwrap()).unwrap();
    // 9 points × 2 strategies × 2 seeds in run order: shard 2 of 3 has runs 1, 4, 7, …, 34.
    let expected: Vec<String> = (0..36)
        .filter(|k| k % 3 == 1)
        .map(|k| {
            let (point, strategy, seed) = (k / 4, ["status_quo", "compensation_fund"][k / 2 % 2], k % 2 + 1);
            format!("{point}/{strategy}/{seed}")
        })
        .collect();
    assert_eq!(shard["runs"], serde_json::json!(expected), "{shard}");
    assert!(
        !dir.join("shard2").join("runs.csv").exists(),
        "a shard writes runs, not tables"
    );
    assert!(dir.join("shard2/runs/0.status_quo.2.json").exists());

    succeeds(
        dir,
        &["merge", "shard3", "shard1", "shard2", "--out", "merged", "--quiet"],
        &[],
    );
    assert_same_outputs(&dir.join("whole"), &dir.join("merged"));
    for output in ["whole", "shard2"] {
        let stdout = succeeds(dir, &["verify", output], &[]);
        assert!(stdout.starts_with("identical: all"), "{stdout}");
    }

    let (code, _, stderr) = trustsim(dir, &["merge", "shard1", "shard3", "--out", "partial"], &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &["12 runs missing", "`0/status_quo/2`"]);
    assert!(!dir.join("partial").exists());
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("s.toml"), sweep_file(MORRIS)).unwrap();
    succeeds(dir, &small_sweep("whole", &["--threads", "1"]), &[]);
    let (code, _, _) = trustsim(dir, &small_sweep("out", &[]), &[("TRUSTSIM_CRASH_AFTER_RUNS", "7")]);
    assert_eq!(code, Some(75), "the simulated crash");
    assert!(!dir.join("out").exists(), "no output after a crash");
    let store = dir.join(".out.runs");
    let finished = entries(&store).into_iter().filter(|n| n.ends_with(".json")).count();
    assert!((7..36).contains(&finished), "{finished} runs finished before the crash");

    // Resuming another sweep into the same output would mix two sweeps' runs.
    std::fs::write(
        dir.join("s.toml"),
        sweep_file(&MORRIS.replace("max = 0.4", "max = 0.5")),
    )
    .unwrap();
    let (code, _, stderr) = trustsim(dir, &small_sweep("out", &["--resume"]), &[]);
    assert_eq!(code, Some(1));
    assert_mentions(&stderr, &[".out.runs", "another scenario", "without `--resume`"]);

    std::fs::write(dir.join("s.toml"), sweep_file(MORRIS)).unwrap();
    succeeds(dir, &small_sweep("out", &["--resume"]), &[]);
    assert_same_outputs(&dir.join("whole"), &dir.join("out"));
    assert!(!store.exists(), "the store is removed once the output is complete");
}

#[test]
fn a_sweep_over_edge_lists_refuses_a_resume_after_one_changed_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("e.toml"),
        "schema_version = 1\nhorizon_days = 20\n[population]\nusers = 300\n[network]\nkind = \"edge_list\"\nedge_list = \"ea.csv\"\n",
    )
    .unwrap();
    let ring = |step: usize| -> String { (0..300).map(|i| format!("{i},{}\n", (i + step) % 300)).collect() };
    std::fs::write(dir.join("ea.csv"), ring(1)).unwrap();
    std::fs::write(dir.join("eb.csv"), ring(7)).unwrap();
    std::fs::write(
        dir.join("s.toml"),
        "schema_version = 1\nscenario = \"e.toml\"\nseeds = 2\noutcomes = [\"trough_trust\"]\n[design]\nkind = \"grid\"\n\
         [[parameter]]\nkey = \"network.edge_list\"\nvalues = [\"eb.csv\", \"ea.csv\"]\n",
    )
    .unwrap();
    let args = ["sweep", "s.toml", "--quiet", "--out", "out", "--threads", "1"];
    let (code, _, _) = trustsim(dir, &args, &[("TRUSTSIM_CRASH_AFTER_RUNS", "2")]);
    assert_eq!(code, Some(75), "the simulated crash");
    // The base scenario reads ea.csv too, so change the file only the second point reads.
    std::fs::write(dir.join("eb.csv"), ring(5)).unwrap();
    let mut resume = args.to_vec();
    resume.push("--resume");
    let (code, _, stderr) = trustsim(dir, &resume, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_mentions(&stderr, &[".out.runs", "another scenario", "without `--resume`"]);

    // The points' edge lists are named relative to the scenario, not to the output, so the
    // output re-runs from its stored sweep.
    succeeds(dir, &args, &[]);
    let stdout = succeeds(dir, &["verify", "out"], &[]);
    assert!(stdout.starts_with("identical"), "{stdout}");

    // A point's malformed edge list is found before any run, naming the point.
    std::fs::write(dir.join("ec.csv"), "0\t1\n").unwrap();
    let sweep = std::fs::read_to_string(dir.join("s.toml")).unwrap();
    std::fs::write(
        dir.join("s.toml"),
        sweep.replace("\"ea.csv\"]", "\"ea.csv\", \"ec.csv\"]"),
    )
    .unwrap();
    let args = ["sweep", "s.toml", "--quiet", "--out", "bad"];
    let (code, _, stderr) = trustsim(dir, &args, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_mentions(&stderr, &["s.toml:", "`parameter[0]`", "at point 2", "ec.csv:1"]);
    assert!(
        !dir.join(".bad.runs").exists() && !dir.join("bad").exists(),
        "nothing run"
    );
}
