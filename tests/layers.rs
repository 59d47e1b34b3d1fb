//! The house's floors: every `crate::` path in `src/` names a folder listed at or above the
//! file's own in the crate map of `src/lib.rs`, so no folder reaches up and no two folders
//! import each other.

use std::path::{Path, PathBuf};

/// The top-level modules of the crate map, in layer order, as `src/lib.rs` declares them.
fn layers(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').to_string())
        .collect()
}

/// Every `crate::<module>` path in `text`, as (line number, module).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut paths = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let module: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !module.is_empty() {
                paths.push((n + 1, module));
            }
        }
    }
    paths
}

/// The imports of the file at `relative` (a path under `src/`) that run upward, as messages
/// naming the file, the line and both layers.
fn upward_imports(layers: &[String], relative: &Path, text: &str) -> Vec<String> {
    let own = relative
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .map(|first| first.trim_end_matches(".rs").to_string())
        .unwrap_or_default();
    let Some(own_rank) = layers.iter().position(|layer| *layer == own) else {
        return vec![format!(
            "src/{}: `{own}` is not in the crate map of src/lib.rs",
            relative.display()
        )];
    };
    crate_paths(text)
        .into_iter()
        .filter_map(|(line, module)| {
            let rank = layers.iter().position(|layer| *layer == module)?;
            (rank > own_rank).then(|| {
                format!(
                    "src/{}:{line}: `{own}` imports `crate::{module}`, a layer above it",
                    relative.display()
                )
            })
        })
        .collect()
}

/// Every `.rs` file under `dir`, in sorted order.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src/ is listable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_import_runs_up_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs reads");
    let layers = layers(&lib);
    assert_eq!(
        layers,
        [
            "error",
            "random",
            "scenario",
            "model",
            "analysis",
            "output",
            "experiment",
            "commands"
        ],
        "the crate map of src/lib.rs"
    );
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        if relative == Path::new("lib.rs") || relative == Path::new("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("a source file reads");
        problems.extend(upward_imports(&layers, relative, &text));
    }
    assert!(problems.is_empty(), "imports that run upward:\n{}", problems.join("\n"));
}

#[test]
fn an_upward_import_is_named_with_its_file_and_line() {
    let layers: Vec<String> = ["error", "scenario", "model"].map(String::from).to_vec();
    let text = "//! A scenario file.\nuse crate::error::Result;\nuse crate::model::world::World;\n";
    assert_eq!(
        upward_imports(&layers, Path::new("scenario/loader.rs"), text),
        ["src/scenario/loader.rs:3: `scenario` imports `crate::model`, a layer above it"]
    );
    assert!(upward_imports(&layers, Path::new("model/world.rs"), text).is_empty());
    assert_eq!(
        upward_imports(&layers, Path::new("stray.rs"), text),
        ["src/stray.rs: `stray` is not in the crate map of src/lib.rs"]
    );
}
