//! A loaded calibration: its file (see `file`), the base scenario and its calendar, the data of
//! each series, the priors, and the scenario of any candidate parameter vector. Everything that
//! can be wrong with the file, the scenario or the data is found here, before any simulation.

use std::path::{Path, PathBuf};

use crate::analysis::abc::Settings;
use crate::analysis::prior::Prior;
use crate::error::{Error, Location, Result};
use crate::experiment::calibrate::data::{observations, read_rows, sources_of};
use crate::experiment::calibrate::file::{check, parse, CalibrationFile};
use crate::experiment::calibrate::month::Month;
use crate::experiment::sweep::spec::{relocate, ticked};
use crate::scenario::calendar::{date_of_day, day_of_date, Date};
use crate::scenario::loader::{load, parse as parse_scenario, value_at, LoadedScenario};
use crate::scenario::schema::Scenario;
use crate::scenario::strict::{invalid_key, read_text};

/// The file a calibration's output keeps its data file in, for `verify`.
pub const DATA_COPY: &str = "data.csv";

/// How far a candidate's runs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// To the last day of the window: enough to compare with the data.
    Window,
    /// The base scenario's whole horizon, for the predictive runs.
    Full,
}

/// A key that absorbs the change of the parameters naming it as `balance`.
#[derive(Debug, Clone, PartialEq)]
struct Balance {
    key: String,
    /// Its value in the base scenario.
    base: f64,
    /// Whether it takes whole numbers.
    whole: bool,
    /// The parameters it balances, in order.
    parameters: Vec<usize>,
}

/// A loaded, validated calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The calibration file.
    pub path: PathBuf,
    /// Its bytes, hashed into the manifest.
    pub source: Vec<u8>,
    /// What it says, defaults filled in.
    pub file: CalibrationFile,
    /// The base scenario file as the resolved calibration names it: by absolute path.
    pub scenario_name: String,
    /// The data file as the resolved calibration names it: by absolute path.
    pub data_name: String,
    /// The data file's bytes.
    pub data: Vec<u8>,
    /// The base scenario.
    pub base: LoadedScenario,
    /// The resolved base scenario's text, from which every candidate's scenario is made.
    pub base_text: String,
    /// The index of the strategy every run takes.
    pub strategy: usize,
    /// The date of day 1.
    pub start: Date,
    /// The window's first and last months.
    pub window: (Month, Month),
    /// The last day of the window, the horizon of a candidate's runs.
    pub window_days: u32,
    /// Each series' observations, by month (in and out of the window).
    pub observed: Vec<Vec<(Month, f64)>>,
    /// Each parameter's prior, in order.
    pub priors: Vec<Prior>,
    /// Whether each parameter's key takes whole numbers.
    whole: Vec<bool>,
    /// Each parameter's value in the base scenario.
    base_values: Vec<f64>,
    balances: Vec<Balance>,
}

impl Calibration {
    /// Reads and validates the calibration in `path` with its scenario and data.
    pub fn load(path: &Path) -> Result<Calibration> {
        Calibration::load_with(path, None)
    }

    /// Reads the calibration an output directory `dir` records: its resolved
    /// `calibration.toml` over the resolved base scenario and the copy of the data stored beside
    /// it, so that the original files need not exist.
    pub fn load_stored(dir: &Path) -> Result<Calibration> {
        Calibration::load_with(&dir.join("calibration.toml"), Some(dir))
    }

    fn load_with(path: &Path, stored: Option<&Path>) -> Result<Calibration> {
        let (source, text) = read_text(path)?;
        let name = path.display().to_string();
        let invalid = |key: &str, message: String| invalid_key(&text, &name, key, message);
        let file = parse(&text, &name)?.resolved();
        check(&file).map_err(|(key, message)| invalid(&key, message))?;
        let beside = |named: &str| path.parent().unwrap_or(Path::new(".")).join(named);
        let (scenario_path, data_path) = match stored {
            Some(dir) => (dir.join("scenario.toml"), dir.join(DATA_COPY)),
            None => (beside(&file.scenario), beside(&file.data)),
        };
        let absolute = |named: &str, path: &Path| -> Result<String> {
            match stored {
                Some(_) => Ok(named.to_string()),
                None => Ok(std::path::absolute(path)
                    .map_err(|e| Error::io(path, e))?
                    .display()
                    .to_string()),
            }
        };
        let scenario_name = absolute(&file.scenario, &scenario_path)?;
        let data_name = absolute(&file.data, &data_path)?;
        let base = load(&scenario_path, &[]).map_err(|e| match e {
            Error::Io { path, source } if path == scenario_path => invalid(
                "scenario",
                format!("cannot read the scenario `{}`: {source}", scenario_path.display()),
            ),
            e => e,
        })?;
        let base_text = base.resolved_text()?;
        let scenario = &base.scenario;
        let start = scenario.start().expect("validated").ok_or_else(|| {
            invalid(
                "scenario",
                format!(
                    "the scenario `{}` has no `start_date`; a calibration places the data's months on its \
                     calendar: give it one, e.g. `start_date = \"2014-01-01\"`",
                    scenario_path.display()
                ),
            )
        })?;
        let strategy = scenario
            .strategy_index(&file.strategy)
            .map_err(|message| invalid("strategy", message))?;
        let window = file.window();
        let window_days = window_days(start, scenario.horizon_days, window).map_err(|(key, m)| invalid(key, m))?;

        let data = std::fs::read(&data_path).map_err(|e| {
            invalid(
                "data",
                format!("cannot read the data file `{}`: {e}", data_path.display()),
            )
        })?;
        let data_label = data_path.display().to_string();
        let rows = read_rows(&data, &data_label)?;
        let mut observed = Vec::with_capacity(file.series.len());
        for (i, series) in file.series.iter().enumerate() {
            let found = observations(&rows, &data_label, series)?;
            if !found.iter().any(|(month, _)| (window.0..=window.1).contains(month)) {
                let sources = sources_of(&rows, &series.metric);
                let exist = if sources.is_empty() {
                    format!("it has no rows of `{}` at all", series.metric)
                } else {
                    format!("its sources of `{}` are {}", series.metric, ticked(&sources))
                };
                return Err(invalid(
                    &format!("series[{i}].source"),
                    format!(
                        "the data file `{}` has no rows of metric `{}` with source_id {} in the window {} to {}; {exist}",
                        data_path.display(),
                        series.metric,
                        series.source,
                        window.0,
                        window.1
                    ),
                ));
            }
            observed.push(found);
        }

        let resolved = toml::Value::try_from(scenario).expect("a scenario always serializes");
        let number = |key: &str, at_key: &str| -> Result<(f64, bool)> {
            match value_at(&resolved, key) {
                Some(toml::Value::Float(x)) => Ok((*x, false)),
                Some(toml::Value::Integer(n)) => Ok((*n as f64, true)),
                Some(other) => Err(invalid(
                    at_key,
                    format!(
                        "`{key}` is not a number in the scenario (it is {other}); only numeric keys can be fitted"
                    ),
                )),
                None => Err(invalid(
                    at_key,
                    format!("`{key}` is not a key of the scenario; give a dotted key as `--set` takes it, e.g. `trust.loss_rate`"),
                )),
            }
        };
        let mut whole = Vec::new();
        let mut base_values = Vec::new();
        let mut balances: Vec<Balance> = Vec::new();
        for (i, parameter) in file.parameter.iter().enumerate() {
            let (value, integer) = number(&parameter.key, &format!("parameter[{i}].key"))?;
            base_values.push(value);
            whole.push(integer);
            if parameter.balance.is_empty() {
                continue;
            }
            match balances.iter_mut().find(|b| b.key == parameter.balance) {
                Some(balance) => balance.parameters.push(i),
                None => {
                    let (base, whole) = number(&parameter.balance, &format!("parameter[{i}].balance"))?;
                    balances.push(Balance {
                        key: parameter.balance.clone(),
                        base,
                        whole,
                        parameters: vec![i],
                    });
                }
            }
        }
        let calibration = Calibration {
            path: path.to_path_buf(),
            source,
            priors: file.parameter.iter().map(|p| p.prior).collect(),
            file,
            scenario_name,
            data_name,
            data,
            base,
            base_text,
            strategy,
            start,
            window,
            window_days,
            observed,
            whole,
            base_values,
            balances,
        };
        calibration.check_prior_ranges(&invalid)?;
        Ok(calibration)
    }

    /// Checks that each parameter's prior, from its 0.1% to its 99.9% quantile, gives valid
    /// scenarios with the other parameters at their base values, so that a prior reaching
    /// beyond what its key allows is found before any run rather than as wasted proposals.
    fn check_prior_ranges(&self, invalid: &dyn Fn(&str, String) -> Error) -> Result<()> {
        for (i, prior) in self.priors.iter().enumerate() {
            for p in [0.001, 0.999] {
                let mut values = self.base_values.clone();
                values[i] = prior.quantile(p);
                if let Err(error) = self.parse(&values) {
                    let key = format!("parameter[{i}].prior");
                    let relocated = relocate(error, Location::new("", None), &key, None);
                    let Error::Invalid { message, .. } = relocated else {
                        return Err(relocated);
                    };
                    return Err(invalid(
                        &key,
                        format!(
                            "reaches {} (its {} quantile), which the scenario refuses: {message}; keep the prior \
                             within what the key allows, or give the parameter a `balance` key where a rule ties it \
                             to others",
                            values[i],
                            if p < 0.5 { "0.1%" } else { "99.9%" }
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The `--set` overrides that give parameter values `values` (in order): each parameter's
    /// key (rounded to a whole number where the key takes one), then each balancing key, set to
    /// its base value less the parameters' changes from theirs.
    pub fn overrides(&self, values: &[f64]) -> Vec<String> {
        let applied: Vec<f64> = values
            .iter()
            .zip(&self.whole)
            .map(|(&x, &whole)| if whole { x.round() } else { x })
            .collect();
        let text = |x: f64, whole: bool| {
            if whole {
                toml::Value::Integer(x as i64).to_string()
            } else {
                toml::Value::Float(x).to_string()
            }
        };
        let mut overrides: Vec<String> = self
            .file
            .parameter
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}={}", p.key, text(applied[i], self.whole[i])))
            .collect();
        for balance in &self.balances {
            let mut value = balance.base;
            for &i in &balance.parameters {
                value -= applied[i] - self.base_values[i];
            }
            let value = if balance.whole { value.round() } else { value };
            overrides.push(format!("{}={}", balance.key, text(value, balance.whole)));
        }
        overrides
    }

    /// The base scenario with parameter values `values`, or the loader's error.
    fn parse(&self, values: &[f64]) -> Result<Scenario> {
        let name = self.base.path.display().to_string();
        parse_scenario(&self.base_text, &name, &self.overrides(values), &self.base.path)
    }

    /// The scenario of a candidate with parameter values `values`, run to `horizon`; `None`
    /// when the scenario refuses the values (shares that do not sum to 1, say): such a
    /// candidate is rejected with distance +∞.
    pub fn scenario_for(&self, values: &[f64], horizon: Horizon) -> Result<Option<Scenario>> {
        match self.parse(values) {
            Ok(mut scenario) => {
                if horizon == Horizon::Window {
                    scenario.horizon_days = self.window_days;
                }
                Ok(Some(scenario))
            }
            Err(Error::Invalid { .. } | Error::Override { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The seeds of a candidate whose proposal drew `candidate_seed`.
    pub fn candidate_seeds(&self, candidate_seed: u64) -> Vec<u64> {
        use crate::experiment::calibrate::file::RandomNumbers;
        match self.file.random_numbers {
            RandomNumbers::Common => (1..=self.file.seeds).collect(),
            RandomNumbers::PerCandidate => (0..self.file.seeds).map(|j| candidate_seed.wrapping_add(j)).collect(),
        }
    }

    /// The sampler's settings.
    pub fn settings(&self) -> Settings {
        self.file.algorithm.settings()
    }

    /// The parameters' keys, in order.
    pub fn keys(&self) -> Vec<String> {
        self.file.parameter.iter().map(|p| p.key.clone()).collect()
    }

    /// The months of a run over the whole horizon: from the start's month to the last day's.
    pub fn months(&self) -> Vec<Month> {
        let last = date_of_day(self.start, self.base.scenario.horizon_days.max(1));
        Month::of(self.start).through(Month::of(last))
    }

    /// The resolved calibration as TOML: defaults filled in and the scenario and data named by
    /// absolute path, so that it runs from anywhere.
    pub fn resolved_text(&self) -> String {
        let mut resolved = self.file.clone();
        resolved.scenario = self.scenario_name.clone();
        resolved.data = self.data_name.clone();
        toml::to_string(&resolved).expect("a calibration always serializes")
    }

    /// The base scenario with the parameters at `values` over its whole horizon, as TOML: what
    /// `calibrated.toml` holds. It loads and validates like any scenario.
    pub fn scenario_text(&self, values: &[f64]) -> Result<String> {
        let scenario = self.parse(values)?;
        Ok(toml::to_string(&scenario).expect("a scenario always serializes"))
    }
}

/// The last day of the window on the calendar starting on `start`, checked to lie within the
/// horizon and to cover only whole months of the run: the key and message of a problem.
fn window_days(
    start: Date,
    horizon_days: u32,
    window: (Month, Month),
) -> std::result::Result<u32, (&'static str, String)> {
    let first_whole = if start.day == 1 {
        Month::of(start)
    } else {
        Month::of(start).next()
    };
    if window.0 < first_whole {
        return Err((
            "window[0]",
            format!(
                "{} begins before the first whole month of the scenario, which starts on {start}",
                window.0
            ),
        ));
    }
    let last_day = date_of_day(start, horizon_days.max(1));
    let days = day_of_date(start, window.1.last_day()).unwrap_or(0);
    if days > horizon_days {
        return Err((
            "window[1]",
            format!(
                "{} ends after the scenario's last day, {last_day} (day {horizon_days}); lengthen its \
                 `horizon_days` or end the window earlier",
                window.1
            ),
        ));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str =
        "schema_version = 1\nstart_date = \"2014-01-01\"\nhorizon_days = 120\n[population]\nusers = 200\n";

    const DATA: &str = "month,metric,value,unit,source_id,note\n\
        2014-01,new_problem_police,1,platforms,A,\n\
        2014-02,new_problem_police,0,platforms,A,\n\
        2014-01,new_problem_police,2,platforms,B,\n";

    /// The head of a calibration file whose lines 5 and after are `rest`.
    const HEAD: &str =
        "schema_version = 1\nscenario = \"s.toml\"\ndata = \"d.csv\"\nwindow = [\"2014-01\", \"2014-02\"]\n";

    const SERIES: &str =
        "[[series]]\nmetric = \"new_problem_police\"\nsource = \"A\"\ndistance = { kind = \"poisson\" }\n";

    fn parameter(key: &str, prior: &str) -> String {
        format!("[[parameter]]\nkey = \"{key}\"\nprior = {{ {prior} }}\n")
    }

    /// Loads a calibration of `rest` after [`HEAD`], over `scenario` and `data` (no data file
    /// when empty): the error, or "ok".
    fn loaded(rest: &str, scenario: &str, data: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
        if !data.is_empty() {
            std::fs::write(dir.path().join("d.csv"), data).unwrap();
        }
        let path = dir.path().join("c.toml");
        std::fs::write(&path, format!("{HEAD}{rest}")).unwrap();
        match Calibration::load(&path) {
            Ok(_) => "ok".to_string(),
            Err(error) => error.to_string().replace(&format!("{}/", dir.path().display()), ""),
        }
    }

    #[test]
    fn problems_of_the_scenario_data_and_keys_name_the_calibration_line_and_key() {
        let uniform = "kind = \"uniform\", low = 0.1, high = 0.3";
        let good = format!("{SERIES}{}", parameter("trust.loss_rate", uniform));
        assert_eq!(loaded(&good, SCENARIO, DATA), "ok");
        let cases: Vec<(String, String, &str, &str)> = vec![
            (
                good.clone(),
                SCENARIO.replace("start_date = \"2014-01-01\"\n", ""),
                DATA,
                "c.toml:2: `scenario`: the scenario `s.toml` has no `start_date`",
            ),
            (
                good.clone(),
                SCENARIO.replace("2014-01-01", "2014-01-15"),
                DATA,
                "c.toml:4: `window[0]`: 2014-01 begins before the first whole month of the scenario, which starts on 2014-01-15",
            ),
            (
                good.clone(),
                SCENARIO.replace("120", "40"),
                DATA,
                "c.toml:4: `window[1]`: 2014-02 ends after the scenario's last day, 2014-02-09 (day 40)",
            ),
            (
                good.replace("source = \"A\"", "source = \"C\""),
                SCENARIO.to_string(),
                DATA,
                "c.toml:7: `series[0].source`: the data file `d.csv` has no rows of metric `new_problem_police` with source_id `C` in the window 2014-01 to 2014-02; its sources of `new_problem_police` are `A`, `B`",
            ),
            (
                format!("{SERIES}{}", parameter("network.kind", uniform)),
                SCENARIO.to_string(),
                DATA,
                "c.toml:10: `parameter[0].key`: `network.kind` is not a number in the scenario",
            ),
            (
                format!("{SERIES}{}", parameter("trust.loss", uniform)),
                SCENARIO.to_string(),
                DATA,
                "c.toml:10: `parameter[0].key`: `trust.loss` is not a key of the scenario",
            ),
            (
                format!("{SERIES}{}", parameter("trust.loss_rate", "kind = \"uniform\", low = 0.5, high = 2.0")),
                SCENARIO.to_string(),
                DATA,
                "c.toml:11: `parameter[0].prior`: reaches 1.9985 (its 99.9% quantile), which the scenario refuses: `trust.loss_rate`: must be",
            ),
            (
                format!("{SERIES}{}", parameter("platforms.share.fraudulent", uniform)),
                SCENARIO.to_string(),
                DATA,
                "c.toml:11: `parameter[0].prior`: reaches 0.10020000000000001 (its 0.1% quantile), which the scenario refuses: `platforms.share`: shares of sound, fragile and fraudulent platforms must sum to 1, got 1.0002; keep the prior within what the key allows, or give the parameter a `balance`",
            ),
            (
                format!("strategy = \"custody\"\n{good}"),
                SCENARIO.to_string(),
                DATA,
                "c.toml:5: `strategy`: no strategy is called `custody`; strategies are `status_quo`",
            ),
            (
                good.clone(),
                SCENARIO.to_string(),
                "",
                "c.toml:3: `data`: cannot read the data file `d.csv`: No such file",
            ),
            (
                good.clone(),
                SCENARIO.to_string(),
                "month,metric,value,unit,source_id,note\n2014-01,new_problem_police,-1,platforms,A,\n",
                "d.csv:2: `value`: -1 cannot be fitted by series `new_problem_police`: a count distance needs observations of at least 0",
            ),
        ];
        for (rest, scenario, data, expected) in cases {
            let error = loaded(&rest, &scenario, data);
            assert!(error.starts_with(expected), "expected `{expected}`, got `{error}`");
        }
    }

    #[test]
    fn a_balance_keeps_the_sum_and_whole_keys_are_rounded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
        std::fs::write(dir.path().join("d.csv"), DATA).unwrap();
        let rest = format!(
            "{SERIES}{}balance = \"platforms.share.sound\"\n{}",
            parameter(
                "platforms.share.fraudulent",
                "kind = \"uniform\", low = 0.05, high = 0.3"
            ),
            parameter("platforms.count", "kind = \"uniform\", low = 10.0, high = 60.0")
        );
        let path = dir.path().join("c.toml");
        std::fs::write(&path, format!("{HEAD}{rest}")).unwrap();
        let calibration = Calibration::load(&path).unwrap();
        assert_eq!(
            calibration.overrides(&[0.25, 31.6]),
            [
                "platforms.share.fraudulent=0.25",
                "platforms.count=32",
                "platforms.share.sound=0.5499999999999999"
            ]
        );
        let scenario = calibration
            .scenario_for(&[0.25, 31.6], Horizon::Window)
            .unwrap()
            .unwrap();
        assert_eq!((scenario.platforms.count, scenario.horizon_days), (32, 59));
        let full = calibration.scenario_for(&[0.25, 31.6], Horizon::Full).unwrap().unwrap();
        assert_eq!(full.horizon_days, 120);
        // A vector the scenario refuses is a rejected candidate, not an error.
        assert_eq!(calibration.scenario_for(&[0.95, 30.0], Horizon::Window).unwrap(), None);
    }
}
