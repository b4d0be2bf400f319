"""Seeded tuners: KerasTuner's stock tuners with an ``initializer=``.

KerasTuner's ``RandomSearch``, ``BayesianOptimization`` and ``Hyperband``
build their own oracle and reject ``oracle=``. These subclasses take the
same arguments plus the seeded oracle's own (``initializer=``, and for
Bayesian and Hyperband ``handoff=``), build the matching seeded oracle,
and keep the stock tuner's own trial logic (Hyperband's epochs and
checkpoint reuse included). Any tuner that accepts ``oracle=``
(``keras_tuner.Tuner``, ``keras_tuner.SklearnTuner``) can use the seeded
oracles directly instead.

Each constructor's signature *is* the stock tuner's, with the seeded
oracle's extra arguments added as keyword-only arguments before
``**kwargs``: it is derived from the two classes when this module is
imported (``inspect.signature`` shows it), so it follows KerasTuner's
exactly, and a test compares names and defaults.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import keras_tuner

from ktseed.oracles import STATE_KEY
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.oracles._arguments import parent_arguments
from ktseed.registry import make_saved_initializer


def _seeded_signature(stock: Any, oracle_cls: Any) -> inspect.Signature:
    """The stock tuner's ``__init__`` signature plus the oracle's extras."""
    tuner = inspect.signature(stock.__init__)
    oracle = inspect.signature(oracle_cls.__init__)
    parameters = [
        p for p in tuner.parameters.values() if p.kind is not p.VAR_KEYWORD
    ]
    extras = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for name, p in oracle.parameters.items()
        if name != "self" and name not in tuner.parameters
    ]
    variadic = [p for p in tuner.parameters.values() if p.kind is p.VAR_KEYWORD]
    return tuner.replace(parameters=[*parameters, *extras, *variadic])


def _seeded_init(stock: Any, oracle_cls: Any) -> Callable[..., None]:
    """An ``__init__`` that builds ``oracle_cls`` from the stock arguments."""
    signature = _seeded_signature(stock, oracle_cls)

    def __init__(self: keras_tuner.Tuner, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        tuner_kwargs = dict(arguments.pop("kwargs", {}))
        if "seed" in signature.parameters:
            self.seed = arguments.get("seed")  # as the stock tuners keep it
        initializer = arguments.get("initializer")
        if isinstance(initializer, Mapping) and _resumes_a_saved_design(
            tuner_kwargs
        ):
            arguments["initializer"] = make_saved_initializer(initializer)
        oracle = oracle_cls(**parent_arguments(oracle_cls, arguments))
        keras_tuner.Tuner.__init__(
            self,
            oracle=oracle,
            hypermodel=arguments["hypermodel"],
            **tuner_kwargs,
        )

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    __init__.__doc__ = (
        f"Takes ``keras_tuner.{stock.__name__}``'s arguments and "
        f"``{oracle_cls.__name__}``'s own."
    )
    return __init__


def _resumes_a_saved_design(kwargs: Mapping[str, Any]) -> bool:
    """Whether a tuner with these arguments resumes a built design.

    A dict-form data source (``{"name": "csv", "path": ...}``) is checked
    when the oracle is built, unless the tuner resumes a project whose
    design is saved already: then the source is not needed any more (it
    may have moved or gone) and is rebuilt as recorded, without the check.
    """
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


class SeededRandomSearch(keras_tuner.RandomSearch):
    """``keras_tuner.RandomSearch`` started from an initial design.

    Takes ``keras_tuner.RandomSearch``'s arguments (``max_trials`` counts
    the design; ``seed=0`` is a real seed) and ``keras_tuner.Tuner``'s
    (``directory``, ``project_name``, ``overwrite``...), plus the keyword
    arguments of :class:`~ktseed.oracles.SeededRandomSearchOracle`:

    * ``initializer``: the initial design (name, dict or Initializer;
      default ``"sobol"``).
    """

    __init__ = _seeded_init(keras_tuner.RandomSearch, SeededRandomSearchOracle)


class SeededBayesianOptimization(keras_tuner.BayesianOptimization):
    """``keras_tuner.BayesianOptimization`` started from an initial design.

    Takes ``keras_tuner.BayesianOptimization``'s arguments
    (``num_initial_points=None`` means the design size; ``seed=0`` is a
    real seed) and ``keras_tuner.Tuner``'s, plus the keyword arguments of
    :class:`~ktseed.oracles.SeededBayesianOptimizationOracle`:

    * ``initializer``: the initial design (default ``"sobol"``);
    * ``handoff``: ``"stock"`` (KerasTuner's GP step), ``"gp"`` or a
      :class:`~ktseed.oracles.GPHandoff` (ktseed's);
    * ``handoff_options``: deprecated; pass ``handoff=GPHandoff(...)``.
    """

    __init__ = _seeded_init(
        keras_tuner.BayesianOptimization, SeededBayesianOptimizationOracle
    )


class SeededHyperband(keras_tuner.Hyperband):
    """``keras_tuner.Hyperband`` whose new candidates start with a design.

    With ``handoff="gp"`` the candidates after the design come from a
    Gaussian process fitted on the results at one epoch budget (BOHB's
    way); brackets, promotions and checkpoints stay KerasTuner's.

    Takes ``keras_tuner.Hyperband``'s arguments (``seed=0`` is a real
    seed) and ``keras_tuner.Tuner``'s, plus the keyword arguments of
    :class:`~ktseed.oracles.SeededHyperbandOracle`:

    * ``initializer``: the initial design (default ``"sobol"``);
    * ``handoff``: ``"stock"`` (KerasTuner's random candidates after the
      design), ``"gp"`` or a :class:`~ktseed.oracles.GPHandoff`;
    * ``random_fraction``: with the GP hand-off, the share of candidates
      still drawn at random (default 1/3);
    * ``min_points_in_model``: with the GP hand-off, the results an epoch
      budget needs before the model uses it (``None``: ``d + 1``).
    """

    __init__ = _seeded_init(keras_tuner.Hyperband, SeededHyperbandOracle)


__all__ = [
    "SeededBayesianOptimization",
    "SeededHyperband",
    "SeededRandomSearch",
]
