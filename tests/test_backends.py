"""A seeded search on Keras 3's PyTorch backend.

ktseed only touches KerasTuner's oracle, which is the same on every Keras
backend; this checks it. The test process runs Keras on TensorFlow (Keras
picks its backend once per process), so the search runs in a subprocess
with ``KERAS_BACKEND=torch``: a two-point design, then KerasTuner's random
search, each trial training a tiny Keras model for one epoch on PyTorch.
The ``torch`` extra (in ``dev``, so ``make test`` has it) installs PyTorch.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("torch") is None,
        reason="PyTorch is not installed (the `torch` extra, part of `dev`)",
    ),
]

POINTS = [{"units": 8, "activation": "tanh", "lr": 0.01}, {"units": 16}]

SCRIPT = """
import json
import sys

import keras
import numpy as np
import torch

import ktseed


def build(hp):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(
                hp.Int("units", 4, 16, step=4),
                activation=hp.Choice("activation", ["relu", "tanh"]),
            ),
            keras.layers.Dense(1),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(
            hp.Float("lr", 1e-3, 1e-1, sampling="log")
        ),
        loss="mse",
    )
    return model


x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)
tuner = ktseed.SeededRandomSearch(
    build,
    objective="val_loss",
    max_trials=3,
    seed=1,
    initializer={"name": "fixed", "points": json.loads(sys.argv[2])},
    directory=sys.argv[1],
    project_name="torch",
)
tuner.search(x, y, validation_split=0.25, epochs=1, batch_size=8, verbose=0)
oracle = tuner.oracle
trials = [oracle.trials[t] for t in sorted(oracle.trials)]
model = tuner.hypermodel.build(trials[0].hyperparameters)
print(
    json.dumps(
        {
            "backend": keras.backend.backend(),
            "torch": torch.__version__,
            "weights": type(model.layers[0].kernel.value).__module__,
            "design": oracle.design_trial_ids,
            "values": [t.hyperparameters.values for t in trials],
            "statuses": [t.status for t in trials],
            "scores": [t.score for t in trials],
            "tensorflow": "tensorflow" in sys.modules,
        }
    )
)
"""


def test_a_seeded_search_runs_on_keras_with_pytorch(tmp_path):
    env = dict(os.environ, KERAS_BACKEND="torch")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), json.dumps(POINTS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["backend"] == "torch"
    assert report["torch"].startswith("2.13.0")
    assert report["weights"].startswith("torch")  # Keras holds torch tensors
    assert report["tensorflow"] is False  # not even imported
    assert report["design"] == ["0", "1"]
    values = report["values"]
    assert values[0] == POINTS[0]
    assert values[1] == {"units": 16, "activation": "relu", "lr": 0.001}
    assert values[2] not in values[:2]  # KerasTuner's own random search
    assert report["statuses"] == ["COMPLETED"] * 3
    assert all(math.isfinite(s) for s in report["scores"])
