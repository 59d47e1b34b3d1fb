//! How well an early-warning score predicts platform failures: hit rate, false-alarm rate and lead
//! time of the signal at its alarm threshold (the "signals approach" of Kaminsky, Lizondo &
//! Reinhart 1998, "Leading indicators of currency crises", IMF Staff Papers 45(1), 1–48), and the
//! ROC curve and its area over all thresholds. Pure computation over binned scores, mergeable
//! across runs; [`evaluate`] scores one finished run's world.

use crate::model::warnings_day::{SCORES, SECTOR_SCORES};
use crate::model::world::World;

/// Number of equal-width score bins on z in `[0, Z_MAX)`.
///
/// Scores are binned on z in [0, Z_MAX) in SCORE_BINS equal bins; z ≥ Z_MAX goes to the last bin,
/// z < 0 to the first.
pub const SCORE_BINS: usize = 400;

/// Upper end of the binned score range; higher scores share the last bin.
pub const Z_MAX: f64 = 4.0;

/// The alarm threshold: every score is normalised so that z = 1 is its indicator's threshold.
const ALARM_Z: f64 = 1.0;

/// The bin whose lower edge is the alarm threshold, so "bin ≥ ALARM_BIN" is exactly "z ≥ 1".
const ALARM_BIN: usize = (ALARM_Z * SCORE_BINS as f64 / Z_MAX) as usize;

// False alarms are read off the histogram, which is only right if z = 1 is a bin edge.
const _: () = assert!(bin_edge(ALARM_BIN) == ALARM_Z);

/// One platform's daily scores in one run, and when (if ever) it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformSeries {
    /// Day of the first score.
    pub first_day: u32,
    /// z on each day from `first_day` on; NaN on days the platform was not open (before entry or
    /// after closing): such days are skipped.
    pub scores: Vec<f64>,
    /// Day it failed (collapsed, ran away or was wound down), if it did.
    pub failed_day: Option<u32>,
}

/// The evaluation of one score over platform-days, mergeable across runs.
///
/// Everything is an integer count, so merging is exact and independent of order, and the
/// serialized form (kept for each run of an ensemble under `runs/`) is lossless.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// Positive platform-days (failure within the lookahead) per score bin.
    positive_days: Vec<u64>,
    /// Negative platform-days per score bin.
    negative_days: Vec<u64>,
    /// Platforms that failed.
    failures: u64,
    /// Hits per lead time: entry `lead_days` counts hits whose first alarm in the window came
    /// that many days before the failure. Never ends in a zero.
    hits_by_lead_days: Vec<u64>,
}

/// One point of a ROC curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RocPoint {
    /// The alarm threshold on z: a platform-day alarms when its score's bin starts at or above it.
    pub threshold: f64,
    /// Share of positive platform-days that alarm at this threshold (NaN without positives).
    pub true_positive_rate: f64,
    /// Share of negative platform-days that alarm at this threshold (NaN without negatives).
    pub false_positive_rate: f64,
}

impl Default for Evaluation {
    fn default() -> Evaluation {
        Evaluation::new()
    }
}

impl Evaluation {
    /// An empty evaluation.
    pub fn new() -> Evaluation {
        Evaluation {
            positive_days: vec![0; SCORE_BINS],
            negative_days: vec![0; SCORE_BINS],
            failures: 0,
            hits_by_lead_days: Vec::new(),
        }
    }

    /// Adds one run's platforms.
    ///
    /// A platform-day d (score not NaN) is *positive* when the platform fails on a day in
    /// (d, d + lookahead] and *negative* otherwise (so a scored day on or after the failure is
    /// negative). A failure is a *hit* when the score reached z ≥ 1 on some day in
    /// [failed_day − lookahead, failed_day − 1]; its lead time is failed_day minus the first such
    /// day. A negative platform-day with z ≥ 1 is a false alarm.
    pub fn add_run(&mut self, platforms: &[PlatformSeries], lookahead: u32) {
        let lookahead = u64::from(lookahead);
        for platform in platforms {
            let failed_day = platform.failed_day.map(u64::from);
            let mut first_alarm_in_window: Option<u64> = None;
            for (offset, &score) in platform.scores.iter().enumerate() {
                if score.is_nan() {
                    continue;
                }
                let day = u64::from(platform.first_day) + offset as u64;
                let bin = bin_of(score);
                match failed_day {
                    Some(failed) if day < failed && failed <= day + lookahead => {
                        self.positive_days[bin] += 1;
                        // Positive days are exactly the hit window [failed − lookahead, failed − 1].
                        if score >= ALARM_Z && first_alarm_in_window.is_none() {
                            first_alarm_in_window = Some(day);
                        }
                    }
                    _ => self.negative_days[bin] += 1,
                }
            }
            if let Some(failed) = failed_day {
                self.failures += 1;
                if let Some(alarm_day) = first_alarm_in_window {
                    self.record_hit((failed - alarm_day) as usize);
                }
            }
        }
    }

    /// Counts one hit with lead time `lead_days`.
    fn record_hit(&mut self, lead_days: usize) {
        if self.hits_by_lead_days.len() <= lead_days {
            self.hits_by_lead_days.resize(lead_days + 1, 0);
        }
        self.hits_by_lead_days[lead_days] += 1;
    }

    /// Adds another evaluation's counts (order-independent: integer sums).
    pub fn merge(&mut self, other: &Evaluation) {
        add_counts(&mut self.positive_days, &other.positive_days);
        add_counts(&mut self.negative_days, &other.negative_days);
        self.failures += other.failures;
        if self.hits_by_lead_days.len() < other.hits_by_lead_days.len() {
            self.hits_by_lead_days.resize(other.hits_by_lead_days.len(), 0);
        }
        add_counts(&mut self.hits_by_lead_days, &other.hits_by_lead_days);
    }

    /// Whether the counts have the shape [`Evaluation::new`] gives them (a check on evaluations
    /// read back from a file).
    pub fn is_well_formed(&self) -> bool {
        self.positive_days.len() == SCORE_BINS
            && self.negative_days.len() == SCORE_BINS
            && self.hits_by_lead_days.last() != Some(&0)
    }

    /// Failures seen.
    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// Failures that were hits.
    pub fn hits(&self) -> u64 {
        self.hits_by_lead_days.iter().sum()
    }

    /// hits / failures (NaN with no failure).
    pub fn hit_rate(&self) -> f64 {
        self.hits() as f64 / self.failures as f64
    }

    /// false alarms / negative platform-days (NaN with none).
    pub fn false_alarm_rate(&self) -> f64 {
        let false_alarms: u64 = self.negative_days[ALARM_BIN..].iter().sum();
        let negatives: u64 = self.negative_days.iter().sum();
        false_alarms as f64 / negatives as f64
    }

    /// Lead-time counts: (lead days, number of hits with that lead), ascending, only non-zero
    /// counts.
    pub fn lead_times(&self) -> Vec<(u32, u64)> {
        self.hits_by_lead_days
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(lead_days, &count)| (lead_days as u32, count))
            .collect()
    }

    /// Mean lead time of hits in days (NaN with no hit).
    pub fn mean_lead(&self) -> f64 {
        let total_days: u64 = self
            .lead_times()
            .iter()
            .map(|&(lead, count)| u64::from(lead) * count)
            .sum();
        total_days as f64 / self.hits() as f64
    }

    /// Median lead time of hits in days, as the lower middle value (NaN with no hit).
    pub fn median_lead(&self) -> f64 {
        let hits = self.hits();
        if hits == 0 {
            return f64::NAN;
        }
        // 0-based rank of the lower middle of the sorted leads.
        let middle_rank = (hits - 1) / 2;
        let mut seen = 0;
        for (lead, count) in self.lead_times() {
            seen += count;
            if seen > middle_rank {
                return f64::from(lead);
            }
        }
        unreachable!("the lead counts sum to the number of hits")
    }

    /// The ROC curve over thresholds (Fawcett 2006, "An introduction to ROC analysis", Pattern
    /// Recognition Letters 27(8), 861–874).
    ///
    /// For every bin edge z_k = k · Z_MAX / SCORE_BINS (k = 0..=SCORE_BINS), the share of positive
    /// platform-days with a score in a bin ≥ k (true-positive rate) and of negative ones
    /// (false-positive rate): from (1, 1) at k = 0 down to (0, 0) at k = SCORE_BINS, where no bin
    /// qualifies (so scores ≥ Z_MAX alarm at every threshold but the last). Rates are NaN
    /// without positives (true) or negatives (false).
    pub fn roc(&self) -> Vec<RocPoint> {
        let positives: u64 = self.positive_days.iter().sum();
        let negatives: u64 = self.negative_days.iter().sum();
        // Counts at or above bin k, built from the top down.
        let mut positives_above = 0;
        let mut negatives_above = 0;
        let mut curve = Vec::with_capacity(SCORE_BINS + 1);
        for k in (0..=SCORE_BINS).rev() {
            if k < SCORE_BINS {
                positives_above += self.positive_days[k];
                negatives_above += self.negative_days[k];
            }
            curve.push(RocPoint {
                threshold: bin_edge(k),
                true_positive_rate: positives_above as f64 / positives as f64,
                false_positive_rate: negatives_above as f64 / negatives as f64,
            });
        }
        curve.reverse();
        curve
    }

    /// Area under the ROC curve = P(score of a random positive > score of a random negative)
    /// + ½ P(equal bin), computed from the bins; NaN without positives or without negatives.
    ///
    /// This is the Mann–Whitney statistic U / (n₊ n₋) (Mann & Whitney 1947, Annals of
    /// Mathematical Statistics 18(1), 50–60; Hanley & McNeil 1982, "The meaning and use of the
    /// area under a receiver operating characteristic (ROC) curve", Radiology 143(1), 29–36),
    /// equal to the trapezoidal area under [`Evaluation::roc`]. It is summed in integers, so a
    /// perfect separation gives exactly 1 and identical histograms exactly ½.
    pub fn auc(&self) -> f64 {
        let positives: u64 = self.positive_days.iter().sum();
        let negatives: u64 = self.negative_days.iter().sum();
        // Twice U: 2 per (positive, lower negative) pair, 1 per pair in the same bin.
        let mut twice_u: u128 = 0;
        let mut negatives_below: u128 = 0;
        for (&positive, &negative) in self.positive_days.iter().zip(&self.negative_days) {
            twice_u += u128::from(positive) * (2 * negatives_below + u128::from(negative));
            negatives_below += u128::from(negative);
        }
        twice_u as f64 / (2 * u128::from(positives) * u128::from(negatives)) as f64
    }
}

/// Lower edge of bin `k`: k · Z_MAX / SCORE_BINS (Z_MAX for k = SCORE_BINS).
const fn bin_edge(k: usize) -> f64 {
    k as f64 * Z_MAX / SCORE_BINS as f64
}

/// The bin of score `z`: the `k` with `bin_edge(k) ≤ z < bin_edge(k + 1)`, clamped to the range.
fn bin_of(z: f64) -> usize {
    if z >= Z_MAX {
        return SCORE_BINS - 1;
    }
    if z <= 0.0 {
        return 0;
    }
    let mut bin = ((z * (SCORE_BINS as f64 / Z_MAX)) as usize).min(SCORE_BINS - 1);
    // The product is rounded, so a score within an ulp of an edge can land one bin off; comparing
    // with the edges themselves keeps "bin ≥ k" identical to "z ≥ threshold of k".
    if z < bin_edge(bin) {
        bin -= 1;
    } else if bin + 1 < SCORE_BINS && z >= bin_edge(bin + 1) {
        bin += 1;
    }
    bin
}

/// Adds `other` into `counts` element-wise; `counts` must be at least as long.
fn add_counts(counts: &mut [u64], other: &[u64]) {
    for (count, &added) in counts.iter_mut().zip(other) {
        *count += added;
    }
}

/// How well each recorded score (in [`score_names`](crate::model::warnings_day::score_names) order) foretold this run's platform
/// failures, with the scenario's `warning.lookahead_days`: platform scores against each
/// platform's own failure, sector scores against the sector's failure days.
pub fn evaluate(world: &World) -> Vec<Evaluation> {
    let mut evaluations = platform_evaluations(world);
    evaluations.extend(sector_evaluations(world));
    evaluations
}

/// The sector as a unit that fails on every day some platform fails: its days are split at
/// those days, each stretch (from the day after the previous failure day) ending in a
/// failure, and the stretch after the last one ending in none.
fn sector_evaluations(world: &World) -> Vec<Evaluation> {
    let mut failure_days: Vec<u32> = world
        .platforms
        .iter()
        .filter(|p| p.state.is_failure())
        .filter_map(|p| p.closed_day)
        .filter(|&day| day >= 1)
        .collect();
    failure_days.sort_unstable();
    failure_days.dedup();
    let days = world.sector_scores.len() as u32;
    let mut stretches = Vec::new();
    let mut first = 1;
    for &failed in failure_days.iter().filter(|&&d| d <= days) {
        stretches.push((first, failed, Some(failed)));
        first = failed + 1;
    }
    stretches.push((first, days, None));
    (0..SECTOR_SCORES)
        .map(|k| {
            let series: Vec<PlatformSeries> = stretches
                .iter()
                .filter(|(first, last, _)| first <= last)
                .map(|&(first, last, failed_day)| PlatformSeries {
                    first_day: first,
                    scores: (first..=last).map(|d| world.sector_scores[d as usize - 1][k]).collect(),
                    failed_day,
                })
                .collect();
            let mut evaluation = Evaluation::new();
            evaluation.add_run(&series, world.scenario.warning.lookahead_days);
            evaluation
        })
        .collect()
}

/// Each platform score's evaluation against the platforms' own failures.
fn platform_evaluations(world: &World) -> Vec<Evaluation> {
    (0..SCORES)
        .map(|k| {
            let series: Vec<PlatformSeries> = world
                .warning_scores
                .iter()
                .zip(&world.platforms)
                .map(|(history, platform)| PlatformSeries {
                    first_day: 1,
                    scores: history.iter().map(|day| day[k]).collect(),
                    failed_day: platform.closed_day.filter(|_| platform.state.is_failure()),
                })
                .collect();
            let mut evaluation = Evaluation::new();
            evaluation.add_run(&series, world.scenario.warning.lookahead_days);
            evaluation
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::warnings_day::score_names;
    use crate::model::warnings_day::tests::{step_to, world};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn series(first_day: u32, scores: &[f64], failed_day: Option<u32>) -> PlatformSeries {
        PlatformSeries {
            first_day,
            scores: scores.to_vec(),
            failed_day,
        }
    }

    fn total(counts: &[u64]) -> u64 {
        counts.iter().sum()
    }

    /// Low until `failed_day − lead`, 1.5 from then until the failure, NaN from the failure on.
    fn rising(first_day: u32, failed_day: u32, lead: u32, horizon: u32) -> PlatformSeries {
        let scores = (first_day..horizon)
            .map(|day| match day {
                day if day >= failed_day => f64::NAN,
                day if day + lead >= failed_day => 1.5,
                _ => 0.2,
            })
            .collect();
        PlatformSeries {
            first_day,
            scores,
            failed_day: Some(failed_day),
        }
    }

    #[test]
    fn perfect_indicator_separates_failures_with_the_constructed_lead() {
        let lookahead = 10;
        let horizon = 60;
        let mut evaluation = Evaluation::new();
        for run in 0..5 {
            let mut platforms = vec![
                // Rises exactly when the failure enters the lookahead: lead 10.
                rising(0, 30 + run, lookahead, horizon),
                // Enters 6 days before failing, already alarming: lead 6.
                rising(34 + run, 40 + run, lookahead, horizon),
            ];
            if run % 2 == 0 {
                // Enters 3 days before failing: lead 3 (in runs 0, 2, 4).
                platforms.push(rising(47, 50, lookahead, horizon));
            }
            platforms.extend((0..8).map(|_| series(0, &[0.3; 60], None)));
            evaluation.add_run(&platforms, lookahead);
        }
        // Every positive day is at 1.5 and every negative one at 0.2 or 0.3: complete separation.
        assert!(evaluation.auc() > 0.99);
        assert_eq!(evaluation.auc(), 1.0);
        assert_eq!(evaluation.failures(), 13);
        assert_eq!(evaluation.hits(), 13);
        assert_eq!(evaluation.hit_rate(), 1.0);
        assert_eq!(evaluation.false_alarm_rate(), 0.0);
        assert_eq!(evaluation.lead_times(), vec![(3, 3), (6, 5), (10, 5)]);
        // (3·3 + 6·5 + 10·5) / 13 = 89 / 13; sorted leads 3,3,3,6,6,6,6,6,10,… have middle 6.
        assert_eq!(evaluation.mean_lead(), 89.0 / 13.0);
        assert_eq!(evaluation.median_lead(), 6.0);
    }

    #[test]
    fn pure_noise_indicator_has_auc_one_half() {
        let mut rng = ChaCha8Rng::seed_from_u64(19_820_401);
        let lookahead = 7;
        let horizon = 60;
        let mut evaluation = Evaluation::new();
        for _run in 0..4 {
            let platforms: Vec<PlatformSeries> = (0..600)
                .map(|_| {
                    let failed_day = (rng.random::<f64>() < 0.1).then(|| rng.random_range(lookahead + 1..horizon));
                    // Uniform on [0, 2), independent of the failure; closed from the failure on.
                    let scores = (0..horizon)
                        .map(|day| match failed_day {
                            Some(failed) if day >= failed => f64::NAN,
                            _ => 2.0 * rng.random::<f64>(),
                        })
                        .collect();
                    PlatformSeries {
                        first_day: 0,
                        scores,
                        failed_day,
                    }
                })
                .collect();
            evaluation.add_run(&platforms, lookahead);
        }
        let positives = total(&evaluation.positive_days) as f64;
        let negatives = total(&evaluation.negative_days) as f64;
        // Given the labels the scores are i.i.d., so AUC has the Mann–Whitney null variance
        // (n₊ + n₋ + 1) / (12 n₊ n₋) (Mann & Whitney 1947; ties from binning only shrink it). This
        // seed gives 248 failures, n₊ = 1736 and n₋ = 135 541, so σ = 0.0070 and the band 4σ = 0.028.
        let sd = ((positives + negatives + 1.0) / (12.0 * positives * negatives)).sqrt();
        let tolerance = 4.0 * sd;
        assert!(
            tolerance <= 0.03,
            "positives {positives}, negatives {negatives}, sd {sd}"
        );
        let auc = evaluation.auc();
        assert!((auc - 0.5).abs() < tolerance, "auc {auc}, tolerance {tolerance}");
        // Half of the negative days are at or above 1; binomial sd √(0.25 / n₋) = 0.0014.
        assert!((evaluation.false_alarm_rate() - 0.5).abs() < 0.01);
        // A failure is missed only if all 7 window days are below 1: hit rate ≈ 1 − 0.5⁷ = 0.992.
        assert!(evaluation.hit_rate() > 0.95);
    }

    #[test]
    fn hand_computed_labels_window_roc_and_auc() {
        let lookahead = 2;
        let failing = series(10, &[0.5, 0.5, 1.2, 1.0, 0.8], Some(15));
        let healthy = series(11, &[0.5; 4], None);
        let mut evaluation = Evaluation::new();
        evaluation.add_run(&[failing, healthy], lookahead);
        // Positive: days 13 and 14, since 15 ∈ (d, d + 2] only for d ≥ 13. Day 12 (1.2) is a
        // negative alarm: a false alarm, and outside the hit window [13, 14].
        let mut expected_positive = vec![0; SCORE_BINS];
        expected_positive[100] = 1;
        expected_positive[80] = 1;
        let mut expected_negative = vec![0; SCORE_BINS];
        expected_negative[50] = 6;
        expected_negative[120] = 1;
        assert_eq!(evaluation.positive_days, expected_positive);
        assert_eq!(evaluation.negative_days, expected_negative);
        assert_eq!(evaluation.false_alarm_rate(), 1.0 / 7.0);
        // z = 1.0 exactly on day 13 = failed − lookahead alarms: lead 2, not 3 from day 12.
        assert_eq!(evaluation.lead_times(), vec![(2, 1)]);
        assert_eq!(evaluation.hit_rate(), 1.0);
        // Each positive (bins 80 and 100) is above the six negatives in bin 50 and below the one in
        // bin 120: AUC = (6 + 6) / (2 · 7).
        assert_eq!(evaluation.auc(), 6.0 / 7.0);
        let roc = evaluation.roc();
        assert_eq!(roc.len(), SCORE_BINS + 1);
        assert_eq!(
            roc[0],
            RocPoint {
                threshold: 0.0,
                true_positive_rate: 1.0,
                false_positive_rate: 1.0
            }
        );
        assert_eq!(
            roc[SCORE_BINS],
            RocPoint {
                threshold: Z_MAX,
                true_positive_rate: 0.0,
                false_positive_rate: 0.0
            }
        );
        // At the alarm threshold the curve agrees with the false-alarm rate.
        assert_eq!(
            roc[100],
            RocPoint {
                threshold: 1.0,
                true_positive_rate: 0.5,
                false_positive_rate: 1.0 / 7.0
            }
        );
        assert_eq!(roc[81].true_positive_rate, 0.5);
        assert_eq!(roc[80].true_positive_rate, 1.0);

        // The window ends the day before the failure: an alarm only on the failure day is a miss
        // (and a false alarm), one the day before is a hit with lead 1.
        let mut window_end = Evaluation::new();
        let alarm_on_failure_day = series(0, &[0.1, 0.1, 3.0], Some(2));
        let alarm_day_before = series(0, &[0.1, 3.0], Some(2));
        window_end.add_run(&[alarm_on_failure_day, alarm_day_before], lookahead);
        assert_eq!(window_end.failures(), 2);
        assert_eq!(window_end.lead_times(), vec![(1, 1)]);
        assert_eq!(total(&window_end.negative_days), 1);
        assert_eq!(window_end.false_alarm_rate(), 1.0);
    }

    #[test]
    fn auc_is_one_for_full_separation_and_one_half_for_identical_bins() {
        let mut separated = Evaluation::new();
        separated.add_run(
            &[series(0, &[0.9, 0.95, 0.0], Some(2)), series(0, &[0.3, 0.89], None)],
            2,
        );
        assert_eq!(separated.auc(), 1.0);

        let mut identical = Evaluation::new();
        identical.add_run(&[series(0, &[0.5, 0.5, 0.5], Some(2)), series(0, &[0.5, 0.5], None)], 2);
        assert_eq!(identical.auc(), 0.5);

        // Reversed separation: every positive below every negative.
        let mut reversed = Evaluation::new();
        reversed.add_run(&[series(0, &[0.1, 0.2], Some(2)), series(0, &[0.5, 7.0], None)], 2);
        assert_eq!(reversed.auc(), 0.0);
    }

    #[test]
    fn merge_is_order_independent_and_equals_adding_both_runs() {
        let lookahead = 5;
        let run_a = [
            series(0, &[0.2, 1.4, 1.1, 0.9, 2.0, 5.0], Some(6)),
            series(1, &[0.4, 1.3, f64::NAN, 0.7], None),
        ];
        let run_b = [
            series(3, &[0.1, 0.3, 1.0, -0.5], Some(8)),
            series(0, &[4.0, 3.9, 0.0], Some(2)),
            series(2, &[0.6; 9], None),
        ];
        let mut a = Evaluation::new();
        a.add_run(&run_a, lookahead);
        let mut b = Evaluation::new();
        b.add_run(&run_b, lookahead);
        // Different lead histograms, so merging must grow one of them.
        assert_eq!(a.lead_times(), vec![(5, 1)]);
        assert_eq!(b.lead_times(), vec![(2, 1), (3, 1)]);
        // An even number of hits: the median is the lower middle value, not the average of the two.
        assert_eq!(b.median_lead(), 2.0);
        assert_eq!(b.mean_lead(), 2.5);

        let mut a_then_b = a.clone();
        a_then_b.merge(&b);
        let mut b_then_a = b.clone();
        b_then_a.merge(&a);
        assert_eq!(a_then_b, b_then_a);
        let mut both = Evaluation::default();
        both.add_run(&run_a, lookahead);
        both.add_run(&run_b, lookahead);
        assert_eq!(a_then_b, both);
        assert_eq!(both.failures(), 3);
        assert_eq!(both.lead_times(), vec![(2, 1), (3, 1), (5, 1)]);
    }

    #[test]
    fn nan_days_are_skipped_and_early_failures_do_not_crash() {
        let with_gaps = series(5, &[f64::NAN, 0.5, f64::NAN, 2.0, f64::NAN], Some(9));
        let mut evaluation = Evaluation::new();
        evaluation.add_run(&[with_gaps], 3);
        // Only days 6 (0.5) and 8 (2.0) count, both within 3 days of the failure on day 9.
        assert_eq!(total(&evaluation.positive_days), 2);
        assert_eq!(total(&evaluation.negative_days), 0);
        assert_eq!(evaluation.lead_times(), vec![(1, 1)]);
        assert!(evaluation.false_alarm_rate().is_nan());
        assert!(evaluation.auc().is_nan());

        // Failed before its first score, and on day 0 (an empty window below day 0).
        let mut early = Evaluation::new();
        early.add_run(
            &[series(10, &[2.0, 0.1], Some(5)), series(0, &[1.5, f64::NAN], Some(0))],
            7,
        );
        assert_eq!(early.failures(), 2);
        assert_eq!(early.hits(), 0);
        assert_eq!(early.hit_rate(), 0.0);
        assert_eq!(total(&early.positive_days), 0);
        assert_eq!(total(&early.negative_days), 3);
        assert_eq!(early.false_alarm_rate(), 2.0 / 3.0);
        assert!(early.mean_lead().is_nan());
        assert!(early.median_lead().is_nan());
    }

    #[test]
    fn scores_bin_at_their_edges_and_clamp_outside_the_range() {
        assert_eq!(bin_of(-3.0), 0);
        assert_eq!(bin_of(0.0), 0);
        assert_eq!(bin_of(1.0), ALARM_BIN);
        assert_eq!(bin_of(1.0 - f64::EPSILON), ALARM_BIN - 1);
        assert_eq!(bin_of(Z_MAX), SCORE_BINS - 1);
        assert_eq!(bin_of(1e300), SCORE_BINS - 1);
        for k in 0..SCORE_BINS {
            assert_eq!(bin_of(bin_edge(k)), k);
            // The largest double below the next edge (edges are positive here).
            let below_next_edge = f64::from_bits(bin_edge(k + 1).to_bits() - 1);
            assert_eq!(bin_of(below_next_edge), k);
        }
    }

    #[test]
    fn empty_evaluation_reports_nan() {
        let empty = Evaluation::new();
        assert_eq!(empty.failures(), 0);
        assert!(empty.hit_rate().is_nan());
        assert!(empty.false_alarm_rate().is_nan());
        assert!(empty.mean_lead().is_nan());
        assert!(empty.median_lead().is_nan());
        assert!(empty.auc().is_nan());
        assert!(empty.lead_times().is_empty());
    }

    #[test]
    fn the_sector_is_evaluated_against_each_failure_day() {
        let mut w = world("[[strategy.intervention]]\nkind = \"warning_response\"\nstart_day = 5\nlevel = \"alert\"\ninspect = false\nwind_down = true");
        step_to(&mut w, 30);
        assert_eq!(w.sector_scores.len(), 30);
        let failure_days: std::collections::BTreeSet<u32> = w
            .platforms
            .iter()
            .filter(|p| p.state.is_failure())
            .filter_map(|p| p.closed_day)
            .collect();
        assert!(!failure_days.is_empty(), "the response winds down the alerted frauds");
        let evaluations = evaluate(&w);
        assert_eq!(evaluations.len(), score_names().len());
        let sector = &evaluations[SCORES];
        assert_eq!(
            sector.failures(),
            failure_days.len() as u64,
            "one failure per distinct day"
        );
    }
}
