//! The early-warning system: indicators computed from what a regulator observes, a composite
//! risk score, and warning levels (watch, alert, emergency) that need persistence to rise and
//! to fall, read with a reporting delay. It reads only [`Observation`]s, so it cannot see a
//! platform's type or true solvency. Its parameters are the scenario's `[warning]` table.

use std::collections::VecDeque;

use crate::model::observation::{Observation, PlatformSignals, SectorSignals};
use crate::scenario::warning::{Level, WarningParams};

/// Indicators are capped at this many thresholds in the composite, so one cannot outweigh all.
pub const INDICATOR_CAP: f64 = 4.0;

/// The indicators, each as a multiple of its threshold (1 = at the threshold; higher = riskier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// Complaints in 30 days.
    Complaints,
    /// Net outflow in 30 days over deposits owed.
    NetOutflow,
    /// Consecutive days of unpaid withdrawals.
    Delay,
    /// Negative news about the platform.
    News,
    /// Promised return above the market.
    Yield,
    /// 1 − disclosure quality.
    Opacity,
    /// 1 − rating (0 without a rating).
    Rating,
}

impl Indicator {
    /// Every indicator, in output order.
    pub const ALL: [Indicator; 7] = [
        Indicator::Complaints,
        Indicator::NetOutflow,
        Indicator::Delay,
        Indicator::News,
        Indicator::Yield,
        Indicator::Opacity,
        Indicator::Rating,
    ];

    /// Its name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Indicator::Complaints => "complaints",
            Indicator::NetOutflow => "net_outflow",
            Indicator::Delay => "delay",
            Indicator::News => "news",
            Indicator::Yield => "yield",
            Indicator::Opacity => "opacity",
            Indicator::Rating => "rating",
        }
    }

    /// The raw value, its threshold and its weight in the composite.
    fn read(self, s: &PlatformSignals, w: &WarningParams) -> (f64, f64, f64) {
        match self {
            Indicator::Complaints => (f64::from(s.complaints_30d), w.complaints_threshold, w.complaints_weight),
            Indicator::NetOutflow => (s.net_outflow_share.max(0.0), w.outflow_threshold, w.outflow_weight),
            Indicator::Delay => (f64::from(s.delay_days), w.delay_threshold, w.delay_weight),
            Indicator::News => (s.negative_news, w.news_threshold, w.news_weight),
            Indicator::Yield => (s.yield_anomaly.max(0.0), w.yield_threshold, w.yield_weight),
            Indicator::Opacity => (1.0 - s.disclosure, w.opacity_threshold, w.opacity_weight),
            Indicator::Rating => (s.rating.map_or(0.0, |r| 1.0 - r), w.rating_threshold, w.rating_weight),
        }
    }
}

/// Every indicator of a platform as a multiple of its threshold (in [`Indicator::ALL`] order),
/// and the composite score: the weighted mean of the indicators, each capped at
/// [`INDICATOR_CAP`], divided by `alert_level` so that 1 means an alert.
pub fn scores(s: &PlatformSignals, w: &WarningParams) -> ([f64; 7], f64) {
    let mut z = [0.0; 7];
    let (mut weighted, mut weights) = (0.0, 0.0);
    for (k, indicator) in Indicator::ALL.iter().enumerate() {
        let (value, threshold, weight) = indicator.read(s, w);
        z[k] = value / threshold;
        weighted += weight * z[k].min(INDICATOR_CAP);
        weights += weight;
    }
    let composite = if weights > 0.0 { weighted / weights } else { 0.0 };
    (z, composite / w.alert_level.max(f64::MIN_POSITIVE))
}

/// The sector indicators, in output order: the survey's fall from its 30-day high, sector news,
/// announcements in 30 days and complaints in 30 days.
pub const SECTOR_INDICATORS: [&str; 4] = [
    "sector_trust_drop",
    "sector_news",
    "sector_announcements",
    "sector_complaints",
];

/// Every sector indicator as a multiple of its threshold, from the sector signals of the last
/// (up to) 30 seen days, oldest first; and their unweighted mean, each capped at
/// [`INDICATOR_CAP`] (the sector composite; 1 means the mean indicator is at its threshold).
pub fn sector_scores(window: &VecDeque<SectorSignals>, w: &WarningParams) -> ([f64; 4], f64) {
    let today = window.back().expect("today is in the window");
    let high = window.iter().map(|s| s.survey_trust).fold(f64::NEG_INFINITY, f64::max);
    let announcements: u64 = window.iter().map(|s| s.announcements).sum();
    let z = [
        (high - today.survey_trust).max(0.0) / w.trust_drop_threshold,
        today.negative_news / w.sector_news_threshold,
        announcements as f64 / w.announcements_threshold,
        today.complaints_30d as f64 / w.sector_complaints_threshold,
    ];
    let composite = z.iter().map(|v| v.min(INDICATOR_CAP)).sum::<f64>() / z.len() as f64;
    (z, composite)
}

/// One platform's warning state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct PlatformWarning {
    level: Option<Level>,
    /// Consecutive days at or above each level's score (watch, alert, emergency).
    above: [u32; 3],
    /// Consecutive days below the current level's score.
    below: u32,
}

/// The early-warning system's state.
#[derive(Debug, Clone)]
pub struct WarningSystem {
    params: WarningParams,
    /// Observations not yet seen (the reporting delay).
    pending: VecDeque<Observation>,
    platforms: Vec<PlatformWarning>,
    /// Each platform's level before the last update.
    previous: Vec<Level>,
    /// Composite score of each platform on the day last seen (0 for platforms not yet seen).
    pub composite: Vec<f64>,
    /// Sector signals of the last (up to) 30 days seen, oldest first.
    sector_window: VecDeque<SectorSignals>,
}

impl WarningSystem {
    /// A system with no observation yet.
    pub fn new(params: WarningParams) -> WarningSystem {
        WarningSystem {
            params,
            pending: VecDeque::new(),
            platforms: Vec::new(),
            previous: Vec::new(),
            composite: Vec::new(),
            sector_window: VecDeque::new(),
        }
    }

    /// Takes today's observation and, once the reporting delay has passed, updates every
    /// platform's level from the observation it now sees. Returns that observation, if any.
    pub fn update(&mut self, today: Observation) -> Option<Observation> {
        self.pending.push_back(today);
        if self.pending.len() <= self.params.reporting_delay_days as usize {
            return None;
        }
        let seen = self.pending.pop_front().expect("not empty");
        if self.sector_window.len() == 30 {
            self.sector_window.pop_front();
        }
        self.sector_window.push_back(seen.sector);
        self.previous = (0..seen.platforms.len()).map(|p| self.level(p)).collect();
        let w = self.params.clone();
        let cutoffs = [w.watch_level, w.alert_level, w.emergency_level].map(|c| c / w.alert_level);
        self.platforms.resize(seen.platforms.len(), PlatformWarning::default());
        self.composite.resize(seen.platforms.len(), 0.0);
        for (p, signals) in seen.platforms.iter().enumerate() {
            let state = &mut self.platforms[p];
            if !signals.open {
                *state = PlatformWarning::default();
                self.composite[p] = 0.0;
                continue;
            }
            let (_, composite) = scores(signals, &w);
            self.composite[p] = composite;
            for (above, cutoff) in state.above.iter_mut().zip(cutoffs) {
                *above = if composite >= cutoff { *above + 1 } else { 0 };
            }
            let current = state.level.unwrap_or(Level::None);
            let raised = [Level::Watch, Level::Alert, Level::Emergency]
                .into_iter()
                .zip(state.above)
                .filter(|&(level, days)| level > current && days >= w.persistence_days)
                .map(|(level, _)| level)
                .max();
            if let Some(level) = raised {
                state.level = Some(level);
                state.below = 0;
            } else if current > Level::None {
                let cutoff = cutoffs[current as usize - 1];
                state.below = if composite < cutoff { state.below + 1 } else { 0 };
                if state.below >= w.release_days {
                    state.level = Some(match current {
                        Level::Emergency => Level::Alert,
                        Level::Alert => Level::Watch,
                        _ => Level::None,
                    });
                    state.below = 0;
                }
            }
        }
        Some(seen)
    }

    /// The sector indicators and composite of the day last seen (`None` before the first).
    pub fn sector(&self) -> Option<([f64; 4], f64)> {
        (!self.sector_window.is_empty()).then(|| sector_scores(&self.sector_window, &self.params))
    }

    /// Whether platform `p`'s level rose to `level` or above in the last update.
    pub fn reached(&self, p: usize, level: Level) -> bool {
        self.previous.get(p).is_some_and(|&before| before < level) && self.level(p) >= level
    }

    /// The warning level of platform `p` (none before it was first seen).
    pub fn level(&self, p: usize) -> Level {
        self.platforms.get(p).and_then(|s| s.level).unwrap_or(Level::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(complaints: u32) -> PlatformSignals {
        PlatformSignals {
            open: true,
            complaints_30d: complaints,
            net_outflow_share: 0.0,
            delay_days: 0,
            negative_news: 0.0,
            yield_anomaly: 0.0,
            disclosure: 1.0,
            rating: None,
        }
    }

    fn observation(day: u32, complaints: u32) -> Observation {
        Observation {
            day,
            platforms: vec![signals(complaints)],
            sector: SectorSignals {
                survey_trust: 0.7,
                negative_news: 0.0,
                announcements: 0,
                complaints_30d: u64::from(complaints),
            },
        }
    }

    #[test]
    fn each_indicator_is_a_multiple_of_its_threshold_and_the_composite_their_capped_mean() {
        let w = WarningParams::default();
        let (z, composite) = scores(&signals(40), &w);
        assert_eq!(z[0], 2.0, "40 complaints against a threshold of 20");
        let weights = w.complaints_weight
            + w.outflow_weight
            + w.delay_weight
            + w.news_weight
            + w.yield_weight
            + w.opacity_weight
            + w.rating_weight;
        assert!((composite - 2.0 * w.complaints_weight / weights / w.alert_level).abs() < 1e-12);
        let (z, capped) = scores(&signals(4000), &w);
        assert_eq!(z[0], 200.0);
        assert!((capped - INDICATOR_CAP * w.complaints_weight / weights).abs() < 1e-12);
    }

    #[test]
    fn sector_indicators_read_the_last_30_days() {
        let w = WarningParams::default();
        let day = |trust: f64, announcements: u64| SectorSignals {
            survey_trust: trust,
            negative_news: 0.5,
            announcements,
            complaints_30d: 100,
        };
        let window: VecDeque<SectorSignals> = [day(0.8, 3), day(0.7, 0), day(0.75, 2)].into_iter().collect();
        let (z, composite) = sector_scores(&window, &w);
        assert!(
            (z[0] - 0.05 / w.trust_drop_threshold).abs() < 1e-12,
            "fall from the high of 0.8"
        );
        assert_eq!(z[1], 0.5 / w.sector_news_threshold);
        assert_eq!(z[2], 5.0 / w.announcements_threshold);
        assert_eq!(z[3], 100.0 / w.sector_complaints_threshold);
        assert!((composite - z.iter().sum::<f64>() / 4.0).abs() < 1e-12);
        let mut system = WarningSystem::new(WarningParams {
            reporting_delay_days: 0,
            ..w
        });
        for d in 0..40 {
            system.update(observation(d, 0));
        }
        assert_eq!(system.sector_window.len(), 30, "only the last 30 days are kept");
    }

    #[test]
    fn levels_need_persistence_to_rise_and_to_fall_and_are_seen_after_the_delay() {
        let w = WarningParams {
            complaints_weight: 1.0,
            outflow_weight: 0.0,
            delay_weight: 0.0,
            news_weight: 0.0,
            yield_weight: 0.0,
            opacity_weight: 0.0,
            rating_weight: 0.0,
            persistence_days: 2,
            release_days: 3,
            reporting_delay_days: 1,
            ..WarningParams::default()
        };
        let mut system = WarningSystem::new(w);
        // Complaints of 25 give a composite of 1.25 (alert); of 5, 0.25 (below watch).
        let complaints = [25, 25, 25, 5, 5, 5, 5];
        let mut levels = Vec::new();
        for (day, &c) in complaints.iter().enumerate() {
            let seen = system.update(observation(day as u32, c));
            assert_eq!(
                seen.map(|o| o.day),
                day.checked_sub(1).map(|d| d as u32),
                "one day's delay"
            );
            levels.push(system.level(0));
        }
        use Level::*;
        assert_eq!(levels, [None, None, Alert, Alert, Alert, Alert, Watch]);
    }
}
