//! `[[schedule]]`: a numeric parameter that changes over the run, as dated points joined by steps
//! or straight lines, e.g. the entry of new platforms by year or the reach of news. Before its
//! first point a parameter keeps the scenario's own value; after its last it keeps the last.

use serde::{Deserialize, Serialize};

use crate::scenario::calendar::{day_of_date, Date};
use crate::scenario::problem::{prefix, Problem};

/// How a schedule's value moves between its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interpolation {
    /// The value of the last point on or before the day.
    #[default]
    Step,
    /// Linear between the points around the day.
    Linear,
}

/// When a point applies: a day of the run, or a date when the scenario has a `start_date`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum When {
    /// Day of the run (1 is the first day).
    Day(u32),
    /// `YYYY-MM-DD`.
    Date(String),
}

/// One `[[schedule]]` as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSchedule {
    /// The parameter, by the dotted key `--set` takes, e.g. `platforms.entry_rate` or
    /// `platforms.share.fraudulent`.
    pub key: String,
    /// `[when, value]` pairs in increasing order of `when`.
    pub points: Vec<(When, f64)>,
    /// `step` (default) or `linear`.
    #[serde(default)]
    pub interpolation: Interpolation,
}

/// The tables whose numeric keys a schedule may change: the model reads them every day. Keys of
/// `[population]`, `[network]`, `[warning]` and `[[regulator]]` are read once, when the world is
/// built, and `platforms.count` and `platforms.size_sigma` only for the platforms of day 0.
pub const SCHEDULED_TABLES: [&str; 5] = ["trust", "behaviour", "news", "finance", "platforms"];

/// Keys of the scheduled tables that are read only when the world is built.
const BUILD_ONLY: [&str; 3] = ["platforms.count", "platforms.size_sigma", "platforms.initial_age_days"];

/// A schedule with its points on days of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSchedule {
    /// The dotted key.
    pub key: String,
    /// `(day, value)` in increasing day order.
    pub points: Vec<(u32, f64)>,
    /// How the value moves between points.
    pub interpolation: Interpolation,
}

impl ParamSchedule {
    /// The schedule on days of the run; `key` is its dotted key in the scenario (`schedule[i]`).
    /// Checks the key's table, the points' order and that dates fall on or after the start.
    pub fn resolve(&self, key: &str, start: Option<Date>) -> Result<ResolvedSchedule, Problem> {
        let at = |field: &str| format!("{}{field}", prefix(key));
        let table = self.key.split('.').next().unwrap_or_default();
        if !SCHEDULED_TABLES.contains(&table) || BUILD_ONLY.contains(&self.key.as_str()) {
            return Err(Problem::new(
                at("key"),
                format!(
                    "`{}` cannot change during a run; a schedule may change numeric keys of [{}] (except {})",
                    self.key,
                    SCHEDULED_TABLES.join("], ["),
                    BUILD_ONLY.join(" and ")
                ),
            ));
        }
        if self.points.is_empty() {
            return Err(Problem::new(
                at("points"),
                "needs at least one `[day or date, value]` point",
            ));
        }
        let mut points = Vec::with_capacity(self.points.len());
        for (when, value) in &self.points {
            let day = match (when, start) {
                (When::Day(day), _) => *day,
                (When::Date(text), Some(start)) => {
                    let date = Date::parse(text).map_err(|m| Problem::new(at("points"), m))?;
                    day_of_date(start, date).ok_or_else(|| {
                        Problem::new(
                            at("points"),
                            format!("{date} is before the scenario's start_date {start}"),
                        )
                    })?
                }
                (When::Date(text), None) => {
                    return Err(Problem::new(
                        at("points"),
                        format!("the date {text:?} needs a `start_date` in the scenario; without one, give days"),
                    ))
                }
            };
            if day == 0 {
                return Err(Problem::new(
                    at("points"),
                    "points start on day 1: the world of day 0 is built from the scenario's own values",
                ));
            }
            if !value.is_finite() {
                return Err(Problem::new(
                    at("points"),
                    format!("values must be numbers, got {value}"),
                ));
            }
            if points.last().is_some_and(|&(last, _)| day <= last) {
                return Err(Problem::new(
                    at("points"),
                    format!(
                        "points must be in increasing order of day; day {day} follows day {}",
                        points.last().map_or(0, |p: &(u32, f64)| p.0)
                    ),
                ));
            }
            points.push((day, *value));
        }
        Ok(ResolvedSchedule {
            key: self.key.clone(),
            points,
            interpolation: self.interpolation,
        })
    }
}

impl ResolvedSchedule {
    /// The value on `day`, or `None` before the first point (the scenario's own value holds).
    pub fn value(&self, day: u32) -> Option<f64> {
        let after = self.points.partition_point(|&(d, _)| d <= day);
        let &(d0, v0) = self.points.get(after.checked_sub(1)?)?;
        match (self.interpolation, self.points.get(after)) {
            (Interpolation::Linear, Some(&(d1, v1))) => {
                let s = f64::from(day - d0) / f64::from(d1 - d0);
                Some(v0 + (v1 - v0) * s)
            }
            _ => Some(v0),
        }
    }

    /// The days on which the value may change: every point's day, and for a linear schedule
    /// every day between its first and last points.
    pub fn changes_on(&self, day: u32) -> bool {
        let (first, last) = (self.points[0].0, self.points[self.points.len() - 1].0);
        match self.interpolation {
            Interpolation::Step => self.points.binary_search_by_key(&day, |p| p.0).is_ok(),
            Interpolation::Linear => (first..=last).contains(&day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(text: &str) -> ParamSchedule {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn steps_hold_and_lines_join_their_points() {
        let step = schedule("key = \"platforms.entry_rate\"\npoints = [[10, 1.0], [20, 3.0]]")
            .resolve("schedule[0]", None)
            .unwrap();
        let values: Vec<Option<f64>> = [9, 10, 15, 20, 99].iter().map(|&d| step.value(d)).collect();
        assert_eq!(values, [None, Some(1.0), Some(1.0), Some(3.0), Some(3.0)]);
        let linear = ParamSchedule {
            interpolation: Interpolation::Linear,
            ..schedule("key = \"trust.news_sensitivity\"\npoints = [[10, 1.0], [20, 3.0]]")
        }
        .resolve("schedule[0]", None)
        .unwrap();
        assert_eq!(linear.value(15), Some(2.0));
        assert_eq!(linear.value(20), Some(3.0));
        assert!(linear.changes_on(11) && !linear.changes_on(21));
        assert!(step.changes_on(20) && !step.changes_on(11));
    }

    #[test]
    fn dates_are_days_from_the_start() {
        let start = Date::parse("2014-01-01").ok();
        let resolved =
            schedule("key = \"platforms.entry_rate\"\npoints = [[\"2014-01-01\", 1.0], [\"2015-01-01\", 2.0]]")
                .resolve("schedule[0]", start)
                .unwrap();
        assert_eq!(resolved.points, [(1, 1.0), (366, 2.0)]);
        let problem = schedule("key = \"platforms.entry_rate\"\npoints = [[\"2013-12-01\", 1.0]]")
            .resolve("schedule[0]", start)
            .unwrap_err();
        assert!(
            problem.message.contains("before the scenario's start_date 2014-01-01"),
            "{}",
            problem.message
        );
        let problem = schedule("key = \"platforms.entry_rate\"\npoints = [[\"2014-01-01\", 1.0]]")
            .resolve("schedule[0]", None)
            .unwrap_err();
        assert!(problem.message.contains("needs a `start_date`"), "{}", problem.message);
    }

    #[test]
    fn keys_read_only_at_build_and_unordered_points_are_refused() {
        for key in ["population.users", "platforms.count", "warning.alert_level"] {
            let problem = schedule(&format!("key = \"{key}\"\npoints = [[1, 1.0]]"))
                .resolve("schedule[2]", None)
                .unwrap_err();
            assert_eq!(problem.key, "schedule[2].key");
            assert!(
                problem.message.contains("cannot change during a run"),
                "{}",
                problem.message
            );
        }
        let problem = schedule("key = \"trust.loss_rate\"\npoints = [[5, 0.1], [5, 0.2]]")
            .resolve("schedule[0]", None)
            .unwrap_err();
        assert_eq!(problem.key, "schedule[0].points");
    }
}
