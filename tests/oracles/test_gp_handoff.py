"""Tests of the GP hand-off proposer (ktseed.oracles.gp)."""

from __future__ import annotations

import itertools
import json
import math

import keras_tuner as kt
import numpy as np
import pytest

import ktseed
from ktseed.errors import HandoffConfigError
from ktseed.oracles.gp import GPHandoff
from ktseed.space import SpaceCodec


def _design(codec: SpaceCodec, n: int = 8, seed: int = 1):
    return ktseed.make_initializer(
        {"name": "sobol", "n_points": n, "seed": seed}
    ).generate(codec)


def _bowl(values) -> float:
    """A cheap 2-d objective: minimum 0 at x = 0.7, lr = 10^-2.5."""
    return (values["x"] - 0.7) ** 2 + 0.1 * (
        math.log10(values["lr"]) + 2.5
    ) ** 2


def _bowl_space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", -2.0, 2.0)
    hp.Float("lr", 1e-5, 1e-1, sampling="log")
    return hp


def _observe(codec, fn, n=8, seed=1):
    return [(v, fn(v)) for v in _design(codec, n, seed)]


def test_deterministic_for_same_inputs_and_seed(space):
    codec = SpaceCodec(space)
    rng = np.random.default_rng(0)
    observations = [(v, float(rng.normal())) for v in _design(codec, 8, seed=3)]
    first = GPHandoff(seed=5).propose(codec, observations)
    second = GPHandoff(seed=5).propose(codec, list(observations))
    assert first == second
    assert json.dumps(first)  # native, JSON-safe values


@pytest.mark.parametrize("kernel", ["product", "mixed"])
def test_proposals_valid_and_new_in_conditional_space(space, kernel):
    codec = SpaceCodec(space)
    assert codec.is_conditional()
    rng = np.random.default_rng(1)
    observations = [(v, float(rng.normal())) for v in _design(codec, 8)]
    handoff = GPHandoff(seed=2, kernel=kernel)
    seen = {codec.point_key(v) for v, _ in observations}
    for _ in range(4):
        values = handoff.propose(codec, observations)
        assert values is not None
        codec.validate(values)
        key = codec.point_key(values)
        assert key not in seen
        seen.add(key)
        # Inactive children never appear; active ones always do.
        if values["layers"] == 1:
            assert "units_2" not in values and "kind" not in values
        else:
            assert "units_2" in values and "kind" in values
        observations.append((values, float(rng.normal())))


def test_tiny_discrete_space_enumerates_and_exhausts():
    hp = kt.HyperParameters()
    hp.Choice("act", ["relu", "tanh", "elu"])
    hp.Boolean("bn")
    codec = SpaceCodec(hp)
    every = [
        {"act": a, "bn": b}
        for a, b in itertools.product(["relu", "tanh", "elu"], [False, True])
    ]
    handoff = GPHandoff(seed=1)
    # Five of six observed: the sixth is the only possible proposal.
    observations = [(v, float(i)) for i, v in enumerate(every[:5])]
    assert handoff.propose(codec, observations) == every[5]
    # The oracle reports the last one as tried (e.g. running elsewhere).
    assert (
        handoff.propose(codec, observations, is_tried=lambda v: v == every[5])
        is None
    )
    # Or it is pending.
    assert handoff.propose(codec, observations, pending=[every[5]]) is None
    # Everything observed.
    observations.append((every[5], 9.0))
    assert handoff.propose(codec, observations) is None


def test_is_tried_is_honoured():
    codec = SpaceCodec(_bowl_space())
    observations = _observe(codec, _bowl)
    handoff = GPHandoff(seed=3)
    first = handoff.propose(codec, observations)
    assert first is not None
    calls = []

    def is_tried(values):
        calls.append(dict(values))
        return values == first

    second = handoff.propose(codec, observations, is_tried=is_tried)
    assert second is not None and second != first
    assert first in calls  # the proposer asked, and moved on


def test_pending_points_are_not_proposed_and_repel():
    codec = SpaceCodec(_bowl_space())
    observations = _observe(codec, _bowl)
    handoff = GPHandoff(seed=4)
    first = handoff.propose(codec, observations)
    assert first is not None
    second = handoff.propose(codec, observations, pending=[first])
    assert second is not None and second != first
    # Kriging believer: the second proposal is not a near-copy of the
    # pending one (the model believes the pending value already).
    u1 = codec.encode(first)
    u2 = codec.encode(second)
    assert np.abs(u1 - u2).max() > 1e-3


@pytest.mark.parametrize("kernel", ["product", "mixed"])
def test_finds_the_best_category_in_the_middle_of_an_unordered_choice(kernel):
    # Seven unordered categories; the best one (index 3) sits between two
    # of the worst. An ordinal encoding predicts it to be bad from its
    # neighbours; a categorical one sees an untried category.
    offsets = [0.8, 0.5, 1.2, 0.0, 1.3, 0.6, 0.7]
    names = [f"c{i}" for i in range(7)]
    hp = kt.HyperParameters()
    hp.Choice("cat", names)
    hp.Float("x", 0.0, 1.0)
    codec = SpaceCodec(hp)

    def fn(values):
        return offsets[names.index(values["cat"])] + (values["x"] - 0.3) ** 2

    observations = [
        ({"cat": c, "x": x}, fn({"cat": c, "x": x}))
        for c, x in [
            ("c0", 0.9),
            ("c1", 0.3),
            ("c2", 0.1),
            ("c4", 0.5),
            ("c5", 0.7),
            ("c6", 0.2),
            ("c2", 0.6),
            ("c4", 0.0),
        ]
    ]
    handoff = GPHandoff(seed=1, kernel=kernel)
    proposed = []
    for _ in range(5):
        values = handoff.propose(codec, observations)
        assert values is not None
        proposed.append(values["cat"])
        observations.append((values, fn(values)))
    assert "c3" in proposed
    assert min(y for _, y in observations) < 0.1


def test_non_finite_values_do_not_crash():
    codec = SpaceCodec(_bowl_space())
    observations = _observe(codec, _bowl)
    observations[1] = (observations[1][0], float("nan"))
    observations[2] = (observations[2][0], float("inf"))
    observations[3] = (observations[3][0], float("-inf"))
    values = GPHandoff(seed=1).propose(codec, observations)
    assert values is not None
    codec.validate(values)
    only_bad = [(v, float("nan")) for v, _ in observations[:4]]
    values = GPHandoff(seed=1).propose(codec, only_bad)
    assert values is not None
    codec.validate(values)
    assert codec.point_key(values) not in {
        codec.point_key(v) for v, _ in only_bad
    }


def test_no_observations_and_missing_hyperparameters(space):
    codec = SpaceCodec(space)
    values = GPHandoff(seed=1).propose(codec, [])
    assert values is not None
    codec.validate(values)
    # Prior-run observations made before "bn" and "dropout" existed.
    old = [
        (
            {k: v for k, v in p.items() if k not in ("bn", "dropout")},
            float(i),
        )
        for i, p in enumerate(_design(codec, 8, seed=2)[:6])
    ]
    values = GPHandoff(seed=1).propose(codec, old)
    assert values is not None
    codec.validate(values)


def test_log_int_without_step_and_fixed_values():
    hp = kt.HyperParameters()
    hp.Int("units", 2, 300, sampling="log")
    hp.Int("seed", 0, 10**6)  # too wide for a grid: a continuous coordinate
    hp.Fixed("epochs", 3)
    hp.Float("drop", 0.0, 0.5, step=0.1)
    hp.Choice("layers", [1, 2, 4])
    codec = SpaceCodec(hp)
    observations = [
        (v, (math.log(v["units"]) - 3.0) ** 2 + v["drop"])
        for v in _design(codec, 8)
    ]
    for seed in range(3):
        values = GPHandoff(seed=seed).propose(codec, observations)
        assert values is not None
        codec.validate(values)
        assert values["epochs"] == 3


def test_improves_on_random_search():
    codec = SpaceCodec(_bowl_space())
    budget = 20
    wins = 0
    for seed in (1, 2, 3):
        observations = _observe(codec, _bowl, 8, seed)
        handoff = GPHandoff(seed=seed)
        while len(observations) < budget:
            values = handoff.propose(codec, observations)
            observations.append((values, _bowl(values)))
        ours = min(y for _, y in observations)
        rng = np.random.default_rng(seed)
        random_points = codec.decode(rng.random((budget, codec.dimension)))
        theirs = min(_bowl(v) for v in random_points)
        assert ours < 1e-3
        wins += ours < theirs
    assert wins == 3


def test_config_round_trip_and_validation():
    handoff = GPHandoff(seed=7, n_restarts=4, y_transform="standardize")
    config = handoff.get_config()
    assert json.loads(json.dumps(config)) == config
    clone = GPHandoff.from_config(config)
    assert clone.get_config() == config
    codec = SpaceCodec(_bowl_space())
    observations = _observe(codec, _bowl)
    assert clone.propose(codec, observations) == handoff.propose(
        codec, observations
    )
    with pytest.raises(HandoffConfigError, match="unknown option"):
        GPHandoff(n_restart=3)
    with pytest.raises(HandoffConfigError, match="y_transform"):
        GPHandoff(y_transform="log")
    with pytest.raises(HandoffConfigError, match="n_restarts"):
        GPHandoff(n_restarts=0)
    with pytest.raises(ValueError, match="seed"):
        GPHandoff(seed=-1)
    with pytest.raises(HandoffConfigError, match="name"):
        GPHandoff.from_config({"name": "other"})


def test_compatibility_module_reexports_the_package():
    from ktseed.oracles import gp
    from ktseed.oracles import gp_handoff

    assert gp_handoff.GPHandoff is gp.GPHandoff
    assert gp_handoff.HandoffConfigError is HandoffConfigError
