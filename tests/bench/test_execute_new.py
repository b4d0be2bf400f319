"""Cells of the peers and parallel tasks end to end, through the runner."""

from __future__ import annotations

import io

import pytest

from ktseed.bench.runner import Cell
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import run_cells
from ktseed.bench.suites import write_reports


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_peers_parallel_and_cv_cells(tmp_path):
    cells = [
        Cell("peers", "basins", "bayesian-gp/sobol", 1, 5, 3),
        Cell("peers", "basins", "optuna/tpe", 1, 5, 3),
        Cell("peers", "svm_digits", "random/stock", 1, 3, 2),
        Cell("peers", "svm_digits", "optuna/tpe", 1, 3, 2),
        Cell("parallel", "branin", "bayesian-gp/sobol", 1, 6, 2, concurrency=2),
    ]
    outcome = run_cells(cells, tmp_path, stream=io.StringIO())
    assert not outcome.failed, (tmp_path / "errors.jsonl").read_text()
    records = list(RawStore(tmp_path).records())
    svm = [r for r in records if r["problem"] == "svm_digits"]
    assert all(0 <= r["heldout"] <= 1 for r in svm)
    assert all(r["regret"] is None for r in svm)
    par = [r for r in records if r["task"] == "parallel"]
    assert len(par) == 6 and {r["concurrency"] for r in par} == {2}
    files = write_reports(tmp_path)
    text = (tmp_path / "results.md").read_text()
    assert "## Peers: the GP hand-off against every peer" in text
    assert (
        "### svm_digits (budget 3, 1 seeds; held-out score, higher is better)"
        in text
    )
    assert "## Parallel workers" in text
    names = {f.name for f in files}
    assert {"peers.png", "parallel.png"} <= names


@pytest.mark.parametrize("strategy", ["bayesian-gp/sobol", "bayesian/stock"])
def test_keras_tuner_contenders_do_not_depend_on_the_budget(tmp_path, strategy):
    # The peers task reads budget 30 off 100-trial runs; for KerasTuner's
    # and ktseed's oracles, as for the peers (test_peers.py), a shorter
    # run is a prefix of a longer one.
    from ktseed.bench.execute import execute_cell

    runs = [
        execute_cell(
            Cell("peers", "mixed_cond", strategy, 3, budget, 4).to_dict()
        )
        for budget in (6, 9)
    ]
    short, long = ([r["values"] for r in run] for run in runs)
    assert short == long[:6]
