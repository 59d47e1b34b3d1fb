//! The early-warning system's day in the world: observe, update the warning levels, record the
//! scores for evaluation, and carry out the strategy's warning responses for platforms whose
//! level rose today.

use crate::event::{Action, LiquidityBackstop, WarningResponse};
use crate::ledger::Inflow;
use crate::platform::PlatformState;
use crate::warning::{scores, Indicator};
use crate::warning_eval::{Evaluation, PlatformSeries};
use crate::world::World;

/// Scores recorded per platform and day: the indicators, then the composite.
pub const SCORES: usize = 8;

/// The names of the recorded scores, in order.
pub fn score_names() -> [&'static str; SCORES] {
    let mut names = ["composite"; SCORES];
    for (k, indicator) in Indicator::ALL.iter().enumerate() {
        names[k] = indicator.name();
    }
    names
}

impl World {
    /// Runs the early-warning system for today, after the regulators' day and entry.
    pub(crate) fn warnings_day(&mut self) {
        let observation = self.observe_for_regulators();
        let seen = self.warning.update(observation);
        let days = self.day as usize;
        self.warning_scores.resize(self.platforms.len(), Vec::new());
        for (p, history) in self.warning_scores.iter_mut().enumerate() {
            history.resize(days - 1, [f32::NAN; SCORES]);
            let signals = seen.as_ref().and_then(|o| o.platforms.get(p)).filter(|s| s.open);
            history.push(signals.map_or([f32::NAN; SCORES], |s| {
                let (z, composite) = scores(s, &self.scenario.warning);
                let mut all = [composite as f32; SCORES];
                for (k, value) in z.iter().enumerate() {
                    all[k] = *value as f32;
                }
                all
            }));
        }
        if seen.is_none() {
            return;
        }
        let day = self.day;
        // Responses of the scenario's events from their day on, then the strategy's in force.
        let events = self.scenario.event.iter().filter(|e| e.day <= day).map(|e| &e.action);
        let interventions = self
            .interventions
            .iter()
            .filter(|i| i.schedule.strength(day) > 0.0)
            .map(|i| &i.action);
        let responses: Vec<WarningResponse> = events
            .chain(interventions)
            .filter_map(|action| match action {
                Action::WarningResponse(r) => Some(r.clone()),
                _ => None,
            })
            .collect();
        for response in responses {
            for p in 0..self.platforms.len() {
                if !self.platforms[p].state.is_closed() && self.warning.reached(p, response.level) {
                    self.respond(p, &response);
                }
            }
        }
    }

    /// How well each recorded score (in [`score_names`] order) foretold this run's platform
    /// failures, with the scenario's `warning.lookahead_days`.
    pub fn warning_evaluations(&self) -> Vec<Evaluation> {
        (0..SCORES)
            .map(|k| {
                let series: Vec<PlatformSeries> = self
                    .warning_scores
                    .iter()
                    .zip(&self.platforms)
                    .map(|(history, platform)| PlatformSeries {
                        first_day: 1,
                        scores: history.iter().map(|day| f64::from(day[k])).collect(),
                        failed_day: platform.closed_day.filter(|_| platform.state.is_failure()),
                    })
                    .collect();
                let mut evaluation = Evaluation::new();
                evaluation.add_run(&series, self.scenario.warning.lookahead_days);
                evaluation
            })
            .collect()
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
        if response.emergency_liquidity && self.policy.backstop.is_none() {
            let capital = self.policy.open_backstop(&LiquidityBackstop::default());
            self.ledger.inflow(Inflow::BackstopCapital, capital);
        }
        if response.wind_down {
            self.totals.enforcement_actions += 1;
            self.today.enforcement_actions += 1;
            self.close(p, PlatformState::WoundDown);
        }
    }
}
