"""The parallel-workers task: one oracle with ``k`` trials pending at once.

This is the chief's view of KerasTuner's distributed mode, simulated in
one process (no gRPC, no worker processes), so that the only thing that
changes with ``k`` is how many trials are pending when a proposal is made.
The order, for ``budget`` trials and ``k`` workers:

1. ``k`` trials are created, one per worker (``create_trial("worker0")``
   ... ``create_trial("worker{k-1}")``), in that order;
2. the oldest pending trial is evaluated and completed
   (``update_trial`` + ``end_trial``, or ``study.tell`` for Optuna): every
   trial takes the same time, so trials complete in the order issued;
3. the worker that finished asks for its next trial (``create_trial`` with
   its id), which becomes the newest pending one;
4. 2-3 repeat until ``budget`` trials have been created, then the pending
   ones complete, oldest first.

So every proposal after the first ``k`` is made with exactly ``k - 1``
trials pending and all older ones completed; with ``k = 1`` this is the
ordinary sequential run. Completion order equals issue order, so "regret
after ``n`` completed trials" is the regret after the first ``n``
proposals.

Contenders: a KerasTuner or ktseed oracle (``bayesian-gp/sobol``: ktseed's
GP hand-off, which adds each pending trial to its model at the posterior
mean, the kriging believer) or an Optuna sampler (``optuna/gp``: Optuna
5.0's ``GPSampler``, which has no ``constant_liar`` option but conditions
its acquisition on running trials itself, a q-batch log expected
improvement over posterior samples; ``optuna/tpe``: ``TPESampler``, whose
``constant_liar`` is on by default).
"""

from __future__ import annotations

import collections
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ktseed.bench.peers.base import TrialLog
from ktseed.bench.peers.base import scratch_root
from ktseed.bench.problems import Problem
from ktseed.bench.strategies import Strategy
from ktseed.bench.strategies import build_oracle
from ktseed.bench.strategies import design_trial_ids
from ktseed.space import strip_tuner_keys

#: Strategies the parallel task supports.
PARALLEL_STRATEGIES = ("bayesian-gp/sobol", "optuna/gp", "optuna/tpe")


def fifo_schedule(budget: int, workers: int) -> list[tuple[str, int]]:
    """The driver's sequence of events: ``("create", i)``/``("complete", i)``.

    ``i`` is the trial's issue index. Used by both drivers, so they share
    one order (see the module docstring).
    """
    events: list[tuple[str, int]] = []
    pending: collections.deque[int] = collections.deque()
    created = 0
    while created < min(workers, budget):
        events.append(("create", created))
        pending.append(created)
        created += 1
    while pending:
        events.append(("complete", pending.popleft()))
        if created < budget:
            events.append(("create", created))
            pending.append(created)
            created += 1
    return events


def _run_oracle(
    strategy: Strategy,
    problem: Problem,
    log: TrialLog,
    *,
    seed: int,
    budget: int,
    design_size: int,
    workers: int,
) -> None:
    import keras_tuner as kt
    from keras_tuner.engine.base_tuner import BaseTuner

    oracle = build_oracle(
        strategy, problem, seed=seed, budget=budget, design_size=design_size
    )
    oracle.verbose = 0
    folder = Path(tempfile.mkdtemp(prefix="ktseed-par-", dir=scratch_root()))
    try:
        BaseTuner(oracle=oracle, directory=str(folder), project_name="run")
        # A worker that completes a trial asks for the next one.
        free = collections.deque(f"worker{w}" for w in range(workers))
        trials: dict[int, tuple[str, Any]] = {}
        for event, index in fifo_schedule(budget, workers):
            if event == "create":
                worker = free.popleft()
                trials[index] = (worker, oracle.create_trial(worker))
                continue
            worker, trial = trials.pop(index)
            value = log.evaluate(strip_tuner_keys(trial.hyperparameters.values))
            log.trials[-1]["trial_id"] = str(trial.trial_id)
            oracle.update_trial(trial.trial_id, {problem.metric: value})
            trial.status = kt.engine.trial.TrialStatus.COMPLETED
            oracle.end_trial(trial)
            free.append(worker)
        design = design_trial_ids(oracle)
        for record in log.trials:
            record["design"] = record["trial_id"] in design
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_study(
    strategy: Strategy,
    problem: Problem,
    log: TrialLog,
    *,
    seed: int,
    budget: int,
    workers: int,
) -> None:
    import warnings

    import optuna

    from ktseed.bench.peers.optuna import create_study
    from ktseed.bench.peers.optuna import make_sampler
    from ktseed.bench.peers.optuna import suggest_values

    space = problem.space()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = create_study(problem, make_sampler(strategy.sampler, seed))
        asked: dict[int, tuple[Any, dict[str, Any]]] = {}
        for event, index in fifo_schedule(budget, workers):
            if event == "create":
                trial = study.ask()
                asked[index] = (trial, suggest_values(trial, space))
                continue
            trial, values = asked.pop(index)
            study.tell(trial, log.evaluate(values))


def run_parallel(
    strategy: Strategy,
    problem: Problem,
    *,
    seed: int,
    budget: int,
    design_size: int,
    workers: int,
) -> list[dict[str, Any]]:
    """Runs one contender with ``workers`` trials pending (module docstring).

    Returns:
        The raw trials in completion order (which is issue order), with
        ``design`` set for the seeded oracle's design trials.

    Raises:
        ValueError: For a strategy the task does not support.
    """
    if strategy.name not in PARALLEL_STRATEGIES:
        msg = (
            f"the parallel task runs {', '.join(PARALLEL_STRATEGIES)} "
            f"(got '{strategy.name}')."
        )
        raise ValueError(msg)
    log = TrialLog(problem, seed)
    if strategy.is_peer:
        _run_study(
            strategy, problem, log, seed=seed, budget=budget, workers=workers
        )
    else:
        _run_oracle(
            strategy,
            problem,
            log,
            seed=seed,
            budget=budget,
            design_size=design_size,
            workers=workers,
        )
    return log.trials


__all__ = ["PARALLEL_STRATEGIES", "fifo_schedule", "run_parallel"]
