//! Regulators and the sector-wide instruments they run: stringency paths with coordination lags,
//! the compensation fund, the liquidity backstop, ratings, custody, disclosure and education.

use crate::model::users::yuan_to_cents;
use crate::scenario::event::{CompensationFund, EducationCampaign, LiquidityBackstop, MarketingRestriction, Ratings};
use crate::scenario::strategy::Schedule;
use crate::scenario::tables::RegulatorParams;

/// A linear path of stringency from `from` towards `to`, starting on `start_day` with the same
/// strength rule as every ramped intervention: `from + (to − from) · min(1, (day − start + 1) / days)`,
/// so that it reaches `to` on day `start_day + days − 1` (at once when `days` is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ramp {
    schedule: Schedule,
    from: f64,
    to: f64,
}

impl Ramp {
    fn at(&self, day: u32) -> f64 {
        match self.schedule.strength(day) {
            // Exactly `to` at full strength, whatever the rounding of the interpolation.
            s if s >= 1.0 => self.to,
            s => self.from + (self.to - self.from) * s,
        }
    }
}

/// One regulator's state.
#[derive(Debug, Clone)]
pub struct Regulator {
    /// Its parameters.
    pub params: RegulatorParams,
    /// Index of the regulator it follows, if any.
    pub leader: Option<usize>,
    ramp: Option<Ramp>,
    /// Effective stringency on each day so far (index = day).
    pub stringency_history: Vec<f64>,
    /// Inspections owed but not yet scheduled (fractional capacity carries over).
    pub inspection_capacity: f64,
    /// Fines collected, in cents.
    pub treasury_cents: i64,
}

impl Regulator {
    /// A regulator at its initial stringency; `leader` is the index of the one it follows.
    pub fn new(params: RegulatorParams, leader: Option<usize>) -> Regulator {
        let initial = params.stringency;
        Regulator {
            params,
            leader,
            ramp: None,
            stringency_history: vec![initial],
            inspection_capacity: 0.0,
            treasury_cents: 0,
        }
    }

    /// Stringency in force today.
    pub fn stringency(&self) -> f64 {
        *self.stringency_history.last().expect("history starts with day 0")
    }

    /// Its own policy on `day`, before following anyone.
    fn own_stringency(&self, day: u32) -> f64 {
        self.ramp.map_or(self.params.stringency, |ramp| ramp.at(day))
    }

    /// Starts tightening (or loosening) from today's stringency towards `to` over `days`.
    pub fn tighten(&mut self, day: u32, to: f64, days: u32) {
        let from = self.own_stringency(day);
        self.ramp = Some(Ramp {
            schedule: Schedule {
                start_day: day,
                end_day: None,
                ramp_days: days,
            },
            from,
            to,
        });
    }

    /// Records the stringency of `day`: its own path, or the leader's of `coordination_lag_days`
    /// earlier when that is stricter.
    pub fn record_day(&mut self, day: u32, leader_history: Option<&[f64]>) {
        let own = self.own_stringency(day);
        let followed = leader_history.map_or(own, |history| {
            let lagged = day.saturating_sub(self.params.coordination_lag_days) as usize;
            own.max(history[lagged.min(history.len() - 1)])
        });
        self.stringency_history.push(followed);
    }
}

/// The compensation fund.
#[derive(Debug, Clone, PartialEq)]
pub struct Fund {
    /// Share of a loss compensated.
    pub coverage: f64,
    /// Most paid per investor per failed platform, in cents.
    pub cap_cents: i64,
    /// Annual levy on platforms' claims.
    pub levy_rate: f64,
    /// Money in the fund, in cents.
    pub balance_cents: i64,
    /// Part of the balance promised to settlements not yet paid.
    pub committed_cents: i64,
}

/// The lender of last resort.
#[derive(Debug, Clone, PartialEq)]
pub struct Backstop {
    /// Annual interest on its loans.
    pub penalty_rate: f64,
    /// Cash available to lend, in cents.
    pub cash_cents: i64,
    /// Whether it makes new loans (it stops when lifted; loans outstanding are still repaid).
    pub lending: bool,
}

/// An education campaign and when it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Reach and literacy gain at full strength.
    pub terms: EducationCampaign,
    /// Days it runs (its end is the last day of `duration_days` or the intervention's end) and
    /// its ramp: reach is scaled by the schedule's strength.
    pub schedule: Schedule,
}

/// `base` brought towards `cap` (never raised) by `strength` in [0, 1]: `base − s·max(base − cap, 0)`,
/// and exactly `min(base, cap)` at full strength, whatever the rounding.
pub fn capped(base: f64, cap: f64, strength: f64) -> f64 {
    if strength >= 1.0 {
        base.min(cap)
    } else {
        base - strength * (base - cap).max(0.0)
    }
}

/// Sector-wide instruments in force.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The compensation fund, once set up.
    pub fund: Option<Fund>,
    /// The liquidity backstop, once set up.
    pub backstop: Option<Backstop>,
    /// Rating publication, once started: parameters and the next rating day.
    pub ratings: Option<(Ratings, u32)>,
    /// Whether user funds are held in custody by banks.
    pub custody: bool,
    /// Minimum disclosure quality mandated (0 when none).
    pub disclosure_minimum: f64,
    /// Yearly cost of complying with the disclosure mandate, as a share of deposits owed.
    pub disclosure_cost_rate: f64,
    /// Caps on promised returns and marketing, and how far they have been brought in (0 to 1).
    pub caps: Option<(MarketingRestriction, f64)>,
    /// Education campaigns started and not yet over.
    pub education: Vec<Campaign>,
    /// Regulators (by index) whose platforms may no longer raise new deposits, entrants included.
    pub fundraising_banned: Vec<bool>,
}

impl Policy {
    /// Sets up the compensation fund (or replaces its terms, keeping its balance); returns the
    /// seed capital that came in.
    pub fn open_fund(&mut self, terms: &CompensationFund) -> i64 {
        let capital = yuan_to_cents(terms.capital_yuan);
        let (balance, committed) = self
            .fund
            .as_ref()
            .map_or((0, 0), |f| (f.balance_cents, f.committed_cents));
        self.fund = Some(Fund {
            coverage: terms.coverage,
            cap_cents: yuan_to_cents(terms.cap_yuan),
            levy_rate: terms.levy_rate,
            balance_cents: balance + capital,
            committed_cents: committed,
        });
        capital
    }

    /// Sets up the backstop (adding to its cash if it exists); returns the capital that came in.
    pub fn open_backstop(&mut self, terms: &LiquidityBackstop) -> i64 {
        let capital = yuan_to_cents(terms.capital_yuan);
        let cash = self.backstop.as_ref().map_or(0, |b| b.cash_cents);
        self.backstop = Some(Backstop {
            penalty_rate: terms.penalty_rate,
            cash_cents: cash + capital,
            lending: true,
        });
        capital
    }

    /// Closes the fund to new failures: no more coverage or levy; its balance stays in the fund.
    pub fn close_fund(&mut self) {
        if let Some(fund) = self.fund.as_mut() {
            fund.coverage = 0.0;
            fund.levy_rate = 0.0;
        }
    }

    /// r = ρ·c·κ: how far the fund closes the gap of trust to 1 (0 without a fund). κ is the
    /// fund's credibility as users can see it: its free balance (balance − commitments) against
    /// the target share τ of the claims it covers, κ = min(1, free / (τ · c · claims)), and 1
    /// when that target is 0 (τ = 0, no coverage or no claims). A fund that has paid itself out
    /// reassures no one, however generous its terms (deposit insurance works because it is
    /// credible: Diamond & Dybvig 1983).
    pub fn reassurance(&self, fund_reassurance: f64, target_ratio: f64, claims_cents: i64) -> f64 {
        self.fund.as_ref().map_or(0.0, |f| {
            let target = target_ratio * f.coverage * claims_cents as f64;
            let free = (f.balance_cents - f.committed_cents).max(0) as f64;
            let credibility = if target > 0.0 { (free / target).min(1.0) } else { 1.0 };
            fund_reassurance * f.coverage * credibility
        })
    }

    /// Combined daily reach and literacy gain of the campaigns running on `day`: a user reached
    /// by any campaign gains the largest gain among them.
    pub fn education_today(&mut self, day: u32) -> Option<(f64, f64)> {
        self.education
            .retain(|c| c.schedule.end_day.is_none_or(|end| end >= day));
        if self.education.is_empty() {
            return None;
        }
        let missed: f64 = self
            .education
            .iter()
            .map(|c| 1.0 - c.terms.reach_per_day * c.schedule.strength(day))
            .product();
        let gain = self.education.iter().map(|c| c.terms.literacy_gain).fold(0.0, f64::max);
        Some((1.0 - missed, gain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reassurance_falls_with_the_free_balance_below_the_target_share_of_covered_claims() {
        let mut policy = Policy::default();
        assert_eq!(policy.reassurance(0.8, 0.02, 1_000_000), 0.0, "no fund");
        policy.fund = Some(Fund {
            coverage: 0.5,
            cap_cents: i64::MAX,
            levy_rate: 0.0,
            balance_cents: 15_000,
            committed_cents: 10_000,
        });
        // Target 0.02 · 0.5 · 1,000,000 = 10,000; free 5,000: credibility 0.5.
        assert_eq!(policy.reassurance(0.8, 0.02, 1_000_000), 0.8 * 0.5 * 0.5);
        assert_eq!(
            policy.reassurance(0.8, 0.0, 1_000_000),
            0.8 * 0.5,
            "τ = 0: always credible"
        );
        assert_eq!(policy.reassurance(0.8, 0.02, 0), 0.8 * 0.5, "nothing to cover");
        policy.fund.as_mut().unwrap().committed_cents = 20_000;
        assert_eq!(policy.reassurance(0.8, 0.02, 1_000_000), 0.0, "overcommitted");
    }
}
