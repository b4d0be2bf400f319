"""KerasTuner space configs written by hand, without KerasTuner.

``HyperParameters.get_config()`` writes one ``{"class_name", "config"}``
entry per hyperparameter with every field spelled out. Spaces that ktseed
keeps as data (the example space ``ktseed preview`` shows, the synthetic
projects of :mod:`ktseed.testing.projects`) are written with
:func:`hp_config`, which fills the fields KerasTuner writes with its
defaults, so each entry says only what matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

#: The fields KerasTuner writes for each class after ``name``, ``default``
#: and ``conditions``, in its order.
_ORDER: dict[str, tuple[str, ...]] = {
    "Int": ("min_value", "max_value", "step", "sampling"),
    "Float": ("min_value", "max_value", "step", "sampling"),
    "Choice": ("values", "ordered"),
    "Boolean": (),
    "Fixed": ("value",),
}

#: Defaults KerasTuner writes for fields a caller leaves out.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "Int": {"default": None, "step": None, "sampling": "linear"},
    "Float": {"default": None, "step": None, "sampling": "linear"},
    "Choice": {"default": None, "ordered": None},
    "Boolean": {"default": False},
    "Fixed": {},
}


def hp_config(
    class_name: str,
    name: str,
    *,
    parents: Mapping[str, Sequence[Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One entry of ``HyperParameters.get_config()["space"]``.

    Args:
        class_name: ``"Int"``, ``"Float"``, ``"Choice"``, ``"Boolean"`` or
            ``"Fixed"``.
        name: The hyperparameter's name.
        parents: Conditions: parent name to the values under which this
            hyperparameter is active (KerasTuner's ``conditional_scope``).
        **fields: The class's own fields (``min_value``, ``values``...).
            The others take the defaults KerasTuner writes.

    Returns:
        ``{"class_name": class_name, "config": {...}}``.
    """
    conditions = [
        {"class_name": "Parent", "config": {"name": parent, "values": list(v)}}
        for parent, v in (parents or {}).items()
    ]
    merged = {**_DEFAULTS[class_name], **fields}
    # KerasTuner's key order: name, default, conditions, the class's own.
    config: dict[str, Any] = {"name": name}
    if "default" in merged:
        config["default"] = merged.pop("default")
    config["conditions"] = conditions
    for key in _ORDER[class_name]:
        if key in merged:
            config[key] = merged.pop(key)
    config.update(merged)
    return {"class_name": class_name, "config": config}


__all__ = ["hp_config"]
