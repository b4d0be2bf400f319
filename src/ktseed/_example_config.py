"""The built-in example space as a config, readable without KerasTuner.

``ktseed preview`` without ``--space`` shows a design for
:func:`ktseed.examples.example_space`. Building that space imports
KerasTuner (and TensorFlow); its config, here, does not need to:
:mod:`ktseed.space.light` reads it. ``tests/test_cli.py`` checks that it
equals ``example_space().get_config()``.
"""

from __future__ import annotations

from typing import Any

from ktseed.space.configs import hp_config

#: ``example_space().get_config()``: what ``ktseed preview`` shows by default.
EXAMPLE_SPACE_CONFIG: dict[str, Any] = {
    "space": [
        hp_config("Int", "units", min_value=32, max_value=512, step=32),
        hp_config(
            "Float",
            "learning_rate",
            default=0.0001,
            min_value=0.0001,
            max_value=0.1,
            sampling="log",
        ),
        hp_config(
            "Float",
            "dropout",
            default=0.0,
            min_value=0.0,
            max_value=0.5,
            step=0.05,
        ),
        hp_config(
            "Choice",
            "activation",
            default="relu",
            values=["relu", "tanh", "elu"],
            ordered=False,
        ),
        hp_config("Boolean", "batch_norm"),
        hp_config("Boolean", "regularize"),
        hp_config(
            "Float",
            "l2",
            default=1e-06,
            min_value=1e-06,
            max_value=0.01,
            sampling="log",
            parents={"regularize": [True]},
        ),
    ],
    "values": {
        "units": 32,
        "learning_rate": 0.0001,
        "dropout": 0.0,
        "activation": "relu",
        "batch_norm": False,
        "regularize": False,
    },
}


__all__ = ["EXAMPLE_SPACE_CONFIG"]
