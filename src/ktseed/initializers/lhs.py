"""``lhs``: Latin hypercube designs (``scipy.stats.qmc.LatinHypercube``)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.initializers._qmc import make_engine
from ktseed.initializers.cube import UnitCubeInitializer
from ktseed.initializers.cube import is_prime

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ktseed.initializers.request import DesignRequest

OPTIMIZATIONS = (None, "random-cd", "lloyd")


def _strength2_size(at_least: int, d: int) -> int:
    """Smallest ``p**2 >= at_least`` with ``p`` prime and ``d <= p + 1``."""
    p = 2
    while not (is_prime(p) and p * p >= at_least and d <= p + 1):
        p += 1
    return p * p


class LatinHypercubeInitializer(UnitCubeInitializer):
    """A Latin hypercube: every coordinate's ``n`` strata hit exactly once.

    Stratification holds within one batch, so the whole design is drawn at
    once. ``optimization="random-cd"`` lowers the centred discrepancy, which
    does not always mean better values early: the benchmark page compares
    plain and optimised LHS with Sobol' and Halton per oracle and problem.

    Args:
        n_points: Number of points; ``None`` uses
            :func:`~ktseed.initializers.base.default_n_points` (with
            ``strength=2``, the next admissible size).
        seed: Seed of the permutations (``0`` is a real seed).
        scramble: Place points randomly inside their cells (``False`` puts
            them at cell centres).
        strength: 1 for a plain LHS, 2 for an orthogonal-array LHS, which
            needs ``n_points = p**2`` for a prime ``p`` with ``d <= p + 1``.
        optimization: ``None``, ``"random-cd"`` or ``"lloyd"``: SciPy's
            post-processing of the design.
    """

    name: ClassVar[str] = "lhs"

    def __init__(
        self,
        *,
        n_points: int | None = None,
        seed: int | None = None,
        scramble: bool = True,
        strength: int = 1,
        optimization: str | None = None,
    ) -> None:
        super().__init__(n_points=n_points, seed=seed)
        label = self._label()
        checks.choice(strength, "strength", (1, 2), owner=label)
        checks.choice(
            optimization,
            "optimization",
            OPTIMIZATIONS,
            owner=label,
            expected=f"one of {list(OPTIMIZATIONS)!r}",
        )
        self.scramble = checks.flag(scramble, "scramble", owner=label)
        self.strength = int(strength)
        self.optimization = optimization

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds the LHS options."""
        return {
            **super().get_config(),
            "scramble": self.scramble,
            "strength": self.strength,
            "optimization": self.optimization,
        }

    def _default_n_points(self, request: DesignRequest) -> int:
        if self.strength == 2:
            return _strength2_size(request.n, request.dimension)
        return request.n

    def _sample_unit_cube(self, request: DesignRequest) -> NDArray[np.float64]:
        n, d = request.n, request.dimension
        if self.strength == 2:
            p = round(n**0.5)
            if p * p != n or not is_prime(p) or d > p + 1:
                suggestion = _strength2_size(n, d)
                msg = (
                    f"{self._label()}: strength=2 needs n_points = p**2 for "
                    f"a prime p with d <= p + 1; got n_points={n}, d={d}. "
                    f"Use n_points={suggestion} or strength=1."
                )
                raise InitializerConfigError(msg)
        engine = make_engine(
            "LatinHypercube",
            d,
            request.rng(),
            scramble=self.scramble,
            strength=self.strength,
            optimization=self.optimization,
        )
        sample: NDArray[np.float64] = engine.random(n)
        return sample
