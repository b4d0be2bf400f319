"""Projects saved by ktseed 0.1 resume under this ktseed (issue 11).

``tests/data/v01/`` holds four projects written by ktseed 0.1 (commit
45a0445, by ``tests/data/make_v01_projects.py``): random search, Bayesian
(stock and GP hand-off) and Hyperband, each cut off in its sixth trial of
an 8-point Sobol' design. Their ``oracle.json`` holds state version 1, with
the design inline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ktseed
from ktseed.oracles._seeding import DESIGN_FILE
from ktseed.points import point_key
from tests.data.make_v01_projects import Formula
from tests.data.make_v01_projects import space

FIXTURES = Path(__file__).parent / "data" / "v01"

DESIGN = {"name": "sobol", "n_points": 8, "seed": 3}


def oracle_for(name: str):
    import keras_tuner as kt

    common = {
        "objective": kt.Objective("score", "min"),
        "seed": 5,
        "hyperparameters": space(),
        "initializer": DESIGN,
    }
    if name == "random":
        return ktseed.SeededRandomSearchOracle(max_trials=12, **common)
    if name == "bayesian":
        return ktseed.SeededBayesianOptimizationOracle(max_trials=12, **common)
    if name == "bayesian_gp":
        return ktseed.SeededBayesianOptimizationOracle(
            max_trials=12, handoff="gp", **common
        )
    return ktseed.SeededHyperbandOracle(
        max_epochs=9, hyperband_iterations=1, **common
    )


class Finishing(Formula):
    """The fixture's objective, without its cut-off."""

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        self.ran = [*getattr(self, "ran", []), trial.trial_id]
        return (hp["units"] - 200) ** 2 / 1e4 + hp["dropout"] + hp["lr"]


@pytest.mark.parametrize(
    "name", ["random", "bayesian", "bayesian_gp", "hyperband"]
)
def test_a_ktseed_01_project_resumes(tmp_path, name):
    shutil.copytree(FIXTURES / name, tmp_path / name)
    saved = json.loads((FIXTURES / name / "oracle.json").read_text())["ktseed"]
    assert saved["version"] == 1 and len(saved["design"]) == 8
    cut_off = next(
        iter(
            json.loads((FIXTURES / name / "oracle.json").read_text())[
                "ongoing_trials"
            ].values()
        )
    )

    oracle = oracle_for(name)
    tuner = Finishing(oracle=oracle, directory=str(tmp_path), project_name=name)
    tuner.search(verbose=0)

    # The trial cut off by the "crash" ran again, first; nothing else that
    # had finished ran again.
    assert tuner.ran[0] == cut_off
    assert all(oracle.trials[t].status == "COMPLETED" for t in oracle.trials)
    # Every design point ran exactly once, in order, as 0.1 had built it.
    design_ids = oracle.design_trial_ids
    assert len(design_ids) == 8
    assert oracle.design == saved["design"]
    for index, trial_id in enumerate(design_ids):
        values = {
            k: v
            for k, v in oracle.trials[trial_id].hyperparameters.values.items()
            if not k.startswith("tuner/")
        }
        assert point_key(values) == point_key(saved["design"][index])
    # No configuration ran twice (Hyperband promotions aside).
    round0 = [
        t
        for t in oracle.trials.values()
        if t.hyperparameters.values.get("tuner/round", 0) == 0
    ]
    keys = [
        point_key(
            {
                k: v
                for k, v in t.hyperparameters.values.items()
                if not k.startswith("tuner/")
            }
        )
        for t in round0
    ]
    assert len(keys) == len(set(keys))
    if name != "hyperband":
        assert len(oracle.trials) == 12
    # Saved again in this ktseed's format: the design in its own file.
    state = json.loads((tmp_path / name / "oracle.json").read_text())["ktseed"]
    assert state["version"] == 2 and state["design"] is None
    stored = json.loads((tmp_path / name / DESIGN_FILE).read_text())
    assert stored["points"] == saved["design"]
