//! `trustsim animate`: one run of a scenario recorded as an animation of trust spreading over a
//! sampled neighbourhood of the social network, written as a self-contained HTML page.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::animation::record;
use crate::output::animation_page::standalone;
use crate::output::html::{check_page, write_page};
use crate::scenario::loader::load;

/// Options of `trustsim animate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnimateOptions {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The strategy run (default: the reference strategy).
    pub strategy: Option<String>,
    /// The seed.
    pub seed: u64,
    /// `dotted.key=value` overrides.
    pub overrides: Vec<String>,
    /// Users sampled around the centre.
    pub sample: usize,
    /// The page written; default `output/<scenario name>-<strategy>-seed<seed>.html`.
    pub out: Option<PathBuf>,
}

/// Records the run and writes the page atomically; returns its path.
pub fn animate(options: &AnimateOptions) -> Result<PathBuf> {
    let loaded = load(&options.scenario, &options.overrides)?;
    let scenario = &loaded.scenario;
    let name = options.strategy.as_deref().unwrap_or(&scenario.reference_strategy);
    let strategy = scenario.strategy_index(name).map_err(|message| Error::Usage {
        option: "--strategy".to_string(),
        message,
    })?;
    let path = options.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!(
            "{}-{}-seed{}.html",
            scenario.name,
            scenario.strategies()[strategy].name,
            options.seed
        ))
    });
    check_page(&path)?;
    let animation = record(
        scenario,
        strategy,
        loaded.edge_list().as_deref(),
        options.seed,
        options.sample,
    )?;
    write_page(&path, &standalone(&animation))?;
    Ok(path)
}
