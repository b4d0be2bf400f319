"""Reports of the multi-fidelity task: tables, targets, plots.

Computed from ``<out>/multifidelity/raw`` at any time. The measure of a
run after ``B`` epochs is that of its recommended configuration
(:func:`~ktseed.bench.multifidelity.accounting.incumbent_at`): the exact
regret at ``max_epochs`` on synthetic problems, the held-out test error
on the training problem; lower is better for both.

Files written:

* ``multifidelity/summary.csv``: one row per problem, contender and
  budget point (a quarter, half and all of the total epochs): median,
  quartiles, the ratio to stock KerasTuner Hyperband's median, and the
  paired comparisons (same seeds) with stock Hyperband and with the best
  peer at that point (the peer with the lowest median): wins, ties,
  losses, win rate (ties count half), Wilcoxon signed-rank p.
* ``plots/multifidelity.png``: the measure against total epochs, median
  with an interquartile band, one panel per problem.
* A ``## Multi-fidelity`` section of ``results.md`` (returned as lines):
  the tables, and the issue's targets checked on them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.multifidelity.contenders import MODEL_BASED
from ktseed.bench.multifidelity.contenders import STOCK
from ktseed.bench.multifidelity.contenders import contender_order
from ktseed.bench.multifidelity.contenders import parse_contender
from ktseed.bench.multifidelity.plots import plot
from ktseed.bench.multifidelity.results import MFRuns
from ktseed.bench.multifidelity.results import group_records
from ktseed.bench.multifidelity.task import store
from ktseed.bench.report_format import write_csv
from ktseed.bench.stats import describe
from ktseed.bench.stats import paired_comparison

#: Budget points, as shares of the total epochs.
BUDGET_POINTS = (("quarter", 0.25), ("half", 0.5), ("full", 1.0))

#: Issue 16's ratio target: model-based median <= 0.5 x stock median.
TARGET_RATIO = 0.5

FIELDS = [
    "problem",
    "strategy",
    "family",
    "budget",
    "max_epochs",
    "point",
    "epochs",
    "measure",
    "n",
    "median",
    "q25",
    "q75",
    "ratio_to_stock",
    "vs_stock_wins",
    "vs_stock_ties",
    "vs_stock_losses",
    "vs_stock_win_rate",
    "vs_stock_wilcoxon_p",
    "best_peer",
    "best_peer_median",
    "vs_peer_wins",
    "vs_peer_ties",
    "vs_peer_losses",
    "vs_peer_win_rate",
    "vs_peer_wilcoxon_p",
    "median_evaluations",
    "median_seconds",
]


def _median(values: Mapping[int, float]) -> float:
    return describe(values.values())["median"]


def summary_rows(groups: Sequence[MFRuns]) -> list[dict[str, Any]]:
    """One row per problem, contender and budget point (``FIELDS``)."""
    by_problem: dict[tuple[str, int, int], dict[str, MFRuns]] = defaultdict(
        dict
    )
    for g in groups:
        by_problem[(g.problem, g.budget, g.max_epochs)][g.strategy] = g
    rows = []
    for (problem, budget, max_epochs), members in sorted(by_problem.items()):
        peers = [s for s in members if parse_contender(s).is_peer]
        for label, share in BUDGET_POINTS:
            epochs = share * budget
            at = {s: g.at(epochs) for s, g in members.items()}
            medians = {s: _median(v) for s, v in at.items()}
            ranked = [p for p in peers if not math.isnan(medians[p])]
            best_peer = min(ranked, key=lambda p: medians[p], default=None)
            stock = at.get(STOCK)
            for strategy in sorted(members, key=contender_order):
                group = members[strategy]
                stats = describe(at[strategy].values())
                row: dict[str, Any] = {
                    "problem": problem,
                    "strategy": strategy,
                    "family": parse_contender(strategy).family,
                    "budget": budget,
                    "max_epochs": max_epochs,
                    "point": label,
                    "epochs": epochs,
                    "measure": group.measure,
                    **{k: stats[k] for k in ("n", "median", "q25", "q75")},
                    "median_evaluations": float(
                        np.median([len(r) for r in group.runs.values()])
                    ),
                    "median_seconds": float(
                        np.median(
                            [
                                float(r[-1].get("cell_seconds") or 0.0)
                                for r in group.runs.values()
                            ]
                        )
                    ),
                }
                if stock is not None and strategy != STOCK:
                    base = medians[STOCK]
                    row["ratio_to_stock"] = (
                        stats["median"] / base if base > 0 else math.nan
                    )
                    row.update(_prefixed("vs_stock", at[strategy], stock))
                if best_peer is not None and strategy != best_peer:
                    row["best_peer"] = best_peer
                    row["best_peer_median"] = medians[best_peer]
                    row.update(
                        _prefixed("vs_peer", at[strategy], at[best_peer])
                    )
                rows.append(row)
    return rows


def _prefixed(
    prefix: str, a: Mapping[int, float], b: Mapping[int, float]
) -> dict[str, Any]:
    cmp = paired_comparison(a, b, lower_is_better=True)
    return {
        f"{prefix}_wins": cmp["wins"],
        f"{prefix}_ties": cmp["ties"],
        f"{prefix}_losses": cmp["losses"],
        f"{prefix}_win_rate": cmp["win_rate"],
        f"{prefix}_wilcoxon_p": cmp["wilcoxon_p"],
    }


def write_summary_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Writes ``summary.csv`` (missing fields stay empty)."""
    write_csv(rows, FIELDS, path)


# -------------------------------------------------------------- markdown
def _fmt(value: Any, digits: int = 3) -> str:
    from ktseed.bench.report import fmt

    return fmt(None if value in (None, "") else float(value), digits)


def _p(value: Any) -> str:
    from ktseed.bench.report import fmt_p

    return fmt_p(None if value in (None, "") else float(value))


def _cmp(row: Mapping[str, Any], prefix: str) -> str:
    if row.get(f"{prefix}_win_rate") in (None, ""):
        return "-"
    return (
        f"{row[f'{prefix}_wins']}/{row[f'{prefix}_ties']}/"
        f"{row[f'{prefix}_losses']} ({row[f'{prefix}_win_rate']:.0%}), "
        f"p={_p(row[f'{prefix}_wilcoxon_p'])}"
    )


def markdown_tables(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """One table per problem: every contender at every budget point."""
    lines: list[str] = []
    by_problem: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(
        list
    )
    for row in rows:
        by_problem[(row["problem"], row["budget"])].append(row)
    for (problem, budget), prows in by_problem.items():
        cells: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
        for row in prows:
            cells[row["strategy"]][row["point"]] = row
        points = [label for label, _ in BUDGET_POINTS]
        first = prows[0]
        n_max = max(int(r["n"]) for r in prows)
        lines += [
            f"### {problem} ({budget} epochs per run, max_epochs "
            f"{first['max_epochs']}, {n_max} seeds; {first['measure']} of "
            "the recommended configuration, lower is better)",
            "",
        ]
        header = ["contender", "n"]
        header += [
            f"@{_fmt(cells[next(iter(cells))][p]['epochs'], 4)} ep median [IQR]"
            for p in points
        ]
        header += [
            "/ stock @half",
            "/ stock @full",
            f"vs stock @{budget} W/T/L (win rate), p",
            f"vs best peer @{budget}",
            "evals/run",
            "s/run",
        ]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for strategy in sorted(cells, key=contender_order):
            c = cells[strategy]
            full = c["full"]
            text = [f"`{strategy}`", str(full["n"])]
            for p in points:
                r = c[p]
                text.append(
                    f"{_fmt(r['median'])} [{_fmt(r['q25'])}-{_fmt(r['q75'])}]"
                )
            text += [
                _fmt(c["half"].get("ratio_to_stock"), 2),
                _fmt(full.get("ratio_to_stock"), 2),
                _cmp(full, "vs_stock"),
                (
                    f"`{full['best_peer']}`: {_cmp(full, 'vs_peer')}"
                    if full.get("best_peer")
                    else "-"
                ),
                _fmt(full["median_evaluations"], 3),
                _fmt(full["median_seconds"], 2),
            ]
            lines.append("| " + " | ".join(text) + " |")
        lines.append("")
    return lines


def target_lines(
    rows: Sequence[Mapping[str, Any]], contender: str = MODEL_BASED
) -> list[str]:
    """Issue 16's targets for ``contender``, each checked on ``rows``.

    Targets: (1) median at most 0.5x stock Hyperband's at the half and the
    full budget on every synthetic problem; (2) at or below the best
    peer's median at the full budget on at least two of three synthetic
    problems; (3) on the training problem not worse than stock at the
    full budget: "worse" means a higher median with Wilcoxon p < 0.05.
    """
    mine = {
        (r["problem"], r["point"]): r
        for r in rows
        if r["strategy"] == contender
    }
    if not mine:
        return [f"`{contender}` was not run, so the targets are not checked."]
    synthetic = sorted(
        {p for p, _ in mine if mine[(p, "full")]["measure"] == "regret"}
    )
    training = sorted({p for p, _ in mine if p not in synthetic})
    lines = [
        f"Targets of issue 16 for `{contender}`, computed from the tables:",
        "",
        "| target | problem | value | met |",
        "|---|---|---|---|",
    ]
    for problem in synthetic:
        for point in ("half", "full"):
            ratio = mine[(problem, point)].get("ratio_to_stock")
            met = ratio not in (None, "") and ratio <= TARGET_RATIO
            lines.append(
                f"| median <= {TARGET_RATIO} x stock @{point} | {problem} | "
                f"{_fmt(ratio, 2)} | {'yes' if met else 'no'} |"
            )
    at_or_below = 0
    for problem in synthetic:
        row = mine[(problem, "full")]
        peer = row.get("best_peer_median")
        met = peer not in (None, "") and row["median"] <= peer
        at_or_below += int(met)
        lines.append(
            f"| median <= best peer @full | {problem} | {_fmt(row['median'])}"
            f" vs {_fmt(peer)} (`{row.get('best_peer') or '-'}`) | "
            f"{'yes' if met else 'no'} |"
        )
    if synthetic:
        lines.append(
            f"| ... on at least 2 of {len(synthetic)} | all synthetic | "
            f"{at_or_below} | {'yes' if at_or_below >= 2 else 'no'} |"
        )
    for problem in training:
        row = mine[(problem, "full")]
        p = row.get("vs_stock_wilcoxon_p")
        ratio = row.get("ratio_to_stock")
        worse = (
            ratio not in (None, "")
            and ratio > 1
            and p not in (None, "")
            and p < 0.05
        )
        lines.append(
            f"| not worse than stock @full | {problem} | median "
            f"{_fmt(row['median'])}, ratio {_fmt(ratio, 2)}, "
            f"{_cmp(row, 'vs_stock')} | {'no' if worse else 'yes'} |"
        )
    lines.append("")
    return lines


def markdown_section(
    rows: Sequence[Mapping[str, Any]], skipped: Sequence[str] = ()
) -> list[str]:
    """The ``## Multi-fidelity`` section of ``results.md``."""
    if not rows:
        return []
    lines = [
        "## Multi-fidelity",
        "",
        "Every contender gets the epochs that KerasTuner's Hyperband "
        "schedule trains (a promoted trial resumes its parent's checkpoint "
        "and pays only the extra epochs; the same rule charges every "
        "peer). Measure after B epochs: the configuration with the best "
        "observed value at the largest budget reached within B epochs; its "
        "exact regret at max_epochs (synthetic) or its held-out test error "
        "(training). '/ stock': ratio of medians to `hyperband/stock`. W/T/L: "
        "seeds better / equal / worse, paired by seed; p: two-sided "
        "Wilcoxon signed-rank test. Best peer: the peer (DEHB, SMAC, Optuna) "
        "with the lowest median at that budget.",
        "",
    ]
    if skipped:
        lines += ["Skipped:", ""] + [f"- {s}" for s in skipped] + [""]
    lines += markdown_tables(rows)
    lines += target_lines(rows)
    lines += ["![Multi-fidelity runs](plots/multifidelity.png)", ""]
    return lines


# ------------------------------------------------------------------ entry
def write_reports(
    out: Path, skipped: Sequence[str] = ()
) -> tuple[list[Path], list[str]]:
    """Writes this task's summary and plot; returns them and the section.

    Args:
        out: The benchmark's output directory.
        skipped: Skip notices to list in the section (only this task's
            are kept).

    Returns:
        The files written and the Markdown lines for ``results.md``
        (both empty when the task has no results in ``out``).
    """
    from ktseed.bench.multifidelity.contenders import is_contender

    out = Path(out)
    if not (out / "multifidelity" / "raw").is_dir():
        return [], []
    groups = group_records(store(out).records())
    if not groups:
        return [], []
    rows = summary_rows(groups)
    summary = out / "multifidelity" / "summary.csv"
    write_summary_csv(rows, summary)
    files = [summary]
    image = plot(groups, out / "plots" / "multifidelity.png")
    if image is not None:
        files.append(image)
    mine = [s for s in skipped if is_contender(s.split(" ", 1)[0])]
    return files, markdown_section(rows, mine)


__all__ = [
    "BUDGET_POINTS",
    "FIELDS",
    "MFRuns",
    "group_records",
    "markdown_section",
    "markdown_tables",
    "summary_rows",
    "target_lines",
    "write_reports",
    "write_summary_csv",
]
