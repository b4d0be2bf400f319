from __future__ import annotations

import pytest

from ktseed.bench.multifidelity import runs
from ktseed.bench.multifidelity.accounting import hyperband_new_configurations
from ktseed.bench.multifidelity.accounting import hyperband_total_epochs
from ktseed.bench.multifidelity.accounting import hyperband_trials
from ktseed.bench.multifidelity.contenders import parse_contender
from ktseed.bench.multifidelity.problems import get_mf_problem
from ktseed.bench.multifidelity.task import MFCell


@pytest.mark.parametrize(
    ("name", "iterations"),
    [("hyperband/stock", 1), ("hyperband/stock", 2), ("hyperband/sobol", 1)],
)
def test_keras_tuner_trains_exactly_its_schedule(name, iterations, tmp_path):
    problem = get_mf_problem("mf_hartmann6", max_epochs=9)
    evaluations, design = runs.run_contender(
        parse_contender(name),
        problem,
        seed=1,
        factor=3,
        iterations=iterations,
        design_size=4,
        workdir=tmp_path,
    )
    assert len(evaluations) == hyperband_trials(9, 3, iterations)
    assert evaluations[-1]["used"] == hyperband_total_epochs(9, 3, iterations)
    # The ledger's rule is KerasTuner's own: tuner/epochs - tuner/initial_epoch.
    assert [e["charged"] for e in evaluations] == [
        e["kt_charged"] for e in evaluations
    ]
    fresh = {e["key"] for e in evaluations}
    assert len(fresh) == hyperband_new_configurations(9, 3, iterations)
    assert len(design) == (4 if name == "hyperband/sobol" else 0)
    assert {e["epochs"] for e in evaluations} == {1, 3, 9}


def test_stock_and_seeded_share_the_schedule_not_the_points(tmp_path):
    problem = get_mf_problem("mf_branin", max_epochs=9)
    stock, _ = runs.run_contender(
        parse_contender("hyperband/stock"), problem, seed=1, factor=3,
        iterations=1, design_size=4, workdir=tmp_path / "a",
    )  # fmt: skip
    seeded, _ = runs.run_contender(
        parse_contender("hyperband/sobol"), problem, seed=1, factor=3,
        iterations=1, design_size=4, workdir=tmp_path / "b",
    )  # fmt: skip
    assert [e["epochs"] for e in stock] == [e["epochs"] for e in seeded]
    assert stock[0]["values"] != seeded[0]["values"]


def test_execute_cell_records(tmp_path):
    cell = MFCell("mf_digits_mlp", "hyperband/stock", 1, 3, 3, 1, 2).to_dict()
    records = runs.execute_cell(cell)
    total = hyperband_total_epochs(3, 3, 1)
    assert cell["budget"] == total
    assert len(records) == records[0]["n_trials"] == hyperband_trials(3, 3, 1)
    last = records[-1]
    assert last["used"] == total and last["cell"] == cell["key"]
    assert last["task"] == "multifidelity" and last["family"] == "keras_tuner"
    assert all(r["regret"] is None and 0 <= r["test"] <= 1 for r in records)
    assert [r["trial"] for r in records] == list(range(len(records)))
    assert all("tuner/epochs" not in r["values"] for r in records)
    synthetic = runs.execute_cell(
        MFCell("mf_branin", "hyperband/stock", 1, 3, 3, 1, 2).to_dict()
    )
    assert all(r["regret"] >= 0 and r["test"] is None for r in synthetic)


def test_cell_key_names_every_setting():
    cell = MFCell("mf_branin", "dehb", 10001, 27, 3, 3, 8)
    assert cell.budget == 1125
    assert cell.key == (
        "multifidelity|mf_branin,max_epochs=27|dehb|seed=10001|eta=3,"
        "iterations=3|B=1125|N=8"
    )
    assert cell.to_dict()["budget"] == 1125


def test_gp_contender_builds_the_oracle_with_handoff_gp(monkeypatch, tmp_path):
    # Stands in for the hand-off of issue 16, item 1 (another branch): an
    # oracle that accepts `handoff` and records what it was given.
    from ktseed.oracles import SeededHyperbandOracle

    seen = []

    class WithHandoff(SeededHyperbandOracle):
        def __init__(self, *args, handoff="stock", **kwargs):
            seen.append((handoff, kwargs["initializer"]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(runs, "seeded_hyperband_class", lambda: WithHandoff)
    evaluations, design = runs.run_contender(
        parse_contender("hyperband-gp/sobol"),
        get_mf_problem("mf_branin", max_epochs=9),
        seed=1,
        factor=3,
        iterations=1,
        design_size=4,
        workdir=tmp_path,
    )
    assert seen == [("gp", {"name": "sobol", "n_points": 4})]
    assert evaluations[-1]["used"] == hyperband_total_epochs(9, 3, 1)
    assert len(design) == 4
