//! The public account: what the interventions cost the public sector, as running totals in
//! cents. The compensation fund and the liquidity backstop are costed from their own cash
//! (their levies, loans and repayments are counted here and checked against their balances
//! every day); education, inspections and wind-downs at a cost per action (`[public_cost]`).

use crate::model::users::yuan_to_cents;
use crate::scenario::tables::PublicCostParams;

/// Running totals of the public sector's spending and of the instruments' own flows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicAccount {
    /// Levies paid by platforms into the compensation fund.
    pub fund_levies_cents: i64,
    /// Loans made by the liquidity backstop.
    pub backstop_lent_cents: i64,
    /// Repayments to the backstop, penalty interest included.
    pub backstop_repaid_cents: i64,
    /// Users reached by education, counted once per day reached.
    pub users_educated: u64,
    /// Cost of education campaigns.
    pub education_cents: i64,
    /// Inspections carried out.
    pub inspections: u64,
    /// Cost of inspections.
    pub inspection_cents: i64,
    /// Orderly wind-downs.
    pub wind_downs: u64,
    /// Cost of wind-downs.
    pub wind_down_cents: i64,
}

/// `count` actions at `unit_yuan` each, in cents (saturating: the money check's range limit
/// reports a total that large).
fn charge(count: u64, unit_yuan: f64) -> i64 {
    yuan_to_cents(unit_yuan).saturating_mul(i64::try_from(count).unwrap_or(i64::MAX))
}

impl PublicAccount {
    /// Records `users` reached by education today.
    pub fn record_education(&mut self, users: u64, costs: &PublicCostParams) {
        self.users_educated += users;
        self.education_cents = self
            .education_cents
            .saturating_add(charge(users, costs.education_per_user_yuan));
    }

    /// Records one inspection.
    pub fn record_inspection(&mut self, costs: &PublicCostParams) {
        self.inspections += 1;
        self.inspection_cents = self.inspection_cents.saturating_add(charge(1, costs.inspection_yuan));
    }

    /// Records one orderly wind-down.
    pub fn record_wind_down(&mut self, costs: &PublicCostParams) {
        self.wind_downs += 1;
        self.wind_down_cents = self.wind_down_cents.saturating_add(charge(1, costs.wind_down_yuan));
    }

    /// The fund's cost to the public: compensation paid less levies collected, and 0 when the
    /// levies covered it (a surplus stays in the fund; it is not public revenue).
    pub fn fund_cost_cents(&self, compensated_cents: i64) -> i64 {
        (compensated_cents - self.fund_levies_cents).max(0)
    }

    /// The backstop's loss: lent less repaid less still owed by open platforms, and 0 when
    /// interest earned covered every loss (the surplus stays in the backstop).
    pub fn backstop_loss_cents(&self, owed_by_open_cents: i64) -> i64 {
        (self.backstop_lent_cents - self.backstop_repaid_cents - owed_by_open_cents).max(0)
    }

    /// Public cost: the fund's and the backstop's costs plus education, inspections and
    /// wind-downs (saturating, like every total here).
    pub fn public_cost_cents(&self, compensated_cents: i64, owed_by_open_cents: i64) -> i64 {
        [
            self.fund_cost_cents(compensated_cents),
            self.backstop_loss_cents(owed_by_open_cents),
            self.education_cents,
            self.inspection_cents,
            self.wind_down_cents,
        ]
        .into_iter()
        .fold(0i64, i64::saturating_add)
    }

    /// The running totals of money, by name, for the money check's range limit.
    pub fn totals(&self) -> [(&'static str, i64); 5] {
        [
            ("fund levies", self.fund_levies_cents),
            ("backstop loans", self.backstop_lent_cents),
            ("backstop repayments", self.backstop_repaid_cents),
            ("education costs", self.education_cents),
            (
                "inspection and wind-down costs",
                self.inspection_cents.saturating_add(self.wind_down_cents),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_cost_adds_each_instrument_and_counts_no_surplus_as_revenue() {
        let costs = PublicCostParams {
            education_per_user_yuan: 2.5,
            inspection_yuan: 1_000.0,
            wind_down_yuan: 20_000.0,
        };
        let mut account = PublicAccount::default();
        account.record_education(40, &costs);
        account.record_inspection(&costs);
        account.record_inspection(&costs);
        account.record_wind_down(&costs);
        assert_eq!(account.education_cents, 40 * 250);
        assert_eq!(account.inspection_cents, 2 * 100_000);
        assert_eq!(account.wind_down_cents, 2_000_000);
        account.fund_levies_cents = 300;
        account.backstop_lent_cents = 10_000;
        account.backstop_repaid_cents = 4_000;
        assert_eq!(account.fund_cost_cents(1_000), 700);
        assert_eq!(
            account.fund_cost_cents(200),
            0,
            "levies beyond payouts stay in the fund"
        );
        assert_eq!(
            account.backstop_loss_cents(5_000),
            1_000,
            "owed by open platforms is not lost"
        );
        assert_eq!(account.backstop_loss_cents(7_000), 0, "interest earned is no revenue");
        assert_eq!(
            account.public_cost_cents(1_000, 5_000),
            700 + 1_000 + 10_000 + 200_000 + 2_000_000
        );
    }

    #[test]
    fn costs_saturate_instead_of_wrapping() {
        let costs = PublicCostParams {
            education_per_user_yuan: 100_000.0,
            ..PublicCostParams::default()
        };
        let mut account = PublicAccount::default();
        account.record_education(u64::MAX, &costs);
        assert_eq!(account.education_cents, i64::MAX);
        assert_eq!(account.public_cost_cents(0, 0), i64::MAX);
    }
}
