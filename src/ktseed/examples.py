"""Built-in example search spaces, used by ``ktseed preview`` and the docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras_tuner


def example_space() -> keras_tuner.HyperParameters:
    """A small MLP search space with every kind of hyperparameter.

    ``units`` (Int, step 32), ``learning_rate`` (Float, log scale),
    ``dropout`` (Float, step 0.05), ``activation`` (Choice),
    ``batch_norm`` (Boolean), and ``l2`` (Float, log scale) that is active
    only when ``regularize`` is True.
    """
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("learning_rate", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.05)
    hp.Choice("activation", ["relu", "tanh", "elu"])
    hp.Boolean("batch_norm")
    hp.Boolean("regularize")
    with hp.conditional_scope("regularize", [True]):
        hp.Float("l2", 1e-6, 1e-2, sampling="log")
    return hp
