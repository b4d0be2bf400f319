from __future__ import annotations

import gzip
import io
import json

import pytest

from ktseed.bench import execute
from ktseed.bench.problems import get_problem
from ktseed.bench.progress import Progress
from ktseed.bench.progress import format_seconds
from ktseed.bench.runner import Cell
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import estimate_cost
from ktseed.bench.runner import raw_path
from ktseed.bench.runner import run_cells

RECORD_FIELDS = {
    "schema": int,
    "cell": str,
    "task": str,
    "problem": str,
    "strategy": str,
    "family": str,
    "seed": int,
    "budget": int,
    "design_size": int,
    "n_trials": int,
    "trial": int,
    "trial_id": str,
    "value": float,
    "best": float,
    "regret": float,
    "design": bool,
    "seconds": float,
    "elapsed": float,
    "cell_seconds": float,
    "values": dict,
}


def cells(strategies=("random/stock", "random/sobol"), seeds=(1, 2), budget=5):
    return [
        Cell("search", "branin", s, seed, budget, 2)
        for s in strategies
        for seed in seeds
    ]


def test_cell_key_names_every_setting():
    cell = Cell("warmstart", "mixed", "bayesian/prior-replay", 3, 30, 8, 60)
    assert cell.key == (
        "warmstart|mixed|bayesian/prior-replay|seed=3|B=30|N=8,prior=60"
    )
    digits = Cell(
        "search", "digits_mlp", "random/stock", 1, 5, 2, 0, (("epochs", 1),)
    )
    assert "digits_mlp,epochs=1" in digits.key
    assert digits.to_dict()["problem_kwargs"] == {"epochs": 1}


def test_jsonl_schema_and_values(tmp_path):
    outcome = run_cells(cells(), tmp_path, stream=io.StringIO())
    assert len(outcome.ran) == 4 and not outcome.failed
    lines = raw_path(tmp_path, "search", "branin").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 4 * 5
    problem = get_problem("branin")
    for record in records:
        for name, kind in RECORD_FIELDS.items():
            assert isinstance(record[name], kind), name
        assert record["schema"] == execute.SCHEMA_VERSION
        assert record["regret"] == pytest.approx(
            record["best"] - problem.optimum
        )
        assert record["value"] == pytest.approx(
            problem.evaluate(record["values"])
        )
    by_cell = {}
    for record in records:
        by_cell.setdefault(record["cell"], []).append(record)
    for group in by_cell.values():
        assert [r["trial"] for r in group] == list(range(5))
        bests = [r["best"] for r in group]
        assert bests == sorted(bests, reverse=True)
        assert bests[-1] == min(r["value"] for r in group)
        designed = sum(r["design"] for r in group)
        assert designed == (2 if group[0]["strategy"] == "random/sobol" else 0)
    # Same seed: the stock random oracle draws the same points as itself,
    # and every contender gets its seed.
    seeds = {(r["strategy"], r["seed"]) for r in records}
    assert seeds == {
        (s, k) for s in ("random/stock", "random/sobol") for k in (1, 2)
    }


def test_rerun_skips_finished_cells(tmp_path):
    first = run_cells(cells(), tmp_path, stream=io.StringIO())
    path = raw_path(tmp_path, "search", "branin")
    before = path.read_text()
    second = run_cells(cells(), tmp_path, stream=io.StringIO())
    assert second.ran == [] and sorted(second.skipped) == sorted(first.ran)
    assert path.read_text() == before
    # A new seed runs only the new cells.
    third = run_cells(cells(seeds=(1, 2, 3)), tmp_path, stream=io.StringIO())
    assert len(third.ran) == 2 and len(third.skipped) == 4


def test_partial_cell_is_dropped_and_rerun(tmp_path):
    run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    path = raw_path(tmp_path, "search", "branin")
    lines = path.read_text().splitlines()
    # Simulate a write interrupted in the middle of the second cell.
    path.write_text("\n".join(lines[:7]) + "\n" + lines[7][:20])
    store = RawStore(tmp_path)
    finished = store.scan()
    assert len(finished) == 1
    assert len(path.read_text().splitlines()) == 5
    outcome = run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    assert len(outcome.ran) == 1 and len(outcome.skipped) == 1
    assert len(path.read_text().splitlines()) == 10


def test_gzipped_results_count_as_finished(tmp_path):
    run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    path = raw_path(tmp_path, "search", "branin")
    data = path.read_bytes()
    (path.parent / (path.name + ".gz")).write_bytes(gzip.compress(data))
    path.unlink()
    outcome = run_cells(cells(seeds=(1, 2)), tmp_path, stream=io.StringIO())
    assert len(outcome.skipped) == 2 and len(outcome.ran) == 2
    assert len(list(RawStore(tmp_path).records())) == 4 * 5


def test_drop_removes_a_strategy(tmp_path):
    run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    store = RawStore(tmp_path)
    store.scan()
    assert store.drop(["random/sobol"]) == 1
    assert {r["strategy"] for r in store.records()} == {"random/stock"}
    outcome = run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    assert len(outcome.ran) == 1 and len(outcome.skipped) == 1


def test_a_cell_written_twice_counts_once(tmp_path):
    run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    path = raw_path(tmp_path, "search", "branin")
    path.write_text(path.read_text() * 2)
    store = RawStore(tmp_path)
    assert len(store.scan()) == 2
    assert len(list(store.records())) == 10
    assert len(path.read_text().splitlines()) == 10


def test_failed_cell_is_logged_and_retried(tmp_path, monkeypatch):
    real = execute.execute_cell

    def flaky(cell):
        if cell["strategy"] == "random/sobol":
            raise RuntimeError("boom")
        return real(cell)

    monkeypatch.setattr(execute, "execute_cell", flaky)
    outcome = run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    assert len(outcome.failed) == 1 and len(outcome.ran) == 1
    error = json.loads((tmp_path / "errors.jsonl").read_text())
    assert "boom" in error["error"] and "random/sobol" in error["cell"]
    monkeypatch.setattr(execute, "execute_cell", real)
    retry = run_cells(cells(seeds=(1,)), tmp_path, stream=io.StringIO())
    assert len(retry.ran) == 1 and len(retry.skipped) == 1


def test_optuna_and_hyperband_cells(tmp_path):
    outcome = run_cells(
        cells(
            strategies=("optuna/tpe", "hyperband/stock"), seeds=(1,), budget=6
        ),
        tmp_path,
        stream=io.StringIO(),
    )
    assert len(outcome.ran) == 2
    records = list(RawStore(tmp_path).records())
    assert {r["family"] for r in records} == {"optuna", "keras_tuner"}
    assert all("tuner/epochs" not in r["values"] for r in records)
    assert len(records) == 12


def test_warm_start_cell_runs_a_prior(tmp_path):
    cell = Cell("warmstart", "mixed", "random/prior-replay", 1, 6, 3, 10)
    outcome = run_cells([cell], tmp_path, stream=io.StringIO())
    assert outcome.ran == [cell.key], (tmp_path / "errors.jsonl").read_text()
    records = list(RawStore(tmp_path).records())
    assert len(records) == 6
    assert sum(r["design"] for r in records) == 3
    assert records[0]["initializer"] == "prior_run:replay"


def test_cost_model_orders_bayesian_first():
    cheap = Cell("search", "branin", "random/stock", 1, 30, 8)
    dear = Cell("search", "hartmann6", "bayesian/sobol", 1, 30, 8)
    assert estimate_cost(dear, 6, 0.0) > 10 * estimate_cost(cheap, 2, 0.0)


def test_progress_line():
    stream = io.StringIO()
    progress = Progress(100, 4, 40.0, stream=stream, interval=0.0)
    progress.update(trials=30, cost=10.0)
    line = progress.line()
    assert "30/100 trials (30%)" in line and "cells 1/4" in line
    assert "ETA" in line and stream.getvalue().count("\n") == 1
    progress.update(trials=30, cost=10.0, failed=True)
    assert "1 failed" in progress.line()
    assert format_seconds(3725) == "1h02m" and format_seconds(65) == "1m05s"
