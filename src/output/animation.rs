//! An animation of one run: a sampled neighbourhood of the social network (a breadth-first ball
//! around an investor of the first platform to fail), laid out deterministically, with every
//! sampled user's trust and state on each day, the sector's mean trust and the platforms' failures.
//! Recording only reads the world between steps, so the run is exactly the one `run` simulates.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::TAU;
use std::path::Path;

use crate::analysis::stats::quantile;
use crate::error::Result;
use crate::model::metrics::observe;
use crate::model::network::Network;
use crate::model::platform::PlatformState;
use crate::model::users::UserState;
use crate::model::world::World;
use crate::scenario::schema::Scenario;

/// Users sampled around the centre when none is asked for.
pub const DEFAULT_SAMPLE: u16 = 300;

/// Trust levels a frame distinguishes (trust is rounded to a multiple of 1 / (LEVELS - 1)).
pub const TRUST_LEVELS: u8 = 16;

/// A platform's failure, marked on the animation.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Day it failed.
    pub day: u32,
    /// The platform's id.
    pub platform: u32,
    /// Its type (`sound`, `fragile`, `fraudulent`).
    pub kind: &'static str,
    /// How it failed.
    pub state: PlatformState,
}

/// Everything an animation shows, recorded from one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Animation {
    /// The scenario's name.
    pub scenario: String,
    /// The strategy run.
    pub strategy: String,
    /// The seed.
    pub seed: u64,
    /// The first platform to fail, whose investor is the centre (None if none failed).
    pub focus_platform: Option<u32>,
    /// The sampled users (ids), in breadth-first order from the centre (the first).
    pub users: Vec<u32>,
    /// Each sampled user's distance in friendships from the centre.
    pub depth: Vec<u32>,
    /// Each sampled user's position, both coordinates in [-1, 1].
    pub positions: Vec<(f64, f64)>,
    /// Friendships between sampled users, as pairs of indices into `users` (smaller first).
    pub edges: Vec<(usize, usize)>,
    /// Whether each sampled user held the focus platform: on day 0, or for a platform that
    /// entered later, on the day it failed.
    pub held_focus: Vec<bool>,
    /// Per day (0 to the horizon), per sampled user: its state (as its `u8` value) times
    /// `TRUST_LEVELS` plus its trust level, the level of trust t being
    /// round(15 · clamp((t − low) / (high − low), 0, 1)) with (low, high) = `trust_range`.
    pub frames: Vec<Vec<u8>>,
    /// The trust the colour scale runs over: the 2nd and 98th percentiles of the sampled users'
    /// trust over every day of the run, at least 1/32 apart, so that a run whose trust moves from
    /// 0.70 to 0.64 still runs from one end of the colours to the other.
    pub trust_range: (f64, f64),
    /// Mean sector trust of all users on each day.
    pub sector_trust: Vec<f64>,
    /// Platforms' failures, by day then platform.
    pub failures: Vec<Failure>,
}

/// Records an animation of `scenario` under strategy `strategy` (an index into
/// [`Scenario::strategies`]) with `seed`, sampling `sample` users (at least one).
///
/// The world is built once and cloned: the first copy runs until a platform fails, to find the
/// centre; the second runs to the horizon while frames are taken.
pub fn record(
    scenario: &Scenario,
    strategy: usize,
    edge_list: Option<&Path>,
    seed: u64,
    sample: usize,
) -> Result<Animation> {
    let built = World::build_for(scenario, strategy, edge_list, seed)?;
    let focus = first_failure(built.clone(), &built)?;
    let holds = |user: u32| focus.as_ref().is_some_and(|f| f.holders[user as usize]);
    let centre = centre(&built, focus.is_some(), holds);
    let (users, depth, parent) = ball(&built.network, centre, sample.max(1));
    let positions = layout(&depth, &parent);
    let edges = edges_within(&built.network, &users);
    let held_focus = users.iter().map(|&u| holds(u)).collect();
    let focus_id = focus.as_ref().map(|f| f.id);

    let mut world = built;
    let mut frames = vec![frame(&world, &users)];
    let mut sector_trust = vec![observe(&world).trust_mean];
    let mut failures = Vec::new();
    let mut failed = vec![false; world.platforms.len()];
    for _ in 0..scenario.horizon_days {
        world.step()?;
        frames.push(frame(&world, &users));
        sector_trust.push(observe(&world).trust_mean);
        failed.resize(world.platforms.len(), false);
        for (index, platform) in world.platforms.iter().enumerate() {
            if platform.state.is_failure() && !failed[index] {
                failed[index] = true;
                failures.push(Failure {
                    day: world.day,
                    platform: platform.id,
                    kind: platform.kind.name(),
                    state: platform.state,
                });
            }
        }
    }
    let trust_range = colour_range(&frames);
    Ok(Animation {
        scenario: scenario.name.clone(),
        strategy: scenario.strategies()[strategy].name.clone(),
        seed,
        focus_platform: focus_id,
        users,
        depth,
        positions,
        edges,
        held_focus,
        frames: frames.iter().map(|day| levels(day, trust_range)).collect(),
        trust_range,
        sector_trust,
        failures,
    })
}

/// The first platform to fail and who held it.
struct Focus {
    /// Its id.
    id: u32,
    /// Per user, whether the user held it: on day 0, or for a platform that entered later (and
    /// so had no holders on day 0), on the day it failed (its claims are settled the next day).
    holders: Vec<bool>,
}

/// Steps `world` (a copy of `built`, on day 0) until a platform fails: the first failed one
/// (lowest index on the day), or None if none fails by the horizon.
fn first_failure(mut world: World, built: &World) -> Result<Option<Focus>> {
    for _ in 0..world.scenario.horizon_days {
        world.step()?;
        if let Some(index) = world.platforms.iter().position(|p| p.state.is_failure()) {
            // Holdings name platforms by their index.
            let holders_in = |w: &World| {
                (0..w.users.len())
                    .map(|u| w.users.holdings_of(u).iter().any(|h| h.platform == index as u32))
                    .collect()
            };
            let holders = if index < built.platforms.len() {
                holders_in(built)
            } else {
                holders_in(&world)
            };
            let id = world.platforms[index].id;
            return Ok(Some(Focus { id, holders }));
        }
    }
    Ok(None)
}

/// The centre of the sample: the best-connected user for whom `holds` is true when a platform
/// failed (`focus`; the lowest id among equals); with none, the best-connected user of all.
fn centre(world: &World, focus: bool, holds: impl Fn(u32) -> bool) -> u32 {
    let users = 0..world.network.nodes();
    let best = |candidates: &mut dyn Iterator<Item = u32>| {
        candidates.max_by_key(|&u| (world.network.degree(u), std::cmp::Reverse(u)))
    };
    focus
        .then(|| best(&mut users.clone().filter(|&u| holds(u))))
        .flatten()
        .or_else(|| best(&mut users.clone()))
        .unwrap_or(0)
}

/// The first `size` users reached breadth-first from `centre` (neighbours in ascending order):
/// (users, their depth, the index of the user each was reached from; the centre's is itself).
fn ball(network: &Network, centre: u32, size: usize) -> (Vec<u32>, Vec<u32>, Vec<usize>) {
    let mut users = vec![centre];
    let mut depth = vec![0];
    let mut parent = vec![0];
    let mut seen = BTreeSet::from([centre]);
    let mut next = 0;
    while next < users.len() && users.len() < size {
        for &neighbour in network.neighbours(users[next]) {
            if users.len() == size {
                break;
            }
            if seen.insert(neighbour) {
                users.push(neighbour);
                depth.push(depth[next] + 1);
                parent.push(next);
            }
        }
        next += 1;
    }
    (users, depth, parent)
}

/// Concentric rings, one band per depth: the centre in the middle, each depth's users ordered
/// by the angle of the user they were reached from, so that friends sit near each other. A band
/// has as many rings (one unit apart) as it needs to keep users about one unit apart; its users
/// alternate between them. Scaled into [-1, 1].
fn layout(depth: &[u32], parent: &[usize]) -> Vec<(f64, f64)> {
    let mut positions = vec![(0.0, 0.0); depth.len()];
    let mut angle = vec![0.0f64; depth.len()];
    let mut radius = 1.0;
    let max_depth = depth.iter().copied().max().unwrap_or(0);
    for d in 1..=max_depth {
        let mut band: Vec<usize> = (0..depth.len()).filter(|&i| depth[i] == d).collect();
        band.sort_by(|&a, &b| angle[parent[a]].total_cmp(&angle[parent[b]]).then(a.cmp(&b)));
        let count = band.len();
        let rings = ((count as f64 / (TAU * radius)).ceil() as usize).max(1);
        for (j, &i) in band.iter().enumerate() {
            angle[i] = TAU * (j as f64 + 0.5) / count as f64;
            let r = radius + (j % rings) as f64;
            positions[i] = (r * libm::cos(angle[i]), r * libm::sin(angle[i]));
        }
        radius += rings as f64;
    }
    let extent = (radius - 1.0).max(1.0);
    positions.into_iter().map(|(x, y)| (x / extent, y / extent)).collect()
}

/// Friendships between sampled users, as index pairs (smaller first), in order.
fn edges_within(network: &Network, users: &[u32]) -> Vec<(usize, usize)> {
    let index: BTreeMap<u32, usize> = users.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    let mut edges = Vec::new();
    for (i, &user) in users.iter().enumerate() {
        for neighbour in network.neighbours(user) {
            if let Some(&j) = index.get(neighbour) {
                if i < j {
                    edges.push((i, j));
                }
            }
        }
    }
    edges
}

/// Today's state and sector trust of every sampled user.
fn frame(world: &World, users: &[u32]) -> Vec<(UserState, f64)> {
    users
        .iter()
        .map(|&u| {
            let trust = f64::from(world.users.sector_trust(u as usize)).clamp(0.0, 1.0);
            (world.users.state[u as usize], trust)
        })
        .collect()
}

/// The narrowest span of the colour scale.
const MIN_COLOUR_SPAN: f64 = 1.0 / 32.0;

/// The trust range of the colour scale: the 2nd and 98th percentiles (type 7) of every recorded
/// trust, widened about their middle to [`MIN_COLOUR_SPAN`] and kept within [0, 1].
fn colour_range(frames: &[Vec<(UserState, f64)>]) -> (f64, f64) {
    let mut trust: Vec<f64> = frames.iter().flatten().map(|&(_, t)| t).collect();
    if trust.is_empty() {
        return (0.0, 1.0);
    }
    trust.sort_by(f64::total_cmp);
    let (low, high) = (quantile(&trust, 0.02), quantile(&trust, 0.98));
    let pad = ((MIN_COLOUR_SPAN - (high - low)) / 2.0).max(0.0);
    let low = (low - pad).clamp(0.0, 1.0 - MIN_COLOUR_SPAN);
    (low, (high + pad).max(low + MIN_COLOUR_SPAN).min(1.0))
}

/// A day's codes: state × `TRUST_LEVELS` + the level of trust within `range`.
fn levels(day: &[(UserState, f64)], (low, high): (f64, f64)) -> Vec<u8> {
    let top = f64::from(TRUST_LEVELS - 1);
    day.iter()
        .map(|&(state, trust)| {
            let level = (((trust - low) / (high - low)).clamp(0.0, 1.0) * top).round() as u8;
            state as u8 * TRUST_LEVELS + level
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_stretch_over_the_runs_trust_and_never_narrower_than_a_32nd() {
        let day = |trust: &[f64]| trust.iter().map(|&t| (UserState::Active, t)).collect::<Vec<_>>();
        let frames = vec![day(&[0.70, 0.70, 0.69]), day(&[0.66, 0.64, 0.65])];
        let (low, high) = colour_range(&frames);
        assert!(low > 0.639 && high < 0.701 && high - low > 0.05, "{low} {high}");
        let codes = levels(&frames[1], (low, high));
        assert!(codes[1] <= 1 && levels(&frames[0], (low, high))[0] >= 14, "{codes:?}");
        let flat = colour_range(&[day(&[0.5, 0.5])]);
        assert!((flat.1 - flat.0 - MIN_COLOUR_SPAN).abs() < 1e-12 && flat.0 < 0.5 && flat.1 > 0.5);
        assert_eq!(colour_range(&[day(&[1.0, 1.0])]), (1.0 - MIN_COLOUR_SPAN, 1.0));
        let victim = [(UserState::Victim, 0.64)];
        assert_eq!(
            levels(&victim, (0.64, 0.70)),
            vec![UserState::Victim as u8 * TRUST_LEVELS]
        );
    }
}
