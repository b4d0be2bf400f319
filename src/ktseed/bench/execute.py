"""Runs one benchmark cell: one problem, one strategy, one seed.

This module imports KerasTuner (and so TensorFlow) at import time; the
runner imports it only inside worker processes or when a cell runs in the
current process.

A KerasTuner contender runs through :class:`ObjectiveTuner`, a
``keras_tuner.Tuner`` whose ``run_trial`` returns the problem's value (no
training for synthetic problems), or, for the cross-validated problems,
through :class:`CVTuner`, a ``keras_tuner.SklearnTuner``; the project
directory is a scratch folder that is deleted after the cell. A peer
(Optuna, SMAC3, scikit-optimize, Ax) runs through
:mod:`ktseed.bench.peers` with the same objective on the same space.
"""

from __future__ import annotations

import contextlib
import io
import math
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras_tuner as kt

from ktseed.bench.peers import run_peer
from ktseed.bench.peers.base import evaluation_seed
from ktseed.bench.peers.base import scratch_root
from ktseed.bench.problems import CVProblem
from ktseed.bench.problems import Problem
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import Strategy
from ktseed.bench.strategies import build_oracle
from ktseed.bench.strategies import design_trial_ids
from ktseed.bench.strategies import parse_strategy
from ktseed.space import strip_tuner_keys

#: Version of the raw JSONL record layout.
SCHEMA_VERSION = 1

#: Seed offset of the warm-start task's prior run. KerasTuner's stock random
#: draws use ``random.Random(seed + k)`` for the k-th value, so runs whose
#: seeds are close share draws; half the spacing of the suite's seeds keeps
#: the prior's draws apart from every new run's (see ``seed_list``).
PRIOR_SEED_OFFSET = 5_000


class ObjectiveTuner(kt.Tuner):
    """A ``keras_tuner.Tuner`` whose trials evaluate a benchmark problem.

    Args:
        problem: The problem to evaluate.
        run_seed: The run's seed (evaluation seeds derive from it).
        **kwargs: Passed to ``keras_tuner.Tuner`` (``oracle``,
            ``directory``, ``project_name``, ``overwrite``).

    Attributes:
        log: One ``(trial_id, values, value, end_time)`` per finished trial,
            in the order the trials ran.
    """

    def __init__(self, problem: Problem, run_seed: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem
        self.run_seed = run_seed
        self.log: list[tuple[str, dict[str, Any], float, float]] = []

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
        """Evaluates the trial's values; returns ``{metric: value}``."""
        values = dict(trial.hyperparameters.values)
        value = self.problem.evaluate(
            values, seed=evaluation_seed(self.run_seed, len(self.log))
        )
        self.log.append(
            (str(trial.trial_id), values, float(value), time.perf_counter())
        )
        return {self.problem.metric: value}


class CVTuner(kt.SklearnTuner):
    """``keras_tuner.SklearnTuner`` on a cross-validated problem, logged.

    The objective is ``SklearnTuner``'s own: the mean score over the
    problem's folds (``cv=problem.cv()``, ``scoring=problem.scorer()``,
    ``hypermodel=problem.build``), on the development data passed to
    ``search``.

    Args:
        problem: The cross-validated problem.
        **kwargs: Passed to ``keras_tuner.SklearnTuner`` (``oracle``,
            ``directory``, ``project_name``, ``overwrite``).

    Attributes:
        log: As for :class:`ObjectiveTuner`.
    """

    def __init__(self, problem: CVProblem, **kwargs: Any) -> None:
        super().__init__(
            hypermodel=problem.build,
            scoring=problem.scorer(),
            cv=problem.cv(),
            **kwargs,
        )
        self.problem = problem
        self.log: list[tuple[str, dict[str, Any], float, float]] = []

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
        """``SklearnTuner.run_trial`` (one thread), then the trial is logged."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            metrics = super().run_trial(trial, *args, **kwargs)
        self.log.append(
            (
                str(trial.trial_id),
                dict(trial.hyperparameters.values),
                float(metrics[self.problem.metric]),
                time.perf_counter(),
            )
        )
        return metrics


def run_keras_tuner(
    strategy: Strategy,
    problem: Problem,
    *,
    seed: int,
    budget: int,
    design_size: int,
    workdir: Path,
    prior: Mapping[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], Any]:
    """Runs a KerasTuner or ktseed contender; returns trials and the oracle.

    Each trial is ``{"trial_id", "values", "value", "seconds", "design"}``
    where ``seconds`` is the wall time since the previous trial ended (the
    oracle's own work included).
    """
    oracle = build_oracle(
        strategy,
        problem,
        seed=seed,
        budget=budget,
        design_size=design_size,
        prior=prior,
    )
    kwargs = {
        "oracle": oracle,
        "directory": str(workdir),
        "project_name": "run",
        "overwrite": True,
    }
    start = time.perf_counter()
    tuner: ObjectiveTuner | CVTuner
    if isinstance(problem, CVProblem):
        tuner = CVTuner(problem, **kwargs)
        x, y, _, _ = problem.data()
        # SklearnTuner.search has no `verbose`: keep its trial tables quiet.
        with contextlib.redirect_stdout(io.StringIO()):
            tuner.search(x, y)
    else:
        tuner = ObjectiveTuner(problem, seed, **kwargs)
        tuner.search(verbose=0)
    design = design_trial_ids(oracle)
    trials = []
    previous = start
    for trial_id, values, value, end in tuner.log:
        trials.append(
            {
                "trial_id": trial_id,
                "values": strip_tuner_keys(values),
                "value": value if math.isfinite(value) else None,
                "seconds": end - previous,
                "design": trial_id in design,
            }
        )
        previous = end
    return trials, oracle


def run_optuna(
    strategy: Strategy, problem: Problem, *, seed: int, budget: int
) -> list[dict[str, Any]]:
    """Runs an Optuna contender on the problem's KerasTuner space."""
    return _run_peer(strategy, problem, seed, budget, 0)


def _run_peer(
    strategy: Strategy, problem: Problem, seed: int, budget: int, design: int
) -> list[dict[str, Any]]:
    assert strategy.sampler is not None
    return run_peer(
        strategy.family,
        strategy.sampler,
        problem,
        seed=seed,
        budget=budget,
        design_size=design,
    )


def _prior_run(
    problem_name: str, seed: int, budget: int, workdir: Path
) -> dict[str, Any]:
    """Runs the warm-start task's prior search; returns where it lives.

    The prior is stock KerasTuner random search on the shifted variant of
    the problem, ``budget`` trials, seed ``seed + PRIOR_SEED_OFFSET``.
    """
    shifted = get_problem(problem_name + "+shift")
    strategy = parse_strategy("random/stock")
    directory = workdir / "prior"
    oracle = build_oracle(
        strategy,
        shifted,
        seed=seed + PRIOR_SEED_OFFSET,
        budget=budget,
        design_size=0,
    )
    tuner = ObjectiveTuner(
        shifted,
        seed + PRIOR_SEED_OFFSET,
        oracle=oracle,
        directory=str(directory),
        project_name="prior",
        overwrite=True,
    )
    tuner.search(verbose=0)
    return {"directory": str(directory), "project_name": "prior"}


def execute_cell(cell: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Runs one cell; returns its raw records, one per trial.

    Args:
        cell: ``{"key", "task", "problem", "strategy", "seed", "budget",
            "design_size"}`` plus ``"prior_budget"`` for the warm-start
            task.

    Returns:
        Records with the raw JSONL fields (see :mod:`ktseed.bench.runner`).
    """
    strategy = parse_strategy(cell["strategy"])
    problem = get_problem(
        cell["problem"], **dict(cell.get("problem_kwargs", {}))
    )
    seed = int(cell["seed"])
    budget = int(cell["budget"])
    design_size = int(cell["design_size"])
    workdir = Path(tempfile.mkdtemp(prefix="ktseed-bench-", dir=scratch_root()))
    started = time.perf_counter()
    try:
        if int(cell.get("concurrency") or 0) > 0:
            from ktseed.bench.parallel import run_parallel

            trials = run_parallel(
                strategy,
                problem,
                seed=seed,
                budget=budget,
                design_size=design_size,
                workers=int(cell["concurrency"]),
            )
        elif strategy.is_peer:
            trials = _run_peer(strategy, problem, seed, budget, design_size)
        else:
            prior = None
            if strategy.warm is not None:
                prior = _prior_run(
                    cell["problem"], seed, int(cell["prior_budget"]), workdir
                )
            trials, _ = run_keras_tuner(
                strategy,
                problem,
                seed=seed,
                budget=budget,
                design_size=design_size,
                workdir=workdir / "run",
                prior=prior,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - started
    return make_records(cell, strategy, problem, trials, total)


def make_records(
    cell: Mapping[str, Any],
    strategy: Strategy,
    problem: Problem,
    trials: list[dict[str, Any]],
    total_seconds: float,
) -> list[dict[str, Any]]:
    """Turns a run's trials into raw JSONL records.

    For a cross-validated problem each record also has ``heldout``: the
    held-out score of the incumbent (the best trial so far by the
    objective; see :mod:`ktseed.bench.problems.sklearn_cv`).
    """
    records = []
    heldout = _heldout_scores(problem, trials)
    best = math.inf if problem.direction == "min" else -math.inf
    elapsed = 0.0
    for index, trial in enumerate(trials):
        value = trial["value"]
        if math.isfinite(value):
            best = (
                min(best, value)
                if problem.direction == "min"
                else max(best, value)
            )
        elapsed += trial["seconds"]
        finite_best = best if math.isfinite(best) else None
        records.append(
            {
                "schema": SCHEMA_VERSION,
                "cell": cell["key"],
                "task": cell["task"],
                "problem": problem.name,
                "strategy": strategy.name,
                "family": strategy.family,
                "oracle": strategy.oracle,
                "initializer": strategy.initializer
                or (f"prior_run:{strategy.warm}" if strategy.warm else None),
                "sampler": strategy.sampler,
                "seed": int(cell["seed"]),
                "budget": int(cell["budget"]),
                "design_size": int(cell["design_size"]),
                "n_trials": len(trials),
                "trial": index,
                "trial_id": trial["trial_id"],
                "value": value if math.isfinite(value) else None,
                "best": finite_best,
                "regret": None
                if finite_best is None
                else problem.regret(finite_best),
                "design": bool(trial["design"]),
                "seconds": round(trial["seconds"], 6),
                "elapsed": round(elapsed, 6),
                "cell_seconds": round(total_seconds, 6),
                "values": trial["values"],
            }
        )
        if heldout is not None:
            records[-1]["heldout"] = heldout[index]
        if cell.get("concurrency"):
            records[-1]["concurrency"] = int(cell["concurrency"])
    return records


def _heldout_scores(
    problem: Problem, trials: list[dict[str, Any]]
) -> list[float | None] | None:
    """The incumbent's held-out score after each trial (CV problems)."""
    if not isinstance(problem, CVProblem):
        return None
    sign = 1.0 if problem.direction == "max" else -1.0
    scores: list[float | None] = []
    best_value = -math.inf
    best_score: float | None = None
    for trial in trials:
        value = trial["value"]
        if math.isfinite(value) and sign * value > best_value:
            best_value = sign * value
            best_score = problem.holdout_score(trial["values"])
        scores.append(best_score)
    return scores


__all__ = [
    "SCHEMA_VERSION",
    "CVTuner",
    "ObjectiveTuner",
    "evaluation_seed",
    "execute_cell",
    "make_records",
    "run_keras_tuner",
    "run_optuna",
    "scratch_root",
]
