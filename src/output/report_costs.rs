//! The report's public cost: what each strategy spends of public money beyond the reference,
//! and the investor loss it averts per yuan of it, with the sentence the headline quotes.

use std::fmt::Write;

use crate::analysis::comparison::ComparisonRow;
use crate::analysis::cost_effectiveness::PUBLIC_COST;
use crate::output::html::escape;
use crate::output::report::CompareOutput;
use crate::output::report_tables::{entry, number, signed};

/// The losses whose averted amount per public yuan the table shows: column, heading.
const AVERTED: [(&str, &str); 3] = [
    ("net_loss_yuan", "losses averted per yuan"),
    ("investor_exposure_yuan", "exposure averted per yuan"),
    ("losses_incurred_yuan", "losses before compensation averted per yuan"),
];

/// "2.31 (95% CI 1.10 to 3.52)", or a dash when undefined.
fn ratio_cell(row: Option<&ComparisonRow>) -> String {
    match row {
        Some(row) if row.averted_per_public_yuan.is_finite() => format!(
            "{}<br><small>{} to {}</small>",
            number(row.averted_per_public_yuan, 2),
            number(row.averted_per_public_yuan_ci_low, 2),
            number(row.averted_per_public_yuan_ci_high, 2)
        ),
        _ => "\u{2014}".to_string(),
    }
}

/// The table of each strategy's extra public cost against the reference and the losses it
/// averts per yuan of it; empty when the comparison has no public cost (written by an older
/// trustsim).
pub(crate) fn cost_table(output: &CompareOutput) -> String {
    if entry(output, &output.reference, PUBLIC_COST).is_none() {
        return String::new();
    }
    let mut html = format!(
        "<h3>Loss averted per yuan of public money</h3>\n<p class=\"caption\">Public money is what the public \
         sector pays: compensation beyond the fund's levies, the liquidity backstop's losses, education, \
         inspections and wind-downs (at the costs per action of the scenario's <code>[public_cost]</code>). For \
         each strategy, the extra public money it spends compared with <code>{}</code>, and the investor loss it \
         averts per extra yuan: the average loss averted over the average extra cost, run by run on the same \
         seeds, with a 95% interval (delta method). Above 1, each yuan saves investors more than a yuan. \
         Compensation counts on both sides (a yuan paid out is a yuan of loss averted), so the losses before \
         compensation show what a strategy prevents rather than repays. A dash: the strategy spends no more \
         public money than the reference.</p>\n<table>\n<tr><th class=\"name\">strategy</th>\
         <th>public money (average)</th><th>extra public money</th><th>95% CI</th>",
        escape(&output.reference)
    );
    for (_, heading) in AVERTED {
        let _ = write!(html, "<th>{heading} (95% CI)</th>");
    }
    html.push_str("</tr>\n");
    for strategy in &output.strategies {
        let Some(cost) = entry(output, strategy, PUBLIC_COST) else {
            continue;
        };
        let reference = cost.strategy == cost.reference;
        let dash = || "\u{2014}".to_string();
        let _ = write!(
            html,
            "<tr{}><td class=\"name\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td>",
            if reference { " class=\"reference\"" } else { "" },
            escape(strategy),
            number(cost.mean, 0),
            if reference { dash() } else { signed(cost.diff, 0) },
            if reference {
                dash()
            } else {
                format!("{} to {}", signed(cost.diff_ci_low, 0), signed(cost.diff_ci_high, 0))
            },
        );
        for (outcome, _) in AVERTED {
            let _ = write!(html, "<td>{}</td>", ratio_cell(entry(output, strategy, outcome)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}

/// The headline's sentence on value for public money: the strategy averting the most net loss
/// per extra yuan, with its interval; nothing when no strategy spends more than the reference.
pub(crate) fn value_sentence(comparison: &[ComparisonRow]) -> String {
    let best = comparison
        .iter()
        .filter(|row| row.outcome == "net_loss_yuan" && row.averted_per_public_yuan.is_finite())
        .max_by(|a, b| a.averted_per_public_yuan.total_cmp(&b.averted_per_public_yuan));
    let Some(best) = best else {
        return String::new();
    };
    format!(
        " Per yuan of public money spent beyond the reference, <code>{}</code> averts the most investor losses: \
         {} yuan (95% CI {} to {}).",
        escape(&best.strategy),
        number(best.averted_per_public_yuan, 2),
        number(best.averted_per_public_yuan_ci_low, 2),
        number(best.averted_per_public_yuan_ci_high, 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(strategy: &str, ratio: f64) -> ComparisonRow {
        ComparisonRow {
            strategy: strategy.to_string(),
            outcome: "net_loss_yuan".to_string(),
            reference: "status_quo".to_string(),
            averted_per_public_yuan: ratio,
            averted_per_public_yuan_ci_low: ratio - 0.5,
            averted_per_public_yuan_ci_high: ratio + 0.5,
            ..ComparisonRow::default()
        }
    }

    #[test]
    fn the_sentence_names_the_best_value_and_skips_undefined_ratios() {
        let rows = [row("status_quo", f64::NAN), row("fund", 1.2), row("education", 3.4)];
        let text = value_sentence(&rows);
        assert!(text.contains("<code>education</code> averts the most"), "{text}");
        assert!(text.contains("3.40 yuan (95% CI 2.90 to 3.90)"), "{text}");
        assert_eq!(value_sentence(&rows[..1]), "");
    }
}
