"""What ktseed knows about single KerasTuner hyperparameters.

Kinds, human descriptions for messages, step grids (their size, their
values and the nearest grid index) and the unit-cube bucketing, written as
KerasTuner computes them; float grid values lose KerasTuner's round-off
noise (:func:`tidy_float`). Also the helpers for the ``tuner/*`` values
Hyperband adds to a trial's values. :class:`~ktseed.space.SpaceCodec`
builds on these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Largest unit-cube coordinate used when decoding. KerasTuner maps 1.0 past
#: the range for some hyperparameters (``Int(sampling="log")`` without a step
#: returns ``max_value + 1``), so coordinates are clipped just below 1.
UPPER_COORDINATE = 1.0 - 1e-9

#: Relative tolerance when matching a float against a grid value or choice.
FLOAT_RTOL = 1e-9

Values = dict[str, Any]
OnInactive = Literal["drop", "raise"]


def hp_classes() -> Any:
    """KerasTuner's hyperparameter module (imported on first use)."""
    from keras_tuner.engine import hyperparameters as hp_module

    return hp_module


#: KerasTuner's built-in hyperparameter kinds, in the order they are tested.
KINDS = ("Fixed", "Boolean", "Choice", "Int", "Float")

#: Modules whose classes of those names are such hyperparameters: KerasTuner
#: and :mod:`ktseed.space.light` (a KerasTuner-free reader of saved spaces).
_KIND_MODULES = ("keras_tuner.", "ktseed.space.light")


def hp_kind(hp: Any) -> str:
    """The KerasTuner type name of ``hp``: ``"Int"``, ``"Float"``, ...

    Goes by the names of the classes ``hp`` is an instance of (its MRO),
    so it answers as ``isinstance`` on KerasTuner's classes would, a
    subclass of ``Int`` included, without importing KerasTuner (and
    TensorFlow); :mod:`ktseed.space.light`'s classes count as KerasTuner's.

    Args:
        hp: A KerasTuner hyperparameter.

    Returns:
        ``"Fixed"``, ``"Boolean"``, ``"Choice"``, ``"Int"``, ``"Float"``, or
        the class name of any other hyperparameter type.
    """
    cls = type(hp)
    kind = _KIND_OF_CLASS.get(cls)
    if kind is None:
        kind = _KIND_OF_CLASS[cls] = _kind_of_class(cls)
    return kind


_KIND_OF_CLASS: dict[type, str] = {}


def _kind_of_class(cls: type) -> str:
    bases = [
        c.__name__
        for c in cls.__mro__
        if c.__module__.startswith(_KIND_MODULES)
    ]
    for kind in KINDS:
        if kind in bases:
            return kind
    return cls.__name__


def describe_hp(hp: Any) -> str:
    """A short human description of what ``hp`` accepts, for messages.

    Args:
        hp: A KerasTuner hyperparameter.

    Returns:
        For example ``"an integer in [32, 512] on the linear grid with step
        32"`` or ``"one of ['relu', 'tanh']"``.
    """
    kind = hp_kind(hp)
    if kind == "Fixed":
        return f"the fixed value {hp.value!r}"
    if kind == "Boolean":
        return "True or False"
    if kind == "Choice":
        return f"one of {list(hp.values)!r}"
    if kind in ("Int", "Float"):
        number = "an integer" if kind == "Int" else "a float"
        grid = ""
        if hp.step is not None and not (kind == "Int" and hp.step == 1):
            grid = f" on the {hp.sampling} grid with step {hp.step}"
        elif hp.sampling != "linear":
            grid = f" ({hp.sampling} scale)"
        return f"{number} in [{hp.min_value}, {hp.max_value}]{grid}"
    return f"a value accepted by {type(hp).__name__}"


def native(value: Any) -> Any:
    """Converts NumPy scalars to the matching Python type."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def is_number(value: Any) -> bool:
    """Whether ``value`` is an ``int`` or ``float`` (a ``bool`` is not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def grid_size(hp: Any) -> int:
    """Number of values on a stepped numerical grid (KerasTuner's rule)."""
    if hp.sampling == "linear":
        return int((hp.max_value - hp.min_value) // hp.step + 1)
    return int(math.log(hp.max_value / hp.min_value, hp.step) + 1e-8) + 1


def nearest_grid_index(hp: Any, value: float) -> int:
    """Index of the grid value of a stepped ``Int``/``Float`` nearest ``value``.

    KerasTuner's own ``value_to_prob`` floors the index, so a float such as
    ``0.3`` on a ``0.1`` grid lands in bucket 2 through round-off; rounding
    to the nearest index is robust to that.
    """
    if hp.sampling == "linear":
        raw = (value - hp.min_value) / hp.step
    elif hp.sampling == "log":
        raw = math.log(value / hp.min_value) / math.log(hp.step)
    else:  # reverse_log
        raw = math.log(
            (hp.max_value + hp.min_value - value) / hp.min_value
        ) / math.log(hp.step)
    index: int = min(max(round(raw), 0), grid_size(hp) - 1)
    return index


def bucket_index(u: NDArray[np.float64], n: int) -> NDArray[np.int64]:
    """Vectorised ``hp_utils.prob_to_index``: ``floor(u / (1 / n))``.

    Written exactly as KerasTuner computes it (dividing by the bucket width
    rather than multiplying by ``n``), so that coordinates on a bucket
    boundary, such as 0.6 with 5 buckets, land in the same bucket.
    """
    index = np.floor(u / (1 / n)).astype(np.int64)
    return np.minimum(index, n - 1)


def tidy_float(value: float) -> float:
    """``value`` without the round-off noise of grid arithmetic.

    KerasTuner computes grid values as ``min + index * step`` (or
    ``min * step ** index``), which leaves noise in the last digits:
    ``0.1 + 2 * 0.1`` is ``0.30000000000000004``. The value a person would
    write, the shortest decimal of at most 15 significant digits, is used
    when it lies within 4 units in the last place of the computed one; any
    other value is returned unchanged.

    Examples:
        >>> tidy_float(0.1 + 2 * 0.1)
        0.3
        >>> tidy_float(1 / 3)
        0.3333333333333333
    """
    if not math.isfinite(value) or value == 0.0:
        return value
    candidate = float(f"{value:.15g}")
    if abs(candidate - value) <= 4 * math.ulp(value):
        return candidate
    return value


def grid_value(hp: Any, index: int) -> Any:
    """The grid value at ``index``, from KerasTuner's own ``prob_to_value``.

    KerasTuner's reverse-log grids can overshoot the range end by one unit
    in the last place (``Float(0.001, 0.00125, step=2, "reverse_log")``
    gives 0.0012500000000000002); the value is clipped to the range. Float
    grid values lose KerasTuner's round-off noise (:func:`tidy_float`), so
    ``Float("d", 0.1, 0.5, step=0.1)`` has the grid value ``0.3``, as a
    user writes it.
    """
    value = hp.prob_to_value((index + 0.5) / grid_size(hp))
    value = type(value)(min(max(value, hp.min_value), hp.max_value))
    if isinstance(value, float):
        return min(max(tidy_float(value), hp.min_value), hp.max_value)
    return value


#: Prefix of the bookkeeping values Hyperband adds to a trial's values
#: (``tuner/epochs``, ``tuner/round``...); they are not hyperparameters.
TUNER_PREFIX = "tuner/"


def strip_tuner_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without Hyperband's ``tuner/*`` bookkeeping keys."""
    return {k: v for k, v in values.items() if not k.startswith(TUNER_PREFIX)}


def coerce_points(points: Sequence[Mapping[str, Any]]) -> list[Values]:
    """Copies a sequence of value mappings into plain dicts of native values."""
    return [{str(k): native(v) for k, v in p.items()} for p in points]


__all__ = [
    "FLOAT_RTOL",
    "TUNER_PREFIX",
    "UPPER_COORDINATE",
    "OnInactive",
    "Values",
    "bucket_index",
    "coerce_points",
    "describe_hp",
    "grid_size",
    "grid_value",
    "hp_classes",
    "hp_kind",
    "is_number",
    "native",
    "nearest_grid_index",
    "strip_tuner_keys",
    "tidy_float",
]
