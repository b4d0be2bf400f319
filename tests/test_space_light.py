"""ktseed.space.light reads a space exactly as KerasTuner does, without it.

Every random space of :mod:`tests.strategies` goes through JSON (as it does
in an ``oracle.json``) and is read twice, by KerasTuner and by the light
reader; every attribute, unit-cube formula, condition and decoded design
must agree, value and type.
"""

from __future__ import annotations

import json
import subprocess
import sys

import keras_tuner as kt
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ktseed import SpaceCodec
from ktseed.space import UPPER_COORDINATE
from ktseed.space import hp_kind
from ktseed.space.light import HyperParameters
from ktseed.space.light import LightSpaceCodec
from ktseed.space.light import UnsupportedSpaceError
from ktseed.space.light import light_codec

from .strategies import spaces
from .strategies import unit_points

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NUMERICAL = ("min_value", "max_value", "step", "sampling")


def same(a, b) -> bool:
    """Equal in value and type, also inside lists and tuples."""
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b))
        )
    return type(a) is type(b) and a == b


def both(config):
    """The same JSON config read by KerasTuner and by the light reader."""
    text = json.dumps(config)
    return (
        kt.HyperParameters.from_config(json.loads(text)),
        HyperParameters.from_config(json.loads(text)),
    )


def probabilities(data) -> list[float]:
    drawn = data.draw(st.lists(st.floats(0.0, 1.0), max_size=8))
    return [0.0, 0.25, 0.5, 0.6, 1 - 1e-12, UPPER_COORDINATE, *drawn]


def check_same_space(config, probs) -> None:
    reference, light = both(config)
    # Through JSON, so that True and 1 differ.
    assert json.dumps(light.get_config()) == json.dumps(reference.get_config())
    assert same(light.values, reference.values)
    assert len(light.space) == len(reference.space)
    for ref, hp in zip(reference.space, light.space):
        assert type(hp).__name__ == type(ref).__name__
        assert hp_kind(hp) == hp_kind(ref)
        assert hp.name == ref.name
        assert same(hp.default, ref.default)
        assert [c.name for c in hp.conditions] == [
            c.name for c in ref.conditions
        ]
        assert same(
            [c.values for c in hp.conditions],
            [c.values for c in ref.conditions],
        )
        values, expected = hp.values, ref.values
        if not isinstance(expected, (list, tuple)):  # a grid's generator
            values, expected = tuple(values), tuple(expected)
        assert same(values, expected)
        if hp_kind(ref) in ("Int", "Float"):
            for attribute in NUMERICAL:
                assert same(getattr(hp, attribute), getattr(ref, attribute))
        if hp_kind(ref) == "Choice":
            assert same(hp.ordered, ref.ordered)
        for prob in probs:
            value = ref.prob_to_value(prob)
            assert same(hp.prob_to_value(prob), value), (ref, prob)
            try:
                expected = ref.value_to_prob(value)
            except Exception as error:  # a value KerasTuner cannot map back
                with pytest.raises(type(error)):
                    hp.value_to_prob(value)
                continue
            assert same(hp.value_to_prob(value), expected), (ref, value)
        assert same(hp.random_sample(7), ref.random_sample(7))


@PROPERTY
@given(data=st.data())
def test_light_hyperparameters_match_kerastuner(data):
    check_same_space(data.draw(spaces()).get_config(), probabilities(data))


def entry(class_name, **config):
    return {
        "class_name": class_name,
        "config": {"conditions": [], **config},
    }


@pytest.mark.parametrize(
    "entries",
    [
        # Choice([True, False]) becomes [1, 0], its default an int.
        [entry("Choice", name="c", values=[True, False], default=False)],
        # Numbers of other types than KerasTuner writes.
        [entry("Float", name="f", min_value=0, max_value=10, step=2)],
        [entry("Int", name="i", min_value=1.0, max_value=9.0, step=2.0)],
        [
            entry(
                "Int",
                name="i",
                min_value=1,
                max_value=64,
                step=2.0,
                sampling="LOG",
            )
        ],
        [
            entry(
                "Int",
                name="i",
                min_value=1,
                max_value=9,
                step=None,
                sampling="LINEAR",
            )
        ],
        [entry("Float", name="f", min_value=1, max_value=2, sampling=None)],
        [entry("Float", name="f", min_value=2.0, max_value=2.0)],
        [entry("Choice", name="c", values=[3, 1], ordered=None, default=1.0)],
        [
            entry("Fixed", name="x", value=True),
            entry("Fixed", name="y", value=2),
        ],
        # A condition on a bool Choice ([1, 0]) and on a Boolean.
        [
            entry("Choice", name="c", values=[True, False]),
            entry("Boolean", name="b"),
            entry(
                "Int",
                name="i",
                min_value=0,
                max_value=3,
                conditions=[
                    {
                        "class_name": "Parent",
                        "config": {"name": "c", "values": [1]},
                    },
                    {
                        "class_name": "Parent",
                        "config": {"name": "b", "values": True},
                    },
                ],
            ),
        ],
    ],
)
def test_kerastuners_normalisation_quirks_are_mirrored(entries):
    config = {"space": entries, "values": {}}
    check_same_space(config, [0.0, 0.3, 0.5, 0.99, UPPER_COORDINATE])
    text = json.dumps(config)
    reference = SpaceCodec(kt.HyperParameters.from_config(json.loads(text)))
    codec = light_codec(json.loads(text))
    u = np.linspace(0, 1, 4 * reference.dimension).reshape(4, -1)
    assert [list(p.items()) for p in codec.decode(u)] == [
        list(p.items()) for p in reference.decode(u)
    ]
    assert same(codec.defaults(), reference.defaults())


@PROPERTY
@given(data=st.data())
def test_light_codec_decodes_and_checks_as_the_kerastuner_one(data):
    text = json.dumps(data.draw(spaces()).get_config())
    reference = SpaceCodec(kt.HyperParameters.from_config(json.loads(text)))
    codec = light_codec(json.loads(text))
    assert vars(codec).keys() == vars(reference).keys()
    assert codec.names == reference.names
    assert codec.dimension == reference.dimension
    assert same(codec.defaults(), reference.defaults())
    rows = data.draw(unit_points(reference.dimension))
    points = np.array(rows, dtype=float).reshape(len(rows), -1)
    decoded = reference.decode(points)
    light = codec.decode(points)
    assert len(light) == len(decoded)
    for got, want in zip(light, decoded):
        assert list(got) == list(want)
        assert all(same(got[k], want[k]) for k in want)
        assert np.array_equal(codec.encode(want), reference.encode(want))
        assert same(codec.canonicalize(want), reference.canonicalize(want))
        for hp, ref in zip(codec.entries, reference.entries):
            assert all(c.is_active(want) for c in hp.conditions) == all(
                c.is_active(want) for c in ref.conditions
            )


def test_the_light_codec_takes_kerastuners_spaces_too(space):
    codec = LightSpaceCodec(space)
    reference = SpaceCodec(space)
    assert codec.names == reference.names
    u = np.linspace(0, 1, 5 * codec.dimension).reshape(5, -1)
    assert codec.decode(u) == reference.decode(u)


@pytest.mark.parametrize(
    "config",
    [
        # Another class than KerasTuner's five.
        {"space": [{"class_name": "Range", "config": {}}], "values": {}},
        # What KerasTuner's own constructors reject.
        {
            "space": [
                {
                    "class_name": "Int",
                    "config": {
                        "name": "a",
                        "default": None,
                        "conditions": [],
                        "min_value": 5,
                        "max_value": 1,
                        "step": None,
                        "sampling": "linear",
                    },
                }
            ],
            "values": {},
        },
        {
            "space": [
                {
                    "class_name": "Choice",
                    "config": {
                        "name": "c",
                        "default": "x",
                        "conditions": [],
                        "values": ["a", "b"],
                        "ordered": None,
                    },
                }
            ],
            "values": {},
        },
        # An unknown option, a missing key, another condition class.
        {
            "space": [
                {
                    "class_name": "Boolean",
                    "config": {"name": "b", "conditions": [], "colour": 1},
                }
            ],
            "values": {},
        },
        {"space": []},
        {
            "space": [
                {
                    "class_name": "Boolean",
                    "config": {
                        "name": "b",
                        "conditions": [{"class_name": "Not", "config": {}}],
                    },
                }
            ],
            "values": {},
        },
    ],
)
def test_what_only_kerastuner_can_read_or_reject_is_left_to_it(config):
    with pytest.raises(UnsupportedSpaceError):
        HyperParameters.from_config(config)
    with pytest.raises(Exception):  # noqa: B017, PT011 - KerasTuner's own
        kt.HyperParameters.from_config(json.loads(json.dumps(config)))


def test_reading_a_space_imports_neither_kerastuner_nor_tensorflow():
    code = (
        "import sys\n"
        "from ktseed._example_config import EXAMPLE_SPACE_CONFIG\n"
        "from ktseed.space.light import light_codec\n"
        "codec = light_codec(EXAMPLE_SPACE_CONFIG)\n"
        "codec.decode([[0.5] * codec.dimension])\n"
        "heavy = {'keras_tuner', 'keras', 'tensorflow'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
