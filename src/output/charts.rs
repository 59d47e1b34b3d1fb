//! Line charts of strategy means over days with 95% confidence bands, and days marked by events
//! or interventions, written as PNG and SVG.
//! Text is drawn with the DejaVu Sans font embedded in the binary, so a PNG never depends on the
//! fonts installed where it is rendered.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::output::axis::{axis, Axis};
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordu32;
use plotters::coord::Shift;
use plotters::data::float::pretty_print_float;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::prelude::{
    BitMapBackend, Cartesian2d, ChartBuilder, ChartContext, Circle, Color, DrawingBackend, EmptyElement, IntoFont,
    PathElement, Polygon, Rectangle, SVGBackend, SeriesLabelPosition, Text, TextStyle, BLACK, TRANSPARENT, WHITE,
};
use plotters::style::{register_font, FontStyle, RGBColor};

/// One line on a panel: a strategy's mean over days with an optional 95% CI band.
///
/// `days` must be strictly increasing; `mean` and both band bounds (lower, upper) hold one value
/// per day. Non-finite values (NaN, infinities) are missing data: the line breaks there and the
/// band is not drawn on that day.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The name shown in the legend, e.g. the strategy's name.
    pub label: String,
    /// The days the values belong to.
    pub days: Vec<u32>,
    /// The mean on each day.
    pub mean: Vec<f64>,
    /// The lower and upper bounds of the confidence band on each day, if there is one.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    /// Its colour.
    pub ink: Ink,
}

/// The colour of a line or a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// The i-th colour of the palette ([`colour`]): a strategy keeps its colour in every chart.
    Palette(usize),
    /// Grey: a guide such as a chance diagonal, or a scenario's own event.
    Guide,
}

impl Ink {
    fn rgb(self) -> RGBColor {
        match self {
            Ink::Palette(i) => colour(i),
            Ink::Guide => GUIDE,
        }
    }
}

/// A day marked on a panel by a vertical line with a label at the top: an event of the
/// scenario, or the start of a strategy's intervention.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The day marked.
    pub day: u32,
    /// The label, e.g. "run away" or "fund starts".
    pub label: String,
    /// Its colour: the strategy's for an intervention, [`Ink::Guide`] for an event.
    pub ink: Ink,
}

/// One panel (sub-plot) of a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The panel's own title.
    pub title: String,
    /// The y-axis label, with units, e.g. "deposits withdrawn (%)".
    pub y_label: String,
    /// The lines.
    pub lines: Vec<Line>,
    /// Days marked by a vertical line, in the order their labels are stacked.
    pub markers: Vec<Marker>,
}

/// A figure: a title and one or more panels laid out in a grid (1 panel: full size; 2: side by
/// side; 3–4: 2×2; more: two columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The title at the top of the figure.
    pub title: String,
    /// The x-axis label shared by every panel, e.g. "day".
    pub x_label: String,
    /// The panels, filled into the grid row by row.
    pub panels: Vec<Panel>,
}

/// Errors from drawing a figure.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The figure has nothing to draw.
    #[error("figure `{title}` has no panels; give it at least one")]
    NoPanels {
        /// The figure's title.
        title: String,
    },
    /// A line's data cannot be drawn as given.
    #[error("panel `{panel}`, line `{line}`: {problem}")]
    BadLine {
        /// The panel's title.
        panel: String,
        /// The line's label.
        line: String,
        /// What is wrong and what would be accepted.
        problem: String,
    },
    /// The embedded font could not be registered with plotters.
    #[error("the embedded font `assets/fonts/DejaVuSans.ttf` is not a valid TrueType font")]
    Font,
    /// plotters failed to draw or encode the figure.
    #[error("{}: cannot draw chart: {message}", path.display())]
    Draw {
        /// The file being drawn.
        path: PathBuf,
        /// plotters' error message.
        message: String,
    },
    /// The finished SVG could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The embedded font, registered with plotters under [`FONT_FAMILY`].
const FONT_BYTES: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));
/// The family every text style asks for; also the `font-family` written into the SVG.
pub(crate) const FONT_FAMILY: &str = "sans-serif";

/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), reordered so that the strongest
/// colours come first and black, which reads as an axis or a reference line, comes last.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

/// The grey of guides and of the scenario's own events.
const GUIDE: RGBColor = RGBColor(0x60, 0x60, 0x60);
/// Opacity of a marker's vertical line.
const MARKER_OPACITY: f64 = 0.6;
/// Marker labels are stacked in this many rows at the top of a panel, so that labels of days
/// close together do not overwrite each other.
const MARKER_LABEL_ROWS: usize = 3;

/// Font sizes in pixels, readable at the PNG's size.
pub(crate) const TITLE_FONT_PX: f64 = 40.0;
pub(crate) const PANEL_TITLE_FONT_PX: f64 = 30.0;
pub(crate) const LABEL_FONT_PX: f64 = 26.0;
pub(crate) const TICK_FONT_PX: f64 = 24.0;

/// Opacity of a confidence band's fill.
pub(crate) const BAND_OPACITY: f64 = 0.2;
/// Width of a mean line.
pub(crate) const LINE_WIDTH_PX: u32 = 2;
/// Radius of the dot drawn for a mean value with no finite neighbour to join.
const LONE_POINT_RADIUS_PX: i32 = 4;
/// Fraction of the data's y span added above and below it.
const Y_PADDING: f64 = 0.05;

/// Opacity of the legend's white background: data behind it stays faintly visible.
const LEGEND_BACKGROUND_OPACITY: f64 = 0.8;
/// Length of the line sample in a legend entry, and the space between it and the label.
const LEGEND_SWATCH_PX: i32 = 40;
const LEGEND_GAP_PX: i32 = 12;
/// plotters' padding inside the legend box, and its distance from the plot's edge.
const LEGEND_MARGIN_PX: i32 = 10;
const LEGEND_INSET_PX: i32 = 5;
/// plotters spaces legend entries at this multiple of the font size.
const LEGEND_LINE_HEIGHT: f64 = 1.25;

/// A figure of panels that can draw itself on any plotters backend: the line charts here, and
/// the other kinds of chart built on this module's layout and style.
pub(crate) trait Drawing {
    /// The number of panels, which sets the image size.
    fn panel_count(&self) -> usize;

    /// Checks the data before anything is drawn; by default there is nothing to check.
    fn check(&self) -> Result<(), ChartError> {
        Ok(())
    }

    /// The image size in pixels: by default that of a grid of two columns of the panels.
    fn size(&self) -> (u32, u32) {
        figure_size(self.panel_count())
    }

    /// Draws the whole figure onto `root` and presents it.
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>)
        -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

impl Drawing for Figure {
    fn panel_count(&self) -> usize {
        self.panels.len()
    }

    fn check(&self) -> Result<(), ChartError> {
        validate(self)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw_figure(self, root)
    }
}

/// Writes `drawing` to `<stem>.png` and `<stem>.svg` (the extensions are appended to `stem`),
/// after its [`Drawing::check`].
///
/// A line [`Figure`]'s PNG is 1600×1000 px for one panel, 2000×800 for two side by side, and
/// 2000 px wide with 700 px per row of two panels for more (small enough that its text stays
/// legible when a report shows it about 1,000 px wide) ([`Drawing::size`]). Both images are
/// drawn in memory first, so invalid data or a drawing failure leaves no file behind.
pub(crate) fn write_drawing(drawing: &impl Drawing, stem: &Path) -> Result<(), ChartError> {
    drawing.check()?;
    register_embedded_font()?;
    let png_path = with_extension(stem, "png");
    let svg_path = with_extension(stem, "svg");
    let size = drawing.size();

    let mut svg = String::new();
    drawing
        .draw(SVGBackend::with_string(&mut svg, size).into_drawing_area())
        .map_err(|e| draw_error(&svg_path, e))?;

    let mut pixels = vec![0u8; size.0 as usize * size.1 as usize * 3];
    drawing
        .draw(BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area())
        .map_err(|e| draw_error(&png_path, e))?;
    let mut png = BitMapBackend::new(&png_path, size);
    png.blit_bitmap((0, 0), size, &pixels)
        .and_then(|()| png.present())
        .map_err(|e| draw_error(&png_path, e))?;

    std::fs::write(&svg_path, svg).map_err(|source| ChartError::Io { path: svg_path, source })
}

/// The colour of the i-th line: the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008),
/// starting with blue and cycling after eight colours.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Registers the embedded font once per process; every later call reports the first outcome.
fn register_embedded_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    if *REGISTERED.get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()) {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// Rejects figures that cannot be drawn, before any file is touched.
fn validate(figure: &Figure) -> Result<(), ChartError> {
    if figure.panels.is_empty() {
        return Err(ChartError::NoPanels {
            title: figure.title.clone(),
        });
    }
    for panel in &figure.panels {
        for line in &panel.lines {
            if let Some(problem) = line_problem(line) {
                return Err(ChartError::BadLine {
                    panel: panel.title.clone(),
                    line: line.label.clone(),
                    problem,
                });
            }
        }
    }
    Ok(())
}

/// What makes `line` undrawable, if anything.
fn line_problem(line: &Line) -> Option<String> {
    let days = line.days.len();
    let mut lengths = vec![("mean", line.mean.len())];
    if let Some((lower, upper)) = &line.band {
        lengths.push(("band lower bound", lower.len()));
        lengths.push(("band upper bound", upper.len()));
    }
    if let Some((name, len)) = lengths.into_iter().find(|&(_, len)| len != days) {
        return Some(format!(
            "`{name}` has {len} values but `days` has {days}; give one value per day"
        ));
    }
    line.days.windows(2).find(|pair| pair[0] >= pair[1]).map(|pair| {
        format!(
            "`days` must be strictly increasing, but day {} is followed by {}",
            pair[0], pair[1]
        )
    })
}

/// `stem` with `.extension` appended (not replacing whatever follows a dot in the stem).
fn with_extension(stem: &Path, extension: &str) -> PathBuf {
    let mut path = stem.as_os_str().to_owned();
    path.push(".");
    path.push(extension);
    PathBuf::from(path)
}

fn draw_error<E: std::fmt::Display>(path: &Path, error: E) -> ChartError {
    ChartError::Draw {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

/// The grid of panels: (rows, columns).
pub(crate) fn grid(panels: usize) -> (usize, usize) {
    match panels {
        0 | 1 => (1, 1),
        2 => (1, 2),
        n => (n.div_ceil(2), 2),
    }
}

/// The image size in pixels for a figure of `panels` panels.
fn figure_size(panels: usize) -> (u32, u32) {
    match grid(panels) {
        (1, 1) => (1600, 1000),
        (1, columns) => (1000 * columns as u32, 800),
        (rows, columns) => (1000 * columns as u32, 700 * rows as u32),
    }
}

/// Draws the whole figure onto `root` and presents it.
fn draw_figure<DB: DrawingBackend>(
    figure: &Figure,
    root: DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    draw_grid(root, &figure.title, &figure.panels, |panel, area| {
        draw_panel(panel, &figure.x_label, area)
    })
}

/// Draws the legend of the series labelled on `chart` in a white box with a black border at
/// `position`: the legend of the sweep and calibration charts.
pub(crate) fn boxed_legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_series_labels()
        .position(position)
        .legend_area_size(42)
        .background_style(WHITE.mix(LEGEND_BACKGROUND_OPACITY))
        .border_style(BLACK)
        .label_font((FONT_FAMILY, LABEL_FONT_PX))
        .draw()
}

/// Fills `root` white, titles it, draws each of `panels` with `draw` in its cell of the grid
/// (row by row) and presents it: the frame of every kind of figure.
pub(crate) fn draw_grid<DB: DrawingBackend, P>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    panels: &[P],
    draw: impl Fn(&P, &DrawingArea<DB, Shift>) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let body = root.margin(10, 0, 0, 0).titled(title, (FONT_FAMILY, TITLE_FONT_PX))?;
    for (panel, area) in panels.iter().zip(body.split_evenly(grid(panels.len()))) {
        draw(panel, &area)?;
    }
    root.present()
}

/// Draws one panel: axes, bands under every line, the mean lines, and a legend when there is more
/// than one line.
fn draw_panel<DB: DrawingBackend>(
    panel: &Panel,
    x_label: &str,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let days = day_range(panel);
    let values = value_range(panel);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT_FAMILY, PANEL_TITLE_FONT_PX))
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(days.clone(), axis(values.clone()))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(&panel.y_label)
        .axis_desc_style((FONT_FAMILY, LABEL_FONT_PX))
        .label_style((FONT_FAMILY, TICK_FONT_PX))
        .y_label_formatter(&|value| pretty_print_float(*value, false))
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;

    draw_markers(&mut chart, area, &panel.markers, &values)?;
    // All bands first, so that no band covers another strategy's mean line.
    for line in &panel.lines {
        if let Some((lower, upper)) = &line.band {
            let fill = line.ink.rgb().mix(BAND_OPACITY).filled();
            let drawn = |k: usize| lower[k].is_finite() && upper[k].is_finite();
            chart.draw_series(
                runs(line.days.len(), drawn)
                    .into_iter()
                    .filter(|run| run.len() > 1)
                    .map(|run| {
                        let upper_edge = run.clone().map(|k| (line.days[k], upper[k]));
                        let lower_edge = run.rev().map(|k| (line.days[k], lower[k]));
                        Polygon::new(upper_edge.chain(lower_edge).collect::<Vec<_>>(), fill)
                    }),
            )?;
        }
    }

    for line in &panel.lines {
        let ink = line.ink.rgb();
        let stroke = ink.stroke_width(LINE_WIDTH_PX);
        let swatch_fill = match line.band {
            Some(_) => ink.mix(BAND_OPACITY).filled(),
            None => TRANSPARENT.filled(),
        };
        let mean_runs = runs(line.days.len(), |k| line.mean[k].is_finite());
        let point = |k: usize| (line.days[k], line.mean[k]);
        chart
            .draw_series(
                mean_runs
                    .iter()
                    .filter(|run| run.len() > 1)
                    .map(|run| PathElement::new(run.clone().map(point).collect::<Vec<_>>(), stroke)),
            )?
            .label(&line.label)
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -8), (LEGEND_SWATCH_PX, 8)], swatch_fill)
                    + PathElement::new(vec![(0, 0), (LEGEND_SWATCH_PX, 0)], stroke)
            });
        chart.draw_series(
            mean_runs
                .iter()
                .filter(|run| run.len() == 1)
                .map(|run| Circle::new(point(run.start), LONE_POINT_RADIUS_PX, ink.filled())),
        )?;
    }

    if panel.lines.len() > 1 {
        let label_style = TextStyle::from((FONT_FAMILY, LABEL_FONT_PX).into_font());
        let mut text_width = 0;
        for line in &panel.lines {
            text_width = text_width.max(area.estimate_text_size(&line.label, &label_style)?.0 as i32);
        }
        let legend_px = (
            text_width + LEGEND_SWATCH_PX + LEGEND_GAP_PX + 2 * LEGEND_MARGIN_PX + LEGEND_INSET_PX,
            (panel.lines.len() as f64 * LABEL_FONT_PX * LEGEND_LINE_HEIGHT) as i32
                + 2 * LEGEND_MARGIN_PX
                + LEGEND_INSET_PX,
        );
        let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
        let legend_fraction = (
            f64::from(legend_px.0) / f64::from(plot_width.max(1)),
            f64::from(legend_px.1) / f64::from(plot_height.max(1)),
        );
        chart
            .configure_series_labels()
            .position(quietest_corner(panel, &days, &values, legend_fraction))
            .legend_area_size(LEGEND_SWATCH_PX + LEGEND_GAP_PX)
            .margin(LEGEND_MARGIN_PX)
            .background_style(WHITE.mix(LEGEND_BACKGROUND_OPACITY))
            .border_style(BLACK)
            .label_font(label_style)
            .draw()?;
    }
    Ok(())
}

/// The pixel position of data point `at` of `chart` relative to `area`'s top left corner, where
/// text drawn on the area lands on that point.
pub(crate) fn relative<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &ChartContext<'a, DB, Cartesian2d<X, Y>>,
    area: &DrawingArea<DB, Shift>,
    at: (X::ValueType, Y::ValueType),
) -> (i32, i32) {
    let (x, y) = chart.backend_coord(&at);
    let (left, top) = area.get_base_pixel();
    (x - left, y - top)
}

/// Draws each marker as a vertical line over the plot with its label at the top, the labels
/// stacked in [`MARKER_LABEL_ROWS`] rows in marker order.
fn draw_markers<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordu32, Axis>>,
    area: &DrawingArea<DB, Shift>,
    markers: &[Marker],
    values: &Range<f64>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let days = chart.x_range();
    for (k, marker) in markers.iter().filter(|m| days.contains(&m.day)).enumerate() {
        let ink = marker.ink.rgb();
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(marker.day, values.start), (marker.day, values.end)],
            ink.mix(MARKER_OPACITY).stroke_width(LINE_WIDTH_PX),
        )))?;
        let (x, y) = relative(chart, area, (marker.day, values.end));
        let row = (k % MARKER_LABEL_ROWS) as i32;
        let style = TextStyle::from((FONT_FAMILY, TICK_FONT_PX).into_font()).color(&ink);
        area.draw(&Text::new(
            marker.label.clone(),
            (x + 6, y + 6 + row * (TICK_FONT_PX as i32 + 6)),
            style,
        ))?;
    }
    Ok(())
}

/// The maximal runs of consecutive indices in `0..len` for which `present` holds.
fn runs(len: usize, present: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for k in 0..=len {
        match (start, k < len && present(k)) {
            (None, true) => start = Some(k),
            (Some(s), false) => {
                runs.push(s..k);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The x range: every line's days, widened to one day when they all fall on the same day.
fn day_range(panel: &Panel) -> Range<u32> {
    let days = panel.lines.iter().flat_map(|line| line.days.iter().copied());
    let (first, last) = days.fold((u32::MAX, u32::MIN), |(lo, hi), day| (lo.min(day), hi.max(day)));
    if first > last {
        return 0..1;
    }
    let first = first.min(u32::MAX - 1);
    first..last.max(first + 1)
}

/// The y range: every finite mean and band bound, padded by [`Y_PADDING`] of the span on both
/// sides; flat data is padded by that fraction of its value (or by 1 at zero) instead.
fn value_range(panel: &Panel) -> Range<f64> {
    let values = panel.lines.iter().flat_map(|line| {
        let band = line.band.iter().flat_map(|(lower, upper)| lower.iter().chain(upper));
        line.mean.iter().chain(band).copied()
    });
    padded_range(values)
}

/// The range of the finite `values`, padded as [`value_range`] pads it (0 to 1 when there are
/// none).
pub(crate) fn padded_range(values: impl Iterator<Item = f64>) -> Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return 0.0..1.0;
    }
    let pad = if hi > lo {
        (hi - lo) * Y_PADDING
    } else if lo != 0.0 {
        lo.abs() * Y_PADDING
    } else {
        1.0
    };
    (lo - pad)..(hi + pad)
}

/// The corner of the plot where a legend covering `legend_fraction` (width, height) of the plot
/// hides the fewest data: mean points inside it, or band spans crossing it; an upper corner
/// over a marker's label counts as hiding more than all the data. Ties go to the upper right,
/// then upper left, lower right, lower left.
fn quietest_corner(
    panel: &Panel,
    days: &Range<u32>,
    values: &Range<f64>,
    legend_fraction: (f64, f64),
) -> SeriesLabelPosition {
    let x_of = |day: u32| f64::from(day - days.start) / f64::from(days.end - days.start);
    let y_of = |value: f64| (value - values.start) / (values.end - values.start);
    let (width, height) = legend_fraction;
    let hidden = |right: bool, upper: bool| {
        let x_inside = |x: f64| if right { x >= 1.0 - width } else { x <= width };
        let (y_low, y_high) = if upper {
            (1.0 - height, f64::INFINITY)
        } else {
            (f64::NEG_INFINITY, height)
        };
        panel
            .lines
            .iter()
            .flat_map(|line| {
                line.days
                    .iter()
                    .enumerate()
                    .filter(move |&(_, &day)| x_inside(x_of(day)))
                    .map(move |(k, _)| {
                        let mean = y_of(line.mean[k]);
                        let mean_hidden = usize::from(mean >= y_low && mean <= y_high);
                        let band_hidden = line.band.as_ref().map_or(0, |(lower, upper)| {
                            usize::from(y_of(lower[k]) <= y_high && y_of(upper[k]) >= y_low)
                        });
                        mean_hidden + band_hidden
                    })
            })
            .sum::<usize>()
            + if upper {
                // A marker's label at the top must stay readable: it outweighs any day of data.
                let labels = panel
                    .markers
                    .iter()
                    .filter(|m| days.contains(&m.day) && x_inside(x_of(m.day)));
                labels.count() * panel.lines.len() * (days.end - days.start + 1) as usize * 2
            } else {
                0
            }
    };
    [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ]
    .into_iter()
    .min_by_key(|&(_, right, upper)| hidden(right, upper))
    .map(|(corner, _, _)| corner)
    .expect("there are four corners")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crisis-like curve: a logistic rise from `floor` to `ceiling` centred on `midpoint_day`.
    fn logistic(days: &[u32], floor: f64, ceiling: f64, midpoint_day: f64) -> Vec<f64> {
        days.iter()
            .map(|&day| floor + (ceiling - floor) / (1.0 + (-(f64::from(day) - midpoint_day) / 12.0).exp()))
            .collect()
    }

    fn line_with_band(label: &str, days: &[u32], mean: Vec<f64>, half_width: f64) -> Line {
        let lower = mean.iter().map(|m| m - half_width).collect();
        let upper = mean.iter().map(|m| m + half_width).collect();
        Line {
            ink: Ink::Palette(0),
            label: label.to_string(),
            days: days.to_vec(),
            mean,
            band: Some((lower, upper)),
        }
    }

    /// Two panels of three strategies each, shaped like a run-on-platforms comparison.
    fn crisis_figure() -> Figure {
        let days: Vec<u32> = (0..=180).collect();
        let strategies = [
            ("no intervention", 60.0),
            ("deposit insurance", 90.0),
            ("orderly wind-down", 120.0),
        ];
        let withdrawn = strategies
            .iter()
            .map(|&(label, midpoint)| line_with_band(label, &days, logistic(&days, 2.0, 70.0, midpoint), 4.0))
            .collect();
        let trust = strategies
            .iter()
            .map(|&(label, midpoint)| line_with_band(label, &days, logistic(&days, 0.8, 0.3, midpoint), 0.04))
            .collect();
        Figure {
            title: "Trust crisis: strategies compared".to_string(),
            x_label: "day".to_string(),
            panels: vec![
                Panel {
                    markers: Vec::new(),
                    title: "Deposits withdrawn".to_string(),
                    y_label: "withdrawn (% of deposits)".to_string(),
                    lines: withdrawn,
                },
                Panel {
                    markers: Vec::new(),
                    title: "Mean sector trust".to_string(),
                    y_label: "trust (0–1)".to_string(),
                    lines: trust,
                },
            ],
        }
    }

    /// (width, height) from a PNG's IHDR chunk, which follows the 8-byte signature.
    fn png_size(png: &[u8]) -> (u32, u32) {
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!(&png[12..16], b"IHDR");
        (be(16), be(20))
    }

    #[test]
    fn two_panel_figure_writes_png_of_expected_size_and_labelled_svg() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("crisis");
        let figure = crisis_figure();
        write_drawing(&figure, &stem).unwrap();

        let png = std::fs::read(dir.path().join("crisis.png")).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(png_size(&png), (2000, 800));

        let svg = std::fs::read_to_string(dir.path().join("crisis.svg")).unwrap();
        assert!(svg.contains(&figure.title));
        for line in &figure.panels[0].lines {
            assert!(svg.contains(&line.label), "SVG lacks legend label `{}`", line.label);
        }
    }

    #[test]
    fn flat_values_with_nan_still_write() {
        let dir = tempfile::tempdir().unwrap();
        let days = vec![0, 1, 2, 3, 4];
        let flat = vec![0.5, f64::NAN, 0.5, 0.5, f64::NAN];
        let figure = Figure {
            title: "Flat".to_string(),
            x_label: "day".to_string(),
            panels: vec![Panel {
                markers: Vec::new(),
                title: "Nothing happens".to_string(),
                y_label: "trust (0–1)".to_string(),
                lines: vec![
                    Line {
                        ink: Ink::Palette(0),
                        label: "steady".to_string(),
                        days: days.clone(),
                        mean: flat.clone(),
                        band: Some((flat.clone(), flat.clone())),
                    },
                    Line {
                        ink: Ink::Palette(0),
                        label: "all missing".to_string(),
                        days,
                        mean: vec![f64::NAN; 5],
                        band: None,
                    },
                ],
            }],
        };
        write_drawing(&figure, &dir.path().join("flat")).unwrap();
        let png = std::fs::read(dir.path().join("flat.png")).unwrap();
        assert_eq!(png_size(&png), (1600, 1000));
        let svg = std::fs::read_to_string(dir.path().join("flat.svg")).unwrap();
        assert!(
            svg.contains("<circle"),
            "a mean with no finite neighbour is drawn as a dot"
        );
    }

    #[test]
    fn colour_starts_with_okabe_ito_blue_and_cycles_after_eight() {
        let expected = [
            0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000,
        ];
        for (i, hex) in expected.into_iter().enumerate() {
            let RGBColor(red, green, blue) = colour(i);
            assert_eq!(u32::from_be_bytes([0, red, green, blue]), hex, "colour({i})");
            assert_eq!(colour(i + 8), colour(i));
        }
    }

    #[test]
    fn grids_scale_the_image_with_the_panel_count() {
        assert_eq!(figure_size(1), (1600, 1000));
        assert_eq!(figure_size(2), (2000, 800));
        assert_eq!(figure_size(3), (2000, 1400));
        assert_eq!(figure_size(4), (2000, 1400));
        assert_eq!(grid(5), (3, 2));
    }

    #[test]
    fn bad_lines_are_rejected_before_any_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut figure = crisis_figure();
        figure.panels[1].lines[2].mean.pop();
        let error = write_drawing(&figure, &dir.path().join("bad")).unwrap_err();
        assert!(matches!(&error, ChartError::BadLine { line, .. } if line == "orderly wind-down"));
        assert!(error.to_string().contains("`mean` has 180 values but `days` has 181"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        figure.panels.clear();
        assert!(matches!(
            write_drawing(&figure, &dir.path().join("bad")),
            Err(ChartError::NoPanels { .. })
        ));

        let unordered = Panel {
            markers: Vec::new(),
            title: "p".to_string(),
            y_label: "y".to_string(),
            lines: vec![Line {
                ink: Ink::Palette(0),
                label: "l".to_string(),
                days: vec![0, 2, 1],
                mean: vec![0.0; 3],
                band: None,
            }],
        };
        figure.panels.push(unordered);
        let error = write_drawing(&figure, &dir.path().join("bad")).unwrap_err();
        assert!(error
            .to_string()
            .contains("strictly increasing, but day 2 is followed by 1"));
    }

    #[test]
    fn value_range_covers_bands_and_never_collapses() {
        let panel = |mean: Vec<f64>, band: Option<(Vec<f64>, Vec<f64>)>| Panel {
            markers: Vec::new(),
            title: "p".to_string(),
            y_label: "y".to_string(),
            lines: vec![Line {
                ink: Ink::Palette(0),
                label: "l".to_string(),
                days: (0..mean.len() as u32).collect(),
                mean,
                band,
            }],
        };
        let banded = value_range(&panel(vec![1.0, 2.0], Some((vec![0.0, f64::NAN], vec![2.0, 4.0]))));
        assert!(
            (banded.start - -0.2).abs() < 1e-12 && (banded.end - 4.2).abs() < 1e-12,
            "{banded:?}"
        );
        assert_eq!(value_range(&panel(vec![10.0, f64::NAN, 10.0], None)), 9.5..10.5);
        assert_eq!(value_range(&panel(vec![0.0, 0.0], None)), -1.0..1.0);
        assert_eq!(value_range(&panel(vec![f64::NAN], None)), 0.0..1.0);
    }

    #[test]
    fn runs_split_at_missing_values() {
        let values = [1.0, f64::NAN, 2.0, 3.0, f64::NAN, f64::NAN, 4.0];
        assert_eq!(runs(values.len(), |k| values[k].is_finite()), vec![0..1, 2..4, 6..7]);
        assert!(runs(0, |_| true).is_empty());
    }

    #[test]
    fn legend_avoids_the_corner_the_data_fills() {
        let figure = crisis_figure();
        let rising = &figure.panels[0];
        let falling = &figure.panels[1];
        let corner = |panel: &Panel| quietest_corner(panel, &day_range(panel), &value_range(panel), (0.25, 0.2));
        assert_eq!(corner(rising), SeriesLabelPosition::UpperLeft);
        assert_eq!(corner(falling), SeriesLabelPosition::UpperRight);
    }

    #[test]
    fn extensions_are_appended_to_the_stem() {
        assert_eq!(
            with_extension(Path::new("out/run.v2"), "png"),
            PathBuf::from("out/run.v2.png")
        );
    }
}
