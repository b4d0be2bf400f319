"""GP hand-off at many observations: subset fit, chunking, no hidden state."""

from __future__ import annotations

import keras_tuner as kt
import numpy as np
import pytest

from ktseed.errors import HandoffConfigError
from ktseed.oracles.gp import GPHandoff
from ktseed.oracles.gp import model
from ktseed.space import SpaceCodec


def _problem(n, d=3, seed=0):
    hp = kt.HyperParameters()
    for j in range(d):
        hp.Float(f"x{j}", 0.0, 1.0)
    hp.Choice("kind", ["a", "b", "c"])
    codec = SpaceCodec(hp)
    rng = np.random.default_rng(seed)
    values = codec.decode(rng.random((n, d + 1)))
    observations = [
        (
            v,
            sum((v[f"x{j}"] - 0.3) ** 2 for j in range(d))
            + {"a": 0.0, "b": 0.2, "c": 0.5}[v["kind"]],
        )
        for v in values
    ]
    return codec, observations


def test_fit_subset_is_the_best_half_and_an_even_spread():
    y = np.array([5.0, 1.0, 4.0, 0.5, 3.0, 2.0, 6.0, 0.1, 7.0, 8.0])
    assert model.fit_subset(y, 10) is None
    chosen = model.fit_subset(y, 6)
    assert chosen is not None
    assert chosen.tolist() == sorted(set(chosen.tolist()))
    assert len(chosen) == 6
    # The three best (indices 7, 3, 1) ...
    assert {7, 3, 1} <= set(chosen.tolist())
    # ... and the first, middle and last of the other seven, in order.
    rest = [0, 2, 4, 5, 6, 8, 9]
    assert set(chosen.tolist()) - {7, 3, 1} == {rest[0], rest[3], rest[6]}
    # Ties are broken by position, so the subset is a function of y alone.
    flat = np.zeros(9)
    assert model.fit_subset(flat, 4).tolist() == [0, 1, 2, 8]


def test_hyperparameters_come_from_the_subset(monkeypatch):
    codec, observations = _problem(40)
    seen = []
    real = model.GaussianProcess.__init__

    def spy(self, *args, fit_on=None, **kwargs):
        seen.append(None if fit_on is None else fit_on.copy())
        real(self, *args, fit_on=fit_on, **kwargs)

    monkeypatch.setattr(model.GaussianProcess, "__init__", spy)
    GPHandoff(seed=1).propose(codec, observations)
    GPHandoff(seed=1, max_fit_points=16).propose(codec, observations)
    assert seen[0] is None
    assert seen[1] is not None and len(seen[1]) == 16


def test_large_n_regime_has_no_hidden_state():
    # A resumed search rebuilds the proposer: a fresh one must propose what
    # one that has been running proposes, from the same history.
    codec, observations = _problem(48)
    running = GPHandoff(seed=4, max_fit_points=16)
    history = list(observations[:40])
    proposals = []
    for step in range(3):
        proposals.append(running.propose(codec, history))
        history.append(observations[40 + step])
    fresh = GPHandoff.from_config(running.get_config())
    assert fresh.propose(codec, history[:42]) == proposals[2]
    assert fresh.propose(codec, history[:40]) == proposals[0]


def test_kernel_chunk_size_does_not_change_proposals(monkeypatch):
    codec, observations = _problem(60)
    pending = [observations[0][0]]
    first = GPHandoff(seed=2).propose(codec, observations[1:], pending=pending)
    monkeypatch.setattr(model, "CHUNK_ENTRIES", 37)
    again = GPHandoff(seed=2).propose(codec, observations[1:], pending=pending)
    assert first is not None and again == first


def test_max_fit_points_option():
    assert GPHandoff().max_fit_points == 128
    handoff = GPHandoff(max_fit_points=64)
    assert GPHandoff.from_config(handoff.get_config()).max_fit_points == 64
    with pytest.raises(HandoffConfigError, match="max_fit_points"):
        GPHandoff(max_fit_points=4)
