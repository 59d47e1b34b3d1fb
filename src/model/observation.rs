//! What a regulator can observe: per platform its complaints, flows, payment delays, news,
//! promised return, disclosure and rating; for the sector a sampled trust survey, news volume,
//! enforcement announcements and complaints. The early-warning system takes only an
//! [`Observation`], which by construction holds no platform type and no true solvency.

use rand::Rng;

use crate::model::world::World;
use crate::random::samplers;

/// What can be observed of one platform on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformSignals {
    /// Whether it is open (not collapsed, run away, wound down or exited): public knowledge.
    pub open: bool,
    /// Complaints over the last 30 days.
    pub complaints_30d: u32,
    /// Withdrawals paid less deposits received over the last 30 days, as a share of the
    /// deposits it reports owing (0 when it owes nothing).
    pub net_outflow_share: f64,
    /// Consecutive days on which withdrawal requests went (partly) unpaid, or on which
    /// withdrawals were suspended.
    pub delay_days: u32,
    /// Intensity of the news about it in the day's views (as users saw it that morning).
    pub negative_news: f64,
    /// Promised return above the market return, per year.
    pub yield_anomaly: f64,
    /// Disclosure quality in [0, 1].
    pub disclosure: f64,
    /// Latest published rating, if ratings are published.
    pub rating: Option<f64>,
}

/// What can be observed of the sector on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SectorSignals {
    /// Mean sector trust of a random sample of users, plus survey noise, within [0, 1].
    pub survey_trust: f64,
    /// Reach-weighted negative-news intensity.
    pub negative_news: f64,
    /// Enforcement actions and public warnings announced today.
    pub announcements: u64,
    /// Complaints over the last 30 days, all platforms.
    pub complaints_30d: u64,
}

/// One day's observation: everything the early-warning system may read.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The day observed.
    pub day: u32,
    /// Each platform, in index order.
    pub platforms: Vec<PlatformSignals>,
    /// The sector.
    pub sector: SectorSignals,
}

impl World {
    /// The trust survey of today: `warning.survey_size` users sampled with replacement from the
    /// survey stream, their mean sector trust plus N(0, `warning.survey_noise`²), within [0, 1].
    pub(crate) fn survey(&mut self) -> f64 {
        let params = &self.scenario.warning;
        let n = self.users.len();
        let total: f64 = (0..params.survey_size)
            .map(|_| f64::from(self.users.sector_trust(self.survey_rng.random_range(0..n))))
            .sum();
        let noise = samplers::standard_normal(&mut self.survey_rng);
        (total / f64::from(params.survey_size) + params.survey_noise * noise).clamp(0.0, 1.0)
    }

    /// Today's observation (with today's survey, [`World::survey`]).
    pub(crate) fn observe_for_regulators(&self) -> Observation {
        let market = self.scenario.finance.market_return;
        let platforms = self
            .platforms
            .iter()
            .enumerate()
            .map(|(p, platform)| {
                let net_outflow = platform.recent_outflow() - platform.recent_inflow();
                PlatformSignals {
                    open: !platform.state.is_closed(),
                    complaints_30d: platform.recent_complaints(),
                    net_outflow_share: if platform.claims_cents > 0 {
                        net_outflow as f64 / platform.claims_cents as f64
                    } else {
                        0.0
                    },
                    delay_days: platform.shortfall_days.max(platform.suspended_days),
                    negative_news: self.platform_news.get(p).copied().unwrap_or(0.0),
                    yield_anomaly: platform.promised_return - market,
                    disclosure: platform.disclosure,
                    rating: platform.rating,
                }
            })
            .collect();
        Observation {
            day: self.day,
            platforms,
            sector: SectorSignals {
                survey_trust: self.survey_trust,
                negative_news: self.news.sector_intensity(),
                announcements: self.today.enforcement_actions,
                complaints_30d: self.platforms.iter().map(|p| u64::from(p.recent_complaints())).sum(),
            },
        }
    }
}
