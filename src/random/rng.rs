//! Where every random number comes from. Each process draws from its own named stream, derived
//! from the run's seed alone, so adding draws to one process never shifts another's: ChaCha8
//! streams for the sequential processes, and a counter-based hash of (seed, day, user, purpose)
//! for per-user draws, which makes them independent of the order users are visited in.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The sequential random processes, each with its own ChaCha8 stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Building the social network.
    Network = 1,
    /// Drawing users' attributes and initial holdings.
    Population = 2,
    /// Platforms' attributes, entry, leaks.
    Platforms = 3,
    /// Regulators' inspections and ratings.
    Regulator = 4,
    /// Scheduled events that pick agents (cascade seeds).
    Events = 5,
    /// The key of the per-user counter-based draws.
    Users = 6,
    /// Noise of published ratings (apart from inspections, so that adding ratings to a strategy
    /// does not shift the inspections' draws).
    Ratings = 7,
    /// The early-warning system's trust survey.
    Survey = 8,
    /// Platforms' individual attributes beyond their type's (compliance spread, stalling), drawn only when
    /// a scenario asks for them, so that other scenarios' draws are unchanged.
    Attributes = 9,
    /// Which posterior draw a seed of `compare --posterior` or `warn --posterior` runs with
    /// (drawn before the run, never inside it).
    Posterior = 10,
}

/// The ChaCha8 generator for `stream` of the run with `seed`: `ChaCha8Rng::seed_from_u64(seed)`
/// with its stream (nonce) set to the stream's number.
pub fn stream(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// What a per-user draw is for; each purpose is an independent sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Whether the user reads sector news today.
    News = 1,
    /// Whether the user looks for an investment today.
    Invest = 2,
    /// Which platform the user's search lands on.
    Platform = 3,
    /// Whether the platform found appeals enough to invest.
    Accept = 4,
    /// Whether an education campaign reaches the user today.
    Education = 5,
}

/// Counter-based uniform draws for users: `u(day, user, purpose)` is a pure function of the key,
/// so it does not depend on how many other draws were made or in which order users are visited.
#[derive(Debug, Clone, Copy)]
pub struct UserDraws {
    /// `mix(key ^ purpose × G)` for each purpose (index = purpose number), computed once.
    purpose_keys: [u64; PURPOSES + 1],
}

/// Number of [`Purpose`]s (the last one's number).
const PURPOSES: usize = Purpose::Education as usize;

impl UserDraws {
    /// The draws of the run with `seed` (key = first output of its `Users` stream).
    pub fn new(seed: u64) -> UserDraws {
        use rand::RngCore;
        let key = stream(seed, Stream::Users).next_u64();
        UserDraws {
            purpose_keys: std::array::from_fn(|purpose| mix(key ^ (purpose as u64).wrapping_mul(GOLDEN))),
        }
    }

    /// A uniform number in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&self, day: u32, user: u32, purpose: Purpose) -> f64 {
        let counter = (u64::from(day) << 32) | u64::from(user);
        let h = mix(self.purpose_keys[purpose as usize] ^ counter);
        // Below 2^53, so converting through i64 (one instruction) is exact.
        ((mix(h) >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(GOLDEN);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How every random number is derived, recorded in each manifest.
pub const RNG_DERIVATION: &str = "ChaCha8Rng::seed_from_u64(seed) with stream 1 network, 2 population \
(each attribute at word position attribute << 48, initial holdings at 9 << 48), 3 platforms, 4 regulator, 5 events, 7 ratings, 8 trust survey, 9 platform attributes (only with platforms.compliance_spread or fraud_stall_share > 0), 10 the posterior draw of \
--posterior (before the run); per-user draws \
are splitmix64(splitmix64(splitmix64(key ^ purpose * 0x9e3779b97f4a7c15) ^ (day << 32 | user))) >> 11 \
scaled by 2^-53, with key the first u64 of stream 6; every strategy of a comparison uses the same streams";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_draws_are_uniform_and_independent_across_purposes() {
        let draws = UserDraws::new(7);
        let n = 200_000u32;
        let (mut sum, mut product) = (0.0, 0.0);
        for user in 0..n {
            let a = draws.uniform(3, user, Purpose::News);
            let b = draws.uniform(3, user, Purpose::Invest);
            assert!((0.0..1.0).contains(&a));
            sum += a;
            product += (a - 0.5) * (b - 0.5);
        }
        let mean = sum / f64::from(n);
        // Standard error of a uniform mean is 0.289 / sqrt(n) = 0.00065; allow 5 of them.
        assert!((mean - 0.5).abs() < 0.0033, "mean {mean}");
        let covariance = product / f64::from(n);
        assert!(
            covariance.abs() < 5.0 * (1.0 / 12.0) / f64::from(n).sqrt(),
            "cov {covariance}"
        );
    }

    #[test]
    fn draws_depend_only_on_seed_day_user_and_purpose() {
        let a = UserDraws::new(1);
        let b = UserDraws::new(1);
        let c = UserDraws::new(2);
        assert_eq!(a.uniform(5, 9, Purpose::Accept), b.uniform(5, 9, Purpose::Accept));
        assert_ne!(a.uniform(5, 9, Purpose::Accept), c.uniform(5, 9, Purpose::Accept));
        assert_ne!(a.uniform(5, 9, Purpose::Accept), a.uniform(6, 9, Purpose::Accept));
        assert_ne!(a.uniform(5, 9, Purpose::Accept), a.uniform(5, 10, Purpose::Accept));
    }

    #[test]
    fn streams_differ_and_repeat() {
        use rand::RngCore;
        assert_eq!(
            stream(3, Stream::Network).next_u64(),
            stream(3, Stream::Network).next_u64()
        );
        assert_ne!(
            stream(3, Stream::Network).next_u64(),
            stream(3, Stream::Population).next_u64()
        );
    }
}
