//! Stopping cleanly: the command line's Ctrl-C (SIGINT) or SIGTERM handler asks for a stop, and
//! ensembles, sweeps and calibrations then start no new run, let the runs in progress finish and
//! be saved, and return [`Error::Interrupted`], so that `--resume` continues where they stopped
//! and no staging directory is left behind.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Set once a stop has been asked for; never cleared (the process is about to end).
static STOP: AtomicBool = AtomicBool::new(false);

/// Asks every running experiment to stop after the runs in progress. Returns whether a stop had
/// already been asked for (a second Ctrl-C, which the command line takes as "stop at once").
pub fn request_stop() -> bool {
    STOP.swap(true, Ordering::SeqCst)
}

/// [`Error::Interrupted`] saying that `kept` is kept, once a stop has been asked for.
pub(crate) fn check(kept: impl FnOnce() -> String) -> Result<()> {
    if STOP.load(Ordering::SeqCst) {
        return Err(Error::Interrupted { kept: kept() });
    }
    Ok(())
}
