//! Money accounting. Every cent enters the simulated economy through a named inflow and leaves
//! through a named outflow; in between it is held by a user, a platform, a fund or a regulator.
//! The identity `held = inflows − outflows` is checked exactly after every step.

use serde::Serialize;

/// Where money comes from outside the simulated economy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inflow {
    /// Users' cash on day 0.
    UserEndowment,
    /// Owners' capital of day-0 platforms (entrants start with none).
    OwnerCapital,
    /// Interest paid by borrowers on platforms' loan books.
    BorrowerInterest,
    /// Seed capital of the compensation fund.
    FundCapital,
    /// Capital of the liquidity backstop.
    BackstopCapital,
}

/// Where money leaves the simulated economy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outflow {
    /// Loans that defaulted.
    LoanDefaults,
    /// The discount lost when loans are sold in a hurry.
    FireSaleDiscount,
    /// Platforms' operating costs.
    OperatingCosts,
    /// Platforms' costs of complying with a disclosure mandate.
    ComplianceCosts,
    /// Money taken by platforms that ran away.
    Absconded,
    /// Loan-book value lost when a failed platform is liquidated.
    LiquidationLoss,
    /// What is left of a closed platform after every claim is settled (owners' equity, rounding).
    ClosingResidue,
}

/// Cumulative inflows and outflows, in cents, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// See [`Inflow::UserEndowment`].
    pub user_endowment: i64,
    /// See [`Inflow::OwnerCapital`].
    pub owner_capital: i64,
    /// See [`Inflow::BorrowerInterest`].
    pub borrower_interest: i64,
    /// See [`Inflow::FundCapital`].
    pub fund_capital: i64,
    /// See [`Inflow::BackstopCapital`].
    pub backstop_capital: i64,
    /// See [`Outflow::LoanDefaults`].
    pub loan_defaults: i64,
    /// See [`Outflow::FireSaleDiscount`].
    pub fire_sale_discount: i64,
    /// See [`Outflow::OperatingCosts`].
    pub operating_costs: i64,
    /// See [`Outflow::ComplianceCosts`].
    pub compliance_costs: i64,
    /// See [`Outflow::Absconded`].
    pub absconded: i64,
    /// See [`Outflow::LiquidationLoss`].
    pub liquidation_loss: i64,
    /// See [`Outflow::ClosingResidue`].
    pub closing_residue: i64,
}

impl Ledger {
    /// Records `cents` entering from outside.
    pub fn inflow(&mut self, kind: Inflow, cents: i64) {
        debug_assert!(cents >= 0);
        *match kind {
            Inflow::UserEndowment => &mut self.user_endowment,
            Inflow::OwnerCapital => &mut self.owner_capital,
            Inflow::BorrowerInterest => &mut self.borrower_interest,
            Inflow::FundCapital => &mut self.fund_capital,
            Inflow::BackstopCapital => &mut self.backstop_capital,
        } += cents;
    }

    /// Records `cents` leaving to outside.
    pub fn outflow(&mut self, kind: Outflow, cents: i64) {
        debug_assert!(cents >= 0);
        *match kind {
            Outflow::LoanDefaults => &mut self.loan_defaults,
            Outflow::FireSaleDiscount => &mut self.fire_sale_discount,
            Outflow::OperatingCosts => &mut self.operating_costs,
            Outflow::ComplianceCosts => &mut self.compliance_costs,
            Outflow::Absconded => &mut self.absconded,
            Outflow::LiquidationLoss => &mut self.liquidation_loss,
            Outflow::ClosingResidue => &mut self.closing_residue,
        } += cents;
    }

    /// Money that should be held inside the economy: all inflows less all outflows.
    pub fn expected_holdings(&self) -> i64 {
        let inflows = self.user_endowment
            + self.owner_capital
            + self.borrower_interest
            + self.fund_capital
            + self.backstop_capital;
        let outflows = self.loan_defaults
            + self.fire_sale_discount
            + self.operating_costs
            + self.compliance_costs
            + self.absconded
            + self.liquidation_loss
            + self.closing_residue;
        inflows - outflows
    }
}
