//! The finished runs of an ensemble or sweep on disk while it runs: one record file per run in
//! a directory `.<output name>.runs` beside the output, named after the run's id. Each file is
//! written under a temporary name, synced and renamed, so a file under its final name is a
//! finished run (its done marker) even if the process is killed; `--resume` skips those runs.
//! While a command uses the store it holds an exclusive lock on `.<output name>.runs.lock`
//! (released by the operating system if the process dies), so a second command writing to the
//! same output is refused instead of deleting the first one's runs. A record file is the sha256
//! of its JSON on the first line, then the JSON, so that a record damaged or edited after it was
//! saved is refused rather than aggregated.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::output::directory::sha256_hex;

/// A finished run as a store keeps it: one JSON file.
pub trait StoredRun: Serialize + DeserializeOwned {
    /// What the record is, for errors: e.g. "run record".
    const KIND: &'static str;
    /// The run's id, e.g. `status_quo/3` or `12/compensation_fund/3`.
    fn id(&self) -> &str;
    /// The scenario and build the run belongs to; runs of another key are never mixed in.
    fn scenario_key(&self) -> &str;
    /// Checks that the record is consistent in itself, saying what is wrong if not.
    fn check(&self) -> std::result::Result<(), String>;

    /// Reads the record in `path`, checking that it is whole, unchanged since it was saved and
    /// consistent.
    fn read(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
        let damaged = |message: String| Error::Damaged {
            path: path.to_path_buf(),
            message,
        };
        let (digest, json) = match bytes.iter().position(|&b| b == b'\n') {
            Some(end) => (&bytes[..end], &bytes[end + 1..]),
            None => (&bytes[..0], &bytes[..]),
        };
        if digest != sha256_hex(json).as_bytes() {
            return Err(damaged(format!(
                "not a {} as trustsim saved it: its first line is not the sha256 of the rest; run \
                 without `--resume` (or run the shard again) to start over",
                Self::KIND
            )));
        }
        let record: Self = serde_json::from_slice(json).map_err(|e| damaged(format!("not a {}: {e}", Self::KIND)))?;
        record.check().map_err(damaged)?;
        Ok(record)
    }
}

/// The key every record of one ensemble or sweep carries: sha256 of the trustsim version, the
/// git commit and `parts` (hashes of what the runs depend on), one per line.
pub fn run_key(parts: &[&str]) -> String {
    let mut text = format!("{}\n{}", env!("CARGO_PKG_VERSION"), env!("TRUSTSIM_GIT_COMMIT"));
    for part in parts {
        text.push('\n');
        text.push_str(part);
    }
    sha256_hex(text.as_bytes())
}

/// The file a run is kept in: its id with `/` as `.`, then `.json` (ids hold no other `.`),
/// e.g. `status_quo.3.json`.
pub fn run_file_name(id: &str) -> String {
    format!("{}.json", id.replace('/', "."))
}

/// A directory of finished runs.
#[derive(Debug)]
pub struct RunStore {
    dir: PathBuf,
    /// The locked lock file, held while the store is in use.
    lock: (PathBuf, fs::File),
    /// Runs saved by this process, for the simulated crash of [`crash_after_runs`].
    saved: AtomicUsize,
    crash_after: Option<usize>,
}

/// Exit code of the simulated crash of [`crash_after_runs`].
const CRASH_EXIT_CODE: i32 = 75;

/// For tests of `--resume`: with `TRUSTSIM_CRASH_AFTER_RUNS=k` set, the process exits abruptly
/// (code 75) once it has saved k runs, as if killed.
fn crash_after_runs() -> Option<usize> {
    std::env::var("TRUSTSIM_CRASH_AFTER_RUNS").ok()?.parse().ok()
}

impl RunStore {
    /// The store of the output directory `destination`: `.<name>.runs` beside it.
    pub fn beside(destination: &Path) -> PathBuf {
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = match destination.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        parent.join(format!(".{name}.runs"))
    }

    /// Opens the store in `dir`, locked: empty unless `resume`, when finished runs are kept (and
    /// files left half-written by a killed process are removed).
    pub fn open(dir: PathBuf, resume: bool) -> Result<RunStore> {
        let dir = crate::output::directory::settled(&dir)?;
        let mut lock_path = dir.clone().into_os_string();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::Usage {
                    option: "--out".to_string(),
                    message: format!(
                        "another trustsim command is writing to this output (it holds `{}`); wait for it to \
                         finish or choose another directory",
                        lock_path.display()
                    ),
                })
            }
            // A file system without locks (Lustre mounted `noflock`, say) runs unguarded, as
            // before locking, rather than not at all.
            Err(fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {}
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        if !resume && dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(RunStore {
            dir,
            lock: (lock_path, lock),
            saved: AtomicUsize::new(0),
            crash_after: crash_after_runs(),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of run `id`.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(run_file_name(id))
    }

    /// Whether run `id` is finished; a finished run of another scenario or build is an error.
    pub fn finished<R: StoredRun>(&self, id: &str, scenario_key: &str) -> Result<bool> {
        let path = self.path(id);
        if !path.exists() {
            return Ok(false);
        }
        let record = R::read(&path)?;
        if record.scenario_key() != scenario_key {
            return Err(Error::Damaged {
                path,
                message: "was run with another scenario, overrides or build; run without `--resume` to start over"
                    .to_string(),
            });
        }
        Ok(true)
    }

    /// Saves a finished run atomically: a temporary file, synced, then renamed.
    pub fn save<R: StoredRun>(&self, record: &R) -> Result<()> {
        let path = self.path(record.id());
        let temporary = path.with_extension("json.tmp");
        let json = serde_json::to_vec(record).expect("a run record always serializes");
        let mut file = fs::File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
        file.write_all(format!("{}\n", sha256_hex(&json)).as_bytes())
            .and_then(|()| file.write_all(&json))
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&temporary, e))?;
        fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))?;
        let saved = self.saved.fetch_add(1, Ordering::SeqCst) + 1;
        if self.crash_after.is_some_and(|k| saved >= k) {
            std::process::exit(CRASH_EXIT_CODE);
        }
        Ok(())
    }

    /// Removes every finished run but those of `ids` (a shard keeps only its own runs, even if
    /// an interrupted execution for another shard left some in the same store).
    pub fn retain(&self, ids: &[String]) -> Result<()> {
        let keep: std::collections::BTreeSet<String> = ids.iter().map(|id| run_file_name(id)).collect();
        for entry in fs::read_dir(&self.dir).map_err(|e| Error::io(&self.dir, e))? {
            let path = entry.map_err(|e| Error::io(&self.dir, e))?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !keep.contains(&name) {
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(())
    }

    /// Removes the store and its lock file (best effort: the output it served is complete).
    pub fn remove(self) {
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_file(&self.lock.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_retains_only_the_runs_it_is_told_to() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::open(dir.path().join(".out.runs"), false).unwrap();
        for name in ["a.1.json", "a.2.json", "0.b.1.json"] {
            fs::write(store.dir().join(name), "{}").unwrap();
        }
        store.retain(&["a/2".to_string(), "0/b/1".to_string()]).unwrap();
        let mut left: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["0.b.1.json", "a.2.json"]);
    }

    #[test]
    fn a_store_in_use_is_refused_to_a_second_command_and_freed_after() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join(".out.runs");
        let store = RunStore::open(runs.clone(), false).unwrap();
        fs::write(store.dir().join("a.1.json"), "{}").unwrap();
        let error = RunStore::open(runs.clone(), false).unwrap_err().to_string();
        assert!(error.contains("another trustsim command is writing"), "{error}");
        assert!(store.dir().join("a.1.json").exists(), "the first store's runs are kept");
        store.remove();
        assert!(!dir.path().join(".out.runs.lock").exists());
        RunStore::open(runs, true).unwrap();
    }
}
