//! The report page: a comparison's output rendered as HTML with plain-language captions. Every
//! piece of text from the inputs is escaped; the charts are the comparison's own SVG, inline.

use std::fmt::Write;

use crate::analysis::comparison::ComparisonRow;
use crate::output::animation::Animation;
use crate::output::animation_page::fragment;
use crate::output::html::{escape, page};
use crate::output::report::{CompareOutput, REPORT};
use crate::output::report_costs::{cost_table, value_sentence};
use crate::output::report_tables::{entry, final_day_table, full_table, headline_tables, number, signed};
use crate::scenario::action::Action;
use crate::scenario::strategy::{Schedule, Strategy};

/// The whole report page.
pub fn render(output: &CompareOutput, animation: &Animation) -> String {
    let scenario = &output.scenario;
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>What happens in <code>{}</code></h1>\n<p class=\"lead\">{}</p>\n<p class=\"caption\">A comparison of {} strategies over {} \
         simulated runs each (seeds {}), {} users and {} platforms for {} days, made with trustsim {}. Each run is \
         one possible course of the same crisis; the numbers below are averages over the runs, with the range \
         where the true average most likely lies (the 95% confidence interval).</p>\n",
        escape(&scenario.name),
        escape(&scenario.description),
        output.strategies.len(),
        output.seeds.len(),
        escape(&seed_list(&output.seeds)),
        number(f64::from(scenario.population.users), 0),
        scenario.platforms.count,
        scenario.horizon_days,
        escape(output.manifest["trustsim_version"].as_str().unwrap_or("?")),
    );
    body.push_str(&summary_sentence(output));
    body.push_str(&timeline(output));
    body.push_str(&headline_tables(output));
    body.push_str(&cost_table(output));
    body.push_str(&distributions(output));
    body.push_str(&final_day_table(output));
    body.push_str(&charts(output, &TIME_CHARTS));
    body.push_str(&animation_section(animation));
    body.push_str(&warning_section(output));
    body.push_str(&full_table(output));
    body.push_str(&reproduce(output, animation));
    page(&format!("trustsim report: {}", scenario.name), &body)
}

/// "1 to 32", or the seeds listed when they are not consecutive.
fn seed_list(seeds: &[u64]) -> String {
    let consecutive = seeds.windows(2).all(|w| w[1] == w[0] + 1);
    match (seeds.first(), seeds.last()) {
        (Some(first), Some(last)) if consecutive && seeds.len() > 2 => format!("{first} to {last}"),
        _ => seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// One paragraph on the reference's losses and exposure, the strategy that cut each most on
/// average, and which cuts are clear.
fn summary_sentence(output: &CompareOutput) -> String {
    let Some(reference) = entry(output, &output.reference, "net_loss_yuan") else {
        return String::new();
    };
    let mut text = format!(
        "<p class=\"standing\">The scenario is {}.</p>\n",
        escape(&output.scenario.standing())
    );
    let strategies = output.scenario.strategies();
    let under = match strategies.iter().find(|s| s.name == output.reference) {
        Some(strategy) => under_reference(strategy),
        None => format!("Under strategy <code>{}</code>", escape(&output.reference)),
    };
    let _ = write!(
        text,
        "<p>{under}, investors lose {} yuan on average (95% CI {} to {}).",
        number(reference.mean, 0),
        number(reference.ci_low, 0),
        number(reference.ci_high, 0)
    );
    text.push_str(&cuts(&output.comparison, "net_loss_yuan", "losses"));
    if let Some(exposure) = entry(output, &output.reference, "investor_exposure_yuan") {
        let _ = write!(
            text,
            " Counting also the money still owed by frauds open at the end, investors' exposure is {} yuan (95% CI \
             {} to {}).",
            number(exposure.mean, 0),
            number(exposure.ci_low, 0),
            number(exposure.ci_high, 0)
        );
        text.push_str(&cuts(&output.comparison, "investor_exposure_yuan", "exposure"));
    }
    text.push_str(&value_sentence(&output.comparison));
    text.push_str("</p>\n");
    text
}

/// How the headline names the reference strategy: "with no change of policy" only when it adds
/// no intervention to the scenario's events; otherwise by its name and description.
fn under_reference(strategy: &Strategy) -> String {
    let name = escape(&strategy.name);
    if strategy.intervention.is_empty() {
        format!("With no change of policy (strategy <code>{name}</code>)")
    } else if strategy.description.is_empty() {
        format!("Under the reference strategy <code>{name}</code>")
    } else {
        format!(
            "Under the reference strategy <code>{name}</code> ({})",
            escape(strategy.description.trim_end_matches('.'))
        )
    }
}

/// The sentences on the cuts in `outcome` (called `what`) against the reference: the strategy
/// with the largest cut on average, whether that cut is clear (the whole 95% interval of the
/// paired difference below zero), and every strategy whose cut is clear.
fn cuts(comparison: &[ComparisonRow], outcome: &str, what: &str) -> String {
    let others: Vec<&ComparisonRow> = comparison
        .iter()
        .filter(|e| e.outcome == outcome && e.strategy != e.reference)
        .collect();
    let Some(largest) = others
        .iter()
        .filter(|e| e.diff < 0.0)
        .min_by(|a, b| a.diff.total_cmp(&b.diff))
    else {
        return format!(" No strategy cut {what} on average.");
    };
    let clear: Vec<String> = others
        .iter()
        .filter(|e| e.diff_ci_high < 0.0)
        .map(|e| format!("<code>{}</code>", escape(&e.strategy)))
        .collect();
    let verdict = if largest.diff_ci_high < 0.0 {
        "lies below zero: the cut is clear"
    } else {
        "includes zero: this many runs cannot tell it from no cut"
    };
    let mut text = format!(
        " The largest cut in {what} is <code>{}</code>'s: {} yuan less on average ({}%); the 95% interval of the \
         difference, {} to {}, {verdict}.",
        escape(&largest.strategy),
        number(-largest.diff, 0),
        signed(100.0 * largest.relative_change, 1),
        signed(largest.diff_ci_low, 0),
        signed(largest.diff_ci_high, 0)
    );
    match clear.len() {
        0 => {
            let _ = write!(text, " No strategy clearly cut {what} at this number of runs.");
        }
        1 if largest.diff_ci_high < 0.0 => {}
        _ => {
            let _ = write!(text, " Clear cuts in {what}: {}.", clear.join(", "));
        }
    }
    text
}

/// An action in plain words, with its parameters.
fn describe(action: &Action) -> (String, String) {
    let table = match toml::Value::try_from(action) {
        Ok(toml::Value::Table(table)) => table,
        _ => toml::Table::new(),
    };
    let words = action.in_words();
    let parameters: Vec<String> = table
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "kind" | "start_day" | "end_day" | "ramp_days"))
        .map(|(key, value)| format!("{key} = {value}"))
        .collect();
    (words.to_string(), parameters.join(", "))
}

/// When an intervention is in force, in words.
fn schedule(schedule: &Schedule) -> String {
    let mut text = format!("from day {}", schedule.start_day);
    if let Some(end) = schedule.end_day {
        let _ = write!(text, " to day {end}");
    }
    if schedule.ramp_days > 0 {
        let _ = write!(text, ", phased in over {} days", schedule.ramp_days);
    }
    text
}

/// The scenario's events, then each strategy with its interventions.
fn timeline(output: &CompareOutput) -> String {
    let scenario = &output.scenario;
    let mut html = String::from(
        "<h2>The crisis and the responses compared</h2>\n<p class=\"caption\">What happens in every run, \
         whatever the strategy:</p>\n<table>\n<tr><th>day</th><th class=\"name\">event</th>\
         <th class=\"name\">details</th></tr>\n",
    );
    let mut events: Vec<_> = scenario.event.iter().collect();
    events.sort_by_key(|e| e.day);
    for event in &events {
        let (words, parameters) = describe(&event.action);
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"name\">{}</td><td class=\"name\"><code>{}</code></td></tr>",
            event.day,
            escape(&words),
            escape(&parameters)
        );
    }
    if events.is_empty() {
        html.push_str("<tr><td></td><td class=\"name\">No scheduled events.</td><td></td></tr>\n");
    }
    html.push_str(
        "</table>\n<p class=\"caption\">The strategies: each adds its interventions to the events above. Every \
         strategy is run on the same seeds, so that with one seed every strategy meets the same crisis and \
         differences come from the strategy alone.</p>\n<table>\n<tr><th class=\"name\">strategy</th>\
         <th class=\"name\">what it does</th><th class=\"name\">interventions</th></tr>\n",
    );
    for strategy in scenario.strategies() {
        let interventions: Vec<String> = strategy
            .intervention
            .iter()
            .map(|i| {
                let (words, parameters) = describe(&i.action);
                format!(
                    "{} {}{}",
                    escape(&words),
                    escape(&schedule(&i.schedule)),
                    if parameters.is_empty() {
                        String::new()
                    } else {
                        format!(" (<code>{}</code>)", escape(&parameters))
                    }
                )
            })
            .collect();
        let reference = if strategy.name == output.reference {
            " (reference)"
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<tr><td class=\"name\"><code>{}</code>{reference}</td><td class=\"name\">{}</td><td class=\"name\">{}</td></tr>",
            escape(&strategy.name),
            escape(&strategy.description),
            if interventions.is_empty() { "none".to_string() } else { interventions.join("<br>") }
        );
    }
    html.push_str("</table>\n");
    html
}

/// A plain-language caption for each chart.
fn caption(stem: &str) -> &'static str {
    match stem {
        "trust" => {
            "How much users trust online lending as a whole (0 = not at all, 1 = completely), day by day, \
                    under each strategy. Each line is the average over the runs. The dip is the crisis: \
                    strategies try to make it shallower and shorter. Vertical lines mark the scenario's events \
                    (grey) and the day each strategy's interventions start (in its colour); with more than four \
                    strategies, each is drawn in its own panel against the reference."
        }
        "losses" => {
            "Money investors have lost so far, after any compensation, in million yuan. Steps are \
                     platforms failing; a flatter line means fewer or smaller failures, or more compensation."
        }
        "exposure" => {
            "Investors' exposure: their losses so far plus the money still owed to them by frauds that are \
             still open and cannot repay it, in million yuan. A strategy that brings frauds down sooner turns \
             money owed into losses: on this chart both count alike."
        }
        "platforms" => {
            "Platforms still open, by type. Sound and fragile platforms that close were dragged down by \
                        the panic, not by their own fraud: this is the contagion."
        }
        "users" => {
            "Users by state: active, waiting for a withdrawal to be paid, gone from the sector, and victims \
                    who lost money in a failure."
        }
        "loss_distribution" | "exposure_distribution" => {
            "Left: each run's value under each strategy; the box spans the middle half of the runs (25th to \
             75th percentile) and the thick line is the median. Boxes are percentiles of the runs, not \
             intervals of a mean, so they never reach below zero. Right: each run's difference from the \
             reference run with the same seed; the black bar is the average difference with its 95% confidence \
             interval. A bar that does not cross the zero line is a clear difference."
        }
        "warning_roc" => {
            "How well each warning signal tells platforms about to fail from the others. A curve \
                          hugging the top-left corner is a good signal; the diagonal is no better than a coin toss."
        }
        "warning_lead_times" => {
            "How many days before a failure each warning signal first sounded: longer is more \
                                 time to act."
        }
        _ => "",
    }
}

/// The charts over days, in the order shown.
const TIME_CHARTS: [&str; 5] = ["trust", "losses", "exposure", "platforms", "users"];

/// What every time chart's caption ends with.
const BANDS_CLIPPED: &str = " Shaded bands are 95% confidence intervals of the average; none of these quantities \
                             can be negative, so a band that would reach below zero is cut off at zero.";

/// The charts among `stems`, inline, with captions.
fn charts(output: &CompareOutput, stems: &[&str]) -> String {
    let mut html = String::new();
    if stems.contains(&"trust") {
        html.push_str("<h2>Charts</h2>\n");
    }
    for (stem, svg) in output.charts.iter().filter(|(stem, _)| stems.contains(stem)) {
        let _ = write!(
            html,
            "<figure id=\"chart-{stem}\">\n{svg}\n<figcaption>{}{}</figcaption>\n</figure>\n",
            escape(caption(stem)),
            if TIME_CHARTS.contains(stem) { BANDS_CLIPPED } else { "" }
        );
    }
    html
}

/// The runs' distributions of losses and exposure, when the comparison drew them.
fn distributions(output: &CompareOutput) -> String {
    let stems = ["loss_distribution", "exposure_distribution"];
    if !output.charts.iter().any(|(stem, _)| stems.contains(stem)) {
        return String::new();
    }
    format!(
        "<h3>How much single runs vary</h3>\n<p class=\"caption\">Averages hide how uneven crises are: a few runs \
         can lose many times what most do. Each dot is one run.</p>\n{}",
        charts(output, &stems)
    )
}

/// The animation of one run, with how it was chosen.
fn animation_section(animation: &Animation) -> String {
    format!(
        "<h2>Watching trust spread</h2>\n<p class=\"caption\">One run (strategy <code>{}</code>, seed {}) replayed \
         day by day. The same run is in the tables above; press Play or drag the slider. Run \
         <code>trustsim animate</code> to watch another strategy or seed.</p>\n{}",
        escape(&animation.strategy),
        animation.seed,
        fragment(animation)
    )
}

/// The early-warning evaluation, when the comparison wrote one.
fn warning_section(output: &CompareOutput) -> String {
    let Some(warnings) = &output.warnings else {
        return String::new();
    };
    let mut html = format!(
        "<h2>Early warning</h2>\n<p class=\"caption\">Could a regulator watching only what it can see (complaints, \
         money flowing out, payment delays, news, promised returns) have seen the failures coming? For the \
         reference strategy <code>{}</code>: the AUC is the chance that a platform about to fail scores higher than \
         one that is not (0.5 is a coin toss, 1 is perfect); the hit rate is the share of failures the signal \
         warned of in time; the false-alarm rate the share of quiet platform-days on which it sounded \
         anyway.</p>\n<table>\n<tr><th class=\"name\">signal</th><th>AUC</th><th>hit rate</th>\
         <th>false-alarm rate</th><th>mean warning (days ahead)</th><th>failures</th><th>warned of</th></tr>\n",
        escape(&output.reference)
    );
    for row in warnings.iter().filter(|w| w.strategy == output.reference) {
        let _ = writeln!(
            html,
            "<tr><td class=\"name\"><code>{}</code></td><td>{}</td><td>{}%</td><td>{}%</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            escape(&row.score),
            number(row.auc, 3),
            number(100.0 * row.hit_rate, 1),
            number(100.0 * row.false_alarm_rate, 2),
            number(row.mean_lead_days, 1),
            row.failures,
            row.hits
        );
    }
    html.push_str("</table>\n");
    html.push_str(&charts(output, &["warning_roc", "warning_lead_times"]));
    html
}

/// A shell word: as is when it is safe, else single-quoted.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The manifest, the files' hashes and the commands that reproduce the comparison and the animation.
fn reproduce(output: &CompareOutput, animation: &Animation) -> String {
    let manifest = &output.manifest;
    let text = |key: &str| manifest[key].as_str().unwrap_or("?").to_string();
    let overrides: Vec<String> = manifest["overrides"]
        .as_array()
        .map(|o| o.iter().filter_map(|v| v.as_str()).map(str::to_string).collect())
        .unwrap_or_default();
    let set: String = overrides
        .iter()
        .map(|o| format!(" --set {}", escape(&shell_word(o))))
        .collect();
    let seeds = output.seeds.len();
    // `--series` wrote `series.csv`, which the manifest lists: the commands must write it too.
    let series = if manifest["series"].as_bool() == Some(true) {
        " --series"
    } else {
        ""
    };
    let mut html = format!(
        "<h2>How to reproduce this report</h2>\n<p class=\"caption\">Every number above comes from the files \
         beside this page, and the same scenario and seeds give the same files, byte for byte, on any machine \
         and any number of threads. From the original scenario file:</p>\n<pre>trustsim compare {}{set} --seeds \
         {seeds}{series} --report</pre>\n<p class=\"caption\">or, in the directory of this page, from the resolved scenario \
         saved with the results (every default filled in, overrides applied), into a new directory \
         <code>reproduced</code>; the second command replays the animation:</p>\n<pre>trustsim compare \
         scenario.toml --seeds {seeds}{series} --out reproduced --report\n\
         trustsim animate scenario.toml --strategy {} --seed {}</pre>\n<table>\n",
        escape(&shell_word(&text("scenario_file"))),
        escape(&shell_word(&animation.strategy)),
        animation.seed
    );
    let rows = [
        ("trustsim version", text("trustsim_version")),
        ("command", text("command")),
        ("scenario file", text("scenario_file")),
        ("scenario file sha256", text("scenario_sha256")),
        ("resolved scenario sha256", text("resolved_scenario_sha256")),
        (
            "overrides",
            if overrides.is_empty() {
                "none".to_string()
            } else {
                overrides.join(" ")
            },
        ),
        ("seeds", seed_list(&output.seeds)),
        ("reference strategy", output.reference.clone()),
        ("random numbers", text("rng")),
    ];
    for (name, value) in rows {
        let _ = writeln!(
            html,
            "<tr><th class=\"name\">{}</th><td class=\"name\"><code>{}</code></td></tr>",
            escape(name),
            escape(&value)
        );
    }
    html.push_str("</table>\n");
    html.push_str(&integrity(&output.changed, "the comparison"));
    html.push_str("<details><summary>sha256 of every file (<code>manifest.json</code>)</summary>\n<table>\n");
    if let Some(files) = manifest["files"].as_object() {
        for (name, hash) in files {
            let _ = writeln!(
                html,
                "<tr><td class=\"name\"><code>{}</code></td><td class=\"name\"><code>{}</code></td></tr>",
                escape(name),
                escape(hash.as_str().unwrap_or("?"))
            );
        }
    }
    let _ = writeln!(
        html,
        "</table>\n</details>\n<p class=\"caption\">This page is <code>{REPORT}</code>; it needs no network and \
         can be sent on its own.</p>"
    );
    html
}

/// Whether every file listed in the manifest still matches its sha256, or which do not (`changed`)
/// and so may have been edited since `what` was made.
pub(crate) fn integrity(changed: &[String], what: &str) -> String {
    if changed.is_empty() {
        "<p class=\"caption\">Every file listed in the manifest matches its sha256.</p>\n".to_string()
    } else {
        format!(
            "<p class=\"worse\">These files no longer match their sha256 in the manifest and may have been edited \
             since {what}: {}.</p>\n",
            escape(&changed.join(", "))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(strategy: &str, diff: f64, ci: (f64, f64)) -> ComparisonRow {
        ComparisonRow {
            strategy: strategy.to_string(),
            outcome: "net_loss_yuan".to_string(),
            reference: "status_quo".to_string(),
            diff,
            diff_ci_low: ci.0,
            diff_ci_high: ci.1,
            relative_change: diff / 1000.0,
            ..ComparisonRow::default()
        }
    }

    /// Issue 20: the largest cut was named only among the clear ones, so a larger unclear cut went
    /// unmentioned.
    #[test]
    fn the_largest_cut_is_named_and_the_clear_ones_are_said_apart() {
        let rows = [
            row("status_quo", 0.0, (0.0, 0.0)),
            row("fund", -200.0, (-450.0, 50.0)),
            row("custody", -100.0, (-150.0, -50.0)),
            row("education", 30.0, (10.0, 50.0)),
        ];
        let text = cuts(&rows, "net_loss_yuan", "losses");
        assert!(
            text.contains("The largest cut in losses is <code>fund</code>'s: 200 yuan less"),
            "{text}"
        );
        assert!(text.contains("includes zero"), "{text}");
        assert!(text.contains("Clear cuts in losses: <code>custody</code>."), "{text}");
        let text = cuts(&rows[..3], "net_loss_yuan", "losses");
        assert!(text.contains("Clear cuts in losses: <code>custody</code>."), "{text}");
        let clear = [
            row("status_quo", 0.0, (0.0, 0.0)),
            row("custody", -100.0, (-150.0, -50.0)),
        ];
        let text = cuts(&clear, "net_loss_yuan", "losses");
        assert!(
            text.contains("lies below zero: the cut is clear") && !text.contains("Clear cuts"),
            "{text}"
        );
        let none = [row("status_quo", 0.0, (0.0, 0.0)), row("education", 30.0, (10.0, 50.0))];
        assert_eq!(
            cuts(&none, "net_loss_yuan", "losses"),
            " No strategy cut losses on average."
        );
    }

    /// Issue 20: "with no change of policy" was said of a reference that is itself a policy.
    #[test]
    fn the_reference_is_named_for_what_it_is() {
        let quo = Strategy::status_quo();
        assert!(under_reference(&quo).starts_with("With no change of policy (strategy <code>"));
        let scenario = crate::scenario::loader::parse(
            "schema_version = 1\nreference_strategy = \"tight\"\n[[strategy]]\nname = \"tight\"\n\
             description = \"Tighter rules from day 10.\"\n[[strategy.intervention]]\nkind = \"tightening\"\n\
             start_day = 10\nstringency = 0.8\n",
            "s.toml",
            &[],
            std::path::Path::new("s.toml"),
        )
        .unwrap();
        assert_eq!(
            under_reference(&scenario.strategies()[0]),
            "Under the reference strategy <code>tight</code> (Tighter rules from day 10)"
        );
    }
}
