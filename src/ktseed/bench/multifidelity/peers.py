"""The peers of the multi-fidelity task on the problems' KerasTuner spaces.

Each runner asks its library for (configuration, budget) pairs and calls
``evaluate(values, epochs)``, which charges the run's ledger and raises
:class:`~ktseed.bench.multifidelity.accounting.BudgetExhausted` once the
total is spent; the runner then stops. Settings (library defaults unless
listed; ``max_epochs``, ``factor`` and the seed are the task's):

* **DEHB 0.1.2** (``dehb.DEHB``, ask/tell): ``min_fidelity=1``,
  ``max_fidelity=max_epochs``, ``eta=factor``, ``n_workers=1``,
  ``seed=seed``; defaults ``mutation_factor=0.5``, ``crossover_prob=0.5``,
  ``strategy="rand1_bin"``. The fidelity it asks for is rounded to whole
  epochs (DEHB computes ``max * eta**-k`` in floating point).
* **SMAC3 2.4.1** (``MultiFidelityFacade``, ask/tell): ``Scenario(
  deterministic=True, min_budget=1, max_budget=max_epochs, seed=seed,
  n_trials=total epochs)`` (an upper bound; the epoch budget stops it),
  ``Hyperband`` intensifier with ``eta=factor`` and the facade's defaults
  (random forest, log-EI, random initial design of 10 configurations per
  hyperparameter capped at 25% of ``n_trials``, incumbent at the highest
  observed budget).
* **Optuna** ``TPESampler(seed=seed)`` with ``HyperbandPruner(
  min_resource=1, max_resource=max_epochs, reduction_factor=factor)``; a
  trial trains epoch by epoch, reports every epoch with ``trial.report``
  and stops when ``trial.should_prune()``. The study has a fixed name, so
  the pruner's bracket assignment (a hash of the study name and trial
  number) is the same in every run.

DEHB and SMAC get the space as a ConfigSpace space (:func:`to_configspace`):
Floats and Ints keep their range and log scale, a stepped numeric range
becomes an ordinal over its grid, a numeric ``Choice`` an ordinal, a text
``Choice`` or a ``Boolean`` a categorical, ``Fixed`` a constant, and a
conditional hyperparameter gets an ``InCondition`` on its parent (several
conditions are joined with ``AndConjunction``). Optuna gets
:func:`ktseed.bench.strategies.suggest_values`, as in the search task.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ktseed.bench.multifidelity.accounting import BudgetExhausted

#: ``evaluate(values, epochs) -> observed value`` (charges the ledger).
Evaluate = Callable[[dict[str, Any], int], float]

#: Name of every Optuna study (fixes the pruner's bracket assignment).
OPTUNA_STUDY_NAME = "ktseed-multifidelity"


class SpaceMappingError(ValueError):
    """A KerasTuner hyperparameter has no ConfigSpace equivalent."""


# ---------------------------------------------------------- space mapping
def _grid(hp: Any) -> list[Any] | None:
    """The value grid of a stepped Int/Float, else ``None``."""
    step = getattr(hp, "step", None)
    if step is None or (type(hp).__name__ == "Int" and step == 1):
        return None
    return list(hp.values)


def _native(value: Any) -> Any:
    """A numpy scalar (ConfigSpace returns them) as a Python value."""
    if isinstance(value, str):
        return str(value)  # numpy.str_ too
    if hasattr(value, "item"):
        return value.item()
    return value


def to_configspace(space: Any, seed: int) -> Any:
    """The ConfigSpace space of a KerasTuner ``HyperParameters``.

    Args:
        space: The KerasTuner space.
        seed: Seed of the ConfigSpace space's sampler.

    Raises:
        SpaceMappingError: For ``reverse_log`` sampling or an unknown
            hyperparameter type.
    """
    from keras_tuner.engine import hyperparameters as hps

    CS = importlib.import_module("ConfigSpace")

    cs = CS.ConfigurationSpace(seed=int(seed))
    made: dict[str, Any] = {}
    for hp in space.space:
        name = hp.name
        if isinstance(hp, hps.Fixed):
            made[name] = CS.Constant(name, _native(hp.value))
        elif isinstance(hp, hps.Boolean):
            made[name] = CS.CategoricalHyperparameter(
                name, [False, True], default_value=bool(hp.default)
            )
        elif isinstance(hp, hps.Choice):
            values = [_native(v) for v in hp.values]
            if hp.ordered:
                made[name] = CS.OrdinalHyperparameter(
                    name, values, default_value=_native(hp.default)
                )
            else:
                made[name] = CS.CategoricalHyperparameter(
                    name, values, default_value=_native(hp.default)
                )
        elif isinstance(hp, (hps.Int, hps.Float)):
            made[name] = _numeric(CS, hp, isinstance(hp, hps.Int))
        else:
            msg = f"hyperparameter '{name}': no ConfigSpace mapping for {hp!r}."
            raise SpaceMappingError(msg)
        cs.add(made[name])
    for hp in space.space:
        conditions = [
            CS.InCondition(
                made[hp.name],
                made[c.name],
                [_native(v) for v in c.values],
            )
            for c in hp.conditions
        ]
        if len(conditions) == 1:
            cs.add(conditions[0])
        elif conditions:
            cs.add(CS.AndConjunction(*conditions))
    return cs


def _numeric(cs_module: Any, hp: Any, is_int: bool) -> Any:
    if hp.sampling not in ("linear", "log"):
        msg = (
            f"hyperparameter '{hp.name}': ConfigSpace cannot express "
            f"sampling={hp.sampling!r}."
        )
        raise SpaceMappingError(msg)
    grid = _grid(hp)
    if grid is not None:
        return cs_module.OrdinalHyperparameter(
            hp.name, [_native(v) for v in grid], default_value=_native(grid[0])
        )
    log = hp.sampling == "log"
    if is_int:
        return cs_module.UniformIntegerHyperparameter(
            hp.name, int(hp.min_value), int(hp.max_value), log=log
        )
    return cs_module.UniformFloatHyperparameter(
        hp.name, float(hp.min_value), float(hp.max_value), log=log
    )


def from_configuration(config: Any, space: Any) -> dict[str, Any]:
    """A ConfigSpace configuration as KerasTuner-typed active values.

    Ints become ``int``, Floats ``float``, Booleans ``bool``; inactive
    hyperparameters are left out, as KerasTuner does.
    """
    from keras_tuner.engine import hyperparameters as hps

    raw = dict(config)
    values: dict[str, Any] = {}
    for hp in space.space:
        if hp.name not in raw:
            continue
        value = _native(raw[hp.name])
        if isinstance(hp, hps.Boolean):
            value = bool(value)
        elif isinstance(hp, hps.Int):
            value = int(value)
        elif isinstance(hp, hps.Float):
            value = float(value)
        values[hp.name] = value
    return values


# ------------------------------------------------------------------ DEHB
def run_dehb(
    space: Any,
    evaluate: Evaluate,
    *,
    seed: int,
    max_epochs: int,
    factor: int,
    workdir: Path,
) -> None:
    """Runs DEHB until the budget is spent (module docstring)."""
    DEHB = importlib.import_module("dehb").DEHB
    logger = importlib.import_module("loguru").logger

    cs = to_configspace(space, seed)
    try:
        with warnings.catch_warnings():
            # DEHB 0.1.2 calls ConfigSpace APIs that ConfigSpace 1.x deprecates.
            warnings.simplefilter("ignore", DeprecationWarning)
            optimizer = DEHB(
                cs=cs,
                min_fidelity=1,
                max_fidelity=max_epochs,
                eta=factor,
                n_workers=1,
                seed=int(seed),
                output_path=str(workdir),
                save_freq="end",
                log_level="ERROR",
            )
            _ask_tell_dehb(optimizer, space, evaluate)
    finally:
        # DEHB configures loguru globally, with a file in the scratch folder.
        logger.remove()


def _ask_tell_dehb(optimizer: Any, space: Any, evaluate: Evaluate) -> None:
    while True:
        job = optimizer.ask()
        epochs = max(1, round(float(job["fidelity"])))
        values = from_configuration(job["config"], space)
        try:
            value = evaluate(values, epochs)
        except BudgetExhausted:
            return
        optimizer.tell(job, {"fitness": float(value), "cost": float(epochs)})


# ------------------------------------------------------------------ SMAC
def _smac_target(config: Any, seed: int = 0, budget: float = 0.0) -> float:
    """Never called: the runner uses SMAC's ask/tell interface."""
    msg = "the multi-fidelity runner drives SMAC through ask/tell."
    raise RuntimeError(msg)


def run_smac(
    space: Any,
    evaluate: Evaluate,
    *,
    seed: int,
    max_epochs: int,
    factor: int,
    total: int,
    workdir: Path,
) -> None:
    """Runs SMAC3's multi-fidelity facade until the budget is spent."""
    smac_module = importlib.import_module("smac")
    MultiFidelityFacade = smac_module.MultiFidelityFacade
    TrialValue = importlib.import_module(
        "smac.runhistory.dataclasses"
    ).TrialValue

    cs = to_configspace(space, seed)
    scenario = smac_module.Scenario(
        cs,
        name="run",
        output_directory=Path(workdir),
        deterministic=True,
        min_budget=1,
        max_budget=max_epochs,
        n_trials=max(int(total), 1),
        seed=int(seed),
    )
    intensifier = MultiFidelityFacade.get_intensifier(scenario, eta=factor)
    smac = MultiFidelityFacade(
        scenario,
        _smac_target,
        intensifier=intensifier,
        overwrite=True,
        logging_level=logging.ERROR,
    )
    while True:
        info = smac.ask()
        budget = info.budget if info.budget is not None else max_epochs
        epochs = max(1, round(float(budget)))
        values = from_configuration(info.config, space)
        try:
            value = evaluate(values, epochs)
        except BudgetExhausted:
            break
        smac.tell(info, TrialValue(cost=float(value)), save=False)


# ---------------------------------------------------------------- Optuna
def run_optuna_hyperband(
    space: Any,
    evaluate: Evaluate,
    *,
    seed: int,
    max_epochs: int,
    factor: int,
    max_trials: int,
) -> None:
    """Runs Optuna TPE with ``HyperbandPruner`` until the budget is spent.

    Args:
        space: The KerasTuner space.
        evaluate: Charges and evaluates one epoch count.
        seed: The run's seed.
        max_epochs: The largest budget.
        factor: The pruner's ``reduction_factor``.
        max_trials: A safety cap on trials (the budget normally ends the
            study first).
    """
    import optuna

    from ktseed.bench.strategies import suggest_values

    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def objective(trial: Any) -> float:
        values = suggest_values(trial, space)
        value = float("nan")
        for epoch in range(1, max_epochs + 1):
            try:
                value = evaluate(values, epoch)
            except BudgetExhausted:
                trial.study.stop()
                raise optuna.TrialPruned() from None
            trial.report(value, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(
            study_name=OPTUNA_STUDY_NAME,
            direction="minimize",
            sampler=optuna.samplers.TPESampler(seed=int(seed)),
            pruner=optuna.pruners.HyperbandPruner(
                min_resource=1,
                max_resource=int(max_epochs),
                reduction_factor=int(factor),
            ),
        )
        study.optimize(objective, n_trials=int(max_trials))


__all__ = [
    "OPTUNA_STUDY_NAME",
    "SpaceMappingError",
    "from_configuration",
    "run_dehb",
    "run_optuna_hyperband",
    "run_smac",
    "to_configspace",
]
