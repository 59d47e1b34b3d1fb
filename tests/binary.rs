//! Running the real `trustsim` binary in a fresh temporary directory: [`Test`] takes arguments
//! and input files in; [`Output`] holds the exit status, stdout, stderr and the files written.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::common::root;

/// Keeps every run small: a couple of thousand users for two months.
pub(crate) const SMALL: [&str; 4] = ["--set", "population.users=2000", "--set", "horizon_days=60"];

/// Horizon set by [`SMALL`].
pub(crate) const HORIZON: usize = 60;

/// The five files of a run's output directory.
pub(crate) const OUTPUT_FILES: [&str; 5] = [
    "manifest.json",
    "outcome.csv",
    "platforms.csv",
    "scenario.toml",
    "series.csv",
];

/// A small scenario header for hand-written files: four lines, so the next line is line 5.
pub(crate) const HEADER: &str = "schema_version = 1\nhorizon_days = 60\n[population]\nusers = 2000\n";

/// One invocation of the binary, built up from arguments and input files.
pub(crate) struct Test {
    dir: TempDir,
    args: Vec<OsString>,
}

/// What an invocation produced. Keeps the temporary directory alive for inspection.
pub(crate) struct Output {
    dir: TempDir,
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Test {
    pub(crate) fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("a temporary directory"),
            args: Vec::new(),
        }
    }

    /// Writes `contents` to `name` (relative to the working directory), creating parents.
    pub(crate) fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        self
    }

    /// The path of `relative` in the working directory, e.g. to make a file by other means.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub(crate) fn arg(mut self, arg: impl Into<OsString>) -> Test {
        self.args.push(arg.into());
        self
    }

    pub(crate) fn args<I: IntoIterator<Item = A>, A: Into<OsString>>(mut self, args: I) -> Test {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs the binary with the working directory set to the temporary directory.
    pub(crate) fn run(self) -> Output {
        let output = Command::new(env!("CARGO_BIN_EXE_trustsim"))
            .args(&self.args)
            .current_dir(self.dir.path())
            .output()
            .expect("trustsim starts");
        Output {
            dir: self.dir,
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Output {
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub(crate) fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_else(|e| panic!("reading {relative}: {e}\n{self}"))
    }

    pub(crate) fn text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).expect("UTF-8")
    }

    /// Names of the entries of a directory.
    pub(crate) fn entries(&self, relative: &str) -> BTreeSet<String> {
        entries(&self.path(relative))
    }

    pub(crate) fn success(self) -> Output {
        assert_eq!(self.code, Some(0), "expected success\n{self}");
        assert!(!self.stderr.contains("panicked"), "{self}");
        self
    }

    /// Asserts the run failed without a panic (where it may leave output, unlike [`Output::error`]).
    pub(crate) fn failure(self) -> Output {
        assert!(
            self.code != Some(0) && !self.stderr.contains("panicked"),
            "expected a clean failure\n{self}"
        );
        self
    }

    /// Asserts the run failed cleanly with a single `error:` line and left no output behind
    /// under `out` (the `--out` argument given); returns that line.
    pub(crate) fn error(&self, out: &str) -> String {
        assert!(matches!(self.code, Some(c) if c != 0), "expected failure\n{self}");
        assert!(!self.stderr.contains("panicked"), "panic instead of an error\n{self}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected exactly one line on stderr\n{self}");
        assert!(lines[0].starts_with("error: "), "{self}");
        assert!(self.stdout.is_empty(), "{self}");
        let out = self.path(out);
        assert!(!out.exists(), "a failed run left {}\n{self}", out.display());
        for dir in [self.dir.path().to_path_buf(), out.parent().unwrap().to_path_buf()] {
            if dir.exists() {
                let leftovers: Vec<String> = entries(&dir).into_iter().filter(|n| n.contains(".partial")).collect();
                assert!(
                    leftovers.is_empty(),
                    "staging left behind in {}: {leftovers:?}",
                    dir.display()
                );
            }
        }
        lines[0].to_string()
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub(crate) fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A manifest without its `execution` record (command line, threads, wall time), the one part
/// allowed to differ between two executions of the same command.
pub(crate) fn without_execution(manifest: &[u8]) -> serde_json::Value {
    let mut manifest: serde_json::Value = serde_json::from_slice(manifest).expect("a JSON manifest");
    let object = manifest.as_object_mut().expect("a JSON object");
    assert!(object.contains_key("execution"), "the manifest records its execution");
    object.remove("execution");
    manifest
}

/// Asserts two output directories hold the same files (recursively) with the same bytes, but
/// for the manifests' `execution` records.
pub(crate) fn assert_same_outputs(a: &Path, b: &Path) {
    assert_eq!(entries(a), entries(b), "{} and {}", a.display(), b.display());
    for name in entries(a) {
        let (x, y) = (a.join(&name), b.join(&name));
        if x.is_dir() {
            assert_same_outputs(&x, &y);
        } else if name == "manifest.json" {
            let (x, y) = (std::fs::read(&x).unwrap(), std::fs::read(&y).unwrap());
            assert_eq!(
                without_execution(&x),
                without_execution(&y),
                "{}",
                a.join(&name).display()
            );
        } else {
            assert!(
                std::fs::read(&x).unwrap() == std::fs::read(&y).unwrap(),
                "{} and {} differ",
                x.display(),
                y.display()
            );
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A shipped scenario whose events all fall within [`HORIZON`].
pub(crate) fn shipped_path() -> PathBuf {
    root().join("scenarios").join("data_leak.toml")
}

/// `trustsim run <shipped> --seed <seed> --out out` at the small size.
pub(crate) fn run_shipped(seed: u64) -> Output {
    Test::new()
        .arg("run")
        .arg(shipped_path())
        .args(["--seed", &seed.to_string(), "--out", "out", "--quiet"])
        .args(SMALL)
        .run()
        .success()
}

/// Runs `trustsim run bad.toml --out results/out` with `scenario` as bad.toml and `extra`
/// arguments; asserts it fails cleanly and returns the error line.
pub(crate) fn rejects(scenario: &str, extra: &[&str]) -> String {
    let output = Test::new()
        .file("bad.toml", scenario)
        .args(["run", "bad.toml", "--out", "results/out"])
        .args(extra)
        .run();
    output.error("results/out")
}

pub(crate) fn assert_mentions(error: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(error.contains(fragment), "expected {fragment:?} in:\n{error}");
    }
}
