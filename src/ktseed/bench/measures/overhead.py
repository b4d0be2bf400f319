"""``create_trial`` overhead: each seeded oracle against its stock parent.

Each oracle is driven directly, as a tuner drives it (``create_trial``,
then ``update_trial`` and ``end_trial`` with a trivial objective's value),
for ``trials`` trials in one project directory; only the ``create_trial``
calls are timed. The seeded variants start from an LHS design of ``N``
points (``max_trials`` is at least ``N``, so a design longer than the run
is accepted and only its first ``trials`` points run); ``N`` equal to the
run length means every trial comes from the design. For the Bayesian
oracle ``num_initial_points`` is ``max_trials`` in both, so no GP step
runs (it costs the same in both and would dwarf the rest).

Stock and seeded runs alternate within one process, ``repeats`` times in
alternating order, for each ``KTSEED_FSYNC`` setting (ktseed's durable
writes ``fsync`` the state file and its directory unless it is ``"0"``;
KerasTuner's own writes never do) and each place: ``"tmpfs"``
(``/dev/shm``, where ``fsync`` costs almost nothing) and ``"disk"`` (the
system's temporary directory). The figure is the median over repeats of
the mean time per call; the first call, which builds the design, is also
reported on its own.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.problems import Problem
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import STOCK_CLASSES
from ktseed.bench.strategies import seeded_oracle_class

Measure = dict[str, Any]


@contextlib.contextmanager
def _fsync(enabled: bool) -> Iterator[None]:
    from ktseed._files import FSYNC_ENV

    saved = os.environ.get(FSYNC_ENV)
    os.environ[FSYNC_ENV] = "1" if enabled else "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(FSYNC_ENV, None)
        else:
            os.environ[FSYNC_ENV] = saved


def _place(name: str) -> Path:
    from ktseed.bench.peers.base import scratch_root

    if name == "tmpfs":
        return scratch_root()
    if name == "disk":
        return Path(tempfile.gettempdir())
    msg = f"`places` must hold 'tmpfs' or 'disk' (got {name!r})."
    raise ValueError(msg)


def _make_oracle(
    oracle_name: str,
    design: int | None,
    *,
    trials: int,
    seed: int,
    problem: Problem,
    max_trials: int | None = None,
) -> Any:
    import keras_tuner as kt
    from keras_tuner import oracles as kt_oracles

    length = max(trials, design or 0, max_trials or 0)
    kwargs: dict[str, Any] = {
        "objective": kt.Objective(problem.metric, problem.direction),
        "seed": seed,
        "hyperparameters": problem.space(),
    }
    if oracle_name == "hyperband":
        kwargs.update(max_epochs=9, factor=3, hyperband_iterations=length)
    else:
        kwargs["max_trials"] = length
    if oracle_name == "bayesian":
        kwargs["num_initial_points"] = length
    if design is None:
        cls = getattr(kt_oracles, STOCK_CLASSES[oracle_name])
    else:
        cls = seeded_oracle_class(oracle_name)
        kwargs["initializer"] = {"name": "lhs", "n_points": design}
    oracle = cls(**kwargs)
    if oracle_name == "hyperband":
        oracle.max_trials = length
    oracle.verbose = 0
    return oracle


def time_create_trial(
    oracle_name: str,
    design: int | None,
    *,
    trials: int,
    seed: int,
    problem_name: str,
    workdir: Path,
    max_trials: int | None = None,
) -> tuple[float, float, int]:
    """``(total seconds, first call seconds, calls)`` of one driven run.

    The oracle's ``max_trials`` is the largest of ``trials``, the design's
    size and ``max_trials``: the variants of one measure pass the same
    ``max_trials``, so that KerasTuner pads their trial ids to the same
    width and writes state files of the same shape.
    """
    from keras_tuner.engine.base_tuner import BaseTuner

    problem = get_problem(problem_name)
    oracle = _make_oracle(
        oracle_name,
        design,
        trials=trials,
        seed=seed,
        problem=problem,
        max_trials=max_trials,
    )
    label = "stock" if design is None else f"d{design}"
    BaseTuner(
        oracle=oracle,
        directory=str(workdir),
        project_name=f"{oracle_name}-{label}",
    )
    total = first = 0.0
    calls = 0
    for _ in range(trials):
        start = time.perf_counter()
        trial = oracle.create_trial("tuner0")
        elapsed = time.perf_counter() - start
        total += elapsed
        first = first if calls else elapsed
        calls += 1
        if trial.status != "RUNNING":
            break
        values = trial.hyperparameters.values
        oracle.update_trial(
            trial.trial_id, {problem.metric: problem.evaluate(values)}
        )
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return total, first, max(calls, 1)


def create_trial_overhead(
    *,
    trials: int = 500,
    repeats: int = 3,
    problem: str = "mixed_cond",
    oracles: Sequence[str] = ("random", "bayesian", "hyperband"),
    designs: Sequence[int] | None = None,
    fsync: Sequence[bool] = (True,),
    places: Sequence[str] = ("tmpfs",),
) -> Measure:
    """Mean seconds per ``create_trial``: seeded oracle vs stock parent.

    Args:
        trials: Trials per run.
        repeats: Runs per variant (median reported).
        problem: The problem whose space the oracles search.
        oracles: ``"random"``, ``"bayesian"``, ``"hyperband"``.
        designs: Design sizes of the seeded variants; ``None``: 8 points and
            one point per trial.
        fsync: ``KTSEED_FSYNC`` settings to measure (``True`` is the
            default, durable writes).
        places: ``"tmpfs"`` and/or ``"disk"`` (see the module docstring).

    Returns:
        Rows with ``oracle``, ``variant``, ``design``, ``fsync``,
        ``place``, ``trials``, ``us_per_call``, ``first_call_us`` and
        ``ratio`` (median over the repeats of the seeded run's time over
        the stock run's of the same repeat, timed next to it) with
        ``ratio_min`` and ``ratio_max``; notes say what was skipped.
    """
    sizes: list[int | None] = [None]
    sizes += list(designs) if designs is not None else [8, trials]
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for place in places:
        workdir = Path(tempfile.mkdtemp(prefix="ktseed-oh-", dir=_place(place)))
        try:
            for durable in fsync:
                with _fsync(durable):
                    rows += _rows_for(
                        oracles, sizes, notes, trials, repeats, problem, workdir
                    )
                for row in rows:
                    row.setdefault("fsync", durable)
                    row.setdefault("place", place)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return {
        "config": {
            "trials": trials,
            "repeats": repeats,
            "problem": problem,
            "oracles": list(oracles),
            "designs": None if designs is None else list(designs),
            "fsync": list(fsync),
            "places": list(places),
        },
        "rows": rows,
        "notes": sorted(set(notes)),
    }


def _variant(design: int | None) -> str:
    return "stock" if design is None else f"design {design}"


def _rows_for(
    oracles: Sequence[str],
    sizes: Sequence[int | None],
    notes: list[str],
    trials: int,
    repeats: int,
    problem: str,
    workdir: Path,
) -> list[dict[str, Any]]:
    rows = []
    # One max_trials for stock and every design (see time_create_trial).
    longest = max([trials, *(n for n in sizes if n is not None)])
    for oracle_name in oracles:
        if seeded_oracle_class(oracle_name) is None:
            notes.append(
                f"{oracle_name}: seeded oracle not available; skipped."
            )
            continue
        means: dict[int | None, list[float]] = {n: [] for n in sizes}
        firsts: dict[int | None, list[float]] = {n: [] for n in sizes}
        for repeat in range(repeats):
            order = sizes if repeat % 2 == 0 else sizes[::-1]
            for design in order:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    total, first, calls = time_create_trial(
                        oracle_name,
                        design,
                        trials=trials,
                        seed=repeat + 1,
                        problem_name=problem,
                        workdir=workdir,
                        max_trials=longest,
                    )
                means[design].append(total / calls)
                firsts[design].append(first)
                shutil.rmtree(workdir, ignore_errors=True)
                workdir.mkdir(parents=True, exist_ok=True)
        for design in sizes:
            value = float(np.median(means[design]))
            # Each repeat's seeded and stock runs are timed next to each
            # other: their ratio cancels the drift of a machine's speed
            # over the measure (seen at 20 % between blocks).
            ratios = [
                seeded / stock
                for seeded, stock in zip(
                    means[design], means[None], strict=True
                )
                if stock > 0
            ]
            rows.append(
                {
                    "oracle": oracle_name,
                    "variant": _variant(design),
                    "design": design,
                    "trials": trials,
                    "repeats": repeats,
                    "us_per_call": value * 1e6,
                    "first_call_us": float(np.median(firsts[design])) * 1e6,
                    "ratio": float(np.median(ratios)) if ratios else math.nan,
                    "ratio_min": min(ratios, default=math.nan),
                    "ratio_max": max(ratios, default=math.nan),
                }
            )
    return rows


__all__ = ["create_trial_overhead", "time_create_trial"]
