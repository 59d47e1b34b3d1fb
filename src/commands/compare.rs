//! `trustsim compare`: every strategy of a scenario over the same seeds (common random numbers),
//! run as parallel jobs, summarised with confidence intervals and paired differences against
//! the reference strategy, and drawn as charts.

use serde_json::{json, Map, Value};

use crate::analysis::comparison::{compare_outcomes, numeric, summarize_series, ComparisonRow, SeriesCube};
use crate::error::{Error, Result};
use crate::experiment::ensemble::{write_charts, Ensemble, EnsembleOptions, LoadRun};
use crate::experiment::monthly::{monthly, summarize_months};
use crate::experiment::run_record::{run_id, RunRecord};
use crate::output::compare_charts::figures;
use crate::output::distribution_chart::distribution_figures;
use crate::output::warning_tables;
use crate::output::Written;
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
    pub directory: Written,
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

/// Aggregates the finished runs of every strategy (read through `load_run`, one run at a time,
/// so that memory holds each run's numbers but not its records) into the comparison's tables and
/// charts, and finishes the output. `series.csv` is written in a second pass over the runs.
pub(crate) fn write_comparison(ensemble: &Ensemble, load_run: &LoadRun, series: bool) -> Result<CompareReport> {
    let scenario = ensemble.scenario();
    let names: Vec<String> = scenario.strategies().iter().map(|s| s.name.clone()).collect();
    let reference = scenario.reference_index().expect("validated");
    let start = scenario.start().expect("validated");
    let (mut summary, mut months, mut outcomes, mut outcome_records, mut warnings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let horizon = scenario.horizon_days as usize + 1;
    let budget = summary_budget_bytes();
    for name in &names {
        let (mut monthly_runs, mut outcome_rows) = (Vec::new(), Vec::new());
        let mut merged = warning_tables::merged([]);
        // The days are summarised range by range, each range in one pass over the runs, so that
        // the values held stay within `budget` however many seeds there are; the first pass also
        // gathers everything else.
        let mut first_day = 0;
        while first_day < horizon {
            let mut cube: Option<SeriesCube> = None;
            ensemble.for_each_run(load_run, name, |run| {
                let per_day = run.numeric_series();
                let metrics = per_day.first().map_or(1, Vec::len).max(1);
                let cube = cube.get_or_insert_with(|| {
                    let per_day_bytes = (ensemble.seeds.len() * metrics * 8) as u64;
                    let days = (budget / per_day_bytes.max(1)).max(1) as usize;
                    SeriesCube::new(first_day..horizon.min(first_day + days))
                });
                cube.push(&per_day).map_err(|message| Error::Damaged {
                    path: load_run(name, run.seed),
                    message,
                })?;
                if first_day == 0 {
                    if let Some(start) = start {
                        monthly_runs.push(monthly(start, &scenario.scale, &per_day));
                    }
                    outcome_rows.push(numeric(run.outcome_fields(), "seed"));
                    push_records(&mut outcome_records, name, run, |run| vec![run.outcome_fields()]);
                    warning_tables::merge_into(&mut merged, &run.warnings);
                }
                Ok(())
            })?;
            let cube = cube.expect("every ensemble has a seed");
            summary.extend(summarize_series(name, &cube));
            first_day = cube.days().end;
        }
        months.extend(summarize_months(name, &monthly_runs));
        outcomes.push(outcome_rows);
        warnings.push(merged);
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
        out.write_records_from("series.csv", |write| {
            let mut records = Vec::new();
            for name in &names {
                ensemble.for_each_run(load_run, name, |run| {
                    let first = records.is_empty();
                    push_records(&mut records, name, run, series_fields);
                    // The header goes out once and stays, so that no other is added.
                    if first {
                        write(&records[0])?;
                    }
                    for record in records.drain(1..) {
                        write(&record)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
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

/// Most bytes of per-day values held at once while summarising a strategy's runs (1 GiB):
/// beyond it the days are summarised in ranges, one pass over the runs each. Tests lower it with
/// `TRUSTSIM_SUMMARY_BUDGET_BYTES` to check that ranges give the same bytes as one pass.
fn summary_budget_bytes() -> u64 {
    std::env::var("TRUSTSIM_SUMMARY_BUDGET_BYTES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1 << 30)
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

/// Appends CSV records of `rows(run)`, each preceded by the strategy `name`, starting with a
/// header when `records` is empty.
fn push_records(
    records: &mut Vec<Vec<String>>,
    name: &str,
    run: &RunRecord,
    rows: impl Fn(&RunRecord) -> Vec<Vec<(String, String)>>,
) {
    for fields in rows(run) {
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
    let mut text = format!("wrote {}\nthe scenario is {}\n", report.directory, report.standing);
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
