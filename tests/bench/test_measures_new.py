"""The measures added for issues 12 and 14."""

from __future__ import annotations

import importlib.util
import os

import pytest

from ktseed._files import FSYNC_ENV
from ktseed.bench import measures
from ktseed.bench.measures import overhead


def test_create_trial_at_design_sizes_with_fsync_on_and_off(monkeypatch):
    settings = []
    real = overhead.time_create_trial

    def spy(*args, **kwargs):
        settings.append(os.environ.get(FSYNC_ENV))
        return real(*args, **kwargs)

    monkeypatch.setattr(overhead, "time_create_trial", spy)
    result = measures.create_trial_overhead(
        trials=6,
        repeats=1,
        oracles=("random",),
        designs=(4, 16),
        fsync=(True, False),
    )
    rows = result["rows"]
    assert [(r["variant"], r["fsync"]) for r in rows] == [
        ("stock", True),
        ("design 4", True),
        ("design 16", True),
        ("stock", False),
        ("design 4", False),
        ("design 16", False),
    ]
    assert settings == ["1"] * 3 + ["0"] * 3
    assert os.environ.get(FSYNC_ENV) is None
    assert all(r["place"] == "tmpfs" and r["us_per_call"] > 0 for r in rows)
    assert rows[0]["ratio"] == 1.0 and rows[2]["first_call_us"] > 0


def test_ratio_pairs_each_seeded_run_with_the_stock_run_of_its_repeat(
    monkeypatch,
):
    # The machine slows down and speeds up between repeats; the seeded
    # run is only compared with the stock run timed next to it.
    stock = {1: 1.0, 2: 2.0, 3: 3.0}
    seeded = {1: 3.0, 2: 1.1, 3: 2.0}

    def fake(oracle_name, design, *, trials, seed, problem_name, workdir, **_):
        total = (stock if design is None else seeded)[seed]
        return total, 0.0, 1

    monkeypatch.setattr(overhead, "time_create_trial", fake)
    result = measures.create_trial_overhead(
        trials=1, repeats=3, oracles=("random",), designs=(4,)
    )
    seeded_row = result["rows"][1]
    # Ratios per repeat 3.0, 0.55, 0.667: their median, not the ratio of
    # the medians (2.0 / 2.0).
    assert seeded_row["ratio"] == pytest.approx(2.0 / 3.0)
    assert seeded_row["ratio_min"] == pytest.approx(0.55)
    assert seeded_row["ratio_max"] == pytest.approx(3.0)
    assert seeded_row["us_per_call"] == pytest.approx(2.0e6)


def test_stock_and_seeded_runs_share_one_max_trials(monkeypatch):
    # A design longer than the run would otherwise give the seeded oracle
    # wider trial ids (and larger state files) than its stock parent.
    built = []
    real = overhead._make_oracle

    def spy(*args, **kwargs):
        oracle = real(*args, **kwargs)
        built.append((args[1], oracle.max_trials))
        return oracle

    monkeypatch.setattr(overhead, "_make_oracle", spy)
    measures.create_trial_overhead(
        trials=3, repeats=1, oracles=("random", "hyperband"), designs=(4, 1200)
    )
    assert {d for d, _ in built} == {None, 4, 1200}
    assert {m for _, m in built} == {1200}


def test_a_design_longer_than_the_run_is_accepted(tmp_path):
    total, first, calls = overhead.time_create_trial(
        "bayesian",
        64,
        trials=5,
        seed=1,
        problem_name="mixed_cond",
        workdir=tmp_path,
    )
    assert calls == 5 and 0 < first <= total


def test_design_targets_small():
    result = measures.design_target_times(lhs=(32, 4), csv_rows=200, repeats=1)
    cases = [(r["design"], r["case"]) for r in result["rows"]]
    assert cases == [
        ("lhs 32x4", "generate"),
        ("lhs 32x4", "cube only"),
        ("csv 200 rows", "n_points=4"),
        ("csv 200 rows", "limit=4"),
        ("csv 200 rows", "top_k=4"),
    ]
    assert all(r["best_s"] > 0 for r in result["rows"])


def test_gp_cost_small():
    result = measures.gp_cost_times(dims=(3,), sizes=(12, 24), repeats=1)
    assert [(r["d"], r["n"]) for r in result["rows"]] == [(3, 12), (3, 24)]
    for row in result["rows"]:
        assert (
            0
            < row["handoff_min_s"]
            <= row["handoff_median_s"]
            <= row["handoff_max_s"]
        )
    if importlib.util.find_spec("torch") is None:
        assert "torch is not installed" in result["notes"][0]
    else:
        assert result["rows"][0]["optuna_median_s"] > 0


@pytest.mark.parametrize("n", [10, 31])
def test_gp_cost_history_shape(n):
    from ktseed.bench.measures.gp import cost_history

    points = cost_history(5, n)
    assert points.shape == (n, 5) and points.min() >= 0 and points.max() < 1


# ------------------------------------------------- Hyperband proposals
def test_hyperband_observations_are_the_problem_at_max_epochs():
    from ktseed.bench.measures.gp import cost_history
    from ktseed.bench.measures.gp import hyperband_observations
    from ktseed.bench.multifidelity.problems import get_mf_problem

    codec, observed, pending = hyperband_observations(
        "mf_mixed_cond", 12, 4, max_epochs=9
    )
    assert codec.dimension == 5 and len(observed) == 12 and len(pending) == 4
    problem = get_mf_problem("mf_mixed_cond", max_epochs=9)
    decoded = codec.decode(cost_history(5, 16))
    assert [v for v, _ in observed] == decoded[:12] and pending == decoded[12:]
    for i, (values, y) in enumerate(observed):
        outcome = problem.evaluate(values, 9, seed=i + 1, checkpoints={})
        assert y == outcome.value
    # At max_epochs the value is the final one, not an early one.
    early = problem.evaluate(observed[0][0], 1, seed=1, checkpoints={})
    assert early.value != observed[0][1]


def test_hyperband_proposal_times_one_warm_up_then_the_seeds(monkeypatch):
    from ktseed.oracles.gp import GPHandoff

    calls = []
    real = GPHandoff.propose

    def spy(self, codec, observations, *, pending=(), **kwargs):
        calls.append((self.seed, len(observations), len(pending)))
        return real(self, codec, observations, pending=pending, **kwargs)

    monkeypatch.setattr(GPHandoff, "propose", spy)
    result = measures.hyperband_proposal_times(
        problems=("mf_mixed_cond",), sizes=(10, 14), pending=3, repeats=2
    )
    assert calls == [(seed, n, 3) for n in (10, 14) for seed in (0, 1, 2)]
    rows = result["rows"]
    assert [(r["problem"], r["d"], r["n"], r["pending"]) for r in rows] == [
        ("mf_mixed_cond", 5, 10, 3),
        ("mf_mixed_cond", 5, 14, 3),
    ]
    for row in rows:
        assert 0 < row["cpu_median_s"] <= row["cpu_max_s"]
        assert 0 < row["wall_median_s"] <= row["wall_max_s"]
    assert result["target_s"] == 0.1
    assert result["config"]["repeats"] == 2 and len(result["load_average"]) == 3
