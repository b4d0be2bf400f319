"""The parallel-workers driver: its pending order, and duplicates."""

from __future__ import annotations

import importlib.util

import pytest

from ktseed.bench import parallel
from ktseed.bench.parallel import fifo_schedule
from ktseed.bench.parallel import run_parallel
from ktseed.bench.peers.space import dimensions
from ktseed.bench.problems import get_problem
from ktseed.bench.repeats import NEAR
from ktseed.bench.repeats import count_repeats
from ktseed.bench.strategies import parse_strategy


def pending_at_each_create(events):
    pending, seen = set(), []
    for event, index in events:
        if event == "create":
            seen.append(len(pending))
            pending.add(index)
        else:
            pending.remove(index)
    return seen


def test_fifo_schedule_orders_creates_and_completions():
    assert fifo_schedule(3, 1) == [
        ("create", 0),
        ("complete", 0),
        ("create", 1),
        ("complete", 1),
        ("create", 2),
        ("complete", 2),
    ]
    events = fifo_schedule(6, 2)
    assert events[:4] == [
        ("create", 0),
        ("create", 1),
        ("complete", 0),
        ("create", 2),
    ]
    # The oldest pending trial always completes first: completion order is
    # issue order.
    completed = [i for e, i in events if e == "complete"]
    assert completed == list(range(6))
    for k in (1, 2, 4):
        seen = pending_at_each_create(fifo_schedule(20, k))
        assert seen[:k] == list(range(k))
        assert set(seen[k:]) == {k - 1}
    assert len(fifo_schedule(3, 8)) == 6


def spy_oracle(monkeypatch):
    """Records how many trials were pending at each create_trial call."""
    seen = []
    real = parallel.build_oracle

    def build(*args, **kwargs):
        oracle = real(*args, **kwargs)
        create = oracle.create_trial

        def counted(tuner_id):
            seen.append(len(oracle.ongoing_trials))
            return create(tuner_id)

        oracle.create_trial = counted
        return oracle

    monkeypatch.setattr(parallel, "build_oracle", build)
    return seen


@pytest.mark.parametrize("k", [1, 2, 4])
def test_oracle_sees_k_minus_one_pending(monkeypatch, k):
    seen = spy_oracle(monkeypatch)
    trials = run_parallel(
        parse_strategy("bayesian-gp/sobol"),
        get_problem("branin"),
        seed=1,
        budget=12,
        design_size=4,
        workers=k,
    )
    assert len(trials) == 12
    assert seen[:k] == list(range(k)) and set(seen[k:]) == {k - 1}
    assert sum(t["design"] for t in trials) == 4
    dims = dimensions(get_problem("branin").space())
    assert count_repeats(dims, [t["values"] for t in trials])[0] == 0


@pytest.mark.skipif(
    importlib.util.find_spec("optuna") is None, reason="optuna not installed"
)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_study_sees_k_minus_one_running(monkeypatch):
    import optuna

    seen = []
    real_ask = optuna.Study.ask

    def ask(self, *args, **kwargs):
        running = self.get_trials(states=(optuna.trial.TrialState.RUNNING,))
        seen.append(len(running))
        return real_ask(self, *args, **kwargs)

    monkeypatch.setattr(optuna.Study, "ask", ask)
    trials = run_parallel(
        parse_strategy("optuna/tpe"),
        get_problem("mixed"),
        seed=2,
        budget=9,
        design_size=4,
        workers=3,
    )
    assert len(trials) == 9
    assert seen == [0, 1, 2, 2, 2, 2, 2, 2, 2]


def test_unsupported_strategy_is_refused():
    with pytest.raises(ValueError, match="parallel task runs"):
        run_parallel(
            parse_strategy("smac/bb"),
            get_problem("branin"),
            seed=1,
            budget=3,
            design_size=1,
            workers=2,
        )


def test_count_repeats_exact_and_near():
    dims = dimensions(get_problem("mixed_cond").space())
    base = {
        "units": 96,
        "lr": 0.01,
        "optimizer": "sgd",
        "momentum": 0.9,
        "bn": True,
    }
    close = {**base, "momentum": 0.9 + 0.5 * NEAR * 0.99}
    far = {**base, "momentum": 0.5}
    other = {**base, "units": 112}
    adam = {"units": 96, "lr": 0.01, "optimizer": "adam", "bn": True}
    assert count_repeats(dims, [base, dict(base)]) == (1, 1)
    assert count_repeats(dims, [base, close]) == (0, 1)
    assert count_repeats(dims, [base, far, other, adam]) == (0, 0)
    assert count_repeats(dims, [adam, dict(adam), base, close, close]) == (2, 3)
