//! The regulators' day: stringency paths (with followers adopting a lead regulator's stringency
//! after a lag), announced inspections and their outcomes (fraud exposure, wind-down, fines),
//! public warnings on complaint thresholds, and published ratings.

use rand::Rng;

use crate::model::news::NewsKind;
use crate::model::platform::PlatformState;
use crate::model::world::World;
use crate::random::samplers;
use crate::scenario::tables::{PlatformType, Targeting};

impl World {
    /// Runs every regulator's day: stringency (leaders first), inspections and ratings in scenario order.
    pub(crate) fn regulators_day(&mut self) {
        let day = self.day;
        // Leaders record today's stringency before their followers (validation rules out cycles),
        // so a follower with no lag adopts its leader's stringency the same day.
        let mut recorded = vec![false; self.regulators.len()];
        while recorded.contains(&false) {
            for r in 0..self.regulators.len() {
                let ready = self.regulators[r].leader.is_none_or(|l| recorded[l]);
                if recorded[r] || !ready {
                    continue;
                }
                let leader = self.regulators[r]
                    .leader
                    .map(|l| self.regulators[l].stringency_history.clone());
                self.regulators[r].record_day(day, leader.as_deref());
                recorded[r] = true;
            }
        }
        for r in 0..self.regulators.len() {
            self.schedule_inspections(r);
        }
        for p in 0..self.platforms.len() {
            if self.platforms[p].inspection_day == Some(day) && !self.platforms[p].state.is_closed() {
                self.inspect(p);
            }
        }
        self.public_warnings();
        if let Some((_, next)) = self.policy.ratings {
            if day >= next {
                self.publish_ratings(day);
            }
        }
    }

    /// Adds today's inspection capacity (inspections per day × stringency) and announces as
    /// many whole inspections as it allows, `notice_days` ahead. A fraud told of an inspection
    /// may run away at once.
    fn schedule_inspections(&mut self, r: usize) {
        let regulator = &mut self.regulators[r];
        regulator.inspection_capacity += regulator.params.inspections_per_day * regulator.stringency();
        let targeting = regulator.params.targeting;
        while self.regulators[r].inspection_capacity >= 1.0 {
            self.regulators[r].inspection_capacity -= 1.0;
            let candidates: Vec<usize> = (0..self.platforms.len())
                .filter(|&p| {
                    let platform = &self.platforms[p];
                    platform.regulator == r && !platform.state.is_closed() && platform.inspection_day.is_none()
                })
                .collect();
            if candidates.is_empty() {
                self.regulators[r].inspection_capacity = 0.0;
                return;
            }
            let target = match targeting {
                Targeting::Random => candidates[self.regulator_rng.random_range(0..candidates.len())],
                Targeting::RiskRanked => *candidates
                    .iter()
                    .max_by_key(|&&p| (self.platforms[p].recent_complaints(), std::cmp::Reverse(p)))
                    .expect("non-empty"),
                Targeting::WarningRanked => *candidates
                    .iter()
                    .max_by(|&&a, &&b| {
                        let score = |p: usize| self.warning.composite.get(p).copied().unwrap_or(0.0);
                        score(a).total_cmp(&score(b)).then(b.cmp(&a))
                    })
                    .expect("non-empty"),
            };
            self.announce_inspection(target);
        }
    }

    /// Announces an inspection of `p` in its regulator's `notice_days` (at once without notice).
    /// A fraud told of an inspection may run away at once.
    pub(crate) fn announce_inspection(&mut self, p: usize) {
        let notice = self.regulators[self.platforms[p].regulator].params.notice_days;
        self.platforms[p].inspection_day = Some(self.day + notice);
        let flee = self.scenario.platforms.flee_on_notice;
        if notice > 0 && self.platforms[p].kind == PlatformType::Fraudulent && self.regulator_rng.random::<f64>() < flee
        {
            self.close(p, PlatformState::RanAway);
        } else if notice == 0 {
            self.inspect(p);
        }
    }

    /// Carries out an inspection of `p`: a fraud is exposed with probability `detection_power`;
    /// an insolvent platform is detected with that probability and wound down; otherwise a
    /// platform whose compliance is below stringency is fined and brings compliance halfway up.
    fn inspect(&mut self, p: usize) {
        self.platforms[p].inspection_day = None;
        self.totals.inspections += 1;
        self.today.inspections += 1;
        self.public.record_inspection(&self.scenario.public_cost);
        let r = self.platforms[p].regulator;
        let params = self.regulators[r].params.clone();
        let stringency = self.regulators[r].stringency();
        let detected = self.regulator_rng.random::<f64>() < params.detection_power;
        let platform = &self.platforms[p];
        if detected && platform.kind == PlatformType::Fraudulent {
            self.expose_fraud(p);
        } else if detected && !platform.is_solvent() {
            self.totals.enforcement_actions += 1;
            self.today.enforcement_actions += 1;
            self.close(p, PlatformState::WoundDown);
        } else if platform.compliance < stringency {
            let share = self.market_share(p);
            let platform = &mut self.platforms[p];
            // Cash already promised to tomorrow's withdrawals cannot be fined away.
            let fine = ((platform.claims_cents as f64 * params.fine_rate) as i64)
                .min(platform.reserves_cents - platform.payable_cents)
                .max(0);
            platform.reserves_cents -= fine;
            platform.compliance = (platform.compliance + stringency) / 2.0;
            self.regulators[r].treasury_cents += fine;
            self.totals.enforcement_actions += 1;
            self.today.enforcement_actions += 1;
            self.news.publish(
                NewsKind::Enforcement,
                Some(p as u32),
                self.scenario.news.enforcement,
                share,
            );
        }
    }

    /// Warns the public about open platforms whose complaints over the last 30 days reached
    /// their regulator's threshold.
    fn public_warnings(&mut self) {
        for p in 0..self.platforms.len() {
            let platform = &self.platforms[p];
            let threshold = self.regulators[platform.regulator].params.warning_complaints;
            if threshold != 0 && !platform.state.is_closed() && platform.recent_complaints() >= threshold {
                self.warn_publicly(p);
            }
        }
    }

    /// Warns the public about platform `p` (once): its perceived quality drops to 0, and the
    /// warning is news.
    pub(crate) fn warn_publicly(&mut self, p: usize) {
        if self.platforms[p].warned {
            return;
        }
        let share = self.market_share(p);
        self.platforms[p].warned = true;
        self.totals.enforcement_actions += 1;
        self.today.enforcement_actions += 1;
        self.news.publish(
            NewsKind::PublicWarning,
            Some(p as u32),
            self.scenario.news.public_warning,
            share,
        );
    }

    /// Publishes ratings of every open platform: its true health with weight `detection_power`
    /// and its reported health with the rest, plus noise shrinking with detection power.
    pub(crate) fn publish_ratings(&mut self, day: u32) {
        let Some((terms, _)) = self.policy.ratings.clone() else {
            return;
        };
        for p in 0..self.platforms.len() {
            if self.platforms[p].state.is_closed() {
                continue;
            }
            let power = self.regulators[self.platforms[p].regulator].params.detection_power;
            let noise = samplers::standard_normal(&mut self.ratings_rng);
            let platform = &mut self.platforms[p];
            let seen = power * platform.true_health() + (1.0 - power) * platform.reported_health();
            let rating = (seen + terms.noise * (1.0 - power) * noise).clamp(0.0, 1.0);
            platform.rating = Some(rating);
            platform.blacklisted = rating < terms.blacklist_below;
        }
        self.policy.ratings = Some((terms.clone(), day + terms.interval_days));
    }
}
