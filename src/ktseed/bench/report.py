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

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.portfolio_report import markdown_section
from ktseed.bench.stats import RunCurves
from ktseed.bench.stats import checkpoints
from ktseed.bench.stats import describe
from ktseed.bench.stats import describe_censored
from ktseed.bench.stats import paired_comparison
from ktseed.bench.stats import trials_to_target
from ktseed.bench.strategies import parse_strategy

#: Peers every strategy is also compared with, when present.
PEERS = ("optuna/tpe", "optuna/gp")

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


def _strategy_order(name: str) -> tuple[int, int, str]:
    """Report order: oracle family, then stock first, then designs."""
    strategy = parse_strategy(name)
    families = ["random", "bayesian", "hyperband"]
    if strategy.family == "optuna":
        return (9, ["tpe", "qmc", "gp"].index(strategy.sampler or "tpe"), name)
    head = name.split("/")[0]
    rank = families.index(strategy.oracle or "random")
    if head == "bayesian-gp":
        rank = 8
    starts = ["stock", "random", "lhs", "lhs-cd", "sobol", "halton"]
    tail = name.split("/")[1]
    return (rank, starts.index(tail) if tail in starts else 9, name)


def _index(groups: Iterable[RunCurves]) -> dict[tuple[Any, ...], RunCurves]:
    return {
        (
            g.key.task,
            g.key.problem,
            g.key.budget,
            g.key.design_size,
            g.key.strategy,
        ): g
        for g in groups
    }


def summary_rows(groups: Sequence[RunCurves]) -> list[dict[str, Any]]:
    """One summary row per group and checkpoint (see ``SUMMARY_FIELDS``)."""
    index = _index(groups)
    rows = []
    ordered = sorted(
        groups,
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
        for label, k in checkpoints(key.budget, key.design_size):
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
                cmp = paired_comparison(
                    values,
                    baseline.at(k),
                    lower_is_better=group.lower_is_better,
                )
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
                cmp = paired_comparison(
                    values, other.at(k), lower_is_better=group.lower_is_better
                )
                row[f"{prefix}_win_rate"] = cmp["win_rate"]
                row[f"{prefix}_wilcoxon_p"] = cmp["wilcoxon_p"]
            rows.append(row)
    return rows


def write_summary_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Writes ``summary.csv`` (missing fields stay empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {f: _csv_value(row.get(f, "")) for f in SUMMARY_FIELDS}
            )


def _csv_value(value: Any) -> Any:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return value


# -------------------------------------------------------------- markdown
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
            for lab in labels:
                r = cells.get(lab)
                row_text.append(
                    "-"
                    if r is None
                    else f"{fmt(r['median'])} [{fmt(r['q25'])}-{fmt(r['q75'])}]"
                )
            row_text += [
                _cmp_text(full),
                _peer_text(full, "vs_tpe"),
                _peer_text(full, "vs_gp"),
                fmt(full["median_seconds"], 2),
            ]
            lines.append("| " + " | ".join(row_text) + " |")
        lines.append("")
    return lines


def warmstart_rows(
    groups: Sequence[RunCurves], targets: Mapping[str, float]
) -> list[dict[str, Any]]:
    """Trials to reach the target regret, and regret at the budgets."""
    rows = []
    index = _index(groups)
    for group in sorted(
        (g for g in groups if g.key.task == "warmstart"),
        key=lambda g: (g.key.problem, _strategy_order(g.key.strategy)),
    ):
        key = group.key
        target = targets.get(key.problem)
        hits = (
            [
                trials_to_target(
                    c, target, lower_is_better=group.lower_is_better
                )
                for c in group.curves.values()
            ]
            if target is not None
            else []
        )
        stats = describe_censored(hits, key.budget) if hits else {}
        row: dict[str, Any] = {
            "problem": key.problem,
            "strategy": key.strategy,
            "budget": key.budget,
            "target": target,
            "n": len(group.curves),
            "reached": stats.get("reached"),
            "ttt_median": stats.get("median"),
            "ttt_q25": stats.get("q25"),
            "ttt_q75": stats.get("q75"),
        }
        baseline = parse_strategy(key.strategy).baseline
        cold = (
            index.get(
                (key.task, key.problem, key.budget, key.design_size, baseline)
            )
            if baseline
            else None
        )
        for label, k in checkpoints(key.budget, key.design_size):
            values = group.at(k)
            d = describe(values.values())
            row[f"median@{label}"] = d["median"]
            row[f"k@{label}"] = k
            if cold is not None and cold is not group:
                cmp = paired_comparison(
                    values, cold.at(k), lower_is_better=group.lower_is_better
                )
                row[f"vs_cold_win_rate@{label}"] = cmp["win_rate"]
                row[f"vs_cold_p@{label}"] = cmp["wilcoxon_p"]
        rows.append(row)
    return rows


def markdown_warmstart(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The warm-start table."""
    if not rows:
        return []
    lines = []
    by_problem: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_problem[row["problem"]].append(row)
    for problem, prows in by_problem.items():
        budget = prows[0]["budget"]
        target = prows[0]["target"]
        labels = [
            lab.split("@", 1)[1] for lab in prows[0] if lab.startswith("k@")
        ]
        lines.append(
            f"### Warm start on {problem} (budget {budget}, target regret "
            f"{fmt(target)}, {prows[0]['n']} seeds)"
        )
        lines.append("")
        header = ["strategy", "reached target", "trials to target median [IQR]"]
        header += [f"regret @{prows[0]['k@' + lab]}" for lab in labels]
        header += [
            f"vs cold stock KT @{prows[0]['k@' + lab]}" for lab in labels
        ]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in prows:

            def ttt(v: Any, b: int = int(budget)) -> str:
                if v is None:
                    return "-"
                return f">{b}" if v > b else fmt(float(v))

            text = [
                f"`{row['strategy']}`",
                f"{row['reached']}/{row['n']}"
                if row["reached"] is not None
                else "-",
                f"{ttt(row['ttt_median'])} [{ttt(row['ttt_q25'])}-"
                f"{ttt(row['ttt_q75'])}]",
            ]
            text += [fmt(row[f"median@{lab}"]) for lab in labels]
            for lab in labels:
                rate = row.get(f"vs_cold_win_rate@{lab}")
                text.append(
                    "-"
                    if rate is None
                    else f"{rate:.0%}, p={fmt_p(row[f'vs_cold_p@{lab}'])}"
                )
            lines.append("| " + " | ".join(text) + " |")
        lines.append(
            "\nTrials to target counts every trial of the new run; the "
            "prior run's trials are not counted. '>B' means not reached "
            "within the budget (counted as B+1 in the median). 'vs cold "
            "stock KT': win rate and Wilcoxon p against the stock oracle of "
            "the same kind started cold, on the same seeds."
        )
        lines.append("")
    return lines


def markdown_measures(measures: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Tables of the design-quality and overhead measures."""
    lines: list[str] = []
    quality = measures.get("design_quality")
    if quality and quality.get("rows"):
        n = quality["config"]["n"]
        seeds = len(quality["config"]["seeds"])
        lines += [
            f"### Design quality (first {n} points, {seeds} seeds, median "
            "[IQR])",
            "",
            "| problem | initializer | d | centred discrepancy | "
            "min pairwise distance | Choice/Boolean coverage |",
            "|---|---|---|---|---|---|",
        ]
        for r in quality["rows"]:
            coverage = ", ".join(
                f"{h} {v:.0%}" for h, v in r["coverage"].items()
            )
            lines.append(
                f"| {r['problem']} | `{r['initializer']}` | {r['d']} | "
                f"{fmt(r['cd_median'])} [{fmt(r['cd_q25'])}-"
                f"{fmt(r['cd_q75'])}] | {fmt(r['min_dist_median'])} "
                f"[{fmt(r['min_dist_q25'])}-{fmt(r['min_dist_q75'])}] | "
                f"{coverage or '-'} |"
            )
        lines += [f"\n{note}" for note in quality.get("notes", [])]
        lines.append("")
    overhead = measures.get("create_trial")
    if overhead:
        cfg = overhead["config"]
        lines += [
            f"### Overhead: time per `create_trial` ({cfg['trials']} trials "
            f"in one run, {cfg['problem']}, median of {cfg['repeats']} "
            "runs)",
            "",
            "| oracle | variant | us per call | ratio to stock |",
            "|---|---|---|---|",
        ]
        for r in overhead.get("rows", []):
            lines.append(
                f"| {r['oracle']} | {r['variant']} | "
                f"{r['us_per_call']:.0f} | {r['ratio']:.2f} |"
            )
        lines += [f"\n{note}" for note in overhead.get("notes", [])]
        lines.append(
            "\nSeeded variants use an LHS design of 8 points, or one point "
            "per trial. The Bayesian rows set `num_initial_points` to the "
            "run length for both oracles, so no GP step runs.\n"
        )
    build = measures.get("design_build")
    if build:
        dims = build["config"]["dims"]
        lines += [
            "### Overhead: seconds to build a design (`generate`, best of "
            "3; cube only in brackets)",
            "",
            "| initializer | n | " + " | ".join(f"d={d}" for d in dims) + " |",
            "|---|---|" + "---|" * len(dims),
        ]
        table: dict[tuple[str, int], dict[int, Mapping[str, Any]]] = (
            defaultdict(dict)
        )
        for r in build.get("rows", []):
            table[(r["initializer"], r["n"])][r["d"]] = r
        for (name, n), by_d in table.items():
            cells = []
            for d in dims:
                r = by_d.get(d)
                cells.append(
                    "-"
                    if r is None
                    else f"{fmt(r['generate_s'], 2)} ({fmt(r['cube_s'], 2)})"
                )
            lines.append(f"| `{name}` | {n} | " + " | ".join(cells) + " |")
        lines += [f"\n{note}" for note in build.get("notes", [])]
        lines.append("")
    gp = measures.get("gp_step")
    if gp and gp.get("rows"):
        cfg = gp["config"]
        lines += [
            "### Overhead: seconds per GP proposal after "
            f"{cfg['observations']} completed trials (median of "
            f"{cfg['repeats']}, one run)",
            "",
            "| problem | d | KerasTuner GP step | same, 1 BLAS thread | "
            "ktseed GP hand-off |",
            "|---|---|---|---|---|",
        ]
        for r in gp["rows"]:
            lines.append(
                f"| {r['problem']} | {r['d']} | {fmt(r['kerastuner_s'])} | "
                f"{fmt(r['kerastuner_1thread_s'])} | {fmt(r['handoff_s'])} |"
            )
        lines.append("")
    prior = measures.get("prior_load")
    if prior:
        lines += [
            "### Overhead: loading a prior run (`load_prior_run`)",
            "",
        ]
        if prior.get("rows"):
            lines += [
                "| trials | first call s | best s | us per trial |",
                "|---|---|---|---|",
            ]
            for r in prior["rows"]:
                lines.append(
                    f"| {r['trials']} | {fmt(r['first_s'])} | "
                    f"{fmt(r['best_s'])} | {r['us_per_trial']:.0f} |"
                )
        lines += [f"\n{note}" for note in prior.get("notes", [])]
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
) -> None:
    """Writes ``results.md``."""
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
    measure_lines = markdown_measures(measures)
    if measure_lines:
        lines += ["## Design quality and overhead", "", *measure_lines]
    lines += markdown_section(Path(path).parent / "portfolio")
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


# ----------------------------------------------------------------- plots
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
    sets = PLOT_SETS if task == "search" else {"warmstart": ("*",)}
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
        colors = _colors(sorted({g.key.strategy for g in chosen}))
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
    ordered = sorted(strategies, key=_strategy_order)
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
    for group in sorted(groups, key=lambda g: _strategy_order(g.key.strategy)):
        curves = list(group.curves.values())
        length = min(len(c) for c in curves)
        data = np.vstack([c[:length] for c in curves])
        if group.measure == "regret":
            data = np.maximum(data, floor)
        q25, med, q75 = np.nanpercentile(data, [25, 50, 75], axis=0)
        x = np.arange(1, length + 1)
        strategy = group.key.strategy
        style = "--" if strategy.startswith("optuna/") else "-"
        width = 2.2 if strategy.endswith("/stock") else 1.4
        color = colors.get(strategy)
        (line,) = ax.plot(x, med, style, lw=width, color=color, label=strategy)
        ax.fill_between(x, q25, q75, color=line.get_color(), alpha=0.12)
        if group.key.design_size and group.key.design_size < length:
            ax.axvline(group.key.design_size, color="0.8", lw=0.8, zorder=0)
    measure = groups[0].measure if groups else "regret"
    if measure == "regret":
        ax.set_yscale("log")
        ax.set_ylabel("best-so-far regret (median, IQR)")
    else:
        ax.set_ylabel("best accuracy so far (median, IQR)")
    ax.set_xlabel("trial")
    ax.grid(alpha=0.3, which="both", lw=0.5)


def load_measures(folder: Path) -> dict[str, dict[str, Any]]:
    """Reads ``<out>/measures/*.json``."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


__all__ = [
    "SUMMARY_FIELDS",
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
