"""Benchmark reports: summary CSV, Markdown tables and PNG plots.

Everything here is computed from the raw JSONL records and the measure
files of an output directory, so reports can be rebuilt at any time
(``ktseed bench --report-only --out DIR``).

Files written into the output directory:

* ``summary.csv``: one row per task, problem, strategy, budget and
  checkpoint: median, quartiles and mean of the measure, and the paired
  comparison with stock KerasTuner (same oracle) and with Optuna's TPE and
  GP samplers (win rate, Wilcoxon and sign-test p-values).
* ``results.md``: the same as Markdown tables, plus the warm-start,
  design-quality and overhead tables and the list of skipped contenders.
* ``plots/*.png``: best-so-far regret (or accuracy) against trials, median
  line with an interquartile band, one panel per problem.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.plots import PEERS
from ktseed.bench.plots import PLOT_SETS
from ktseed.bench.plots import plot_curves
from ktseed.bench.report_format import fmt
from ktseed.bench.report_format import fmt_p
from ktseed.bench.report_format import index_groups as _index
from ktseed.bench.report_format import median_iqr
from ktseed.bench.report_format import strategy_order as _strategy_order
from ktseed.bench.report_format import write_csv
from ktseed.bench.report_measures import load_measures
from ktseed.bench.report_measures import markdown_measures
from ktseed.bench.report_warm import markdown_warmstart
from ktseed.bench.report_warm import warmstart_rows
from ktseed.bench.stats import RunCurves
from ktseed.bench.stats import checkpoints
from ktseed.bench.stats import describe
from ktseed.bench.stats import ladder
from ktseed.bench.strategies import parse_strategy

SUMMARY_FIELDS = [
    "task",
    "problem",
    "strategy",
    "family",
    "oracle",
    "initializer",
    "budget",
    "design_size",
    "checkpoint",
    "k",
    "measure",
    "n",
    "median",
    "q25",
    "q75",
    "mean",
    "median_seconds",
    "baseline",
    "vs_stock_n",
    "vs_stock_wins",
    "vs_stock_ties",
    "vs_stock_losses",
    "vs_stock_win_rate",
    "vs_stock_wilcoxon_p",
    "vs_stock_sign_p",
    "vs_tpe_win_rate",
    "vs_tpe_wilcoxon_p",
    "vs_gp_win_rate",
    "vs_gp_wilcoxon_p",
]


def summary_rows(groups: Sequence[RunCurves]) -> list[dict[str, Any]]:
    """One summary row per group and checkpoint (see ``SUMMARY_FIELDS``)."""
    index = _index(groups)
    rows = []
    ordered = sorted(
        (g for g in groups if not g.key.concurrency),
        key=lambda g: (
            g.key.task,
            g.key.problem,
            g.key.budget,
            _strategy_order(g.key.strategy),
        ),
    )
    for group in ordered:
        key = group.key
        strategy = parse_strategy(key.strategy)
        base_key = (key.task, key.problem, key.budget, key.design_size)
        baseline = index.get((*base_key, strategy.baseline or ""))
        points = (
            ladder(key.budget)
            if key.task == "peers"
            else checkpoints(key.budget, key.design_size)
        )
        for label, k in points:
            values = group.at(k)
            stats = describe(values.values())
            row: dict[str, Any] = {
                "task": key.task,
                "problem": key.problem,
                "strategy": key.strategy,
                "family": group.family,
                "oracle": group.oracle or "",
                "initializer": group.initializer or "",
                "budget": key.budget,
                "design_size": key.design_size,
                "checkpoint": label,
                "k": k,
                "measure": group.measure,
                **stats,
                "median_seconds": float(np.median(list(group.seconds.values())))
                if group.seconds
                else math.nan,
                "baseline": strategy.baseline or "",
            }
            if baseline is not None:
                cmp = group.compare_at(baseline, k)
                row.update(
                    {
                        "vs_stock_n": cmp["n"],
                        "vs_stock_wins": cmp["wins"],
                        "vs_stock_ties": cmp["ties"],
                        "vs_stock_losses": cmp["losses"],
                        "vs_stock_win_rate": cmp["win_rate"],
                        "vs_stock_wilcoxon_p": cmp["wilcoxon_p"],
                        "vs_stock_sign_p": cmp["sign_p"],
                    }
                )
            for peer, prefix in zip(PEERS, ("vs_tpe", "vs_gp"), strict=True):
                other = index.get((*base_key, peer))
                if other is None or peer == key.strategy:
                    continue
                cmp = group.compare_at(other, k)
                row[f"{prefix}_win_rate"] = cmp["win_rate"]
                row[f"{prefix}_wilcoxon_p"] = cmp["wilcoxon_p"]
            rows.append(row)
    return rows


def write_summary_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Writes ``summary.csv`` (missing fields stay empty)."""
    write_csv(rows, SUMMARY_FIELDS, path)


# -------------------------------------------------------------- markdown
def _cmp_text(row: Mapping[str, Any]) -> str:
    if row.get("vs_stock_n") in (None, ""):
        return "-"
    return (
        f"{row['vs_stock_wins']}/{row['vs_stock_ties']}/"
        f"{row['vs_stock_losses']} ({row['vs_stock_win_rate']:.0%}), "
        f"p={fmt_p(row['vs_stock_wilcoxon_p'])}"
    )


def _peer_text(row: Mapping[str, Any], prefix: str) -> str:
    rate = row.get(f"{prefix}_win_rate")
    if rate is None or rate == "":
        return "-"
    return f"{rate:.0%}, p={fmt_p(row.get(f'{prefix}_wilcoxon_p'))}"


def markdown_search_tables(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """One Markdown table per task, problem and budget."""
    grouped: dict[tuple[Any, ...], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["task"] != "search":
            continue
        grouped[(row["problem"], row["budget"], row["design_size"])].append(row)
    lines: list[str] = []
    for (problem, budget, design), group_rows in grouped.items():
        labels = [lab for lab, _ in checkpoints(int(budget), int(design))]
        ks = dict(checkpoints(int(budget), int(design)))
        measure = group_rows[0]["measure"]
        by_strategy: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
        for row in group_rows:
            by_strategy[row["strategy"]][row["checkpoint"]] = row
        n_max = max(int(r["n"]) for r in group_rows)
        lines.append(
            f"### {problem} (budget {budget}, design {design}, "
            f"{n_max} seeds; {measure}, "
            f"{'lower' if measure == 'regret' else 'higher'} is better)"
        )
        lines.append("")
        header = ["strategy", "n"]
        header += [f"@{ks[lab]} median [IQR]" for lab in labels]
        header += [
            f"vs stock @{budget} W/T/L (win rate), Wilcoxon p",
            f"vs TPE @{budget}",
            f"vs GP @{budget}",
            "s/run",
        ]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for strategy in sorted(by_strategy, key=_strategy_order):
            cells = by_strategy[strategy]
            full = cells.get("full", next(iter(cells.values())))
            row_text = [f"`{strategy}`", str(full["n"])]
            row_text += [median_iqr(cells.get(lab)) for lab in labels]
            row_text += [
                _cmp_text(full),
                _peer_text(full, "vs_tpe"),
                _peer_text(full, "vs_gp"),
                fmt(full["median_seconds"], 2),
            ]
            lines.append("| " + " | ".join(row_text) + " |")
        lines.append("")
    return lines


def write_markdown(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    warm_rows: Sequence[Mapping[str, Any]],
    measures: Mapping[str, Mapping[str, Any]],
    *,
    meta: Mapping[str, Any],
    skipped: Sequence[str],
    extra: Sequence[str] = (),
) -> None:
    """Writes ``results.md``.

    ``extra`` holds more Markdown lines (the ``peers`` and ``parallel``
    tasks' sections), placed after the warm-start section.
    """
    lines = ["# ktseed benchmark results", ""]
    if meta:
        commands = list(meta.get("commands", []))
        if len(commands) == 1:
            lines.append(f"Produced by `{commands[0]}`.")
        elif commands:
            lines.append("Produced by these runs, in order (each resumes the")
            lines.append("last; see `meta.json`):")
            lines.append("")
            lines += [f"- `{c}`" for c in commands]
            lines.append("")
        env = meta.get("environment", {})
        if env:
            lines.append(
                "Environment: "
                + ", ".join(f"{k} {v}" for k, v in env.items())
                + "."
            )
        lines.append("")
    lines += [
        "Measure: simple regret of the best value so far (synthetic "
        "problems, lower is better) or best validation accuracy (training "
        "problems, higher is better), after k trials. Same seeds (1, "
        "10001, 20001, ...: KerasTuner treats seed 0 as unseeded, and its "
        "random sampler would give nearby seeds overlapping draws), budgets "
        "and spaces for every contender. W/T/L: seeds where the strategy is "
        "better / equal / worse than stock KerasTuner with the same "
        "oracle; win rate counts ties as half; p: two-sided Wilcoxon "
        "signed-rank test on the paired differences. 'vs TPE' / 'vs GP': "
        "win rate and p against Optuna's samplers on the same seeds.",
        "",
    ]
    if skipped:
        lines += ["## Skipped contenders", ""]
        lines += [f"- {s}" for s in skipped]
        lines.append("")
    search = markdown_search_tables(rows)
    if search:
        lines += ["## Search", "", *search]
    warm = markdown_warmstart(warm_rows)
    if warm:
        lines += ["## Warm start", "", *warm]
    lines += list(extra)
    measure_lines = markdown_measures(measures)
    if measure_lines:
        lines += ["## Design quality and overhead", "", *measure_lines]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


__all__ = [
    "PEERS",
    "PLOT_SETS",
    "SUMMARY_FIELDS",
    "fmt",
    "fmt_p",
    "load_measures",
    "markdown_measures",
    "markdown_search_tables",
    "markdown_warmstart",
    "plot_curves",
    "summary_rows",
    "warmstart_rows",
    "write_markdown",
    "write_summary_csv",
]
