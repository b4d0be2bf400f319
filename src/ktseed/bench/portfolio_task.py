"""The ``portfolio`` benchmark task: leave one task out, start from the rest.

For each family (:mod:`ktseed.bench.portfolio_family`), each held-out task
and each seed (a *cell*):

1. Every other task of the family gets an earlier search: ``prior_trials``
   random configurations of its own space, drawn from the seed and the
   task, scored and written as a KerasTuner project (and, for the ``svm``
   family, exported as CSV with ``ktseed export``'s writer, which is what
   the portfolio reads there).
2. Four designs of ``design_size`` points are built for the held-out task
   and evaluated on it: ``sobol`` and ``random`` (KerasTuner's own start,
   seeded), ``prior_run`` (the ``top_k`` best of the single most similar
   earlier task, see :func:`~ktseed.bench.portfolio_family.most_similar`)
   and ``portfolio`` (from every other task). This is cheap, and is done
   for every seed (``repeats``): the best-of-``design_size`` measure.
3. For the first ``search_repeats`` seeds, each design starts a seeded
   Bayesian search of ``budget`` trials with the GP hand-off; for the first
   ``stock_repeats`` seeds of the first ``stock_tasks`` held-out tasks,
   also with KerasTuner's own GP step (20 to 100 times slower per trial
   on the development machine, which is why it has its own counts).

Each design and each search is one JSON line of ``<out>/raw.jsonl``
(``kind`` ``"design"`` or ``"search"``): the objective value (``scores``)
and, for ``svm``, the held-out score of every trial, the design, the time
the design took. A cell's lines are written together; a re-run skips the
cells already written. The timing measure (a portfolio of 16 from 10
sources of 1,000 trials, repeated) goes to ``<out>/timing.json``.
:mod:`ktseed.bench.portfolio_report` turns both into tables and a plot.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from collections.abc import Sequence
from concurrent.futures import as_completed
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any
from typing import TextIO

from ktseed.bench.portfolio_cells import DESIGNS
from ktseed.bench.portfolio_cells import run_cell
from ktseed.bench.portfolio_cells import run_key
from ktseed.bench.portfolio_family import FamilyTask
from ktseed.bench.portfolio_family import cond_family
from ktseed.bench.portfolio_family import mixed_family
from ktseed.bench.portfolio_svm import svm_family
from ktseed.bench.portfolio_timing import build_timing
from ktseed.bench.runner import WORKER_ENV
from ktseed.bench.runner import read_jsonl

#: The families, in run order.
FAMILIES = ("mixed", "mixed_cond", "svm")

#: The Bayesian oracle's hand-offs: ktseed's GP, KerasTuner's own step.
HANDOFFS = ("gp", "stock")

#: Seeds 1, 10001, 20001, ...: the rule of ``ktseed.bench.suites.seed_list``
#: (KerasTuner treats seed 0 as unseeded; spacing keeps its draws apart).
SEED_SPACING = 10_000


@dataclass(frozen=True)
class PortfolioTask:
    """Settings of the ``portfolio`` benchmark task.

    Attributes:
        name: ``"full"``, ``"reduced"``, ``"quick"`` or another label,
            shown in the results.
        families: Which families to run (see :data:`FAMILIES`).
        tasks: Tasks per family (the first ones; at most 8).
        held_out: How many of them are held out in turn (the first ones).
        repeats: Seeds per held-out task (designs evaluated).
        search_repeats: Of those, how many run the searches with the GP
            hand-off.
        stock_repeats: Of those, how many also run KerasTuner's GP step,
        stock_tasks: on this many held-out tasks per family (the first).
        budget: Trials per search.
        design_size: Points of every design (``top_k`` of ``prior_run``).
        prior_trials: Trials of each earlier search.
        svm_grid: ``"full"`` or ``"quick"`` (the SVM space's grid).
        timing: ``{"sources", "trials", "n_points", "repeats"}`` of the
            build-time measure, or ``None``.
    """

    name: str = "full"
    families: tuple[str, ...] = FAMILIES
    tasks: int = 8
    held_out: int = 8
    repeats: int = 20
    search_repeats: int = 20
    stock_repeats: int = 20
    stock_tasks: int = 8
    budget: int = 30
    design_size: int = 8
    prior_trials: int = 64
    svm_grid: str = "full"
    timing: tuple[tuple[str, int], ...] | None = (
        ("sources", 10),
        ("trials", 1000),
        ("n_points", 16),
        ("repeats", 5),
    )

    @classmethod
    def preset(cls, name: str) -> PortfolioTask:
        """``"full"`` (the defaults), ``"reduced"`` or ``"quick"``.

        ``reduced`` is what fits in about 45 minutes on one busy core: the
        designs of every family for 20 seeds, the GP-hand-off searches for
        10 of them, and KerasTuner's own GP step for 1 seed on 2 held-out
        tasks per family. ``quick`` is CI's smoke run (under a minute):
        two families of 4 tasks, 2 held out, 2 seeds, tiny budgets.
        """
        if name == "full":
            return cls()
        if name == "reduced":
            return cls(
                name="reduced",
                search_repeats=10,
                stock_repeats=1,
                stock_tasks=2,
            )
        if name == "quick":
            return cls(
                name="quick",
                families=("mixed", "svm"),
                tasks=4,
                held_out=2,
                repeats=2,
                search_repeats=1,
                stock_repeats=1,
                stock_tasks=1,
                budget=8,
                design_size=4,
                prior_trials=20,
                svm_grid="quick",
                timing=(
                    ("sources", 3),
                    ("trials", 200),
                    ("n_points", 8),
                    ("repeats", 2),
                ),
            )
        msg = f"unknown preset '{name}'; expected full, reduced or quick."
        raise LookupError(msg)

    def customised(
        self,
        repeats: int | None = None,
        budget: int | None = None,
        design_size: int | None = None,
    ) -> PortfolioTask:
        """The command line's ``--repeats``, ``--budget``, ``--design-size``.

        ``repeats`` also caps the searches' seeds.
        """
        changed = self
        if repeats is not None:
            changed = replace(
                changed,
                repeats=repeats,
                search_repeats=min(self.search_repeats, repeats),
                stock_repeats=min(self.stock_repeats, repeats),
            )
        if budget is not None:
            changed = replace(changed, budget=budget)
        if design_size is not None:
            changed = replace(changed, design_size=design_size)
        return changed

    def describe(self) -> str:
        """One line for ``ktseed bench --list``."""
        return (
            f"{self.name}: {', '.join(self.families)} | {self.tasks} tasks, "
            f"{self.held_out} held out, {self.repeats} seeds (searches: "
            f"{self.search_repeats} GP hand-off, {self.stock_repeats} stock "
            f"on {self.stock_tasks} task(s)), budget {self.budget}, "
            f"design {self.design_size}"
        )

    def seeds(self) -> list[int]:
        """The seeds of every held-out task."""
        return [1 + SEED_SPACING * k for k in range(self.repeats)]

    def handoffs(self, held: int, k: int) -> tuple[str, ...]:
        """The searches of held-out task ``held`` with the ``k``-th seed."""
        wanted: tuple[str, ...] = ()
        if k < self.search_repeats:
            wanted += ("gp",)
        if k < self.stock_repeats and held < self.stock_tasks:
            wanted += ("stock",)
        return wanted


def family_tasks(
    name: str, settings: PortfolioTask, out: Path
) -> list[FamilyTask]:
    """The tasks of one family, as the settings ask."""
    if name == "mixed":
        return mixed_family(settings.tasks)
    if name == "mixed_cond":
        return cond_family(settings.tasks)
    if name == "svm":
        from ktseed.bench.portfolio_svm import SVM_DATASETS

        out.mkdir(parents=True, exist_ok=True)
        return svm_family(
            settings.svm_grid,
            SVM_DATASETS[: settings.tasks],
            cache=out / f"svm_table_{settings.svm_grid}.json",
        )
    msg = f"unknown family '{name}'; expected one of {', '.join(FAMILIES)}."
    raise LookupError(msg)


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """BLAS limited to one thread, as in the suite's worker processes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - shipped with scikit-learn
        yield
        return
    with threadpool_limits(limits=1):
        yield


# ------------------------------------------------------------------ run
def done_keys(raw: Path) -> set[str]:
    """Cells whose runs are all in ``raw`` (plain or gzipped)."""
    found: set[str] = set()
    for path in (raw, raw.with_name(raw.name + ".gz")):
        if path.is_file():
            found.update(str(r["key"]) for r in read_jsonl(path))
    return found


def run_portfolio(
    settings: PortfolioTask,
    out: Path,
    *,
    workers: int = 1,
    stream: TextIO | None = None,
) -> dict[str, Any]:
    """Runs every unfinished cell, then the timing measure.

    The cells (and the timing) run in ``workers`` spawned processes whose
    BLAS and OpenMP are limited to one thread before NumPy loads, as the
    suite's workers are: on a busy machine KerasTuner's GP step (SciPy's
    L-BFGS-B on a handful of variables) ran several times slower with
    multi-threaded BLAS. A cell that raises is logged in
    ``<out>/errors.jsonl`` and retried by the next run.

    Args:
        settings: The task's settings.
        out: Its output folder (``<suite out>/portfolio``).
        workers: Worker processes.
        stream: Where progress goes (default ``sys.stderr``).

    Returns:
        ``{"ran", "skipped", "failed", "seconds"}``.
    """
    stream = stream or sys.stderr
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "raw.jsonl"
    finished = done_keys(raw)
    meta = out / "settings.json"
    meta.write_text(json.dumps(asdict(settings), indent=1), encoding="utf-8")
    started = time.perf_counter()
    todo = []
    skipped = 0
    for family in settings.families:
        tasks = family_tasks(family, settings, out)  # tabulates svm once
        for held in range(min(settings.held_out, len(tasks))):
            for k, seed in enumerate(settings.seeds()):
                wanted = settings.handoffs(held, k)
                key = run_key(settings, family, tasks[held].name, seed, wanted)
                if key in finished:
                    skipped += 1
                else:
                    todo.append(
                        (family, held, seed, settings.handoffs(held, k))
                    )
    timing = None if settings.timing is None else dict(settings.timing)
    timing_path = out / "timing.json"
    if timing is not None and timing_path.is_file():
        old = json.loads(timing_path.read_text(encoding="utf-8"))
        if old.get("requested") == timing:
            timing = None
    ran = failed = 0
    if not todo and timing is None:
        return {"ran": 0, "skipped": skipped, "failed": 0, "seconds": 0.0}
    with _pool(workers) as pool:
        futures = [
            pool.submit(_work, settings, str(out), *cell) for cell in todo
        ]
        for future in as_completed(futures):
            result = future.result()
            if result["error"] is None:
                with open(raw, "a", encoding="utf-8") as handle:
                    handle.write(
                        "".join(json.dumps(r) + "\n" for r in result["records"])
                    )
                ran += 1
            else:
                failed += 1
                with open(out / "errors.jsonl", "a", encoding="utf-8") as h:
                    h.write(json.dumps(result) + "\n")
            stream.write(
                f"ktseed bench portfolio: {result['key']} "
                f"{'failed' if result['error'] else 'done'} "
                f"({ran + failed}/{len(todo)}, "
                f"{time.perf_counter() - started:.0f} s)\n"
            )
            stream.flush()
        if timing is not None:
            measured = pool.submit(build_timing, **timing).result()
            measured["requested"] = timing
            timing_path.write_text(
                json.dumps(measured, indent=1), encoding="utf-8"
            )
    return {
        "ran": ran,
        "skipped": skipped,
        "failed": failed,
        "seconds": time.perf_counter() - started,
    }


def _work(
    settings: PortfolioTask,
    out: str,
    family: str,
    held: int,
    seed: int,
    handoffs: tuple[str, ...],
) -> dict[str, Any]:
    """One cell in a worker: ``{"key", "records", "error"}``, never raises."""
    key = f"{family}|held={held}|seed={seed}"
    try:
        tasks = family_tasks(family, settings, Path(out))
        key = run_key(settings, family, tasks[held].name, seed, handoffs)
        with _one_thread():
            records = run_cell(
                settings, family, tasks, held, seed, handoffs=handoffs
            )
    except Exception:
        return {"key": key, "records": [], "error": traceback.format_exc()}
    return {"key": key, "records": records, "error": None}


def _init_worker() -> None:
    os.environ.update(WORKER_ENV)
    warnings.simplefilter("ignore")


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[Any]:
    """Spawned worker processes with one BLAS thread each."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    saved = {k: os.environ.get(k) for k in WORKER_ENV}
    os.environ.update(WORKER_ENV)  # read by BLAS when a worker starts
    try:
        with ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        ) as pool:
            yield pool
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ktseed.bench.portfolio_task``: run one preset, report.

    The same as ``ktseed bench --tasks portfolio`` with a preset of
    :meth:`PortfolioTask.preset` (``reduced`` has no ``ktseed bench``
    suite) and a few overrides.
    """
    import argparse

    from ktseed.bench import portfolio_report

    parser = argparse.ArgumentParser(
        prog="python -m ktseed.bench.portfolio_task"
    )
    parser.add_argument(
        "--preset", default="reduced", choices=["full", "reduced", "quick"]
    )
    parser.add_argument("--out", default="bench-out/portfolio")
    parser.add_argument("--families", default=None, help="comma-separated")
    parser.add_argument("--workers", type=int, default=1)
    for option in ("repeats", "search-repeats", "stock-repeats", "stock-tasks"):
        parser.add_argument(f"--{option}", type=int, default=None)
    args = parser.parse_args(argv)
    settings = PortfolioTask.preset(args.preset)
    changes: dict[str, Any] = {}
    if args.families:
        changes["families"] = tuple(args.families.split(","))
    for name in ("repeats", "search_repeats", "stock_repeats", "stock_tasks"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    settings = replace(settings, **changes)
    outcome = run_portfolio(settings, Path(args.out), workers=args.workers)
    for path in portfolio_report.write_reports(Path(args.out)):
        print(f"wrote {path}")
    print(
        f"cells: {outcome['ran']} run, {outcome['skipped']} already "
        f"finished, {outcome['failed']} failed ({outcome['seconds']:.0f} s)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = [
    "DESIGNS",
    "FAMILIES",
    "HANDOFFS",
    "PortfolioTask",
    "done_keys",
    "family_tasks",
    "main",
    "run_portfolio",
]
