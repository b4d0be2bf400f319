"""PNG plots: best-so-far measure against trials, median and IQR band.

One figure per strategy set, one panel per problem; regret on a log scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.report_format import strategy_order as _strategy_order
from ktseed.bench.stats import RunCurves

#: Peers every strategy is also compared with, when present.
PEERS = ("optuna/tpe", "optuna/gp")


PLOT_SETS: dict[str, Sequence[str]] = {
    "random": ("random/",),
    "bayesian": ("bayesian/",),
    "hyperband": ("hyperband/",),
    "peers": (
        "bayesian/stock",
        "bayesian/sobol",
        "bayesian-gp/sobol",
        "optuna/",
    ),
}


def _select(strategy: str, prefixes: Sequence[str]) -> bool:
    return any(
        p in ("*", strategy) or (p.endswith("/") and strategy.startswith(p))
        for p in prefixes
    )


def plot_curves(
    groups: Sequence[RunCurves], folder: Path, *, task: str = "search"
) -> list[Path]:
    """Writes one PNG per strategy set; one panel per problem.

    Returns:
        The files written (none without matplotlib or data).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    task_groups = [g for g in groups if g.key.task == task]
    if not task_groups:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    sets = PLOT_SETS if task == "search" else {task: ("*",)}
    written = []
    for set_name, prefixes in sets.items():
        chosen = [
            g
            for g in task_groups
            if _select(g.key.strategy, prefixes)
            or (
                task == "search"
                and set_name != "peers"
                and g.key.strategy in PEERS
            )
        ]
        problems = sorted({g.key.problem for g in chosen})
        if not problems:
            continue
        colors = _colors(sorted({label_of(g) for g in chosen}))
        cols = min(3, len(problems))
        rows = math.ceil(len(problems) / cols)
        height = 3.8 * rows
        fig, axes = plt.subplots(
            rows, cols, figsize=(max(5.2 * cols, 9.0), height), squeeze=False
        )
        for ax, problem in zip(axes.flat, problems, strict=False):
            _panel(
                ax,
                [g for g in chosen if g.key.problem == problem],
                colors,
            )
            ax.set_title(problem)
        for ax in list(axes.flat)[len(problems) :]:
            ax.set_visible(False)
        legend: dict[str, Any] = {}
        for ax in axes.flat:
            handles, labels = ax.get_legend_handles_labels()
            for handle, label in zip(handles, labels, strict=True):
                legend.setdefault(label, handle)
        ncol = 5 if cols > 1 else 3
        fig.legend(
            list(legend.values()),
            list(legend),
            loc="lower center",
            ncol=min(len(legend), ncol),
            fontsize=8,
            frameon=False,
        )
        legend_inches = 0.2 + 0.22 * math.ceil(len(legend) / ncol)
        fig.tight_layout(rect=(0, legend_inches / height, 1, 1))
        name = f"{task}-{set_name}.png" if task == "search" else f"{task}.png"
        path = folder / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def label_of(group: RunCurves) -> str:
    """The legend label: the strategy, with ``k=`` in the parallel task."""
    k = group.key.concurrency
    return f"{group.key.strategy} k={k}" if k else group.key.strategy


def _order(label: str) -> tuple[Any, ...]:
    strategy, _, k = label.partition(" k=")
    return (*_strategy_order(strategy), k)


def _colors(strategies: Sequence[str]) -> dict[str, Any]:
    """One colour per strategy, the same in every panel of a figure.

    A single stock strategy is drawn in black; with several (warm start)
    every strategy gets a colour of the cycle.
    """
    stocks = [s for s in strategies if s.endswith("/stock")]
    palette = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]  # fmt: skip
    colors: dict[str, Any] = {}
    ordered = sorted(strategies, key=_order)
    for strategy in ordered:
        if len(stocks) == 1 and strategy in stocks:
            colors[strategy] = "black"
        else:
            colors[strategy] = palette[len(colors) % len(palette)]
    return colors


def _panel(
    ax: Any, groups: Sequence[RunCurves], colors: Mapping[str, Any]
) -> None:
    floor = 1e-6
    for group in sorted(groups, key=lambda g: _order(label_of(g))):
        curves = list(group.curves.values())
        length = min(len(c) for c in curves)
        data = np.vstack([c[:length] for c in curves])
        if group.measure == "regret":
            data = np.maximum(data, floor)
        q25, med, q75 = np.nanpercentile(data, [25, 50, 75], axis=0)
        x = np.arange(1, length + 1)
        strategy = group.key.strategy
        label = label_of(group)
        style = "--" if strategy.startswith("optuna/") else "-"
        width = 2.2 if strategy.endswith("/stock") else 1.4
        if group.key.concurrency > 1:
            style = ":" if group.key.concurrency > 2 else "-."
        color = colors.get(label)
        (line,) = ax.plot(x, med, style, lw=width, color=color, label=label)
        ax.fill_between(x, q25, q75, color=line.get_color(), alpha=0.12)
        if group.key.design_size and group.key.design_size < length:
            ax.axvline(group.key.design_size, color="0.8", lw=0.8, zorder=0)
    measure = groups[0].measure if groups else "regret"
    if measure == "regret":
        ax.set_yscale("log")
        ax.set_ylabel("best-so-far regret (median, IQR)")
    elif measure == "held-out score":
        ax.set_ylabel("incumbent's held-out score (median, IQR)")
    else:
        ax.set_ylabel("best accuracy so far (median, IQR)")
    ax.set_xlabel("trial")
    ax.grid(alpha=0.3, which="both", lw=0.5)


__all__ = ["PLOT_SETS", "plot_curves"]
