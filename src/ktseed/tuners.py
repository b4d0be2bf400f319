"""Seeded tuners: KerasTuner's stock tuners with an ``initializer=``.

KerasTuner's ``RandomSearch``, ``BayesianOptimization`` and ``Hyperband``
build their own oracle and reject ``oracle=``. These subclasses take the
same arguments plus ``initializer=`` (and, for Bayesian, ``handoff=``),
build the matching seeded oracle, and keep the stock tuner's own trial
logic (Hyperband's epochs and checkpoint reuse included). Any tuner that
accepts ``oracle=`` (``keras_tuner.Tuner``, ``keras_tuner.SklearnTuner``)
can use the seeded oracles directly instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import keras_tuner

from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle

if TYPE_CHECKING:
    from ktseed.registry import InitializerSpec


class SeededRandomSearch(keras_tuner.RandomSearch):
    """``keras_tuner.RandomSearch`` started from an initial design.

    Args:
        hypermodel: As for ``keras_tuner.RandomSearch``.
        objective: As for the stock tuner.
        max_trials: As for the stock tuner (the design counts toward it).
        seed: As for the stock tuner; ``0`` is a real seed.
        hyperparameters: As for the stock tuner.
        tune_new_entries: As for the stock tuner.
        allow_new_entries: As for the stock tuner.
        max_retries_per_trial: As for the stock tuner.
        max_consecutive_failed_trials: As for the stock tuner.
        initializer: The initial design (name, dict or Initializer).
        **kwargs: ``keras_tuner.Tuner`` arguments (``directory``,
            ``project_name``, ``overwrite``, ...).
    """

    def __init__(
        self,
        hypermodel: Any = None,
        objective: Any = None,
        max_trials: int = 10,
        seed: int | None = None,
        hyperparameters: Any = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
        **kwargs: Any,
    ) -> None:
        self.seed = seed
        oracle = SeededRandomSearchOracle(
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
            initializer=initializer,
        )
        keras_tuner.Tuner.__init__(
            self, oracle=oracle, hypermodel=hypermodel, **kwargs
        )


class SeededBayesianOptimization(keras_tuner.BayesianOptimization):
    """``keras_tuner.BayesianOptimization`` started from an initial design.

    Args:
        hypermodel: As for ``keras_tuner.BayesianOptimization``.
        objective: As for the stock tuner.
        max_trials: As for the stock tuner (the design counts toward it).
        num_initial_points: Completed trials before the GP takes over;
            ``None`` means the design size (see
            :class:`~ktseed.oracles.SeededBayesianOptimizationOracle`).
        alpha: As for the stock tuner.
        beta: As for the stock tuner.
        seed: As for the stock tuner; ``0`` is a real seed.
        hyperparameters: As for the stock tuner.
        tune_new_entries: As for the stock tuner.
        allow_new_entries: As for the stock tuner.
        max_retries_per_trial: As for the stock tuner.
        max_consecutive_failed_trials: As for the stock tuner.
        initializer: The initial design (name, dict or Initializer).
        handoff: ``"stock"`` (KerasTuner's GP step) or ``"gp"`` (ktseed's).
        handoff_options: Options of the ``"gp"`` hand-off.
        **kwargs: ``keras_tuner.Tuner`` arguments.
    """

    def __init__(
        self,
        hypermodel: Any = None,
        objective: Any = None,
        max_trials: int = 10,
        num_initial_points: int | None = None,
        alpha: float = 1e-4,
        beta: float = 2.6,
        seed: int | None = None,
        hyperparameters: Any = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
        handoff: str = "stock",
        handoff_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        oracle = SeededBayesianOptimizationOracle(
            objective=objective,
            max_trials=max_trials,
            num_initial_points=num_initial_points,
            alpha=alpha,
            beta=beta,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
            initializer=initializer,
            handoff=handoff,
            handoff_options=handoff_options,
        )
        keras_tuner.Tuner.__init__(
            self, oracle=oracle, hypermodel=hypermodel, **kwargs
        )


class SeededHyperband(keras_tuner.Hyperband):
    """``keras_tuner.Hyperband`` whose new candidates start with a design.

    Args:
        hypermodel: As for ``keras_tuner.Hyperband``.
        objective: As for the stock tuner.
        max_epochs: As for the stock tuner.
        factor: As for the stock tuner.
        hyperband_iterations: As for the stock tuner.
        seed: As for the stock tuner; ``0`` is a real seed.
        hyperparameters: As for the stock tuner.
        tune_new_entries: As for the stock tuner.
        allow_new_entries: As for the stock tuner.
        max_retries_per_trial: As for the stock tuner.
        max_consecutive_failed_trials: As for the stock tuner.
        initializer: The initial design (name, dict or Initializer).
        **kwargs: ``keras_tuner.Tuner`` arguments.
    """

    def __init__(
        self,
        hypermodel: Any = None,
        objective: Any = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        hyperparameters: Any = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
        **kwargs: Any,
    ) -> None:
        oracle = SeededHyperbandOracle(
            objective=objective,
            max_epochs=max_epochs,
            factor=factor,
            hyperband_iterations=hyperband_iterations,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
            initializer=initializer,
        )
        keras_tuner.Tuner.__init__(
            self, oracle=oracle, hypermodel=hypermodel, **kwargs
        )


__all__ = [
    "SeededBayesianOptimization",
    "SeededHyperband",
    "SeededRandomSearch",
]
