from __future__ import annotations

import csv
import math

import pytest

from ktseed.bench.multifidelity import report as mfr
from ktseed.bench.multifidelity.plots import plot

PNG = b"\x89PNG\r\n\x1a\n"


def _run(problem, strategy, seed, finals, *, budget=100, field="regret"):
    """A run whose recommendation after 25, 50, 100 epochs has ``finals``."""
    records = []
    for trial, (used, measure) in enumerate(
        zip((20, 45, 95), finals, strict=True)
    ):
        records.append(
            {
                "problem": problem,
                "strategy": strategy,
                "budget": budget,
                "max_epochs": 9,
                "seed": seed,
                "trial": trial,
                "used": used,
                "epochs": 9,
                "value": -trial,  # every new evaluation is the best one
                "regret": measure if field == "regret" else None,
                "test": measure if field == "test" else None,
                "cell_seconds": 2.0,
            }
        )
    return records


def _records(problem, medians, *, field="regret", seeds=(1, 2, 3, 4)):
    out = []
    for strategy, (q, h, f) in medians.items():
        for k, seed in enumerate(seeds):
            jitter = 1 + 0.01 * k
            out += _run(
                problem,
                strategy,
                seed,
                (q * jitter, h * jitter, f * jitter),
                field=field,
            )
    return out


SYNTH = {
    "hyperband/stock": (4.0, 2.0, 1.0),
    "hyperband-gp/sobol": (3.0, 0.9, 0.4),
    "dehb": (3.5, 1.0, 0.5),
    "smac/hyperband": (3.0, 1.5, 0.3),
}


def test_rows_at_budget_points_with_ratios_and_best_peer():
    groups = mfr.group_records(_records("mf_branin", SYNTH))
    rows = mfr.summary_rows(groups)
    assert len(rows) == len(SYNTH) * 3
    by = {(r["strategy"], r["point"]): r for r in rows}
    gp_half = by[("hyperband-gp/sobol", "half")]
    assert gp_half["epochs"] == 50 and gp_half["n"] == 4
    assert gp_half["median"] == pytest.approx(0.9 * 1.015)
    assert gp_half["ratio_to_stock"] == pytest.approx(0.45)
    assert gp_half["vs_stock_wins"] == 4 and gp_half["vs_stock_win_rate"] == 1.0
    # The best peer is chosen at each budget point: DEHB at half, SMAC at full.
    assert gp_half["best_peer"] == "dehb"
    gp_full = by[("hyperband-gp/sobol", "full")]
    assert gp_full["best_peer"] == "smac/hyperband"
    assert gp_full["vs_peer_losses"] == 4
    assert "best_peer" not in by[("smac/hyperband", "full")]
    assert "ratio_to_stock" not in by[("hyperband/stock", "full")]
    quarter = by[("hyperband/stock", "quarter")]
    assert quarter["median"] == pytest.approx(4.0 * 1.015)


def test_recommendation_ignores_evaluations_past_the_point():
    records = _run("mf_branin", "dehb", 1, (5.0, 3.0, 1.0))
    records[-1]["used"] = 101  # ends after the total: never counted
    (group,) = mfr.group_records(records)
    assert group.at(100) == {1: 3.0}
    assert group.at(19) == {}


def test_targets_are_checked_on_the_rows():
    records = _records("mf_branin", SYNTH)
    better = {**SYNTH, "hyperband-gp/sobol": (1.0, 0.5, 0.2)}
    records += _records("mf_hartmann6", better)
    records += _records("mf_mixed_cond", better)
    training = {
        "hyperband/stock": (0.1, 0.05, 0.04),
        "hyperband-gp/sobol": (0.1, 0.05, 0.041),
    }
    records += _records("mf_digits_mlp", training, field="test")
    rows = mfr.summary_rows(mfr.group_records(records))
    text = "\n".join(mfr.target_lines(rows))
    assert "| median <= 0.5 x stock @half | mf_branin | 0.45 | yes |" in text
    assert "| median <= 0.5 x stock @full | mf_branin | 0.4 | yes |" in text
    assert (
        "| median <= best peer @full | mf_branin | 0.406 vs 0.304 (`smac/hyperband`) | no |"
        in text
    )
    assert (
        "| median <= best peer @full | mf_hartmann6 | 0.203 vs 0.304 (`smac/hyperband`) | yes |"
        in text
    )
    assert "| ... on at least 2 of 3 | all synthetic | 2 | yes |" in text
    # 4 losses of 4 seeds: p = 0.125 with 4 pairs, so not significantly worse.
    assert "| not worse than stock @full | mf_digits_mlp |" in text
    assert text.rstrip().endswith("| yes |")
    assert mfr.target_lines(rows, "hyperband/lhs") == [
        "`hyperband/lhs` was not run, so the targets are not checked."
    ]


def test_markdown_section_and_csv(tmp_path):
    rows = mfr.summary_rows(mfr.group_records(_records("mf_branin", SYNTH)))
    lines = mfr.markdown_section(
        rows, ["hyperband-gp/sobol skipped: no handoff"]
    )
    text = "\n".join(lines)
    assert text.startswith("## Multi-fidelity")
    assert (
        "### mf_branin (100 epochs per run, max_epochs 9, 4 seeds; regret"
        in text
    )
    assert "| `hyperband-gp/sobol` | 4 |" in text
    assert "`smac/hyperband`: 0/0/4 (0%), p=0.12" in text
    assert "- hyperband-gp/sobol skipped: no handoff" in text
    assert "plots/multifidelity.png" in text
    path = tmp_path / "summary.csv"
    mfr.write_summary_csv(rows, path)
    with open(path, newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(rows)
    assert (
        written[0]["strategy"] == "hyperband/stock"
        and written[0]["ratio_to_stock"] == ""
    )
    assert mfr.markdown_section([]) == []


def test_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    records = _records("mf_branin", SYNTH) + _records(
        "mf_digits_mlp", {"hyperband/stock": (0.1, 0.05, 0.0)}, field="test"
    )
    path = plot(mfr.group_records(records), tmp_path / "p.png")
    assert path is not None and path.read_bytes()[:8] == PNG


def test_no_results_no_section(tmp_path):
    assert mfr.write_reports(tmp_path) == ([], [])


def test_nan_median_without_observations():
    (group,) = mfr.group_records(_run("mf_branin", "dehb", 1, (5.0, 3.0, 1.0)))
    group.runs[1][0]["used"] = 30
    rows = mfr.summary_rows([group])
    assert math.isnan(rows[0]["median"]) and rows[0]["n"] == 0
