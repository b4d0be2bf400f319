"""Cells of the multi-fidelity task, their cost, and the scheduler.

A cell is one run: a problem, a contender and a seed, with Hyperband's
``max_epochs``, ``factor`` and ``hyperband_iterations`` (which fix the
total epoch budget) and the design size of seeded oracles. Its key names
all of these.

Raw records go to ``<out>/multifidelity/raw/multifidelity-<problem>.jsonl``
(one object per evaluation; fields in
:func:`ktseed.bench.multifidelity.runs.make_records`), written by the
parent process one whole cell at a time through
:class:`ktseed.bench.runner.RawStore`, so resuming, partial-cell repair and
``--redo-strategies`` work as for the other tasks. They are kept apart from
``<out>/raw`` because their records are evaluations, not trials, and the
search task's report would misread them. Failed cells go to
``<out>/multifidelity/errors.jsonl`` and are retried by the next run.
"""

from __future__ import annotations

import json
import os
import time
import traceback
import warnings
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TextIO

from ktseed.bench.multifidelity.accounting import hyperband_new_configurations
from ktseed.bench.multifidelity.accounting import hyperband_total_epochs
from ktseed.bench.multifidelity.accounting import hyperband_trials
from ktseed.bench.multifidelity.contenders import parse_contender
from ktseed.bench.multifidelity.problems import get_mf_problem
from ktseed.bench.progress import Progress
from ktseed.bench.runner import WORKER_ENV
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import RunOutcome

#: Folder of this task inside the output directory.
FOLDER = "multifidelity"


@dataclass(frozen=True)
class MFCell:
    """One multi-fidelity run.

    Attributes:
        problem: Problem name.
        strategy: Contender name.
        seed: Seed (>= 1), the same for every contender of a repeat.
        max_epochs: Hyperband's ``max_epochs`` (the exact budget).
        factor: Hyperband's ``factor`` (``eta``).
        iterations: ``hyperband_iterations`` of KerasTuner's schedule,
            which sets the total epoch budget of every contender.
        design_size: ``n_points`` of the seeded oracles' design.
    """

    problem: str
    strategy: str
    seed: int
    max_epochs: int
    factor: int
    iterations: int
    design_size: int

    @property
    def budget(self) -> int:
        """The total epoch budget (KerasTuner's schedule)."""
        return hyperband_total_epochs(
            self.max_epochs, self.factor, self.iterations
        )

    @property
    def key(self) -> str:
        """A unique, settings-complete identifier."""
        return (
            f"multifidelity|{self.problem},max_epochs={self.max_epochs}|"
            f"{self.strategy}|seed={self.seed}|eta={self.factor},"
            f"iterations={self.iterations}|B={self.budget}|"
            f"N={self.design_size}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The plain dict sent to a worker."""
        data = asdict(self)
        data["key"] = self.key
        data["budget"] = self.budget
        return data


# ------------------------------------------------------------- cost model
# Measured on the 2-core machine with other work running (load about 5),
# one cell at a time, max_epochs=27, 3 iterations: 210 KerasTuner trials took
# 0.4-0.6 s on Hartmann6, SMAC 33 s for 245 evaluations, DEHB 0.15 s for
# 194, Optuna 0.7 s for 1,125; the digits MLP 8-37 s per run.
#: Seconds per KerasTuner trial (oracle, JSON writes) without the objective.
KT_TRIAL_SECONDS = 0.003
#: Seconds per GP hand-off proposal: issue 16's ceiling, not a measurement
#: (the hand-off is built in another branch).
GP_PROPOSAL_SECONDS = 0.1
#: Seconds per evaluation of each peer, without the objective (SMAC refits
#: its random forest after every result).
PEER_EVALUATION_SECONDS = {"dehb": 0.002, "smac": 0.14, "optuna": 0.001}
#: Fixed seconds per cell (oracle or facade set-up, scratch folder).
CELL_SECONDS = {"keras_tuner": 0.2, "ktseed": 0.3, "dehb": 0.2, "smac": 1.0}


def estimate_cost(cell: MFCell, epoch_cost: float) -> float:
    """Estimated seconds for one cell (orders work; seeds the ETA).

    The objective costs ``epoch_cost`` per charged epoch for everyone (the
    budget is the same); the rest is per trial or evaluation.
    """
    contender = parse_contender(cell.strategy)
    budget = cell.budget
    cost = CELL_SECONDS.get(contender.family, 0.2) + budget * epoch_cost
    if contender.is_keras_tuner:
        trials = hyperband_trials(cell.max_epochs, cell.factor, cell.iterations)
        cost += trials * KT_TRIAL_SECONDS
        if contender.handoff is not None:
            new = hyperband_new_configurations(
                cell.max_epochs, cell.factor, cell.iterations
            )
            cost += max(new - cell.design_size, 0) * GP_PROPOSAL_SECONDS
        return cost
    # Evaluations: about one per epoch for Optuna (every epoch reported),
    # about KerasTuner's trial count for the Hyperband-style peers.
    if contender.family == "optuna":
        evaluations = budget
    else:
        evaluations = hyperband_trials(
            cell.max_epochs, cell.factor, cell.iterations
        )
    return cost + evaluations * PEER_EVALUATION_SECONDS[contender.family]


def cell_costs(cells: Sequence[MFCell]) -> dict[str, float]:
    """Estimated seconds per cell key."""
    epoch_costs: dict[str, float] = {}
    costs = {}
    for cell in cells:
        if cell.problem not in epoch_costs:
            epoch_costs[cell.problem] = get_mf_problem(cell.problem).epoch_cost
        costs[cell.key] = estimate_cost(cell, epoch_costs[cell.problem])
    return costs


class EpochProgress(Progress):
    """The progress bar, counting epochs of budget instead of trials."""

    def line(self) -> str:
        """The current progress line."""
        text = super().line().replace(" trials (", " epochs (", 1)
        return f"multifidelity {text}"


# ------------------------------------------------------------- the store
def store(out: Path) -> RawStore:
    """The raw store of this task inside the output directory ``out``."""
    return RawStore(Path(out) / FOLDER)


def drop(out: Path, strategies: Iterable[str]) -> int:
    """Removes the finished cells of ``strategies``; returns how many."""
    if not (Path(out) / FOLDER / "raw").is_dir():
        return 0
    return store(out).drop(strategies)


# --------------------------------------------------------------- workers
def _init_worker() -> None:
    os.environ.update(WORKER_ENV)
    warnings.simplefilter("ignore")


def run_cell_safely(cell: Mapping[str, Any]) -> dict[str, Any]:
    """Runs a cell and never raises: ``{"key", "records", "error", ...}``."""
    from ktseed.bench.multifidelity.runs import execute_cell

    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            records = execute_cell(cell)
            error = None
        except Exception:
            records = []
            error = traceback.format_exc()
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return {
        "key": cell["key"],
        "records": records,
        "error": error,
        "warnings": messages,
        "seconds": time.perf_counter() - started,
    }


def run_cells(
    cells: Iterable[MFCell],
    out: Path,
    *,
    workers: int = 1,
    stream: TextIO | None = None,
    progress_interval: float = 30.0,
    outcome: RunOutcome | None = None,
) -> RunOutcome:
    """Runs every unfinished cell; appends to ``outcome`` when given.

    Args:
        cells: The cells.
        out: The benchmark's output directory.
        workers: Worker processes; 1 runs in this process.
        stream: Progress stream (default ``sys.stderr``).
        progress_interval: Seconds between progress lines on a non-tty.
        outcome: An outcome to extend (the other tasks' one).

    Returns:
        The outcome.
    """
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    raw = store(out)
    finished = raw.scan()
    outcome = outcome if outcome is not None else RunOutcome()
    started = time.perf_counter()
    todo = []
    for cell in dict.fromkeys(cells):
        if cell.key in finished:
            outcome.skipped.append(cell.key)
        else:
            todo.append(cell)
    costs = cell_costs(todo)
    rank: dict[str, int] = {}
    for cell in todo:
        rank.setdefault(cell.problem, len(rank))
    todo.sort(key=lambda c: (rank[c.problem], -costs[c.key]))
    by_key = {c.key: c for c in todo}
    progress = EpochProgress(
        sum(c.budget for c in todo),
        len(todo),
        sum(costs.values()),
        stream=stream,
        interval=progress_interval,
    )

    def collect(result: Mapping[str, Any]) -> None:
        key = str(result["key"])
        if result["error"] is None:
            raw.write(result["records"])
            outcome.ran.append(key)
        else:
            outcome.failed.append(key)
            _log(
                folder / "errors.jsonl", {"cell": key, "error": result["error"]}
            )
        if result.get("warnings"):
            _log(
                folder / "warnings.jsonl",
                {"cell": key, "warnings": result["warnings"]},
            )
        progress.update(
            trials=by_key[key].budget,
            cost=costs[key],
            failed=result["error"] is not None,
        )

    if todo:
        progress.draw(force=True)
        if workers <= 1 or len(todo) == 1:
            for cell in todo:
                collect(run_cell_safely(cell.to_dict()))
        else:
            _run_pool(todo, workers, collect)
        progress.close()
    outcome.seconds += time.perf_counter() - started
    return outcome


def _run_pool(
    todo: Sequence[MFCell],
    workers: int,
    collect: Callable[[Mapping[str, Any]], None],
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import as_completed

    saved = {k: os.environ.get(k) for k in WORKER_ENV}
    os.environ.update(WORKER_ENV)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        ) as pool:
            futures = [pool.submit(run_cell_safely, c.to_dict()) for c in todo]
            try:
                for future in as_completed(futures):
                    collect(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _log(path: Path, entry: Mapping[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(dict(entry)) + "\n")


__all__ = [
    "FOLDER",
    "MFCell",
    "cell_costs",
    "drop",
    "estimate_cost",
    "run_cell_safely",
    "run_cells",
    "store",
]
