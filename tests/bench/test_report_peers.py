"""The peers and parallel report sections, from fabricated records."""

from __future__ import annotations

import numpy as np

from ktseed.bench.report_peers import markdown_parallel
from ktseed.bench.report_peers import markdown_peers
from ktseed.bench.report_peers import repeat_counts
from ktseed.bench.stats import group_records
from ktseed.bench.stats import ladder


def records(
    task, strategy, regret_at_end, *, seeds=8, budget=100, k=0, values=None
):
    out = []
    for seed in range(1, seeds + 1):
        end = regret_at_end + 0.01 * seed
        curve = np.linspace(1.0 + end, end, budget)
        for trial in range(budget):
            record = {
                "task": task,
                "problem": "branin",
                "strategy": strategy,
                "family": strategy.split("/")[0],
                "oracle": None,
                "initializer": None,
                "budget": budget,
                "design_size": 10,
                "seed": seed,
                "trial": trial,
                "regret": float(curve[trial]),
                "best": float(curve[trial]),
                "cell_seconds": 1.0,
                "design": False,
                "values": values(seed, trial)
                if values
                else {"x1": float(trial), "x2": float(seed)},
            }
            if k:
                record["concurrency"] = k
            out.append(record)
    return out


def test_ladder_checkpoints():
    assert ladder(100) == [
        ("@10", 10),
        ("@20", 20),
        ("@30", 30),
        ("@50", 50),
        ("full", 100),
    ]
    assert ladder(30) == [("@10", 10), ("@20", 20), ("full", 30)]


def test_peers_section_names_the_best_peer_and_the_targets():
    raw = (
        records("peers", "bayesian-gp/sobol", 0.1)
        + records("peers", "bayesian/stock", 0.5)
        + records("peers", "smac/bb", 0.2)
        + records("peers", "optuna/gp", 0.05)
    )
    groups = group_records(raw)
    text = "\n".join(markdown_peers(groups, repeat_counts(raw)))
    assert "### branin (budget 100, 8 seeds; regret, lower is better)" in text
    assert "Best peer @30: `optuna/gp`, @100: `optuna/gp`." in text
    assert "| `optuna/gp` | (best peer) |" in text
    assert "### Targets of the GP hand-off (issue 12)" in text
    # The hand-off loses to optuna/gp on every seed: not best, not tied.
    assert (
        "| branin | budget 100 | 100 | 0.145 | `optuna/gp` (0.095) | 0%, p=0.0078 | **no** | 100%, p=0.0078 | yes |"
        in text
    )
    assert "0 (0 runs) / 0" in text


def test_runs_of_two_budgets_with_one_seed_are_not_repeats_of_each_other():
    # A budget-30 and a budget-100 run of one seed propose the same first
    # 30 trials (no contender's start depends on its budget).
    raw = records("peers", "optuna/gp", 0.1, budget=30) + records(
        "peers", "optuna/gp", 0.1, budget=100
    )
    repeats = repeat_counts(raw)
    assert repeats[("peers", "branin", "optuna/gp", 0, 30, 1)] == (0, 0)
    assert repeats[("peers", "branin", "optuna/gp", 0, 100, 1)] == (0, 0)
    raw += records("peers", "bayesian-gp/sobol", 0.2, budget=30)
    raw += records("peers", "bayesian-gp/sobol", 0.2, budget=100)
    text = "\n".join(markdown_peers(group_records(raw), repeats))
    assert "| branin | budget 30 | 30 |" in text
    assert "| branin | budget 100 | 30 |" in text
    assert "| branin | budget 100 | 100 |" in text


def test_parallel_section_ratios_and_repeats():
    def repeated(seed, trial):
        return {"x1": float(trial % 5), "x2": 1.0}  # every 5th repeats

    raw = []
    for k, end in ((1, 0.1), (2, 0.12), (4, 0.2)):
        raw += records("parallel", "bayesian-gp/sobol", end, budget=30, k=k)
        raw += records(
            "parallel", "optuna/gp", 0.3, budget=30, k=k, values=repeated
        )
    groups = group_records(raw)
    repeats = repeat_counts(raw)
    assert repeats[("parallel", "branin", "optuna/gp", 4, 30, 1)] == (25, 25)
    text = "\n".join(markdown_parallel(groups, repeats))
    assert "### branin (after 30 completed trials)" in text
    assert (
        "| `bayesian-gp/sobol` | 4 | 8 | 0.245 [0.228-0.263] | 1.7 | 0.99 | 100%, p=0.0078 | 0 (0 runs) / 0 |"
        in text
    )
    # Against its own sequential run after 27 trials (3 results fewer):
    # 0.245 / 0.2485; k = 1 against itself at 30 is 1.
    assert (
        "| `bayesian-gp/sobol` | 1 | 8 | 0.145 [0.128-0.163] | 1 | 1 |" in text
    )
    assert "| `optuna/gp` | 1 | 8 |" in text and "200 (8 runs) / 200" in text
    assert "### Targets of the GP hand-off with 4 workers (issue 12)" in text
    assert "| branin | 1.7 | **no** | 100%, p=0.0078 | yes | 0 |" in text
