from __future__ import annotations

import json

import numpy as np
import pytest

from ktseed import FixedInitializer
from ktseed import InitializerConfigError
from ktseed import InvalidValueError
from ktseed import KtseedWarning
from ktseed import make_initializer


def test_partial_points_are_completed_from_defaults_in_order(space):
    init = FixedInitializer(
        points=[{"units": 256, "act": "tanh"}, {"units": 64.0, "layers": 2}]
    )
    first, second = init.generate(space)
    assert first == {
        "units": 256,
        "lr": 1e-4,
        "act": "tanh",
        "bn": False,
        "epochs": 3,
        "dropout": 0.0,
        "layers": 1,
    }
    assert second["units"] == 64 and type(second["units"]) is int
    assert second["units_2"] == 8 and second["kind"] == "a"
    assert init.generate(space) == [first, second]  # never a random fill


def test_numpy_values_become_native(space):
    (point,) = FixedInitializer(
        points=[{"units": np.int64(96), "lr": np.float32(0.01)}]
    ).generate(space)
    assert type(point["units"]) is int and type(point["lr"]) is float
    json.dumps(point)


def test_duplicates_after_completion_run_once(space):
    init = FixedInitializer(points=[{"units": 32}, {}, {"units": 64}])
    with pytest.warns(KtseedWarning, match=r"dropped 1 duplicate"):
        points = init.generate(space)
    assert [p["units"] for p in points] == [32, 64]


def test_n_points_takes_the_first_points(space):
    init = FixedInitializer(points=[{"units": 32}, {"units": 64}], n_points=1)
    assert [p["units"] for p in init.generate(space)] == [32]
    with pytest.raises(
        InitializerConfigError,
        match=r"`n_points`=3 but only 2 point\(s\) were given",
    ):
        FixedInitializer(points=[{"units": 32}, {"units": 64}], n_points=3)


@pytest.mark.parametrize(
    ("points", "pattern"),
    [
        ([], "`points` is empty"),
        ({"units": 32}, "`points` must be a list of dicts"),
        ("units=32", "`points` must be a list of dicts"),
        ([{"units": 32}, 5], r"point 2: must be a dict .*got int"),
        ([{1: 32}], r"point 1: names must be strings \(got 1\)"),
        (
            [{"units": [32]}],
            r"point 1, 'units': values must be int, float, str or bool \(got \[32\] of type list\)",
        ),
        ([{"lr": float("nan")}], r"point 1, 'lr': values must be finite"),
    ],
)
def test_malformed_points_rejected_at_construction(points, pattern):
    with pytest.raises(InitializerConfigError, match=pattern):
        FixedInitializer(points=points)


@pytest.mark.parametrize(
    ("point", "pattern"),
    [
        (
            {"units": 100000},
            r"initializer 'fixed' point 2: hyperparameter 'units' \(Int\) got 100000: outside the range",
        ),
        (
            {"units": 65},
            r"point 2: hyperparameter 'units' \(Int\) got 65: off the grid",
        ),
        (
            {"act": "gelu"},
            r"point 2: hyperparameter 'act' \(Choice\) got 'gelu': not one of the choices",
        ),
        (
            {"unitz": 64},
            r"point 2: unknown hyperparameter 'unitz'.*Did you mean 'units'",
        ),
        (
            {"layers": 1, "units_2": 16},
            r"point 2: hyperparameter 'units_2' got 16 but is inactive",
        ),
    ],
)
def test_values_that_do_not_fit_the_space_name_the_point(space, point, pattern):
    init = FixedInitializer(points=[{"units": 32}, point])
    with pytest.raises(InvalidValueError, match=pattern):
        init.generate(space)


def test_config_round_trip():
    init = FixedInitializer(points=[{"units": 32, "act": "relu"}], n_points=1)
    config = json.loads(json.dumps(init.get_config()))
    assert config == {
        "name": "fixed",
        "n_points": 1,
        "points": [{"units": 32, "act": "relu"}],
    }
    assert make_initializer(config) == init


def test_name_alone_needs_points():
    with pytest.raises(
        InitializerConfigError,
        match=r"Initializer 'fixed' needs arguments .*pass a dict such as \{'name': 'fixed', \.\.\.\}",
    ):
        make_initializer("fixed")
