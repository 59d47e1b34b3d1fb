//! Records how the binary was built, for every manifest: the git commit and whether the checkout
//! had uncommitted changes (`unknown` outside a git checkout), the compiler's version and the
//! target triple.

use std::process::Command;

/// The trimmed stdout of `program args`, if it ran and succeeded.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn main() {
    let commit = output_of("git", &["rev-parse", "HEAD"]);
    let dirty =
        match &commit {
            Some(_) => output_of("git", &["status", "--porcelain", "--untracked-files=no"])
                .map_or("unknown", |status| if status.is_empty() { "false" } else { "true" }),
            None => "unknown",
        };
    // A commit or a checkout rewrites these; source edits are caught by watching the sources.
    for git_path in ["HEAD", "logs/HEAD"] {
        if let Some(path) = output_of("git", &["rev-parse", "--git-path", git_path]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    for watched in ["build.rs", "Cargo.toml", "Cargo.lock", "src", "assets"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let rustc_version = output_of(&rustc, &["--version"]).unwrap_or_else(|| "unknown".to_string());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!(
        "cargo:rustc-env=TRUSTSIM_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    println!("cargo:rustc-env=TRUSTSIM_GIT_DIRTY={dirty}");
    println!("cargo:rustc-env=TRUSTSIM_RUSTC_VERSION={rustc_version}");
    println!("cargo:rustc-env=TRUSTSIM_TARGET={target}");
}
