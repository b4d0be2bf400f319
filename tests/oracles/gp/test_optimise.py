"""``first_allowed`` in growing chunks against one pass (``optimise.py``).

Decoding, encoding and the repeat check work point by point, so the
chunks only change how much is done ahead: the answer must be the first
acceptable point of the whole pool, however far down it is.
"""

from __future__ import annotations

import pytest

from ktseed.oracles.gp import optimise
from ktseed.oracles.gp.layout import Layout
from ktseed.space import SpaceCodec

from .test_layout import nested_space
from .test_layout import points


def first_allowed_by_definition(layout, pool, allowed, avoid, min_distance):
    """Every point decoded and checked at once, then the first accepted."""
    decoded = layout.codec.decode(pool)
    coords, masks = layout.encode_points(decoded)
    repeats = layout.near(coords, masks, avoid[0], avoid[1], min_distance)
    seen = set()
    for values, repeat in zip(decoded, repeats.tolist(), strict=True):
        key = layout.codec.point_key(values)
        if key in seen:
            continue
        seen.add(key)
        if not repeat and allowed(values):
            return values
    return None


@pytest.fixture(scope="module")
def pool_layout():
    codec = SpaceCodec(nested_space())
    layout = Layout(codec)
    pool = layout.snap(points(codec, 300, seed=11))
    pool[40:60] = pool[39]  # points that decode to one configuration
    return pool, layout


# Answers at every chunk boundary (8, 24, 56, 120, 184...) and beyond.
@pytest.mark.parametrize("depth", [*range(130), 150, 182, 183, 299, 300])
def test_the_answer_is_the_first_acceptable_point_of_the_pool(
    depth, pool_layout
):
    pool, layout = pool_layout
    codec = layout.codec
    # The first `depth` points are repeats of earlier trials.
    avoid = (pool[:depth], layout.activity(pool[:depth]))
    refused = [codec.point_key(v) for v in codec.decode(pool[depth:])][:1]

    def allowed(values):  # and the next one is refused by the caller
        return codec.point_key(values) not in refused

    got = optimise.first_allowed(
        layout, pool, allowed, avoid=avoid, min_distance=1e-3
    )
    expected = first_allowed_by_definition(layout, pool, allowed, avoid, 1e-3)
    assert got == expected
    if depth + 1 < len(pool):  # past the refused one
        assert got is not None
    else:
        assert got is None
