//! Golden baselines: every shipped scenario's outcome measures, at 2,000 users under its
//! reference strategy with seeds 1 to 3, must match `tests/baselines/<scenario>.csv` exactly.
//! A change of results is then always deliberate: regenerate the files with
//! `TRUSTSIM_BLESS=1 cargo test --release baselines` and note it in CHANGELOG.md.

use std::collections::{BTreeMap, BTreeSet};

use trustsim::analysis::comparison::csv_fields;
use trustsim::experiment::run::simulate_many;

use crate::common::{root, shipped, shipped_scenarios};

/// The size the baselines are run at.
const USERS: &str = "population.users=2000";

/// Seeds 1 to this.
const SEEDS: u64 = 3;

/// The baseline table of a scenario: `seed,outcome,value`, values as CSV writes them.
fn baseline(name: &str) -> String {
    let scenario = shipped(name, &[USERS]);
    let seeds: Vec<u64> = (1..=SEEDS).collect();
    let runs = simulate_many(&scenario, None, &seeds).expect("runs succeed");
    let mut table = String::from("seed,outcome,value\n");
    for run in &runs {
        for (outcome, value) in csv_fields(&run.outcome).into_iter().filter(|(k, _)| k != "seed") {
            table.push_str(&format!("{},{outcome},{value}\n", run.seed));
        }
    }
    table
}

/// The values of two baseline tables that differ, matched by seed and outcome (so that a measure
/// added or removed shows as itself, `-` on the side that lacks it), as a readable table.
fn differences(old: &str, new: &str) -> String {
    let table = |text: &str| -> BTreeMap<(u64, String), String> {
        text.lines()
            .skip(1)
            .filter_map(|row| {
                let mut fields = row.splitn(3, ',');
                let seed = fields.next()?.parse().ok()?;
                Some(((seed, fields.next()?.to_string()), fields.next()?.to_string()))
            })
            .collect()
    };
    let (old, new) = (table(old), table(new));
    let mut text = format!("{:<6}{:<32}{:>24}{:>24}\n", "seed", "outcome", "old", "new");
    let keys: BTreeSet<&(u64, String)> = old.keys().chain(new.keys()).collect();
    let missing = "-".to_string();
    for key in keys {
        let (a, b) = (old.get(key).unwrap_or(&missing), new.get(key).unwrap_or(&missing));
        if a != b {
            text.push_str(&format!("{:<6}{:<32}{:>24}{:>24}\n", key.0, key.1, a, b));
        }
    }
    text
}

#[test]
fn baselines_pin_every_shipped_scenarios_outcomes() {
    let bless = std::env::var_os("TRUSTSIM_BLESS").is_some();
    let mut failures = String::new();
    for path in shipped_scenarios() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = root().join("tests").join("baselines").join(format!("{name}.csv"));
        let new = baseline(&name);
        if bless {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &new).unwrap();
            continue;
        }
        let old = std::fs::read_to_string(&file).unwrap_or_default();
        if old != new {
            failures.push_str(&format!("\n{name} ({}):\n{}", file.display(), differences(&old, &new)));
        }
    }
    assert!(
        failures.is_empty(),
        "results differ from the golden baselines; if the change is intended, regenerate them with \
         `TRUSTSIM_BLESS=1 cargo test --release baselines` and note it in CHANGELOG.md\n{failures}"
    );
}
