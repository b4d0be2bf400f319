"""The ``portfolio`` benchmark task: families, cells, resume, report."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from ktseed import SpaceCodec
from ktseed.bench import portfolio_plan
from ktseed.bench import portfolio_report
from ktseed.bench import portfolio_svm
from ktseed.bench import suites
from ktseed.bench.portfolio_cells import run_cell
from ktseed.bench.portfolio_family import cond_family
from ktseed.bench.portfolio_family import mixed_family
from ktseed.bench.portfolio_family import most_similar
from ktseed.bench.portfolio_task import PortfolioTask
from ktseed.bench.portfolio_task import family_task_names
from ktseed.bench.portfolio_task import family_tasks
from ktseed.bench.portfolio_task import run_portfolio
from ktseed.bench.problems import Mixed
from ktseed.bench.problems import MixedConditional
from ktseed.bench.tasks import Suite
from ktseed.cli import main


def random_points(task, n=50, seed=0):
    codec = SpaceCodec(task.space())
    return codec.decode(
        np.random.default_rng(seed).random((n, codec.dimension))
    )


# ---------------------------------------------------------------- families
@pytest.mark.parametrize(
    ("family", "base"), [(mixed_family, Mixed), (cond_family, MixedConditional)]
)
def test_the_first_task_is_the_base_problem(family, base):
    """A canary: the variants rely on the base problems' constants."""
    first = family()[0]
    problem = base()
    for values in random_points(first):
        assert first.evaluate(values) == pytest.approx(problem.evaluate(values))
    assert first.optimum == pytest.approx(problem.optimum)


@pytest.mark.parametrize("family", [mixed_family, cond_family])
def test_variants_shift_rescale_and_add_irrelevant_dimensions(family):
    tasks = family()
    assert len(tasks) == 8
    assert len({t.optimum for t in tasks}) > 4
    for task in tasks:
        points = random_points(task, n=200)
        values = [task.evaluate(p) for p in points]
        assert min(values) >= task.optimum - 1e-9
        extras = [n for n in SpaceCodec(task.space()).names if "extra" in n]
        assert len(extras) == task.extra
        moved = [{**p, **dict.fromkeys(extras, 0.5)} for p in points[:5]]
        assert [task.evaluate(p) for p in moved] == values[:5]
    assert {t.extra for t in tasks} == {0, 1, 2}


def test_most_similar_is_the_nearest_by_meta_features():
    tasks = mixed_family()
    # Task 1 (a0=33, d0=0.22, c+0.3, elu) is nearest to the base task 0.
    assert most_similar(tasks, 0) == 1
    assert most_similar(tasks, 1) == 0
    assert all(most_similar(tasks, i) != i for i in range(len(tasks)))


@pytest.fixture
def tiny_grid(monkeypatch):
    monkeypatch.setitem(
        portfolio_svm.SVM_GRIDS, "tiny", ((-1, 1, 2), (-3, -1, 2), ("rbf",))
    )
    return "tiny"


def test_svm_table_is_exact_and_cached(tiny_grid, tmp_path, monkeypatch):
    cache = tmp_path / "table.json"
    (task,) = portfolio_svm.svm_family(tiny_grid, ["iris"], cache=cache)
    grid = task.table.configurations()
    assert len(grid) == 8
    scores = [task.evaluate(v) for v in grid]
    assert task.optimum == max(scores)
    assert all(0.0 <= task.held_out(v) <= 1.0 for v in grid)
    assert task.regret(task.optimum) == 0.0
    assert len(task.meta) == 4

    def refuse(self, name):
        raise AssertionError("the cached table should be used")

    monkeypatch.setattr(portfolio_svm.SvmTable, "_tabulate", refuse)
    (again,) = portfolio_svm.svm_family(tiny_grid, ["iris"], cache=cache)
    assert again.optimum == task.optimum


def test_task_names_without_the_table_match_the_tasks(tiny_grid, tmp_path):
    settings = PortfolioTask(tasks=3, svm_grid=tiny_grid)
    names = family_task_names(settings)
    for family in ("mixed", "mixed_cond"):
        built = family_tasks(family, settings, tmp_path)
        assert names[family] == [task.name for task in built]
    datasets = portfolio_svm.SVM_DATASETS[:1]
    (task,) = portfolio_svm.svm_family(tiny_grid, datasets)
    assert names["svm"][0] == task.name


# ------------------------------------------------------------------- cells
TINY = PortfolioTask(
    name="tiny",
    families=("mixed",),
    tasks=3,
    held_out=1,
    repeats=1,
    search_repeats=1,
    stock_repeats=0,
    budget=5,
    design_size=3,
    prior_trials=10,
    timing=None,
)


def test_a_cell_evaluates_designs_and_searches_from_them():
    tasks = mixed_family(3)
    records = run_cell(TINY, "mixed", tasks, 1, 7, handoffs=("gp",))
    designs = [r for r in records if r["kind"] == "design"]
    searches = [r for r in records if r["kind"] == "search"]
    assert [r["design"] for r in designs] == [
        "sobol",
        "random",
        "prior_run",
        "portfolio",
    ]
    assert [r["design"] for r in searches] == [r["design"] for r in designs]
    for design, search in zip(designs, searches, strict=True):
        assert len(design["scores"]) == 3
        assert len(search["scores"]) == 5
        # The search starts with the design it was given.
        assert search["scores"][:3] == design["scores"]
        assert search["handoff"] == "gp"
    portfolio = designs[-1]
    assert portfolio["n_scores"] == 3 * 2  # 3 points x 2 source tasks
    assert portfolio["similar"] == tasks[most_similar(tasks, 1)].name
    assert json.loads(json.dumps(records)) == records


def test_settings_presets_and_overrides():
    full = PortfolioTask.preset("full")
    assert full.repeats >= 20 and full.families == (
        "mixed",
        "mixed_cond",
        "svm",
    )
    assert full.handoffs(0, 0) == ("gp", "stock")
    reduced = PortfolioTask.preset("reduced")
    assert reduced.handoffs(0, 2) == ("gp",)
    assert reduced.handoffs(5, 0) == ("gp",)
    assert reduced.handoffs(0, 10) == ()
    assert reduced.name == "reduced" and reduced.repeats == 20
    quick = suites.quick_suite().portfolio
    assert quick == PortfolioTask.preset("quick")
    changed = quick.customised(repeats=1, budget=12, design_size=3)
    assert (changed.repeats, changed.search_repeats, changed.budget) == (
        1,
        1,
        12,
    )
    with pytest.raises(LookupError, match="unknown preset"):
        PortfolioTask.preset("huge")
    assert "portfolio" in suites.TASKS
    assert (
        suites.customise(suites.full_suite(), repeats=2).portfolio.repeats == 2
    )


def test_cells_without_searches_first_then_seed_major():
    settings = PortfolioTask.preset("reduced")
    cells = settings.cells()
    assert len(cells) == len(set(cells)) == 3 * 8 * 20
    designs, searched = cells[: 3 * 8 * 10], cells[3 * 8 * 10 :]
    assert all(not c[3] for c in designs) and all(c[3] for c in searched)
    # Every task of every family gets a seed before any gets the next.
    assert {c[2] for c in designs[:24]} == {1 + 10_000 * 10}
    assert {c[2] for c in searched[:24]} == {1}
    assert [(f, h) for f, h, _, _ in searched[:9]] == [
        *(("mixed", h) for h in range(8)),
        ("mixed_cond", 0),
    ]
    assert sum("stock" in c[3] for c in cells) == 3 * 2 * 1


def test_estimate_follows_the_searches():
    gp = portfolio_plan.search_seconds("gp", 6.0, 30, 8)
    stock = portfolio_plan.search_seconds("stock", 6.0, 30, 8)
    assert 0 < gp < stock
    assert portfolio_plan.search_seconds("gp", 6.0, 30, 30) == 0.3
    assert portfolio_plan.cell_seconds(TINY, 6.0, ()) == (
        portfolio_plan.CELL_SECONDS
    )
    both = portfolio_plan.cell_seconds(TINY, 6.0, ("gp", "stock"))
    assert both == pytest.approx(
        portfolio_plan.CELL_SECONDS
        + 4
        * sum(
            portfolio_plan.search_seconds(h, 6.0, TINY.budget, 3)
            for h in ("gp", "stock")
        )
    )


def test_list_shows_the_portfolio_plan():
    out = io.StringIO()
    assert main(["bench", "--suite", "quick", "--list"], out=out) == 0
    text = out.getvalue()
    assert "portfolio: quick: mixed, svm | 4 tasks, 2 held out" in text
    assert "portfolio: 8 cells (4 with GP-hand-off searches" in text
    out = io.StringIO()
    argv = ["bench", "--suite", "full", "--tasks", "portfolio", "--list"]
    assert main([*argv, "--repeats", "2"], out=out) == 0
    text = out.getvalue()
    assert "portfolio: full: mixed, mixed_cond, svm | 8 tasks" in text
    assert "48 cells (48 with GP-hand-off searches, 48 with" in text
    assert "search:" not in text and "multifidelity:" not in text


# ------------------------------------------------------------ run, report
def test_run_resumes_and_reports(tmp_path):
    out = tmp_path / "portfolio"
    stream = io.StringIO()
    first = run_portfolio(TINY, out, stream=stream)
    assert (first["ran"], first["failed"]) == (1, 0)
    lines = (out / "raw.jsonl").read_text().splitlines()
    assert len(lines) == 8
    again = run_portfolio(TINY, out, stream=stream)
    assert (again["ran"], again["skipped"]) == (0, 1)
    files = portfolio_report.write_reports(out)
    assert {f.name for f in files} == {
        "summary.csv",
        "results.md",
        "portfolio.png",
    }
    text = (out / "results.md").read_text()
    assert "| mixed | best-of-N | - | 3 | sobol |" in text
    section = portfolio_report.markdown_section(out)
    assert section[0] == "## Portfolio (leave one task out)"
    assert portfolio_report.markdown_section(tmp_path / "none") == []
    keys = sorted(json.loads(line)["key"] for line in lines)
    (left,) = portfolio_plan.plan_lines(TINY, finished=keys)[2:]
    assert left.endswith("for the 0 not yet finished")
    (left,) = portfolio_plan.plan_lines(TINY)[2:]
    assert left.endswith("for the 1 not yet finished")


def test_the_suite_runs_and_reports_the_portfolio_task(tmp_path):
    suite = Suite(name="tiny", search=(), warmstart=None, portfolio=TINY)
    result = suites.run_suite(
        suite, tmp_path, tasks=("portfolio",), stream=io.StringIO()
    )
    (key,) = result.outcome.ran
    assert key.startswith("mixed|mixed-0|seed=1|")
    assert result.outcome.failed == []
    assert tmp_path / "portfolio" / "results.md" in result.files
    text = (tmp_path / "results.md").read_text()
    assert "## Portfolio (leave one task out)" in text
    again = suites.run_suite(
        suite, tmp_path, tasks=("portfolio",), stream=io.StringIO()
    )
    assert (again.outcome.ran, again.outcome.skipped) == ([], [key])


def record(task, seed, design, scores, kind="design", handoff=None):
    return {
        "family": "f",
        "task": task,
        "seed": seed,
        "kind": kind,
        "design": design,
        "handoff": handoff,
        "budget": 4,
        "design_size": 2,
        "direction": "min",
        "optimum": 0.0,
        "scores": scores,
        "held_out": None,
    }


def test_headline_counts_tasks_where_the_portfolio_wins_more_often():
    records = []
    for seed in (1, 2, 3):
        # Task a: portfolio better on 2 of 3 seeds; task b: worse on all.
        records.append(
            record("a", seed, "portfolio", [1.0, 0.5 if seed < 3 else 2.0])
        )
        records.append(record("a", seed, "sobol", [1.0, 1.0]))
        records.append(record("b", seed, "portfolio", [3.0, 3.0]))
        records.append(record("b", seed, "sobol", [1.0, 2.0]))
    rows = portfolio_report.summary_rows(records)
    (head,) = portfolio_report.headline(rows)
    assert (head["vs"], head["tasks"], head["beaten"]) == ("sobol", 2, 1)
    # Seed 3 of task a is a tie (both best 1.0): it counts half.
    assert head["median_win_rate"] == pytest.approx((2.5 / 3 + 0.0) / 2)
    assert portfolio_report.regret_at(records[0], 1) == 1.0
    maxed = {**records[0], "direction": "max", "optimum": 3.0}
    assert portfolio_report.regret_at(maxed, 2) == 2.0
    held = {**records[0], "held_out": [0.7, 0.9]}
    assert portfolio_report.held_out_at(held, 2) == 0.9


def test_a_short_design_is_measured_at_the_design_size():
    records = [
        record("a", 1, "portfolio", [1.0, 0.5]),
        record("a", 1, "random", [2.0]),  # a duplicate was dropped
    ]
    rows = portfolio_report.summary_rows(records)
    assert {row["k"] for row in rows} == {2}
    (random,) = [row for row in rows if row["design"] == "random"]
    assert random["median"] == 2.0


def test_held_out_accuracy_is_a_target_and_higher_is_better():
    records = []
    for seed in (1, 2):
        # Better CV regret for sobol, better held-out accuracy for portfolio.
        mine = record("a", seed, "portfolio", [2.0, 1.0])
        theirs = record("a", seed, "sobol", [0.5, 0.5])
        records += [
            {**mine, "held_out": [0.7, 0.9]},
            {**theirs, "held_out": [0.6, 0.6]},
        ]
    heads = {
        h["measure"]: h
        for h in portfolio_report.headline(
            portfolio_report.summary_rows(records)
        )
    }
    assert heads["best-of-N"]["beaten"] == 0
    assert heads["held_out best-of-N"]["beaten"] == 1
    assert heads["held_out best-of-N"]["median_win_rate"] == 1.0
