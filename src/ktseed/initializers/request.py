"""``DesignRequest``: everything a strategy needs to build one design.

:meth:`Initializer.generate <ktseed.Initializer.generate>` builds one
request and passes it to every hook (``_generate``, ``_default_n_points``,
``_sample_unit_cube``), so a strategy never has to reach for context it was
not given: the space (as a codec), how many points, the seed, the search
objective and its direction, the trial budget.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

if TYPE_CHECKING:
    from ktseed.space import SpaceCodec


@dataclass(frozen=True)
class DesignRequest:
    """What one call of ``Initializer.generate`` asks for.

    Attributes:
        codec: The search space, as a :class:`~ktseed.SpaceCodec`.
        n: How many points the design should hold. While the default size
            is being decided (``_default_n_points``) this is ktseed's
            generic default, which the hook may refine.
        seed: The seed the strategy draws from: its own ``seed`` if it
            has one, else the seed of the search (the seeded oracle's), else
            ``None`` (fresh entropy).
        direction: ``"min"`` or ``"max"``, the search objective's direction,
            or ``None`` when the design is built outside a search.
        objective: The search's ``keras_tuner.Objective``, or ``None``.
        max_trials: The search's trial budget, or ``None``.
        memo: Scratch space shared by the hooks of one ``generate`` call
            (copies made with :meth:`replace` share it): a data source that
            reads its file to size the design (``_default_n_points``) keeps
            the rows there for ``_generate``, so the file is read once.
    """

    codec: SpaceCodec
    n: int
    seed: int | None = None
    direction: str | None = None
    objective: Any = None
    max_trials: int | None = None
    memo: dict[str, Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def dimension(self) -> int:
        """Number of unit-cube coordinates of the space."""
        return self.codec.dimension

    def rng(self) -> np.random.Generator:
        """A fresh NumPy generator seeded with :attr:`seed`.

        Each call starts the same stream again, so a strategy that draws
        everything from one generator is reproducible.
        """
        return np.random.default_rng(self.seed)

    def replace(self, **changes: Any) -> DesignRequest:
        """A copy with some fields changed (``request.replace(n=8)``)."""
        return dataclasses.replace(self, **changes)


__all__ = ["DesignRequest"]
