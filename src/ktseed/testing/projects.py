"""KerasTuner project directories, written for tests and benchmarks.

KerasTuner keeps a search in ``<directory>/<project_name>/``: one
``trial_<id>/trial.json`` per trial and ``oracle.json`` (see
:mod:`ktseed.prior_runs`). The writers here make such projects for tests of
code that reads them (``prior_run``, ``ktseed export``) and for the
benchmark's load times, from the most faithful to the fastest:

* :func:`write_project` runs a real KerasTuner search whose trials return
  a formula of their values (nothing is trained), so the files are exactly
  what KerasTuner writes. By default the space is :func:`mixed_hypermodel`
  (every kind of hyperparameter) and the score :func:`mixed_score`.
  :func:`write_hyperband_project` does the same with Hyperband.
* :func:`write_synthetic_project` writes thousands of trials in KerasTuner
  1.4's layout directly, without running KerasTuner.
* :func:`trial_state` and :func:`write_trial_json` hand-write one
  ``trial.json``, for damaged files and edge cases.

Importing this module imports neither pytest nor KerasTuner (only
:func:`write_project` imports KerasTuner, when called), so the benchmark,
whose ``bench`` extra installs no pytest, uses it too.
"""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from ktseed.space.configs import hp_config
from ktseed.testing._tuner import Formula
from ktseed.testing._tuner import formula_tuner_class

if TYPE_CHECKING:
    from collections.abc import Callable

    import keras_tuner


# ------------------------------------------------------- a real search
def mixed_hypermodel(hp: keras_tuner.HyperParameters) -> None:
    """Declares the default space of :func:`write_project`.

    An Int on a grid, a log Float, a stepped Float, str and int Choices, a
    Boolean, a Fixed, and a conditional Int: ``units``, ``lr``,
    ``dropout``, ``act``, ``bn``, ``epochs``, ``layers`` and, when
    ``layers`` is 2, ``units_2``.
    """
    hp.Int("units", 32, 256, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("act", ["relu", "tanh"])
    hp.Boolean("bn")
    hp.Fixed("epochs", 3)
    hp.Choice("layers", [1, 2])
    with hp.conditional_scope("layers", [2]):
        hp.Int("units_2", 8, 64, sampling="log")


def mixed_score(values: dict[str, Any]) -> float:
    """A deterministic score with distinct values for distinct points.

    For values of :func:`mixed_hypermodel`'s space; lower is better.
    """
    score: float = (math.log10(values["lr"]) + 2.5) ** 2
    score += ((values["units"] - 128) / 128) ** 2 + values["dropout"]
    score += 0.3 if values["act"] == "tanh" else 0.0
    score += 0.2 if values["bn"] else 0.0
    if values.get("layers") == 2:
        score += values["units_2"] / 1000
    return score


def epoch_score(values: dict[str, Any]) -> float:
    """:func:`mixed_score` plus a term growing with Hyperband's epochs.

    The same configuration scores worse (higher) after more epochs, as a
    validation loss does once a model overfits, so a reader that keeps the
    best score of a promoted configuration keeps its fewest-epoch trial.
    """
    epochs: int = values["tuner/epochs"]
    return mixed_score(values) + 0.1 * epochs


def write_project(
    directory: str | os.PathLike[str],
    project_name: str,
    *,
    max_trials: int = 8,
    seed: int = 1,
    objective: keras_tuner.Objective | None = None,
    hypermodel: Callable[[keras_tuner.HyperParameters], Any]
    | None = mixed_hypermodel,
    formula: Formula = mixed_score,
    oracle: Any = None,
) -> Path:
    """Runs a real KerasTuner search that trains nothing; overwrites.

    Args:
        directory: The tuner's ``directory``.
        project_name: Its ``project_name``.
        max_trials: The random search's budget (without ``oracle``).
        seed: The random search's seed (without ``oracle``).
        objective: The random search's objective (without ``oracle``);
            default ``Objective("score", "min")``.
        hypermodel: Declares the space (``None`` when ``oracle`` has
            ``hyperparameters``).
        formula: A trial's result from its values: a float (recorded under
            the objective's name), a dict of metrics, or ``None`` to fail
            the trial.
        oracle: The oracle to run instead of a
            ``keras_tuner.oracles.RandomSearchOracle``.

    Returns:
        The project directory, ``<directory>/<project_name>``.
    """
    import keras_tuner as kt

    if objective is None:
        objective = kt.Objective("score", "min")
    if oracle is None:
        oracle = kt.oracles.RandomSearchOracle(
            objective=objective,
            max_trials=max_trials,
            seed=seed,
        )
    tuner = formula_tuner_class()(
        oracle=oracle,
        hypermodel=hypermodel,
        formula=formula,
        directory=os.fspath(directory),
        project_name=project_name,
        overwrite=True,
    )
    tuner.search(verbose=0)
    return Path(directory) / project_name


def write_hyperband_project(
    directory: str | os.PathLike[str],
    project_name: str,
    *,
    formula: Formula = epoch_score,
    seed: int = 2,
) -> Path:
    """Runs a real Hyperband search (``max_epochs=3``, ``factor=3``).

    Its trials train for 1 or 3 epochs, and some configurations are
    promoted from 1 to 3 epochs (recorded in ``tuner/epochs``).

    Returns:
        The project directory, ``<directory>/<project_name>``.
    """
    import keras_tuner as kt

    oracle = kt.oracles.HyperbandOracle(
        objective=kt.Objective("score", "min"),
        max_epochs=3,
        factor=3,
        seed=seed,
    )
    return write_project(
        directory, project_name, oracle=oracle, formula=formula
    )


# ----------------------------------------------------------- synthesis
#: The space of :func:`write_synthetic_project`, as
#: ``HyperParameters.get_config()["space"]`` gives it: 7 hyperparameters,
#: ``units_2`` active when ``layers`` is 2 or 3.
_SYNTHETIC_SPACE: list[dict[str, Any]] = [
    hp_config("Int", "units", min_value=32, max_value=512, step=32),
    hp_config(
        "Float",
        "lr",
        default=0.0001,
        min_value=0.0001,
        max_value=0.1,
        sampling="log",
    ),
    hp_config(
        "Choice",
        "act",
        default="relu",
        values=["relu", "tanh", "elu"],
        ordered=False,
    ),
    hp_config("Boolean", "bn"),
    hp_config(
        "Float", "dropout", default=0.0, min_value=0.0, max_value=0.5, step=0.1
    ),
    hp_config("Choice", "layers", default=1, values=[1, 2, 3], ordered=True),
    hp_config(
        "Int",
        "units_2",
        min_value=8,
        max_value=64,
        sampling="log",
        parents={"layers": [2, 3]},
    ),
]


def write_synthetic_project(
    directory: str | os.PathLike[str],
    project_name: str,
    n_trials: int,
    *,
    seed: int = 0,
    epochs: int = 1,
    failed_every: int = 0,
) -> str:
    """Writes a KerasTuner-format project with ``n_trials`` trials, fast.

    For benchmarks of :func:`~ktseed.prior_runs.load_prior_run` and for
    tests of large projects. The files have
    exactly the structure KerasTuner 1.4 writes (``trial_<id>/trial.json``
    with the full space config, values, metric histories, score, best step
    and status, plus ``oracle.json``), over a fixed 7-hyperparameter space
    with a conditional hyperparameter, and are written without importing
    KerasTuner (10,000 trials take a few seconds).

    Args:
        directory: Parent directory (created if needed).
        project_name: Project sub-directory name.
        n_trials: Number of trials.
        seed: Seed of the random values and scores.
        epochs: Steps per trial in the ``score`` metric's history.
        failed_every: Make every ``failed_every``-th trial FAILED (0: none).

    Returns:
        The project directory.
    """
    rng = random.Random(seed)
    project_dir = os.path.join(os.fspath(directory), project_name)
    os.makedirs(project_dir, exist_ok=True)
    width = len(str(n_trials))
    space_config = {"space": _SYNTHETIC_SPACE, "values": {}}
    for index in range(n_trials):
        trial_id = f"{index:0{width}d}"
        values: dict[str, Any] = {
            "units": 32 * rng.randint(1, 16),
            "lr": 10 ** rng.uniform(-4, -1),
            "act": rng.choice(["relu", "tanh", "elu"]),
            "bn": rng.random() < 0.5,
            # KerasTuner's grid of Float(0, 0.5, step=0.1) stops at 0.4:
            # it has (0.5 - 0) // 0.1 + 1 = 5 values (0.5 // 0.1 == 4.0).
            "dropout": [0.0, 0.1, 0.2, 0.3, 0.4][rng.randint(0, 4)],
            "layers": rng.choice([1, 2, 3]),
        }
        if values["layers"] != 1:
            values["units_2"] = rng.randint(8, 64)
        failed = failed_every > 0 and index % failed_every == failed_every - 1
        losses = [rng.uniform(0.0, 10.0) for _ in range(epochs)]
        history = [
            {"value": [loss], "step": step} for step, loss in enumerate(losses)
        ]
        best = min(losses)
        best_step = losses.index(best)
        state = {
            "trial_id": trial_id,
            "hyperparameters": {"space": _SYNTHETIC_SPACE, "values": values},
            "metrics": {
                "metrics": (
                    {}
                    if failed
                    else {
                        "score": {"direction": "min", "observations": history}
                    }
                )
            },
            "score": None if failed else best,
            "best_step": 0 if failed else best_step,
            "status": "FAILED" if failed else "COMPLETED",
            "message": "synthetic failure" if failed else None,
        }
        trial_dir = os.path.join(project_dir, f"trial_{trial_id}")
        os.makedirs(trial_dir, exist_ok=True)
        with open(os.path.join(trial_dir, "trial.json"), "w") as file:
            file.write(json.dumps(state))
    oracle = {
        "ongoing_trials": {},
        "hyperparameters": space_config,
        "start_order": [],
        "end_order": [],
        "run_times": {},
        "retry_queue": [],
        "seed": seed,
        "seed_state": seed,
        "tried_so_far": [],
        "id_to_hash": {},
        "display": {},
    }
    with open(os.path.join(project_dir, "oracle.json"), "w") as file:
        file.write(json.dumps(oracle))
    return project_dir


# -------------------------------------------------------- single files
def trial_state(
    trial_id: str,
    values: dict[str, Any],
    score: float | None,
    *,
    status: str = "COMPLETED",
    metrics: dict[str, Any] | None = None,
    direction: str = "min",
) -> dict[str, Any]:
    """A ``trial.json`` state as KerasTuner 1.4 writes it.

    Args:
        trial_id: The trial id.
        values: The hyperparameter values (the space is left empty).
        score: The score; without ``metrics``, also the one observation of
            a metric ``score`` (none when ``score`` is ``None``).
        status: The trial status.
        metrics: The ``metrics.metrics`` mapping, instead of the above.
        direction: The direction of the ``score`` metric.
    """
    if metrics is None:
        metrics = (
            {}
            if score is None
            else {
                "score": {
                    "direction": direction,
                    "observations": [{"value": [score], "step": 0}],
                }
            }
        )
    return {
        "trial_id": trial_id,
        "hyperparameters": {"space": [], "values": values},
        "metrics": {"metrics": metrics},
        "score": score,
        "best_step": 0,
        "status": status,
        "message": None,
    }


def write_trial_json(
    project: str | os.PathLike[str], name: str, content: Any
) -> Path:
    """Writes ``<project>/trial_<name>/trial.json``.

    Args:
        project: The project directory (created if needed).
        name: The trial directory's suffix (usually the trial id).
        content: A state (see :func:`trial_state`), written as JSON, or
            raw text, written as is (for damaged files).

    Returns:
        The file written.
    """
    path = Path(project) / f"trial_{name}" / "trial.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text)
    return path


__all__ = [
    "epoch_score",
    "mixed_hypermodel",
    "mixed_score",
    "trial_state",
    "write_hyperband_project",
    "write_project",
    "write_synthetic_project",
    "write_trial_json",
]
