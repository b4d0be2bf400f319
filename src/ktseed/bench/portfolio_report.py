"""Tables, targets and a plot from the ``portfolio`` task's raw records.

Measures (all from ``<out>/raw.jsonl``, so ``ktseed bench --report-only``
rebuilds them):

* **best-of-N**: the regret of the best of a design's ``N`` points on the
  held-out task (``N`` = the design size, 8 in the full suite), from the
  design records (every seed);
* **regret at k**: the regret of the best of the first ``k`` trials of a
  seeded Bayesian search started from the design (``k`` = 16 and the
  budget), from the search records, per hand-off;
* for ``svm``, the **held-out accuracy** of the incumbent (the trial with
  the best cross-validation accuracy so far) after the same numbers of
  trials.

Comparisons are paired by seed (same earlier searches, same seed):
:func:`ktseed.bench.stats.paired_comparison` gives wins, ties, losses, the
win rate (ties count half) and the Wilcoxon signed-rank p-value. The
portfolio *beats* a contender on a held-out task when its win rate there is
above 0.5. It is *ahead on the median held-out task* when the median over
the family's held-out tasks of that win rate is above 0.5.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.report_format import write_csv
from ktseed.bench.runner import read_jsonl
from ktseed.bench.stats import describe
from ktseed.bench.stats import paired_comparison

#: The contender every other design is compared with.
FOCUS = "portfolio"
BASELINES = ("sobol", "prior_run", "random")

FIELDS = [
    "family",
    "task",
    "measure",
    "handoff",
    "k",
    "design",
    "n",
    "median",
    "q25",
    "q75",
    "mean",
    "vs",
    "wins",
    "ties",
    "losses",
    "win_rate",
    "wilcoxon_p",
    "median_diff",
]


def load(folder: Path) -> list[dict[str, Any]]:
    """Every record of ``folder/raw.jsonl`` (and ``.jsonl.gz``)."""
    records: list[dict[str, Any]] = []
    for name in ("raw.jsonl", "raw.jsonl.gz"):
        path = Path(folder) / name
        if path.is_file():
            records.extend(read_jsonl(path))
    return records


def regret_at(record: Mapping[str, Any], k: int) -> float:
    """The regret of the best of the record's first ``k`` scores."""
    scores = record["scores"][:k]
    best = min(scores) if record["direction"] == "min" else max(scores)
    gap = best - record["optimum"]
    return max(0.0, float(gap if record["direction"] == "min" else -gap))


def held_out_at(record: Mapping[str, Any], k: int) -> float | None:
    """The held-out score of the incumbent after ``k`` trials, if any."""
    held = record.get("held_out")
    if not held:
        return None
    scores = record["scores"][:k]
    top = min(scores) if record["direction"] == "min" else max(scores)
    value = held[scores.index(top)]  # the first trial to reach it
    return None if value is None else float(value)


def _cells(
    records: Iterable[Mapping[str, Any]],
) -> dict[tuple[Any, ...], dict[int, Mapping[str, Any]]]:
    """Records by (family, task, kind, handoff, design), then by seed."""
    by: dict[tuple[Any, ...], dict[int, Mapping[str, Any]]] = defaultdict(dict)
    for r in records:
        key = (r["family"], r["task"], r["kind"], r["handoff"], r["design"])
        by[key].setdefault(int(r["seed"]), r)
    return by


def _checkpoints(
    records: Sequence[Mapping[str, Any]],
) -> list[tuple[str, str | None, int]]:
    """``(kind, handoff, k)`` of every measure present in ``records``."""
    points: set[tuple[str, str | None, int]] = set()
    for r in records:
        if r["kind"] == "design":
            # The size asked for: a shorter design is measured on its points.
            points.add(("design", None, int(r["design_size"])))
        else:
            budget = int(r["budget"])
            points.update(
                ("search", r["handoff"], k) for k in (16, budget) if k <= budget
            )
    return sorted(points, key=lambda p: (p[0], str(p[1]), p[2]))


def summary_rows(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per task, measure and design; the portfolio's comparisons."""
    cells = _cells(records)
    tasks = sorted({(r["family"], r["task"]) for r in records})
    rows = []
    for kind, handoff, k in _checkpoints(records):
        for measure in ("regret", "held_out"):
            for family, task in tasks:
                by_design = {}
                for design in (*BASELINES, FOCUS):
                    runs = cells.get((family, task, kind, handoff, design), {})
                    values: dict[int, float] = {}
                    for seed, r in runs.items():
                        value = _measure(r, measure, k)
                        if value is not None:
                            values[seed] = value
                    if values:
                        by_design[design] = values
                if not by_design:
                    continue
                lower = measure == "regret"
                for design, values in by_design.items():
                    row: dict[str, Any] = {
                        "family": family,
                        "task": task,
                        "measure": "best-of-N" if kind == "design" else measure,
                        "handoff": handoff or "",
                        "k": k,
                        "design": design,
                        **describe(values.values()),
                    }
                    if kind == "design" and measure == "held_out":
                        row["measure"] = "held_out best-of-N"
                    rows.append(row)
                    if design == FOCUS:
                        for other in BASELINES:
                            if other not in by_design:
                                continue
                            cmp = paired_comparison(
                                values, by_design[other], lower_is_better=lower
                            )
                            rows.append({**row, "vs": other, **cmp})
    return rows


def _measure(r: Mapping[str, Any], measure: str, k: int) -> float | None:
    if measure == "regret":
        return regret_at(r, k)
    return held_out_at(r, k)


def headline(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per family and measure: on how many held-out tasks portfolio wins.

    Returns:
        Rows with ``family``, ``measure``, ``handoff``, ``k``, ``vs``,
        ``tasks``, ``beaten`` (win rate above 0.5), ``median_win_rate``
        (over the tasks) and ``median_n`` (seeds per task).
    """
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]]
    groups = defaultdict(list)
    for row in rows:
        if row.get("vs"):  # regret and, for svm, the held-out accuracy
            key: tuple[Any, ...] = (
                row["family"],
                row["measure"],
                row["handoff"],
                row["k"],
                row["vs"],
            )
            groups[key].append(row)
    out = []
    for (family, measure, handoff, k, vs), items in sorted(groups.items()):
        rates = [float(r["win_rate"]) for r in items]
        out.append(
            {
                "family": family,
                "measure": measure,
                "handoff": handoff,
                "k": k,
                "vs": vs,
                "tasks": len(items),
                "beaten": sum(rate > 0.5 for rate in rates),
                "median_win_rate": float(np.median(rates)),
                "median_n": float(np.median([r["n"] for r in items])),
            }
        )
    return out


# ----------------------------------------------------------------- files
def write_reports(folder: Path) -> list[Path]:
    """Writes ``summary.csv``, ``results.md`` and ``portfolio.png``.

    Returns:
        The files written (none without records).
    """
    folder = Path(folder)
    records = load(folder)
    if not records:
        return []
    rows = summary_rows(records)
    summary = folder / "summary.csv"
    write_csv(rows, FIELDS, summary)
    results = folder / "results.md"
    text = "\n".join(markdown(records, rows, _timing(folder), folder))
    results.write_text(text.rstrip() + "\n", encoding="utf-8")
    files = [summary, results]
    plot = plot_curves(records, folder / "portfolio.png")
    if plot is not None:
        files.append(plot)
    return files


def _timing(folder: Path) -> dict[str, Any] | None:
    path = folder / "timing.json"
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def fmt(value: Any, digits: int = 3) -> str:
    """A number for a table (``-`` for none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def markdown_targets(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The headline table: tasks beaten, median win rate."""
    lines = [
        "| family | measure | hand-off | k | portfolio vs | tasks beaten "
        "| median win rate | seeds per task |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for h in headline(rows):
        lines.append(
            f"| {h['family']} | {h['measure']} | {h['handoff'] or '-'} | "
            f"{h['k']} | {h['vs']} | {h['beaten']} of {h['tasks']} | "
            f"{h['median_win_rate']:.2f} | {h['median_n']:.0f} |"
        )
    return lines


def markdown(
    records: Sequence[Mapping[str, Any]],
    rows: Sequence[Mapping[str, Any]],
    timing: Mapping[str, Any] | None,
    folder: Path,
) -> list[str]:
    """The portfolio task's own results page."""
    settings_path = folder / "settings.json"
    lines = ["# Portfolio benchmark results", ""]
    if settings_path.is_file():
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        lines += [
            "Settings: "
            + ", ".join(f"{k}={v}" for k, v in settings.items())
            + ".",
            "",
        ]
    lines += [
        "Leave one task out: the start of a seeded Bayesian search on the "
        "held-out task is built from the other tasks' earlier searches. "
        "Regret: the gap to the task's exact optimum (lower is better). "
        "Win rate: portfolio against the contender, paired by seed, ties "
        "counted half; 'beaten': tasks where it is above 0.5.",
        "",
        "## Targets",
        "",
        *markdown_targets(rows),
        "",
    ]
    if timing:
        lines += ["## Build time", "", *markdown_timing(timing), ""]
    lines += ["## Per held-out task", ""]
    current = None
    for row in rows:
        if row.get("vs"):
            continue
        head = (row["measure"], row["handoff"], row["k"])
        if head != current:
            current = head
            hand = f", {row['handoff']} hand-off" if row["handoff"] else ""
            lines += [
                "",
                f"### {row['measure']} (k={row['k']}{hand})",
                "",
                "| task | design | n | median | q25 | q75 "
                "| portfolio win rate | p |",
                "| --- | --- | --- | --- | --- | --- | --- | --- |",
            ]
        lines.append(
            f"| {row['task']} | {row['design']} | {row['n']} | "
            f"{fmt(row['median'])} | {fmt(row['q25'])} | {fmt(row['q75'])} "
            f"| {_vs(rows, row)} |"
        )
    return lines


def _vs(rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any]) -> str:
    """The portfolio's win rate and p against this row's design."""
    if row["design"] == FOCUS:
        return "- | -"
    for other in rows:
        if (
            other.get("vs") == row["design"]
            and other["task"] == row["task"]
            and other["measure"] == row["measure"]
            and other["handoff"] == row["handoff"]
            and other["k"] == row["k"]
        ):
            return f"{other['win_rate']:.2f} | {fmt(other['wilcoxon_p'], 2)}"
    return "- | -"


def markdown_timing(timing: Mapping[str, Any]) -> list[str]:
    """The build-time measure, with its spread."""
    asked = timing.get("requested", {})
    seconds = ", ".join(f"{s:.2f}" for s in timing.get("seconds", []))
    return [
        f"A portfolio of {asked.get('n_points')} from {asked.get('sources')} "
        f"sources of {asked.get('trials')} trials each "
        f"({timing.get('candidates')} candidates; "
        f"{timing.get('n_predicted')} of its {timing.get('n_scores')} scores "
        f"predicted): median {timing['median']:.2f} s, min "
        f"{timing['min']:.2f} s, max {timing['max']:.2f} s over "
        f"{len(timing.get('seconds', []))} builds ({seconds} s; load "
        f"average {fmt_load(timing.get('load_average'))} on "
        f"{timing.get('cpus')} cores)"
        + (
            f"; CPU time {', '.join(f'{s:.2f}' for s in cpu)} s."
            if (cpu := timing.get("cpu_seconds"))
            else "."
        ),
    ]


def fmt_load(load: Any) -> str:
    """``[1.2, 0.9, 0.8]`` as ``1.2/0.9/0.8``."""
    if not load:
        return "unknown"
    return "/".join(f"{x:.1f}" for x in load)


def markdown_section(folder: Path) -> list[str]:
    """The short section of the suite's ``results.md`` (empty if not run)."""
    folder = Path(folder)
    records = load(folder)
    if not records:
        return []
    rows = summary_rows(records)
    lines = [
        "## Portfolio (leave one task out)",
        "",
        "Full tables: `portfolio/results.md`.",
        "",
        *markdown_targets(rows),
        "",
    ]
    timing = _timing(folder)
    if timing:
        lines += [*markdown_timing(timing), ""]
    return lines


# ------------------------------------------------------------------ plot
def plot_curves(
    records: Sequence[Mapping[str, Any]], path: Path
) -> Path | None:
    """Median normalised regret against trials, one panel per family.

    Each task's regret is divided by its median regret after one trial
    (over every search of that task), so tasks of different scales can
    share a median. Solid lines: GP hand-off; dashed: KerasTuner's step.
    Returns ``None`` without search records or matplotlib.
    """
    searches = [r for r in records if r["kind"] == "search"]
    if not searches:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is in [bench]
        return None
    scale: dict[str, float] = {}
    for task in {r["task"] for r in searches}:
        first = [regret_at(r, 1) for r in searches if r["task"] == task]
        scale[task] = max(float(np.median(first)), 1e-12)
    families = sorted({r["family"] for r in searches})
    fig, axes = plt.subplots(
        1, len(families), figsize=(4.2 * len(families), 3.4), squeeze=False
    )
    colours = dict(
        zip((*BASELINES, FOCUS), ("C0", "C2", "C1", "C3"), strict=True)
    )
    for ax, family in zip(axes[0], families, strict=True):
        mine = [r for r in searches if r["family"] == family]
        budget = max(int(r["budget"]) for r in mine)
        for handoff, style in (("gp", "-"), ("stock", "--")):
            for design in (*BASELINES, FOCUS):
                runs = [
                    r
                    for r in mine
                    if r["handoff"] == handoff and r["design"] == design
                ]
                if not runs:
                    continue
                curve = _median_curve(runs, scale, budget)
                ax.plot(
                    range(1, budget + 1),
                    curve,
                    style,
                    color=colours[design],
                    label=f"{design} ({handoff})",
                )
        ax.set_yscale("log")
        ax.set_title(family)
        ax.set_xlabel("trials")
        ax.axvline(int(mine[0]["design_size"]), color="0.8", lw=0.8)
    axes[0][0].set_ylabel("median normalised regret")
    axes[0][-1].legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _median_curve(
    runs: Sequence[Mapping[str, Any]], scale: Mapping[str, float], budget: int
) -> list[float]:
    """Median over tasks of the median over seeds, per trial (floored)."""
    by_task: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in runs:
        by_task[r["task"]].append(r)
    curve = []
    for k in range(1, budget + 1):
        medians = [
            float(np.median([regret_at(r, k) for r in group])) / scale[task]
            for task, group in by_task.items()
        ]
        curve.append(max(float(np.median(medians)), 1e-4))
    return curve


__all__ = [
    "BASELINES",
    "FIELDS",
    "FOCUS",
    "headline",
    "held_out_at",
    "load",
    "markdown",
    "markdown_section",
    "plot_curves",
    "regret_at",
    "summary_rows",
    "write_reports",
]
