"""Search spaces: the unit-cube codec and what it knows of hyperparameters.

* :class:`SpaceCodec` (:mod:`ktseed.space.codec`): a KerasTuner space to and
  from the unit cube, and value checks (:mod:`ktseed.space.values`).
* :mod:`ktseed.space.hyperparameters`: kinds, descriptions, step grids,
  :func:`tidy_float`, and Hyperband's ``tuner/*`` keys.
"""

from __future__ import annotations

from ktseed.space.codec import SpaceCodec
from ktseed.space.hyperparameters import FLOAT_RTOL
from ktseed.space.hyperparameters import TUNER_PREFIX
from ktseed.space.hyperparameters import UPPER_COORDINATE
from ktseed.space.hyperparameters import OnInactive
from ktseed.space.hyperparameters import Values
from ktseed.space.hyperparameters import coerce_points
from ktseed.space.hyperparameters import describe_hp
from ktseed.space.hyperparameters import grid_size
from ktseed.space.hyperparameters import hp_kind
from ktseed.space.hyperparameters import strip_tuner_keys
from ktseed.space.hyperparameters import tidy_float

__all__ = [
    "FLOAT_RTOL",
    "TUNER_PREFIX",
    "UPPER_COORDINATE",
    "OnInactive",
    "SpaceCodec",
    "Values",
    "coerce_points",
    "describe_hp",
    "grid_size",
    "hp_kind",
    "strip_tuner_keys",
    "tidy_float",
]
