"""Behaviour shared by random, lhs, sobol and halton, plus their options."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from scipy.stats import qmc

from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import SpaceCodec
from ktseed import make_initializer

CUBE = ["random", "lhs", "sobol", "halton"]


@pytest.mark.parametrize("name", CUBE)
def test_same_seed_same_design_and_seed_zero_is_real(name, space):
    def design(seed):
        return make_initializer(
            {"name": name, "n_points": 8, "seed": seed}
        ).generate(space)

    assert design(0) == design(0)
    assert design(0) != design(1)


@pytest.mark.parametrize("name", CUBE)
def test_design_is_valid_canonical_and_json_round_trips(name, space):
    init = make_initializer({"name": name, "n_points": 8, "seed": 5})
    codec = SpaceCodec(space)
    points = init.generate(codec)
    assert len(points) == 8
    for p in points:
        codec.validate(p)
    config = json.loads(json.dumps(init.get_config()))
    assert config["name"] == name
    assert make_initializer(config).generate(codec) == points


@pytest.mark.parametrize("name", ["lhs", "sobol", "halton"])
def test_designs_come_from_scipy_qmc(name):
    # The raw cube is exactly scipy's engine driven by default_rng(seed).
    engine = {
        "lhs": qmc.LatinHypercube,
        "sobol": qmc.Sobol,
        "halton": qmc.Halton,
    }[name]
    init = make_initializer({"name": name, "n_points": 8, "seed": 11})
    expected = engine(3, rng=np.random.default_rng(11)).random(8)
    np.testing.assert_allclose(init.sample_unit_cube(8, 3), expected)


def test_lhs_is_stratified_in_every_dimension():
    u = make_initializer(
        {"name": "lhs", "n_points": 10, "seed": 2}
    ).sample_unit_cube(10, 4)
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 10).astype(int).tolist()) == list(
            range(10)
        )


def test_lhs_random_cd_lowers_discrepancy():
    plain = make_initializer({"name": "lhs", "n_points": 16, "seed": 3})
    optimized = make_initializer(
        {"name": "lhs", "n_points": 16, "seed": 3, "optimization": "random-cd"}
    )
    assert qmc.discrepancy(optimized.sample_unit_cube(16, 4)) < qmc.discrepancy(
        plain.sample_unit_cube(16, 4)
    )


def test_lhs_strength_two_checks_size_and_picks_default():
    with pytest.raises(
        InitializerConfigError,
        match=r"strength=2 needs n_points = p\*\*2 .*got n_points=10, d=3. Use n_points=25",
    ):
        make_initializer(
            {"name": "lhs", "strength": 2, "n_points": 10, "seed": 0}
        ).sample_unit_cube(10, 3)
    init = make_initializer({"name": "lhs", "strength": 2, "seed": 0})
    assert init.resolve_n_points(SpaceCodec(_space(3))) == 9


@pytest.mark.parametrize(
    ("config", "pattern"),
    [
        (
            {"name": "lhs", "optimization": "maximin"},
            r"`optimization` must be one of \[None, 'random-cd', 'lloyd'\] \(got 'maximin'\)",
        ),
        (
            {"name": "lhs", "strength": 3},
            r"`strength` must be 1 or 2 \(got 3\)",
        ),
        (
            {"name": "sobol", "scramble": "yes"},
            r"`scramble` must be True or False \(got 'yes'\)",
        ),
        (
            {"name": "halton", "scramble": 1},
            r"`scramble` must be True or False",
        ),
    ],
)
def test_bad_options_are_rejected_at_construction(config, pattern):
    with pytest.raises(InitializerConfigError, match=pattern):
        make_initializer(config)


def test_sobol_warns_for_non_power_of_two_with_remedy(space):
    with pytest.warns(
        KtseedWarning,
        match=r"n_points=12 is not a power of two.*use n_points=8 or n_points=16",
    ):
        make_initializer({"name": "sobol", "n_points": 12, "seed": 0}).generate(
            space
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_initializer({"name": "sobol", "n_points": 8, "seed": 0}).generate(
            space
        )


def test_sobol_default_size_is_a_power_of_two(space):
    codec = SpaceCodec(space)
    assert make_initializer("sobol").resolve_n_points(codec) == 16
    assert make_initializer("sobol").resolve_n_points(codec, max_trials=30) == 8
    assert make_initializer("lhs").resolve_n_points(codec, max_trials=30) == 10


def test_unseeded_designs_use_fresh_entropy(space):
    a = make_initializer({"name": "random", "n_points": 4}).generate(space)
    b = make_initializer({"name": "random", "n_points": 4}).generate(space)
    assert a != b


def test_space_with_only_fixed_values_gives_one_point():
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Fixed("a", 1)
    with pytest.warns(KtseedWarning, match="duplicate"):
        points = make_initializer(
            {"name": "sobol", "n_points": 4, "seed": 0}
        ).generate(hp)
    assert points == [{"a": 1}]


def _space(d):
    import keras_tuner as kt

    hp = kt.HyperParameters()
    for j in range(d):
        hp.Float(f"x{j}", 0.0, 1.0)
    return hp
