//! A calibration file as written: the base scenario, the data file and the window of months
//! fitted, the series compared and their distances, the parameters with their priors, the
//! ABC-SMC algorithm's settings and the posterior predictive runs. Read strictly: unknown keys
//! are rejected, and every error names the file, line and key, and what is allowed. What can be
//! checked without the scenario and the data is checked here; the rest in `spec`.

use serde::{Deserialize, Serialize};

use crate::analysis::abc::Settings;
use crate::analysis::prior::Prior;
use crate::error::Result;
use crate::experiment::calibrate::month::Month;
use crate::experiment::monthly::MONTHLY_METRICS;
use crate::scenario::strict::parse_strict;

/// The version of the calibration file format this build reads.
pub const CALIBRATION_SCHEMA_VERSION: u32 = 1;

/// Most seeds per candidate, and per posterior draw.
pub const MAX_SEEDS: u64 = 1000;

/// Most parameters a calibration fits.
pub const MAX_PARAMETERS: usize = 50;

/// Most predictive runs (draws × seeds).
pub const MAX_PREDICTIVE_RUNS: u64 = 1_000_000;

/// A calibration file as written (and, resolved, as recorded in the output's
/// `calibration.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    /// Must be [`CALIBRATION_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What the calibration fits, in a line or two.
    #[serde(default)]
    pub description: String,
    /// The base scenario file, relative to the calibration file. It must have a `start_date`.
    pub scenario: String,
    /// The strategy every run takes, by name; empty for the scenario's reference strategy.
    #[serde(default)]
    pub strategy: String,
    /// The data file (long format: `month`, `metric`, `value`, `source_id`, …), relative to the
    /// calibration file.
    pub data: String,
    /// The first and last months fitted, `YYYY-MM`, both included.
    pub window: [String; 2],
    /// Simulations per candidate, whose monthly values are averaged.
    #[serde(default = "default_seeds")]
    pub seeds: u64,
    /// Which seeds a candidate's simulations take.
    #[serde(default)]
    pub random_numbers: RandomNumbers,
    /// The series compared with the data.
    pub series: Vec<Series>,
    /// The parameters fitted, in order.
    pub parameter: Vec<Parameter>,
    /// The ABC-SMC sampler's settings.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// The posterior predictive runs.
    #[serde(default)]
    pub predictive: Predictive,
}

/// Three: with common random numbers, fewer seeds left the recovery test's posteriors
/// overconfident (docs/CALIBRATION.md, *Seeds*).
fn default_seeds() -> u64 {
    3
}

fn default_predictive_seeds() -> u64 {
    2
}

fn default_weight() -> f64 {
    1.0
}

/// Which seeds a candidate's simulations take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RandomNumbers {
    /// Seeds 1..=`seeds` for every candidate (common random numbers): candidates differ only by
    /// their parameters, so the distance is a deterministic function of them; the posterior is
    /// then conditional on those seeds.
    #[default]
    Common,
    /// Seeds drawn per candidate from its proposal's own generator (the candidate's seed `s`,
    /// then `s + 1`, … wrapping): the usual ABC, whose posterior carries the model's run-to-run
    /// noise at any tolerance.
    PerCandidate,
}

/// One series of the data compared with the simulated months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// A name for outputs; empty for the metric's name. Names must be unique.
    #[serde(default)]
    pub name: String,
    /// A monthly metric: one of [`MONTHLY_METRICS`].
    pub metric: String,
    /// The data's rows of this metric with this `source_id` (one per month at most), or with
    /// one of several, in order of preference: a month takes the first listed source that has it.
    pub source: Sources,
    /// How a month's observation is compared with the simulated value.
    pub distance: Distance,
    /// Weight of the series' mean per-month distance in the total (positive).
    #[serde(default = "default_weight")]
    pub weight: f64,
}

/// The `source_id`s a series takes, in order of preference: written as one name or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources(pub Vec<String>);

impl Sources {
    /// Where `source` stands in the order of preference, if it is listed.
    pub fn rank(&self, source: &str) -> Option<usize> {
        self.0.iter().position(|s| s == source)
    }
}

impl std::fmt::Display for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.0.iter().map(|s| format!("`{s}`")).collect();
        write!(f, "{}", names.join(", "))
    }
}

impl Serialize for Sources {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.0[..] {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Sources, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            One(String),
            Many(Vec<String>),
        }
        let sources = match Written::deserialize(deserializer)
            .map_err(|_| serde::de::Error::custom("must be a source_id, or a list of them in order of preference"))?
        {
            Written::One(one) => vec![one],
            Written::Many(many) => many,
        };
        if sources.is_empty() || sources.iter().any(String::is_empty) {
            return Err(serde::de::Error::custom("must name at least one source_id, none empty"));
        }
        Ok(Sources(sources))
    }
}

/// How one month's observation `y` is compared with the simulated value `mu` (the mean over a
/// candidate's seeds): the per-month term of the distance (`crate::analysis::fit`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distance {
    /// Poisson deviance, for counts.
    Poisson {},
    /// Negative-binomial deviance with size `dispersion` (variance `mu + mu²/dispersion`), for
    /// overdispersed counts.
    NegativeBinomial {
        /// Size r > 0 (`inf` is the Poisson).
        dispersion: f64,
    },
    /// `4 (√y − √mu)²`, the squared difference of variance-stabilised counts.
    Sqrt {},
    /// `((ln y − ln mu) / sigma)²`, for positive quantities with a multiplicative error.
    Log {
        /// Standard deviation of the log error (positive, finite).
        sigma: f64,
    },
}

impl Distance {
    /// The term for observation `y` and simulated `mu`.
    pub fn term(&self, y: f64, mu: f64) -> f64 {
        use crate::analysis::fit::{log_distance, nb_deviance, poisson_deviance, sqrt_distance};
        match *self {
            Distance::Poisson {} => poisson_deviance(y, mu),
            Distance::NegativeBinomial { dispersion } => nb_deviance(y, mu, dispersion),
            Distance::Sqrt {} => sqrt_distance(y, mu.max(0.0)),
            Distance::Log { sigma } => log_distance(y, mu, sigma),
        }
    }

    /// Why the observation `y` cannot be compared by this distance, if it cannot.
    pub fn refuses(&self, y: f64) -> Option<&'static str> {
        match self {
            Distance::Log { .. } if y <= 0.0 => Some("the log distance needs positive observations"),
            Distance::Poisson {} | Distance::NegativeBinomial { .. } | Distance::Sqrt {} if y < 0.0 => {
                Some("a count distance needs observations of at least 0")
            }
            _ => None,
        }
    }
}

/// One parameter fitted: a numeric scenario key and its prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// A dotted key, as `--set` takes it, whose value in the base scenario is a number (a whole
    /// number is rounded to the nearest one when set).
    pub key: String,
    /// Its prior.
    pub prior: Prior,
    /// A numeric key that absorbs the parameter's change from its base value, so that their sum
    /// stays as in the base scenario (e.g. `platforms.share.sound` for
    /// `platforms.share.fraudulent`, whose shares must sum to 1); empty for none. Parameters may
    /// share a balancing key, which absorbs all their changes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub balance: String,
}

/// The ABC-SMC sampler's settings (`crate::analysis::abc`) and when it stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Algorithm {
    /// Particles of every generation (the size of the posterior sample).
    #[serde(default = "default_particles")]
    pub particles: usize,
    /// Prior draws of generation 0, of which the `particles` closest to the data are kept
    /// (default: twice `particles`).
    #[serde(default)]
    pub initial_particles: Option<usize>,
    /// Most generations, generation 0 (the prior draws) included.
    #[serde(default = "default_generations")]
    pub generations: usize,
    /// α in (0, 1]: each generation's tolerance is the α-quantile of the previous generation's
    /// distances.
    #[serde(default = "default_quantile")]
    pub quantile: f64,
    /// The sampler's seed.
    #[serde(default = "default_algorithm_seed")]
    pub seed: u64,
    /// Candidates proposed and evaluated in parallel at a time. It sets how much work may be
    /// wasted past a generation's last accepted candidate and the count of runs evaluated, not
    /// the particles; keep it at least the number of worker threads.
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// Proposals a generation after the first may make before the calibration stops at the
    /// generation before it (default: 50 × `particles`).
    #[serde(default)]
    pub max_proposals_per_generation: Option<u64>,
    /// Stop after a generation whose acceptance rate is below this (0: never).
    #[serde(default)]
    pub min_acceptance_rate: f64,
    /// Stop after a generation whose tolerance is at most this (0: never).
    #[serde(default)]
    pub target_tolerance: f64,
}

fn default_particles() -> usize {
    100
}

fn default_generations() -> usize {
    6
}

fn default_quantile() -> f64 {
    0.5
}

fn default_algorithm_seed() -> u64 {
    1
}

fn default_batch() -> usize {
    32
}

impl Default for Algorithm {
    fn default() -> Algorithm {
        Algorithm {
            particles: default_particles(),
            initial_particles: None,
            generations: default_generations(),
            quantile: default_quantile(),
            seed: default_algorithm_seed(),
            batch: default_batch(),
            max_proposals_per_generation: None,
            min_acceptance_rate: 0.0,
            target_tolerance: 0.0,
        }
    }
}

impl Algorithm {
    /// The settings with defaults filled in: `initial_particles` twice `particles`,
    /// `max_proposals_per_generation` fifty times.
    pub fn resolved(&self) -> Algorithm {
        Algorithm {
            initial_particles: Some(self.initial_particles.unwrap_or(2 * self.particles)),
            max_proposals_per_generation: Some(self.max_proposals_per_generation.unwrap_or(50 * self.particles as u64)),
            ..self.clone()
        }
    }

    /// The sampler's settings (of the resolved algorithm).
    pub fn settings(&self) -> Settings {
        let resolved = self.resolved();
        Settings {
            particles: resolved.particles,
            initial_particles: resolved.initial_particles.unwrap_or_default(),
            quantile: resolved.quantile,
            batch: resolved.batch,
            max_proposals_per_generation: resolved.max_proposals_per_generation.unwrap_or_default(),
            seed: resolved.seed,
        }
    }
}

/// The posterior predictive runs: draws from the final generation, each run over the whole
/// horizon with several seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predictive {
    /// Parameter vectors drawn from the posterior.
    #[serde(default = "default_draws")]
    pub draws: usize,
    /// Seeds per draw.
    #[serde(default = "default_predictive_seeds")]
    pub seeds: u64,
}

fn default_draws() -> usize {
    50
}

impl Default for Predictive {
    fn default() -> Predictive {
        Predictive {
            draws: default_draws(),
            seeds: default_predictive_seeds(),
        }
    }
}

impl CalibrationFile {
    /// The file with every default filled in: series names, the algorithm's derived settings.
    pub fn resolved(&self) -> CalibrationFile {
        let mut resolved = self.clone();
        for series in &mut resolved.series {
            if series.name.is_empty() {
                series.name = series.metric.clone();
            }
        }
        resolved.algorithm = self.algorithm.resolved();
        resolved
    }

    /// The window's first and last months (of a checked file).
    pub fn window(&self) -> (Month, Month) {
        let month = |text: &str| Month::parse(text).expect("checked");
        (month(&self.window[0]), month(&self.window[1]))
    }
}

/// Parses a calibration file's TOML, naming the file, line and key of a problem.
pub(crate) fn parse(text: &str, name: &str) -> Result<CalibrationFile> {
    parse_strict(text, name)
}

/// A problem: the key at fault and what is wrong with it.
type Problem = (String, String);

/// Checks what can be checked without the scenario and the data (of the resolved file).
pub(crate) fn check(file: &CalibrationFile) -> std::result::Result<(), Problem> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    if file.schema_version != CALIBRATION_SCHEMA_VERSION {
        return problem(
            "schema_version",
            format!("must be {CALIBRATION_SCHEMA_VERSION}, got {}", file.schema_version),
        );
    }
    for (key, value) in [("scenario", &file.scenario), ("data", &file.data)] {
        if value.trim().is_empty() {
            return problem(key, format!("must name the {key} file"));
        }
    }
    let months = [Month::parse(&file.window[0]), Month::parse(&file.window[1])];
    for (i, month) in months.iter().enumerate() {
        if let Err(message) = month {
            return problem(&format!("window[{i}]"), message.clone());
        }
    }
    if months[0] > months[1] {
        return problem(
            "window",
            format!(
                "the first month ({}) must not come after the last ({})",
                file.window[0], file.window[1]
            ),
        );
    }
    check_seeds("seeds", file.seeds)?;
    if file.series.is_empty() {
        return problem("series", "give at least one `[[series]]`".to_string());
    }
    for (i, series) in file.series.iter().enumerate() {
        check_series(file, i, series).or_else(|(key, message)| problem(&format!("series[{i}].{key}"), message))?;
    }
    if file.parameter.is_empty() || file.parameter.len() > MAX_PARAMETERS {
        return problem(
            "parameter",
            format!(
                "give from 1 to {MAX_PARAMETERS} `[[parameter]]` tables, got {}",
                file.parameter.len()
            ),
        );
    }
    for (i, parameter) in file.parameter.iter().enumerate() {
        check_parameter(file, i, parameter)
            .or_else(|(key, message)| problem(&format!("parameter[{i}].{key}"), message))?;
    }
    check_algorithm(&file.algorithm).or_else(|(key, message)| problem(&format!("algorithm.{key}"), message))?;
    let predictive = &file.predictive;
    if !(1..=MAX_PREDICTIVE_RUNS as usize).contains(&predictive.draws) {
        return problem(
            "predictive.draws",
            format!(
                "must be a whole number from 1 to {MAX_PREDICTIVE_RUNS}, got {}",
                predictive.draws
            ),
        );
    }
    check_seeds("predictive.seeds", predictive.seeds)?;
    let runs = (predictive.draws as u64).saturating_mul(predictive.seeds);
    if runs > MAX_PREDICTIVE_RUNS {
        return problem(
            "predictive",
            format!("draws × seeds make {runs} runs; at most {MAX_PREDICTIVE_RUNS} are allowed"),
        );
    }
    Ok(())
}

fn check_seeds(key: &str, seeds: u64) -> std::result::Result<(), Problem> {
    if (1..=MAX_SEEDS).contains(&seeds) {
        Ok(())
    } else {
        Err((
            key.to_string(),
            format!("must be a whole number from 1 to {MAX_SEEDS}, got {seeds}"),
        ))
    }
}

fn check_series(file: &CalibrationFile, i: usize, series: &Series) -> std::result::Result<(), Problem> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    if !MONTHLY_METRICS.contains(&series.metric.as_str()) {
        let names: Vec<String> = MONTHLY_METRICS.iter().map(|m| format!("`{m}`")).collect();
        return problem(
            "metric",
            format!(
                "`{}` is not a monthly metric; metrics are {}",
                series.metric,
                names.join(", ")
            ),
        );
    }
    if series.source.0.iter().any(|s| s.trim().is_empty()) {
        return problem(
            "source",
            "must name the `source_id` of the data rows to fit".to_string(),
        );
    }
    if file.series[..i].iter().any(|s| s.name == series.name) {
        return problem(
            "name",
            format!(
                "`{}` names an earlier series too; give each series its own `name` (it defaults to the metric)",
                series.name
            ),
        );
    }
    if !(series.weight > 0.0 && series.weight.is_finite()) {
        return problem(
            "weight",
            format!("must be a finite number above 0, got {}", series.weight),
        );
    }
    match series.distance {
        Distance::NegativeBinomial { dispersion } if dispersion.is_nan() || dispersion <= 0.0 => problem(
            "distance.dispersion",
            format!("must be above 0 (`inf` for the Poisson), got {dispersion}"),
        ),
        Distance::Log { sigma } if !(sigma > 0.0 && sigma.is_finite()) => problem(
            "distance.sigma",
            format!("must be a finite number above 0, got {sigma}"),
        ),
        _ => Ok(()),
    }
}

fn check_parameter(file: &CalibrationFile, i: usize, parameter: &Parameter) -> std::result::Result<(), Problem> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    let key = parameter.key.as_str();
    if file.parameter[..i].iter().any(|p| p.key == key) {
        return problem("key", format!("`{key}` is fitted by an earlier parameter"));
    }
    if ["horizon_days", "schema_version"].contains(&key) {
        return problem(
            "key",
            format!("`{key}` is set by the calibration itself and cannot be fitted"),
        );
    }
    parameter
        .prior
        .validate()
        .or_else(|message| problem("prior", message))?;
    let balance = parameter.balance.as_str();
    if balance.is_empty() {
        return Ok(());
    }
    if balance == key {
        return problem("balance", format!("`{key}` cannot balance itself"));
    }
    if file.parameter.iter().any(|p| p.key == balance) {
        return problem(
            "balance",
            format!("`{balance}` is fitted itself, so it cannot absorb another parameter's change"),
        );
    }
    Ok(())
}

fn check_algorithm(algorithm: &Algorithm) -> std::result::Result<(), Problem> {
    let problem = |key: &str, message: String| Err((key.to_string(), message));
    if algorithm.generations == 0 {
        return problem(
            "generations",
            "must be at least 1 (generation 0, the prior draws, alone)".to_string(),
        );
    }
    if !(0.0..=1.0).contains(&algorithm.min_acceptance_rate) {
        return problem(
            "min_acceptance_rate",
            format!("must be from 0 to 1, got {}", algorithm.min_acceptance_rate),
        );
    }
    if !(algorithm.target_tolerance >= 0.0 && algorithm.target_tolerance.is_finite()) {
        return problem(
            "target_tolerance",
            format!(
                "must be a finite number of at least 0, got {}",
                algorithm.target_tolerance
            ),
        );
    }
    algorithm.settings().validate().map_err(|message| {
        // The sampler's messages name their setting first, in backticks.
        let key = message.split('`').nth(1).unwrap_or("particles").to_string();
        (key, message)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal valid file's text, with `extra` (top-level keys or whole tables) after its
    /// fourth line.
    pub(crate) fn text(extra: &str) -> String {
        format!(
            "schema_version = 1\nscenario = \"s.toml\"\ndata = \"d.csv\"\nwindow = [\"2014-01\", \"2014-06\"]\n{extra}\
             [[series]]\nmetric = \"new_problem_absconded\"\nsource = \"A\"\ndistance = {{ kind = \"poisson\" }}\n\
             [[parameter]]\nkey = \"trust.loss_rate\"\nprior = {{ kind = \"uniform\", low = 0.1, high = 0.5 }}\n"
        )
    }

    /// The error of `text`, from parsing or checking, as `key: message` or the parser's text.
    fn error(text: &str) -> String {
        match parse(text, "c.toml") {
            Err(error) => error.to_string(),
            Ok(file) => {
                check(&file.resolved()).map_or_else(|(key, message)| format!("{key}: {message}"), |()| "ok".to_string())
            }
        }
    }

    #[test]
    fn defaults_fill_what_is_not_written() {
        let file = parse(&text(""), "c.toml").unwrap().resolved();
        assert_eq!(file.seeds, 3);
        assert_eq!(file.random_numbers, RandomNumbers::Common);
        assert_eq!(file.series[0].name, "new_problem_absconded");
        assert_eq!(file.series[0].weight, 1.0);
        assert_eq!(file.algorithm.initial_particles, Some(200));
        assert_eq!(file.algorithm.max_proposals_per_generation, Some(5000));
        assert_eq!((file.predictive.draws, file.predictive.seeds), (50, 2));
        assert_eq!(error(&text("")), "ok");
        // The resolved file reads back as itself.
        let written = toml::to_string(&file).unwrap();
        assert_eq!(parse(&written, "r.toml").unwrap(), file);
    }

    #[test]
    fn unknown_keys_and_wrong_values_name_their_line() {
        let e = error(&text("seeds = 2\nsead = 3\n"));
        assert!(e.starts_with("c.toml:6: `sead`: unknown field `sead`"), "{e}");
        let e = error(&text("[algorithm]\nparticle = 3\n"));
        assert!(e.starts_with("c.toml:6: `algorithm.particle`: unknown field"), "{e}");
        let e = error(&text("").replace("\"poisson\"", "\"gaussian\""));
        assert!(
            e.starts_with("c.toml:8: `series[0].distance.kind`: unknown variant `gaussian`"),
            "{e}"
        );
        let e = error(&text("").replace("kind = \"uniform\"", "kind = \"beta\""));
        assert!(e.contains("`parameter[0].prior.alpha`: missing field `alpha`"), "{e}");
    }

    #[test]
    fn checks_name_the_key_and_what_is_allowed() {
        let cases = [
            (
                text("").replace("2014-06", "2013-06"),
                "window: the first month (2014-01) must not come after",
            ),
            (
                text("").replace("2014-06", "2014-6"),
                "window[1]: must be a month written YYYY-MM",
            ),
            (
                text("seeds = 0\n"),
                "seeds: must be a whole number from 1 to 1000, got 0",
            ),
            (
                text("").replace("new_problem_absconded", "defaults"),
                "series[0].metric: `defaults` is not a monthly metric; metrics are `operating_platforms`",
            ),
            (
                text("").replace("\"poisson\"", "\"negative_binomial\", dispersion = 0.0"),
                "series[0].distance.dispersion: must be above 0",
            ),
            (
                text("").replace("\"poisson\"", "\"log\", sigma = -1.0"),
                "series[0].distance.sigma: must be a finite number above 0",
            ),
            (
                text("").replace("low = 0.1, high = 0.5", "low = 0.5, high = 0.1"),
                "parameter[0].prior: a uniform prior needs finite bounds",
            ),
            (
                text(
                    "[[parameter]]\nkey = \"trust.loss_rate\"\nprior = { kind = \"uniform\", low = 0.0, high = 1.0 }\n",
                ),
                "parameter[1].key: `trust.loss_rate` is fitted by an earlier parameter",
            ),
            (
                text("").replace("high = 0.5 }", "high = 0.5 }\nbalance = \"trust.loss_rate\""),
                "parameter[0].balance: `trust.loss_rate` cannot balance itself",
            ),
            (
                text(
                    "[[series]]\nmetric = \"new_problem_absconded\"\nsource = \"B\"\ndistance = { kind = \"sqrt\" }\n",
                ),
                "series[1].name: `new_problem_absconded` names an earlier series too",
            ),
            (
                text("[algorithm]\nparticles = 10\ninitial_particles = 5\n"),
                "algorithm.initial_particles: `initial_particles` must be at least `particles` (10)",
            ),
            (
                text("[algorithm]\nquantile = 1.5\n"),
                "algorithm.quantile: `quantile` must be in (0, 1]",
            ),
            (
                text("[algorithm]\ngenerations = 0\n"),
                "algorithm.generations: must be at least 1",
            ),
            (
                text("[predictive]\ndraws = 0\n"),
                "predictive.draws: must be a whole number from 1",
            ),
            (
                text(
                    "[[parameter]]\nkey = \"horizon_days\"\nprior = { kind = \"uniform\", low = 10.0, high = 20.0 }\n",
                ),
                "parameter[0].key: `horizon_days` is set by the calibration itself",
            ),
        ];
        for (text, expected) in cases {
            let e = error(&text);
            assert!(e.starts_with(expected), "expected `{expected}`, got `{e}`");
        }
    }
}
