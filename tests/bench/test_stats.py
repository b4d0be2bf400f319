from __future__ import annotations

import math

import numpy as np
import pytest

from ktseed.bench.stats import checkpoints
from ktseed.bench.stats import describe
from ktseed.bench.stats import describe_censored
from ktseed.bench.stats import group_records
from ktseed.bench.stats import paired_comparison
from ktseed.bench.stats import trials_to_target


def test_paired_comparison_all_wins():
    a = {s: float(s) for s in range(1, 6)}
    b = {s: float(s) + 1 for s in range(1, 6)}
    cmp = paired_comparison(a, b)
    assert (cmp["wins"], cmp["ties"], cmp["losses"]) == (5, 0, 0)
    assert cmp["win_rate"] == 1.0
    # Exact two-sided Wilcoxon and sign test with n=5: 2 / 2**5.
    assert cmp["wilcoxon_p"] == pytest.approx(0.0625)
    assert cmp["sign_p"] == pytest.approx(0.0625)
    assert cmp["median_diff"] == -1.0
    flipped = paired_comparison(a, b, lower_is_better=False)
    assert (flipped["wins"], flipped["losses"]) == (0, 5)


def test_paired_comparison_ties_and_mixed():
    same = {1: 0.5, 2: 0.25, 3: 1.0}
    cmp = paired_comparison(same, dict(same))
    assert cmp["ties"] == 3 and cmp["win_rate"] == 0.5
    assert cmp["wilcoxon_p"] == 1.0 and cmp["sign_p"] == 1.0
    a = {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0}
    b = {1: 2.0, 2: 2.0, 3: 1.0, 4: 5.0, 9: 0.0}
    cmp = paired_comparison(a, b)
    assert cmp["n"] == 4
    assert (cmp["wins"], cmp["ties"], cmp["losses"]) == (2, 1, 1)
    assert cmp["win_rate"] == pytest.approx(2.5 / 4)
    assert 0 < cmp["wilcoxon_p"] <= 1


def test_paired_comparison_without_common_seeds():
    cmp = paired_comparison({1: 1.0}, {2: 1.0})
    assert cmp["n"] == 0 and math.isnan(cmp["wilcoxon_p"])


def test_checkpoints_and_describe():
    assert checkpoints(30, 8) == [
        ("design", 8),
        ("2x design", 16),
        ("full", 30),
    ]
    assert checkpoints(12, 8) == [("design", 8), ("full", 12)]
    assert checkpoints(5, 5) == [("full", 5)]
    d = describe([1.0, 2.0, 3.0, 4.0])
    assert d["median"] == 2.5 and d["q25"] == 1.75 and d["q75"] == 3.25
    assert describe([])["n"] == 0


def test_trials_to_target_and_censoring():
    curve = np.array([5.0, 3.0, 1.0, 0.5])
    assert trials_to_target(curve, 1.0) == 3
    assert trials_to_target(curve, 0.1) is None
    assert (
        trials_to_target(np.array([0.1, 0.9]), 0.8, lower_is_better=False) == 2
    )
    stats = describe_censored([3, None, 5], budget=10)
    assert stats["reached"] == 2 and stats["median"] == 5


def _records(strategy, seed, values, optimum=0.0, design=0):
    best = math.inf
    out = []
    for i, v in enumerate(values):
        best = min(best, v)
        out.append(
            {
                "task": "search",
                "problem": "p",
                "strategy": strategy,
                "family": "keras_tuner",
                "oracle": "random",
                "initializer": None,
                "seed": seed,
                "budget": len(values),
                "design_size": 2,
                "trial": i,
                "value": v,
                "best": best,
                "regret": best - optimum,
                "design": i < design,
                "elapsed": float(i),
                "cell_seconds": 9.0,
            }
        )
    return out


def test_group_records_builds_best_so_far_curves():
    records = _records("random/stock", 1, [3.0, 1.0, 2.0]) + _records(
        "random/stock", 2, [2.0, 2.5, 0.5], design=2
    )
    (group,) = group_records(reversed(records))
    assert group.measure == "regret" and group.lower_is_better
    np.testing.assert_allclose(group.curves[1], [3.0, 1.0, 1.0])
    assert group.at(3) == {1: 1.0, 2: 0.5}
    assert group.at(4) == {}
    assert group.design_trials == {1: 0, 2: 2}
    assert group.seconds == {1: 9.0, 2: 9.0}
