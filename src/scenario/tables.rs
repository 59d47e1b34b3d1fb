//! The scenario's tables, each declared with `params!` so that a parameter's default, range,
//! unit and meaning sit together: population, network, trust, behaviour, finance, platforms
//! (with per-type values), news and regulators; and the small enums their keys take.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

use crate::scenario::dist::Dist;
use crate::scenario::params::{params, Check, Number};

/// The three kinds of platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformType {
    /// Solvent, adequately liquid, honest.
    Sound,
    /// Solvent but thinly liquid, with long loans: vulnerable to runs.
    Fragile,
    /// A fund pool: pays old investors from new deposits and siphons the rest.
    Fraudulent,
}

impl PlatformType {
    /// All types, in the order used by every output.
    pub const ALL: [PlatformType; 3] = [PlatformType::Sound, PlatformType::Fragile, PlatformType::Fraudulent];

    /// The lower-case name used in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            PlatformType::Sound => "sound",
            PlatformType::Fragile => "fragile",
            PlatformType::Fraudulent => "fraudulent",
        }
    }
}

/// A value per platform type, written `{ sound = .., fragile = .., fraudulent = .. }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByType<T> {
    /// Value for sound platforms.
    pub sound: T,
    /// Value for fragile platforms.
    pub fragile: T,
    /// Value for fraudulent platforms.
    pub fraudulent: T,
}

impl<T: Number> Number for ByType<T> {
    fn set_number(&mut self, sub: Option<&str>, value: f64) -> Result<(), String> {
        let value_of = match sub {
            Some("sound") => &mut self.sound,
            Some("fragile") => &mut self.fragile,
            Some("fraudulent") => &mut self.fraudulent,
            Some(other) => return Err(format!("has no type `{other}`; use `sound`, `fragile` or `fraudulent`")),
            None => return Err("is set per type: add `.sound`, `.fragile` or `.fraudulent`".to_string()),
        };
        value_of.set_number(None, value)
    }
}

impl<T: Copy> ByType<T> {
    /// Values for sound, fragile and fraudulent platforms.
    pub const fn new(sound: T, fragile: T, fraudulent: T) -> ByType<T> {
        ByType {
            sound,
            fragile,
            fraudulent,
        }
    }

    /// The value for `kind`.
    pub fn get(&self, kind: PlatformType) -> T {
        match kind {
            PlatformType::Sound => self.sound,
            PlatformType::Fragile => self.fragile,
            PlatformType::Fraudulent => self.fraudulent,
        }
    }
}

impl<T: Check<RangeInclusive<U>> + Copy, U> Check<RangeInclusive<U>> for ByType<T> {
    fn check(&self, range: &RangeInclusive<U>) -> Result<(), String> {
        for kind in PlatformType::ALL {
            self.get(kind)
                .check(range)
                .map_err(|m| format!("{}: {m}", kind.name()))?;
        }
        Ok(())
    }
}

/// How the social network is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Watts & Strogatz (1998) small world: ring lattice with random rewiring.
    WattsStrogatz,
    /// Barabási & Albert (1999) preferential attachment (scale-free).
    BarabasiAlbert,
    /// Erdős–Rényi G(n, p) random graph.
    ErdosRenyi,
    /// Read from the CSV file named by `network.edge_list`.
    EdgeList,
}

/// How regulators choose which platforms to inspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Targeting {
    /// Uniformly among operating platforms in the jurisdiction.
    Random,
    /// The platforms with the most complaints in the last 30 days first.
    RiskRanked,
    /// The platforms with the highest composite early-warning score first.
    WarningRanked,
}

params! {
    /// `[population]`: how many users and how their attributes are drawn.
    pub struct PopulationParams {
        /// Number of users (agents on the social network).
        users: u32 = 10_000, 2..=50_000_000, "users";
        /// Maximum number of platforms a user holds at once (K).
        holdings_per_user: u32 = 3, 1..=16, "platforms";
        /// Share of users who hold investments on day 0.
        investor_share: f64 = 0.5, 0.0..=1.0, "-";
        /// Cash a user starts with.
        cash_yuan: Dist = Dist::LogNormal { mu: 9.9, sigma: 1.0 }, 0.0..=1.0e9, "yuan";
        /// Share of cash a user puts into one investment (personal attribute).
        invest_fraction: Dist = Dist::uniform(0.2, 0.6), 0.0..=1.0, "-";
        /// Financial literacy and risk awareness L.
        literacy: Dist = Dist::beta(2.0, 5.0), 0.0..=1.0, "-";
        /// Risk tolerance R: appetite for promised returns.
        risk_tolerance: Dist = Dist::beta(2.0, 2.0), 0.0..=1.0, "-";
        /// Herding propensity H: weight on neighbours rather than own information.
        herding: Dist = Dist::beta(2.0, 2.0), 0.0..=1.0, "-";
        /// Personal trust threshold θ: withdraw from a platform when trust in it falls below.
        trust_threshold: Dist = Dist::beta(2.0, 12.0), 0.0..=1.0, "-";
        /// Personal neighbour threshold φ: withdraw everything when this share of neighbours is withdrawing.
        neighbour_threshold: Dist = Dist::uniform(0.2, 0.6), 0.0..=1.0, "-";
        /// Initial trust in the sector, also the user's anchor when holding nothing.
        initial_trust: Dist = Dist::beta(7.0, 3.0), 0.0..=1.0, "-";
    }
}

params! {
    /// `[network]`: the social network users talk over.
    pub struct NetworkParams {
        /// Generator: `watts_strogatz`, `barabasi_albert`, `erdos_renyi` or `edge_list`.
        kind: NetworkKind = NetworkKind::WattsStrogatz, (), "-";
        /// Mean degree z (an even whole number for watts_strogatz and barabasi_albert).
        mean_degree: f64 = 10.0, 0.0..=1000.0, "neighbours";
        /// Watts–Strogatz rewiring probability β.
        rewire_probability: f64 = 0.1, 0.0..=1.0, "-";
        /// CSV edge list (`source,target`, 0-based user ids), relative to the scenario file.
        edge_list: String = String::new(), (), "path";
    }
}

params! {
    /// `[trust]`: how users update trust in the sector and in each platform they hold.
    pub struct TrustParams {
        /// Rate λ↑ at which trust rises towards a higher target each day.
        gain_rate: f64 = 0.01, 0.0..=1.0, "1/day";
        /// Rate λ↓ at which trust falls towards a lower target each day (Slovic 1993: faster than gain).
        loss_rate: f64 = 0.15, 0.0..=1.0, "1/day";
        /// Weight β of neighbours' behaviour (share not withdrawing) against their stated trust.
        behaviour_weight: f64 = 0.3, 0.0..=1.0, "-";
        /// κ_L: how far literacy reduces the herd weight (h = H(1 − κ_L L)).
        literacy_herd_reduction: f64 = 0.7, 0.0..=1.0, "-";
        /// κ_N: how far literacy reduces sensitivity to news.
        literacy_news_reduction: f64 = 0.5, 0.0..=1.0, "-";
        /// Daily probability that a user reads sector news.
        news_attention: f64 = 0.3, 0.0..=1.0, "1/day";
        /// Trust (in the sector and in each held platform) lost per unit of reach-weighted negative-news intensity, when read.
        news_sensitivity: f64 = 0.05, 0.0..=10.0, "-";
        /// Trust in a platform lost per unit of news intensity about that platform (holders see it all).
        platform_news_sensitivity: f64 = 0.3, 0.0..=10.0, "-";
        /// Perceived quality of a platform whose disclosure hides its books (advertised image).
        opacity_prior: f64 = 0.8, 0.0..=1.0, "-";
        /// Weight of a published rating in a platform's perceived quality.
        rating_weight: f64 = 0.5, 0.0..=1.0, "-";
        /// ρ: reassurance of a fund with full coverage: closes this share of the trust gap to 1, damps shocks and the urge to run.
        fund_reassurance: f64 = 0.8, 0.0..=1.0, "-";
        /// τ: free fund balance, as a share of the claims it covers, at which users find a fund fully credible (deposit insurers target 1.35–2%); below it reassurance falls in proportion (0: always credible).
        fund_target_ratio: f64 = 0.02, 0.0..=1.0, "-";
    }
}

params! {
    /// `[behaviour]`: users' decisions to withdraw, invest, complain and leave.
    pub struct BehaviourParams {
        /// Withdraw from a platform when trust in it falls below the personal threshold θ.
        withdraw_on_low_trust: bool = true, (), "-";
        /// Withdraw everything when the share of withdrawing neighbours reaches φ (Granovetter/Watts rule).
        herd_withdrawal: bool = true, (), "-";
        /// Days a withdrawal stays visible to neighbours.
        herd_memory_days: u32 = 7, 1..=1_000_000, "days";
        /// Daily probability of looking for an investment, at sector trust 1.
        invest_rate: f64 = 0.02, 0.0..=1.0, "1/day";
        /// Smallest investment a user makes.
        min_invest_yuan: f64 = 100.0, 0.0..=1.0e9, "yuan";
        /// Trust in a held platform needed to top it up.
        top_up_trust: f64 = 0.5, 0.0..=1.0, "-";
        /// γ_R: appeal per unit of annual excess return, scaled by risk tolerance and (1 − L).
        return_appeal: f64 = 4.0, 0.0..=100.0, "per unit return";
        /// γ_L: suspicion per unit of excess return above `plausible_excess_return`, scaled by L.
        return_suspicion: f64 = 10.0, 0.0..=100.0, "per unit return";
        /// Excess return over the market that a literate user still finds plausible.
        plausible_excess_return: f64 = 0.03, 0.0..=1.0, "per year";
        /// Weight of a published rating (centred at 0.5) in a platform's appeal.
        rating_appeal: f64 = 0.5, 0.0..=10.0, "-";
        /// Leave the sector for good when holding nothing and sector trust is below this.
        exit_trust: f64 = 0.15, 0.0..=1.0, "-";
        /// Days a withdrawal may stay unpaid before the user complains.
        complaint_delay_days: u32 = 7, 1..=3650, "days";
    }
}

params! {
    /// `[finance]`: the money side of the model.
    pub struct FinanceParams {
        /// Simulate money, platforms and regulators; off reduces the model to pure contagion.
        enabled: bool = true, (), "-";
        /// Return on a safe alternative (bank deposits), the benchmark for excess returns.
        market_return: f64 = 0.03, 0.0..=1.0, "per year";
    }
}

params! {
    /// `[platforms]`: the platforms on day 0, their balance sheets and their failure rules.
    pub struct PlatformParams {
        /// Number of platforms on day 0.
        count: u32 = 50, 1..=100_000, "platforms";
        /// Oldest age of the platforms of day 0, spread evenly from 0 (0: all new on day 0).
        initial_age_days: u32 = 0, 0..=36_500, "days";
        /// Share of each type on day 0 and among entrants (must sum to 1).
        share: ByType<f64> = ByType::new(0.7, 0.2, 0.1), 0.0..=1.0, "-";
        /// σ of the log-normal size weights that set market shares (larger = more concentrated).
        size_sigma: f64 = 1.0, 0.0..=5.0, "-";
        /// Return promised to investors, credited daily to their holdings.
        promised_return: ByType<f64> = ByType::new(0.06, 0.10, 0.18), 0.0..=1.0, "per year";
        /// Cash kept as a share of deposits owed; the rest is lent (or, for frauds, siphoned). Sound: the 30-day outflow of uninsured funding under the Basel liquidity coverage ratio (40%).
        reserve_ratio: ByType<f64> = ByType::new(0.40, 0.05, 0.30), 0.0..=1.0, "-";
        /// Interest earned on the loan book.
        loan_yield: ByType<f64> = ByType::new(0.15, 0.16, 0.0), 0.0..=1.0, "per year";
        /// Share of the loan book that defaults.
        default_rate: ByType<f64> = ByType::new(0.02, 0.04, 0.0), 0.0..=1.0, "per year";
        /// Mean loan maturity: 1/maturity of the book is repaid each day.
        loan_maturity_days: ByType<u32> = ByType::new(180, 360, 360), 1..=3650, "days";
        /// Owners' capital as a share of deposits owed on day 0.
        capital_ratio: ByType<f64> = ByType::new(0.10, 0.03, 0.0), 0.0..=1.0, "-";
        /// Disclosure quality d: how much of its true health a platform shows.
        disclosure: ByType<f64> = ByType::new(0.8, 0.5, 0.2), 0.0..=1.0, "-";
        /// Security level: the data-leak hazard falls with it.
        security: ByType<f64> = ByType::new(0.8, 0.5, 0.3), 0.0..=1.0, "-";
        /// Marketing intensity: weight in users' search for an investment.
        marketing: ByType<f64> = ByType::new(0.3, 0.5, 1.0), 0.0..=100.0, "-";
        /// Compliance with regulation; inspections fine platforms below the regulator's stringency.
        compliance: ByType<f64> = ByType::new(0.8, 0.5, 0.1), 0.0..=1.0, "-";
        /// Each platform's compliance is its type's ± up to this much (uniform, kept in [0, 1]; 0: its type's).
        compliance_spread: f64 = 0.0, 0.0..=1.0, "-";
        /// Operating costs as a share of deposits owed.
        operating_cost: ByType<f64> = ByType::new(0.01, 0.015, 0.01), 0.0..=1.0, "per year";
        /// Discount at which loans are sold to meet withdrawals beyond reserves.
        fire_sale_discount: f64 = 0.3, 0.0..=1.0, "-";
        /// Largest share of the loan book that can be sold in one day.
        fire_sale_daily_limit: f64 = 0.1, 0.0..=1.0, "-";
        /// Consecutive days of unmet withdrawal demand before withdrawals are suspended.
        suspend_after_days: u32 = 7, 1..=3650, "days";
        /// Days withdrawals may stay suspended before the platform collapses.
        collapse_after_days: u32 = 30, 1..=3650, "days";
        /// Share of the loan book recovered for users when a platform collapses in disorder.
        collapse_recovery: f64 = 0.3, 0.0..=1.0, "-";
        /// A fraud runs away when its 30-day inflow falls below this share of what it paid out and credited in 30 days.
        runaway_inflow_ratio: f64 = 0.5, 0.0..=10.0, "-";
        /// Share of frauds that, when they cannot pay, suspend withdrawals and later collapse instead of running away.
        fraud_stall_share: f64 = 0.0, 0.0..=1.0, "-";
        /// A fraud does not run away on weak inflows before this age.
        runaway_min_age_days: u32 = 30, 0..=3650, "days";
        /// Probability that a fraud notified of an inspection runs away before it.
        flee_on_notice: f64 = 0.8, 0.0..=1.0, "-";
        /// Data leaks per year at security 0; the hazard is proportional to (1 − security).
        leak_rate: f64 = 0.05, 0.0..=365.0, "per year";
        /// Holders of a leaking platform who complain about misuse of their data.
        leak_complaint_share: f64 = 0.2, 0.0..=1.0, "-";
        /// New platforms entering per year.
        entry_rate: f64 = 0.0, 0.0..=100_000.0, "per year";
        /// Benign exits per year per unit of compliance gap (stringency − compliance) of solvent platforms.
        exit_rate: f64 = 1.0, 0.0..=365.0, "per year";
    }
}

params! {
    /// `[news]`: how events become news and how news fades.
    pub struct NewsParams {
        /// Days for a news item's intensity to halve.
        half_life_days: f64 = 7.0, 0.1..=3650.0, "days";
        /// Reach of news about a platform with no market share.
        reach_base: f64 = 0.1, 0.0..=1.0, "-";
        /// Extra reach per unit of the platform's market share (reach is capped at 1).
        reach_per_share: f64 = 5.0, 0.0..=1000.0, "-";
        /// Initial intensity of a collapse.
        collapse: f64 = 1.0, 0.0..=10.0, "-";
        /// Initial intensity of a platform running away with investors' money.
        run_away: f64 = 1.5, 0.0..=10.0, "-";
        /// Initial intensity of a data leak.
        data_leak: f64 = 0.8, 0.0..=10.0, "-";
        /// Initial intensity of a regulator exposing a fraud.
        fraud_exposure: f64 = 1.0, 0.0..=10.0, "-";
        /// Initial intensity of a public warning about a platform.
        public_warning: f64 = 0.5, 0.0..=10.0, "-";
        /// Initial intensity of an orderly wind-down or fine.
        enforcement: f64 = 0.3, 0.0..=10.0, "-";
    }
}

params! {
    /// `[[regulator]]`: one regulator; several may share the platforms by jurisdiction.
    pub struct RegulatorParams {
        /// Name, used by events and `follows`.
        name: String = "national".to_string(), (), "-";
        /// Share of platforms in this regulator's jurisdiction (shares must sum to 1).
        jurisdiction_share: f64 = 1.0, 0.0..=1.0, "-";
        /// Policy stringency on day 0.
        stringency: f64 = 0.3, 0.0..=1.0, "-";
        /// Inspections per day at stringency 1 (scaled by stringency).
        inspections_per_day: f64 = 0.2, 0.0..=1000.0, "1/day";
        /// How targets are chosen: `random`, `risk_ranked` (by complaints) or `warning_ranked`.
        targeting: Targeting = Targeting::Random, (), "-";
        /// Probability that an inspection uncovers a fraud or insolvency.
        detection_power: f64 = 0.7, 0.0..=1.0, "-";
        /// Days between notifying a platform of an inspection and carrying it out.
        notice_days: u32 = 14, 0..=365, "days";
        /// Fine for non-compliance, as a share of deposits owed.
        fine_rate: f64 = 0.01, 0.0..=1.0, "-";
        /// Share of the loan book recovered in an orderly wind-down.
        wind_down_recovery: f64 = 0.7, 0.0..=1.0, "-";
        /// Publicly warn about a platform with this many complaints in 30 days (0: never).
        warning_complaints: u32 = 0, 0..=100_000_000, "complaints";
        /// Name of a lead regulator whose stringency this one adopts after a lag ("" for none).
        follows: String = String::new(), (), "-";
        /// Days before this regulator matches the lead regulator's stringency.
        coordination_lag_days: u32 = 0, 0..=3650, "days";
    }
}

params! {
    /// `[scale]`: how many real investors and how much real money one simulated user and one
    /// simulated yuan stand for, in the real units of `monthly.csv`.
    pub struct ScaleParams {
        /// Real investors one simulated user stands for.
        investors_per_user: f64 = 1.0, 0.000001..=1.0e9, "persons";
        /// Real platforms one simulated platform stands for: platform counts in `monthly.csv` are multiplied by it.
        platforms_per_platform: f64 = 1.0, 0.000001..=1.0e9, "platforms";
        /// Real yuan per simulated yuan of one user, besides `investors_per_user` (real money = simulated yuan × investors_per_user × money_scale).
        money_scale: f64 = 1.0, 0.000001..=1.0e9, "-";
    }
}

params! {
    /// `[public_cost]`: what the public sector pays per action of an instrument that has no
    /// balance sheet of its own, for the outcome `public_cost_yuan` (MODEL §7.18a). The defaults
    /// are argued, not measured (docs/MODEL.md §7.18a gives the arithmetic); costs are linear in
    /// them, so a reader with better figures can re-weight a comparison with `--set`.
    pub struct PublicCostParams {
        /// Cost of reaching one user with an education campaign, per user reached per day.
        education_per_user_yuan: f64 = 5.0, 0.0..=100_000.0, "yuan/user";
        /// Cost of one inspection (a team's time on site and on the file).
        inspection_yuan: f64 = 50_000.0, 0.0..=1.0e9, "yuan";
        /// Cost of one orderly wind-down (the administrator's work; recoveries are counted apart).
        wind_down_yuan: f64 = 500_000.0, 0.0..=1.0e10, "yuan";
    }
}
