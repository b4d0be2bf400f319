"""The ``quick`` and ``full`` suites, and the function that runs a suite.

``quick`` exercises every part of the benchmark on a few cells (a smoke
test for CI; its numbers mean little). ``full`` produces the committed
results.

The full suite's settings were fixed before its results were seen, from
the pilot study (budget 30, an 8-point design, at least 20 seeds) and the
issue; ktseed's defaults were not tuned on these problems. The design size
is given explicitly (``n_points=8``) to every initializer so that all
designs have the same size; ktseed's own default size rule is not what is
measured here.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path
from typing import Any
from typing import TextIO

from ktseed.bench.portfolio_task import PortfolioTask
from ktseed.bench.portfolio_task import run_portfolio
from ktseed.bench.problems import get_problem
from ktseed.bench.runner import Cell
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import RunOutcome
from ktseed.bench.runner import estimate_cost
from ktseed.bench.runner import run_cells
from ktseed.bench.strategies import all_search_strategies
from ktseed.bench.strategies import parse_strategy
from ktseed.bench.strategies import unavailable_reason
from ktseed.errors import KtseedError

TASKS = ("search", "warmstart", "measures", "portfolio")

#: Distance between consecutive seeds of the suite.
SEED_SPACING = 10_000


def seed_list(repeats: int) -> list[int]:
    """The seeds of ``repeats`` repeats: 1, 10001, 20001, ...

    Every contender gets the same seeds. They start at 1 because
    KerasTuner treats ``seed=0`` as "no seed". They are spaced because
    KerasTuner's stock random sampler draws the k-th value of a run from
    ``random.Random(seed + k)``: with seeds 1, 2, 3, ... the run of seed
    ``s + d`` (``d`` hyperparameters) repeats the run of seed ``s`` shifted
    by one trial, so stock KerasTuner's repeats would not be independent. A
    30-trial run uses fewer than 10,000 draws, so spaced seeds never share
    one.
    """
    return [1 + SEED_SPACING * k for k in range(repeats)]


class SuiteConfigError(KtseedError, ValueError):
    """A suite or command-line option is invalid."""


@dataclass(frozen=True)
class SearchTask:
    """Problems x strategies x seeds at one budget."""

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    budget: int
    design_size: int
    problem_kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class WarmStartTask:
    """A prior run on the shifted problem, then a new run on the problem.

    Attributes:
        targets: Regret to reach, by problem (fixed before the run).
    """

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    budget: int
    design_size: int
    prior_budget: int
    targets: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Measures:
    """Settings of the design-quality and overhead measures.

    ``None`` leaves a measure out.
    """

    design_quality: Mapping[str, Any] | None = None
    create_trial: Mapping[str, Any] | None = None
    design_build: Mapping[str, Any] | None = None
    prior_load: Mapping[str, Any] | None = None
    gp_step: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Suite:
    """A complete benchmark definition."""

    name: str
    search: tuple[SearchTask, ...]
    warmstart: WarmStartTask | None
    measures: Measures = field(default_factory=Measures)
    portfolio: PortfolioTask | None = None


#: In run order: the pilot's three problems first.
SYNTHETIC = ("branin", "hartmann6", "mixed", "mixed_cond", "log_rosenbrock")

WARM_STRATEGIES = (
    "random/stock",
    "random/prior-replay",
    "bayesian/stock",
    "bayesian/sobol",
    "bayesian/prior-replay",
    "bayesian/prior-observe",
)

DESIGN_INITIALIZERS = ("random", "lhs", "lhs-cd", "sobol", "halton")


def full_suite() -> Suite:
    """The suite behind the committed results (about 1.5-2 h on 2 cores)."""
    return Suite(
        name="full",
        search=(
            SearchTask(
                problems=SYNTHETIC,
                strategies=tuple(all_search_strategies()),
                repeats=20,
                budget=30,
                design_size=8,
            ),
            SearchTask(
                problems=("digits_mlp",),
                strategies=(
                    "random/stock",
                    "random/sobol",
                    "bayesian/stock",
                    "bayesian/sobol",
                    "bayesian/lhs",
                    "hyperband/stock",
                    "hyperband/sobol",
                    "optuna/tpe",
                ),
                repeats=5,
                budget=15,
                design_size=5,
                problem_kwargs=(("epochs", 3),),
            ),
        ),
        warmstart=WarmStartTask(
            problems=("mixed",),
            strategies=WARM_STRATEGIES,
            repeats=20,
            budget=30,
            design_size=8,
            prior_budget=60,
            targets=(("mixed", 0.5),),
        ),
        measures=Measures(
            design_quality={
                "problems": list(SYNTHETIC),
                "initializers": list(DESIGN_INITIALIZERS),
                "n": 8,
                "seeds": list(range(1, 101)),
            },
            create_trial={"trials": 500, "repeats": 3},
            design_build={
                "sizes": [16, 64, 256, 1024, 4096],
                "dims": [2, 8, 32, 64],
                "limit": 60.0,
            },
            prior_load={"sizes": [100, 1000, 10_000], "repeats": 3},
            gp_step={
                "problems": ["hartmann6", "mixed"],
                "observations": 30,
                "repeats": 5,
            },
        ),
        portfolio=PortfolioTask(),
    )


def quick_suite() -> Suite:
    """A smoke test of every part (a few minutes on 2 cores)."""
    return Suite(
        name="quick",
        search=(
            SearchTask(
                problems=("branin", "mixed_cond"),
                strategies=(
                    "random/stock",
                    "random/sobol",
                    "bayesian/stock",
                    "bayesian/sobol",
                    "bayesian/lhs-cd",
                    "bayesian-gp/sobol",
                    "hyperband/stock",
                    "hyperband/halton",
                    "optuna/tpe",
                    "optuna/qmc",
                    "optuna/gp",
                ),
                repeats=3,
                budget=12,
                design_size=4,
            ),
            SearchTask(
                problems=("digits_mlp",),
                strategies=("random/sobol",),
                repeats=1,
                budget=3,
                design_size=2,
                problem_kwargs=(("epochs", 1),),
            ),
        ),
        warmstart=WarmStartTask(
            problems=("mixed",),
            strategies=(
                "bayesian/stock",
                "bayesian/prior-replay",
                "bayesian/prior-observe",
            ),
            repeats=2,
            budget=12,
            design_size=4,
            prior_budget=20,
            targets=(("mixed", 1.0),),
        ),
        measures=Measures(
            design_quality={
                "problems": ["branin", "mixed_cond"],
                "initializers": list(DESIGN_INITIALIZERS),
                "n": 4,
                "seeds": list(range(1, 6)),
            },
            create_trial={"trials": 60, "repeats": 1},
            design_build={
                "sizes": [16, 256],
                "dims": [2, 8],
                "limit": 5.0,
            },
            prior_load={"sizes": [100, 1000], "repeats": 2},
            gp_step={"problems": ["mixed"], "observations": 10, "repeats": 1},
        ),
        portfolio=PortfolioTask.preset("quick"),
    )


SUITES = {"quick": quick_suite, "full": full_suite}


def customise(
    suite: Suite,
    *,
    problems: Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    repeats: int | None = None,
    budget: int | None = None,
    design_size: int | None = None,
) -> Suite:
    """Applies command-line overrides to a suite.

    ``problems`` keeps only the search tasks' problems listed (a listed
    problem no task has joins the first task); ``strategies`` replaces the
    search tasks' strategies; ``repeats``, ``budget`` and ``design_size``
    apply to every task.

    Raises:
        SuiteConfigError: For unknown names or values out of range.
    """
    for name in problems or ():
        try:
            get_problem(name)
        except LookupError as error:
            raise SuiteConfigError(str(error)) from error
    for name in strategies or ():
        try:
            parse_strategy(name)
        except LookupError as error:
            raise SuiteConfigError(str(error)) from error
    for option, value in (
        ("--repeats", repeats),
        ("--budget", budget),
        ("--design-size", design_size),
    ):
        if value is not None and value < 1:
            msg = f"{option} must be a positive integer (got {value})."
            raise SuiteConfigError(msg)
    if budget is not None and design_size is not None and design_size > budget:
        msg = (
            f"--design-size ({design_size}) must not exceed --budget "
            f"({budget})."
        )
        raise SuiteConfigError(msg)
    tasks = []
    wanted = list(problems) if problems else None
    placed: set[str] = set()
    for task in suite.search:
        kept = task.problems
        if wanted is not None:
            kept = tuple(p for p in task.problems if p in wanted)
            placed.update(kept)
        tasks.append(task)
        tasks[-1] = replace(task, problems=kept)
    if wanted is not None:
        missing = tuple(p for p in wanted if p not in placed)
        if missing and tasks:
            tasks[0] = replace(tasks[0], problems=tasks[0].problems + missing)
    if strategies:
        tasks = [replace(t, strategies=tuple(strategies)) for t in tasks]
    tasks = [
        replace(
            t,
            repeats=repeats or t.repeats,
            budget=budget or t.budget,
            design_size=design_size or t.design_size,
        )
        for t in tasks
        if t.problems
    ]
    for task in tasks:
        if task.design_size > task.budget:
            msg = (
                f"design size {task.design_size} exceeds budget "
                f"{task.budget}; pass --design-size."
            )
            raise SuiteConfigError(msg)
    warm = suite.warmstart
    if warm is not None:
        warm = replace(
            warm,
            repeats=repeats or warm.repeats,
            budget=budget or warm.budget,
            design_size=design_size or warm.design_size,
        )
    portfolio = suite.portfolio
    if portfolio is not None:
        portfolio = portfolio.customised(repeats, budget, design_size)
    return replace(
        suite, search=tuple(tasks), warmstart=warm, portfolio=portfolio
    )


# ------------------------------------------------------------------ cells
def build_cells(suite: Suite, tasks: Sequence[str] = TASKS) -> list[Cell]:
    """Every cell of the suite's search and warm-start tasks."""
    cells = []
    if "search" in tasks:
        for task in suite.search:
            for problem in task.problems:
                for strategy in task.strategies:
                    if parse_strategy(strategy).warm is not None:
                        continue
                    for seed in seed_list(task.repeats):
                        cells.append(
                            Cell(
                                task="search",
                                problem=problem,
                                strategy=strategy,
                                seed=seed,
                                budget=task.budget,
                                design_size=task.design_size,
                                problem_kwargs=_kwargs_for(task, problem),
                            )
                        )
    warm = suite.warmstart
    if "warmstart" in tasks and warm is not None:
        for problem in warm.problems:
            for strategy in warm.strategies:
                for seed in seed_list(warm.repeats):
                    cells.append(
                        Cell(
                            task="warmstart",
                            problem=problem,
                            strategy=strategy,
                            seed=seed,
                            budget=warm.budget,
                            design_size=warm.design_size,
                            prior_budget=warm.prior_budget
                            if parse_strategy(strategy).warm
                            else 0,
                        )
                    )
    return cells


def _kwargs_for(task: SearchTask, problem: str) -> tuple[tuple[str, Any], ...]:
    # Problem arguments (digits epochs) apply to the problems that take them.
    if problem.startswith("digits_mlp"):
        return task.problem_kwargs
    return ()


def cell_costs(cells: Sequence[Cell]) -> dict[str, float]:
    """Estimated seconds per cell key."""
    dims: dict[str, tuple[int, float]] = {}
    costs = {}
    for cell in cells:
        if cell.problem not in dims:
            problem = get_problem(cell.problem)
            dims[cell.problem] = (problem.dimension(), problem.cost)
        d, objective = dims[cell.problem]
        costs[cell.key] = estimate_cost(cell, d, objective)
    return costs


# ------------------------------------------------------------------ meta
def environment() -> dict[str, str]:
    """Versions of Python and the packages the results depend on."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version

    env = {"python": platform.python_version()}
    for package in (
        "ktseed",
        "keras-tuner",
        "keras",
        "tensorflow-cpu",
        "numpy",
        "scipy",
        "scikit-learn",
        "optuna",
        "torch",
    ):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            continue
    env["cpus"] = str(os.cpu_count())
    return env


def default_workers() -> int:
    """One worker per usable core, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


# ------------------------------------------------------------------- run
@dataclass
class SuiteResult:
    """What :func:`run_suite` did and wrote."""

    outcome: RunOutcome
    skipped: list[str]
    files: list[Path]
    measures_run: list[str]
    measures_skipped: list[str]


def run_suite(
    suite: Suite,
    out: Path,
    *,
    workers: int = 1,
    tasks: Sequence[str] = TASKS,
    stream: TextIO | None = None,
    command: str = "",
    progress_interval: float = 30.0,
    redo: Sequence[str] = (),
) -> SuiteResult:
    """Runs the unfinished cells and measures of a suite, then reports.

    Args:
        suite: The suite (after :func:`customise`).
        out: Output directory (created; re-runs resume in it).
        workers: Worker processes for the cells.
        tasks: Subset of ``("search", "warmstart", "measures")``.
        stream: Where progress and notes go (default ``sys.stderr``).
        command: The command line, recorded in ``meta.json``.
        progress_interval: Seconds between progress lines on a non-tty.
        redo: Strategies whose finished cells are deleted first, so that
            they run again (for example after the oracle changed).

    Returns:
        The outcome, the skipped contenders and the report files.
    """
    stream = stream or sys.stderr
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if redo:
        dropped = RawStore(out).drop(redo)
        stream.write(
            f"ktseed bench: removed {dropped} finished cell(s) of "
            f"{', '.join(redo)} to run them again\n"
        )
    cells = build_cells(suite, tasks)
    reasons: dict[str, str] = {}
    for name in sorted({c.strategy for c in cells}):
        reason = unavailable_reason(parse_strategy(name))
        if reason is not None:
            reasons[name] = reason
    skipped = [reasons[name] for name in sorted(reasons)]
    for reason in skipped:
        stream.write(f"ktseed bench: {reason}\n")
    cells = [c for c in cells if c.strategy not in reasons]
    _write_meta(out, suite, command=command, workers=workers, skipped=skipped)
    outcome = run_cells(
        cells,
        out,
        workers=workers,
        costs=cell_costs(cells),
        stream=stream,
        progress_interval=progress_interval,
    )
    run: list[str] = []
    not_run: list[str] = []
    if "measures" in tasks:
        run, not_run = run_measures(suite.measures, out / "measures", stream)
    if "portfolio" in tasks and suite.portfolio is not None:
        run_portfolio(
            suite.portfolio, out / "portfolio", workers=workers, stream=stream
        )
    files = write_reports(out, suite, skipped=skipped)
    return SuiteResult(outcome, skipped, files, run, not_run)


def run_measures(
    measures: Measures, folder: Path, stream: TextIO
) -> tuple[list[str], list[str]]:
    """Runs each configured measure unless its file has the same config."""
    from ktseed.bench import measures as m

    folder.mkdir(parents=True, exist_ok=True)
    functions: dict[str, Callable[..., dict[str, Any]]] = {
        "design_quality": m.design_quality,
        "create_trial": m.create_trial_overhead,
        "design_build": m.design_build_times,
        "prior_load": m.prior_load_times,
        "gp_step": m.gp_step_times,
    }
    ran, skipped = [], []
    for name, function in functions.items():
        config = getattr(measures, name)
        if config is None:
            continue
        path = folder / f"{name}.json"
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                old = {}
            if old.get("requested") == dict(config):
                skipped.append(name)
                continue
        stream.write(f"ktseed bench: measuring {name.replace('_', ' ')}\n")
        stream.flush()
        start = time.perf_counter()
        result: dict[str, Any] = function(**dict(config))
        result["requested"] = dict(config)
        result["seconds"] = time.perf_counter() - start
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        ran.append(name)
    return ran, skipped


def _write_meta(
    out: Path,
    suite: Suite,
    *,
    command: str,
    workers: int,
    skipped: Sequence[str],
) -> None:
    path = out / "meta.json"
    runs = []
    if path.is_file():
        try:
            runs = json.loads(path.read_text(encoding="utf-8")).get("runs", [])
        except json.JSONDecodeError:
            runs = []
    runs.append(
        {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": command,
            "workers": workers,
            "skipped": list(skipped),
        }
    )
    meta = {
        "suite": asdict(suite),
        "environment": environment(),
        "runs": runs,
    }
    path.write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")


def write_reports(
    out: Path, suite: Suite | None = None, *, skipped: Sequence[str] = ()
) -> list[Path]:
    """Rebuilds ``summary.csv``, ``results.md`` and the plots from ``out``."""
    from ktseed.bench import portfolio_report
    from ktseed.bench import report
    from ktseed.bench.stats import group_records

    out = Path(out)
    groups = group_records(RawStore(out).records())
    rows = report.summary_rows(groups)
    files = []
    summary = out / "summary.csv"
    report.write_summary_csv(rows, summary)
    files.append(summary)
    meta: dict[str, Any] = {}
    if (out / "meta.json").is_file():
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    targets: dict[str, float] = {}
    if suite is not None and suite.warmstart is not None:
        targets = dict(suite.warmstart.targets)
    elif meta.get("suite", {}).get("warmstart"):
        targets = {
            str(k): float(v) for k, v in meta["suite"]["warmstart"]["targets"]
        }
    warm = report.warmstart_rows(groups, targets)
    runs = meta.get("runs", [])
    if not skipped and runs:
        skipped = runs[-1].get("skipped", [])
    results = out / "results.md"
    report.write_markdown(
        results,
        rows,
        warm,
        report.load_measures(out / "measures"),
        meta={
            "commands": [r["command"] for r in runs if r.get("command")],
            "environment": meta.get("environment", {}),
        },
        skipped=skipped,
    )
    files.append(results)
    plots = out / "plots"
    files += report.plot_curves(groups, plots, task="search")
    files += report.plot_curves(groups, plots, task="warmstart")
    files += portfolio_report.write_reports(out / "portfolio")
    return files


__all__ = [
    "SUITES",
    "TASKS",
    "Measures",
    "SearchTask",
    "Suite",
    "SuiteConfigError",
    "SuiteResult",
    "WarmStartTask",
    "build_cells",
    "customise",
    "default_workers",
    "full_suite",
    "quick_suite",
    "run_suite",
    "seed_list",
    "write_reports",
]
