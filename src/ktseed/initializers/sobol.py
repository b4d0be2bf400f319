"""``sobol``: a scrambled Sobol' sequence (``scipy.stats.qmc.Sobol``)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from typing import ClassVar

from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.initializers._qmc import ScrambledSequenceInitializer
from ktseed.initializers.cube import is_power_of_two
from ktseed.initializers.cube import largest_power_of_two_at_most

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ktseed.initializers.request import DesignRequest

#: SciPy's limit on Sobol' dimensions.
MAX_SOBOL_DIMENSION = 21201


class SobolInitializer(ScrambledSequenceInitializer):
    """The first ``n`` points of a scrambled Sobol' sequence.

    Sobol' points are balanced only when ``n`` is a power of two; another
    ``n`` works but warns once per design and names the sizes that would
    balance. The default size is rounded down to a power of two.

    Args:
        n_points: Number of points; ``None`` uses
            :func:`~ktseed.initializers.base.default_n_points` rounded down
            to a power of two.
        seed: Seed of the scrambling (``0`` is a real seed).
        scramble: Scramble the sequence (recommended: unscrambled Sobol'
            starts at the origin and is identical for every seed).
    """

    name: ClassVar[str] = "sobol"
    engine_name: ClassVar[str] = "Sobol"

    def _default_n_points(self, request: DesignRequest) -> int:
        return largest_power_of_two_at_most(request.n)

    def _sample_unit_cube(self, request: DesignRequest) -> NDArray[np.float64]:
        n, d = request.n, request.dimension
        if d > MAX_SOBOL_DIMENSION:
            msg = (
                f"{self._label()}: Sobol' supports at most "
                f"{MAX_SOBOL_DIMENSION} dimensions; the space has {d}. "
                "Use 'lhs' or 'halton' instead."
            )
            raise InitializerConfigError(msg)
        if not is_power_of_two(n):
            low = largest_power_of_two_at_most(n)
            warnings.warn(
                f"{self._label()}: n_points={n} is not a power of two, so "
                "the Sobol' points are not balanced; use "
                f"n_points={low} or n_points={2 * low}.",
                KtseedWarning,
                stacklevel=4,
            )
        with warnings.catch_warnings():
            # SciPy's own power-of-two warning; ours above names the fix.
            warnings.filterwarnings(
                "ignore", message=".*balance properties of Sobol.*"
            )
            return self._draw(request)
