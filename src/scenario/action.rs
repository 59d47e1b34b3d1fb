//! Every kind of event and intervention, declared once: its name in scenario files, its
//! parameters, whether it is a shock or a policy instrument (and whether its strength can ramp),
//! its meaning for the parameter reference and its words in the report. Adding a kind is one
//! entry here, its parameter struct in `event.rs` and its effect in `model::events_day`; the
//! compiler points at every `match` that must decide what the new kind does.

use serde::Serialize;

use crate::scenario::event::{
    Announcement, CompensationFund, ComplianceDeadline, DisclosureMandate, EducationCampaign, FundraisingBan,
    Inspections, LiquidityBackstop, MarketingCampaign, MarketingRestriction, PlatformTarget, Ratings, Rumour,
    SeedWithdrawers, Tightening, WarningResponse, WindDownPolicy,
};
use crate::scenario::params::ParamDoc;
use crate::scenario::problem::Problem;

/// What a kind of action may be used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Something that happens to the sector: only a scenario's `[[event]]`.
    Shock,
    /// A policy instrument, an event or a strategy's intervention, that starts whole.
    Instrument,
    /// A policy instrument whose strength can rise along a ramp (`ramp_days` > 0).
    Ramped,
}

impl Role {
    /// Whether a strategy may use the kind as an intervention.
    pub fn is_intervention(self) -> bool {
        self != Role::Shock
    }
}

/// Declares [`Action`] and everything known about each kind from one table: per kind its
/// doc line (also its meaning in the parameter reference), variant and parameter struct (none
/// for a kind without parameters), name, role and words in the report.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident $(($payload:ident))? = $name:literal, $role:ident, $words:literal;
    )+) => {
        /// What an event does. Written with its `kind` tag; read by [`Action::read`].
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind")]
        pub enum Action {
            $(
                $(#[doc = $doc])+
                #[serde(rename = $name)]
                $variant $(($payload))?,
            )+
        }

        impl Action {
            /// Every kind, as written in scenario files, in declaration order.
            pub const KINDS: &'static [&'static str] = &[$($name),+];

            /// Its kind as written in scenario files.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Action::$variant { .. } => $name,)+
                }
            }

            /// The role of the kind named `kind`, if there is such a kind.
            pub fn role_of(kind: &str) -> Option<Role> {
                match kind {
                    $($name => Some(Role::$role),)+
                    _ => None,
                }
            }

            /// What the kind named `kind` does, in one sentence, for the parameter reference.
            pub fn meaning_of(kind: &str) -> Option<&'static str> {
                match kind {
                    $($name => Some(concat!($($doc),+).trim()),)+
                    _ => None,
                }
            }

            /// The parameters of the kind named `kind`.
            pub fn parameters_of(kind: &str) -> Option<&'static [ParamDoc]> {
                match kind {
                    $($name => Some(actions!(@parameters $($payload)?)),)+
                    _ => None,
                }
            }

            /// What this action does, in the plain words of the report.
            pub fn in_words(&self) -> &'static str {
                match self {
                    $(Action::$variant { .. } => $words,)+
                }
            }

            /// The action of kind `kind` with its parameters read from `payload` (the event's
            /// other keys).
            pub fn read(kind: &str, payload: toml::Table) -> Result<Action, Problem> {
                match kind {
                    $($name => Ok(actions!(@read $variant, $name, payload $(, $payload)?)),)+
                    _ => Err(Problem::new(
                        "kind",
                        format!("unknown kind `{kind}`; expected one of {}", listed(Action::KINDS.iter().copied())),
                    )),
                }
            }
        }
    };
    (@parameters $payload:ident) => { $payload::PARAMETERS };
    (@parameters) => { &[] };
    (@read $variant:ident, $name:literal, $table:ident, $payload:ident) => {
        Action::$variant(read_payload::<$payload>($table)?)
    };
    (@read $variant:ident, $name:literal, $table:ident) => {{
        if let Some(key) = $table.keys().next() {
            return Err(Problem::new(key.clone(), concat!("`", $name, "` takes no parameters")));
        }
        Action::$variant
    }};
}

actions! {
    /// A platform (usually a fraud) absconds with the money it holds.
    RunAway(PlatformTarget) = "run_away", Shock, "A platform runs away with its investors' money";
    /// A platform collapses in disorder.
    Collapse(PlatformTarget) = "collapse", Shock, "A platform collapses";
    /// A platform leaks users' data.
    DataLeak(PlatformTarget) = "data_leak", Shock, "A platform leaks its users' data";
    /// Negative news about one platform, true or not.
    Rumour(Rumour) = "rumour", Shock, "A rumour spreads about a platform";
    /// A regulator exposes a fraud: news and an orderly wind-down.
    FraudExposure(PlatformTarget) = "fraud_exposure", Shock, "A regulator exposes a fraud";
    /// Sector-wide negative news from a regulator.
    RegulatoryAnnouncement(Announcement) = "regulatory_announcement", Instrument, "A regulatory announcement";
    /// A platform multiplies its marketing for a while.
    MarketingCampaign(MarketingCampaign) = "marketing_campaign", Shock, "A platform runs a marketing campaign";
    /// A regulator raises its stringency, abruptly or along a ramp.
    Tightening(Tightening) = "tightening", Ramped, "Regulation tightens";
    /// Risk education reaching users and raising literacy.
    EducationCampaign(EducationCampaign) = "education_campaign", Ramped, "A risk-education campaign";
    /// A fund that compensates investors' losses on failures.
    CompensationFund(CompensationFund) = "compensation_fund", Instrument,
        "A compensation fund pays back part of investors' losses";
    /// A lender of last resort for solvent platforms.
    LiquidityBackstop(LiquidityBackstop) = "liquidity_backstop", Instrument,
        "A lender of last resort lends to solvent platforms facing a run";
    /// Regulators publish platform ratings from now on.
    Ratings(Ratings) = "ratings", Instrument, "Platforms' credit ratings are published";
    /// Platforms must disclose at least a minimum quality.
    DisclosureMandate(DisclosureMandate) = "disclosure_mandate", Ramped, "Platforms must disclose more";
    /// User funds are held by a bank, so platforms can no longer siphon or abscond with them.
    FundCustody = "fund_custody", Instrument, "Users' funds are held by banks";
    /// A regulator forbids new deposits on its platforms.
    FundraisingBan(FundraisingBan) = "fundraising_ban", Instrument, "New fund-raising is banned";
    /// Users who start withdrawing for no reason (cascade seeds).
    SeedWithdrawers(SeedWithdrawers) = "seed_withdrawers", Shock, "Some users start withdrawing";
    /// A regulator inspects at a new rate, choosing targets at random or by risk (complaints).
    Inspections(Inspections) = "inspections", Ramped, "The regulator's inspections change";
    /// Orderly wind-downs recover a larger share of a closed platform's loan book for users.
    WindDownPolicy(WindDownPolicy) = "wind_down_policy", Instrument, "Failed platforms are wound down in order";
    /// Caps on the returns platforms may promise and on their marketing intensity.
    MarketingRestriction(MarketingRestriction) = "marketing_restriction", Ramped,
        "Promised returns and marketing are capped";
    /// A regulatory deadline: open platforms below a compliance level must stop; solvent ones
    /// exit in order and repay every claim, the others may no longer raise new deposits.
    ComplianceDeadline(ComplianceDeadline) = "compliance_deadline", Instrument,
        "Platforms that fall short of a compliance deadline must stop";
    /// What regulators do about a platform whose early-warning level rises to `level` while the
    /// response is in force: inspect, warn the public, order disclosure, suspend its
    /// fund-raising, open emergency liquidity, or wind it down.
    WarningResponse(WarningResponse) = "warning_response", Instrument, "The regulator acts on early warnings";
}

impl Action {
    /// The kinds of role `role`, in declaration order.
    pub fn kinds_of(role: impl Fn(Role) -> bool) -> Vec<&'static str> {
        Action::KINDS
            .iter()
            .copied()
            .filter(|kind| Action::role_of(kind).is_some_and(&role))
            .collect()
    }
}

/// Names as a list in backticks: "`a`, `b`, `c`".
pub fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// An action's parameters, with the offending key of any error.
fn read_payload<T: serde::de::DeserializeOwned>(payload: toml::Table) -> Result<T, Problem> {
    serde_path_to_error::deserialize(toml::Value::Table(payload)).map_err(|e| {
        let key = e.path().to_string();
        let message = e.into_inner().message().trim_end().to_string();
        // An unknown key is reported at the payload's root; name it instead.
        let key = match key.as_str() {
            "." => message.split('`').nth(1).unwrap_or("kind").to_string(),
            _ => key,
        };
        Problem::new(key, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_serializes_under_its_own_name_and_reads_back() {
        for kind in Action::KINDS {
            let action = Action::read(kind, toml::Table::new()).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            assert_eq!(action.kind(), *kind);
            let toml::Value::Table(table) = toml::Value::try_from(&action).expect("serializes") else {
                panic!("{kind} does not serialize as a table");
            };
            assert_eq!(table["kind"].as_str(), Some(*kind));
            assert!(Action::meaning_of(kind).is_some_and(|m| m.ends_with('.')), "{kind}");
            assert!(!action.in_words().is_empty());
        }
    }

    #[test]
    fn shocks_are_not_interventions_and_only_instruments_ramp() {
        let interventions = Action::kinds_of(Role::is_intervention);
        assert!(interventions.contains(&"compensation_fund") && !interventions.contains(&"run_away"));
        assert_eq!(
            Action::kinds_of(|role| role == Role::Ramped),
            [
                "tightening",
                "education_campaign",
                "disclosure_mandate",
                "inspections",
                "marketing_restriction"
            ]
        );
        assert_eq!(Action::role_of("no_such_kind"), None);
    }

    #[test]
    fn a_kind_without_parameters_refuses_one() {
        let payload: toml::Table = "coverage = 1".parse().unwrap();
        let problem = Action::read("fund_custody", payload).unwrap_err();
        assert_eq!(problem.key, "coverage");
        assert_eq!(problem.message, "`fund_custody` takes no parameters");
    }
}
