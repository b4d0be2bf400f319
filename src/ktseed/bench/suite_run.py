"""Running a suite: cells, measures, metadata and the reports.

:func:`run_suite` runs a suite's unfinished cells (through
:func:`ktseed.bench.runner.run_cells`) and measures, records the settings
and versions in ``meta.json`` and rebuilds the reports
(:func:`write_reports`).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from ktseed.bench.multifidelity import suite as mf_suite
from ktseed.bench.multifidelity import task as mf_task
from ktseed.bench.plan import TASKS
from ktseed.bench.plan import build_cells
from ktseed.bench.plan import cell_costs
from ktseed.bench.portfolio_task import run_portfolio
from ktseed.bench.runner import RawStore
from ktseed.bench.runner import RunOutcome
from ktseed.bench.runner import run_cells
from ktseed.bench.strategies import parse_strategy
from ktseed.bench.strategies import unavailable_reason

if TYPE_CHECKING:
    from ktseed.bench.tasks import Measures
    from ktseed.bench.tasks import Suite


# ------------------------------------------------------------------ meta
def environment() -> dict[str, str]:
    """Versions of Python and the packages the results depend on."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version

    env = {"python": platform.python_version()}
    for package in (
        "ktseed",
        "keras-tuner",
        "keras",
        "tensorflow-cpu",
        "numpy",
        "scipy",
        "scikit-learn",
        "optuna",
        "torch",
        "dehb",
        "smac",
        "ConfigSpace",
        "scikit-optimize",
        "ax-platform",
        "botorch",
    ):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            continue
    env["cpus"] = str(os.cpu_count())
    return env


def default_workers() -> int:
    """One worker per usable core, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


# ------------------------------------------------------------------- run
@dataclass
class SuiteResult:
    """What :func:`run_suite` did and wrote."""

    outcome: RunOutcome
    skipped: list[str]
    files: list[Path]
    measures_run: list[str]
    measures_skipped: list[str]


def run_suite(
    suite: Suite,
    out: Path,
    *,
    workers: int = 1,
    tasks: Sequence[str] = TASKS,
    stream: TextIO | None = None,
    command: str = "",
    progress_interval: float = 30.0,
    redo: Sequence[str] = (),
) -> SuiteResult:
    """Runs the unfinished cells and measures of a suite, then reports.

    Args:
        suite: The suite (after :func:`customise`).
        out: Output directory (created; re-runs resume in it).
        workers: Worker processes for the cells.
        tasks: Subset of :data:`~ktseed.bench.plan.TASKS`.
        stream: Where progress and notes go (default ``sys.stderr``).
        command: The command line, recorded in ``meta.json``.
        progress_interval: Seconds between progress lines on a non-tty.
        redo: Strategies whose finished cells are deleted first, so that
            they run again (for example after the oracle changed).

    Returns:
        The outcome, the skipped contenders and the report files.
    """
    stream = stream or sys.stderr
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if redo:
        dropped = RawStore(out).drop(redo) + mf_task.drop(out, redo)
        stream.write(
            f"ktseed bench: removed {dropped} finished cell(s) of "
            f"{', '.join(redo)} to run them again\n"
        )
    cells = build_cells(suite, tasks)
    reasons: dict[str, str] = {}
    for name in sorted({c.strategy for c in cells}):
        reason = unavailable_reason(parse_strategy(name))
        if reason is not None:
            reasons[name] = reason
    skipped = [reasons[name] for name in sorted(reasons)]
    mf_cells, mf_skipped = (
        mf_suite.plan(suite.multifidelity)
        if "multifidelity" in tasks
        else ([], [])
    )
    skipped += mf_skipped
    for reason in skipped:
        stream.write(f"ktseed bench: {reason}\n")
    cells = [c for c in cells if c.strategy not in reasons]
    _write_meta(out, suite, command=command, workers=workers, skipped=skipped)
    outcome = run_cells(
        cells,
        out,
        workers=workers,
        costs=cell_costs(cells),
        stream=stream,
        progress_interval=progress_interval,
    )
    mf_task.run_cells(
        mf_cells,
        out,
        workers=workers,
        stream=stream,
        progress_interval=progress_interval,
        outcome=outcome,
    )
    if "portfolio" in tasks and suite.portfolio is not None:
        run_portfolio(
            suite.portfolio,
            out / "portfolio",
            workers=workers,
            stream=stream,
            outcome=outcome,
        )
    run: list[str] = []
    not_run: list[str] = []
    if "measures" in tasks:
        run, not_run = run_measures(suite.measures, out / "measures", stream)
    files = write_reports(out, suite, skipped=skipped)
    return SuiteResult(outcome, skipped, files, run, not_run)


def run_measures(
    measures: Measures, folder: Path, stream: TextIO
) -> tuple[list[str], list[str]]:
    """Runs each configured measure unless its file has the same config."""
    from ktseed.bench import measures as m

    folder.mkdir(parents=True, exist_ok=True)
    functions: dict[str, Callable[..., dict[str, Any]]] = {
        "design_quality": m.design_quality,
        "create_trial": m.create_trial_overhead,
        "design_build": m.design_build_times,
        "prior_load": m.prior_load_times,
        "gp_step": m.gp_step_times,
        "gp_cost": m.gp_cost_times,
        "hyperband_proposal": m.hyperband_proposal_times,
        "design_targets": m.design_target_times,
    }
    ran, skipped = [], []
    for name, function in functions.items():
        config = getattr(measures, name)
        if config is None:
            continue
        path = folder / f"{name}.json"
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                old = {}
            if old.get("requested") == dict(config):
                skipped.append(name)
                continue
        stream.write(f"ktseed bench: measuring {name.replace('_', ' ')}\n")
        stream.flush()
        start = time.perf_counter()
        result: dict[str, Any] = function(**dict(config))
        result["requested"] = dict(config)
        result["seconds"] = time.perf_counter() - start
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        ran.append(name)
    return ran, skipped


def _write_meta(
    out: Path,
    suite: Suite,
    *,
    command: str,
    workers: int,
    skipped: Sequence[str],
) -> None:
    path = out / "meta.json"
    runs = []
    if path.is_file():
        try:
            runs = json.loads(path.read_text(encoding="utf-8")).get("runs", [])
        except json.JSONDecodeError:
            runs = []
    runs.append(
        {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": command,
            "workers": workers,
            "skipped": list(skipped),
        }
    )
    meta = {
        "suite": asdict(suite),
        "environment": environment(),
        "runs": runs,
    }
    path.write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")


def write_reports(
    out: Path, suite: Suite | None = None, *, skipped: Sequence[str] = ()
) -> list[Path]:
    """Rebuilds ``summary.csv``, ``results.md`` and the plots from ``out``."""
    from ktseed.bench import portfolio_report
    from ktseed.bench import report
    from ktseed.bench import report_peers
    from ktseed.bench.multifidelity import report as mf_report
    from ktseed.bench.stats import group_records

    out = Path(out)
    groups = group_records(RawStore(out).records())
    repeats = report_peers.repeat_counts(RawStore(out).records())
    rows = report.summary_rows(groups)
    files = []
    summary = out / "summary.csv"
    report.write_summary_csv(rows, summary)
    files.append(summary)
    meta: dict[str, Any] = {}
    if (out / "meta.json").is_file():
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    targets: dict[str, float] = {}
    if suite is not None and suite.warmstart is not None:
        targets = dict(suite.warmstart.targets)
    elif meta.get("suite", {}).get("warmstart"):
        targets = {
            str(k): float(v) for k, v in meta["suite"]["warmstart"]["targets"]
        }
    warm = report.warmstart_rows(groups, targets)
    runs = meta.get("runs", [])
    if not skipped and runs:
        skipped = runs[-1].get("skipped", [])
    mf_files, mf_section = mf_report.write_reports(out, skipped)
    results = out / "results.md"
    report.write_markdown(
        results,
        rows,
        warm,
        report.load_measures(out / "measures"),
        meta={
            "commands": [r["command"] for r in runs if r.get("command")],
            "environment": meta.get("environment", {}),
        },
        skipped=skipped,
        extra=report_peers.markdown_peers(groups, repeats)
        + report_peers.markdown_parallel(groups, repeats)
        + list(mf_section)
        + portfolio_report.markdown_section(out / "portfolio"),
    )
    files.append(results)
    files += mf_files
    files += portfolio_report.write_reports(out / "portfolio")
    plots = out / "plots"
    files += report.plot_curves(groups, plots, task="search")
    files += report.plot_curves(groups, plots, task="warmstart")
    files += report.plot_curves(groups, plots, task="peers")
    files += report.plot_curves(groups, plots, task="parallel")
    return files


__all__ = [
    "TASKS",
    "SuiteResult",
    "default_workers",
    "environment",
    "run_measures",
    "run_suite",
    "write_reports",
]
