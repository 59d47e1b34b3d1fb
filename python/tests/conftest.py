"""Shared fixtures: the repository, the `trustsim` command line to compare with, a small
platform collapse."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COLLAPSE = ROOT / "scenarios" / "platform_collapse.toml"
# Small enough for seconds: 1,500 users over 40 days (the run-away is on day 30).
SMALL = {"population.users": 1500, "horizon_days": 40}
SMALL_ARGS = ["--set", "population.users=1500", "--set", "horizon_days=40"]


def binary() -> Path:
    """The command line built from this checkout: `TRUSTSIM_BIN`, or target/release/trustsim."""
    path = Path(os.environ.get("TRUSTSIM_BIN", ROOT / "target" / "release" / "trustsim"))
    if not path.exists():
        pytest.fail(f"no trustsim binary at {path}: run `cargo build --release` or set TRUSTSIM_BIN")
    return path


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Runs `trustsim args` in `cwd`, returning the finished process (output as text)."""
    return subprocess.run([str(binary()), *map(str, args)], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def collapse():
    """The platform collapse, small."""
    import trustsim

    return trustsim.Scenario.load(COLLAPSE, set=SMALL)
