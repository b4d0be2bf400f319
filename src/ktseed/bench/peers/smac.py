"""SMAC3 as a peer: ``smac/bb`` (black-box facade) and ``smac/hpo``.

* ``smac/bb``: ``BlackBoxFacade``, SMAC's Gaussian-process optimiser.
* ``smac/hpo``: ``HyperparameterOptimizationFacade``, SMAC's random-forest
  optimiser.

Both run through SMAC's ask-and-tell interface with
``Scenario(configspace, deterministic=True, n_trials=budget, seed=seed)``
(the benchmark's objectives are deterministic given their values, so SMAC
never re-runs a configuration with another seed) and each facade's own
initial design class (Sobol' for both) with ``n_configs=design_size`` and
``max_ratio=1.0``: the design has the benchmark's size, and SMAC's default
cap of a quarter of ``n_trials`` does not shrink it (with the cap a
30-trial run would get 7 design points and a 100-trial run 10, so the
first 30 trials of the two runs would differ). Everything else is the
facade's default.

The space is a ConfigSpace ``ConfigurationSpace`` (:func:`configspace`):
``Float`` and ``Integer`` with ``log=True`` for log scales, stepped grids
as an ``Integer`` over the grid index (ConfigSpace 1.x has no step), an
unordered ``Choice`` or ``Boolean`` as ``Categorical``, an ordered
``Choice`` as ``Ordinal``, and each KerasTuner ``conditional_scope`` as an
``InCondition`` (an ``AndConjunction`` when a hyperparameter has several
parents), so SMAC never proposes a value for an inactive hyperparameter.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.peers.base import PeerRequest
from ktseed.bench.peers.base import PeerRunner
from ktseed.bench.peers.base import TrialLog
from ktseed.bench.peers.base import scratch_root
from ktseed.bench.peers.space import Dimension
from ktseed.bench.peers.space import active_values
from ktseed.bench.peers.space import dimensions
from ktseed.bench.peers.space import searched

if TYPE_CHECKING:
    pass

#: Facade class names by variant.
FACADES = {
    "bb": "BlackBoxFacade",
    "hpo": "HyperparameterOptimizationFacade",
}


def _configspace_module() -> Any:
    # Imported by name: SMAC3 and ConfigSpace are optional (``[peers]``).
    return importlib.import_module("ConfigSpace")


def _hyperparameter(dim: Dimension) -> Any:
    cs = _configspace_module()

    if dim.kind == "float":
        return cs.Float(
            dim.name, (float(dim.low), float(dim.high)), log=dim.log
        )
    if dim.kind == "int":
        return cs.Integer(dim.name, (int(dim.low), int(dim.high)), log=dim.log)
    if dim.kind == "grid":
        return cs.Integer(dim.name, (0, len(dim.choices) - 1))
    if dim.ordered and not dim.is_boolean:
        return cs.OrdinalHyperparameter(dim.name, list(dim.choices))
    return cs.Categorical(dim.name, list(dim.choices))


def configspace(dims: Sequence[Dimension], seed: int) -> Any:
    """The ConfigSpace equivalent of the dimensions (module docstring)."""
    cs = _configspace_module()

    space = cs.ConfigurationSpace(seed=seed)
    hps = {d.name: _hyperparameter(d) for d in searched(dims)}
    space.add(list(hps.values()))
    conditions = []
    for dim in searched(dims):
        parts = [
            cs.InCondition(hps[dim.name], hps[parent], list(allowed))
            for parent, allowed in dim.conditions
            if parent in hps
        ]
        if len(parts) == 1:
            conditions.append(parts[0])
        elif parts:
            conditions.append(cs.AndConjunction(*parts))
    if conditions:
        space.add(conditions)
    return space


def _facade(variant: str) -> Any:
    return getattr(importlib.import_module("smac"), FACADES[variant])


class SmacRunner(PeerRunner):
    """``smac/bb`` and ``smac/hpo`` (see the module docstring)."""

    family: ClassVar[str] = "smac"
    label: ClassVar[str] = "SMAC3"
    variants: ClassVar[dict[str, str]] = {
        "bb": "BlackBoxFacade (GP), Sobol' design of design_size points",
        "hpo": "HyperparameterOptimizationFacade (random forest), Sobol' "
        "design of design_size points",
    }
    requires: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "smac": None,
        "ConfigSpace": None,
    }

    def run(self, request: PeerRequest, log: TrialLog) -> None:
        """See :meth:`PeerRunner.run`."""
        scenario_class = importlib.import_module("smac").Scenario
        trial_value = importlib.import_module(
            "smac.runhistory.dataclasses"
        ).TrialValue

        dims = dimensions(request.problem.space())
        facade = _facade(request.variant)
        seed, budget = request.seed, request.budget
        folder = Path(
            tempfile.mkdtemp(prefix="ktseed-smac-", dir=scratch_root())
        )
        try:
            scenario = scenario_class(
                configspace(dims, seed),
                deterministic=True,
                n_trials=budget,
                seed=seed,
                output_directory=folder / "smac",
            )
            design = facade.get_initial_design(
                scenario, n_configs=request.design_size, max_ratio=1.0
            )
            optimiser = facade(
                scenario,
                _never_called,
                initial_design=design,
                overwrite=True,
                logging_level=40,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                while len(log) < budget:
                    info = optimiser.ask()
                    origin = str(getattr(info.config, "origin", "") or "")
                    values = active_values(dims, dict(info.config))
                    value = log.evaluate(
                        values, design=origin.startswith("Initial")
                    )
                    optimiser.tell(info, trial_value(cost=log.loss(value)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _never_called(config: Any, seed: int = 0) -> float:
    """SMAC's target function; the runner evaluates through ask and tell."""
    msg = "the benchmark evaluates SMAC's configurations itself."
    raise RuntimeError(msg)


__all__ = ["FACADES", "SmacRunner", "configspace"]
