"""The unit-cube codec: KerasTuner search spaces to and from ``[0, 1)^d``.

A :class:`SpaceCodec` wraps a ``keras_tuner.HyperParameters`` search space and
gives every initializer, oracle and benchmark one shared mapping:

* :meth:`SpaceCodec.decode` turns points of the unit cube into complete,
  canonical value dicts (one coordinate per non-``Fixed`` hyperparameter, in
  the order of ``HyperParameters.space``, exactly as KerasTuner's own
  Bayesian oracle lays out its vectors);
* :meth:`SpaceCodec.encode` is the inverse, through each hyperparameter's own
  ``value_to_prob``;
* :meth:`SpaceCodec.canonicalize` and :meth:`SpaceCodec.validate` check user
  values (fixed points, CSV rows, prior runs) against the space and snap them
  to the form KerasTuner itself produces (``64.0`` becomes ``64`` for an
  ``Int``; a value on a ``Float`` step grid becomes the grid's own float).

Decoding is vectorised per dimension with NumPy. It reproduces KerasTuner's
``prob_to_value`` formulas (bucketed grids for ``Int``/``Choice``/stepped
``Float``, linear/log/reverse-log scaling for continuous ones); the test
suite checks the two agree value for value. Conditional hyperparameters are
active exactly when KerasTuner's ``HyperParameters.is_active`` would say so.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import numpy as np

from ktseed.errors import InvalidValueError
from ktseed.points import point_key

if TYPE_CHECKING:
    import keras_tuner
    from numpy.typing import ArrayLike
    from numpy.typing import NDArray

#: Largest unit-cube coordinate used when decoding. KerasTuner maps 1.0 past
#: the range for some hyperparameters (``Int(sampling="log")`` without a step
#: returns ``max_value + 1``), so coordinates are clipped just below 1.
UPPER_COORDINATE = 1.0 - 1e-9

#: Relative tolerance when matching a float against a grid value or choice.
FLOAT_RTOL = 1e-9

Values = dict[str, Any]
OnInactive = Literal["drop", "raise"]


def _hp_classes() -> Any:
    from keras_tuner.engine import hyperparameters as hp_module

    return hp_module


def hp_kind(hp: Any) -> str:
    """The KerasTuner type name of ``hp``: ``"Int"``, ``"Float"``, ...

    Args:
        hp: A KerasTuner hyperparameter.

    Returns:
        ``"Fixed"``, ``"Boolean"``, ``"Choice"``, ``"Int"``, ``"Float"``, or
        the class name of any other hyperparameter type.
    """
    hp_module = _hp_classes()
    for kind in ("Fixed", "Boolean", "Choice", "Int", "Float"):
        if isinstance(hp, getattr(hp_module, kind)):
            return kind
    return type(hp).__name__


def describe_hp(hp: Any) -> str:
    """A short human description of what ``hp`` accepts, for messages.

    Args:
        hp: A KerasTuner hyperparameter.

    Returns:
        For example ``"an integer in [32, 512] on the linear grid with step
        32"`` or ``"one of ['relu', 'tanh']"``.
    """
    kind = hp_kind(hp)
    if kind == "Fixed":
        return f"the fixed value {hp.value!r}"
    if kind == "Boolean":
        return "True or False"
    if kind == "Choice":
        return f"one of {list(hp.values)!r}"
    if kind in ("Int", "Float"):
        number = "an integer" if kind == "Int" else "a float"
        grid = ""
        if hp.step is not None and not (kind == "Int" and hp.step == 1):
            grid = f" on the {hp.sampling} grid with step {hp.step}"
        elif hp.sampling != "linear":
            grid = f" ({hp.sampling} scale)"
        return f"{number} in [{hp.min_value}, {hp.max_value}]{grid}"
    return f"a value accepted by {type(hp).__name__}"


def _native(value: Any) -> Any:
    """Converts NumPy scalars to the matching Python type."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def grid_size(hp: Any) -> int:
    """Number of values on a stepped numerical grid (KerasTuner's rule)."""
    if hp.sampling == "linear":
        return int((hp.max_value - hp.min_value) // hp.step + 1)
    return int(math.log(hp.max_value / hp.min_value, hp.step) + 1e-8) + 1


def _nearest_grid_index(hp: Any, value: float) -> int:
    """Index of the grid value of a stepped ``Int``/``Float`` nearest ``value``.

    KerasTuner's own ``value_to_prob`` floors the index, so a float such as
    ``0.3`` on a ``0.1`` grid lands in bucket 2 through round-off; rounding
    to the nearest index is robust to that.
    """
    if hp.sampling == "linear":
        raw = (value - hp.min_value) / hp.step
    elif hp.sampling == "log":
        raw = math.log(value / hp.min_value) / math.log(hp.step)
    else:  # reverse_log
        raw = math.log(
            (hp.max_value + hp.min_value - value) / hp.min_value
        ) / math.log(hp.step)
    index: int = min(max(round(raw), 0), grid_size(hp) - 1)
    return index


def _bucket_index(u: NDArray[np.float64], n: int) -> NDArray[np.int64]:
    """Vectorised ``hp_utils.prob_to_index``: ``floor(u / (1 / n))``.

    Written exactly as KerasTuner computes it (dividing by the bucket width
    rather than multiplying by ``n``), so that coordinates on a bucket
    boundary, such as 0.6 with 5 buckets, land in the same bucket.
    """
    index = np.floor(u / (1 / n)).astype(np.int64)
    return np.minimum(index, n - 1)


def tidy_float(value: float) -> float:
    """``value`` without the round-off noise of grid arithmetic.

    KerasTuner computes grid values as ``min + index * step`` (or
    ``min * step ** index``), which leaves noise in the last digits:
    ``0.1 + 2 * 0.1`` is ``0.30000000000000004``. The value a person would
    write, the shortest decimal of at most 15 significant digits, is used
    when it lies within 4 units in the last place of the computed one; any
    other value is returned unchanged.

    Examples:
        >>> tidy_float(0.1 + 2 * 0.1)
        0.3
        >>> tidy_float(1 / 3)
        0.3333333333333333
    """
    if not math.isfinite(value) or value == 0.0:
        return value
    candidate = float(f"{value:.15g}")
    if abs(candidate - value) <= 4 * math.ulp(value):
        return candidate
    return value


def _grid_value(hp: Any, index: int) -> Any:
    """The grid value at ``index``, from KerasTuner's own ``prob_to_value``.

    KerasTuner's reverse-log grids can overshoot the range end by one unit
    in the last place (``Float(0.001, 0.00125, step=2, "reverse_log")``
    gives 0.0012500000000000002); the value is clipped to the range. Float
    grid values lose KerasTuner's round-off noise (:func:`tidy_float`), so
    ``Float("d", 0.1, 0.5, step=0.1)`` has the grid value ``0.3``, as a
    user writes it.
    """
    value = hp.prob_to_value((index + 0.5) / grid_size(hp))
    value = type(value)(min(max(value, hp.min_value), hp.max_value))
    if isinstance(value, float):
        return min(max(tidy_float(value), hp.min_value), hp.max_value)
    return value


class SpaceCodec:
    """Maps a KerasTuner search space to and from the unit cube.

    Args:
        hyperparameters: The search space. The codec keeps a copy, so later
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
        hp_module = _hp_classes()
        self.tunable: list[Any] = [
            hp for hp in self.entries if not isinstance(hp, hp_module.Fixed)
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
        u = np.clip(u, 0.0, UPPER_COORDINATE)
        n = u.shape[0]

        # Per name: the current value column and where it is set, updated in
        # declaration order exactly as KerasTuner's `_random_values` does.
        current: dict[str, NDArray[Any]] = {}
        present: dict[str, NDArray[np.bool_]] = {}
        column = 0
        for hp in self.entries:
            if hp_kind(hp) == "Fixed":
                values = np.empty(n, dtype=object)
                values[:] = [hp.value] * n
            else:
                values = self._decode_column(hp, u[:, column])
                column += 1
            active = np.ones(n, dtype=bool)
            for condition in hp.conditions:
                active &= self._condition_mask(condition, current, present, n)
            if hp.name not in current:
                current[hp.name] = np.empty(n, dtype=object)
                present[hp.name] = np.zeros(n, dtype=bool)
            current[hp.name][active] = values[active]
            present[hp.name] |= active

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

    @staticmethod
    def _condition_mask(
        condition: Any,
        current: Mapping[str, NDArray[Any]],
        present: Mapping[str, NDArray[np.bool_]],
        n: int,
    ) -> NDArray[np.bool_]:
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
            index = _bucket_index(u, len(choices))
            out[:] = [choices[i] for i in index.tolist()]
            return out
        if kind in ("Int", "Float") and hp.step is not None:
            size = grid_size(hp)
            index = _bucket_index(u, size)
            if hp.sampling == "linear" and kind == "Int":
                # Same integer arithmetic as KerasTuner's `min + index * step`.
                out[:] = (hp.min_value + index * int(hp.step)).tolist()
            else:
                # Map each distinct index through KerasTuner's own
                # prob_to_value (then tidied), so values match it exactly.
                unique, inverse = np.unique(index, return_inverse=True)
                table = [_grid_value(hp, int(i)) for i in unique.tolist()]
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
        out[:] = [_native(hp.prob_to_value(p)) for p in u.tolist()]
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
        for hp in self.tunable:
            value = values[hp.name] if hp.name in active else hp.default
            coords.append(self._encode_value(hp, value))
        return np.asarray(coords, dtype=float)

    def encode_many(self, points: Iterable[Mapping[str, Any]]) -> NDArray[Any]:
        """Encodes several value dicts; returns shape ``(n, dimension)``."""
        rows = [self.encode(p) for p in points]
        if not rows:
            return np.zeros((0, self.dimension))
        return np.vstack(rows)

    @staticmethod
    def _encode_value(hp: Any, value: Any) -> float:
        kind = hp_kind(hp)
        if kind in ("Int", "Float") and hp.step is not None:
            index = _nearest_grid_index(hp, float(value))
            return (index + 0.5) / grid_size(hp)
        return float(hp.value_to_prob(value))

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

    # ------------------------------------------------------- canonicalize
    def defaults(self) -> Values:
        """The complete point made of every hyperparameter's default."""
        return self.canonicalize({}, fill_defaults=True)

    def canonicalize(
        self,
        values: Mapping[str, Any],
        *,
        fill_defaults: bool = False,
        on_inactive: OnInactive = "drop",
        where: str = "",
    ) -> Values:
        """Checks user values against the space; snaps them to canonical form.

        Canonical means what KerasTuner itself would produce: native Python
        types, ``Int`` values as ``int``, grid values exactly as the grid's
        ``prob_to_value`` yields them, choices as the ``Choice``'s own value.

        Args:
            values: Mapping of hyperparameter name to value. NumPy scalars
                are accepted.
            fill_defaults: Fill active hyperparameters missing from
                ``values`` with their default. ``Fixed`` ones are always
                filled. Without it a missing active value is an error.
            on_inactive: What to do with a value given for a hyperparameter
                that is inactive under the other values: ``"drop"`` it or
                ``"raise"``.
            where: Prefix for error messages naming the source, for example
                ``"fixed point 2"`` or ``"trials.csv, row 7"``.

        Returns:
            A new dict with exactly the active hyperparameters, in
            declaration order.

        Raises:
            InvalidValueError: For an unknown name, a missing value, a value
                of the wrong type, outside the range, off the grid or not
                among the choices, or (with ``on_inactive="raise"``) a value
                for an inactive hyperparameter. The message names the
                hyperparameter, the value and what was expected.
        """
        prefix = f"{where}: " if where else ""
        for name in values:
            if name not in self._names:
                raise InvalidValueError(
                    self._unknown_name_message(name, prefix),
                    hp_name=str(name),
                    value=values[name],
                )
        result: Values = {}
        consumed: set[str] = set()
        for hp in self.entries:
            if not all(c.is_active(result) for c in hp.conditions):
                continue
            if hp.name in values:
                result[hp.name] = self.canonical_value(
                    hp, values[hp.name], where=where
                )
                consumed.add(hp.name)
            elif fill_defaults or hp_kind(hp) == "Fixed":
                result[hp.name] = self.default_value(hp)
            else:
                msg = (
                    f"{prefix}hyperparameter '{hp.name}' is active but has "
                    f"no value; expected {describe_hp(hp)}. Give a value or "
                    "let ktseed fill in the default."
                )
                raise InvalidValueError(msg, hp_name=hp.name)
        if on_inactive == "raise":
            for name in values:
                if name not in consumed:
                    msg = (
                        f"{prefix}hyperparameter '{name}' got "
                        f"{values[name]!r} but is inactive: "
                        f"{self._inactive_reason(name, result)}. Remove the "
                        "value or change its parent."
                    )
                    raise InvalidValueError(
                        msg, hp_name=name, value=values[name]
                    )
        return {name: result[name] for name in self._names if name in result}

    def validate(self, values: Mapping[str, Any], *, where: str = "") -> None:
        """Checks that ``values`` is a complete, canonical point of the space.

        This is the form KerasTuner should receive: every active
        hyperparameter present, nothing else, every value already canonical
        (``64`` rather than ``64.0`` for an ``Int``).

        Args:
            values: The point to check.
            where: Prefix for error messages naming the source.

        Raises:
            InvalidValueError: Naming the first problem found.
        """
        prefix = f"{where}: " if where else ""
        canonical = self.canonicalize(
            values, fill_defaults=False, on_inactive="raise", where=where
        )
        for name, value in canonical.items():
            given = values[name]
            if type(given) is not type(value) or given != value:
                msg = (
                    f"{prefix}hyperparameter '{name}' got {given!r} "
                    f"({type(given).__name__}), which is not in canonical "
                    f"form; expected {value!r} ({type(value).__name__}). "
                    "Pass the point through `SpaceCodec.canonicalize`."
                )
                raise InvalidValueError(msg, hp_name=name, value=given)

    def is_valid(self, values: Mapping[str, Any]) -> bool:
        """Whether :meth:`validate` accepts ``values``."""
        try:
            self.validate(values)
        except InvalidValueError:
            return False
        return True

    def clip(self, values: Mapping[str, Any]) -> Values:
        """``values`` brought into the space, never refused.

        For values made by a sampler rather than a person (KerasTuner's own
        random draws and GP steps): NumPy scalars become Python ones,
        numbers outside a hyperparameter's range are clipped to it
        (KerasTuner's ``prob_to_value(1.0)`` of a log ``Int`` without a step
        is ``max_value + 1``), numbers are snapped to the nearest grid value
        (``Int`` values become ``int``), and float grid values lose their
        round-off noise. Names that are not hyperparameters of the space
        (Hyperband's ``tuner/*`` keys) and non-numeric values pass through.

        Args:
            values: A value dict.

        Returns:
            A new dict, same keys, same order.
        """
        first: dict[str, Any] = {}
        for hp in self.entries:
            first.setdefault(hp.name, hp)
        out: Values = {}
        for name, raw in values.items():
            value = _native(raw)
            hp = first.get(name)
            kind = hp_kind(hp) if hp is not None else ""
            if kind in ("Int", "Float") and _is_number(value):
                value = self._clip_number(hp, kind, float(value))
            out[name] = value
        return out

    @staticmethod
    def _clip_number(hp: Any, kind: str, value: float) -> int | float:
        if not math.isfinite(value):
            value = hp.max_value if value > 0 else hp.min_value
        value = min(max(value, hp.min_value), hp.max_value)
        if hp.step is not None:
            snapped = _grid_value(hp, _nearest_grid_index(hp, value))
            return int(snapped) if kind == "Int" else float(snapped)
        if kind == "Int":
            return round(value)
        return float(value)

    def default_value(self, hp: Any) -> Any:
        """The canonical default of ``hp`` (``Fixed``: its value).

        KerasTuner accepts defaults that are off the hyperparameter's own
        grid (``Int(1, 100, step=2, sampling="reverse_log")`` defaults to 1,
        which its grid never produces); such a default is snapped to the
        nearest grid value.
        """
        kind = hp_kind(hp)
        if kind == "Fixed":
            return _native(hp.value)
        default = _native(hp.default)
        if kind in ("Int", "Float") and hp.step is not None:
            clipped = min(max(default, hp.min_value), hp.max_value)
            snapped = _grid_value(hp, _nearest_grid_index(hp, float(clipped)))
            return int(snapped) if kind == "Int" else float(snapped)
        return self.canonical_value(hp, default)

    def canonical_value(self, hp: Any, value: Any, *, where: str = "") -> Any:
        """Canonical form of one value for one hyperparameter.

        Args:
            hp: A hyperparameter of this space.
            value: The value to check.
            where: Prefix for error messages naming the source.

        Returns:
            The value as KerasTuner would produce it.

        Raises:
            InvalidValueError: If the value does not fit ``hp``.
        """
        value = _native(value)
        kind = hp_kind(hp)
        prefix = f"{where}: " if where else ""

        def fail(reason: str) -> InvalidValueError:
            msg = (
                f"{prefix}hyperparameter '{hp.name}' ({kind}) got "
                f"{value!r}: {reason}; expected {describe_hp(hp)}."
            )
            return InvalidValueError(msg, hp_name=hp.name, value=value)

        if kind == "Fixed":
            return self._canonical_fixed(hp, value, fail)
        if kind == "Boolean":
            if not isinstance(value, bool):
                raise fail(f"wrong type {type(value).__name__}")
            return value
        if kind == "Choice":
            return self._canonical_choice(hp, value, fail)
        if kind in ("Int", "Float"):
            return self._canonical_number(hp, kind, value, fail)
        # Unknown HyperParameter subclass: trust its own round trip.
        try:
            return _native(hp.prob_to_value(hp.value_to_prob(value)))
        except Exception as error:
            raise fail(str(error)) from error

    @staticmethod
    def _canonical_fixed(hp: Any, value: Any, fail: Any) -> Any:
        fixed = hp.value
        if _is_number(fixed) and _is_number(value):
            if math.isclose(fixed, value, rel_tol=FLOAT_RTOL, abs_tol=1e-12):
                return fixed
        elif type(fixed) is type(value) and fixed == value:
            return fixed
        raise fail("not the fixed value")

    @staticmethod
    def _canonical_choice(hp: Any, value: Any, fail: Any) -> Any:
        choices = list(hp.values)
        first = choices[0]
        if isinstance(first, str):
            if not isinstance(value, str):
                raise fail(f"wrong type {type(value).__name__}")
            if value in choices:
                return value
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(f"not one of the choices{hint}")
        if isinstance(first, bool):
            if isinstance(value, bool) and value in choices:
                return value
            raise fail("not one of the choices")
        # Numeric choices. KerasTuner stores Choice([True, False]) as [1, 0],
        # so a bool is accepted only for such 0/1 choices.
        if isinstance(value, bool):
            if set(choices) <= {0, 1}:
                return int(value)
            raise fail("wrong type bool")
        if not _is_number(value):
            raise fail(f"wrong type {type(value).__name__}")
        if not math.isfinite(value):
            raise fail("not a finite number")
        for choice in choices:
            if math.isclose(choice, value, rel_tol=FLOAT_RTOL, abs_tol=1e-12):
                return choice
        raise fail("not one of the choices")

    @staticmethod
    def _canonical_number(hp: Any, kind: str, value: Any, fail: Any) -> Any:
        if not _is_number(value):
            raise fail(f"wrong type {type(value).__name__}")
        if not math.isfinite(value):
            raise fail("not a finite number")
        low, high = hp.min_value, hp.max_value
        if kind == "Int":
            if isinstance(value, float):
                if abs(value - round(value)) > 1e-9:
                    raise fail("not an integer")
                value = round(value)
            if not low <= value <= high:
                raise fail("outside the range")
            if hp.step is None:
                return int(value)
            index = _nearest_grid_index(hp, float(value))
            snapped = _grid_value(hp, index)
            if snapped != value:
                raise fail(f"off the grid (nearest grid value {snapped})")
            return int(snapped)
        # Float
        value = float(value)
        tolerance = FLOAT_RTOL * max(abs(low), abs(high), 1e-12)
        if not low - tolerance <= value <= high + tolerance:
            raise fail("outside the range")
        if hp.step is None:
            return float(min(max(value, low), high))
        index = _nearest_grid_index(hp, value)
        snapped = float(_grid_value(hp, index))
        step_tol = FLOAT_RTOL * max(abs(snapped), abs(float(hp.step)), 1e-12)
        if abs(snapped - value) > max(step_tol, tolerance):
            raise fail(f"off the grid (nearest grid value {snapped!r})")
        return snapped

    # ---------------------------------------------------------- messages
    def _unknown_name_message(self, name: object, prefix: str) -> str:
        close = difflib.get_close_matches(str(name), self._names, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        known = ", ".join(self._names) or "(the space is empty)"
        return (
            f"{prefix}unknown hyperparameter '{name}'; expected one of: "
            f"{known}.{hint}"
        )

    def _inactive_reason(self, name: str, values: Mapping[str, Any]) -> str:
        reasons = []
        for hp in self.entries:
            if hp.name != name:
                continue
            for condition in hp.conditions:
                if not condition.is_active(values):
                    reasons.append(
                        f"it needs '{condition.name}' in "
                        f"{list(condition.values)!r}, got "
                        f"{values.get(condition.name)!r}"
                    )
        return "; ".join(reasons) or "its conditions are not met"

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


#: Prefix of the bookkeeping values Hyperband adds to a trial's values
#: (``tuner/epochs``, ``tuner/round``...); they are not hyperparameters.
TUNER_PREFIX = "tuner/"


def strip_tuner_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without Hyperband's ``tuner/*`` bookkeeping keys."""
    return {k: v for k, v in values.items() if not k.startswith(TUNER_PREFIX)}


def coerce_points(points: Sequence[Mapping[str, Any]]) -> list[Values]:
    """Copies a sequence of value mappings into plain dicts of native values."""
    return [{str(k): _native(v) for k, v in p.items()} for p in points]


__all__ = [
    "TUNER_PREFIX",
    "UPPER_COORDINATE",
    "SpaceCodec",
    "coerce_points",
    "describe_hp",
    "hp_kind",
    "strip_tuner_keys",
]
