r"""The ``ktseed bench`` subcommand.

Usage::

    ktseed bench --suite quick --out bench-out
    ktseed bench --suite full --out benchmarks/results
    ktseed bench --suite full --problems branin,mixed \\
        --strategies bayesian/stock,bayesian/sobol,optuna/tpe --repeats 5
    ktseed bench --report-only --out benchmarks/results

Re-running the same command resumes: finished cells and measures are
skipped. Heavy imports (KerasTuner, Optuna, matplotlib) happen inside the
handler.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import TextIO


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers: Any) -> None:
    """Adds the ``bench`` parser to the ``ktseed`` command."""
    parser = subparsers.add_parser(
        "bench",
        help="run the benchmark suite and write results and plots",
        description=(
            "Run ktseed's benchmark: seeded and stock KerasTuner oracles "
            "and peers (Optuna, SMAC3, scikit-optimize, Ax) on synthetic "
            "problems with known optima and training problems, a "
            "warm-start task, a parallel-workers task and overhead "
            "measures. Writes raw JSONL, summary.csv, results.md and PNG "
            "plots into --out. Re-running resumes (finished cells are "
            "skipped)."
        ),
    )
    parser.add_argument(
        "--suite",
        choices=["quick", "full"],
        default="quick",
        help="quick: a smoke test of every part; full: the committed "
        "results (default: quick)",
    )
    parser.add_argument(
        "--problems",
        type=_names,
        default=None,
        help="comma-separated problems to keep or add (branin, hartmann6, "
        "log_rosenbrock, mixed, mixed_cond, digits_mlp, mixed10, rosen20, "
        "basins, gbm_cancer, svm_digits; multi-fidelity: mf_branin, "
        "mf_hartmann6, mf_mixed_cond, mf_digits_mlp)",
    )
    parser.add_argument(
        "--strategies",
        type=_names,
        default=None,
        help="comma-separated strategies for the search and peers tasks, "
        "e.g. bayesian/stock,bayesian/sobol,optuna/tpe,smac/bb (see "
        "`--list`)",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="seeds per cell (1..N)"
    )
    parser.add_argument(
        "--budget", type=int, default=None, help="trials per run"
    )
    parser.add_argument(
        "--design-size",
        type=int,
        default=None,
        help="initial design size (n_points) of every initializer",
    )
    parser.add_argument(
        "--tasks",
        type=_names,
        default=None,
        help="comma-separated subset of search,warmstart,peers,parallel,"
        "measures,multifidelity,portfolio (default: all)",
    )
    parser.add_argument(
        "--out",
        default="bench-out",
        help="output directory; re-runs resume in it (default: bench-out)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core, at most 8; 1 runs "
        "in this process)",
    )
    parser.add_argument(
        "--redo-strategies",
        type=_names,
        default=None,
        help="comma-separated strategies whose finished cells in --out are "
        "deleted and run again (e.g. after the oracle changed)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rebuild summary.csv, results.md and the plots from --out",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print the suite's problems, strategies, cells and estimated "
        "duration (for --workers; cells already in --out are not counted), "
        "and exit",
    )
    parser.add_argument(
        "--progress-interval",
        type=float,
        default=30.0,
        help="seconds between progress lines when stderr is not a terminal",
    )
    parser.set_defaults(handler=handler)


def handler(args: argparse.Namespace, out: TextIO) -> int:
    """Runs ``ktseed bench``; returns the exit status."""
    from ktseed.bench import suites as s
    from ktseed.bench.multifidelity.suite import build_cells as mf_build_cells
    from ktseed.commands import CommandError

    if args.report_only:
        files = s.write_reports(Path(args.out))
        for path in files:
            out.write(f"wrote {path}\n")
        return 0
    tasks = args.tasks or list(s.TASKS)
    unknown = sorted(set(tasks) - set(s.TASKS))
    if unknown:
        msg = (
            f"--tasks: unknown task(s) {', '.join(unknown)}; expected a "
            f"subset of {', '.join(s.TASKS)}."
        )
        raise CommandError(msg)
    workers = args.workers if args.workers is not None else s.default_workers()
    if workers < 1:
        msg = f"--workers must be a positive integer (got {workers})."
        raise CommandError(msg)
    suite = s.customise(
        s.SUITES[args.suite](),
        problems=args.problems,
        strategies=args.strategies,
        repeats=args.repeats,
        budget=args.budget,
        design_size=args.design_size,
    )
    cells = s.build_cells(suite, tasks)
    if args.list:
        _print_plan(
            suite,
            cells,
            out,
            tasks=tasks,
            workers=workers,
            finished=_portfolio_done(Path(args.out)),
        )
        out.write(
            "\n".join(_estimate(suite, cells, Path(args.out), tasks, workers))
            + "\n"
        )
        return 0
    command = (
        "ktseed bench " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        if sys.argv[1:2] == ["bench"]
        else "ktseed bench"
    )
    mf_runs = (
        len(mf_build_cells(suite.multifidelity))
        if "multifidelity" in tasks
        else 0
    )
    out.write(
        f"ktseed bench: suite {suite.name}, {len(cells)} cells"
        f"{f' + {mf_runs} multifidelity runs' if mf_runs else ''}, "
        f"{workers} worker(s), output {args.out}\n"
    )
    out.flush()
    result = s.run_suite(
        suite,
        Path(args.out),
        workers=workers,
        tasks=tasks,
        command=command,
        progress_interval=args.progress_interval,
        redo=args.redo_strategies or (),
    )
    outcome = result.outcome
    out.write(
        f"cells: {len(outcome.ran)} run, {len(outcome.skipped)} already "
        f"finished, {len(outcome.failed)} failed "
        f"({outcome.seconds:.0f} s)\n"
    )
    for reason in result.skipped:
        out.write(f"skipped: {reason}\n")
    if result.measures_run or result.measures_skipped:
        out.write(
            f"measures: {', '.join(result.measures_run) or 'none'} run; "
            f"{', '.join(result.measures_skipped) or 'none'} already done\n"
        )
    for path in result.files:
        out.write(f"wrote {path}\n")
    if outcome.failed:
        out.write(
            f"{len(outcome.failed)} cell(s) failed; see "
            f"{Path(args.out) / 'errors.jsonl'}. Re-run to retry them.\n"
        )
        return 1
    return 0


def _describe(kind: str, task: Any) -> str:
    """One plan line: the task, its problems and its settings."""
    from ktseed.bench.stats import ladder

    settings = [f"budget {task.budget}"]
    if kind == "peers":
        points = ", ".join(str(k) for _, k in ladder(task.budget))
        settings[0] += f" (read at {points})"
    if kind == "warmstart":
        settings.append(f"prior {task.prior_budget}")
    else:
        settings.append(f"design {task.design_size}")
    if kind == "parallel":
        settings.append(f"k in {', '.join(map(str, task.concurrency))}")
    settings.append(f"{task.repeats} seeds")
    return f"{kind}: {', '.join(task.problems)} | {', '.join(settings)}"


def _print_plan(
    suite: Any,
    cells: Any,
    out: TextIO,
    *,
    tasks: Sequence[str] = ("search", "warmstart"),
    workers: int = 1,
    finished: Sequence[str] = (),
) -> None:
    from ktseed.bench.multifidelity.suite import plan_lines
    from ktseed.bench.plan import named_tasks
    from ktseed.bench.portfolio_plan import plan_lines as portfolio_plan_lines
    from ktseed.bench.strategies import parse_strategy
    from ktseed.bench.strategies import unavailable_reason

    for kind, task in named_tasks(suite):
        if kind not in tasks:
            continue
        out.write(_describe(kind, task) + "\n")
        for name in task.strategies:
            reason = unavailable_reason(parse_strategy(name))
            out.write(f"  {name}{'  [' + reason + ']' if reason else ''}\n")
    if "multifidelity" in tasks:
        out.writelines(
            f"{line}\n"
            for line in plan_lines(suite.multifidelity, workers=workers)
        )
    if "portfolio" in tasks:
        out.writelines(
            f"{line}\n"
            for line in portfolio_plan_lines(
                suite.portfolio, workers=workers, finished=finished
            )
        )
    out.write(f"{len(cells)} cells\n")


def _portfolio_done(folder: Path) -> list[str]:
    """Keys of the portfolio cells already in ``<folder>/portfolio``."""
    from ktseed.bench.portfolio_task import done_keys

    return sorted(done_keys(folder / "portfolio" / "raw.jsonl"))


def _estimate(
    suite: Any, cells: Any, folder: Any, tasks: Sequence[str], workers: int
) -> list[str]:
    from dataclasses import asdict

    from ktseed.bench.plan import plan_lines
    from ktseed.bench.runner import RawStore
    from ktseed.bench.strategies import parse_strategy
    from ktseed.bench.strategies import unavailable_reason

    finished = RawStore(folder).finished_keys() if folder.is_dir() else set()
    skipped = {
        name
        for name in {c.strategy for c in cells}
        if unavailable_reason(parse_strategy(name)) is not None
    }
    runnable = [c for c in cells if c.strategy not in skipped]
    measures = (
        {k: v for k, v in asdict(suite.measures).items() if v is not None}
        if "measures" in tasks
        else {}
    )
    lines = plan_lines(
        runnable, workers=workers, finished=finished, measures=measures
    )
    if skipped:
        lines.append(
            f"  ({len(cells) - len(runnable)} cells of skipped contenders "
            f"not counted: {', '.join(sorted(skipped))})"
        )
    return lines


__all__ = ["handler", "register"]
