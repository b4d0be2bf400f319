"""Ax (BoTorch) as a peer: ``ax/botorch``.

Ax's ``Client(random_seed=seed)`` with
``configure_generation_strategy(method="fast",
initialization_budget=design_size, initialization_random_seed=seed)``,
everything else at its default: the initialization is the centre of the
space followed by scrambled Sobol' points (``initialize_with_center=True``,
Ax's default, counted in the budget), then BoTorch's default modular model
(``BOTORCH_MODULAR``: a GP with Ax's default priors, log expected
improvement). Ax's own default initialization budget is 5; the benchmark
passes its design size. One trial is asked at a time.

Space (:func:`parameters`): ``RangeParameterConfig`` (``scaling="log"``
for log scales; stepped grids as an ``int`` over the grid index), and
``ChoiceParameterConfig`` for ``Choice`` (``is_ordered`` as KerasTuner
says) and ``Boolean`` (``parameter_type="bool"``). A hyperparameter with
exactly one ``conditional_scope`` on one value of a ``Choice`` or
``Boolean`` becomes a dependent parameter of that value
(``dependent_parameters``, Ax's hierarchical search space), so Ax leaves
it out where it is inactive; any other conditional hyperparameter (active
for several parent values, which Ax's tree cannot express, or with
several parents) is always searched and dropped where inactive, as for
scikit-optimize.

Ax imports torch, BoTorch and GPyTorch; with ``torch==2.13.0`` (a CPU
build) installed first, ``pip install ax-platform`` brings no other torch.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.peers.base import PeerRequest
from ktseed.bench.peers.base import PeerRunner
from ktseed.bench.peers.base import TrialLog
from ktseed.bench.peers.space import Dimension
from ktseed.bench.peers.space import active_values
from ktseed.bench.peers.space import dimensions
from ktseed.bench.peers.space import searched

if TYPE_CHECKING:
    pass

_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def _dependents(dims: Sequence[Dimension]) -> dict[str, dict[Any, list[str]]]:
    """``{parent: {value: [children]}}`` for Ax's hierarchical space."""
    kinds = {d.name: d for d in searched(dims)}
    out: dict[str, dict[Any, list[str]]] = defaultdict(dict)
    for dim in searched(dims):
        if len(dim.conditions) != 1:
            continue
        parent, allowed = dim.conditions[0]
        if parent not in kinds or kinds[parent].kind != "choice":
            continue
        if len(allowed) != 1:  # Ax's hierarchy must be a tree
            continue
        tree = out[parent]
        for value in kinds[parent].choices:
            tree.setdefault(value, [])
            if value in allowed:
                tree[value].append(dim.name)
    return dict(out)


def parameters(dims: Sequence[Dimension]) -> list[Any]:
    """Ax parameter configs for the searched dimensions, in order."""
    configs = importlib.import_module("ax.api.configs")  # optional: [peers]

    dependents = _dependents(dims)
    out: list[Any] = []
    for dim in searched(dims):
        if dim.kind in ("float", "int", "grid"):
            kind = "float" if dim.kind == "float" else "int"
            low, high = (
                (0, len(dim.choices) - 1)
                if dim.kind == "grid"
                else (dim.low, dim.high)
            )
            out.append(
                configs.RangeParameterConfig(
                    name=dim.name,
                    bounds=(low, high),
                    parameter_type=kind,
                    scaling="log" if dim.log else "linear",
                )
            )
            continue
        out.append(
            configs.ChoiceParameterConfig(
                name=dim.name,
                values=list(dim.choices),
                parameter_type=_TYPES[type(dim.choices[0])],
                is_ordered=None if dim.is_boolean else dim.ordered,
                dependent_parameters=dependents.get(dim.name),
            )
        )
    return out


def _quiet() -> None:
    for name in ("ax", "botorch", "gpytorch", "linear_operator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        logger = importlib.import_module("ax.utils.common.logger")
    except ImportError:  # pragma: no cover - layout of another Ax version
        return
    logger.ROOT_LOGGER.setLevel(logging.ERROR)


class AxRunner(PeerRunner):
    """``ax/botorch`` (see the module docstring)."""

    family: ClassVar[str] = "ax"
    label: ClassVar[str] = "Ax"
    variants: ClassVar[dict[str, str]] = {
        "botorch": "Client, method='fast': centre + Sobol' (design_size "
        "points), then BoTorch",
    }
    requires: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "ax": None,
        "torch": None,
    }
    install: ClassVar[str] = (
        "pip install torch==2.13.0, then pip install 'ktseed[peers]'"
    )

    def run(self, request: PeerRequest, log: TrialLog) -> None:
        """See :meth:`PeerRunner.run`."""
        client_class = importlib.import_module("ax.api.client").Client

        _quiet()  # after the import: Ax sets its loggers up when imported

        dims = dimensions(request.problem.space())
        client = client_class(random_seed=request.seed)
        budget, design_size = request.budget, request.design_size
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.configure_experiment(parameters=parameters(dims))
            client.configure_optimization(objective="-loss")
            client.configure_generation_strategy(
                method="fast",
                initialization_budget=min(design_size, budget),
                initialization_random_seed=request.seed,
            )
            while len(log) < budget:
                ((index, raw),) = client.get_next_trials(max_trials=1).items()
                values = active_values(dims, raw)
                value = log.evaluate(values, design=len(log) < design_size)
                client.complete_trial(index, raw_data={"loss": log.loss(value)})


__all__ = ["AxRunner", "parameters"]
