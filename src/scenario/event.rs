//! Scheduled events: shocks (a run-away, a leak, a rumour) and interventions (tightening, a
//! compensation fund, an education campaign) that happen on a given day of a scenario.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::scenario::action::Action;
use crate::scenario::params::params;
use crate::scenario::problem::{prefix, Problem};
use crate::scenario::schema::{Scenario, HORIZON_DAYS};
use crate::scenario::tables::{PlatformType, Targeting};
use crate::scenario::warning::Level;

/// Which platform an event hits, resolved on the day of the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformSelector {
    /// The platform with the most deposits owed, optionally of one type, among those operating.
    Largest(Option<PlatformType>),
    /// The platform with this index (platforms are numbered from 0 in creation order).
    Index(u32),
}

const SELECTOR_FORMS: &str =
    "`largest`, `largest_sound`, `largest_fragile`, `largest_fraudulent` or `#N` (a platform index)";

impl std::str::FromStr for PlatformSelector {
    type Err = String;

    fn from_str(text: &str) -> Result<PlatformSelector, String> {
        let kind = match text {
            "largest" => return Ok(PlatformSelector::Largest(None)),
            "largest_sound" => PlatformType::Sound,
            "largest_fragile" => PlatformType::Fragile,
            "largest_fraudulent" => PlatformType::Fraudulent,
            _ => {
                return text
                    .strip_prefix('#')
                    .and_then(|n| n.parse().ok())
                    .map(PlatformSelector::Index)
                    .ok_or_else(|| format!("`{text}` is not a platform; use {SELECTOR_FORMS}"))
            }
        };
        Ok(PlatformSelector::Largest(Some(kind)))
    }
}

impl fmt::Display for PlatformSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformSelector::Largest(None) => write!(f, "largest"),
            PlatformSelector::Largest(Some(kind)) => write!(f, "largest_{}", kind.name()),
            PlatformSelector::Index(i) => write!(f, "#{i}"),
        }
    }
}

impl Serialize for PlatformSelector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PlatformSelector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

params! {
    /// Payload of events aimed at one platform.
    pub struct PlatformTarget {
        /// The platform hit.
        platform: PlatformSelector = PlatformSelector::Largest(None), (), "-";
    }
}

params! {
    /// `kind = "rumour"`: negative news about one platform, true or not.
    pub struct Rumour {
        /// The platform the rumour is about.
        platform: PlatformSelector = PlatformSelector::Largest(None), (), "-";
        /// Initial news intensity.
        intensity: f64 = 1.0, 0.0..=10.0, "-";
    }
}

params! {
    /// `kind = "regulatory_announcement"`: sector-wide news from a regulator.
    pub struct Announcement {
        /// Initial intensity of the (negative) news.
        intensity: f64 = 0.3, 0.0..=10.0, "-";
    }
}

params! {
    /// `kind = "marketing_campaign"`: a platform multiplies its marketing for a while.
    pub struct MarketingCampaign {
        /// The platform that campaigns.
        platform: PlatformSelector = PlatformSelector::Largest(None), (), "-";
        /// Factor applied to its marketing intensity.
        multiplier: f64 = 3.0, 0.0..=1000.0, "-";
        /// How long the campaign lasts.
        duration_days: u32 = 30, 1..=36_500, "days";
    }
}

params! {
    /// `kind = "tightening"`: a regulator raises its stringency, abruptly or along a ramp.
    pub struct Tightening {
        /// Regulator that tightens ("" for every regulator).
        regulator: String = String::new(), (), "-";
        /// Stringency reached at the end of the ramp.
        stringency: f64 = 0.8, 0.0..=1.0, "-";
        /// Days of linear ramp from the current stringency (0 for an abrupt step).
        ramp_days: u32 = 0, 0..=36_500, "days";
    }
}

params! {
    /// `kind = "education_campaign"`: risk education reaching users and raising literacy.
    pub struct EducationCampaign {
        /// Daily probability that a user is reached.
        reach_per_day: f64 = 0.01, 0.0..=1.0, "1/day";
        /// Share of the gap to full literacy closed for a reached user.
        literacy_gain: f64 = 0.2, 0.0..=1.0, "-";
        /// How long the campaign lasts.
        duration_days: u32 = 90, 1..=36_500, "days";
    }
}

params! {
    /// `kind = "compensation_fund"`: a fund that compensates investors' losses on failures.
    pub struct CompensationFund {
        /// Share of each investor's loss paid back.
        coverage: f64 = 0.8, 0.0..=1.0, "-";
        /// Most paid to one investor per failed platform.
        cap_yuan: f64 = 50_000.0, 0.0..=1.0e9, "yuan";
        /// Levy on platforms, as a share of deposits owed.
        levy_rate: f64 = 0.005, 0.0..=1.0, "per year";
        /// Seed capital put in from outside the sector.
        capital_yuan: f64 = 0.0, 0.0..=1.0e13, "yuan";
    }
}

params! {
    /// `kind = "liquidity_backstop"`: a lender of last resort for solvent platforms.
    pub struct LiquidityBackstop {
        /// Interest charged on backstop loans.
        penalty_rate: f64 = 0.05, 0.0..=1.0, "per year";
        /// Capital available for lending, put in from outside the sector.
        capital_yuan: f64 = 1.0e10, 0.0..=1.0e13, "yuan";
    }
}

params! {
    /// `kind = "ratings"`: regulators publish platform ratings.
    pub struct Ratings {
        /// Days between rating updates.
        interval_days: u32 = 30, 1..=3650, "days";
        /// Standard deviation of the rating's error at detection power 0 (shrinks with power).
        noise: f64 = 0.2, 0.0..=1.0, "-";
        /// Joint punishment: a platform rated below this may not raise deposits or market (0: none).
        blacklist_below: f64 = 0.0, 0.0..=1.0, "-";
    }
}

params! {
    /// `kind = "disclosure_mandate"`: platforms must disclose at least a minimum quality.
    pub struct DisclosureMandate {
        /// Minimum disclosure quality.
        minimum: f64 = 0.8, 0.0..=1.0, "-";
        /// Yearly cost of complying to every open platform, as a share of deposits owed.
        cost_rate: f64 = 0.002, 0.0..=1.0, "per year";
    }
}

params! {
    /// `kind = "inspections"`: a regulator inspects at a new rate with a new way of choosing targets.
    pub struct Inspections {
        /// Regulator that inspects ("" for every regulator).
        regulator: String = String::new(), (), "-";
        /// Inspections per day at stringency 1 (scaled by stringency, and by the ramp).
        inspections_per_day: f64 = 1.0, 0.0..=1000.0, "1/day";
        /// How targets are chosen: `random`, `risk_ranked` (by complaints) or `warning_ranked`.
        targeting: Targeting = Targeting::RiskRanked, (), "-";
    }
}

params! {
    /// `kind = "wind_down_policy"`: closed platforms are wound down in order, recovering more of
    /// their loan book for users.
    pub struct WindDownPolicy {
        /// Regulator whose wind-downs recover more ("" for every regulator).
        regulator: String = String::new(), (), "-";
        /// Share of the loan book recovered in an orderly wind-down.
        recovery: f64 = 0.9, 0.0..=1.0, "-";
    }
}

params! {
    /// `kind = "marketing_restriction"`: caps on the returns platforms may promise and on their
    /// marketing intensity.
    pub struct MarketingRestriction {
        /// Highest return a platform may promise.
        max_promised_return: f64 = 0.08, 0.0..=1.0, "per year";
        /// Highest marketing intensity.
        max_marketing: f64 = 0.3, 0.0..=100.0, "-";
    }
}

params! {
    /// `kind = "fundraising_ban"`: a regulator forbids new deposits on its platforms.
    pub struct FundraisingBan {
        /// Regulator imposing the ban ("" for every regulator).
        regulator: String = String::new(), (), "-";
    }
}

params! {
    /// `kind = "compliance_deadline"`: platforms below a compliance level must stop: solvent ones
    /// exit in order, the others lose their fund-raising.
    pub struct ComplianceDeadline {
        /// Regulator whose platforms must comply ("" for every regulator).
        regulator: String = String::new(), (), "-";
        /// Compliance a platform needs on the deadline.
        minimum: f64 = 0.6, 0.0..=1.0, "-";
    }
}

params! {
    /// `kind = "seed_withdrawers"`: users who start withdrawing for no reason (cascade seeds).
    pub struct SeedWithdrawers {
        /// Number of users, drawn uniformly.
        count: u32 = 1, 1..=50_000_000, "users";
    }
}

params! {
    /// `kind = "warning_response"`: what regulators do about a platform whose early-warning level
    /// rises to `level` (or above) while the response is in force.
    pub struct WarningResponse {
        /// Level at which the responses apply: `watch`, `alert` or `emergency`.
        level: Level = Level::Alert, (), "-";
        /// Announce an inspection (with the regulator's notice) unless one is scheduled.
        inspect: bool = true, (), "-";
        /// Warn the public about the platform.
        public_warning: bool = false, (), "-";
        /// Order the platform to disclose at least this quality (0: no order).
        disclosure_order: f64 = 0.0, 0.0..=1.0, "-";
        /// Suspend the platform's fund-raising until it closes.
        suspend_fundraising: bool = false, (), "-";
        /// Open the liquidity backstop with its default terms (or reopen its lending if lifted).
        emergency_liquidity: bool = false, (), "-";
        /// Wind the platform down in order.
        wind_down: bool = false, (), "-";
    }
}

/// One `[[event]]`: a day and an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Day on which the event happens (0 = before the first step).
    pub day: u32,
    /// What happens.
    pub action: Action,
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut table = match toml::Value::try_from(&self.action).map_err(serde::ser::Error::custom)? {
            toml::Value::Table(table) => table,
            _ => unreachable!("actions serialize as tables"),
        };
        table.insert("day".to_string(), toml::Value::Integer(i64::from(self.day)));
        table.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Event::from_table(toml::Table::deserialize(d)?)
            .map_err(|p| D::Error::custom(format!("`{}`: {}", p.key, p.message)))
    }
}

impl Event {
    /// Reads an event from its `[[event]]` table. On error, the problem's key is the offending
    /// key within the event (`day`, `kind`, `platform`, ...), so that it can be located.
    pub fn from_table(mut table: toml::Table) -> Result<Event, Problem> {
        let day = match table.remove("day") {
            Some(toml::Value::Integer(day)) => u32::try_from(day).map_err(|_| {
                Problem::new(
                    "day",
                    format!("must be a whole number from 0 to the horizon, got {day}"),
                )
            })?,
            Some(other) => return Err(Problem::new("day", format!("must be a whole number, got {other}"))),
            None => return Err(Problem::new("day", "is required: the day on which the event happens")),
        };
        let kind = match table.remove("kind") {
            Some(toml::Value::String(kind)) => kind,
            Some(other) => return Err(Problem::new("kind", format!("must be a name, got {other}"))),
            None => {
                return Err(Problem::new(
                    "kind",
                    "is required: what happens, e.g. `kind = \"run_away\"`",
                ))
            }
        };
        let action = Action::read(&kind, table)?;
        Ok(Event { day, action })
    }

    /// Checks the event's day and parameters; `key` is its dotted key, e.g. `event[2]`.
    pub fn validate(&self, key: &str, scenario: &Scenario) -> Result<(), Problem> {
        // Days past the horizon are allowed (the event then never happens), so that a shorter
        // `--set horizon_days` (or a calibration's window) keeps a scenario valid.
        let latest = *HORIZON_DAYS.end();
        if self.day > latest {
            return Err(Problem::new(
                format!("{}day", prefix(key)),
                format!("must be a day from 0 to {latest}, got {}", self.day),
            ));
        }
        let regulator = |name: &str| -> Result<(), Problem> {
            if name.is_empty() {
                return Ok(());
            }
            scenario
                .regulator_index(name)
                .map(|_| ())
                .map_err(|m| Problem::new(format!("{}regulator", prefix(key)), m))
        };
        let platform = |selector: &PlatformSelector| -> Result<(), Problem> {
            match *selector {
                PlatformSelector::Index(i) if i >= scenario.platforms.count => Err(Problem::new(
                    format!("{}platform", prefix(key)),
                    format!(
                        "platform #{i} does not exist on day 0: indices run from 0 to {}",
                        scenario.platforms.count - 1
                    ),
                )),
                _ => Ok(()),
            }
        };
        if !scenario.finance.enabled
            && !matches!(self.action, Action::SeedWithdrawers(_) | Action::EducationCampaign(_))
        {
            return Err(Problem::new(
                format!("{}kind", prefix(key)),
                "with finance.enabled = false only `seed_withdrawers` and `education_campaign` events apply",
            ));
        }
        match &self.action {
            Action::RunAway(p) | Action::Collapse(p) | Action::DataLeak(p) | Action::FraudExposure(p) => {
                p.validate(key)?;
                platform(&p.platform)
            }
            Action::Rumour(p) => {
                p.validate(key)?;
                platform(&p.platform)
            }
            Action::MarketingCampaign(p) => {
                p.validate(key)?;
                platform(&p.platform)
            }
            Action::Tightening(p) => {
                p.validate(key)?;
                regulator(&p.regulator)
            }
            Action::FundraisingBan(p) => regulator(&p.regulator),
            Action::ComplianceDeadline(p) => {
                p.validate(key)?;
                regulator(&p.regulator)
            }
            Action::Inspections(p) => {
                p.validate(key)?;
                regulator(&p.regulator)
            }
            Action::WindDownPolicy(p) => {
                p.validate(key)?;
                regulator(&p.regulator)
            }
            Action::MarketingRestriction(p) => p.validate(key),
            Action::WarningResponse(p) => {
                p.validate(key)?;
                if p.level == Level::None {
                    return Err(Problem::new(
                        format!("{}level", prefix(key)),
                        "must be `watch`, `alert` or `emergency`",
                    ));
                }
                Ok(())
            }
            Action::RegulatoryAnnouncement(p) => p.validate(key),
            Action::EducationCampaign(p) => p.validate(key),
            Action::CompensationFund(p) => p.validate(key),
            Action::LiquidityBackstop(p) => p.validate(key),
            Action::Ratings(p) => p.validate(key),
            Action::DisclosureMandate(p) => p.validate(key),
            Action::SeedWithdrawers(p) => {
                p.validate(key)?;
                if p.count > scenario.population.users {
                    return Err(Problem::new(
                        format!("{}count", prefix(key)),
                        format!(
                            "must be at most population.users = {}, got {}",
                            scenario.population.users, p.count
                        ),
                    ));
                }
                Ok(())
            }
            Action::FundCustody => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> Problem {
        Event::from_table(text.parse().unwrap()).unwrap_err()
    }

    #[test]
    fn errors_name_the_key_within_the_event() {
        assert_eq!(problem("kind = \"run_away\"").key, "day");
        assert_eq!(problem("day = -1\nkind = \"run_away\"").key, "day");
        assert_eq!(problem("day = 1").key, "kind");
        let p = problem("day = 1\nkind = \"nope\"");
        assert_eq!(p.key, "kind");
        assert!(p.message.contains("data_leak"), "{}", p.message);
        let p = problem("day = 1\nkind = \"data_leak\"\nplatform = \"nope\"");
        assert_eq!(p.key, "platform", "{}", p.message);
        assert!(p.message.contains("largest_fragile"));
        let p = problem("day = 1\nkind = \"rumour\"\nintensty = 2");
        assert_eq!(p.key, "intensty", "{}", p.message);
        assert!(p.message.contains("intensity"));
    }

    #[test]
    fn every_kind_reads_back_what_it_writes() {
        for kind in Action::KINDS {
            let event = Event::from_table(format!("day = 2\nkind = \"{kind}\"").parse().unwrap()).unwrap();
            let written: toml::Table = toml::Value::try_from(&event).unwrap().try_into().unwrap();
            assert_eq!(written["kind"].as_str(), Some(*kind));
            assert_eq!(Event::from_table(written).unwrap(), event);
        }
    }
}
