"""Base classes of every initializer: the template method and its hooks.

An initializer turns a search space into an *initial design*: an ordered list
of complete, valid, canonical value dicts that a seeded oracle runs as its
first trials.

* :class:`Initializer` is the contract. Its public template method
  :meth:`Initializer.generate` resolves the number of points, calls the one
  private hook :meth:`Initializer._generate`, then canonicalises, validates
  and de-duplicates what the hook returned. Strategies never repeat that
  bookkeeping, and plugins cannot forget it.
* :class:`UnitCubeInitializer` serves every design that lives in
  ``[0, 1)^d`` (random, Latin hypercube, Sobol, Halton, ...). A subclass only
  fills the cube in :meth:`UnitCubeInitializer._sample_unit_cube`; the shared
  :class:`~ktseed.space.SpaceCodec` maps the cube to values with KerasTuner's
  own scaling, steps and choices.

Subclassing:
    A new cube design is a few lines::

        class JitteredGridInitializer(UnitCubeInitializer):
            name = "jittered_grid"

            def _sample_unit_cube(self, n, d, rng):
                ...  # return an (n, d) array in [0, 1)

    A data-driven design overrides :meth:`Initializer._generate` instead and
    returns value dicts (partial dicts are completed from each
    hyperparameter's default). Override ``get_config`` to add constructor
    arguments, calling ``super().get_config()`` first, so that
    ``from_config(get_config())`` rebuilds an equal initializer.
"""

from __future__ import annotations

import abc
import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    import keras_tuner
    from numpy.typing import NDArray

    from ktseed.space import OnInactive
    from ktseed.space import Values

#: Smallest and largest default design size (see :func:`default_n_points`).
MIN_DEFAULT_POINTS = 5
MAX_DEFAULT_POINTS = 16


def default_n_points(dimension: int, max_trials: int | None = None) -> int:
    """The design size used when an initializer is given no ``n_points``.

    The rule is ``clip(2 * d, 5, 16)`` where ``d`` is the number of tunable
    hyperparameters, capped at a third of ``max_trials`` (at least 1) when
    the oracle has a trial budget. It sits between the peers' rules (Ax's
    legacy ``max(5, min(2d, N/5))``, HEBO's ``d + 1``, Optuna's fixed 10)
    and below KerasTuner's own ``3 * d``, which the pilot measurements show
    spends too much of a small budget on the start.

    Args:
        dimension: Number of tunable hyperparameters.
        max_trials: The oracle's trial budget, if it has one.

    Returns:
        The number of design points.
    """
    n = min(max(2 * dimension, MIN_DEFAULT_POINTS), MAX_DEFAULT_POINTS)
    if max_trials is not None:
        n = min(n, max(1, max_trials // 3))
    return n


def _check_n_points(value: object, owner: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        msg = (
            f"{owner}: `n_points` must be a positive integer or None "
            f"(got {value!r} of type {type(value).__name__})."
        )
        raise InitializerConfigError(msg)
    if value < 1:
        msg = f"{owner}: `n_points` must be a positive integer (got {value})."
        raise InitializerConfigError(msg)
    return int(value)


def _check_seed(value: object, owner: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        msg = (
            f"{owner}: `seed` must be a non-negative integer or None "
            f"(got {value!r} of type {type(value).__name__})."
        )
        raise InitializerConfigError(msg)
    if value < 0:
        msg = f"{owner}: `seed` must be a non-negative integer (got {value})."
        raise InitializerConfigError(msg)
    return int(value)


def check_flag(value: object, name: str, owner: str) -> bool:
    """Returns ``value`` if it is a bool; raises a config error otherwise.

    Args:
        value: The argument as given.
        name: The argument's name, for the message.
        owner: Who takes it (``"initializer 'sobol'"``), for the message.
    """
    if not isinstance(value, bool):
        msg = f"{owner}: `{name}` must be True or False (got {value!r})."
        raise InitializerConfigError(msg)
    return value


class Initializer(abc.ABC):
    """An initial design for a KerasTuner search.

    Call :meth:`generate` with a search space to get the design. Subclasses
    implement the single hook :meth:`_generate`.

    Args:
        n_points: How many points the design holds. ``None`` lets the
            initializer decide (:func:`default_n_points` for generated
            designs, every row or point for data sources).

    Attributes:
        name: The registry name (``"sobol"``, ``"fixed"``...). Set on every
            concrete subclass.
    """

    name: ClassVar[str] = ""

    def __init__(self, *, n_points: int | None = None) -> None:
        self.n_points = _check_n_points(n_points, self._label())

    # ------------------------------------------------------------ template
    def generate(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        *,
        max_trials: int | None = None,
    ) -> list[Values]:
        """Produces the initial design for ``space``.

        Args:
            space: The search space, as ``HyperParameters`` or a codec.
            max_trials: The oracle's trial budget, used to size a default
                design. It never truncates an explicit ``n_points``; the
                seeded oracles refuse a design larger than their budget.

        Returns:
            At most ``n_points`` complete, valid, canonical value dicts,
            without duplicates, in the order of the design.

        Raises:
            InvalidValueError: If the hook produced a value that does not
                fit the space; the message names the point.
        """
        codec = space if isinstance(space, SpaceCodec) else SpaceCodec(space)
        n = self.resolve_n_points(codec, max_trials=max_trials)
        raw = self._generate(codec, n)
        points: list[Values] = []
        seen: set[tuple[tuple[str, str], ...]] = set()
        duplicates = 0
        for index, values in enumerate(raw, start=1):
            if not isinstance(values, Mapping):
                msg = (
                    f"{self._label()}: design point {index} must be a mapping "
                    f"of hyperparameter names to values "
                    f"(got {type(values).__name__})."
                )
                raise InvalidValueError(msg)
            canonical = codec.canonicalize(
                values,
                fill_defaults=True,
                on_inactive=self._on_inactive,
                where=f"{self._label()} point {index}",
            )
            codec.validate(canonical)
            key = codec.point_key(canonical)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            points.append(canonical)
        if duplicates:
            warnings.warn(
                f"{self._label()}: dropped {duplicates} duplicate point(s); "
                f"the design has {len(points)} distinct point(s) of "
                f"{duplicates + len(points)} produced.",
                KtseedWarning,
                stacklevel=2,
            )
        return points[:n]

    def size_hint(self) -> int | None:
        """The design size if it is known without the space, else None.

        The seeded oracles use it to refuse an oversized design when they
        are built, before any trial runs.
        """
        return self.n_points

    def resolve_n_points(
        self, codec: SpaceCodec, *, max_trials: int | None = None
    ) -> int:
        """The design size for ``codec``: ``n_points`` or the default."""
        if self.n_points is not None:
            return self.n_points
        return self._default_n_points(codec, max_trials)

    def _default_n_points(
        self, codec: SpaceCodec, max_trials: int | None
    ) -> int:
        """Design size when ``n_points`` is None; subclasses may refine it."""
        return default_n_points(codec.dimension, max_trials)

    #: How a point's value for an inactive hyperparameter is treated.
    _on_inactive: ClassVar[OnInactive] = "raise"

    @abc.abstractmethod
    def _generate(self, codec: SpaceCodec, n: int) -> list[Mapping[str, Any]]:
        """Returns up to ``n`` design points for the space of ``codec``.

        Points may be partial (missing hyperparameters take their default)
        and need not be canonical yet: :meth:`generate` does both, and
        removes duplicates.
        """

    def observations(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        objective: Any,
    ) -> list[tuple[Values, float]]:
        """Scored configurations to feed a surrogate model without running them.

        Most initializers have none; ``prior_run`` in ``mode="observe"``
        returns the earlier run's completed trials. Only
        :class:`~ktseed.oracles.SeededBayesianOptimizationOracle` accepts
        initializers that return observations.

        Args:
            space: The new search space.
            objective: The new search's ``keras_tuner.Objective``.

        Returns:
            ``(values, score)`` pairs, values canonical for ``space`` and
            scores as recorded (in the objective's own direction).
        """
        return []

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """A JSON-serialisable description that :meth:`from_config` rebuilds.

        Returns:
            ``{"name": <registry name>, **constructor arguments}``.
        """
        return {"name": self.name, "n_points": self.n_points}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuilds an initializer from :meth:`get_config` output."""
        kwargs = {k: v for k, v in config.items() if k != "name"}
        try:
            return cls(**kwargs)
        except TypeError as error:
            msg = (
                f"{cls.__name__}.from_config: the config does not match the "
                f"constructor ({error}); got keys {sorted(config)}."
            )
            raise InitializerConfigError(msg) from error

    def with_default_seed(self, seed: int | None) -> Initializer:
        """A copy whose seed is ``seed`` if this initializer has none.

        Deterministic initializers (no ``seed`` in their config) and
        initializers that already have a seed are returned unchanged. The
        seeded oracles call this with their own seed, so one ``seed=`` makes
        a whole search reproducible.
        """
        config = self.get_config()
        if "seed" not in config or config["seed"] is not None or seed is None:
            return self
        config["seed"] = int(seed)
        return type(self).from_config(config)

    #: Whether ``direction=None`` means "the search objective's direction"
    #: (``csv``'s score column). Data sources that infer a direction from
    #: their own data (``prior_run``) leave it False.
    direction_from_objective: ClassVar[bool] = False

    def with_default_direction(self, direction: str | None) -> Initializer:
        """A copy whose ``direction`` is the objective's, if it has none.

        Only initializers with :attr:`direction_from_objective` set and a
        ``direction`` of ``None`` in their config change; the seeded
        oracles call this with their objective's direction, so a score
        column is ranked the way the search ranks trials.
        """
        config = self.get_config()
        if (
            not self.direction_from_objective
            or config.get("direction", "") is not None
            or direction not in ("min", "max")
        ):
            return self
        config["direction"] = direction
        return type(self).from_config(config)

    # --------------------------------------------------------------- misc
    def _label(self) -> str:
        return f"initializer '{self.name or type(self).__name__}'"

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={v!r}" for k, v in self.get_config().items() if k != "name"
        )
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __hash__(self) -> int:
        return hash((type(self), repr(self)))


class UnitCubeInitializer(Initializer):
    """Base of every design drawn in the unit cube ``[0, 1)^d``.

    Subclasses implement :meth:`_sample_unit_cube`; decoding to values, the
    seed, conditional hyperparameters and de-duplication are handled here.

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
        self.seed = _check_seed(seed, self._label())

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``seed``."""
        config = super().get_config()
        config["seed"] = self.seed
        return config

    def sample_unit_cube(self, n: int, d: int) -> NDArray[np.float64]:
        """The raw design: ``n`` points in ``[0, 1)^d`` from this seed.

        Benchmarks use it to measure design quality before decoding.
        """
        if d == 0:
            return np.zeros((n, 0))
        rng = np.random.default_rng(self.seed)
        u = np.asarray(self._sample_unit_cube(n, d, rng), dtype=float)
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

    def _generate(self, codec: SpaceCodec, n: int) -> list[Mapping[str, Any]]:
        return list(codec.decode(self.sample_unit_cube(n, codec.dimension)))

    @abc.abstractmethod
    def _sample_unit_cube(
        self, n: int, d: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """Returns an ``(n, d)`` array of points in ``[0, 1)``.

        Args:
            n: Number of points.
            d: Number of dimensions (at least 1).
            rng: A NumPy generator seeded from the initializer's seed; use
                it for every random choice so the design is reproducible.
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
    "Initializer",
    "UnitCubeInitializer",
    "default_n_points",
]
