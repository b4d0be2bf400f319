"""Cells, the resumable parallel scheduler, and the raw JSONL results.

A *cell* is one run: a task (``"search"`` or ``"warmstart"``), a problem, a
strategy and a seed, with a trial budget and a design size. Its key names
all of these, so a re-run with other settings never mistakes an old cell
for a finished one.

Raw results live in ``<out>/raw/<task>-<problem>.jsonl``, one JSON object
per trial (fields in :func:`ktseed.bench.execute.make_records`). Only the
parent process writes them, one cell at a time, in a single write. A cell
is finished when all its ``n_trials`` lines are present; on start-up a
partially written cell (an interrupted write) is removed, and every
finished cell is skipped. Failed cells go to ``<out>/errors.jsonl`` and
are retried by the next run.

Cells run in a pool of worker processes (``spawn``; each imports
KerasTuner once, about 3 s and 650 MB) or, with one worker, in the current
process. Workers are limited to one BLAS/OpenMP/TensorFlow thread each so
that parallel cells do not fight over cores.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Protocol
from typing import TextIO

from ktseed.bench.cells import Cell
from ktseed.bench.progress import Progress
from ktseed.bench.workers import SafeRun
from ktseed.bench.workers import log_problems
from ktseed.bench.workers import run_each
from ktseed.bench.workers import run_safely


# ------------------------------------------------------------ cost model
def estimate_cost(cell: Cell, dimension: int, objective_cost: float) -> float:
    """Estimated seconds of a cell (see :mod:`ktseed.bench.plan`)."""
    from ktseed.bench.plan import estimate_cost as estimate

    return estimate(cell, dimension, objective_cost)


# ------------------------------------------------------------- raw store
def raw_path(out: Path, task: str, problem: str) -> Path:
    """The JSONL file of one task and problem."""
    return Path(out) / "raw" / f"{task}-{problem}.jsonl"


def _open_text(path: Path) -> TextIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yields the objects of a JSONL file, skipping unparsable lines.

    Files ending in ``.gz`` are read through gzip.
    """
    with _open_text(path) as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


class RawStore:
    """The raw results of an output directory.

    Args:
        out: The benchmark's output directory.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.finished: set[str] = set()

    def files(self) -> list[Path]:
        """Every raw JSONL file (``*.jsonl`` and gzipped ``*.jsonl.gz``)."""
        folder = self.out / "raw"
        if not folder.is_dir():
            return []
        return sorted([*folder.glob("*.jsonl"), *folder.glob("*.jsonl.gz")])

    def scan(self) -> set[str]:
        """Finds finished cells; rewrites files that hold partial cells.

        Gzipped files (results compressed for the repository) are read but
        never rewritten; new cells go to the plain ``.jsonl`` file.

        Returns:
            Keys of the finished cells.
        """
        self.finished = set()
        for path in self.files():
            by_cell: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for record in _unique(read_jsonl(path)):
                by_cell[str(record.get("cell"))].append(record)
            complete = {
                key: records
                for key, records in by_cell.items()
                if _complete(records)
            }
            kept = sum(len(r) for r in complete.values())
            if path.name.endswith(".gz"):
                self.finished.update(complete)
                continue
            with open(path, encoding="utf-8") as handle:
                raw_lines = sum(1 for line in handle if line.strip())
            if kept != raw_lines:
                tmp = path.with_suffix(".jsonl.tmp")
                with open(tmp, "w", encoding="utf-8") as handle:
                    for records in complete.values():
                        for record in records:
                            handle.write(json.dumps(record) + "\n")
                os.replace(tmp, path)
            self.finished.update(complete)
        return set(self.finished)

    def finished_keys(self) -> set[str]:
        """Keys of the finished cells, read only (no file is rewritten)."""
        by_cell: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in self.records():
            by_cell[str(record.get("cell"))].append(record)
        return {key for key, records in by_cell.items() if _complete(records)}

    def drop(self, strategies: Iterable[str]) -> int:
        """Removes every record of the given strategies (to run them again).

        Returns:
            The number of cells removed.
        """
        names = set(strategies)
        removed: set[str] = set()
        for path in self.files():
            kept = []
            for record in read_jsonl(path):
                if record.get("strategy") in names:
                    removed.add(str(record.get("cell")))
                else:
                    kept.append(record)
            text = "".join(json.dumps(r) + "\n" for r in kept)
            tmp = path.with_name(path.name + ".tmp")
            if path.name.endswith(".gz"):
                tmp.write_bytes(gzip.compress(text.encode("utf-8")))
            else:
                tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        self.finished -= removed
        return len(removed)

    def write(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Appends one finished cell's records in one write."""
        if not records:
            return
        first = records[0]
        path = raw_path(self.out, str(first["task"]), str(first["problem"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(dict(r)) + "\n" for r in records)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        self.finished.add(str(first["cell"]))

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record of every finished cell (first copy of each trial)."""
        seen: set[tuple[str, Any]] = set()
        for path in self.files():
            yield from _unique(read_jsonl(path), seen)


def _unique(
    records: Iterable[dict[str, Any]],
    seen: set[tuple[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Drops repeated ``(cell, trial)`` records, keeping the first.

    Two runs working on one output directory at once may both finish a
    cell; the copy written first wins.
    """
    seen = set() if seen is None else seen
    for record in records:
        key = (str(record.get("cell")), record.get("trial"))
        if key in seen:
            continue
        seen.add(key)
        yield record


def _complete(records: Sequence[Mapping[str, Any]]) -> bool:
    expected = records[0].get("n_trials")
    if not isinstance(expected, int) or expected < 1:
        return False
    indices = {r.get("trial") for r in records}
    return len(records) == expected and indices == set(range(expected))


# --------------------------------------------------------------- workers
def run_cell_safely(cell: Mapping[str, Any]) -> dict[str, Any]:
    """Runs a cell and never raises: ``{"key", "records", "error"}``.

    Warnings raised while the cell runs are collected (unique messages) and
    returned under ``"warnings"``; see
    :func:`ktseed.bench.workers.run_safely`.
    """
    from ktseed.bench.execute import execute_cell

    return run_safely(execute_cell, cell)


@dataclass
class RunOutcome:
    """What :func:`run_cells` did.

    Attributes:
        ran: Keys of the cells run now.
        skipped: Keys of cells already finished (resume).
        failed: Keys of cells that raised (details in ``errors.jsonl``).
        seconds: Wall time.
    """

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_cells(
    cells: Iterable[Cell],
    out: Path,
    *,
    workers: int = 1,
    costs: Mapping[str, float] | None = None,
    stream: TextIO | None = None,
    progress_interval: float = 30.0,
) -> RunOutcome:
    """Runs every unfinished cell and appends its records to the store.

    Args:
        cells: The cells of the suite.
        out: Output directory.
        workers: Worker processes; 1 runs in this process.
        costs: Estimated seconds per cell key (for ordering and ETA).
        stream: Progress stream (default ``sys.stderr``).
        progress_interval: Seconds between progress lines when the stream
            is not a terminal.

    Returns:
        The outcome; failed cells are also logged in ``errors.jsonl``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = RawStore(out)
    finished = store.scan()
    outcome = RunOutcome()
    todo: list[Cell] = []
    for cell in dict.fromkeys(cells):
        if cell.key in finished:
            outcome.skipped.append(cell.key)
        else:
            todo.append(cell)
    costs = dict(costs or {})
    # Task and problem in the order given, so that an interrupted run leaves
    # whole problems finished; within one, longest first, so that the pool
    # ends on short cells rather than one long straggler.
    rank: dict[tuple[str, str], int] = {}
    for cell in todo:
        rank.setdefault((cell.task, cell.problem), len(rank))
    todo.sort(key=lambda c: (rank[(c.task, c.problem)], -costs.get(c.key, 1.0)))
    progress = Progress(
        sum(c.budget for c in todo),
        len(todo),
        sum(costs.get(c.key, 1.0) for c in todo),
        stream=stream,
        interval=progress_interval,
    )
    started = time.perf_counter()
    recorder = CellRecorder(store, outcome, progress, costs)
    recorder.run(todo, run_cell_safely, workers=workers)
    outcome.seconds = time.perf_counter() - started
    return outcome


class RunnableCell(Protocol):
    """What :class:`CellRecorder` needs of a cell (task cells have more)."""

    @property
    def key(self) -> str:
        """The cell's unique key (``"key"`` of :meth:`to_dict` too)."""

    @property
    def budget(self) -> int:
        """The cell's share of the progress bar (trials or epochs)."""

    def to_dict(self) -> dict[str, Any]:
        """The cell as the dict its worker function receives."""


@dataclass
class CellRecorder:
    """Runs cells and records each result as it arrives.

    A cell that ran has its records written to ``store`` and its key added
    to ``outcome.ran``; one that raised has its key added to
    ``outcome.failed``. Errors and warnings are logged next to the store's
    ``raw`` folder (see :func:`ktseed.bench.workers.log_problems`), and
    each result moves ``progress`` on by the cell's budget and estimated
    cost (1.0 for a cell without one).

    Attributes:
        store: Where the records go.
        outcome: Extended with the keys of the cells run and failed.
        progress: The progress bar, drawn first and closed at the end.
        costs: Estimated seconds per cell key.
    """

    store: RawStore
    outcome: RunOutcome
    progress: Progress
    costs: Mapping[str, float]

    def run(
        self, todo: Sequence[RunnableCell], run: SafeRun, *, workers: int
    ) -> None:
        """Runs the cells ``todo``; with none, draws nothing.

        Args:
            todo: The cells to run, in the order to start them.
            run: Runs one cell (as a dict) and never raises; module-level,
                as worker processes import it by name.
            workers: Worker processes; 1 runs in this process.
        """
        if not todo:
            return
        budgets = {c.key: c.budget for c in todo}

        def collect(result: Mapping[str, Any]) -> None:
            self.record(result, budgets[str(result["key"])])

        self.progress.draw(force=True)
        run_each(
            [cell.to_dict() for cell in todo],
            run,
            workers=workers,
            collect=collect,
        )
        self.progress.close()

    def record(self, result: Mapping[str, Any], budget: int) -> None:
        """Records one result of ``run`` (see :meth:`run`).

        Args:
            result: A result of :func:`ktseed.bench.workers.run_safely`.
            budget: The cell's budget, for the progress bar.
        """
        key = str(result["key"])
        if result["error"] is None:
            self.store.write(result["records"])
            self.outcome.ran.append(key)
        else:
            self.outcome.failed.append(key)
        log_problems(self.store.out, result)
        self.progress.update(
            trials=budget,
            cost=self.costs.get(key, 1.0),
            failed=result["error"] is not None,
        )


__all__ = [
    "Cell",
    "CellRecorder",
    "RawStore",
    "RunOutcome",
    "RunnableCell",
    "estimate_cost",
    "raw_path",
    "read_jsonl",
    "run_cell_safely",
    "run_cells",
]
