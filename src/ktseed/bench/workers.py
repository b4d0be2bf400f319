"""Worker processes of the benchmark tasks that run cells.

Both schedulers (:func:`ktseed.bench.runner.run_cells` and
:func:`ktseed.bench.multifidelity.task.run_cells`) run their cells through
:func:`run_each`, in this process or in a pool of spawned workers with one
thread per numeric library (:data:`WORKER_ENV`), wrap each cell in
:func:`run_safely` so that a failing cell is a result rather than an
exception, and log what went wrong with :func:`log_problems`. The
portfolio task, which schedules its own cells, takes the same pool
(:func:`worker_pool`).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import traceback
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Environment of worker processes: one thread per numeric library.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}

#: A function that runs one cell (given as a dict) and returns its records.
Execute = Callable[[Mapping[str, Any]], list[dict[str, Any]]]

#: A function that runs one cell and never raises (see :func:`run_safely`).
SafeRun = Callable[[Mapping[str, Any]], dict[str, Any]]


def init_worker() -> None:
    """Prepares a worker process: single-threaded libraries, no warnings."""
    os.environ.update(WORKER_ENV)
    warnings.simplefilter("ignore")


def run_safely(execute: Execute, cell: Mapping[str, Any]) -> dict[str, Any]:
    """Runs ``execute(cell)`` and never raises.

    Warnings raised while the cell runs are collected (unique messages).

    Args:
        execute: Runs the cell and returns its records.
        cell: The cell as a dict, with its ``"key"``.

    Returns:
        ``{"key", "records", "error", "warnings", "seconds"}``: ``error``
        is the traceback of a failure (and ``records`` then empty) or
        None; ``seconds`` is the wall time.
    """
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            records = execute(cell)
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


def run_each(
    cells: Sequence[Mapping[str, Any]],
    run: SafeRun,
    *,
    workers: int,
    collect: Callable[[Mapping[str, Any]], None],
) -> None:
    """Runs every cell and hands each result to ``collect`` as it comes.

    Args:
        cells: The cells as dicts, in the order to start them.
        run: Runs one cell and never raises; a module-level function, as
            worker processes import it by name.
        workers: Worker processes; with 1 (or a single cell) the cells run
            in this process, in order.
        collect: Called in this process with each result.
    """
    if workers <= 1 or len(cells) <= 1:
        for cell in cells:
            collect(run(cell))
        return

    from concurrent.futures import as_completed

    with worker_pool(workers) as pool:
        futures = [pool.submit(run, cell) for cell in cells]
        try:
            for future in as_completed(futures):
                collect(future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` spawned processes set up by :func:`init_worker`.

    :data:`WORKER_ENV` is set in this process while the pool starts (BLAS
    reads it when a worker loads) and restored when the pool has shut down.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    saved = {k: os.environ.get(k) for k in WORKER_ENV}
    os.environ.update(WORKER_ENV)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
        ) as pool:
            yield pool
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def log_problems(folder: Path, result: Mapping[str, Any]) -> None:
    """Appends a result's error and warnings to the logs in ``folder``.

    The error goes to ``errors.jsonl`` and the warnings to
    ``warnings.jsonl``, one ``{"cell": key, ...}`` line each; a result
    with neither writes nothing.

    Args:
        folder: The task's output folder.
        result: A result of :func:`run_safely`.
    """
    key = str(result["key"])
    if result["error"] is not None:
        _append_jsonl(
            folder / "errors.jsonl", {"cell": key, "error": result["error"]}
        )
    if result.get("warnings"):
        _append_jsonl(
            folder / "warnings.jsonl",
            {"cell": key, "warnings": result["warnings"]},
        )


def _append_jsonl(path: Path, entry: Mapping[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(dict(entry)) + "\n")


__all__ = [
    "WORKER_ENV",
    "Execute",
    "SafeRun",
    "init_worker",
    "log_problems",
    "run_each",
    "run_safely",
    "worker_pool",
]
