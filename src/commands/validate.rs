//! `trustsim validate`: scenario files checked as a run would read them, without simulating.

use std::path::PathBuf;

use crate::error::Result;
use crate::model::network::Network;
use crate::scenario::loader::load;

/// Checks scenario files without simulating (including that an edge-list file loads).
/// Returns one result per file, in order.
pub fn validate(paths: &[PathBuf], overrides: &[String]) -> Vec<Result<()>> {
    paths
        .iter()
        .map(|path| {
            let loaded = load(path, overrides)?;
            if let Some(edges) = loaded.edge_list() {
                Network::load_edge_list(&edges, loaded.scenario.population.users)?;
            }
            Ok(())
        })
        .collect()
}
