//! The tables and charts of a finished calibration: every generation's particles
//! (`posterior.csv`), the sampler's progress (`generations.csv`), each parameter's prior and
//! posterior summary (`parameters.csv`), and the figures of the predictive bands and the
//! posterior marginals.

use serde::Serialize;

use crate::analysis::abc::{posterior_summary, Generation, ParameterSummary};
use crate::analysis::prior::Prior;
use crate::experiment::calibrate::month::Month;
use crate::experiment::calibrate::predictive::PredictiveRow;
use crate::experiment::calibrate::spec::Calibration;
use crate::output::calibration_charts::{BandPanel, CalibrationFigure, HistogramPanel, PairsFigure};

/// Fewest and most bins of a posterior histogram; between them, about the square root of the
/// effective sample size.
const BINS: std::ops::RangeInclusive<usize> = 5..=30;

/// Points at which a prior's density is drawn.
const PRIOR_POINTS: usize = 200;

/// The records of `posterior.csv`: a header (`generation`, `particle`, each parameter's key,
/// `weight`, `distance`), then every particle of every generation in order.
pub fn posterior_records(calibration: &Calibration, generations: &[Generation]) -> Vec<Vec<String>> {
    let mut header = vec!["generation".to_string(), "particle".to_string()];
    header.extend(calibration.keys());
    header.extend(["weight".to_string(), "distance".to_string()]);
    let mut records = vec![header];
    for generation in generations {
        for (i, particle) in generation.particles.iter().enumerate() {
            let mut record = vec![generation.index.to_string(), i.to_string()];
            record.extend(particle.values.iter().map(|x| number(*x)));
            record.extend([number(particle.weight), number(particle.distance)]);
            records.push(record);
        }
    }
    records
}

/// A float as CSV writes it elsewhere: its shortest round-trip text (`0.1`, `1e-7`, `inf`).
fn number(x: f64) -> String {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.serialize(x).expect("a float serializes");
    let bytes = writer.into_inner().expect("an in-memory writer");
    String::from_utf8(bytes).expect("UTF-8").trim_end().to_string()
}

/// One row of `generations.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct GenerationRow {
    /// 0 for the prior draws, then 1, 2, …
    pub generation: usize,
    /// Largest distance accepted.
    pub tolerance: f64,
    /// Proposals made.
    pub proposed: u64,
    /// Candidates evaluated.
    pub evaluated: u64,
    /// Simulations run: candidates evaluated × seeds per candidate.
    pub runs: u64,
    /// Particles over proposals.
    pub acceptance_rate: f64,
    /// Effective sample size of the weights.
    pub ess: f64,
}

/// The rows of `generations.csv`.
pub fn generation_rows(calibration: &Calibration, generations: &[Generation]) -> Vec<GenerationRow> {
    generations
        .iter()
        .map(|g| GenerationRow {
            generation: g.index,
            tolerance: g.tolerance,
            proposed: g.proposed,
            evaluated: g.evaluated,
            runs: g.evaluated * calibration.file.seeds,
            acceptance_rate: g.acceptance_rate,
            ess: g.ess,
        })
        .collect()
}

/// One row of `parameters.csv`: a parameter's prior and posterior.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ParameterRow {
    /// The scenario key.
    pub key: String,
    /// The prior's kind.
    pub prior: &'static str,
    /// The prior's median.
    pub prior_median: f64,
    /// The prior's 5% quantile.
    pub prior_low_90: f64,
    /// The prior's 95% quantile.
    pub prior_high_90: f64,
    /// Weighted posterior mean.
    pub mean: f64,
    /// Weighted posterior median (the value `calibrated.toml` sets, rounded where the key takes
    /// whole numbers).
    pub median: f64,
    /// Weighted 5% quantile.
    pub low_90: f64,
    /// Weighted 25% quantile.
    pub low_50: f64,
    /// Weighted 75% quantile.
    pub high_50: f64,
    /// Weighted 95% quantile.
    pub high_90: f64,
}

/// The rows of `parameters.csv`, summarising the final generation.
pub fn parameter_rows(calibration: &Calibration, last: &Generation) -> Vec<ParameterRow> {
    let summaries = posterior_summary(last, &calibration.priors);
    calibration
        .keys()
        .into_iter()
        .zip(&calibration.priors)
        .zip(summaries)
        .map(|((key, prior), s): ((String, &Prior), ParameterSummary)| ParameterRow {
            key,
            prior: prior_kind(prior),
            prior_median: prior.quantile(0.5),
            prior_low_90: s.prior_low_90,
            prior_high_90: s.prior_high_90,
            mean: s.mean,
            median: s.median,
            low_90: s.low_90,
            low_50: s.low_50,
            high_50: s.high_50,
            high_90: s.high_90,
        })
        .collect()
}

/// The prior's kind as a calibration file names it.
fn prior_kind(prior: &Prior) -> &'static str {
    match prior {
        Prior::Uniform { .. } => "uniform",
        Prior::LogUniform { .. } => "log_uniform",
        Prior::Normal { .. } => "normal",
        Prior::Beta { .. } => "beta",
    }
}

/// The figure of the predictive bands: one panel per series over every month of the horizon,
/// the window shaded.
pub fn predictive_figure(calibration: &Calibration, rows: &[PredictiveRow]) -> CalibrationFigure<BandPanel> {
    let months = calibration.months();
    let x: Vec<f64> = months.iter().map(|m| m.middle_as_year()).collect();
    let (first, last) = calibration.window;
    let start_of = |m: Month| f64::from(m.year) + f64::from(m.month - 1) / 12.0;
    let panels = calibration
        .file
        .series
        .iter()
        .map(|series| {
            let rows: Vec<&PredictiveRow> = rows.iter().filter(|r| r.series == series.name).collect();
            let column = |f: fn(&PredictiveRow) -> f64| rows.iter().map(|r| f(r)).collect::<Vec<f64>>();
            BandPanel {
                title: match &series.source.0[..] {
                    [one] => format!("{} ({one})", series.name),
                    many => format!("{} ({} sources)", series.name, many.len()),
                },
                y_label: series.metric.clone(),
                x: x.clone(),
                quantiles: [
                    column(|r| r.p05),
                    column(|r| r.p25),
                    column(|r| r.p50),
                    column(|r| r.p75),
                    column(|r| r.p95),
                ],
                data: column(|r| r.data.unwrap_or(f64::NAN)),
                window: (start_of(first), start_of(last.next())),
            }
        })
        .collect();
    let draws = &calibration.file.predictive;
    CalibrationFigure {
        title: format!(
            "{}: posterior predictive ({} draws × {} seeds) against the data",
            calibration.base.scenario.name, draws.draws, draws.seeds
        ),
        panels,
    }
}

/// The figure of the posterior marginals: one panel per parameter, the final generation's
/// weighted histogram over its range, the prior's density across it and the posterior median.
pub fn posterior_figure(calibration: &Calibration, last: &Generation) -> CalibrationFigure<HistogramPanel> {
    let summaries = posterior_summary(last, &calibration.priors);
    let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    let total: f64 = weights.iter().sum();
    let panels = calibration
        .keys()
        .into_iter()
        .enumerate()
        .map(|(k, key)| {
            let values: Vec<f64> = last.particles.iter().map(|p| p.values[k]).collect();
            let (low, high) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
            let (low, high) = if high > low {
                (low, high)
            } else {
                (low - 0.5 * low.abs().max(1e-9), high + 0.5 * high.abs().max(1e-9))
            };
            let bins = (last.ess.sqrt().ceil() as usize).clamp(*BINS.start(), *BINS.end());
            let width = (high - low) / bins as f64;
            let edges: Vec<f64> = (0..=bins).map(|b| low + b as f64 * width).collect();
            let mut mass = vec![0.0; bins];
            for (&v, &w) in values.iter().zip(&weights) {
                let bin = (((v - low) / width) as usize).min(bins - 1);
                mass[bin] += w;
            }
            let density = mass.iter().map(|m| m / total / width).collect();
            let prior = calibration.priors[k];
            let curve = (0..=PRIOR_POINTS)
                .map(|i| {
                    let x = low + (high - low) * i as f64 / PRIOR_POINTS as f64;
                    (x, natural_density(&prior, x))
                })
                .collect();
            HistogramPanel {
                title: key.clone(),
                x_label: key,
                edges,
                density,
                prior: curve,
                median: summaries[k].median,
            }
        })
        .collect();
    CalibrationFigure {
        title: format!(
            "{}: posterior of generation {} ({} particles, ESS {:.0}) against the prior",
            calibration.base.scenario.name,
            last.index,
            last.particles.len(),
            last.ess
        ),
        panels,
    }
}

/// The pairs matrix of the final generation `last`, when there are two parameters or more: each
/// parameter in natural units, or as log10 for a log-uniform prior (its working space).
pub fn pairs_figure(calibration: &Calibration, last: &Generation) -> Option<PairsFigure> {
    let keys = calibration.keys();
    if keys.len() < 2 {
        return None;
    }
    let (names, values) = keys
        .into_iter()
        .enumerate()
        .map(|(k, key)| {
            let logarithmic = matches!(calibration.priors[k], Prior::LogUniform { .. });
            let values = last.particles.iter().map(|p| p.values[k]);
            if logarithmic {
                (format!("log10({key})"), values.map(libm::log10).collect())
            } else {
                (key, values.collect())
            }
        })
        .unzip();
    Some(PairsFigure {
        title: format!(
            "{}: posterior pairs of generation {} ({} particles, point area by weight)",
            calibration.base.scenario.name,
            last.index,
            last.particles.len()
        ),
        names,
        values,
        weights: last.particles.iter().map(|p| p.weight).collect(),
    })
}

/// The prior's density at natural value `x`: its working-space density, times `1 / x` for a
/// log-uniform prior (whose working space is the logarithm).
fn natural_density(prior: &Prior, x: f64) -> f64 {
    let density = libm::exp(prior.log_density_working(prior.to_working(x)));
    match prior {
        Prior::LogUniform { .. } => density / x,
        _ => density,
    }
}
