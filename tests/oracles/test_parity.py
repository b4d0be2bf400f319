"""What KerasTuner's own oracle tests check still holds for seeded oracles.

KerasTuner's test suite (``keras_tuner/tuners/randomsearch_test.py``,
``bayesian_test.py``, ``hyperband_test.py`` at keras-tuner 1.4.7) checks
behaviours of the stock oracles: a space declared inside ``run_trial`` is
exhausted, a failed trial is skipped, a space that grows is followed, a
saved oracle reloads, steps are respected, a maximised objective is
maximised. The same scenarios run here with the seeded oracles, with their
default initializer (``"sobol"``) and, where a design by definition changes
what the first trial is, with ``initializer=None`` (no design). The
scenarios are rewritten, not copied.
"""

from __future__ import annotations

import random

import keras_tuner as kt
import pytest

import ktseed
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle

MAXIMISE = kt.Objective("score", "max")


def booleans_in_run_trial(base, names, fail_first=False):
    """A tuner whose space is declared inside ``run_trial`` (no hypermodel)."""

    class DeclaresInRunTrial(base):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            for name in names:
                hp.Boolean(name)
            if fail_first and len(self.oracle.start_order) == 1:
                raise kt.errors.FailedTrialError("the first trial fails")
            return [random.Random(trial.trial_id).random()]

    return DeclaresInRunTrial


@pytest.mark.parametrize(
    "base", [ktseed.SeededRandomSearch, ktseed.SeededBayesianOptimization]
)
def test_a_space_declared_in_run_trial_is_exhausted(tmp_path, base):
    """Two Booleans: four configurations, then the search stops."""
    tuner = booleans_in_run_trial(base, ["b1", "b2"])(
        max_trials=15, seed=3, directory=str(tmp_path)
    )
    tuner.search(verbose=0)
    assert len(tuner.oracle.trials) == 4
    configurations = {
        tuple(sorted(t.hyperparameters.values.items()))
        for t in tuner.oracle.trials.values()
    }
    assert len(configurations) == 4


def test_a_failed_trial_is_skipped(tmp_path):
    tuner = booleans_in_run_trial(
        ktseed.SeededBayesianOptimization,
        ["b1", "b2", "b3", "b4"],
        fail_first=True,
    )(max_trials=7, seed=3, directory=str(tmp_path))  # KerasTuner's: 15
    tuner.search(verbose=0)
    statuses = [t.status for t in tuner.oracle.trials.values()]
    assert "FAILED" in statuses
    assert statuses.count("COMPLETED") == len(statuses) - 1


def test_hyperband_with_a_tiny_space_runs_its_brackets(tmp_path):
    """A one-Boolean space runs dry while round 0 is being filled."""
    hp = kt.HyperParameters()
    hp.Boolean("bool")
    oracle = SeededHyperbandOracle(
        objective=MAXIMISE, max_epochs=9, hyperparameters=hp, seed=1
    )
    oracle._set_project_dir(str(tmp_path), "p")
    statuses = []
    for index in range(4):
        trial = oracle.create_trial(f"tuner{index}")
        statuses.append(trial.status)
    # Two configurations exist; after both, Hyperband waits (IDLE) for
    # them instead of inventing a third.
    assert statuses[:2] == ["RUNNING", "RUNNING"]
    assert set(statuses[2:]) <= {"IDLE", "STOPPED"}


def oracle_with(hp, **kwargs):
    return SeededBayesianOptimizationOracle(
        objective=MAXIMISE, max_trials=20, hyperparameters=hp, **kwargs
    )


def complete(oracle, tuner_id, score):
    trial = oracle.create_trial(tuner_id)
    oracle.update_trial(trial.trial_id, {"score": score})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)
    return trial


@pytest.mark.parametrize("initializer", ["sobol", None])
def test_the_oracle_runs_with_constant_and_zero_scores(tmp_path, initializer):
    hp = kt.HyperParameters()
    hp.Choice("a", [1, 2], default=1)
    hp.Int("b", 3, 10, default=3)
    hp.Float("c", 0, 1, 0.1, default=0)
    hp.Fixed("d", 7)
    hp.Choice("e", [9, 0], default=9)
    oracle = oracle_with(
        hp, num_initial_points=2, seed=5, initializer=initializer
    )
    oracle._set_project_dir(str(tmp_path), "p")
    for index in range(6):
        trial = complete(oracle, str(index), 0.0)
        assert trial.status == "COMPLETED"
        assert trial.hyperparameters.values["d"] == 7


def test_a_growing_space_reaches_the_proposals(tmp_path):
    hp = kt.HyperParameters()
    hp.Choice("a", [1, 2], default=1)
    oracle = SeededBayesianOptimizationOracle(
        objective="val_acc", max_trials=20, num_initial_points=10, seed=2
    )
    oracle._set_project_dir(str(tmp_path), "p")
    oracle.hyperparameters = hp
    for index in range(10):
        oracle.populate_space(str(index))
    for name, declare in [
        ("b", lambda h: h.Int("b", 3, 10, default=3)),
        ("c", lambda h: h.Float("c", 0, 1, 0.1, default=0)),
        ("d", lambda h: h.Fixed("d", 7)),
        ("e", lambda h: h.Choice("e", [9, 0], default=9)),
    ]:
        declare(hp)
        assert name in oracle.populate_space(f"new_{name}")["values"]


@pytest.mark.parametrize("initializer", ["sobol", None])
def test_a_saved_oracle_reloads_and_continues(tmp_path, initializer):
    def space():
        hp = kt.HyperParameters()
        for name, values in zip(
            "abcde", [[1, 2], [3, 4], [5, 6], [7, 8], [9, 0]]
        ):
            hp.Choice(name, values, default=values[0])
        return hp

    first = oracle_with(space(), seed=4, initializer=initializer)
    first._set_project_dir(str(tmp_path), "p")
    for _ in range(3):
        complete(first, "tuner", 1.0)
    first.save()
    second = oracle_with(space(), seed=4, initializer=initializer)
    second._set_project_dir(str(tmp_path), "p")
    second.reload()
    for _ in range(3):
        complete(second, "tuner", 1.0)
    assert len(second.trials) == 6


def known_trials(oracle, hp, rows):
    for value, score in rows:
        trial = kt.engine.trial.Trial(hyperparameters=hp.copy())
        trial.hyperparameters.values["a"] = value
        trial.score = score
        trial.status = "COMPLETED"
        oracle.trials[trial.trial_id] = trial


@pytest.mark.parametrize("handoff", ["stock", "gp"])
def test_a_maximised_objective_is_maximised(tmp_path, handoff):
    """With no design, the first proposal follows the known scores."""
    hp = kt.HyperParameters()
    hp.Int("a", -100, 100)
    oracle = oracle_with(
        hp, num_initial_points=2, seed=1, initializer=None, handoff=handoff
    )
    oracle._set_project_dir(str(tmp_path), "p")
    known_trials(oracle, hp, [(10 * i, i) for i in range(5)])
    known_trials(oracle, hp, [(-10 * i, -i) for i in range(5)])
    trial = oracle.create_trial("tuner0")
    assert trial.status == "RUNNING"
    assert trial.hyperparameters.get("a") > 0


@pytest.mark.parametrize("initializer", ["sobol", None])
def test_hyperparameters_added_later_are_in_new_trials(tmp_path, initializer):
    hp = kt.HyperParameters()
    hp.Int("a", -100, 100)
    oracle = oracle_with(
        hp, num_initial_points=2, seed=1, initializer=initializer
    )
    oracle._set_project_dir(str(tmp_path), "p")
    known_trials(oracle, hp, [(10 * i, i) for i in range(10)])
    added = kt.HyperParameters()
    added.Float("b", 3.2, 6.4, step=0.2, default=3.6)
    added.Boolean("c", default=True)
    oracle.update_space(added)
    trial = oracle.create_trial("tuner0")
    assert trial.status == "RUNNING"
    assert {"b", "c"} <= set(trial.hyperparameters.values)


@pytest.mark.parametrize("initializer", ["sobol", None])
def test_steps_are_respected(tmp_path, initializer):
    hp = kt.HyperParameters()
    hp.Float("c", 0, 10, step=3)
    oracle = oracle_with(
        hp, num_initial_points=2, seed=1, initializer=initializer
    )
    oracle._set_project_dir(str(tmp_path), "p")
    for i in range(10):
        trial = kt.engine.trial.Trial(hyperparameters=hp.copy())
        trial.hyperparameters.values["c"] = 3.0
        trial.score = i
        trial.status = "COMPLETED"
        oracle.trials[trial.trial_id] = trial
    for index in range(3):
        trial = oracle.create_trial(f"tuner{index}")
        assert trial.hyperparameters.get("c") in {0, 3, 6, 9}
