//! The world: users on their network, platforms, regulators, policy, news and the money ledger,
//! built from a scenario and a seed, and advanced one day at a time by [`World::step`], which is
//! pure computation (no I/O).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::model::ledger::{Inflow, Ledger};
use crate::model::network::Network;
use crate::model::news::News;
use crate::model::platform::{Platform, PlatformState, WINDOW_DAYS};
use crate::model::policy::{Policy, Regulator};
use crate::model::public_account::PublicAccount;
use crate::model::tally::UserTally;
use crate::model::users::Users;
use crate::model::users_day::{run_day, DayContext, PlatformFlows, PlatformView, UserDayTotals};
use crate::model::warning_system::WarningSystem;
use crate::model::warnings_day::{SCORES, SECTOR_SCORES};
use crate::random::rng::{stream, Stream, UserDraws};
use crate::scenario::dist::Dist;
use crate::scenario::limits::MAX_CENTS;
use crate::scenario::schedule::ResolvedSchedule;
use crate::scenario::schema::Scenario;
use crate::scenario::strategy::Intervention;
use crate::scenario::tables::{NetworkKind, PlatformParams, PlatformType};

/// Running totals since day 0, in cents and counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Deposits made.
    pub deposits_cents: i64,
    /// Withdrawals paid.
    pub withdrawals_cents: i64,
    /// Claims lost in failures (before compensation).
    pub losses_incurred_cents: i64,
    /// Claims paid back out of failed platforms' assets.
    pub losses_recovered_cents: i64,
    /// Losses paid back by the compensation fund.
    pub losses_compensated_cents: i64,
    /// Net losses (incurred less compensated) at sound, fragile and fraudulent platforms.
    pub net_losses_by_type_cents: [i64; 3],
    /// Complaints made.
    pub complaints: u64,
    /// Inspections carried out.
    pub inspections: u64,
    /// Enforcement actions: fines, wind-downs, fraud exposures, public warnings.
    pub enforcement_actions: u64,
    /// Data leaks.
    pub leaks: u64,
}

/// Today's flows, for the per-step metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Today {
    /// Deposits made today.
    pub deposits_cents: i64,
    /// Withdrawals paid today.
    pub withdrawals_cents: i64,
    /// New withdrawal requests today.
    pub requested_cents: i64,
    /// New withdrawal requests today at sound, fragile and fraudulent platforms.
    pub requested_by_type_cents: [i64; 3],
    /// Complaints today.
    pub complaints: u64,
    /// Inspections today.
    pub inspections: u64,
    /// Enforcement actions today.
    pub enforcement_actions: u64,
    /// The compensation fund's reassurance r that users read today (0 on day 0).
    pub reassurance: f64,
    /// Platforms that became problem platforms today, by kind in `ProblemKind::ALL` order.
    pub new_problems: [u64; 3],
    /// Platforms that exited voluntarily today.
    pub new_exits: u64,
    /// The users' counts.
    pub users: UserDayTotals,
}

/// The whole simulated world.
#[derive(Debug, Clone)]
pub struct World {
    /// The scenario it was built from.
    pub scenario: Scenario,
    /// The seed it was built with.
    pub seed: u64,
    /// Days simulated so far (0 before the first step).
    pub day: u32,
    /// The social network.
    pub network: Network,
    /// The users.
    pub users: Users,
    /// The platforms, in creation order.
    pub platforms: Vec<Platform>,
    /// The regulators, in scenario order.
    pub regulators: Vec<Regulator>,
    /// Sector-wide instruments.
    pub policy: Policy,
    /// The news.
    pub news: News,
    /// The `[[schedule]]`s, on days of the run.
    schedules: Vec<ResolvedSchedule>,
    /// Money in and out.
    pub ledger: Ledger,
    /// Running totals.
    pub totals: Totals,
    /// What the interventions cost the public, and the fund's and backstop's own flows.
    pub public: PublicAccount,
    /// Claims on open platforms, kept up to date where claims or states change (book_flows,
    /// close, entry) so that a market share costs no sum over all platforms; the money check
    /// compares it with the sum every day.
    pub(crate) open_claims_cents: i64,
    /// Today's flows.
    pub today: Today,
    /// The observation's tally of the users as they stand.
    pub tally: UserTally,
    pub(crate) draws: UserDraws,
    pub(crate) platform_rng: ChaCha8Rng,
    /// Platforms' individual attributes (stream 9).
    attribute_rng: ChaCha8Rng,
    pub(crate) regulator_rng: ChaCha8Rng,
    pub(crate) ratings_rng: ChaCha8Rng,
    pub(crate) survey_rng: ChaCha8Rng,
    /// The early-warning system.
    pub warning: WarningSystem,
    /// Today's trust survey, taken at the end of the day (day 0: after building).
    pub survey_trust: f64,
    /// Per platform, per day from day 1: each indicator (as a multiple of its threshold) and
    /// the composite score the warning system saw that day (NaN before it saw the platform open).
    pub warning_scores: Vec<Vec<[f64; SCORES]>>,
    /// Per day from day 1: the sector indicators and the sector composite the system saw that
    /// day (NaN before it saw any).
    pub sector_scores: Vec<[f64; SECTOR_SCORES]>,
    pub(crate) event_rng: ChaCha8Rng,
    /// The interventions of the strategy being run.
    pub(crate) interventions: Vec<Intervention>,
    pub(crate) views: Vec<PlatformView>,
    pub(crate) flows: Vec<PlatformFlows>,
    marketing_cdf: Vec<f64>,
    pub(crate) platform_news: Vec<f64>,
}

impl World {
    /// Builds the world for `scenario` under its reference strategy and `seed`; `edge_list` is
    /// the resolved path of the network file when the scenario reads one. Events and
    /// interventions of day 0 are applied.
    pub fn build(scenario: &Scenario, edge_list: Option<&Path>, seed: u64) -> Result<World> {
        let reference = scenario.reference_index().unwrap_or(0);
        World::build_for(scenario, reference, edge_list, seed)
    }

    /// Builds the world for `scenario` under strategy `strategy` (an index into
    /// [`Scenario::strategies`]) and `seed`. Strategies share every random stream, so runs of
    /// different strategies with one seed start from the same world (common random numbers).
    pub fn build_for(scenario: &Scenario, strategy: usize, edge_list: Option<&Path>, seed: u64) -> Result<World> {
        let population = &scenario.population;
        let n = population.users;
        let mut network_rng = stream(seed, Stream::Network);
        let z = scenario.network.mean_degree;
        let network = match scenario.network.kind {
            NetworkKind::WattsStrogatz => {
                Network::watts_strogatz(n, z as u32, scenario.network.rewire_probability, &mut network_rng)
            }
            NetworkKind::BarabasiAlbert => Network::barabasi_albert(n, z as u32 / 2, &mut network_rng),
            NetworkKind::ErdosRenyi => Network::erdos_renyi(n, z, &mut network_rng),
            NetworkKind::EdgeList => {
                let path = edge_list.expect("an edge-list scenario comes with its file's path");
                Network::load_edge_list(path, n)?
            }
        };
        let population_rng = stream(seed, Stream::Population);
        let mut users = Users::draw(population, &population_rng);
        let mut ledger = Ledger::default();
        let endowment: i128 = users.cash_cents.iter().map(|&cents| i128::from(cents)).sum();
        ledger.inflow(Inflow::UserEndowment, saturate(endowment));
        let mut platform_rng = stream(seed, Stream::Platforms);
        let mut attribute_rng = stream(seed, Stream::Attributes);
        let mut platforms = Vec::new();
        if scenario.finance.enabled {
            platforms = initial_platforms(scenario);
            let sizes = Dist::LogNormal {
                mu: 0.0,
                sigma: scenario.platforms.size_sigma,
            }
            .sampler(0.0..=f64::MAX);
            let mut cumulative = 0.0;
            let cdf: Vec<f64> = platforms
                .iter()
                .map(|_| {
                    cumulative += sizes.sample(&mut platform_rng);
                    cumulative
                })
                .collect();
            let mut holdings_rng = population_rng.clone();
            holdings_rng.set_word_pos(9 << 48);
            let deposits = users.place_initial_holdings(population.investor_share, &cdf, &mut holdings_rng);
            for platform in &mut platforms {
                draw_attributes(platform, &scenario.platforms, &mut attribute_rng);
            }
            for (platform, deposits) in platforms.iter_mut().zip(deposits) {
                let capital_ratio = scenario.platforms.capital_ratio.get(platform.kind);
                platform.open_books(deposits, capital_ratio, &mut ledger);
            }
        }
        let regulators = scenario
            .regulator
            .iter()
            .map(|r| Regulator::new(r.clone(), scenario.regulator_index(&r.follows).ok()))
            .collect();
        let count = platforms.len();
        let mut world = World {
            scenario: scenario.clone(),
            seed,
            day: 0,
            network,
            users,
            open_claims_cents: open_claims(&platforms),
            platforms,
            regulators,
            policy: Policy::default(),
            news: News::new(&scenario.news),
            schedules: scenario.resolved_schedules().map_err(|problem| Error::Invalid {
                location: Location::new("the scenario".to_string(), None),
                key: problem.key,
                message: problem.message,
            })?,
            ledger,
            totals: Totals::default(),
            public: PublicAccount::default(),
            today: Today::default(),
            tally: UserTally::default(),
            draws: UserDraws::new(seed),
            platform_rng,
            attribute_rng,
            regulator_rng: stream(seed, Stream::Regulator),
            ratings_rng: stream(seed, Stream::Ratings),
            survey_rng: stream(seed, Stream::Survey),
            warning: WarningSystem::new(scenario.warning.clone()),
            survey_trust: f64::NAN,
            warning_scores: Vec::new(),
            sector_scores: Vec::new(),
            event_rng: stream(seed, Stream::Events),
            interventions: scenario.strategies()[strategy].intervention.clone(),
            views: Vec::with_capacity(count),
            flows: vec![PlatformFlows::default(); count],
            marketing_cdf: Vec::with_capacity(count),
            platform_news: vec![0.0; count],
        };
        world.apply_events(0);
        world.tally = UserTally::of(&world.users);
        world.survey_trust = world.survey();
        world.check_money()?;
        Ok(world)
    }

    /// Advances one day: events, the users' day, the platforms' day, the regulators' day; then
    /// checks that no money was created or lost unaccounted.
    pub fn step(&mut self) -> Result<()> {
        self.day += 1;
        let day = self.day;
        self.today = Today::default();
        self.apply_schedules(day);
        let slot = day as usize % WINDOW_DAYS;
        for platform in &mut self.platforms {
            platform.inflow_window[slot] = 0;
            platform.outflow_window[slot] = 0;
            platform.complaint_window[slot] = 0;
        }
        self.news.decay();
        self.apply_events(day);
        self.refresh_views();
        self.flows.iter_mut().for_each(|f| *f = PlatformFlows::default());
        self.today.reassurance = self.reassurance();
        let ctx = DayContext {
            day,
            scenario: &self.scenario,
            draws: self.draws,
            views: &self.views,
            marketing_cdf: &self.marketing_cdf,
            sector_news: self.news.sector_intensity(),
            reassurance: self.today.reassurance,
            education: self.policy.education_today(day),
            compensation_cap_cents: self.policy.fund.as_ref().map_or(i64::MAX, |f| f.cap_cents),
        };
        (self.today.users, self.tally) = run_day(&ctx, &mut self.users, &self.network, &mut self.flows);
        self.public
            .record_education(self.today.users.educated, &self.scenario.public_cost);
        if self.scenario.finance.enabled {
            self.platforms_day()?;
            self.regulators_day();
            self.enter_platforms();
        }
        self.survey_trust = self.survey();
        if self.scenario.finance.enabled {
            self.warnings_day();
        }
        self.check_money()
    }

    /// Adds an intervention to the running world, as if the strategy being run had it: it
    /// starts on its `start_day`, which must be a day not yet simulated, and is checked as a
    /// strategy's intervention is.
    pub fn add_intervention(&mut self, intervention: Intervention) -> Result<()> {
        let invalid = |key: String, message: String| Error::Invalid {
            location: Location::new("the intervention".to_string(), None),
            key,
            message,
        };
        intervention
            .validate("intervention", &self.scenario)
            .map_err(|problem| invalid(problem.key, problem.message))?;
        let start_day = intervention.schedule.start_day;
        if start_day <= self.day {
            return Err(invalid(
                "intervention.start_day".to_string(),
                format!(
                    "must be a day not yet simulated, from {} on, got {start_day}",
                    self.day + 1
                ),
            ));
        }
        self.interventions.push(intervention);
        Ok(())
    }

    /// Total claims on open platforms, in cents.
    pub fn total_claims(&self) -> i64 {
        self.open_claims_cents
    }

    /// The platform's share of all claims.
    pub(crate) fn market_share(&self, platform: usize) -> f64 {
        let total = self.total_claims();
        if total <= 0 {
            0.0
        } else {
            self.platforms[platform].claims_cents as f64 / total as f64
        }
    }

    /// Sets every scheduled parameter whose value may change today to its value of the day.
    fn apply_schedules(&mut self, day: u32) {
        let mut news_changed = false;
        for schedule in self.schedules.iter().filter(|s| s.changes_on(day)) {
            if let Some(value) = schedule.value(day) {
                self.scenario
                    .set_number(&schedule.key, value)
                    .expect("validated: a schedule sets a numeric key");
                news_changed |= schedule.key.starts_with("news.");
            }
        }
        if news_changed {
            self.news.configure(&self.scenario.news);
        }
    }

    /// Today's reassurance from the compensation fund, from its coverage and its credibility
    /// against the claims of open platforms ([`Policy::reassurance`]).
    pub fn reassurance(&self) -> f64 {
        let trust = &self.scenario.trust;
        self.policy
            .reassurance(trust.fund_reassurance, trust.fund_target_ratio, self.total_claims())
    }

    /// Money held inside the economy: users' cash and platforms', funds' and regulators' money.
    pub fn money_held(&self) -> i64 {
        saturate(self.money_held_with(self.users_cash().0))
    }

    /// The users' cash in total, and the first user with negative cash if any: one scan, in
    /// parallel over fixed chunks (integer sums, so the total is exact on any thread count).
    fn users_cash(&self) -> (i128, Option<usize>) {
        const CHUNK: usize = 1 << 16;
        self.users
            .cash_cents
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, cash)| {
                let negative = cash.iter().position(|&cents| cents < 0).map(|i| c * CHUNK + i);
                (cash.iter().map(|&cents| i128::from(cents)).sum::<i128>(), negative)
            })
            .reduce(|| (0, None), |a, b| (a.0 + b.0, a.1.or(b.1)))
    }

    /// Money held inside the economy, given the users' cash (exact: the sum cannot overflow).
    fn money_held_with(&self, users: i128) -> i128 {
        let platforms: i128 = self
            .platforms
            .iter()
            .map(|p| i128::from(p.reserves_cents) + i128::from(p.loans_cents) + i128::from(p.stash_cents))
            .sum();
        let fund = self.policy.fund.as_ref().map_or(0, |f| f.balance_cents);
        let backstop = self.policy.backstop.as_ref().map_or(0, |b| b.cash_cents);
        let regulators: i128 = self.regulators.iter().map(|r| i128::from(r.treasury_cents)).sum();
        users + platforms + i128::from(fund) + i128::from(backstop) + regulators
    }

    /// Checks that every amount of money stays within [`MAX_CENTS`]: the money held, the claims
    /// and debts of platforms, and every running total. One day multiplies none of them by more
    /// than about 1 + 1/365, so none of the `i64` sums of the next day can overflow.
    fn check_range(&self, held: i128) -> Result<()> {
        let claims: i128 = self.platforms.iter().map(|p| i128::from(p.claims_cents)).sum();
        let owed: i128 = self.platforms.iter().map(|p| i128::from(p.backstop_owed_cents)).sum();
        let t = &self.totals;
        let cumulative = [
            ("deposits", t.deposits_cents),
            ("withdrawals", t.withdrawals_cents),
            ("losses incurred", t.losses_incurred_cents),
            ("losses recovered", t.losses_recovered_cents),
            ("losses compensated", t.losses_compensated_cents),
        ];
        let figures = [
            ("the money held in the economy".to_string(), held),
            ("the claims of users on platforms".to_string(), claims),
            ("the platforms' debt to the liquidity backstop".to_string(), owed),
        ]
        .into_iter()
        .chain(
            self.ledger
                .totals()
                .into_iter()
                .chain(cumulative)
                .chain(self.public.totals())
                .map(|(name, cents)| (format!("the running total of {name}"), i128::from(cents))),
        );
        for (what, cents) in figures {
            if cents > i128::from(MAX_CENTS) {
                return Err(Error::MoneyOutOfRange {
                    day: self.day,
                    message: format!(
                        "{what} reached {cents} cents, above the {MAX_CENTS} cents (2^60, about \
                         1.2 × 10^16 yuan) that trustsim accounts for exactly. Returns compounding \
                         over a long horizon grow without bound: lower `platforms.promised_return`, \
                         `platforms.loan_yield` or `horizon_days`, or start with less money \
                         (`population.users`, `population.cash_yuan`)"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks that money stays within range ([`MAX_CENTS`]) and the accounting identity: money
    /// held equals inflows less outflows, to the cent, and no account is negative.
    pub fn check_money(&self) -> Result<()> {
        let (cash, negative) = self.users_cash();
        let held = self.money_held_with(cash);
        self.check_range(held)?;
        let expected = self.ledger.expected_holdings();
        let fail = |message: String| Err(Error::Invariant { day: self.day, message });
        if self.open_claims_cents != open_claims(&self.platforms) {
            return fail(format!(
                "claims on open platforms are tracked as {} cents but sum to {}",
                self.open_claims_cents,
                open_claims(&self.platforms)
            ));
        }
        if held != expected {
            return fail(format!(
                "money held is {held} cents but inflows less outflows are {expected} cents"
            ));
        }
        if let Some(i) = negative {
            return fail(format!("user {i} has negative cash"));
        }
        if let Some(message) = self.public_money_unaccounted() {
            return fail(message);
        }
        if let Some(p) = self
            .platforms
            .iter()
            .find(|p| p.reserves_cents < 0 || p.loans_cents < 0 || p.stash_cents < 0)
        {
            return fail(format!("platform {} has a negative balance", p.id));
        }
        Ok(())
    }

    /// Checks the public instruments' cash against their flows: the fund's balance is its
    /// capital plus levies less compensation paid, the backstop's cash its capital less loans
    /// plus repayments. A description of the first difference, if any.
    fn public_money_unaccounted(&self) -> Option<String> {
        let public = &self.public;
        let fund = self.policy.fund.as_ref().map_or(0, |f| f.balance_cents);
        let fund_expected = i128::from(self.ledger.fund_capital) + i128::from(public.fund_levies_cents)
            - i128::from(self.totals.losses_compensated_cents);
        let backstop = self.policy.backstop.as_ref().map_or(0, |b| b.cash_cents);
        let backstop_expected = i128::from(self.ledger.backstop_capital) - i128::from(public.backstop_lent_cents)
            + i128::from(public.backstop_repaid_cents);
        if i128::from(fund) != fund_expected {
            Some(format!(
                "the compensation fund holds {fund} cents but capital, levies and payouts leave {fund_expected}"
            ))
        } else if i128::from(backstop) != backstop_expected {
            Some(format!(
                "the liquidity backstop holds {backstop} cents but capital, loans and repayments leave {backstop_expected}"
            ))
        } else {
            None
        }
    }

    /// Builds what users will see of each platform today, and the marketing search table.
    fn refresh_views(&mut self) {
        let count = self.platforms.len();
        self.platform_news.resize(count, 0.0);
        self.flows.resize(count, PlatformFlows::default());
        self.news.platform_intensities(&mut self.platform_news);
        let trust = &self.scenario.trust;
        let market = self.scenario.finance.market_return;
        let claims: Vec<i64> = self
            .platforms
            .iter()
            .map(|p| if p.state.is_closed() { 0 } else { p.claims_cents })
            .collect();
        let open = self.platforms.iter().filter(|p| !p.state.is_closed()).count().max(1);
        let mean_claims = claims.iter().sum::<i64>() as f64 / open as f64;
        self.views.clear();
        self.marketing_cdf.clear();
        let mut cumulative = 0.0;
        for (p, platform) in self.platforms.iter().enumerate() {
            let mut quality =
                platform.disclosure * platform.true_health() + (1.0 - platform.disclosure) * trust.opacity_prior;
            if let Some(rating) = platform.rating {
                quality = (1.0 - trust.rating_weight) * quality + trust.rating_weight * rating;
            }
            if platform.warned || platform.state == PlatformState::Suspended {
                quality = 0.0;
            }
            let accepts = platform.accepts_deposits();
            self.views.push(PlatformView {
                daily_return: if platform.credits_returns() {
                    platform.promised_return / 365.0
                } else {
                    0.0
                },
                payable_cents: platform.payable_cents,
                pending_cents: platform.pending_cents,
                quality: quality as f32,
                news: self.platform_news[p] as f32,
                open: !platform.state.is_closed(),
                accepts_deposits: accepts,
                excess_return: (platform.promised_return - market) as f32,
                rating: platform.rating.map(|r| r as f32),
                settlement: platform.settlement,
            });
            if accepts {
                let relative_size = if mean_claims > 0.0 {
                    claims[p] as f64 / mean_claims
                } else {
                    1.0
                };
                let boost = platform.campaign.map_or(1.0, |(multiplier, _)| multiplier);
                cumulative += platform.marketing * boost * (0.5 + 0.5 * relative_size);
            }
            self.marketing_cdf.push(cumulative);
        }
        if cumulative <= 0.0 {
            self.marketing_cdf.clear();
        }
    }

    /// New platforms entering today (Poisson with mean `entry_rate / 365`).
    fn enter_platforms(&mut self) {
        let rate = self.scenario.platforms.entry_rate / 365.0;
        if rate <= 0.0 {
            return;
        }
        let arrivals = crate::random::samplers::poisson(rate, &mut self.platform_rng) as u32;
        for _ in 0..arrivals {
            let kind = draw_type(&self.scenario, self.platform_rng.random::<f64>());
            let regulator = draw_regulator(&self.scenario, self.platform_rng.random::<f64>());
            let id = self.platforms.len() as u32;
            let mut platform = Platform::new(id, kind, regulator, i64::from(self.day), &self.scenario.platforms);
            draw_attributes(&mut platform, &self.scenario.platforms, &mut self.attribute_rng);
            platform.disclosure = platform.disclosure.max(self.policy.disclosure_minimum);
            platform.fundraising_banned = self.policy.fundraising_banned.get(regulator).copied().unwrap_or(false);
            self.open_claims_cents += platform.claims_cents;
            self.platforms.push(platform);
        }
        if arrivals > 0 && self.policy.caps.is_some() {
            self.impose_caps();
        }
    }
}

/// Day-0 platforms: type counts by largest remainder on the shares; within each type, regulators
/// by jurisdiction share over evenly spaced positions, so every jurisdiction gets its share of
/// each type.
/// Draws `platform`'s individual attributes from the attributes stream: its compliance moved by
/// up to ± `compliance_spread` (one uniform, kept in [0, 1]) when the spread is above 0, then for
/// a fraud whether it stalls (one uniform below `fraud_stall_share`) when that share is above 0.
/// Nothing is drawn for a setting at 0.
fn draw_attributes(platform: &mut Platform, params: &PlatformParams, rng: &mut ChaCha8Rng) {
    let spread = params.compliance_spread;
    if spread > 0.0 {
        let u: f64 = rng.random();
        platform.compliance = (platform.compliance + spread * (2.0 * u - 1.0)).clamp(0.0, 1.0);
    }
    if platform.kind == PlatformType::Fraudulent && params.fraud_stall_share > 0.0 {
        platform.stalls = rng.random::<f64>() < params.fraud_stall_share;
    }
}

/// The age on day 0 of the `j`-th day-0 platform of a type: spread evenly over
/// `0..=max_age_days` by the golden-ratio sequence frac(0.5 + j·0.6180339887498949), without a
/// random draw (so that an age never shifts a random stream).
fn initial_age(j: usize, max_age_days: u32) -> i64 {
    let spread = (0.5 + j as f64 * 0.618_033_988_749_894_9).fract();
    (spread * (f64::from(max_age_days) + 1.0)).floor() as i64
}

fn initial_platforms(scenario: &Scenario) -> Vec<Platform> {
    let params = &scenario.platforms;
    let count = params.count as usize;
    let exact: Vec<f64> = PlatformType::ALL
        .iter()
        .map(|&k| params.share.get(k) * count as f64)
        .collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..3).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &k in order.iter().take(count - counts.iter().sum::<usize>()) {
        counts[k] += 1;
    }
    let mut platforms = Vec::with_capacity(count);
    for (k, &kind) in PlatformType::ALL.iter().enumerate() {
        for j in 0..counts[k] {
            let id = platforms.len() as u32;
            let position = (j as f64 + 0.5) / counts[k] as f64;
            let age = initial_age(j, params.initial_age_days);
            platforms.push(Platform::new(
                id,
                kind,
                draw_regulator(scenario, position),
                -age,
                params,
            ));
        }
    }
    platforms
}

/// The type whose cumulative share first exceeds `u`.
fn draw_type(scenario: &Scenario, u: f64) -> PlatformType {
    let mut cumulative = 0.0;
    for kind in PlatformType::ALL {
        cumulative += scenario.platforms.share.get(kind);
        if u < cumulative {
            return kind;
        }
    }
    PlatformType::Sound
}

/// The regulator whose cumulative jurisdiction share first exceeds `u`.
fn draw_regulator(scenario: &Scenario, u: f64) -> usize {
    let mut cumulative = 0.0;
    for (i, regulator) in scenario.regulator.iter().enumerate() {
        cumulative += regulator.jurisdiction_share;
        if u < cumulative {
            return i;
        }
    }
    scenario.regulator.len() - 1
}

/// `cents` as an `i64`, saturated at its limits (beyond [`MAX_CENTS`], which the money check
/// then reports).
fn saturate(cents: i128) -> i64 {
    i64::try_from(cents).unwrap_or(if cents < 0 { i64::MIN } else { i64::MAX })
}

/// Claims on the open platforms of `platforms`, summed.
fn open_claims(platforms: &[Platform]) -> i64 {
    platforms
        .iter()
        .filter(|p| !p.state.is_closed())
        .map(|p| p.claims_cents)
        .sum()
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use crate::model::metrics::{observe, StepMetrics};
    use crate::model::platform::Platform;
    use crate::model::users::{Holding, Request, Social, UserState};
    use crate::model::warnings_day::{SCORES, SECTOR_SCORES};
    use crate::scenario::limits;

    #[test]
    fn day_0_platforms_get_ages_spread_over_the_range_without_a_random_draw() {
        let build = |overrides: &[&str]| {
            let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
            let scenario = crate::scenario::loader::parse(
                "schema_version = 1\n[population]\nusers = 300\n[platforms]\ncount = 40\n",
                "t.toml",
                &overrides,
                std::path::Path::new("t.toml"),
            )
            .expect("valid");
            super::World::build(&scenario, None, 3).expect("builds")
        };
        let (new, aged) = (build(&[]), build(&["platforms.initial_age_days=365"]));
        assert!(new.platforms.iter().all(|p| p.born_day == 0));
        let ages: Vec<i64> = aged.platforms.iter().map(|p| -p.born_day).collect();
        assert!(ages.iter().all(|age| (0..=365).contains(age)));
        assert!(
            ages.iter().any(|&a| a < 60) && ages.iter().any(|&a| a > 300),
            "{ages:?}"
        );
        let claims = |w: &super::World| w.platforms.iter().map(|p| p.claims_cents).collect::<Vec<_>>();
        assert_eq!(claims(&new), claims(&aged), "ages draw nothing: the same deposits");
        let spread = build(&["platforms.compliance_spread=0.2"]);
        assert_eq!(
            claims(&new),
            claims(&spread),
            "the spread draws from a stream of its own"
        );
        for (plain, spread) in new.platforms.iter().zip(&spread.platforms) {
            assert!((plain.compliance - spread.compliance).abs() <= 0.2);
        }
        assert!(new
            .platforms
            .iter()
            .zip(&spread.platforms)
            .any(|(a, b)| a.compliance != b.compliance));
    }

    #[test]
    fn an_intervention_added_before_its_day_acts_as_the_strategys_own() {
        let scenario = crate::scenario::loader::parse(
            "schema_version = 1\nhorizon_days = 40\n[population]\nusers = 400\n\
             [[event]]\nday = 5\nkind = \"run_away\"\nplatform = \"largest_fraudulent\"\n\
             [[strategy]]\nname = \"none\"\n[[strategy]]\nname = \"fund\"\n\
             [[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 6\ncoverage = 0.9\n",
            "t.toml",
            &[],
            std::path::Path::new("t.toml"),
        )
        .expect("valid");
        let fund = scenario.strategies()[1].intervention[0].clone();
        let mut planned = super::World::build_for(&scenario, 1, None, 2).expect("builds");
        let mut added = super::World::build_for(&scenario, 0, None, 2).expect("builds");
        for _ in 0..3 {
            planned.step().expect("steps");
            added.step().expect("steps");
        }
        added.add_intervention(fund.clone()).expect("day 6 is still to come");
        for _ in 3..40 {
            planned.step().expect("steps");
            added.step().expect("steps");
            assert_eq!(observe(&planned), observe(&added), "day {}", added.day);
        }
        assert!(planned.totals.losses_compensated_cents > 0, "the fund paid out");
        let late = added.add_intervention(fund).expect_err("day 6 is past");
        assert_eq!(
            late.to_string(),
            "the intervention: `intervention.start_day`: must be a day not yet simulated, from 41 on, got 6"
        );
    }

    #[test]
    fn the_limits_memory_estimate_uses_the_models_sizes() {
        let per_user = 7 * size_of::<f32>() + 2 * size_of::<Social>() + size_of::<u32>() + size_of::<i64>();
        assert_eq!(limits::USER_BYTES as usize, per_user + size_of::<UserState>());
        assert_eq!(
            limits::HOLDING_SLOT_BYTES as usize,
            size_of::<Holding>() + size_of::<Request>()
        );
        assert_eq!(limits::NETWORK_ENTRY_BYTES as usize, 3 * size_of::<u32>());
        assert!(size_of::<Platform>() as u64 <= limits::PLATFORM_BYTES);
        assert_eq!(limits::PLATFORM_SCORE_BYTES_PER_DAY as usize, SCORES * size_of::<f64>());
        assert!(size_of::<StepMetrics>() + SECTOR_SCORES * size_of::<f64>() <= limits::DAY_BYTES as usize);
    }
}
