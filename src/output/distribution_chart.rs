//! The distribution of an outcome over runs, as PNG and SVG in the style of
//! [`crate::output::charts`]: each run's value by strategy (a strip plot with the middle half of
//! the runs boxed and the median marked), beside each run's paired difference from the
//! reference with the mean difference and its 95% confidence interval.

use plotters::coord::Shift;
use plotters::data::float::pretty_print_float;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, Color, DrawingBackend, IntoFont, PathElement, Rectangle, Text,
    TextStyle, BLACK, TRANSPARENT, WHITE,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::comparison::ComparisonRow;
use crate::analysis::stats::quantile;
use crate::output::axis::{axis, Axis};
use crate::output::charts::{
    colour, draw_grid, padded_range, relative, Drawing, FONT_FAMILY, LABEL_FONT_PX, LINE_WIDTH_PX, PANEL_TITLE_FONT_PX,
    TICK_FONT_PX,
};

/// The outcomes drawn, as (file stem, outcome column, what it is in words).
pub const DISTRIBUTIONS: [(&str, &str, &str); 2] = [
    ("loss_distribution", "net_loss_yuan", "net investor loss"),
    ("exposure_distribution", "investor_exposure_yuan", "investor exposure"),
];

/// Radius of a run's dot.
const DOT_RADIUS_PX: i32 = 7;
/// Half the height of a strategy's row that its box and dots take.
const ROW_HALF: f64 = 0.32;

/// One outcome over runs, strategy by strategy, and each run's difference from the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionFigure {
    /// The title at the top.
    pub title: String,
    /// The outcome and its unit, for the value axis, e.g. "net investor loss (million yuan)".
    pub value_label: String,
    /// The strategies, top to bottom, with each run's value in seed order.
    pub strategies: Vec<(String, Vec<f64>)>,
    /// The index of the reference strategy.
    pub reference: usize,
    /// Per strategy, the mean paired difference from the reference and its 95% CI (none for
    /// the reference).
    pub differences: Vec<Option<(f64, f64, f64)>>,
}

/// The distribution figures of a comparison: for each of [`DISTRIBUTIONS`], the runs' values
/// from `outcomes[strategy][seed]` (as (measure, value)) in million yuan, and the paired mean
/// differences with their intervals from `table`.
pub fn distribution_figures(
    scenario: &str,
    names: &[String],
    reference: usize,
    outcomes: &[Vec<Vec<(String, f64)>>],
    table: &[ComparisonRow],
) -> Vec<(&'static str, DistributionFigure)> {
    DISTRIBUTIONS
        .iter()
        .map(|&(stem, outcome, words)| {
            let strategies = names
                .iter()
                .zip(outcomes)
                .map(|(name, runs)| {
                    let values = runs
                        .iter()
                        .filter_map(|run| run.iter().find(|(m, _)| m == outcome).map(|(_, v)| v / 1e6))
                        .collect();
                    (name.clone(), values)
                })
                .collect::<Vec<_>>();
            let differences = names
                .iter()
                .enumerate()
                .map(|(s, name)| {
                    table
                        .iter()
                        .find(|r| s != reference && &r.strategy == name && r.outcome == outcome)
                        .map(|r| (r.diff / 1e6, r.diff_ci_low / 1e6, r.diff_ci_high / 1e6))
                })
                .collect();
            let runs = strategies.first().map_or(0, |(_, v): &(String, Vec<f64>)| v.len());
            let figure = DistributionFigure {
                title: format!("{scenario}: {words} in each of {runs} runs, by strategy"),
                value_label: format!("{words} (million yuan)"),
                strategies,
                reference,
                differences,
            };
            (stem, figure)
        })
        .collect()
}

/// Which of the two panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Values,
    Differences,
}

impl Drawing for DistributionFigure {
    fn panel_count(&self) -> usize {
        2
    }

    fn size(&self) -> (u32, u32) {
        (2000, (300 + 100 * self.strategies.len() as u32).max(700))
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw_grid(root, &self.title, &[Side::Values, Side::Differences], |side, area| {
            draw_side(self, *side, area)
        })
    }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

/// The difference of each run from the reference's run with the same seed.
fn run_differences(figure: &DistributionFigure, s: usize) -> Vec<f64> {
    let reference = &figure.strategies[figure.reference].1;
    figure.strategies[s]
        .1
        .iter()
        .zip(reference)
        .map(|(v, r)| v - r)
        .collect()
}

/// The row of strategy `s`, the first at the top.
fn row(figure: &DistributionFigure, s: usize) -> f64 {
    (figure.strategies.len() - 1 - s) as f64
}

/// The vertical offset of the k-th of n runs within its row: spread evenly in seed order, so
/// that equal values stay apart without any random draw.
fn spread(k: usize, n: usize) -> f64 {
    if n < 2 {
        0.0
    } else {
        (k as f64 / (n - 1) as f64 - 0.5) * ROW_HALF
    }
}

fn draw_side<DB: DrawingBackend>(figure: &DistributionFigure, side: Side, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let rows = figure.strategies.len();
    let (title, x_label, range) = match side {
        Side::Values => {
            let values = || figure.strategies.iter().flat_map(|(_, v)| v.iter().copied());
            let mut range = padded_range(values().chain([0.0]));
            // Outcomes that cannot be negative get no axis below zero.
            if values().all(|v| v >= 0.0 || v.is_nan()) {
                range.start = 0.0;
            }
            (
                "Each run (box: middle half of the runs; line: median)".to_string(),
                figure.value_label.clone(),
                range,
            )
        }
        Side::Differences => {
            let ends = (0..rows).flat_map(|s| {
                let interval = figure.differences[s].map_or([f64::NAN; 2], |(_, low, high)| [low, high]);
                run_differences(figure, s).into_iter().chain(interval)
            });
            (
                format!(
                    "Difference from {}, run by run (bar: mean and 95% CI)",
                    figure.strategies[figure.reference].0
                ),
                format!("difference in {}", figure.value_label),
                padded_range(ends.chain([0.0])),
            )
        }
    };
    let label_style = TextStyle::from((FONT_FAMILY, LABEL_FONT_PX).into_font());
    let mut names_px = 0;
    for (name, _) in &figure.strategies {
        names_px = names_px.max(area.estimate_text_size(name, &label_style)?.0);
    }
    let mut chart = ChartBuilder::on(area)
        .caption(&title, (FONT_FAMILY, PANEL_TITLE_FONT_PX))
        .margin(20)
        .x_label_area_size(80)
        .y_label_area_size(names_px + 30)
        .build_cartesian_2d(axis(range), axis(-0.6..rows as f64 - 0.4))?;
    chart
        .configure_mesh()
        .x_desc(&x_label)
        .axis_desc_style((FONT_FAMILY, LABEL_FONT_PX))
        .label_style((FONT_FAMILY, TICK_FONT_PX))
        .x_label_formatter(&|value| pretty_print_float(*value, false))
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    let left = chart.x_range().start;
    let name_style = label_style.pos(Pos::new(HPos::Right, VPos::Center));
    for (s, (name, _)) in figure.strategies.iter().enumerate() {
        let at = relative(&chart, area, (left, row(figure, s)));
        area.draw(&Text::new(name.clone(), (at.0 - 12, at.1), name_style.clone()))?;
    }
    match side {
        Side::Values => draw_values(figure, &mut chart),
        Side::Differences => draw_differences(figure, &mut chart),
    }
}

fn draw_values<'a, DB: DrawingBackend + 'a>(figure: &DistributionFigure, chart: &mut Chart<'a, DB>) -> Drawn<DB> {
    for (s, (_, values)) in figure.strategies.iter().enumerate() {
        let y = row(figure, s);
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        if !sorted.is_empty() {
            let (q1, median, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.5), quantile(&sorted, 0.75));
            chart.draw_series([
                Rectangle::new([(q1, y - ROW_HALF), (q3, y + ROW_HALF)], colour(s).mix(0.15).filled()),
                Rectangle::new(
                    [(q1, y - ROW_HALF), (q3, y + ROW_HALF)],
                    colour(s).stroke_width(LINE_WIDTH_PX),
                ),
            ])?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(median, y - ROW_HALF), (median, y + ROW_HALF)],
                colour(s).stroke_width(3 * LINE_WIDTH_PX),
            )))?;
        }
        draw_dots(chart, values, s, y)?;
    }
    Ok(())
}

fn draw_differences<'a, DB: DrawingBackend + 'a>(figure: &DistributionFigure, chart: &mut Chart<'a, DB>) -> Drawn<DB> {
    let rows = figure.strategies.len() as f64;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.6), (0.0, rows - 0.4)],
        BLACK.stroke_width(LINE_WIDTH_PX),
    )))?;
    for s in 0..figure.strategies.len() {
        let y = row(figure, s);
        if s == figure.reference {
            continue;
        }
        draw_dots(chart, &run_differences(figure, s), s, y)?;
        if let Some((mean, low, high)) = figure.differences[s].filter(|d| d.1.is_finite() && d.2.is_finite()) {
            chart.draw_series([
                PathElement::new(vec![(low, y), (high, y)], BLACK.stroke_width(3 * LINE_WIDTH_PX)),
                PathElement::new(
                    vec![(mean, y - ROW_HALF), (mean, y + ROW_HALF)],
                    BLACK.stroke_width(3 * LINE_WIDTH_PX),
                ),
            ])?;
        }
    }
    Ok(())
}

/// One dot per run, in the strategy's colour with a white rim, spread within the row.
fn draw_dots<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>, values: &[f64], s: usize, y: f64) -> Drawn<DB> {
    let n = values.len();
    let at = |k: usize, v: f64| (v, y + spread(k, n));
    let finite = || values.iter().enumerate().filter(|(_, v)| v.is_finite());
    chart.draw_series(finite().map(|(k, &v)| Circle::new(at(k, v), DOT_RADIUS_PX + 1, WHITE.filled())))?;
    chart.draw_series(finite().map(|(k, &v)| Circle::new(at(k, v), DOT_RADIUS_PX, colour(s).mix(0.85).filled())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::write_drawing;

    fn figure() -> DistributionFigure {
        DistributionFigure {
            title: "collapse: net investor loss in each of 4 runs, by strategy".to_string(),
            value_label: "net investor loss (million yuan)".to_string(),
            strategies: vec![
                ("status_quo".to_string(), vec![3.9, 12.0, 129.0, 40.0]),
                ("compensation_fund".to_string(), vec![1.0, 6.0, 100.0, 20.0]),
            ],
            reference: 0,
            differences: vec![None, Some((-14.5, -40.0, 11.0))],
        }
    }

    #[test]
    fn writes_both_panels_with_every_strategy_named() {
        let directory = tempfile::tempdir().unwrap();
        let stem = directory.path().join("loss_distribution");
        write_drawing(&figure(), &stem).unwrap();
        let svg = std::fs::read_to_string(stem.with_extension("svg")).unwrap();
        for text in [
            "status_quo",
            "compensation_fund",
            "Difference from status_quo",
            "middle half",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        assert!(stem.with_extension("png").exists());
    }

    #[test]
    fn runs_are_paired_by_seed_and_spread_without_random_draws() {
        assert_eq!(
            run_differences(&figure(), 1),
            vec![1.0 - 3.9, 6.0 - 12.0, 100.0 - 129.0, 20.0 - 40.0]
        );
        assert_eq!(
            (spread(0, 3), spread(1, 3), spread(2, 3)),
            (-ROW_HALF / 2.0, 0.0, ROW_HALF / 2.0)
        );
        assert_eq!(spread(0, 1), 0.0);
    }
}
