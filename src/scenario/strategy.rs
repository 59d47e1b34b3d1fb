//! Intervention strategies: named lists of policy interventions, each an action with a schedule
//! (start day, optional end day, abrupt or linear ramp), compared by `trustsim compare`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scenario::action::{listed, Action, Role};
use crate::scenario::event::Event;
use crate::scenario::problem::Problem;
use crate::scenario::schema::{Scenario, HORIZON_DAYS};

/// When an intervention is in force and how strongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// First day in force.
    pub start_day: u32,
    /// Last day in force (`None`: to the horizon). It is lifted the day after.
    pub end_day: Option<u32>,
    /// Days over which its strength rises linearly to full (0: abrupt).
    pub ramp_days: u32,
}

impl Schedule {
    /// In force from `day` on, at full strength: the schedule of a scenario's `[[event]]`.
    pub fn from_day(day: u32) -> Schedule {
        Schedule {
            start_day: day,
            end_day: None,
            ramp_days: 0,
        }
    }

    /// Strength on `day`: 0 before the start and after the end; `min(1, (day − start + 1) / ramp_days)`
    /// while ramping up; 1 otherwise.
    pub fn strength(&self, day: u32) -> f64 {
        if day < self.start_day || self.end_day.is_some_and(|end| day > end) {
            0.0
        } else if self.ramp_days == 0 {
            1.0
        } else {
            (f64::from(day - self.start_day + 1) / f64::from(self.ramp_days)).min(1.0)
        }
    }

    /// Whether `day` is a day on which the strength changes while the intervention is in force
    /// (its start day and the rest of its ramp).
    pub fn ramping_on(&self, day: u32) -> bool {
        day >= self.start_day
            && u64::from(day) < u64::from(self.start_day) + u64::from(self.ramp_days.max(1))
            && self.end_day.is_none_or(|end| day <= end)
    }

    /// Whether the intervention is lifted on `day` (the day after its end).
    pub fn lifted_on(&self, day: u32) -> bool {
        self.end_day.is_some_and(|end| u64::from(day) == u64::from(end) + 1)
    }
}

/// One intervention: a policy action and its schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    /// When it is in force.
    pub schedule: Schedule,
    /// What it does.
    pub action: Action,
}

impl Intervention {
    /// Reads an intervention from its table: `kind`, `start_day`, optional `end_day` and
    /// `ramp_days`, and the kind's parameters. A problem's key is the key within the table.
    pub fn from_table(mut table: toml::Table) -> Result<Intervention, Problem> {
        let day = |table: &mut toml::Table, key: &str| -> Result<Option<u32>, Problem> {
            match table.remove(key) {
                None => Ok(None),
                Some(toml::Value::Integer(n)) => u32::try_from(n)
                    .map(Some)
                    .map_err(|_| Problem::new(key, format!("must be a whole number of days from 0, got {n}"))),
                Some(other) => Err(Problem::new(
                    key,
                    format!("must be a whole number of days, got {other}"),
                )),
            }
        };
        if table.contains_key("day") {
            return Err(Problem::new(
                "day",
                "an intervention has `start_day` (and `end_day`), not `day`",
            ));
        }
        let start_day = day(&mut table, "start_day")?
            .ok_or_else(|| Problem::new("start_day", "is required: the first day the intervention is in force"))?;
        let end_day = day(&mut table, "end_day")?;
        let ramp_days = day(&mut table, "ramp_days")?.unwrap_or(0);
        let kind = table
            .get("kind")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let role = Action::role_of(&kind);
        if !kind.is_empty() && !role.is_some_and(Role::is_intervention) {
            return Err(Problem::new(
                "kind",
                format!(
                    "`{kind}` is not an intervention; expected one of {}",
                    listed(Action::kinds_of(Role::is_intervention).into_iter())
                ),
            ));
        }
        if ramp_days > 0 && role != Some(Role::Ramped) {
            return Err(Problem::new(
                "ramp_days",
                format!(
                    "`{kind}` starts whole; only {} can be ramped",
                    listed(Action::kinds_of(|role| role == Role::Ramped).into_iter())
                ),
            ));
        }
        if kind == "tightening" {
            // A tightening's own ramp is the schedule's.
            table.insert("ramp_days".to_string(), toml::Value::Integer(i64::from(ramp_days)));
        }
        table.insert("day".to_string(), toml::Value::Integer(i64::from(start_day)));
        let Event { action, .. } = Event::from_table(table)?;
        Ok(Intervention {
            schedule: Schedule {
                start_day,
                end_day,
                ramp_days,
            },
            action,
        })
    }

    /// Reads an intervention given outside a scenario file as a TOML inline table, such as
    /// `{ kind = "compensation_fund", start_day = 31 }` (the Python package's `World.apply`); a
    /// problem is named as the key `intervention.<key>` of "the intervention".
    pub fn from_inline_table(text: &str) -> crate::Result<Intervention> {
        let invalid = |key: String, message: String| crate::Error::Invalid {
            location: crate::error::Location::new("the intervention".to_string(), None),
            key,
            message,
        };
        let mut parsed: toml::Table = toml::from_str(&format!("intervention = {text}")).map_err(|e| {
            invalid(
                "intervention".to_string(),
                format!("is not a TOML inline table: {}", e.message()),
            )
        })?;
        match parsed.remove("intervention") {
            Some(toml::Value::Table(table)) => Intervention::from_table(table)
                .map_err(|problem| invalid(format!("intervention.{}", problem.key), problem.message)),
            _ => Err(invalid(
                "intervention".to_string(),
                "must be a table of keys and values, e.g. `{ kind = \"compensation_fund\", start_day = 31 }`"
                    .to_string(),
            )),
        }
    }

    /// Checks the schedule and the action; `key` is the intervention's dotted key. Days past the
    /// horizon are allowed (the intervention then never starts, or never ends, within the run),
    /// so that a shorter `--set horizon_days` keeps a scenario's strategies valid.
    pub fn validate(&self, key: &str, scenario: &Scenario) -> Result<(), Problem> {
        let Schedule { start_day, end_day, .. } = self.schedule;
        let latest = *HORIZON_DAYS.end();
        if start_day > latest {
            return Err(Problem::new(
                format!("{key}.start_day"),
                format!("must be a day from 0 to {latest}, got {start_day}"),
            ));
        }
        if let Some(end) = end_day {
            if end < start_day || end > latest {
                return Err(Problem::new(
                    format!("{key}.end_day"),
                    format!("must be a day from start_day = {start_day} to {latest}, got {end}"),
                ));
            }
        }
        if self.schedule.ramp_days > latest {
            return Err(Problem::new(
                format!("{key}.ramp_days"),
                format!("must be from 0 to {latest} days, got {}", self.schedule.ramp_days),
            ));
        }
        // The action is checked as an event of day 0 (its day was checked above).
        let event = Event {
            day: 0,
            action: self.action.clone(),
        };
        event.validate(key, scenario)
    }
}

impl Serialize for Intervention {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut table = match toml::Value::try_from(&self.action).map_err(serde::ser::Error::custom)? {
            toml::Value::Table(table) => table,
            _ => unreachable!("actions serialize as tables"),
        };
        let schedule = self.schedule;
        table.insert(
            "start_day".to_string(),
            toml::Value::Integer(i64::from(schedule.start_day)),
        );
        if let Some(end) = schedule.end_day {
            table.insert("end_day".to_string(), toml::Value::Integer(i64::from(end)));
        }
        table.insert(
            "ramp_days".to_string(),
            toml::Value::Integer(i64::from(schedule.ramp_days)),
        );
        table.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Intervention {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Intervention::from_table(toml::Table::deserialize(d)?)
            .map_err(|p| serde::de::Error::custom(format!("`{}`: {}", p.key, p.message)))
    }
}

/// A `[[strategy]]`: a name, a one-line description and the interventions it adds to the
/// scenario's own events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// Short name (letters, digits, `_` and `-`), used in outputs.
    pub name: String,
    /// What the strategy does, in one line.
    #[serde(default)]
    pub description: String,
    /// Its interventions, in the order they are applied on a day.
    #[serde(default)]
    pub intervention: Vec<Intervention>,
}

impl Strategy {
    /// The strategy that adds nothing: what runs when a scenario defines no strategies.
    pub fn status_quo() -> Strategy {
        Strategy {
            name: "status_quo".to_string(),
            description: "The scenario as written, with no intervention added.".to_string(),
            intervention: Vec::new(),
        }
    }

    /// Checks the name and every intervention; `key` is the strategy's dotted key.
    pub fn validate(&self, key: &str, scenario: &Scenario) -> Result<(), Problem> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name_ok {
            return Err(Problem::new(
                format!("{key}.name"),
                format!(
                    "must be a non-empty name of letters, digits, `_` and `-`, got `{}`",
                    self.name
                ),
            ));
        }
        for (i, intervention) in self.intervention.iter().enumerate() {
            intervention.validate(&format!("{key}.intervention[{i}]"), scenario)?;
        }
        Ok(())
    }
}

/// Reads a `[[strategy]]` table, naming a problem's key within it (`intervention[1].coverage`).
pub fn strategy_from_table(mut table: toml::Table) -> Result<Strategy, Problem> {
    let interventions = match table.remove("intervention") {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                toml::Value::Table(item) => Intervention::from_table(item)
                    .map_err(|p| Problem::new(format!("intervention[{i}].{}", p.key), p.message)),
                _ => Err(Problem::new(
                    format!("intervention[{i}]"),
                    "must be a table: write it as [[strategy.intervention]]",
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(Problem::new(
                "intervention",
                "must be an array of tables: write each as [[strategy.intervention]]",
            ))
        }
    };
    let mut strategy: Strategy = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let key = e.path().to_string();
        let message = e.into_inner().message().trim_end().to_string();
        let key = match key.as_str() {
            "." => message.split('`').nth(1).unwrap_or("name").to_string(),
            _ => key,
        };
        Problem::new(key, message)
    })?;
    strategy.intervention = interventions;
    Ok(strategy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(start_day: u32, end_day: Option<u32>, ramp_days: u32) -> Schedule {
        Schedule {
            start_day,
            end_day,
            ramp_days,
        }
    }

    #[test]
    fn strength_ramps_linearly_and_ends_the_day_after_the_end() {
        let s = schedule(10, Some(20), 4);
        assert_eq!(s.strength(9), 0.0);
        assert_eq!(s.strength(10), 0.25);
        assert_eq!(s.strength(12), 0.75);
        assert_eq!(s.strength(13), 1.0);
        assert_eq!(s.strength(20), 1.0);
        assert_eq!(s.strength(21), 0.0);
        assert!(s.ramping_on(10) && s.ramping_on(13) && !s.ramping_on(14));
        assert!(s.lifted_on(21) && !s.lifted_on(20));
        let abrupt = schedule(5, None, 0);
        assert_eq!(abrupt.strength(5), 1.0);
        assert!(abrupt.ramping_on(5) && !abrupt.ramping_on(6));
        assert!(!abrupt.lifted_on(u32::MAX));
    }

    #[test]
    fn errors_name_the_key_within_the_intervention() {
        let problem = |text: &str| Intervention::from_table(text.parse().unwrap()).unwrap_err();
        assert_eq!(problem("kind = \"compensation_fund\"").key, "start_day");
        let p = problem("kind = \"run_away\"\nstart_day = 3");
        assert_eq!(p.key, "kind");
        assert!(p.message.contains("compensation_fund"), "{}", p.message);
        let p = problem("kind = \"compensation_fund\"\nstart_day = 3\nramp_days = 5");
        assert_eq!(p.key, "ramp_days");
        assert_eq!(
            problem("kind = \"compensation_fund\"\nstart_day = 3\ncoverag = 1").key,
            "coverag"
        );
        let p = strategy_from_table(
            "name = \"x\"\n[[intervention]]\nkind = \"ratings\"\nstart_day = -2"
                .parse()
                .unwrap(),
        )
        .unwrap_err();
        assert_eq!(p.key, "intervention[0].start_day");
        let p = strategy_from_table("name = \"x\"\ncolour = 1".parse().unwrap()).unwrap_err();
        assert_eq!(p.key, "colour", "{}", p.message);
    }

    #[test]
    fn every_intervention_kind_reads_back_what_it_writes() {
        for kind in Action::kinds_of(Role::is_intervention) {
            let ramp = if Action::role_of(kind) == Some(Role::Ramped) {
                7
            } else {
                0
            };
            let text = format!("kind = \"{kind}\"\nstart_day = 4\nend_day = 40\nramp_days = {ramp}");
            let intervention = Intervention::from_table(text.parse().unwrap()).unwrap();
            assert_eq!(intervention.action.kind(), kind);
            let written: toml::Table = toml::Value::try_from(&intervention).unwrap().try_into().unwrap();
            assert_eq!(Intervention::from_table(written).unwrap(), intervention, "{kind}");
        }
    }
}
