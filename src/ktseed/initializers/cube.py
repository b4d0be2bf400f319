"""``UnitCubeInitializer``: the base of every design drawn in ``[0, 1)^d``.

A subclass fills the unit cube (:meth:`UnitCubeInitializer._sample_unit_cube`);
the shared :class:`~ktseed.SpaceCodec` maps the cube to values with
KerasTuner's own scaling, steps and choices, and the points it decodes skip
the template method's per-value checks (they are canonical by construction).
Also the small number helpers the cube designs share.
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.initializers.base import CanonicalPoints
from ktseed.initializers.base import Initializer
from ktseed.initializers.base import _legacy_hook
from ktseed.initializers.base import _warn_legacy
from ktseed.initializers.request import DesignRequest
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from ktseed.space import OnInactive


class UnitCubeInitializer(Initializer):
    """Base of every design drawn in the unit cube ``[0, 1)^d``.

    Subclasses implement :meth:`_sample_unit_cube`; decoding to values, the
    seed, the zero-dimension case, conditional hyperparameters and
    de-duplication are handled here.

    Args:
        n_points: Number of points; ``None`` uses :func:`default_n_points`.
        seed: Seed of the design. The same seed gives the same design;
            ``0`` is a seed like any other. ``None`` draws fresh entropy,
            unless a seeded oracle supplies its own seed.
    """

    _on_inactive: ClassVar[OnInactive] = "drop"

    def __init__(
        self, *, n_points: int | None = None, seed: int | None = None
    ) -> None:
        super().__init__(n_points=n_points)
        self.seed = checks.seed(seed, owner=self._label())

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``seed``."""
        config = super().get_config()
        config["seed"] = self.seed
        return config

    def sample_unit_cube(self, n: int, d: int) -> NDArray[np.float64]:
        """The raw design: ``n`` points in ``[0, 1)^d`` from this seed.

        Benchmarks use it to measure design quality before decoding; the
        space is ``d`` continuous hyperparameters on ``[0, 1]``.
        """
        codec = SpaceCodec.unit_cube(d)
        return self.sample(DesignRequest(codec=codec, n=n, seed=self.seed))

    def sample(self, request: DesignRequest) -> NDArray[np.float64]:
        """The checked unit-cube design for ``request`` (before decoding)."""
        n, d = request.n, request.dimension
        if d == 0:
            return np.zeros((n, 0))
        u = np.asarray(self._call_sample_unit_cube(request), dtype=float)
        if u.shape != (n, d):
            msg = (
                f"{self._label()}: `_sample_unit_cube` must return shape "
                f"({n}, {d}); got {u.shape}."
            )
            raise InitializerConfigError(msg)
        if u.size and (np.nanmin(u) < 0.0 or np.nanmax(u) > 1.0):
            msg = (
                f"{self._label()}: `_sample_unit_cube` returned coordinates "
                f"outside [0, 1] (min {u.min()}, max {u.max()})."
            )
            raise InitializerConfigError(msg)
        return u

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        return CanonicalPoints(request.codec.decode(self.sample(request)))

    def _call_sample_unit_cube(self, request: DesignRequest) -> Any:
        hook: Any = self._sample_unit_cube
        if _legacy_hook(hook, 3):
            _warn_legacy(
                self._label(), "_sample_unit_cube", "(self, n, d, rng)"
            )
            return hook(request.n, request.dimension, request.rng())
        return hook(request)

    @abc.abstractmethod
    def _sample_unit_cube(self, request: DesignRequest) -> NDArray[np.float64]:
        """Returns a ``(request.n, request.dimension)`` array in ``[0, 1)``.

        Args:
            request: What is asked for. Draw every random choice from one
                ``request.rng()`` (seeded from ``request.seed``) so the
                design is reproducible; ``request.codec`` is there for
                space-aware designs (it decodes cube points to the
                configurations KerasTuner would run). ``request.dimension``
                is at least 1.
        """


def largest_power_of_two_at_most(n: int) -> int:
    """``2**floor(log2(n))`` for ``n >= 1``."""
    return 1 << (max(n, 1).bit_length() - 1)


def is_power_of_two(n: int) -> bool:
    """Whether ``n`` is a positive power of two."""
    return n >= 1 and (n & (n - 1)) == 0


def is_prime(p: int) -> bool:
    """Whether ``p`` is prime (trial division; ``p`` is small here)."""
    if p < 2:
        return False
    return all(p % k for k in range(2, math.isqrt(p) + 1))


__all__ = [
    "UnitCubeInitializer",
    "is_power_of_two",
    "is_prime",
    "largest_power_of_two_at_most",
]
