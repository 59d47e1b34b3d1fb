//! Per-run outcome measures, computed from a run's metric series and final platforms.

use serde::{Deserialize, Serialize};

use crate::model::metrics::{yuan, StepMetrics};
use crate::model::platform::{Platform, PlatformState};
use crate::model::world::World;
use crate::scenario::action::Action;
use crate::scenario::schema::Scenario;
use crate::scenario::tables::PlatformType;

/// Outcome measures of one run. Money is in yuan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The run's seed.
    pub seed: u64,
    /// Investor losses in failures less compensation.
    pub net_loss_yuan: f64,
    /// Net loss per user.
    pub net_loss_per_user_yuan: f64,
    /// Investor claims lost in failures, before compensation.
    pub losses_incurred_yuan: f64,
    /// Claims paid back out of failed platforms' assets.
    pub losses_recovered_yuan: f64,
    /// Losses paid back by the compensation fund.
    pub losses_compensated_yuan: f64,
    /// Net loss at failed sound platforms.
    pub net_loss_sound_yuan: f64,
    /// Net loss at failed fragile platforms.
    pub net_loss_fragile_yuan: f64,
    /// Net loss at failed fraudulent platforms (losses to fraud).
    pub net_loss_fraudulent_yuan: f64,
    /// Claims still owed by fraudulent platforms open at the end: money a Ponzi cannot repay.
    pub fraud_claims_open_yuan: f64,
    /// Investors' exposure: the net loss plus the claims still owed by open frauds. A strategy
    /// that brings frauds down within the horizon books as losses what would otherwise still be
    /// owed; this measure counts both alike.
    pub investor_exposure_yuan: f64,
    /// Sound platforms that failed.
    pub failed_sound: u64,
    /// Fragile platforms that failed.
    pub failed_fragile: u64,
    /// Fraudulent platforms that failed (ran away, collapsed or were wound down).
    pub failed_fraudulent: u64,
    /// Platforms that collapsed in disorder.
    pub collapsed: u64,
    /// Platforms whose owners ran away.
    pub ran_away: u64,
    /// Platforms wound down by a regulator.
    pub wound_down: u64,
    /// Platforms that closed voluntarily.
    pub exited: u64,
    /// Mean sector trust the day before the first shock (day 0 when there is none).
    pub pre_shock_trust: f64,
    /// Lowest mean sector trust on or after the shock.
    pub trough_trust: f64,
    /// Day of the trough (the first day it is reached).
    pub trough_day: u32,
    /// Days from the trough until mean trust is back to 90% of its pre-shock level.
    pub recovery_days: u32,
    /// Whether trust never recovered within the horizon (recovery_days is then a lower bound).
    pub recovery_censored: bool,
    /// Mean lifetime of fraudulent platforms in days; open ones count up to the horizon.
    pub fraud_lifetime_days: f64,
    /// Fraudulent platforms still open at the end.
    pub frauds_open_at_end: u64,
    /// Mean sector trust on the last day.
    pub final_trust: f64,
    /// Largest outstanding withdrawal requests on any day.
    pub peak_unmet_withdrawals_yuan: f64,
    /// Complaints over the run.
    pub complaints: u64,
    /// Users who lost money in a failure, at the end.
    pub victims: u64,
    /// Users who left the sector, at the end.
    pub exited_users: u64,
    /// Levies platforms paid into the compensation fund.
    pub fund_levies_yuan: f64,
    /// The fund's cost to the public: compensation paid less levies, or 0 (MODEL §7.18a).
    pub fund_cost_yuan: f64,
    /// Loans made by the liquidity backstop.
    pub backstop_loans_yuan: f64,
    /// The backstop's loss: loans less repayments less what open platforms still owe, or 0.
    pub backstop_loss_yuan: f64,
    /// Users reached by education, counted once per day reached.
    pub users_educated: u64,
    /// Cost of education campaigns.
    pub education_cost_yuan: f64,
    /// Inspections carried out.
    pub inspections: u64,
    /// Cost of inspections.
    pub inspection_cost_yuan: f64,
    /// Cost of orderly wind-downs.
    pub wind_down_cost_yuan: f64,
    /// Public money spent: `fund_cost_yuan` + `backstop_loss_yuan` + `education_cost_yuan` +
    /// `inspection_cost_yuan` + `wind_down_cost_yuan`, summed in cents.
    pub public_cost_yuan: f64,
}

/// The day of the first shock event: one that hits a platform or the public's confidence
/// without being a policy instrument. Day 0 when there is none.
pub fn shock_day(scenario: &Scenario) -> u32 {
    scenario
        .event
        .iter()
        .filter(|e| match e.action {
            Action::RunAway(_)
            | Action::Collapse(_)
            | Action::DataLeak(_)
            | Action::Rumour(_)
            | Action::FraudExposure(_)
            | Action::RegulatoryAnnouncement(_)
            | Action::SeedWithdrawers(_) => true,
            Action::MarketingCampaign(_)
            | Action::Tightening(_)
            | Action::EducationCampaign(_)
            | Action::CompensationFund(_)
            | Action::LiquidityBackstop(_)
            | Action::Ratings(_)
            | Action::DisclosureMandate(_)
            | Action::FundCustody
            | Action::FundraisingBan(_)
            | Action::ComplianceDeadline(_)
            | Action::Inspections(_)
            | Action::WindDownPolicy(_)
            | Action::MarketingRestriction(_)
            | Action::WarningResponse(_) => false,
        })
        .map(|e| e.day)
        .min()
        .unwrap_or(0)
}

/// Computes the outcome measures of a run with `seed`.
pub fn outcome(scenario: &Scenario, seed: u64, series: &[StepMetrics], world: &World) -> Outcome {
    let platforms = &world.platforms;
    let by_type = world.totals.net_losses_by_type_cents;
    let last = series.last().expect("a run has at least its initial row");
    let shock = shock_day(scenario) as usize;
    let pre_shock_trust = series[shock.saturating_sub(1).min(series.len() - 1)].trust_mean;
    let after = &series[shock.min(series.len() - 1)..];
    let trough = after
        .iter()
        .min_by(|a, b| a.trust_mean.total_cmp(&b.trust_mean))
        .expect("non-empty");
    let recovered = after
        .iter()
        .filter(|row| row.day >= trough.day)
        .find(|row| row.trust_mean >= 0.9 * pre_shock_trust);
    let (recovery_days, recovery_censored) = match recovered {
        Some(row) => (row.day - trough.day, false),
        None => (last.day - trough.day, true),
    };
    let horizon = scenario.horizon_days;
    let frauds: Vec<&Platform> = platforms
        .iter()
        .filter(|p| p.kind == PlatformType::Fraudulent)
        .collect();
    let fraud_lifetime_days = if frauds.is_empty() {
        0.0
    } else {
        frauds
            .iter()
            .map(|p| (i64::from(p.closed_day.unwrap_or(horizon)) - p.born_day) as f64)
            .sum::<f64>()
            / frauds.len() as f64
    };
    let count = |state: PlatformState| platforms.iter().filter(|p| p.state == state).count() as u64;
    let users = scenario.population.users;
    let fraud_claims_open_yuan = yuan(
        frauds
            .iter()
            .filter(|p| !p.state.is_closed())
            .map(|p| p.claims_cents)
            .sum(),
    );
    Outcome {
        seed,
        net_loss_yuan: last.net_loss_yuan,
        net_loss_per_user_yuan: last.net_loss_yuan / f64::from(users),
        losses_incurred_yuan: last.losses_incurred_yuan,
        losses_recovered_yuan: last.losses_recovered_yuan,
        losses_compensated_yuan: last.losses_compensated_yuan,
        net_loss_sound_yuan: yuan(by_type[0]),
        net_loss_fragile_yuan: yuan(by_type[1]),
        net_loss_fraudulent_yuan: yuan(by_type[2]),
        fraud_claims_open_yuan,
        investor_exposure_yuan: last.net_loss_yuan + fraud_claims_open_yuan,
        failed_sound: last.failed_sound,
        failed_fragile: last.failed_fragile,
        failed_fraudulent: last.failed_fraudulent,
        collapsed: count(PlatformState::Collapsed),
        ran_away: count(PlatformState::RanAway),
        wound_down: count(PlatformState::WoundDown),
        exited: count(PlatformState::Exited),
        pre_shock_trust,
        trough_trust: trough.trust_mean,
        trough_day: trough.day,
        recovery_days,
        recovery_censored,
        fraud_lifetime_days,
        frauds_open_at_end: frauds.iter().filter(|p| !p.state.is_closed()).count() as u64,
        final_trust: last.trust_mean,
        peak_unmet_withdrawals_yuan: series.iter().map(|r| r.unmet_withdrawals_yuan).fold(0.0, f64::max),
        complaints: last.complaints_cumulative,
        victims: last.users_victim,
        exited_users: last.users_exited,
        fund_levies_yuan: last.fund_levies_yuan,
        fund_cost_yuan: yuan(world.public.fund_cost_cents(world.totals.losses_compensated_cents)),
        backstop_loans_yuan: last.backstop_loans_yuan,
        backstop_loss_yuan: last.backstop_loss_yuan,
        users_educated: world.public.users_educated,
        education_cost_yuan: last.education_cost_yuan,
        inspections: world.public.inspections,
        inspection_cost_yuan: last.inspection_cost_yuan,
        wind_down_cost_yuan: last.wind_down_cost_yuan,
        public_cost_yuan: last.public_cost_yuan,
    }
}

/// One platform's fate, for `platforms.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PlatformSummary {
    /// Index.
    pub platform: u32,
    /// Sound, fragile or fraudulent.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Regulator's name.
    pub regulator: String,
    /// State at the end.
    pub state: PlatformState,
    /// Day created.
    pub born_day: i64,
    /// Day closed, if it closed.
    pub closed_day: Option<u32>,
    /// Promised annual return.
    pub promised_return: f64,
    /// Largest claims it ever had.
    pub peak_claims_yuan: f64,
    /// Claims at the end (0 once closed and settled).
    pub claims_yuan: f64,
    /// Complaints over the last 30 days.
    pub recent_complaints: u32,
}

/// The summary rows of `platforms`.
pub fn platform_summaries(scenario: &Scenario, platforms: &[Platform]) -> Vec<PlatformSummary> {
    platforms
        .iter()
        .map(|p| PlatformSummary {
            platform: p.id,
            kind: p.kind.name(),
            regulator: scenario.regulator[p.regulator].name.clone(),
            state: p.state,
            born_day: p.born_day,
            closed_day: p.closed_day,
            promised_return: p.promised_return,
            peak_claims_yuan: yuan(p.peak_claims_cents),
            claims_yuan: yuan(p.claims_cents),
            recent_complaints: p.recent_complaints(),
        })
        .collect()
}
