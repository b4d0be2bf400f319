from __future__ import annotations

import json

import numpy as np
import pytest

from ktseed import FixedInitializer
from ktseed import Initializer
from ktseed import InitializerConfigError
from ktseed import InvalidValueError
from ktseed import KtseedWarning
from ktseed import RandomInitializer
from ktseed import SpaceCodec
from ktseed import UnitCubeInitializer
from ktseed import make_initializer
from ktseed.initializers.base import default_n_points


class Corner(UnitCubeInitializer):
    """A test design: all points at the origin corner."""

    name = "corner"

    def _sample_unit_cube(self, request):
        n, d = request.n, request.dimension
        return np.zeros((n, d))


def test_bases_are_real_abcs():
    with pytest.raises(TypeError, match="abstract"):
        Initializer()  # type: ignore[abstract]
    with pytest.raises(TypeError, match="abstract"):
        UnitCubeInitializer()  # type: ignore[abstract]


def test_template_deduplicates_with_warning(space):
    with pytest.warns(
        KtseedWarning,
        match=r"dropped 3 duplicate point\(s\); the design has 1 distinct",
    ):
        points = Corner(n_points=4, seed=0).generate(space)
    assert points == [SpaceCodec(space).decode(np.zeros((1, 9)))[0]]


def test_template_rejects_bad_hook_output(space):
    class Broken(Initializer):
        name = "broken"

        def _generate(self, request):
            return [{"units": 33}]

    with pytest.raises(
        InvalidValueError,
        match=r"initializer 'broken' point 1: hyperparameter 'units' \(Int\) got 33: off the grid",
    ):
        Broken().generate(space)

    class NotDicts(Initializer):
        name = "not_dicts"

        def _generate(self, request):
            return [[1, 2]]

    with pytest.raises(
        InvalidValueError, match="design point 1 must be a mapping"
    ):
        NotDicts().generate(space)


def test_cube_hook_output_is_checked(space):
    class Outside(UnitCubeInitializer):
        name = "outside"

        def _sample_unit_cube(self, request):
            n, d = request.n, request.dimension
            return np.full((n, d), 2.0)

    with pytest.raises(InitializerConfigError, match=r"outside \[0, 1\]"):
        Outside(n_points=2, seed=0).generate(space)

    class WrongShape(UnitCubeInitializer):
        name = "wrong_shape"

        def _sample_unit_cube(self, request):
            n, d = request.n, request.dimension
            return np.zeros((n + 1, d))

    with pytest.raises(
        InitializerConfigError,
        match=r"must return shape \(2, 9\); got \(3, 9\)",
    ):
        WrongShape(n_points=2, seed=0).generate(space)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True])
def test_n_points_must_be_positive_int(bad):
    with pytest.raises(
        InitializerConfigError, match="`n_points` must be a positive integer"
    ):
        make_initializer({"name": "sobol", "n_points": bad})


@pytest.mark.parametrize("bad", [-1, 1.5, "0", False])
def test_seed_must_be_non_negative_int(bad):
    with pytest.raises(
        InitializerConfigError, match="`seed` must be a non-negative integer"
    ):
        make_initializer({"name": "lhs", "seed": bad})


@pytest.mark.parametrize(
    ("dimension", "max_trials", "expected"),
    [
        (1, None, 5),
        (2, None, 5),
        (6, None, 12),
        (20, None, 16),
        (6, 30, 10),
        (2, 30, 5),
        (6, 9, 3),
        (6, 2, 1),
    ],
)
def test_default_n_points_rule(dimension, max_trials, expected):
    assert default_n_points(dimension, max_trials) == expected


def test_with_default_seed_only_fills_a_missing_seed():
    unseeded = make_initializer("lhs")
    assert unseeded.with_default_seed(7).get_config()["seed"] == 7
    seeded = make_initializer({"name": "lhs", "seed": 3})
    assert seeded.with_default_seed(7) is seeded
    fixed = FixedInitializer(points=[{"units": 64}])
    assert fixed.with_default_seed(7) is fixed


def test_config_mismatch_is_a_clear_error():
    with pytest.raises(
        InitializerConfigError,
        match=r"does not match the constructor .*got keys \['bogus', 'name'\]",
    ):
        make_initializer({"name": "sobol", "bogus": 1})


def test_equality_and_repr_follow_config():
    a = make_initializer({"name": "halton", "seed": 1, "n_points": 4})
    b = make_initializer(json.loads(json.dumps(a.get_config())))
    assert a == b and hash(a) == hash(b)
    assert repr(a) == "HaltonInitializer(n_points=4, seed=1, scramble=True)"


def test_ktseed_01_hook_signatures_still_run_with_a_deprecation_warning(space):
    class OldCube(UnitCubeInitializer):
        name = "old_cube"

        def _sample_unit_cube(self, n, d, rng):
            return rng.random((n, d))

    class OldData(Initializer):
        name = "old_data"

        def _default_n_points(self, codec, max_trials):
            return 1

        def _generate(self, codec, n):
            return [codec.defaults()] * n

    with pytest.warns(
        DeprecationWarning,
        match=r"`_sample_unit_cube\(self, n, d, rng\)` is ktseed 0\.1's hook signature.*`_sample_unit_cube\(self, request\)`",
    ):
        old = OldCube(n_points=3, seed=4).generate(space)
    new = RandomInitializer(n_points=3, seed=4).generate(space)
    assert old == new  # the same stream: rng is request.rng()
    with (
        pytest.warns(
            DeprecationWarning, match=r"`_generate\(self, codec, n\)`"
        ),
        pytest.warns(
            DeprecationWarning,
            match=r"`_default_n_points\(self, codec, max_trials\)`",
        ),
    ):
        assert OldData().generate(space) == [SpaceCodec(space).defaults()]


def test_a_mistyped_config_key_names_the_nearest_option():
    with pytest.raises(
        InitializerConfigError,
        match=r"unknown option\(s\) 'n_point'.*got keys \['n_point', 'name'\]\. Did you mean 'n_points'\?",
    ):
        make_initializer({"name": "sobol", "n_point": 4})
