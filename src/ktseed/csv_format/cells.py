"""One cell of a ktseed CSV file: how a value is written and read back.

Both directions live here, side by side, so that every value ktseed writes
reads back to itself (same value, same Python type):

=================  ==============================  ========================
value              written as                      read back as
=================  ==============================  ========================
``None``           an empty cell                   the default (or ignored
                                                   when inactive)
``bool``           ``True`` / ``False``            ``true``/``false``,
                                                   ``yes``/``no``, ``1``/``0``
``int``            ``64``                          a plain decimal integer
``float``          ``repr()``: ``0.1``, ``1e-05``  a plain decimal number
``str``            as is (quoted when needed)      as is
=================  ==============================  ========================

A cell is read by the type of its hyperparameter, never evaluated, and the
value is then checked and snapped by the search space's codec
(:meth:`~ktseed.SpaceCodec.canonical_value`): a number within the grid
tolerance of a grid value reads as that grid value. Floats are written with
:func:`repr`, the shortest text that reads back to the same float, so the
writer adds no digits of its own. A string that is empty or only spaces
cannot be told from an empty cell and reads back as the default.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import TYPE_CHECKING
from typing import Any

from ktseed.errors import InvalidValueError
from ktseed.space import describe_hp
from ktseed.space import hp_kind

if TYPE_CHECKING:
    from ktseed.space import SpaceCodec

#: Words read as ``True`` and ``False`` (compared in lower case).
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})

# Numeric cells: plain decimal notation only (ASCII digits, no "_"), so that
# Python-only spellings that int()/float() accept are not read as numbers.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # digits, optional fraction
    r"(?:[eE][+-]?[0-9]+)?"  # optional exponent
)
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


# ------------------------------------------------------------------ write
def format_cell(value: object) -> str:
    """The text of one cell for ``value``.

    Args:
        value: A hyperparameter value, a score or ``None`` (written empty).
            NumPy scalars are written as the Python value they hold.

    Returns:
        ``""`` for ``None``, ``True``/``False`` for booleans, the decimal
        digits of an integer, :func:`repr` of a float (the shortest text
        that reads back to the same float), and ``str()`` of anything else.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return str(value)


# ------------------------------------------------------------------- read
def parse_cell(codec: SpaceCodec, hp: Any, text: str, where: str) -> Any:
    """Reads one non-empty cell by ``hp``'s type; returns it canonical.

    Args:
        codec: The search space, which checks and snaps the value.
        hp: The cell's hyperparameter.
        text: The cell, as the file holds it.
        where: Where the cell is, for messages ("'f.csv', data row 2
            (line 3), column 'units'").

    Returns:
        The value as KerasTuner would produce it (a grid value, a choice).

    Raises:
        InvalidValueError: If the cell does not parse or does not fit.
    """
    kind = hp_kind(hp)
    value: Any
    if kind == "Boolean":
        value = _boolean(hp, text, where)
    elif kind in ("Int", "Float"):
        value = _number(hp, text, where)
    elif kind in ("Choice", "Fixed"):
        sample = hp.values[0] if kind == "Choice" else hp.value
        allowed = list(hp.values) if kind == "Choice" else [hp.value]
        if isinstance(sample, str):
            value = text if text in allowed else text.strip()
        elif isinstance(sample, bool):
            value = _boolean(hp, text, where)
        elif isinstance(sample, (int, float)):
            word = text.strip().lower()
            if set(allowed) <= {0, 1} and word in TRUE_WORDS | FALSE_WORDS:
                value = word in TRUE_WORDS
            else:
                value = _number(hp, text, where)
        else:
            value = text
    else:
        value = text
    return codec.canonical_value(hp, value, where=where)


def parse_score(text: str, where: str) -> float | None:
    """Reads a score cell: a finite plain decimal number, or empty (None).

    Raises:
        InvalidValueError: If the cell is not a finite number.
    """
    if not text.strip():
        return None
    number = plain_number(text)
    if number is None:
        msg = f"{where}: score {text!r} is {_not_a_number(text)}."
        raise InvalidValueError(msg, value=text)
    score = float(number)
    if not math.isfinite(score):
        msg = f"{where}: score {text!r} is not a finite number."
        raise InvalidValueError(msg, value=text)
    return score


def plain_number(text: str) -> int | float | None:
    """``text`` as a number if it is plain decimal notation, else None.

    Accepted: an optional sign, ASCII digits with an optional fraction and
    exponent (``64``, ``-0.5``, ``.5``, ``1e-3``), and ``inf``/``nan`` (any
    case) for the caller to reject. Python-only spellings that ``int()`` and
    ``float()`` also accept (``1_000``, non-ASCII digits) are not numbers.
    """
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped):
        try:
            value = int(stripped)
            float(value)  # beyond a float's range, it is infinite
        except (ValueError, OverflowError):  # or more than int() converts
            return float(stripped)
        return value
    if _DECIMAL.fullmatch(stripped) or _NON_FINITE.fullmatch(stripped):
        return float(stripped)
    return None


def _fail(hp: Any, text: str, reason: str, where: str) -> InvalidValueError:
    msg = (
        f"{where}: hyperparameter '{hp.name}' ({hp_kind(hp)}) got {text!r}: "
        f"{reason}; expected {describe_hp(hp)}."
    )
    return InvalidValueError(msg, hp_name=hp.name, value=text)


def _not_a_number(text: str) -> str:
    """Why ``text`` is not a number, naming Python-only spellings."""
    try:
        float(text)
    except ValueError:
        return "not a number"
    return (
        "not a plain decimal number (use ASCII digits without '_', as in "
        "1000, 0.5 or 1e-3)"
    )


def _number(hp: Any, text: str, where: str) -> int | float:
    value = plain_number(text)
    if value is None:
        raise _fail(hp, text, _not_a_number(text), where)
    if isinstance(value, int):
        return value
    if math.isnan(value):
        raise _fail(hp, text, "NaN is not a value", where)
    if math.isinf(value):
        raise _fail(hp, text, "infinity is not a value", where)
    return value


def _boolean(hp: Any, text: str, where: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _fail(hp, text, "not true/false, yes/no or 1/0", where)


__all__ = [
    "FALSE_WORDS",
    "TRUE_WORDS",
    "format_cell",
    "parse_cell",
    "parse_score",
    "plain_number",
]
