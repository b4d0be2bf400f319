from __future__ import annotations

import io

from ktseed.bench.runner import Cell
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import run_cells
from ktseed.bench.suites import build_cells
from ktseed.bench.suites import full_suite
from ktseed.bench.suites import seed_list


def _points(tmp_path, seeds):
    cells = [Cell("search", "branin", "random/stock", s, 8, 2) for s in seeds]
    run_cells(cells, tmp_path, stream=io.StringIO())
    points = {}
    for record in RawStore(tmp_path).records():
        values = record["values"]
        points.setdefault(record["seed"], []).append(
            (values["x1"], values["x2"])
        )
    return points


def test_nearby_seeds_share_stock_keras_tuner_draws(tmp_path):
    # Why the suite spaces its seeds: with 2 hyperparameters, stock
    # KerasTuner's run with seed 3 is the run with seed 1, one trial later.
    points = _points(tmp_path, [1, 3])
    assert points[3][:7] == points[1][1:8]


def test_suite_seeds_do_not_share_draws(tmp_path):
    seeds = seed_list(3)
    assert seeds == [1, 10001, 20001]
    points = _points(tmp_path, seeds)
    coordinates = [{c for p in points[s] for c in p} for s in seeds]
    assert not coordinates[0] & coordinates[1]
    assert not coordinates[1] & coordinates[2]


def test_cells_use_the_spaced_seeds():
    cells = build_cells(full_suite())
    assert {
        c.seed for c in cells if c.task == "search" and c.problem == "branin"
    } == set(seed_list(20))
    assert {c.seed for c in cells if c.task == "warmstart"} == set(
        seed_list(20)
    )
