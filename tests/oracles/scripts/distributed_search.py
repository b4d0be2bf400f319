"""One process of a distributed seeded search (chief or worker).

KerasTuner's own distributed mode: every process runs this same script with
the same directory; ``KERASTUNER_TUNER_ID`` says who is the chief.
Usage: ``python distributed_search.py DIR OUT_DIR``. A worker writes the ids
of the trials it ran to ``OUT_DIR/<tuner id>.json``.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_tuner as kt

import ktseed

DESIGN = {"name": "sobol", "n_points": 8, "seed": 5}


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Int("n", 1, 64, sampling="log")
    hp.Choice("c", ["a", "b", "c"])
    return hp


RAN: list[str] = []


class Worker(kt.Tuner):
    out: pathlib.Path

    def run_trial(self, trial, *args, **kwargs):
        if not RAN:
            # Hold the first trial until the other worker holds one too, so
            # that both provably take part (however slowly each started).
            (self.out / f"{os.environ['KERASTUNER_TUNER_ID']}.ready").touch()
            deadline = time.time() + 90
            while len(list(self.out.glob("*.ready"))) < 2:
                if time.time() > deadline:
                    raise kt.errors.FatalError("the other worker never came")
                time.sleep(0.05)
        RAN.append(trial.trial_id)
        time.sleep(0.1)
        values = trial.hyperparameters.values
        return (values["x"] - 0.3) ** 2 + 0.01 * values["n"]


def main(directory: str, out_dir: str) -> None:
    tuner_id = os.environ["KERASTUNER_TUNER_ID"]
    oracle = ktseed.SeededRandomSearchOracle(
        objective=kt.Objective("score", "min"),
        max_trials=12,
        seed=5,
        hyperparameters=space(),
        initializer=DESIGN,
    )
    tuner = Worker(
        oracle=oracle, directory=directory, project_name="dist", overwrite=False
    )
    out = pathlib.Path(out_dir)
    tuner.out = out
    tuner.search(verbose=0)
    if "chief" not in tuner_id:
        (out / f"{tuner_id}.json").write_text(json.dumps(RAN))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
