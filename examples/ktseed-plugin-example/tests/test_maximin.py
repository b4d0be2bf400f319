"""The plugin's tests: ktseed's conformance suite plus its own behaviour."""

from __future__ import annotations

import keras_tuner as kt
import pytest
from ktseed import SpaceCodec
from ktseed import make_initializer
from ktseed.testing import InitializerContract
from ktseed.testing import contract_space

from ktseed_plugin_example import MaximinInitializer
from ktseed_plugin_example.maximin import smallest_distance


class TestMaximinContract(InitializerContract):
    """The same contract tests ktseed's built-in initializers pass."""

    @pytest.fixture(params=[None, 6], ids=["default-size", "six-points"])
    def initializer_factory(self, request):
        return lambda: MaximinInitializer(n_points=request.param, candidates=8)


def test_found_by_name_through_the_entry_point():
    initializer = make_initializer({"name": "maximin", "n_points": 4})
    assert isinstance(initializer, MaximinInitializer)


def test_more_spread_out_than_a_single_latin_hypercube():
    codec = SpaceCodec(contract_space())
    one = MaximinInitializer(n_points=8, seed=0, candidates=1)
    many = MaximinInitializer(n_points=8, seed=0, candidates=64)
    spread = [
        smallest_distance(codec.encode_many(init.generate(codec)))
        for init in (one, many)
    ]
    assert spread[1] > spread[0]


def test_no_two_points_share_a_configuration_in_a_small_grid():
    hp = kt.HyperParameters()
    hp.Int("units", 32, 128, step=32)  # 4 values
    hp.Choice("activation", ["relu", "tanh"])  # 2 values
    design = MaximinInitializer(n_points=8, seed=1).generate(hp)
    assert len({tuple(sorted(p.items())) for p in design}) == 8


def test_bad_candidates_are_refused():
    with pytest.raises(
        ValueError, match="`candidates` must be an integer >= 1"
    ):
        MaximinInitializer(candidates=0)
