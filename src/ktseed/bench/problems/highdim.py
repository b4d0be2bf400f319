"""Higher-dimensional synthetic problems: ``mixed10`` and ``rosen20``.

Both are minimised, have an exactly known optimum and contain
hyperparameters that do not affect the value (a search has to learn to
ignore them).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import UnknownProblemError
from ktseed.bench.problems.base import Values
from ktseed.bench.problems.base import clip

if TYPE_CHECKING:
    import keras_tuner


class _Unshifted(Problem):
    """A problem without a shifted variant."""

    def __init__(self, *, shifted: bool = False) -> None:
        if shifted:
            msg = f"{self.base_name} has no shifted variant."
            raise UnknownProblemError(msg)
        super().__init__(shifted=False)


class Mixed10(_Unshifted):
    """A 10-dimensional mixed space; two hyperparameters do not matter.

    ``lr = Float(1e-5, 1e-1, log)``, ``wd = Float(1e-7, 1e-2, log)``,
    ``units = Int(16, 512, step=16)``, ``layers = Int(1, 6)``,
    ``dropout = Float(0, 0.6)``, ``act = Choice(relu, tanh, elu, gelu,
    selu)``, ``optimizer = Choice(sgd, adam, rmsprop)``, ``batch =
    Choice(16, 32, 64, 128, 256)`` (ordered), and ``aux_x = Float(0, 1)``,
    ``aux_k = Int(0, 9)``, which the value ignores::

        f = ((log10 lr - c(opt) - 0.25 (log2 batch - 6)) / 0.7)^2
            + 0.5 (log10 wd - w(opt))^2
            + zu^2 + zl^2 + 0.5 zu zl
            + ((dropout - 0.1 - 0.05 (layers - 1)) / 0.2)^2
            + 0.2 (log2 batch - b(opt))^2 + act_off + opt_off

    with ``zu = (log2 units - 7.5) / 1.2``, ``zl = (layers - 3.3) / 1.5``,
    ``c`` = sgd -1.5 / adam -3.2 / rmsprop -3.5, ``w`` = sgd -4 / adam -5.5
    / rmsprop -3, ``b`` = sgd 5 / adam 7 / rmsprop 6, ``act_off`` = relu
    .1 / tanh .45 / elu .05 / gelu 0 / selu .2 and ``opt_off`` = sgd .15
    / adam 0 / rmsprop .08. Given the discrete values, the continuous part
    is a sum of one-dimensional quadratics, so :meth:`exact_minimum`
    enumerates the 14,400 discrete combinations of the relevant
    hyperparameters and minimises each quadratic in closed form (clipped to
    its range).
    """

    base_name = "mixed10"
    description = "10-d: 2 log Float, Float, 2 Int, 3 Choice, 2 irrelevant"
    #: Per optimizer: ``c``, ``w``, ``b`` and ``opt_off`` (docstring).
    _opt: ClassVar[dict[str, tuple[float, float, float, float]]] = {
        "sgd": (-1.5, -4.0, 5.0, 0.15),
        "adam": (-3.2, -5.5, 7.0, 0.0),
        "rmsprop": (-3.5, -3.0, 6.0, 0.08),
    }
    _act_off: ClassVar[dict[str, float]] = {
        "relu": 0.1,
        "tanh": 0.45,
        "elu": 0.05,
        "gelu": 0.0,
        "selu": 0.2,
    }
    _batches = (16, 32, 64, 128, 256)

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Float("lr", 1e-5, 1e-1, sampling="log")
        hp.Float("wd", 1e-7, 1e-2, sampling="log")
        hp.Int("units", 16, 512, step=16)
        hp.Int("layers", 1, 6)
        hp.Float("dropout", 0.0, 0.6)
        hp.Choice("act", list(self._act_off))
        hp.Choice("optimizer", list(self._opt))
        hp.Choice("batch", list(self._batches))
        hp.Float("aux_x", 0.0, 1.0)
        hp.Int("aux_k", 0, 9)
        return hp

    def _targets(self, opt: str, batch: int) -> tuple[float, float]:
        """Best ``log10 lr`` and ``log10 wd`` for the discrete values."""
        c, w, _, _ = self._opt[opt]
        return c + 0.25 * (math.log2(batch) - 6.0), w

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        opt = str(values["optimizer"])
        batch = int(values["batch"])
        layers = int(values["layers"])
        lr_target, wd_target = self._targets(opt, batch)
        value = ((math.log10(float(values["lr"])) - lr_target) / 0.7) ** 2
        value += 0.5 * (math.log10(float(values["wd"])) - wd_target) ** 2
        zu = (math.log2(int(values["units"])) - 7.5) / 1.2
        zl = (layers - 3.3) / 1.5
        value += zu * zu + zl * zl + 0.5 * zu * zl
        drop_target = 0.1 + 0.05 * (layers - 1)
        value += ((float(values["dropout"]) - drop_target) / 0.2) ** 2
        _, _, b, offset = self._opt[opt]
        value += 0.2 * (math.log2(batch) - b) ** 2
        value += self._act_off[str(values["act"])] + offset
        return float(value)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        best: tuple[float, dict[str, Any]] | None = None
        for units, layers, act, opt, batch in itertools.product(
            range(16, 513, 16),
            range(1, 7),
            self._act_off,
            self._opt,
            self._batches,
        ):
            lr_target, wd_target = self._targets(opt, batch)
            point = {
                "lr": 10.0 ** clip(lr_target, -5.0, -1.0),
                "wd": 10.0 ** clip(wd_target, -7.0, -2.0),
                "units": units,
                "layers": layers,
                "dropout": clip(0.1 + 0.05 * (layers - 1), 0.0, 0.6),
                "act": act,
                "optimizer": opt,
                "batch": batch,
                "aux_x": 0.5,
                "aux_k": 0,
            }
            value = self.evaluate(point)
            if best is None or value < best[0]:
                best = (value, point)
        assert best is not None
        return best


#: ``rosen20``: the chain's hyperparameters and the value ``z`` each maps to.
ROSEN20_LOG = tuple(f"p{j}" for j in range(6))
ROSEN20_LINEAR = tuple(f"q{j}" for j in range(6))
ROSEN20_INTS: dict[str, int] = {"k0": 3, "k1": 8, "k2": 14, "k3": 19}


class Rosen20(_Unshifted):
    """A 20-dimensional problem: a 12-d Rosenbrock chain and more.

    ``p0..p5 = Float(1e-4, 1, log)`` (``z = log10 p + 3``, so the chain's
    optimum ``z = 1`` is at ``p = 1e-2``), ``q0..q5 = Float(-2, 2)``
    (``z = q``), ``k0..k3 = Int(0, 20)``, ``opt = Choice(sgd, adam,
    rmsprop, adagrad)``, ``bn = Boolean`` and ``aux0, aux1 = Float(0, 1)``,
    which the value ignores::

        f = sum_{i<11} [100 (z_{i+1} - z_i^2)^2 + (1 - z_i)^2]
            + sum_j ((k_j - t_j) / 4)^2 + opt_off + 0.3 [not bn]

    over ``z = (z(p0), ..., z(p5), q0, ..., q5)``, with targets ``t`` =
    3, 8, 14, 19 and ``opt_off`` = sgd .4 / adam .1 / rmsprop 0 / adagrad
    .6. Every term is non-negative and all are zero at ``z = 1``,
    ``k = t``, rmsprop and ``bn = True``, so the optimum is exactly 0 there
    (derived, not enumerated). The Rosenbrock chain also has a local
    minimum near ``z_0 = -1``, which ``q0..q5`` (linear on ``[-2, 2]``) and
    the log-scaled ``p`` make reachable.
    """

    base_name = "rosen20"
    description = "20-d: 12-d Rosenbrock (6 log, 6 linear), 4 Int, 2 Choice"
    _opt_off: ClassVar[dict[str, float]] = {
        "sgd": 0.4,
        "adam": 0.1,
        "rmsprop": 0.0,
        "adagrad": 0.6,
    }

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for name in ROSEN20_LOG:
            hp.Float(name, 1e-4, 1.0, sampling="log")
        for name in ROSEN20_LINEAR:
            hp.Float(name, -2.0, 2.0)
        for name in ROSEN20_INTS:
            hp.Int(name, 0, 20)
        hp.Choice("opt", list(self._opt_off))
        hp.Boolean("bn")
        hp.Float("aux0", 0.0, 1.0)
        hp.Float("aux1", 0.0, 1.0)
        return hp

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        z = [math.log10(float(values[n])) + 3.0 for n in ROSEN20_LOG]
        z += [float(values[n]) for n in ROSEN20_LINEAR]
        value = sum(
            100.0 * (z[i + 1] - z[i] ** 2) ** 2 + (1.0 - z[i]) ** 2
            for i in range(len(z) - 1)
        )
        value += sum(
            ((int(values[n]) - t) / 4.0) ** 2 for n, t in ROSEN20_INTS.items()
        )
        value += self._opt_off[str(values["opt"])]
        value += 0.0 if bool(values["bn"]) else 0.3
        return float(value)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum` (every term zero)."""
        point: dict[str, Any] = dict.fromkeys(ROSEN20_LOG, 0.01)
        point.update(dict.fromkeys(ROSEN20_LINEAR, 1.0))
        point.update(ROSEN20_INTS)
        point.update({"opt": "rmsprop", "bn": True, "aux0": 0.5, "aux1": 0.5})
        return 0.0, point


__all__ = ["Mixed10", "Rosen20"]
