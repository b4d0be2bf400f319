"""Benchmark problems: objectives over KerasTuner search spaces.

Every problem is a search space (``keras_tuner.HyperParameters``) plus a
function of one point's values. The KerasTuner contenders run it through a
``keras_tuner.Tuner`` whose ``run_trial`` returns the value (no training for
the synthetic ones; ``keras_tuner.SklearnTuner`` for the cross-validated
ones); the peers call the same function on the same space. Synthetic
problems are minimised and have an exactly known optimum, so the measure is
the simple regret ``best - optimum``. The training problems are maximised
and have no known optimum: the digits MLP's measure is the best validation
accuracy, the cross-validated problems' the held-out score of the
incumbent (:mod:`~ktseed.bench.problems.sklearn_cv`).

One module per family:

* :mod:`~ktseed.bench.problems.classic`: ``branin`` (2 Float),
  ``hartmann6`` (6 Float), ``log_rosenbrock`` (2 log Float);
* :mod:`~ktseed.bench.problems.mixed`: ``mixed`` (the pilot's Int, log
  Float, Choice, Boolean, Int, Float) and ``mixed_cond`` (a conditional
  Float);
* :mod:`~ktseed.bench.problems.highdim`: ``mixed10`` (10-d mixed, two
  irrelevant) and ``rosen20`` (20-d: 12-d Rosenbrock chain, Ints, Choices,
  two irrelevant);
* :mod:`~ktseed.bench.problems.multimodal`: ``basins`` (four basins of
  different depth; log Float, Float, Int, Choice);
* :mod:`~ktseed.bench.problems.training`: ``digits_mlp`` (a Keras MLP);
* :mod:`~ktseed.bench.problems.sklearn_cv`: ``gbm_cancer`` (gradient
  boosting, log loss) and ``svm_digits`` (an SVM with conditional
  hyperparameters, accuracy), 3-fold CV through ``SklearnTuner``.

"Exact" optima come from :meth:`Problem.exact_minimum`: the discrete part
is enumerated and, for each discrete assignment, the continuous part is
minimised in closed form, or (``rosen20``) every term is shown to vanish at
one point. The tests check each optimum numerically.

Shifted variants (names ending in ``+shift``; the first five synthetic
problems only) move the optimum; the warm-start task runs a prior search
on the shifted variant and then a new search on the problem itself.
"""

from __future__ import annotations

from typing import Any

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import UnknownProblemError
from ktseed.bench.problems.base import Values
from ktseed.bench.problems.classic import BRANIN_MINIMIZERS
from ktseed.bench.problems.classic import BRANIN_OPTIMUM
from ktseed.bench.problems.classic import HARTMANN6_MINIMIZER
from ktseed.bench.problems.classic import HARTMANN6_OPTIMUM
from ktseed.bench.problems.classic import Branin
from ktseed.bench.problems.classic import Hartmann6
from ktseed.bench.problems.classic import LogRosenbrock
from ktseed.bench.problems.classic import branin
from ktseed.bench.problems.classic import hartmann6
from ktseed.bench.problems.highdim import Mixed10
from ktseed.bench.problems.highdim import Rosen20
from ktseed.bench.problems.mixed import Mixed
from ktseed.bench.problems.mixed import MixedConditional
from ktseed.bench.problems.multimodal import Basins
from ktseed.bench.problems.multimodal import BasinsProblem
from ktseed.bench.problems.sklearn_cv import CVProblem
from ktseed.bench.problems.sklearn_cv import GradientBoostingCancer
from ktseed.bench.problems.sklearn_cv import SVMDigits
from ktseed.bench.problems.training import DigitsMLP

#: The problems of the first suite (the ``search`` and ``warmstart`` tasks).
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

#: The problems added for the peer comparison (issue 12).
PEER_PROBLEMS: dict[str, type[Problem]] = {
    cls.base_name: cls
    for cls in (Mixed10, Rosen20, Basins, GradientBoostingCancer, SVMDigits)
}

#: Every registered problem.
ALL_PROBLEMS: dict[str, type[Problem]] = {**PROBLEMS, **PEER_PROBLEMS}


def get_problem(name: str, **kwargs: Any) -> Problem:
    """The problem registered as ``name`` (``"+shift"`` for the variant).

    Raises:
        UnknownProblemError: Naming the known problems.
    """
    base, plus, suffix = name.partition("+")
    if base not in ALL_PROBLEMS or (plus and suffix != "shift"):
        msg = (
            f"unknown benchmark problem '{name}'. Available: "
            f"{', '.join(ALL_PROBLEMS)} (append '+shift' for a shifted "
            "variant of the first five)."
        )
        raise UnknownProblemError(msg)
    return ALL_PROBLEMS[base](shifted=bool(plus), **kwargs)


__all__ = [
    "ALL_PROBLEMS",
    "BRANIN_MINIMIZERS",
    "BRANIN_OPTIMUM",
    "HARTMANN6_MINIMIZER",
    "HARTMANN6_OPTIMUM",
    "PEER_PROBLEMS",
    "PROBLEMS",
    "Basins",
    "BasinsProblem",
    "Branin",
    "CVProblem",
    "DigitsMLP",
    "GradientBoostingCancer",
    "Hartmann6",
    "LogRosenbrock",
    "Mixed",
    "Mixed10",
    "MixedConditional",
    "Problem",
    "Rosen20",
    "SVMDigits",
    "UnknownProblemError",
    "Values",
    "branin",
    "get_problem",
    "hartmann6",
]
