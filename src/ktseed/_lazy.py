"""Module attributes imported on first use (PEP 562).

``import ktseed`` stays cheap because the names whose modules import
KerasTuner (and with it TensorFlow) are resolved only when first read; the
same holds for ``ktseed.testing``'s conformance suite, which imports pytest.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any


def lazy_attributes(
    module_name: str, namespace: dict[str, Any], lazy: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` for names loaded on use.

    Args:
        module_name: The module's name, for the ``AttributeError``.
        namespace: The module's ``globals()``; a loaded name is cached there.
        lazy: Name to the module that defines it.

    Returns:
        ``(__getattr__, __dir__)`` to assign at module level.
    """

    def __getattr__(name: str) -> Any:
        module = lazy.get(name)
        if module is None:
            msg = f"module {module_name!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(lazy))

    return __getattr__, __dir__


__all__ = ["lazy_attributes"]
