//! What a calibration keeps of each finished generation while it runs, in its run store beside
//! the output: the generation exactly as the sampler made it (floats as shortest round-trip
//! text), so that `--resume` continues from the last one saved to the same bits.

use serde::{Deserialize, Serialize};

use crate::analysis::abc::Generation;
use crate::experiment::run_store::StoredRun;

/// A generation's id in the run store: `generation/<g>`.
pub fn generation_id(index: usize) -> String {
    format!("generation/{index}")
}

/// One finished generation of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationRecord {
    /// `generation/<g>`.
    pub run: String,
    /// The calibration and build it belongs to: sha256 of the trustsim version, git commit,
    /// resolved calibration, resolved base scenario, data file and edge list.
    pub scenario_key: String,
    /// The generation.
    pub generation: Generation,
}

impl StoredRun for GenerationRecord {
    const KIND: &'static str = "calibration generation";

    fn id(&self) -> &str {
        &self.run
    }

    fn scenario_key(&self) -> &str {
        &self.scenario_key
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.run != generation_id(self.generation.index) {
            return Err(format!(
                "holds generation {} under the id `{}`",
                self.generation.index, self.run
            ));
        }
        if self.generation.particles.is_empty() {
            return Err("holds a generation without particles".to_string());
        }
        Ok(())
    }
}
