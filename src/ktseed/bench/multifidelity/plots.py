"""The plot of the multi-fidelity task: measure against total epochs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.bench.multifidelity.accounting import step_values
from ktseed.bench.multifidelity.accounting import trajectory
from ktseed.bench.multifidelity.contenders import MODEL_BASED
from ktseed.bench.multifidelity.contenders import STOCK
from ktseed.bench.multifidelity.contenders import contender_order

if TYPE_CHECKING:
    from ktseed.bench.multifidelity.results import MFRuns

#: Colour and line style of each contender in the plot.
STYLES: dict[str, tuple[str, str]] = {
    STOCK: ("black", "-"),
    "hyperband/sobol": ("#1f77b4", "-"),
    "hyperband-gp/sobol": ("#d62728", "-"),
    "dehb": ("#2ca02c", "--"),
    "smac/hyperband": ("#9467bd", "--"),
    "optuna/tpe-hyperband": ("#ff7f0e", "--"),
}


def plot(
    groups: Sequence[MFRuns], path: Path, *, points: int = 200
) -> Path | None:
    """Measure against total epochs, median and IQR band, per problem.

    Returns:
        The file, or ``None`` without matplotlib or data.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    problems = sorted({(g.problem, g.budget) for g in groups})
    if not problems:
        return None
    cols = min(2, len(problems))
    rows = math.ceil(len(problems) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(6.4 * cols, 4.4 * rows), squeeze=False
    )
    for ax, (problem, budget) in zip(axes.flat, problems, strict=False):
        grid = np.linspace(budget / points, budget, points)
        members = [
            g for g in groups if g.problem == problem and g.budget == budget
        ]
        for group in sorted(members, key=lambda g: contender_order(g.strategy)):
            curves: np.ndarray[Any, Any] = np.array(
                [
                    step_values(
                        trajectory(recs, group.measure_field), grid.tolist()
                    )
                    for recs in group.runs.values()
                ],
                dtype=np.float64,
            )
            # Log scale: a zero regret or error is drawn at the floor.
            curves = np.maximum(curves, 1e-6)
            valid = ~np.all(np.isnan(curves), axis=0)
            if not valid.any():
                continue
            q25, med, q75 = np.nanpercentile(
                curves[:, valid], [25, 50, 75], axis=0
            )
            color, style = STYLES.get(group.strategy, ("0.5", ":"))
            width = 2.2 if group.strategy in (STOCK, MODEL_BASED) else 1.4
            x = grid[valid]
            ax.plot(x, med, style, color=color, lw=width, label=group.strategy)
            ax.fill_between(x, q25, q75, color=color, alpha=0.12, lw=0)
        for share in (0.25, 0.5):
            ax.axvline(share * budget, color="0.75", lw=0.8, ls=":", zorder=0)
        field_name = members[0].measure_field if members else "regret"
        ax.set_yscale("log")
        ax.set_ylabel(
            "regret of the recommendation"
            if field_name == "regret"
            else "held-out test error of the recommendation"
        )
        ax.set_xlabel("total epochs trained (all trials)")
        ax.set_title(
            f"{problem} (median, IQR over {len(members[0].runs)} seeds)"
        )
        ax.grid(alpha=0.3, which="both", lw=0.5)
    for ax in list(axes.flat)[len(problems) :]:
        ax.set_visible(False)
    handles: dict[str, Any] = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="lower center",
        ncol=min(len(handles), 3),
        fontsize=9,
        frameon=False,
    )
    legend_inches = 0.15 + 0.22 * math.ceil(len(handles) / 3)
    fig.tight_layout(rect=(0, legend_inches / (4.4 * rows), 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = ["STYLES", "plot"]
