"""trustsim in Python: scenarios, runs, strategy comparisons and step-by-step worlds.

The package calls the simulator's own library (compiled into ``trustsim._core``), so every
table is the command line's: ``Scenario.run`` and ``Scenario.compare`` run the same code as
``trustsim run`` and ``trustsim compare`` and read the very CSV files those write into pandas
DataFrames, and ``Comparison.write`` leaves the directory ``trustsim compare`` leaves
(``trustsim verify`` and ``trustsim report`` work on it).

>>> import trustsim
>>> sc = trustsim.Scenario.load("scenarios/platform_collapse.toml",
...                             set={"population.users": 2000, "horizon_days": 60})
>>> r = sc.run(seed=1)
>>> r.series[["day", "trust_mean", "net_loss_yuan"]].tail(1)  # doctest: +SKIP
>>> c = sc.compare(seeds=4)
>>> c.comparison.query("outcome == 'net_loss_yuan'")  # doctest: +SKIP

Errors in scenarios, overrides and options raise :class:`TrustsimError` with the command
line's one-line message (file, line, key and what is allowed).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

import pandas as pd

from . import _core
from ._core import TrustsimError, __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

__all__ = [
    "Scenario",
    "RunResult",
    "Comparison",
    "World",
    "TrustsimError",
    "simulate",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


def _toml_value(value: Any) -> str:
    """A Python value as the TOML text ``--set key=value`` takes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {_toml_value(v)}" for key, v in value.items()) + " }"
    if isinstance(value, Iterable):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} (a {type(value).__name__}) as a scenario value")


def _overrides(values: Optional[Mapping[str, Any]]) -> list:
    """``{"population.users": 20000}`` as the ``--set`` overrides ``["population.users=20000"]``."""
    if values is None:
        return []
    if not isinstance(values, Mapping):
        raise TypeError("`set` must be a dict of dotted keys to values, e.g. {'population.users': 20000}")
    return [f"{key}={_toml_value(value)}" for key, value in values.items()]


def _frame(text: str) -> pd.DataFrame:
    """A CSV table (the bytes trustsim writes) as a DataFrame, read as ``pd.read_csv`` reads the file."""
    return pd.read_csv(io.StringIO(text))


class _Output:
    """An output directory written by the library into a private temporary directory, kept until
    the object goes away, whose files can be read and copied elsewhere."""

    def __init__(self, make) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="trustsim-")
        self.directory = Path(make(str(Path(self._scratch.name) / "out")))

    def table(self, name: str) -> Optional[pd.DataFrame]:
        path = self.directory / name
        return pd.read_csv(path) if path.exists() else None

    def manifest(self) -> dict:
        return json.loads((self.directory / "manifest.json").read_text(encoding="utf-8"))

    def write(self, directory: PathLike) -> Path:
        destination = Path(directory)
        if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
            raise FileExistsError(f"{destination} exists and is not an empty directory; choose another")
        if destination.exists():
            destination.rmdir()
        shutil.copytree(self.directory, destination)
        return destination


class Scenario:
    """A scenario file with ``--set`` overrides, checked as ``trustsim validate`` checks it.

    Build one with :meth:`Scenario.load` or :meth:`Scenario.from_toml`; both raise
    :class:`TrustsimError` on a bad file or override.

    >>> sc = trustsim.Scenario.load("scenarios/data_leak.toml", set={"population.users": 5000})
    >>> sc.name, sc.strategies[:2]  # doctest: +SKIP
    ('data_leak', ['status_quo', 'compensation_fund'])
    """

    def __init__(self, path: PathLike, overrides: list, keep: Any = None) -> None:
        self.path = str(path)
        self.overrides = list(overrides)
        # A scenario made from text lives in a temporary directory, removed with this object.
        self._keep = keep
        self._resolved = _core.resolve(self.path, self.overrides)

    @classmethod
    def load(cls, path: PathLike, set: Optional[Mapping[str, Any]] = None) -> "Scenario":
        """Reads a scenario file, with parameters overridden by ``set`` (dotted keys, as
        ``--set`` takes them).

        >>> sc = trustsim.Scenario.load("scenarios/platform_collapse.toml",
        ...                             set={"population.users": 20000, "trust.loss_rate": 0.2})
        """
        return cls(path, _overrides(set))

    @classmethod
    def from_toml(cls, text: str, set: Optional[Mapping[str, Any]] = None) -> "Scenario":
        """A scenario from TOML text (starting with ``schema_version = 1``). The text is kept in a
        temporary file named ``scenario.toml``, which error messages name; an edge list it names
        must be given by an absolute path.

        >>> sc = trustsim.Scenario.from_toml('schema_version = 1\\nhorizon_days = 30\\n'
        ...                                  '[population]\\nusers = 1000\\n')
        >>> sc.params["horizon_days"]
        30
        """
        keep = tempfile.TemporaryDirectory(prefix="trustsim-scenario-")
        path = Path(keep.name) / "scenario.toml"
        path.write_text(text, encoding="utf-8")
        return cls(path, _overrides(set), keep)

    def with_set(self, set: Mapping[str, Any]) -> "Scenario":
        """The same scenario with more overrides (later ones win).

        >>> bigger = sc.with_set({"population.users": 50000})
        """
        return Scenario(self.path, self.overrides + _overrides(set), self._keep)

    @property
    def params(self) -> dict:
        """The resolved scenario (every default filled in, overrides applied) as a dict: what
        ``scenario.toml`` of an output holds.

        >>> sc.params["population"]["users"]  # doctest: +SKIP
        20000
        """
        return tomllib.loads(self._resolved)

    @property
    def toml(self) -> str:
        """The resolved scenario as TOML text, as ``trustsim run`` writes ``scenario.toml``.

        >>> Path("my-scenario.toml").write_text(sc.toml)  # doctest: +SKIP
        """
        return self._resolved

    @property
    def name(self) -> str:
        """The scenario's name (its file name without ``.toml``), which names outputs.

        >>> trustsim.Scenario.load("scenarios/data_leak.toml").name
        'data_leak'
        """
        return Path(self.path).stem

    @property
    def strategies(self) -> list:
        """The names of the scenario's strategies, in order.

        >>> sc.strategies  # doctest: +SKIP
        ['status_quo', 'compensation_fund', ...]
        """
        return _core.strategies(self.path, self.overrides)[0]

    @property
    def reference_strategy(self) -> str:
        """The strategy the others are compared with, and that ``run`` runs by default.

        >>> sc.reference_strategy  # doctest: +SKIP
        'status_quo'
        """
        return _core.strategies(self.path, self.overrides)[1]

    def validate(self) -> None:
        """Checks the scenario file (and any edge list) again, raising :class:`TrustsimError`
        with the command line's one-line message if it is no longer valid.

        >>> try:
        ...     trustsim.Scenario.load("scenarios/data_leak.toml", set={"trust.loss_rate": 7})
        ... except trustsim.TrustsimError as e:
        ...     print(e)  # doctest: +SKIP
        --set trust.loss_rate=7: `trust.loss_rate` = 7 is out of range: allowed 0 to 1
        """
        self._resolved = _core.resolve(self.path, self.overrides)

    def run(self, seed: int = 1, strategy: Optional[str] = None, agents_days: Optional[Iterable[int]] = None,
            agents: bool = False) -> "RunResult":
        """One run with ``seed`` under ``strategy`` (default the reference strategy), as
        ``trustsim run``. With ``agents=True`` (or ``agents_days``, as ``--agents-days``) the
        result also holds every user on those days, the network and every platform's days.

        >>> r = sc.run(seed=3)
        >>> r.outcome.loc[0, "net_loss_yuan"]  # doctest: +SKIP
        """
        days = list(agents_days) if agents_days is not None else ([] if agents else None)
        output = _Output(lambda out: _core.run(self.path, self.overrides, int(seed), strategy, out, days))
        return RunResult(output)

    def compare(self, seeds: int = 32, threads: Optional[int] = None, strategies: Optional[Iterable[str]] = None,
                series: bool = False) -> "Comparison":
        """Every strategy over seeds 1 to ``seeds`` with common random numbers, as ``trustsim
        compare``, on ``threads`` threads (default every core); the results do not depend on it.
        ``strategies`` names a subset to run (the reference among them), passed on as a
        ``strategy`` override so that the written directory records it and ``verify`` repeats
        it; each strategy's runs are the same as in the full comparison.

        >>> c = sc.compare(seeds=8)
        >>> c.comparison.query("outcome == 'net_loss_yuan'")[["strategy", "diff", "diff_ci_low"]]  # doctest: +SKIP
        >>> two = sc.compare(seeds=8, strategies=["status_quo", "compensation_fund"])
        """
        scenario = self if strategies is None else self._only(list(strategies))
        output = _Output(lambda out: _core.compare(scenario.path, scenario.overrides, int(seeds), threads, out, series))
        return Comparison(output)

    def _only(self, names: list) -> "Scenario":
        """The scenario with only the strategies ``names`` (in the scenario's order)."""
        if isinstance(names, str) or not names:
            raise TypeError("`strategies` must be a list of strategy names, e.g. ['status_quo', 'education']")
        known = self.strategies
        unknown = [name for name in names if name not in known]
        if unknown:
            raise TrustsimError(f"strategies: `{unknown[0]}` is not a strategy of the scenario; expected one of "
                                + ", ".join(f"`{name}`" for name in known))
        if self.reference_strategy not in names:
            raise TrustsimError(f"strategies: the reference strategy `{self.reference_strategy}` must be among them, "
                                "to compare the others with")
        kept = [strategy for strategy in self.params["strategy"] if strategy["name"] in names]
        return self.with_set({"strategy": kept})

    def world(self, seed: int = 1, strategy: Optional[str] = None) -> "World":
        """The world of a run on day 0, to step by hand.

        >>> w = sc.world(seed=1)
        >>> w.step(); w.day
        1
        """
        return World(_core.World(self.path, self.overrides, int(seed), strategy))

    def __repr__(self) -> str:
        return f"Scenario({self.path!r}, overrides={self.overrides!r})"


class RunResult:
    """What :meth:`Scenario.run` produced: the tables of ``trustsim run`` as DataFrames.

    Attributes: ``series`` (one row per day), ``outcome`` (one row), ``platforms`` (one row per
    platform), ``monthly`` (when the scenario has a ``start_date``, else ``None``), ``manifest``
    (a dict), and with agents ``agents``, ``network``, ``platform_series`` (else ``None``).

    >>> r = sc.run(seed=1, agents=True)
    >>> r.agents.groupby("day")["state"].value_counts()  # doctest: +SKIP
    """

    def __init__(self, output: _Output) -> None:
        self._output = output
        self.series = output.table("series.csv")
        self.outcome = output.table("outcome.csv")
        self.platforms = output.table("platforms.csv")
        self.monthly = output.table("monthly.csv")
        self.agents = output.table("agents.csv")
        self.network = output.table("network.csv")
        self.platform_series = output.table("platform_series.csv")
        self.manifest = output.manifest()

    def write(self, directory: PathLike) -> Path:
        """Writes the directory ``trustsim run`` writes (``verify`` works on it) to a new or
        empty ``directory``.

        >>> r.write("output/my-run")  # doctest: +SKIP
        """
        return self._output.write(directory)


class Comparison:
    """What :meth:`Scenario.compare` produced: ``summary`` (strategy × day × metric),
    ``comparison`` (strategy × outcome, with paired differences against the reference),
    ``outcomes`` (one row per run), ``monthly`` (with a ``start_date``), ``series`` (with
    ``series=True``), ``manifest`` (a dict).

    >>> c = sc.compare(seeds=4, threads=2)
    >>> c.outcomes.groupby("strategy")["net_loss_yuan"].mean()  # doctest: +SKIP
    """

    def __init__(self, output: _Output) -> None:
        self._output = output
        self.summary = output.table("summary.csv")
        self.comparison = output.table("comparison.csv")
        self.outcomes = output.table("outcomes.csv")
        self.monthly = output.table("monthly.csv")
        self.series = output.table("series.csv")
        self.manifest = output.manifest()

    def write(self, directory: PathLike) -> Path:
        """Writes the directory ``trustsim compare`` writes — tables, charts, resolved scenario,
        manifest — to a new or empty ``directory``; ``trustsim verify`` and ``trustsim report``
        work on it.

        >>> c.write("output/my-comparison")  # doctest: +SKIP
        """
        return self._output.write(directory)


class World:
    """A simulated world stepped by hand, for teaching and for checking rules on single agents.
    Stepped to the horizon, its daily ``metrics()`` are the rows of the run's ``series``.

    >>> w = sc.world(seed=1)
    >>> rows = [w.metrics()]
    >>> while w.day < w.horizon_days:
    ...     w.step()
    ...     rows.append(w.metrics())
    >>> users = w.users()  # one row per user, as in agents.csv
    """

    def __init__(self, world: "_core.World") -> None:
        self._world = world

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step).

        >>> sc.world().day
        0
        """
        return self._world.day

    @property
    def horizon_days(self) -> int:
        """The scenario's horizon: the last day a run reaches.

        >>> w.step(w.horizon_days - w.day)  # to the end  # doctest: +SKIP
        """
        return self._world.horizon_days

    def step(self, days: int = 1) -> None:
        """Advances ``days`` days (one by default), as a run does.

        >>> w.step(30); w.day  # doctest: +SKIP
        30
        """
        if days < 0:
            raise ValueError(f"`days` must be 0 or more, not {days}")
        self._world.step(int(days))

    def metrics(self) -> dict:
        """Today's metrics: the row of ``series.csv`` for this day, as a dict.

        >>> w.metrics()["trust_mean"]  # doctest: +SKIP
        0.6998
        """
        return _frame(self._world.metrics()).to_dict("records")[0]

    def users(self) -> pd.DataFrame:
        """Every user today, with the columns of ``agents.csv`` (``run --agents``).

        >>> w.users().query("state == 'victim'")  # doctest: +SKIP
        """
        return _frame(self._world.users())

    def platforms(self) -> pd.DataFrame:
        """Every platform today, with the columns of ``platform_series.csv``.

        >>> w.platforms()[["platform", "type", "state", "claims_yuan"]]  # doctest: +SKIP
        """
        return _frame(self._world.platforms())

    def apply(self, intervention: Mapping[str, Any]) -> None:
        """Adds an intervention to the running world, as if the strategy being run had it: a dict
        with the keys of a ``[[strategy.intervention]]`` (``kind``, the kind's parameters,
        ``end_day``, ``ramp_days``; docs/PARAMETERS.md). It starts on its ``start_day``,
        tomorrow by default, which must be a day not yet simulated. Raises
        :class:`TrustsimError` naming the key at fault.

        >>> w = sc.world(seed=1)
        >>> w.step(30)
        >>> w.apply({"kind": "compensation_fund", "coverage": 0.9})  # in force from day 31
        """
        if not isinstance(intervention, Mapping):
            raise TypeError("an intervention is a dict, e.g. {'kind': 'compensation_fund', 'coverage': 0.9}")
        table = {"start_day": self.day + 1, **intervention}
        self._world.apply(_toml_value(table))

    def network(self) -> pd.DataFrame:
        """The social network as an edge list (``source``, ``target``; each friendship once),
        as ``network.csv``.

        >>> import networkx  # doctest: +SKIP
        >>> g = networkx.from_pandas_edgelist(w.network())  # doctest: +SKIP
        """
        return _frame(self._world.network())


def simulate(params: Optional[Mapping[str, Any]] = None, seed: int = 1,
             scenario: Union[PathLike, Scenario] = "scenarios/platform_collapse.toml",
             strategy: Optional[str] = None) -> dict:
    """One run's outcome measures (the row of ``outcome.csv``) as a dict, with ``params``
    (dotted keys, as ``--set``) overriding ``scenario`` (a file or a :class:`Scenario`): a plain
    function for SALib, pyabc, Optuna and scipy.

    >>> trustsim.simulate({"trust.loss_rate": 0.2}, seed=1,
    ...                   scenario="scenarios/platform_collapse.toml")["net_loss_yuan"]  # doctest: +SKIP
    """
    base = scenario if isinstance(scenario, Scenario) else Scenario.load(scenario)
    overrides = base.overrides + _overrides(params)
    return json.loads(_core.outcome(base.path, overrides, int(seed), strategy))
