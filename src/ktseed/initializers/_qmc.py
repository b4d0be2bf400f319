"""Scrambled low-discrepancy sequences, and where SciPy engines are built.

SciPy renamed the engines' ``seed=`` argument to ``rng=`` in 1.15 (SPEC 7)
and keeps accepting the old name only for a while; building every engine
in :func:`make_engine` keeps that drift in one function.
:class:`ScrambledSequenceInitializer` is what ``sobol`` and ``halton``
share: a ``scramble`` option and one SciPy engine drawn ``n`` points from.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed import checks
from ktseed.initializers.cube import UnitCubeInitializer

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.initializers.request import DesignRequest


def make_engine(
    engine_name: str, d: int, rng: np.random.Generator, **kwargs: Any
) -> Any:
    """Builds ``scipy.stats.qmc.<engine_name>(d, rng=rng, **kwargs)``.

    Args:
        engine_name: ``"Sobol"``, ``"Halton"`` or ``"LatinHypercube"``.
        d: Number of dimensions.
        rng: The generator that drives scrambling and permutations.
        **kwargs: Engine-specific options.

    Returns:
        The engine instance.
    """
    from scipy.stats import qmc

    engine_cls = getattr(qmc, engine_name)
    parameters = inspect.signature(engine_cls).parameters
    key = "rng" if "rng" in parameters else "seed"
    return engine_cls(d, **{key: rng}, **kwargs)


class ScrambledSequenceInitializer(UnitCubeInitializer):
    """The first ``n`` points of one (optionally scrambled) SciPy sequence.

    Args:
        n_points: Number of points; ``None`` uses the default size.
        seed: Seed of the scrambling (``0`` is a real seed).
        scramble: Scramble the sequence (recommended: an unscrambled
            sequence starts at the origin and is the same for every seed).
    """

    #: The ``scipy.stats.qmc`` engine class name.
    engine_name: ClassVar[str] = ""

    def __init__(
        self,
        *,
        n_points: int | None = None,
        seed: int | None = None,
        scramble: bool = True,
    ) -> None:
        super().__init__(n_points=n_points, seed=seed)
        self.scramble = checks.flag(scramble, "scramble", owner=self._label())

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``scramble``."""
        return {**super().get_config(), "scramble": self.scramble}

    def _sample_unit_cube(self, request: DesignRequest) -> NDArray[np.float64]:
        return self._draw(request)

    def _draw(self, request: DesignRequest) -> NDArray[np.float64]:
        engine = make_engine(
            self.engine_name,
            request.dimension,
            request.rng(),
            scramble=self.scramble,
        )
        sample: NDArray[np.float64] = engine.random(request.n)
        return sample
