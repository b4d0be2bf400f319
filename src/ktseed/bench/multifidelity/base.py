"""The interface of multi-fidelity problems: fidelity, noise, outcome.

See :mod:`ktseed.bench.multifidelity.problems` for the problems and the
form of their values.
"""

from __future__ import annotations

import abc
import hashlib
import math
from collections.abc import Mapping
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.multifidelity.accounting import MIN_EPOCHS
from ktseed.bench.multifidelity.accounting import config_key

if TYPE_CHECKING:
    import keras_tuner

Values = Mapping[str, Any]

#: A run's store of partly trained models, or ``None`` (see
#: :meth:`MFProblem.evaluate`).
Checkpoints = MutableMapping[str, Any] | None

#: ``max_epochs`` of the full suite.
DEFAULT_MAX_EPOCHS = 27


def clip_epochs(epochs: int, max_epochs: int) -> int:
    """``epochs`` as a problem runs them: at most ``max_epochs``.

    Raises:
        ValueError: For fewer than one epoch.
    """
    if epochs < MIN_EPOCHS:
        msg = f"`epochs` must be at least 1 (got {epochs})."
        raise ValueError(msg)
    return min(epochs, max_epochs)


def fidelity(epochs: int, max_epochs: int) -> float:
    """``ln(epochs) / ln(max_epochs)``, clipped to ``[0, 1]``."""
    epochs = clip_epochs(epochs, max_epochs)
    if epochs >= max_epochs:
        return 1.0
    return math.log(epochs) / math.log(max_epochs)


def _hash_uniforms(*parts: Any) -> tuple[float, float]:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()
    scale = 2.0**64
    u1 = (int.from_bytes(digest[:8], "little") + 0.5) / scale
    u2 = (int.from_bytes(digest[8:], "little") + 0.5) / scale
    return u1, u2


def standard_normal(*parts: Any) -> float:
    """A standard normal draw that depends only on ``parts`` (Box-Muller)."""
    u1, u2 = _hash_uniforms(*parts)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def derived_seed(*parts: Any) -> int:
    """A 32-bit seed that depends only on ``parts``."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True)
class Outcome:
    """One evaluation.

    Attributes:
        value: What the optimiser sees (minimised): the noisy, biased value
            or the validation error.
        test: The held-out test error (training problems), else ``None``.
    """

    value: float
    test: float | None = None


class MFProblem(abc.ABC):
    """A minimised objective over a KerasTuner space, with a budget.

    Args:
        max_epochs: The budget at which the value is exact (Hyperband's
            ``max_epochs``).

    Attributes:
        name: Registry name.
        kind: ``"synthetic"`` (known optimum; measure: regret) or
            ``"training"`` (measure: held-out error).
        epoch_cost: Rough seconds per epoch, for the run-time estimate.
    """

    base_name: ClassVar[str] = ""
    kind: ClassVar[str] = "synthetic"
    description: ClassVar[str] = ""
    epoch_cost: ClassVar[float] = 0.0

    def __init__(self, *, max_epochs: int = DEFAULT_MAX_EPOCHS) -> None:
        if max_epochs < 2:
            msg = f"`max_epochs` must be at least 2 (got {max_epochs})."
            raise ValueError(msg)
        self.max_epochs = int(max_epochs)
        self.name = self.base_name

    @abc.abstractmethod
    def space(self) -> keras_tuner.HyperParameters:
        """A new copy of the search space."""

    def evaluate(
        self,
        values: Values,
        epochs: int,
        *,
        seed: int,
        checkpoints: Checkpoints = None,
    ) -> Outcome:
        """The objective of ``values`` after ``epochs`` epochs.

        Args:
            values: Active hyperparameter values (``tuner/*`` ignored).
            epochs: The budget, ``1 <= epochs``; at ``max_epochs`` or more
                the value is the final one.
            seed: The run's seed (noise, initialisation, data order).
            checkpoints: A per-run store the problem may use to resume
                training; results never depend on it.

        Raises:
            ValueError: For fewer than one epoch.
        """
        epochs = clip_epochs(int(epochs), self.max_epochs)
        return self._outcome(values, epochs, int(seed), checkpoints)

    @abc.abstractmethod
    def _outcome(
        self, values: Values, epochs: int, seed: int, checkpoints: Checkpoints
    ) -> Outcome:
        """:meth:`evaluate` with ``1 <= epochs <= max_epochs``."""

    def exact(self, values: Values) -> float | None:
        """The noise-free value at ``max_epochs`` (``None`` if unknown)."""
        return None

    @property
    def optimum(self) -> float | None:
        """The minimum of :meth:`exact`, or ``None`` when unknown."""
        return None

    def regret(self, values: Values) -> float | None:
        """``exact(values) - optimum`` (``None`` for training problems)."""
        exact = self.exact(values)
        optimum = self.optimum
        if exact is None or optimum is None:
            return None
        return float(exact - optimum)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_epochs={self.max_epochs})"


class SyntheticMFProblem(MFProblem):
    """``f(x, z) + (1 - z) (e(x) + sigma * eps)`` (module docstring)."""

    noise: ClassVar[float] = 0.0

    @abc.abstractmethod
    def biased(self, values: Values, z: float) -> float:
        """The multi-fidelity test function ``f(x, z)``; ``z = 1`` exact."""

    @abc.abstractmethod
    def early(self, values: Values) -> float:
        """The learning-curve term ``e(x) >= 0``."""

    def _outcome(
        self, values: Values, epochs: int, seed: int, checkpoints: Checkpoints
    ) -> Outcome:
        """See :meth:`MFProblem.evaluate`; ``checkpoints`` unused."""
        z = fidelity(epochs, self.max_epochs)
        value = self.biased(values, z)
        if z < 1.0:
            eps = standard_normal(seed, config_key(values), epochs)
            value += (1.0 - z) * (self.early(values) + self.noise * eps)
        return Outcome(float(value))

    def exact(self, values: Values) -> float:
        """See :meth:`MFProblem.exact`."""
        return float(self.biased(values, 1.0))


__all__ = [
    "DEFAULT_MAX_EPOCHS",
    "Checkpoints",
    "MFProblem",
    "Outcome",
    "SyntheticMFProblem",
    "Values",
    "clip_epochs",
    "derived_seed",
    "fidelity",
    "standard_normal",
]
