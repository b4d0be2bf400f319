"""The unit-cube codec: KerasTuner search spaces to and from ``[0, 1)^d``.

A :class:`SpaceCodec` wraps a ``keras_tuner.HyperParameters`` search space and
gives every initializer, oracle and benchmark one shared mapping:

* :meth:`SpaceCodec.decode` turns points of the unit cube into complete,
  canonical value dicts (one coordinate per non-``Fixed`` hyperparameter, in
  the order of ``HyperParameters.space``, exactly as KerasTuner's own
  Bayesian oracle lays out its vectors);
* :meth:`SpaceCodec.encode` is the inverse, through each hyperparameter's own
  ``value_to_prob``;
* the value checks (:meth:`~ktseed.space.values.ValueChecks.canonicalize`,
  ``validate``, ``clip``) come from :mod:`ktseed.space.values`.

Decoding is vectorised per dimension with NumPy. It reproduces KerasTuner's
``prob_to_value`` formulas (bucketed grids for ``Int``/``Choice``/stepped
``Float``, linear/log/reverse-log scaling for continuous ones); the test
suite checks the two agree value for value (float grid values without
KerasTuner's round-off noise). Conditional hyperparameters are active
exactly when KerasTuner's ``HyperParameters.is_active`` would say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.points import point_key
from ktseed.space.hyperparameters import UPPER_COORDINATE
from ktseed.space.hyperparameters import Values
from ktseed.space.hyperparameters import bucket_index
from ktseed.space.hyperparameters import grid_size
from ktseed.space.hyperparameters import grid_value
from ktseed.space.hyperparameters import hp_kind
from ktseed.space.hyperparameters import native
from ktseed.space.hyperparameters import nearest_grid_index
from ktseed.space.values import ValueChecks

if TYPE_CHECKING:
    import keras_tuner
    from numpy.typing import ArrayLike
    from numpy.typing import NDArray


class SpaceCodec(ValueChecks):
    """Maps a KerasTuner search space to and from the unit cube.

    Args:
        hyperparameters: The search space: a ``keras_tuner.HyperParameters``,
            or a :class:`ktseed.space.light.HyperParameters` read from its
            config without KerasTuner. The codec keeps a copy, so later
            changes to the caller's object do not affect it.

    Attributes:
        hyperparameters: The copy of the search space the codec works on.
        entries: Every hyperparameter of the space, in declaration order.
        tunable: The non-``Fixed`` entries; coordinate ``j`` of a unit-cube
            point belongs to ``tunable[j]``.

    Examples:
        >>> import keras_tuner as kt
        >>> hp = kt.HyperParameters()
        >>> _ = hp.Int("units", 32, 512, step=32)
        >>> _ = hp.Float("lr", 1e-4, 1e-1, sampling="log")
        >>> codec = SpaceCodec(hp)
        >>> codec.dimension
        2
        >>> codec.decode([[0.0, 0.0]])
        [{'units': 32, 'lr': 0.0001}]
        >>> codec.canonicalize({"units": 64.0, "lr": 0.01})
        {'units': 64, 'lr': 0.01}
    """

    def __init__(self, hyperparameters: keras_tuner.HyperParameters) -> None:
        self.hyperparameters = hyperparameters.copy()
        self.entries: list[Any] = list(self.hyperparameters.space)
        # By kind name, not isinstance on KerasTuner's class, so that
        # ktseed.space.light's records need no KerasTuner import.
        self.tunable: list[Any] = [
            hp for hp in self.entries if hp_kind(hp) != "Fixed"
        ]
        # Per coordinate: the size of its step grid (0 when it has none).
        self._grid_sizes: list[int] = [
            grid_size(hp)
            if hp_kind(hp) in ("Int", "Float") and hp.step is not None
            else 0
            for hp in self.tunable
        ]
        self._names: list[str] = list(
            dict.fromkeys(h.name for h in self.entries)
        )

    # ------------------------------------------------------------------ info
    @property
    def dimension(self) -> int:
        """Number of unit-cube coordinates (non-``Fixed`` hyperparameters)."""
        return len(self.tunable)

    @property
    def names(self) -> list[str]:
        """Hyperparameter names, unique, in declaration order."""
        return list(self._names)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"SpaceCodec(names={self._names!r}, dimension={self.dimension})"

    @property
    def cardinality(self) -> int | None:
        """The most configurations the space has (None: infinitely many).

        The product of the number of values of every tunable hyperparameter
        (a step grid's size, a ``Choice``'s values, 2 for a ``Boolean``);
        ``None`` as soon as one is continuous. Conditional spaces have
        fewer distinct configurations than this bound.
        """
        total = 1
        for hp, size in zip(self.tunable, self._grid_sizes, strict=True):
            kind = hp_kind(hp)
            if size:
                total *= size
            elif kind == "Choice":
                total *= len(hp.values)
            elif kind == "Boolean":
                total *= 2
            else:
                return None
        return total

    def is_conditional(self) -> bool:
        """Whether any hyperparameter depends on another one's value."""
        return any(hp.conditions for hp in self.entries)

    # ---------------------------------------------------------------- decode
    def decode(self, points: ArrayLike) -> list[Values]:
        """Turns unit-cube points into complete, canonical value dicts.

        Args:
            points: Array of shape ``(n, dimension)`` (or ``(dimension,)``
                for one point) with coordinates in ``[0, 1]``. Coordinates
                are clipped to ``[0, 1)``.

        Returns:
            One dict per point with a value for every *active*
            hyperparameter (``Fixed`` ones included), in declaration order,
            as native ``int``/``float``/``str``/``bool``.

        Raises:
            ValueError: If the array does not have ``dimension`` columns or
                holds NaN.
        """
        u = self._checked(points)
        n = u.shape[0]
        current, present = self._columns(u, None)
        masks = [present[name] for name in self._names]
        cols = [current[name] for name in self._names]
        out: list[Values] = []
        for i in range(n):
            out.append(
                {
                    name: cols[k][i]
                    for k, name in enumerate(self._names)
                    if masks[k][i]
                }
            )
        return out

    def decode_one(self, point: ArrayLike) -> Values:
        """Decodes a single unit-cube point (see :meth:`decode`)."""
        return self.decode(np.asarray(point, dtype=float).reshape(1, -1))[0]

    def value_columns(
        self, points: ArrayLike, names: Iterable[str] | None = None
    ) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[np.bool_]]]:
        """The decoded values of ``points``, one column per name.

        What :meth:`decode` builds its dicts from, without building them:
        point ``i``'s dict holds ``values[name][i]`` exactly where
        ``present[name][i]`` is true.

        Args:
            points: As for :meth:`decode`.
            names: Decode only these names (and whatever their conditions
                read, which the caller must include: a hyperparameter's
                activity is decided by its parents' columns). ``None``:
                every name.

        Returns:
            ``(values, present)``: per name, an object array of values and
            a boolean array of where the name is active.

        Raises:
            ValueError: As :meth:`decode`.
        """
        return self._columns(self._checked(points), names)

    def _checked(self, points: ArrayLike) -> NDArray[np.float64]:
        """``points`` as a checked ``(n, dimension)`` array in ``[0, 1)``."""
        u = np.asarray(points, dtype=float)
        if u.ndim == 1:
            u = u.reshape(1, -1)
        if u.ndim != 2 or u.shape[1] != self.dimension:
            msg = (
                f"`points` must have shape (n, {self.dimension}) for a space "
                f"with {self.dimension} tunable hyperparameters "
                f"({', '.join(h.name for h in self.tunable)}); "
                f"got shape {u.shape}."
            )
            raise ValueError(msg)
        if np.isnan(u).any():
            msg = "`points` must not contain NaN coordinates."
            raise ValueError(msg)
        clipped: NDArray[np.float64] = np.clip(u, 0.0, UPPER_COORDINATE)
        return clipped

    def _columns(
        self, u: NDArray[np.float64], names: Iterable[str] | None
    ) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[np.bool_]]]:
        """:meth:`value_columns` of checked points."""
        n = u.shape[0]
        wanted = None if names is None else set(names)

        # Per name: the current value column and where it is set, updated in
        # declaration order exactly as KerasTuner's `_random_values` does.
        current: dict[str, NDArray[Any]] = {}
        present: dict[str, NDArray[np.bool_]] = {}
        column = 0
        for hp in self.entries:
            fixed = hp_kind(hp) == "Fixed"
            if wanted is not None and hp.name not in wanted:
                column += 0 if fixed else 1
                continue
            if fixed:
                values = np.empty(n, dtype=object)
                values[:] = [hp.value] * n
            else:
                values = self._decode_column(hp, u[:, column])
                column += 1
            active = np.ones(n, dtype=bool)
            for condition in hp.conditions:
                active &= self.condition_mask(condition, current, present, n)
            if hp.name not in current:
                current[hp.name] = np.empty(n, dtype=object)
                present[hp.name] = np.zeros(n, dtype=bool)
            current[hp.name][active] = values[active]
            present[hp.name] |= active
        return current, present

    @staticmethod
    def condition_mask(
        condition: Any,
        current: Mapping[str, NDArray[Any]],
        present: Mapping[str, NDArray[np.bool_]],
        n: int,
    ) -> NDArray[np.bool_]:
        """Where a ``Parent`` condition holds, for ``n`` decoded points.

        Args:
            condition: A condition with ``name`` and ``values`` (KerasTuner's
                or ktseed's light ``Parent``).
            current: Value columns by name, as :meth:`value_columns` returns.
            present: Where each name is active, likewise.
            n: The number of points.

        Returns:
            A boolean array: the parent is active and holds one of the
            condition's values.
        """
        name = condition.name
        if name not in current:
            return np.zeros(n, dtype=bool)
        mask = np.zeros(n, dtype=bool)
        for value in condition.values:
            mask |= current[name] == value
        return mask & present[name]

    def _decode_column(self, hp: Any, u: NDArray[np.float64]) -> NDArray[Any]:
        """Vectorised ``hp.prob_to_value`` over one coordinate column."""
        kind = hp_kind(hp)
        out = np.empty(u.shape[0], dtype=object)
        if kind == "Boolean":
            out[:] = (u >= 0.5).tolist()
            return out
        if kind == "Choice":
            choices = list(hp.values)
            index = bucket_index(u, len(choices))
            out[:] = [choices[i] for i in index.tolist()]
            return out
        if kind in ("Int", "Float") and hp.step is not None:
            size = grid_size(hp)
            index = bucket_index(u, size)
            if hp.sampling == "linear" and kind == "Int":
                # Same integer arithmetic as KerasTuner's `min + index * step`.
                out[:] = (hp.min_value + index * int(hp.step)).tolist()
            else:
                # Map each distinct index through KerasTuner's own
                # prob_to_value (then tidied), so values match it exactly.
                unique, inverse = np.unique(index, return_inverse=True)
                table = [grid_value(hp, int(i)) for i in unique.tolist()]
                out[:] = [table[i] for i in inverse.reshape(-1).tolist()]
            return out
        if kind in ("Int", "Float"):
            low = float(hp.min_value)
            high = float(hp.max_value) + (1.0 if kind == "Int" else 0.0)
            if hp.sampling == "linear":
                raw = u * (high - low) + low
            elif hp.sampling == "log":
                raw = low * np.power(high / low, u)
            else:
                raw = high + low - low * np.power(high / low, 1.0 - u)
            if kind == "Float":
                out[:] = np.clip(raw, hp.min_value, hp.max_value).tolist()
                return out
            ints = np.clip(np.trunc(raw), hp.min_value, hp.max_value)
            out[:] = ints.astype(np.int64).tolist()
            # NumPy's vectorised pow may differ from math.pow in the last
            # bit; where that could flip the truncation, ask KerasTuner.
            near = np.abs(raw - np.round(raw)) <= 1e-9 * np.maximum(
                np.abs(raw), 1.0
            )
            for i in np.flatnonzero(near).tolist():
                out[i] = int(
                    min(
                        max(hp.prob_to_value(float(u[i])), hp.min_value),
                        hp.max_value,
                    )
                )
            return out
        # An unknown HyperParameter subclass: fall back to its own mapping.
        out[:] = [native(hp.prob_to_value(p)) for p in u.tolist()]
        return out

    # ---------------------------------------------------------------- encode
    def encode(self, values: Mapping[str, Any]) -> NDArray[np.float64]:
        """Maps one value dict to its unit-cube point.

        Uses each hyperparameter's ``value_to_prob`` (the bucket centre for
        grids and choices). Inactive or missing hyperparameters take the
        position of their default, as KerasTuner's Bayesian oracle does.

        Args:
            values: A value dict (canonical values are expected; use
                :meth:`canonicalize` first for user input).

        Returns:
            Array of shape ``(dimension,)`` in ``[0, 1]``.
        """
        active = self._active_names(values)
        coords = []
        for hp, size in zip(self.tunable, self._grid_sizes, strict=True):
            if hp.name in active and hp.name in values:
                value = values[hp.name]
            else:
                value = hp.default
            if size:  # a stepped Int or Float: the bucket of the nearest value
                index = nearest_grid_index(hp, float(value))
                coords.append((index + 0.5) / size)
            else:
                coords.append(float(hp.value_to_prob(value)))
        return np.asarray(coords, dtype=float)

    def encode_many(self, points: Iterable[Mapping[str, Any]]) -> NDArray[Any]:
        """Encodes several value dicts; returns shape ``(n, dimension)``."""
        rows = [self.encode(p) for p in points]
        if not rows:
            return np.zeros((0, self.dimension))
        return np.vstack(rows)

    def _active_names(self, values: Mapping[str, Any]) -> set[str]:
        """Names of the hyperparameters active under ``values``."""
        seen: dict[str, Any] = {}
        active: set[str] = set()
        for hp in self.entries:
            if all(c.is_active(seen) for c in hp.conditions):
                active.add(hp.name)
                if hp.name in values:
                    seen[hp.name] = values[hp.name]
        return active

    # ----------------------------------------------------------- helpers
    #: A hashable key for de-duplication (see :func:`ktseed.points.point_key`).
    point_key = staticmethod(point_key)

    @classmethod
    def unit_cube(cls, dimension: int) -> SpaceCodec:
        """A codec of ``dimension`` floats on ``[0, 1]`` named ``x0, x1...``.

        Decoding is then the identity (up to the clip below 1), which is how
        a raw unit-cube design is looked at on its own.
        """
        from keras_tuner import HyperParameters

        hp = HyperParameters()
        for j in range(dimension):
            hp.Float(f"x{j}", 0.0, 1.0)
        return cls(hp)


__all__ = ["SpaceCodec"]
