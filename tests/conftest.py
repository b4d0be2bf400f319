"""Shared fixtures. KerasTuner is imported once per test process."""

from __future__ import annotations

import os

# Before anything imports TensorFlow (its notices are printed while it
# loads): the level filters the CPU-feature line, TF_ENABLE_ONEDNN_OPTS=0
# removes the oneDNN one and, with it, absl's pre-init line. Subprocesses
# of the tests inherit both. The same as `ktseed` (ktseed.cli) sets.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras_tuner as kt
import pytest

from ktseed import registry


def mixed_space() -> kt.HyperParameters:
    """Every hyperparameter kind, with a nested conditional scope."""
    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Choice("act", ["relu", "tanh", "elu"])
    hp.Boolean("bn")
    hp.Fixed("epochs", 3)
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("layers", [1, 2, 3])
    with hp.conditional_scope("layers", [2, 3]):
        hp.Int("units_2", 8, 64, sampling="log")
        hp.Choice("kind", ["a", "b"])
        with hp.conditional_scope("kind", ["b"]):
            hp.Float("beta", 0.5, 0.99)
    return hp


@pytest.fixture
def space() -> kt.HyperParameters:
    return mixed_space()


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch):
    """A fresh registry with plugin discovery off unless a test fakes it."""
    monkeypatch.delenv(registry.DISABLE_AUTOLOAD_ENV, raising=False)
    registry._REGISTRY.reset()
    yield registry._REGISTRY
    registry._REGISTRY.reset()
