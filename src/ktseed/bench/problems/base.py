"""The :class:`Problem` base class every benchmark objective implements."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.errors import KtseedError

if TYPE_CHECKING:
    import keras_tuner

Values = Mapping[str, Any]


def clip(value: float, low: float, high: float) -> float:
    """``value`` clipped to ``[low, high]``."""
    return min(max(value, low), high)


class UnknownProblemError(KtseedError, LookupError):
    """No benchmark problem has the requested name."""


class Problem(abc.ABC):
    """A benchmark objective over a KerasTuner search space.

    Args:
        shifted: Build the shifted variant (its optimum moves; used as the
            prior run of the warm-start task).

    Attributes:
        name: Registry name (``"+shift"`` appended for the shifted variant).
        direction: ``"min"`` (synthetic: minimise the value) or ``"max"``
            (training: maximise validation accuracy).
        metric: Name of the metric the tuner records.
        kind: ``"synthetic"`` or ``"training"``.
        cost: Rough seconds per trial of the objective alone, used to order
            the work and estimate the run time.
        hyperband_max_epochs: ``max_epochs`` of the Hyperband oracle.
    """

    base_name: ClassVar[str] = ""
    direction: ClassVar[str] = "min"
    metric: ClassVar[str] = "score"
    kind: ClassVar[str] = "synthetic"
    cost: ClassVar[float] = 0.0
    description: ClassVar[str] = ""
    #: Hyperband's ``max_epochs``. Synthetic values do not depend on the
    #: epochs, so a promotion re-evaluates the same point.
    hyperband_max_epochs: ClassVar[int] = 9

    def __init__(self, *, shifted: bool = False) -> None:
        self.shifted = shifted
        self.name = self.base_name + ("+shift" if shifted else "")
        self._optimum: float | None = None

    @abc.abstractmethod
    def space(self) -> keras_tuner.HyperParameters:
        """A new copy of the problem's search space."""

    @abc.abstractmethod
    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """The objective at one point.

        Args:
            values: The active hyperparameter values (extra keys such as
                Hyperband's ``tuner/*`` are ignored).
            seed: Seed of any randomness in the evaluation (model
                initialisation for training problems); synthetic problems
                are deterministic and ignore it.
        """

    @property
    def optimum(self) -> float | None:
        """The exact optimal value, or ``None`` when it is unknown."""
        if self._optimum is None and self.direction == "min":
            self._optimum = self.exact_minimum()[0]
        return self._optimum

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """The optimal value and a point that attains it.

        Raises:
            NotImplementedError: For problems without a known optimum.
        """
        msg = f"problem '{self.name}' has no known optimum."
        raise NotImplementedError(msg)

    def regret(self, best: float) -> float | None:
        """Simple regret ``best - optimum`` (``None`` without an optimum)."""
        optimum = self.optimum
        if optimum is None:
            return None
        if self.direction == "min":
            return float(best - optimum)
        return float(optimum - best)

    def dimension(self) -> int:
        """Number of tunable (non-Fixed) hyperparameters."""
        from ktseed.space import SpaceCodec

        return SpaceCodec(self.space()).dimension

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shifted={self.shifted})"


__all__ = ["Problem", "UnknownProblemError", "Values", "clip"]
