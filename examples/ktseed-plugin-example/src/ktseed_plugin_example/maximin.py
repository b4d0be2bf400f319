"""``maximin``: the most spread-out of many random Latin hypercubes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from typing import ClassVar

import numpy as np
from ktseed import Initializer
from ktseed import InitializerConfigError
from ktseed import SpaceCodec


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """A random Latin hypercube: each column hits each of n strata once."""
    strata = np.argsort(rng.random((n, d)), axis=0)
    return (strata + rng.random((n, d))) / n


def smallest_distance(points: np.ndarray) -> float:
    """The smallest Euclidean distance between two rows (inf for < 2 rows)."""
    if len(points) < 2:
        return math.inf
    differences = points[:, None, :] - points[None, :, :]
    distances = np.sqrt((differences**2).sum(axis=-1))
    upper = np.triu_indices(len(points), k=1)
    return float(distances[upper].min())


def _check_integer(
    option: str, value: object, *, low: int, optional: bool = False
) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        msg = (
            f"initializer 'maximin': `{option}` must be an integer >= {low}"
            f"{' or None' if optional else ''} (got {value!r})."
        )
        raise InitializerConfigError(msg)


class MaximinInitializer(Initializer):
    """The most spread-out of ``candidates`` random Latin hypercubes.

    Each candidate is decoded to the configurations KerasTuner would run
    and encoded back to the unit cube, so integer grids, float steps and
    choices are taken into account: two points that snap to the same
    configuration are at distance 0, and such a candidate always loses.
    The candidate whose closest two points are farthest apart wins (the
    first one on a tie), which spreads the design better than a single
    Latin hypercube at the cost of ``candidates`` decodes.

    Args:
        n_points: Number of points; ``None`` uses ktseed's default size.
        seed: Seed of the candidates (``0`` is a seed like any other).
            ``None`` draws fresh entropy, unless a seeded oracle supplies
            its own seed.
        candidates: How many Latin hypercubes to compare (at least 1).
    """

    name: ClassVar[str] = "maximin"

    def __init__(
        self,
        *,
        n_points: int | None = None,
        seed: int | None = None,
        candidates: int = 32,
    ) -> None:
        super().__init__(n_points=n_points)
        _check_integer("seed", seed, low=0, optional=True)
        _check_integer("candidates", candidates, low=1)
        self.seed = seed
        self.candidates = candidates

    def get_config(self) -> dict[str, Any]:
        """Every constructor argument, so that from_config rebuilds it."""
        return {
            **super().get_config(),
            "seed": self.seed,
            "candidates": self.candidates,
        }

    def _generate(self, codec: SpaceCodec, n: int) -> list[Mapping[str, Any]]:
        best: list[Mapping[str, Any]] = []
        if codec.dimension == 0:  # only Fixed hyperparameters: one point
            best.extend(codec.decode(np.zeros((1, 0))))
            return best
        rng = np.random.default_rng(self.seed)
        best_distance = -math.inf
        for _ in range(self.candidates):
            cube = latin_hypercube(n, codec.dimension, rng)
            points: list[Mapping[str, Any]] = list(codec.decode(cube))
            distance = smallest_distance(codec.encode_many(points))
            if distance > best_distance:
                best, best_distance = points, distance
        return best
