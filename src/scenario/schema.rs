//! The scenario: every parameter of a run, as read from a TOML file: its tables (declared in
//! `tables`), events, strategies and the `[warning]` table, with the checks that need more than
//! one table.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

use crate::scenario::calendar::Date;
use crate::scenario::event::Event;
use crate::scenario::params::{Check, ParamDoc};
use crate::scenario::problem::Problem;
use crate::scenario::schedule::{ParamSchedule, ResolvedSchedule};
use crate::scenario::strategy::Strategy;
use crate::scenario::tables::{
    BehaviourParams, FinanceParams, NetworkKind, NetworkParams, NewsParams, PlatformParams, PopulationParams,
    PublicCostParams, RegulatorParams, ScaleParams, TrustParams,
};
use crate::scenario::warning::WarningParams;

/// The scenario schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Default of the top-level `horizon_days`.
pub const HORIZON_DAYS_DEFAULT: u32 = 365;

/// Longest scenario `name`, in bytes: it names output directories, and their staging names add
/// about 40 bytes within a file system's usual 255.
pub const MAX_NAME_BYTES: usize = 100;

/// Allowed `horizon_days`.
pub const HORIZON_DAYS: RangeInclusive<u32> = 1..=36_500;

/// A whole scenario: the resolved content of a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Short name, used to name output directories.
    #[serde(default)]
    pub name: String,
    /// What the scenario represents, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Simulated days.
    #[serde(default = "default_horizon")]
    pub horizon_days: u32,
    /// The calibration whose fitted values this scenario holds (e.g. `calibrations/x.toml`), or
    /// "" for an illustrative scenario whose numbers are not fitted to data.
    #[serde(default)]
    pub calibration: String,
    /// The date of day 1 (`YYYY-MM-DD`), or "" for a run without a calendar.
    #[serde(default)]
    pub start_date: String,
    /// `[scale]`.
    #[serde(default)]
    pub scale: ScaleParams,
    /// `[population]`.
    #[serde(default)]
    pub population: PopulationParams,
    /// `[network]`.
    #[serde(default)]
    pub network: NetworkParams,
    /// `[trust]`.
    #[serde(default)]
    pub trust: TrustParams,
    /// `[behaviour]`.
    #[serde(default)]
    pub behaviour: BehaviourParams,
    /// `[finance]`.
    #[serde(default)]
    pub finance: FinanceParams,
    /// `[platforms]`.
    #[serde(default)]
    pub platforms: PlatformParams,
    /// `[news]`.
    #[serde(default)]
    pub news: NewsParams,
    /// `[warning]`.
    #[serde(default)]
    pub warning: WarningParams,
    /// `[public_cost]`.
    #[serde(default)]
    pub public_cost: PublicCostParams,
    /// `[[regulator]]` entries (default: one national regulator).
    #[serde(default = "default_regulators")]
    pub regulator: Vec<RegulatorParams>,
    /// `[[event]]` entries: scheduled shocks and interventions.
    #[serde(default)]
    pub event: Vec<Event>,
    /// `[[schedule]]` entries: numeric parameters that change over the run.
    #[serde(default)]
    pub schedule: Vec<ParamSchedule>,
    /// Name of the strategy the others are compared against ("" for the first).
    #[serde(default)]
    pub reference_strategy: String,
    /// `[[strategy]]` entries: intervention strategies for `compare`.
    #[serde(default)]
    pub strategy: Vec<Strategy>,
}

fn default_horizon() -> u32 {
    HORIZON_DAYS_DEFAULT
}

fn default_regulators() -> Vec<RegulatorParams> {
    vec![RegulatorParams::default()]
}

impl Default for Scenario {
    fn default() -> Scenario {
        Scenario {
            schema_version: SCHEMA_VERSION,
            name: "default".to_string(),
            description: String::new(),
            horizon_days: default_horizon(),
            calibration: String::new(),
            start_date: String::new(),
            scale: ScaleParams::default(),
            population: PopulationParams::default(),
            network: NetworkParams::default(),
            trust: TrustParams::default(),
            behaviour: BehaviourParams::default(),
            finance: FinanceParams::default(),
            platforms: PlatformParams::default(),
            news: NewsParams::default(),
            warning: WarningParams::default(),
            public_cost: PublicCostParams::default(),
            regulator: default_regulators(),
            event: Vec::new(),
            schedule: Vec::new(),
            reference_strategy: String::new(),
            strategy: Vec::new(),
        }
    }
}

/// Every parameter table with its key, for the generated reference.
pub const TABLES: &[(&str, &[ParamDoc])] = &[
    ("population", PopulationParams::PARAMETERS),
    ("network", NetworkParams::PARAMETERS),
    ("trust", TrustParams::PARAMETERS),
    ("behaviour", BehaviourParams::PARAMETERS),
    ("finance", FinanceParams::PARAMETERS),
    ("platforms", PlatformParams::PARAMETERS),
    ("news", NewsParams::PARAMETERS),
    ("warning", WarningParams::PARAMETERS),
    ("regulator", RegulatorParams::PARAMETERS),
    ("public_cost", PublicCostParams::PARAMETERS),
    ("scale", ScaleParams::PARAMETERS),
];

impl Scenario {
    /// Checks every range and every cross-parameter constraint.
    pub fn validate(&self) -> Result<(), Problem> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(Problem::new(
                "schema_version",
                format!(
                    "this trustsim reads schema version {SCHEMA_VERSION}, got {}",
                    self.schema_version
                ),
            ));
        }
        // The name makes default output paths (`output/<name>-…` and hidden staging names
        // beside them), so it must stay one short, printable file name.
        if self.name == "."
            || self.name == ".."
            || self.name.len() > MAX_NAME_BYTES
            || self.name.contains(['/', '\\'])
            || self.name.chars().any(char::is_control)
        {
            return Err(Problem::new(
                "name",
                format!(
                    "must be a file name of at most {MAX_NAME_BYTES} bytes (not `.` or `..`, without `/`, `\\` or \
                     control characters; it defaults to the scenario file's name), got {:?}",
                    self.name
                ),
            ));
        }
        self.horizon_days
            .check(&HORIZON_DAYS)
            .map_err(|m| Problem::new("horizon_days", m))?;
        self.population.validate("population")?;
        self.network.validate("network")?;
        self.trust.validate("trust")?;
        self.behaviour.validate("behaviour")?;
        self.finance.validate("finance")?;
        self.platforms.validate("platforms")?;
        self.news.validate("news")?;
        self.warning.validate("warning")?;
        self.public_cost.validate("public_cost")?;
        self.scale.validate("scale")?;
        self.start().map_err(|m| Problem::new("start_date", m))?;
        for (i, regulator) in self.regulator.iter().enumerate() {
            regulator.validate(&format!("regulator[{i}]"))?;
        }
        crate::scenario::limits::check(self)?;
        self.validate_consistency()?;
        for (i, event) in self.event.iter().enumerate() {
            event.validate(&format!("event[{i}]"), self)?;
        }
        self.validate_strategies()?;
        self.validate_schedules()
    }

    /// Whether its numbers are fitted to data, in words for every output a reader meets.
    pub fn standing(&self) -> String {
        match self.calibration.as_str() {
            "" => "illustrative: its parameters are not fitted to data, so its numbers show how the model \
                   behaves, not what happened or would happen"
                .to_string(),
            by => format!("calibrated to data by {by}: its numbers carry the uncertainty that calibration states"),
        }
    }

    /// The date of day 1, if the scenario has a calendar.
    pub fn start(&self) -> Result<Option<Date>, String> {
        match self.start_date.as_str() {
            "" => Ok(None),
            text => Date::parse(text).map(Some),
        }
    }

    /// The schedules on days of the run, checked (see [`ParamSchedule::resolve`]).
    pub fn resolved_schedules(&self) -> Result<Vec<ResolvedSchedule>, Problem> {
        let start = self.start().map_err(|m| Problem::new("start_date", m))?;
        self.schedule
            .iter()
            .enumerate()
            .map(|(i, schedule)| schedule.resolve(&format!("schedule[{i}]"), start))
            .collect()
    }

    /// Sets the numeric parameter at the dotted `key` (of a table a schedule may change) to
    /// `value`; the message says why it cannot.
    pub fn set_number(&mut self, key: &str, value: f64) -> Result<(), String> {
        let (table, rest) = key.split_once('.').ok_or_else(|| "is not a `table.key`".to_string())?;
        match table {
            "trust" => self.trust.set_number(rest, value),
            "behaviour" => self.behaviour.set_number(rest, value),
            "news" => self.news.set_number(rest, value),
            "finance" => self.finance.set_number(rest, value),
            "platforms" => self.platforms.set_number(rest, value),
            _ => Err(format!("[{table}] cannot change during a run")),
        }
    }

    /// Checks that every schedule names a numeric key that may change during the run, and that
    /// the scenario is valid with every schedule's value on each day a value changes (between
    /// points a linear schedule stays within the values at its ends).
    fn validate_schedules(&self) -> Result<(), Problem> {
        let schedules = self.resolved_schedules()?;
        let mut days: Vec<u32> = schedules.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
        days.sort_unstable();
        days.dedup();
        for day in days {
            let mut on_day = self.clone();
            on_day.schedule.clear();
            for (i, schedule) in schedules.iter().enumerate() {
                let Some(value) = schedule.value(day) else { continue };
                on_day
                    .set_number(&schedule.key, value)
                    .map_err(|m| Problem::new(format!("schedule[{i}].key"), format!("`{}` {m}", schedule.key)))?;
            }
            on_day.validate().map_err(|problem| {
                let culprit = schedules
                    .iter()
                    .position(|s| s.key.starts_with(&problem.key))
                    .unwrap_or(0);
                Problem::new(
                    format!("schedule[{culprit}].points"),
                    format!("on day {day}: `{}` {}", problem.key, problem.message),
                )
            })?;
        }
        Ok(())
    }

    fn validate_strategies(&self) -> Result<(), Problem> {
        for (i, strategy) in self.strategy.iter().enumerate() {
            let key = format!("strategy[{i}]");
            strategy.validate(&key, self)?;
            if self.strategy[..i].iter().any(|s| s.name == strategy.name) {
                return Err(Problem::new(
                    format!("{key}.name"),
                    format!(
                        "`{}` is used by an earlier strategy; names must be unique",
                        strategy.name
                    ),
                ));
            }
        }
        self.reference_index()
            .map(|_| ())
            .map_err(|m| Problem::new("reference_strategy", m))
    }

    /// The strategies to compare: the scenario's own, or the status quo alone when it has none.
    pub fn strategies(&self) -> Vec<Strategy> {
        if self.strategy.is_empty() {
            vec![Strategy::status_quo()]
        } else {
            self.strategy.clone()
        }
    }

    /// The index in [`Scenario::strategies`] of the reference strategy (the first unless
    /// `reference_strategy` names another), or a message listing the names that exist.
    pub fn reference_index(&self) -> Result<usize, String> {
        self.strategy_index(&self.reference_strategy)
    }

    /// The index in [`Scenario::strategies`] of the strategy called `name` ("" for the first).
    pub fn strategy_index(&self, name: &str) -> Result<usize, String> {
        if name.is_empty() {
            return Ok(0);
        }
        let strategies = self.strategies();
        strategies.iter().position(|s| s.name == name).ok_or_else(|| {
            let names: Vec<String> = strategies.iter().map(|s| format!("`{}`", s.name)).collect();
            format!("no strategy is called `{name}`; strategies are {}", names.join(", "))
        })
    }

    fn validate_consistency(&self) -> Result<(), Problem> {
        let users = self.population.users;
        if self.finance.enabled && self.population.holdings_per_user > self.platforms.count {
            return Err(Problem::new(
                "population.holdings_per_user",
                format!(
                    "a user cannot hold more platforms than exist: at most platforms.count = {}, got {}",
                    self.platforms.count, self.population.holdings_per_user
                ),
            ));
        }
        let z = self.network.mean_degree;
        match self.network.kind {
            NetworkKind::WattsStrogatz | NetworkKind::BarabasiAlbert => {
                if z < 2.0 || z.fract() != 0.0 || !(z as u32).is_multiple_of(2) || z >= f64::from(users) {
                    return Err(Problem::new(
                        "network.mean_degree",
                        format!(
                            "{:?} needs an even whole mean degree from 2 to users − 1, got {z}",
                            self.network.kind
                        )
                        .replace("WattsStrogatz", "watts_strogatz")
                        .replace("BarabasiAlbert", "barabasi_albert"),
                    ));
                }
            }
            NetworkKind::ErdosRenyi => {
                if z > f64::from(users - 1) {
                    return Err(Problem::new(
                        "network.mean_degree",
                        format!(
                            "erdos_renyi needs a mean degree of at most users − 1 = {}, got {z}",
                            users - 1
                        ),
                    ));
                }
            }
            NetworkKind::EdgeList => {
                if self.network.edge_list.is_empty() {
                    return Err(Problem::new(
                        "network.edge_list",
                        "kind = \"edge_list\" needs the path of a CSV edge list",
                    ));
                }
            }
        }
        if self.network.kind != NetworkKind::EdgeList && !self.network.edge_list.is_empty() {
            return Err(Problem::new(
                "network.edge_list",
                "an edge list is only read when network.kind = \"edge_list\"",
            ));
        }
        let shares = &self.platforms.share;
        let total = shares.sound + shares.fragile + shares.fraudulent;
        if (total - 1.0).abs() > 1e-9 {
            return Err(Problem::new(
                "platforms.share",
                format!("shares of sound, fragile and fraudulent platforms must sum to 1, got {total}"),
            ));
        }
        let w = &self.warning;
        if !(w.watch_level <= w.alert_level && w.alert_level <= w.emergency_level) {
            return Err(Problem::new(
                "warning.alert_level",
                format!(
                    "levels must rise: watch_level ≤ alert_level ≤ emergency_level, got {}, {}, {}",
                    w.watch_level, w.alert_level, w.emergency_level
                ),
            ));
        }
        self.validate_regulators()
    }

    fn validate_regulators(&self) -> Result<(), Problem> {
        if self.regulator.is_empty() {
            return Err(Problem::new("regulator", "at least one [[regulator]] is needed"));
        }
        let mut total = 0.0;
        for (i, regulator) in self.regulator.iter().enumerate() {
            total += regulator.jurisdiction_share;
            if regulator.name.is_empty() {
                return Err(Problem::new(format!("regulator[{i}].name"), "must not be empty"));
            }
            if self.regulator[..i].iter().any(|r| r.name == regulator.name) {
                return Err(Problem::new(
                    format!("regulator[{i}].name"),
                    format!(
                        "`{}` is used by an earlier regulator; names must be unique",
                        regulator.name
                    ),
                ));
            }
            if !regulator.follows.is_empty() {
                if regulator.follows == regulator.name {
                    return Err(Problem::new(
                        format!("regulator[{i}].follows"),
                        "a regulator cannot follow itself",
                    ));
                }
                self.regulator_index(&regulator.follows)
                    .map_err(|m| Problem::new(format!("regulator[{i}].follows"), m))?;
                let mut chain = i;
                for _ in 0..self.regulator.len() {
                    match self.regulator_index(&self.regulator[chain].follows) {
                        Ok(next) if next == i => {
                            return Err(Problem::new(
                                format!("regulator[{i}].follows"),
                                "regulators cannot follow each other in a circle",
                            ))
                        }
                        Ok(next) => chain = next,
                        Err(_) => break,
                    }
                }
            }
        }
        if (total - 1.0).abs() > 1e-9 {
            return Err(Problem::new(
                "regulator",
                format!("jurisdiction shares of all regulators must sum to 1, got {total}"),
            ));
        }
        Ok(())
    }

    /// The index of the regulator called `name`, or a message listing the names that exist.
    pub fn regulator_index(&self, name: &str) -> Result<usize, String> {
        self.regulator.iter().position(|r| r.name == name).ok_or_else(|| {
            let names: Vec<String> = self.regulator.iter().map(|r| format!("`{}`", r.name)).collect();
            format!("no regulator is called `{name}`; regulators are {}", names.join(", "))
        })
    }
}
