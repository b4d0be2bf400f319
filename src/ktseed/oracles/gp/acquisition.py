"""Log expected improvement, stable far below the incumbent.

``log EI`` (Ament et al., 2023, BoTorch's ``LogExpectedImprovement``)
keeps a useful gradient where plain EI underflows to zero: for
``z = (best - mean) / sigma`` it evaluates ``log(z Phi(z) + phi(z))``
directly for ``z > -1``, through ``erfcx`` for ``-1e3 < z <= -1`` and by
its asymptotic expansion below.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


def log_h(z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``log(z * Phi(z) + phi(z))`` and its derivative, stably.

    The derivative of ``h(z) = z Phi(z) + phi(z)`` is ``Phi(z)``, so the
    derivative of ``log h`` is ``Phi(z) / h(z)``.
    """
    from scipy import special

    out = np.empty_like(z)
    slope = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    cdf = special.ndtr(zu)
    h = zu * cdf + np.exp(-0.5 * zu * zu) * _INV_SQRT_2PI
    out[upper] = np.log(h)
    slope[upper] = cdf / h
    middle = (z <= -1.0) & (z > -1e3)
    zm = z[middle]
    # Phi(z) / phi(z) = sqrt(pi / 2) * erfcx(-z / sqrt(2)) for z < 0.
    ratio = _SQRT_HALF_PI * special.erfcx(-_SQRT_HALF * zm)
    out[middle] = -0.5 * zm * zm - _LOG_SQRT_2PI + np.log1p(zm * ratio)
    slope[middle] = ratio / (1.0 + zm * ratio)
    lower = z <= -1e3
    zl = z[lower]
    # h(z) ~ phi(z) / z**2 and Phi(z) / h(z) ~ -z for z -> -inf.
    out[lower] = -0.5 * zl * zl - _LOG_SQRT_2PI - 2.0 * np.log(-zl)
    slope[lower] = -zl
    return out, slope


def log_ei(
    mean: FloatArray,
    var: FloatArray,
    best: float,
    dmean: FloatArray | None = None,
    dvar: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Log expected improvement below ``best`` (minimisation).

    Args:
        mean: Posterior means, shape ``(m,)``.
        var: Posterior variances (positive), shape ``(m,)``.
        best: The incumbent (smallest standardised target).
        dmean: Gradients of the means, shape ``(m, c)``, or None.
        dvar: Gradients of the variances, shape ``(m, c)``, or None.

    Returns:
        ``log EI`` per point, and its gradient when both ``dmean`` and
        ``dvar`` are given (else None).
    """
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    log_hz, slope = log_h(z)
    value = np.log(sigma) + log_hz
    if dmean is None or dvar is None:
        return value, None
    d_mean = -slope / sigma
    d_sigma = 1.0 / sigma - slope * z / sigma
    gradient = (
        d_mean[:, None] * dmean + (d_sigma / (2.0 * sigma))[:, None] * dvar
    )
    return value, gradient


__all__ = ["log_ei", "log_h"]
