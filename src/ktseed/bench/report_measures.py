"""Tables of the design-quality and overhead measures (``measures/*.json``)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ktseed.bench.report_format import fmt
from ktseed.bench.report_format import median_iqr
from ktseed.bench.report_format import table


def markdown_measures(measures: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Tables of the design-quality and overhead measures."""
    lines: list[str] = []
    for name, section, needs_rows in _SECTIONS:
        measure = measures.get(name)
        if measure and (measure.get("rows") or not needs_rows):
            lines += section(measure)
    return lines


def _section(
    title: str, header: list[str], rows: Iterable[list[str]]
) -> list[str]:
    """A measure's heading and its table."""
    return [title, "", *table(header, rows)]


def _notes(measure: Mapping[str, Any]) -> list[str]:
    """A measure's notes, a paragraph each."""
    return [f"\n{note}" for note in measure.get("notes", [])]


def _quality_lines(quality: Mapping[str, Any]) -> list[str]:
    n = quality["config"]["n"]
    seeds = len(quality["config"]["seeds"])
    header = [
        "problem",
        "initializer",
        "d",
        "centred discrepancy",
        "min pairwise distance",
        "Choice/Boolean coverage",
    ]
    rows = []
    for r in quality["rows"]:
        coverage = ", ".join(f"{h} {v:.0%}" for h, v in r["coverage"].items())
        rows.append(
            [
                str(r["problem"]),
                f"`{r['initializer']}`",
                str(r["d"]),
                median_iqr(r, "cd_"),
                median_iqr(r, "min_dist_"),
                coverage or "-",
            ]
        )
    title = (
        f"### Design quality (first {n} points, {seeds} seeds, median [IQR])"
    )
    return [*_section(title, header, rows), *_notes(quality), ""]


def _create_trial_lines(overhead: Mapping[str, Any]) -> list[str]:
    cfg = overhead["config"]
    title = (
        f"### Overhead: time per `create_trial` ({cfg['trials']} trials "
        f"in one run, {cfg['problem']}, median of {cfg['repeats']} "
        "runs)"
    )
    header = [
        "oracle",
        "variant",
        "fsync",
        "place",
        "us per call",
        "first call us",
        "ratio to stock",
        "ratio range",
    ]
    rows = []
    for r in overhead.get("rows", []):
        first = r.get("first_call_us")
        low, high = r.get("ratio_min"), r.get("ratio_max")
        rows.append(
            [
                str(r["oracle"]),
                str(r["variant"]),
                {True: "on", False: "off"}.get(r.get("fsync", True), "-"),
                str(r.get("place", "tmpfs")),
                f"{r['us_per_call']:.0f}",
                "-" if first is None else f"{first:.0f}",
                f"{r['ratio']:.2f}",
                "-" if low is None else f"{low:.2f}-{high:.2f}",
            ]
        )
    lines = [*_section(title, header, rows), *_notes(overhead)]
    lines.append(
        "\nSeeded variants start from an LHS design of the given size "
        "(only the run's first trials use it). The Bayesian rows set "
        "`num_initial_points` to the run length for both oracles, so no GP "
        "step runs. 'fsync off' is `KTSEED_FSYNC=0`; stock KerasTuner "
        "never calls fsync. The first call builds the design. The ratio "
        "is the median over the runs of each seeded run's time over the "
        "stock run timed next to it; the range is their min and max.\n"
    )
    return lines


def _build_lines(build: Mapping[str, Any]) -> list[str]:
    dims = build["config"]["dims"]
    table_: dict[tuple[str, int], dict[int, Mapping[str, Any]]] = defaultdict(
        dict
    )
    for r in build.get("rows", []):
        table_[(r["initializer"], r["n"])][r["d"]] = r
    rows = [
        [f"`{name}`", str(n), *(_build_cell(by_d.get(d)) for d in dims)]
        for (name, n), by_d in table_.items()
    ]
    title = (
        "### Overhead: seconds to build a design (`generate`, best of "
        "3; cube only in brackets)"
    )
    header = ["initializer", "n", *(f"d={d}" for d in dims)]
    return [*_section(title, header, rows), *_notes(build), ""]


def _build_cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "-"
    return f"{fmt(row['generate_s'], 2)} ({fmt(row['cube_s'], 2)})"


def _gp_step_lines(gp: Mapping[str, Any]) -> list[str]:
    cfg = gp["config"]
    title = (
        "### Overhead: seconds per GP proposal after "
        f"{cfg['observations']} completed trials (median of "
        f"{cfg['repeats']}, one run)"
    )
    header = [
        "problem",
        "d",
        "KerasTuner GP step",
        "same, 1 BLAS thread",
        "ktseed GP hand-off",
    ]
    rows = [
        [
            str(r["problem"]),
            str(r["d"]),
            fmt(r["kerastuner_s"]),
            fmt(r["kerastuner_1thread_s"]),
            fmt(r["handoff_s"]),
        ]
        for r in gp["rows"]
    ]
    return [*_section(title, header, rows), ""]


def _gp_cost_lines(cost: Mapping[str, Any]) -> list[str]:
    title = (
        "### GP cost: seconds per proposal as the run grows (median "
        f"[min-max] of {cost['config']['repeats']}, one run, 1 BLAS thread)"
    )
    header = ["d", "observations", "ktseed GP hand-off", "Optuna GPSampler"]
    rows = [
        [
            str(r["d"]),
            str(r["n"]),
            _median_range(r, "handoff_"),
            "-"
            if r.get("optuna_median_s") is None
            else _median_range(r, "optuna_"),
        ]
        for r in cost["rows"]
    ]
    lines = _section(title, header, rows)
    load = cost.get("load_average")
    if load:
        lines.append(
            f"\nLoad average at the end: {', '.join(f'{x:.2f}' for x in load)}."
        )
    return [*lines, *_notes(cost), ""]


def _hyperband_proposal_lines(measure: Mapping[str, Any]) -> list[str]:
    config = measure["config"]
    target = float(measure.get("target_s", 0.1))
    title = (
        "### Model-based Hyperband: seconds per GP proposal (one "
        "`GPHandoff.propose` at n observations plus "
        f"{config['pending']} pending, 1 BLAS thread; median and max of "
        f"{config['repeats']} seeds after a warm-up call)"
    )
    header = [
        "problem",
        "d",
        "observations",
        "CPU median",
        "CPU max",
        "wall median",
        "wall max",
        f"CPU median below {fmt(target)} s",
    ]
    rows = [
        [
            str(r["problem"]),
            str(r["d"]),
            str(r["n"]),
            fmt(r["cpu_median_s"]),
            fmt(r["cpu_max_s"]),
            fmt(r["wall_median_s"]),
            fmt(r["wall_max_s"]),
            "yes" if r["cpu_median_s"] < target else "no",
        ]
        for r in measure["rows"]
    ]
    lines = _section(title, header, rows)
    lines.append("\n" + hyperband_target_sentence(measure))
    load = measure.get("load_average")
    if load:
        lines.append(
            f"\nLoad average at the end: {', '.join(f'{x:.2f}' for x in load)}."
        )
    return [*lines, *_notes(measure), ""]


def hyperband_target_sentence(measure: Mapping[str, Any]) -> str:
    """Whether issue 16's target holds: CPU median below it at n=100."""
    target = float(measure.get("target_s", 0.1))
    at_100 = [r for r in measure["rows"] if r["n"] == 100]
    head = f"Target (issue 16): below {fmt(target)} s per proposal at 100 "
    if not at_100:
        return head + "observations: not measured (no run at n=100)."
    median = max(r["cpu_median_s"] for r in at_100)
    worst = max(r["cpu_max_s"] for r in at_100)
    verdict = "holds" if median < target else "does not hold"
    every = "every" if worst < target else "not every"
    return (
        f"{head}observations {verdict}: the largest CPU median at n=100 is "
        f"{fmt(median)} s; the largest single call {fmt(worst)} s, so "
        f"{every} call stayed below it."
    )


def _median_range(row: Mapping[str, Any], prefix: str) -> str:
    """``median [min-max]`` of the seconds ``<prefix>median_s``..."""
    return (
        f"{fmt(row[f'{prefix}median_s'])} [{fmt(row[f'{prefix}min_s'])}-"
        f"{fmt(row[f'{prefix}max_s'])}]"
    )


def _target_lines(targets: Mapping[str, Any]) -> list[str]:
    title = (
        "### Design build targets (issue 14; best of "
        f"{targets['config']['repeats']})"
    )
    rows = [
        [str(r["design"]), f"`{r['case']}`", fmt(r["best_s"])]
        for r in targets["rows"]
    ]
    return [*_section(title, ["design", "case", "seconds"], rows), ""]


def _prior_lines(prior: Mapping[str, Any]) -> list[str]:
    lines = ["### Overhead: loading a prior run (`load_prior_run`)", ""]
    if prior.get("rows"):
        header = ["trials", "first call s", "best s", "us per trial"]
        lines += table(
            header,
            (
                [
                    str(r["trials"]),
                    fmt(r["first_s"]),
                    fmt(r["best_s"]),
                    f"{r['us_per_trial']:.0f}",
                ]
                for r in prior["rows"]
            ),
        )
    return [*lines, *_notes(prior), ""]


#: The sections in report order: the measure file, its lines and whether a
#: measure without rows is left out.
_SECTIONS: tuple[
    tuple[str, Callable[[Mapping[str, Any]], list[str]], bool], ...
] = (
    ("design_quality", _quality_lines, True),
    ("create_trial", _create_trial_lines, False),
    ("design_build", _build_lines, False),
    ("gp_step", _gp_step_lines, True),
    ("gp_cost", _gp_cost_lines, True),
    ("hyperband_proposal", _hyperband_proposal_lines, True),
    ("design_targets", _target_lines, True),
    ("prior_load", _prior_lines, False),
)


def load_measures(folder: Path) -> dict[str, dict[str, Any]]:
    """Reads ``<out>/measures/*.json``."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


__all__ = ["load_measures", "markdown_measures"]
