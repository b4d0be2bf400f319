"""The multi-fidelity task's settings in the ``quick`` and ``full`` suites.

Full suite (fixed before any result was seen): ``max_epochs=27``,
``factor=3``, three Hyperband iterations, so every run gets 1,125 epochs
(210 KerasTuner trials, 147 of them new configurations), an 8-point design
for the seeded oracles, 20 seeds for the synthetic problems and 10 for the
training problem: with 5 pairs no two-sided Wilcoxon test can reach
p < 0.05 (its smallest p is 2/32), so "not worse than stock" could not be
refuted. Quick suite (a smoke test): ``max_epochs=9``, one
iteration (75 epochs, 23 trials), a 4-point design, one seed, every
problem and contender.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ktseed.bench.multifidelity.accounting import hyperband_new_configurations
from ktseed.bench.multifidelity.accounting import hyperband_trials
from ktseed.bench.multifidelity.contenders import all_contenders
from ktseed.bench.multifidelity.contenders import is_contender
from ktseed.bench.multifidelity.contenders import parse_contender
from ktseed.bench.multifidelity.contenders import unavailable_reason
from ktseed.bench.multifidelity.problems import MF_PROBLEMS
from ktseed.bench.multifidelity.task import MFCell
from ktseed.bench.multifidelity.task import cell_costs
from ktseed.bench.progress import format_seconds
from ktseed.bench.tasks import MultiFidelityTask

SYNTHETIC = ("mf_branin", "mf_hartmann6", "mf_mixed_cond")
TRAINING = ("mf_digits_mlp",)

#: Distance between consecutive seeds (as in the other tasks).
SEED_SPACING = 10_000

#: Seconds a worker process spends importing KerasTuner before its first
#: cell (added once per worker to the estimate).
WORKER_START_SECONDS = 4.0


def full_tasks() -> tuple[MultiFidelityTask, ...]:
    """The full suite's multi-fidelity tasks."""
    contenders = tuple(all_contenders())
    return (
        MultiFidelityTask(SYNTHETIC, contenders, repeats=20),
        MultiFidelityTask(TRAINING, contenders, repeats=10),
    )


def quick_tasks() -> tuple[MultiFidelityTask, ...]:
    """The smoke test: every problem and contender, tiny budget, 1 seed."""
    return (
        MultiFidelityTask(
            (*SYNTHETIC, *TRAINING),
            tuple(all_contenders()),
            repeats=1,
            max_epochs=9,
            iterations=1,
            design_size=4,
        ),
    )


def seed_list(repeats: int) -> list[int]:
    """1, 10001, 20001, ...: the seeds of :func:`ktseed.bench.suites.seed_list`.

    Repeated here because ``ktseed.bench.suites`` imports this module; the
    tests check that both agree.
    """
    return [1 + SEED_SPACING * k for k in range(repeats)]


def build_cells(tasks: Sequence[MultiFidelityTask]) -> list[MFCell]:
    """Every cell of the tasks."""
    return [
        MFCell(
            problem=problem,
            strategy=strategy,
            seed=seed,
            max_epochs=task.max_epochs,
            factor=task.factor,
            iterations=task.iterations,
            design_size=task.design_size,
        )
        for task in tasks
        for problem in task.problems
        for strategy in task.strategies
        for seed in seed_list(task.repeats)
    ]


def skip_reasons(tasks: Sequence[MultiFidelityTask]) -> dict[str, str]:
    """Why each contender of the tasks that cannot run here is skipped."""
    names = sorted({s for task in tasks for s in task.strategies})
    reasons = {}
    for name in names:
        reason = unavailable_reason(parse_contender(name))
        if reason is not None:
            reasons[name] = reason
    return reasons


def plan(
    tasks: Sequence[MultiFidelityTask],
) -> tuple[list[MFCell], list[str]]:
    """The cells that can run here, and the notices of those skipped."""
    reasons = skip_reasons(tasks)
    cells = [c for c in build_cells(tasks) if c.strategy not in reasons]
    return cells, [reasons[name] for name in sorted(reasons)]


def customise(
    suite: Any,
    *,
    problems: Sequence[str] | None,
    strategies: Sequence[str] | None,
    repeats: int | None,
) -> tuple[Any, list[str] | None, list[str] | None]:
    """Applies ``--problems``, ``--strategies``, ``--repeats`` to the task.

    Multi-fidelity problem names (``mf_*``) select this task's problems,
    the others the search tasks'; contender names select this task's
    contenders (``hyperband/stock`` and ``hyperband/<design>`` name a
    search strategy too). When every name given belongs to this task, the
    other tasks that take problems or strategies (search, peers,
    parallel) are left out, and the other way round. Names that are
    neither are passed on, so the search task's check reports them.

    Args:
        suite: A :class:`ktseed.bench.suites.Suite`.
        problems: ``--problems`` or ``None``.
        strategies: ``--strategies`` or ``None``.
        repeats: ``--repeats`` or ``None``.

    Returns:
        The suite with its multi-fidelity tasks (and maybe its search,
        peers and parallel tasks) replaced, and the problems and
        strategies left for the search tasks (``None``: no filter).
    """
    from ktseed.bench.strategies import UnknownStrategyError
    from ktseed.bench.strategies import parse_strategy

    def regular(name: str) -> bool:
        try:
            parse_strategy(name)
        except UnknownStrategyError:
            return not is_contender(name)
        return True

    tasks = list(suite.multifidelity)
    only_mine = False
    other_problems: list[str] | None = None
    other_strategies: list[str] | None = None
    if problems:
        mine = [p for p in problems if p in MF_PROBLEMS]
        other_problems = [p for p in problems if p not in MF_PROBLEMS]
        tasks = [
            replace(t, problems=tuple(p for p in t.problems if p in mine))
            for t in tasks
        ]
        placed = {p for t in tasks for p in t.problems}
        missing = tuple(p for p in mine if p not in placed)
        if missing and tasks:
            tasks[0] = replace(tasks[0], problems=tasks[0].problems + missing)
        if not other_problems:
            only_mine, other_problems = True, None
    if strategies:
        mine = [s for s in strategies if is_contender(s)]
        other_strategies = [s for s in strategies if regular(s)]
        tasks = [replace(t, strategies=tuple(mine)) for t in tasks]
        if not other_strategies:
            only_mine, other_strategies = True, None
    if repeats is not None and repeats >= 1:
        tasks = [replace(t, repeats=repeats) for t in tasks]
    tasks = [t for t in tasks if t.problems and t.strategies]
    suite = replace(suite, multifidelity=tuple(tasks))
    if only_mine:
        suite = replace(suite, search=(), peers=(), parallel=None)
    return suite, other_problems, other_strategies


def plan_lines(
    tasks: Sequence[MultiFidelityTask], *, workers: int = 2
) -> list[str]:
    """The ``--list`` lines: settings, contenders, cells, time estimate."""
    lines = []
    for task in tasks:
        trials = hyperband_trials(task.max_epochs, task.factor, task.iterations)
        new = hyperband_new_configurations(
            task.max_epochs, task.factor, task.iterations
        )
        lines.append(
            f"multifidelity: {', '.join(task.problems)} | max_epochs "
            f"{task.max_epochs}, factor {task.factor}, {task.iterations} "
            f"Hyperband iteration(s) = {task.budget} epochs per run "
            f"({trials} KerasTuner trials, {new} new), design "
            f"{task.design_size}, {task.repeats} seeds"
        )
        for name in task.strategies:
            reason = unavailable_reason(parse_contender(name))
            lines.append(f"  {name}{'  [' + reason + ']' if reason else ''}")
    if tasks:
        every = build_cells(tasks)
        runnable, _ = plan(tasks)

        def estimate(cells: Sequence[MFCell]) -> tuple[str, str]:
            seconds = sum(cell_costs(cells).values())
            wall = seconds / max(workers, 1) + WORKER_START_SECONDS
            return format_seconds(seconds), format_seconds(wall)

        work, wall = estimate(every)
        text = (
            f"multifidelity: {len(every)} runs, estimated {work} of work, "
            f"about {wall} on {workers} worker(s)"
        )
        if len(runnable) < len(every):
            work, wall = estimate(runnable)
            text += (
                f"; the {len(runnable)} that can run here: {work}, about {wall}"
            )
        lines.append(text)
    return lines


__all__ = [
    "SYNTHETIC",
    "TRAINING",
    "MultiFidelityTask",
    "build_cells",
    "customise",
    "full_tasks",
    "plan",
    "plan_lines",
    "quick_tasks",
    "skip_reasons",
]
