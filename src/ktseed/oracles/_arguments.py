"""Forwarding a seeded class's constructor arguments to its stock parent.

The seeded oracles and tuners repeat their KerasTuner parent's signature
exactly (``tests/test_tuners.py`` checks names and defaults), so that they
are drop-in replacements with the same documentation and type hints. The
*forwarding* of those arguments is the same everywhere and lives here.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any


def parent_arguments(
    parent: type, given: Mapping[str, Any], *, method: str = "__init__"
) -> dict[str, Any]:
    """The arguments of ``given`` that ``parent.<method>`` takes, by name.

    Args:
        parent: The stock KerasTuner class.
        given: The caller's ``locals()`` (its own arguments).
        method: The parent method the arguments are for.

    Returns:
        ``{name: given[name]}`` for every named parameter of the parent
        method that ``given`` holds (``self`` and ``**kwargs`` excluded).
    """
    parameters = inspect.signature(getattr(parent, method)).parameters
    return {
        name: given[name]
        for name, parameter in parameters.items()
        if name != "self"
        and parameter.kind
        not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        and name in given
    }


__all__ = ["parent_arguments"]
