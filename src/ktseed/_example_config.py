"""The built-in example space as a config, readable without KerasTuner.

``ktseed preview`` without ``--space`` shows a design for
:func:`ktseed.examples.example_space`. Building that space imports
KerasTuner (and TensorFlow); its config, here, does not need to:
:mod:`ktseed.space.light` reads it. ``tests/test_cli.py`` checks that it
equals ``example_space().get_config()``.
"""

from __future__ import annotations

from typing import Any

#: ``example_space().get_config()``: what ``ktseed preview`` shows by default.
EXAMPLE_SPACE_CONFIG: dict[str, Any] = {
    "space": [
        {
            "class_name": "Int",
            "config": {
                "name": "units",
                "default": None,
                "conditions": [],
                "min_value": 32,
                "max_value": 512,
                "step": 32,
                "sampling": "linear",
            },
        },
        {
            "class_name": "Float",
            "config": {
                "name": "learning_rate",
                "default": 0.0001,
                "conditions": [],
                "min_value": 0.0001,
                "max_value": 0.1,
                "step": None,
                "sampling": "log",
            },
        },
        {
            "class_name": "Float",
            "config": {
                "name": "dropout",
                "default": 0.0,
                "conditions": [],
                "min_value": 0.0,
                "max_value": 0.5,
                "step": 0.05,
                "sampling": "linear",
            },
        },
        {
            "class_name": "Choice",
            "config": {
                "name": "activation",
                "default": "relu",
                "conditions": [],
                "values": ["relu", "tanh", "elu"],
                "ordered": False,
            },
        },
        {
            "class_name": "Boolean",
            "config": {
                "name": "batch_norm",
                "default": False,
                "conditions": [],
            },
        },
        {
            "class_name": "Boolean",
            "config": {
                "name": "regularize",
                "default": False,
                "conditions": [],
            },
        },
        {
            "class_name": "Float",
            "config": {
                "name": "l2",
                "default": 1e-06,
                "conditions": [
                    {
                        "class_name": "Parent",
                        "config": {"name": "regularize", "values": [True]},
                    }
                ],
                "min_value": 1e-06,
                "max_value": 0.01,
                "step": None,
                "sampling": "log",
            },
        },
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
