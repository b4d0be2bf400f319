"""``random``: independent uniform draws, KerasTuner's own start, seeded."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import ClassVar

from ktseed.initializers.cube import UnitCubeInitializer

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ktseed.initializers.request import DesignRequest


class RandomInitializer(UnitCubeInitializer):
    """Uniform random points, mapped like KerasTuner's ``random_sample``.

    This is the design KerasTuner's oracles start with, made explicit and
    reproducible: the same ``seed`` gives the same points. Use it as the
    baseline when comparing designs.

    Args:
        n_points: Number of points; ``None`` uses
            :func:`~ktseed.initializers.base.default_n_points`.
        seed: Seed of the draws (``0`` is a real seed).
    """

    name: ClassVar[str] = "random"

    def _sample_unit_cube(self, request: DesignRequest) -> NDArray[np.float64]:
        return request.rng().random((request.n, request.dimension))
