"""A seeded search that SIGKILLs itself at a chosen point (resume tests).

Run as a script: ``python search_until_killed.py DIR ORACLE KILL OUT`` where
KILL is ``none`` or ``<hook>:<n>`` with hook one of ``run`` (inside the n-th
``run_trial`` call of this process), ``begin`` (after the n-th trial was
created and saved, before it runs) or ``end`` (after the oracle ended the
n-th trial, before the tuner saves). OUT receives the trial list as JSON
when the search finishes.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_tuner as kt

import ktseed

DESIGN = {"name": "sobol", "n_points": 8, "seed": 3}
SEED = 11


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", -5.0, 10.0)
    hp.Float("y", 0.0, 15.0)
    hp.Choice("c", ["a", "b", "c"])
    return hp


def branin(values: dict) -> float:
    x, y = values["x"], values["y"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    value = (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10
    return value + {"a": 0.0, "b": 0.5, "c": 1.0}[values["c"]]


def make_oracle(kind: str):
    common = {
        "objective": kt.Objective("score", "min"),
        "seed": SEED,
        "hyperparameters": space(),
        "initializer": DESIGN,
    }
    if kind == "random":
        return ktseed.SeededRandomSearchOracle(max_trials=14, **common)
    if kind == "bayesian":
        return ktseed.SeededBayesianOptimizationOracle(max_trials=11, **common)
    return ktseed.SeededHyperbandOracle(max_epochs=9, factor=3, **common)


class KillingTuner(kt.Tuner):
    def __init__(self, *args, kill: str = "none", **kwargs):
        super().__init__(*args, **kwargs)
        hook, _, count = kill.partition(":")
        self.kill_hook, self.kill_at = hook, int(count or 0)
        self.counts = {"run": 0, "begin": 0, "end": 0}

    def _maybe_die(self, hook: str) -> None:
        self.counts[hook] += 1
        if hook == self.kill_hook and self.counts[hook] == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self._maybe_die("begin")

    def run_trial(self, trial, *args, **kwargs):
        self._maybe_die("run")
        return branin(trial.hyperparameters.values)

    def on_trial_end(self, trial):
        self.oracle.end_trial(trial)
        self._maybe_die("end")
        self.save()


def run(directory: str, kind: str, kill: str = "none") -> list[dict]:
    oracle = make_oracle(kind)
    tuner = KillingTuner(
        oracle=oracle, directory=directory, project_name="p", kill=kill
    )
    tuner.search(verbose=0)
    return [
        {
            "trial_id": t,
            "status": oracle.trials[t].status,
            "values": oracle.trials[t].hyperparameters.values,
            "design_index": oracle.design_index(t),
        }
        for t in sorted(oracle.trials)
    ]


if __name__ == "__main__":
    directory, kind, kill, out = sys.argv[1:5]
    trials = run(directory, kind, kill)
    with open(out, "w") as f:
        json.dump(trials, f)
