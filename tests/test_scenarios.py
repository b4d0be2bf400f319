"""The three classic needs, done with real (tiny) Keras models.

A widely copied recipe overrides a `_get_initial_trials` method that does
not exist in KerasTuner, so none of its examples ever used the user's
values. These tests run the same three scenarios with ktseed and check
that the first trials are exactly the requested configurations.
"""

from __future__ import annotations

import keras
import keras_tuner as kt
import numpy as np
import pytest

import ktseed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x[:96], y[:96], x[96:], y[96:]


def build_model(hp: kt.HyperParameters) -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(shape=(8,)),
            keras.layers.Dense(
                hp.Int("units", 32, 512, step=32),
                activation=hp.Choice("activation", ["relu", "tanh"]),
            ),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(
            hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def first_values(tuner, n):
    trials = [tuner.oracle.trials[t] for t in sorted(tuner.oracle.trials)][:n]
    return [dict(t.hyperparameters.values) for t in trials]


def test_known_configurations_run_first_on_random_search(tmp_path, data):
    x, y, xv, yv = data
    tuner = ktseed.SeededRandomSearch(
        build_model,
        objective="val_accuracy",
        max_trials=3,
        seed=1,
        initializer={
            "name": "fixed",
            "points": [{"units": 64, "learning_rate": 1e-3}, {"units": 256}],
        },
        directory=str(tmp_path),
        project_name="fixed",
    )
    tuner.search(x, y, validation_data=(xv, yv), epochs=1, verbose=0)
    first, second = first_values(tuner, 2)
    assert first == {"units": 64, "activation": "relu", "learning_rate": 1e-3}
    assert second == {"units": 256, "activation": "relu", "learning_rate": 1e-4}
    assert tuner.oracle.design_trial_ids == ["0", "1"]
    assert all(t.status == "COMPLETED" for t in tuner.oracle.trials.values())


def test_latin_hypercube_design_before_bayesian_optimisation(tmp_path, data):
    x, y, xv, yv = data
    spec = {"name": "lhs", "n_points": 3, "seed": 4}
    tuner = ktseed.SeededBayesianOptimization(
        build_model,
        objective="val_accuracy",
        max_trials=4,
        seed=4,
        initializer=spec,
        directory=str(tmp_path),
        project_name="lhs",
    )
    tuner.search(x, y, validation_data=(xv, yv), epochs=1, verbose=0)
    design = ktseed.make_initializer(spec).generate(
        tuner.oracle.hyperparameters
    )
    assert first_values(tuner, 3) == design
    # An LHS puts each design point in its own third of every range.
    units = sorted(p["units"] for p in design)
    assert units[0] < 32 + 160 <= units[1] < 32 + 320 <= units[2]
    assert tuner.oracle.effective_num_initial_points == 3
    assert len(tuner.oracle.trials) == 4


def test_seeded_hyperband_keeps_epochs_and_checkpoints(tmp_path, data):
    x, y, xv, yv = data
    fits = []

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            fits.append(
                {
                    "weights": [w.copy() for w in self.model.get_weights()],
                    "epochs": [],
                }
            )

        def on_epoch_begin(self, epoch, logs=None):
            fits[-1]["epochs"].append(epoch)

    tuner = ktseed.SeededHyperband(
        build_model,
        objective="val_accuracy",
        max_epochs=3,
        factor=3,
        seed=2,
        initializer={"name": "sobol", "n_points": 2, "seed": 2},
        directory=str(tmp_path),
        project_name="hb",
    )
    tuner.search(
        x, y, validation_data=(xv, yv), verbose=0, callbacks=[Record()]
    )
    oracle = tuner.oracle
    assert oracle.design_trial_ids == ["0000", "0001"]
    trials = [oracle.trials[t] for t in sorted(oracle.trials)]
    assert len(fits) == len(trials)
    promoted = [
        (k, t)
        for k, t in enumerate(trials)
        if "tuner/trial_id" in t.hyperparameters.values
    ]
    assert promoted, "Hyperband promoted nothing"
    for k, trial in promoted:
        values = trial.hyperparameters.values
        # Stock Hyperband logic: resume at the parent's last epoch ...
        assert fits[k]["epochs"][0] == values["tuner/initial_epoch"] > 0
        assert fits[k]["epochs"][-1] == values["tuner/epochs"] - 1
        # ... from the parent's saved weights.
        parent = oracle.trials[values["tuner/trial_id"]]
        reference = build_model(parent.hyperparameters)
        reference.load_weights(
            f"{tuner.get_trial_dir(parent.trial_id)}/checkpoint.weights.h5"
        )
        for loaded, expected in zip(
            fits[k]["weights"], reference.get_weights(), strict=True
        ):
            np.testing.assert_array_equal(loaded, expected)


def test_configurations_from_a_csv_file_run_first(tmp_path, data):
    x, y, xv, yv = data
    path = tmp_path / "configs.csv"
    path.write_text(
        "units,learning_rate,activation,notes_score\n"
        "128,0.001,tanh,0.91\n"
        "64.0,0.003,relu,0.95\n"
        "96,,relu,0.80\n",
        encoding="utf-8",
    )
    tuner = ktseed.SeededBayesianOptimization(
        build_model,
        objective="val_accuracy",
        max_trials=3,
        seed=3,
        initializer={
            "name": "csv",
            "path": str(path),
            "score_column": "notes_score",
            "direction": "max",
            "top_k": 2,
        },
        directory=str(tmp_path),
        project_name="csv",
    )
    tuner.search(x, y, validation_data=(xv, yv), epochs=1, verbose=0)
    # Best two rows by the CSV's own score, parsed by each hyperparameter's
    # type (64.0 -> 64), then the search continues.
    assert first_values(tuner, 2) == [
        {"units": 64, "activation": "relu", "learning_rate": 0.003},
        {"units": 128, "activation": "tanh", "learning_rate": 0.001},
    ]
    assert tuner.oracle.design_trial_ids == ["0", "1"]
    assert len(tuner.oracle.trials) == 3
