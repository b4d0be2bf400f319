"""Hypothesis strategies: random KerasTuner search spaces and points."""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
from hypothesis import strategies as st

SAMPLINGS = ["linear", "log", "reverse_log"]


@st.composite
def int_hp(draw: st.DrawFn) -> dict[str, Any]:
    sampling = draw(st.sampled_from(SAMPLINGS))
    low = draw(st.integers(1 if sampling != "linear" else -50, 200))
    high = draw(st.integers(low + 1, low + 5000))
    step = draw(
        st.one_of(st.none(), st.integers(2 if sampling != "linear" else 1, 16))
    )
    return {
        "kind": "Int",
        "min_value": low,
        "max_value": high,
        "step": step,
        "sampling": sampling,
    }


@st.composite
def float_hp(draw: st.DrawFn) -> dict[str, Any]:
    sampling = draw(st.sampled_from(SAMPLINGS))
    if sampling == "linear":
        low = draw(st.floats(-100, 100, allow_nan=False))
    else:
        low = draw(st.floats(1e-6, 10, allow_nan=False))
    span = draw(st.floats(1e-3, 1e3, allow_nan=False))
    high = low + span if sampling == "linear" else low * (1 + span)
    if sampling == "linear":
        step = draw(st.one_of(st.none(), st.floats(span / 200, span / 2)))
    else:
        step = draw(st.one_of(st.none(), st.floats(1.2, 10)))
    return {
        "kind": "Float",
        "min_value": low,
        "max_value": high,
        "step": step,
        "sampling": sampling,
    }


@st.composite
def choice_hp(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["str", "int", "float", "bool"]))
    if kind == "str":
        values = draw(
            st.lists(
                st.text("abcdefgh", min_size=1, max_size=4),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        ordered = False
    elif kind == "int":
        values = draw(
            st.lists(
                st.integers(-1000, 1000), min_size=1, max_size=6, unique=True
            )
        )
        ordered = draw(st.booleans())
    elif kind == "float":
        values = draw(
            st.lists(
                st.floats(-1e3, 1e3, allow_nan=False).map(
                    lambda x: round(x, 4)
                ),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        ordered = draw(st.booleans())
    else:
        values = draw(st.sampled_from([[True, False], [False, True], [True]]))
        ordered = None
    return {"kind": "Choice", "values": values, "ordered": ordered}


def leaf_hp() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        int_hp(),
        float_hp(),
        choice_hp(),
        st.just({"kind": "Boolean"}),
        st.sampled_from([3, 0.5, "adam", True]).map(
            lambda v: {"kind": "Fixed", "value": v}
        ),
    )


def _declare(hp: kt.HyperParameters, name: str, spec: dict[str, Any]) -> None:
    kind = spec["kind"]
    if kind == "Int":
        hp.Int(
            name,
            spec["min_value"],
            spec["max_value"],
            step=spec["step"],
            sampling=spec["sampling"],
        )
    elif kind == "Float":
        hp.Float(
            name,
            spec["min_value"],
            spec["max_value"],
            step=spec["step"],
            sampling=spec["sampling"],
        )
    elif kind == "Choice":
        hp.Choice(name, spec["values"], ordered=spec["ordered"])
    elif kind == "Boolean":
        hp.Boolean(name)
    else:
        hp.Fixed(name, spec["value"])


@st.composite
def spaces(draw: st.DrawFn, max_size: int = 8) -> kt.HyperParameters:
    """A random space; about a third of the entries sit in (nested) scopes.

    A scoped entry hangs under a Choice or Boolean parent; if that parent
    is itself scoped, the new entry inherits the parent's scopes, so scopes
    nest the way KerasTuner requires (a parent must exist under the same
    conditions).
    """
    hp = kt.HyperParameters()
    specs = draw(st.lists(leaf_hp(), min_size=1, max_size=max_size))
    # name -> (its own scopes, its possible values)
    parents: dict[str, tuple[list[tuple[str, list[Any]]], list[Any]]] = {}
    for index, spec in enumerate(specs):
        name = f"h{index}"
        scopes: list[tuple[str, list[Any]]] = []
        if parents and draw(st.integers(0, 2)) == 0:
            parent = draw(st.sampled_from(sorted(parents)))
            parent_scopes, parent_values = parents[parent]
            subset = draw(
                st.lists(
                    st.sampled_from(parent_values), min_size=1, unique=True
                )
            )
            scopes = [*parent_scopes, (parent, subset)]
        _declare_scoped(hp, name, spec, scopes)
        if spec["kind"] == "Choice":
            parents[name] = (scopes, list(hp.space[-1].values))
        elif spec["kind"] == "Boolean":
            parents[name] = (scopes, [True, False])
    return hp


def _declare_scoped(
    hp: kt.HyperParameters,
    name: str,
    spec: dict[str, Any],
    scopes: list[tuple[str, list[Any]]],
) -> None:
    if not scopes:
        _declare(hp, name, spec)
        return
    (parent, values), rest = scopes[0], scopes[1:]
    with hp.conditional_scope(parent, values):
        _declare_scoped(hp, name, spec, rest)


def unit_points(
    dimension: int, max_points: int = 5
) -> st.SearchStrategy[list[list[float]]]:
    coordinate = st.one_of(
        st.floats(0.0, 1.0), st.sampled_from([0.0, 0.5, 1.0, 1 - 1e-12])
    )
    return st.lists(
        st.lists(coordinate, min_size=dimension, max_size=dimension),
        min_size=1,
        max_size=max_points,
    )
