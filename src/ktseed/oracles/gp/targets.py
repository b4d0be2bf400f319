"""Objective values to the GP's targets: clipping and standardisation.

The model sees standardised targets (mean 0, variance 1). By default they
also pass through a Yeo-Johnson power transform fitted to the data (as
HEBO does), so that a few very bad trials do not flatten the model where
the good ones are.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

#: The accepted values of ``GPHandoff(y_transform=...)``.
Y_TRANSFORMS = ("standardize", "power")


def clip_infinite(y: FloatArray) -> FloatArray:
    """Clips ``+inf``/``-inf`` to the worst/best finite value.

    A diverged trial still marks its region as bad. With no finite value
    at all the model sees a constant.
    """
    finite = np.isfinite(y)
    if not finite.any():
        return np.zeros_like(y)
    if not finite.all():
        return np.clip(y, y[finite].min(), y[finite].max())
    return y


def standardize(y: FloatArray) -> FloatArray:
    """Mean 0 and, unless ``y`` is constant, variance 1."""
    std = float(y.std())
    centred: FloatArray = y - y.mean()
    if not std > 0 or not math.isfinite(std):
        return centred
    return centred / std


def transform(y: FloatArray, kind: str) -> FloatArray:
    """The model's targets for objective values ``y`` (finite).

    Args:
        y: Finite objective values, to be minimised.
        kind: ``"standardize"`` or ``"power"`` (standardise, Yeo-Johnson,
            standardise again; needs at least 3 distinct values, else
            standardise only).

    Returns:
        Targets of the same shape.
    """
    z = standardize(y)
    if kind == "power" and y.shape[0] >= 3 and z.std() > 0:
        from scipy import stats

        try:
            with np.errstate(all="ignore"):
                warped = np.asarray(stats.yeojohnson(z)[0], dtype=float)
        except (ValueError, FloatingPointError):  # pragma: no cover
            warped = z
        if np.all(np.isfinite(warped)):
            z = standardize(warped)
    return z


__all__ = ["Y_TRANSFORMS", "clip_infinite", "standardize", "transform"]
