"""Reports of the ``peers`` and ``parallel`` tasks.

``peers`` (budget 100, read at 10, 20, 30, 50 and 100 trials):

* per problem, the median [IQR] of every contender at each checkpoint;
* per problem, at 30 and 100 trials, each contender against the best peer
  (the peer library's optimiser with the best median at that checkpoint)
  and against stock KerasTuner Bayesian optimisation (``bayesian/stock``):
  win rate and two-sided Wilcoxon signed-rank p on the same seeds, and the
  exact and near repeats of its proposals (:mod:`ktseed.bench.repeats`);
* the issue's targets for the GP hand-off (``bayesian-gp/sobol``): best
  or tied with the best peer (p > 0.05) and better than stock KerasTuner.

``parallel`` (``k`` trials pending): per problem, each contender's median
regret after 30 completed trials for each ``k``, its ratio to its own
``k = 1`` median (after 30 trials and after ``31 - k``), the comparison
with Optuna's ``GPSampler`` at the same ``k``, and the exact and near
repeats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ktseed.bench.repeats import count_repeats
from ktseed.bench.report_format import fmt
from ktseed.bench.report_format import fmt_p
from ktseed.bench.report_format import median_iqr
from ktseed.bench.report_format import strategy_order
from ktseed.bench.report_format import table
from ktseed.bench.stats import RunCurves
from ktseed.bench.stats import describe
from ktseed.bench.stats import ladder
from ktseed.bench.strategies import parse_strategy

#: The contender the targets are about, and its two references.
HANDOFF = "bayesian-gp/sobol"
STOCK = "bayesian/stock"
OPTUNA_GP = "optuna/gp"
#: Checkpoints the comparisons are made at.
TARGET_POINTS = (30, 100)
#: Two medians within this relative distance count as equal.
SAME = 1e-12

RepeatKey = tuple[str, str, str, int, int, int]


def repeat_counts(
    records: Iterable[Mapping[str, Any]],
) -> dict[RepeatKey, tuple[int, int]]:
    """``(exact, near)`` repeats per run of the peers and parallel tasks.

    Keys are ``(task, problem, strategy, concurrency, budget, seed)``: a
    run of budget 100 and one of budget 30 with the same seed are two
    runs (their first 30 trials are the same, not repeats).
    """
    from ktseed.bench.peers.space import dimensions
    from ktseed.bench.problems import get_problem

    runs: dict[RepeatKey, list[tuple[int, Any]]] = defaultdict(list)
    for r in records:
        if r.get("task") not in ("peers", "parallel"):
            continue
        key = (
            str(r["task"]),
            str(r["problem"]),
            str(r["strategy"]),
            int(r.get("concurrency") or 0),
            int(r["budget"]),
            int(r["seed"]),
        )
        runs[key].append((int(r["trial"]), r["values"]))
    dims: dict[str, Any] = {}
    out = {}
    for key, trials in runs.items():
        problem = key[1]
        if problem not in dims:
            dims[problem] = dimensions(get_problem(problem).space())
        proposals = [values for _, values in sorted(trials, key=lambda t: t[0])]
        out[key] = count_repeats(dims[problem], proposals)
    return out


def _better(a: float, b: float, lower: bool) -> bool:
    return a < b if lower else a > b


def best_peer(
    groups: Sequence[RunCurves], k: int
) -> tuple[RunCurves | None, float]:
    """The peer group with the best median after ``k`` trials."""
    best: RunCurves | None = None
    best_median = float("nan")
    for group in groups:
        if not parse_strategy(group.key.strategy).is_peer:
            continue
        median = describe(group.at(k).values())["median"]
        if np.isnan(median):
            continue
        if best is None or _better(median, best_median, group.lower_is_better):
            best, best_median = group, median
    return best, best_median


def _cmp(
    group: RunCurves, other: RunCurves | None, k: int
) -> dict[str, Any] | None:
    if other is None or other is group:
        return None
    return group.compare_at(other, k)


def _cmp_text(cmp: Mapping[str, Any] | None) -> str:
    if cmp is None or not cmp["n"]:
        return "-"
    return f"{cmp['win_rate']:.0%}, p={fmt_p(cmp['wilcoxon_p'])}"


def _by_problem(
    groups: Iterable[RunCurves], task: str
) -> dict[tuple[str, int], list[RunCurves]]:
    out: dict[tuple[str, int], list[RunCurves]] = defaultdict(list)
    for g in groups:
        if g.key.task == task:
            out[(g.key.problem, g.key.budget)].append(g)
    for value in out.values():
        value.sort(
            key=lambda g: (strategy_order(g.key.strategy), g.key.concurrency)
        )
    return dict(out)


def _repeat_text(
    repeats: Mapping[RepeatKey, tuple[int, int]],
    group: RunCurves,
) -> str:
    key = group.key
    counts = [
        repeats.get(
            (
                key.task,
                key.problem,
                key.strategy,
                key.concurrency,
                key.budget,
                seed,
            ),
            (0, 0),
        )
        for seed in group.curves
    ]
    exact = sum(c[0] for c in counts)
    near = sum(c[1] for c in counts)
    with_exact = sum(1 for c in counts if c[0])
    return f"{exact} ({with_exact} runs) / {near}"


#: A problem's part of a task's section: its lines and its target rows.
_ProblemPart = Callable[
    [str, int, list[RunCurves]], tuple[list[str], list[list[str]]]
]


@dataclass(frozen=True)
class _TaskSection:
    """A task's section of ``results.md``: its fixed text, its problems."""

    task: str
    heading: str
    intro: str
    targets_heading: str
    targets_intro: str
    targets_header: tuple[str, ...]

    def markdown(
        self, groups: Sequence[RunCurves], part: _ProblemPart
    ) -> list[str]:
        """The task's section: heading, intro, a part per problem, targets.

        Args:
            groups: Every group; those of :attr:`task` are reported.
            part: ``part(problem, budget, groups)``: a problem's lines and
                its rows of the targets table (``groups`` in report order).

        Returns:
            Nothing when the task has no groups; the targets table only
            when a problem has target rows.
        """
        body: list[str] = []
        targets: list[list[str]] = []
        by_problem = _by_problem(groups, self.task)
        for (problem, budget), chosen in sorted(by_problem.items()):
            part_lines, part_targets = part(problem, budget, chosen)
            body += part_lines
            targets += part_targets
        if not body:
            return []
        lines = [self.heading, "", self.intro, "", *body]
        if targets:
            lines += [self.targets_heading, "", self.targets_intro, ""]
            lines += [*table(list(self.targets_header), targets), ""]
        return lines


_PEERS_SECTION = _TaskSection(
    task="peers",
    heading="## Peers: the GP hand-off against every peer",
    intro="Each contender runs the task's budget (100 trials in the full "
    "suite) and is read after 10, 20, 30, 50 and 100 trials, those "
    "within the budget (the budget-30 figures are the 30-trial "
    "checkpoint of the same runs: no contender's first 30 trials "
    "depend on its total budget). "
    "'vs best peer': win rate and two-sided Wilcoxon signed-rank p "
    "against the peer library optimiser with the best median at that "
    "checkpoint; 'vs stock BO': against `bayesian/stock`. Repeats: "
    "exact repeats of an earlier proposal, over all runs (runs with "
    "one or more) / near repeats (within 1e-3 in the unit cube, "
    "discrete values equal).",
    targets_heading="### Targets of the GP hand-off (issue 12)",
    targets_intro="'best or tied': the hand-off's median is the best of all "
    "peers', or the paired Wilcoxon test against the best peer "
    "gives p > 0.05. 'better than stock': the hand-off wins on more "
    "than half the seeds against `bayesian/stock` with p <= 0.05.",
    targets_header=(
        "problem",
        "runs",
        "k",
        "hand-off median",
        "best peer (median)",
        "vs best peer",
        "best or tied",
        "vs stock BO",
        "better than stock",
    ),
)

_PARALLEL_SECTION = _TaskSection(
    task="parallel",
    heading="## Parallel workers: k trials pending at once",
    intro="One oracle (or study) with k trials pending: k trials are "
    "created, the oldest completes, its worker asks for the next (see "
    "`ktseed.bench.parallel`). Regret after the given number of "
    "completed trials; 'ratio to k=1': median over the contender's own "
    "sequential median; 'ratio to k=1 at n-k+1': over its sequential "
    "median after k - 1 fewer trials (a proposal with k - 1 trials "
    "pending knows only that many results, so this ratio is what the "
    "batch rule loses beyond the missing results); 'vs Optuna GP': win "
    "rate and Wilcoxon p "
    "against `optuna/gp` at the same k; repeats as in the peers task.",
    targets_heading="### Targets of the GP hand-off with 4 workers (issue 12)",
    targets_intro="'within 1.3x': its median at k=4 over its own k=1 "
    "median; '<= Optuna GP': its k=4 median against `optuna/gp`'s at "
    "k=4, with the paired comparison; exact repeats over all k=4 runs.",
    targets_header=(
        "problem",
        "ratio to k=1",
        "within 1.3x",
        "vs Optuna GP at k=4",
        "<= Optuna GP",
        "exact repeats",
    ),
)


def markdown_peers(
    groups: Sequence[RunCurves],
    repeats: Mapping[RepeatKey, tuple[int, int]],
) -> list[str]:
    """The ``peers`` task's section of ``results.md``."""
    return _PEERS_SECTION.markdown(
        groups, partial(_peers_part, repeats=repeats)
    )


def _peers_part(
    problem: str,
    budget: int,
    chosen: list[RunCurves],
    repeats: Mapping[RepeatKey, tuple[int, int]],
) -> tuple[list[str], list[list[str]]]:
    points = ladder(budget)
    measure = chosen[0].measure
    seeds = max(len(g.curves) for g in chosen)
    lines = [
        f"### {problem} (budget {budget}, {seeds} seeds; {measure}, "
        f"{'lower' if chosen[0].lower_is_better else 'higher'} is better)",
        "",
    ]
    header = ["contender", "n"]
    header += [f"@{k} median [IQR]" for _, k in points]
    rows = []
    for g in chosen:
        row = [f"`{g.key.strategy}`", str(len(g.curves))]
        row += [median_iqr(describe(g.at(k).values())) for _, k in points]
        rows.append(row)
    lines += [*table(header, rows), ""]
    ks = [k for k in TARGET_POINTS if k <= budget] or [budget]
    header = ["contender"]
    for k in ks:
        header += [f"@{k} vs best peer", f"@{k} vs stock BO"]
    header += ["repeats exact / near", "s/run"]
    stock = next((g for g in chosen if g.key.strategy == STOCK), None)
    best = {k: best_peer(chosen, k) for k in ks}
    rows = []
    for g in chosen:
        row = [f"`{g.key.strategy}`"]
        for k in ks:
            peer = best[k][0]
            label = "(best peer)" if peer is g else _cmp_text(_cmp(g, peer, k))
            row += [label, _cmp_text(_cmp(g, stock, k))]
        seconds = list(g.seconds.values())
        row += [
            _repeat_text(repeats, g),
            fmt(float(np.median(seconds)), 2) if seconds else "-",
        ]
        rows.append(row)
    peers_named = ", ".join(
        f"@{k}: `{b[0].key.strategy}`" for k, b in best.items() if b[0]
    )
    lines += [f"Best peer {peers_named}.", "", *table(header, rows), ""]
    handoff = next((g for g in chosen if g.key.strategy == HANDOFF), None)
    if handoff is None:
        return lines, []
    return lines, _target_rows(problem, handoff, stock, best)


def _target_rows(
    problem: str,
    handoff: RunCurves,
    stock: RunCurves | None,
    best: Mapping[int, tuple[RunCurves | None, float]],
) -> list[list[str]]:
    rows = []
    lower = handoff.lower_is_better
    for k, (peer, peer_median) in best.items():
        median = describe(handoff.at(k).values())["median"]
        vs_peer = _cmp(handoff, peer, k)
        vs_stock = _cmp(handoff, stock, k)
        is_best = peer is None or not _better(peer_median, median, lower)
        tied = vs_peer is not None and vs_peer["wilcoxon_p"] > 0.05
        better = (
            vs_stock is not None
            and vs_stock["win_rate"] > 0.5
            and vs_stock["wilcoxon_p"] <= 0.05
        )
        rows.append(
            [
                problem,
                f"budget {handoff.key.budget}",
                str(k),
                fmt(median),
                "-"
                if peer is None
                else f"`{peer.key.strategy}` ({fmt(peer_median)})",
                _cmp_text(vs_peer),
                "best" if is_best else ("tied" if tied else "**no**"),
                _cmp_text(vs_stock),
                "yes" if better else "**no**",
            ]
        )
    return rows


def markdown_parallel(
    groups: Sequence[RunCurves],
    repeats: Mapping[RepeatKey, tuple[int, int]],
) -> list[str]:
    """The ``parallel`` task's section of ``results.md``."""
    return _PARALLEL_SECTION.markdown(
        groups, partial(_parallel_part, repeats=repeats)
    )


def _parallel_part(
    problem: str,
    budget: int,
    chosen: list[RunCurves],
    repeats: Mapping[RepeatKey, tuple[int, int]],
) -> tuple[list[str], list[list[str]]]:
    lines = [f"### {problem} (after {budget} completed trials)", ""]
    sequential = {g.key.strategy: g for g in chosen if g.key.concurrency == 1}
    optuna = {
        g.key.concurrency: g for g in chosen if g.key.strategy == OPTUNA_GP
    }
    rows = []
    for g in chosen:
        d = describe(g.at(budget).values())
        own = sequential.get(g.key.strategy)
        lag = budget - (g.key.concurrency - 1)
        rows.append(
            [
                f"`{g.key.strategy}`",
                str(g.key.concurrency),
                str(len(g.curves)),
                median_iqr(d),
                fmt(_median_ratio(d["median"], own, budget), 2),
                fmt(_median_ratio(d["median"], own, lag), 2),
                _cmp_text(_cmp(g, optuna.get(g.key.concurrency), budget)),
                _repeat_text(repeats, g),
            ]
        )
    lines += [
        *table(
            [
                "contender",
                "k",
                "n",
                f"@{budget} median [IQR]",
                "ratio to k=1",
                "ratio to k=1 at n-k+1",
                "vs Optuna GP (same k)",
                "repeats exact / near",
            ],
            rows,
        ),
        "",
    ]
    return lines, _parallel_targets(problem, chosen, budget, repeats)


def _median_ratio(
    median: float, sequential: RunCurves | None, trials: int
) -> float:
    """``median`` over ``sequential``'s median after ``trials`` (or NaN)."""
    if sequential is None or trials < 1:
        return float("nan")
    base = describe(sequential.at(trials).values())["median"]
    return median / base if base > SAME else float("nan")


def _parallel_targets(
    problem: str,
    chosen: Sequence[RunCurves],
    budget: int,
    repeats: Mapping[RepeatKey, tuple[int, int]],
) -> list[list[str]]:
    def find(strategy: str, k: int) -> RunCurves | None:
        return next(
            (
                g
                for g in chosen
                if g.key.strategy == strategy and g.key.concurrency == k
            ),
            None,
        )

    four, one = find(HANDOFF, 4), find(HANDOFF, 1)
    if four is None or one is None:
        return []
    median = describe(four.at(budget).values())["median"]
    base = describe(one.at(budget).values())["median"]
    ratio = median / base if base > SAME else float("nan")
    peer = find(OPTUNA_GP, 4)
    peer_median = (
        describe(peer.at(budget).values())["median"] if peer else float("nan")
    )
    exact = sum(
        repeats.get((four.key.task, problem, HANDOFF, 4, budget, seed), (0, 0))[
            0
        ]
        for seed in four.curves
    )
    return [
        [
            problem,
            fmt(ratio, 2),
            "yes" if ratio <= 1.3 else "**no**",
            _cmp_text(_cmp(four, peer, budget)),
            "-"
            if peer is None
            else ("yes" if median <= peer_median else "**no**"),
            f"{exact}" if exact == 0 else f"**{exact}**",
        ]
    ]


__all__ = [
    "HANDOFF",
    "best_peer",
    "markdown_parallel",
    "markdown_peers",
    "repeat_counts",
]
