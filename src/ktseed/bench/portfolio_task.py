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
import sys
import time
import traceback
from collections.abc import Iterator
from collections.abc import Sequence
from concurrent.futures import as_completed
from dataclasses import asdict
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
from ktseed.bench.portfolio_settings import FAMILIES
from ktseed.bench.portfolio_settings import HANDOFFS
from ktseed.bench.portfolio_settings import PortfolioTask
from ktseed.bench.portfolio_svm import svm_family
from ktseed.bench.portfolio_timing import build_timing
from ktseed.bench.runner import RunOutcome
from ktseed.bench.runner import read_jsonl
from ktseed.bench.workers import worker_pool


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


def family_task_names(settings: PortfolioTask) -> dict[str, list[str]]:
    """The task names of every family, without tabulating the SVM grid."""
    from ktseed.bench.portfolio_svm import SVM_DATASETS

    names: dict[str, list[str]] = {}
    for family in settings.families:
        if family == "svm":
            datasets = SVM_DATASETS[: settings.tasks]
            names[family] = [f"svm-{d}" for d in datasets]
        elif family in ("mixed", "mixed_cond"):
            names[family] = [f"{family}-{i}" for i in range(settings.tasks)]
        else:
            family_tasks(family, settings, Path("."))  # raises LookupError
    return names


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
    outcome: RunOutcome | None = None,
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
        outcome: The suite's outcome, extended with this task's cell keys
            (``ran``, ``skipped``, ``failed``) and wall time.

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
    names = family_task_names(settings)
    for family in settings.families:
        family_tasks(family, settings, out)  # tabulates svm once
    for family, held, seed, wanted in settings.cells():
        key = run_key(settings, family, names[family][held], seed, wanted)
        if key in finished:
            skipped += 1
            if outcome is not None:
                outcome.skipped.append(key)
        else:
            todo.append((family, held, seed, wanted))
    timing = None if settings.timing is None else dict(settings.timing)
    timing_path = out / "timing.json"
    if timing is not None and timing_path.is_file():
        old = json.loads(timing_path.read_text(encoding="utf-8"))
        if old.get("requested") == timing:
            timing = None
    ran = failed = 0
    if not todo and timing is None:
        return {"ran": 0, "skipped": skipped, "failed": 0, "seconds": 0.0}
    with worker_pool(max(1, workers)) as pool:
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
                if outcome is not None:
                    outcome.ran.append(result["key"])
            else:
                failed += 1
                if outcome is not None:
                    outcome.failed.append(result["key"])
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
    seconds = time.perf_counter() - started
    if outcome is not None:
        outcome.seconds += seconds
    return {
        "ran": ran,
        "skipped": skipped,
        "failed": failed,
        "seconds": seconds,
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
    "family_task_names",
    "family_tasks",
    "main",
    "run_portfolio",
]
