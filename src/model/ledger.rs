//! Money accounting. Every cent enters the simulated economy through a named inflow and leaves
//! through a named outflow; in between it is held by a user, a platform, a fund or a regulator.
//! The identity `held = inflows − outflows` is checked exactly after every step. The running
//! totals saturate rather than wrap, so a total beyond `i64` is caught by the check's range limit
//! ([`crate::scenario::limits::MAX_CENTS`]) instead of passing silently.

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
        let total = match kind {
            Inflow::UserEndowment => &mut self.user_endowment,
            Inflow::OwnerCapital => &mut self.owner_capital,
            Inflow::BorrowerInterest => &mut self.borrower_interest,
            Inflow::FundCapital => &mut self.fund_capital,
            Inflow::BackstopCapital => &mut self.backstop_capital,
        };
        *total = total.saturating_add(cents);
    }

    /// Records `cents` leaving to outside.
    pub fn outflow(&mut self, kind: Outflow, cents: i64) {
        debug_assert!(cents >= 0);
        let total = match kind {
            Outflow::LoanDefaults => &mut self.loan_defaults,
            Outflow::FireSaleDiscount => &mut self.fire_sale_discount,
            Outflow::OperatingCosts => &mut self.operating_costs,
            Outflow::ComplianceCosts => &mut self.compliance_costs,
            Outflow::Absconded => &mut self.absconded,
            Outflow::LiquidationLoss => &mut self.liquidation_loss,
            Outflow::ClosingResidue => &mut self.closing_residue,
        };
        *total = total.saturating_add(cents);
    }

    /// Every running total by name, the five inflows first.
    pub fn totals(&self) -> [(&'static str, i64); 12] {
        [
            ("user endowment", self.user_endowment),
            ("owner capital", self.owner_capital),
            ("borrower interest", self.borrower_interest),
            ("fund capital", self.fund_capital),
            ("backstop capital", self.backstop_capital),
            ("loan defaults", self.loan_defaults),
            ("fire-sale discount", self.fire_sale_discount),
            ("operating costs", self.operating_costs),
            ("compliance costs", self.compliance_costs),
            ("absconded", self.absconded),
            ("liquidation loss", self.liquidation_loss),
            ("closing residue", self.closing_residue),
        ]
    }

    /// Money that should be held inside the economy: all inflows less all outflows (exact: the
    /// sum cannot overflow).
    pub fn expected_holdings(&self) -> i128 {
        let totals = self.totals();
        let sum = |flows: &[(&str, i64)]| flows.iter().map(|&(_, cents)| i128::from(cents)).sum::<i128>();
        sum(&totals[..5]) - sum(&totals[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_saturate_and_the_expected_holdings_are_exact_beyond_i64() {
        let mut ledger = Ledger::default();
        ledger.inflow(Inflow::UserEndowment, i64::MAX);
        ledger.inflow(Inflow::UserEndowment, 1);
        ledger.inflow(Inflow::OwnerCapital, i64::MAX);
        ledger.outflow(Outflow::LoanDefaults, 3);
        assert_eq!(ledger.user_endowment, i64::MAX);
        assert_eq!(ledger.expected_holdings(), 2 * i128::from(i64::MAX) - 3);
    }
}
