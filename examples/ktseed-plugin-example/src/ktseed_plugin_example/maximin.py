"""``maximin``: the most spread-out of many random Latin hypercubes."""

from __future__ import annotations

import math
from typing import Any
from typing import ClassVar

import numpy as np
from ktseed import DesignRequest
from ktseed import UnitCubeInitializer
from ktseed import checks
from scipy.stats import qmc


def smallest_distance(points: np.ndarray) -> float:
    """The smallest Euclidean distance between two rows (inf for < 2 rows)."""
    if len(points) < 2:
        return math.inf
    differences = points[:, None, :] - points[None, :, :]
    distances = np.sqrt((differences**2).sum(axis=-1))
    upper = np.triu_indices(len(points), k=1)
    return float(distances[upper].min())


class MaximinInitializer(UnitCubeInitializer):
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
        super().__init__(n_points=n_points, seed=seed)
        self.candidates = checks.integer(
            candidates,
            "candidates",
            owner=self._label(),
            low=1,
            expected="an integer >= 1",
        )

    def get_config(self) -> dict[str, Any]:
        """Every constructor argument, so that from_config rebuilds it."""
        return {**super().get_config(), "candidates": self.candidates}

    def _sample_unit_cube(self, request: DesignRequest) -> np.ndarray:
        # The base class has checked the seed, handles a space with no
        # tunable dimension, and decodes the winning cube afterwards.
        engine = qmc.LatinHypercube(request.dimension, rng=request.rng())
        best, best_distance = None, -math.inf
        for _ in range(self.candidates):
            cube = engine.random(request.n)
            points = request.codec.decode(cube)
            distance = smallest_distance(request.codec.encode_many(points))
            if distance > best_distance:
                best, best_distance = cube, distance
        return best
