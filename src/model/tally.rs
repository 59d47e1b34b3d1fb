//! What the daily observation counts over users — sector and platform trust histograms, users by
//! state, literacy, investors — gathered during the users' day itself, chunk by chunk, so that
//! observing a day costs no second pass over the population.

use crate::model::users::{UserState, Users};

/// Trust quantiles are read off a histogram with this many bins on [0, 1].
pub const TRUST_BINS: usize = 1024;

/// A histogram of values in [0, 1] for quantiles, with their sum (their count is the bins' total,
/// so that counting a value updates one counter, not two).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bins: Vec<u64>,
    sum: f64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            bins: vec![0; TRUST_BINS],
            sum: 0.0,
        }
    }
}

impl Histogram {
    /// Counts `value` (clamped into the first or last bin when outside [0, 1]).
    #[inline]
    pub fn add(&mut self, value: f32) {
        // Through i32: a signed conversion is one instruction, an unsigned one several.
        let bin = ((value * TRUST_BINS as f32) as i32).clamp(0, TRUST_BINS as i32 - 1) as usize;
        self.bins[bin] += 1;
        self.sum += f64::from(value);
    }

    /// How many values were counted.
    fn count(&self) -> u64 {
        self.bins.iter().sum()
    }

    /// The mean of the values counted (0 when none).
    pub fn mean(&self) -> f64 {
        match self.count() {
            0 => 0.0,
            count => self.sum / count as f64,
        }
    }

    /// Adds another histogram's counts and sum.
    fn merge(&mut self, other: &Histogram) {
        for (bin, n) in self.bins.iter_mut().zip(&other.bins) {
            *bin += n;
        }
        self.sum += other.sum;
    }

    /// The midpoint of the first bin at which the cumulative share reaches `q`.
    pub fn quantile(&self, q: f64) -> f64 {
        let count = self.count();
        if count == 0 {
            return 0.0;
        }
        let rank = (q * count as f64).ceil().max(1.0) as u64;
        let mut cumulative = 0;
        for (bin, &n) in self.bins.iter().enumerate() {
            cumulative += n;
            if cumulative >= rank {
                return (bin as f64 + 0.5) / TRUST_BINS as f64;
            }
        }
        1.0
    }
}

/// What observation counts over a range of users. Tallies of chunks are merged in chunk order,
/// so the floating-point sums do not depend on the number of threads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserTally {
    /// Sector trust of every user.
    pub sector: Histogram,
    /// Trust of every holding.
    pub holdings: Histogram,
    /// Users by [`UserState`].
    pub states: [u64; 4],
    /// Sum of literacy.
    pub literacy: f64,
    /// Users holding at least one platform.
    pub investors: u64,
}

impl UserTally {
    /// Counts one user (its holdings are counted separately into `holdings`).
    #[inline]
    pub fn add_user(&mut self, trust: f32, state: UserState, literacy: f32, invests: bool) {
        self.sector.add(trust);
        self.states[state as usize] += 1;
        self.literacy += f64::from(literacy);
        self.investors += u64::from(invests);
    }

    /// The tally of `users` as they stand, in one pass.
    pub fn of(users: &Users) -> UserTally {
        let mut tally = UserTally::default();
        for i in 0..users.len() {
            let mut invests = false;
            for holding in users.holdings_of(i).iter().filter(|h| h.is_held()) {
                tally.holdings.add(holding.trust);
                invests = true;
            }
            tally.add_user(users.social[i].trust(), users.state[i], users.literacy[i], invests);
        }
        tally
    }

    /// Adds another tally's counts, which come after these in user order.
    pub fn merge(&mut self, other: &UserTally) {
        self.sector.merge(&other.sector);
        self.holdings.merge(&other.holdings);
        for (state, n) in self.states.iter_mut().zip(other.states) {
            *state += n;
        }
        self.literacy += other.literacy;
        self.investors += other.investors;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_match_a_known_distribution() {
        let mut h = Histogram::default();
        for i in 0..10_000 {
            h.add(i as f32 / 10_000.0);
        }
        assert!((h.quantile(0.1) - 0.1).abs() < 2.0 / TRUST_BINS as f64);
        assert!((h.quantile(0.5) - 0.5).abs() < 2.0 / TRUST_BINS as f64);
        assert!((h.mean() - 0.49995).abs() < 1e-9);
        let mut ones = Histogram::default();
        ones.add(1.0);
        assert_eq!(ones.quantile(0.5), (TRUST_BINS as f64 - 0.5) / TRUST_BINS as f64);
    }
}
