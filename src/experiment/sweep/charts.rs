//! The charts of a sweep, as PNG and SVG in the style of [`crate::output::charts`]: Morris μ*–σ plots,
//! Sobol index bars with confidence whiskers, an outcome against a single swept parameter per
//! strategy with confidence bands, and for a two-parameter grid heatmaps of each strategy's
//! paired difference from the reference, showing where one overtakes the other.

use std::path::Path;

use crate::output::axis::{axis, Axis};
use plotters::coord::Shift;
use plotters::data::float::pretty_print_float;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, Color, DrawingBackend, IntoFont, PathElement, Polygon, Rectangle,
    SeriesLabelPosition, Text, TextStyle, BLACK, WHITE,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::RGBColor;

use crate::experiment::sweep::file::Design;
use crate::experiment::sweep::tables::{AggregateRow, MorrisRow, SobolRow, SweepResults};
use crate::output::charts::{
    boxed_legend, colour, draw_grid, padded_range, relative, write_drawing, ChartError, Drawing, BAND_OPACITY,
    FONT_FAMILY, LABEL_FONT_PX, LINE_WIDTH_PX, PANEL_TITLE_FONT_PX, TICK_FONT_PX,
};

/// A figure of sweep panels, laid out like [`crate::output::charts::Figure`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFigure {
    /// The title at the top.
    pub title: String,
    /// The panels, row by row.
    pub panels: Vec<SweepPanel>,
}

/// One panel: titles, axis labels and what it plots.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPanel {
    /// The panel's title.
    pub title: String,
    /// The x-axis label.
    pub x_label: String,
    /// The y-axis label.
    pub y_label: String,
    /// What is drawn.
    pub plot: Plot,
}

/// What a panel draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// Labelled points (x, y) with a horizontal whisker of half-width `x_conf` and the line
    /// y = x: a Morris μ*–σ plot.
    Scatter(Vec<(String, f64, f64, f64)>),
    /// For each group (a parameter), one bar per series with a whisker of ± its half-width:
    /// (series label, values, half-widths), values in group order.
    Bars {
        /// The groups along the x axis.
        groups: Vec<String>,
        /// (label, value per group, half-width per group).
        series: Vec<(String, Vec<f64>, Vec<f64>)>,
    },
    /// Lines over a numeric x with confidence bands.
    Lines(Vec<XyLine>),
    /// A heatmap over a grid: `cells[row][column]` (rows along y, bottom up), each cell's value
    /// printed and starred when `marked` (its confidence interval excludes zero). Negative
    /// values are blue, positive vermillion, NaN grey.
    Heatmap {
        /// Labels of the columns.
        columns: Vec<String>,
        /// Labels of the rows.
        rows: Vec<String>,
        /// The values.
        cells: Vec<Vec<f64>>,
        /// Which values are starred.
        marked: Vec<Vec<bool>>,
    },
}

/// A line over a numeric x (increasing) with a confidence band.
#[derive(Debug, Clone, PartialEq)]
pub struct XyLine {
    /// The legend's label.
    pub label: String,
    /// The x values.
    pub x: Vec<f64>,
    /// The mean at each x.
    pub mean: Vec<f64>,
    /// The band's lower bound at each x.
    pub low: Vec<f64>,
    /// The band's upper bound at each x.
    pub high: Vec<f64>,
}

/// The figures of a sweep, as (file stem, figure): `morris_<outcome>` and `sobol_<outcome>` for
/// those designs; `by_parameter` when one numeric parameter is swept; `overtake_<outcome>` for
/// a grid over two numeric parameters.
pub fn figures(
    results: &SweepResults,
    aggregates: &[AggregateRow],
    morris: &[MorrisRow],
    sobol: &[SobolRow],
) -> Vec<(String, SweepFigure)> {
    let sweep = results.sweep;
    let strategies: Vec<&str> = sweep.strategies.iter().map(|(_, n)| n.as_str()).collect();
    let outcomes = &sweep.file.outcomes;
    let parameters = sweep.parameter_names();
    let name = &sweep.base.scenario.name;
    let mut figures = Vec::new();
    for outcome in outcomes {
        if !morris.is_empty() {
            let panels = strategies
                .iter()
                .map(|&strategy| {
                    let points = morris
                        .iter()
                        .filter(|r| r.strategy == strategy && &r.outcome == outcome)
                        .map(|r| (r.parameter.clone(), r.mu_star, r.sigma, r.mu_star_conf))
                        .collect();
                    SweepPanel {
                        title: strategy.to_string(),
                        x_label: format!("μ* of {outcome} (per whole range)"),
                        y_label: "σ".to_string(),
                        plot: Plot::Scatter(points),
                    }
                })
                .collect();
            let title = format!("{name}: Morris screening of {outcome} (μ* with bootstrap CI)");
            figures.push((format!("morris_{outcome}"), SweepFigure { title, panels }));
        }
        if !sobol.is_empty() {
            let panels = strategies
                .iter()
                .map(|&strategy| {
                    let rows: Vec<&SobolRow> = sobol
                        .iter()
                        .filter(|r| r.strategy == strategy && &r.outcome == outcome)
                        .collect();
                    let series = |label: &str, value: fn(&SobolRow) -> (f64, f64)| {
                        let (values, halves) = rows.iter().map(|r| value(r)).unzip();
                        (label.to_string(), values, halves)
                    };
                    SweepPanel {
                        title: strategy.to_string(),
                        x_label: "parameter".to_string(),
                        y_label: "Sobol index".to_string(),
                        plot: Plot::Bars {
                            groups: parameters.clone(),
                            series: vec![
                                series("first order S1", |r| (r.s1, r.s1_conf)),
                                series("total ST", |r| (r.st, r.st_conf)),
                            ],
                        },
                    }
                })
                .collect();
            let title = format!("{name}: Sobol indices of {outcome} (bootstrap CI)");
            figures.push((format!("sobol_{outcome}"), SweepFigure { title, panels }));
        }
    }
    let numeric: Vec<Vec<f64>> = sweep
        .points
        .iter()
        .map(|p| p.values.iter().map(number).collect())
        .collect();
    let all_numeric = numeric.iter().flatten().all(|x| x.is_finite());
    let mean_of = |point: usize, strategy: &str, outcome: &str| {
        aggregates
            .iter()
            .find(|r| r.point == point && r.strategy == strategy && r.outcome == outcome)
            .expect("an aggregate per point, strategy and outcome")
    };
    if parameters.len() == 1 && all_numeric {
        let mut order: Vec<usize> = (0..numeric.len()).collect();
        order.sort_by(|&a, &b| numeric[a][0].total_cmp(&numeric[b][0]));
        let panels = outcomes
            .iter()
            .map(|outcome| {
                let lines = strategies
                    .iter()
                    .map(|&strategy| {
                        let rows: Vec<&AggregateRow> = order.iter().map(|&p| mean_of(p, strategy, outcome)).collect();
                        XyLine {
                            label: strategy.to_string(),
                            x: order.iter().map(|&p| numeric[p][0]).collect(),
                            mean: rows.iter().map(|r| r.mean).collect(),
                            low: rows.iter().map(|r| r.ci_low).collect(),
                            high: rows.iter().map(|r| r.ci_high).collect(),
                        }
                    })
                    .collect();
                SweepPanel {
                    title: outcome.clone(),
                    x_label: parameters[0].clone(),
                    y_label: outcome.clone(),
                    plot: Plot::Lines(lines),
                }
            })
            .collect();
        let seeds = sweep.file.seeds;
        let title = format!(
            "{name}: outcomes against {} (mean and 95% CI over {seeds} seeds)",
            parameters[0]
        );
        figures.push(("by_parameter".to_string(), SweepFigure { title, panels }));
    }
    if parameters.len() == 2 && all_numeric && matches!(sweep.file.design, Design::Grid {}) {
        let levels = |i: usize| {
            let mut values: Vec<f64> = numeric.iter().map(|p| p[i]).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            values
        };
        let (xs, ys) = (levels(0), levels(1));
        let reference = strategies[results.reference];
        for outcome in outcomes {
            let cell = |strategy: &str, x: f64, y: f64| {
                let point = (0..numeric.len()).find(|&p| numeric[p][0] == x && numeric[p][1] == y);
                point.map(|p| mean_of(p, strategy, outcome))
            };
            let heatmap = |strategy: &str, value: fn(&AggregateRow) -> (f64, bool)| Plot::Heatmap {
                columns: xs.iter().map(|x| short(*x)).collect(),
                rows: ys.iter().map(|y| short(*y)).collect(),
                cells: ys
                    .iter()
                    .map(|&y| {
                        xs.iter()
                            .map(|&x| cell(strategy, x, y).map_or(f64::NAN, |r| value(r).0))
                            .collect()
                    })
                    .collect(),
                marked: ys
                    .iter()
                    .map(|&y| {
                        xs.iter()
                            .map(|&x| cell(strategy, x, y).is_some_and(|r| value(r).1))
                            .collect()
                    })
                    .collect(),
            };
            let mut panels = vec![SweepPanel {
                title: format!("{reference} (reference): mean"),
                x_label: parameters[0].clone(),
                y_label: parameters[1].clone(),
                plot: heatmap(reference, |r| (r.mean, false)),
            }];
            panels.extend(
                strategies
                    .iter()
                    .filter(|&&s| s != reference)
                    .map(|&strategy| SweepPanel {
                        title: format!("{strategy} − {reference} (* 95% CI excludes 0)"),
                        x_label: parameters[0].clone(),
                        y_label: parameters[1].clone(),
                        plot: heatmap(strategy, |r| (r.diff, r.diff_ci_low > 0.0 || r.diff_ci_high < 0.0)),
                    }),
            );
            let title =
                format!("{name}: {outcome}, paired difference from {reference} (blue: lower, vermillion: higher)");
            figures.push((format!("overtake_{outcome}"), SweepFigure { title, panels }));
        }
    }
    figures
}

/// Writes `figure` to `<stem>.png` and `<stem>.svg`, sized like [`crate::output::charts::write_drawing`].
pub fn write(figure: &SweepFigure, stem: &Path) -> Result<(), ChartError> {
    if figure.panels.is_empty() {
        return Err(ChartError::NoPanels {
            title: figure.title.clone(),
        });
    }
    write_drawing(figure, stem)
}

impl Drawing for SweepFigure {
    fn panel_count(&self) -> usize {
        self.panels.len()
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw_grid(root, &self.title, &self.panels, draw_panel)
    }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

fn draw_panel<DB: DrawingBackend>(panel: &SweepPanel, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let (x_range, y_range, manual_x, manual_y) = match &panel.plot {
        Plot::Scatter(points) => {
            let x = padded_range(points.iter().flat_map(|p| [0.0, p.1 + p.3.max(0.0)]));
            let y = padded_range(points.iter().flat_map(|p| [0.0, p.2]));
            (x, y, false, false)
        }
        Plot::Bars { groups, series } => {
            let ends = series
                .iter()
                .flat_map(|(_, v, h)| v.iter().zip(h).flat_map(|(v, h)| [v - h.max(0.0), v + h.max(0.0)]));
            (0.0..groups.len() as f64, padded_range(ends.chain([0.0])), true, false)
        }
        Plot::Lines(lines) => {
            let x = padded_range(lines.iter().flat_map(|l| l.x.iter().copied()));
            let y = padded_range(
                lines
                    .iter()
                    .flat_map(|l| l.mean.iter().chain(&l.low).chain(&l.high).copied()),
            );
            (x, y, false, false)
        }
        Plot::Heatmap { columns, rows, .. } => (0.0..columns.len() as f64, 0.0..rows.len() as f64, true, true),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT_FAMILY, PANEL_TITLE_FONT_PX))
        .margin(20)
        .x_label_area_size(if manual_x { 110 } else { 70 })
        .y_label_area_size(110)
        .build_cartesian_2d(axis(x_range), axis(y_range))?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(&panel.x_label)
        .y_desc(&panel.y_label)
        .axis_desc_style((FONT_FAMILY, LABEL_FONT_PX))
        .label_style((FONT_FAMILY, TICK_FONT_PX))
        .x_label_formatter(&|value| pretty_print_float(*value, false))
        .y_label_formatter(&|value| pretty_print_float(*value, false))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12));
    if manual_x {
        mesh.disable_x_mesh().x_labels(0);
    }
    if manual_y {
        mesh.disable_y_mesh().y_labels(0);
    }
    mesh.draw()?;
    match &panel.plot {
        Plot::Scatter(points) => draw_scatter(&mut chart, area, points),
        Plot::Bars { groups, series } => draw_bars(&mut chart, area, groups, series),
        Plot::Lines(lines) => draw_lines(&mut chart, lines),
        Plot::Heatmap {
            columns,
            rows,
            cells,
            marked,
        } => draw_heatmap(&mut chart, area, columns, rows, cells, marked),
    }
}

fn draw_scatter<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    area: &DrawingArea<DB, Shift>,
    points: &[(String, f64, f64, f64)],
) -> Drawn<DB> {
    let (x, y) = (chart.x_range(), chart.y_range());
    let diagonal_end = x.end.min(y.end);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (diagonal_end, diagonal_end)],
        BLACK.mix(0.3),
    )))?;
    let finite = points.iter().filter(|p| p.1.is_finite() && p.2.is_finite());
    for (i, (label, mu_star, sigma, conf)) in finite.enumerate() {
        let stroke = colour(i).stroke_width(LINE_WIDTH_PX);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(mu_star - conf, *sigma), (mu_star + conf, *sigma)],
            stroke,
        )))?;
        chart.draw_series(std::iter::once(Circle::new((*mu_star, *sigma), 7, colour(i).filled())))?;
        let at = relative(chart, area, (*mu_star, *sigma));
        let style = TextStyle::from((FONT_FAMILY, TICK_FONT_PX).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom));
        area.draw(&Text::new(label.clone(), (at.0 + 10, at.1 - 6), style))?;
    }
    Ok(())
}

fn draw_bars<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    area: &DrawingArea<DB, Shift>,
    groups: &[String],
    series: &[(String, Vec<f64>, Vec<f64>)],
) -> Drawn<DB> {
    let width = 0.8 / series.len().max(1) as f64;
    for (s, (label, values, halves)) in series.iter().enumerate() {
        let left = |g: usize| g as f64 + 0.1 + s as f64 * width;
        let bars = values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(g, &v)| {
            Rectangle::new(
                [(left(g), 0.0), (left(g) + width * 0.9, v)],
                colour(s).mix(0.7).filled(),
            )
        });
        let fill = colour(s).mix(0.7).filled();
        chart
            .draw_series(bars)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 30, y + 8)], fill));
        let whiskers = values
            .iter()
            .zip(halves)
            .enumerate()
            .filter(|(_, (v, h))| v.is_finite() && h.is_finite())
            .map(|(g, (&v, &h))| {
                let centre = left(g) + width * 0.45;
                PathElement::new(
                    vec![(centre, v - h), (centre, v + h)],
                    BLACK.stroke_width(LINE_WIDTH_PX),
                )
            });
        chart.draw_series(whiskers)?;
    }
    let bottom = chart.y_range().start;
    let style = TextStyle::from((FONT_FAMILY, TICK_FONT_PX).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (g, group) in groups.iter().enumerate() {
        let at = relative(chart, area, (g as f64 + 0.5, bottom));
        area.draw(&Text::new(group.clone(), (at.0, at.1 + 8), style.clone()))?;
    }
    legend(chart)
}

fn draw_lines<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>, lines: &[XyLine]) -> Drawn<DB> {
    for (i, line) in lines.iter().enumerate() {
        let upper = line.x.iter().zip(&line.high).map(|(&x, &y)| (x, y));
        let lower = line.x.iter().zip(&line.low).rev().map(|(&x, &y)| (x, y));
        let polygon: Vec<(f64, f64)> = upper.chain(lower).filter(|(_, y)| y.is_finite()).collect();
        if polygon.len() > 2 {
            chart.draw_series(std::iter::once(Polygon::new(
                polygon,
                colour(i).mix(BAND_OPACITY).filled(),
            )))?;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let stroke = colour(i).stroke_width(LINE_WIDTH_PX);
        let points: Vec<(f64, f64)> = line.x.iter().copied().zip(line.mean.iter().copied()).collect();
        chart
            .draw_series(std::iter::once(PathElement::new(points.clone(), stroke)))?
            .label(&line.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], stroke));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, colour(i).filled())))?;
    }
    legend(chart)
}

fn draw_heatmap<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    area: &DrawingArea<DB, Shift>,
    columns: &[String],
    rows: &[String],
    cells: &[Vec<f64>],
    marked: &[Vec<bool>],
) -> Drawn<DB> {
    let largest = cells
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    for (r, row) in cells.iter().enumerate() {
        for (c, &value) in row.iter().enumerate() {
            let (x, y) = (c as f64, r as f64);
            let fill = diverging(value, largest);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                fill.filled(),
            )))?;
            let text = format!("{}{}", short(value), if marked[r][c] { "*" } else { "" });
            let at = relative(chart, area, (x + 0.5, y + 0.5));
            let style =
                TextStyle::from((FONT_FAMILY, TICK_FONT_PX).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
            area.draw(&Text::new(text, at, style))?;
        }
    }
    let tick = |h, v| TextStyle::from((FONT_FAMILY, TICK_FONT_PX).into_font()).pos(Pos::new(h, v));
    for (c, label) in columns.iter().enumerate() {
        let at = relative(chart, area, (c as f64 + 0.5, 0.0));
        area.draw(&Text::new(
            label.clone(),
            (at.0, at.1 + 8),
            tick(HPos::Center, VPos::Top),
        ))?;
    }
    for (r, label) in rows.iter().enumerate() {
        let at = relative(chart, area, (0.0, r as f64 + 0.5));
        area.draw(&Text::new(
            label.clone(),
            (at.0 - 8, at.1),
            tick(HPos::Right, VPos::Center),
        ))?;
    }
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>) -> Drawn<DB> {
    boxed_legend(chart, SeriesLabelPosition::UpperRight)
}

/// White at 0, shading to Okabe–Ito blue at −`largest` and vermillion at +`largest`; grey for
/// NaN.
fn diverging(value: f64, largest: f64) -> RGBColor {
    if !value.is_finite() {
        return RGBColor(0xCC, 0xCC, 0xCC);
    }
    let share = if largest > 0.0 {
        (value / largest).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let RGBColor(r, g, b) = if share < 0.0 { colour(0) } else { colour(1) };
    let blend = |channel: u8| (255.0 + (f64::from(channel) - 255.0) * share.abs()).round() as u8;
    RGBColor(blend(r), blend(g), blend(b))
}

/// A number to four significant figures, for labels (e.g. `0.25`, `1.235e6`).
fn short(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    if (1e-3..1e5).contains(&value.abs()) {
        let decimals = (3 - libm::log10(value.abs()).floor() as i32).max(0) as usize;
        let text = format!("{value:.decimals$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        format!("{value:.3e}")
    }
}

/// A parameter value as a number (NaN for text and other non-numbers).
fn number(value: &toml::Value) -> f64 {
    match value {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(n) => *n as f64,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_keep_four_significant_figures() {
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(1234.5678), "1235");
        assert_eq!(short(-0.012345), "-0.01235");
        assert_eq!(short(12_345_678.0), "1.235e7");
        assert_eq!(short(0.0), "0");
    }

    #[test]
    fn diverging_colours_are_white_at_zero_and_full_at_the_extremes() {
        assert_eq!(diverging(0.0, 2.0), RGBColor(255, 255, 255));
        assert_eq!(diverging(-2.0, 2.0), colour(0));
        assert_eq!(diverging(2.0, 2.0), colour(1));
        assert_eq!(diverging(f64::NAN, 2.0), RGBColor(0xCC, 0xCC, 0xCC));
    }

    #[test]
    fn every_kind_of_panel_draws() {
        let dir = tempfile::tempdir().unwrap();
        let panel = |plot| SweepPanel {
            title: "t".to_string(),
            x_label: "x".to_string(),
            y_label: "y".to_string(),
            plot,
        };
        let figure = SweepFigure {
            title: "all kinds".to_string(),
            panels: vec![
                panel(Plot::Scatter(vec![
                    ("a.b".to_string(), 1.0, 0.5, 0.2),
                    ("c".to_string(), f64::NAN, 0.0, 0.0),
                ])),
                panel(Plot::Bars {
                    groups: vec!["p1".to_string(), "p2".to_string()],
                    series: vec![("S1".to_string(), vec![0.3, -0.01], vec![0.05, f64::NAN])],
                }),
                panel(Plot::Lines(vec![XyLine {
                    label: "s".to_string(),
                    x: vec![0.0, 0.5, 1.0],
                    mean: vec![1.0, 2.0, 1.5],
                    low: vec![0.5, 1.5, 1.0],
                    high: vec![1.5, 2.5, 2.0],
                }])),
                panel(Plot::Heatmap {
                    columns: vec!["0.2".to_string(), "0.8".to_string()],
                    rows: vec!["1".to_string()],
                    cells: vec![vec![-3.0, f64::NAN]],
                    marked: vec![vec![true, false]],
                }),
            ],
        };
        write(&figure, &dir.path().join("kinds")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("kinds.svg")).unwrap();
        for text in ["all kinds", "a.b", "p2", "-3*", "0.8"] {
            assert!(svg.contains(text), "the SVG lacks `{text}`");
        }
        assert!(dir.path().join("kinds.png").exists());
    }
}
