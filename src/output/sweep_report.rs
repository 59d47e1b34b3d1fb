//! The report of a sweep: a `trustsim sweep` output rendered as one self-contained page — what
//! was varied and over which design, the sensitivity indices, every chart with a caption, the
//! per-point aggregates, and how to reproduce it. Every piece of text from the inputs is escaped;
//! the charts are the sweep's own SVG, inline.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::output::directory::MANIFEST;
use crate::output::html::{check_page, escape, page, write_page};
use crate::output::manifest::{file_names, read_manifest};
use crate::output::report::{changed_files, svg, REPORT};
use crate::output::report_page::integrity;
use crate::output::report_tables::number;
use crate::scenario::loader::load;
use crate::scenario::schema::Scenario;

/// Writes `report.html` into `directory` (a `trustsim sweep` output, not a shard's); returns its
/// path.
pub fn sweep_report(directory: &Path) -> Result<PathBuf> {
    let manifest = read_manifest(directory)?;
    let files = file_names(&manifest, directory)?;
    if manifest.contains_key("shard") {
        return Err(Error::Damaged {
            path: directory.join(MANIFEST),
            message: "a shard's output holds runs, not results: report the output of `trustsim merge`".to_string(),
        });
    }
    let path = directory.join(REPORT);
    check_page(&path)?;
    let scenario = load(&directory.join("scenario.toml"), &[])?.scenario;
    let sweep_text = std::fs::read_to_string(directory.join("sweep.toml"))
        .map_err(|e| Error::io(directory.join("sweep.toml"), e))?;
    let mut charts = Vec::new();
    for name in files.iter().filter(|name| name.ends_with(".svg")) {
        let stem = name.trim_end_matches(".svg").to_string();
        charts.push((stem, svg(&directory.join(name))?));
    }
    let tables = ["morris.csv", "sobol.csv", "aggregates.csv"]
        .into_iter()
        .filter(|name| files.iter().any(|f| f == name))
        .map(|name| Ok((name, csv_table(&directory.join(name))?)))
        .collect::<Result<Vec<_>>>()?;
    let changed = changed_files(directory, &Value::Object(manifest.clone()));
    let html = render(&Page {
        scenario: &scenario,
        manifest: &manifest,
        sweep_text: &sweep_text,
        charts: &charts,
        tables: &tables,
        changed: &changed,
    });
    write_page(&path, &html)?;
    Ok(path)
}

/// What the page shows.
struct Page<'a> {
    scenario: &'a Scenario,
    manifest: &'a Map<String, Value>,
    sweep_text: &'a str,
    /// (chart stem, SVG text), in file-name order.
    charts: &'a [(String, String)],
    /// (file name, the table as HTML).
    tables: &'a [(&'static str, String)],
    /// Files whose sha256 no longer matches the manifest's.
    changed: &'a [String],
}

/// The whole page.
fn render(page_of: &Page) -> String {
    let (scenario, manifest) = (page_of.scenario, page_of.manifest);
    let text = |key: &str| manifest.get(key).and_then(Value::as_str).unwrap_or("?").to_string();
    let list = |key: &str| -> Vec<String> {
        manifest
            .get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let count = |key: &str| manifest.get(key).and_then(Value::as_u64).unwrap_or(0);
    let seeds = manifest.get("seeds").and_then(Value::as_array).map_or(0, Vec::len);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>A sweep over <code>{}</code></h1>\n<p class=\"lead\">{}</p>\n<p class=\"caption\">A {} design of {} \
         points over {}, each point run under the strategies {} with {} seeds each ({} runs), made with trustsim \
         {}. Each point is the scenario with the parameters set to that point's values; the reference of paired \
         differences is <code>{}</code>.</p>\n<p class=\"caption\"><strong>This scenario is {}.</strong></p>\n",
        escape(&scenario.name),
        escape(&scenario.description),
        escape(&text("design")),
        number(count("points") as f64, 0),
        code_list(&list("parameters")),
        code_list(&list("strategies")),
        seeds,
        number(count("runs") as f64, 0),
        escape(&text("trustsim_version")),
        escape(&text("reference_strategy")),
        escape(&scenario.standing()),
    );
    for (name, table) in page_of.tables.iter().filter(|(name, _)| *name != "aggregates.csv") {
        let _ = write!(
            body,
            "<h2>Sensitivity ({})</h2>\n<p class=\"caption\">{}</p>\n{table}\n",
            escape(name),
            escape(table_caption(name))
        );
    }
    if !page_of.charts.is_empty() {
        body.push_str("<h2>Charts</h2>\n");
    }
    for (stem, chart) in page_of.charts {
        let _ = write!(
            body,
            "<figure id=\"chart-{}\">\n{chart}\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(stem),
            escape(chart_caption(stem))
        );
    }
    if let Some((name, table)) = page_of.tables.iter().find(|(name, _)| *name == "aggregates.csv") {
        let _ = write!(
            body,
            "<h2>Every point</h2>\n<p class=\"caption\">{}</p>\n<details>\n<summary>The table ({})</summary>\n{table}\n</details>\n",
            escape(table_caption(name)),
            escape(name)
        );
    }
    let _ = write!(
        body,
        "<h2>How to reproduce this report</h2>\n<p class=\"caption\">Every number above comes from the files beside \
         this page, and the same sweep gives the same files, byte for byte, on any machine and any number of \
         threads. From the original sweep file, or, in the directory of this page, from the resolved sweep saved \
         with the results:</p>\n<pre>trustsim sweep {} --report\ntrustsim sweep sweep.toml --out reproduced --report</pre>\n\
         <details>\n<summary>The resolved sweep (sweep.toml)</summary>\n<pre>{}</pre>\n</details>\n",
        escape(&text("sweep_file")),
        escape(page_of.sweep_text)
    );
    body.push_str(&integrity(page_of.changed, "the sweep"));
    page(&format!("trustsim sweep report: {}", scenario.name), &body)
}

/// `a`, `b` and `c` in code type.
fn code_list(items: &[String]) -> String {
    let coded: Vec<String> = items
        .iter()
        .map(|item| format!("<code>{}</code>", escape(item)))
        .collect();
    match coded.as_slice() {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a table shows, in words.
fn table_caption(name: &str) -> &'static str {
    match name {
        "morris.csv" => {
            "Morris elementary effects, per strategy, outcome and parameter: mu_star is the mean absolute change of \
             the outcome when the parameter moves one step across its range (how much it matters), sigma their \
             spread (how much that depends on the other parameters), mu_star_conf the bootstrap half-width of \
             mu_star's interval."
        }
        "sobol.csv" => {
            "Sobol indices, per strategy, outcome and parameter: s1 is the share of the outcome's variance the \
             parameter explains alone, st its share counting its interactions, each with its bootstrap interval \
             half-width."
        }
        _ => {
            "Per point, strategy and outcome: the mean over seeds with its 95% interval, and the paired difference \
             from the reference strategy over the same seeds with its interval and p-value."
        }
    }
}

/// What a chart shows, in words, by its file stem.
fn chart_caption(stem: &str) -> &'static str {
    if stem.starts_with("morris_") {
        "Each parameter's mu_star (how much it moves the outcome, with its bootstrap interval as a whisker) against \
         sigma (how much that depends on the other parameters), a panel per strategy; the grey line is sigma = \
         mu_star."
    } else if stem.starts_with("sobol_") {
        "Each parameter's first-order (S1) and total (ST) Sobol index with its interval, a panel per strategy."
    } else if stem.starts_with("overtake_") {
        "Over the grid of two parameters: the reference's mean, then each other strategy's paired difference from \
         it (blue: lower, vermillion: higher; * where the 95% interval excludes 0). Where the colour changes sign, \
         one strategy overtakes the other."
    } else if stem.starts_with("by_parameter") {
        "Each outcome against the parameter, a line per strategy with its 95% band."
    } else {
        "A chart of the sweep."
    }
}

/// A CSV file as an HTML table, numbers other than whole ones rounded to three decimals.
fn csv_table(path: &Path) -> Result<String> {
    let damaged = |e: csv::Error| Error::Damaged {
        path: path.to_path_buf(),
        message: format!("not a table trustsim writes: {e}"),
    };
    let mut reader = csv::Reader::from_path(path).map_err(damaged)?;
    let mut html = String::from("<table>\n<tr>");
    for name in reader.headers().map_err(damaged)? {
        let _ = write!(html, "<th>{}</th>", escape(name));
    }
    html.push_str("</tr>\n");
    for record in reader.records() {
        html.push_str("<tr>");
        for field in &record.map_err(damaged)? {
            match field.parse::<f64>() {
                Ok(value) => {
                    let decimals = if value.fract() == 0.0 { 0 } else { 3 };
                    let _ = write!(html, "<td>{}</td>", escape(&number(value, decimals)));
                }
                Err(_) => {
                    let _ = write!(html, "<td class=\"name\">{}</td>", escape(field));
                }
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>");
    Ok(html)
}
