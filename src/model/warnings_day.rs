//! The early-warning system's day in the world: observe, update the warning levels, record the
//! scores for evaluation, and carry out the strategy's warning responses for platforms whose
//! level rose today.

use crate::model::ledger::Inflow;
use crate::model::observation::Observation;
use crate::model::platform::PlatformState;
use crate::model::warning_system::{scores, Indicator, SECTOR_INDICATORS};
use crate::model::world::World;
use crate::scenario::action::Action;
use crate::scenario::event::{LiquidityBackstop, WarningResponse};

/// Scores recorded per platform and day: the indicators, then the composite.
pub const SCORES: usize = 8;

/// Sector scores recorded per day: the sector indicators, then the sector composite.
pub const SECTOR_SCORES: usize = SECTOR_INDICATORS.len() + 1;

/// The names of the evaluated scores, in order: the platform indicators, the platform
/// composite, the sector indicators and the sector composite.
pub fn score_names() -> Vec<&'static str> {
    let platform = Indicator::ALL.iter().map(|i| i.name()).chain(["composite"]);
    platform.chain(SECTOR_INDICATORS).chain(["sector_composite"]).collect()
}

impl World {
    /// Runs the early-warning system for today, after the regulators' day and entry.
    pub(crate) fn warnings_day(&mut self) {
        let observation = self.observe_for_regulators();
        let seen = self.warning.update(observation);
        if seen.is_some() {
            self.respond_to_warnings();
        }
        self.record_scores(seen.as_ref());
    }

    /// Records today's scores of every platform from the observation seen today: NaN when none
    /// was seen, when the platform was not open in it, or when it has closed since; and of the
    /// sector (NaN when none was seen).
    fn record_scores(&mut self, seen: Option<&Observation>) {
        self.sector_scores.push(match (seen, self.warning.sector()) {
            (Some(_), Some((z, composite))) => {
                let mut all = [composite; SECTOR_SCORES];
                all[..z.len()].copy_from_slice(&z);
                all
            }
            _ => [f64::NAN; SECTOR_SCORES],
        });
        let days = self.day as usize;
        // Each history is allocated once, for the whole horizon: grown by doubling, the histories
        // would hold up to twice the memory they use.
        let horizon = self.scenario.horizon_days as usize;
        self.warning_scores
            .resize_with(self.platforms.len(), || Vec::with_capacity(horizon));
        for (p, history) in self.warning_scores.iter_mut().enumerate() {
            history.resize(days - 1, [f64::NAN; SCORES]);
            // Nothing is scored on or after the day a platform closes, even from older observations.
            let open_now = !self.platforms[p].state.is_closed();
            let signals = seen.and_then(|o| o.platforms.get(p)).filter(|s| s.open && open_now);
            history.push(signals.map_or([f64::NAN; SCORES], |s| {
                let (z, composite) = scores(s, &self.scenario.warning);
                let mut all = [composite; SCORES];
                all[..z.len()].copy_from_slice(&z);
                all
            }));
        }
    }

    /// Carries out the warning responses in force for platforms whose level rose today.
    fn respond_to_warnings(&mut self) {
        let day = self.day;
        // Responses of the scenario's events from their day on, then the strategy's in force;
        // each with whether it starts today.
        let events = self
            .scenario
            .event
            .iter()
            .filter(|e| e.day <= day)
            .map(|e| (&e.action, e.day == day));
        let interventions = self
            .interventions
            .iter()
            .filter(|i| i.schedule.strength(day) > 0.0)
            .map(|i| (&i.action, i.schedule.start_day == day));
        let responses: Vec<(WarningResponse, bool)> = events
            .chain(interventions)
            .filter_map(|(action, starts)| match action {
                Action::WarningResponse(r) => Some((r.clone(), starts)),
                _ => None,
            })
            .collect();
        // A response acts on a platform once each time its level rises to the response's level,
        // and on the day it starts, on every platform already there.
        for (response, starts) in responses {
            for p in 0..self.platforms.len() {
                let level = response.level;
                let due = self.warning.reached(p, level) || (starts && self.warning.level(p) >= level);
                if !self.platforms[p].state.is_closed() && due {
                    self.respond(p, &response);
                }
            }
        }
    }

    /// Carries out `response` for platform `p`, in the order of its keys.
    fn respond(&mut self, p: usize, response: &WarningResponse) {
        if response.inspect && self.platforms[p].inspection_day.is_none() {
            self.announce_inspection(p);
        }
        if self.platforms[p].state.is_closed() {
            return;
        }
        if response.public_warning {
            self.warn_publicly(p);
        }
        let platform = &mut self.platforms[p];
        platform.disclosure = platform.disclosure.max(response.disclosure_order);
        platform.fundraising_suspended |= response.suspend_fundraising;
        if response.emergency_liquidity {
            match self.policy.backstop.as_mut() {
                Some(backstop) => backstop.lending = true,
                None => {
                    let capital = self.policy.open_backstop(&LiquidityBackstop::default());
                    self.ledger.inflow(Inflow::BackstopCapital, capital);
                }
            }
        }
        if response.wind_down {
            self.totals.enforcement_actions += 1;
            self.today.enforcement_actions += 1;
            self.close(p, PlatformState::WoundDown);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::world::World;
    use crate::scenario::loader::parse;
    use crate::scenario::tables::PlatformType;
    use crate::scenario::warning::Level;

    /// A small world whose yield indicator dominates the composite: frauds (promised 18%, market
    /// 3%) score 1.8, fragile platforms 0.84 and sound ones 0.36 (alert is 1).
    pub(crate) fn world(strategy: &str) -> World {
        let text = format!(
            "schema_version = 1\nhorizon_days = 30\n[population]\nusers = 500\n[warning]\nyield_weight = 100.0\n\
             [[strategy]]\nname = \"s\"\n{strategy}"
        );
        let scenario = parse(&text, "t.toml", &[], std::path::Path::new("t.toml")).expect("valid");
        World::build(&scenario, None, 1).expect("builds")
    }

    pub(crate) fn step_to(world: &mut World, day: u32) {
        while world.day < day {
            world.step().expect("steps");
        }
    }

    fn of_kind(world: &World, kind: PlatformType) -> Vec<usize> {
        (0..world.platforms.len())
            .filter(|&p| world.platforms[p].kind == kind && !world.platforms[p].state.is_closed())
            .collect()
    }

    #[test]
    fn levels_follow_the_scores_after_the_delay_and_persistence() {
        let mut w = world("");
        step_to(&mut w, 3);
        assert!(of_kind(&w, PlatformType::Fraudulent)
            .iter()
            .all(|&p| w.warning.level(p) == Level::None));
        step_to(&mut w, 4);
        // Day 1 is seen on day 2 (one day's delay); three days at alert are complete on day 4.
        assert!(of_kind(&w, PlatformType::Fraudulent)
            .iter()
            .all(|&p| w.warning.level(p) == Level::Alert));
        assert!(of_kind(&w, PlatformType::Fragile)
            .iter()
            .all(|&p| w.warning.level(p) == Level::Watch));
        assert!(of_kind(&w, PlatformType::Sound)
            .iter()
            .all(|&p| w.warning.level(p) == Level::None));
        let fraud = of_kind(&w, PlatformType::Fraudulent)[0];
        assert_eq!(w.warning_scores[fraud].len(), 4, "one record per day");
        assert!(
            w.warning_scores[fraud][0].iter().all(|z| z.is_nan()),
            "nothing seen on day 1"
        );
        assert!((w.warning_scores[fraud][1][4] - 0.15 / 0.08).abs() < 1e-6, "yield z");
    }

    #[test]
    fn a_response_acts_from_its_start_day_on_every_platform_already_at_its_level() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"warning_response\"\nstart_day = 10\nlevel = \"alert\"\n\
             inspect = false\nsuspend_fundraising = true\npublic_warning = true",
        );
        step_to(&mut w, 9);
        assert!(w.platforms.iter().all(|p| !p.fundraising_suspended && !p.warned));
        step_to(&mut w, 10);
        for p in 0..w.platforms.len() {
            let platform = &w.platforms[p];
            let alerted = !platform.state.is_closed() && w.warning.level(p) >= Level::Alert;
            assert_eq!(platform.fundraising_suspended, alerted, "platform {p}");
            assert_eq!(platform.warned, alerted, "platform {p}");
            if alerted {
                assert!(!platform.accepts_deposits());
            }
        }
        assert!(w.platforms.iter().any(|p| p.fundraising_suspended));
    }
}
