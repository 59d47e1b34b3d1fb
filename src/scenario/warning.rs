//! The scenario's `[warning]` table (the early-warning system's indicators, thresholds, weights
//! and levels) and the warning levels that events and responses name. The system that applies
//! them is `model::warning_system`.

use serde::{Deserialize, Serialize};

use crate::scenario::params::params;

params! {
    /// `[warning]`: the early-warning system's indicators, thresholds, weights and levels.
    pub struct WarningParams {
        /// Complaints in 30 days at which the complaints indicator reaches its threshold.
        complaints_threshold: f64 = 20.0, 0.001..=1.0e9, "complaints";
        /// Net outflow in 30 days, as a share of deposits owed, at the threshold.
        outflow_threshold: f64 = 0.1, 0.0001..=100.0, "-";
        /// Consecutive days of unpaid withdrawals at the threshold.
        delay_threshold: f64 = 3.0, 0.001..=3650.0, "days";
        /// Negative-news intensity about the platform at the threshold.
        news_threshold: f64 = 0.5, 0.0001..=100.0, "-";
        /// Promised return above the market at the threshold.
        yield_threshold: f64 = 0.08, 0.0001..=1.0, "per year";
        /// Opacity (1 − disclosure) at the threshold.
        opacity_threshold: f64 = 0.6, 0.0001..=1.0, "-";
        /// Rating shortfall (1 − rating) at the threshold; 0 without ratings.
        rating_threshold: f64 = 0.6, 0.0001..=1.0, "-";
        /// Weight of complaints in the composite score.
        complaints_weight: f64 = 1.0, 0.0..=100.0, "-";
        /// Weight of net outflow.
        outflow_weight: f64 = 1.0, 0.0..=100.0, "-";
        /// Weight of payment delays.
        delay_weight: f64 = 1.0, 0.0..=100.0, "-";
        /// Weight of negative news.
        news_weight: f64 = 0.5, 0.0..=100.0, "-";
        /// Weight of the yield anomaly.
        yield_weight: f64 = 0.5, 0.0..=100.0, "-";
        /// Weight of opacity.
        opacity_weight: f64 = 0.25, 0.0..=100.0, "-";
        /// Weight of the rating shortfall.
        rating_weight: f64 = 0.5, 0.0..=100.0, "-";
        /// Composite score at which a platform is on watch.
        watch_level: f64 = 0.5, 0.0..=100.0, "-";
        /// Composite score at which it is on alert.
        alert_level: f64 = 1.0, 0.001..=100.0, "-";
        /// Composite score at which it is an emergency.
        emergency_level: f64 = 2.0, 0.0..=100.0, "-";
        /// Consecutive observed days at or above a level's score needed to raise the warning to it.
        persistence_days: u32 = 3, 1..=365, "days";
        /// Consecutive observed days below the current level's score needed to lower it one level.
        release_days: u32 = 14, 1..=365, "days";
        /// Days between a day's events and the regulator seeing them.
        reporting_delay_days: u32 = 1, 0..=365, "days";
        /// Users sampled by the daily trust survey.
        survey_size: u32 = 500, 1..=1_000_000, "users";
        /// Standard deviation of the survey's error.
        survey_noise: f64 = 0.02, 0.0..=1.0, "-";
        /// Fall of the trust survey below its highest value of the last 30 days at the threshold.
        trust_drop_threshold: f64 = 0.05, 0.0001..=1.0, "-";
        /// Reach-weighted negative news in the sector at the threshold.
        sector_news_threshold: f64 = 1.0, 0.0001..=1000.0, "-";
        /// Enforcement actions and public warnings announced in 30 days at the threshold.
        announcements_threshold: f64 = 10.0, 0.001..=1.0e9, "announcements";
        /// Complaints about all platforms in 30 days at the threshold.
        sector_complaints_threshold: f64 = 200.0, 0.001..=1.0e12, "complaints";
        /// Days ahead within which a failure counts as predicted, in the evaluation.
        lookahead_days: u32 = 60, 1..=3650, "days";
    }
}

/// A warning level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No warning.
    None,
    /// Watch: the composite score reached `watch_level`.
    Watch,
    /// Alert: it reached `alert_level`.
    Alert,
    /// Emergency: it reached `emergency_level`.
    Emergency,
}
