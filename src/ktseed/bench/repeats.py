"""Exact and near repeats among a run's proposals.

A proposal is an **exact repeat** when its values (the active
hyperparameters and their values) equal those of an earlier proposal of
the same run. It is a **near repeat** when some earlier proposal has the
same active hyperparameters, the same value for every discrete one
(``Int``, ``Choice``, ``Boolean``, stepped grids) and its continuous
values (``Float`` without a step) lie within :data:`NEAR` of this one's,
Euclidean, in the unit cube (each Float scaled to ``[0, 1]`` on its own
scale: log for ``sampling="log"``). Every exact repeat is also a near
repeat. "Earlier" means issued earlier, pending or completed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ktseed.bench.peers.space import Dimension

#: Unit-cube distance under which two proposals count as a near repeat.
NEAR = 1e-3


def _unit(dim: Dimension, value: float) -> float:
    low, high, x = float(dim.low), float(dim.high), float(value)
    if dim.log:
        low, high, x = math.log(low), math.log(high), math.log(x)
    return 0.0 if high == low else (x - low) / (high - low)


def _split(
    dims: Sequence[Dimension], values: Mapping[str, Any]
) -> tuple[tuple[Any, ...], list[float]]:
    """The discrete key (names and discrete values) and the float part."""
    key: list[Any] = []
    floats: list[float] = []
    for dim in dims:
        if dim.name not in values or dim.kind == "fixed":
            continue
        if dim.kind == "float":
            key.append(dim.name)
            floats.append(_unit(dim, values[dim.name]))
        else:
            key.append((dim.name, repr(values[dim.name])))
    return tuple(key), floats


def count_repeats(
    dims: Sequence[Dimension],
    proposals: Sequence[Mapping[str, Any]],
    *,
    near: float = NEAR,
) -> tuple[int, int]:
    """``(exact, near)`` repeats among ``proposals``, in issue order.

    Args:
        dims: The space's dimensions (:func:`~ktseed.bench.peers.space.
            dimensions`).
        proposals: The values of each proposal, in the order issued.
        near: The near-repeat distance.
    """
    exact = close = 0
    seen: set[tuple[Any, ...]] = set()
    by_key: dict[tuple[Any, ...], list[list[float]]] = {}
    for values in proposals:
        key, floats = _split(dims, values)
        full = (key, tuple(floats))
        if full in seen:
            exact += 1
        earlier = by_key.setdefault(key, [])
        if any(math.dist(floats, other) <= near for other in earlier):
            close += 1
        earlier.append(floats)
        seen.add(full)
    return exact, close


__all__ = ["NEAR", "count_repeats"]
