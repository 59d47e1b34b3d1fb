//! What events and interventions do to the world: shocks (run-aways, leaks, rumours), policy
//! instruments started by events, and a strategy's interventions started, ramped and lifted on
//! their schedules.

use rand::seq::index::sample;

use crate::model::ledger::Inflow;
use crate::model::news::NewsKind;
use crate::model::platform::PlatformState;
use crate::model::policy::{capped, Campaign};
use crate::model::users::{Social, UserState};
use crate::model::world::World;
use crate::scenario::action::Action;
use crate::scenario::event::{ComplianceDeadline, EducationCampaign, PlatformSelector};
use crate::scenario::strategy::Schedule;

impl World {
    /// The platform an event names, among open platforms: the largest by claims (ties to the
    /// lowest index), optionally of one type, or a given index.
    fn select(&self, selector: PlatformSelector) -> Option<usize> {
        match selector {
            PlatformSelector::Index(i) => {
                let i = i as usize;
                (i < self.platforms.len() && !self.platforms[i].state.is_closed()).then_some(i)
            }
            PlatformSelector::Largest(kind) => self
                .platforms
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.state.is_closed() && kind.is_none_or(|k| p.kind == k))
                .max_by_key(|(i, p)| (p.claims_cents, std::cmp::Reverse(*i)))
                .map(|(i, _)| i),
        }
    }

    /// Applies the day's changes of policy: first the lifts of the strategy's interventions that
    /// ended yesterday, so that whatever ends never undoes what starts the same day; then the
    /// scenario's events for `day`, in file order; then the interventions, each started on its
    /// start day or strengthened along its ramp, in strategy order.
    pub(crate) fn apply_events(&mut self, day: u32) {
        let interventions = self.interventions.clone();
        for intervention in interventions.iter().filter(|i| i.schedule.lifted_on(day)) {
            self.lift(day, &intervention.action);
        }
        let events: Vec<Action> = self
            .scenario
            .event
            .iter()
            .filter(|e| e.day == day)
            .map(|e| e.action.clone())
            .collect();
        for action in events {
            self.start(day, &action, Schedule::from_day(day));
        }
        for intervention in &interventions {
            let schedule = intervention.schedule;
            if day == schedule.start_day {
                self.start(day, &intervention.action, schedule);
            } else if schedule.ramping_on(day) {
                self.strengthen(&intervention.action, schedule.strength(day));
            }
        }
    }

    /// Starts `action` on `day` under `schedule`: campaigns and ramped instruments at the
    /// schedule's strength of the day, everything else at once.
    fn start(&mut self, day: u32, action: &Action, schedule: Schedule) {
        match action {
            Action::EducationCampaign(c) => self.start_campaign(c, schedule),
            Action::DisclosureMandate(m) => {
                self.policy.disclosure_cost_rate = m.cost_rate;
                self.strengthen(action, schedule.strength(day));
            }
            Action::Inspections(_) | Action::MarketingRestriction(_) => self.strengthen(action, schedule.strength(day)),
            _ => self.act(day, action),
        }
    }

    /// Does what an action does at once (instruments that ramp or run a campaign go through
    /// [`World::start`]).
    fn act(&mut self, day: u32, action: &Action) {
        let intensities = self.scenario.news.clone();
        match action {
            Action::RunAway(t) => {
                if let Some(p) = self.select(t.platform) {
                    self.close(p, PlatformState::RanAway);
                }
            }
            Action::Collapse(t) => {
                if let Some(p) = self.select(t.platform) {
                    self.close(p, PlatformState::Collapsed);
                }
            }
            Action::DataLeak(t) => {
                if let Some(p) = self.select(t.platform) {
                    self.leak(p);
                }
            }
            Action::Rumour(r) => {
                if let Some(p) = self.select(r.platform) {
                    let share = self.market_share(p);
                    self.news.publish(NewsKind::Rumour, Some(p as u32), r.intensity, share);
                }
            }
            Action::FraudExposure(t) => {
                if let Some(p) = self.select(t.platform) {
                    self.expose_fraud(p);
                }
            }
            Action::RegulatoryAnnouncement(a) => self.news.publish(NewsKind::Announcement, None, a.intensity, 0.0),
            Action::MarketingCampaign(c) => {
                if let Some(p) = self.select(c.platform) {
                    self.platforms[p].campaign = Some((c.multiplier, day + c.duration_days - 1));
                }
            }
            Action::Tightening(t) => {
                for regulator in self.regulators_named(&t.regulator) {
                    self.regulators[regulator].tighten(day, t.stringency, t.ramp_days);
                }
                self.news
                    .publish(NewsKind::Announcement, None, intensities.enforcement, 0.0);
            }
            Action::EducationCampaign(_)
            | Action::DisclosureMandate(_)
            | Action::Inspections(_)
            | Action::MarketingRestriction(_) => self.start(day, action, Schedule::from_day(day)),
            // Warning responses act in the early-warning system's day while in force.
            Action::WarningResponse(_) => {}
            Action::CompensationFund(terms) => {
                let capital = self.policy.open_fund(terms);
                self.ledger.inflow(Inflow::FundCapital, capital);
            }
            Action::LiquidityBackstop(terms) => {
                let capital = self.policy.open_backstop(terms);
                self.ledger.inflow(Inflow::BackstopCapital, capital);
            }
            Action::Ratings(terms) => {
                self.policy.ratings = Some((terms.clone(), day));
                self.publish_ratings(day);
            }
            Action::WindDownPolicy(w) => {
                for regulator in self.regulators_named(&w.regulator) {
                    self.regulators[regulator].params.wind_down_recovery = w.recovery;
                }
            }
            Action::FundCustody => self.policy.custody = true,
            Action::FundraisingBan(ban) => self.ban_fundraising(&ban.regulator, true),
            Action::ComplianceDeadline(deadline) => self.enforce_deadline(deadline),
            Action::SeedWithdrawers(s) => self.seed_withdrawers(day, s.count),
        }
    }

    /// Makes `count` users, drawn uniformly, start withdrawing everything today (an exited user
    /// or a victim keeps that state).
    fn seed_withdrawers(&mut self, day: u32, count: u32) {
        let n = self.users.len();
        let memory = self.scenario.behaviour.herd_memory_days;
        let mut chosen = sample(&mut self.event_rng, n, count as usize).into_vec();
        chosen.sort_unstable();
        let k = self.users.slots;
        for i in chosen {
            // Visible from today: the users' day reads `social` today.
            self.users.visible_until[i] = day.saturating_add(memory);
            self.users.social[i] = Social::new(self.users.social[i].trust(), true);
            // Users who left the sector or lost money in a failure stay out for good.
            if !matches!(self.users.state[i], UserState::Exited | UserState::Victim) {
                self.users.state[i] = UserState::Withdrawing;
            }
            let slots = i * k..(i + 1) * k;
            let requests = &mut self.users.requests[slots.clone()];
            for (holding, request) in self.users.holdings[slots].iter_mut().zip(requests) {
                if holding.is_held()
                    && holding.pending_cents == 0
                    && !self.platforms[holding.platform as usize].state.is_closed()
                {
                    holding.pending_cents = holding.amount_cents;
                    *request = request.made_on(day);
                    self.platforms[holding.platform as usize].pending_cents += holding.amount_cents;
                }
            }
        }
    }

    /// The indices of the regulators an action names ("" for every regulator).
    fn regulators_named(&self, name: &str) -> Vec<usize> {
        (0..self.regulators.len())
            .filter(|&r| name.is_empty() || self.regulators[r].params.name == name)
            .collect()
    }

    /// Bans (or lifts a ban on) new fund-raising by the platforms of the regulators named.
    fn ban_fundraising(&mut self, regulator: &str, banned: bool) {
        let named = self.regulators_named(regulator);
        let flags = &mut self.policy.fundraising_banned;
        flags.resize(self.regulators.len(), false);
        for &r in &named {
            flags[r] = banned;
        }
        for platform in &mut self.platforms {
            platform.fundraising_banned = flags[platform.regulator];
        }
    }

    /// Enforces a compliance deadline: each open platform of the named regulators whose
    /// compliance is below the minimum exits in order if it is solvent and not suspended, and
    /// otherwise loses its fund-raising for good; one enforcement announcement is published.
    fn enforce_deadline(&mut self, deadline: &ComplianceDeadline) {
        let named = self.regulators_named(&deadline.regulator);
        for p in 0..self.platforms.len() {
            let platform = &self.platforms[p];
            if platform.state.is_closed()
                || !named.contains(&platform.regulator)
                || platform.compliance >= deadline.minimum
            {
                continue;
            }
            if platform.is_solvent() && platform.state != PlatformState::Suspended {
                self.close(p, PlatformState::Exited);
            } else {
                self.platforms[p].fundraising_suspended = true;
            }
        }
        let intensity = self.scenario.news.enforcement;
        self.news.publish(NewsKind::Announcement, None, intensity, 0.0);
    }

    /// Starts an education campaign; it ends after `duration_days` or at the schedule's end,
    /// whichever comes first.
    fn start_campaign(&mut self, terms: &EducationCampaign, schedule: Schedule) {
        let last = schedule.start_day.saturating_add(terms.duration_days - 1);
        self.policy.education.push(Campaign {
            terms: terms.clone(),
            schedule: Schedule {
                end_day: Some(schedule.end_day.map_or(last, |end| end.min(last))),
                ..schedule
            },
        });
    }

    /// Sets a ramped instrument to `strength` (0 to 1) of its full effect: the disclosure
    /// minimum, the inspection rate (from the regulator's own towards the intervention's) and
    /// the caps on returns and marketing. Other actions are unaffected.
    fn strengthen(&mut self, action: &Action, strength: f64) {
        match action {
            Action::DisclosureMandate(m) => {
                let minimum = m.minimum * strength;
                self.policy.disclosure_minimum = self.policy.disclosure_minimum.max(minimum);
                for platform in &mut self.platforms {
                    platform.disclosure = platform.disclosure.max(minimum);
                }
            }
            Action::Inspections(i) => {
                for r in self.regulators_named(&i.regulator) {
                    let own = self.scenario.regulator[r].inspections_per_day;
                    let params = &mut self.regulators[r].params;
                    params.inspections_per_day = own + strength * (i.inspections_per_day - own);
                    params.targeting = i.targeting;
                }
            }
            Action::MarketingRestriction(m) => {
                self.policy.caps = Some((m.clone(), strength));
                self.impose_caps();
            }
            // Tightening ramps in the regulators' own stringency path; campaigns reach users at
            // their own rate; the rest start whole.
            Action::Tightening(_)
            | Action::EducationCampaign(_)
            | Action::RunAway(_)
            | Action::Collapse(_)
            | Action::DataLeak(_)
            | Action::Rumour(_)
            | Action::FraudExposure(_)
            | Action::RegulatoryAnnouncement(_)
            | Action::MarketingCampaign(_)
            | Action::CompensationFund(_)
            | Action::LiquidityBackstop(_)
            | Action::Ratings(_)
            | Action::FundCustody
            | Action::FundraisingBan(_)
            | Action::SeedWithdrawers(_)
            | Action::WindDownPolicy(_)
            | Action::ComplianceDeadline(_)
            | Action::WarningResponse(_) => {}
        }
    }

    /// Sets every platform's promised return and marketing to its type's, brought in by the caps.
    pub(crate) fn impose_caps(&mut self) {
        let params = &self.scenario.platforms;
        for platform in &mut self.platforms {
            let (base_return, base_marketing) = (
                params.promised_return.get(platform.kind),
                params.marketing.get(platform.kind),
            );
            (platform.promised_return, platform.marketing) = match &self.policy.caps {
                Some((caps, strength)) => (
                    capped(base_return, caps.max_promised_return, *strength),
                    capped(base_marketing, caps.max_marketing, *strength),
                ),
                None => (base_return, base_marketing),
            };
        }
    }

    /// Ends an intervention the day after its last day: the instrument stops, and what it
    /// changed goes back to the scenario's own setting. A lifted fund keeps its balance but covers
    /// no new failure; a lifted backstop makes no new loan; platforms keep the disclosure they
    /// reached; tightening returns to the regulator's initial stringency at once.
    fn lift(&mut self, day: u32, action: &Action) {
        match action {
            Action::Tightening(t) => {
                for r in self.regulators_named(&t.regulator) {
                    let initial = self.scenario.regulator[r].stringency;
                    self.regulators[r].tighten(day, initial, 0);
                }
            }
            Action::CompensationFund(_) => self.policy.close_fund(),
            Action::LiquidityBackstop(_) => {
                if let Some(backstop) = self.policy.backstop.as_mut() {
                    backstop.lending = false;
                }
            }
            Action::Ratings(_) => {
                self.policy.ratings = None;
                for platform in &mut self.platforms {
                    platform.rating = None;
                    platform.blacklisted = false;
                }
            }
            Action::DisclosureMandate(_) => {
                self.policy.disclosure_minimum = 0.0;
                self.policy.disclosure_cost_rate = 0.0;
            }
            Action::FundCustody => self.policy.custody = false,
            Action::FundraisingBan(ban) => self.ban_fundraising(&ban.regulator, false),
            Action::Inspections(i) => {
                for r in self.regulators_named(&i.regulator) {
                    let own = &self.scenario.regulator[r];
                    let params = &mut self.regulators[r].params;
                    params.inspections_per_day = own.inspections_per_day;
                    params.targeting = own.targeting;
                }
            }
            Action::WindDownPolicy(w) => {
                for r in self.regulators_named(&w.regulator) {
                    self.regulators[r].params.wind_down_recovery = self.scenario.regulator[r].wind_down_recovery;
                }
            }
            Action::MarketingRestriction(_) => {
                self.policy.caps = None;
                self.impose_caps();
            }
            // Campaigns end on their own schedule, warning responses act only while in force, a
            // deadline's exits and lost fund-raising stand; shocks and announcements have nothing
            // to lift (and validation keeps shocks out of strategies).
            Action::EducationCampaign(_)
            | Action::ComplianceDeadline(_)
            | Action::WarningResponse(_)
            | Action::RegulatoryAnnouncement(_)
            | Action::RunAway(_)
            | Action::Collapse(_)
            | Action::DataLeak(_)
            | Action::Rumour(_)
            | Action::FraudExposure(_)
            | Action::MarketingCampaign(_)
            | Action::SeedWithdrawers(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::platform::PlatformState;
    use crate::model::world::World;
    use crate::scenario::loader::parse;

    /// A small world under the scenario's only strategy, whose interventions are `interventions`.
    fn world(interventions: &str) -> World {
        let text = format!(
            "schema_version = 1\nhorizon_days = 60\n[population]\nusers = 500\n[[strategy]]\nname = \"s\"\n{interventions}"
        );
        let scenario = parse(&text, "t.toml", &[], std::path::Path::new("t.toml")).expect("valid");
        World::build(&scenario, None, 1).expect("builds")
    }

    fn step_to(world: &mut World, day: u32) {
        while world.day < day {
            world.step().expect("steps");
        }
    }

    #[test]
    fn a_fund_covers_until_its_end_then_stops_but_keeps_its_balance() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 5\nend_day = 9\ncoverage = 0.5\ncapital_yuan = 1000.0",
        );
        step_to(&mut w, 4);
        assert!(w.policy.fund.is_none());
        step_to(&mut w, 9);
        assert_eq!(w.policy.fund.as_ref().unwrap().coverage, 0.5);
        assert!(w.reassurance() > 0.0);
        step_to(&mut w, 10);
        let fund = w.policy.fund.as_ref().unwrap();
        assert_eq!((fund.coverage, fund.levy_rate), (0.0, 0.0));
        assert!(fund.balance_cents >= 100_000, "the balance stays in the fund");
        assert_eq!(w.reassurance(), 0.0);
    }

    #[test]
    fn a_fund_that_has_paid_itself_out_stops_reassuring_and_a_well_funded_one_does_not() {
        let with_capital = |capital: &str| {
            let mut w = world(&format!(
                "[[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 1\ncoverage = 1.0\n\
                 cap_yuan = 1.0e9\ncapital_yuan = {capital}\n[trust]\nfund_target_ratio = 0.005\n[[event]]\nday = 3\nkind = \"collapse\"\nplatform = \"largest\""
            ));
            step_to(&mut w, 2);
            let before = w.reassurance();
            step_to(&mut w, 3);
            (before, w.reassurance(), w.policy.fund.clone().unwrap())
        };
        let full = 0.8;
        let (before, after, fund) = with_capital("1.0e5");
        assert_eq!(before, full, "credible while its balance covers 0.5% of the claims");
        assert!(
            fund.balance_cents - fund.committed_cents < 100_000,
            "the collapse took nearly all of the 10,000,000 cents: {fund:?}"
        );
        assert!(
            after < 0.05 * full,
            "a fund with nothing left reassures no one: {after}"
        );
        let (before, after, _) = with_capital("1.0e12");
        assert_eq!((before, after), (full, full));
    }

    #[test]
    fn a_compliance_deadline_closes_solvent_laggards_in_order_and_cuts_off_the_rest() {
        let mut w = world("[[event]]\nday = 5\nkind = \"compliance_deadline\"\nminimum = 0.6");
        step_to(&mut w, 4);
        let before: Vec<(bool, bool)> = w
            .platforms
            .iter()
            .map(|p| (p.compliance < 0.6, p.is_solvent() && !p.state.is_closed()))
            .collect();
        step_to(&mut w, 5);
        for (platform, &(lagging, solvent)) in w.platforms.iter().zip(&before) {
            match (lagging, solvent) {
                (false, _) => assert!(!platform.fundraising_suspended && platform.state != PlatformState::Exited),
                (true, true) => assert_eq!(platform.closed_day, Some(5), "solvent laggard {} exits", platform.id),
                (true, false) => assert!(platform.state.is_closed() || platform.fundraising_suspended),
            }
        }
        assert!(
            before.iter().any(|&(lagging, solvent)| lagging && solvent),
            "fragile platforms lag"
        );
        assert!(
            before.iter().any(|&(lagging, solvent)| lagging && !solvent),
            "frauds lag, insolvent"
        );
        assert!(w.platforms.iter().any(|p| p.state == PlatformState::Exited));
    }

    #[test]
    fn an_education_campaign_ramps_its_reach_and_ends_at_the_intervention_end() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"education_campaign\"\nstart_day = 10\nend_day = 30\nramp_days = 4\nreach_per_day = 0.4\nduration_days = 100",
        );
        step_to(&mut w, 9);
        assert_eq!(w.policy.education_today(9), None);
        step_to(&mut w, 11);
        let (reach, _) = w.policy.education_today(11).unwrap();
        assert!((reach - 0.4 * 2.0 / 4.0).abs() < 1e-12, "{reach}");
        assert!((w.policy.education_today(20).unwrap().0 - 0.4).abs() < 1e-12);
        assert_eq!(w.policy.education_today(31), None);
    }

    #[test]
    fn marketing_caps_close_in_along_the_ramp_and_are_lifted_after_the_end() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"marketing_restriction\"\nstart_day = 3\nend_day = 12\nramp_days = 2\nmax_promised_return = 0.08\nmax_marketing = 0.3",
        );
        let fraud = w
            .platforms
            .iter()
            .position(|p| p.kind == crate::scenario::tables::PlatformType::Fraudulent)
            .unwrap();
        let base = w.platforms[fraud].promised_return;
        assert!(base > 0.08);
        step_to(&mut w, 3);
        assert!((w.platforms[fraud].promised_return - (base - 0.5 * (base - 0.08))).abs() < 1e-12);
        step_to(&mut w, 4);
        assert!((w.platforms[fraud].promised_return - 0.08).abs() < 1e-12);
        assert!(w.platforms.iter().all(|p| p.marketing <= 0.3 + 1e-12));
        step_to(&mut w, 13);
        assert_eq!(w.platforms[fraud].promised_return, base);
    }

    #[test]
    fn inspections_move_from_the_regulators_rate_and_return_to_it() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"inspections\"\nstart_day = 2\nend_day = 20\nramp_days = 4\ninspections_per_day = 2.2",
        );
        let own = w.regulators[0].params.inspections_per_day;
        step_to(&mut w, 3);
        let expected = own + 0.5 * (2.2 - own);
        assert!((w.regulators[0].params.inspections_per_day - expected).abs() < 1e-12);
        assert_eq!(
            w.regulators[0].params.targeting,
            crate::scenario::tables::Targeting::RiskRanked
        );
        step_to(&mut w, 21);
        assert_eq!(w.regulators[0].params.inspections_per_day, own);
        assert_eq!(w.regulators[0].params.targeting, w.scenario.regulator[0].targeting);
    }

    #[test]
    fn what_ends_never_undoes_what_starts_the_same_day() {
        // The fund listed first starts on day 10; the one listed after it ends on day 9, so it is
        // lifted on day 10; custody ends on day 9 too while an event sets it up again on day 10.
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 10\ncoverage = 0.8\n\
             [[strategy.intervention]]\nkind = \"compensation_fund\"\nstart_day = 2\nend_day = 9\ncoverage = 0.5\n\
             [[strategy.intervention]]\nkind = \"fund_custody\"\nstart_day = 2\nend_day = 9\n\
             [[event]]\nday = 10\nkind = \"fund_custody\"",
        );
        step_to(&mut w, 9);
        assert_eq!(w.policy.fund.as_ref().unwrap().coverage, 0.5);
        assert!(w.policy.custody);
        step_to(&mut w, 10);
        assert_eq!(w.policy.fund.as_ref().unwrap().coverage, 0.8);
        assert!(w.policy.custody, "the event of day 10 stands");
    }

    #[test]
    fn lifted_instruments_stop() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"liquidity_backstop\"\nstart_day = 1\nend_day = 5\n\
             [[strategy.intervention]]\nkind = \"fund_custody\"\nstart_day = 1\nend_day = 5\n\
             [[strategy.intervention]]\nkind = \"fundraising_ban\"\nstart_day = 1\nend_day = 5\n\
             [[strategy.intervention]]\nkind = \"tightening\"\nstart_day = 1\nend_day = 5\nstringency = 0.9",
        );
        step_to(&mut w, 5);
        assert!(w.policy.backstop.as_ref().unwrap().lending && w.policy.custody);
        assert!(w.platforms.iter().all(|p| !p.accepts_deposits()));
        assert_eq!(w.regulators[0].stringency(), 0.9);
        step_to(&mut w, 6);
        assert!(!w.policy.backstop.as_ref().unwrap().lending && !w.policy.custody);
        assert!(w.platforms.iter().any(|p| p.accepts_deposits()));
        assert_eq!(w.regulators[0].stringency(), w.scenario.regulator[0].stringency);
    }

    #[test]
    fn ratings_punish_platforms_rated_below_the_bar_until_lifted() {
        let mut w =
            world("[[strategy.intervention]]\nkind = \"ratings\"\nstart_day = 2\nend_day = 8\nblacklist_below = 1.0");
        step_to(&mut w, 2);
        let open = w.platforms.iter().filter(|p| !p.state.is_closed());
        assert!(open.clone().all(|p| p.rating.is_some()));
        assert!(open
            .filter(|p| p.rating < Some(1.0))
            .all(|p| p.blacklisted && !p.accepts_deposits()));
        step_to(&mut w, 9);
        assert!(w.platforms.iter().all(|p| p.rating.is_none() && !p.blacklisted));
    }

    #[test]
    fn a_disclosure_mandate_costs_platforms_while_in_force() {
        let mut w = world(
            "[[strategy.intervention]]\nkind = \"disclosure_mandate\"\nstart_day = 2\nend_day = 6\ncost_rate = 0.05\nminimum = 0.9",
        );
        step_to(&mut w, 1);
        assert_eq!(w.ledger.compliance_costs, 0);
        step_to(&mut w, 6);
        let paid = w.ledger.compliance_costs;
        assert!(paid > 0);
        assert!(w.platforms.iter().all(|p| p.disclosure >= 0.9));
        step_to(&mut w, 10);
        assert_eq!(w.ledger.compliance_costs, paid, "no cost once lifted");
    }
}
