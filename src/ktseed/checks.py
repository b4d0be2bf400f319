"""Argument checks shared by every initializer, oracle, hand-off and plugin.

Each check returns the value in its normalised form (a native ``int``, a
``float``, a ``bool``...) or raises an error whose message has one shape,
"who: `name` must be <expected> (got <value>). <remedy>"::

    initializer 'sobol': `n_points` must be a positive integer (got 0).
    GPHandoff: `y_transform` must be one of 'standardize', 'power'
        (got 'log'). Did you mean ...?

Plugin authors use the same functions, so their messages read like
ktseed's own::

    from ktseed import checks

    class MaximinInitializer(UnitCubeInitializer):
        def __init__(self, *, candidates=32, **kwargs):
            super().__init__(**kwargs)
            self.candidates = checks.integer(
                candidates, "candidates", owner=self._label(), low=1
            )

Every check takes ``owner`` (who takes the argument, for example
``"initializer 'csv'"``; empty for none) and ``error`` (the exception class
to raise, :class:`~ktseed.errors.InitializerConfigError` by default).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import numpy as np

from ktseed.errors import InitializerConfigError

ErrorType = type[Exception]


def _prefix(owner: str) -> str:
    return f"{owner}: " if owner else ""


def _got(value: object, *, with_type: bool) -> str:
    if with_type and not isinstance(value, bool):
        return f"{value!r} of type {type(value).__name__}"
    return repr(value)


def fail(
    owner: str,
    name: str,
    expected: str,
    value: object,
    *,
    remedy: str = "",
    with_type: bool = False,
    error: ErrorType = InitializerConfigError,
) -> Exception:
    """Builds (does not raise) the standard "must be" error.

    Args:
        owner: Who takes the argument, or ``""``.
        name: The argument's name.
        expected: What it must be, as a noun phrase ("a positive integer").
        value: What it got.
        remedy: An optional sentence saying what to do instead.
        with_type: Also name the type of ``value`` (for wrong types).
        error: The exception class.

    Returns:
        The exception, to be raised by the caller (``raise fail(...)``).
    """
    text = (
        f"{_prefix(owner)}`{name}` must be {expected} "
        f"(got {_got(value, with_type=with_type)})."
    )
    if remedy:
        text += f" {remedy}"
    return error(text)


def suggestion(word: str, candidates: Iterable[str]) -> str:
    """``" Did you mean 'x'?"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def _integer_phrase(low: int | None) -> str:
    if low == 0:
        return "a non-negative integer"
    if low == 1:
        return "a positive integer"
    if low is None:
        return "an integer"
    return f"an integer >= {low}"


def integer(
    value: object,
    name: str,
    *,
    owner: str = "",
    low: int | None = 0,
    optional: bool = False,
    none_means: str = "",
    expected: str | None = None,
    error: ErrorType = InitializerConfigError,
) -> Any:
    """An integer (not a bool) of at least ``low``, as a native ``int``.

    Args:
        value: The argument as given; NumPy integers are accepted.
        name: Its name, for the message.
        owner: Who takes it.
        low: The smallest accepted value (``None``: no bound).
        optional: Whether ``None`` is accepted (and returned).
        none_means: What ``None`` means, appended to "or None" in the
            message ("for no limit").
        expected: The "must be" phrase, instead of the one built from
            ``low`` and ``optional``.
        error: The exception class.

    Returns:
        ``int(value)``, or ``None`` when ``optional`` and ``value`` is None.
    """
    if value is None and optional:
        return None
    phrase = _integer_phrase(low)
    if optional:
        phrase += f" or None{' ' + none_means if none_means else ''}"
    if expected is not None:
        phrase = expected
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise fail(owner, name, phrase, value, with_type=True, error=error)
    if low is not None and value < low:
        raise fail(owner, name, phrase, value, error=error)
    return int(value)


def size(
    value: object,
    name: str = "n_points",
    *,
    owner: str = "",
    error: ErrorType = InitializerConfigError,
) -> int | None:
    """A design size: a positive integer, or ``None`` for "decide yourself".

    The message for a number below 1 does not mention ``None`` ("must be a
    positive integer (got 0)"), since a size of 0 is what the user meant to
    avoid, not a wrong type.
    """
    if value is None:
        return None
    whole: int = integer(
        value,
        name,
        owner=owner,
        low=None,
        expected="a positive integer or None",
        error=error,
    )
    if whole < 1:
        raise fail(owner, name, "a positive integer", value, error=error)
    return whole


def seed(
    value: object,
    name: str = "seed",
    *,
    owner: str = "",
    error: ErrorType = InitializerConfigError,
) -> int | None:
    """A seed: a non-negative integer (``0`` included) or ``None``."""
    result: int | None = integer(
        value, name, owner=owner, low=0, optional=True, error=error
    )
    return result


def number(
    value: object,
    name: str,
    *,
    owner: str = "",
    above: float | None = None,
    error: ErrorType = InitializerConfigError,
) -> float:
    """A finite number (not a bool), strictly greater than ``above``."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise fail(owner, name, "a number", value, with_type=True, error=error)
    result = float(value)
    if not math.isfinite(result) or (above is not None and result <= above):
        bound = f" greater than {above}" if above is not None else ""
        raise fail(owner, name, f"a finite number{bound}", value, error=error)
    return result


def flag(
    value: object,
    name: str,
    *,
    owner: str = "",
    error: ErrorType = InitializerConfigError,
) -> bool:
    """``True`` or ``False`` exactly (``1`` and ``"yes"`` are refused)."""
    if not isinstance(value, bool):
        raise fail(owner, name, "True or False", value, error=error)
    return value


def _quoted(choices: Sequence[object]) -> str:
    shown = [repr(c) for c in choices]
    if len(shown) <= 2:
        return " or ".join(shown)
    return ", ".join(shown[:-1]) + f" or {shown[-1]}"


def choice(
    value: object,
    name: str,
    choices: Sequence[Any],
    *,
    owner: str = "",
    expected: str | None = None,
    error: ErrorType = InitializerConfigError,
) -> Any:
    """One of ``choices``; a near miss gets a "did you mean" remedy.

    Args:
        value: The argument as given.
        name: Its name.
        choices: The accepted values (compared by value and type, so
            ``True`` is not ``1``).
        owner: Who takes it.
        expected: The "must be" phrase; default ``'a', 'b' or 'c'``.
        error: The exception class.
    """
    for accepted in choices:
        if value is accepted or (
            type(value) is type(accepted) and value == accepted
        ):
            return value
    remedy = ""
    if isinstance(value, str):
        strings = [c for c in choices if isinstance(c, str)]
        remedy = suggestion(value, strings).strip()
    phrase = expected if expected is not None else _quoted(choices)
    raise fail(owner, name, phrase, value, remedy=remedy, error=error)


def names(
    value: object,
    name: str,
    *,
    owner: str = "",
    what: str = "column names",
    error: ErrorType = InitializerConfigError,
) -> list[str]:
    """A list of strings (``None`` gives ``[]``); a lone string is refused."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise fail(owner, name, f"a list of {what}", value, error=error)
    for item in value:
        if not isinstance(item, str):
            text = (
                f"{_prefix(owner)}`{name}` must hold strings (got "
                f"{_got(item, with_type=True)})."
            )
            raise error(text)
    return list(value)


def known_keys(
    given: Iterable[str],
    allowed: Iterable[str],
    *,
    owner: str = "",
    what: str = "option",
    error: ErrorType = InitializerConfigError,
) -> None:
    """Refuses keys that are not in ``allowed``, suggesting the nearest.

    Args:
        given: The keys received (of a config dict, of keyword arguments).
        allowed: The keys accepted.
        owner: Who takes them.
        what: What a key is called in the message ("option", "key").
        error: The exception class.
    """
    accepted = list(allowed)
    unknown = [key for key in given if key not in accepted]
    if not unknown:
        return
    hints = [suggestion(key, accepted).strip() for key in unknown]
    hint = " ".join(h for h in hints if h)
    plural = "s" if len(unknown) > 1 else ""
    text = (
        f"{_prefix(owner)}unknown {what}{plural} "
        f"{', '.join(repr(k) for k in unknown)}; expected "
        f"{what}s: {', '.join(accepted) or '(none)'}."
    )
    if hint:
        text += f" {hint}"
    raise error(text)


def mapping(
    value: object,
    name: str,
    *,
    owner: str = "",
    what: str = "a dict",
    error: ErrorType = InitializerConfigError,
) -> Mapping[Any, Any]:
    """A mapping (``dict`` or similar)."""
    if not isinstance(value, Mapping):
        text = (
            f"{_prefix(owner)}`{name}` must be {what} "
            f"(got {type(value).__name__})."
        )
        raise error(text)
    return value


__all__ = [
    "choice",
    "fail",
    "flag",
    "integer",
    "known_keys",
    "mapping",
    "names",
    "number",
    "seed",
    "size",
    "suggestion",
]
