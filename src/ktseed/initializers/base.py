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

            def _sample_unit_cube(self, request):
                rng = request.rng()
                ...  # an (request.n, request.dimension) array in [0, 1)

    A data-driven design overrides :meth:`Initializer._generate` instead,
    reads what it needs from the :class:`~ktseed.DesignRequest` (the codec,
    ``n``, the objective's direction, the trial budget) and returns value
    dicts (partial dicts are completed from each
    hyperparameter's default). Override ``get_config`` to add constructor
    arguments, calling ``super().get_config()`` first, so that
    ``from_config(get_config())`` rebuilds an equal initializer.
"""

from __future__ import annotations

import abc
import inspect
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.initializers.request import DesignRequest
from ktseed.points import distinct
from ktseed.points import point_key
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    import keras_tuner

    from ktseed.space import OnInactive
    from ktseed.space import Values

#: Smallest and largest default design size (see :func:`default_n_points`).
MIN_DEFAULT_POINTS = 5
MAX_DEFAULT_POINTS = 16


def default_n_points(dimension: int, max_trials: int | None = None) -> int:
    """The design size used when an initializer is given no ``n_points``.

    The rule is ``clip(2 * d, 5, 16)`` where ``d`` is the number of tunable
    hyperparameters, capped at a third of ``max_trials`` (at least 1) when
    the oracle has a trial budget. (An initializer also caps it at the
    number of configurations a small, all-discrete space has.) It sits
    between the peers' rules (Ax's legacy ``max(5, min(2d, N/5))``, HEBO's
    ``d + 1``, Optuna's fixed 10) and below KerasTuner's own ``3 * d``,
    which the pilot measurements show spends too much of a small budget on
    the start.

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


def check_flag(value: object, name: str, owner: str) -> bool:
    """Returns ``value`` if it is a bool; raises a config error otherwise.

    Kept for plugins written against ktseed 0.1; new code calls
    :func:`ktseed.checks.flag`.
    """
    return checks.flag(value, name, owner=owner)


class CanonicalPoints(list):  # type: ignore[type-arg]
    """Points the codec decoded: complete and canonical by construction.

    The template method skips its per-value checks for them (what makes a
    4,096-point design cheap); anything else a hook returns is checked.
    """


def _legacy_hook(method: Any, legacy_arity: int) -> bool:
    """Whether ``method`` has ktseed 0.1's signature (``legacy_arity`` args)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(positional) == legacy_arity


def _warn_legacy(owner: str, hook: str, old: str) -> None:
    warnings.warn(
        f"{owner}: `{hook}{old}` is ktseed 0.1's hook signature; since "
        f"ktseed 0.2 the hook is `{hook}(self, request)` and receives a "
        "ktseed.DesignRequest (codec, n, seed, direction, max_trials). The "
        "old signature still works and will be removed in ktseed 1.0.",
        DeprecationWarning,
        stacklevel=4,
    )


class Initializer(abc.ABC):
    """An initial design for a KerasTuner search.

    Call :meth:`generate` with a search space to get the design. Subclasses
    implement the single hook :meth:`_generate`, which receives a
    :class:`~ktseed.DesignRequest`.

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
        self.n_points = checks.size(n_points, owner=self._label())

    # ------------------------------------------------------------ template
    def generate(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        *,
        max_trials: int | None = None,
        seed: int | None = None,
        objective: Any = None,
        direction: str | None = None,
    ) -> list[Values]:
        """Produces the initial design for ``space``.

        Args:
            space: The search space, as ``HyperParameters`` or a codec.
            max_trials: The oracle's trial budget, used to size a default
                design. It never truncates an explicit ``n_points``; the
                seeded oracles refuse a design larger than their budget.
            seed: The search's seed, used when the initializer has no
                ``seed`` of its own (the seeded oracles pass theirs).
            objective: The search's ``keras_tuner.Objective``, if any.
            direction: ``"min"`` or ``"max"``; defaults to the direction
                of ``objective``.

        Returns:
            At most ``n_points`` complete, valid, canonical value dicts,
            without duplicates, in the order of the design.

        Raises:
            InvalidValueError: If the hook produced a value that does not
                fit the space; the message names the point.
        """
        request = self.request(
            space,
            max_trials=max_trials,
            seed=seed,
            objective=objective,
            direction=direction,
        )
        return self.generate_for(request)

    def request(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        *,
        max_trials: int | None = None,
        seed: int | None = None,
        objective: Any = None,
        direction: str | None = None,
    ) -> DesignRequest:
        """The :class:`~ktseed.DesignRequest` :meth:`generate` works from.

        Same arguments as :meth:`generate`; the request's ``n`` is this
        initializer's design size for the space.
        """
        codec = space if isinstance(space, SpaceCodec) else SpaceCodec(space)
        own_seed = getattr(self, "seed", None)
        if direction is None:
            direction = getattr(objective, "direction", None)
        if direction not in ("min", "max"):
            direction = None
        default = default_n_points(codec.dimension, max_trials)
        cardinality = codec.cardinality
        if cardinality is not None:
            # A tiny space cannot hold more distinct points than it has.
            default = max(1, min(default, cardinality))
        request = DesignRequest(
            codec=codec,
            n=default,
            seed=own_seed if own_seed is not None else seed,
            direction=direction,
            objective=objective,
            max_trials=max_trials,
        )
        if self.n_points is not None:
            return request.replace(n=self.n_points)
        return request.replace(n=self._call_default_n_points(request))

    def generate_for(self, request: DesignRequest) -> list[Values]:
        """Produces the design a :class:`~ktseed.DesignRequest` asks for.

        The template method: calls the hook, then canonicalises, validates
        and de-duplicates its points, and cuts the design to
        ``request.n``.
        """
        codec = request.codec
        raw = self._call_generate(request)
        if isinstance(raw, CanonicalPoints):
            # Decoded by the codec: complete and canonical by construction
            # (tests/test_space.py checks decode's output validates).
            points = list(raw)
            raw = []
        else:
            points = []
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
            points.append(canonical)
        unique = distinct(points, point_key)
        if unique.repeats:
            duplicates = len(unique.repeats)
            warnings.warn(
                f"{self._label()}: dropped {duplicates} duplicate point(s); "
                f"the design has {len(unique.kept)} distinct point(s) of "
                f"{len(points)} produced.",
                KtseedWarning,
                stacklevel=3,
            )
        return unique.kept[: request.n]

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
        return self.request(codec, max_trials=max_trials).n

    def _default_n_points(self, request: DesignRequest) -> int:
        """Design size when ``n_points`` is None; subclasses may refine it.

        ``request.n`` holds ktseed's generic default
        (:func:`default_n_points`).
        """
        return request.n

    #: How a point's value for an inactive hyperparameter is treated.
    _on_inactive: ClassVar[OnInactive] = "raise"

    @abc.abstractmethod
    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        """Returns up to ``request.n`` design points for ``request.codec``.

        Points may be partial (missing hyperparameters take their default)
        and need not be canonical yet: :meth:`generate` does both, and
        removes duplicates.
        """

    # ktseed 0.1 hooks took (codec, n) and (codec, max_trials); plugins
    # written for it keep working, with a DeprecationWarning.
    def _call_generate(self, request: DesignRequest) -> list[Any]:
        hook: Any = self._generate
        if _legacy_hook(hook, 2):
            _warn_legacy(self._label(), "_generate", "(self, codec, n)")
            return list(hook(request.codec, request.n))
        points = hook(request)
        return points if isinstance(points, CanonicalPoints) else list(points)

    def _call_default_n_points(self, request: DesignRequest) -> int:
        hook: Any = self._default_n_points
        if _legacy_hook(hook, 2):
            _warn_legacy(
                self._label(), "_default_n_points", "(self, codec, max_trials)"
            )
            return int(hook(request.codec, request.max_trials))
        return int(hook(request))

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
        """Rebuilds an initializer from :meth:`get_config` output.

        Raises:
            InitializerConfigError: For a key the constructor does not take
                (with the nearest accepted key as a suggestion) or a
                missing required one.
        """
        kwargs = {k: v for k, v in config.items() if k != "name"}
        accepted = _constructor_keys(cls)
        unknown = [
            k for k in kwargs if accepted is not None and k not in accepted
        ]
        if unknown and accepted is not None:
            hints = " ".join(
                checks.suggestion(k, accepted).strip() for k in unknown
            ).strip()
            listed = ", ".join(map(repr, unknown))
            msg = (
                f"{cls.__name__}.from_config: the config does not match the "
                f"constructor (unknown option(s) {listed}; the options are "
                f"{', '.join(accepted)}); got keys {sorted(config)}."
                f"{' ' + hints if hints else ''}"
            )
            raise InitializerConfigError(msg)
        try:
            return cls(**kwargs)
        except TypeError as error:
            msg = (
                f"{cls.__name__}.from_config: the config does not match the "
                f"constructor ({error}); got keys {sorted(config)}."
            )
            raise InitializerConfigError(msg) from error

    @classmethod
    def from_saved_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuilds the initializer a saved search recorded, on resume.

        The design of a resumed search is already in its state; only the
        config is rebuilt, to name the initializer and compare it with the
        one passed now. Data sources override this to skip checks that
        matter only before the first trial (that a file still exists).
        Defaults to :meth:`from_config`.
        """
        return cls.from_config(config)

    def resolved(self, request: DesignRequest) -> Initializer:
        """This initializer with what ``request`` decided written into it.

        The seeded oracles record the resolved initializer (in
        ``oracle.json``, and as ``oracle.initializer``), so its config alone
        rebuilds the design that ran: a missing ``seed`` becomes the
        request's seed. Subclasses whose design depends on more of the
        request (``csv`` ranks by the objective's direction) extend it.
        Returns ``self`` when nothing changes.
        """
        return self.with_default_seed(request.seed)

    def with_default_seed(self, seed: int | None) -> Initializer:
        """A copy whose seed is ``seed`` if this initializer has none.

        Deterministic initializers (no ``seed`` in their config) and
        initializers that already have a seed are returned unchanged. The
        seeded oracles record their initializer this way, so the design
        they ran can be rebuilt from the recorded config alone.
        """
        config = self.get_config()
        if "seed" not in config or config["seed"] is not None or seed is None:
            return self
        config["seed"] = int(seed)
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


def _constructor_keys(cls: type) -> list[str] | None:
    """Keyword names ``cls(...)`` accepts; ``None`` if it takes ``**kwargs``."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return [
        p.name
        for p in parameters
        if p.kind not in (p.VAR_POSITIONAL, p.POSITIONAL_ONLY)
    ]


__all__ = [
    "CanonicalPoints",
    "Initializer",
    "default_n_points",
]
