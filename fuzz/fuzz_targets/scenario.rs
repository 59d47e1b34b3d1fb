//! Fuzzes the scenario loader and validator: arbitrary bytes as a scenario file, followed by
//! `--set` overrides (the parts after each NUL byte). Loading must end in a scenario or an
//! error, never a panic; a scenario that loads must serialize and load again unchanged, and a
//! small one must build and run a few days.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use trustsim::scenario::schema::Scenario;
use trustsim::scenario::tables::NetworkKind;
use trustsim::model::world::World;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let text = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let overrides: Vec<String> = parts.map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    let path = Path::new("fuzz.toml");
    let Ok(scenario) = trustsim::scenario::loader::parse(&text, "fuzz.toml", &overrides, path) else {
        return;
    };
    let resolved = toml::to_string(&scenario).expect("a valid scenario serializes");
    let again = trustsim::scenario::loader::parse(&resolved, "resolved.toml", &[], path)
        .unwrap_or_else(|e| panic!("the resolved scenario does not load again: {e}\n{resolved}"));
    assert_eq!(again, scenario, "the resolved scenario loads as another");
    if small(&scenario) {
        let mut world = World::build(&scenario, None, 1).expect("a small valid scenario builds");
        for _ in 0..scenario.horizon_days.min(20) {
            world.step().expect("a valid scenario keeps its invariants");
        }
    }
});

/// Small enough to build and run within the fuzzer's time per input.
fn small(scenario: &Scenario) -> bool {
    scenario.population.users <= 2_000
        && scenario.platforms.count <= 200
        && scenario.platforms.entry_rate <= 1_000.0
        && scenario.network.mean_degree <= 20.0
        && scenario.network.kind != NetworkKind::EdgeList
        && scenario.warning.survey_size <= 10_000
}
