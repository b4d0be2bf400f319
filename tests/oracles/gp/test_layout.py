"""Layout fast paths against their slow definitions (``oracles/gp/layout.py``).

Each fast path of :class:`~ktseed.oracles.gp.layout.Layout` must give
exactly (bit for bit) what its plain definition gives, since the GP
hand-off's proposals must not change: column-wise activity against
evaluating every condition on decoded points, batched encoding against
one :meth:`Layout.encode_values` per point, and the distances against
the full-array formulas they replaced.
"""

from __future__ import annotations

import keras_tuner as kt
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ktseed.oracles.gp.layout import Layout
from ktseed.oracles.gp.layout import is_parent
from ktseed.space import SpaceCodec
from tests.strategies import spaces


def nested_space() -> kt.HyperParameters:
    """Conditions two deep, a Fixed entry in a scope, a name reused."""
    hp = kt.HyperParameters()
    hp.Choice("arch", ["mlp", "cnn", "rnn"])
    with hp.conditional_scope("arch", ["mlp", "cnn"]):
        hp.Boolean("wide")
        with hp.conditional_scope("wide", [True]):
            hp.Float("width", 0.0, 1.0)
            hp.Int("layers", 1, 8)
        hp.Fixed("bias", True)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    with hp.conditional_scope("arch", ["rnn"]):
        hp.Choice("cell", ["lstm", "gru"])
        with hp.conditional_scope("cell", ["lstm"]):
            hp.Float("momentum", 0.0, 0.99, step=0.11)
        hp.Int("units", 8, 64, step=8)
    with hp.conditional_scope("arch", ["cnn"]):
        hp.Int("units", 16, 128, step=16)  # the same name, another scope
    return hp


# ----------------------------------------------------- slow definitions
def activity_by_definition(layout: Layout, u: np.ndarray) -> np.ndarray:
    """Every condition's ``is_active`` on every decoded point."""
    mask = np.ones(u.shape, dtype=bool)
    for i, values in enumerate(layout.codec.decode(u)):
        for j, conditions in enumerate(layout.conditions):
            mask[i, j] = all(c.is_active(values) for c in conditions)
    return mask


def sq_distances_by_definition(layout, a, a_mask, b, b_mask):
    """The distances as first written: every column masked."""
    diff = a[:, None, :] - b[None, :, :]
    cat = layout.categorical
    mismatch = np.abs(diff[..., cat]) > layout.cat_tolerance[cat]
    dist = diff * diff
    dist[..., cat] = mismatch.astype(float)
    both = a_mask[:, None, :] & b_mask[None, :, :]
    one = a_mask[:, None, :] ^ b_mask[None, :, :]
    if layout.conditional:
        dist = np.where(both, dist, np.where(one, 1.0, 0.0))
    return dist, diff, both


def points(codec: SpaceCodec, n: int, seed: int) -> np.ndarray:
    """Random unit-cube points, a few on the bucket edges."""
    rng = np.random.default_rng(seed)
    u = rng.random((n, codec.dimension))
    u[: n // 8] = np.round(u[: n // 8] * 4) / 4  # 0, 0.25, ..., 1
    return u


# ------------------------------------------------------------- activity
def test_activity_equals_decoding_on_a_nested_space():
    layout = Layout(SpaceCodec(nested_space()))
    assert layout._parents == {"arch", "wide", "cell"}
    u = points(layout.codec, 2000, seed=1)
    fast = layout.activity(u)
    assert np.array_equal(fast, activity_by_definition(layout, u))
    assert np.array_equal(fast, layout.activity_by_decoding(u))
    # Every pattern of the nesting occurs, so the test can tell.
    width = [hp.name for hp in layout.codec.tunable].index("width")
    assert 0.2 < fast[:, width].mean() < 0.45  # arch mlp or cnn, wide
    assert len({tuple(row) for row in fast.tolist()}) >= 5


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(space=spaces(), seed=st.integers(0, 2**16))
def test_activity_equals_decoding_on_random_spaces(space, seed):
    layout = Layout(SpaceCodec(space))
    u = points(layout.codec, 64, seed)
    assert np.array_equal(layout.activity(u), activity_by_definition(layout, u))


def test_activity_of_no_points_and_of_an_unconditional_space():
    layout = Layout(SpaceCodec(nested_space()))
    assert layout.activity(np.zeros((0, layout.d))).shape == (0, layout.d)
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Choice("c", ["a", "b"])
    flat = Layout(SpaceCodec(hp))
    assert flat.activity(np.full((3, 2), 0.7)).all()


class EvenParent:
    """A condition of another class: active for an even parent value."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values = [0, 2, 4, 6]

    def is_active(self, values):
        return self.name in values and values[self.name] % 2 == 0


def test_other_condition_classes_are_decoded():
    hp = kt.HyperParameters()
    hp.Int("n", 0, 6)
    with hp.conditional_scope("n", [0, 2, 4, 6]):
        hp.Float("x", 0.0, 1.0)
    codec = SpaceCodec(hp)
    codec.tunable[1].conditions = [EvenParent("n")]
    layout = Layout(codec)
    assert not is_parent(codec.tunable[1].conditions[0])
    assert layout._parents is None
    u = points(codec, 200, seed=3)
    fast = layout.activity(u)
    assert np.array_equal(fast, activity_by_definition(layout, u))
    assert 0.3 < fast[:, 1].mean() < 0.8


def test_parent_is_recognised_but_not_a_subclass():
    hp = kt.HyperParameters()
    hp.Boolean("p")
    with hp.conditional_scope("p", [True]):
        hp.Boolean("c")
    condition = hp.space[-1].conditions[0]
    assert is_parent(condition)

    class Sub(type(condition)):
        pass

    assert not is_parent(Sub("p", [True]))


# ------------------------------------------------------------- encoding
def test_batched_encoding_equals_encoding_each_point():
    codec = SpaceCodec(nested_space())
    layout = Layout(codec)
    values = codec.decode(points(codec, 300, seed=2))
    values[5] = {k: v for k, v in values[5].items() if k != "lr"}  # default
    values[7] = dict(values[7], arch="transformer")  # cannot be encoded
    observations = [
        (v, float(i) if i % 9 else "bad") for i, v in enumerate(values)
    ]
    x, mask, y = layout.encode_observations(observations)
    kept = [i for i in range(len(values)) if i != 7]
    one = [layout.encode_values(values[i]) for i in kept]
    assert np.array_equal(x, np.vstack([r for r, _ in one]))
    assert np.array_equal(mask, np.vstack([m for _, m in one]))
    expected = [float(i) if i % 9 else np.nan for i in kept]
    assert np.array_equal(y, np.array(expected), equal_nan=True)
    px, pmask = layout.encode_points(values)
    assert np.array_equal(px, x) and np.array_equal(pmask, mask)


def test_encoding_nothing_gives_empty_arrays():
    layout = Layout(SpaceCodec(nested_space()))
    x, mask, y = layout.encode_observations([])
    assert x.shape == (0, layout.d) and mask.shape == (0, layout.d)
    assert y.shape == (0,)
    px, pmask = layout.encode_points([{"arch": "nope"}])
    assert px.shape == (0, layout.d) and pmask.dtype == bool


# ------------------------------------------------------------ distances
@pytest.mark.parametrize("consistent", [True, False])
def test_distances_equal_the_full_array_definition(consistent):
    codec = SpaceCodec(nested_space())
    layout = Layout(codec)
    a = layout.snap(points(codec, 40, seed=4))
    b = layout.snap(points(codec, 70, seed=5))
    a_mask, b_mask = layout.activity(a), layout.activity(b)
    if not consistent:  # masks no layout makes: every column is masked
        a_mask = a_mask.copy()
        a_mask[::3, 0] = False
    dist, diff, both = sq_distances_by_definition(layout, a, a_mask, b, b_mask)
    assert np.array_equal(layout.sq_distances(a, a_mask, b, b_mask), dist)
    parts = layout.distance_parts(a, a_mask, b, b_mask)
    assert np.array_equal(parts[0], dist)
    assert np.array_equal(parts[1], diff)
    assert np.array_equal(parts[2], both)
    # The masking mattered: some coordinates are inactive in one point.
    assert (dist[~both] == 1.0).any() and (dist[~both] == 0.0).any()
