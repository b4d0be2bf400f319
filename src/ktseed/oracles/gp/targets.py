"""Objective values to the GP's targets: clipping and standardisation.

The model sees standardised targets (mean 0, variance 1). By default they
also pass through a Yeo-Johnson power transform fitted to the data (as
HEBO does; :mod:`~ktseed.oracles.gp.yeojohnson` fits it as SciPy does,
without SciPy's per-call overhead), so that a few very bad trials do not
flatten the model where the good ones are.

The targets do not depend on the objective's scale or offset: values are
first multiplied by a power of two (exact in floating point) that brings
the largest magnitude into ``[0.5, 1)``, so squares neither overflow
(objectives of ``1e155``) nor underflow (``1e-300``); the standardised
values are then rounded to multiples of :data:`RESOLUTION`, far below
anything the model resolves, so that the last-bit differences of a
rescaled objective (``y * 1e155`` is not exactly ``y`` times ``1e155``
after rounding) do not change the proposal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

#: The accepted values of ``GPHandoff(y_transform=...)``.
Y_TRANSFORMS = ("standardize", "power")

#: Standardised targets are rounded to multiples of this (``2 ** -30``,
#: about ``9.3e-10``); the noise floor of the model is a standard deviation
#: of ``1e-3`` in the same units.
RESOLUTION = 2.0**-30


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
    """Mean 0 and variance 1; a constant (or empty) ``y`` gives zeros.

    ``y`` is first scaled by a power of two so that its largest magnitude
    lies in ``[0.5, 1)``. That scaling is exact, so the result is the same
    as standardising ``y`` directly wherever that does not overflow or
    underflow.
    """
    if y.size == 0 or not np.all(np.isfinite(y)) or y.max() == y.min():
        return np.zeros_like(y)
    exponent = int(np.frexp(np.abs(y).max())[1])
    scaled = np.ldexp(y, -exponent)
    centred: FloatArray = scaled - scaled.mean()
    return centred / float(scaled.std())


def quantize(z: FloatArray) -> FloatArray:
    """Rounds to the nearest multiple of :data:`RESOLUTION`."""
    rounded: FloatArray = np.round(z / RESOLUTION) * RESOLUTION
    return rounded


def transform(y: FloatArray, kind: str) -> FloatArray:
    """The model's targets for objective values ``y`` (finite).

    Args:
        y: Finite objective values, to be minimised.
        kind: ``"standardize"`` or ``"power"`` (standardise, Yeo-Johnson,
            standardise again; needs at least 3 distinct values, else
            standardise only).

    Returns:
        Targets of the same shape, independent of the scale and offset of
        ``y`` (see the module docstring).
    """
    z = quantize(standardize(y))
    if kind == "power" and y.shape[0] >= 3 and z.std() > 0:
        from ktseed.oracles.gp.yeojohnson import yeojohnson

        try:
            with np.errstate(all="ignore"):
                warped = np.asarray(yeojohnson(z)[0], dtype=float)
        except (ValueError, FloatingPointError):  # pragma: no cover
            warped = z
        if np.all(np.isfinite(warped)):
            z = standardize(warped)
    return z


__all__ = [
    "RESOLUTION",
    "Y_TRANSFORMS",
    "clip_infinite",
    "quantize",
    "standardize",
    "transform",
]
