r"""Multi-fidelity problems: objectives whose value depends on the epochs.

Every problem is a KerasTuner search space and a function
``evaluate(values, epochs, seed=...)`` that is minimised. A KerasTuner
Hyperband trial evaluates it at its ``tuner/epochs``; the peers at the
budget they ask for.

**Fidelity.** With ``max_epochs`` = ``B``, ``b`` epochs give the
log-scaled fidelity ``z = ln(b) / ln(B)`` (0 at one epoch, 1 at ``B``), as
in the multi-fidelity Hartmann functions of mf-prior-bench
(``mfpbench.synthetic.hartmann``), so Hyperband's rungs ``1, 3, 9, 27``
sit at ``z = 0, 1/3, 2/3, 1``.

**Synthetic problems** have the form

.. math::

    y(x, b) = f(x, z) + (1 - z)\,\bigl(e(x) + \sigma\,\varepsilon(s, x, b)\bigr)

where ``f(x, z)`` is a multi-fidelity test function from the literature
(biased: its minimiser moves as ``z`` falls), ``e(x) >= 0`` is a
learning-curve term (values are worse at low budget, as losses are early
in training), ``sigma`` the noise scale and ``epsilon`` a standard normal
drawn deterministically from the run's seed ``s``, the configuration and
the budget (:func:`standard_normal`), so a run is reproducible and every
contender sees the same noise for the same configuration. At ``b = B``
the value is ``f(x, 1)``, the classic function: exact and noise-free.

===================  ===  ==========================================
name                 d    ``f(x, z)``, ``e``, ``sigma``
===================  ===  ==========================================
``mf_branin``        2    BoTorch's ``AugmentedBranin`` (after
                          Kandasamy et al., ICML 2017):
                          ``b(z) = 5.1/(4 pi^2) - 0.1 (1 - z)``;
                          ``e = 10``, ``sigma = 5``
``mf_hartmann6``     6    Hartmann6 with
                          ``alpha'(z) = alpha - 1.0 (1 - z)`` (the
                          mf-prior-bench form; BoTorch's
                          ``AugmentedHartmann`` shifts ``alpha_1`` by
                          0.1 only); ``e = 1``, ``sigma = 0.2``
``mf_mixed_cond``    5    the ``mixed_cond`` problem of
                          :mod:`ktseed.bench.problems` (Int step 16,
                          log Float, Choice, conditional Float,
                          Boolean), unbiased; ``e = 1 + 3 u^2 +
                          early(opt)`` with ``u = (log10 lr + 1) / 3``
                          (small learning rates learn slowly) and
                          ``early`` = sgd 1.0 / adam 0 / rmsprop 0.3
                          (Adam looks best early); ``sigma = 0.5``
===================  ===  ==========================================

The constants were fixed before any contender ran, from one property
only: the rank correlation between the values at 1 and at ``B`` epochs
over uniform random points should be clearly below 1 (low budgets
mislead), and that at ``B/3`` epochs high (they inform).
:func:`rank_correlations` measures it; ``docs/benchmarks.md`` lists it.

**The training problem** ``mf_digits_mlp`` is a scikit-learn
``MLPClassifier`` (Adam) on scikit-learn's bundled 8x8 digits, one
``partial_fit`` pass per epoch; the value is the validation error and the
held-out test error is recorded with it (:class:`Outcome`).
"""

from __future__ import annotations

import abc
import hashlib
import math
import warnings
from collections.abc import Mapping
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed.bench.multifidelity.accounting import MIN_EPOCHS
from ktseed.bench.multifidelity.accounting import config_key
from ktseed.errors import KtseedError

if TYPE_CHECKING:
    import keras_tuner

Values = Mapping[str, Any]

#: ``max_epochs`` of the full suite.
DEFAULT_MAX_EPOCHS = 27


class UnknownMFProblemError(KtseedError, LookupError):
    """No multi-fidelity problem has the requested name."""


def fidelity(epochs: int, max_epochs: int) -> float:
    """``ln(epochs) / ln(max_epochs)``, clipped to ``[0, 1]``."""
    if epochs < MIN_EPOCHS:
        msg = f"`epochs` must be at least 1 (got {epochs})."
        raise ValueError(msg)
    if epochs >= max_epochs:
        return 1.0
    return math.log(epochs) / math.log(max_epochs)


def _hash_uniforms(*parts: Any) -> tuple[float, float]:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()
    scale = 2.0**64
    u1 = (int.from_bytes(digest[:8], "little") + 0.5) / scale
    u2 = (int.from_bytes(digest[8:], "little") + 0.5) / scale
    return u1, u2


def standard_normal(*parts: Any) -> float:
    """A standard normal draw that depends only on ``parts`` (Box-Muller)."""
    u1, u2 = _hash_uniforms(*parts)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def derived_seed(*parts: Any) -> int:
    """A 32-bit seed that depends only on ``parts``."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True)
class Outcome:
    """One evaluation.

    Attributes:
        value: What the optimiser sees (minimised): the noisy, biased value
            or the validation error.
        test: The held-out test error (training problems), else ``None``.
    """

    value: float
    test: float | None = None


class MFProblem(abc.ABC):
    """A minimised objective over a KerasTuner space, with a budget.

    Args:
        max_epochs: The budget at which the value is exact (Hyperband's
            ``max_epochs``).

    Attributes:
        name: Registry name.
        kind: ``"synthetic"`` (known optimum; measure: regret) or
            ``"training"`` (measure: held-out error).
        epoch_cost: Rough seconds per epoch, for the run-time estimate.
    """

    base_name: ClassVar[str] = ""
    kind: ClassVar[str] = "synthetic"
    description: ClassVar[str] = ""
    epoch_cost: ClassVar[float] = 0.0

    def __init__(self, *, max_epochs: int = DEFAULT_MAX_EPOCHS) -> None:
        if max_epochs < 2:
            msg = f"`max_epochs` must be at least 2 (got {max_epochs})."
            raise ValueError(msg)
        self.max_epochs = int(max_epochs)
        self.name = self.base_name

    @abc.abstractmethod
    def space(self) -> keras_tuner.HyperParameters:
        """A new copy of the search space."""

    @abc.abstractmethod
    def evaluate(
        self,
        values: Values,
        epochs: int,
        *,
        seed: int,
        checkpoints: MutableMapping[str, Any] | None = None,
    ) -> Outcome:
        """The objective of ``values`` after ``epochs`` epochs.

        Args:
            values: Active hyperparameter values (``tuner/*`` ignored).
            epochs: The budget, ``1 <= epochs``; at ``max_epochs`` or more
                the value is the final one.
            seed: The run's seed (noise, initialisation, data order).
            checkpoints: A per-run store the problem may use to resume
                training; results never depend on it.
        """

    def exact(self, values: Values) -> float | None:
        """The noise-free value at ``max_epochs`` (``None`` if unknown)."""
        return None

    @property
    def optimum(self) -> float | None:
        """The minimum of :meth:`exact`, or ``None`` when unknown."""
        return None

    def regret(self, values: Values) -> float | None:
        """``exact(values) - optimum`` (``None`` for training problems)."""
        exact = self.exact(values)
        optimum = self.optimum
        if exact is None or optimum is None:
            return None
        return float(exact - optimum)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_epochs={self.max_epochs})"


class SyntheticMFProblem(MFProblem):
    """``f(x, z) + (1 - z) (e(x) + sigma * eps)`` (module docstring)."""

    noise: ClassVar[float] = 0.0

    @abc.abstractmethod
    def biased(self, values: Values, z: float) -> float:
        """The multi-fidelity test function ``f(x, z)``; ``z = 1`` exact."""

    @abc.abstractmethod
    def early(self, values: Values) -> float:
        """The learning-curve term ``e(x) >= 0``."""

    def evaluate(
        self,
        values: Values,
        epochs: int,
        *,
        seed: int,
        checkpoints: MutableMapping[str, Any] | None = None,
    ) -> Outcome:
        """See :meth:`MFProblem.evaluate`."""
        z = fidelity(int(epochs), self.max_epochs)
        value = self.biased(values, z)
        if z < 1.0:
            eps = standard_normal(
                int(seed), config_key(values), min(int(epochs), self.max_epochs)
            )
            value += (1.0 - z) * (self.early(values) + self.noise * eps)
        return Outcome(float(value))

    def exact(self, values: Values) -> float:
        """See :meth:`MFProblem.exact`."""
        return float(self.biased(values, 1.0))


# ------------------------------------------------------------------ branin
BRANIN_OPTIMUM = 5.0 / (4.0 * math.pi)
BRANIN_MINIMIZERS = ((-math.pi, 12.275), (math.pi, 2.275), (3 * math.pi, 2.475))


def augmented_branin(x1: float, x2: float, z: float) -> float:
    """BoTorch's ``AugmentedBranin`` at fidelity ``z`` (Branin at 1)."""
    b = 5.1 / (4.0 * math.pi**2) - 0.1 * (1.0 - z)
    t1 = x2 - b * x1 * x1 + 5.0 / math.pi * x1 - 6.0
    return float(
        t1 * t1 + 10.0 * (1.0 - 1.0 / (8.0 * math.pi)) * math.cos(x1) + 10.0
    )


class MFBranin(SyntheticMFProblem):
    """Multi-fidelity Branin on ``x1 in [-5, 10]``, ``x2 in [0, 15]``."""

    base_name = "mf_branin"
    description = "AugmentedBranin (BoTorch), 2 Float"
    noise = 5.0

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`MFProblem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Float("x1", -5.0, 10.0)
        hp.Float("x2", 0.0, 15.0)
        return hp

    def biased(self, values: Values, z: float) -> float:
        """See :meth:`SyntheticMFProblem.biased`."""
        return augmented_branin(float(values["x1"]), float(values["x2"]), z)

    def early(self, values: Values) -> float:
        """A constant 10: every configuration improves with epochs."""
        return 10.0

    @property
    def optimum(self) -> float:
        """``5 / (4 pi)``, at the three Branin minimisers."""
        return BRANIN_OPTIMUM


# --------------------------------------------------------------- hartmann6
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
HARTMANN6_OPTIMUM = -3.322368011415514
HARTMANN6_MINIMIZER = (
    0.20168950968761765,
    0.15001069413863433,
    0.47687396963094986,
    0.27533242916768874,
    0.31165161370991157,
    0.6573005333899428,
)
#: ``alpha'(z) = alpha - HARTMANN6_BIAS * (1 - z)``.
HARTMANN6_BIAS = 1.0


def mf_hartmann6(x: Any, z: float, bias: float = HARTMANN6_BIAS) -> float:
    """Hartmann6 with every ``alpha_i`` lowered by ``bias * (1 - z)``."""
    point = np.asarray(x, dtype=float)
    inner = np.sum(_H6_A * (point - _H6_P) ** 2, axis=1)
    alpha = _H6_ALPHA - bias * (1.0 - z)
    return float(-np.sum(alpha * np.exp(-inner)))


class MFHartmann6(SyntheticMFProblem):
    """Multi-fidelity Hartmann6 on ``[0, 1]^6`` (Floats ``x0``..``x5``)."""

    base_name = "mf_hartmann6"
    description = "Hartmann6, alpha - 1.0 (1 - z) (mf-prior-bench form)"
    noise = 0.2

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`MFProblem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for j in range(6):
            hp.Float(f"x{j}", 0.0, 1.0)
        return hp

    def biased(self, values: Values, z: float) -> float:
        """See :meth:`SyntheticMFProblem.biased`."""
        return mf_hartmann6([float(values[f"x{j}"]) for j in range(6)], z)

    def early(self, values: Values) -> float:
        """A constant 1."""
        return 1.0

    @property
    def optimum(self) -> float:
        """Hartmann6's minimum (refined with L-BFGS-B)."""
        return HARTMANN6_OPTIMUM


# -------------------------------------------------------------- mixed_cond
_EARLY_OPT: dict[str, float] = {"sgd": 1.0, "adam": 0.0, "rmsprop": 0.3}


class MFMixedConditional(SyntheticMFProblem):
    """``mixed_cond`` with a learning curve (module docstring).

    The final value, space and optimum are those of
    :class:`ktseed.bench.problems.MixedConditional`; at low budgets small
    learning rates and SGD look worse than they end up, so low budgets
    favour Adam although the optimum uses SGD with momentum 0.9.
    """

    base_name = "mf_mixed_cond"
    description = "mixed_cond (Int step, log Float, Choice, cond. Float, Bool)"
    noise = 0.5

    def __init__(self, *, max_epochs: int = DEFAULT_MAX_EPOCHS) -> None:
        super().__init__(max_epochs=max_epochs)
        from ktseed.bench.problems import MixedConditional

        self._final = MixedConditional()
        self._optimum: float | None = None

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`MFProblem.space`."""
        return self._final.space()

    def biased(self, values: Values, z: float) -> float:
        """The final value: this problem's bias is all in :meth:`early`."""
        return float(self._final.evaluate(values))

    def early(self, values: Values) -> float:
        """The learning-curve term: ``1 + 3 u^2`` plus the optimizer's.

        ``u = (log10 lr + 1) / 3`` is 0 at the largest learning rate and
        -1 at the smallest.
        """
        u = (math.log10(float(values["lr"])) + 1.0) / 3.0
        return 1.0 + 3.0 * u * u + _EARLY_OPT[str(values["optimizer"])]

    @property
    def optimum(self) -> float:
        """``mixed_cond``'s exact optimum, ``(4/64)^2``."""
        if self._optimum is None:
            self._optimum = float(self._final.exact_minimum()[0])
        return self._optimum

    def minimizer(self) -> dict[str, Any]:
        """A point that attains :attr:`optimum`."""
        return dict(self._final.exact_minimum()[1])


# ------------------------------------------------------- training: digits
class MFDigitsMLP(MFProblem):
    """A scikit-learn MLP on the bundled digits; epochs are the fidelity.

    Space: ``units = Int(16, 128, step=16)``, ``lr = Float(1e-4, 1e-1,
    log)`` (Adam's ``learning_rate_init``), ``alpha = Float(1e-6, 1e-1,
    log)`` (L2), ``batch_size = Choice(32, 64, 128, 256)``, ``activation =
    Choice(relu, tanh, logistic)``. The 1,797 images (scaled to ``[0,
    1]``) are split 60/20/20 into training, validation and test sets
    (stratified, ``random_state=0``). An epoch is one ``partial_fit`` pass
    over the training set in an order drawn from (seed, configuration,
    epoch); the weights start from a seed drawn from (seed,
    configuration). The value is the validation error after ``epochs``
    epochs and the held-out test error is recorded with it.

    Training resumes from the run's checkpoint of the same configuration
    (the last one kept) when it has trained fewer epochs; the result is the
    same as training from scratch (the tests check it).
    """

    base_name = "mf_digits_mlp"
    kind = "training"
    description = "sklearn MLPClassifier on digits, partial_fit epochs"
    epoch_cost = 0.016

    def __init__(self, *, max_epochs: int = DEFAULT_MAX_EPOCHS) -> None:
        super().__init__(max_epochs=max_epochs)
        self._data: tuple[Any, ...] | None = None

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`MFProblem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("units", 16, 128, step=16)
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Float("alpha", 1e-6, 1e-1, sampling="log")
        hp.Choice("batch_size", [32, 64, 128, 256])
        hp.Choice("activation", ["relu", "tanh", "logistic"])
        return hp

    def data(self) -> tuple[Any, ...]:
        """``(x_train, y_train, x_val, y_val, x_test, y_test)``."""
        if self._data is None:
            from sklearn.datasets import load_digits
            from sklearn.model_selection import train_test_split

            digits = load_digits()
            x = digits.data / 16.0
            y = digits.target
            x_tr, x_rest, y_tr, y_rest = train_test_split(
                x, y, test_size=0.4, random_state=0, stratify=y
            )
            x_va, x_te, y_va, y_te = train_test_split(
                x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest
            )
            self._data = (x_tr, y_tr, x_va, y_va, x_te, y_te)
        return self._data

    def _new_model(self, values: Values, seed: int, key: str) -> Any:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=(int(values["units"]),),
            activation=str(values["activation"]),
            solver="adam",
            alpha=float(values["alpha"]),
            batch_size=int(values["batch_size"]),
            learning_rate_init=float(values["lr"]),
            shuffle=False,
            random_state=derived_seed(int(seed), key, "init"),
        )

    def evaluate(
        self,
        values: Values,
        epochs: int,
        *,
        seed: int,
        checkpoints: MutableMapping[str, Any] | None = None,
    ) -> Outcome:
        """See :meth:`MFProblem.evaluate`; trains ``epochs`` epochs."""
        epochs = min(int(epochs), self.max_epochs)
        if epochs < MIN_EPOCHS:
            msg = f"`epochs` must be at least 1 (got {epochs})."
            raise ValueError(msg)
        x_tr, y_tr, x_va, y_va, x_te, y_te = self.data()
        key = config_key(values)
        done, model = 0, None
        saved = None if checkpoints is None else checkpoints.get(key)
        if checkpoints is not None and saved is not None and saved[0] <= epochs:
            # Taken out while it trains: an error leaves no stale entry.
            done, model = checkpoints.pop(key)
        if model is None:
            model = self._new_model(values, seed, key)
        classes = np.arange(10)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # Large learning rates overflow; the error then says so.
            warnings.simplefilter("ignore")
            for epoch in range(done + 1, epochs + 1):
                order = np.random.default_rng(
                    derived_seed(int(seed), key, epoch)
                ).permutation(len(y_tr))
                model.partial_fit(x_tr[order], y_tr[order], classes=classes)
            val_error = 1.0 - float(model.score(x_va, y_va))
            test_error = 1.0 - float(model.score(x_te, y_te))
        if checkpoints is not None and key not in checkpoints:
            # Keeps the furthest-trained model of each configuration.
            checkpoints[key] = (epochs, model)
        return Outcome(val_error, test_error)


# ---------------------------------------------------------------- registry
MF_PROBLEMS: dict[str, type[MFProblem]] = {
    cls.base_name: cls
    for cls in (MFBranin, MFHartmann6, MFMixedConditional, MFDigitsMLP)
}


def get_mf_problem(name: str, **kwargs: Any) -> MFProblem:
    """The multi-fidelity problem registered as ``name``.

    Raises:
        UnknownMFProblemError: Naming the known problems.
    """
    if name not in MF_PROBLEMS:
        msg = (
            f"unknown multi-fidelity problem '{name}'. Available: "
            f"{', '.join(MF_PROBLEMS)}."
        )
        raise UnknownMFProblemError(msg)
    return MF_PROBLEMS[name](**kwargs)


def rank_correlations(
    problem: SyntheticMFProblem,
    budgets: tuple[int, ...] = (1, 3, 9),
    *,
    n: int = 4000,
    seed: int = 0,
) -> dict[int, float]:
    """Spearman correlation of the value at each budget with the final one.

    Over ``n`` uniform random points of the space (KerasTuner's
    ``prob_to_value`` of uniform draws, conditional values only when
    active), noise seed 1.
    """
    from scipy.stats import spearmanr

    rng = np.random.default_rng(seed)
    space = problem.space()
    points = []
    for _ in range(n):
        point: dict[str, Any] = {}
        for hp in space.space:
            if all(c.is_active(point) for c in hp.conditions):
                point[hp.name] = hp.prob_to_value(
                    min(float(rng.uniform()), 1 - 1e-12)
                )
        points.append(point)
    final = np.array([problem.exact(p) for p in points])
    out = {}
    for b in budgets:
        low = np.array([problem.evaluate(p, b, seed=1).value for p in points])
        out[b] = float(spearmanr(low, final)[0])
    return out


__all__ = [
    "BRANIN_MINIMIZERS",
    "BRANIN_OPTIMUM",
    "DEFAULT_MAX_EPOCHS",
    "HARTMANN6_MINIMIZER",
    "HARTMANN6_OPTIMUM",
    "MF_PROBLEMS",
    "MFBranin",
    "MFDigitsMLP",
    "MFHartmann6",
    "MFMixedConditional",
    "MFProblem",
    "Outcome",
    "SyntheticMFProblem",
    "UnknownMFProblemError",
    "augmented_branin",
    "derived_seed",
    "fidelity",
    "get_mf_problem",
    "mf_hartmann6",
    "rank_correlations",
    "standard_normal",
]
