"""``halton``: a scrambled Halton sequence (``scipy.stats.qmc.Halton``)."""

from __future__ import annotations

from typing import ClassVar

from ktseed.initializers._qmc import ScrambledSequenceInitializer


class HaltonInitializer(ScrambledSequenceInitializer):
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
    engine_name: ClassVar[str] = "Halton"
