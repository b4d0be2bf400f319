"""Mixed spaces of the pilot study: ``mixed`` and ``mixed_cond``."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import Values
from ktseed.bench.problems.base import clip as _clip

if TYPE_CHECKING:
    import keras_tuner


# ------------------------------------------------------------ mixed (pilot)
class Mixed(Problem):
    """The pilot study's mixed space (Int, log Float, Choice, Boolean).

    ``a = Int(1, 64)``, ``lr = Float(1e-5, 1e-1, log)``,
    ``act = Choice(relu, tanh, elu, gelu)``, ``bn = Boolean``,
    ``layers = Int(1, 8)``, ``drop = Float(0, 0.5)``::

        f = (log10 lr - c(bn))^2 + za^2 + zl^2 + 0.6 za zl
            + ((drop - d0) / 0.15)^2
            + 0.05 (layers - 1) ((drop - d0) / 0.5)^2 + act_off + bn_off

    with ``za = (a - a0) / 16``, ``zl = (layers - 3.4) / 2``,
    ``c(True) = -2.5``, ``c(False) = -3.2``, ``a0 = 37``, ``d0 = 0.17``,
    ``act_off`` = relu .15 / tanh .60 / elu 0 / gelu .05 and ``bn_off`` =
    True 0 / False .35. The optimum 0.0364063 is at ``a = 38``,
    ``layers = 3``, elu, ``bn = True``, ``lr = 10^-2.5``, ``drop = 0.17``.
    The shifted variant uses ``a0 = 33``, ``d0 = 0.22`` and ``c`` 0.3
    higher.
    """

    base_name = "mixed"
    description = "Int, log Float, Choice, Boolean, Int, Float (pilot)"
    _act_off: ClassVar[dict[str, float]] = {
        "relu": 0.15,
        "tanh": 0.60,
        "elu": 0.0,
        "gelu": 0.05,
    }

    def _constants(self) -> tuple[float, float, float]:
        if self.shifted:
            return 33.0, 0.22, 0.3
        return 37.0, 0.17, 0.0

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("a", 1, 64, step=1)
        hp.Float("lr", 1e-5, 1e-1, sampling="log")
        hp.Choice("act", ["relu", "tanh", "elu", "gelu"])
        hp.Boolean("bn")
        hp.Int("layers", 1, 8)
        hp.Float("drop", 0.0, 0.5)
        return hp

    def _discrete_part(
        self, a: int, act: str, bn: bool, layers: int
    ) -> tuple[float, float]:
        """Value without the lr and drop terms, and ``c(bn)``."""
        a0, _, dc = self._constants()
        za = (a - a0) / 16.0
        zl = (layers - 3.4) / 2.0
        c = (-2.5 if bn else -3.2) + dc
        rest = (
            za * za
            + zl * zl
            + 0.6 * za * zl
            + self._act_off[act]
            + (0.0 if bn else 0.35)
        )
        return rest, c

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        _, d0, _ = self._constants()
        layers = int(values["layers"])
        rest, c = self._discrete_part(
            int(values["a"]), str(values["act"]), bool(values["bn"]), layers
        )
        drop = float(values["drop"])
        lr_term = (math.log10(float(values["lr"])) - c) ** 2
        drop_term = ((drop - d0) / 0.15) ** 2 + 0.05 * (layers - 1) * (
            (drop - d0) / 0.5
        ) ** 2
        return float(lr_term + drop_term + rest)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        _, d0, _ = self._constants()
        best: tuple[float, dict[str, Any]] | None = None
        for a, act, bn, layers in itertools.product(
            range(1, 65), self._act_off, (True, False), range(1, 9)
        ):
            _, c = self._discrete_part(a, act, bn, layers)
            point = {
                "a": a,
                "lr": 10.0 ** _clip(c, -5.0, -1.0),
                "act": act,
                "bn": bn,
                "layers": layers,
                "drop": _clip(d0, 0.0, 0.5),
            }
            value = self.evaluate(point)
            if best is None or value < best[0]:
                best = (value, point)
        assert best is not None
        return best


class MixedConditional(Problem):
    """A mixed space with a conditional scope.

    ``units = Int(16, 256, step=16)``, ``lr = Float(1e-4, 1e-1, log)``,
    ``optimizer = Choice(sgd, adam, rmsprop)``, ``momentum = Float(0,
    0.99)`` active only when ``optimizer == "sgd"``, and ``bn = Boolean``::

        f = (log10 lr - c(opt))^2 + ((units - u0) / 64)^2 + off(opt)
            + [opt == sgd] 4 (momentum - m0)^2 + [not bn] 0.2

    with ``c`` = sgd -1.5 / adam -3.0 / rmsprop -3.3, ``off`` = sgd 0 /
    adam .1 / rmsprop .25, ``u0 = 100`` (between grid values 96 and 112) and
    ``m0 = 0.9``. The optimum ``(4/64)^2 = 0.00390625`` is at sgd,
    ``momentum = 0.9``, ``lr = 10^-1.5``, ``units = 96``, ``bn = True``:
    only a search that sets the conditional ``momentum`` well finds it.
    The shifted variant uses ``u0 = 140``, ``m0 = 0.8`` and ``c`` 0.3
    lower.
    """

    base_name = "mixed_cond"
    description = "Int step, log Float, Choice, Boolean, conditional Float"
    _c: ClassVar[dict[str, float]] = {
        "sgd": -1.5,
        "adam": -3.0,
        "rmsprop": -3.3,
    }
    _off: ClassVar[dict[str, float]] = {
        "sgd": 0.0,
        "adam": 0.1,
        "rmsprop": 0.25,
    }

    def _constants(self) -> tuple[float, float, float]:
        if self.shifted:
            return 140.0, 0.8, -0.3
        return 100.0, 0.9, 0.0

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("units", 16, 256, step=16)
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Choice("optimizer", ["sgd", "adam", "rmsprop"])
        with hp.conditional_scope("optimizer", ["sgd"]):
            hp.Float("momentum", 0.0, 0.99)
        hp.Boolean("bn")
        return hp

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        u0, m0, dc = self._constants()
        opt = str(values["optimizer"])
        value = (math.log10(float(values["lr"])) - (self._c[opt] + dc)) ** 2
        value += ((int(values["units"]) - u0) / 64.0) ** 2 + self._off[opt]
        if opt == "sgd":
            value += 4.0 * (float(values["momentum"]) - m0) ** 2
        if not bool(values["bn"]):
            value += 0.2
        return float(value)

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum`."""
        _, m0, dc = self._constants()
        best: tuple[float, dict[str, Any]] | None = None
        for units, opt, bn in itertools.product(
            range(16, 257, 16), self._c, (True, False)
        ):
            point: dict[str, Any] = {
                "units": units,
                "lr": 10.0 ** _clip(self._c[opt] + dc, -4.0, -1.0),
                "optimizer": opt,
            }
            if opt == "sgd":
                point["momentum"] = _clip(m0, 0.0, 0.99)
            point["bn"] = bn
            value = self.evaluate(point)
            if best is None or value < best[0]:
                best = (value, point)
        assert best is not None
        return best


__all__ = ["Mixed", "MixedConditional"]
