from __future__ import annotations

import math
import random

import pytest

from ktseed.bench.multifidelity import accounting as acc


def test_schedule_matches_keras_tuner_arithmetic():
    brackets = acc.hyperband_brackets(27, 3)
    assert [[(r.size, r.epochs) for r in b] for b in brackets] == [
        [(27, 1), (9, 3), (3, 9), (1, 27)],
        [(12, 3), (4, 9), (2, 27)],
        [(6, 9), (2, 27)],
        [(4, 27)],
    ]
    # 27 + 9*2 + 3*6 + 1*18, 12*3 + 4*6 + 2*18, 6*9 + 2*18, 4*27
    assert acc.hyperband_total_epochs(27, 3, 1) == 81 + 96 + 90 + 108
    assert acc.hyperband_total_epochs(27, 3, 3) == 3 * 375
    assert acc.hyperband_trials(27, 3, 3) == 210
    assert acc.hyperband_new_configurations(27, 3, 3) == 3 * 49
    assert acc.hyperband_total_epochs(9, 3, 1) == 75
    assert acc.hyperband_trials(9, 3, 1) == 23


def test_schedule_matches_the_installed_oracle():
    from keras_tuner.oracles import HyperbandOracle

    for max_epochs in (9, 10, 27, 30):
        oracle = HyperbandOracle(max_epochs=max_epochs, factor=3)
        ours = acc.hyperband_brackets(max_epochs, 3)
        assert len(ours) == oracle._get_num_brackets()
        for rounds in ours:
            b = len(rounds) - 1
            for r, rnd in enumerate(rounds):
                assert rnd.size == oracle._get_size(b, r)
                assert rnd.epochs == oracle._get_epochs(b, r)


def test_ledger_charges_resumed_training():
    ledger = acc.Ledger(total=20)
    assert ledger.charge("a", 1) == 1
    assert ledger.charge("a", 3) == 2  # resumes from epoch 1
    assert ledger.charge("b", 3) == 3  # a new configuration pays in full
    assert ledger.charge("a", 9) == 6
    assert ledger.charge("a", 3) == 0  # a checkpoint at 3 exists
    assert ledger.charge("a", 5) == 2  # from the checkpoint at 3
    assert ledger.used == 14 and ledger.evaluations == 6
    assert ledger.charge("c", 9) == 9  # crosses the total: still charged
    assert ledger.exhausted
    with pytest.raises(acc.BudgetExhausted, match="23 of 20"):
        ledger.charge("d", 1)
    with pytest.raises(ValueError, match="at least 1"):
        acc.Ledger().charge("a", 0)


def test_ledger_evaluation_cap():
    ledger = acc.Ledger(total=None, max_evaluations=2)
    ledger.charge("a", 1)
    ledger.charge("a", 1)
    with pytest.raises(acc.BudgetExhausted):
        ledger.charge("a", 1)


def test_config_key_is_canonical():
    import numpy as np

    a = acc.config_key(
        {"x": 1, "lr": 0.1, "tuner/epochs": 3, "m": "a", "b": True}
    )
    b = acc.config_key(
        {"b": np.bool_(True), "m": "a", "lr": np.float64(0.1), "x": np.int64(1)}
    )
    assert a == b
    assert acc.config_key({"x": 1}) != acc.config_key({"x": 1.0})


def _rec(used, epochs, value, regret):
    return {"used": used, "epochs": epochs, "value": value, "regret": regret}


def test_incumbent_is_best_at_the_largest_budget_reached():
    records = [
        _rec(1, 1, 0.1, 5.0),
        _rec(2, 1, 0.05, 4.0),
        _rec(5, 3, 0.9, 3.0),  # larger budget: wins although its value is worse
        _rec(8, 3, 0.5, 2.0),
        _rec(9, 1, 0.0, 9.0),  # a lower budget never replaces it
        _rec(12, 3, None, 0.0),  # failed evaluations are ignored
        _rec(30, 9, 1.0, 1.0),
    ]
    assert acc.incumbent_at(records, 0) is None
    assert acc.incumbent_at(records, 1)["regret"] == 5.0
    assert acc.incumbent_at(records, 4)["regret"] == 4.0
    assert acc.incumbent_at(records, 7)["regret"] == 3.0
    assert acc.incumbent_at(records, 29)["regret"] == 2.0
    assert acc.incumbent_at(records, 30)["regret"] == 1.0
    assert acc.trajectory(records, "regret") == [
        (1, 5.0),
        (2, 4.0),
        (5, 3.0),
        (8, 2.0),
        (30, 1.0),
    ]


def test_step_values_agree_with_incumbent_at():
    rng = random.Random(4)
    used = 0
    records = []
    for _ in range(200):
        epochs = rng.choice([1, 3, 9])
        used += rng.choice([0, 1, 2, 6])
        records.append(_rec(used, epochs, rng.random(), rng.random()))
    grid = list(range(used + 2))
    steps = acc.step_values(acc.trajectory(records, "regret"), grid)
    for budget, value in zip(grid, steps, strict=True):
        best = acc.incumbent_at(records, budget)
        if best is None:
            assert math.isnan(value)
        else:
            assert value == best["regret"]
