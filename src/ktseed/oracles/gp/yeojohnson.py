"""The Yeo-Johnson power transform, fitted as SciPy fits it, but cheaper.

``scipy.stats.yeojohnson(x)`` finds its ``lambda`` with ``fminbound`` over
the profile log-likelihood, calling the public ``yeojohnson_llf`` about 20
times; each call goes through SciPy's array-API and NaN-policy wrapper,
which costs far more than the arithmetic on a hundred values (about a
tenth of a GP proposal at 100 observations). :func:`yeojohnson` runs the
same bounded search (the same bounds, tolerance and ``fminbound``) on the
same NumPy arithmetic without the wrapper, so it returns the same
``lambda`` and the same transformed values, bit for bit: the tests compare
the two on many samples (``tests/oracles/gp/test_yeojohnson.py``).

It follows SciPy 1.17's ``_morestats.py`` (``yeojohnson``,
``yeojohnson_normmax``, ``yeojohnson_llf``, ``_yeojohnson_transform``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

#: ``fminbound``'s tolerance, which SciPy sets to match ``optimize.brent``.
XTOL = 1.48e-08

_EPS = float(np.finfo(np.float64).eps)
_SMALLEST_NORMAL = np.finfo(np.float64).smallest_normal


def transform(x: FloatArray, lmbda: float) -> FloatArray:
    """``x`` through the Yeo-Johnson transform with parameter ``lmbda``."""
    out = np.zeros_like(x, dtype=np.float64)
    pos = x >= 0
    if abs(lmbda) < _EPS:
        out[pos] = np.log1p(x[pos])
    else:  # ((x + 1) ** lmbda - 1) / lmbda, stably
        out[pos] = np.expm1(lmbda * np.log1p(x[pos])) / lmbda
    if abs(lmbda - 2) > _EPS:
        out[~pos] = -np.expm1((2 - lmbda) * np.log1p(-x[~pos])) / (2 - lmbda)
    else:
        out[~pos] = -np.log1p(-x[~pos])
    return out


def _neg_log_likelihood(
    lmbda: float, x: FloatArray, log_term: np.float64
) -> np.float64:
    """Minus the profile log-likelihood of ``lmbda`` (``-inf`` as ``+inf``).

    ``log_term`` is ``sum(sign(x) * log1p(|x|))``, which does not depend
    on ``lmbda``.
    """
    sigma = np.var(transform(x, lmbda), axis=0)
    if sigma >= _SMALLEST_NORMAL:
        log_sigma = np.log(sigma)
    else:
        log_sigma = np.float64(-np.inf)
    n = x.shape[0]
    llf = np.float64(-n / 2 * log_sigma + (lmbda - 1) * log_term)
    if np.isinf(llf):
        llf = np.float64(-np.inf)
    negative: np.float64 = -llf
    return negative


def normmax(x: FloatArray) -> float:
    """The ``lambda`` of ``scipy.stats.yeojohnson_normmax(x)``.

    Raises:
        ValueError: If ``x`` holds a non-finite value.
    """
    from scipy import optimize

    with np.errstate(invalid="ignore"):
        if not np.all(np.isfinite(x)):
            msg = "Yeo-Johnson input must be finite."
            raise ValueError(msg)
        if np.all(x == 0):
            return 1.0
        # The bounds keep the transform of values up to 20 times the
        # largest one within half of the floating-point exponent range.
        log1p_max_x = np.log1p(20 * np.max(np.abs(x)))
        log_eps = np.log(np.finfo(np.float64).eps)
        log_tiny_float = (np.log(np.finfo(np.float64).tiny) - log_eps) / 2
        log_max_float = (np.log(np.finfo(np.float64).max) + log_eps) / 2
        lb = log_tiny_float / log1p_max_x
        ub = log_max_float / log1p_max_x
        if np.all(x < 0):
            lb, ub = 2 - ub, 2 - lb
        elif np.any(x < 0):
            lb, ub = max(2 - ub, lb), min(2 - lb, ub)
        log_term = np.sum(np.sign(x) * np.log1p(np.abs(x)), axis=0)
        return float(
            optimize.fminbound(
                _neg_log_likelihood, lb, ub, args=(x, log_term), xtol=XTOL
            )
        )


def yeojohnson(x: FloatArray) -> tuple[FloatArray, float]:
    """``scipy.stats.yeojohnson(x)`` for a 1-D float array of finite values.

    Returns:
        The transformed values and the fitted ``lambda``.

    Raises:
        ValueError: If ``x`` holds a non-finite value.
    """
    lmbda = normmax(x)
    return transform(x, lmbda), lmbda


__all__ = ["XTOL", "normmax", "transform", "yeojohnson"]
