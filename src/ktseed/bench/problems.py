"""Benchmark problems: objectives over KerasTuner search spaces.

Every problem is a search space (``keras_tuner.HyperParameters``) plus a
function of one point's values. The KerasTuner contenders run it through a
``keras_tuner.Tuner`` whose ``run_trial`` returns the value (no training for
the synthetic ones); the Optuna contenders call the same function on the same
space. Synthetic problems are minimised and have an exactly known optimum,
so the measure is the simple regret ``best - optimum``. The digits MLP trains
a small Keras model and is maximised (validation accuracy); it has no known
optimum, so the measure is the best accuracy.

Problems:

===================  ===  ==========================================  ========
name                 d    space                                       optimum
===================  ===  ==========================================  ========
``branin``           2    2 Float                                     5/(4 pi)
``hartmann6``        6    6 Float in [0, 1]                           -3.32237
``log_rosenbrock``   2    2 Float, ``sampling="log"``                 0
``mixed``            6    Int, log Float, Choice, Boolean, Int, Float exact
``mixed_cond``       5    Int step 16, log Float, Choice, Boolean,    exact
                          a Float inside a conditional scope
``digits_mlp``       4    Int step 16, log Float, Float, Choice       unknown
===================  ===  ==========================================  ========

"Exact" optima are computed by :meth:`Problem.exact_minimum`: the discrete
part is enumerated and, for each discrete assignment, the continuous part is
minimised in closed form (the terms are separable convex quadratics in the
continuous coordinates, clipped to their ranges). The tests check each
optimum against a brute-force search.

Shifted variants (``shifted=True``, names ending in ``+shift``) move the
optimum; the warm-start task runs a prior search on the shifted variant and
then a new search on the problem itself.
"""

from __future__ import annotations

import abc
import importlib
import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed.errors import KtseedError

if TYPE_CHECKING:
    import keras_tuner

Values = Mapping[str, Any]


class UnknownProblemError(KtseedError, LookupError):
    """No benchmark problem has the requested name."""


class Problem(abc.ABC):
    """A benchmark objective over a KerasTuner search space.

    Args:
        shifted: Build the shifted variant (its optimum moves; used as the
            prior run of the warm-start task).

    Attributes:
        name: Registry name (``"+shift"`` appended for the shifted variant).
        direction: ``"min"`` (synthetic: minimise the value) or ``"max"``
            (training: maximise validation accuracy).
        metric: Name of the metric the tuner records.
        kind: ``"synthetic"`` or ``"training"``.
        cost: Rough seconds per trial of the objective alone, used to order
            the work and estimate the run time.
        hyperband_max_epochs: ``max_epochs`` of the Hyperband oracle.
    """

    base_name: ClassVar[str] = ""
    direction: ClassVar[str] = "min"
    metric: ClassVar[str] = "score"
    kind: ClassVar[str] = "synthetic"
    cost: ClassVar[float] = 0.0
    description: ClassVar[str] = ""
    #: Hyperband's ``max_epochs``. Synthetic values do not depend on the
    #: epochs, so a promotion re-evaluates the same point.
    hyperband_max_epochs: ClassVar[int] = 9

    def __init__(self, *, shifted: bool = False) -> None:
        self.shifted = shifted
        self.name = self.base_name + ("+shift" if shifted else "")
        self._optimum: float | None = None

    @abc.abstractmethod
    def space(self) -> keras_tuner.HyperParameters:
        """A new copy of the problem's search space."""

    @abc.abstractmethod
    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """The objective at one point.

        Args:
            values: The active hyperparameter values (extra keys such as
                Hyperband's ``tuner/*`` are ignored).
            seed: Seed of any randomness in the evaluation (model
                initialisation for training problems); synthetic problems
                are deterministic and ignore it.
        """

    @property
    def optimum(self) -> float | None:
        """The exact optimal value, or ``None`` when it is unknown."""
        if self._optimum is None and self.direction == "min":
            self._optimum = self.exact_minimum()[0]
        return self._optimum

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """The optimal value and a point that attains it.

        Raises:
            NotImplementedError: For problems without a known optimum.
        """
        msg = f"problem '{self.name}' has no known optimum."
        raise NotImplementedError(msg)

    def regret(self, best: float) -> float | None:
        """Simple regret ``best - optimum`` (``None`` without an optimum)."""
        optimum = self.optimum
        if optimum is None:
            return None
        if self.direction == "min":
            return float(best - optimum)
        return float(optimum - best)

    def dimension(self) -> int:
        """Number of tunable (non-Fixed) hyperparameters."""
        from ktseed.space import SpaceCodec

        return SpaceCodec(self.space()).dimension

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shifted={self.shifted})"


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


# ------------------------------------------------------------ mixed (pilot)
def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


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


# ------------------------------------------------------------- digits MLP
class DigitsMLP(Problem):
    """A small Keras MLP on scikit-learn's bundled digits (no download).

    Space: ``units = Int(16, 128, step=16)``, ``lr = Float(1e-4, 3e-2,
    log)``, ``dropout = Float(0, 0.5)``, ``activation = Choice(relu,
    tanh)``. The 1,797 8x8 images are split 70/30 (stratified, fixed
    ``random_state=0``); the model ``Dense(units) -> Dropout -> Dense(10)``
    trains with Adam for ``epochs`` epochs (Hyperband's ``tuner/epochs``
    when present), batch 64. The value is the last epoch's validation
    accuracy (maximised). Weights are initialised from ``seed``.

    Args:
        epochs: Training epochs per trial.
    """

    base_name = "digits_mlp"
    direction = "max"
    metric = "val_accuracy"
    kind = "training"
    cost = 1.5
    description = "Keras MLP on sklearn digits, val accuracy"
    hyperband_max_epochs = 3

    def __init__(self, *, shifted: bool = False, epochs: int = 3) -> None:
        if shifted:
            msg = "digits_mlp has no shifted variant."
            raise UnknownProblemError(msg)
        super().__init__(shifted=False)
        self.epochs = epochs
        self._data: tuple[Any, Any, Any, Any] | None = None

    @property
    def optimum(self) -> float | None:
        """Unknown for a training problem."""
        return None

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("units", 16, 128, step=16)
        hp.Float("lr", 1e-4, 3e-2, sampling="log")
        hp.Float("dropout", 0.0, 0.5)
        hp.Choice("activation", ["relu", "tanh"])
        return hp

    def data(self) -> tuple[Any, Any, Any, Any]:
        """``(x_train, y_train, x_val, y_val)``, loaded once."""
        if self._data is None:
            from sklearn.datasets import load_digits
            from sklearn.model_selection import train_test_split

            digits = load_digits()
            x = (digits.data / 16.0).astype("float32")
            y = digits.target.astype("int32")
            x_tr, x_va, y_tr, y_va = train_test_split(
                x, y, test_size=0.3, random_state=0, stratify=y
            )
            self._data = (x_tr, y_tr, x_va, y_va)
        return self._data

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`; trains one model."""
        keras = importlib.import_module("keras")
        x_tr, y_tr, x_va, y_va = self.data()
        keras.utils.set_random_seed(int(seed))
        model = keras.Sequential(
            [
                keras.Input(shape=(64,)),
                keras.layers.Dense(
                    int(values["units"]), activation=str(values["activation"])
                ),
                keras.layers.Dropout(float(values["dropout"])),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(float(values["lr"])),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        epochs = int(values.get("tuner/epochs", self.epochs))
        history = model.fit(
            x_tr,
            y_tr,
            validation_data=(x_va, y_va),
            epochs=epochs,
            batch_size=64,
            verbose=0,
        )
        keras.backend.clear_session()
        return float(history.history["val_accuracy"][-1])


# -------------------------------------------------------------- registry
PROBLEMS: dict[str, type[Problem]] = {
    cls.base_name: cls
    for cls in (
        Branin,
        Hartmann6,
        LogRosenbrock,
        Mixed,
        MixedConditional,
        DigitsMLP,
    )
}


def get_problem(name: str, **kwargs: Any) -> Problem:
    """The problem registered as ``name`` (``"+shift"`` for the variant).

    Raises:
        UnknownProblemError: Naming the known problems.
    """
    base, plus, suffix = name.partition("+")
    if base not in PROBLEMS or (plus and suffix != "shift"):
        msg = (
            f"unknown benchmark problem '{name}'. Available: "
            f"{', '.join(PROBLEMS)} (append '+shift' for a shifted variant)."
        )
        raise UnknownProblemError(msg)
    return PROBLEMS[base](shifted=bool(plus), **kwargs)


__all__ = [
    "PROBLEMS",
    "Branin",
    "DigitsMLP",
    "Hartmann6",
    "LogRosenbrock",
    "Mixed",
    "MixedConditional",
    "Problem",
    "UnknownProblemError",
    "get_problem",
]
