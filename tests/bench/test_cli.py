from __future__ import annotations

import csv
import io
import json

import pytest

from ktseed.bench import suites
from ktseed.cli import main


def run(*argv):
    out = io.StringIO()
    status = main(["bench", *argv], out=out)
    return status, out.getvalue()


SMOKE = [
    "--suite",
    "quick",
    "--problems",
    "branin",
    "--strategies",
    "random/stock,random/sobol",
    "--repeats",
    "2",
    "--budget",
    "6",
    "--design-size",
    "2",
    "--tasks",
    "search",
    "--workers",
    "1",
]


def test_end_to_end_smoke_and_resume(tmp_path, capsys):
    status, text = run(*SMOKE, "--out", str(tmp_path))
    assert status == 0, text
    assert "4 run, 0 already finished, 0 failed" in text
    raw = (tmp_path / "raw" / "search-branin.jsonl").read_text().splitlines()
    assert len(raw) == 2 * 2 * 6
    with open(tmp_path / "summary.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["strategy"] for r in rows} == {"random/stock", "random/sobol"}
    assert (tmp_path / "results.md").is_file()
    assert (tmp_path / "plots" / "search-random.png").is_file()
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["environment"]["keras-tuner"]
    assert "trials" in capsys.readouterr().err  # the progress bar
    status, text = run(*SMOKE, "--out", str(tmp_path))
    assert status == 0 and "0 run, 4 already finished" in text
    assert (
        len((tmp_path / "raw" / "search-branin.jsonl").read_text().splitlines())
        == 24
    )
    status, text = run("--report-only", "--out", str(tmp_path))
    assert status == 0 and "results.md" in text


def test_list_shows_the_plan():
    status, text = run("--suite", "full", "--list")
    assert status == 0
    assert (
        "search: branin, hartmann6, mixed, mixed_cond, log_rosenbrock" in text
    )
    assert "  optuna/gp" in text and "bayesian-gp/sobol" in text
    assert "warmstart: mixed" in text
    full = suites.full_suite()
    expected = len(suites.build_cells(full))
    assert f"{expected} cells" in text


def test_bad_options_exit_2(capsys):
    status, _ = run("--strategies", "random/nope", "--out", "unused")
    assert status == 2
    assert "unknown strategy 'random/nope'" in capsys.readouterr().err
    status, _ = run("--tasks", "search,train", "--out", "unused")
    assert status == 2
    status, _ = run("--budget", "3", "--design-size", "5", "--out", "unused")
    assert status == 2
    assert "must not exceed" in capsys.readouterr().err


def test_customise_overrides():
    suite = suites.customise(
        suites.full_suite(),
        problems=["mixed", "digits_mlp"],
        repeats=2,
        budget=10,
    )
    assert [t.problems for t in suite.search] == [("mixed",), ("digits_mlp",)]
    assert all(t.repeats == 2 and t.budget == 10 for t in suite.search)
    assert suite.warmstart.budget == 10
    added = suites.customise(suites.quick_suite(), problems=["hartmann6"])
    assert [t.problems for t in added.search] == [("hartmann6",)]
    with pytest.raises(suites.SuiteConfigError, match="--repeats"):
        suites.customise(suites.quick_suite(), repeats=0)


def test_full_suite_meets_the_issue():
    full = suites.full_suite()
    synthetic = full.search[0]
    assert synthetic.repeats >= 20 and synthetic.budget == 30
    assert {"optuna/tpe", "optuna/qmc", "optuna/gp"} <= set(
        synthetic.strategies
    )
    for oracle in ("random", "bayesian", "hyperband"):
        for start in ("stock", "lhs", "lhs-cd", "sobol", "halton"):
            assert f"{oracle}/{start}" in synthetic.strategies
    assert "digits_mlp" not in suites.quick_suite().search[0].problems
    warm = full.warmstart
    assert {
        "bayesian/prior-replay",
        "bayesian/prior-observe",
        "bayesian/stock",
    } <= set(warm.strategies)
