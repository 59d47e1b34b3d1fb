//! Per-agent observation, for checking the model's rules on individual agents: one row per user,
//! per friendship and per platform, read from the world as it stands. Like the daily metrics it
//! only reads the world; `run --agents` writes these rows, and the Python package returns them.

use serde::Serialize;

use crate::model::metrics::yuan;
use crate::model::network::Network;
use crate::model::platform::PlatformState;
use crate::model::users::UserState;
use crate::model::warnings_day::SCORES;
use crate::model::world::World;

/// One user on one day (`agents.csv`). Money is in yuan.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct UserRow {
    /// Day observed (0 = initial state).
    pub day: u32,
    /// The user's index, as in `network.csv`.
    pub user: u32,
    /// Number of neighbours in the social network.
    pub degree: u32,
    /// Financial literacy L.
    pub literacy: f32,
    /// Risk tolerance R.
    pub risk_tolerance: f32,
    /// Herding propensity H.
    pub herding: f32,
    /// Trust threshold θ below which the user withdraws from a platform.
    pub trust_threshold: f32,
    /// Share φ of withdrawing neighbours at which the user withdraws everything.
    pub neighbour_threshold: f32,
    /// State: `active`, `withdrawing`, `exited` or `victim`.
    pub state: UserState,
    /// Trust in the sector as a whole.
    pub sector_trust: f32,
    /// Cash outside the sector's platforms.
    pub cash_yuan: f64,
    /// Platforms held.
    pub holdings: u32,
    /// Deposits owed to the user by the platforms held (pending withdrawals included).
    pub holdings_yuan: f64,
    /// Whether the user has lost money in a platform failure (state `victim`).
    pub victim: bool,
}

/// One friendship of the social network (`network.csv`), in the edge-list format the scenario
/// loader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct EdgeRow {
    /// The endpoint with the lower index.
    pub source: u32,
    /// The endpoint with the higher index.
    pub target: u32,
}

/// One platform on one day (`platform_series.csv`). Money is in yuan; flows are the day's.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PlatformDayRow {
    /// Day observed (0 = initial state).
    pub day: u32,
    /// The platform's index, as in `platforms.csv`.
    pub platform: u32,
    /// Sound, fragile or fraudulent.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// State on that day.
    pub state: PlatformState,
    /// Deposits owed to users.
    pub claims_yuan: f64,
    /// Cash.
    pub reserves_yuan: f64,
    /// Deposits received that day.
    pub inflow_yuan: f64,
    /// Withdrawals paid that day.
    pub outflow_yuan: f64,
    /// Complaints made that day.
    pub complaints: u32,
    /// The composite early-warning score the regulator saw that day (1 = `alert_level`); none
    /// on day 0, on days no observation was seen, or once the platform is closed.
    pub warning_score: Option<f64>,
}

/// Every user of `world` as it stands, in user order.
pub fn user_rows(world: &World) -> Vec<UserRow> {
    let users = &world.users;
    (0..users.len())
        .map(|i| {
            let held = users.holdings_of(i).iter().filter(|h| h.is_held());
            let (holdings, holdings_cents) = held.fold((0, 0), |(n, cents), h| (n + 1, cents + h.amount_cents));
            UserRow {
                day: world.day,
                user: i as u32,
                degree: world.network.degree(i as u32),
                literacy: users.literacy[i],
                risk_tolerance: users.risk_tolerance[i],
                herding: users.herding[i],
                trust_threshold: users.trust_threshold[i],
                neighbour_threshold: users.neighbour_threshold[i],
                state: users.state[i],
                sector_trust: users.sector_trust(i),
                cash_yuan: yuan(users.cash_cents[i]),
                holdings,
                holdings_yuan: yuan(holdings_cents),
                victim: users.state[i] == UserState::Victim,
            }
        })
        .collect()
}

/// Every friendship of `network` once, lower index first, sorted by source then target.
pub fn edge_rows(network: &Network) -> Vec<EdgeRow> {
    (0..network.nodes())
        .flat_map(|source| {
            network
                .neighbours(source)
                .iter()
                .filter(move |&&target| target > source)
                .map(move |&target| EdgeRow { source, target })
        })
        .collect()
}

/// Every platform of `world` as it stands, in platform order, with the day's flows.
pub fn platform_rows(world: &World) -> Vec<PlatformDayRow> {
    let slot = world.day as usize % crate::model::platform::WINDOW_DAYS;
    world
        .platforms
        .iter()
        .enumerate()
        .map(|(p, platform)| {
            let composite = (world.day as usize)
                .checked_sub(1)
                .and_then(|index| world.warning_scores.get(p)?.get(index))
                .map(|scores| scores[SCORES - 1]);
            PlatformDayRow {
                day: world.day,
                platform: platform.id,
                kind: platform.kind.name(),
                state: platform.state,
                claims_yuan: yuan(platform.claims_cents),
                reserves_yuan: yuan(platform.reserves_cents),
                inflow_yuan: yuan(platform.inflow_window[slot]),
                outflow_yuan: yuan(platform.outflow_window[slot]),
                complaints: platform.complaint_window[slot],
                warning_score: composite.filter(|score| !score.is_nan()),
            }
        })
        .collect()
}
