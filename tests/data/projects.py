"""Writers of small KerasTuner projects for the prior-run and export tests.

``write_project`` runs a real ``keras_tuner.Tuner`` (a ``run_trial`` that
returns a formula of the values, no training) so the files are exactly what
KerasTuner writes. ``write_trial_json`` hand-writes one ``trial.json`` for
corruption and edge cases.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras_tuner as kt

SCORE_MIN = kt.Objective("score", "min")


def mixed_hypermodel(hp: kt.HyperParameters) -> None:
    """Int on a grid, log Float, stepped Float, str/int Choices, Boolean,
    Fixed, and a conditional Int."""
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
    """A deterministic score with distinct values for distinct points."""
    score = (math.log10(values["lr"]) + 2.5) ** 2
    score += ((values["units"] - 128) / 128) ** 2 + values["dropout"]
    score += 0.3 if values["act"] == "tanh" else 0.0
    score += 0.2 if values["bn"] else 0.0
    if values.get("layers") == 2:
        score += values["units_2"] / 1000
    return score


class FormulaTuner(kt.Tuner):
    """A tuner whose trial result is ``formula(values)``.

    ``formula`` may return a float (recorded under the objective's name) or
    a dict of metrics; returning ``None`` fails the trial.
    """

    def __init__(
        self, *args: Any, formula: Callable[[dict[str, Any]], Any], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.formula = formula

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
        result = self.formula(dict(trial.hyperparameters.values))
        if result is None:
            msg = "formula declined these values"
            raise kt.errors.FailedTrialError(msg)
        return result


def write_project(
    directory: Path,
    project_name: str,
    *,
    max_trials: int = 8,
    seed: int = 1,
    objective: kt.Objective = SCORE_MIN,
    hypermodel: Callable[[kt.HyperParameters], None] = mixed_hypermodel,
    formula: Callable[[dict[str, Any]], Any] = mixed_score,
    oracle: Any = None,
) -> Path:
    """Runs a real random search; returns the project directory."""
    if oracle is None:
        oracle = kt.oracles.RandomSearchOracle(
            objective=objective, max_trials=max_trials, seed=seed
        )
    tuner = FormulaTuner(
        oracle=oracle,
        hypermodel=hypermodel,
        formula=formula,
        directory=str(directory),
        project_name=project_name,
        overwrite=True,
    )
    tuner.search(verbose=0)
    return directory / project_name


def epoch_score(values: dict[str, Any]) -> float:
    """:func:`mixed_score` plus a term growing with Hyperband's epochs.

    The same configuration scores worse (higher) after more epochs, as a
    validation loss does once a model overfits, so a reader that keeps the
    best score of a promoted configuration keeps its fewest-epoch trial.
    """
    return mixed_score(values) + 0.1 * values["tuner/epochs"]


def write_hyperband_project(
    directory: Path,
    project_name: str,
    *,
    formula: Callable[[dict[str, Any]], Any] = epoch_score,
    seed: int = 2,
) -> Path:
    """Runs a real Hyperband search (max_epochs=3, factor=3): trials of 1
    and 3 epochs, some configurations promoted from 1 to 3 epochs."""
    oracle = kt.oracles.HyperbandOracle(
        objective=SCORE_MIN, max_epochs=3, factor=3, seed=seed
    )
    return write_project(
        directory, project_name, oracle=oracle, formula=formula
    )


def trial_state(
    trial_id: str,
    values: dict[str, Any],
    score: float | None,
    *,
    status: str = "COMPLETED",
    metrics: dict[str, Any] | None = None,
    direction: str = "min",
) -> dict[str, Any]:
    """A trial.json state as KerasTuner 1.4 writes it."""
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


def write_trial_json(project: Path, name: str, content: Any) -> Path:
    """Writes ``trial_<name>/trial.json`` (a state dict, or raw text)."""
    path = project / f"trial_{name}" / "trial.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text)
    return path
