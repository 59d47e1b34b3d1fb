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
