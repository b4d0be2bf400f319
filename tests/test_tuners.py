"""Seeded tuners mirror the stock ones; seeded oracles work in any tuner."""

from __future__ import annotations

import inspect

import keras_tuner as kt
import numpy as np
import pytest
from sklearn import linear_model
from sklearn import metrics

import ktseed
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle

from .helpers import trial_values

PAIRS = [
    (ktseed.SeededRandomSearch, kt.RandomSearch),
    (ktseed.SeededBayesianOptimization, kt.BayesianOptimization),
    (ktseed.SeededHyperband, kt.Hyperband),
]


@pytest.mark.parametrize(("seeded", "stock"), PAIRS)
def test_same_constructor_as_the_stock_tuner_plus_initializer(seeded, stock):
    ours = inspect.signature(seeded.__init__).parameters
    theirs = inspect.signature(stock.__init__).parameters
    for name, parameter in theirs.items():
        assert name in ours, name
        assert ours[name].default == parameter.default, name
    assert ours["initializer"].default == "sobol"
    assert issubclass(seeded, stock)


@pytest.mark.parametrize(("seeded", "stock"), PAIRS)
def test_stock_trial_logic_is_inherited_unchanged(seeded, stock):
    for name, member in vars(stock).items():
        if callable(member) and name != "__init__":
            assert getattr(seeded, name) is member, name


@pytest.mark.parametrize(
    ("oracle_cls", "kwargs"),
    [
        (SeededRandomSearchOracle, {"max_trials": 5}),
        (SeededBayesianOptimizationOracle, {"max_trials": 5}),
        (SeededHyperbandOracle, {"max_epochs": 3}),
    ],
)
def test_sklearn_tuner_accepts_every_seeded_oracle(
    tmp_path, oracle_cls, kwargs
):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=60)

    def build(hp):
        return linear_model.Ridge(
            alpha=hp.Float("alpha", 1e-3, 10.0, sampling="log")
        )

    oracle = oracle_cls(
        objective=kt.Objective("score", "max"),
        seed=1,
        initializer={"name": "sobol", "n_points": 2, "seed": 1},
        **kwargs,
    )
    tuner = kt.SklearnTuner(
        oracle=oracle,
        hypermodel=build,
        scoring=metrics.make_scorer(metrics.r2_score),
        cv=__import__("sklearn.model_selection").model_selection.KFold(2),
        directory=str(tmp_path),
        project_name="p",
    )
    tuner.search(x, y)
    design = ktseed.make_initializer(
        {"name": "sobol", "n_points": 2, "seed": 1}
    ).generate(oracle.hyperparameters)
    assert trial_values(oracle)[:2] == design
    assert oracle.design_trial_ids == sorted(oracle.trials)[:2]
    assert all(t.status == "COMPLETED" for t in oracle.trials.values())
    assert isinstance(tuner.get_best_models(1)[0], linear_model.Ridge)


def test_a_seeded_tuner_resumes_after_its_csv_source_is_gone(tmp_path):
    """Issue 14.2: a dict-form source is checked when the search is built,
    but a resumed search whose design is saved does not need it."""
    import keras_tuner as kt

    from ktseed import DataSourceError

    source = tmp_path / "points.csv"
    source.write_text("units\n64\n128\n", encoding="utf-8")

    class Quadratic(ktseed.SeededRandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return (trial.hyperparameters["units"] - 100) ** 2

    hp = kt.HyperParameters()
    hp.Int("units", 32, 256, step=32)
    spec = {"name": "csv", "path": str(source)}

    def tuner(max_trials):
        return Quadratic(
            objective=kt.Objective("score", "min"),
            max_trials=max_trials,
            seed=1,
            hyperparameters=hp,
            initializer=spec,
            directory=str(tmp_path),
            project_name="p",
        )

    tuner(3).search(verbose=0)
    source.unlink()
    resumed = tuner(5)  # no error: the design is saved
    resumed.search(verbose=0)
    assert len(resumed.oracle.trials) == 5
    assert resumed.oracle.design_trial_ids == ["0", "1"]
    with pytest.raises(DataSourceError, match=r"points\.csv' does not exist"):
        Quadratic(
            objective=kt.Objective("score", "min"),
            max_trials=3,
            hyperparameters=hp,
            initializer=spec,
            directory=str(tmp_path),
            project_name="fresh",
        )
