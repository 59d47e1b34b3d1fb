//! Observation: turns the world's state into one row of per-step metrics. The model never
//! writes files; this module only reads it.

use serde::Serialize;

use crate::model::platform::PlatformState;
use crate::scenario::tables::PlatformType;

use crate::model::tally::UserTally;
use crate::model::users::UserState;
use crate::model::world::World;
use crate::scenario::warning::Level;

/// One day's metrics. Money is in yuan; counts are of users or platforms.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct StepMetrics {
    /// Day (0 = initial state).
    pub day: u32,
    /// Mean sector trust over all users.
    pub trust_mean: f64,
    /// 10th percentile of sector trust (resolution 1/1024, see [`crate::model::tally::TRUST_BINS`]).
    pub trust_p10: f64,
    /// Median sector trust.
    pub trust_p50: f64,
    /// 90th percentile of sector trust.
    pub trust_p90: f64,
    /// Mean trust in held platforms, over holdings.
    pub platform_trust_mean: f64,
    /// 10th percentile of trust in held platforms.
    pub platform_trust_p10: f64,
    /// Median trust in held platforms.
    pub platform_trust_p50: f64,
    /// 90th percentile of trust in held platforms.
    pub platform_trust_p90: f64,
    /// Users active.
    pub users_active: u64,
    /// Users with withdrawal requests outstanding (or, with finance off, who have withdrawn).
    pub users_withdrawing: u64,
    /// Users who left the sector.
    pub users_exited: u64,
    /// Users who lost money in a failure.
    pub users_victim: u64,
    /// Users holding at least one platform.
    pub investors: u64,
    /// Users who started withdrawing today.
    pub new_withdrawers: u64,
    /// Mean financial literacy.
    pub literacy_mean: f64,
    /// Assets under management: claims on open platforms.
    pub aum_yuan: f64,
    /// Deposits today.
    pub deposits_yuan: f64,
    /// Withdrawals paid today.
    pub withdrawals_yuan: f64,
    /// Deposits less withdrawals today.
    pub net_flow_yuan: f64,
    /// New withdrawal requests today.
    pub requested_yuan: f64,
    /// New withdrawal requests today at sound platforms.
    pub requested_sound_yuan: f64,
    /// New withdrawal requests today at fragile platforms.
    pub requested_fragile_yuan: f64,
    /// New withdrawal requests today at fraudulent platforms.
    pub requested_fraudulent_yuan: f64,
    /// Withdrawal requests outstanding on open platforms.
    pub unmet_withdrawals_yuan: f64,
    /// Platforms operating normally.
    pub platforms_operating: u64,
    /// Platforms distressed.
    pub platforms_distressed: u64,
    /// Platforms with withdrawals suspended.
    pub platforms_suspended: u64,
    /// Platforms collapsed (cumulative).
    pub platforms_collapsed: u64,
    /// Platforms whose owners ran away (cumulative).
    pub platforms_ran_away: u64,
    /// Platforms wound down by a regulator (cumulative).
    pub platforms_wound_down: u64,
    /// Platforms closed voluntarily (cumulative).
    pub platforms_exited: u64,
    /// Open sound platforms.
    pub open_sound: u64,
    /// Open fragile platforms.
    pub open_fragile: u64,
    /// Open fraudulent platforms.
    pub open_fraudulent: u64,
    /// Failed (collapsed, ran away, wound down) sound platforms, cumulative.
    pub failed_sound: u64,
    /// Failed fragile platforms, cumulative.
    pub failed_fragile: u64,
    /// Failed fraudulent platforms, cumulative.
    pub failed_fraudulent: u64,
    /// Investor claims lost in failures, cumulative, before compensation.
    pub losses_incurred_yuan: f64,
    /// Claims paid back out of failed platforms' assets, cumulative.
    pub losses_recovered_yuan: f64,
    /// Losses paid back by the compensation fund, cumulative.
    pub losses_compensated_yuan: f64,
    /// Losses incurred less compensated, cumulative.
    pub net_loss_yuan: f64,
    /// Investors' exposure: the net loss plus the claims on open fraudulent platforms.
    pub investor_exposure_yuan: f64,
    /// Complaints today.
    pub complaints: u64,
    /// Complaints, cumulative.
    pub complaints_cumulative: u64,
    /// ν: reach-weighted negative-news intensity.
    pub negative_news: f64,
    /// Inspections today.
    pub inspections: u64,
    /// Enforcement actions today.
    pub enforcement_actions: u64,
    /// Stringency, averaged over regulators weighted by jurisdiction share.
    pub stringency: f64,
    /// Compensation fund balance.
    pub compensation_fund_yuan: f64,
    /// Part of the fund's balance promised to settlements not yet paid.
    pub fund_committed_yuan: f64,
    /// r: the fund's reassurance that users read today (coverage × credibility × ρ; 0 without a fund).
    pub fund_reassurance: f64,
    /// Cash the liquidity backstop has left to lend.
    pub backstop_cash_yuan: f64,
    /// Backstop loans outstanding at open platforms.
    pub backstop_lent_yuan: f64,
    /// Open platforms with a published rating.
    pub platforms_rated: u64,
    /// Open platforms blacklisted (joint punishment).
    pub platforms_blacklisted: u64,
    /// Platforms that entered today.
    pub platforms_entered: u64,
    /// Platforms that became problem platforms today by running away (MODEL §7.23).
    pub new_problem_absconded: u64,
    /// … by suspending withdrawals (or collapsing without suspending first).
    pub new_problem_withdrawal_difficulty: u64,
    /// … by being wound down by a regulator.
    pub new_problem_police: u64,
    /// Platforms that exited voluntarily today.
    pub new_exits: u64,
    /// Claims-weighted mean promised return of open platforms (0 when none has claims).
    pub promised_return_mean: f64,
    /// Levies paid into the compensation fund, cumulative.
    pub fund_levies_yuan: f64,
    /// Loans made by the liquidity backstop, cumulative.
    pub backstop_loans_yuan: f64,
    /// The backstop's loss: loans less repayments less what open platforms still owe (≥ 0).
    pub backstop_loss_yuan: f64,
    /// Users reached by education today.
    pub users_educated: u64,
    /// Cost of education campaigns, cumulative.
    pub education_cost_yuan: f64,
    /// Cost of inspections, cumulative.
    pub inspection_cost_yuan: f64,
    /// Cost of orderly wind-downs, cumulative.
    pub wind_down_cost_yuan: f64,
    /// Public cost, cumulative: the fund's payouts beyond its levies, the backstop's loss,
    /// education, inspections and wind-downs (MODEL §7.18a).
    pub public_cost_yuan: f64,
    /// All money inside the simulated economy.
    pub money_held_yuan: f64,
    /// The early-warning system's trust survey: sampled users' mean sector trust plus noise.
    pub survey_trust: f64,
    /// Open platforms at warning level watch.
    pub platforms_watch: u64,
    /// Open platforms at warning level alert.
    pub platforms_alert: u64,
    /// Open platforms at warning level emergency.
    pub platforms_emergency: u64,
}

/// Cents to yuan.
pub fn yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The metrics of the world as it stands.
pub fn observe(world: &World) -> StepMetrics {
    let users = &world.users;
    let UserTally {
        sector,
        holdings,
        states,
        literacy,
        investors,
    } = &world.tally;
    let mut levels = [0u64; 4];
    for p in (0..world.platforms.len()).filter(|&p| !world.platforms[p].state.is_closed()) {
        levels[world.warning.level(p) as usize] += 1;
    }
    let mut by_state = [0u64; 7];
    let mut open = [0u64; 3];
    let mut failed = [0u64; 3];
    let (mut aum, mut unmet, mut backstop_lent, mut fraud_claims) = (0i64, 0i64, 0i64, 0i64);
    let (mut rated, mut blacklisted) = (0u64, 0u64);
    let mut promised = 0.0;
    for platform in &world.platforms {
        by_state[PlatformState::ALL
            .iter()
            .position(|&s| s == platform.state)
            .expect("listed")] += 1;
        let kind = PlatformType::ALL
            .iter()
            .position(|&k| k == platform.kind)
            .expect("listed");
        if platform.state.is_closed() {
            failed[kind] += u64::from(platform.state.is_failure());
        } else {
            open[kind] += 1;
            aum += platform.claims_cents;
            if platform.kind == PlatformType::Fraudulent {
                fraud_claims += platform.claims_cents;
            }
            unmet += platform.pending_cents;
            backstop_lent += platform.backstop_owed_cents;
            promised += platform.promised_return * platform.claims_cents as f64;
            rated += u64::from(platform.rating.is_some());
            blacklisted += u64::from(platform.blacklisted);
        }
    }
    let totals = &world.totals;
    let today = &world.today;
    let public = &world.public;
    let stringency = world
        .regulators
        .iter()
        .map(|r| r.stringency() * r.params.jurisdiction_share)
        .sum();
    StepMetrics {
        day: world.day,
        trust_mean: sector.mean(),
        trust_p10: sector.quantile(0.1),
        trust_p50: sector.quantile(0.5),
        trust_p90: sector.quantile(0.9),
        platform_trust_mean: holdings.mean(),
        platform_trust_p10: holdings.quantile(0.1),
        platform_trust_p50: holdings.quantile(0.5),
        platform_trust_p90: holdings.quantile(0.9),
        users_active: states[UserState::Active as usize],
        users_withdrawing: states[UserState::Withdrawing as usize],
        users_exited: states[UserState::Exited as usize],
        users_victim: states[UserState::Victim as usize],
        investors: *investors,
        new_withdrawers: today.users.new_withdrawers,
        literacy_mean: if users.is_empty() {
            0.0
        } else {
            literacy / users.len() as f64
        },
        aum_yuan: yuan(aum),
        deposits_yuan: yuan(today.deposits_cents),
        withdrawals_yuan: yuan(today.withdrawals_cents),
        net_flow_yuan: yuan(today.deposits_cents - today.withdrawals_cents),
        requested_yuan: yuan(today.requested_cents),
        requested_sound_yuan: yuan(today.requested_by_type_cents[0]),
        requested_fragile_yuan: yuan(today.requested_by_type_cents[1]),
        requested_fraudulent_yuan: yuan(today.requested_by_type_cents[2]),
        unmet_withdrawals_yuan: yuan(unmet),
        platforms_operating: by_state[0],
        platforms_distressed: by_state[1],
        platforms_suspended: by_state[2],
        platforms_collapsed: by_state[3],
        platforms_ran_away: by_state[4],
        platforms_wound_down: by_state[5],
        platforms_exited: by_state[6],
        open_sound: open[0],
        open_fragile: open[1],
        open_fraudulent: open[2],
        failed_sound: failed[0],
        failed_fragile: failed[1],
        failed_fraudulent: failed[2],
        losses_incurred_yuan: yuan(totals.losses_incurred_cents),
        losses_recovered_yuan: yuan(totals.losses_recovered_cents),
        losses_compensated_yuan: yuan(totals.losses_compensated_cents),
        net_loss_yuan: yuan(totals.losses_incurred_cents - totals.losses_compensated_cents),
        investor_exposure_yuan: yuan(totals.losses_incurred_cents - totals.losses_compensated_cents + fraud_claims),
        complaints: today.complaints,
        complaints_cumulative: totals.complaints,
        negative_news: world.news.sector_intensity(),
        inspections: today.inspections,
        enforcement_actions: today.enforcement_actions,
        stringency,
        compensation_fund_yuan: yuan(world.policy.fund.as_ref().map_or(0, |f| f.balance_cents)),
        fund_committed_yuan: yuan(world.policy.fund.as_ref().map_or(0, |f| f.committed_cents)),
        fund_reassurance: today.reassurance,
        backstop_cash_yuan: yuan(world.policy.backstop.as_ref().map_or(0, |b| b.cash_cents)),
        backstop_lent_yuan: yuan(backstop_lent),
        platforms_rated: rated,
        platforms_blacklisted: blacklisted,
        new_problem_absconded: today.new_problems[0],
        new_problem_withdrawal_difficulty: today.new_problems[1],
        new_problem_police: today.new_problems[2],
        new_exits: today.new_exits,
        promised_return_mean: if aum > 0 { promised / aum as f64 } else { 0.0 },
        fund_levies_yuan: yuan(public.fund_levies_cents),
        backstop_loans_yuan: yuan(public.backstop_lent_cents),
        backstop_loss_yuan: yuan(public.backstop_loss_cents(backstop_lent)),
        users_educated: today.users.educated,
        education_cost_yuan: yuan(public.education_cents),
        inspection_cost_yuan: yuan(public.inspection_cents),
        wind_down_cost_yuan: yuan(public.wind_down_cents),
        public_cost_yuan: yuan(public.public_cost_cents(totals.losses_compensated_cents, backstop_lent)),
        platforms_entered: world
            .platforms
            .iter()
            .filter(|p| world.day > 0 && p.born_day == i64::from(world.day))
            .count() as u64,
        money_held_yuan: yuan(world.money_held()),
        survey_trust: world.survey_trust,
        platforms_watch: levels[Level::Watch as usize],
        platforms_alert: levels[Level::Alert as usize],
        platforms_emergency: levels[Level::Emergency as usize],
    }
}
