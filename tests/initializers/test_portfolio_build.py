"""The portfolio's construction: greedy step, normalisation, score model."""

from __future__ import annotations

import keras_tuner as kt
import numpy as np
import pytest

from ktseed import SpaceCodec
from ktseed.initializers._portfolio_build import from_targets
from ktseed.initializers._portfolio_build import greedy
from ktseed.initializers._portfolio_build import normalise
from ktseed.initializers._portfolio_model import encode
from ktseed.initializers._portfolio_model import fit_predict
from ktseed.initializers._portfolio_model import posterior_mean
from ktseed.initializers._portfolio_model import predict
from ktseed.initializers._portfolio_model import weighted_sq_distances
from ktseed.oracles.gp.model import GaussianProcess
from ktseed.testing import contract_score
from ktseed.testing import contract_space


# ------------------------------------------------------------------ greedy
def test_greedy_first_takes_the_best_on_average():
    matrix = np.array(
        [
            [0.3, 0.3, 0.3],  # good everywhere
            [0.0, 1.0, 1.0],  # the best of task 0 only
            [1.0, 0.0, 1.0],
            [1.0, 1.0, 0.0],
        ]
    )
    assert greedy(matrix, 1) == [0]
    # Then each specialist lowers the mean by the same amount: ties go to
    # the best average (all equal here), then to the first.
    assert greedy(matrix, 4) == [0, 1, 2, 3]


def test_greedy_covers_tasks_instead_of_taking_the_top_k_by_mean():
    matrix = np.array(
        [
            [0.10, 0.10, 0.90],  # the two best averages
            [0.11, 0.11, 0.90],  #  cover the same tasks
            [0.90, 0.90, 0.05],
        ]
    )
    top_by_mean = list(np.argsort(matrix.mean(axis=1), kind="stable")[:2])
    assert top_by_mean == [0, 1]
    assert greedy(matrix, 2) == [0, 2]


def test_greedy_after_the_tasks_are_covered_prefers_the_best_average():
    matrix = np.array([[0.0, 0.0], [0.5, 0.5], [0.2, 0.1], [0.9, 0.0]])
    # Row 0 is best on both tasks: no other row lowers the mean any more,
    # so the rest come by their average.
    assert greedy(matrix, 4) == [0, 2, 3, 1]


def test_greedy_never_takes_a_row_twice_and_stops_at_the_rows():
    matrix = np.array([[0.0, 0.0], [0.5, 0.5]])
    assert greedy(matrix, 5) == [0, 1]


# ----------------------------------------------------------- normalisation
def test_rank_normalisation_ignores_monotone_transforms():
    scores = np.array([3.0, 0.5, 10.0, 1.0, 1.0])
    q, targets = normalise(scores, "rank")
    assert q.tolist() == pytest.approx([0.7, 0.1, 0.9, 0.4, 0.4])
    q_log, _ = normalise(np.log(scores) * 7 - 2, "rank")
    assert q_log.tolist() == pytest.approx(q.tolist())
    assert from_targets(targets, "rank") == pytest.approx(q)


def test_minmax_normalisation_keeps_gaps_and_is_affine_invariant():
    scores = np.array([2.0, 4.0, 10.0])
    q, targets = normalise(scores, "minmax")
    assert q.tolist() == pytest.approx([0.0, 0.25, 1.0])
    assert normalise(scores * 3 + 5, "minmax")[0].tolist() == pytest.approx(
        q.tolist()
    )
    assert from_targets(np.array([-0.2, 0.5, 1.7]), "minmax").tolist() == [
        0.0,
        0.5,
        1.0,
    ]
    assert normalise(np.array([1.0, 1.0]), "minmax")[0].tolist() == [0, 0]
    assert targets.tolist() == q.tolist()


def test_one_diverged_trial_squashes_minmax_but_not_rank():
    scores = np.array([0.1, 0.2, 0.3, 0.4, 1e6])
    assert normalise(scores, "minmax")[0][3] < 1e-6
    assert normalise(scores, "rank")[0][3] == pytest.approx(0.7)


# ------------------------------------------------------------------ model
def contract_points(n, seed=0):
    codec = SpaceCodec(contract_space())
    rng = np.random.default_rng(seed)
    return codec, codec.decode(rng.random((n, codec.dimension)))


def test_weighted_distances_equal_the_layouts_distances():
    codec, points = contract_points(120)
    space = encode(codec, points)
    weights = np.random.default_rng(1).random(codec.dimension) * 4
    a, ma = space.x[:50], space.mask[:50]
    b, mb = space.x[50:], space.mask[50:]
    reference = space.layout.sq_distances(a, ma, b, mb) @ weights
    fast = weighted_sq_distances(space.layout, weights, a, ma, b, mb)
    assert fast.shape == (50, 70)
    assert np.abs(fast - reference).max() < 1e-10
    same = weighted_sq_distances(space.layout, weights, a, ma, a, ma)
    assert np.abs(np.diag(same)).max() < 1e-10


def test_posterior_mean_equals_the_models_posterior():
    codec, points = contract_points(160, seed=2)
    space = encode(codec, points)
    y = np.array([contract_score(p) for p in points[40:]])
    gp = GaussianProcess(
        space.layout,
        space.x[40:],
        space.mask[40:],
        (y - y.mean()) / y.std(),
        kernel="product",
        lengthscale_prior="unit",
        noise_prior_loc=-8.0,
        min_noise=1e-6,
    )
    expected = gp.posterior(space.x[:40], space.mask[:40])[0]
    got = posterior_mean(gp, space.x[:40], space.mask[:40])
    assert np.abs(got - expected).max() < 1e-9


def smooth_space():
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Choice("kind", ["a", "b"])
    return hp


def smooth(values):
    return (values["x"] - 0.3) ** 2 + (0.0 if values["kind"] == "a" else 0.5)


def test_fit_predict_learns_a_smooth_function():
    codec = SpaceCodec(smooth_space())
    rng = np.random.default_rng(3)
    train = codec.decode(rng.random((40, 2)))
    test = codec.decode(rng.random((20, 2)))
    observations = [(p, smooth(p)) for p in train]
    predicted = fit_predict(codec, observations, test)
    truth = np.array([smooth(p) for p in test])
    assert np.abs(predicted - truth).max() < 0.05
    # Units are the observations' own: shifting them shifts the prediction.
    shifted = fit_predict(codec, [(p, y + 10) for p, y in observations], test)
    assert shifted == pytest.approx(predicted + 10, abs=1e-6)


def test_fit_predict_with_a_capped_model_and_degenerate_targets():
    codec = SpaceCodec(smooth_space())
    rng = np.random.default_rng(4)
    train = codec.decode(rng.random((60, 2)))
    test = codec.decode(rng.random((10, 2)))
    capped = fit_predict(
        codec, [(p, smooth(p)) for p in train], test, max_trials=20
    )
    truth = np.array([smooth(p) for p in test])
    assert np.abs(capped - truth).max() < 0.2
    constant = fit_predict(codec, [(p, 2.0) for p in train], test)
    assert constant.tolist() == [2.0] * 10
    assert fit_predict(codec, [(train[0], 1.0)], []).shape == (0,)


def test_predict_refuses_no_or_non_finite_targets():
    codec = SpaceCodec(smooth_space())
    space = encode(codec, codec.decode(np.full((2, 2), 0.5)))
    with pytest.raises(ValueError, match="at least one observation"):
        predict(space, np.zeros(0, dtype=np.int64), np.zeros(0), np.arange(2))
    with pytest.raises(ValueError, match="finite"):
        predict(space, np.arange(1), np.array([np.nan]), np.arange(2))
