"""``none``: no initial design; the oracle starts as KerasTuner's own does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.initializers.base import Initializer

if TYPE_CHECKING:
    from ktseed.initializers.request import DesignRequest


class NoInitializer(Initializer):
    """An empty design: every trial comes from the parent oracle's logic.

    ``initializer=None`` (or ``"none"``) makes a seeded oracle behave as its
    stock parent from the first trial on, while keeping what the seeded
    oracles add (``seed=0`` honoured, durable state files, crash repair,
    values always inside the space, the GP hand-off if asked for). The
    Bayesian oracle then uses KerasTuner's own ``3 * d`` random start.
    """

    name: ClassVar[str] = "none"

    def __init__(self) -> None:
        super().__init__(n_points=None)

    def get_config(self) -> dict[str, Any]:
        """``{"name": "none"}``."""
        return {"name": self.name}

    def size_hint(self) -> int:
        """Always 0."""
        return 0

    def _default_n_points(self, request: DesignRequest) -> int:
        return 0

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        return []


__all__ = ["NoInitializer"]
