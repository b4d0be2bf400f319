"""KerasTuner search spaces as plain dimensions that every peer can map.

A peer (SMAC3, scikit-optimize, Ax, Optuna) has its own search-space
types. :func:`dimensions` reads a ``keras_tuner.HyperParameters`` once
into :class:`Dimension` records, one per hyperparameter, in declaration
order; each peer module turns those into its own types, and
:func:`active_values` turns a peer's raw answer back into the values a
KerasTuner trial would hold. The kinds:

* ``"float"``: a ``Float`` without a step, on ``[low, high]``, log-scaled
  when ``log``;
* ``"int"``: an ``Int`` with step 1, on ``[low, high]``, log-scaled when
  ``log``;
* ``"grid"``: a stepped ``Float`` or an ``Int`` with a step above 1; its
  values are KerasTuner's own grid (``choices``, in order), and a peer
  searches the grid *index*, an integer in ``[0, len(choices) - 1]``, so
  that the order and the spacing of the grid are kept (a log-stepped grid
  is evenly spaced in its index too);
* ``"choice"``: a ``Choice`` (``ordered`` as KerasTuner says: numeric
  choices are ordered) or a ``Boolean`` (``choices == (False, True)``);
* ``"fixed"``: a ``Fixed`` value, never searched.

``conditions`` lists ``(parent, parent_values)`` pairs from
``conditional_scope``; the dimension is active when every parent is active
and has one of its values (KerasTuner's ``Parent`` condition).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ktseed.space.hyperparameters import grid_size
from ktseed.space.hyperparameters import grid_value
from ktseed.space.hyperparameters import hp_kind
from ktseed.space.hyperparameters import native


@dataclass(frozen=True)
class Dimension:
    """One hyperparameter, as the peers see it (see the module docstring).

    Attributes:
        name: The hyperparameter's name.
        kind: ``"float"``, ``"int"``, ``"grid"``, ``"choice"`` or
            ``"fixed"``.
        low: Lower bound (``float``/``int``); 0 for a grid index.
        high: Upper bound (``float``/``int``); the last index of a grid.
        log: Whether a ``float`` or ``int`` is log-scaled.
        choices: The values of a ``choice``, or the grid values.
        ordered: Whether a ``choice`` is ordered.
        conditions: ``(parent, parent_values)`` pairs.
        value: The value of a ``fixed`` dimension.
    """

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple[Any, ...] = ()
    ordered: bool = False
    conditions: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    value: Any = None

    @property
    def is_boolean(self) -> bool:
        """Whether the dimension is a ``Boolean``."""
        return self.kind == "choice" and self.choices == (False, True)

    def is_active(self, values: Mapping[str, Any]) -> bool:
        """Whether every condition holds for the ``values`` chosen so far."""
        return all(
            parent in values and values[parent] in allowed
            for parent, allowed in self.conditions
        )

    def to_value(self, raw: Any) -> Any:
        """The KerasTuner value of a peer's raw answer, as a native type.

        A grid's raw answer is its index; a ``choice`` may come back as a
        NumPy scalar or (from some peers) as the string of a Boolean.
        """
        if self.kind == "fixed":
            return self.value
        if self.kind == "float":
            return min(max(float(raw), self.low), self.high)
        if self.kind == "int":
            return int(min(max(round(float(raw)), self.low), self.high))
        if self.kind == "grid":
            index = int(min(max(round(float(raw)), 0), len(self.choices) - 1))
            return self.choices[index]
        raw = native(raw)
        if self.is_boolean and isinstance(raw, str):
            return raw == "True"
        for choice in self.choices:
            if choice == raw and type(choice) is type(raw):
                return choice
        for choice in self.choices:
            if str(choice) == str(raw):
                return choice
        msg = f"'{self.name}': {raw!r} is not one of {list(self.choices)!r}."
        raise ValueError(msg)


def _conditions(hp: Any) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    pairs = []
    for condition in hp.conditions:
        config = condition.get_config()
        pairs.append((str(config["name"]), tuple(config["values"])))
    return tuple(pairs)


def dimension_of(hp: Any) -> Dimension:
    """The :class:`Dimension` of one KerasTuner hyperparameter.

    Raises:
        ValueError: For ``reverse_log`` sampling without a step, or a
            hyperparameter type the peers cannot express.
    """
    kind = hp_kind(hp)
    conditions = _conditions(hp)
    if kind == "Fixed":
        return Dimension(
            hp.name, "fixed", value=hp.value, conditions=conditions
        )
    if kind == "Boolean":
        return Dimension(
            hp.name, "choice", choices=(False, True), conditions=conditions
        )
    if kind == "Choice":
        return Dimension(
            hp.name,
            "choice",
            choices=tuple(hp.values),
            ordered=bool(getattr(hp, "ordered", False)),
            conditions=conditions,
        )
    if kind in ("Int", "Float"):
        stepped = hp.step is not None and not (kind == "Int" and hp.step == 1)
        if stepped:
            grid = tuple(grid_value(hp, i) for i in range(grid_size(hp)))
            return Dimension(
                hp.name,
                "grid",
                low=0,
                high=len(grid) - 1,
                choices=grid,
                conditions=conditions,
            )
        if hp.sampling not in ("linear", "log"):
            msg = (
                f"hyperparameter '{hp.name}': the peers cannot express "
                f"sampling={hp.sampling!r} without a step."
            )
            raise ValueError(msg)
        return Dimension(
            hp.name,
            "int" if kind == "Int" else "float",
            low=hp.min_value,
            high=hp.max_value,
            log=hp.sampling == "log",
            conditions=conditions,
        )
    msg = f"hyperparameter '{hp.name}': no peer mapping for {hp!r}."
    raise ValueError(msg)


def dimensions(space: Any) -> list[Dimension]:
    """The dimensions of a ``keras_tuner.HyperParameters``, in order."""
    return [dimension_of(hp) for hp in space.space]


def active_values(
    dims: Sequence[Dimension], raw: Mapping[str, Any]
) -> dict[str, Any]:
    """The values a KerasTuner trial would hold for a peer's raw answer.

    Walks the dimensions in declaration order, keeps each one whose
    conditions hold for the values kept before it, and converts its raw
    answer with :meth:`Dimension.to_value`. Inactive dimensions are dropped
    even when the peer gave a value for them (peers without conditional
    spaces always do).

    Raises:
        KeyError: If an active dimension has no raw answer.
    """
    values: dict[str, Any] = {}
    for dim in dims:
        if not dim.is_active(values):
            continue
        values[dim.name] = dim.to_value(
            dim.value if dim.kind == "fixed" else raw[dim.name]
        )
    return values


def searched(dims: Sequence[Dimension]) -> list[Dimension]:
    """The dimensions a peer searches (every kind but ``fixed``)."""
    return [d for d in dims if d.kind != "fixed"]


__all__ = [
    "Dimension",
    "active_values",
    "dimension_of",
    "dimensions",
    "searched",
]
