"""Checking and snapping values against a space: the codec's value half.

:class:`ValueChecks` holds what :class:`~ktseed.space.SpaceCodec` does with
value dicts rather than unit-cube points: :meth:`ValueChecks.canonicalize`
and :meth:`ValueChecks.validate` check user values (fixed points, CSV rows,
prior runs) and snap them to canonical form (native types, ``Int`` values
as ``int``, grid values as the grid spells them, choices as the
``Choice``'s own value), and :meth:`ValueChecks.clip` brings a sampler's
values into the space without refusing anything.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Mapping
from typing import Any

from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.space.hyperparameters import FLOAT_RTOL
from ktseed.space.hyperparameters import OnInactive
from ktseed.space.hyperparameters import Values
from ktseed.space.hyperparameters import describe_hp
from ktseed.space.hyperparameters import grid_value
from ktseed.space.hyperparameters import hp_kind
from ktseed.space.hyperparameters import is_number
from ktseed.space.hyperparameters import native
from ktseed.space.hyperparameters import nearest_grid_index

#: How alike an unknown name and a known one must be (``difflib`` ratio)
#: for a "Did you mean" hint: ``unitz`` for ``units`` (0.8) is a typo,
#: ``dropout_rate`` for ``use_dropout`` (0.61) is another hyperparameter.
CLOSE_NAME_CUTOFF = 0.7


class ValueChecks:
    """The value-dict half of :class:`~ktseed.space.SpaceCodec`.

    Attributes:
        entries: Every hyperparameter of the space, in declaration order
            (set by the codec).
    """

    entries: list[Any]
    _names: list[str]
    _first_by_name: dict[str, tuple[Any, str]] | None = None

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
        first = self._first_entries()
        out: Values = {}
        for name, raw in values.items():
            value = native(raw)
            hp, kind = first.get(name, (None, ""))
            if kind in ("Int", "Float") and is_number(value):
                value = self._clip_number(hp, kind, float(value))
            out[name] = value
        return out

    @staticmethod
    def _clip_number(hp: Any, kind: str, value: float) -> int | float:
        if not math.isfinite(value):
            value = hp.max_value if value > 0 else hp.min_value
        value = min(max(value, hp.min_value), hp.max_value)
        if hp.step is not None:
            snapped = grid_value(hp, nearest_grid_index(hp, value))
            return int(snapped) if kind == "Int" else float(snapped)
        if kind == "Int":
            return round(value)
        return float(value)

    def default_value(self, hp: Any) -> Any:
        """The canonical default of ``hp`` (``Fixed``: its value).

        KerasTuner accepts defaults that are off the hyperparameter's own
        grid (``Int(1, 100, step=2, sampling="reverse_log")`` defaults to 1,
        which its grid never produces); such a default is snapped to the
        nearest grid value, with a :class:`~ktseed.KtseedWarning` (once per
        hyperparameter and codec) naming both values.
        """
        kind = hp_kind(hp)
        if kind == "Fixed":
            return native(hp.value)
        default = native(hp.default)
        if kind in ("Int", "Float") and hp.step is not None:
            clipped = min(max(default, hp.min_value), hp.max_value)
            snapped = grid_value(hp, nearest_grid_index(hp, float(clipped)))
            snapped = int(snapped) if kind == "Int" else float(snapped)
            if not math.isclose(snapped, default, rel_tol=FLOAT_RTOL):
                self._warn_off_grid_default(hp, default, snapped)
            return snapped
        return self.canonical_value(hp, default)

    def _warn_off_grid_default(self, hp: Any, default: Any, used: Any) -> None:
        warned: set[str] = self.__dict__.setdefault("_warned_defaults", set())
        if hp.name in warned:
            return
        warned.add(hp.name)
        warnings.warn(
            f"hyperparameter '{hp.name}': its default {default!r} is not on "
            f"its own grid ({describe_hp(hp)}), so ktseed fills it in with "
            f"the nearest grid value {used!r}, the value KerasTuner's grid "
            "can produce. Declare a default on the grid to silence this.",
            KtseedWarning,
            stacklevel=3,
        )

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
        value = native(value)
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
            return native(hp.prob_to_value(hp.value_to_prob(value)))
        except Exception as error:
            raise fail(str(error)) from error

    @staticmethod
    def _canonical_fixed(hp: Any, value: Any, fail: Any) -> Any:
        fixed = hp.value
        if is_number(fixed) and is_number(value):
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
        if not is_number(value):
            raise fail(f"wrong type {type(value).__name__}")
        if not math.isfinite(value):
            raise fail("not a finite number")
        for choice in choices:
            if math.isclose(choice, value, rel_tol=FLOAT_RTOL, abs_tol=1e-12):
                return choice
        raise fail("not one of the choices")

    @staticmethod
    def _canonical_number(hp: Any, kind: str, value: Any, fail: Any) -> Any:
        if not is_number(value):
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
            index = nearest_grid_index(hp, float(value))
            snapped = grid_value(hp, index)
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
        index = nearest_grid_index(hp, value)
        snapped = float(grid_value(hp, index))
        step_tol = FLOAT_RTOL * max(abs(snapped), abs(float(hp.step)), 1e-12)
        if abs(snapped - value) > max(step_tol, tolerance):
            raise fail(f"off the grid (nearest grid value {snapped!r})")
        return snapped

    # ---------------------------------------------------------- messages
    def _unknown_name_message(self, name: object, prefix: str) -> str:
        known = ", ".join(self._names) or "(the space is empty)"
        message = (
            f"{prefix}unknown hyperparameter '{name}'; expected one of: "
            f"{known}."
        )
        close = difflib.get_close_matches(
            str(name), self._names, n=1, cutoff=CLOSE_NAME_CUTOFF
        )
        if close:
            return f"{message} Did you mean '{close[0]}'?"
        gate = self._branch_gate()
        if gate is None:
            return message
        gate_name, gate_values = gate
        return (
            f"{message} If the model declares '{name}' inside a plain `if` "
            f"on another hyperparameter (such as `if "
            f"hp.{hp_kind(self._first(gate_name))}('{gate_name}'):`), "
            "KerasTuner never saw it: it builds the model once with default "
            "values before the search, and a branch those values skip "
            f"declares nothing. Declare '{name}' under `with "
            f"hp.conditional_scope('{gate_name}', {gate_values!r}):`, "
            "outside the `if`, so that KerasTuner explores the branch and "
            "knows the hyperparameter."
        )

    def _first_entries(self) -> dict[str, tuple[Any, str]]:
        """Name -> (its first entry, that entry's kind), built once.

        :meth:`clip` runs at every ``create_trial``; the entries of a
        codec never change, so the lookup is made on first use.
        """
        if self._first_by_name is None:
            first: dict[str, tuple[Any, str]] = {}
            for hp in self.entries:
                first.setdefault(hp.name, (hp, hp_kind(hp)))
            self._first_by_name = first
        return self._first_by_name

    def _first(self, name: str) -> Any:
        return next(hp for hp in self.entries if hp.name == name)

    def _branch_gate(self) -> tuple[str, list[Any]] | None:
        """A Boolean or Choice that could gate a branch, and a value.

        The value is one the defaults do not take (``[True]`` for a
        ``Boolean`` that defaults to ``False``), so it names the branch
        that KerasTuner's build with default values skipped. Booleans come
        first, those that default to ``False`` before the others.
        """
        gates: list[tuple[int, str, list[Any]]] = []
        for hp in self.entries:
            kind = hp_kind(hp)
            if kind == "Boolean":
                rank = 0 if hp.default is False else 1
                gates.append((rank, hp.name, [not hp.default]))
            elif kind == "Choice" and len(hp.values) > 1:
                other = next(v for v in hp.values if v != hp.default)
                gates.append((2, hp.name, [other]))
        if not gates:
            return None
        _, gate_name, values = min(gates, key=lambda g: g[0])
        return gate_name, values

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


__all__ = ["ValueChecks"]
