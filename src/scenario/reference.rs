//! The generated parameter reference (docs/PARAMETERS.md): every scenario table and event kind
//! with each key's default, allowed values, unit and meaning, rendered from the `PARAMETERS`
//! tables that `params!` builds from the source, so the reference cannot drift from the code.

use std::fmt::Write as _;

use crate::scenario::event::{
    Announcement, CompensationFund, DisclosureMandate, EducationCampaign, FundraisingBan, Inspections,
    LiquidityBackstop, MarketingCampaign, MarketingRestriction, PlatformTarget, Ratings, Rumour, SeedWithdrawers,
    Tightening, WarningResponse, WindDownPolicy,
};
use crate::scenario::limits::LIMITS;
use crate::scenario::params::ParamDoc;
use crate::scenario::schema::{HORIZON_DAYS, HORIZON_DAYS_DEFAULT, SCHEMA_VERSION, TABLES};
use crate::scenario::strategy::{INTERVENTION_KINDS, RAMPED_KINDS};

/// What each table is for, by table key.
const TABLE_MEANINGS: &[(&str, &str)] = &[
    (
        "population",
        "How many users there are and how their attributes are drawn.",
    ),
    ("network", "The social network users talk over."),
    (
        "trust",
        "How users update trust in the sector and in each platform they hold.",
    ),
    ("behaviour", "Users' decisions to withdraw, invest, complain and leave."),
    ("finance", "The money side of the model."),
    (
        "platforms",
        "The platforms on day 0, their balance sheets and their failure rules.",
    ),
    ("news", "How events become news and how news fades."),
    (
        "warning",
        "The early-warning system: indicators read from what a regulator observes, each divided by \
         its threshold; their weighted mean (each capped at 4) divided by `alert_level` is the \
         composite score; levels need `persistence_days` to rise and `release_days` to fall.",
    ),
    (
        "regulator",
        "One regulator; repeat the table for several regulators sharing the platforms by \
         jurisdiction. Without any `[[regulator]]`, one national regulator with these defaults is used.",
    ),
];

/// Every event kind, in the order of `event::Action`, with what it does and its parameters.
const EVENT_KINDS: &[(&str, &str, &[ParamDoc])] = &[
    (
        "run_away",
        "A platform (usually a fraud) absconds with the money it holds.",
        PlatformTarget::PARAMETERS,
    ),
    (
        "collapse",
        "A platform collapses in disorder.",
        PlatformTarget::PARAMETERS,
    ),
    ("data_leak", "A platform leaks users' data.", PlatformTarget::PARAMETERS),
    (
        "rumour",
        "Negative news about one platform, true or not.",
        Rumour::PARAMETERS,
    ),
    (
        "fraud_exposure",
        "A regulator exposes a fraud: news and an orderly wind-down.",
        PlatformTarget::PARAMETERS,
    ),
    (
        "regulatory_announcement",
        "Sector-wide negative news from a regulator.",
        Announcement::PARAMETERS,
    ),
    (
        "marketing_campaign",
        "A platform multiplies its marketing for a while.",
        MarketingCampaign::PARAMETERS,
    ),
    (
        "tightening",
        "A regulator raises its stringency, abruptly or along a ramp.",
        Tightening::PARAMETERS,
    ),
    (
        "education_campaign",
        "Risk education reaching users and raising literacy.",
        EducationCampaign::PARAMETERS,
    ),
    (
        "compensation_fund",
        "A fund that compensates investors' losses on failures.",
        CompensationFund::PARAMETERS,
    ),
    (
        "liquidity_backstop",
        "A lender of last resort for solvent platforms.",
        LiquidityBackstop::PARAMETERS,
    ),
    (
        "ratings",
        "Regulators publish platform ratings from now on.",
        Ratings::PARAMETERS,
    ),
    (
        "disclosure_mandate",
        "Platforms must disclose at least a minimum quality.",
        DisclosureMandate::PARAMETERS,
    ),
    (
        "fund_custody",
        "User funds are held by a bank, so platforms can no longer siphon or abscond with them.",
        &[],
    ),
    (
        "fundraising_ban",
        "A regulator forbids new deposits on its platforms.",
        FundraisingBan::PARAMETERS,
    ),
    (
        "seed_withdrawers",
        "Users who start withdrawing for no reason (cascade seeds).",
        SeedWithdrawers::PARAMETERS,
    ),
    (
        "inspections",
        "A regulator inspects at a new rate, choosing targets at random or by risk (complaints).",
        Inspections::PARAMETERS,
    ),
    (
        "wind_down_policy",
        "Orderly wind-downs recover a larger share of a closed platform's loan book for users.",
        WindDownPolicy::PARAMETERS,
    ),
    (
        "marketing_restriction",
        "Caps on the returns platforms may promise and on their marketing intensity.",
        MarketingRestriction::PARAMETERS,
    ),
    (
        "warning_response",
        "What regulators do about a platform whose early-warning level rises to `level` while the \
         response is in force: inspect, warn the public, order disclosure, suspend its fund-raising, \
         open emergency liquidity, or wind it down.",
        WarningResponse::PARAMETERS,
    ),
];

/// How a distribution of a user attribute is written, every form.
pub const DIST_FORMS: &str = "`{ dist = \"fixed\", value = .. }`, `{ dist = \"uniform\", low = .., high = .. }`, \
     `{ dist = \"beta\", alpha = .., beta = .. }`, `{ dist = \"normal\", mean = .., sd = .. }` and \
     `{ dist = \"log_normal\", mu = .., sigma = .. }`";

/// How a per-type value is written.
pub const BY_TYPE_FORM: &str = "`{ sound = .., fragile = .., fraudulent = .. }`";

/// The parameter reference as Markdown: the top-level keys, one section per table
/// (`[population]`, ..., `[[regulator]]`) and one per event kind (`kind = "rumour"`, ...), each
/// a table with columns key | default | allowed | unit | meaning. Defaults and ranges written
/// as Rust in the source are rendered as a reader would write them (`0.0 to 1.0`,
/// `sound 0.7, fragile 0.2, fraudulent 0.1`, `beta(2.0, 5.0)`, `watts_strogatz`).
pub fn parameters_markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Parameter reference\n\
         \n\
         This file is generated by `trustsim params` from the parameter declarations in the \
         source (src/scenario/schema.rs and src/scenario/event.rs), and a test keeps docs/PARAMETERS.md identical \
         to it: change the source, then regenerate with `trustsim params > docs/PARAMETERS.md`.\n\
         \n\
         Every key but `schema_version` is optional and takes its default when missing; unknown \
         keys are an error. \
         `allowed` is the range a value must lie in (`any` means any value of the right type, \
         for switches, names and choices).\n\
         \n\
         ## Writing values\n\
         \n\
         - **Distributions** of user attributes are written as an inline table naming the \
         distribution, e.g. `literacy = { dist = \"beta\", alpha = 2, beta = 5 }`. The forms are ",
    );
    out.push_str(DIST_FORMS);
    out.push_str(
        " (exp of a normal with mean `mu` and \
         standard deviation `sigma`). Draws are clipped to the parameter's allowed range. In the \
         tables below, `beta(2.0, 5.0)` means alpha 2, beta 5 and `uniform(0.2, 0.6)` means low \
         0.2, high 0.6.\n\
         - **Per-type values** give one value for each platform type: \
         `promised_return = { sound = 0.06, fragile = 0.10, fraudulent = 0.18 }`; a type left out \
         keeps its default (`promised_return = { fraudulent = 0.24 }`). The allowed range applies \
         to each of them.\n\
         - **Platforms** hit by an event are `largest`, `largest_sound`, `largest_fragile`, \
         `largest_fraudulent` (the open platform — operating, distressed or suspended — with the most \
         deposits owed, of that type, on the day of the event) or `#N` (platform number N, counting from 0 in creation order).\n\
         \n",
    );

    out.push_str("## Top-level keys\n\n");
    table_header(&mut out);
    row(
        &mut out,
        "schema_version",
        "none (required)",
        &SCHEMA_VERSION.to_string(),
        "-",
        "Scenario schema version; this build reads only this version.",
    );
    row(
        &mut out,
        "name",
        "\"\"",
        &format!(
            "a file name of at most {} bytes: not `.` or `..`, no `/`, `\\` or control characters",
            crate::scenario::schema::MAX_NAME_BYTES
        ),
        "-",
        "Short name, used to name output directories (empty or \"default\": the file's stem).",
    );
    row(
        &mut out,
        "description",
        "\"\"",
        "any",
        "-",
        "What the scenario represents, in a sentence or two.",
    );
    row(
        &mut out,
        "horizon_days",
        &HORIZON_DAYS_DEFAULT.to_string(),
        &format!("{} to {}", HORIZON_DAYS.start(), HORIZON_DAYS.end()),
        "days",
        "Simulated days.",
    );
    row(
        &mut out,
        "reference_strategy",
        "\"\"",
        "a strategy's name",
        "-",
        "The strategy `compare` measures the others against, and `run` uses (\"\": the first).",
    );
    out.push('\n');

    for (key, parameters) in TABLES {
        let heading = if *key == "regulator" {
            format!("[[{key}]]")
        } else {
            format!("[{key}]")
        };
        let _ = writeln!(out, "## `{heading}`\n");
        if let Some((_, meaning)) = TABLE_MEANINGS.iter().find(|(k, _)| k == key) {
            let _ = writeln!(out, "{meaning}\n");
        }
        parameter_table(&mut out, parameters);
    }

    out.push_str(
        "## `[[event]]`\n\
         \n\
         Scheduled shocks and interventions, any number of them (a strategy's interventions \
         are written under `[[strategy]]`, below). Every event has `day` (0 to \
         `horizon_days`; day 0 happens before the first step) and `kind`, one of the kinds \
         below, plus that kind's keys. With `finance.enabled = false` only `seed_withdrawers` \
         and `education_campaign` apply.\n\
         \n",
    );
    for (kind, meaning, parameters) in EVENT_KINDS {
        let _ = writeln!(out, "### `kind = \"{kind}\"`\n\n{meaning}\n");
        if parameters.is_empty() {
            out.push_str("No keys besides `day` and `kind`.\n\n");
        } else {
            parameter_table(&mut out, parameters);
        }
    }
    strategies_markdown(&mut out);
    limits_markdown(&mut out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The `[[strategy]]` section: its keys, its interventions' schedule keys and allowed kinds.
fn strategies_markdown(out: &mut String) {
    let kinds = |list: &[&str]| list.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let _ = write!(
        out,
        "## `[[strategy]]`\n\
         \n\
         Intervention strategies compared by `trustsim compare`, any number of them. A scenario \
         without strategies has one, `status_quo`, that adds nothing. Every strategy runs the \
         scenario's own events, and its interventions on top of them, with the same seeds \
         (common random numbers).\n\
         \n"
    );
    table_header(out);
    row(
        out,
        "name",
        "none (required)",
        "letters, digits, `_`, `-`",
        "-",
        "Unique name, used in outputs.",
    );
    row(
        out,
        "description",
        "\"\"",
        "any",
        "-",
        "What the strategy does, in one line.",
    );
    row(
        out,
        "intervention",
        "none",
        "`[[strategy.intervention]]` tables",
        "-",
        "The interventions, applied in this order on a day.",
    );
    let _ = write!(
        out,
        "\n### `[[strategy.intervention]]`\n\
         \n\
         An intervention is `kind` (one of {}) with that kind's keys, as listed for `[[event]]` \
         above, and a schedule instead of `day`. It is in force from `start_day` to `end_day` and \
         lifted the day after: the instrument stops and what it changed returns to the \
         scenario's own setting. Days past the horizon are allowed. A tightening's `ramp_days` \
         is the schedule's.\n\
         \n",
        kinds(&INTERVENTION_KINDS)
    );
    table_header(out);
    row(
        out,
        "start_day",
        "none (required)",
        "0 to 36500",
        "days",
        "First day in force.",
    );
    row(
        out,
        "end_day",
        "none (to the horizon)",
        "start_day to 36500",
        "days",
        "Last day in force; lifted the day after.",
    );
    row(
        out,
        "ramp_days",
        "0",
        &format!("0 (abrupt); more only for {}", kinds(&RAMPED_KINDS)),
        "days",
        "Days over which the strength rises linearly to full: min(1, (day − start_day + 1) / ramp_days).",
    );
    out.push('\n');
}

/// The `Limits` section: the sizes a scenario may ask for (see `limits`).
fn limits_markdown(out: &mut String) {
    out.push_str(
        "## Limits\n\n\
         So that a hostile or mistaken scenario gets a clear error instead of exhausting memory, \
         these sizes are limited; an error names the file, line and key to change and the \
         maximum. They are far above what 10^7 users need (about 2.5 GiB of memory with the default settings). The memory \
         estimate is of one run: `compare` holds one run per thread at a time.\n\n",
    );
    for (what, max, unit) in LIMITS {
        let _ = writeln!(out, "- {what}: at most {max} {unit}.");
    }
    out.push('\n');
}

fn table_header(out: &mut String) {
    out.push_str("| key | default | allowed | unit | meaning |\n|---|---|---|---|---|\n");
}

fn row(out: &mut String, key: &str, default: &str, allowed: &str, unit: &str, meaning: &str) {
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} | {} |",
        key,
        cell(default),
        cell(allowed),
        cell(unit),
        cell(meaning)
    );
}

fn parameter_table(out: &mut String, parameters: &[ParamDoc]) {
    table_header(out);
    for p in parameters {
        row(
            out,
            p.name,
            &render_default(p.default),
            &render_range(p.range),
            p.unit,
            p.doc.trim(),
        );
    }
    out.push('\n');
}

/// Text made safe for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// What a scenario key (`population.users`, `regulator[1].notice_days`, `horizon_days`) allows,
/// rendered for readers as in the reference, or `None` for keys outside the parameter tables.
pub fn allowed(key: &str) -> Option<String> {
    if key == "horizon_days" {
        return Some(format!("{} to {}", HORIZON_DAYS.start(), HORIZON_DAYS.end()));
    }
    documented(key).map(|parameter| render_range(parameter.range))
}

/// Whether the dotted `key` of a table's parameter holds a distribution (`population.literacy`).
pub fn is_distribution(key: &str) -> bool {
    documented(key).is_some_and(|parameter| parameter.default.trim_start().starts_with("Dist::"))
}

/// The declaration of the table parameter at the dotted `key`, if it is one.
fn documented(key: &str) -> Option<&'static ParamDoc> {
    let (table, field) = key.split_once('.')?;
    let table = table.split('[').next()?;
    let (_, parameters) = TABLES.iter().find(|(name, _)| *name == table)?;
    parameters.iter().find(|p| p.name == field)
}

/// An allowed range as written in the source, for readers: `0.0..=1.0` → `0.0 to 1.0`,
/// `()` → `any`.
fn render_range(range: &str) -> String {
    let range = range.trim();
    if range == "()" {
        return "any".to_string();
    }
    if let Some((low, high)) = range.split_once("..=") {
        return format!("{} to {}", render_default(low), render_default(high));
    }
    if let Some((low, high)) = range.split_once("..") {
        return format!("{} to below {}", render_default(low), render_default(high));
    }
    render_default(range)
}

/// A default as written in the source, for readers: `ByType::new(0.7, 0.2, 0.1)` →
/// `sound 0.7, fragile 0.2, fraudulent 0.1`, `Dist::beta(2.0, 5.0)` → `beta(2.0, 5.0)`,
/// `Dist::LogNormal { mu: 9.9, sigma: 1.0 }` → `log_normal(mu 9.9, sigma 1.0)`,
/// `NetworkKind::WattsStrogatz` → `watts_strogatz`, `PlatformSelector::Largest(None)` →
/// `largest`, `String::new()` → `""`, `10_000` → `10000`.
fn render_default(source: &str) -> String {
    let s = source.trim();
    if s == "String::new()" || s == "String::default()" {
        return "\"\"".to_string();
    }
    for suffix in [".to_string()", ".to_owned()", ".into()"] {
        if let Some(inner) = s.strip_suffix(suffix) {
            return render_default(inner);
        }
    }
    if s.starts_with('"') {
        return s.to_string();
    }
    if let Some(args) = call_arguments(s, "ByType::new") {
        let values = split_top_level(args);
        if values.len() == 3 {
            return format!(
                "sound {}, fragile {}, fraudulent {}",
                render_default(values[0]),
                render_default(values[1]),
                render_default(values[2])
            );
        }
    }
    if let Some(arg) = call_arguments(s, "PlatformSelector::Largest") {
        return match call_arguments(arg.trim(), "Some") {
            Some(kind) => format!("largest_{}", render_default(kind)),
            None => "largest".to_string(),
        };
    }
    if let Some(arg) = call_arguments(s, "PlatformSelector::Index") {
        return format!("#{}", render_default(arg));
    }
    if let Some(arg) = call_arguments(s, "Some") {
        return render_default(arg);
    }

    // A path, possibly called with arguments or given struct fields.
    let open = s.find(['(', '{']).unwrap_or(s.len());
    let (head, tail) = (s[..open].trim(), s[open..].trim());
    if !head.contains("::") && tail.is_empty() {
        return plain_number(head);
    }
    let last = head.rsplit("::").next().unwrap_or(head);
    let name = snake_case(last);
    if let Some(inner) = tail.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        let args = split_top_level(inner);
        if args.is_empty() || args == ["None"] {
            return name;
        }
        let args: Vec<String> = args.into_iter().map(render_default).collect();
        return format!("{name}({})", args.join(", "));
    }
    if let Some(inner) = tail.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let fields: Vec<String> = split_top_level(inner)
            .into_iter()
            .map(|field| match field.split_once(':') {
                Some((key, value)) => format!("{} {}", key.trim(), render_default(value)),
                None => field.trim().to_string(),
            })
            .collect();
        return format!("{name}({})", fields.join(", "));
    }
    name
}

/// The arguments of `s` when it is a call of `function`: `f(a, b)` → `a, b`.
fn call_arguments<'a>(s: &'a str, function: &str) -> Option<&'a str> {
    s.strip_prefix(function)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
}

/// Splits at commas outside brackets and string literals, dropping empty pieces.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut in_string, mut start) = (0usize, false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' | '{' | '[' if !in_string => depth += 1,
            ')' | '}' | ']' if !in_string => depth = depth.saturating_sub(1),
            ',' if !in_string && depth == 0 => {
                pieces.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(s[start..].trim());
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// `WattsStrogatz` → `watts_strogatz`; names already in lower case are kept.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A literal with the digit-group underscores of Rust numbers removed: `10_000` → `10000`.
fn plain_number(literal: &str) -> String {
    let chars: Vec<char> = literal.chars().collect();
    let mut out = String::with_capacity(literal.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars
                .get(i + 1)
                .is_some_and(|next| next.is_ascii_digit() || *next == '_');
        if c == '_' && between_digits {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::dist::Dist;
    use crate::scenario::event::{Action, PlatformSelector};
    use crate::scenario::schema::Scenario;

    /// The cells of every table row in `markdown`.
    fn cells(markdown: &str) -> Vec<Vec<String>> {
        markdown
            .lines()
            .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
            .map(|line| {
                line.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_table_and_event_kind_appears() {
        let markdown = parameters_markdown();
        assert!(markdown.starts_with("# Parameter reference\n"));
        assert!(markdown.ends_with(".\n") || markdown.ends_with("|\n"));
        for (key, parameters) in TABLES {
            let heading = if *key == "regulator" {
                "## `[[regulator]]`".to_string()
            } else {
                format!("## `[{key}]`")
            };
            assert!(markdown.contains(&format!("{heading}\n")), "missing {heading}");
            assert!(TABLE_MEANINGS.iter().any(|(k, _)| k == key), "no meaning for [{key}]");
            for p in *parameters {
                assert!(
                    markdown.contains(&format!("| `{}` |", p.name)),
                    "missing {key}.{}",
                    p.name
                );
            }
        }
        for (kind, _, parameters) in EVENT_KINDS {
            assert!(
                markdown.contains(&format!("### `kind = \"{kind}\"`\n")),
                "missing {kind}"
            );
            for p in *parameters {
                assert!(
                    markdown.contains(&format!("| `{}` |", p.name)),
                    "missing {kind}.{}",
                    p.name
                );
            }
        }
        for kind in ["run_away", "collapse", "data_leak", "fraud_exposure", "fund_custody"] {
            assert!(markdown.contains(&format!("`kind = \"{kind}\"`")), "missing {kind}");
        }
    }

    #[test]
    fn no_cell_shows_rust_syntax() {
        let rows = cells(&parameters_markdown());
        assert!(rows.len() > 100, "only {} rows", rows.len());
        for row in &rows {
            assert_eq!(row.len(), 5, "{row:?}");
            for cell in row {
                for rust in ["::", "ByType", "to_string", "String::new", "..=", "()"] {
                    assert!(!cell.contains(rust), "cell `{cell}` contains `{rust}`");
                }
                let numeric_underscore = cell
                    .as_bytes()
                    .windows(3)
                    .any(|w| w[0].is_ascii_digit() && w[1] == b'_' && w[2].is_ascii_digit());
                assert!(!numeric_underscore, "cell `{cell}` has a digit separator");
            }
        }
    }

    #[test]
    fn defaults_and_ranges_are_rendered_readably() {
        assert_eq!(render_range("0.0..=1.0"), "0.0 to 1.0");
        assert_eq!(render_range("2..=50_000_000"), "2 to 50000000");
        assert_eq!(render_range("()"), "any");
        assert_eq!(
            render_default("ByType::new(0.7, 0.2, 0.1)"),
            "sound 0.7, fragile 0.2, fraudulent 0.1"
        );
        assert_eq!(render_default("Dist::beta(2.0, 5.0)"), "beta(2.0, 5.0)");
        assert_eq!(render_default("Dist::uniform(0.2, 0.6)"), "uniform(0.2, 0.6)");
        assert_eq!(
            render_default("Dist::LogNormal { mu: 9.9, sigma: 1.0 }"),
            "log_normal(mu 9.9, sigma 1.0)"
        );
        assert_eq!(render_default("\"national\".to_string()"), "\"national\"");
        assert_eq!(render_default("String::new()"), "\"\"");
        assert_eq!(render_default("NetworkKind::WattsStrogatz"), "watts_strogatz");
        assert_eq!(render_default("Targeting::Random"), "random");
        assert_eq!(render_default("PlatformSelector::Largest(None)"), "largest");
        assert_eq!(
            render_default("PlatformSelector::Largest(Some(PlatformType::Fragile))"),
            "largest_fragile"
        );
        assert_eq!(render_default("PlatformSelector::Index(3)"), "#3");
        assert_eq!(render_default("10_000"), "10000");
        assert_eq!(render_default("1.0e10"), "1.0e10");
        assert_eq!(render_default("true"), "true");
    }

    /// The kind names listed are exactly those `Action` accepts, each with its own parameters.
    #[test]
    fn event_kinds_match_the_action_enum() {
        // Exhaustive: a new `Action` variant fails to compile here until it is listed above.
        fn parameters_of(action: &Action) -> &'static [ParamDoc] {
            match action {
                Action::RunAway(_) | Action::Collapse(_) | Action::DataLeak(_) | Action::FraudExposure(_) => {
                    PlatformTarget::PARAMETERS
                }
                Action::Rumour(_) => Rumour::PARAMETERS,
                Action::RegulatoryAnnouncement(_) => Announcement::PARAMETERS,
                Action::MarketingCampaign(_) => MarketingCampaign::PARAMETERS,
                Action::Tightening(_) => Tightening::PARAMETERS,
                Action::EducationCampaign(_) => EducationCampaign::PARAMETERS,
                Action::CompensationFund(_) => CompensationFund::PARAMETERS,
                Action::LiquidityBackstop(_) => LiquidityBackstop::PARAMETERS,
                Action::Ratings(_) => Ratings::PARAMETERS,
                Action::DisclosureMandate(_) => DisclosureMandate::PARAMETERS,
                Action::FundCustody => &[],
                Action::FundraisingBan(_) => FundraisingBan::PARAMETERS,
                Action::SeedWithdrawers(_) => SeedWithdrawers::PARAMETERS,
                Action::Inspections(_) => Inspections::PARAMETERS,
                Action::WindDownPolicy(_) => WindDownPolicy::PARAMETERS,
                Action::MarketingRestriction(_) => MarketingRestriction::PARAMETERS,
                Action::WarningResponse(_) => WarningResponse::PARAMETERS,
            }
        }
        let mut seen = Vec::new();
        for (kind, _, parameters) in EVENT_KINDS {
            let table = format!("day = 0\nkind = \"{kind}\"").parse().unwrap();
            let action = crate::scenario::event::Event::from_table(table)
                .unwrap_or_else(|e| panic!("{kind}: {e:?}"))
                .action;
            assert_eq!(parameters_of(&action), *parameters, "{kind}");
            let variant = std::mem::discriminant(&action);
            assert!(!seen.contains(&variant), "{kind} listed twice");
            seen.push(variant);
        }
        assert_eq!(seen.len(), Action::KINDS.len(), "every Action variant is listed once");
    }

    /// The forms the notes describe are the ones the loader accepts.
    #[test]
    fn documented_forms_parse() {
        for form in [
            "dist = \"fixed\"\nvalue = 0.5",
            "dist = \"uniform\"\nlow = 0.2\nhigh = 0.6",
            "dist = \"beta\"\nalpha = 2.0\nbeta = 5.0",
            "dist = \"beta\"\nalpha = 2\nbeta = 5",
            "dist = \"normal\"\nmean = 0.5\nsd = 0.1",
            "dist = \"log_normal\"\nmu = 9.9\nsigma = 1.0",
        ] {
            toml::from_str::<Dist>(form).unwrap_or_else(|e| panic!("{form}: {e}"));
        }
        for selector in [
            "largest",
            "largest_sound",
            "largest_fragile",
            "largest_fraudulent",
            "#3",
        ] {
            selector.parse::<PlatformSelector>().unwrap();
        }
        let scenario: Scenario = toml::from_str(&format!(
            "schema_version = {SCHEMA_VERSION}\n[platforms]\npromised_return = {{ sound = 0.06, fragile = 0.10, fraudulent = 0.18 }}"
        ))
        .unwrap();
        assert_eq!(scenario.platforms.promised_return.fraudulent, 0.18);
    }

    /// The top-level keys, which are not declared with `params!`, are described truthfully.
    #[test]
    fn top_level_keys_match_the_scenario() {
        let scenario: Scenario = toml::from_str(&format!("schema_version = {SCHEMA_VERSION}")).unwrap();
        assert_eq!(scenario.horizon_days, HORIZON_DAYS_DEFAULT);
        assert_eq!(scenario.name, "");
        assert_eq!(scenario.description, "");
        let horizon_problem = |days: u32| {
            let scenario = Scenario {
                horizon_days: days,
                ..scenario.clone()
            };
            scenario.validate().err().is_some_and(|p| p.key == "horizon_days")
        };
        assert!(horizon_problem(0));
        assert!(!horizon_problem(1));
        assert!(!horizon_problem(*HORIZON_DAYS.end()));
        assert!(horizon_problem(HORIZON_DAYS.end() + 1));
    }
}
