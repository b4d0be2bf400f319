"""Summaries and paired tests over raw benchmark records.

Measure: the simple regret of the best value found so far (synthetic
problems, lower is better) or the best validation accuracy so far
(training problems, higher is better), read after ``k`` trials.

Checkpoints: the end of the initial design (``k = N``), twice the design
(``2N``) and the full budget (``B``); the ``peers`` and ``parallel`` tasks
use the fixed :data:`LADDER` (10, 20, 30, 50, 100 trials) instead.

Cross-validated training problems record, per trial, the held-out score of
the incumbent (``heldout``); their measure is that score (higher is
better), not the cross-validated objective.

Paired comparison of strategy A against baseline B: the runs are paired by
seed (same seed, same budget, same space). A *win* is a seed where A's
measure is strictly better than B's; a tie is equal within a relative
1e-12. The win rate is ``(wins + ties / 2) / n``. Tests: the Wilcoxon
signed-rank test on the paired differences (zero differences dropped; all
ties gives ``p = 1``) and the two-sided sign test (binomial on wins vs
losses).
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Relative tolerance under which two measures tie.
TIE_RTOL = 1e-12


@dataclass(frozen=True)
class GroupKey:
    """What a set of runs shares (one curve per seed)."""

    task: str
    problem: str
    strategy: str
    budget: int
    design_size: int
    #: Trials pending at once (the ``parallel`` task), 0 otherwise.
    concurrency: int = 0


@dataclass
class RunCurves:
    """Best-so-far curves of one group, by seed.

    Attributes:
        key: The group.
        lower_is_better: True for regret, False for accuracy.
        measure: ``"regret"`` or ``"accuracy"``.
        curves: ``{seed: array of the measure after 1..n trials}``.
        seconds: ``{seed: wall seconds of the run}``.
        design_trials: ``{seed: trials that came from the design}``.
        family: ``"keras_tuner"``, ``"ktseed"`` or ``"optuna"``.
        oracle: The KerasTuner oracle, if any.
        initializer: The initializer, if any.
    """

    key: GroupKey
    lower_is_better: bool
    measure: str
    curves: dict[int, np.ndarray[Any, Any]]
    seconds: dict[int, float]
    design_trials: dict[int, int]
    family: str
    oracle: str | None
    initializer: str | None

    def at(self, k: int) -> dict[int, float]:
        """The measure after ``k`` trials, by seed.

        Runs shorter than ``k`` trials are left out.
        """
        return {
            seed: float(curve[k - 1])
            for seed, curve in self.curves.items()
            if 1 <= k <= len(curve) and math.isfinite(curve[k - 1])
        }

    def compare_at(self, other: RunCurves, k: int) -> dict[str, Any]:
        """:func:`paired_comparison` with ``other`` after ``k`` trials.

        The comparison takes this group's direction (``lower_is_better``).
        """
        return paired_comparison(
            self.at(k), other.at(k), lower_is_better=self.lower_is_better
        )


def group_records(records: Iterable[Mapping[str, Any]]) -> list[RunCurves]:
    """Groups raw records into best-so-far curves per strategy and seed."""
    rows: dict[GroupKey, dict[int, list[Mapping[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        key = GroupKey(
            str(record["task"]),
            str(record["problem"]),
            str(record["strategy"]),
            int(record["budget"]),
            int(record["design_size"]),
            int(record.get("concurrency") or 0),
        )
        rows[key][int(record["seed"])].append(record)
    groups = []
    for key, by_seed in rows.items():
        curves: dict[int, np.ndarray[Any, Any]] = {}
        seconds: dict[int, float] = {}
        design: dict[int, int] = {}
        first: Mapping[str, Any] | None = None
        uses_regret = True
        for seed, recs in by_seed.items():
            recs = sorted(recs, key=lambda r: int(r["trial"]))
            first = first or recs[0]
            uses_regret = recs[0].get("regret") is not None or all(
                r.get("best") is None for r in recs
            )
            field = "regret" if uses_regret else _score_field(recs[0])
            curves[seed] = np.array(
                [np.nan if r.get(field) is None else r[field] for r in recs],
                dtype=float,
            )
            seconds[seed] = float(
                recs[-1].get("cell_seconds") or recs[-1].get("elapsed") or 0.0
            )
            design[seed] = sum(bool(r.get("design")) for r in recs)
        assert first is not None
        groups.append(
            RunCurves(
                key=key,
                lower_is_better=uses_regret,
                measure="regret" if uses_regret else _measure_name(first),
                curves=curves,
                seconds=seconds,
                design_trials=design,
                family=str(first.get("family")),
                oracle=first.get("oracle"),
                initializer=first.get("initializer"),
            )
        )
    return groups


def _score_field(record: Mapping[str, Any]) -> str:
    """``"heldout"`` for cross-validated problems, else ``"best"``."""
    return "heldout" if "heldout" in record else "best"


def _measure_name(record: Mapping[str, Any]) -> str:
    return "held-out score" if "heldout" in record else "accuracy"


#: Checkpoints of the ``peers`` and ``parallel`` tasks, within the budget.
LADDER = (10, 20, 30, 50, 100)


def ladder(budget: int) -> list[tuple[str, int]]:
    """``[("@10", 10), ("@20", 20), ...]`` up to ``budget`` (included)."""
    points = [(f"@{k}", k) for k in LADDER if k < budget]
    return [*points, ("full", budget)]


def checkpoints(budget: int, design_size: int) -> list[tuple[str, int]]:
    """``[("design", N), ("2x design", 2N), ("full", B)]``, within budget."""
    points = []
    if 1 <= design_size < budget:
        points.append(("design", design_size))
    if 1 <= 2 * design_size < budget:
        points.append(("2x design", 2 * design_size))
    points.append(("full", budget))
    return points


def describe(values: Iterable[float]) -> dict[str, float]:
    """``n``, median, quartiles and mean (NaN when empty)."""
    data = np.asarray(list(values), dtype=float)
    if data.size == 0:
        nan = float("nan")
        return {"n": 0, "median": nan, "q25": nan, "q75": nan, "mean": nan}
    q25, median, q75 = np.percentile(data, [25, 50, 75])
    return {
        "n": int(data.size),
        "median": float(median),
        "q25": float(q25),
        "q75": float(q75),
        "mean": float(data.mean()),
    }


def _tie(a: float, b: float) -> bool:
    return abs(a - b) <= TIE_RTOL * max(1.0, abs(a), abs(b))


def paired_comparison(
    a: Mapping[int, float],
    b: Mapping[int, float],
    *,
    lower_is_better: bool = True,
) -> dict[str, Any]:
    """Compares A with baseline B on the seeds both have.

    Args:
        a: Measure of strategy A by seed.
        b: Measure of baseline B by seed.
        lower_is_better: Direction of the measure.

    Returns:
        ``n``, ``wins``, ``ties``, ``losses`` (for A), ``win_rate``,
        ``wilcoxon_p``, ``sign_p`` and ``median_diff`` (median of A - B).
        With no common seed the counts are 0 and the p-values NaN.
    """
    from scipy import stats

    seeds = sorted(set(a) & set(b))
    n = len(seeds)
    if n == 0:
        nan = float("nan")
        return {
            "n": 0,
            "wins": 0,
            "ties": 0,
            "losses": 0,
            "win_rate": nan,
            "wilcoxon_p": nan,
            "sign_p": nan,
            "median_diff": nan,
        }
    x = np.array([a[s] for s in seeds], dtype=float)
    y = np.array([b[s] for s in seeds], dtype=float)
    ties = np.array([_tie(p, q) for p, q in zip(x, y, strict=True)])
    better = (x < y) if lower_is_better else (x > y)
    wins = int(np.sum(better & ~ties))
    n_ties = int(np.sum(ties))
    losses = n - wins - n_ties
    diff = np.where(ties, 0.0, x - y)
    if np.all(diff == 0.0):
        wilcoxon_p = 1.0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.wilcoxon(
                diff, zero_method="wilcox", alternative="two-sided"
            )
        wilcoxon_p = float(result.pvalue)
    decided = wins + losses
    sign_p = (
        1.0
        if decided == 0
        else float(stats.binomtest(wins, decided, 0.5).pvalue)
    )
    return {
        "n": n,
        "wins": wins,
        "ties": n_ties,
        "losses": losses,
        "win_rate": (wins + 0.5 * n_ties) / n,
        "wilcoxon_p": wilcoxon_p,
        "sign_p": sign_p,
        "median_diff": float(np.median(x - y)),
    }


def trials_to_target(
    curve: np.ndarray[Any, Any], target: float, *, lower_is_better: bool = True
) -> int | None:
    """First ``k`` (1-based) with the measure at or past ``target``.

    Returns:
        ``k``, or ``None`` when the run never reaches the target.
    """
    reached = curve <= target if lower_is_better else curve >= target
    hits = np.flatnonzero(reached)
    return int(hits[0]) + 1 if hits.size else None


def describe_censored(
    values: Iterable[int | None], budget: int
) -> dict[str, Any]:
    """Median and quartiles of trials-to-target; misses count as ``B + 1``.

    Returns:
        ``n``, ``reached`` and ``median``/``q25``/``q75`` where a value
        above ``budget`` means "not reached within the budget".
    """
    data = [budget + 1 if v is None else v for v in values]
    reached = sum(1 for v in data if v <= budget)
    stats = describe(data)
    stats["reached"] = reached
    return stats


__all__ = [
    "LADDER",
    "GroupKey",
    "RunCurves",
    "checkpoints",
    "ladder",
    "describe",
    "describe_censored",
    "group_records",
    "paired_comparison",
    "trials_to_target",
]
