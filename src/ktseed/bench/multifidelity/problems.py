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

import math
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.bench.multifidelity.accounting import config_key
from ktseed.bench.multifidelity.base import DEFAULT_MAX_EPOCHS
from ktseed.bench.multifidelity.base import MFProblem
from ktseed.bench.multifidelity.base import Outcome
from ktseed.bench.multifidelity.base import SyntheticMFProblem
from ktseed.bench.multifidelity.base import Values
from ktseed.bench.multifidelity.base import derived_seed
from ktseed.bench.multifidelity.base import fidelity
from ktseed.bench.multifidelity.base import standard_normal
from ktseed.bench.multifidelity.training import MFDigitsMLP
from ktseed.errors import KtseedError

if TYPE_CHECKING:
    import keras_tuner


class UnknownMFProblemError(KtseedError, LookupError):
    """No multi-fidelity problem has the requested name."""


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
    "config_key",
    "derived_seed",
    "fidelity",
    "get_mf_problem",
    "mf_hartmann6",
    "rank_correlations",
    "standard_normal",
]
