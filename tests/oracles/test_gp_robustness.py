"""GP hand-off: no near-repeats, any objective scale, growing spaces."""

from __future__ import annotations

import math

import keras_tuner as kt
import numpy as np
import pytest

import ktseed
from ktseed.errors import HandoffConfigError
from ktseed.oracles.gp import GPHandoff
from ktseed.oracles.gp import targets
from ktseed.oracles.gp.layout import Layout
from ktseed.space import SpaceCodec


def _bowl(values) -> float:
    return (values["x"] - 0.7) ** 2 + 0.1 * (
        math.log10(values["lr"]) + 2.5
    ) ** 2


def _bowl_space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", -2.0, 2.0)
    hp.Float("lr", 1e-5, 1e-1, sampling="log")
    return hp


def _design(codec, n=8, seed=1):
    return ktseed.make_initializer(
        {"name": "sobol", "n_points": n, "seed": seed}
    ).generate(codec)


def _gaps(layout, points):
    """Each point's distance to its nearest other point (the unit cube)."""
    u = np.vstack([layout.encode_values(v)[0] for v in points])
    dist = np.sqrt(((u[:, None, :] - u[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    return dist.min(axis=1)


def _run(codec, fn, handoff, observations, steps):
    observations = list(observations)
    for _ in range(steps):
        values = handoff.propose(codec, observations)
        assert values is not None
        observations.append((values, fn(values)))
    return observations


# ------------------------------------------------------------ repeats
@pytest.mark.parametrize("seed", [1, 3])
def test_min_distance_keeps_proposals_apart(seed):
    codec = SpaceCodec(_bowl_space())
    layout = Layout(codec)
    start = [(v, _bowl(v)) for v in _design(codec, seed=seed)]
    # Without the minimum distance the search refines the optimum with
    # near-copies of earlier trials (the failure the option fixes).
    exact_only = _run(
        codec, _bowl, GPHandoff(seed=seed, min_distance=0), start, 16
    )
    assert (_gaps(layout, [v for v, _ in exact_only])[8:] < 1e-3).any()
    # The default: every proposal at least 1e-3 from every other trial.
    default = _run(codec, _bowl, GPHandoff(seed=seed), start, 16)
    assert _gaps(layout, [v for v, _ in default]).min() >= 1e-3
    assert min(y for _, y in default) < 1e-4  # and still converges


def test_min_distance_also_avoids_pending_points():
    codec = SpaceCodec(_bowl_space())
    layout = Layout(codec)
    observations = [(v, _bowl(v)) for v in _design(codec)]
    radius = 0.05
    handoff = GPHandoff(seed=2, min_distance=radius)
    first = handoff.propose(codec, observations)
    assert first is not None
    # A pending trial right next to where the model wants to go.
    u = layout.encode_values(first)[0]
    nudged = codec.decode_one(np.clip(u + np.array([0.004, -0.003]), 0, 0.999))
    second = handoff.propose(codec, observations, pending=[nudged])
    assert second is not None
    others = [v for v, _ in observations] + [nudged]
    gaps = _gaps(layout, [second, *others])
    assert gaps[0] >= radius


def test_near_compares_continuous_coordinates_only():
    hp = kt.HyperParameters()
    hp.Choice("kind", ["a", "b"])
    hp.Float("x", 0.0, 1.0)
    hp.Int("n", 1, 3)
    with hp.conditional_scope("kind", ["b"]):
        hp.Float("extra", 0.0, 1.0)
    layout = Layout(SpaceCodec(hp))

    def point(kind, x, n, extra=None):
        values = {"kind": kind, "x": x, "n": n}
        if extra is not None:
            values["extra"] = extra
        u, mask = layout.encode_values(values)
        return u[None, :], mask[None, :]

    def near(p, q, radius=1e-3):
        return bool(layout.near(*p, *q, radius)[0])

    assert near(point("a", 0.5, 2), point("a", 0.5004, 2))
    assert not near(point("a", 0.5, 2), point("a", 0.502, 2))
    assert not near(point("a", 0.5, 2), point("b", 0.5, 2, 0.3))  # category
    assert not near(point("a", 0.5, 2), point("a", 0.5, 3))  # grid value
    # An inactive coordinate does not count; an active one does.
    assert near(point("b", 0.5, 2, 0.3), point("b", 0.5, 2, 0.3004))
    assert not near(point("b", 0.5, 2, 0.3), point("b", 0.5, 2, 0.31))
    assert not near(point("a", 0.5, 2), point("a", 0.5004, 2), radius=0.0)


def test_growing_space_models_old_trials_at_the_defaults():
    # Trials that ran before `lr` and `dropout` existed.
    hp = kt.HyperParameters()
    hp.Float("x", -2.0, 2.0)
    old = [
        ({"x": v["x"]}, (v["x"] - 0.7) ** 2) for v in _design(SpaceCodec(hp))
    ]
    hp.Float("lr", 1e-5, 1e-1, sampling="log", default=1e-3)
    hp.Float("dropout", 0.0, 0.5, default=0.0)
    codec = SpaceCodec(hp)
    layout = Layout(codec)
    x, mask, y = layout.encode_observations(old)
    assert np.isfinite(y).all()
    assert x.shape == (8, 3) and mask.all()
    default_lr = codec.encode({"x": 0.0, "lr": 1e-3, "dropout": 0.0})[1]
    assert np.allclose(x[:, 1], default_lr) and np.all(x[:, 2] == 0.0)

    def fn(values):
        return (
            (values["x"] - 0.7) ** 2
            + 0.1 * (math.log10(values["lr"]) + 2.5) ** 2
            + 0.01 * values["dropout"]
        )

    grown = _run(codec, fn, GPHandoff(seed=1), old, 12)
    assert _gaps(layout, [v for v, _ in grown]).min() >= 1e-3


def test_min_distance_option():
    assert GPHandoff().min_distance == 1e-3
    handoff = GPHandoff(min_distance=0)
    assert GPHandoff.from_config(handoff.get_config()).min_distance == 0.0
    with pytest.raises(HandoffConfigError, match="min_distance"):
        GPHandoff(min_distance=-1e-3)
    with pytest.raises(HandoffConfigError, match="min_distance"):
        GPHandoff(min_distance="small")


# -------------------------------------------------------------- scale
@pytest.mark.parametrize("y_transform", ["power", "standardize"])
def test_objective_scale_does_not_change_the_proposal(space, y_transform):
    codec = SpaceCodec(space)
    rng = np.random.default_rng(4)
    points = _design(codec, 16, seed=5)
    ys = rng.standard_normal(len(points)) ** 2
    handoff = GPHandoff(seed=3, y_transform=y_transform)
    proposals = []
    for scale in (1.0, 1e155, 1e-300):
        observations = [(v, float(y * scale)) for v, y in zip(points, ys)]
        proposals.append(handoff.propose(codec, observations))
    assert proposals[0] is not None
    assert proposals[1] == proposals[0]
    assert proposals[2] == proposals[0]


def test_standardize_at_extreme_scales():
    y = np.array([3.0, 1.0, 2.5, 7.0, 0.5])
    reference = targets.standardize(y)
    assert np.isclose(reference.mean(), 0.0) and np.isclose(
        reference.std(), 1.0
    )
    for scale in (1e155, 1e300, 1e-300, 1e-310):
        z = targets.standardize(y * scale)
        assert np.allclose(z, reference, atol=1e-9), scale
    # A power-of-two rescaling is exact: the same bits as no rescaling.
    plain = (y - y.mean()) / y.std()
    assert np.array_equal(reference, plain)
    assert np.array_equal(targets.standardize(np.full(4, 1e-300)), np.zeros(4))
    assert np.array_equal(targets.standardize(np.full(3, 0.1)), np.zeros(3))
    z = targets.quantize(np.array([0.1, -2.0 / 3.0]))
    assert np.all(np.abs(z - [0.1, -2.0 / 3.0]) <= targets.RESOLUTION / 2)
    assert np.all(z / targets.RESOLUTION == np.round(z / targets.RESOLUTION))
