from __future__ import annotations

import csv
import io

from ktseed.bench import suites
from ktseed.bench.multifidelity import suite as mfs
from ktseed.bench.multifidelity.contenders import all_contenders
from ktseed.cli import main


def test_full_suite_meets_the_issue():
    synthetic, training = suites.full_suite().multifidelity
    assert set(synthetic.problems) == {
        "mf_branin",
        "mf_hartmann6",
        "mf_mixed_cond",
    }
    assert synthetic.repeats >= 20
    assert training.problems == ("mf_digits_mlp",) and training.repeats >= 10
    for task in (synthetic, training):
        assert set(task.strategies) == set(all_contenders())
        assert {
            "hyperband/stock",
            "hyperband/sobol",
            "hyperband-gp/sobol",
            "dehb",
            "smac/hyperband",
            "optuna/tpe-hyperband",
        } <= set(task.strategies)
        assert (task.max_epochs, task.factor) == (27, 3)
        assert task.budget == 1125
    cells = mfs.build_cells(suites.full_suite().multifidelity)
    assert len(cells) == 3 * 6 * 20 + 6 * 10
    assert {c.seed for c in cells} == set(suites.seed_list(20))


def test_quick_suite_runs_every_problem_and_contender_on_a_tiny_budget():
    (task,) = suites.quick_suite().multifidelity
    assert set(task.problems) == {
        "mf_branin",
        "mf_hartmann6",
        "mf_mixed_cond",
        "mf_digits_mlp",
    }
    assert set(task.strategies) == set(all_contenders())
    assert task.repeats == 1 and task.budget == 75


def test_customise_splits_names_between_the_tasks():
    full = suites.full_suite()
    only_mf = suites.customise(full, problems=["mf_branin"], repeats=2)
    assert only_mf.search == ()
    assert only_mf.peers == () and only_mf.parallel is None
    assert [t.problems for t in only_mf.multifidelity] == [("mf_branin",)]
    assert only_mf.multifidelity[0].repeats == 2
    both = suites.customise(full, problems=["branin", "mf_digits_mlp"])
    assert [t.problems for t in both.search] == [("branin",)]
    assert [t.problems for t in both.multifidelity] == [("mf_digits_mlp",)]
    no_mf = suites.customise(full, problems=["branin"])
    assert no_mf.multifidelity == ()
    strategies = suites.customise(full, strategies=["dehb", "hyperband/stock"])
    assert all(t.strategies == ("hyperband/stock",) for t in strategies.search)
    assert all(
        t.strategies == ("dehb", "hyperband/stock")
        for t in strategies.multifidelity
    )
    peers_only = suites.customise(full, strategies=["dehb"])
    assert peers_only.search == () and len(peers_only.multifidelity) == 2
    assert peers_only.peers == () and peers_only.parallel is None
    search_only = suites.customise(full, strategies=["random/stock"])
    assert search_only.multifidelity == ()
    added = suites.customise(
        suites.quick_suite(), problems=["mf_branin", "mixed"]
    )
    assert added.multifidelity[0].problems == ("mf_branin",)


def test_plan_lines_show_the_budget_and_an_estimate():
    lines = mfs.plan_lines(suites.full_suite().multifidelity, workers=2)
    text = "\n".join(lines)
    assert (
        "max_epochs 27, factor 3, 3 Hyperband iteration(s) = 1125 epochs per run"
        in text
    )
    assert "(210 KerasTuner trials, 147 new), design 8, 20 seeds" in text
    assert "  dehb" in text and "  hyperband-gp/sobol" in text
    assert (
        "multifidelity: 420 runs, estimated " in text
        and "on 2 worker(s)" in text
    )


def _small(tmp_path, **kwargs):
    suite = suites.customise(
        suites.quick_suite(),
        problems=["mf_branin"],
        strategies=["hyperband/stock", "optuna/tpe-hyperband"],
    )
    return suites.run_suite(
        suite,
        tmp_path,
        tasks=["multifidelity"],
        stream=io.StringIO(),
        **kwargs,
    )


def test_run_suite_runs_reports_and_resumes(tmp_path):
    result = _small(tmp_path)
    assert len(result.outcome.ran) == 2 and not result.outcome.failed
    raw = tmp_path / "multifidelity" / "raw" / "multifidelity-mf_branin.jsonl"
    assert raw.is_file()
    assert not (tmp_path / "raw").exists() or not list(
        (tmp_path / "raw").iterdir()
    )
    text = (tmp_path / "results.md").read_text()
    assert (
        "## Multi-fidelity" in text
        and "### mf_branin (75 epochs per run" in text
    )
    assert "`optuna/tpe-hyperband`" in text
    assert (tmp_path / "plots" / "multifidelity.png").is_file()
    with open(tmp_path / "multifidelity" / "summary.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["point"] for r in rows} == {"quarter", "half", "full"}
    again = _small(tmp_path)
    assert again.outcome.ran == [] and len(again.outcome.skipped) == 2
    redo = _small(tmp_path, redo=["optuna/tpe-hyperband"])
    assert len(redo.outcome.ran) == 1


def test_cli_lists_the_multifidelity_plan():
    out = io.StringIO()
    assert (
        main(["bench", "--suite", "full", "--list", "--workers", "2"], out=out)
        == 0
    )
    text = out.getvalue()
    assert (
        "multifidelity: mf_branin, mf_hartmann6, mf_mixed_cond | max_epochs 27"
        in text
    )
    assert "multifidelity: mf_digits_mlp |" in text
    assert "on 2 worker(s)" in text
