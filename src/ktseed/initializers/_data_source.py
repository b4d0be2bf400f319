"""What the initializers that read earlier trials or files share.

``csv`` reads a file, ``prior_run`` a KerasTuner project and ``portfolio``
several of either: each is a :class:`DataSourceInitializer` (values for
hyperparameters inactive in the new space are dropped; a resumed search
rebuilds it without checking that its source still exists), and
:func:`check_path` checks the path each is given. ``prior_run`` and
``portfolio`` can also hand the earlier trials, with their scores, to the
seeded Bayesian oracle's model: each is an
:class:`ObservedSourceInitializer`, which holds the three options that
governs (an objective mismatch, a cap on the observations, mixed Hyperband
budgets) with one check and one config entry for each; and
:func:`new_objective` checks the objective the trials are observed for.
"""

from __future__ import annotations

import abc
import os
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.initializers.base import Initializer
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    from collections.abc import Mapping

    import keras_tuner

    from ktseed.initializers._prior_selection import Mapped
    from ktseed.space import OnInactive
    from ktseed.space import Values


class DataSourceInitializer(Initializer):
    """An initializer whose design comes from a file or earlier trials.

    Its constructor takes ``check_exists``: whether to check, before any
    trial runs, that the source exists.
    """

    _on_inactive: ClassVar[OnInactive] = "drop"

    @classmethod
    def from_saved_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuilds a saved search's initializer without checking its source.

        A resumed search has its design and observations in its own state,
        so the file or project it was built from may have moved or gone
        since; it is read (and checked) only if a design is generated from
        this initializer. :meth:`from_config` (a dict given to an oracle)
        checks, as the constructor does.
        """
        return cls.from_config({**config, "check_exists": False})


def check_path(value: object, name: str, owner: str, *, what: str) -> str:
    """``value`` as a string path, if it is a ``str`` or ``os.PathLike``.

    Args:
        value: The argument as given.
        name: Its name (``"path"``, ``"directory"``).
        owner: Who takes it.
        what: What it must be (``"a file path"``).

    Raises:
        InitializerConfigError: For anything else; the message shows the
            value and its type.
    """
    if not isinstance(value, (str, os.PathLike)):
        # Not checks.fail's "(got ...)" shape: kept as 0.1 worded it.
        msg = (
            f"{owner}: `{name}` must be {what} (str or os.PathLike); "
            f"got {value!r} of type {type(value).__name__}."
        )
        raise InitializerConfigError(msg)
    path: str = os.fspath(value)
    return path


class ObservedSourceInitializer(DataSourceInitializer):
    """A data source whose trials the seeded Bayesian oracle can observe.

    Attributes:
        allow_objective_mismatch: Use the scores even when the earlier
            trials were scored on another objective.
        max_observations: At most this many trials go to the model
            (``None``: no limit).
        allow_mixed_budgets: Accept Hyperband trials of different epoch
            budgets.
    """

    allow_objective_mismatch: bool
    max_observations: int | None
    allow_mixed_budgets: bool

    def _check_observe_options(
        self,
        owner: str,
        *,
        allow_objective_mismatch: object,
        max_observations: object,
        allow_mixed_budgets: object,
    ) -> None:
        """Checks the three options, in this order, and keeps them."""
        self.allow_objective_mismatch = checks.flag(
            allow_objective_mismatch, "allow_objective_mismatch", owner=owner
        )
        self.max_observations = checks.integer(
            max_observations,
            "max_observations",
            owner=owner,
            low=1,
            optional=True,
            none_means="for no limit",
        )
        self.allow_mixed_budgets = checks.flag(
            allow_mixed_budgets, "allow_mixed_budgets", owner=owner
        )

    def _observe_config(self) -> dict[str, Any]:
        """The three options, as the initializer's config records them."""
        return {
            "allow_objective_mismatch": self.allow_objective_mismatch,
            "max_observations": self.max_observations,
            "allow_mixed_budgets": self.allow_mixed_budgets,
        }

    def observations(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        objective: Any,
    ) -> list[tuple[Values, float]]:
        """The earlier trials as scored points of the new space.

        Args:
            space: The new search space.
            objective: The new search's ``keras_tuner.Objective`` (anything
                with ``name`` and ``direction``).

        Returns:
            When the initializer observes (``prior_run`` in
            ``mode="observe"``, ``portfolio`` with ``observe=True``), one
            ``(values, score)`` pair per usable COMPLETED trial (at most
            ``max_observations``), in trial-id order (a portfolio's in
            source order, then trial-id order): values complete and
            canonical for ``space``, scores as recorded. Otherwise the
            earlier trials are run again or only shape the design, and the
            list is empty.

        Raises:
            DataSourceError: If a source cannot be read or has no usable
                COMPLETED trial, (without ``allow_objective_mismatch``) was
                scored on another objective than ``objective``, or (without
                ``allow_mixed_budgets``) its usable trials have different
                Hyperband epoch budgets; the message names the source.
            InvalidValueError: With ``on_invalid="raise"``, for a value the
                new space rejects.
        """
        kept = self._observed(space, objective, stacklevel=3)
        return [(values, float(trial.score or 0.0)) for trial, values in kept]

    def _observed(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        objective: Any,
        *,
        stacklevel: int,
    ) -> list[Mapped]:
        """The observed trials with their mapped values, in trial-id order.

        ``stacklevel`` is what a warning issued right here would pass to
        name the user's line; ``[]`` when the initializer does not observe.
        """
        if not self._observing():
            return []
        name, direction = new_objective(self._label(), objective)
        codec = space if isinstance(space, SpaceCodec) else SpaceCodec(space)
        return self._observe(codec, name, direction, stacklevel=stacklevel + 1)

    @abc.abstractmethod
    def _observing(self) -> bool:
        """Whether the options ask for observations."""

    @abc.abstractmethod
    def _observe(
        self, codec: SpaceCodec, name: str, direction: str, *, stacklevel: int
    ) -> list[Mapped]:
        """The trials observed for objective ``name``/``direction``.

        Args:
            codec: The new search space.
            name: The new objective's name.
            direction: Its direction, ``"min"`` or ``"max"``.
            stacklevel: For a warning issued right here.
        """


def new_objective(owner: str, objective: Any) -> tuple[str, str]:
    """The name and direction of the objective trials are observed for.

    Args:
        owner: Who observes.
        objective: The new search's ``keras_tuner.Objective`` (anything
            with ``name`` and ``direction``).

    Raises:
        InitializerConfigError: Unless the name is a string and the
            direction ``"min"`` or ``"max"``.
    """
    name = getattr(objective, "name", None)
    direction = getattr(objective, "direction", None)
    if not isinstance(name, str) or direction not in ("min", "max"):
        raise checks.fail(
            owner,
            "objective",
            "a keras_tuner.Objective with a name and a direction 'min' "
            "or 'max'",
            objective,
        )
    return name, str(direction)


__all__ = [
    "DataSourceInitializer",
    "ObservedSourceInitializer",
    "check_path",
    "new_objective",
]
