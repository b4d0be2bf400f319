from __future__ import annotations

import json
import math

import keras_tuner as kt
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ktseed import InvalidValueError
from ktseed import SpaceCodec
from ktseed.space import UPPER_COORDINATE
from ktseed.space import tidy_float

from .strategies import spaces
from .strategies import unit_points

# Random spaces often declare a default off their own grid (KerasTuner's
# Int default is min_value, which a reverse_log grid never produces); the
# warning about it has its own test in tests/test_space.py.
pytestmark = pytest.mark.filterwarnings(
    "ignore:hyperparameter .* is not on its own grid"
    ":ktseed.errors.KtseedWarning"
)


PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _is_continuous_float(hp) -> bool:
    return type(hp).__name__ == "Float" and hp.step is None


def _same(hp, a, b) -> bool:
    if _is_continuous_float(hp):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def _hp_by_active_name(codec: SpaceCodec, values: dict) -> dict:
    """The entry that produced each name's value (last active wins, as KT)."""
    active = {}
    seen: dict = {}
    for hp in codec.entries:
        if all(c.is_active(seen) for c in hp.conditions):
            active[hp.name] = hp
            seen[hp.name] = values.get(hp.name)
    return active


def _points(data, codec: SpaceCodec) -> np.ndarray:
    rows = data.draw(unit_points(codec.dimension))
    return np.array(rows, dtype=float).reshape(len(rows), codec.dimension)


# ------------------------------------------------------------ properties
@PROPERTY
@given(data=st.data())
def test_decoded_points_are_valid_native_and_json(data):
    codec = SpaceCodec(data.draw(spaces()))
    points = _points(data, codec)
    decoded = codec.decode(points)
    assert len(decoded) == len(points)
    for values in decoded:
        codec.validate(values)  # complete, canonical, in range, on grid
        assert json.loads(json.dumps(values)) == values
        for value in values.values():
            assert type(value) in (int, float, str, bool)


@PROPERTY
@given(data=st.data())
def test_decode_matches_kerastuner_prob_to_value(data):
    codec = SpaceCodec(data.draw(spaces()))
    points = _points(data, codec)
    for row, values in zip(points, codec.decode(points)):
        column = {id(hp): j for j, hp in enumerate(codec.tunable)}
        producers = _hp_by_active_name(codec, values)
        for name, hp in producers.items():
            if type(hp).__name__ == "Fixed":
                expected = hp.value
            else:
                expected = hp.prob_to_value(
                    min(row[column[id(hp)]], UPPER_COORDINATE)
                )
                if type(hp).__name__ in ("Int", "Float"):
                    # KerasTuner can round past its own range (an Int with
                    # reverse_log sampling gives min - 1 at 0.0); the codec
                    # clips, everything else must match exactly.
                    expected = type(expected)(
                        min(max(expected, hp.min_value), hp.max_value)
                    )
                if type(hp).__name__ == "Float" and hp.step is not None:
                    # Grid values lose KerasTuner's round-off noise
                    # (0.1 + 2 * 0.1 is 0.3, not 0.30000000000000004).
                    expected = min(
                        max(tidy_float(expected), hp.min_value), hp.max_value
                    )
            assert _same(hp, values[name], expected), (
                name,
                hp,
                values[name],
                expected,
            )


@PROPERTY
@given(data=st.data())
def test_decode_encode_round_trip(data):
    codec = SpaceCodec(data.draw(spaces()))
    for values in codec.decode(_points(data, codec)):
        again = codec.decode_one(codec.encode(values))
        assert again.keys() == values.keys()
        producers = _hp_by_active_name(codec, values)
        for name in values:
            assert _same(producers[name], again[name], values[name])


def _spelled(values):
    """Names, types and values in order: what a trial's values spell."""
    return [(name, type(value), value) for name, value in values.items()]


@PROPERTY
@given(data=st.data())
def test_decoded_points_are_fixed_points_of_canonicalize_and_clip(data):
    # The seeded oracles run decoded design points as they are while the
    # space is the one they were decoded in, instead of canonicalising them
    # again at every trial: that is exact only if canonicalising (and
    # clipping) them changes nothing, not even the order of the names.
    codec = SpaceCodec(data.draw(spaces()))
    assert len(set(codec.names)) == len(codec)  # unique names, as here
    for values in codec.decode(_points(data, codec)):
        again = codec.canonicalize(values, fill_defaults=True)
        assert _spelled(again) == _spelled(values)
        assert _spelled(codec.clip(values)) == _spelled(values)
        clipped = codec.clip(again)
        assert _spelled(codec.clip(clipped)) == _spelled(clipped)


@PROPERTY
@given(data=st.data())
def test_clip_is_idempotent_on_kerastuner_draws(data):
    # The seeded oracles clip each KerasTuner draw once and do not clip it
    # again on the way out: exact only if clipping clipped values changes
    # nothing.
    codec = SpaceCodec(data.draw(spaces()))
    for row in _points(data, codec):
        draw = {
            hp.name: hp.prob_to_value(float(u))  # KerasTuner's own draw
            for hp, u in zip(codec.tunable, row, strict=True)
        }
        clipped = codec.clip(draw)
        assert _spelled(codec.clip(clipped)) == _spelled(clipped)


@PROPERTY
@given(data=st.data())
def test_canonicalize_is_idempotent_and_accepts_defaults(data):
    codec = SpaceCodec(data.draw(spaces()))
    defaults = codec.defaults()
    codec.validate(defaults)
    assert codec.canonicalize(defaults) == defaults


# ------------------------------------------------------------- decoding
def test_decode_orders_and_fills_fixed(space):
    codec = SpaceCodec(space)
    assert codec.dimension == 9
    (values,) = codec.decode(np.zeros((1, codec.dimension)))
    assert values == {
        "units": 32,
        "lr": 1e-4,
        "act": "relu",
        "bn": False,
        "epochs": 3,
        "dropout": 0.0,
        "layers": 1,
    }


def test_decode_honours_nested_conditions(space):
    codec = SpaceCodec(space)
    u = np.full((1, codec.dimension), 0.99)
    (values,) = codec.decode(u)
    assert values["layers"] == 3 and values["kind"] == "b"
    assert "units_2" in values and "beta" in values
    u[0, [h.name for h in codec.tunable].index("kind")] = 0.1  # kind -> "a"
    (values,) = codec.decode(u)
    assert values["kind"] == "a" and "beta" not in values


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_value_columns_are_what_decode_is_built_from(data):
    codec = SpaceCodec(data.draw(spaces()))
    u = _points(data, codec)
    values, present = codec.value_columns(u)
    for i, point in enumerate(codec.decode(u)):
        assert point == {
            name: values[name][i] for name in codec.names if present[name][i]
        }
    parents = {c.name for hp in codec.entries for c in hp.conditions}
    some, some_present = codec.value_columns(u, parents)
    assert set(some) == parents & set(codec.names)
    for name in some:  # the same columns, decoded alone
        assert np.array_equal(some_present[name], present[name])
        active = present[name]
        assert list(some[name][active]) == list(values[name][active])


def test_value_columns_check_their_points(space):
    codec = SpaceCodec(space)
    with pytest.raises(ValueError, match="must have shape"):
        codec.value_columns(np.zeros((2, codec.dimension + 1)))
    with pytest.raises(ValueError, match="NaN"):
        codec.value_columns(np.full((1, codec.dimension), np.nan))


def test_decode_clips_one_below_the_range_end():
    hp = kt.HyperParameters()
    hp.Int("n", 2, 32, sampling="log")
    assert hp.space[0].prob_to_value(1.0) == 33  # KerasTuner's own overflow
    assert SpaceCodec(hp).decode([[1.0]]) == [{"n": 32}]


def test_decode_rejects_wrong_shape_and_nan(space):
    codec = SpaceCodec(space)
    with pytest.raises(ValueError, match=r"shape \(n, 9\).*got shape \(2, 3\)"):
        codec.decode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        codec.decode(np.full((1, 9), np.nan))


def test_empty_space_decodes_to_empty_points():
    codec = SpaceCodec(kt.HyperParameters())
    assert codec.dimension == 0
    assert codec.decode(np.zeros((3, 0))) == [{}, {}, {}]


def test_encode_uses_default_for_inactive(space):
    codec = SpaceCodec(space)
    values = codec.defaults()  # layers=1: units_2, kind, beta inactive
    vector = codec.encode(values)
    position = [h.name for h in codec.tunable].index("units_2")
    units_2 = codec.tunable[position]
    assert vector[position] == pytest.approx(
        units_2.value_to_prob(units_2.default)
    )


# -------------------------------------------------------- canonicalize
def test_canonicalize_snaps_to_kerastuner_form(space):
    codec = SpaceCodec(space)
    got = codec.canonicalize(
        {
            "units": 64.0,
            "lr": np.float32(0.01),
            "dropout": 0.3,
            "layers": 2.0,
            "bn": np.bool_(True),
        },
        fill_defaults=True,
    )
    assert got["units"] == 64 and type(got["units"]) is int
    # The grid value as a person writes it (KerasTuner's own arithmetic
    # gives 0.30000000000000004), so a given value runs exactly as given.
    assert got["dropout"] == 0.3
    assert got["layers"] == 2 and type(got["layers"]) is int
    assert got["bn"] is True
    assert got["units_2"] == 8 and got["kind"] == "a"  # defaults filled


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"unit": 64}, r"unknown hyperparameter 'unit'.*Did you mean 'units'"),
        (
            {"units": 65},
            r"'units' \(Int\) got 65: off the grid \(nearest grid value 64\)",
        ),
        (
            {"units": 100000},
            r"'units' \(Int\) got 100000: outside the range; expected an integer in \[32, 512\]",
        ),
        ({"units": 64.5}, r"'units' \(Int\) got 64.5: not an integer"),
        ({"units": "64"}, r"'units' \(Int\) got '64': wrong type str"),
        ({"units": True}, r"'units' \(Int\) got True: wrong type bool"),
        ({"lr": float("inf")}, r"'lr' \(Float\) got inf: not a finite number"),
        (
            {"lr": 0.5},
            r"'lr' \(Float\) got 0.5: outside the range; expected a float in \[0.0001, 0.1\] \(log scale\)",
        ),
        ({"dropout": 0.25}, r"'dropout' \(Float\) got 0.25: off the grid"),
        (
            {"act": "relu6"},
            r"'act' \(Choice\) got 'relu6': not one of the choices \(did you mean 'relu'\?\)",
        ),
        ({"act": 1}, r"'act' \(Choice\) got 1: wrong type int"),
        (
            {"layers": 4},
            r"'layers' \(Choice\) got 4: not one of the choices; expected one of \[1, 2, 3\]",
        ),
        (
            {"bn": 1},
            r"'bn' \(Boolean\) got 1: wrong type int; expected True or False",
        ),
        (
            {"epochs": 4},
            r"'epochs' \(Fixed\) got 4: not the fixed value; expected the fixed value 3",
        ),
    ],
)
def test_canonicalize_errors_name_hp_value_and_expectation(
    space, values, pattern
):
    codec = SpaceCodec(space)
    with pytest.raises(InvalidValueError, match=pattern) as info:
        codec.canonicalize(values, fill_defaults=True, where="fixed point 2")
    assert str(info.value).startswith("fixed point 2: ")


def test_inactive_values_drop_or_raise(space):
    codec = SpaceCodec(space)
    values = {"layers": 1, "units_2": 16}
    assert "units_2" not in codec.canonicalize(values, fill_defaults=True)
    with pytest.raises(
        InvalidValueError,
        match=r"'units_2' got 16 but is inactive: it needs 'layers' in \[2, 3\], got 1",
    ):
        codec.canonicalize(values, fill_defaults=True, on_inactive="raise")


def test_missing_active_value_without_defaults(space):
    codec = SpaceCodec(space)
    with pytest.raises(
        InvalidValueError, match="'units' is active but has no value"
    ):
        codec.canonicalize({})


def test_validate_requires_canonical_form(space):
    codec = SpaceCodec(space)
    values = codec.defaults()
    codec.validate(values)
    assert codec.is_valid(values)
    bad = {**values, "units": 32.0}
    with pytest.raises(
        InvalidValueError,
        match=r"got 32.0 \(float\), which is not in canonical form; expected 32 \(int\)",
    ):
        codec.validate(bad)
    assert not codec.is_valid(bad)


def test_bool_choice_is_stored_as_int_by_kerastuner():
    hp = kt.HyperParameters()
    hp.Choice("flag", [True, False])
    codec = SpaceCodec(hp)
    assert codec.canonicalize({"flag": True}) == {"flag": 1}
    with pytest.raises(InvalidValueError, match="not one of the choices"):
        codec.canonicalize({"flag": 2})


def test_float_choice_matches_within_tolerance():
    hp = kt.HyperParameters()
    hp.Choice("rate", [0.1, 0.01])
    codec = SpaceCodec(hp)
    assert codec.canonicalize({"rate": 0.1 + 1e-15}) == {"rate": 0.1}


def test_point_key_matches_kerastuner_hashing():
    codec = SpaceCodec(kt.HyperParameters())
    assert codec.point_key({"a": 64}) != codec.point_key({"a": 64.0})
    assert codec.point_key({"a": 1, "b": 2}) == codec.point_key(
        {"b": 2, "a": 1}
    )


# ----------------------------------------------- found by the properties
def test_bucket_boundaries_match_kerastuner():
    hp = kt.HyperParameters()
    hp.Choice("c", [0, 1, -1, 2, -2])
    # 0.6 / (1 / 5) is 2.9999999999999996 in floating point: bucket 2.
    assert SpaceCodec(hp).decode([[0.6]]) == [
        {"c": hp.space[0].prob_to_value(0.6)}
    ]


def test_values_kerastuner_rounds_out_of_range_are_clipped():
    hp = kt.HyperParameters()
    hp.Int("i", 23, 774, sampling="reverse_log")
    hp.Float("f", 0.001, 0.00125, step=2.0, sampling="reverse_log")
    assert hp.space[0].prob_to_value(0.0) == 22  # KerasTuner: below min
    assert hp.space[1].prob_to_value(0.0) > 0.00125  # and past max
    codec = SpaceCodec(hp)
    (values,) = codec.decode([[0.0, 0.0]])
    assert values == {"i": 23, "f": 0.00125}
    codec.validate(values)


def test_strip_tuner_keys_drops_only_hyperbands_bookkeeping():
    from ktseed.space import strip_tuner_keys

    values = {
        "units": 64,
        "tuner/epochs": 3,
        "tuner/trial_id": "0001",
        "tuner": 1,
    }
    assert strip_tuner_keys(values) == {"units": 64, "tuner": 1}
    assert values["tuner/epochs"] == 3  # the input is not changed


def test_a_given_grid_value_runs_exactly_as_given():
    """Issue 14.1: Float("d", 0.1, 0.5, step=0.1) with d=0.3 runs d=0.3."""
    hp = kt.HyperParameters()
    hp.Float("d", 0.1, 0.5, step=0.1)
    hp.Float("lr", 1e-4, 1e-1, step=10, sampling="log")
    codec = SpaceCodec(hp)
    given = {"d": 0.3, "lr": 0.01}
    assert codec.canonicalize(given) == given
    # KerasTuner's own spelling of the same grid values maps to it too.
    noisy = {"d": 0.1 + 2 * 0.1, "lr": 1e-4 * 10**2}
    assert noisy != given and codec.canonicalize(noisy) == given
    # Every decoded grid value reads as a person writes it.
    decoded = codec.decode(np.linspace(0, 0.999, 9).reshape(-1, 1).repeat(2, 1))
    assert {p["d"] for p in decoded} == {0.1, 0.2, 0.3, 0.4, 0.5}
    assert {p["lr"] for p in decoded} == {0.0001, 0.001, 0.01, 0.1}


def test_clip_brings_sampler_values_into_the_space():
    """Issue 13.7: what KerasTuner's samplers return is made valid."""
    hp = kt.HyperParameters()
    hp.Int("width", 8, 1024, sampling="log")
    hp.Float("d", 0.1, 0.5, step=0.1)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    codec = SpaceCodec(hp)
    width = hp.space[0].prob_to_value(1.0)
    assert width == 1025  # KerasTuner's own value, out of range
    got = codec.clip(
        {"width": width, "d": np.float64(0.30000000000000004), "lr": 5.0}
    )
    assert got == {"width": 1024, "d": 0.3, "lr": 0.1}
    assert [type(v) for v in got.values()] == [int, float, float]
    assert codec.clip({"width": 8, "tuner/epochs": 3}) == {
        "width": 8,
        "tuner/epochs": 3,
    }


def test_encode_puts_a_missing_hyperparameter_at_its_default():
    """A trial that ran before a hyperparameter was added encodes at its
    default (as KerasTuner's GP does), instead of failing."""
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Int("units", 32, 512, step=32, default=64)
    codec = SpaceCodec(hp)
    assert (
        codec.encode({"x": 0.25}).tolist()
        == codec.encode({"x": 0.25, "units": 64}).tolist()
    )


def test_a_default_off_its_own_grid_is_snapped_with_a_warning():
    """Issue 14.10: KerasTuner accepts Int(1, 100, step=2, "reverse_log")
    with default 1, which its grid never produces."""
    from ktseed import KtseedWarning

    hp = kt.HyperParameters()
    hp.Int("k", 1, 100, step=2, sampling="reverse_log")
    codec = SpaceCodec(hp)
    with pytest.warns(
        KtseedWarning,
        match=r"hyperparameter 'k': its default 1 is not on its own grid .*nearest grid value \d+",
    ):
        value = codec.defaults()["k"]
    assert value != 1 and codec.is_valid({"k": value})
    codec.defaults()  # warned once per hyperparameter: no second warning
