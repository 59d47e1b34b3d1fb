//! `trustsim compare`: every strategy of a scenario over the same seeds (common random numbers),
//! run as parallel jobs, summarised with confidence intervals and paired differences against
//! the reference strategy, and drawn as charts.

use serde_json::{json, Map, Value};
use std::path::PathBuf;

use crate::analysis::comparison::{compare_outcomes, numeric, summarize_series, ComparisonRow};
use crate::error::Result;
use crate::experiment::ensemble::{write_charts, Ensemble, EnsembleOptions, LoadRun};
use crate::experiment::monthly::{monthly, summarize_months};
use crate::experiment::run_record::{run_id, RunRecord};
use crate::output::compare_charts::figures;
use crate::output::distribution_chart::distribution_figures;
use crate::output::warning_tables;
use crate::scenario::schema::Scenario;

/// Options of `trustsim compare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareOptions {
    /// Scenario, seeds, threads, overrides, output directory and quietness.
    pub ensemble: EnsembleOptions,
    /// Also write every run's per-day series (`series.csv`).
    pub series: bool,
}

/// What `trustsim compare` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareReport {
    /// Where the outputs are.
    pub directory: PathBuf,
    /// The comparison table (also in `comparison.csv`).
    pub table: Vec<ComparisonRow>,
    /// Whether the scenario is calibrated or illustrative, in words ([`Scenario::standing`]).
    pub standing: String,
}

/// Runs every strategy of the scenario over seeds 1..=N and writes the comparison atomically;
/// with `--shard`, runs only the shard's runs and writes them for `merge`.
pub fn compare(options: &CompareOptions) -> Result<CompareReport> {
    let ensemble = options.ensemble.load("compare", None)?;
    let strategies: Vec<usize> = (0..ensemble.scenario().strategies().len()).collect();
    let store = ensemble.run(&strategies)?;
    let entries = manifest_entries(ensemble.scenario(), options.series);
    if ensemble.shard().is_some() {
        let directory = ensemble.finish_shard(store, &strategies, entries)?;
        return Ok(CompareReport {
            directory,
            table: Vec::new(),
            standing: ensemble.scenario().standing(),
        });
    }
    let report = write_comparison(&ensemble, &|name, seed| store.path(&run_id(name, seed)), options.series)?;
    store.remove();
    Ok(report)
}

/// The manifest entries of a comparison: its strategies, reference and whether it wrote
/// `series.csv`.
fn manifest_entries(scenario: &Scenario, series: bool) -> Map<String, Value> {
    let strategies = scenario.strategies();
    let reference = scenario.reference_index().expect("validated");
    let mut manifest = Map::new();
    manifest.insert(
        "strategies".into(),
        json!(strategies
            .iter()
            .map(|s| json!({"name": s.name, "description": s.description, "interventions": s.intervention.len()}))
            .collect::<Vec<_>>()),
    );
    manifest.insert("reference_strategy".into(), json!(strategies[reference].name));
    manifest.insert("series".into(), json!(series));
    manifest
}

/// Aggregates the finished runs of every strategy (read through `load_run`, one strategy at a
/// time) into the comparison's tables and charts, and finishes the output.
pub(crate) fn write_comparison(ensemble: &Ensemble, load_run: &LoadRun, series: bool) -> Result<CompareReport> {
    let scenario = ensemble.scenario();
    let names: Vec<String> = scenario.strategies().iter().map(|s| s.name.clone()).collect();
    let reference = scenario.reference_index().expect("validated");
    let start = scenario.start().expect("validated");
    let (mut summary, mut months, mut outcomes, mut outcome_records, mut series_records, mut warnings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for name in &names {
        let runs = ensemble.load_runs(load_run, name)?;
        let per_run: Vec<_> = runs.iter().map(RunRecord::numeric_series).collect();
        summary.extend(summarize_series(name, &per_run));
        if let Some(start) = start {
            let monthly: Vec<_> = per_run
                .iter()
                .map(|series| monthly(start, &scenario.scale, series))
                .collect();
            months.extend(summarize_months(name, &monthly));
        }
        outcomes.push(runs.iter().map(|run| numeric(run.outcome_fields(), "seed")).collect());
        push_records(&mut outcome_records, name, &runs, |run| vec![run.outcome_fields()]);
        if series {
            push_records(&mut series_records, name, &runs, series_fields);
        }
        warnings.push(warning_tables::merged(runs.iter().map(|run| run.warnings.as_slice())));
    }
    let table = compare_outcomes(&names, reference, &outcomes);
    let mut out = ensemble.output()?;
    out.write_csv("summary.csv", &summary)?;
    out.write_records("outcomes.csv", outcome_records)?;
    out.write_csv("comparison.csv", &table)?;
    if start.is_some() {
        out.write_csv("monthly.csv", &months)?;
    }
    if series {
        out.write_records("series.csv", series_records)?;
    }
    warning_tables::write_tables(&mut out, &names, &warnings)?;
    let mut charts = figures(scenario, ensemble.seeds.len(), &summary);
    charts.extend(warning_tables::figures(
        &scenario.name,
        &names[reference],
        &warnings[reference],
    ));
    write_charts(&mut out, charts)?;
    write_charts(
        &mut out,
        distribution_figures(&scenario.name, &names, reference, &outcomes, &table),
    )?;
    let directory = ensemble.finish(out, manifest_entries(scenario, series))?;
    Ok(CompareReport {
        directory,
        table,
        standing: scenario.standing(),
    })
}

/// A run's per-day rows for `series.csv`: its seed, then the day's metrics (whose first column
/// is the day).
fn series_fields(run: &RunRecord) -> Vec<Vec<(String, String)>> {
    (0..run.series.len())
        .map(|day| {
            let mut fields = vec![("seed".to_string(), run.seed.to_string())];
            fields.extend(run.series_fields(day));
            fields
        })
        .collect()
}

/// Appends CSV records of `rows(run)` for every run, each preceded by the strategy `name`,
/// starting with a header when `records` is empty.
fn push_records(
    records: &mut Vec<Vec<String>>,
    name: &str,
    runs: &[RunRecord],
    rows: impl Fn(&RunRecord) -> Vec<Vec<(String, String)>>,
) {
    for fields in runs.iter().flat_map(rows) {
        if records.is_empty() {
            let header = std::iter::once("strategy".to_string()).chain(fields.iter().map(|(k, _)| k.clone()));
            records.push(header.collect());
        }
        records.push(
            std::iter::once(name.to_string())
                .chain(fields.into_iter().map(|(_, v)| v))
                .collect(),
        );
    }
}

/// A short report for the terminal: where the outputs are, and each strategy's net investor
/// loss and investor exposure with their paired differences against the reference.
pub fn headline(report: &CompareReport) -> String {
    let mut text = format!(
        "wrote {}\nthe scenario is {}\n",
        report.directory.display(),
        report.standing
    );
    let measures = [
        ("net_loss_yuan", "net investor loss"),
        ("investor_exposure_yuan", "loss + open fraud claims"),
    ];
    for (outcome, title) in measures {
        text.push_str(&format!("{title}:\n"));
        headline_rows(&mut text, report, outcome);
    }
    text.push_str("net loss averted per yuan of extra public money (public_cost_yuan):\n");
    for row in report
        .table
        .iter()
        .filter(|r| r.outcome == "net_loss_yuan" && r.strategy != r.reference)
    {
        text.push_str(&if row.averted_per_public_yuan.is_finite() {
            format!(
                "  {:<24} {:>14.2} (95% CI {:.2} to {:.2})\n",
                row.strategy,
                row.averted_per_public_yuan,
                row.averted_per_public_yuan_ci_low,
                row.averted_per_public_yuan_ci_high
            )
        } else {
            format!(
                "  {:<24} {:>14} (spends no more public money than {})\n",
                row.strategy, "-", row.reference
            )
        });
    }
    text
}

/// The headline rows of `outcome`, one per strategy.
fn headline_rows(text: &mut String, report: &CompareReport, outcome: &str) {
    for row in report.table.iter().filter(|r| r.outcome == outcome) {
        text.push_str(&format!(
            "  {:<24} {:>14.0} yuan (95% CI {:.0} to {:.0})",
            row.strategy, row.mean, row.ci_low, row.ci_high
        ));
        if row.strategy == row.reference {
            text.push_str("  [reference]\n");
        } else {
            text.push_str(&format!(
                "; vs {}: {:+.0} ({:+.1}%), 95% CI {:+.0} to {:+.0}, p = {:.3}\n",
                row.reference,
                row.diff,
                100.0 * row.relative_change,
                row.diff_ci_low,
                row.diff_ci_high,
                row.p_value
            ));
        }
    }
}
