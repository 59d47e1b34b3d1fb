//! The charts of a calibration, as PNG and SVG in the style of [`crate::output::charts`]: per
//! series, the posterior predictive median with its 50% and 90% bands against the data over the
//! calendar, the fitted window shaded; per parameter, the posterior's weighted histogram against
//! the prior's density; per pair of parameters, the posterior's particles as points. The figures
//! arrive as plain numbers; what they mean is the caller's.

use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::data::float::pretty_print_float;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, Color, DrawingBackend, PathElement, Polygon, Rectangle,
    SeriesLabelPosition, BLACK, WHITE,
};

use crate::output::axis::{axis, Axis};
use crate::output::charts::{
    boxed_legend, colour, draw_grid, padded_range, write_drawing, ChartError, Drawing, FONT_FAMILY, LABEL_FONT_PX,
    LINE_WIDTH_PX, PANEL_TITLE_FONT_PX, TICK_FONT_PX,
};

/// Opacity of the 90% band's fill; the 50% band is drawn over it at the same opacity.
const OUTER_BAND_OPACITY: f64 = 0.18;
/// Opacity of the fitted window's grey.
const WINDOW_OPACITY: f64 = 0.07;
/// Share of the data's span added above it, where the legend goes.
const LEGEND_ROOM: f64 = 0.35;
/// Radius of a data point.
const DATA_RADIUS_PX: i32 = 5;

/// A figure of panels of one kind, laid out like [`crate::output::charts::Figure`].
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationFigure<P> {
    /// The title at the top.
    pub title: String,
    /// The panels, row by row.
    pub panels: Vec<P>,
}

/// One series over the calendar: predictive quantiles and data at each point of `x`.
#[derive(Debug, Clone, PartialEq)]
pub struct BandPanel {
    /// The panel's title.
    pub title: String,
    /// The y-axis label, with units.
    pub y_label: String,
    /// The x of each month: its middle as a fractional year, increasing.
    pub x: Vec<f64>,
    /// The 5%, 25%, 50%, 75% and 95% quantiles at each x.
    pub quantiles: [Vec<f64>; 5],
    /// The observation at each x (NaN where there is none).
    pub data: Vec<f64>,
    /// The fitted window's start and end on the x axis.
    pub window: (f64, f64),
}

/// One parameter's posterior against its prior.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramPanel {
    /// The panel's title (the parameter's key).
    pub title: String,
    /// The x-axis label.
    pub x_label: String,
    /// The bins' edges, increasing (one more than the densities).
    pub edges: Vec<f64>,
    /// The posterior density in each bin (weights over bin width).
    pub density: Vec<f64>,
    /// The prior's density at points (x, density) across the bins.
    pub prior: Vec<(f64, f64)>,
    /// The posterior median.
    pub median: f64,
}

/// Every pair of parameters: the posterior's particles as points sized by weight, one panel per
/// pair below the diagonal of a matrix whose rows and columns are the parameters in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PairsFigure {
    /// The title at the top.
    pub title: String,
    /// The parameters' axis labels, in order.
    pub names: Vec<String>,
    /// Each parameter's value for every particle.
    pub values: Vec<Vec<f64>>,
    /// Each particle's weight.
    pub weights: Vec<f64>,
}

/// The side of one panel of a pairs matrix.
const PAIR_PANEL_PX: u32 = 400;
/// Font sizes of a pairs matrix's small panels.
const PAIR_LABEL_FONT_PX: f64 = 17.0;
const PAIR_TICK_FONT_PX: f64 = 14.0;
/// Radius of the heaviest particle's point; the others scale with the square root of the weight.
const PAIR_RADIUS_PX: f64 = 7.0;

/// Writes a pairs matrix to `<stem>.png` and `<stem>.svg`: at least two parameters, each with a
/// value per weight.
pub fn write_pairs(figure: &PairsFigure, stem: &Path) -> Result<(), ChartError> {
    if figure.names.len() < 2 || figure.values.len() != figure.names.len() {
        return Err(ChartError::NoPanels {
            title: figure.title.clone(),
        });
    }
    if let Some((k, _)) = figure
        .values
        .iter()
        .enumerate()
        .find(|(_, v)| v.len() != figure.weights.len())
    {
        return Err(ChartError::BadLine {
            panel: figure.names[k].clone(),
            line: "particles".to_string(),
            problem: format!("give one value per weight ({})", figure.weights.len()),
        });
    }
    write_drawing(figure, stem)
}

impl Drawing for PairsFigure {
    fn panel_count(&self) -> usize {
        let k = self.names.len();
        k * k.saturating_sub(1) / 2
    }

    fn size(&self) -> (u32, u32) {
        let side = PAIR_PANEL_PX * self.names.len().saturating_sub(1).max(1) as u32;
        (side, side + 60)
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Drawn<DB> {
        root.fill(&WHITE)?;
        let body = root
            .margin(10, 0, 0, 0)
            .titled(&self.title, (FONT_FAMILY, PANEL_TITLE_FONT_PX))?;
        let n = self.names.len() - 1;
        let cells = body.split_evenly((n, n));
        let heaviest = self.weights.iter().copied().fold(0.0, f64::max);
        for row in 1..=n {
            for column in 0..row {
                self.draw_pair(&cells[(row - 1) * n + column], column, row, heaviest)?;
            }
        }
        root.present()
    }
}

impl PairsFigure {
    /// The panel of parameter `x` (across) against parameter `y` (up); axis titles on the
    /// matrix's left column and bottom row only.
    fn draw_pair<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: usize,
        y: usize,
        heaviest: f64,
    ) -> Drawn<DB> {
        let last = self.names.len() - 1;
        let range = |k: usize| padded_range(self.values[k].iter().copied());
        let mut chart = ChartBuilder::on(area)
            .margin(8)
            .x_label_area_size(if y == last { 55 } else { 25 })
            .y_label_area_size(if x == 0 { 75 } else { 45 })
            .build_cartesian_2d(range(x), range(y))?;
        let format = |value: &f64| pretty_print_float(*value, false);
        chart
            .configure_mesh()
            .x_desc(if y == last { self.names[x].as_str() } else { "" })
            .y_desc(if x == 0 { self.names[y].as_str() } else { "" })
            .x_labels(4)
            .y_labels(4)
            .axis_desc_style((FONT_FAMILY, PAIR_LABEL_FONT_PX))
            .label_style((FONT_FAMILY, PAIR_TICK_FONT_PX))
            .x_label_formatter(&format)
            .y_label_formatter(&format)
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        let fill = colour(0).mix(0.45).filled();
        let points = self.values[x]
            .iter()
            .zip(&self.values[y])
            .zip(&self.weights)
            .filter(|((a, b), w)| a.is_finite() && b.is_finite() && **w > 0.0)
            .map(|((&a, &b), &w)| {
                let radius = PAIR_RADIUS_PX * (w / heaviest).sqrt();
                Circle::new((a, b), radius.max(1.5).round() as i32, fill)
            });
        chart.draw_series(points)?;
        Ok(())
    }
}

/// Writes a figure of predictive bands to `<stem>.png` and `<stem>.svg`.
pub fn write_bands(figure: &CalibrationFigure<BandPanel>, stem: &Path) -> Result<(), ChartError> {
    for panel in &figure.panels {
        let n = panel.x.len();
        if panel.data.len() != n || panel.quantiles.iter().any(|q| q.len() != n) {
            return Err(ChartError::BadLine {
                panel: panel.title.clone(),
                line: "predictive".to_string(),
                problem: format!("give one data value and one value of each quantile per month ({n})"),
            });
        }
    }
    write_checked(figure, stem)
}

/// Writes a figure of posterior histograms to `<stem>.png` and `<stem>.svg`.
pub fn write_histograms(figure: &CalibrationFigure<HistogramPanel>, stem: &Path) -> Result<(), ChartError> {
    for panel in &figure.panels {
        if panel.edges.len() != panel.density.len() + 1 {
            return Err(ChartError::BadLine {
                panel: panel.title.clone(),
                line: "posterior".to_string(),
                problem: "give one more bin edge than densities".to_string(),
            });
        }
    }
    write_checked(figure, stem)
}

fn write_checked<P>(figure: &CalibrationFigure<P>, stem: &Path) -> Result<(), ChartError>
where
    CalibrationFigure<P>: Drawing,
{
    if figure.panels.is_empty() {
        return Err(ChartError::NoPanels {
            title: figure.title.clone(),
        });
    }
    write_drawing(figure, stem)
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Chart<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, Axis>>;

/// Month steps a calendar axis may tick at, from monthly to every other year.
const MONTH_STEPS: [u32; 6] = [1, 2, 3, 6, 12, 24];

/// A calendar axis over fractional years (2014.0 is 2014-01-01, 2014.5 is 2014-07-01) ticked at
/// the starts of months: every month, two, three, six, twelve or twenty-four, whichever is the
/// finest step that gives no more ticks than the chart asks for.
struct CalendarAxis(RangedCoordf64);

impl CalendarAxis {
    /// The ticks' month step for at most `max` ticks.
    fn step(&self, max: usize) -> u32 {
        let range = self.0.range();
        let months = ((range.end - range.start) * 12.0).max(0.0);
        MONTH_STEPS
            .into_iter()
            .find(|&step| months / f64::from(step) < max.max(1) as f64)
            .unwrap_or(MONTH_STEPS[MONTH_STEPS.len() - 1])
    }
}

impl Ranged for CalendarAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        let step = self.step(hint.max_num_points());
        let range = self.0.range();
        // Month numbers since year 0, from the first multiple of the step within the range.
        let first = libm::ceil(range.start * 12.0 / f64::from(step)) as i64 * i64::from(step);
        // A tick at the very end would have its label cut by the panel's edge.
        let last = libm::floor(range.end * 12.0 - 0.25) as i64;
        (first..=last)
            .step_by(step as usize)
            .map(|month| month as f64 / 12.0)
            .collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }
}

/// The label of a tick at the start of a month: `YYYY` for January with yearly steps,
/// `YYYY-MM` otherwise.
fn month_label(value: f64, yearly: bool) -> String {
    let months = libm::round(value * 12.0) as i64;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    if yearly && month == 1 {
        format!("{year}")
    } else {
        format!("{year:04}-{month:02}")
    }
}

/// Something a panel of a calibration figure can be.
trait PanelDrawing {
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn<DB>;
}

impl<P: PanelDrawing> Drawing for CalibrationFigure<P> {
    fn panel_count(&self) -> usize {
        self.panels.len()
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw_grid(root, &self.title, &self.panels, |panel, area| panel.draw_on(area))
    }
}

/// The chart of a panel: caption, axes and light grid over the given axes, the x axis's ticks
/// labelled by `x_format`.
fn chart<'a, DB: DrawingBackend, X: Ranged<ValueType = f64, FormatOption = DefaultFormatting>>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    (x_label, y_label): (&str, &str),
    (x, y): (X, std::ops::Range<f64>),
    x_format: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, DB, X>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT_FAMILY, PANEL_TITLE_FONT_PX))
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(x, axis(y))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style((FONT_FAMILY, LABEL_FONT_PX))
        .label_style((FONT_FAMILY, TICK_FONT_PX))
        .x_label_formatter(x_format)
        .y_label_formatter(&|value| pretty_print_float(*value, false))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    Ok(chart)
}

fn legend<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>>(chart: &mut Chart<'a, DB, X>) -> Drawn<DB> {
    boxed_legend(chart, SeriesLabelPosition::UpperLeft)
}

impl PanelDrawing for BandPanel {
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        let half_month = 0.5 / 12.0;
        let first = self.x.first().copied().unwrap_or(0.0) - half_month;
        let last = self.x.last().copied().unwrap_or(1.0) + half_month;
        let values = self.quantiles.iter().flatten().chain(&self.data).copied();
        let y = padded_range(values.chain([0.0]));
        // Room above the data for the legend.
        let y = y.start..y.end + LEGEND_ROOM * (y.end - y.start);
        let calendar = CalendarAxis((first..last).into());
        let yearly = calendar.step(10) >= 12;
        let format = move |value: &f64| month_label(*value, yearly);
        let mut chart = chart(
            area,
            &self.title,
            ("month", &self.y_label),
            (calendar, y.clone()),
            &format,
        )?;
        let shade = BLACK.mix(WINDOW_OPACITY).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(self.window.0, y.start), (self.window.1, y.end)],
                shade,
            )))?
            .label("window fitted")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 30, y + 8)], shade));
        let fill = colour(0).mix(OUTER_BAND_OPACITY).filled();
        for (label, (low, high)) in [("90% band", (0, 4)), ("50% band", (1, 3))] {
            let upper = self.x.iter().zip(&self.quantiles[high]).map(|(&x, &y)| (x, y));
            let lower = self.x.iter().zip(&self.quantiles[low]).rev().map(|(&x, &y)| (x, y));
            let polygon: Vec<(f64, f64)> = upper.chain(lower).filter(|(_, y)| y.is_finite()).collect();
            let swatch = if low == 0 {
                fill
            } else {
                colour(0).mix(2.0 * OUTER_BAND_OPACITY).filled()
            };
            chart
                .draw_series(std::iter::once(Polygon::new(polygon, fill)))?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 30, y + 8)], swatch));
        }
        let stroke = colour(0).stroke_width(LINE_WIDTH_PX);
        let median: Vec<(f64, f64)> = self.x.iter().copied().zip(self.quantiles[2].iter().copied()).collect();
        chart
            .draw_series(std::iter::once(PathElement::new(median, stroke)))?
            .label("predictive median")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], stroke));
        let points = self
            .x
            .iter()
            .zip(&self.data)
            .filter(|(_, y)| y.is_finite())
            .map(|(&x, &y)| Circle::new((x, y), DATA_RADIUS_PX, BLACK.filled()));
        chart
            .draw_series(points)?
            .label("data")
            .legend(|(x, y)| Circle::new((x + 15, y), DATA_RADIUS_PX, BLACK.filled()));
        legend(&mut chart)
    }
}

impl PanelDrawing for HistogramPanel {
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        let x = padded_range(self.edges.iter().copied());
        let heights = self.density.iter().chain(self.prior.iter().map(|(_, d)| d));
        let top = heights.copied().filter(|d| d.is_finite()).fold(0.0, f64::max);
        let y = 0.0..if top > 0.0 { top * (1.0 + LEGEND_ROOM) } else { 1.0 };
        let format = |value: &f64| pretty_print_float(*value, false);
        let mut chart = chart(
            area,
            &self.title,
            (&self.x_label, "density"),
            (axis(x), y.clone()),
            &format,
        )?;
        let fill = colour(0).mix(0.5).filled();
        let bars = self
            .edges
            .windows(2)
            .zip(&self.density)
            .filter(|(_, d)| d.is_finite())
            .map(|(edge, &d)| Rectangle::new([(edge[0], 0.0), (edge[1], d)], fill));
        chart
            .draw_series(bars)?
            .label("posterior (weighted)")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 30, y + 8)], fill));
        let prior = BLACK.stroke_width(LINE_WIDTH_PX);
        let curve: Vec<(f64, f64)> = self.prior.iter().copied().filter(|(_, d)| d.is_finite()).collect();
        chart
            .draw_series(std::iter::once(PathElement::new(curve, prior)))?
            .label("prior")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], prior));
        let marker = colour(1).stroke_width(LINE_WIDTH_PX);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(self.median, y.start), (self.median, y.end)],
                marker,
            )))?
            .label("posterior median")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], marker));
        legend(&mut chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_ticks_fall_on_month_starts_at_a_readable_step() {
        let ticks = |start: f64, end: f64, max: usize| {
            let axis = CalendarAxis((start..end).into());
            let yearly = axis.step(max) >= 12;
            axis.key_points(plotters::coord::ranged1d::BoldPoints(max))
                .iter()
                .map(|&v| month_label(v, yearly))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ticks(2014.0, 2014.5, 10),
            ["2014-01", "2014-02", "2014-03", "2014-04", "2014-05", "2014-06"]
        );
        assert_eq!(
            ticks(2014.0, 2017.99, 10),
            ["2014-01", "2014-07", "2015-01", "2015-07", "2016-01", "2016-07", "2017-01", "2017-07"]
        );
        assert_eq!(
            ticks(2013.96, 2021.0, 10),
            ["2014", "2015", "2016", "2017", "2018", "2019", "2020"]
        );
    }

    #[test]
    fn both_kinds_of_panel_draw_and_bad_lengths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let x: Vec<f64> = (0..24).map(|k| 2014.0 + (f64::from(k) + 0.5) / 12.0).collect();
        let rise = |offset: f64| x.iter().map(|v| (v - 2014.0) * 10.0 + offset).collect::<Vec<f64>>();
        let bands = CalibrationFigure {
            title: "predictive bands".to_string(),
            panels: vec![BandPanel {
                title: "new_problem_absconded".to_string(),
                y_label: "platforms".to_string(),
                quantiles: [rise(-4.0), rise(-2.0), rise(0.0), rise(2.0), rise(4.0)],
                data: x
                    .iter()
                    .enumerate()
                    .map(|(k, v)| if k < 12 { (v - 2014.0) * 10.0 } else { f64::NAN })
                    .collect(),
                x: x.clone(),
                window: (2014.0, 2015.0),
            }],
        };
        write_bands(&bands, &dir.path().join("bands")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("bands.svg")).unwrap();
        for text in [
            "predictive bands",
            "window fitted",
            "90% band",
            "data",
            "2015-01",
            "2014-04",
        ] {
            assert!(svg.contains(text), "the SVG lacks `{text}`");
        }
        let histograms = CalibrationFigure {
            title: "posterior".to_string(),
            panels: vec![HistogramPanel {
                title: "trust.loss_rate".to_string(),
                x_label: "value".to_string(),
                edges: vec![0.1, 0.2, 0.3],
                density: vec![4.0, 6.0],
                prior: vec![(0.1, 2.5), (0.3, 2.5)],
                median: 0.21,
            }],
        };
        write_histograms(&histograms, &dir.path().join("posterior")).unwrap();
        assert!(dir.path().join("posterior.png").exists());
        let pairs = PairsFigure {
            title: "pairs".to_string(),
            names: vec!["share".to_string(), "log10(rate)".to_string(), "ratio".to_string()],
            values: vec![vec![0.1, 0.2, 0.3], vec![1.0, 1.5, 1.2], vec![5.0, 3.0, 4.0]],
            weights: vec![0.5, 0.3, 0.2],
        };
        write_pairs(&pairs, &dir.path().join("pairs")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("pairs.svg")).unwrap();
        for text in ["pairs", "share", "log10(rate)", "ratio"] {
            assert!(svg.contains(text), "the pairs SVG lacks `{text}`");
        }
        assert_eq!(
            svg.matches("<circle").count(),
            3 * 3,
            "three particles in each of three panels"
        );
        let mut short = pairs.clone();
        short.values[2].pop();
        assert!(write_pairs(&short, &dir.path().join("short")).is_err());
        let mut bad = bands.clone();
        bad.panels[0].data.pop();
        assert!(write_bands(&bad, &dir.path().join("bad")).is_err());
        assert!(!dir.path().join("bad.svg").exists());
    }
}
