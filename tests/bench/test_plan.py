"""The cost model, the plan --list prints, and the suites' new tasks."""

from __future__ import annotations

import io

from ktseed.bench import peers
from ktseed.bench import suites
from ktseed.bench.plan import MODEL_COST
from ktseed.bench.plan import build_cells
from ktseed.bench.plan import estimate_cost
from ktseed.bench.plan import plan_lines
from ktseed.bench.problems import PEER_PROBLEMS
from ktseed.bench.runner import Cell
from ktseed.cli import main


def cost(strategy, d=6, budget=100, design=10, **kwargs):
    cell = Cell("peers", "hartmann6", strategy, 1, budget, design, **kwargs)
    return estimate_cost(cell, d, 0.0)


def test_every_peer_has_a_cost_and_model_based_ones_grow():
    for name in [
        *peers.peer_strategies(),
        "bayesian-gp/sobol",
        "bayesian/stock",
    ]:
        assert cost(name) > 0
    for name in MODEL_COST:
        strategy = name if "/" in name else f"{name}/sobol"
        assert cost(strategy, d=20) > cost(strategy, d=6)
        assert cost(strategy, budget=100) > 2 * cost(strategy, budget=30)
    assert cost("smac/bb") > 10 * cost("optuna/tpe")
    assert cost("bayesian/stock") > cost("bayesian-gp/sobol")
    # A parallel cell costs about what a sequential one does.
    assert cost("optuna/gp", concurrency=4) < 1.1 * cost("optuna/gp")


def test_plan_lines_split_by_task_and_skip_finished_cells():
    suite = suites.full_suite()
    cells = build_cells(suite, ("peers", "parallel"))
    lines = plan_lines(cells, workers=2, measures={"gp_cost": {"repeats": 3}})
    text = "\n".join(lines)
    assert "peers: 1620 cells" in text and "parallel: 960 cells" in text
    assert "gp_cost" in text and "total: about" in text
    finished = {c.key for c in cells if c.task == "parallel"}
    after = "\n".join(plan_lines(cells, workers=2, finished=finished))
    assert "0 s wall for the 0 not yet finished" in after


def test_list_prints_the_estimate(tmp_path):
    out = io.StringIO()
    status = main(
        [
            "bench",
            "--suite",
            "full",
            "--list",
            "--workers",
            "2",
            "--out",
            str(tmp_path),
        ],
        out=out,
    )
    text = out.getvalue()
    assert status == 0
    assert "estimated duration on 2 worker(s):" in text
    assert "peers: branin, hartmann6" in text and "smac/bb" in text
    assert "parallel:" in text and "k in 1, 2, 4" in text


def test_full_suite_peers_and_parallel_meet_the_issue():
    full = suites.full_suite()
    synthetic, training = full.peers
    assert synthetic.repeats >= 20 and training.repeats >= 10
    assert synthetic.budget == training.budget == 100
    assert {"mixed10", "rosen20", "basins"} <= set(synthetic.problems)
    assert set(training.problems) == {"gbm_cancer", "svm_digits"}
    wanted = {
        "bayesian/stock",
        "bayesian-gp/sobol",
        "optuna/tpe",
        "optuna/gp",
        "smac/bb",
        "smac/hpo",
        "skopt/gp",
        "ax/botorch",
    }
    assert wanted <= set(synthetic.strategies) == set(training.strategies)
    par = full.parallel
    assert par.concurrency == (1, 2, 4) and par.budget >= 30
    assert set(par.strategies) == {"bayesian-gp/sobol", "optuna/gp"}
    m = full.measures
    assert m.gp_cost["sizes"] == [30, 100, 300, 1000] and m.gp_cost["dims"] == [
        6,
        20,
    ]
    assert m.hyperband_proposal == {
        "problems": ["mf_branin", "mf_hartmann6", "mf_mixed_cond"],
        "sizes": [30, 100],
        "pending": 20,
        "repeats": 20,
    }
    assert m.create_trial["designs"] == [8, 64, 512, 4096]
    assert m.create_trial["fsync"] == [True, False]
    assert m.design_targets == {
        "lhs": [4096, 32],
        "csv_rows": 300_000,
        "repeats": 3,
    }


def test_quick_suite_runs_each_new_peer_and_problem():
    quick = suites.quick_suite()
    strategies = {s for t in quick.peers for s in t.strategies}
    assert set(peers.peer_strategies()) - {"optuna/qmc"} <= strategies
    problems = {p for t in quick.peers for p in t.problems}
    assert set(PEER_PROBLEMS) <= problems
    assert all(t.budget <= 6 for t in quick.peers)
    assert quick.parallel.concurrency == (1, 2, 4)


def test_customise_reaches_the_new_tasks():
    suite = suites.customise(
        suites.full_suite(), problems=["basins"], repeats=2, budget=20
    )
    assert [t.problems for t in suite.peers] == [("basins",)]
    assert suite.parallel.problems == ("basins",)
    assert suite.peers[0].repeats == 2 and suite.parallel.budget == 20
    cells = build_cells(suite, ("parallel",))
    assert {c.concurrency for c in cells} == {1, 2, 4}
    assert all("|k=" in c.key for c in cells)


def test_measure_estimates_follow_their_configuration():
    from ktseed.bench.plan import measure_seconds

    full = {k: v for k, v in vars(suites.full_suite().measures).items() if v}
    quick = {k: v for k, v in vars(suites.quick_suite().measures).items() if v}
    assert set(full) == set(quick)
    assert measure_seconds(quick) < 60 < measure_seconds(full)
    # GPSampler at 1,000 observations dominates the GP-cost measure.
    small = measure_seconds(
        {"gp_cost": {"sizes": [30], "dims": [20], "repeats": 1}}
    )
    large = measure_seconds(
        {"gp_cost": {"sizes": [1000], "dims": [20], "repeats": 1}}
    )
    assert large > 10 * small
    one = measure_seconds(
        {"hyperband_proposal": {"problems": ["mf_branin"], "repeats": 1}}
    )
    twenty = measure_seconds(
        {
            "hyperband_proposal": {
                "problems": ["mf_branin", "mf_hartmann6", "mf_mixed_cond"],
                "repeats": 20,
            }
        }
    )
    assert 0 < one < 5 and twenty > 10 * one
    quick = suites.quick_suite().measures.hyperband_proposal
    assert quick["sizes"] == [30] and quick["repeats"] <= 2
    assert len(quick["problems"]) == 1
