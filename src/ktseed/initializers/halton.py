"""``halton``: a scrambled Halton sequence (``scipy.stats.qmc.Halton``)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.initializers._qmc import make_engine
from ktseed.initializers.base import UnitCubeInitializer
from ktseed.initializers.base import check_flag

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class HaltonInitializer(UnitCubeInitializer):
    """Points of a (scrambled) Halton sequence.

    Halton has no power-of-two constraint, so it suits any design size;
    its uniformity degrades in high dimensions faster than Sobol's.

    Args:
        n_points: Number of points; ``None`` uses
            :func:`~ktseed.initializers.base.default_n_points`.
        seed: Seed of the scrambling (``0`` is a real seed).
        scramble: Scramble the sequence (recommended; an unscrambled Halton
            sequence starts at the origin and is the same for every seed).
    """

    name: ClassVar[str] = "halton"

    def __init__(
        self,
        *,
        n_points: int | None = None,
        seed: int | None = None,
        scramble: bool = True,
    ) -> None:
        super().__init__(n_points=n_points, seed=seed)
        self.scramble = check_flag(scramble, "scramble", self._label())

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``scramble``."""
        return {**super().get_config(), "scramble": self.scramble}

    def _sample_unit_cube(
        self, n: int, d: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        engine = make_engine("Halton", d, rng, scramble=self.scramble)
        sample: NDArray[np.float64] = engine.random(n)
        return sample
