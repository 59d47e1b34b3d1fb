//! The tables of a sweep, from every run's outcome measures: the tidy per-run table, per point
//! × strategy aggregates with confidence intervals and paired differences against the
//! reference strategy, Morris and Sobol indices per parameter, and the plain-text samples and
//! results SALib's command-line analyser reads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::analysis::comparison::{csv_fields, numeric_fields};
use crate::analysis::design::morris_delta;
use crate::analysis::sensitivity::{morris_indices, sobol_indices, Bootstrap};
use crate::analysis::stats::{paired, summarize};
use crate::experiment::outcome::Outcome;
use crate::experiment::sweep::file::Design;
use crate::experiment::sweep::spec::{value_text, Job, Sweep, BOOTSTRAP_STREAM};

/// Every run's outcome measures, in the order of [`Sweep::jobs`].
pub struct SweepResults<'a> {
    /// The sweep.
    pub sweep: &'a Sweep,
    /// The runs, in order.
    pub jobs: Vec<Job>,
    /// Each run's outcome measures.
    pub outcomes: Vec<Outcome>,
    /// The index in the sweep's strategies of the reference of paired differences.
    pub reference: usize,
}

/// One row of `aggregates.csv`: an outcome measure at one point under one strategy, over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct AggregateRow {
    /// The point.
    pub point: usize,
    /// The strategy.
    pub strategy: String,
    /// The outcome measure.
    pub outcome: String,
    /// Number of seeds.
    pub n: usize,
    /// Mean over seeds.
    pub mean: f64,
    /// Sample standard deviation over seeds.
    pub sd: f64,
    /// Lower end of the 95% Student-t confidence interval of the mean.
    pub ci_low: f64,
    /// Upper end of that interval.
    pub ci_high: f64,
    /// The reference strategy of the paired difference.
    pub reference: String,
    /// Mean paired difference, strategy minus reference, over the same seeds at this point.
    pub diff: f64,
    /// Lower end of the 95% confidence interval of the difference.
    pub diff_ci_low: f64,
    /// Upper end of that interval.
    pub diff_ci_high: f64,
    /// Two-sided paired t-test p-value of no difference.
    pub p_value: f64,
}

/// One row of `morris.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MorrisRow {
    /// The strategy.
    pub strategy: String,
    /// The outcome measure (its mean over seeds at each point).
    pub outcome: String,
    /// The parameter's key.
    pub parameter: String,
    /// Mean elementary effect, in outcome units per whole range of the parameter.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
    /// Half-width of the bootstrap confidence interval of `mu_star`.
    pub mu_star_conf: f64,
}

/// One row of `sobol.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SobolRow {
    /// The strategy.
    pub strategy: String,
    /// The outcome measure (its mean over seeds at each point).
    pub outcome: String,
    /// The parameter's key.
    pub parameter: String,
    /// First-order index.
    pub s1: f64,
    /// Half-width of its bootstrap confidence interval.
    pub s1_conf: f64,
    /// Total index.
    pub st: f64,
    /// Half-width of its bootstrap confidence interval.
    pub st_conf: f64,
}

impl SweepResults<'_> {
    /// The value of outcome measure `outcome` in every run of `strategy` at `point`, by seed.
    fn values(&self, point: usize, strategy: usize, outcome: &str) -> Vec<f64> {
        let seeds = self.sweep.file.seeds as usize;
        let first = (point * self.sweep.strategies.len() + strategy) * seeds;
        self.outcomes[first..first + seeds]
            .iter()
            .map(|o| measure(o, outcome))
            .collect()
    }

    /// The mean over seeds of `outcome` under `strategy` at every point: the model output
    /// the sensitivity analyses read.
    pub fn point_means(&self, strategy: usize, outcome: &str) -> Vec<f64> {
        (0..self.sweep.points.len())
            .map(|p| summarize(&self.values(p, strategy, outcome)).mean)
            .collect()
    }

    /// `runs.csv`: a header, then one record per run in job order: run id, point, strategy,
    /// seed, the parameters' values, then every outcome measure.
    pub fn run_records(&self) -> Vec<Vec<String>> {
        let parameters = self.sweep.parameter_names();
        let mut records = Vec::with_capacity(self.jobs.len() + 1);
        for (job, outcome) in self.jobs.iter().zip(&self.outcomes) {
            let fields: Vec<(String, String)> = csv_fields(outcome).into_iter().filter(|(k, _)| k != "seed").collect();
            if records.is_empty() {
                let mut header: Vec<String> = ["run_id", "point", "strategy", "seed"].map(String::from).to_vec();
                header.extend(parameters.iter().map(|key| column_name(key)));
                header.extend(fields.iter().map(|(k, _)| k.clone()));
                records.push(header);
            }
            let mut record = vec![
                self.sweep.run_id(job),
                job.point.to_string(),
                self.sweep.strategies[job.strategy].1.clone(),
                job.seed.to_string(),
            ];
            record.extend(self.sweep.points[job.point].values.iter().map(value_text));
            record.extend(fields.into_iter().map(|(_, v)| v));
            records.push(record);
        }
        records
    }

    /// `points.csv`: a header, then one record per point: its index and the parameters' values.
    pub fn point_records(&self) -> Vec<Vec<String>> {
        let header = std::iter::once("point".to_string())
            .chain(self.sweep.parameter_names().into_iter().map(|key| column_name(&key)));
        let rows = self.sweep.points.iter().enumerate().map(|(p, point)| {
            std::iter::once(p.to_string())
                .chain(point.values.iter().map(value_text))
                .collect()
        });
        std::iter::once(header.collect()).chain(rows).collect()
    }

    /// Per point, strategy and outcome of interest: the mean with its CI and the paired
    /// difference against the reference strategy.
    pub fn aggregates(&self) -> Vec<AggregateRow> {
        let reference_name = &self.sweep.strategies[self.reference].1;
        let mut rows = Vec::new();
        for point in 0..self.sweep.points.len() {
            for (s, (_, name)) in self.sweep.strategies.iter().enumerate() {
                for outcome in &self.sweep.file.outcomes {
                    let values = self.values(point, s, outcome);
                    let summary = summarize(&values);
                    let difference = paired(&values, &self.values(point, self.reference, outcome));
                    rows.push(AggregateRow {
                        point,
                        strategy: name.clone(),
                        outcome: outcome.clone(),
                        n: summary.n,
                        mean: summary.mean,
                        sd: summary.sd,
                        ci_low: summary.ci_low,
                        ci_high: summary.ci_high,
                        reference: reference_name.clone(),
                        diff: difference.mean_diff,
                        diff_ci_low: difference.ci_low,
                        diff_ci_high: difference.ci_high,
                        p_value: difference.p_value,
                    });
                }
            }
        }
        rows
    }

    /// Every (strategy index, strategy name, outcome) analysed, strategy by strategy.
    fn analyses(&self) -> Vec<(usize, &str, &str)> {
        let outcomes = &self.sweep.file.outcomes;
        self.sweep
            .strategies
            .iter()
            .enumerate()
            .flat_map(|(s, (_, name))| outcomes.iter().map(move |o| (s, name.as_str(), o.as_str())))
            .collect()
    }

    /// Morris measures per strategy, outcome and parameter (empty unless the design is Morris).
    /// Each analysis draws its bootstrap from a fresh generator: the design seed, stream
    /// [`BOOTSTRAP_STREAM`].
    pub fn morris(&self) -> Vec<MorrisRow> {
        let Design::Morris {
            levels,
            seed,
            resamples,
            confidence,
            ..
        } = self.sweep.file.design
        else {
            return Vec::new();
        };
        let units = self.unit_points();
        let parameters = self.sweep.parameter_names();
        let mut rows = Vec::new();
        for (s, strategy, outcome) in self.analyses() {
            let indices = morris_indices(
                &units,
                &self.point_means(s, outcome),
                parameters.len(),
                morris_delta(levels),
                Bootstrap { resamples, confidence },
                &mut bootstrap_rng(seed),
            );
            rows.extend(parameters.iter().zip(indices).map(|(parameter, i)| MorrisRow {
                strategy: strategy.to_string(),
                outcome: outcome.to_string(),
                parameter: parameter.clone(),
                mu: i.mu,
                mu_star: i.mu_star,
                sigma: i.sigma,
                mu_star_conf: i.mu_star_conf,
            }));
        }
        rows
    }

    /// Sobol indices per strategy, outcome and parameter (empty unless the design is
    /// Saltelli's), with bootstraps drawn as for [`SweepResults::morris`].
    pub fn sobol(&self) -> Vec<SobolRow> {
        let Design::Saltelli {
            seed,
            resamples,
            confidence,
            ..
        } = self.sweep.file.design
        else {
            return Vec::new();
        };
        let parameters = self.sweep.parameter_names();
        let mut rows = Vec::new();
        for (s, strategy, outcome) in self.analyses() {
            let indices = sobol_indices(
                &self.point_means(s, outcome),
                parameters.len(),
                Bootstrap { resamples, confidence },
                &mut bootstrap_rng(seed),
            );
            rows.extend(parameters.iter().zip(indices).map(|(parameter, i)| SobolRow {
                strategy: strategy.to_string(),
                outcome: outcome.to_string(),
                parameter: parameter.clone(),
                s1: i.s1,
                s1_conf: i.s1_conf,
                st: i.st,
                st_conf: i.st_conf,
            }));
        }
        rows
    }

    /// The SALib text files, for the designs SALib analyses (Morris and Saltelli): (file name,
    /// contents). `salib_params.txt` has a `key min max` line per parameter; `salib_X.txt` a
    /// line per point with the parameters' values before any rounding to whole numbers;
    /// `salib_Y.txt` a line per point with the mean over seeds of each (strategy, outcome), in
    /// the column order of `salib_Y_columns.txt` (`column strategy outcome` lines, 0-based, for
    /// SALib's `-c`). Values are space-separated, in Rust's shortest round-trip notation.
    pub fn salib_files(&self) -> Vec<(&'static str, String)> {
        if !matches!(self.sweep.file.design, Design::Morris { .. } | Design::Saltelli { .. }) {
            return Vec::new();
        }
        let lines = |rows: Vec<Vec<f64>>| -> String {
            rows.iter()
                .map(|row| row.iter().map(f64::to_string).collect::<Vec<_>>().join(" ") + "\n")
                .collect()
        };
        let params: String = self
            .sweep
            .parameter_names()
            .iter()
            .zip(&self.sweep.file.parameter)
            .map(|(name, p)| format!("{name} {} {}\n", p.min.expect("a range"), p.max.expect("a range")))
            .collect();
        let x: Vec<Vec<f64>> = self
            .unit_points()
            .iter()
            .map(|unit| {
                unit.iter()
                    .zip(&self.sweep.file.parameter)
                    .map(|(&u, p)| p.scale(u))
                    .collect()
            })
            .collect();
        let analyses = self.analyses();
        let columns: Vec<Vec<f64>> = analyses.iter().map(|&(s, _, o)| self.point_means(s, o)).collect();
        let y: Vec<Vec<f64>> = (0..self.sweep.points.len())
            .map(|p| columns.iter().map(|column| column[p]).collect())
            .collect();
        let names: String = analyses
            .iter()
            .enumerate()
            .map(|(c, (_, strategy, outcome))| format!("{c} {strategy} {outcome}\n"))
            .collect();
        vec![
            ("salib_params.txt", params),
            ("salib_X.txt", lines(x)),
            ("salib_Y.txt", lines(y)),
            ("salib_Y_columns.txt", names),
        ]
    }

    fn unit_points(&self) -> Vec<Vec<f64>> {
        self.sweep
            .points
            .iter()
            .map(|p| p.unit.clone().expect("a sampled design"))
            .collect()
    }
}

/// A parameter's key as a column name of `runs.csv` and `points.csv`: each `[N]` written `.N`
/// (`strategy[1].intervention[0].coverage` becomes `strategy.1.intervention.0.coverage`), so that
/// R's `read.csv` keeps the name as it is rather than mangling the brackets.
pub fn column_name(key: &str) -> String {
    key.replace('[', ".").replace(']', "")
}

/// Outcome measure `name` of one run (booleans as 0 and 1).
pub fn measure(outcome: &Outcome, name: &str) -> f64 {
    numeric_fields(outcome, "seed")
        .into_iter()
        .find(|(k, _)| k == name)
        .map_or(f64::NAN, |(_, v)| v)
}

/// The generator of an analysis's bootstrap: the design seed on [`BOOTSTRAP_STREAM`].
fn bootstrap_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(BOOTSTRAP_STREAM);
    rng
}
