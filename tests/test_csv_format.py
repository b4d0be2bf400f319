"""The CSV format: what ktseed writes, the csv initializer reads back.

The property tests write random configurations of random spaces with the
writer ``ktseed export`` uses and read them with ``CSVInitializer``: the
points must come back equal and of the same Python types.
"""

from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path

import keras_tuner as kt
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ktseed import CSVInitializer
from ktseed import SpaceCodec
from ktseed.csv_format import format_cell
from ktseed.csv_format import parse_score
from ktseed.csv_format import results_header
from ktseed.csv_format import write_table
from ktseed.csv_format.cells import plain_number
from ktseed.points import point_key

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
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Strings a person may put in a Choice: any text but surrogates, that is
#: not empty or blank (an empty cell is a missing value).
CHOICE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8
).filter(lambda text: text.strip() != "")


def write_and_read(space: kt.HyperParameters, points: list[dict]) -> list:
    """Writes ``points`` as ``ktseed export`` would; reads them back."""
    codec = SpaceCodec(space)
    names = codec.names
    rows = [
        [*(point.get(name) for name in names), float(i) / 3, "COMPLETED"]
        for i, point in enumerate(points)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trials.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            write_table(file, results_header(names, "score"), rows)
        return CSVInitializer(path, score_column="score").generate(codec)


def distinct_points(codec: SpaceCodec, cube: list[list[float]]) -> list:
    array = np.array(cube, dtype=float).reshape(len(cube), codec.dimension)
    unique = {point_key(p): p for p in codec.decode(array)}
    return list(unique.values())


def assert_same_points(read: list[dict], written: list[dict]) -> None:
    assert read == written
    for got, expected in zip(read, written, strict=True):
        assert sorted(got) == sorted(expected)
        for name, value in expected.items():
            assert type(got[name]) is type(value), (name, got[name], value)


# ------------------------------------------------------------ round trip
@PROPERTY
@given(data=st.data())
def test_written_points_read_back_equal_and_of_the_same_types(data):
    space = data.draw(spaces())
    codec = SpaceCodec(space)
    points = distinct_points(codec, data.draw(unit_points(codec.dimension)))
    assert_same_points(write_and_read(space, points), points)


@PROPERTY
@given(
    choices=st.lists(CHOICE_TEXT, min_size=1, max_size=5, unique=True),
    data=st.data(),
)
def test_any_choice_text_reads_back(choices, data):
    """Commas, quotes, line breaks, spaces around, non-ASCII text."""
    space = kt.HyperParameters()
    space.Choice("text", choices)
    space.Int("n", 0, 1000)
    picked = data.draw(
        st.lists(st.sampled_from(choices), min_size=1, unique=True)
    )
    points = [{"text": t, "n": i} for i, t in enumerate(picked)]
    assert_same_points(write_and_read(space, points), points)


@PROPERTY
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_is_written_as_its_shortest_repr(value):
    text = format_cell(value)
    assert text == repr(value)
    assert parse_score(text, "here") == value
    assert plain_number(text) == value
    assert type(plain_number(text)) is float


@PROPERTY
@given(st.integers(-(10**18), 10**18))
def test_an_integer_is_written_as_its_digits(value):
    text = format_cell(value)
    assert text == str(value)
    assert plain_number(text) == value
    assert type(plain_number(text)) is int


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "True"),
        (False, "False"),
        (0.1, "0.1"),
        (1e-05, "1e-05"),
        (64.0, "64.0"),
        (-0.0, "-0.0"),
        (0.30000000000000004, "0.30000000000000004"),  # written as it is
        (np.float64(0.1), "0.1"),  # not "np.float64(0.1)"
        (np.float32(0.5), "0.5"),
        (np.int64(7), "7"),
        (np.True_, "True"),
        ("adam, amsgrad", "adam, amsgrad"),
    ],
)
def test_cells_are_written_as_a_person_would_write_them(value, text):
    assert format_cell(value) == text


def test_the_writer_quotes_what_needs_quoting():
    out = io.StringIO()
    rows = [["x, y", 'say "hi"'], [None, 1.5], ["a\rb", 2]]
    assert write_table(out, ["a", "b"], rows) == 3
    assert out.getvalue() == (
        'a,b\n"x, y","say ""hi"""\n,1.5\n'
        '"a\rb","2"\n'  # the csv module alone would not quote a lone \r
    )


@pytest.mark.parametrize(
    ("names", "score", "header"),
    [
        (["x"], "score", ["x", "score", "status"]),
        (["status"], "score", ["status", "score"]),
        (["x"], "status", ["x", "status"]),
    ],
)
def test_results_header(names, score, header):
    assert results_header(names, score) == header


# -------------------------------------------------------- grid tolerance
def test_values_within_the_grid_tolerance_read_as_the_grid_value(tmp_path):
    """The reader snaps what a person writes (0.3) and what KerasTuner
    writes (0.30000000000000004) onto the same grid value; the writer adds
    no digits of its own."""
    space = kt.HyperParameters()
    space.Float("dropout", 0.0, 0.5, step=0.1)
    space.Int("row", 0, 9)
    codec = SpaceCodec(space)
    (hp, _) = codec.entries
    grid = codec.canonical_value(hp, 0.3)
    assert math.isclose(grid, 0.3)
    path = tmp_path / "grid.csv"
    path.write_text(
        "dropout,row\n0.3,1\n0.30000000000000004,2\n0.3000000000001,3\n"
        f"{format_cell(grid)},4\n"
    )
    points = CSVInitializer(path).generate(space)
    assert [p["dropout"] for p in points] == [grid] * 4
    assert all(type(p["dropout"]) is float for p in points)
