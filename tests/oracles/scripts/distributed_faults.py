"""One process of a distributed seeded search, for the fault tests.

Usage: ``python distributed_faults.py DIR LOG_DIR [--seconds S]
[--initializer JSON] [--oracle random|hyperband_gp]``. Every process
(chief or worker, by
``KERASTUNER_TUNER_ID``) runs this script on the same ``DIR``. A worker
appends one JSON line per event to ``LOG_DIR/<tuner id>.jsonl``:
``{"event": "start" | "end", "trial": id, "values": {...}}``, so the test
can tell which trial ran where, how often, and when a worker is mid-trial.
Each trial takes ``S`` seconds (default 0.2). ``--oracle hyperband_gp``
runs the seeded Hyperband oracle with the GP hand-off instead of the
seeded random search (a trial's score then depends on ``tuner/epochs``).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_tuner as kt

import ktseed
from ktseed.oracles import GPHandoff

DESIGN = {"name": "sobol", "n_points": 8, "seed": 5}
MAX_TRIALS = 12


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Int("n", 1, 64, sampling="log")
    hp.Choice("c", ["a", "b", "c"])
    return hp


class Worker(kt.Tuner):
    log: pathlib.Path
    seconds: float

    def _event(self, event: str, trial: kt.engine.trial.Trial) -> None:
        line = {
            "event": event,
            "trial": trial.trial_id,
            "values": trial.hyperparameters.values,
            "time": time.time(),
        }
        with self.log.open("a") as file:
            file.write(json.dumps(line) + "\n")
            file.flush()
            os.fsync(file.fileno())

    def run_trial(self, trial, *args, **kwargs):
        self._event("start", trial)
        time.sleep(self.seconds)
        values = trial.hyperparameters.values
        self._event("end", trial)
        score = (values["x"] - 0.3) ** 2 + 0.01 * values["n"]
        if "tuner/epochs" in values:  # Hyperband: fewer epochs, worse
            score += 1.0 / values["tuner/epochs"]
        return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("log_dir")
    parser.add_argument("--seconds", type=float, default=0.2)
    parser.add_argument("--initializer", default=json.dumps(DESIGN))
    parser.add_argument(
        "--oracle", choices=("random", "hyperband_gp"), default="random"
    )
    args = parser.parse_args()
    tuner_id = os.environ["KERASTUNER_TUNER_ID"]
    common = {
        "objective": kt.Objective("score", "min"),
        "seed": 5,
        "hyperparameters": space(),
        "initializer": json.loads(args.initializer),
    }
    if args.oracle == "hyperband_gp":
        oracle = ktseed.SeededHyperbandOracle(
            max_epochs=9,
            factor=3,
            handoff=GPHandoff(n_candidates=128, n_restarts=3),
            **common,
        )
    else:
        oracle = ktseed.SeededRandomSearchOracle(
            max_trials=MAX_TRIALS, **common
        )
    tuner = Worker(
        oracle=oracle,
        directory=args.directory,
        project_name="dist",
        overwrite=False,
    )
    tuner.log = pathlib.Path(args.log_dir) / f"{tuner_id}.jsonl"
    tuner.seconds = args.seconds
    tuner.search(verbose=0)


if __name__ == "__main__":
    main()
