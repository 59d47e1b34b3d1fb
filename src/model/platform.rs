//! A platform: its type, product, balance sheet (integer cents) and state, and the balance-sheet
//! operations of a day: loan book, costs, lending or siphoning, fire sales, liquidation.

use serde::Serialize;

use crate::model::ledger::{Inflow, Ledger, Outflow};
use crate::scenario::tables::{PlatformParams, PlatformType};

/// Days of inflow, outflow and complaint history a platform keeps.
pub const WINDOW_DAYS: usize = 30;

/// A platform's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PlatformState {
    /// Taking deposits and paying withdrawals.
    #[default]
    Operating,
    /// Paying, but short of liquidity or losing deposits fast.
    Distressed,
    /// Withdrawals suspended.
    Suspended,
    /// Failed in disorder.
    Collapsed,
    /// The owners absconded with the money.
    RanAway,
    /// Closed by a regulator in an orderly wind-down.
    WoundDown,
    /// Closed voluntarily after paying every claim.
    Exited,
}

/// How a platform became a *problem platform*, in the categories of the Chinese P2P lists
/// (MODEL §7.23): counted once, on the first day any of them happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Ran away (跑路).
    Absconded,
    /// Suspended withdrawals, or collapsed without suspending first (提现困难).
    WithdrawalDifficulty,
    /// Wound down by a regulator: a fraud exposed or an insolvency found (经侦介入).
    Police,
}

impl ProblemKind {
    /// Every kind, in output order.
    pub const ALL: [ProblemKind; 3] = [
        ProblemKind::Absconded,
        ProblemKind::WithdrawalDifficulty,
        ProblemKind::Police,
    ];
}

impl PlatformState {
    /// All states, in output order.
    pub const ALL: [PlatformState; 7] = [
        PlatformState::Operating,
        PlatformState::Distressed,
        PlatformState::Suspended,
        PlatformState::Collapsed,
        PlatformState::RanAway,
        PlatformState::WoundDown,
        PlatformState::Exited,
    ];

    /// Whether the platform has closed for good.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            PlatformState::Collapsed | PlatformState::RanAway | PlatformState::WoundDown | PlatformState::Exited
        )
    }

    /// Whether the platform closed by failing (investors may lose money).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            PlatformState::Collapsed | PlatformState::RanAway | PlatformState::WoundDown
        )
    }
}

/// What users of a closed platform receive, applied to each holding on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// Cash set aside for claimants.
    pub pool_cents: i64,
    /// Total claims on the platform when it closed.
    pub claims_cents: i64,
    /// Compensation-fund money set aside for this platform's investors.
    pub compensation_budget_cents: i64,
    /// Total investor loss (claims less pool), the base of pro-rata compensation.
    pub loss_cents: i64,
}

/// One platform.
#[derive(Debug, Clone)]
pub struct Platform {
    /// Index, in creation order.
    pub id: u32,
    /// Sound, fragile or fraudulent (hidden from users and regulators).
    pub kind: PlatformType,
    /// Index of the regulator whose jurisdiction it is in.
    pub regulator: usize,
    /// Current state.
    pub state: PlatformState,
    /// Day it was created: 0 or earlier for the platforms of day 0 (negative when
    /// `platforms.initial_age_days` gives them an age), the day of entry for entrants.
    pub born_day: i64,
    /// Day it closed, if it has.
    pub closed_day: Option<u32>,
    /// The day it became a problem platform and how, if it has.
    pub problem: Option<(u32, ProblemKind)>,
    /// Deposits owed to users (sum of their holdings), in cents.
    pub claims_cents: i64,
    /// Cash, in cents.
    pub reserves_cents: i64,
    /// True value of the loan book, in cents (zero for a fraud, whose "loans" are fictitious).
    pub loans_cents: i64,
    /// Money a fraud's owners have siphoned off, held outside the books.
    pub stash_cents: i64,
    /// Owed to the liquidity backstop, in cents.
    pub backstop_owed_cents: i64,
    /// Annual return promised to investors.
    pub promised_return: f64,
    /// Annual interest on loans.
    pub loan_yield: f64,
    /// Annual default rate of loans.
    pub default_rate: f64,
    /// Mean maturity of loans, in days.
    pub loan_maturity_days: u32,
    /// Target share of claims kept in cash.
    pub reserve_ratio: f64,
    /// Disclosure quality d.
    pub disclosure: f64,
    /// Security level.
    pub security: f64,
    /// Marketing intensity.
    pub marketing: f64,
    /// Compliance with regulation.
    pub compliance: f64,
    /// Annual operating cost as a share of claims.
    pub operating_cost: f64,
    /// Marketing multiplier of a running campaign, and the last day of the campaign.
    pub campaign: Option<(f64, u32)>,
    /// Whether new deposits are banned.
    pub fundraising_banned: bool,
    /// Whether its latest rating put it under joint punishment: no deposits, no marketing.
    pub blacklisted: bool,
    /// Whether a warning response or a compliance deadline suspended its fund-raising.
    pub fundraising_suspended: bool,
    /// A fraud that, when it cannot pay, suspends withdrawals (and later collapses) instead of
    /// running away (`platforms.fraud_stall_share`).
    pub stalls: bool,
    /// Latest published rating, if ratings are published.
    pub rating: Option<f64>,
    /// Whether a regulator has publicly warned about it.
    pub warned: bool,
    /// Day of an announced inspection, if one is scheduled.
    pub inspection_day: Option<u32>,
    /// Consecutive days on which withdrawal demand went unmet.
    pub shortfall_days: u32,
    /// Days withdrawals have been suspended.
    pub suspended_days: u32,
    /// Withdrawal requests outstanding after today's payments, in cents.
    pub pending_cents: i64,
    /// Cash offered tomorrow to outstanding requests (paid pro rata).
    pub payable_cents: i64,
    /// Settlement of claims after closing, applied on the next day.
    pub settlement: Option<Settlement>,
    /// Deposits received on each of the last [`WINDOW_DAYS`] days (ring buffer).
    pub inflow_window: [i64; WINDOW_DAYS],
    /// Withdrawals paid on each of the last [`WINDOW_DAYS`] days (ring buffer).
    pub outflow_window: [i64; WINDOW_DAYS],
    /// Complaints on each of the last [`WINDOW_DAYS`] days (ring buffer).
    pub complaint_window: [u32; WINDOW_DAYS],
    /// Largest claims the platform ever had, in cents.
    pub peak_claims_cents: i64,
}

impl Platform {
    /// A new platform of `kind` with the scenario's parameters for that type and no deposits.
    pub fn new(id: u32, kind: PlatformType, regulator: usize, born_day: i64, params: &PlatformParams) -> Platform {
        Platform {
            id,
            kind,
            regulator,
            state: PlatformState::Operating,
            born_day,
            closed_day: None,
            problem: None,
            claims_cents: 0,
            reserves_cents: 0,
            loans_cents: 0,
            stash_cents: 0,
            backstop_owed_cents: 0,
            promised_return: params.promised_return.get(kind),
            loan_yield: params.loan_yield.get(kind),
            default_rate: params.default_rate.get(kind),
            loan_maturity_days: params.loan_maturity_days.get(kind),
            reserve_ratio: params.reserve_ratio.get(kind),
            disclosure: params.disclosure.get(kind),
            security: params.security.get(kind),
            marketing: params.marketing.get(kind),
            compliance: params.compliance.get(kind),
            operating_cost: params.operating_cost.get(kind),
            campaign: None,
            fundraising_banned: false,
            blacklisted: false,
            fundraising_suspended: false,
            stalls: false,
            rating: None,
            warned: false,
            inspection_day: None,
            shortfall_days: 0,
            suspended_days: 0,
            pending_cents: 0,
            payable_cents: 0,
            settlement: None,
            inflow_window: [0; WINDOW_DAYS],
            outflow_window: [0; WINDOW_DAYS],
            complaint_window: [0; WINDOW_DAYS],
            peak_claims_cents: 0,
        }
    }

    /// Sets up the day-0 balance sheet for `deposits` of user money: owners add capital
    /// (`capital_ratio` × deposits, from outside); a share `reserve_ratio` of the total is kept
    /// as cash and the rest lent (or, for a fraud, siphoned to the owners' stash).
    pub fn open_books(&mut self, deposits: i64, capital_ratio: f64, ledger: &mut Ledger) {
        let capital = (deposits as f64 * capital_ratio) as i64;
        ledger.inflow(Inflow::OwnerCapital, capital);
        self.claims_cents = deposits;
        self.peak_claims_cents = deposits;
        let total = deposits + capital;
        self.reserves_cents = ((deposits as f64 * self.reserve_ratio) as i64).min(total);
        let invested = total - self.reserves_cents;
        match self.kind {
            PlatformType::Fraudulent => self.stash_cents = invested,
            _ => self.loans_cents = invested,
        }
    }

    /// Whether the platform takes new deposits.
    pub fn accepts_deposits(&self) -> bool {
        matches!(self.state, PlatformState::Operating | PlatformState::Distressed)
            && !self.fundraising_banned
            && !self.blacklisted
            && !self.fundraising_suspended
    }

    /// Whether returns are credited to holdings today.
    pub fn credits_returns(&self) -> bool {
        matches!(self.state, PlatformState::Operating | PlatformState::Distressed)
    }

    /// True health in [0, 1]: real assets over claims.
    pub fn true_health(&self) -> f64 {
        health(
            self.reserves_cents + self.loans_cents - self.backstop_owed_cents,
            self.claims_cents,
        )
    }

    /// Health as the platform reports it: a fraud presents its siphoned money as a loan book.
    pub fn reported_health(&self) -> f64 {
        match self.kind {
            PlatformType::Fraudulent => health(self.reserves_cents + self.stash_cents, self.claims_cents),
            _ => self.true_health(),
        }
    }

    /// Whether real assets cover claims.
    pub fn is_solvent(&self) -> bool {
        self.reserves_cents + self.loans_cents - self.backstop_owed_cents >= self.claims_cents
    }

    /// Deposits over the last [`WINDOW_DAYS`] days.
    pub fn recent_inflow(&self) -> i64 {
        self.inflow_window.iter().sum()
    }

    /// Withdrawals paid over the last [`WINDOW_DAYS`] days.
    pub fn recent_outflow(&self) -> i64 {
        self.outflow_window.iter().sum()
    }

    /// Complaints over the last [`WINDOW_DAYS`] days.
    pub fn recent_complaints(&self) -> u32 {
        self.complaint_window.iter().sum()
    }

    /// One day of the loan book and running costs: interest in, defaults and costs out,
    /// maturing loans back to cash.
    pub fn run_books(&mut self, ledger: &mut Ledger) {
        let interest = daily(self.loans_cents, self.loan_yield);
        ledger.inflow(Inflow::BorrowerInterest, interest);
        self.reserves_cents += interest;
        let defaults = daily(self.loans_cents, self.default_rate);
        self.loans_cents -= defaults;
        ledger.outflow(Outflow::LoanDefaults, defaults);
        let maturing = self.loans_cents / i64::from(self.loan_maturity_days);
        self.loans_cents -= maturing;
        self.reserves_cents += maturing;
        let costs = daily(self.claims_cents, self.operating_cost).min(self.reserves_cents);
        self.reserves_cents -= costs;
        ledger.outflow(Outflow::OperatingCosts, costs);
    }

    /// Puts cash above the reserve target (and above what is promised to pending withdrawals)
    /// to work: lent by honest platforms, siphoned by frauds unless funds are in custody.
    pub fn invest_surplus(&mut self, custody: bool) {
        let target = (self.claims_cents as f64 * self.reserve_ratio) as i64 + self.pending_cents;
        let surplus = self.reserves_cents - target;
        if surplus <= 0 {
            return;
        }
        match self.kind {
            PlatformType::Fraudulent if custody => {}
            PlatformType::Fraudulent => {
                self.reserves_cents -= surplus;
                self.stash_cents += surplus;
            }
            _ => {
                self.reserves_cents -= surplus;
                self.loans_cents += surplus;
            }
        }
    }

    /// Sells loans at `discount` to raise up to `needed` cents of cash, selling at most
    /// `daily_limit` of the loan book. Returns the face value sold.
    pub fn fire_sale(&mut self, needed: i64, discount: f64, daily_limit: f64, ledger: &mut Ledger) -> i64 {
        if needed <= 0 || self.loans_cents <= 0 || discount >= 1.0 {
            return 0;
        }
        let face_needed = (needed as f64 / (1.0 - discount)).ceil() as i64;
        let limit = (self.loans_cents as f64 * daily_limit) as i64;
        let sold = face_needed.min(limit).min(self.loans_cents);
        let lost = (sold as f64 * discount) as i64;
        self.loans_cents -= sold;
        self.reserves_cents += sold - lost;
        ledger.outflow(Outflow::FireSaleDiscount, lost);
        sold
    }

    /// Turns the loan book into cash at `recovery` (the rest is lost) and, when `seize_stash`,
    /// a fraud's stash back into cash; repays the backstop first. Returns the backstop repayment.
    pub fn liquidate(&mut self, recovery: f64, seize_stash: bool, ledger: &mut Ledger) -> i64 {
        let recovered = (self.loans_cents as f64 * recovery) as i64;
        ledger.outflow(Outflow::LiquidationLoss, self.loans_cents - recovered);
        self.reserves_cents += recovered;
        self.loans_cents = 0;
        if seize_stash {
            self.reserves_cents += self.stash_cents;
        } else {
            ledger.outflow(Outflow::Absconded, self.stash_cents);
        }
        self.stash_cents = 0;
        let repaid = self.backstop_owed_cents.min(self.reserves_cents);
        self.reserves_cents -= repaid;
        self.backstop_owed_cents = 0;
        repaid
    }
}

/// Assets over claims, capped at 1; 1 when nothing is owed.
fn health(assets: i64, claims: i64) -> f64 {
    if claims <= 0 {
        1.0
    } else {
        (assets.max(0) as f64 / claims as f64).min(1.0)
    }
}

/// One day's worth of an annual `rate` on `cents`, rounded down.
pub fn daily(cents: i64, rate: f64) -> i64 {
    (cents.max(0) as f64 * rate / 365.0) as i64
}
