from __future__ import annotations

import csv
import io
import math

from ktseed.bench.report import fmt
from ktseed.bench.report import fmt_p
from ktseed.bench.report import summary_rows
from ktseed.bench.runner import Cell
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import run_cells
from ktseed.bench.stats import group_records
from ktseed.bench.suites import write_reports

PNG = b"\x89PNG\r\n\x1a\n"


def small_run(tmp_path):
    cells = [
        Cell("search", problem, strategy, seed, 6, 2)
        for problem in ("branin", "mixed")
        for strategy in ("random/stock", "random/halton", "optuna/tpe")
        for seed in (1, 2, 3)
    ]
    cells += [
        Cell(
            "warmstart",
            "mixed",
            strategy,
            seed,
            6,
            2,
            8 if "prior" in strategy else 0,
        )
        for strategy in ("random/stock", "random/prior-replay")
        for seed in (1, 2)
    ]
    outcome = run_cells(cells, tmp_path, stream=io.StringIO())
    assert not outcome.failed
    return outcome


def test_summary_rows_pair_with_stock_and_peers(tmp_path):
    small_run(tmp_path)
    rows = summary_rows(group_records(RawStore(tmp_path).records()))
    halton = [
        r
        for r in rows
        if r["strategy"] == "random/halton" and r["problem"] == "branin"
    ]
    assert [r["checkpoint"] for r in halton] == ["design", "2x design", "full"]
    full = halton[-1]
    assert full["k"] == 6 and full["n"] == 3
    assert full["baseline"] == "random/stock" and full["vs_stock_n"] == 3
    assert (
        full["vs_stock_wins"] + full["vs_stock_ties"] + full["vs_stock_losses"]
        == 3
    )
    assert 0 <= full["vs_tpe_win_rate"] <= 1
    stock = next(r for r in rows if r["strategy"] == "random/stock")
    assert "vs_stock_n" not in stock


def test_reports_are_written(tmp_path):
    small_run(tmp_path)
    files = write_reports(tmp_path)
    names = {f.name for f in files}
    assert {
        "summary.csv",
        "results.md",
        "search-random.png",
        "search-peers.png",
        "warmstart.png",
    } <= names
    for path in files:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG
    with open(tmp_path / "summary.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 3 * 3 + 2 * 3
    assert {r["measure"] for r in rows} == {"regret"}
    text = (tmp_path / "results.md").read_text()
    assert "### branin (budget 6, design 2, 3 seeds; regret" in text
    assert "| `random/halton` | 3 |" in text
    assert "### Warm start on mixed" in text
    assert "`random/prior-replay`" in text


def test_number_formatting():
    assert fmt(0.123456) == "0.123"
    assert fmt(12345.0) == "1.23e+04"
    assert fmt(float("nan")) == "-" and fmt(None) == "-" and fmt(0.0) == "0"
    assert fmt_p(0.0004) == "<0.001" and fmt_p(0.0456) == "0.046"
    assert fmt_p(math.nan) == "-"
