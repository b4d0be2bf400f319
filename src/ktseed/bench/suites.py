"""The ``quick`` and ``full`` suites: what each task runs, and overrides.

``quick`` exercises every part of the benchmark on a few cells (a smoke
test for CI; its numbers mean little, a failed cell fails it). ``full``
produces the committed results. Cells and costs are built by
:mod:`ktseed.bench.plan`; :mod:`ktseed.bench.suite_run` runs a suite and
writes its reports (both re-exported here).

Tasks: ``search`` (the oracles and initial designs, budget 30),
``warmstart``, ``peers`` (the GP hand-off against every peer, budget 100
read at 10, 20, 30, 50 and 100 trials), ``parallel`` (``k`` trials
pending at once), ``measures``, ``multifidelity`` and ``portfolio``
(leave-one-task-out starts from several earlier tasks, see
:mod:`ktseed.bench.portfolio_task`).

The full suite's settings were fixed before its results were seen, from
the pilot study (budget 30, an 8-point design, at least 20 seeds) and the
issue; ktseed's defaults were not tuned on these problems. The design size
is given explicitly (``n_points=8``) to every initializer so that all
designs have the same size; ktseed's own default size rule is not what is
measured here.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ktseed.bench.cells import SEED_SPACING
from ktseed.bench.cells import seed_list
from ktseed.bench.multifidelity import suite as mf_suite
from ktseed.bench.plan import build_cells
from ktseed.bench.plan import cell_costs
from ktseed.bench.portfolio_settings import PortfolioTask
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import all_search_strategies
from ktseed.bench.strategies import parse_strategy
from ktseed.bench.suite_run import TASKS
from ktseed.bench.suite_run import SuiteResult
from ktseed.bench.suite_run import default_workers
from ktseed.bench.suite_run import environment
from ktseed.bench.suite_run import run_measures
from ktseed.bench.suite_run import run_suite
from ktseed.bench.suite_run import write_reports
from ktseed.bench.tasks import Measures
from ktseed.bench.tasks import ParallelTask
from ktseed.bench.tasks import SearchTask
from ktseed.bench.tasks import Suite
from ktseed.bench.tasks import SuiteConfigError
from ktseed.bench.tasks import WarmStartTask

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

#: The ``peers`` task's synthetic problems: the first suite's and the new.
PEER_SYNTHETIC = (*SYNTHETIC, "mixed10", "rosen20", "basins")

#: The cross-validated training problems (``SklearnTuner``).
PEER_TRAINING = ("gbm_cancer", "svm_digits")

#: Contenders of the ``peers`` task: stock KerasTuner, the GP hand-off and
#: every peer, in report order.
PEER_CONTENDERS = (
    "random/stock",
    "bayesian/stock",
    "bayesian-gp/sobol",
    "optuna/tpe",
    "optuna/gp",
    "smac/bb",
    "smac/hpo",
    "skopt/gp",
    "ax/botorch",
)

#: Design size of the ``peers`` and ``parallel`` tasks: Optuna's and
#: scikit-optimize's default start, given to every contender that takes one.
PEER_DESIGN = 10

#: Contenders of the ``parallel`` task.
PARALLEL_CONTENDERS = ("bayesian-gp/sobol", "optuna/gp")


def full_suite() -> Suite:
    """The suite behind the committed results (``--list`` estimates it)."""
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
            create_trial={
                "trials": 500,
                "repeats": 7,
                "designs": [8, 64, 512, 4096],
                "fsync": [True, False],
            },
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
            gp_cost={
                "dims": [6, 20],
                "sizes": [30, 100, 300, 1000],
                "repeats": 3,
            },
            hyperband_proposal={
                "problems": ["mf_branin", "mf_hartmann6", "mf_mixed_cond"],
                "sizes": [30, 100],
                "pending": 20,
                "repeats": 20,
            },
            design_targets={
                "lhs": [4096, 32],
                "csv_rows": 300_000,
                "repeats": 3,
            },
        ),
        peers=(
            SearchTask(
                problems=PEER_SYNTHETIC,
                strategies=PEER_CONTENDERS,
                repeats=20,
                budget=100,
                design_size=PEER_DESIGN,
            ),
            SearchTask(
                problems=PEER_TRAINING,
                strategies=PEER_CONTENDERS,
                repeats=10,
                budget=100,
                design_size=PEER_DESIGN,
            ),
        ),
        parallel=ParallelTask(
            problems=PEER_SYNTHETIC,
            strategies=PARALLEL_CONTENDERS,
            repeats=20,
            budget=30,
            design_size=PEER_DESIGN,
        ),
        multifidelity=mf_suite.full_tasks(),
        portfolio=PortfolioTask(),
    )


def quick_suite() -> Suite:
    """A smoke test of every part (about 3 minutes on 2 cores)."""
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
            create_trial={
                "trials": 30,
                "repeats": 1,
                "designs": [8, 64],
                "fsync": [True, False],
            },
            design_build={
                "sizes": [16, 256],
                "dims": [2, 8],
                "limit": 5.0,
            },
            prior_load={"sizes": [100, 1000], "repeats": 2},
            gp_step={"problems": ["mixed"], "observations": 10, "repeats": 1},
            gp_cost={"dims": [6], "sizes": [30], "repeats": 1},
            hyperband_proposal={
                "problems": ["mf_mixed_cond"],
                "sizes": [30],
                "pending": 20,
                "repeats": 2,
            },
            design_targets={"lhs": [256, 8], "csv_rows": 2000, "repeats": 1},
        ),
        peers=(
            # Every peer on a conditional training space, tiny budget.
            SearchTask(
                problems=("svm_digits",),
                strategies=PEER_CONTENDERS,
                repeats=1,
                budget=5,
                design_size=3,
            ),
            # Every new problem, with the hand-off and a cheap peer.
            SearchTask(
                problems=("mixed10", "rosen20", "basins", "gbm_cancer"),
                strategies=("bayesian-gp/sobol", "optuna/tpe"),
                repeats=1,
                budget=5,
                design_size=3,
            ),
        ),
        parallel=ParallelTask(
            problems=("mixed",),
            strategies=PARALLEL_CONTENDERS,
            repeats=1,
            budget=8,
            design_size=3,
        ),
        multifidelity=mf_suite.quick_tasks(),
        portfolio=PortfolioTask.preset("quick"),
    )


SUITES = {"quick": quick_suite, "full": full_suite}


def _check_options(
    problems: Sequence[str] | None,
    strategies: Sequence[str] | None,
    numbers: Mapping[str, int | None],
) -> None:
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
    for option, value in numbers.items():
        if value is not None and value < 1:
            msg = f"{option} must be a positive integer (got {value})."
            raise SuiteConfigError(msg)
    budget, design = numbers["--budget"], numbers["--design-size"]
    if budget is not None and design is not None and design > budget:
        msg = f"--design-size ({design}) must not exceed --budget ({budget})."
        raise SuiteConfigError(msg)


def _resized(task: Any, numbers: Mapping[str, int | None]) -> Any:
    """``task`` with the ``--repeats``/``--budget``/``--design-size``."""
    resized = replace(
        task,
        repeats=numbers["--repeats"] or task.repeats,
        budget=numbers["--budget"] or task.budget,
        design_size=numbers["--design-size"] or task.design_size,
    )
    if resized.design_size > resized.budget:
        msg = (
            f"design size {resized.design_size} exceeds budget "
            f"{resized.budget}; pass --design-size."
        )
        raise SuiteConfigError(msg)
    return resized


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

    ``problems`` keeps only the listed problems in the ``search``,
    ``peers`` and ``parallel`` tasks (a listed problem no task has joins
    the first search task); ``strategies`` replaces the ``search`` and
    ``peers`` tasks' strategies; ``repeats``, ``budget`` and
    ``design_size`` apply to every task.

    Raises:
        SuiteConfigError: For unknown names or values out of range.
    """
    suite, problems, strategies = mf_suite.customise(
        suite, problems=problems, strategies=strategies, repeats=repeats
    )
    numbers = {
        "--repeats": repeats,
        "--budget": budget,
        "--design-size": design_size,
    }
    _check_options(problems, strategies, numbers)
    wanted = set(problems) if problems else None
    placed: set[str] = set()

    def keep(task: Any) -> Any:
        if wanted is None:
            return task
        kept = tuple(p for p in task.problems if p in wanted)
        placed.update(kept)
        return replace(task, problems=kept)

    search = [keep(t) for t in suite.search]
    peers = [keep(t) for t in suite.peers]
    parallel = keep(suite.parallel) if suite.parallel is not None else None
    if problems:
        missing = tuple(p for p in problems if p not in placed)
        if missing and search:
            search[0] = replace(
                search[0], problems=search[0].problems + missing
            )
    if strategies:
        search = [replace(t, strategies=tuple(strategies)) for t in search]
        peers = [replace(t, strategies=tuple(strategies)) for t in peers]
    warm = suite.warmstart
    portfolio = suite.portfolio
    if portfolio is not None:
        portfolio = portfolio.customised(repeats, budget, design_size)
    return replace(
        suite,
        search=tuple(_resized(t, numbers) for t in search if t.problems),
        peers=tuple(_resized(t, numbers) for t in peers if t.problems),
        parallel=_resized(parallel, numbers)
        if parallel is not None and parallel.problems
        else None,
        warmstart=_resized(warm, numbers) if warm is not None else None,
        portfolio=portfolio,
    )


__all__ = [
    "SEED_SPACING",
    "PARALLEL_CONTENDERS",
    "PEER_CONTENDERS",
    "SUITES",
    "TASKS",
    "Measures",
    "ParallelTask",
    "SearchTask",
    "Suite",
    "SuiteConfigError",
    "SuiteResult",
    "WarmStartTask",
    "build_cells",
    "cell_costs",
    "customise",
    "default_workers",
    "environment",
    "full_suite",
    "quick_suite",
    "run_measures",
    "run_suite",
    "seed_list",
    "write_reports",
]
