//! The ticks of a chart's number axis, computed with the pinned `libm` so that a chart's bytes
//! are the same on every platform: plotters would pick them with the platform's `log` and
//! `powf`, whose last bits differ between C libraries.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

/// A number axis whose ticks come from [`ticks`] (labels are formatted by the chart).
pub(crate) struct Axis(RangedCoordf64);

/// A number axis over `range`.
pub(crate) fn axis(range: Range<f64>) -> Axis {
    Axis(range.into())
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }

    /// The bold ticks; no light ones.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            ticks(&self.0.range(), hint.max_num_points())
        }
    }

    fn range(&self) -> Range<f64> {
        self.0.range()
    }
}

/// At most `max` ticks within `range`: the multiples within it of the smallest step of 1, 2 or
/// 5 × 10^k that gives no more than `max` of them. Each tick is `(j·m) / 10^−k` or `(j·m)·10^k`
/// for a whole `j`, one correctly rounded operation on exact whole numbers, so ticks are the
/// nearest doubles to their decimal values.
pub(crate) fn ticks(range: &Range<f64>, max: usize) -> Vec<f64> {
    let (lo, hi) = (range.start.min(range.end), range.start.max(range.end));
    if max == 0 || !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    if hi == lo {
        return vec![lo];
    }
    let mut exponent = libm::floor(libm::log10((hi - lo) / max as f64)) as i32;
    loop {
        let scale = libm::pow(10.0, f64::from(exponent.abs()));
        for mantissa in [1.0, 2.0, 5.0] {
            let tick = |j: f64| {
                if exponent < 0 {
                    j * mantissa / scale
                } else {
                    j * mantissa * scale
                }
            };
            let step = tick(1.0);
            let (first, last) = (libm::ceil(lo / step), libm::floor(hi / step));
            if last - first < max as f64 {
                return (first as i64..=last as i64)
                    .map(|j| tick(j as f64))
                    .filter(|t| (lo..=hi).contains(t))
                    .collect();
            }
        }
        exponent += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_within_the_range_and_at_most_the_maximum() {
        assert_eq!(ticks(&(0.0..1.0), 10), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            ticks(&(0.0..1.0), 11),
            (0..=10).map(|j| f64::from(j) / 10.0).collect::<Vec<_>>()
        );
        assert_eq!(ticks(&(-0.05..0.31), 10), [-0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
        assert_eq!(ticks(&(-0.05..0.31), 4), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(
            ticks(&(1234.0..98_765.0), 10),
            (1..=9).map(|j| f64::from(j) * 1e4).collect::<Vec<_>>()
        );
        assert_eq!(ticks(&(-3e-7..3e-7), 4), [-2e-7, 0.0, 2e-7]);
        assert_eq!(ticks(&(2.5..2.5), 10), [2.5]);
        assert!(ticks(&(0.0..1.0), 0).is_empty());
        assert!(ticks(&(0.0..f64::INFINITY), 10).is_empty());
        for (range, max) in [(0.0..7.3, 5), (-1e9..3.0, 8), (0.999..1.001, 3), (5.0..1e12, 10)] {
            let t = ticks(&range, max);
            assert!(!t.is_empty() && t.len() <= max, "{range:?}: {t:?}");
            assert!(
                t.iter().all(|v| (range.start..=range.end).contains(v)),
                "{range:?}: {t:?}"
            );
        }
    }
}
