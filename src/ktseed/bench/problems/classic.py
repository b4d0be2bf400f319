"""Classic synthetic problems: Branin, Hartmann6 and a log-scaled Rosenbrock."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import Values

if TYPE_CHECKING:
    import keras_tuner


# ---------------------------------------------------------------- branin
BRANIN_OPTIMUM = 5.0 / (4.0 * math.pi)
BRANIN_MINIMIZERS = ((-math.pi, 12.275), (math.pi, 2.275), (3 * math.pi, 2.475))


def branin(x1: float, x2: float) -> float:
    """The Branin-Hoo function (minimum ``5 / (4 pi)`` at three points)."""
    b = 5.1 / (4.0 * math.pi**2)
    c = 5.0 / math.pi
    t = 1.0 / (8.0 * math.pi)
    return float(
        (x2 - b * x1**2 + c * x1 - 6.0) ** 2
        + 10.0 * (1.0 - t) * math.cos(x1)
        + 10.0
    )


class Branin(Problem):
    """Branin on ``x1 in [-5, 10]``, ``x2 in [0, 15]`` (two Floats).

    The shifted variant evaluates ``branin(x1 + 1, x2 - 1)``.
    """

    base_name = "branin"
    description = "Branin, 2 Float"
    _shift = (1.0, -1.0)

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Float("x1", -5.0, 10.0)
        hp.Float("x2", 0.0, 15.0)
        return hp

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        dx, dy = self._shift if self.shifted else (0.0, 0.0)
        return branin(float(values["x1"]) + dx, float(values["x2"]) + dy)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        dx, dy = self._shift if self.shifted else (0.0, 0.0)
        for x1, x2 in BRANIN_MINIMIZERS:
            point = {"x1": x1 - dx, "x2": x2 - dy}
            if -5.0 <= point["x1"] <= 10.0 and 0.0 <= point["x2"] <= 15.0:
                return BRANIN_OPTIMUM, point
        msg = "no Branin minimiser lies inside the shifted domain."
        raise AssertionError(msg)


# ------------------------------------------------------------- hartmann6
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
        [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
        [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
#: Minimum of Hartmann6 and its minimiser, refined with L-BFGS-B to 1e-12.
HARTMANN6_OPTIMUM = -3.322368011415514
HARTMANN6_MINIMIZER = (
    0.20168950968761765,
    0.15001069413863433,
    0.47687396963094986,
    0.27533242916768874,
    0.31165161370991157,
    0.6573005333899428,
)


def hartmann6(x: Any) -> float:
    """The 6-dimensional Hartmann function."""
    z = np.asarray(x, dtype=float)
    inner = np.sum(_H6_A * (z - _H6_P) ** 2, axis=1)
    return float(-np.sum(_H6_ALPHA * np.exp(-inner)))


class Hartmann6(Problem):
    """Hartmann6 on ``[0, 1]^6`` (six Floats ``x0``..``x5``).

    The shifted variant evaluates ``hartmann6(x + 0.05)``.
    """

    base_name = "hartmann6"
    description = "Hartmann6, 6 Float"
    _shift = 0.05

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for j in range(6):
            hp.Float(f"x{j}", 0.0, 1.0)
        return hp

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        shift = self._shift if self.shifted else 0.0
        return hartmann6([float(values[f"x{j}"]) + shift for j in range(6)])

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        shift = self._shift if self.shifted else 0.0
        point = {f"x{j}": v - shift for j, v in enumerate(HARTMANN6_MINIMIZER)}
        return HARTMANN6_OPTIMUM, point


# -------------------------------------------------------- log rosenbrock
class LogRosenbrock(Problem):
    """Rosenbrock in the logarithms of two log-scaled Floats.

    ``lr in [1e-5, 1e-1]`` and ``wd in [1e-6, 1e-2]``, both
    ``sampling="log"``; with ``u = log10(lr) + 3`` and
    ``v = log10(wd) + 5``, ``f = (1 - u)^2 + 100 (v - u^2)^2``. The minimum
    is 0 at ``lr = 1e-2``, ``wd = 1e-4``. A design that ignored the log
    scale would almost never sample the low decades. The shifted variant
    moves the minimiser by half a decade in each coordinate.
    """

    base_name = "log_rosenbrock"
    description = "Rosenbrock in log10 of 2 log-scaled Float"
    _shift = (0.5, -0.5)

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Float("lr", 1e-5, 1e-1, sampling="log")
        hp.Float("wd", 1e-6, 1e-2, sampling="log")
        return hp

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        du, dv = self._shift if self.shifted else (0.0, 0.0)
        u = math.log10(float(values["lr"])) + 3.0 + du
        v = math.log10(float(values["wd"])) + 5.0 + dv
        return float((1.0 - u) ** 2 + 100.0 * (v - u * u) ** 2)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        du, dv = self._shift if self.shifted else (0.0, 0.0)
        return 0.0, {"lr": 10.0 ** (-2.0 - du), "wd": 10.0 ** (-4.0 - dv)}


__all__ = [
    "BRANIN_MINIMIZERS",
    "BRANIN_OPTIMUM",
    "HARTMANN6_MINIMIZER",
    "HARTMANN6_OPTIMUM",
    "Branin",
    "Hartmann6",
    "LogRosenbrock",
    "branin",
    "hartmann6",
]
