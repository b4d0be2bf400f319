"""Shared pieces of the reports: number formats, report order, indexes."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ktseed.bench.stats import RunCurves
from ktseed.bench.strategies import parse_strategy

#: Report order of the peers' families.
PEER_ORDER = ("optuna", "smac", "skopt", "ax")


def strategy_order(name: str) -> tuple[int, int, str]:
    """Report order: oracle family, then stock first, then designs."""
    strategy = parse_strategy(name)
    families = ["random", "bayesian", "hyperband"]
    if strategy.is_peer:
        from ktseed.bench.peers import RUNNERS

        variants = list(RUNNERS[strategy.family].variants)
        rank = 9 + PEER_ORDER.index(strategy.family)
        return (rank, variants.index(strategy.sampler or ""), name)
    head = name.split("/")[0]
    rank = families.index(strategy.oracle or "random")
    if head == "bayesian-gp":
        rank = 8
    starts = ["stock", "random", "lhs", "lhs-cd", "sobol", "halton"]
    tail = name.split("/")[1]
    return (rank, starts.index(tail) if tail in starts else 9, name)


def index_groups(
    groups: Iterable[RunCurves],
) -> dict[tuple[Any, ...], RunCurves]:
    """Groups by ``(task, problem, budget, design_size, strategy)``.

    Groups of the ``parallel`` task (several concurrencies per strategy)
    are left out.
    """
    return {
        (
            g.key.task,
            g.key.problem,
            g.key.budget,
            g.key.design_size,
            g.key.strategy,
        ): g
        for g in groups
        if not g.key.concurrency
    }


def fmt(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` significant digits ("-" for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == 0:
        return "0"
    if abs(value) >= 10**digits or abs(value) < 10 ** -(digits + 1):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}g}"


def fmt_p(value: float | None) -> str:
    """A p-value: two significant digits, ``<0.001`` below that."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value < 0.001:
        return "<0.001"
    return f"{value:.2g}"


def median_iqr(stats: Mapping[str, Any] | None, prefix: str = "") -> str:
    """``median [q25-q75]`` of ``stats`` ("-" for none).

    Args:
        stats: A :func:`~ktseed.bench.stats.describe` result, or a row with
            its keys under ``prefix`` (``cd_median``, ``cd_q25``...).
        prefix: The keys' prefix.
    """
    if stats is None:
        return "-"
    return (
        f"{fmt(stats[f'{prefix}median'])} [{fmt(stats[f'{prefix}q25'])}-"
        f"{fmt(stats[f'{prefix}q75'])}]"
    )


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def csv_cell(value: Any) -> Any:
    """A summary CSV cell: floats with six significant digits, NaN empty."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return value


def write_csv(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], path: Path
) -> None:
    """Writes a summary CSV of ``fields`` (missing fields stay empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({f: csv_cell(row.get(f, "")) for f in fields})


__all__ = [
    "PEER_ORDER",
    "csv_cell",
    "fmt",
    "fmt_p",
    "index_groups",
    "median_iqr",
    "strategy_order",
    "table",
    "write_csv",
]
