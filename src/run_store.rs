//! The finished runs of an ensemble on disk while it runs: one [`RunRecord`] file per run in a
//! directory `.<output name>.runs` beside the output. Each file is written under a temporary
//! name, synced and renamed, so a file under its final name is a finished run (its done marker)
//! even if the process is killed; `--resume` skips those runs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::run_record::{run_file_name, RunRecord};

/// A directory of finished runs.
#[derive(Debug)]
pub struct RunStore {
    dir: PathBuf,
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

    /// Opens the store in `dir`: empty unless `resume`, when finished runs are kept (and files
    /// left half-written by a killed process are removed).
    pub fn open(dir: PathBuf, resume: bool) -> Result<RunStore> {
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
        Ok(RunStore { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of the run of `strategy` with `seed`.
    pub fn path(&self, strategy: &str, seed: u64) -> PathBuf {
        self.dir.join(run_file_name(strategy, seed))
    }

    /// Whether the run is finished; a finished run of another scenario or build is an error.
    pub fn finished(&self, strategy: &str, seed: u64, scenario_key: &str) -> Result<bool> {
        let path = self.path(strategy, seed);
        if !path.exists() {
            return Ok(false);
        }
        let record = RunRecord::read(&path)?;
        if record.scenario_key != scenario_key {
            return Err(Error::Damaged {
                path,
                message: "was run with another scenario, overrides or build; run without `--resume` to start over"
                    .to_string(),
            });
        }
        Ok(true)
    }

    /// Saves a finished run atomically: a temporary file, synced, then renamed.
    pub fn save(&self, record: &RunRecord) -> Result<()> {
        let path = self.path(&record.strategy, record.seed);
        let temporary = path.with_extension("json.tmp");
        let text = serde_json::to_vec(record).expect("a run record always serializes");
        let mut file = fs::File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&temporary, e))?;
        fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))
    }

    /// Reads the run of `strategy` with `seed`.
    pub fn load(&self, strategy: &str, seed: u64) -> Result<RunRecord> {
        RunRecord::read(&self.path(strategy, seed))
    }

    /// Removes the store (best effort: the output it served is complete).
    pub fn remove(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}
