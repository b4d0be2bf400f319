from __future__ import annotations

import builtins

import pytest

from ktseed.bench import measures
from ktseed.prior_runs import load_prior_run
from ktseed.testing.projects import write_synthetic_project


def test_design_quality_rows():
    result = measures.design_quality(
        ["mixed_cond"], ["random", "lhs", "sobol"], n=6, seeds=[1, 2, 3]
    )
    rows = {r["initializer"]: r for r in result["rows"]}
    assert set(rows) == {"random", "lhs", "sobol"}
    for row in rows.values():
        assert row["d"] == 5 and row["n"] == 6
        assert row["cd_q25"] <= row["cd_median"] <= row["cd_q75"]
        assert 0 < row["min_dist_median"] < 5**0.5
        assert set(row["coverage"]) == {"optimizer", "bn"}
    # Six LHS strata over three choices: two strata per choice, so every
    # choice and both Boolean values appear in every seed.
    assert rows["lhs"]["coverage"] == {"optimizer": 1.0, "bn": 1.0}
    assert rows["lhs"]["cd_median"] < rows["random"]["cd_median"]


def test_create_trial_overhead_rows():
    result = measures.create_trial_overhead(
        trials=12, repeats=1, oracles=("random", "hyperband")
    )
    rows = result["rows"]
    assert [(r["oracle"], r["variant"]) for r in rows] == [
        ("random", "stock"),
        ("random", "design 8"),
        ("random", "design 12"),
        ("hyperband", "stock"),
        ("hyperband", "design 8"),
        ("hyperband", "design 12"),
    ]
    assert rows[0]["ratio"] == 1.0
    assert all(r["us_per_call"] > 0 for r in rows)


def test_design_build_times_skip_beyond_the_limit():
    result = measures.design_build_times(
        sizes=(16, 64), dims=(2,), initializers=("sobol", "lhs-cd"), limit=1e-9
    )
    assert [(r["initializer"], r["n"]) for r in result["rows"]] == [
        ("sobol", 16),
        ("lhs-cd", 16),
    ]
    assert any("lhs-cd: n=64, d=2 skipped" in n for n in result["notes"])


def test_synthetic_project_loads(tmp_path):
    write_synthetic_project(tmp_path, "proj", 25)
    run = load_prior_run(tmp_path, "proj")
    assert len(run.trials) == 25
    result = measures.prior_load_times(sizes=(30,), repeats=2)
    (row,) = result["rows"]
    assert row["trials"] == row["loaded"] == 30 and row["best_s"] > 0


def test_prior_load_reports_missing_loader(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "ktseed.prior_runs":
            raise ImportError("not built yet")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    result = measures.prior_load_times(sizes=(10,))
    assert result["rows"] == []
    assert result["notes"][0].startswith("prior_run loading skipped")


@pytest.mark.parametrize(
    "measured", [[(16, 1.0)], [(16, 1.0), (64, 4.0)], [(16, 1.0), (64, 64.0)]]
)
def test_growth_is_clipped(measured):
    assert 1.0 <= measures._growth(measured) <= 2.0


def test_gp_step_times_both_proposers_on_the_same_trials():
    result = measures.gp_step_times(
        problems=("branin",), observations=6, repeats=1
    )
    (row,) = result["rows"]
    assert (
        row["problem"] == "branin"
        and row["d"] == 2
        and row["observations"] == 6
    )
    for key in ("kerastuner_s", "kerastuner_1thread_s", "handoff_s"):
        assert 0 < row[key] < 60
