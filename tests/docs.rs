//! Documentation that is generated from the source stays in step with it.

use crate::common::root;

#[test]
fn the_parameter_reference_matches_the_source() {
    let stored = std::fs::read_to_string(root().join("docs/PARAMETERS.md")).unwrap();
    assert!(
        stored == trustsim::scenario::reference::parameters_markdown(),
        "docs/PARAMETERS.md is stale: regenerate it with `cargo run --release -- params > docs/PARAMETERS.md`"
    );
}

#[test]
fn the_fuzz_dictionary_holds_every_table_key_and_event_kind() {
    use trustsim::scenario::action::Action;
    let dictionary = std::fs::read_to_string(root().join("fuzz/scenario.dict")).unwrap();
    let entries: Vec<&str> = dictionary
        .lines()
        .filter_map(|line| line.strip_prefix('"')?.strip_suffix('"'))
        .collect();
    let mut words: Vec<String> = Action::KINDS.iter().map(|kind| kind.to_string()).collect();
    for (table, parameters) in trustsim::scenario::schema::TABLES {
        words.push(format!("[{table}]"));
        words.extend(parameters.iter().map(|p| p.name.to_string()));
    }
    for kind in Action::KINDS {
        let parameters = Action::parameters_of(kind).unwrap_or_default();
        words.extend(parameters.iter().map(|p| p.name.to_string()));
    }
    let missing: Vec<String> = words
        .into_iter()
        .filter(|word| !entries.contains(&word.as_str()))
        .collect();
    assert!(missing.is_empty(), "fuzz/scenario.dict lacks {missing:?}");
}
