"""Test helpers: formula objectives run through real KerasTuner tuners."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import keras_tuner as kt

SCORE = kt.Objective("score", "min")


class FormulaTuner(kt.Tuner):
    """A ``keras_tuner.Tuner`` whose trial value is a formula of the values."""

    def __init__(
        self,
        *args: Any,
        formula: Callable[[dict], float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.formula = formula or quadratic
        self.calls: list[dict] = []

    def run_trial(self, trial, *args, **kwargs):
        values = dict(trial.hyperparameters.values)
        self.calls.append(values)
        return float(self.formula(values))


def quadratic(values: dict) -> float:
    """A smooth function of whatever numeric values are present."""
    total = 0.0
    for name, value in values.items():
        if name.startswith("tuner/"):
            continue
        if isinstance(value, bool):
            total += 0.0 if value else 0.5
        elif isinstance(value, (int, float)):
            total += (
                (math.log10(value) + 2.5) ** 2
                if name == "lr"
                else ((value % 97) / 97 - 0.3) ** 2
            )
        else:
            total += 0.1 * (len(value) % 3)
    return total


def small_space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Choice("act", ["relu", "tanh", "elu"])
    hp.Boolean("bn")
    return hp


def trial_values(oracle) -> list[dict]:
    """Every trial's values in trial-id order, tuner/* keys removed."""
    return [
        {
            k: v
            for k, v in oracle.trials[t].hyperparameters.values.items()
            if not k.startswith("tuner/")
        }
        for t in sorted(oracle.trials)
    ]
