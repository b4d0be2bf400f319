from __future__ import annotations

import csv
import io

import pytest

from ktseed.cli import main

pytestmark = pytest.mark.slow


def test_demo_compares_seeded_and_stock_and_writes_results(tmp_path):
    out = io.StringIO()
    folder = tmp_path / "demo"
    status = main(
        [
            "demo",
            "--budget",
            "3",
            "--design",
            "2",
            "--epochs",
            "1",
            "--out",
            str(folder),
        ],
        out=out,
    )
    assert status == 0
    text = out.getvalue()
    assert "ktseed trial  1/3" in text and "[design]" in text
    assert "stock trial  3/3" in text
    assert (
        "ktseed: best val_accuracy" in text
        and "design trials: trials 1-2" in text
    )
    assert "stock: best val_accuracy" in text and "design trials: none" in text
    with (folder / "trials.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["run"] for r in rows] == ["ktseed"] * 3 + ["stock"] * 3
    assert [r["from_design"] for r in rows[:3]] == ["True", "True", "False"]
    best = [float(r["best_so_far"]) for r in rows[:3]]
    assert best == sorted(best)
    assert (folder / "best_so_far.png").stat().st_size > 10_000
