//! Users as struct-of-arrays: personal attributes, trust, cash, state, and up to K holdings each.
//! Double-buffered fields (sector trust, visible withdrawal) are read from yesterday and written
//! for today, so the order in which users are updated never matters.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::scenario::tables::PopulationParams;

/// Marks an empty holding slot.
pub const NO_PLATFORM: u32 = u32::MAX;

/// What a user is doing, as counted in the outputs (and written, in `agents.csv`, in snake case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum UserState {
    /// In the sector, invested or willing to invest.
    #[default]
    Active = 0,
    /// Has withdrawal requests waiting to be paid.
    Withdrawing = 1,
    /// Left the sector for good.
    Exited = 2,
    /// Lost money in a platform failure; never invests again.
    Victim = 3,
}

/// What a user's neighbours read of the user, in one 32-bit word so that reading a neighbour
/// costs one small memory access: the sector trust (an `f32` in [0, 1], whose sign bit is
/// therefore free) with the sign bit set when the user's latest withdrawal is visible to
/// neighbours on the day that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Social(u32);

impl Social {
    /// The sign bit of the trust: the withdrawal is visible.
    const VISIBLE: u32 = 1 << 31;

    /// A user with sector trust `trust` (in [0, 1]; a negative zero reads as zero) whose
    /// withdrawal is or is not visible.
    #[inline]
    pub fn new(trust: f32, withdrawal_visible: bool) -> Social {
        Social((trust.to_bits() & !Social::VISIBLE) | (u32::from(withdrawal_visible) << 31))
    }

    /// Sector trust, in [0, 1].
    #[inline]
    pub fn trust(self) -> f32 {
        f32::from_bits(self.0 & !Social::VISIBLE)
    }

    /// 1 if the user's withdrawal is visible, else 0.
    #[inline]
    pub fn withdrawing(self) -> u32 {
        self.0 >> 31
    }
}

/// One holding slot of a user: kept together so that a user's holdings are one run of memory,
/// in 24 bytes. The slot's withdrawal request, read only while one is outstanding, is kept apart
/// ([`Request`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Holding {
    /// Deposit owed to the user by the platform (principal plus credited returns), in cents.
    pub amount_cents: i64,
    /// Part of the amount the user has asked to withdraw and not yet received, in cents.
    pub pending_cents: i64,
    /// Platform held, or [`NO_PLATFORM`].
    pub platform: u32,
    /// Trust in this platform, in [0, 1].
    pub trust: f32,
}

impl Holding {
    /// An empty slot.
    pub const EMPTY: Holding = Holding {
        amount_cents: 0,
        pending_cents: 0,
        platform: NO_PLATFORM,
        trust: 0.0,
    };

    /// Whether the slot holds a platform.
    pub fn is_held(&self) -> bool {
        self.platform != NO_PLATFORM
    }
}

/// A holding slot's current withdrawal request in one word: the day it was made (below 2^31;
/// horizons are far shorter) and, in the top bit, whether the user has complained about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Request(u32);

impl Request {
    /// The complaint bit.
    const COMPLAINED: u32 = 1 << 31;

    /// The request of an empty slot: made on day 0, not complained about.
    pub const NONE: Request = Request(0);

    /// A request made on `day`, not complained about.
    pub fn new(day: u32) -> Request {
        Request(day & !Request::COMPLAINED)
    }

    /// The day the request was made.
    pub fn since(self) -> u32 {
        self.0 & !Request::COMPLAINED
    }

    /// Whether the user has complained about it.
    pub fn complained(self) -> bool {
        self.0 & Request::COMPLAINED != 0
    }

    /// The same request, made on `day` instead (the complaint bit kept).
    pub fn made_on(self, day: u32) -> Request {
        Request((self.0 & Request::COMPLAINED) | Request::new(day).0)
    }

    /// The same request, complained about.
    pub fn with_complaint(self) -> Request {
        Request(self.0 | Request::COMPLAINED)
    }
}

/// All users.
#[derive(Debug, Clone)]
pub struct Users {
    /// Holding slots per user (K).
    pub slots: usize,
    /// Financial literacy L.
    pub literacy: Vec<f32>,
    /// Risk tolerance R.
    pub risk_tolerance: Vec<f32>,
    /// Herding propensity H.
    pub herding: Vec<f32>,
    /// Trust threshold θ below which the user withdraws from a platform.
    pub trust_threshold: Vec<f32>,
    /// Share φ of withdrawing neighbours at which the user withdraws everything.
    pub neighbour_threshold: Vec<f32>,
    /// Trust a user returns to when holding nothing (the initial trust).
    pub anchor: Vec<f32>,
    /// Share of cash put into one investment.
    pub invest_fraction: Vec<f32>,
    /// What neighbours read of each user, as of yesterday.
    pub social: Vec<Social>,
    /// What neighbours will read tomorrow, being written today.
    pub next_social: Vec<Social>,
    /// Last day on which each user's latest withdrawal is visible to neighbours (0: never).
    pub visible_until: Vec<u32>,
    /// Cash outside the sector's platforms, in cents.
    pub cash_cents: Vec<i64>,
    /// Current state.
    pub state: Vec<UserState>,
    /// Holding slots, K per user: slot `k` of user `i` is index `i * K + k`.
    pub holdings: Vec<Holding>,
    /// Each holding slot's withdrawal request, indexed as `holdings`.
    pub requests: Vec<Request>,
}

/// What every user reads today about everyone: yesterday's double-buffered values and the
/// attributes the users' day does not change.
#[derive(Debug, Clone, Copy)]
pub struct Yesterday<'a> {
    /// Sector trust and visible withdrawals as of yesterday.
    pub social: &'a [Social],
    /// Risk tolerance R.
    pub risk_tolerance: &'a [f32],
    /// Herding propensity H.
    pub herding: &'a [f32],
    /// Trust threshold θ.
    pub trust_threshold: &'a [f32],
    /// Neighbour threshold φ.
    pub neighbour_threshold: &'a [f32],
    /// Anchor trust.
    pub anchor: &'a [f32],
    /// Share of cash put into one investment.
    pub invest_fraction: &'a [f32],
}

/// A contiguous range of users whose state the users' day writes; chunks are disjoint, so they
/// can be updated in parallel.
#[derive(Debug)]
pub struct UserChunk<'a> {
    /// Index of the first user of the chunk.
    pub start: usize,
    /// Holding slots per user (K).
    pub slots: usize,
    /// Financial literacy L.
    pub literacy: &'a mut [f32],
    /// Sector trust and visible withdrawals being written today, for tomorrow.
    pub next_social: &'a mut [Social],
    /// Last day on which the latest withdrawal is visible.
    pub visible_until: &'a mut [u32],
    /// Cash, in cents.
    pub cash_cents: &'a mut [i64],
    /// State.
    pub state: &'a mut [UserState],
    /// Holding slots of the chunk's users (K per user).
    pub holdings: &'a mut [Holding],
    /// Their withdrawal requests.
    pub requests: &'a mut [Request],
}

/// Each attribute is drawn from its own region of the population stream, so changing one
/// attribute's distribution never changes another's draws.
fn attribute_rng(base: &ChaCha8Rng, attribute: u128) -> ChaCha8Rng {
    let mut rng = base.clone();
    rng.set_word_pos(attribute << 48);
    rng
}

impl Users {
    /// Draws `params.users` users from `rng` (the population stream). Holdings start empty.
    pub fn draw(params: &PopulationParams, rng: &ChaCha8Rng) -> Users {
        let n = params.users as usize;
        // The attributes are drawn in parallel, each from its own region of the stream, so the
        // draws are the same on any number of threads.
        let dists = [
            &params.literacy,
            &params.risk_tolerance,
            &params.herding,
            &params.trust_threshold,
            &params.neighbour_threshold,
            &params.initial_trust,
            &params.invest_fraction,
        ];
        let (columns, cash_cents) = rayon::join(
            || {
                (1..=dists.len() as u128)
                    .into_par_iter()
                    .map(|attribute| {
                        let sampler = dists[attribute as usize - 1].sampler(0.0..=1.0);
                        let mut rng = attribute_rng(rng, attribute);
                        (0..n).map(|_| sampler.sample(&mut rng) as f32).collect()
                    })
                    .collect::<Vec<Vec<f32>>>()
            },
            || {
                let sampler = params.cash_yuan.sampler(0.0..=1.0e9);
                let mut rng = attribute_rng(rng, dists.len() as u128 + 1);
                (0..n).map(|_| yuan_to_cents(sampler.sample(&mut rng))).collect()
            },
        );
        let [literacy, risk_tolerance, herding, trust_threshold, neighbour_threshold, anchor, invest_fraction] =
            <[Vec<f32>; 7]>::try_from(columns).expect("seven attributes");
        let slots = params.holdings_per_user as usize;
        Users {
            slots,
            literacy,
            risk_tolerance,
            herding,
            trust_threshold,
            neighbour_threshold,
            social: anchor.iter().map(|&trust| Social::new(trust, false)).collect(),
            next_social: anchor.iter().map(|&trust| Social::new(trust, false)).collect(),
            visible_until: vec![0; n],
            anchor,
            invest_fraction,
            cash_cents,
            state: vec![UserState::Active; n],
            holdings: vec![Holding::EMPTY; n * slots],
            requests: vec![Request::NONE; n * slots],
        }
    }

    /// User's sector trust (as of the end of the last step).
    pub fn sector_trust(&self, user: usize) -> f32 {
        self.social[user].trust()
    }

    /// Every user's sector trust, in user order.
    pub fn sector_trusts(&self) -> Vec<f32> {
        self.social.iter().map(|s| s.trust()).collect()
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.literacy.len()
    }

    /// Whether there are no users.
    pub fn is_empty(&self) -> bool {
        self.literacy.is_empty()
    }

    /// Splits the users for a day: what everyone reads (yesterday), and the state written today
    /// in chunks of `chunk` users (the last may be shorter).
    pub fn split_for_day(&mut self, chunk: usize) -> (Yesterday<'_>, Vec<UserChunk<'_>>) {
        let k = self.slots;
        let yesterday = Yesterday {
            social: &self.social,
            risk_tolerance: &self.risk_tolerance,
            herding: &self.herding,
            trust_threshold: &self.trust_threshold,
            neighbour_threshold: &self.neighbour_threshold,
            anchor: &self.anchor,
            invest_fraction: &self.invest_fraction,
        };
        let holdings = self
            .holdings
            .chunks_mut(chunk * k)
            .zip(self.requests.chunks_mut(chunk * k));
        let chunks = self
            .literacy
            .chunks_mut(chunk)
            .zip(self.next_social.chunks_mut(chunk))
            .zip(self.visible_until.chunks_mut(chunk))
            .zip(self.cash_cents.chunks_mut(chunk))
            .zip(self.state.chunks_mut(chunk))
            .zip(holdings)
            .enumerate()
            .map(
                |(c, (((((literacy, next_social), visible_until), cash_cents), state), (holdings, requests)))| {
                    UserChunk {
                        start: c * chunk,
                        slots: k,
                        literacy,
                        next_social,
                        visible_until,
                        cash_cents,
                        state,
                        holdings,
                        requests,
                    }
                },
            )
            .collect();
        (yesterday, chunks)
    }

    /// The holding slots of `user`.
    pub fn holdings_of(&self, user: usize) -> &[Holding] {
        &self.holdings[user * self.slots..(user + 1) * self.slots]
    }

    /// Makes today's written buffers tomorrow's read ones.
    pub fn swap_buffers(&mut self) {
        std::mem::swap(&mut self.social, &mut self.next_social);
    }

    /// Gives a share `investor_share` of users day-0 holdings in platforms drawn by `weights`
    /// (cumulative, one per platform). Each investor holds 1 to K distinct platforms, splitting
    /// `invest_fraction` of cash equally (none if that leaves less than a cent for each); trust in
    /// each starts at the user's sector trust.
    /// Returns the deposits placed in each platform.
    pub fn place_initial_holdings(
        &mut self,
        investor_share: f64,
        cumulative_weights: &[f64],
        rng: &mut ChaCha8Rng,
    ) -> Vec<i64> {
        let mut deposits = vec![0i64; cumulative_weights.len()];
        let total = *cumulative_weights.last().unwrap_or(&0.0);
        let platforms = cumulative_weights.len();
        for user in 0..self.len() {
            if rng.random::<f64>() >= investor_share || total <= 0.0 {
                continue;
            }
            let wanted = 1 + rng.random_range(0..self.slots.min(platforms));
            let budget = (self.cash_cents[user] as f64 * f64::from(self.invest_fraction[user])) as i64;
            let each = budget / wanted as i64;
            // Less than a cent for each platform: nothing to place.
            if each == 0 {
                continue;
            }
            let base = user * self.slots;
            let mut held = 0;
            let mut attempts = 0;
            while held < wanted && attempts < 20 * wanted {
                attempts += 1;
                let platform = pick(cumulative_weights, rng.random::<f64>() * total) as u32;
                if self.holdings[base..base + held].iter().any(|h| h.platform == platform) {
                    continue;
                }
                self.holdings[base + held] = Holding {
                    amount_cents: each,
                    platform,
                    trust: self.social[user].trust(),
                    pending_cents: 0,
                };
                self.cash_cents[user] -= each;
                deposits[platform as usize] += each;
                held += 1;
            }
        }
        deposits
    }
}

/// The index whose cumulative weight first exceeds `target` (inverse-CDF pick).
pub fn pick(cumulative_weights: &[f64], target: f64) -> usize {
    cumulative_weights
        .partition_point(|&w| w <= target)
        .min(cumulative_weights.len() - 1)
}

/// Yuan to whole cents, rounding to nearest.
pub fn yuan_to_cents(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_neighbour_word_keeps_trust_exactly_beside_the_withdrawal_bit() {
        for trust in [0.0f32, 1.0 / 3.0, 0.5, 1.0, f32::MIN_POSITIVE] {
            for visible in [false, true] {
                let social = Social::new(trust, visible);
                assert_eq!(social.trust().to_bits(), trust.to_bits());
                assert_eq!(social.withdrawing(), u32::from(visible));
            }
        }
        assert_eq!(Social::new(-0.0, false).trust().to_bits(), 0.0f32.to_bits());
    }

    #[test]
    fn a_request_keeps_its_day_beside_the_complaint_bit() {
        let request = Request::new(36_500);
        assert_eq!((request.since(), request.complained()), (36_500, false));
        let complained = request.with_complaint();
        assert_eq!((complained.since(), complained.complained()), (36_500, true));
        let reseeded = complained.made_on(40);
        assert_eq!((reseeded.since(), reseeded.complained()), (40, true));
        assert_eq!(Request::new(40), Request::NONE.made_on(40));
        assert_eq!(std::mem::size_of::<Holding>(), 24);
    }

    #[test]
    fn day_zero_holdings_are_never_empty_of_money() {
        let params = PopulationParams {
            users: 200,
            ..PopulationParams::default()
        };
        let rng = crate::random::rng::stream(1, crate::random::rng::Stream::Population);
        let mut users = Users::draw(&params, &rng);
        for (i, cash) in users.cash_cents.iter_mut().enumerate() {
            *cash = (i % 4) as i64;
        }
        let deposits = users.place_initial_holdings(1.0, &[1.0, 2.0, 3.0], &mut rng.clone());
        assert!(users.holdings.iter().all(|h| !h.is_held() || h.amount_cents > 0));
        assert_eq!(
            deposits.iter().sum::<i64>(),
            200 * 3 / 2 - users.cash_cents.iter().sum::<i64>()
        );
    }
}
