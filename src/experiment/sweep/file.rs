//! A sweep file as written: the base scenario, the parameters to vary (by the dotted keys
//! `--set` takes), the sampling design and its settings, the strategies, seeds per point and the
//! outcome measures of interest. Read strictly: unknown keys are rejected, and every error
//! names the file, line and key, and what is allowed.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::scenario::strict::parse_strict;

/// The version of the sweep file format this build reads.
pub const SWEEP_SCHEMA_VERSION: u32 = 1;

/// A sweep file as written (and, resolved, as recorded in the output's `sweep.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Must be [`SWEEP_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What the sweep asks, in a line or two.
    #[serde(default)]
    pub description: String,
    /// The base scenario file, relative to the sweep file.
    pub scenario: String,
    /// Overrides applied to the base scenario at every point (`dotted.key=value`, as `--set`).
    #[serde(default)]
    pub set: Vec<String>,
    /// The strategies run at every point, by name; empty for all of the scenario's strategies.
    #[serde(default)]
    pub strategies: Vec<String>,
    /// The strategy the others are compared with, point by point; empty for the scenario's
    /// reference strategy if the sweep runs it, else the sweep's first strategy.
    #[serde(default)]
    pub reference: String,
    /// Seeds 1..=`seeds` run at every point for every strategy (common random numbers).
    #[serde(default = "default_seeds")]
    pub seeds: u64,
    /// The outcome measures analysed (columns of `outcomes.csv`).
    #[serde(default = "default_outcomes")]
    pub outcomes: Vec<String>,
    /// The sampling design.
    pub design: Design,
    /// The parameters varied, in order.
    pub parameter: Vec<Parameter>,
}

fn default_seeds() -> u64 {
    4
}

fn default_outcomes() -> Vec<String> {
    vec!["net_loss_yuan".to_string()]
}

fn default_seed() -> u64 {
    1
}

fn default_levels() -> usize {
    4
}

fn default_resamples() -> usize {
    1000
}

fn default_confidence() -> f64 {
    0.95
}

/// A sampling design and its settings ([`crate::analysis::design`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Design {
    /// Every combination of every parameter's levels or values.
    Grid {},
    /// Latin hypercube samples of the parameters' ranges.
    LatinHypercube {
        /// Number of points.
        samples: usize,
        /// Seed of the design's generator.
        #[serde(default = "default_seed")]
        seed: u64,
    },
    /// Morris elementary-effects trajectories, analysed for μ, μ* and σ.
    Morris {
        /// Number of trajectories r; the design has r(D + 1) points.
        trajectories: usize,
        /// Number of grid levels p (even).
        #[serde(default = "default_levels")]
        levels: usize,
        /// Seed of the design's and the bootstrap's generator.
        #[serde(default = "default_seed")]
        seed: u64,
        /// Bootstrap resamples for the interval of μ*.
        #[serde(default = "default_resamples")]
        resamples: usize,
        /// Confidence level of the interval of μ*.
        #[serde(default = "default_confidence")]
        confidence: f64,
    },
    /// Saltelli's sample, analysed for Sobol first-order and total indices.
    Saltelli {
        /// Number of base samples N; the design has N(D + 2) points.
        base_samples: usize,
        /// Seed of the design's and the bootstrap's generator.
        #[serde(default = "default_seed")]
        seed: u64,
        /// Bootstrap resamples for the intervals of the indices.
        #[serde(default = "default_resamples")]
        resamples: usize,
        /// Confidence level of the intervals.
        #[serde(default = "default_confidence")]
        confidence: f64,
    },
}

impl Design {
    /// The design's name, as written in `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Design::Grid {} => "grid",
            Design::LatinHypercube { .. } => "latin_hypercube",
            Design::Morris { .. } => "morris",
            Design::Saltelli { .. } => "saltelli",
        }
    }
}

/// One parameter of a sweep: a scenario key and a range (`min`, `max`, and for a grid
/// `levels`) or, for a grid only, a list of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// A dotted key, as `--set` takes it, e.g. `strategy[1].intervention[0].coverage`.
    pub key: String,
    /// Lower end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Evenly spaced levels from `min` to `max` (grid only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    /// The values to take (grid only), any TOML values the key accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<toml::Value>>,
}

impl Parameter {
    /// How many values a grid takes of this parameter: its list of values, or its `levels` (0
    /// when a range has none, which checking refuses).
    pub fn grid_size(&self) -> usize {
        self.values.as_ref().map_or_else(|| self.levels.unwrap_or(0), Vec::len)
    }

    /// The point `u` of the unit interval mapped linearly onto the range (`u = 1` gives `max`
    /// exactly).
    ///
    /// # Panics
    ///
    /// If the parameter has no range (a list of values).
    pub fn scale(&self, u: f64) -> f64 {
        let (min, max) = (self.min.expect("a range"), self.max.expect("a range"));
        if u >= 1.0 {
            max
        } else {
            min + u * (max - min)
        }
    }

    /// Level `k` of `levels` evenly spaced from `min` to `max`, as the weighted mean
    /// `(min · (levels − 1 − k) + max · k) / (levels − 1)`, which keeps round ends round
    /// (0.2 to 1.0 in 5 levels gives 0.6, not 0.6000000000000001).
    ///
    /// # Panics
    ///
    /// If the parameter has no range.
    pub fn level(&self, k: usize, levels: usize) -> f64 {
        let (min, max) = (self.min.expect("a range"), self.max.expect("a range"));
        let steps = (levels - 1) as f64;
        (min * (steps - k as f64) + max * k as f64) / steps
    }
}

/// Parses the sweep's TOML into a [`SweepFile`], naming the file, line and key of a problem.
pub(crate) fn parse(text: &str, name: &str) -> Result<SweepFile> {
    parse_strict(text, name)
}

/// Checks what can be checked without the scenario: the version, the seeds, the design's
/// settings and each parameter's range or values. Returns the key and message of a problem.
pub(crate) fn check(file: &SweepFile) -> std::result::Result<(), (String, String)> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    if file.schema_version != SWEEP_SCHEMA_VERSION {
        return problem(
            "schema_version",
            format!("must be {SWEEP_SCHEMA_VERSION}, got {}", file.schema_version),
        );
    }
    if file.scenario.trim().is_empty() {
        return problem("scenario", "must name the scenario file to sweep".to_string());
    }
    if !(1..=100_000).contains(&file.seeds) {
        return problem(
            "seeds",
            format!("must be a whole number from 1 to 100000, got {}", file.seeds),
        );
    }
    if file.outcomes.is_empty() {
        return problem("outcomes", "must name at least one outcome measure".to_string());
    }
    if file.parameter.is_empty() {
        return problem("parameter", "give at least one `[[parameter]]`".to_string());
    }
    check_design(&file.design).or_else(|(key, message)| problem(&format!("design.{key}"), message))?;
    let grid = matches!(file.design, Design::Grid {});
    for (i, parameter) in file.parameter.iter().enumerate() {
        if file.parameter[..i].iter().any(|p| p.key == parameter.key) {
            return problem(
                &format!("parameter[{i}].key"),
                format!("`{}` is varied by an earlier parameter", parameter.key),
            );
        }
        let last = parameter.key.rsplit('.').next().unwrap_or_default();
        if ["name", "description", "reference_strategy"].contains(&last) {
            return problem(
                &format!("parameter[{i}].key"),
                format!(
                    "`{}` labels the scenario without changing any run, so every point would repeat \
                     the same runs; the sweep's own `strategies` and `reference` choose strategies",
                    parameter.key
                ),
            );
        }
        // The list, or one whole strategy (with its name): a strategy's settings may vary.
        let key = parameter.key.as_str();
        let whole_strategy = match key.strip_prefix("strategy.") {
            Some(name) => !name.contains(['.', '[']),
            None => key.starts_with("strategy[") && !key.contains('.'),
        };
        if key == "strategy" || whole_strategy {
            return problem(
                &format!("parameter[{i}].key"),
                format!(
                    "`{}` would change the scenario's strategies from point to point, but every point \
                     runs the same strategies (those of the base scenario, chosen by the sweep's \
                     `strategies`); vary one setting of a strategy instead, such as \
                     `strategy.compensation_fund.intervention[0].coverage`",
                    parameter.key
                ),
            );
        }
        check_parameter(parameter, grid)
            .or_else(|(key, message)| problem(&format!("parameter[{i}].{key}"), message))?;
    }
    let points = point_count(file);
    if points > u128::from(crate::scenario::limits::MAX_SWEEP_POINTS) {
        let key = if grid { "parameter" } else { "design" };
        return problem(
            key,
            format!(
                "the design makes {points} points; at most {} are allowed (each point's scenario is \
                 built and kept before the first run, about 10 kB each); use fewer levels, \
                 trajectories or base samples",
                crate::scenario::limits::MAX_SWEEP_POINTS
            ),
        );
    }
    let runs = points.saturating_mul(u128::from(file.seeds));
    if runs > u128::from(crate::scenario::limits::MAX_SWEEP_RUNS) {
        let key = if grid { "parameter" } else { "design" };
        return problem(
            key,
            format!(
                "the design's points × seeds make {runs} runs per strategy; at most {} are allowed",
                crate::scenario::limits::MAX_SWEEP_RUNS
            ),
        );
    }
    Ok(())
}

/// The number of points the (checked) design of `file` makes, without making them.
fn point_count(file: &SweepFile) -> u128 {
    let dimensions = file.parameter.len() as u128;
    match file.design {
        Design::Grid {} => file
            .parameter
            .iter()
            .map(|p| p.grid_size() as u128)
            .fold(1u128, u128::saturating_mul),
        Design::LatinHypercube { samples, .. } => samples as u128,
        Design::Morris { trajectories, .. } => (trajectories as u128).saturating_mul(dimensions + 1),
        Design::Saltelli { base_samples, .. } => (base_samples as u128).saturating_mul(dimensions + 2),
    }
}

fn check_design(design: &Design) -> std::result::Result<(), (String, String)> {
    let at_least = |key: &str, value: usize, minimum: usize| {
        if value < minimum {
            Err((key.to_string(), format!("must be at least {minimum}, got {value}")))
        } else {
            Ok(())
        }
    };
    let bootstrap = |resamples: usize, confidence: f64| {
        at_least("resamples", resamples, 2)?;
        if resamples > crate::scenario::limits::MAX_RESAMPLES {
            return Err((
                "resamples".to_string(),
                format!(
                    "must be at most {}, got {resamples}",
                    crate::scenario::limits::MAX_RESAMPLES
                ),
            ));
        }
        if confidence > 0.0 && confidence < 1.0 {
            Ok(())
        } else {
            Err((
                "confidence".to_string(),
                format!("must be between 0 and 1 (exclusive), got {confidence}"),
            ))
        }
    };
    match *design {
        Design::Grid {} => Ok(()),
        Design::LatinHypercube { samples, .. } => at_least("samples", samples, 2),
        Design::Morris {
            trajectories,
            levels,
            resamples,
            confidence,
            ..
        } => {
            at_least("trajectories", trajectories, 2)?;
            if levels < 2 || levels % 2 != 0 {
                return Err((
                    "levels".to_string(),
                    format!("must be an even number of at least 2, got {levels}"),
                ));
            }
            bootstrap(resamples, confidence)
        }
        Design::Saltelli {
            base_samples,
            resamples,
            confidence,
            ..
        } => {
            at_least("base_samples", base_samples, 2)?;
            bootstrap(resamples, confidence)
        }
    }
}

fn check_parameter(parameter: &Parameter, grid: bool) -> std::result::Result<(), (String, String)> {
    let problem = |key: &str, message: &str| Err((key.to_string(), message.to_string()));
    match (parameter.min, parameter.max, &parameter.values) {
        (Some(_), Some(_), Some(_)) => problem("values", "give either `min` and `max` or `values`, not both"),
        (None, None, Some(values)) => {
            if !grid {
                return problem(
                    "values",
                    "a list of values needs `design.kind = \"grid\"`; other designs sample a range: give `min` and `max`",
                );
            }
            if values.is_empty() {
                return problem("values", "must list at least one value");
            }
            if let Some(twice) = values.iter().enumerate().find(|&(i, v)| values[..i].contains(v)) {
                return Err((
                    "values".to_string(),
                    format!("lists `{}` twice, which would run the same points twice", twice.1),
                ));
            }
            if parameter.levels.is_some() {
                return problem("levels", "goes with `min` and `max`, not with `values`");
            }
            Ok(())
        }
        (Some(min), Some(max), None) => {
            if !(min.is_finite() && max.is_finite() && min < max) {
                return Err((
                    "max".to_string(),
                    format!("must be greater than `min` ({min}), got {max}"),
                ));
            }
            if !(max - min).is_finite() {
                return Err((
                    "max".to_string(),
                    format!("the range {min} to {max} is too wide to map points onto (its width overflows)"),
                ));
            }
            match (grid, parameter.levels) {
                (true, None) => problem("levels", "a grid over a range needs `levels` (at least 2)"),
                (true, Some(levels)) if levels < 2 => {
                    Err(("levels".to_string(), format!("must be at least 2, got {levels}")))
                }
                (false, Some(_)) => problem("levels", "is for grids only; this design samples the range itself"),
                _ => Ok(()),
            }
        }
        _ => problem(
            "min",
            "give a range (`min` and `max`) or, for a grid, a list of `values`",
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn parse_ok(text: &str) -> SweepFile {
        parse(text, "s.toml").unwrap()
    }

    fn parse_error(text: &str) -> String {
        parse(text, "s.toml").unwrap_err().to_string()
    }

    pub(crate) const HEAD: &str = "schema_version = 1\nscenario = \"x.toml\"\n";

    #[test]
    fn defaults_fill_what_is_not_written() {
        let file = parse_ok(&format!(
            "{HEAD}[design]\nkind = \"morris\"\ntrajectories = 5\n[[parameter]]\nkey = \"trust.loss_rate\"\nmin = 0.1\nmax = 0.3\n"
        ));
        assert_eq!(file.seeds, 4);
        assert_eq!(file.outcomes, vec!["net_loss_yuan"]);
        assert_eq!(
            file.design,
            Design::Morris {
                trajectories: 5,
                levels: 4,
                seed: 1,
                resamples: 1000,
                confidence: 0.95
            }
        );
        assert!(check(&file).is_ok());
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"grid\"\nsamples = 3\n[[parameter]]\nkey = \"a\"\n"
        ));
        assert!(
            error.starts_with("s.toml:5: `design.samples`: unknown field `samples`"),
            "{error}"
        );
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"grid\"\n[[parameter]]\nkey = \"a\"\nmaximum = 3\n"
        ));
        assert!(
            error.starts_with("s.toml:7: `parameter[0].maximum`: unknown field"),
            "{error}"
        );
        assert!(
            error.contains("expected one of `key`, `min`, `max`, `levels`, `values`"),
            "{error}"
        );
        let error = parse_error(&format!(
            "{HEAD}[design]\nkind = \"sobol\"\n[[parameter]]\nkey = \"a\"\n"
        ));
        assert!(
            error.starts_with("s.toml:4: `design.kind`: unknown variant `sobol`, expected one of `grid`"),
            "{error}"
        );
    }

    #[test]
    fn ranges_and_values_are_checked_against_the_design() {
        let checked = |design: &str, parameter: &str| -> String {
            let file = parse_ok(&format!(
                "{HEAD}[design]\n{design}\n[[parameter]]\nkey = \"a\"\n{parameter}\n"
            ));
            check(&file).map_or_else(|(key, message)| format!("{key}: {message}"), |()| "ok".to_string())
        };
        let grid = "kind = \"grid\"";
        let lhs = "kind = \"latin_hypercube\"\nsamples = 4";
        assert_eq!(checked(grid, "min = 0.0\nmax = 1.0\nlevels = 3"), "ok");
        assert_eq!(checked(grid, "values = [1, 2]"), "ok");
        assert!(checked(grid, "min = 0.0\nmax = 1.0").starts_with("parameter[0].levels: a grid over a range needs"));
        assert!(checked(lhs, "values = [1, 2]").starts_with("parameter[0].values: a list of values needs"));
        assert!(checked(lhs, "min = 1.0\nmax = 1.0").starts_with("parameter[0].max: must be greater than `min` (1)"));
        assert!(checked(lhs, "min = 0.0\nmax = 1.0\nlevels = 3").starts_with("parameter[0].levels: is for grids only"));
        assert!(checked(lhs, "min = 0.0").starts_with("parameter[0].min: give a range"));
        assert!(checked(
            "kind = \"morris\"\ntrajectories = 4\nlevels = 3",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.levels: must be an even number"));
        assert!(checked(
            "kind = \"saltelli\"\nbase_samples = 8\nconfidence = 1.0",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.confidence: must be between 0 and 1"));
        // Sizes: a short file cannot ask for more points than memory holds.
        assert!(checked(grid, "min = 0.0\nmax = 1.0\nlevels = 4294967295")
            .starts_with("parameter: the design makes 4294967295 points"));
        assert!(
            checked("kind = \"saltelli\"\nbase_samples = 4294967295", "min = 0.0\nmax = 1.0")
                .contains("points; at most 200000 are allowed")
        );
        // Issue 21: a million Morris trajectories passed the runs' limit and ran out of memory
        // building its points.
        assert!(
            checked("kind = \"morris\"\ntrajectories = 1000000", "min = 0.0\nmax = 1.0")
                .starts_with("design: the design makes 2000000 points; at most 200000")
        );
        let many_seeds = parse_ok(&format!(
            "seeds = 200\n{HEAD}[design]\nkind = \"saltelli\"\nbase_samples = 60000\n[[parameter]]\nkey = \"a\"\nmin = 0.0\nmax = 1.0\n"
        ));
        let (key, message) = check(&many_seeds).unwrap_err();
        assert_eq!(key, "design");
        assert!(
            message.contains("36000000 runs per strategy; at most 10000000"),
            "{message}"
        );
        assert!(checked(
            "kind = \"morris\"\ntrajectories = 4\nresamples = 4294967295",
            "min = 0.0\nmax = 1.0"
        )
        .starts_with("design.resamples: must be at most 100000"));
    }
}
