"""One multi-fidelity run: a contender on a problem with one seed.

Runs in a worker process (or the current one with one worker).
KerasTuner and the peers are imported inside the functions that use them.

A KerasTuner contender runs its Hyperband oracle through
:class:`EpochTuner`, a ``keras_tuner.Tuner`` whose ``run_trial``
evaluates the problem at the trial's ``tuner/epochs`` (the problem keeps
checkpoints itself, so no model is built or saved by KerasTuner). The
oracle gets ``max_epochs``, ``factor`` and ``hyperband_iterations`` from
the cell and runs its schedule to the end; seeded oracles also get
``initializer={"name": design, "n_points": design_size}`` and, for
``hyperband-gp/*``, ``handoff="gp"``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ktseed.bench.multifidelity.accounting import Ledger
from ktseed.bench.multifidelity.accounting import config_key
from ktseed.bench.multifidelity.accounting import hyperband_total_epochs
from ktseed.bench.multifidelity.contenders import Contender
from ktseed.bench.multifidelity.contenders import parse_contender
from ktseed.bench.multifidelity.contenders import seeded_hyperband_class
from ktseed.bench.multifidelity.problems import MFProblem
from ktseed.bench.multifidelity.problems import get_mf_problem
from ktseed.bench.strategies import INITIALIZERS
from ktseed.bench.strategies import design_trial_ids

#: Version of the raw record layout of this task.
SCHEMA_VERSION = 1

#: Evaluations allowed per epoch of budget before a run counts as stalled.
EVALUATIONS_PER_EPOCH = 20


class Evaluator:
    """Charges, evaluates and records every evaluation of one run.

    Args:
        problem: The problem.
        ledger: The run's ledger.
        seed: The run's seed.

    Attributes:
        evaluations: One dict per evaluation, in order: ``key``,
            ``values``, ``epochs``, ``charged``, ``used``, ``kt_charged``,
            ``trial_id``, ``value``, ``test``, ``seconds``.
    """

    def __init__(self, problem: MFProblem, ledger: Ledger, seed: int) -> None:
        self.problem = problem
        self.ledger = ledger
        self.seed = int(seed)
        self.checkpoints: dict[str, Any] = {}
        self.evaluations: list[dict[str, Any]] = []
        self._clock = time.perf_counter()

    def __call__(
        self,
        values: Mapping[str, Any],
        epochs: int,
        *,
        kt_charged: int | None = None,
        trial_id: str | None = None,
    ) -> float:
        """Evaluates ``values`` at ``epochs``; returns the observed value.

        Raises:
            BudgetExhausted: When the ledger's budget is spent.
        """
        values = dict(values)
        key = config_key(values)
        charged = self.ledger.charge(key, int(epochs))
        outcome = self.problem.evaluate(
            values, int(epochs), seed=self.seed, checkpoints=self.checkpoints
        )
        now = time.perf_counter()
        self.evaluations.append(
            {
                "key": key,
                "values": values,
                "epochs": int(epochs),
                "charged": charged,
                "used": self.ledger.used,
                "kt_charged": kt_charged,
                "trial_id": trial_id,
                "value": outcome.value,
                "test": outcome.test,
                "seconds": now - self._clock,
            }
        )
        self._clock = now
        return outcome.value


def _epoch_tuner_class() -> type:
    import keras_tuner as kt

    from ktseed.space import strip_tuner_keys

    class EpochTuner(kt.Tuner):
        """A Tuner whose trials evaluate a problem at ``tuner/epochs``."""

        def __init__(self, evaluator: Evaluator, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.evaluator = evaluator

        def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
            """Evaluates the trial; KerasTuner's own epoch count recorded."""
            values = dict(trial.hyperparameters.values)
            epochs = int(values["tuner/epochs"])
            initial = int(values.get("tuner/initial_epoch", 0))
            value = self.evaluator(
                strip_tuner_keys(values),
                epochs,
                kt_charged=epochs - initial,
                trial_id=str(trial.trial_id),
            )
            return {"loss": value}

    return EpochTuner


def build_hyperband_oracle(
    contender: Contender,
    problem: MFProblem,
    *,
    seed: int,
    factor: int,
    iterations: int,
    design_size: int,
) -> Any:
    """The KerasTuner Hyperband oracle of a ``hyperband*`` contender."""
    import keras_tuner as kt
    from keras_tuner.oracles import HyperbandOracle

    kwargs: dict[str, Any] = {
        "objective": kt.Objective("loss", "min"),
        "max_epochs": problem.max_epochs,
        "factor": int(factor),
        "hyperband_iterations": int(iterations),
        "seed": int(seed),
        "hyperparameters": problem.space(),
    }
    if contender.family == "keras_tuner":
        return HyperbandOracle(**kwargs)
    cls = seeded_hyperband_class()
    if cls is None:
        msg = "ktseed.oracles.SeededHyperbandOracle is not available."
        raise ImportError(msg)
    assert contender.initializer is not None
    kwargs["initializer"] = {
        **INITIALIZERS[contender.initializer],
        "n_points": int(design_size),
    }
    if contender.handoff is not None:
        kwargs["handoff"] = contender.handoff
    return cls(**kwargs)


def run_keras_tuner(
    oracle: Any, evaluator: Evaluator, *, workdir: Path
) -> set[str]:
    """Runs a Hyperband oracle's whole schedule; returns its design's ids.

    Args:
        oracle: From :func:`build_hyperband_oracle`.
        evaluator: Evaluates every trial at its ``tuner/epochs``.
        workdir: KerasTuner's project directory (overwritten).

    Returns:
        The trial ids of the seeded design (empty for the stock oracle).
    """
    tuner = _epoch_tuner_class()(
        evaluator,
        oracle=oracle,
        directory=str(workdir),
        project_name="run",
        overwrite=True,
    )
    tuner.search(verbose=0)
    return design_trial_ids(oracle)


def run_contender(
    contender: Contender,
    problem: MFProblem,
    *,
    seed: int,
    factor: int,
    iterations: int,
    design_size: int,
    workdir: Path,
) -> tuple[list[dict[str, Any]], set[str]]:
    """Runs one contender to the task's budget; returns its evaluations.

    The budget is :func:`hyperband_total_epochs` of the cell's settings:
    KerasTuner runs its schedule (which ends there), the peers stop at it.
    """
    from ktseed.bench.multifidelity import peers

    total = hyperband_total_epochs(problem.max_epochs, factor, iterations)
    space = problem.space()
    if contender.is_keras_tuner:
        evaluator = Evaluator(problem, Ledger(None), seed)
        oracle = build_hyperband_oracle(
            contender,
            problem,
            seed=seed,
            factor=factor,
            iterations=iterations,
            design_size=design_size,
        )
        design = run_keras_tuner(oracle, evaluator, workdir=workdir)
        return evaluator.evaluations, design
    ledger = Ledger(total, max_evaluations=EVALUATIONS_PER_EPOCH * total)
    evaluator = Evaluator(problem, ledger, seed)
    common = {"seed": seed, "max_epochs": problem.max_epochs, "factor": factor}
    if contender.family == "dehb":
        peers.run_dehb(space, evaluator, workdir=workdir, **common)
    elif contender.family == "smac":
        peers.run_smac(space, evaluator, total=total, workdir=workdir, **common)
    elif contender.family == "optuna":
        peers.run_optuna_hyperband(
            space, evaluator, max_trials=EVALUATIONS_PER_EPOCH * total, **common
        )
    else:  # pragma: no cover - parse_contender knows every family
        msg = f"no runner for contender '{contender.name}'."
        raise ValueError(msg)
    return evaluator.evaluations, set()


def execute_cell(cell: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Runs one cell; returns its raw records, one per evaluation.

    Args:
        cell: :meth:`ktseed.bench.multifidelity.task.MFCell.to_dict`.
    """
    import shutil
    import tempfile

    from ktseed.bench.execute import scratch_root

    contender = parse_contender(str(cell["strategy"]))
    problem = get_mf_problem(
        str(cell["problem"]), max_epochs=int(cell["max_epochs"])
    )
    workdir = Path(tempfile.mkdtemp(prefix="ktseed-mf-", dir=scratch_root()))
    started = time.perf_counter()
    try:
        evaluations, design = run_contender(
            contender,
            problem,
            seed=int(cell["seed"]),
            factor=int(cell["factor"]),
            iterations=int(cell["iterations"]),
            design_size=int(cell["design_size"]),
            workdir=workdir,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - started
    return make_records(cell, contender, problem, evaluations, design, seconds)


def make_records(
    cell: Mapping[str, Any],
    contender: Contender,
    problem: MFProblem,
    evaluations: list[dict[str, Any]],
    design: set[str],
    cell_seconds: float,
) -> list[dict[str, Any]]:
    """Raw JSONL records of one run.

    Fields: the cell's settings (``problem``, ``strategy``, ``family``,
    ``seed``, ``budget`` = total epochs, ``max_epochs``, ``factor``,
    ``iterations``, ``design_size``), ``n_trials`` (evaluations in the
    run), ``trial`` (index), ``trial_id`` (KerasTuner), ``epochs``,
    ``charged``, ``used`` (cumulative), ``kt_charged`` (KerasTuner's
    ``tuner/epochs - tuner/initial_epoch``), ``value`` (observed),
    ``regret`` (the configuration's exact regret at ``max_epochs``,
    synthetic problems), ``test`` (held-out error, training problems),
    ``design``, ``seconds``, ``elapsed``, ``cell_seconds``, ``values``.
    """
    records = []
    elapsed = 0.0
    for index, ev in enumerate(evaluations):
        elapsed += ev["seconds"]
        value = ev["value"]
        records.append(
            {
                "schema": SCHEMA_VERSION,
                "cell": cell["key"],
                "task": "multifidelity",
                "problem": problem.name,
                "strategy": contender.name,
                "family": contender.family,
                "seed": int(cell["seed"]),
                "budget": int(cell["budget"]),
                "max_epochs": int(cell["max_epochs"]),
                "factor": int(cell["factor"]),
                "iterations": int(cell["iterations"]),
                "design_size": int(cell["design_size"]),
                "n_trials": len(evaluations),
                "trial": index,
                "trial_id": ev["trial_id"],
                "epochs": ev["epochs"],
                "charged": ev["charged"],
                "used": ev["used"],
                "kt_charged": ev["kt_charged"],
                "value": value if math.isfinite(value) else None,
                "regret": problem.regret(ev["values"]),
                "test": ev["test"],
                "design": ev["trial_id"] in design,
                "seconds": round(ev["seconds"], 6),
                "elapsed": round(elapsed, 6),
                "cell_seconds": round(cell_seconds, 6),
                "values": ev["values"],
            }
        )
    return records


__all__ = [
    "SCHEMA_VERSION",
    "Evaluator",
    "build_hyperband_oracle",
    "execute_cell",
    "make_records",
    "run_contender",
    "run_keras_tuner",
]
