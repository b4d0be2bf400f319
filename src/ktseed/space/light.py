"""KerasTuner search spaces read from their JSON config, without KerasTuner.

KerasTuner imports TensorFlow (about 3 s), which ``ktseed preview`` does not
need to read a saved space (``HyperParameters.get_config()``, as in an
``oracle.json``). A parser makes each entry an immutable record,
:class:`Fixed`, :class:`Boolean`, :class:`Choice`, :class:`Int` or
:class:`Float` (the names :func:`~ktseed.space.hp_kind` goes by), with
:class:`Parent` conditions; :func:`light_codec` hands them to the ordinary
:class:`~ktseed.space.SpaceCodec`. They answer as KerasTuner 1.4's do, value
and type, quirks included (``Choice([True, False])`` holds ``[1, 0]``, a
``Float`` keeps ``step`` as written, an ``Int`` without a step gets step 1
only if its sampling is spelled ``"linear"``), as ``tests/test_space_light.py``
checks. A config the parser is not sure to read as KerasTuner does raises
:class:`UnsupportedSpaceError`: callers then ask KerasTuner itself.
(That promise is why the module is longer than ktseed's others: about a
third of it validates every field explicitly, with its own message.)
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import TypeAlias

from ktseed.space.codec import SpaceCodec
from ktseed.space.hyperparameters import grid_size
from ktseed.space.hyperparameters import is_number

#: A value a hyperparameter or a condition can hold.
Scalar: TypeAlias = bool | int | float | str

_SCALAR_TYPES = (bool, int, float, str)
_SCALES = ("linear", "log", "reverse_log")


class UnsupportedSpaceError(ValueError):
    """A space config this module leaves to KerasTuner to read or reject."""


# --------------------------------------------------- unit-interval arithmetic
# A continuous range is scaled: linear low + p (high - low), log
# low (high/low)^p, and reverse-log, the log scale mirrored to be dense near
# high, high + low - low (high/low)^(1-p). Grids and choices split [0, 1]
# into n equal buckets; a value maps back to the centre of its bucket.


def _bucket(p: float, n: int) -> int:
    """Bucket ``floor(p / (1 / n))`` of ``p``, at most the last (1.0's)."""
    return min(max(math.floor(p / (1 / n)), 0), n - 1)


def _bucket_centre(position: float, n: int) -> float:
    """The coordinate ``position`` and a half bucket widths from 0."""
    return (position + 0.5) * (1 / n)


def _scaled(p: float, low: float, high: float, scale: str) -> float:
    """The point a fraction ``p`` of the way from ``low`` to ``high``."""
    if scale == "linear":
        return low + p * (high - low)
    ratio = high / low
    if scale == "log":
        return low * math.pow(ratio, p)
    return (high + low) - low * math.pow(ratio, 1 - p)


def _unscaled(x: float, low: float, high: float, scale: str) -> float:
    """The inverse of :func:`_scaled`; 0.5 when the range is one point."""
    if high == low:
        return 0.5
    if scale == "linear":
        return (x - low) / (high - low)
    span = math.log(high / low)
    if scale == "log":
        return math.log(x / low) / span
    return 1.0 - math.log((high + low - x) / low) / span


def _grid_point(hp: _Range, index: int) -> Any:
    """The ``index``-th value of a step grid.

    ``min_value`` plus (linear; an ``Int``'s stay integers) or times (log)
    ``index`` steps, or the log grid mirrored from ``max_value`` down.
    """
    step: Any = hp.step
    if hp.sampling == "linear":
        return hp.min_value + index * step
    growth = math.pow(step, index)
    if hp.sampling == "log":
        return hp.min_value * growth
    return (hp.max_value + hp.min_value) - hp.min_value * growth


def _grid_position(hp: _Range, value: Any) -> Any:
    """Steps from the first grid value to ``value`` (linear: floored)."""
    step: Any = hp.step
    if hp.sampling == "linear":
        return (value - hp.min_value) // step
    if hp.sampling == "log":
        return math.log(value / hp.min_value, step)
    return math.log((hp.max_value - value + hp.min_value) / hp.min_value, step)


# ---------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Parent:
    """A condition: hyperparameter ``name`` has a value in ``accepted``."""

    name: str
    accepted: tuple[Scalar, ...]

    @property
    def values(self) -> list[Scalar]:
        """The accepted parent values, as a list (KerasTuner's form)."""
        return list(self.accepted)

    def is_active(self, values: Mapping[str, Any]) -> bool:
        """Whether ``values`` gives the parent one of the accepted values."""
        return self.name in values and values[self.name] in self.accepted

    def get_config(self) -> dict[str, Any]:
        """The condition's config, as KerasTuner writes it."""
        return {"name": self.name, "values": self.values}


_Conditions: TypeAlias = tuple[Parent, ...]


@dataclass(frozen=True, slots=True)
class _Record:
    """What every record shares: a name, conditions, draws and its config.

    ``name`` and ``conditions`` are every record's first two fields, as
    they are every KerasTuner hyperparameter's. ``_CONFIG``: its config
    keys in KerasTuner's order; ``_SOURCES``: the attribute behind a key
    spelled otherwise.
    """

    _CONFIG: ClassVar[tuple[str, ...]]
    _SOURCES: ClassVar[Mapping[str, str]] = {}
    name: str
    conditions: _Conditions

    def prob_to_value(self, prob: float) -> Any:
        """Maps a unit-interval coordinate to a value."""
        raise NotImplementedError

    def random_sample(self, seed: int | None = None) -> Any:
        """The value at a coordinate drawn by ``random.Random(seed)``."""
        return self.prob_to_value(random.Random(seed).random())

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        config = {
            k: getattr(self, self._SOURCES.get(k, k)) for k in self._CONFIG
        }
        config["conditions"] = [
            {"class_name": "Parent", "config": c.get_config()}
            for c in self.conditions
        ]
        return config


@dataclass(frozen=True, slots=True)
class Fixed(_Record):
    """A hyperparameter with one value; it takes no unit-cube coordinate."""

    _CONFIG = ("name", "conditions", "value")
    value: Scalar

    @property
    def default(self) -> Scalar:
        """The fixed value."""
        return self.value

    @property
    def values(self) -> tuple[Scalar]:
        """The one possible value."""
        return (self.value,)

    def prob_to_value(self, prob: float) -> Scalar:
        """The fixed value, whatever ``prob``."""
        return self.value

    def value_to_prob(self, value: Any) -> float:
        """The middle of the unit interval."""
        return 0.5


@dataclass(frozen=True, slots=True)
class Boolean(_Record):
    """``True`` or ``False``; the upper half of ``[0, 1]`` is ``True``."""

    _CONFIG = ("name", "default", "conditions")
    default: bool

    @property
    def values(self) -> tuple[bool, bool]:
        """``(True, False)``."""
        return (True, False)

    def prob_to_value(self, prob: float) -> bool:
        """``True`` from 0.5 up."""
        return bool(prob >= 0.5)

    def value_to_prob(self, value: Any) -> float:
        """The middle of the value's half of the unit interval."""
        return 0.75 if value else 0.25


@dataclass(frozen=True, slots=True)
class Choice(_Record):
    """One of a list of values, each owning an equal bucket of ``[0, 1]``."""

    _CONFIG = ("name", "default", "conditions", "values", "ordered")
    choices: tuple[Scalar, ...]
    default: Scalar
    ordered: bool

    @property
    def values(self) -> list[Scalar]:
        """The choices, as a list (KerasTuner's form)."""
        return list(self.choices)

    def prob_to_value(self, prob: float) -> Scalar:
        """The choice whose bucket holds ``prob``."""
        return self.choices[_bucket(prob, len(self.choices))]

    def value_to_prob(self, value: Any) -> float:
        """The centre of ``value``'s bucket (ValueError if not a choice)."""
        return _bucket_centre(self.choices.index(value), len(self.choices))


class _Range(_Record):
    """What :class:`Int` and :class:`Float` share: a scaled range or a grid.

    An integer ``i`` owns the cell ``[i, i + 1)``: without a step, an
    ``Int`` scales ``[min_value, max_value + 1)`` and truncates, and maps an
    integer back from the middle of its cell.
    """

    __slots__ = ()
    _CONFIG = (
        *("name", "default", "conditions"),
        *("min_value", "max_value", "step", "sampling"),
    )
    _INTEGER: ClassVar[bool]
    min_value: Any
    max_value: Any
    step: Any
    sampling: str

    @property
    def values(self) -> Any:
        """The grid (a generator), or ten spread values (a tuple).

        Without a step: the distinct values at the centres of ten equal
        slices of the unit interval.
        """
        if self.step is None:
            return tuple(
                {self.prob_to_value(0.1 * i + 0.05) for i in range(10)}
            )
        return (_grid_point(self, i) for i in range(grid_size(self)))

    def prob_to_value(self, prob: float) -> Any:
        """The number at coordinate ``prob``."""
        if self.step is not None:
            value = _grid_point(self, _bucket(prob, grid_size(self)))
        else:
            top = self.max_value + 1 if self._INTEGER else self.max_value
            value = _scaled(prob, self.min_value, top, self.sampling)
        return int(value) if self._INTEGER else value

    def value_to_prob(self, value: Any) -> float:
        """Its grid bucket's centre, or where it (or its cell) is on a scale."""
        if self.step is not None:
            position = _grid_position(self, value)
            return _bucket_centre(position, grid_size(self))
        top = self.max_value
        if self._INTEGER:
            value, top = value + 0.5, top + 1
        return _unscaled(value, self.min_value, top, self.sampling)


@dataclass(frozen=True, slots=True)
class Int(_Range):
    """An integer range; ``declared_default`` is the config's (or None)."""

    _INTEGER = True
    _SOURCES = {"default": "declared_default"}  # noqa: RUF012 - read only
    min_value: int
    max_value: int
    step: int | None
    sampling: str
    declared_default: int | float | None

    @property
    def default(self) -> int | float:
        """The declared default, or ``min_value``."""
        if self.declared_default is None:
            return self.min_value
        return self.declared_default


@dataclass(frozen=True, slots=True)
class Float(_Range):
    """A float range (``step`` as written)."""

    _INTEGER = False
    min_value: float
    max_value: float
    step: int | float | None
    sampling: str
    default: int | float


#: Any hyperparameter record of this module.
Hyperparameter: TypeAlias = Fixed | Boolean | Choice | Int | Float


# ----------------------------------------------------------------- parser
class _Entry:
    """One config mapping while it is read, for messages that say where."""

    def __init__(self, where: str, config: Mapping[str, Any]) -> None:
        self.where = where
        self.config = config

    def fail(self, expected: str, **got: Any) -> UnsupportedSpaceError:
        """The error for a config that is not what was ``expected``."""
        shown = ", ".join(f"{k}={v!r}" for k, v in got.items())
        return UnsupportedSpaceError(f"{self.where}: {expected} (got {shown}).")

    def number(self, key: str, *, whole: bool = False) -> Any:
        """The finite int or float (not bool) under ``key``; or an int."""
        value = self.config[key]
        if not (is_number(value) and math.isfinite(value)):
            expected = f"`{key}` must be a finite number"
            raise self.fail(expected, **{key: value})
        if whole and value != int(value):
            expected = f"`{key}` must be a whole number"
            raise self.fail(expected, **{key: value})
        return int(value) if whole else value

    def range(self, *, whole: bool) -> tuple[Any, Any, Any, str, Any]:
        """An ``Int``'s or a ``Float``'s bounds, step, scale and default."""
        low = self.number("min_value", whole=whole)
        high = self.number("max_value", whole=whole)
        given = self.config.get("sampling", "linear")
        scale = "linear" if given is None else given
        if not (isinstance(scale, str) and scale.lower() in _SCALES):
            expected = f"`sampling` must be one of {_SCALES} (any case)"
            raise self.fail(expected, sampling=given)
        scale = scale.lower()
        step = None
        if self.config.get("step") is not None:
            step = self.number("step", whole=whole)
        elif whole and given == "linear":  # exactly so, as KerasTuner reads
            step = 1
        if low > high:
            expected = "`min_value` must not exceed `max_value`"
            raise self.fail(expected, min_value=low, max_value=high)
        if scale != "linear" and low <= 0:
            expected = f"`min_value` must be positive with sampling={scale!r}"
            raise self.fail(expected, min_value=low)
        least = 0 if scale == "linear" else 1
        if step is not None and step <= least:
            expected = f"`step` must exceed {least} with sampling={scale!r}"
            raise self.fail(expected, step=step)
        has_default = self.config.get("default") is not None
        default = self.number("default") if has_default else None
        return low, high, step, scale, default


def _read_int(entry: _Entry, name: str, conditions: _Conditions) -> Int:
    return Int(name, conditions, *entry.range(whole=True))


def _read_float(entry: _Entry, name: str, conditions: _Conditions) -> Float:
    low, high, step, scale, default = entry.range(whole=False)
    default = float(low) if default is None else default
    return Float(
        name, conditions, float(low), float(high), step, scale, default
    )


def _like(kind: type, value: Any) -> Any:
    """``value`` as a ``Choice`` of ``kind`` stores it; None if it cannot."""
    if kind is str:
        return value if isinstance(value, str) else None
    if kind is float:
        return value if is_number(value) else None
    if isinstance(value, (bool, int)) or (
        isinstance(value, float) and value.is_integer()
    ):
        return int(value)  # a bool Choice holds ints, as KerasTuner's does
    return None


def _read_choice(entry: _Entry, name: str, conditions: _Conditions) -> Choice:
    given = entry.config["values"]
    kind = type(given[0]) if isinstance(given, list) and given else None
    if kind not in _SCALAR_TYPES or any(type(v) is not kind for v in given):
        expected = "`values` must be a non-empty list of one scalar type"
        raise entry.fail(expected, values=given)
    choices = tuple(_like(kind, v) for v in given)
    declared = entry.config.get("default")
    default = choices[0] if declared is None else _like(kind, declared)
    if default is None or default not in choices:
        expected = "`default` must be one of `values`"
        raise entry.fail(expected, default=declared)
    numeric = kind is not str
    ordered = entry.config.get("ordered")
    if ordered is None:
        ordered = numeric
    elif not isinstance(ordered, bool) or (ordered and not numeric):
        expected = "`ordered` must be None or a bool, and False for strings"
        raise entry.fail(expected, ordered=ordered)
    return Choice(name, conditions, choices, default, ordered)


def _read_boolean(entry: _Entry, name: str, conditions: _Conditions) -> Boolean:
    default = entry.config.get("default", False)
    if not isinstance(default, bool):
        expected = "`default` must be True or False"
        raise entry.fail(expected, default=default)
    return Boolean(name, conditions, default)


def _read_fixed(entry: _Entry, name: str, conditions: _Conditions) -> Fixed:
    value = entry.config["value"]
    if type(value) not in _SCALAR_TYPES:
        expected = "`value` must be a bool, int, float or str"
        raise entry.fail(expected, value=value)
    return Fixed(name, conditions, value)


_Reader: TypeAlias = Callable[[_Entry, str, _Conditions], Any]
_RANGE_KEYS = ({"min_value", "max_value"}, {"step", "sampling", "default"})
#: Per class name: its reader, its required and its optional config keys.
_READERS: dict[str, tuple[_Reader, set[str], set[str]]] = {
    "Fixed": (_read_fixed, {"value"}, set()),
    "Boolean": (_read_boolean, set(), {"default"}),
    "Choice": (_read_choice, {"values"}, {"ordered", "default"}),
    "Int": (_read_int, *_RANGE_KEYS),
    "Float": (_read_float, *_RANGE_KEYS),
}


def _read_parent(entry: _Entry, index: int, condition: Any) -> Parent:
    where = f"condition {index}"
    is_map = isinstance(condition, Mapping)
    config = condition.get("config") if is_map else None
    if not is_map or condition.get("class_name") != "Parent":
        expected = f"{where} must be a 'Parent'"
        raise entry.fail(expected, condition=condition)
    if not isinstance(config, Mapping) or set(config) != {"name", "values"}:
        expected = f"{where} must have a config of 'name' and 'values'"
        raise entry.fail(expected, config=config)
    given = config["values"]
    accepted = tuple(given) if isinstance(given, list) else (given,)
    # Of one type, which KerasTuner leaves as it is.
    first = type(accepted[0]) if accepted else None
    if first not in _SCALAR_TYPES or any(
        type(v) is not first for v in accepted
    ):
        expected = f"{where} must accept values of one scalar type"
        raise entry.fail(expected, values=given)
    if not isinstance(config["name"], str):
        expected = f"{where} must name a str"
        raise entry.fail(expected, name=config["name"])
    return Parent(config["name"], accepted)


def _read_hyperparameter(index: int, item: Any) -> Hyperparameter:
    entry = _Entry(f"space entry {index}", {})
    class_name = item.get("class_name") if isinstance(item, Mapping) else None
    config = item.get("config") if isinstance(item, Mapping) else None
    spec = _READERS.get(class_name) if isinstance(class_name, str) else None
    if spec is None or not isinstance(config, Mapping):
        expected = f"`class_name` must be one of {sorted(_READERS)}"
        expected += ", beside a `config` mapping"
        raise entry.fail(expected, entry=item)
    reader, required, optional = spec
    entry.where += f" ({class_name} {config.get('name')!r})"
    entry.config = config
    required = required | {"name", "conditions"}
    if not required <= set(config) <= required | optional:
        expected = f"its config must hold {sorted(required)}, and only"
        expected += f" keys of {sorted(required | optional)}"
        raise entry.fail(expected, keys=sorted(config))
    name, conditions = config["name"], config["conditions"]
    if not isinstance(name, str) or not isinstance(conditions, list):
        expected = "`name` must be a str and `conditions` a list"
        raise entry.fail(expected, name=name, conditions=conditions)
    parents = tuple(_read_parent(entry, i, c) for i, c in enumerate(conditions))
    record: Hyperparameter = reader(entry, name, parents)
    return record


# ------------------------------------------------------------------ space
class HyperParameters:
    """What :class:`~ktseed.space.SpaceCodec` reads of a KerasTuner space.

    Args:
        space: The hyperparameter records, in declaration order.
        values: The current values, by name (copied).
    """

    def __init__(
        self, space: Iterable[Hyperparameter], values: Mapping[str, Any]
    ) -> None:
        self._space = tuple(space)
        self.values: dict[str, Any] = copy.deepcopy(dict(values))

    @property
    def space(self) -> list[Hyperparameter]:
        """Every hyperparameter, in declaration order."""
        return list(self._space)

    def get_config(self) -> dict[str, Any]:
        """The config, as ``keras_tuner.HyperParameters.get_config()``."""
        return {
            "space": [
                {"class_name": type(hp).__name__, "config": hp.get_config()}
                for hp in self._space
            ],
            "values": copy.deepcopy(self.values),
        }

    @classmethod
    def from_config(cls, config: Any) -> HyperParameters:
        """Reads ``HyperParameters.get_config()`` output (left unchanged).

        Raises:
            UnsupportedSpaceError: If ``config`` is not one this module is
                sure to read as KerasTuner does; let KerasTuner read it.
        """
        is_map = isinstance(config, Mapping)
        space = config.get("space") if is_map else None
        values = config.get("values") if is_map else None
        if not isinstance(space, list) or not isinstance(values, Mapping):
            expected = "a mapping with a 'space' list and a 'values' mapping"
            raise _Entry("space config", {}).fail(expected, config=config)
        entries = [_read_hyperparameter(i, e) for i, e in enumerate(space)]
        return cls(entries, values)

    def copy(self) -> HyperParameters:
        """A copy: the records are immutable, the values are copied."""
        return HyperParameters(self._space, self.values)


def light_codec(config: Mapping[str, Any]) -> SpaceCodec:
    """A :class:`~ktseed.space.SpaceCodec` for a config, without KerasTuner.

    Args:
        config: ``HyperParameters.get_config()`` output.

    Raises:
        UnsupportedSpaceError: If only KerasTuner can read ``config``.
    """
    return SpaceCodec(HyperParameters.from_config(config))


#: The former name of the KerasTuner-free codec; ``SpaceCodec`` itself now
#: takes this module's spaces.
LightSpaceCodec = SpaceCodec

__all__ = [
    "Boolean",
    "Choice",
    "Fixed",
    "Float",
    "Int",
    "Parent",
    "Hyperparameter",
    "HyperParameters",
    "Scalar",
    "UnsupportedSpaceError",
    "light_codec",
    "LightSpaceCodec",
]
