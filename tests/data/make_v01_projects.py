"""Writes the ktseed 0.1 project fixtures in tests/data/v01/ (run once).

Run with ktseed 0.1 on the path (``git worktree add /tmp/ktseed-v01
45a0445`` and ``PYTHONPATH=/tmp/ktseed-v01/src``); the projects are
committed so that ``tests/test_v01_projects.py`` checks that every later
ktseed resumes them. Each search is cut off (as by a crash) in its sixth trial, of an
8-point design, so the resumed one has design points and a trial to rerun.
"""

from __future__ import annotations

import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import contextlib

import keras_tuner as kt

import ktseed

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "v01")


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("act", ["relu", "tanh"])
    return hp


class Formula(kt.Tuner):
    def run_trial(self, trial, *args, **kwargs):
        if len(self.oracle.end_order) == 5:
            raise KeyboardInterrupt  # five trials done: the "crash"
        hp = trial.hyperparameters
        return (hp["units"] - 200) ** 2 / 1e4 + hp["dropout"] + hp["lr"]


def oracles() -> dict[str, kt.Oracle]:
    score = kt.Objective("score", "min")
    design = {"name": "sobol", "n_points": 8, "seed": 3}
    common = {"objective": score, "seed": 5, "hyperparameters": space()}
    return {
        "random": ktseed.SeededRandomSearchOracle(
            max_trials=12, initializer=design, **common
        ),
        "bayesian": ktseed.SeededBayesianOptimizationOracle(
            max_trials=12, initializer=design, **common
        ),
        "bayesian_gp": ktseed.SeededBayesianOptimizationOracle(
            max_trials=12, initializer=design, handoff="gp", **common
        ),
        "hyperband": ktseed.SeededHyperbandOracle(
            max_epochs=9, hyperband_iterations=1, initializer=design, **common
        ),
    }


def main() -> int:
    assert not hasattr(ktseed, "DesignRequest"), ktseed.__file__  # 0.1
    shutil.rmtree(OUT, ignore_errors=True)
    for name, oracle in oracles().items():
        tuner = Formula(oracle=oracle, directory=OUT, project_name=name)
        with contextlib.suppress(KeyboardInterrupt):
            tuner.search(verbose=0)
        print(
            name, len(oracle.trials), "trials", len(oracle.end_order), "ended"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
