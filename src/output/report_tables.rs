//! The report's tables: the headline outcomes with their paired differences and plain
//! verdicts, the final day's state by strategy, and every outcome measure; and how numbers are
//! written in them. Every piece of text from the inputs is escaped.

use std::fmt::Write;

use crate::analysis::comparison::ComparisonRow;
use crate::output::html::escape;
use crate::output::report::CompareOutput;

/// Whether a lower or a higher value of an outcome is better, when one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Better {
    Lower,
    Higher,
}

/// An outcome of the headline: column, plain title, what it means, decimals, which way is better.
struct Headline {
    outcome: &'static str,
    title: &'static str,
    meaning: &'static str,
    decimals: usize,
    better: Option<Better>,
}

const HEADLINES: [Headline; 8] = [
    Headline {
        outcome: "net_loss_yuan",
        title: "Investors' losses (yuan)",
        meaning: "Money investors lost in platform failures, after any compensation they received.",
        decimals: 0,
        better: Some(Better::Lower),
    },
    Headline {
        outcome: "investor_exposure_yuan",
        title: "Investors' exposure (yuan)",
        meaning: "Losses plus the money still owed by frauds open at the end, which they cannot repay. A response \
                  that brings frauds down sooner turns money owed into losses: compare strategies on this too.",
        decimals: 0,
        better: Some(Better::Lower),
    },
    Headline {
        outcome: "public_cost_yuan",
        title: "Public money spent (yuan)",
        meaning: "What the public sector paid: compensation beyond the fund's levies, the liquidity backstop's \
                  losses, education campaigns, inspections and wind-downs. Spending more is not simply worse: \
                  the next table weighs it against the losses it averts.",
        decimals: 0,
        better: None,
    },
    Headline {
        outcome: "failed_sound",
        title: "Sound platforms failed",
        meaning: "Healthy platforms brought down by the panic: the contagion a response tries to stop.",
        decimals: 1,
        better: Some(Better::Lower),
    },
    Headline {
        outcome: "failed_fragile",
        title: "Fragile platforms failed",
        meaning: "Solvent but thinly funded platforms that failed, usually because too many investors asked for \
                  their money at once.",
        decimals: 1,
        better: Some(Better::Lower),
    },
    Headline {
        outcome: "failed_fraudulent",
        title: "Fraudulent platforms failed",
        meaning: "Frauds that collapsed, ran away or were closed. More is not simply worse: a fraud closed early \
                  takes less money with it.",
        decimals: 1,
        better: None,
    },
    Headline {
        outcome: "trough_trust",
        title: "Lowest sector trust (0 to 1)",
        meaning: "The lowest point of users' average trust in online lending as a whole.",
        decimals: 3,
        better: Some(Better::Higher),
    },
    Headline {
        outcome: "recovery_days",
        title: "Days to recover",
        meaning: "Days from the shock until average trust is back to 90% of its level before the shock (runs that \
                  never recover count up to the end of the simulation).",
        decimals: 1,
        better: Some(Better::Lower),
    },
];

/// `value` with `decimals` decimals and thousands separated by commas; "n/a" when not finite.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "\u{2212}" } else { "" };
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Like [`number`], with a `+` on positive values.
pub(crate) fn signed(value: f64, decimals: usize) -> String {
    let text = number(value, decimals);
    if value > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// The row of `comparison.csv` for a strategy and an outcome.
pub(crate) fn entry<'a>(output: &'a CompareOutput, strategy: &str, outcome: &str) -> Option<&'a ComparisonRow> {
    output
        .comparison
        .iter()
        .find(|e| e.strategy == strategy && e.outcome == outcome)
}

/// Whether the paired difference is clearly better, clearly worse or unclear, as (class, words).
fn verdict(row: &ComparisonRow, better: Option<Better>) -> (&'static str, &'static str) {
    if row.strategy == row.reference {
        return ("unclear", "reference");
    }
    let higher = row.diff_ci_low > 0.0;
    let lower = row.diff_ci_high < 0.0;
    match (higher, lower, better) {
        (false, false, _) => ("unclear", "no clear difference"),
        (true, _, Some(Better::Higher)) | (_, true, Some(Better::Lower)) => ("better", "clearly better"),
        (true, _, Some(Better::Lower)) | (_, true, Some(Better::Higher)) => ("worse", "clearly worse"),
        (true, _, None) => ("unclear", "clearly higher"),
        (_, true, None) => ("unclear", "clearly lower"),
    }
}

/// One table per headline outcome: each strategy's mean and CI, its paired difference against
/// the reference with CI, the relative change, and a verdict.
pub(crate) fn headline_tables(output: &CompareOutput) -> String {
    let mut html = format!(
        "<h2>Headline results</h2>\n<p class=\"caption\">For each strategy: the average over the runs and its \
         95% confidence interval; then the difference from the reference strategy <code>{}</code>, computed run \
         by run on the same seeds, with its own 95% interval. A difference is <em>clear</em> when its whole \
         interval lies on one side of zero; otherwise the runs cannot tell the strategies apart. \"Range over \
         runs\" shows how much single runs vary.</p>\n",
        escape(&output.reference)
    );
    for headline in &HEADLINES {
        let rows: Vec<&ComparisonRow> = output
            .strategies
            .iter()
            .filter_map(|s| entry(output, s, headline.outcome))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let d = headline.decimals;
        let _ = write!(
            html,
            "<h3>{}</h3>\n<p class=\"caption\">{}</p>\n<table>\n<tr><th class=\"name\">strategy</th><th>average</th>\
             <th>95% CI</th><th>range over runs</th><th>difference</th><th>95% CI of difference</th><th>change</th>\
             <th class=\"name\">verdict</th></tr>\n",
            escape(headline.title),
            escape(headline.meaning)
        );
        for row in rows {
            let (class, words) = verdict(row, headline.better);
            let range = output
                .ranges
                .get(&(row.strategy.clone(), row.outcome.clone()))
                .map_or("n/a".to_string(), |(low, high)| {
                    format!("{} to {}", number(*low, d), number(*high, d))
                });
            let reference = row.strategy == row.reference;
            let _ = writeln!(
                html,
                "<tr{}><td class=\"name\"><code>{}</code></td><td>{}</td><td>{} to {}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td class=\"name {class}\">{words}</td></tr>",
                if reference { " class=\"reference\"" } else { "" },
                escape(&row.strategy),
                number(row.mean, d),
                number(row.ci_low, d),
                number(row.ci_high, d),
                range,
                if reference {
                    "\u{2014}".to_string()
                } else {
                    signed(row.diff, d)
                },
                if reference {
                    "\u{2014}".to_string()
                } else {
                    format!("{} to {}", signed(row.diff_ci_low, d), signed(row.diff_ci_high, d))
                },
                if reference || !row.relative_change.is_finite() {
                    "\u{2014}".to_string()
                } else {
                    format!("{}%", signed(100.0 * row.relative_change, 1))
                },
            );
        }
        html.push_str("</table>\n");
    }
    html
}

/// The state of things on the last day, per strategy (means over runs).
pub(crate) fn final_day_table(output: &CompareOutput) -> String {
    let value = |strategy: &str, metric: &str| {
        output
            .final_day
            .get(&(strategy.to_string(), metric.to_string()))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let mut html = format!(
        "<h2>Where things stand on day {}</h2>\n<p class=\"caption\">Averages over the runs on the last simulated \
         day: users still active in online lending, users who left, users who lost money in a failure, \
         platforms still open by type, and average trust.</p>\n<table>\n<tr><th class=\"name\">strategy</th>\
         <th>active users</th><th>users who left</th><th>victims</th><th>sound open</th><th>fragile open</th>\
         <th>fraudulent open</th><th>trust</th></tr>\n",
        output.horizon
    );
    for strategy in &output.strategies {
        let _ = write!(html, "<tr><td class=\"name\"><code>{}</code></td>", escape(strategy));
        for metric in ["users_active", "users_exited", "users_victim"] {
            let _ = write!(html, "<td>{}</td>", number(value(strategy, metric), 0));
        }
        for metric in ["open_sound", "open_fragile", "open_fraudulent"] {
            let _ = write!(html, "<td>{}</td>", number(value(strategy, metric), 1));
        }
        let _ = writeln!(html, "<td>{}</td></tr>", number(value(strategy, "trust_mean"), 3));
    }
    html.push_str("</table>\n");
    html
}

/// Every outcome of `comparison.csv`, folded away.
pub(crate) fn full_table(output: &CompareOutput) -> String {
    let mut html = String::from(
        "<h2>Every outcome</h2>\n<details><summary>All outcome measures of <code>comparison.csv</code> \
         (click to open)</summary>\n<table>\n<tr><th class=\"name\">strategy</th><th class=\"name\">outcome</th>\
         <th>mean</th><th>95% CI</th><th>difference</th><th>95% CI of difference</th><th>p</th></tr>\n",
    );
    for row in &output.comparison {
        let decimals = if row.mean.abs() >= 1000.0 { 0 } else { 3 };
        let _ = writeln!(
            html,
            "<tr><td class=\"name\"><code>{}</code></td><td class=\"name\"><code>{}</code></td><td>{}</td>\
             <td>{} to {}</td><td>{}</td><td>{} to {}</td><td>{}</td></tr>",
            escape(&row.strategy),
            escape(&row.outcome),
            number(row.mean, decimals),
            number(row.ci_low, decimals),
            number(row.ci_high, decimals),
            signed(row.diff, decimals),
            signed(row.diff_ci_low, decimals),
            signed(row.diff_ci_high, decimals),
            number(row.p_value, 3)
        );
    }
    html.push_str("</table>\n</details>\n");
    html
}
