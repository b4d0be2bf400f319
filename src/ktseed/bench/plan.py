"""A suite's cells, their estimated cost, and the plan ``--list`` prints.

:func:`build_cells` turns a suite's tasks into cells
(:class:`~ktseed.bench.runner.Cell`); :func:`estimate_cost` gives each
cell's expected seconds from a per-contender cost model (used to order the
work, seed the ETA and print the plan's duration); :func:`plan_lines` is
the plan ``ktseed bench --list`` prints, with the estimated wall time of
each task and of the whole suite for a number of worker processes.

The cost model is rough by design: seconds per trial are ``objective + a + b
d + (c + e d + f d^2) n`` for a model-based contender after its start (``d``
hyperparameters, ``n`` trials observed so far), a constant for the others,
plus a fixed cost per cell (start-up of the library, project directories).
The constants are *CPU* seconds, fitted to one run of each contender on
``branin`` (40 trials), ``mixed10`` (50) and ``rosen20`` (40) with one BLAS
thread (``benchmarks/README.md`` has the figures): a worker alone on a core
takes about that long; on a shared machine the wall time is longer by the
machine's oversubscription (the calibration runs themselves took 2 to 8
times their CPU time at load averages of 5 to 8 on 2 cores). A run with two
workers on two idle cores takes the estimate divided by two, plus the
measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ktseed.bench.cells import Cell
from ktseed.bench.cells import seed_list
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import parse_strategy

if TYPE_CHECKING:
    from ktseed.bench.tasks import Suite

#: Every task a suite can run, in run order.
TASKS = (
    "search",
    "warmstart",
    "peers",
    "parallel",
    "measures",
    "multifidelity",
    "portfolio",
)

#: Seconds per trial of contenders without a model (or in their start).
_TRIAL_COST = {
    "random": 0.01,
    "hyperband": 0.015,
    "optuna/tpe": 0.01,
    "optuna/qmc": 0.005,
}

#: ``(a, b, c, e, f)``: CPU seconds of one model-based trial,
#: ``a + b d + c n + e d n + f d^2 n`` (``d`` hyperparameters, ``n``
#: trials so far).
MODEL_COST: dict[str, tuple[float, float, float, float, float]] = {
    "bayesian": (0.05, 0.0, 0.0, 0.0067, 0.0),
    "bayesian-gp": (0.02, 0.004, 0.0003, 0.0, 0.0),
    "optuna/gp": (0.07, 0.022, 0.002, 0.0, 0.0),
    "smac/bb": (0.5, 0.0, 0.0, 0.0, 0.0005),
    "smac/hpo": (0.17, 0.017, 0.0, 0.0, 0.0),
    "skopt/gp": (0.0, 0.02, 0.006, 0.0, 0.0),
    "ax/botorch": (0.2, 0.02, 0.01, 0.0, 0.0006),
}

#: Seconds per cell of set-up, by contender (imports are per process).
CELL_COST = {"ax/botorch": 2.0, "smac/bb": 1.0, "smac/hpo": 1.0}

#: Trials every contender runs before its model starts, when it has its
#: own rule (Optuna's ``n_startup_trials=10``).
OWN_START = {"optuna/gp": 10}


def _model_key(strategy: Any) -> str:
    if strategy.is_peer:
        return str(strategy.name)
    if strategy.handoff == "gp":
        return "bayesian-gp"
    return str(strategy.oracle)


def _start(cell: Cell, strategy: Any, dimension: int) -> int:
    """Trials before the model's first proposal."""
    if strategy.name in OWN_START:
        return OWN_START[strategy.name]
    if strategy.family == "keras_tuner":
        return max(3 * dimension, 3)
    return max(cell.design_size, 1)


def estimate_cost(cell: Cell, dimension: int, objective_cost: float) -> float:
    """Estimated seconds for a cell (orders work; seeds the ETA)."""
    strategy = parse_strategy(cell.strategy)
    budget = cell.budget
    overhead = 0.3 + CELL_COST.get(strategy.name, 0.0)
    model = MODEL_COST.get(_model_key(strategy))
    if model is None or (strategy.oracle not in (None, "bayesian")):
        per_trial = _TRIAL_COST.get(strategy.name) or _TRIAL_COST.get(
            str(strategy.oracle), 0.01
        )
        cost = overhead + budget * (objective_cost + per_trial)
    else:
        a, b, c, e, f = model
        start = min(_start(cell, strategy, dimension), budget)
        cost = overhead + budget * objective_cost + start * 0.01
        slope = c + e * dimension + f * dimension**2
        cost += sum(a + b * dimension + slope * n for n in range(start, budget))
    if strategy.warm is not None:
        cost += cell.prior_budget * 0.01 + 0.3
    if cell.concurrency:
        cost += 0.001 * budget * cell.concurrency
    return cost


# ------------------------------------------------------------------ cells
def _kwargs_for(task: Any, problem: str) -> tuple[tuple[str, Any], ...]:
    # Problem arguments (digits epochs) apply to the problems that take them.
    if problem.startswith("digits_mlp"):
        return tuple(getattr(task, "problem_kwargs", ()))
    return ()


def _cells(name: str, task: Any) -> list[Cell]:
    """Problems x strategies x concurrencies x seeds of one task.

    Warm-start strategies run only in the ``warmstart`` task, which gives
    them its prior budget; the ``parallel`` task's cells have one
    concurrency each.
    """
    cells = []
    for problem in task.problems:
        for strategy in task.strategies:
            warm = parse_strategy(strategy).warm is not None
            if warm and name != "warmstart":
                continue
            for k in getattr(task, "concurrency", (0,)):
                cells += [
                    Cell(
                        task=name,
                        problem=problem,
                        strategy=strategy,
                        seed=seed,
                        budget=task.budget,
                        design_size=task.design_size,
                        prior_budget=task.prior_budget if warm else 0,
                        problem_kwargs=_kwargs_for(task, problem),
                        concurrency=k,
                    )
                    for seed in seed_list(task.repeats)
                ]
    return cells


def build_cells(suite: Suite, tasks: Sequence[str] = TASKS) -> list[Cell]:
    """Every cell of the suite's tasks named in ``tasks``."""
    cells = []
    for name, task in named_tasks(suite):
        if name in tasks:
            cells += _cells(name, task)
    return cells


def named_tasks(suite: Suite) -> list[tuple[str, Any]]:
    """``(task name, task)`` for every task the suite defines, in order."""
    named = [
        *(("search", t) for t in suite.search),
        ("warmstart", suite.warmstart),
        *(("peers", t) for t in suite.peers),
        ("parallel", suite.parallel),
    ]
    return [(name, task) for name, task in named if task is not None]


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


# ------------------------------------------------------------------ plan
def _gp_cost_seconds(config: Mapping[str, Any]) -> float:
    # One hand-off proposal: about 0.01 + 0.003 d + 0.0006 n seconds; one
    # GPSampler proposal: its fit grows with the cube of n.
    total = 0.0
    for d in config.get("dims", (6, 20)):
        for n in config.get("sizes", (30, 100, 300, 1000)):
            total += 0.01 + 0.003 * d + 0.0006 * n
            total += 0.3 + 0.01 * d + 2e-8 * n**3
    return total * int(config.get("repeats", 3))


def _hyperband_proposal_seconds(config: Mapping[str, Any]) -> float:
    # One proposal at n observations plus the pending points: about
    # 0.02 + 0.001 (n + pending) seconds; a warm-up call and the problem's
    # evaluations per row.
    pending = int(config.get("pending", 20))
    calls = int(config.get("repeats", 20)) + 1
    total = 0.0
    for _ in config.get(
        "problems", ("mf_branin", "mf_hartmann6", "mf_mixed_cond")
    ):
        for n in config.get("sizes", (30, 100)):
            total += 0.5 + calls * (0.02 + 0.001 * (int(n) + pending))
    return total


def _create_trial_seconds(config: Mapping[str, Any]) -> float:
    designs = config.get("designs") or [8, config.get("trials", 500)]
    runs = (
        (1 + len(designs))
        * len(config.get("oracles", ("random", "bayesian", "hyperband")))
        * len(config.get("fsync", (True,)))
        * len(config.get("places", ("tmpfs",)))
        * int(config.get("repeats", 3))
    )
    # About 3 ms per driven trial, plus building and saving the designs.
    per_run = 0.003 * int(config.get("trials", 500)) + 0.5
    built = 0.002 * float(sum(designs)) * runs / (1 + len(designs))
    return runs * per_run + built


def _quality_seconds(c: Mapping[str, Any]) -> float:
    size = len(c.get("problems", ())) * len(c.get("initializers", ()))
    return 0.004 * size * len(c.get("seeds", ()))


def _build_seconds(c: Mapping[str, Any]) -> float:
    # lhs-cd dominates; each size is skipped past ``limit`` seconds.
    return (
        2.0 * len(c.get("dims", ())) * (5 + min(float(c.get("limit", 30)), 60))
    )


def _prior_seconds(c: Mapping[str, Any]) -> float:
    return 5e-4 * float(sum(c.get("sizes", ()))) * int(c.get("repeats", 3))


def _gp_step_seconds(c: Mapping[str, Any]) -> float:
    per = 3.0 * int(c.get("repeats", 5)) + 0.02 * int(c.get("observations", 30))
    return len(c.get("problems", ())) * per


def _targets_seconds(c: Mapping[str, Any]) -> float:
    lhs = 2e-5 * float(math.prod(c.get("lhs", (4096, 32))))
    rows = float(c.get("csv_rows", 0))
    return int(c.get("repeats", 3)) * (lhs + 1e-4 * rows)


#: Estimated seconds of each measure for its configuration.
MEASURE_COST: dict[str, Callable[[Mapping[str, Any]], float]] = {
    "design_quality": _quality_seconds,
    "create_trial": _create_trial_seconds,
    "design_build": _build_seconds,
    "prior_load": _prior_seconds,
    "gp_step": _gp_step_seconds,
    "gp_cost": _gp_cost_seconds,
    "hyperband_proposal": _hyperband_proposal_seconds,
    "design_targets": _targets_seconds,
}


def measure_seconds(measures: Mapping[str, Any]) -> float:
    """Estimated seconds of the configured measures (one at a time)."""
    return sum(
        MEASURE_COST[name](dict(config)) if name in MEASURE_COST else 60.0
        for name, config in measures.items()
    )


def format_hours(seconds: float) -> str:
    """``"12.3 h"``, ``"45 min"`` or ``"50 s"``."""
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def plan_lines(
    cells: Sequence[Cell],
    *,
    workers: int,
    finished: Iterable[str] = (),
    measures: Mapping[str, Any] | None = None,
) -> list[str]:
    """The estimated duration of a plan, per task and in total.

    Args:
        cells: The suite's cells.
        workers: Worker processes the estimate divides the cells among.
        finished: Keys of cells already in the output directory (not run
            again, not counted in "to run").
        measures: The configured measures (counted once, on one worker).
    """
    costs = cell_costs(cells)
    done = set(finished)
    by_task: dict[str, list[float]] = {}
    todo: dict[str, float] = {}
    heavy: dict[str, dict[str, float]] = {}
    for cell in cells:
        by_task.setdefault(cell.task, []).append(costs[cell.key])
        if cell.key not in done:
            todo[cell.task] = todo.get(cell.task, 0.0) + costs[cell.key]
            shares = heavy.setdefault(cell.task, {})
            shares[cell.strategy] = (
                shares.get(cell.strategy, 0.0) + costs[cell.key]
            )
    lines = [f"estimated duration on {workers} worker(s):"]
    total = 0.0
    for task, values in by_task.items():
        seconds = sum(values)
        left = todo.get(task, 0.0)
        total += left
        lines.append(
            f"  {task}: {len(values)} cells, {format_hours(seconds)} of "
            f"work, {format_hours(left / workers)} wall for the "
            f"{sum(1 for c in cells if c.task == task and c.key not in done)}"
            " not yet finished"
        )
        top = sorted(heavy.get(task, {}).items(), key=lambda kv: -kv[1])[:3]
        if top and left > 0:
            lines.append(
                "    heaviest: "
                + ", ".join(f"{name} {format_hours(c)}" for name, c in top)
                + " of work"
            )
    extra = measure_seconds(measures or {})
    if measures:
        lines.append(
            f"  measures: {', '.join(measures)}, about {format_hours(extra)}"
            " (one at a time)"
        )
    lines.append(f"  total: about {format_hours(total / workers + extra)} wall")
    return lines


__all__ = [
    "TASKS",
    "CELL_COST",
    "MEASURE_COST",
    "MODEL_COST",
    "build_cells",
    "cell_costs",
    "estimate_cost",
    "format_hours",
    "measure_seconds",
    "named_tasks",
    "plan_lines",
]
