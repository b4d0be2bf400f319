"""``chain``: several initializers, one after the other, in one design.

The classic combination is "the defaults first, then Sobol' points to fill
the rest of the design"::

    ChainInitializer(
        [{"name": "fixed", "points": [{}]}, {"name": "sobol", "n_points": 8}]
    )

A chain is an ordinary initializer (registry name ``"chain"``): it works
with every seeded oracle, round-trips through ``get_config()``, and can be
a member of another chain.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.initializers.base import Initializer
from ktseed.points import PointKey
from ktseed.points import distinct
from ktseed.points import point_key

if TYPE_CHECKING:
    import keras_tuner

    from ktseed.initializers.request import DesignRequest
    from ktseed.registry import InitializerSpec
    from ktseed.space import OnInactive
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: How many times an open member is asked for more points when some of its
#: points repeat earlier members' points (each time twice as many).
MAX_TOP_UPS = 4


def member_seed(seed: int, index: int) -> int:
    """The seed of member ``index`` of a chain seeded with ``seed``.

    Derived with NumPy's ``SeedSequence`` (``spawn_key=(index,)``), so the
    members' streams are independent of each other and of other chain
    seeds (``seed + index`` would give member 1 of seed 1 the stream of
    member 0 of seed 2).

    Args:
        seed: The chain's seed.
        index: The member's 0-based position.

    Returns:
        A non-negative integer below ``2**32``.
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(index,))
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def _with_n_points(member: Initializer, n: int) -> Initializer:
    """``member`` rebuilt from its config with ``n_points=n``."""
    if member.n_points == n:
        return member
    return type(member).from_config({**member.get_config(), "n_points": n})


class ChainInitializer(Initializer):
    """Several initializers in order: each adds points until the design is full.

    Members are asked in order. Each contributes its points, minus any point
    an earlier member already contributed, until the design holds
    ``n_points`` points. This combines strategies without writing a plugin:
    known configurations first, then a space-filling design for the rest;
    a prior run's best trials, then Sobol' points; a CSV file, then a Latin
    hypercube.

    **How many points each member gives.** A member is *sized* when it knows
    its size without seeing the space (its ``size_hint()`` is not ``None``:
    an explicit ``n_points``, the points of ``fixed``, ``top_k`` or
    ``limit`` of ``csv``...), and *open* otherwise (``sobol``, ``lhs``,
    ``random``, ``halton`` without ``n_points``; ``csv`` without a cap).

    * With ``n_points`` given, a sized member gives at most its own size
      and an open member fills the rest of the design, so
      ``[fixed (1 point), sobol]`` with ``n_points=8`` is the defaults plus
      7 Sobol' points. Members after the design is full are not asked.
    * With ``n_points=None`` (the default), every member gives its own size
      (an open member its own default, for example a power of two for
      ``sobol``), so the design size is the sum of the members' sizes:
      ``[fixed (1 point), sobol]`` is the defaults plus 8 Sobol' points in
      a 4-dimensional space.

    When a member's point repeats an earlier one it is dropped; an open
    member is asked for more points to make up for it (a Sobol', Halton or
    random member then continues its own sequence). If the members cannot
    fill the design, it is shorter and a :class:`~ktseed.KtseedWarning`
    says why.

    **Seeds.** A member without a seed of its own gets one derived from the
    chain's ``seed`` and its position (:func:`member_seed`), so one seed
    makes the whole chain reproducible and two members of the same kind do
    not repeat each other. The seeded oracles fill in the chain's seed from
    their own, as for any initializer.

    **Observations.** :meth:`observations` concatenates the members'
    observations (for example a ``prior_run`` member in ``mode="observe"``
    feeding the seeded Bayesian oracle's model).

    Args:
        members: The initializers, in order: registered names, config dicts
            (``{"name": "sobol", "n_points": 8}``) or
            :class:`~ktseed.Initializer` instances. Every member must be
            registered (built in, from a plugin or with
            :func:`~ktseed.register_initializer`) for the chain's config to
            round-trip.
        n_points: The design size; ``None`` sums the members' sizes.
        seed: Seed from which members without a seed get theirs. ``None``
            leaves them unseeded unless an oracle supplies a seed.

    Raises:
        InitializerConfigError: If ``members`` is not a non-empty list, a
            member spec is not a name, dict or initializer, or every member
            is sized and together they cannot reach ``n_points``.
        UnknownInitializerError: For a member name that is not registered.

    Examples:
        >>> chain = ChainInitializer(
        ...     ["random", {"name": "sobol", "n_points": 4}], n_points=6
        ... )
        >>> [m.name for m in chain.members]
        ['random', 'sobol']
        >>> chain.size_hint()
        6
    """

    name: ClassVar[str] = "chain"
    # Members hand over canonical points; nothing inactive is left in them.
    _on_inactive: ClassVar[OnInactive] = "raise"

    def __init__(
        self,
        members: Sequence[InitializerSpec],
        *,
        n_points: int | None = None,
        seed: int | None = None,
    ) -> None:
        from ktseed.registry import make_initializer

        super().__init__(n_points=n_points)
        label = self._label()
        self.seed = checks.seed(seed, owner=label)
        if isinstance(members, (str, bytes, Mapping, Initializer)) or (
            not isinstance(members, Sequence)
        ):
            msg = (
                f"{label}: `members` must be a list of initializer specs "
                f"(names, dicts or Initializer instances); got "
                f"{type(members).__name__}."
            )
            raise InitializerConfigError(msg)
        if not members:
            msg = (
                f"{label}: `members` is empty; give at least one initializer, "
                "for example ['sobol']."
            )
            raise InitializerConfigError(msg)
        built: list[Initializer] = []
        for index, spec in enumerate(members):
            try:
                built.append(make_initializer(spec))
            except TypeError as error:
                msg = f"{label}: member {index} is not a valid spec: {error}"
                raise InitializerConfigError(msg) from error
        self.members = built
        hints = [m.size_hint() for m in built]
        if self.n_points is not None and all(h is not None for h in hints):
            total = sum(h for h in hints if h is not None)
            if total < self.n_points:
                msg = (
                    f"{label}: `n_points`={self.n_points} but the members "
                    f"give at most {total} point(s) (sizes {hints}). Add an "
                    "open member such as 'sobol' to fill the rest, or drop "
                    "`n_points`."
                )
                raise InitializerConfigError(msg)

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``seed`` and ``members``.

        The members appear as their own configs, so the chain's config is
        as JSON-safe as theirs.
        """
        return {
            **super().get_config(),
            "seed": self.seed,
            "members": [m.get_config() for m in self.members],
        }

    @classmethod
    def from_saved_config(cls, config: Mapping[str, Any]) -> Initializer:
        """See :meth:`Initializer.from_saved_config`; members likewise."""
        from ktseed.registry import make_saved_initializer

        members = [
            make_saved_initializer(m) if isinstance(m, Mapping) else m
            for m in config.get("members", [])
        ]
        return cls.from_config({**config, "members": members})

    def resolved(self, request: DesignRequest) -> Initializer:
        """See :meth:`Initializer.resolved`; resolves the seed and members.

        The members keep their own configs except for what the request
        fills in (a ranking direction); their seeds stay derived from the
        chain's, so the resolved chain rebuilds the same design.
        """
        chain = self.with_default_seed(request.seed)
        assert isinstance(chain, ChainInitializer)
        members = [
            m.resolved(request.replace(seed=None)) for m in chain.members
        ]
        if all(a is b for a, b in zip(members, chain.members, strict=True)):
            return chain
        config = chain.get_config()
        config["members"] = [m.get_config() for m in members]
        return type(self).from_config(config)

    def seeded_members(self, seed: int | None = None) -> list[Initializer]:
        """The members as the chain runs them: seeds derived where missing.

        Args:
            seed: The search's seed, used when the chain has none.

        Returns:
            A new list; a member without a seed is replaced by a copy whose
            seed is :func:`member_seed` of the chain's seed (when the chain,
            or the search, has one).
        """
        chain_seed = self.seed if self.seed is not None else seed
        if chain_seed is None:
            return list(self.members)
        return [
            m.with_default_seed(member_seed(chain_seed, i))
            for i, m in enumerate(self.members)
        ]

    # -------------------------------------------------------------- design
    def size_hint(self) -> int | None:
        """``n_points``; else the members' sizes summed, if all are known."""
        if self.n_points is not None:
            return self.n_points
        hints = [m.size_hint() for m in self.members]
        if any(h is None for h in hints):
            return None
        return sum(h for h in hints if h is not None)

    def _default_n_points(self, request: DesignRequest) -> int:
        return sum(
            m.request(request.codec, max_trials=request.max_trials).n
            for m in self.seeded_members(request.seed)
        )

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        n = request.n
        points: list[Values] = []
        seen: set[PointKey] = set()
        dropped: list[str] = []
        for index, member in enumerate(self.seeded_members(request.seed)):
            remaining = n - len(points)
            if remaining <= 0:
                break
            hint = member.size_hint()
            if self.n_points is None:
                size = member.request(
                    request.codec, max_trials=request.max_trials
                ).n
                want = min(size, remaining)
            else:
                want = remaining if hint is None else min(hint, remaining)
            if want <= 0:
                continue
            fresh, repeats = self._take(
                member, request, want, seen, grow=hint is None
            )
            if repeats:
                dropped.append(
                    f"member {index} ('{member.name}'): {repeats} point(s) "
                    "repeating earlier members"
                )
            seen.update(point_key(point) for point in fresh)
            points.extend(fresh)
        if len(points) < n and dropped:
            warnings.warn(
                f"{self._label()}: the design has {len(points)} of {n} "
                f"point(s); dropped {'; '.join(dropped)}.",
                KtseedWarning,
                stacklevel=4,
            )
        return list(points)

    @staticmethod
    def _take(
        member: Initializer,
        request: DesignRequest,
        want: int,
        seen: set[PointKey],
        *,
        grow: bool,
    ) -> tuple[list[Values], int]:
        """Up to ``want`` of ``member``'s points not in ``seen``.

        An open member (``grow``) that falls short, because some of its
        points repeat earlier members' or its own, is asked again for twice
        as many points (a Sobol' member stays on powers of two), up to
        :data:`MAX_TOP_UPS` times and only while it still produces more
        points. Its warnings are shown for the first request only.

        Returns:
            The new points and how many of the member's points repeated
            earlier members' points (in the request the points come from).
        """
        best: list[Values] = []
        best_repeats = 0
        asked = want
        produced_before = -1
        for attempt in range(MAX_TOP_UPS + 1):
            sized = _with_n_points(member, asked)
            with warnings.catch_warnings():
                if attempt:
                    warnings.simplefilter("ignore", KtseedWarning)
                produced = sized.generate(
                    request.codec,
                    max_trials=request.max_trials,
                    objective=request.objective,
                    direction=request.direction,
                )
            fresh = distinct(produced, point_key, seen=seen).kept
            if len(fresh) > len(best) or not attempt:
                best, best_repeats = fresh, len(produced) - len(fresh)
            if len(best) >= want or not grow:
                break
            if len(produced) <= produced_before:
                break  # the member has no more points to give
            produced_before = len(produced)
            asked *= 2
        return best[:want], best_repeats

    # -------------------------------------------------------- observations
    def observations(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        objective: Any,
    ) -> list[tuple[Values, float]]:
        """Every member's observations, in member order."""
        observed: list[tuple[Values, float]] = []
        for member in self.seeded_members():
            observed.extend(member.observations(space, objective))
        return observed


__all__ = ["ChainInitializer", "member_seed"]
