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
            "and Optuna peers on synthetic problems with known optima, a "
            "small Keras MLP, and a warm-start task. Writes raw JSONL, "
            "summary.csv, results.md and PNG plots into --out. Re-running "
            "resumes (finished cells are skipped)."
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
        "log_rosenbrock, mixed, mixed_cond, digits_mlp)",
    )
    parser.add_argument(
        "--strategies",
        type=_names,
        default=None,
        help="comma-separated strategies for the search task, e.g. "
        "bayesian/stock,bayesian/sobol,optuna/tpe (see `--list`)",
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
        help="comma-separated subset of search,warmstart,measures,"
        "portfolio (default: all)",
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
        help="print the suite's problems, strategies and cells, and exit",
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
    from pathlib import Path

    from ktseed.bench import suites as s
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
        _print_plan(suite, cells, out)
        return 0
    command = (
        "ktseed bench " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        if sys.argv[1:2] == ["bench"]
        else "ktseed bench"
    )
    out.write(
        f"ktseed bench: suite {suite.name}, {len(cells)} cells, "
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


def _print_plan(suite: Any, cells: Any, out: TextIO) -> None:
    from ktseed.bench.strategies import parse_strategy
    from ktseed.bench.strategies import unavailable_reason

    for task in suite.search:
        out.write(
            f"search: {', '.join(task.problems)} | budget {task.budget}, "
            f"design {task.design_size}, {task.repeats} seeds\n"
        )
        for name in task.strategies:
            reason = unavailable_reason(parse_strategy(name))
            out.write(f"  {name}{'  [' + reason + ']' if reason else ''}\n")
    warm = suite.warmstart
    if warm is not None:
        out.write(
            f"warmstart: {', '.join(warm.problems)} | budget {warm.budget}, "
            f"prior {warm.prior_budget}, {warm.repeats} seeds\n"
        )
        for name in warm.strategies:
            reason = unavailable_reason(parse_strategy(name))
            out.write(f"  {name}{'  [' + reason + ']' if reason else ''}\n")
    if suite.portfolio is not None:
        out.write(f"portfolio: {suite.portfolio.describe()}\n")
    out.write(f"{len(cells)} cells\n")


__all__ = ["handler", "register"]
