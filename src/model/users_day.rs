//! The users' day: payouts and settlements, returns, trust updates, withdrawal requests,
//! complaints and investments, in one pass over users (in fixed chunks, in parallel). Everything a user reads about others
//! (neighbours' trust and withdrawals, platforms' terms) is as of yesterday, so the result does
//! not depend on the order users are visited in.

use crate::model::neighbourhood::{self, Signals};
use crate::model::network::Network;
use crate::model::platform::Settlement;
use crate::model::tally::UserTally;
use crate::random::rng::{Purpose, UserDraws};
use crate::scenario::schema::Scenario;
use rayon::prelude::*;

use crate::model::users::{pick, Holding, Request, Social, UserChunk, UserState, Users, Yesterday};

/// What users see of a platform today (set by the platform and regulator phases of yesterday).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformView {
    /// Return credited per day on holdings not asked back (0 when not crediting).
    pub daily_return: f64,
    /// Cash offered to outstanding withdrawal requests today.
    pub payable_cents: i64,
    /// Outstanding withdrawal requests the offer is shared among, pro rata.
    pub pending_cents: i64,
    /// Perceived quality g in [0, 1]: disclosed health, rating, warnings.
    pub quality: f32,
    /// Intensity of today's news about the platform.
    pub news: f32,
    /// Whether the platform still takes withdrawal requests (it has not closed).
    pub open: bool,
    /// Whether it accepts new deposits.
    pub accepts_deposits: bool,
    /// Promised return above the market, per year.
    pub excess_return: f32,
    /// Published rating, if any.
    pub rating: Option<f32>,
    /// Settlement of claims after closing, applied today.
    pub settlement: Option<Settlement>,
}

/// Money and counts that users moved through one platform today.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlatformFlows {
    /// New deposits.
    pub deposits_cents: i64,
    /// Withdrawals paid.
    pub paid_cents: i64,
    /// Returns credited to holdings.
    pub credited_cents: i64,
    /// New withdrawal requests.
    pub requested_cents: i64,
    /// Requests outstanding at the end of the pass.
    pub pending_cents: i64,
    /// Claims (sum of holdings) at the end of the pass.
    pub claims_cents: i64,
    /// Paid to claimants of a closed platform.
    pub recovered_cents: i64,
    /// Paid to claimants by the compensation fund.
    pub compensated_cents: i64,
    /// Claims lost in a closing settlement (before compensation).
    pub lost_cents: i64,
    /// New complaints.
    pub complaints: u32,
    /// Users holding the platform at the end of the pass.
    pub holders: u32,
}

impl PlatformFlows {
    /// Adds another chunk's flows to these.
    fn add(&mut self, other: &PlatformFlows) {
        self.deposits_cents += other.deposits_cents;
        self.paid_cents += other.paid_cents;
        self.credited_cents += other.credited_cents;
        self.requested_cents += other.requested_cents;
        self.pending_cents += other.pending_cents;
        self.claims_cents += other.claims_cents;
        self.recovered_cents += other.recovered_cents;
        self.compensated_cents += other.compensated_cents;
        self.lost_cents += other.lost_cents;
        self.complaints += other.complaints;
        self.holders += other.holders;
    }
}

/// Everything the users' day reads that is not a user's own state.
#[derive(Debug, Clone, Copy)]
pub struct DayContext<'a> {
    /// Today.
    pub day: u32,
    /// The scenario's parameters.
    pub scenario: &'a Scenario,
    /// Per-user random draws.
    pub draws: UserDraws,
    /// Each platform as users see it.
    pub views: &'a [PlatformView],
    /// Cumulative marketing weights of platforms taking deposits (search draws).
    pub marketing_cdf: &'a [f64],
    /// ν: reach-weighted negative-news intensity.
    pub sector_news: f64,
    /// ρ·c: trust gap closed by the compensation fund.
    pub reassurance: f64,
    /// Education campaigns today: daily reach and literacy gain.
    pub education: Option<(f64, f64)>,
    /// Compensation cap per investor per platform, in cents.
    pub compensation_cap_cents: i64,
}

/// Counts of the users' day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserDayTotals {
    /// Users who started withdrawing today (threshold or herd rule).
    pub new_withdrawers: u64,
    /// Users who invested today.
    pub investors: u64,
    /// Users reached by education today.
    pub educated: u64,
}

impl UserDayTotals {
    fn add(&mut self, other: &UserDayTotals) {
        self.new_withdrawers += other.new_withdrawers;
        self.investors += other.investors;
        self.educated += other.educated;
    }
}

/// Users per chunk of the users' day: fixed by the population size alone (at most 64 chunks of
/// at least 4,096 users), never by the number of threads, so results are identical on any.
pub fn chunk_len(users: usize) -> usize {
    users.div_ceil(64).max(4096)
}

/// Moves trust towards `target` at the gain or loss rate, less `shock`, within [0, 1].
#[inline]
fn approach(trust: f32, target: f32, gain: f32, loss: f32, shock: f32) -> f32 {
    let rate = if target < trust { loss } else { gain };
    (trust + rate * (target - trust) - shock).clamp(0.0, 1.0)
}

/// What one chunk of the users' day adds up: flows per platform, counts, and the observation's
/// tally of the users as they end the day.
struct ChunkSums {
    flows: Vec<PlatformFlows>,
    totals: UserDayTotals,
    tally: UserTally,
}

/// Runs the users' day over fixed chunks of users in parallel; `flows` (one per platform) must
/// be zeroed by the caller. Each chunk's flows, counts and tally are added up in chunk order.
/// Returns the day's counts and the tally of the users as they end the day.
pub fn run_day(
    ctx: &DayContext,
    users: &mut Users,
    network: &Network,
    flows: &mut [PlatformFlows],
) -> (UserDayTotals, UserTally) {
    let chunk = chunk_len(users.len());
    let platforms = flows.len();
    let (yesterday, chunks) = users.split_for_day(chunk);
    let results: Vec<ChunkSums> = chunks
        .into_par_iter()
        .map(|mut chunk| {
            let mut sums = ChunkSums {
                flows: vec![PlatformFlows::default(); platforms],
                totals: UserDayTotals::default(),
                tally: UserTally::default(),
            };
            if ctx.scenario.finance.enabled {
                run_chunk::<true>(ctx, &yesterday, &mut chunk, network, &mut sums);
            } else {
                run_chunk::<false>(ctx, &yesterday, &mut chunk, network, &mut sums);
            }
            sums
        })
        .collect();
    let mut totals = UserDayTotals::default();
    let mut tally = UserTally::default();
    for sums in &results {
        for (flow, chunk_flow) in flows.iter_mut().zip(&sums.flows) {
            flow.add(chunk_flow);
        }
        totals.add(&sums.totals);
        tally.merge(&sums.tally);
    }
    users.swap_buffers();
    (totals, tally)
}

/// The day's constants of the users' rules, converted once per chunk.
struct Rates {
    day: u32,
    gain: f32,
    loss: f32,
    beta: f32,
    kappa_herd: f32,
    kappa_news: f32,
    reassure: f32,
    sector_news: f32,
    platform_news: f32,
    min_invest_cents: i64,
    memory: u32,
}

impl Rates {
    fn new(ctx: &DayContext) -> Rates {
        let (t, b) = (&ctx.scenario.trust, &ctx.scenario.behaviour);
        let reassure = ctx.reassurance as f32;
        Rates {
            day: ctx.day,
            gain: t.gain_rate as f32,
            loss: t.loss_rate as f32,
            beta: t.behaviour_weight as f32,
            kappa_herd: t.literacy_herd_reduction as f32,
            kappa_news: t.literacy_news_reduction as f32,
            reassure,
            sector_news: (ctx.sector_news * t.news_sensitivity) as f32 * (1.0 - reassure),
            platform_news: t.platform_news_sensitivity as f32 * (1.0 - reassure),
            min_invest_cents: crate::model::users::yuan_to_cents(b.min_invest_yuan).max(1),
            memory: b.herd_memory_days,
        }
    }
}

/// One user's view of the day, before touching the holdings.
struct Outlook {
    own_trust: f32,
    herd_weight: f32,
    trust_threshold: f32,
    herd_trigger: bool,
    news_damping: f32,
    news_shock: f32,
}

/// What the holdings pass found for one user.
#[derive(Default)]
struct Held {
    amount_cents: i64,
    trust_weighted: f32,
    free_slots: usize,
    victim: bool,
    pending: bool,
    withdrew: bool,
}

/// The users' day for one chunk of users; `FINANCE` is `finance.enabled`, a constant so that
/// the compiler leaves the money out of the pass of the classic special cases.
fn run_chunk<const FINANCE: bool>(
    ctx: &DayContext,
    y: &Yesterday,
    c: &mut UserChunk,
    network: &Network,
    sums: &mut ChunkSums,
) {
    let r = Rates::new(ctx);
    let (t, b) = (&ctx.scenario.trust, &ctx.scenario.behaviour);
    let day = r.day;

    // Neighbourhood signals first, in a tight loop of their own.
    let n = c.state.len();
    let own = c.start..c.start + n;
    let signals = neighbourhood::signals(network, y.social, own.clone());

    // Every per-user array cut to the chunk's `n` users, so that indexing by `k < n` needs no
    // bounds check.
    let yesterday = &y.social[own.clone()];
    let herding = &y.herding[own.clone()];
    let trust_threshold = &y.trust_threshold[own.clone()];
    let neighbour_threshold = &y.neighbour_threshold[own.clone()];
    let anchor = &y.anchor[own];
    let (signals, literacy_of) = (&signals[..n], &mut c.literacy[..n]);
    let (cash, next_social) = (&mut c.cash_cents[..n], &mut c.next_social[..n]);
    let visible_until = &mut c.visible_until[..n];
    for k in 0..n {
        let Signals {
            neighbour_trust,
            withdrawing_share,
            has_neighbours,
        } = signals[k];
        let i = c.start + k;
        let user = i as u32;
        let own_trust = yesterday[k].trust();
        let literacy = literacy_of[k];
        // A compensation fund makes running pointless (Diamond & Dybvig 1983): it lowers the trust
        // at which a user pulls out, θ(1 − r), and raises the share of withdrawing neighbours needed
        // to join a run from φ towards 1.
        let phi = neighbour_threshold[k];
        let news_damping = 1.0 - r.kappa_news * literacy;
        // 1 if the user reads today's sector news, else 0: a product rather than a branch, as
        // whether a user reads the news is a coin toss.
        let reads_news = if r.sector_news > 0.0 {
            f32::from(u8::from(ctx.draws.uniform(day, user, Purpose::News) < t.news_attention))
        } else {
            0.0
        };
        let outlook = Outlook {
            own_trust,
            herd_weight: herding[k] * (1.0 - r.kappa_herd * literacy),
            trust_threshold: trust_threshold[k] * (1.0 - r.reassure),
            herd_trigger: b.herd_withdrawal && has_neighbours && withdrawing_share >= phi + r.reassure * (1.0 - phi),
            news_damping,
            news_shock: r.sector_news * news_damping * reads_news,
        };
        let mut state = c.state[k];
        let slots = k * c.slots..(k + 1) * c.slots;
        let (holdings, requests) = (&mut c.holdings[slots.clone()], &mut c.requests[slots]);
        // With finance off there are no platforms, so nobody holds anything.
        let held = if FINANCE {
            holdings_day(ctx, &r, &outlook, holdings, requests, &mut cash[k], sums)
        } else {
            Held::default()
        };
        let mut withdrew = held.withdrew;

        // Sector trust: herd (neighbours' trust and behaviour) against own fundamentals.
        let fundamentals = if held.amount_cents > 0 {
            held.trust_weighted / held.amount_cents as f32
        } else {
            anchor[k]
        };
        let fundamentals = fundamentals + r.reassure * (1.0 - fundamentals);
        let herd = (1.0 - r.beta) * neighbour_trust + r.beta * (1.0 - withdrawing_share);
        let target = outlook.herd_weight * herd + (1.0 - outlook.herd_weight) * fundamentals;
        let new_trust = approach(own_trust, target, r.gain, r.loss, outlook.news_shock);

        if let Some((reach, literacy_gain)) = ctx.education {
            if ctx.draws.uniform(day, user, Purpose::Education) < reach {
                literacy_of[k] = literacy + literacy_gain as f32 * (1.0 - literacy);
                sums.totals.educated += 1;
            }
        }

        if !FINANCE && outlook.herd_trigger && state != UserState::Withdrawing {
            state = UserState::Withdrawing;
            withdrew = true;
        }

        let invested = FINANCE
            && state == UserState::Active
            && !held.pending
            && !ctx.marketing_cdf.is_empty()
            && cash[k] >= r.min_invest_cents
            && ctx.draws.uniform(day, user, Purpose::Invest) < b.invest_rate * f64::from(new_trust)
            && invest(ctx, &r, y, i, literacy, new_trust, &held, holdings, &mut cash[k], sums);
        sums.totals.investors += u64::from(invested);

        // State and visible behaviour.
        sums.totals.new_withdrawers += u64::from(withdrew);
        if withdrew {
            visible_until[k] = day.saturating_add(r.memory);
        }
        // Tomorrow's readers see the withdrawal if it is visible tomorrow.
        next_social[k] = Social::new(new_trust, visible_until[k] > day);
        let holds_anything = held.amount_cents > 0 || invested;
        if FINANCE {
            state = if held.victim || state == UserState::Victim {
                UserState::Victim
            } else if state == UserState::Exited {
                UserState::Exited
            } else if held.pending {
                UserState::Withdrawing
            } else if !holds_anything && new_trust < b.exit_trust as f32 {
                UserState::Exited
            } else {
                UserState::Active
            };
        }
        c.state[k] = state;
        sums.tally.add_user(new_trust, state, literacy_of[k], holds_anything);
    }
}

/// One user's holdings (with their withdrawal requests) for the day: settle closed platforms,
/// receive payments, credit returns, update trust, complain and request withdrawals.
fn holdings_day(
    ctx: &DayContext,
    r: &Rates,
    o: &Outlook,
    holdings: &mut [Holding],
    requests: &mut [Request],
    cash_cents: &mut i64,
    sums: &mut ChunkSums,
) -> Held {
    let b = &ctx.scenario.behaviour;
    let mut held = Held::default();
    for (h, request) in holdings.iter_mut().zip(requests) {
        if !h.is_held() {
            held.free_slots += 1;
            continue;
        }
        let p = h.platform;
        let view = &ctx.views[p as usize];
        let flow = &mut sums.flows[p as usize];
        let mut amount = h.amount_cents;
        if let Some(settlement) = view.settlement {
            let recovered = pro_rata(amount, settlement.pool_cents, settlement.claims_cents);
            let lost = amount - recovered;
            let compensated = pro_rata(lost, settlement.compensation_budget_cents, settlement.loss_cents)
                .min(ctx.compensation_cap_cents);
            *cash_cents += recovered + compensated;
            flow.recovered_cents += recovered;
            flow.compensated_cents += compensated;
            flow.lost_cents += lost;
            held.victim |= lost > compensated;
            // Neighbours see money lost in a failure as money pulled out of the sector.
            held.withdrew |= lost > compensated;
            (*h, *request) = (Holding::EMPTY, Request::NONE);
            held.free_slots += 1;
            continue;
        }
        let mut pending = h.pending_cents;
        let experience = if pending > 0 {
            let paid = pro_rata(pending, view.payable_cents, view.pending_cents);
            let coverage = paid as f32 / pending as f32;
            pending -= paid;
            amount -= paid;
            *cash_cents += paid;
            flow.paid_cents += paid;
            Some(coverage)
        } else {
            None
        };
        let credited = ((amount - pending) as f64 * view.daily_return) as i64;
        amount += credited;
        flow.credited_cents += credited;
        let target = (1.0 - o.herd_weight) * experience.unwrap_or(view.quality) + o.herd_weight * o.own_trust;
        let target = target + r.reassure * (1.0 - target);
        let shock = r.platform_news * view.news * o.news_damping + o.news_shock;
        let trust = approach(h.trust, target, r.gain, r.loss, shock);
        h.trust = trust;
        if pending > 0 && r.day - request.since() >= b.complaint_delay_days && !request.complained() {
            *request = request.with_complaint();
            flow.complaints += 1;
        }
        if pending == 0
            && amount > 0
            && view.open
            && ((b.withdraw_on_low_trust && trust < o.trust_threshold) || o.herd_trigger)
        {
            pending = amount;
            *request = Request::new(r.day);
            flow.requested_cents += amount;
            held.withdrew = true;
        }
        h.amount_cents = amount;
        h.pending_cents = pending;
        if amount == 0 {
            (*h, *request) = (Holding::EMPTY, Request::NONE);
            held.free_slots += 1;
            continue;
        }
        held.pending |= pending > 0;
        flow.pending_cents += pending;
        flow.claims_cents += amount;
        flow.holders += 1;
        held.amount_cents += amount;
        held.trust_weighted += amount as f32 * trust;
        sums.tally.holdings.add(trust);
    }
    held
}

/// The user's search for an investment (marketing-weighted), then acceptance by appeal.
/// Returns whether the user invested.
#[allow(clippy::too_many_arguments)]
fn invest(
    ctx: &DayContext,
    r: &Rates,
    y: &Yesterday,
    i: usize,
    literacy: f32,
    new_trust: f32,
    held: &Held,
    holdings: &mut [Holding],
    cash_cents: &mut i64,
    sums: &mut ChunkSums,
) -> bool {
    let b = &ctx.scenario.behaviour;
    let user = i as u32;
    let total = *ctx.marketing_cdf.last().expect("non-empty");
    let p = pick(
        ctx.marketing_cdf,
        ctx.draws.uniform(r.day, user, Purpose::Platform) * total,
    ) as u32;
    let view = &ctx.views[p as usize];
    let existing = holdings.iter().position(|h| h.platform == p);
    let slot_ok = match existing {
        Some(slot) => holdings[slot].trust >= b.top_up_trust as f32,
        None => held.free_slots > 0,
    };
    if !view.accepts_deposits || !slot_ok {
        return false;
    }
    let appeal = appeal(b, view, literacy, y.risk_tolerance[i]);
    let amount = (*cash_cents as f64 * f64::from(y.invest_fraction[i])) as i64;
    if amount < r.min_invest_cents || ctx.draws.uniform(r.day, user, Purpose::Accept) >= appeal {
        return false;
    }
    let slot = existing.unwrap_or_else(|| holdings.iter().position(|h| !h.is_held()).expect("a free slot"));
    let h = &mut holdings[slot];
    let flow = &mut sums.flows[p as usize];
    if existing.is_none() {
        h.platform = p;
        h.trust = new_trust;
        flow.holders += 1;
        sums.tally.holdings.add(new_trust);
    }
    *cash_cents -= amount;
    h.amount_cents += amount;
    flow.deposits_cents += amount;
    flow.claims_cents += amount;
    true
}

/// The probability that a user who found a platform invests in it.
fn appeal(
    b: &crate::scenario::tables::BehaviourParams,
    view: &PlatformView,
    literacy: f32,
    risk_tolerance: f32,
) -> f64 {
    let excess = f64::from(view.excess_return);
    let literacy = f64::from(literacy);
    let lure = b.return_appeal * f64::from(risk_tolerance) * (1.0 - literacy) * excess;
    let suspicion = b.return_suspicion * literacy * (excess - b.plausible_excess_return).max(0.0);
    let rating = view.rating.map_or(0.0, |r| b.rating_appeal * (f64::from(r) - 0.5));
    (0.5 + lure - suspicion + rating).clamp(0.0, 1.0)
}

/// `amount × numerator / denominator`, rounded down, in exact integer arithmetic.
#[inline]
pub fn pro_rata(amount: i64, numerator: i64, denominator: i64) -> i64 {
    if denominator <= 0 || numerator <= 0 {
        return 0;
    }
    if numerator >= denominator {
        return amount;
    }
    (i128::from(amount) * i128::from(numerator) / i128::from(denominator)) as i64
}
