"""The Python package against the command line: the same tables to the byte, a world stepped by
hand equal to a run, exceptions for bad input, and `simulate` driven by scipy."""

import filecmp
import math

import pandas as pd
import pytest
import scipy.optimize

import trustsim
from conftest import COLLAPSE, SMALL, SMALL_ARGS, cli

RUN_TABLES = ["series.csv", "outcome.csv", "platforms.csv"]
AGENT_TABLES = ["agents.csv", "network.csv", "platform_series.csv"]
COMPARE_TABLES = ["summary.csv", "comparison.csv", "outcomes.csv", "warning_evaluation.csv"]


def same_bytes(a, b, names):
    """Asserts that the files `names` are byte for byte the same in directories `a` and `b`."""
    for name in names:
        assert filecmp.cmp(a / name, b / name, shallow=False), f"{name} differs"


def test_run_gives_the_command_lines_tables(collapse, tmp_path):
    r = collapse.run(seed=3, agents_days=[0, 35])
    assert cli("run", COLLAPSE, "--seed", "3", "--out", "cli", "--quiet", "--agents", "--agents-days", "0,35",
               *SMALL_ARGS, cwd=tmp_path).returncode == 0
    for name, frame in [("series.csv", r.series), ("outcome.csv", r.outcome), ("platforms.csv", r.platforms),
                        ("agents.csv", r.agents), ("network.csv", r.network),
                        ("platform_series.csv", r.platform_series)]:
        pd.testing.assert_frame_equal(frame, pd.read_csv(tmp_path / "cli" / name), obj=name)
    assert len(r.series) == 41 and len(r.agents) == 2 * 1500
    assert r.monthly is None, "no start_date, no monthly table"
    assert r.manifest["seed"] == 3 and r.manifest["strategy"] == "status_quo"
    # The package is built without the command line's link-time optimisation: the bytes agree.
    written = r.write(tmp_path / "py")
    same_bytes(written, tmp_path / "cli", RUN_TABLES + AGENT_TABLES + ["scenario.toml"])
    check = cli("verify", "py", cwd=tmp_path)
    assert check.returncode == 0 and "identical" in check.stdout, check.stdout + check.stderr


def test_a_calendar_gives_the_monthly_table(tmp_path):
    text = COLLAPSE.read_text().replace("schema_version = 1\n", 'schema_version = 1\nstart_date = "2018-01-01"\n', 1)
    sc = trustsim.Scenario.from_toml(text, set={"population.users": 1000, "horizon_days": 70})
    r = sc.run(seed=2, strategy="education")
    (tmp_path / "calendar.toml").write_text(text)
    assert cli("run", "calendar.toml", "--seed", "2", "--strategy", "education", "--out", "cli", "--quiet",
               "--set", "population.users=1000", "--set", "horizon_days=70", cwd=tmp_path).returncode == 0
    pd.testing.assert_frame_equal(r.monthly, pd.read_csv(tmp_path / "cli" / "monthly.csv"))
    assert len(r.monthly) > 0 and r.monthly["month"].str.fullmatch(r"2018-0[1-3]").all()
    assert r.manifest["strategy"] == "education"


def test_compare_gives_the_command_lines_directory(collapse, tmp_path):
    c = collapse.compare(seeds=2, threads=2)
    done = cli("compare", COLLAPSE, "--seeds", "2", "--threads", "1", "--out", "cli", "--quiet", *SMALL_ARGS,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name, frame in [("summary.csv", c.summary), ("comparison.csv", c.comparison),
                        ("outcomes.csv", c.outcomes)]:
        pd.testing.assert_frame_equal(frame, pd.read_csv(tmp_path / "cli" / name), obj=name)
    assert set(c.outcomes["strategy"]) == set(collapse.strategies)
    assert len(c.outcomes) == 2 * len(collapse.strategies)
    assert c.series is None and c.monthly is None
    written = c.write(tmp_path / "py")
    same_bytes(written, tmp_path / "cli", COMPARE_TABLES + ["scenario.toml", "trust.svg"])
    check = cli("verify", "py", cwd=tmp_path)
    assert check.returncode == 0 and "identical" in check.stdout, check.stdout + check.stderr
    with pytest.raises(FileExistsError):
        c.write(tmp_path / "py")

    # A subset of the strategies runs the same runs, and its directory verifies.
    two = collapse.compare(seeds=2, strategies=["education", "status_quo"])
    assert sorted(set(two.outcomes["strategy"])) == ["education", "status_quo"]
    kept = c.outcomes[c.outcomes["strategy"].isin(["status_quo", "education"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(two.outcomes, kept)
    two.write(tmp_path / "two")
    check = cli("verify", "two", cwd=tmp_path)
    assert check.returncode == 0 and "identical" in check.stdout, check.stdout + check.stderr
    with pytest.raises(trustsim.TrustsimError, match="reference strategy `status_quo`"):
        collapse.compare(seeds=2, strategies=["education"])
    with pytest.raises(trustsim.TrustsimError, match="`lottery` is not a strategy"):
        collapse.compare(seeds=2, strategies=["status_quo", "lottery"])


def test_a_world_stepped_by_hand_is_the_run(collapse):
    r = collapse.run(seed=5, strategy="compensation_fund", agents=True)
    w = collapse.world(seed=5, strategy="compensation_fund")
    assert w.day == 0 and w.horizon_days == 40
    first_users = w.users()
    rows = [w.metrics()]
    while w.day < w.horizon_days:
        w.step()
        rows.append(w.metrics())
    pd.testing.assert_frame_equal(pd.DataFrame(rows), r.series, check_dtype=False)
    agents = r.agents.groupby("day")
    pd.testing.assert_frame_equal(first_users, agents.get_group(0).reset_index(drop=True))
    pd.testing.assert_frame_equal(w.users(), agents.get_group(40).reset_index(drop=True))
    last = r.platform_series.query("day == 40").reset_index(drop=True)
    pd.testing.assert_frame_equal(w.platforms(), last)
    pd.testing.assert_frame_equal(w.network(), r.network)
    assert (w.users()["degree"].sum()) == 2 * len(w.network())


def test_an_intervention_applied_by_hand_is_the_strategys(collapse):
    fund = collapse.params["strategy"][1]
    assert fund["name"] == "compensation_fund" and fund["intervention"][0]["start_day"] == 31
    w = collapse.world(seed=6)
    w.step(20)
    w.apply(fund["intervention"][0])
    w.step(20)
    r = collapse.run(seed=6, strategy="compensation_fund")
    assert w.metrics() == r.series.to_dict("records")[40]
    assert r.outcome.loc[0, "losses_compensated_yuan"] > 0, "the fund paid out"
    with pytest.raises(trustsim.TrustsimError, match="start_day.*from 41"):
        w.apply({"kind": "compensation_fund", "start_day": 12})
    with pytest.raises(trustsim.TrustsimError, match="intervention.coverage"):
        w.apply({"kind": "compensation_fund", "coverage": 3})
    with pytest.raises(trustsim.TrustsimError, match="intervention.kind"):
        w.apply({"kind": "lottery"})


def test_steps_can_be_taken_several_at_a_time(collapse):
    one, many = collapse.world(seed=2), collapse.world(seed=2)
    for _ in range(12):
        one.step()
    many.step(12)
    assert one.day == many.day == 12
    assert one.metrics() == many.metrics()
    with pytest.raises(ValueError, match="days"):
        many.step(-1)


def test_params_are_the_resolved_scenario(collapse):
    params = collapse.params
    assert params["population"]["users"] == 1500 and params["horizon_days"] == 40
    assert params["platforms"]["count"] == 100
    assert collapse.reference_strategy == "status_quo"
    assert collapse.strategies[:2] == ["status_quo", "compensation_fund"]
    sc = trustsim.Scenario.from_toml("schema_version = 1\nhorizon_days = 30\n[population]\nusers = 1000\n")
    assert sc.params["horizon_days"] == 30 and sc.params["population"]["users"] == 1000
    assert collapse.with_set({"trust.loss_rate": 0.25}).params["trust"]["loss_rate"] == 0.25
    collapse.validate()


def test_bad_input_raises_the_command_lines_message(tmp_path):
    with pytest.raises(trustsim.TrustsimError) as raised:
        trustsim.Scenario.load(COLLAPSE, set={"trust.loss_rate": 7})
    done = cli("validate", COLLAPSE, "--set", "trust.loss_rate=7", cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip() == f"error: {raised.value}"
    assert "trust.loss_rate" in str(raised.value)

    with pytest.raises(trustsim.TrustsimError, match="scenario.toml:3"):
        trustsim.Scenario.from_toml("schema_version = 1\nhorizon_days = 30\nhorizon_days = = 3\n")
    with pytest.raises(trustsim.TrustsimError, match="no_such_key"):
        trustsim.Scenario.from_toml("schema_version = 1\nno_such_key = 3\n")
    with pytest.raises(trustsim.TrustsimError, match="missing.toml"):
        trustsim.Scenario.load(tmp_path / "missing.toml")
    with pytest.raises(TypeError, match="set"):
        trustsim.Scenario.load(COLLAPSE, set=["population.users=10"])
    with pytest.raises(TypeError, match="scenario value"):
        trustsim.Scenario.load(COLLAPSE, set={"population.users": object()})

    sc = trustsim.Scenario.load(COLLAPSE, set=SMALL)
    with pytest.raises(trustsim.TrustsimError, match="no_such_strategy"):
        sc.run(strategy="no_such_strategy")
    with pytest.raises(trustsim.TrustsimError, match="no_such_strategy"):
        sc.world(strategy="no_such_strategy")
    with pytest.raises(trustsim.TrustsimError, match="--agents-days"):
        sc.run(agents_days=[41])
    with pytest.raises(trustsim.TrustsimError, match="seeds"):
        sc.compare(seeds=0)
    with pytest.raises(trustsim.TrustsimError, match="trust.loss_rate"):
        trustsim.simulate({"trust.loss_rate": -1}, scenario=sc)

    # A scenario file that became invalid is caught by validate().
    path = tmp_path / "edited.toml"
    path.write_text("schema_version = 1\nhorizon_days = 30\n")
    edited = trustsim.Scenario.load(path)
    path.write_text("schema_version = 1\nhorizon_days = -30\n")
    with pytest.raises(trustsim.TrustsimError, match="horizon_days"):
        edited.validate()


def test_simulate_is_a_plain_function_for_scipy(collapse):
    outcome = trustsim.simulate({"trust.loss_rate": 0.2}, seed=4, scenario=collapse)
    r = collapse.with_set({"trust.loss_rate": 0.2}).run(seed=4)
    for key, value in r.outcome.iloc[0].items():
        if isinstance(value, float) and math.isnan(value):
            assert outcome[key] is None, key
        else:
            assert outcome[key] == value, key

    def trough(loss_rate):
        return trustsim.simulate({"trust.loss_rate": float(loss_rate)}, seed=1, scenario=collapse)["trough_trust"]

    found = scipy.optimize.minimize_scalar(trough, bounds=(0.05, 0.5), method="bounded",
                                           options={"maxiter": 6, "xatol": 0.01})
    assert 0.05 <= found.x <= 0.5
    assert found.fun == trough(found.x), "the same inputs give the same outcome"
    assert found.nfev >= 3
