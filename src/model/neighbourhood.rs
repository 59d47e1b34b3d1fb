//! What each user reads of its neighbours: the mean of their sector trust and the share of them
//! visibly withdrawing, gathered for a range of users in one tight loop of its own, so that the
//! reads of neighbours scattered over memory overlap instead of waiting on the long chain of each
//! user's update.

use std::ops::Range;

use crate::model::network::Network;
use crate::model::users::Social;

/// What a user reads of its neighbours (as of yesterday).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signals {
    /// Their mean sector trust (the user's own when it has no neighbours).
    pub neighbour_trust: f32,
    /// The share of them visibly withdrawing.
    pub withdrawing_share: f32,
    /// Whether the user has any neighbour.
    pub has_neighbours: bool,
}

/// How many neighbour entries ahead of the one being read the word of a later one is prefetched.
/// Reading a neighbour list ends in a mispredicted branch, which discards the reads the processor
/// had started for the next users; without prefetching, a network much larger than the cache
/// waits on memory for nearly every distant neighbour one at a time. At 10^7 users (Watts–
/// Strogatz) reading every neighbour took 530 ms on one core without prefetching and 180 ms with
/// it, from 128 to 1,024 entries ahead; within the cache it neither gains nor loses.
const PREFETCH_AHEAD: usize = 256;

/// The signals of `users`, reading yesterday's words `social` (one per user of `network`): the
/// trusts are added one by one in neighbour-list order, in `f32`.
///
/// # Panics
///
/// If `social` does not hold exactly one word per user of `network`, or `users` goes beyond it.
pub fn signals(network: &Network, social: &[Social], users: Range<usize>) -> Vec<Signals> {
    assert_eq!(social.len(), network.nodes() as usize, "one word per user");
    let entries = network.entries();
    users
        .map(|i| {
            let range = network.entry_range(i as u32);
            if range.is_empty() {
                return Signals {
                    neighbour_trust: social[i].trust(),
                    withdrawing_share: 0.0,
                    has_neighbours: false,
                };
            }
            let degree = range.len() as f32;
            let (mut trust_sum, mut withdrawing) = (0.0f32, 0u32);
            for entry in range {
                if let Some(&ahead) = entries.get(entry + PREFETCH_AHEAD) {
                    prefetch(social, ahead as usize);
                }
                // SAFETY: `entry` is in `network.entries()` (a range of it); a neighbour index is
                // below `network.nodes()` (an invariant of `Network`), which is `social.len()`.
                let neighbour = unsafe { *social.get_unchecked(*entries.get_unchecked(entry) as usize) };
                trust_sum += neighbour.trust();
                withdrawing += neighbour.withdrawing();
            }
            Signals {
                neighbour_trust: trust_sum / degree,
                withdrawing_share: withdrawing as f32 / degree,
                has_neighbours: true,
            }
        })
        .collect()
}

/// Asks the processor to start loading `social[index]` into the cache (a hint: it reads nothing,
/// and an index out of range is harmless).
#[inline(always)]
fn prefetch(social: &[Social], index: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is only a hint; it never faults or dereferences the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(social.as_ptr().wrapping_add(index).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (social, index);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_are_the_neighbours_mean_trust_and_withdrawing_share() {
        // A star around user 0 and an isolated user 4.
        let network = Network::from_edges(5, &[(0, 1), (0, 2), (0, 3)]);
        let social = [
            Social::new(0.9, false),
            Social::new(0.5, true),
            Social::new(0.25, false),
            Social::new(0.0, true),
            Social::new(0.75, true),
        ];
        let all = signals(&network, &social, 0..5);
        assert_eq!(all[0].neighbour_trust, (0.5 + 0.25 + 0.0) / 3.0);
        assert_eq!(all[0].withdrawing_share, 2.0 / 3.0);
        assert_eq!(all[1].neighbour_trust, 0.9);
        assert_eq!(all[1].withdrawing_share, 0.0);
        assert!(all[0].has_neighbours && all[3].has_neighbours);
        let isolated = all[4];
        assert_eq!((isolated.neighbour_trust, isolated.withdrawing_share), (0.75, 0.0));
        assert!(!isolated.has_neighbours);
        assert_eq!(signals(&network, &social, 2..4), all[2..4]);
    }
}
