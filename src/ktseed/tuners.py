"""Seeded tuners: KerasTuner's stock tuners with an ``initializer=``.

KerasTuner's ``RandomSearch``, ``BayesianOptimization`` and ``Hyperband``
build their own oracle and reject ``oracle=``. These subclasses take the
same arguments plus ``initializer=`` (and, for Bayesian and Hyperband,
``handoff=``), build the matching seeded oracle, and keep the stock
tuner's own trial logic (Hyperband's epochs and checkpoint reuse
included). Any tuner that
accepts ``oracle=`` (``keras_tuner.Tuner``, ``keras_tuner.SklearnTuner``)
can use the seeded oracles directly instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import keras_tuner

from ktseed.oracles import STATE_KEY
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles.hyperband import DEFAULT_RANDOM_FRACTION
from ktseed.registry import make_saved_initializer

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
        self.seed = seed  # as keras_tuner.RandomSearch keeps it
        _init_with_seeded_oracle(self, SeededRandomSearchOracle, locals())


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
        handoff: ``"stock"`` (KerasTuner's GP step), ``"gp"`` or a
            :class:`~ktseed.oracles.GPHandoff` (ktseed's).
        handoff_options: Deprecated options of the ``"gp"`` hand-off; pass
            ``handoff=GPHandoff(**options)``.
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
        handoff: str | Any = "stock",
        handoff_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        _init_with_seeded_oracle(
            self, SeededBayesianOptimizationOracle, locals()
        )


class SeededHyperband(keras_tuner.Hyperband):
    """``keras_tuner.Hyperband`` whose new candidates start with a design.

    With ``handoff="gp"`` the candidates after the design come from a
    Gaussian process fitted on the results at one epoch budget (BOHB's
    way); brackets, promotions and checkpoints stay KerasTuner's.

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
        handoff: ``"stock"`` (KerasTuner's random candidates after the
            design), ``"gp"`` or a :class:`~ktseed.oracles.GPHandoff`
            (model-based candidates, BOHB's way; see
            :class:`~ktseed.oracles.SeededHyperbandOracle`).
        random_fraction: With the GP hand-off, the share of candidates
            still drawn at random (default 1/3).
        min_points_in_model: With the GP hand-off, the results an epoch
            budget needs before the model uses it (``None``: ``d + 1``).
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
        handoff: str | Any = "stock",
        random_fraction: float = DEFAULT_RANDOM_FRACTION,
        min_points_in_model: int | None = None,
        **kwargs: Any,
    ) -> None:
        _init_with_seeded_oracle(self, SeededHyperbandOracle, locals())


def _init_with_seeded_oracle(
    tuner: keras_tuner.Tuner, oracle_cls: type, given: dict[str, Any]
) -> None:
    """Builds the seeded oracle from a tuner's arguments, then the tuner.

    A dict-form data source (``{"name": "csv", "path": ...}``) is checked
    when the oracle is built, unless the tuner resumes a project whose
    design is saved already: then the source is not needed any more (it may
    have moved or gone) and is rebuilt as recorded, without the check.
    """
    arguments = dict(given)
    kwargs = dict(arguments.pop("kwargs", {}))
    initializer = arguments.get("initializer")
    if isinstance(initializer, Mapping) and _resumes_a_saved_design(kwargs):
        arguments["initializer"] = make_saved_initializer(initializer)
    oracle = oracle_cls(**parent_arguments(oracle_cls, arguments))
    keras_tuner.Tuner.__init__(
        tuner, oracle=oracle, hypermodel=given["hypermodel"], **kwargs
    )


def _resumes_a_saved_design(kwargs: Mapping[str, Any]) -> bool:
    """Whether a tuner with these arguments resumes a built design."""
    if kwargs.get("overwrite"):
        return False
    directory = str(kwargs.get("directory") or ".")
    project = str(kwargs.get("project_name") or "untitled_project")
    path = os.path.join(directory, project, "oracle.json")
    try:
        with open(path, encoding="utf-8") as file:
            saved = json.load(file).get(STATE_KEY) or {}
    except (OSError, ValueError, AttributeError):
        return False
    return bool(saved.get("materialized"))


__all__ = [
    "SeededBayesianOptimization",
    "SeededHyperband",
    "SeededRandomSearch",
]
