//! The time charts of a comparison: trust, losses, exposure, platforms by type and users by
//! state, each strategy's daily mean with its 95% band, the scenario's events and each
//! strategy's intervention starts marked. Beyond [`OVERLAID_STRATEGIES`] strategies, the
//! trust, losses and exposure charts become small multiples (each strategy against the
//! reference) and the charts of several panels drop their bands.

use crate::analysis::comparison::SummaryRow;
use crate::output::charts::{Figure, Ink, Line, Marker, Panel};
use crate::scenario::schema::Scenario;

/// The most strategies drawn over each other in one panel with their bands.
pub const OVERLAID_STRATEGIES: usize = 4;

/// One metric of a chart: panel title, y label, metric column, divisor of its values.
struct Metric {
    title: &'static str,
    y_label: &'static str,
    column: &'static str,
    scale: f64,
}

const fn metric(title: &'static str, y_label: &'static str, column: &'static str) -> Metric {
    Metric {
        title,
        y_label,
        column,
        scale: 1.0,
    }
}

/// A chart: file stem, title, metrics (one panel each).
type Chart = (&'static str, &'static str, &'static [Metric]);

/// The charts of one metric, which become small multiples beyond [`OVERLAID_STRATEGIES`].
const SINGLE: [Chart; 3] = [
    (
        "trust",
        "sector trust by strategy",
        &[metric("Mean trust in the sector", "trust (0 to 1)", "trust_mean")],
    ),
    (
        "losses",
        "investor losses by strategy",
        &[Metric {
            title: "Cumulative net investor loss (after compensation)",
            y_label: "million yuan",
            column: "net_loss_yuan",
            scale: 1e6,
        }],
    ),
    (
        "exposure",
        "investor exposure by strategy",
        &[Metric {
            title: "Net loss plus claims still owed by open frauds",
            y_label: "million yuan",
            column: "investor_exposure_yuan",
            scale: 1e6,
        }],
    ),
];

/// The charts of several metrics, one panel each.
const MULTIPLE: [Chart; 2] = [
    (
        "platforms",
        "platforms operating by type",
        &[
            metric("Sound platforms open", "platforms", "open_sound"),
            metric("Fragile platforms open", "platforms", "open_fragile"),
            metric("Fraudulent platforms open", "platforms", "open_fraudulent"),
        ],
    ),
    (
        "users",
        "users by state",
        &[
            metric("Active", "users", "users_active"),
            metric("Withdrawing", "users", "users_withdrawing"),
            metric("Exited", "users", "users_exited"),
            metric("Victims of a failure", "users", "users_victim"),
        ],
    ),
];

/// The line of strategy `s` (named `name`) for `metric`, from `summary`. Every metric drawn is
/// a count, a sum or a trust, so a band that would read below zero is clipped there (NaN stays
/// missing).
fn line(summary: &[SummaryRow], name: &str, s: usize, metric: &Metric, band: bool) -> Line {
    let rows: Vec<&SummaryRow> = summary
        .iter()
        .filter(|r| r.strategy == name && r.metric == metric.column)
        .collect();
    let scaled = |value: f64| if value < 0.0 { 0.0 } else { value / metric.scale };
    Line {
        label: name.to_string(),
        days: rows.iter().map(|r| r.day).collect(),
        mean: rows.iter().map(|r| r.mean / metric.scale).collect(),
        band: band.then(|| {
            (
                rows.iter().map(|r| scaled(r.ci_low)).collect(),
                rows.iter().map(|r| scaled(r.ci_high)).collect(),
            )
        }),
        ink: Ink::Palette(s),
    }
}

/// The scenario's events (grey), then the intervention starts of each strategy in `strategies`
/// (in its colour), each labelled; intervention starts on the same day as another of the same
/// strategy are marked once.
fn markers(scenario: &Scenario, strategies: &[usize]) -> Vec<Marker> {
    let mut marks: Vec<Marker> = scenario
        .event
        .iter()
        .map(|e| Marker {
            day: e.day,
            label: e.action.kind().replace('_', " "),
            ink: Ink::Guide,
        })
        .collect();
    let all = scenario.strategies();
    for &s in strategies {
        let mut days: Vec<u32> = all[s].intervention.iter().map(|i| i.schedule.start_day).collect();
        days.sort_unstable();
        days.dedup();
        marks.extend(days.into_iter().map(|day| Marker {
            day,
            label: format!("{} starts", all[s].name),
            ink: Ink::Palette(s),
        }));
    }
    marks
}

/// The charts: (file stem, figure) for trust, losses, exposure, platforms by type and users by
/// state, from the per-day summaries of every strategy over `seeds` seeds.
pub fn figures(scenario: &Scenario, seeds: usize, summary: &[SummaryRow]) -> Vec<(&'static str, Figure)> {
    let names: Vec<String> = scenario.strategies().iter().map(|s| s.name.clone()).collect();
    let reference = scenario.reference_index().expect("validated");
    let every: Vec<usize> = (0..names.len()).collect();
    let overlaid = names.len() <= OVERLAID_STRATEGIES;
    let figure = |what: &str, how: &str, panels: Vec<Panel>| Figure {
        title: format!("{}: {what} ({how} over {seeds} seeds)", scenario.name),
        x_label: "day".to_string(),
        panels,
    };
    let mut figures = Vec::new();
    for (stem, what, metrics) in SINGLE {
        let m = &metrics[0];
        let panels = if overlaid {
            vec![Panel {
                title: m.title.to_string(),
                y_label: m.y_label.to_string(),
                lines: every.iter().map(|&s| line(summary, &names[s], s, m, true)).collect(),
                markers: markers(scenario, &every),
            }]
        } else {
            every
                .iter()
                .filter(|&&s| s != reference)
                .map(|&s| Panel {
                    title: format!("{} against {}", names[s], names[reference]),
                    y_label: m.y_label.to_string(),
                    lines: vec![
                        Line {
                            ink: Ink::Guide,
                            ..line(summary, &names[reference], reference, m, true)
                        },
                        line(summary, &names[s], s, m, true),
                    ],
                    markers: markers(scenario, &[s]),
                })
                .collect()
        };
        let how = if overlaid {
            "mean and 95% CI"
        } else {
            "each against the reference; mean and 95% CI"
        };
        figures.push((stem, figure(what, how, panels)));
    }
    for (stem, what, metrics) in MULTIPLE {
        let panels = metrics
            .iter()
            .map(|m| Panel {
                title: m.title.to_string(),
                y_label: m.y_label.to_string(),
                lines: every
                    .iter()
                    .map(|&s| line(summary, &names[s], s, m, overlaid))
                    .collect(),
                markers: markers(scenario, &[]),
            })
            .collect();
        let how = if overlaid {
            "mean and 95% CI"
        } else {
            "means; bands left out for so many strategies"
        };
        figures.push((stem, figure(what, how, panels)));
    }
    figures
}
