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
import types

import keras_tuner as kt
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ktseed import SpaceCodec
from ktseed.errors import KtseedWarning
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

# Both codecs warn, alike, when a default is off its own grid (most stepped
# reverse-log spaces); that warning is compared on its own below, by
# test_both_codecs_warn_alike_of_an_off_grid_default.
pytestmark = pytest.mark.filterwarnings(
    "ignore:hyperparameter .* its default .* is not on its own grid"
    ":ktseed.errors.KtseedWarning"
)


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


# ------------------------------------------------ what the light reader takes
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 70),
    st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 64.0, 1e-3, -1.0]),
    st.sampled_from(["linear", "LINEAR", "log", "Reverse_Log", "x", "a"]),
)


def mostly(*plausible):
    """One of ``plausible`` nine times in ten, else any scalar."""
    return st.integers(0, 9).flatmap(
        lambda k: SCALARS if k == 0 else st.one_of(*plausible)
    )


NUMBERS = st.one_of(
    st.integers(-3, 70), st.sampled_from([0.5, 1.0, 2.0, 3.5, 64.0, 1e-3])
)
LISTS = st.one_of(
    st.lists(st.integers(-2, 5), min_size=1, max_size=4),
    st.lists(st.sampled_from([0.5, 1.0, 2.5]), min_size=1, max_size=3),
    st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3),
    st.lists(st.booleans(), min_size=1, max_size=2),
    st.lists(SCALARS, max_size=3),
)
PARENTS = st.fixed_dictionaries(
    {
        "class_name": mostly(st.just("Parent")),
        "config": st.fixed_dictionaries(
            {
                "name": mostly(st.just("p")),
                "values": mostly(
                    st.lists(st.integers(0, 3), min_size=1, max_size=3)
                ),
            }
        ),
    }
)
CONDITIONS = mostly(st.just([]), st.lists(PARENTS, min_size=1, max_size=2))
NUMBER_KEYS = ("min_value", "max_value", "step", "sampling", "default")
KEYS = {
    "Fixed": ("value",),
    "Boolean": ("default",),
    "Choice": ("values", "ordered", "default"),
    "Int": NUMBER_KEYS,
    "Float": NUMBER_KEYS,
    "Hp": ("value",),
}
FIELDS = {
    "value": SCALARS,
    "values": mostly(LISTS),
    "default": mostly(NUMBERS, st.booleans(), st.sampled_from(["x", "y"])),
    "ordered": mostly(st.none(), st.booleans()),
    "min_value": mostly(NUMBERS),
    "max_value": mostly(NUMBERS),
    "step": mostly(st.none(), st.integers(1, 4), st.sampled_from([0.5, 2.0])),
    "sampling": mostly(
        st.sampled_from(["linear", "log", "reverse_log", "LOG", None])
    ),
    "colour": SCALARS,
}


@st.composite
def odd_configs(draw):
    """One entry of a random class under a Choice "p", its fields random.

    Its keys are its class's own; now and then one is missing or another
    class's key is added.
    """
    kind = draw(st.sampled_from(sorted(KEYS)))
    keys = ["name", "conditions", *KEYS[kind]]
    if draw(st.integers(0, 5)) == 0:
        keys.remove(draw(st.sampled_from(keys)))
    if draw(st.integers(0, 5)) == 0:
        keys.append(draw(st.sampled_from(sorted(FIELDS))))
    fields = {
        **FIELDS,
        "name": st.sampled_from(["a", "a", "a", 2]),
        "conditions": CONDITIONS,
    }
    config = {key: draw(fields[key]) for key in dict.fromkeys(keys)}
    parent = entry("Choice", name="p", values=[1, 2], default=1)
    return {
        "space": [parent, {"class_name": kind, "config": config}],
        "values": {"p": 1},
    }


def outcome(call):
    """A call's result (a generator as a tuple), or the type it raised."""
    try:
        result = call()
    except Exception as error:  # compared, not handled
        return ("raised", type(error))
    if isinstance(result, types.GeneratorType):
        result = tuple(result)
    return ("returned", result)


def same_outcome(a, b) -> bool:
    return a[0] == b[0] and (a[1] is b[1] if a[0] == "raised" else same(a, b))


@settings(PROPERTY, max_examples=400)
@given(config=odd_configs(), probs=st.lists(st.floats(0.0, 1.0), max_size=4))
def test_the_light_reader_accepts_only_what_it_reads_as_kerastuner(
    config, probs
):
    """Rejecting is always safe (KerasTuner then reads the config itself);
    accepting a config means KerasTuner accepts it too and agrees on it.
    """
    text = json.dumps(config)
    try:
        light = HyperParameters.from_config(json.loads(text))
    except UnsupportedSpaceError:
        return
    reference = kt.HyperParameters.from_config(json.loads(text))
    assert json.dumps(light.get_config()) == json.dumps(reference.get_config())
    hp, ref = light.space[-1], reference.space[-1]
    assert type(hp).__name__ == type(ref).__name__
    assert same(hp.default, ref.default)
    for attribute in ("values", *NUMERICAL, "ordered", "value"):
        if hasattr(ref, attribute):
            assert same_outcome(
                outcome(lambda a=attribute: getattr(hp, a)),
                outcome(lambda a=attribute: getattr(ref, a)),
            ), attribute
    for condition, expected in zip(hp.conditions, ref.conditions):
        assert same(condition.values, expected.values)
        for values in ({}, {"p": 1}, {"p": 2}, {"p": True}, {"p": "1"}):
            assert condition.is_active(values) == expected.is_active(values)
    for prob in [0.0, 0.5, UPPER_COORDINATE, 1.0, *probs]:
        got = outcome(lambda p=prob: hp.prob_to_value(p))
        assert same_outcome(got, outcome(lambda p=prob: ref.prob_to_value(p)))
        if got[0] == "returned":
            assert same_outcome(
                outcome(lambda v=got[1]: hp.value_to_prob(v)),
                outcome(lambda v=got[1]: ref.value_to_prob(v)),
            )
    assert same_outcome(
        outcome(lambda: hp.random_sample(3)),
        outcome(lambda: ref.random_sample(3)),
    )


def test_a_light_codec_encodes_and_counts_as_the_kerastuner_one(space):
    # encode, encode_many and cardinality read the per-coordinate grid sizes
    # that SpaceCodec.__init__ computes: the light codec must have them too.
    text = json.dumps(space.get_config())
    reference = SpaceCodec(kt.HyperParameters.from_config(json.loads(text)))
    codec = light_codec(json.loads(text))
    assert type(codec) is SpaceCodec
    assert codec.cardinality == reference.cardinality
    assert (
        light_codec(
            {
                "space": [
                    entry("Int", name="i", min_value=0, max_value=9, step=3)
                ],
                "values": {},
            }
        ).cardinality
        == 4
    )
    u = np.linspace(0, 1, 6 * codec.dimension).reshape(6, -1)
    points = [*reference.decode(u), reference.defaults(), {}]
    assert np.array_equal(
        codec.encode_many(points), reference.encode_many(points)
    )
    for point in points:
        assert np.array_equal(codec.encode(point), reference.encode(point))
    assert np.array_equal(
        codec.decode(codec.encode_many(points[:6])),
        reference.decode(reference.encode_many(points[:6])),
    )


def test_encoding_a_light_space_imports_neither_kerastuner_nor_tensorflow():
    code = (
        "import sys\n"
        "from ktseed._example_config import EXAMPLE_SPACE_CONFIG\n"
        "from ktseed.space.light import light_codec\n"
        "codec = light_codec(EXAMPLE_SPACE_CONFIG)\n"
        "point = codec.decode([[0.3] * codec.dimension])[0]\n"
        "codec.encode(point)\n"
        "codec.canonicalize(point)\n"
        "codec.cardinality\n"
        "heavy = {'keras_tuner', 'keras', 'tensorflow'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_both_codecs_warn_alike_of_an_off_grid_default():
    # Int(1, 2, step=3, "reverse_log") has the grid [2]: its default, 1, is
    # off it; Float(0.5, 7, step=2, "reverse_log") likewise.
    config = {
        "space": [
            entry(
                "Int",
                name="i",
                min_value=1,
                max_value=2,
                step=3,
                sampling="reverse_log",
                default=None,
            ),
            entry(
                "Float",
                name="f",
                min_value=0.5,
                max_value=7.0,
                step=2.0,
                sampling="reverse_log",
                default=0.5,
            ),
        ],
        "values": {},
    }
    text = json.dumps(config)
    with pytest.warns(KtseedWarning) as expected:
        wanted = SpaceCodec(
            kt.HyperParameters.from_config(json.loads(text))
        ).defaults()
    with pytest.warns(KtseedWarning) as got:
        assert same(light_codec(json.loads(text)).defaults(), wanted)
    assert [str(w.message) for w in got] == [str(w.message) for w in expected]
    assert len(got) == 2


@pytest.mark.parametrize(
    ("class_name", "config", "says"),
    [
        # KerasTuner accepts these, and fails (or answers oddly) later:
        # KerasTuner itself is left to read them.
        (
            "Float",
            {"min_value": 0, "max_value": 1, "step": 0},
            r"Float 'x'\): `step` must exceed 0 .*\(got step=0\)",
        ),
        (
            "Int",
            {"min_value": 0, "max_value": True},
            r"`max_value` must be a finite number \(got max_value=True\)",
        ),
        (
            "Boolean",
            {"default": 1},
            r"`default` must be True or False \(got default=1\)",
        ),
        # KerasTuner rejects these.
        (
            "Int",
            {"min_value": 5, "max_value": 1},
            r"`min_value` must not exceed `max_value` "
            r"\(got min_value=5, max_value=1\)",
        ),
        (
            "Float",
            {"min_value": 0, "max_value": 1, "sampling": "log"},
            r"`min_value` must be positive with sampling='log'",
        ),
        ("Choice", {"values": [1, "a"]}, r"`values` must be a non-empty list"),
        (
            "Fixed",
            {"value": None, "default": 1},
            r"only keys of \['conditions', 'name', 'value'\] \(got keys=",
        ),
        ("Range", {}, r"space entry 0: `class_name` must be one of"),
    ],
)
def test_what_is_left_to_kerastuner_is_said_where_and_why(
    class_name, config, says
):
    entries = [entry(class_name, name="x", **config)]
    with pytest.raises(UnsupportedSpaceError, match=says):
        HyperParameters.from_config({"space": entries, "values": {}})
