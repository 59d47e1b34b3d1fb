//! The platforms' day: book the users' flows, run the loan book, pay levies and backstop
//! interest, serve withdrawal demand (reserves, backstop, fire sales, suspension), decide
//! run-aways, collapses, leaks and benign exits, and settle the claims of closed platforms.

use rand::Rng;

use crate::error::{Error, Result};
use crate::model::ledger::Outflow;
use crate::model::news::NewsKind;
use crate::model::platform::{daily, PlatformState, ProblemKind, Settlement, WINDOW_DAYS};
use crate::model::world::World;
use crate::scenario::tables::PlatformType;

impl World {
    /// Runs every platform's day, in index order.
    pub(crate) fn platforms_day(&mut self) -> Result<()> {
        for p in 0..self.platforms.len() {
            self.book_flows(p)?;
            if self.platforms[p].state.is_closed() {
                continue;
            }
            self.platform_finances(p);
            self.serve_withdrawals(p);
            self.platform_decisions(p);
        }
        Ok(())
    }

    /// Books the users' flows of today and checks that claims add up.
    fn book_flows(&mut self, p: usize) -> Result<()> {
        let f = self.flows[p];
        let day = self.day;
        let platform = &mut self.platforms[p];
        if let Some(settlement) = platform.settlement.take() {
            if f.recovered_cents > settlement.pool_cents || f.recovered_cents + f.lost_cents != settlement.claims_cents
            {
                return Err(Error::Invariant {
                    day,
                    message: format!(
                        "platform {p} settled {} recovered + {} lost of {} claims from a pool of {}",
                        f.recovered_cents, f.lost_cents, settlement.claims_cents, settlement.pool_cents
                    ),
                });
            }
            platform.reserves_cents -= f.recovered_cents;
            self.ledger.outflow(Outflow::ClosingResidue, platform.reserves_cents);
            platform.reserves_cents = 0;
            platform.claims_cents = 0;
            platform.pending_cents = 0;
            platform.payable_cents = 0;
            if let Some(fund) = self.policy.fund.as_mut() {
                fund.balance_cents -= f.compensated_cents;
                fund.committed_cents -= settlement.compensation_budget_cents;
            }
            if platform.state.is_failure() {
                self.totals.losses_incurred_cents += f.lost_cents;
                self.totals.losses_recovered_cents += f.recovered_cents;
                self.totals.losses_compensated_cents += f.compensated_cents;
                let kind = PlatformType::ALL
                    .iter()
                    .position(|&k| k == platform.kind)
                    .expect("listed");
                self.totals.net_losses_by_type_cents[kind] += f.lost_cents - f.compensated_cents;
            }
            self.totals.withdrawals_cents += f.recovered_cents;
            return Ok(());
        }
        if platform.state.is_closed() {
            return Ok(());
        }
        let expected = platform.claims_cents + f.deposits_cents + f.credited_cents - f.paid_cents;
        if expected != f.claims_cents {
            return Err(Error::Invariant {
                day,
                message: format!(
                    "platform {p} owes {} cents but its holdings sum to {}",
                    expected, f.claims_cents
                ),
            });
        }
        platform.reserves_cents += f.deposits_cents - f.paid_cents;
        if !platform.state.is_closed() {
            self.open_claims_cents += f.claims_cents - platform.claims_cents;
        }
        platform.claims_cents = f.claims_cents;
        platform.peak_claims_cents = platform.peak_claims_cents.max(f.claims_cents);
        platform.pending_cents = f.pending_cents;
        let slot = day as usize % WINDOW_DAYS;
        platform.inflow_window[slot] += f.deposits_cents;
        platform.outflow_window[slot] += f.paid_cents;
        platform.complaint_window[slot] += f.complaints;
        self.totals.deposits_cents += f.deposits_cents;
        self.totals.withdrawals_cents += f.paid_cents;
        self.totals.complaints += u64::from(f.complaints);
        self.today.deposits_cents += f.deposits_cents;
        self.today.withdrawals_cents += f.paid_cents;
        self.today.requested_cents += f.requested_cents;
        let kind = PlatformType::ALL
            .iter()
            .position(|&k| k == platform.kind)
            .expect("listed");
        self.today.requested_by_type_cents[kind] += f.requested_cents;
        self.today.complaints += u64::from(f.complaints);
        Ok(())
    }

    /// Loan book, costs, the compensation-fund levy and backstop interest and repayment.
    fn platform_finances(&mut self, p: usize) {
        let platform = &mut self.platforms[p];
        platform.run_books(&mut self.ledger);
        if let Some(fund) = self.policy.fund.as_mut() {
            let levy = daily(platform.claims_cents, fund.levy_rate).min(platform.reserves_cents);
            platform.reserves_cents -= levy;
            fund.balance_cents += levy;
            self.public.fund_levies_cents += levy;
        }
        let compliance = daily(platform.claims_cents, self.policy.disclosure_cost_rate).min(platform.reserves_cents);
        platform.reserves_cents -= compliance;
        self.ledger.outflow(Outflow::ComplianceCosts, compliance);
        if let Some(backstop) = self.policy.backstop.as_mut() {
            if platform.backstop_owed_cents > 0 {
                let interest = daily(platform.backstop_owed_cents, backstop.penalty_rate);
                platform.backstop_owed_cents += interest;
                let target = (platform.claims_cents as f64 * platform.reserve_ratio) as i64 + platform.pending_cents;
                let repay = (platform.reserves_cents - target).clamp(0, platform.backstop_owed_cents);
                platform.reserves_cents -= repay;
                platform.backstop_owed_cents -= repay;
                backstop.cash_cents += repay;
                self.public.backstop_repaid_cents += repay;
            }
        }
        if platform.campaign.is_some_and(|(_, last_day)| self.day >= last_day) {
            platform.campaign = None;
        }
    }

    /// Sets how much of the outstanding withdrawal demand will be paid tomorrow: from reserves,
    /// then backstop loans against the loan book (solvent platforms only), then fire sales.
    pub(crate) fn serve_withdrawals(&mut self, p: usize) {
        let params = &self.scenario.platforms;
        let platform = &mut self.platforms[p];
        let demand = platform.pending_cents;
        if platform.state == PlatformState::Suspended {
            platform.payable_cents = 0;
            return;
        }
        let mut shortfall = demand - platform.reserves_cents;
        if shortfall > 0 && platform.is_solvent() {
            if let Some(backstop) = self.policy.backstop.as_mut().filter(|b| b.lending) {
                let collateral = (platform.loans_cents as f64 * (1.0 - params.fire_sale_discount)) as i64;
                let loan = shortfall
                    .min(collateral - platform.backstop_owed_cents)
                    .min(backstop.cash_cents)
                    .max(0);
                backstop.cash_cents -= loan;
                self.public.backstop_lent_cents += loan;
                platform.backstop_owed_cents += loan;
                platform.reserves_cents += loan;
                shortfall -= loan;
            }
        }
        if shortfall > 0 {
            platform.fire_sale(
                shortfall,
                params.fire_sale_discount,
                params.fire_sale_daily_limit,
                &mut self.ledger,
            );
        }
        platform.payable_cents = demand.min(platform.reserves_cents);
        if platform.payable_cents < demand {
            platform.shortfall_days += 1;
        } else {
            platform.shortfall_days = 0;
        }
    }

    /// Run-aways, suspensions, collapses, resumption, distress, lending, leaks and exits.
    fn platform_decisions(&mut self, p: usize) {
        let params = self.scenario.platforms.clone();
        let day = self.day;
        let platform = &self.platforms[p];
        let stalled = platform.stalls && platform.state == PlatformState::Suspended;
        if platform.kind == PlatformType::Fraudulent && !stalled {
            let age = i64::from(day) - platform.born_day;
            // What the pool must pay out over a window: withdrawals plus the returns it credits.
            let owed = platform.recent_outflow() as f64
                + platform.claims_cents as f64 * platform.promised_return * WINDOW_DAYS as f64 / 365.0;
            // A platform of day 0 that already had an age has no record of flows before day 0:
            // it is judged on its inflows only once its window has filled.
            let recorded = platform.born_day >= 0 || day as usize >= WINDOW_DAYS;
            let starving = recorded
                && age >= i64::from(params.runaway_min_age_days)
                && (platform.recent_inflow() as f64) < params.runaway_inflow_ratio * owed;
            if starving || platform.payable_cents < platform.pending_cents {
                if platform.stalls {
                    self.suspend(p);
                } else {
                    self.close(p, PlatformState::RanAway);
                }
                return;
            }
        }
        let platform = &mut self.platforms[p];
        match platform.state {
            PlatformState::Suspended => {
                platform.suspended_days += 1;
                if platform.reserves_cents >= platform.pending_cents {
                    platform.state = PlatformState::Operating;
                    platform.suspended_days = 0;
                    platform.shortfall_days = 0;
                    platform.payable_cents = platform.pending_cents;
                } else if platform.suspended_days >= params.collapse_after_days {
                    self.close(p, PlatformState::Collapsed);
                    return;
                }
            }
            _ if platform.shortfall_days >= params.suspend_after_days => self.suspend(p),
            _ => {
                let target = platform.claims_cents as f64 * platform.reserve_ratio;
                let weekly_outflow: i64 = (0..7)
                    .map(|back| platform.outflow_window[(day as usize + WINDOW_DAYS - back) % WINDOW_DAYS])
                    .sum();
                let stressed = platform.payable_cents < platform.pending_cents
                    || (platform.reserves_cents as f64) < 0.5 * target
                    || weekly_outflow as f64 > 0.05 * platform.claims_cents as f64;
                platform.state = if stressed {
                    PlatformState::Distressed
                } else {
                    PlatformState::Operating
                };
                platform.invest_surplus(self.policy.custody);
            }
        }
        let platform = &self.platforms[p];
        let leak_hazard = params.leak_rate / 365.0 * (1.0 - platform.security);
        if self.platform_rng.random::<f64>() < leak_hazard {
            self.leak(p);
        }
        let platform = &self.platforms[p];
        let gap = (self.regulators[platform.regulator].stringency() - platform.compliance).max(0.0);
        let exit_hazard = params.exit_rate / 365.0 * gap;
        if self.platform_rng.random::<f64>() < exit_hazard
            && platform.state == PlatformState::Operating
            && platform.is_solvent()
        {
            self.close(p, PlatformState::Exited);
        }
    }

    /// A data leak at `p`: news, and complaints from a share of its holders.
    pub(crate) fn leak(&mut self, p: usize) {
        let share = self.market_share(p);
        self.news
            .publish(NewsKind::DataLeak, Some(p as u32), self.scenario.news.data_leak, share);
        // Holders as of the last users' day: none for a platform that entered since (a leak
        // event can hit it before today's users' day has counted them).
        let holders = self.flows.get(p).map_or(0, |f| f.holders);
        let complaints = (f64::from(holders) * self.scenario.platforms.leak_complaint_share).round() as u32;
        let slot = self.day as usize % WINDOW_DAYS;
        self.platforms[p].complaint_window[slot] += complaints;
        self.totals.complaints += u64::from(complaints);
        self.today.complaints += u64::from(complaints);
        self.totals.leaks += 1;
    }

    /// A regulator exposes `p` as a fraud (or accuses it): news, then an orderly wind-down.
    pub(crate) fn expose_fraud(&mut self, p: usize) {
        let share = self.market_share(p);
        self.news.publish(
            NewsKind::FraudExposure,
            Some(p as u32),
            self.scenario.news.fraud_exposure,
            share,
        );
        self.totals.enforcement_actions += 1;
        self.today.enforcement_actions += 1;
        self.close(p, PlatformState::WoundDown);
    }

    /// Suspends withdrawals at platform `p`: nothing is paid until it resumes or collapses.
    fn suspend(&mut self, p: usize) {
        let platform = &mut self.platforms[p];
        platform.state = PlatformState::Suspended;
        platform.payable_cents = 0;
        platform.suspended_days = 0;
        self.mark_problem(p, ProblemKind::WithdrawalDifficulty);
    }

    /// Records that platform `p` became a problem platform today as `kind`, unless it already was
    /// one: a platform is counted once, at its first problem.
    fn mark_problem(&mut self, p: usize, kind: ProblemKind) {
        let platform = &mut self.platforms[p];
        if platform.problem.is_none() {
            platform.problem = Some((self.day, kind));
            self.today.new_problems[kind as usize] += 1;
        }
    }

    /// Closes `p` into `state`: liquidates it, sets aside what its claimants will receive
    /// tomorrow and any compensation, and makes the news.
    pub(crate) fn close(&mut self, p: usize, state: PlatformState) {
        match state {
            PlatformState::RanAway => self.mark_problem(p, ProblemKind::Absconded),
            PlatformState::Collapsed => self.mark_problem(p, ProblemKind::WithdrawalDifficulty),
            PlatformState::WoundDown => {
                self.mark_problem(p, ProblemKind::Police);
                self.public.record_wind_down(&self.scenario.public_cost);
            }
            PlatformState::Exited => self.today.new_exits += 1,
            PlatformState::Operating | PlatformState::Distressed | PlatformState::Suspended => {}
        }
        let share = self.market_share(p);
        let news = &self.scenario.news;
        let (recovery, seize_stash, kind, intensity) = match state {
            PlatformState::Collapsed => (
                self.scenario.platforms.collapse_recovery,
                false,
                Some(NewsKind::Collapse),
                news.collapse,
            ),
            PlatformState::RanAway => (
                self.scenario.platforms.collapse_recovery,
                false,
                Some(NewsKind::RunAway),
                news.run_away,
            ),
            PlatformState::WoundDown => {
                let recovery = self.regulators[self.platforms[p].regulator].params.wind_down_recovery;
                (recovery, true, Some(NewsKind::Enforcement), news.enforcement)
            }
            _ => (1.0, true, None, 0.0),
        };
        let custody = self.policy.custody;
        let platform = &mut self.platforms[p];
        if state == PlatformState::RanAway && !custody {
            self.ledger.outflow(Outflow::Absconded, platform.reserves_cents);
            platform.reserves_cents = 0;
        }
        let repaid = platform.liquidate(recovery, seize_stash, &mut self.ledger);
        if let Some(backstop) = self.policy.backstop.as_mut() {
            backstop.cash_cents += repaid;
            self.public.backstop_repaid_cents += repaid;
        } else {
            debug_assert_eq!(repaid, 0);
        }
        let pool = platform.reserves_cents.min(platform.claims_cents);
        let loss = platform.claims_cents - pool;
        let budget = match self.policy.fund.as_mut() {
            Some(fund) if state.is_failure() && loss > 0 => {
                let wanted = (loss as f64 * fund.coverage) as i64;
                let budget = wanted.min(fund.balance_cents - fund.committed_cents).max(0);
                fund.committed_cents += budget;
                budget
            }
            _ => 0,
        };
        platform.settlement = Some(Settlement {
            pool_cents: pool,
            claims_cents: platform.claims_cents,
            compensation_budget_cents: budget,
            loss_cents: loss,
        });
        if !platform.state.is_closed() {
            self.open_claims_cents -= platform.claims_cents;
        }
        platform.state = state;
        platform.closed_day = Some(self.day);
        platform.payable_cents = 0;
        platform.inspection_day = None;
        if let Some(kind) = kind {
            self.news.publish(kind, Some(p as u32), intensity, share);
        }
    }
}
