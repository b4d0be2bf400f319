"""Tables of the design-quality and overhead measures (``measures/*.json``)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ktseed.bench.report_format import fmt


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
    lines += _create_trial_lines(measures.get("create_trial"))
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
    lines += _gp_cost_lines(measures.get("gp_cost"))
    lines += _target_lines(measures.get("design_targets"))
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


def _create_trial_lines(overhead: Mapping[str, Any] | None) -> list[str]:
    if not overhead:
        return []
    cfg = overhead["config"]
    lines = [
        f"### Overhead: time per `create_trial` ({cfg['trials']} trials "
        f"in one run, {cfg['problem']}, median of {cfg['repeats']} "
        "runs)",
        "",
        "| oracle | variant | fsync | place | us per call | first call us |"
        " ratio to stock |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in overhead.get("rows", []):
        fsync = {True: "on", False: "off"}.get(r.get("fsync", True), "-")
        first = r.get("first_call_us")
        lines.append(
            f"| {r['oracle']} | {r['variant']} | {fsync} | "
            f"{r.get('place', 'tmpfs')} | {r['us_per_call']:.0f} | "
            f"{'-' if first is None else f'{first:.0f}'} | {r['ratio']:.2f} |"
        )
    lines += [f"\n{note}" for note in overhead.get("notes", [])]
    lines.append(
        "\nSeeded variants start from an LHS design of the given size "
        "(only the run's first trials use it). The Bayesian rows set "
        "`num_initial_points` to the run length for both oracles, so no GP "
        "step runs. 'fsync off' is `KTSEED_FSYNC=0`; stock KerasTuner "
        "never calls fsync. The first call builds the design.\n"
    )
    return lines


def _gp_cost_lines(cost: Mapping[str, Any] | None) -> list[str]:
    if not cost or not cost.get("rows"):
        return []
    lines = [
        "### GP cost: seconds per proposal as the run grows (median "
        f"[min-max] of {cost['config']['repeats']}, one run, 1 BLAS thread)",
        "",
        "| d | observations | ktseed GP hand-off | Optuna GPSampler |",
        "|---|---|---|---|",
    ]
    for r in cost["rows"]:
        peer = (
            "-"
            if r.get("optuna_median_s") is None
            else f"{fmt(r['optuna_median_s'])} [{fmt(r['optuna_min_s'])}-"
            f"{fmt(r['optuna_max_s'])}]"
        )
        lines.append(
            f"| {r['d']} | {r['n']} | {fmt(r['handoff_median_s'])} "
            f"[{fmt(r['handoff_min_s'])}-{fmt(r['handoff_max_s'])}] | {peer} |"
        )
    load = cost.get("load_average")
    if load:
        lines.append(
            f"\nLoad average at the end: {', '.join(f'{x:.2f}' for x in load)}."
        )
    lines += [f"\n{note}" for note in cost.get("notes", [])]
    lines.append("")
    return lines


def _target_lines(targets: Mapping[str, Any] | None) -> list[str]:
    if not targets or not targets.get("rows"):
        return []
    lines = [
        "### Design build targets (issue 14; best of "
        f"{targets['config']['repeats']})",
        "",
        "| design | case | seconds |",
        "|---|---|---|",
    ]
    for r in targets["rows"]:
        lines.append(f"| {r['design']} | `{r['case']}` | {fmt(r['best_s'])} |")
    lines.append("")
    return lines


def load_measures(folder: Path) -> dict[str, dict[str, Any]]:
    """Reads ``<out>/measures/*.json``."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


__all__ = ["load_measures", "markdown_measures"]
