"""How the GP hand-off models and searches each unit-cube coordinate.

A :class:`Layout` is built from a :class:`~ktseed.space.SpaceCodec` at each
proposal. It sorts the codec's coordinates into three kinds:

* *continuous*: a ``Float`` without a step, or a numeric grid too long to
  enumerate (more than :data:`MAX_GRID_SIZE` values);
* *ordinal*: an ordered ``Choice``, an ``Int`` grid or a stepped ``Float``;
  distances are measured along the axis, but the optimiser only visits the
  grid values;
* *categorical*: an unordered ``Choice`` or a ``Boolean``; two values are
  equal or different (distance 0 or 1), never "closer" by position.

It also knows which coordinates are active under the conditions of
conditional hyperparameters, and computes the per-coordinate squared
distances the kernel works on.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.space import UPPER_COORDINATE
from ktseed.space import grid_size
from ktseed.space import hp_kind

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.space import SpaceCodec

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]

#: Spaces without continuous hyperparameters and with at most this many
#: configurations are enumerated completely.
ENUMERATION_LIMIT = 4096

#: A numeric hyperparameter with more grid values than this (an ``Int`` over
#: a wide range, say) is optimised as a continuous coordinate.
MAX_GRID_SIZE = 2048

#: Coordinate kinds (values of :attr:`Layout.kinds`).
CONTINUOUS = 0
ORDINAL = 1
CATEGORICAL = 2


class Layout:
    """How each unit-cube coordinate of a codec is modelled and searched.

    Args:
        codec: The search space.

    Attributes:
        codec: The search space.
        d: Number of coordinates.
        kinds: :data:`CONTINUOUS`, :data:`ORDINAL` or :data:`CATEGORICAL`
            per coordinate.
        grids: The unit coordinates of every value of each discrete
            coordinate (``None`` for continuous ones).
        continuous: Indices of the continuous coordinates.
        discrete: Indices of the ordinal and categorical coordinates.
        categorical: Boolean mask of the categorical coordinates.
        conditional: Whether any hyperparameter has conditions.
    """

    def __init__(self, codec: SpaceCodec) -> None:
        self.codec = codec
        self.d = codec.dimension
        self.names = codec.names
        self.kinds = np.zeros(self.d, dtype=np.int64)
        self.grids: list[FloatArray | None] = []
        self.conditions: list[list[Any]] = []
        for j, hp in enumerate(codec.tunable):
            self.conditions.append(list(hp.conditions))
            kind = hp_kind(hp)
            grid: FloatArray | None = None
            if kind == "Boolean":
                self.kinds[j] = CATEGORICAL
                grid = centres(2)
            elif kind == "Choice":
                ordered = bool(getattr(hp, "ordered", False))
                self.kinds[j] = ORDINAL if ordered else CATEGORICAL
                grid = centres(len(hp.values))
            elif kind in ("Int", "Float"):
                grid = numeric_grid(hp)
                self.kinds[j] = CONTINUOUS if grid is None else ORDINAL
            else:  # An unknown HyperParameter subclass: its own mapping.
                self.kinds[j] = CONTINUOUS
            self.grids.append(grid)
        self.continuous = np.flatnonzero(self.kinds == CONTINUOUS)
        self.discrete = np.flatnonzero(self.kinds != CONTINUOUS)
        self.categorical = self.kinds == CATEGORICAL
        # Two category centres differ by 1/n; anything above half of that
        # is a different category.
        self.cat_tolerance = np.array(
            [
                0.5 / len(g) if g is not None and len(g) > 0 else 0.0
                for g in self.grids
            ]
        )
        # Half the smallest gap between two values of each discrete grid:
        # two snapped coordinates closer than that are the same value.
        self.grid_tolerance = np.array(
            [
                0.5 * float(np.diff(g).min())
                if g is not None and len(g) > 1
                else 0.5
                for g in self.grids
            ]
        )
        self.conditional = any(self.conditions)
        self._cat_cols = np.flatnonzero(self.categorical)
        has_conditions = np.array([bool(c) for c in self.conditions], bool)
        self._conditional_cols = np.flatnonzero(has_conditions)
        self._unconditional_cols = np.flatnonzero(~has_conditions)
        # The names conditions read, when every condition is a plain
        # ``Parent`` (``name in values and values[name] in condition.values``)
        # that :meth:`activity` can test column-wise; else None.
        self._parents: set[str] | None = None
        if all(
            is_parent(c) for conditions in self.conditions for c in conditions
        ):
            self._parents = {
                c.name
                for hp in codec.entries
                for c in hp.conditions  # Fixed entries' conditions too
            }

    # ------------------------------------------------------------ encode
    def encode_values(
        self, values: Mapping[str, Any]
    ) -> tuple[FloatArray, BoolArray]:
        """The unit-cube point and activity mask of one values dict.

        Raises:
            ValueError: (or ``KeyError``, ``TypeError``) if the codec cannot
                encode ``values``.
        """
        full = self.complete(values)
        u = np.asarray(self.codec.encode(full), dtype=float)
        return self.snap(u.reshape(1, -1))[0], self.mask_of(full)

    def complete(self, values: Mapping[str, Any]) -> Mapping[str, Any]:
        """``values`` with every missing hyperparameter at its default.

        A trial that ran before a hyperparameter was added (a space that
        grows inside ``run_trial``, a prior run) is modelled at the
        default, as KerasTuner's own Bayesian oracle does.
        """
        if all(name in values for name in self.names):
            return values
        full = dict(values)
        for hp in self.codec.entries:
            full.setdefault(hp.name, hp.default)
        return full

    def mask_of(self, values: Mapping[str, Any]) -> BoolArray:
        """Which coordinates are active hyperparameters under ``values``."""
        mask = np.ones(self.d, dtype=bool)
        if self.conditional:
            for j, conditions in enumerate(self.conditions):
                mask[j] = all(c.is_active(values) for c in conditions)
        return mask

    def encode_observations(
        self, observations: Sequence[tuple[Mapping[str, Any], Any]]
    ) -> tuple[FloatArray, BoolArray, FloatArray]:
        """Points, activity masks and objective values of the observations.

        A pair is dropped when its values cannot be encoded in the current
        space (a ``Choice`` value that no longer exists). A value that is
        not a number becomes NaN; NaN rows still mark their point as tried
        (see :meth:`near`), and the proposer leaves them out of the model.
        Infinite values are kept (the proposer clips them).

        Returns:
            Arrays of shapes ``(n, d)``, ``(n, d)`` and ``(n,)``.
        """
        scores: list[float] = []
        for _, value in observations:
            try:
                scores.append(float(value))
            except (TypeError, ValueError):
                scores.append(math.nan)
        x, mask, kept = self._encode_many([v for v, _ in observations])
        return x, mask, np.asarray(scores, dtype=float)[kept]

    def encode_points(
        self, points: Sequence[Mapping[str, Any]]
    ) -> tuple[FloatArray, BoolArray]:
        """Points and masks of values dicts; unencodable ones are skipped."""
        x, mask, _ = self._encode_many(points)
        return x, mask

    def _encode_many(
        self, points: Sequence[Mapping[str, Any]]
    ) -> tuple[FloatArray, BoolArray, NDArray[np.int64]]:
        """:meth:`encode_values` of each encodable point, snapped at once.

        Snapping is row by row arithmetic, so one :meth:`snap` of all the
        rows gives what snapping each row alone gives, at a fraction of
        the cost.

        Returns:
            The points, their masks and the indices of the points kept.
        """
        rows: list[FloatArray] = []
        masks: list[BoolArray] = []
        kept: list[int] = []
        for i, values in enumerate(points):
            try:
                full = self.complete(values)
                row = np.asarray(self.codec.encode(full), dtype=float)
                mask = self.mask_of(full)
            except (ValueError, KeyError, TypeError):
                continue
            rows.append(row.reshape(1, -1))
            masks.append(mask)
            kept.append(i)
        if not rows:
            return (
                np.zeros((0, self.d)),
                np.zeros((0, self.d), dtype=bool),
                np.zeros(0, dtype=np.int64),
            )
        return (
            self.snap(np.vstack(rows)),
            np.vstack(masks),
            np.asarray(kept, dtype=np.int64),
        )

    def snap(self, u: FloatArray) -> FloatArray:
        """Clips to the cube; moves discrete coordinates onto their grid."""
        out: FloatArray = np.clip(
            np.array(u, dtype=float), 0.0, UPPER_COORDINATE
        )
        for j in self.discrete.tolist():
            grid = self.grids[j]
            assert grid is not None
            index = np.abs(out[:, j, None] - grid[None, :]).argmin(axis=1)
            out[:, j] = grid[index]
        return out

    def activity(self, u: FloatArray) -> BoolArray:
        """Which coordinates of each point are active hyperparameters.

        The same as evaluating every condition on ``codec.decode(u)``
        (:meth:`activity_by_decoding`), but column by column: only the
        parents' coordinates are decoded, and a ``Parent`` condition is
        tested on the whole column at once. Other condition classes go
        through :meth:`activity_by_decoding`.
        """
        mask = np.ones(u.shape, dtype=bool)
        if not self.conditional or u.shape[0] == 0:
            return mask
        if self._parents is None:
            return self.activity_by_decoding(u)
        values, present = self.codec.value_columns(u, self._parents)
        n = u.shape[0]
        for j, conditions in enumerate(self.conditions):
            for condition in conditions:
                mask[:, j] &= self.codec.condition_mask(
                    condition, values, present, n
                )
        return mask

    def activity_by_decoding(self, u: FloatArray) -> BoolArray:
        """:meth:`activity` by decoding every point (any condition class)."""
        mask = np.ones(u.shape, dtype=bool)
        if not self.conditional or u.shape[0] == 0:
            return mask
        for i, values in enumerate(self.codec.decode(u)):
            for j, conditions in enumerate(self.conditions):
                if conditions:
                    mask[i, j] = all(c.is_active(values) for c in conditions)
        return mask

    # --------------------------------------------------------- distances
    def sq_distances(
        self,
        a: FloatArray,
        a_mask: BoolArray,
        b: FloatArray,
        b_mask: BoolArray,
    ) -> FloatArray:
        """Per-coordinate squared distances, shape ``(m, n, d)``.

        Continuous and ordinal coordinates contribute their squared
        difference; categorical ones 0 (same category) or 1. A coordinate
        inactive in both points contributes 0, one active in only one
        point 1 (the largest distance on the unit cube).
        """
        diff = a[:, None, :] - b[None, :, :]
        mismatch = self._mismatch(a, b)
        dist: FloatArray = np.multiply(diff, diff, out=diff)
        if mismatch is not None:
            dist[..., self._cat_cols] = mismatch
        if self.conditional:
            self._mask_inactive(dist, a_mask, b_mask)
        return dist

    def distance_parts(
        self,
        a: FloatArray,
        a_mask: BoolArray,
        b: FloatArray,
        b_mask: BoolArray,
    ) -> tuple[FloatArray, FloatArray, BoolArray]:
        """:meth:`sq_distances` with what their gradient in ``a`` needs.

        Returns:
            The distances, the raw differences ``a - b`` and where both
            points have the coordinate active (the only place a gradient
            flows through a continuous coordinate).
        """
        diff = a[:, None, :] - b[None, :, :]
        dist = diff * diff
        mismatch = self._mismatch(a, b)
        if mismatch is not None:
            dist[..., self._cat_cols] = mismatch
        both = a_mask[:, None, :] & b_mask[None, :, :]
        if self.conditional:
            self._mask_inactive(dist, a_mask, b_mask)
        return dist, diff, both

    def _mismatch(self, a: FloatArray, b: FloatArray) -> FloatArray | None:
        """Whether the categorical coordinates differ, ``(m, n, c)``; or None.

        Computed from the categorical columns alone (the same differences
        as the full ``a - b``).
        """
        cat = self._cat_cols
        if not len(cat):
            return None
        gap = np.abs(a[:, None, cat] - b[None, :, cat])
        mismatch: FloatArray = (gap > self.cat_tolerance[cat]).astype(float)
        return mismatch

    def _mask_inactive(
        self, dist: FloatArray, a_mask: BoolArray, b_mask: BoolArray
    ) -> None:
        """Sets inactive coordinates of ``dist`` in place: 0 or 1.

        0 where a coordinate is inactive in both points, 1 where it is
        active in one only. Masks made by :meth:`mask_of` and
        :meth:`activity` have every unconditional coordinate active, so
        only the conditional columns need the work; other masks get it on
        every column.
        """
        cols = self._conditional_cols
        fixed = self._unconditional_cols
        if not (a_mask[:, fixed].all() and b_mask[:, fixed].all()):
            cols = np.arange(self.d)
        am = a_mask[:, None, cols]
        bm = b_mask[None, :, cols]
        dist[..., cols] = np.where(am & bm, dist[..., cols], am ^ bm)

    # -------------------------------------------------------- repeats
    def near(
        self,
        a: FloatArray,
        a_mask: BoolArray,
        b: FloatArray,
        b_mask: BoolArray,
        radius: float,
    ) -> BoolArray:
        """Which points of ``a`` repeat a point of ``b`` within ``radius``.

        Two points are *near* when the same hyperparameters are active in
        both, every active discrete coordinate (ordinal or categorical) has
        the same grid value, and the Euclidean distance between their active
        continuous coordinates is below ``radius``. A different category or
        grid value is never near, so a fully discrete space can still be
        exhausted. With ``radius`` 0 nothing is near.

        Returns:
            A boolean array of shape ``(m,)``.
        """
        out = np.zeros(a.shape[0], dtype=bool)
        if radius <= 0 or a.shape[0] == 0 or b.shape[0] == 0:
            return out
        cont = self.continuous
        disc = self.discrete
        tol = self.grid_tolerance[disc]
        chunk = max(1, 2**20 // max(b.shape[0] * max(self.d, 1), 1))
        for begin in range(0, a.shape[0], chunk):
            pa = a[begin : begin + chunk]
            ma = a_mask[begin : begin + chunk]
            same = np.all(ma[:, None, :] == b_mask[None, :, :], axis=2)
            if len(disc):
                gap = np.abs(pa[:, None, disc] - b[None, :, disc]) > tol
                same &= ~np.any(gap & ma[:, None, disc], axis=2)
            step = pa[:, None, cont] - b[None, :, cont]
            sq = np.sum(step * step * ma[:, None, cont], axis=2)
            out[begin : begin + chunk] = np.any(same & (sq < radius**2), axis=1)
        return out

    # --------------------------------------------------------- enumerate
    def enumerate_all(self) -> FloatArray | None:
        """Every configuration of a small, fully discrete space (or None)."""
        if self.d == 0 or len(self.continuous) or not len(self.discrete):
            return None
        size = 1
        for grid in self.grids:
            assert grid is not None
            size *= len(grid)
            if size > ENUMERATION_LIMIT:
                return None
        grids = [g for g in self.grids if g is not None]
        return np.array(list(itertools.product(*grids)), dtype=float)


def is_parent(condition: Any) -> bool:
    """Whether ``condition`` is exactly a KerasTuner (or light) ``Parent``.

    Subclasses may override ``is_active``, so they do not count.
    """
    return type(condition) in _parent_classes()


@functools.cache
def _parent_classes() -> tuple[type, ...]:
    """The ``Parent`` classes: ktseed's light one and KerasTuner's.

    KerasTuner does not export its class; the condition a
    ``conditional_scope`` creates is asked for it.
    """
    from ktseed.space.light import Parent as LightParent

    try:
        import keras_tuner
    except ImportError:  # pragma: no cover - KerasTuner is a dependency
        return (LightParent,)
    hp = keras_tuner.HyperParameters()
    hp.Boolean("parent")
    with hp.conditional_scope("parent", [True]):
        hp.Boolean("child")
    probe = hp.space[-1].conditions[0]
    return (LightParent, type(probe))


def centres(n: int) -> FloatArray:
    """The unit coordinates of ``n`` buckets' centres (the codec's rule)."""
    return (np.arange(n, dtype=float) + 0.5) / n


def numeric_grid(hp: Any) -> FloatArray | None:
    """Unit coordinates of every value of a discrete numeric hyperparameter.

    Returns None for a continuous one: a ``Float`` without a step, or any
    grid with more than :data:`MAX_GRID_SIZE` values (optimised as a
    continuous coordinate; decoding snaps it to the grid).
    """
    if hp.step is not None:
        size = grid_size(hp)
        return None if size > MAX_GRID_SIZE else centres(size)
    if hp_kind(hp) != "Int":
        return None
    count = int(hp.max_value) - int(hp.min_value) + 1
    if count > MAX_GRID_SIZE:
        return None
    coords = [
        float(hp.value_to_prob(v))
        for v in range(int(hp.min_value), int(hp.max_value) + 1)
    ]
    return np.unique(np.clip(np.asarray(coords), 0.0, UPPER_COORDINATE))


__all__ = [
    "CATEGORICAL",
    "CONTINUOUS",
    "ENUMERATION_LIMIT",
    "MAX_GRID_SIZE",
    "ORDINAL",
    "Layout",
    "centres",
    "is_parent",
    "numeric_grid",
]
