"""The ``portfolio`` task's plan: what ``ktseed bench --list`` prints.

The estimate uses the suite's cost model (:data:`ktseed.bench.plan.MODEL_COST`,
CPU seconds with one BLAS thread): each search is ``design_size`` design
trials at 0.01 s and then one model step per trial for the hand-off
(``bayesian-gp`` for ktseed's GP, ``bayesian`` for KerasTuner's own step)
at the family's mean number of hyperparameters; each cell adds
:data:`CELL_SECONDS` for writing the earlier searches and building the
four designs (the portfolio's build took 0.2 to 0.3 s of the reduced
run's ``build_seconds``). The SVM family's score table is computed once
per output folder (cached in ``svm_table_<grid>.json``) and is not
counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from ktseed.bench.plan import MODEL_COST
from ktseed.bench.plan import format_hours
from ktseed.bench.portfolio_settings import PortfolioTask

#: Seconds per cell besides the searches: the earlier searches written as
#: projects (and CSV files) and the four designs built and scored.
CELL_SECONDS = 0.5

#: The cost-model entry of each hand-off.
HANDOFF_MODEL = {"gp": "bayesian-gp", "stock": "bayesian"}


def family_dimensions(settings: PortfolioTask) -> dict[str, float]:
    """Mean number of hyperparameters of each family's tasks."""
    from ktseed.bench.portfolio_family import cond_family
    from ktseed.bench.portfolio_family import mixed_family
    from ktseed.bench.portfolio_svm import svm_space

    found: dict[str, float] = {}
    for family in settings.families:
        if family == "svm":
            found[family] = float(len(svm_space(settings.svm_grid).space))
            continue
        make = mixed_family if family == "mixed" else cond_family
        sizes = [len(t.space().space) for t in make(settings.tasks)]
        found[family] = sum(sizes) / len(sizes)
    return found


def search_seconds(
    handoff: str, dimension: float, budget: int, design_size: int
) -> float:
    """Estimated CPU seconds of one seeded Bayesian search."""
    a, b, c, e, f = MODEL_COST[HANDOFF_MODEL[handoff]]
    start = min(design_size, budget)
    slope = c + e * dimension + f * dimension**2
    model = sum(a + b * dimension + slope * n for n in range(start, budget))
    return 0.01 * start + model


def cell_seconds(
    settings: PortfolioTask, dimension: float, handoffs: Iterable[str]
) -> float:
    """Estimated CPU seconds of one cell."""
    per_design = sum(
        search_seconds(h, dimension, settings.budget, settings.design_size)
        for h in handoffs
    )
    return CELL_SECONDS + 4 * per_design


def plan_lines(
    settings: PortfolioTask | None,
    *,
    workers: int = 1,
    finished: Sequence[str] = (),
) -> list[str]:
    """The ``--list`` lines: settings, cells and the estimated work.

    Args:
        settings: The suite's portfolio task (``None``: no lines).
        workers: Worker processes the wall-time estimate divides among.
        finished: Cell keys already in the output folder's ``raw.jsonl``.
    """
    from ktseed.bench.portfolio_cells import run_key
    from ktseed.bench.portfolio_task import family_task_names

    if settings is None:
        return []
    dims = family_dimensions(settings)
    names = family_task_names(settings)
    done = set(finished)
    work = left = 0.0
    counts = {"designs": 0, "gp": 0, "stock": 0}
    todo = 0
    for family, held, seed, handoffs in settings.cells():
        seconds = cell_seconds(settings, dims[family], handoffs)
        work += seconds
        counts["designs"] += 1
        for handoff in handoffs:
            counts[handoff] += 1
        key = run_key(settings, family, names[family][held], seed, handoffs)
        if key not in done:
            left += seconds
            todo += 1
    cells = len(settings.cells())
    lines = [f"portfolio: {settings.describe()}"]
    lines.append(
        f"  designs sobol, random, prior_run, portfolio; "
        f"d = {', '.join(f'{k} {v:.1f}' for k, v in dims.items())}"
    )
    lines.append(
        f"  portfolio: {cells} cells ({counts['gp']} with GP-hand-off "
        f"searches, {counts['stock']} with KerasTuner's GP step; 4 designs "
        f"each), estimated {format_hours(work)} of work, "
        f"{format_hours(left / max(workers, 1))} wall on {workers} "
        f"worker(s) for the {todo} not yet finished"
    )
    return lines


__all__ = [
    "CELL_SECONDS",
    "HANDOFF_MODEL",
    "cell_seconds",
    "family_dimensions",
    "plan_lines",
    "search_seconds",
]
