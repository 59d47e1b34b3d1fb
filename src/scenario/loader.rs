//! Reading a scenario file: TOML syntax, defaults for missing keys, `--set` overrides, types
//! and ranges, with every error pointed at the file, line and key that caused it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::scenario::calendar::{day_of_date, Date};
use crate::scenario::event::Event;
use crate::scenario::problem::{prefix, Problem};
use crate::scenario::schema::Scenario;
use crate::scenario::strategy::strategy_from_table;
use crate::scenario::tables::NetworkKind;

/// A scenario read from a file, with what is needed to reproduce and report it.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The validated scenario, defaults and overrides applied.
    pub scenario: Scenario,
    /// The file it was read from.
    pub path: PathBuf,
    /// The file's bytes, hashed into the manifest.
    pub source: Vec<u8>,
    /// The `--set` overrides applied, in order.
    pub overrides: Vec<String>,
}

impl LoadedScenario {
    /// The edge-list file as the scenario names it, resolved against the scenario's directory:
    /// the path a resolved scenario records.
    pub fn edge_list_path(&self) -> PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        dir.join(&self.scenario.network.edge_list)
    }

    /// Where the edge list is read from: see [`edge_list_file`].
    pub fn edge_list_file(&self) -> PathBuf {
        edge_list_file(&self.path, &self.scenario.network.edge_list)
    }

    /// The edge-list file, if the scenario reads its network from one.
    pub fn edge_list(&self) -> Option<PathBuf> {
        (self.scenario.network.kind == NetworkKind::EdgeList).then(|| self.edge_list_file())
    }

    /// The resolved scenario as TOML; it names the edge list (as the scenario names it, wherever
    /// it was read from) by absolute path, so that it runs from anywhere.
    pub fn resolved_text(&self) -> Result<String> {
        let mut resolved = self.scenario.clone();
        if resolved.network.kind == NetworkKind::EdgeList {
            let path = self.edge_list_path();
            resolved.network.edge_list = std::path::absolute(&path)
                .map_err(|e| Error::io(&path, e))?
                .display()
                .to_string();
        }
        Ok(toml::to_string(&resolved).expect("a scenario always serializes"))
    }
}

/// Where the edge list that the scenario file `scenario_file` names `named` is read from: the
/// named file, resolved against the scenario's directory; or, when `named` is an absolute path
/// that does not exist, a file of the same name beside the scenario file if there is one. A
/// resolved scenario (an output's `scenario.toml`) names its edge list by absolute path, so an
/// output moved to another machine with its edge list copied into it still verifies, merges and
/// reports; the manifests' and run records' sha256 of the edge list say whether it is the same.
pub fn edge_list_file(scenario_file: &Path, named: &str) -> PathBuf {
    let dir = scenario_file.parent().unwrap_or(Path::new("."));
    let path = dir.join(named);
    if Path::new(named).is_absolute() && !path.exists() {
        if let Some(beside) = path.file_name().map(|name| dir.join(name)).filter(|p| p.is_file()) {
            return beside;
        }
    }
    path
}

/// Checks that the edge list the scenario file `path` names `named` (see [`edge_list_file`]) is
/// a file that exists: a missing one is an error at `network.edge_list`, saying where else it is
/// looked for, and a directory or a named pipe (which would block reading) is refused.
fn unreadable_edge_list(path: &Path, named: &str) -> Result<(), Problem> {
    let file = edge_list_file(path, named);
    let reason = match std::fs::metadata(&file) {
        Ok(metadata) if metadata.is_file() => return Ok(()),
        Ok(_) => "it is not a regular file".to_string(),
        Err(e) => e.to_string(),
    };
    let beside = Path::new(named)
        .file_name()
        .map(|name| {
            format!(
                "; a file `{}` beside the scenario file is also looked for",
                name.to_string_lossy()
            )
        })
        .filter(|_| Path::new(named).is_absolute())
        .unwrap_or_default();
    Err(Problem::new(
        "network.edge_list",
        format!("cannot read `{}` ({reason}){beside}", file.display()),
    ))
}

/// Reads, overrides and validates the scenario in `path`. `overrides` are `dotted.key=value`
/// strings; the value is read as TOML (`3`, `0.5`, `true`, `"text"`) or else as a bare string.
pub fn load(path: &Path, overrides: &[String]) -> Result<LoadedScenario> {
    let source = crate::scenario::limits::read_limited(
        path,
        crate::scenario::limits::MAX_SCENARIO_FILE_BYTES,
        "a scenario file",
    )?;
    let file = path.display().to_string();
    let text = String::from_utf8(source.clone()).map_err(|e| Error::Syntax {
        location: Location::new(&file, Some(line_of(&source, e.utf8_error().valid_up_to()))),
        message: "the file is not valid UTF-8".to_string(),
    })?;
    let scenario = parse(&text, &file, overrides, path)?;
    let loaded = LoadedScenario {
        scenario,
        path: path.to_path_buf(),
        source,
        overrides: overrides.to_vec(),
    };
    if loaded.scenario.network.kind == crate::scenario::tables::NetworkKind::EdgeList {
        crate::scenario::limits::check_edge_list_file(&loaded.edge_list_file())?;
    }
    Ok(loaded)
}

/// Replaces the dates of events (`date`) and interventions (`start_date`, `end_date`) by their
/// days of the run (`day`, `start_day`, `end_day`, §6.5), so that a scenario with a `start_date`
/// can be written in dates. A date needs the scenario's `start_date`, must not fall before it and
/// may not be given together with the day it stands for.
fn dates_to_days(merged: &mut toml::Value) -> Result<(), Problem> {
    let start = match merged.get("start_date").and_then(toml::Value::as_str) {
        None | Some("") => None,
        Some(text) => Some(Date::parse(text).map_err(|m| Problem::new("start_date", m))?),
    };
    let convert = |table: &mut toml::Table, key: &str, date_key: &str, day_key: &str| -> Result<(), Problem> {
        let Some(value) = table.remove(date_key) else {
            return Ok(());
        };
        let at = |message: String| Problem::new(format!("{key}.{date_key}"), message);
        if table.contains_key(day_key) {
            return Err(at(format!("give `{date_key}` or `{day_key}`, not both")));
        }
        let text = value
            .as_str()
            .ok_or_else(|| at(format!("must be a date \"YYYY-MM-DD\", got {value}")))?;
        let start =
            start.ok_or_else(|| at("a date needs the scenario's `start_date`; without one, give days".to_string()))?;
        let date = Date::parse(text).map_err(at)?;
        let day = day_of_date(start, date).ok_or_else(|| at(format!("{date} is before the start_date {start}")))?;
        table.insert(day_key.to_string(), toml::Value::Integer(i64::from(day)));
        Ok(())
    };
    if let Some(toml::Value::Array(events)) = merged.get_mut("event") {
        for (i, event) in events.iter_mut().enumerate() {
            if let toml::Value::Table(table) = event {
                convert(table, &format!("event[{i}]"), "date", "day")?;
            }
        }
    }
    if let Some(toml::Value::Array(strategies)) = merged.get_mut("strategy") {
        for (i, strategy) in strategies.iter_mut().enumerate() {
            let Some(toml::Value::Array(interventions)) = strategy.get_mut("intervention") else {
                continue;
            };
            for (j, intervention) in interventions.iter_mut().enumerate() {
                if let toml::Value::Table(table) = intervention {
                    let key = format!("strategy[{i}].intervention[{j}]");
                    convert(table, &key, "start_date", "start_day")?;
                    convert(table, &key, "end_date", "end_day")?;
                }
            }
        }
    }
    Ok(())
}

/// Parses scenario `text` (named `file` in errors), applying `overrides`.
pub fn parse(text: &str, file: &str, overrides: &[String], path: &Path) -> Result<Scenario> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Syntax {
        location: Location::new(file, e.span().map(|s| line_of(text.as_bytes(), s.start))),
        message: e.message().trim_end().to_string(),
    })?;
    if !table.contains_key("schema_version") {
        return Err(Error::Invalid {
            location: Location::new(file, Some(1)),
            key: "schema_version".to_string(),
            message: format!(
                "is required: start the file with `schema_version = {}`",
                crate::scenario::schema::SCHEMA_VERSION
            ),
        });
    }
    let mut merged = defaults();
    tables_in_place(&merged, &table, "").map_err(|problem| Error::Invalid {
        location: Location::new(file, find_line(text, &problem.key)),
        key: problem.key,
        message: problem.message,
    })?;
    merge(&mut merged, table);
    if !merged.contains_key("name") || merged["name"].as_str() == Some(Scenario::default().name.as_str()) {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        merged.insert("name".to_string(), toml::Value::String(stem));
    }
    let mut merged = toml::Value::Table(merged);
    let mut overridden = Vec::new();
    for argument in overrides {
        overridden.push(apply_override(&mut merged, argument)?);
    }
    // A problem is the command line's when an override set its key, a table holding it, or a
    // key within it; otherwise it is the file's, and any overrides in effect are named with it,
    // since a rule between two keys can break by an override of the other one.
    let locate = |mut problem: Problem| -> Error {
        // serde's words for a number or table where a name belongs.
        problem.message = crate::scenario::strict::plain_words(&problem.message.replace(
            "invalid type: unit variant, expected string only",
            "must be one of its names (a string: in quotes in a file), not a number or a table",
        ));
        let from_command_line = overridden.iter().any(|k| {
            problem.key == *k
                || problem.key.starts_with(&format!("{k}."))
                || k.starts_with(&format!("{}.", problem.key))
        });
        let (location, message) = if from_command_line {
            (Location::new("--set", None), problem.message)
        } else if overrides.is_empty() {
            (Location::new(file, find_line(text, &problem.key)), problem.message)
        } else {
            let given: Vec<String> = overrides.iter().map(|o| format!("`{o}`")).collect();
            (
                Location::new(file, find_line(text, &problem.key)),
                format!("{} (with --set {})", problem.message, given.join(", ")),
            )
        };
        Error::Invalid {
            location,
            key: problem.key,
            message,
        }
    };
    if !overrides.is_empty() {
        if let toml::Value::Table(given) = &merged {
            tables_in_place(&defaults(), given, "").map_err(&locate)?;
        }
    }
    dates_to_days(&mut merged).map_err(&locate)?;
    // Events and strategies are read one by one so that an error names the key within them.
    let events = take_tables(&mut merged, "event", Event::from_table).map_err(&locate)?;
    let strategies = take_tables(&mut merged, "strategy", strategy_from_table).map_err(&locate)?;
    let mut scenario: Scenario = serde_path_to_error::deserialize(merged).map_err(|e| {
        let key = e.path().to_string();
        let key = if key == "." { String::new() } else { key };
        let message = e.into_inner().message().trim_end().to_string();
        // serde rejects a negative or oversized whole number before our range check can: say
        // what is allowed all the same.
        let message = match (
            message.strip_prefix("invalid value: integer `"),
            crate::scenario::reference::allowed(&key),
        ) {
            (Some(rest), Some(allowed)) => {
                let value = rest.split('`').next().unwrap_or(rest);
                format!("must be a whole number from {allowed}, got {value}")
            }
            _ => message,
        };
        // serde names the Rust types it expected; say how the value is written instead.
        let message = message
            .replace(
                "internally tagged enum Dist",
                &format!("a distribution: {}", crate::scenario::reference::DIST_FORMS),
            )
            .replace(
                "struct ByType",
                &format!("a per-type table {}", crate::scenario::reference::BY_TYPE_FORM),
            );
        let message = if message.starts_with("unknown field") && crate::scenario::reference::is_distribution(&key) {
            format!(
                "{message}; a distribution takes the keys of its `dist`: to change the distribution, give the whole \
                 table, one of {}",
                crate::scenario::reference::DIST_FORMS
            )
        } else {
            message
        };
        locate(Problem::new(key, message))
    })?;
    if let Some(events) = events {
        scenario.event = events;
    }
    if let Some(strategies) = strategies {
        scenario.strategy = strategies;
    }
    scenario.validate().map_err(locate)?;
    if scenario.network.kind == crate::scenario::tables::NetworkKind::EdgeList {
        unreadable_edge_list(path, &scenario.network.edge_list).map_err(locate)?;
    }
    Ok(scenario)
}

/// Takes the array of tables `name` out of the scenario and reads each item with `read`, naming
/// a problem's key as `name[i].key`; anything else is left for the scenario's own reading.
fn take_tables<T>(
    scenario: &mut toml::Value,
    name: &str,
    read: impl Fn(toml::Table) -> Result<T, Problem>,
) -> Result<Option<Vec<T>>, Problem> {
    let toml::Value::Table(table) = scenario else {
        return Ok(None);
    };
    let Some(toml::Value::Array(items)) = table.get(name) else {
        return Ok(None);
    };
    if !items.iter().all(toml::Value::is_table) {
        return Ok(None);
    }
    let Some(toml::Value::Array(items)) = table.insert(name.to_string(), toml::Value::Array(Vec::new())) else {
        unreachable!("checked above")
    };
    let read_all = items.into_iter().enumerate().map(|(i, item)| {
        let toml::Value::Table(item) = item else {
            unreachable!("checked above")
        };
        read(item).map_err(|p| Problem::new(format!("{name}[{i}].{}", p.key), p.message))
    });
    read_all.collect::<Result<_, _>>().map(Some)
}

/// The default scenario as a TOML table, onto which a file is merged.
fn defaults() -> toml::Table {
    match toml::Value::try_from(Scenario::default()) {
        Ok(toml::Value::Table(table)) => table,
        _ => unreachable!("the default scenario serializes to a table"),
    }
}

/// Merges `overlay` into `base`: tables recursively, except distributions (tables with a
/// `dist` key), which replace the default whole; everything else (arrays included) replaced.
/// Refuses a value that is not a table where the scenario's defaults hold one (`warning = [1, 2]`,
/// `literacy = ["beta", 2, 5]`, `population = [1, 2]`, `trust = 3`), saying how the table is
/// written: serde would read a table's fields from an array by position and accept it, or name
/// the Rust type it expected.
fn tables_in_place(defaults: &toml::Table, given: &toml::Table, table: &str) -> std::result::Result<(), Problem> {
    for (key, value) in given {
        let Some(toml::Value::Table(default)) = defaults.get(key) else {
            continue;
        };
        let dotted = format!("{}{key}", prefix(table));
        match value {
            toml::Value::Table(inner) => tables_in_place(default, inner, &dotted)?,
            other => {
                let by_type = ["sound", "fragile", "fraudulent"];
                let form = if default.contains_key("dist") {
                    format!("a distribution: {}", crate::scenario::reference::DIST_FORMS)
                } else if default.len() == by_type.len() && by_type.iter().all(|t| default.contains_key(*t)) {
                    format!("a per-type table {}", crate::scenario::reference::BY_TYPE_FORM)
                } else {
                    format!("a table: a `[{dotted}]` section, or `{key} = {{ .. }}` with its keys")
                };
                return Err(Problem::new(
                    dotted,
                    format!("must be {form}, not {} {other}", article(other.type_str())),
                ));
            }
        }
    }
    Ok(())
}

/// "a string", "an integer", "an array".
fn article(kind: &str) -> String {
    let vowel = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if vowel { "an" } else { "a" })
}

fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) if !value.contains_key("dist") => {
                merge(inner, value)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// One segment of a dotted key: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `key` with a strategy named in it by name — `strategy.education.…` or `strategy[education].…`
/// — written by its position among the `strategy` tables of `scenario` (`strategy[4].…`); any
/// other key as it is. An error says which names there are when none matches.
pub(crate) fn strategy_by_position(scenario: &toml::Value, key: &str) -> std::result::Result<String, String> {
    let named = match (key.strip_prefix("strategy."), key.strip_prefix("strategy[")) {
        (Some(rest), _) => {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            Some((&rest[..end], &rest[end..]))
        }
        (_, Some(rest)) => rest
            .split_once(']')
            .filter(|(inside, _)| inside.parse::<usize>().is_err()),
        _ => None,
    };
    let Some((name, tail)) = named else {
        return Ok(key.to_string());
    };
    let strategies = scenario.get("strategy").and_then(toml::Value::as_array);
    let names: Vec<&str> = strategies
        .into_iter()
        .flatten()
        .map(|s| s.get("name").and_then(toml::Value::as_str).unwrap_or_default())
        .collect();
    match names.iter().position(|n| *n == name) {
        Some(i) => Ok(format!("strategy[{i}]{tail}")),
        None if names.is_empty() => Err(format!(
            "`{key}` names strategy `{name}`, but the scenario has no `[[strategy]]`"
        )),
        None => Err(format!(
            "`{key}` names strategy `{name}`, but the scenario's strategies are {}; name one of them \
             (`strategy.NAME.…` or `strategy[NAME].…`) or give its position (`strategy[0].…`)",
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `key` with a strategy given by position (`strategy[4].…`) written by its name in `scenario`
/// (`strategy.education.…`), for labels; any other key, or a position past the strategies, as
/// it is.
pub fn strategy_by_name(scenario: &Scenario, key: &str) -> String {
    let named = key
        .strip_prefix("strategy[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(index, tail)| Some((scenario.strategy.get(index.parse::<usize>().ok()?)?, tail)));
    match named {
        Some((strategy, tail)) => format!("strategy.{}{tail}", strategy.name),
        None => key.to_string(),
    }
}

/// Splits `event[2].day` into `event`, `2`, `day`.
fn segments(key: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if name.is_empty() {
            return None;
        }
        out.push(Segment::Key(name.to_string()));
        while !rest.is_empty() {
            let (index, tail) = rest.split_once(']')?;
            out.push(Segment::Index(index.parse().ok()?));
            rest = tail.strip_prefix('[').unwrap_or(tail);
            if !tail.is_empty() && !tail.starts_with('[') {
                return None;
            }
        }
    }
    Some(out)
}

/// The value of an override `key=value` read as TOML (`3`, `0.5`, `true`, `"text"`), or `None`
/// when it is not TOML (a bare word, read as a string).
pub(crate) fn toml_value(raw: &str) -> Option<toml::Value> {
    format!("value = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("value"))
}

/// What is wrong with `raw`, a number Rust reads but TOML does not (`None` for what is not a
/// number at all): too large (`1e400`, a whole number past i64), or not written as TOML writes
/// numbers (`.5`, `1.`, `02000`, `infinity`).
fn number_problem(raw: &str) -> Option<String> {
    let number = raw.parse::<f64>().ok().filter(|n| !n.is_nan())?;
    let digits = raw.trim_start_matches(['+', '-']);
    let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let too_large = if whole {
        !(digits.starts_with('0') && digits.len() > 1) && raw.parse::<i64>().is_err()
    } else {
        number.is_infinite() && digits.starts_with(|c: char| c.is_ascii_digit())
    };
    Some(if too_large {
        format!(
            "`{raw}` is too large a number: whole numbers may be at most {} and others about 1.8e308",
            i64::MAX
        )
    } else {
        format!(
            "`{raw}` is not a number as TOML writes one: a digit on each side of a decimal point (`0.5`, `1.0`), \
             no leading zeros (`2000`), `inf` for infinity"
        )
    })
}

/// Applies one `key=value` override, returning the key.
fn apply_override(table: &mut toml::Value, argument: &str) -> Result<String> {
    let fail = |message: String| Error::Override {
        argument: argument.to_string(),
        message,
    };
    let (key, raw) = argument
        .split_once('=')
        .ok_or_else(|| fail("expected `dotted.key=value`, e.g. `population.users=50000`".to_string()))?;
    let key = &strategy_by_position(table, key.trim()).map_err(fail)?;
    let path = segments(key).ok_or_else(|| {
        fail(format!(
            "`{key}` is not a dotted key such as `trust.loss_rate` or `event[0].day`"
        ))
    })?;
    if raw.contains(['\n', '\r']) {
        return Err(fail(
            "the value spans more than one line; give one `key=value` per `--set`".to_string(),
        ));
    }
    let parsed = toml_value(raw);
    // A number TOML cannot read would otherwise become text and fail as a string.
    if parsed.is_none() {
        if let Some(message) = number_problem(raw.trim()) {
            return Err(fail(message));
        }
    }
    let value = parsed.unwrap_or_else(|| toml::Value::String(raw.trim().to_string()));
    let (last, parents) = path.split_last().expect("segments are never empty");
    let mut current = &mut *table;
    let mut walked = String::new();
    for segment in parents {
        walked = join(&walked, segment);
        current = match child(current, segment) {
            Some(next @ (toml::Value::Table(_) | toml::Value::Array(_))) => next,
            Some(_) => return Err(fail(format!("`{walked}` is a value, not a table"))),
            None => return Err(fail(format!("`{walked}` is not a table of the scenario"))),
        };
    }
    match (current, last) {
        // Merged like the file onto the defaults, so `{ fraudulent = 0.2 }` keeps the other types.
        (toml::Value::Table(t), Segment::Key(name)) => merge(t, toml::Table::from_iter([(name.clone(), value)])),
        _ => {
            return Err(fail(
                "an override must end in a key of a table, e.g. `event[0].day`".to_string(),
            ))
        }
    }
    Ok(key.to_string())
}

/// The value at dotted `key` (`strategy[1].intervention[0].coverage`, or with the strategy
/// named, `strategy.fund.intervention[0].coverage`) in `value`, if any.
pub(crate) fn value_at<'a>(value: &'a toml::Value, key: &str) -> Option<&'a toml::Value> {
    segments(&strategy_by_position(value, key).ok()?)?
        .iter()
        .try_fold(value, |current, segment| match (current, segment) {
            (toml::Value::Table(t), Segment::Key(k)) => t.get(k),
            (toml::Value::Array(a), Segment::Index(i)) => a.get(*i),
            _ => None,
        })
}

/// The child of `value` named by `segment`, if any.
fn child<'a>(value: &'a mut toml::Value, segment: &Segment) -> Option<&'a mut toml::Value> {
    match (value, segment) {
        (toml::Value::Table(t), Segment::Key(k)) => t.get_mut(k),
        (toml::Value::Array(a), Segment::Index(i)) => a.get_mut(*i),
        _ => None,
    }
}

fn join(walked: &str, segment: &Segment) -> String {
    match segment {
        Segment::Key(name) if walked.is_empty() => name.clone(),
        Segment::Key(name) => format!("{walked}.{name}"),
        Segment::Index(i) => format!("{walked}[{i}]"),
    }
}

/// The 1-based line of the deepest part of `key` present in `text`.
pub(crate) fn find_line(text: &str, key: &str) -> Option<usize> {
    let document = toml_edit::Document::parse(text.to_string()).ok()?;
    let mut item = document.as_item();
    let mut span = None;
    for segment in segments(key).unwrap_or_default() {
        let next = match &segment {
            Segment::Key(name) => item.get(name.as_str()),
            Segment::Index(i) => item.get(*i),
        };
        match next {
            Some(next) => {
                item = next;
                span = next.span().or(span);
            }
            None => break,
        }
    }
    span.map(|s| line_of(text.as_bytes(), s.start))
}

/// The 1-based line containing byte `offset`.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(overrides: &[&str]) -> Result<Scenario> {
        let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        parse("schema_version = 1\n", "s.toml", &overrides, Path::new("s.toml"))
    }

    #[test]
    fn a_per_type_override_keeps_the_types_it_does_not_name() {
        let scenario = parse_with(&["platforms.promised_return={fraudulent=0.24}"]).unwrap();
        let defaults = Scenario::default().platforms.promised_return;
        assert_eq!(scenario.platforms.promised_return.fraudulent, 0.24);
        assert_eq!(scenario.platforms.promised_return.sound, defaults.sound);
        assert_eq!(scenario.platforms.promised_return.fragile, defaults.fragile);
    }

    #[test]
    fn a_distribution_override_replaces_the_default_whole() {
        let scenario = parse_with(&["population.literacy={dist=\"fixed\", value=0.4}"]).unwrap();
        assert_eq!(scenario.population.literacy, crate::scenario::dist::Dist::fixed(0.4));
    }

    /// Issue 21: serde reads a table's fields from an array by position, so these validated.
    #[test]
    fn an_array_or_number_where_a_table_belongs_is_refused_naming_the_table() {
        let cases = [
            (
                "warning = [1, 2, 3]",
                "s.toml:2: `warning`: must be a table: a `[warning]` section",
            ),
            (
                "[population]\nliteracy = [\"beta\", 2, 5]",
                "s.toml:3: `population.literacy`: must be a distribution: `{ dist = \"fixed\"",
            ),
            ("population = [1, 2]", "s.toml:2: `population`: must be a table"),
            (
                "trust = 3",
                "`trust`: must be a table: a `[trust]` section, or `trust = { .. }` with its keys, not an integer 3",
            ),
            (
                "[platforms]\npromised_return = [0.1]",
                "must be a per-type table `{ sound = .., fragile = .., fraudulent = .. }`",
            ),
        ];
        for (text, expected) in cases {
            let text = format!("schema_version = 1\n{text}\n");
            let error = parse(&text, "s.toml", &[], Path::new("s.toml"))
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
        // The same through --set, which replaced the table before serde read it by position.
        for (set, expected) in [
            ("population=[1, 2]", "--set: `population`: must be a table"),
            (
                "population.literacy=[\"beta\", 2, 5]",
                "--set: `population.literacy`: must be a distribution",
            ),
        ] {
            let error = parse(
                "schema_version = 1\n",
                "s.toml",
                &[set.to_string()],
                Path::new("s.toml"),
            )
            .unwrap_err()
            .to_string();
            assert!(error.contains(expected), "{set}: {error}");
        }
    }

    /// Issue 21: `.5`, `1.` and `02000` were said to be too large.
    #[test]
    fn a_number_toml_cannot_read_is_told_why() {
        for (value, expected) in [
            ("1e400", "too large a number"),
            ("99999999999999999999", "too large a number"),
            ("-99999999999999999999", "too large a number"),
            (".5", "not a number as TOML writes one"),
            ("1.", "not a number as TOML writes one"),
            ("02000", "not a number as TOML writes one"),
            ("infinity", "not a number as TOML writes one"),
        ] {
            let error = parse_with(&[&format!("trust.loss_rate={value}")])
                .unwrap_err()
                .to_string();
            assert!(error.contains(&format!("`{value}` is {expected}")), "{value}: {error}");
        }
        assert_eq!(number_problem("fixed"), None);
    }

    #[test]
    fn an_override_error_names_the_command_line() {
        let error = parse_with(&["trust.loss_rate=2"]).unwrap_err().to_string();
        assert!(error.starts_with("--set: `trust.loss_rate`"), "{error}");
    }

    #[test]
    fn a_strategy_is_addressed_by_name_or_by_position() {
        let text = "schema_version = 1\n\
                    [[strategy]]\nname = \"status_quo\"\n\
                    [[strategy]]\nname = \"education\"\n[[strategy.intervention]]\nkind = \"education_campaign\"\nstart_day = 1\n";
        let reach = |overrides: &[&str]| -> Result<toml::Value> {
            let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
            let scenario = parse(text, "s.toml", &overrides, Path::new("s.toml"))?;
            let value = toml::Value::try_from(&scenario).unwrap();
            Ok(value_at(&value, "strategy.education.intervention[0].reach_per_day")
                .unwrap()
                .clone())
        };
        let wanted = toml::Value::Float(0.03);
        for key in [
            "strategy.education.intervention[0].reach_per_day",
            "strategy[education].intervention[0].reach_per_day",
            "strategy[1].intervention[0].reach_per_day",
        ] {
            assert_eq!(reach(&[&format!("{key}=0.03")]).unwrap(), wanted, "{key}");
        }
        let error = reach(&["strategy.educaton.intervention[0].reach_per_day=0.03"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("names strategy `educaton`") && error.contains("`status_quo`, `education`"),
            "{error}"
        );
        let error = parse_with(&["strategy.fund.intervention[0].coverage=0.5"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("has no `[[strategy]]`"), "{error}");
        let scenario = parse(text, "s.toml", &[], Path::new("s.toml")).unwrap();
        let label = |key: &str| strategy_by_name(&scenario, key);
        assert_eq!(
            label("strategy[1].intervention[0].reach_per_day"),
            "strategy.education.intervention[0].reach_per_day"
        );
        assert_eq!(label("strategy[7].coverage"), "strategy[7].coverage");
        assert_eq!(label("trust.loss_rate"), "trust.loss_rate");
    }
}
