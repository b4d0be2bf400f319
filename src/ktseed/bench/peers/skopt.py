"""scikit-optimize as a peer: ``skopt/gp`` (``gp_minimize``).

``gp_minimize(objective, dimensions, n_calls=budget,
n_initial_points=design_size, random_state=seed)`` with everything else at
its default: the ``"gp_hedge"`` acquisition (a portfolio of EI, PI and
LCB), ``initial_point_generator="random"`` and a Matern kernel fitted at
every step. ``n_initial_points`` defaults to 10 in scikit-optimize; the
benchmark passes its design size (10 in the ``peers`` task, the default).

Space (:func:`skopt_dimensions`): ``Real`` and ``Integer`` with
``prior="log-uniform"`` for log scales, stepped grids and ordered numeric
``Choice`` values as an ``Integer`` over their index (order kept), an
unordered ``Choice`` or ``Boolean`` as ``Categorical``. scikit-optimize
has no conditional spaces: a conditional hyperparameter is always part of
the search vector; when its parents make it inactive its coordinate is
dropped before the objective is called (the trial records only active
values), so for the model that coordinate has no effect in that region.
"""

from __future__ import annotations

import importlib
import warnings
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


def _by_index(dim: Dimension) -> bool:
    """Whether the dimension is searched as an integer index."""
    return dim.kind == "grid" or (
        dim.kind == "choice" and dim.ordered and not dim.is_boolean
    )


def skopt_dimensions(dims: Sequence[Dimension]) -> list[Any]:
    """scikit-optimize dimensions for the searched dimensions, in order."""
    sk = importlib.import_module("skopt.space")  # optional: ``[peers]``

    out: list[Any] = []
    for dim in searched(dims):
        prior = "log-uniform" if dim.log else "uniform"
        if dim.kind == "float":
            out.append(sk.Real(dim.low, dim.high, prior=prior, name=dim.name))
        elif dim.kind == "int":
            out.append(
                sk.Integer(
                    int(dim.low), int(dim.high), prior=prior, name=dim.name
                )
            )
        elif _by_index(dim):
            out.append(sk.Integer(0, len(dim.choices) - 1, name=dim.name))
        else:
            out.append(sk.Categorical(list(dim.choices), name=dim.name))
    return out


def raw_answer(
    dims: Sequence[Dimension], point: Sequence[Any]
) -> dict[str, Any]:
    """A scikit-optimize point as raw answers for :func:`active_values`."""
    raw: dict[str, Any] = {}
    for dim, x in zip(searched(dims), point, strict=True):
        if dim.kind == "choice" and _by_index(dim):
            raw[dim.name] = dim.choices[int(x)]
        else:
            raw[dim.name] = x
    return raw


class SkoptRunner(PeerRunner):
    """``skopt/gp`` (see the module docstring)."""

    family: ClassVar[str] = "skopt"
    label: ClassVar[str] = "scikit-optimize"
    variants: ClassVar[dict[str, str]] = {
        "gp": "gp_minimize, defaults (gp_hedge), design_size random points",
    }
    requires: ClassVar[dict[str, tuple[str, ...] | None]] = {"skopt": None}

    def run(self, request: PeerRequest, log: TrialLog) -> None:
        """See :meth:`PeerRunner.run`."""
        gp_minimize = importlib.import_module("skopt").gp_minimize

        dims = dimensions(request.problem.space())
        initial = min(request.design_size, request.budget)

        def objective(point: list[Any]) -> float:
            values = active_values(dims, raw_answer(dims, point))
            return log.loss(log.evaluate(values, design=len(log) < initial))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gp_minimize(
                objective,
                skopt_dimensions(dims),
                n_calls=request.budget,
                n_initial_points=initial,
                random_state=request.seed,
            )


__all__ = ["SkoptRunner", "raw_answer", "skopt_dimensions"]
