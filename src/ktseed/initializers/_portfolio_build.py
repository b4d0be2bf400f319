"""Portfolio construction: normalised scores, predictions, greedy selection.

Given the earlier tasks (:class:`~ktseed.initializers._portfolio_sources.\
Task`), :func:`build_portfolio` makes the score matrix ``L`` (one row per
candidate configuration, one column per task, lower is better, in
``[0, 1]``) and picks ``n`` rows greedily, as Auto-sklearn 2.0 builds its
portfolio (Feurer et al., JMLR 2022, Algorithm 1): each step adds the
candidate that most lowers the mean over tasks of the best score the
portfolio reaches on that task,

    ``P <- P + argmin_c mean_t min(L[c, t], min_{p in P} L[p, t])``.

Ties (once every task has its best reachable score, no candidate lowers the
mean any more) go to the candidate with the best mean score over the tasks,
then to the earlier candidate (source order, best first within a source).

**Normalisation.** Scores of different tasks are not comparable (a loss of
0.3 on one dataset, 0.05 on another; accuracy on a third), so each task's
scores are normalised by that task's own trials:

* ``"rank"`` (default): the score's quantile among the task's trials,
  ``(rank - 0.5) / n`` with average ranks for ties, the best trial near 0
  and the worst near 1. It does not depend on the task's scale or offset,
  nor on any monotone transform of its objective (log loss or accuracy,
  a loss or its square), and a few diverged trials do not squash the other
  scores together. The GP of a task is fitted on the Gaussianised quantile
  ``Phi^-1(q)`` (the Gaussian copula of Salinas, Shen and Perrone, ICML
  2020, for the same problem of comparing HPO tasks) and its prediction is
  mapped back with ``Phi``.
* ``"minmax"``: ``(score - best) / (worst - best)`` of the task's trials.
  It keeps the gaps between scores (a candidate close to the best counts
  as close), but one very bad trial compresses every other score of its
  task towards 0, which then hardly counts in the mean. The GP is fitted
  on these values directly; predictions are clipped to ``[0, 1]``.

**Predictions.** ``L[c, t]`` is observed when candidate ``c`` ran on task
``t`` (its best trial there, in the new space); otherwise it is the
posterior mean of a GP fitted on task ``t``'s trials
(:func:`~ktseed.initializers._portfolio_model.fit_predict`); every
candidate is encoded once for all the tasks' models.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ktseed.errors import DataSourceError
from ktseed.initializers._portfolio_model import encode
from ktseed.initializers._portfolio_model import predict
from ktseed.points import point_key

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from ktseed.initializers._portfolio_sources import Task
    from ktseed.points import PointKey
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

    FloatArray = NDArray[np.float64]

#: The accepted values of ``PortfolioInitializer(normalization=...)``.
NORMALIZATIONS = ("rank", "minmax")


@dataclass
class PortfolioReport:
    """What one portfolio build chose, and on what evidence.

    Attributes:
        points: The design, in the order it was chosen.
        sources: The sources (one per earlier task), described.
        scores: ``scores[i][t]``: the normalised score (0 best, 1 worst) of
            point ``i`` on task ``t``.
        predicted: ``predicted[i][t]``: whether that score was predicted by
            task ``t``'s GP (the point did not run on task ``t``) rather
            than observed.
        mean_best: After each point, the mean over tasks of the best
            normalised score of the points so far (what the greedy step
            lowers).
        candidates: Distinct candidate configurations considered.
        trials: Distinct configurations per task (in the new space).
        normalization: ``"rank"`` or ``"minmax"``.
        seconds: Wall time of the build (reading the sources included).
    """

    points: list[Values]
    sources: list[str]
    scores: list[list[float]]
    predicted: list[list[bool]]
    mean_best: list[float]
    candidates: int
    trials: list[int]
    normalization: str
    seconds: float = 0.0

    @property
    def n_scores(self) -> int:
        """``len(points) * len(sources)``: the scores behind the design."""
        return len(self.points) * len(self.sources)

    @property
    def n_predicted(self) -> int:
        """How many of the design's :attr:`n_scores` scores were predicted."""
        return sum(sum(row) for row in self.predicted)

    def summary(self) -> str:
        """One line with the counts (what the initializer logs)."""
        final = self.mean_best[-1] if self.mean_best else float("nan")
        return (
            f"{len(self.points)} configuration(s) chosen from "
            f"{self.candidates} candidate(s) of {len(self.sources)} "
            f"source(s); {self.n_predicted} of the {self.n_scores} scores "
            f"({len(self.points)} points x {len(self.sources)} tasks) were "
            "predicted by a Gaussian process fitted on that task's trials, "
            f"the others observed; mean best {self.normalization}-normalised "
            f"score over the tasks {final:.4f}; built in {self.seconds:.2f} s."
        )


def normalise(
    minimised: FloatArray, method: str
) -> tuple[FloatArray, FloatArray]:
    """A task's normalised scores and the targets its GP is fitted on.

    Args:
        minimised: The task's scores, lower is better.
        method: ``"rank"`` or ``"minmax"`` (see the module docstring).

    Returns:
        ``(normalised, targets)``, both shaped like ``minimised``.
    """
    from scipy import stats

    n = minimised.shape[0]
    if method == "rank":
        q = (stats.rankdata(minimised, method="average") - 0.5) / n
        return q, np.asarray(stats.norm.ppf(q), dtype=float)
    low, high = float(minimised.min()), float(minimised.max())
    q = np.zeros(n) if high == low else (minimised - low) / (high - low)
    return q, q.copy()


def from_targets(predicted: FloatArray, method: str) -> FloatArray:
    """Predicted GP targets back to normalised scores in ``[0, 1]``."""
    from scipy import stats

    if method == "rank":
        return np.asarray(stats.norm.cdf(predicted), dtype=float)
    clipped: FloatArray = np.clip(predicted, 0.0, 1.0)
    return clipped


def build_portfolio(
    codec: SpaceCodec,
    tasks: Sequence[Task],
    n: int,
    *,
    normalization: str,
    max_model_trials: int | None,
    allow_short: bool,
    owner: str,
    started: float | None = None,
) -> PortfolioReport:
    """Chooses ``n`` configurations that together do best on ``tasks``.

    Args:
        codec: The new search space.
        tasks: The earlier tasks, each with at least one configuration.
        n: The design size.
        normalization: ``"rank"`` or ``"minmax"``.
        max_model_trials: Each task's GP conditions on at most this many
            of its trials (``None``: all).
        allow_short: Return fewer than ``n`` points when there are fewer
            distinct candidates, instead of raising.
        owner: Who builds it, for messages.
        started: ``time.perf_counter()`` when the build started (to report
            the time spent reading the sources too).

    Returns:
        The report; its ``points`` are the design.

    Raises:
        DataSourceError: If there are fewer distinct candidates than ``n``
            and ``allow_short`` is false.
    """
    start = time.perf_counter() if started is None else started
    candidates: list[Values] = []
    index: dict[PointKey, int] = {}
    per_task: list[dict[int, int]] = []  # candidate -> row in task.kept
    for task in tasks:
        rows: dict[int, int] = {}
        for row, (_, values) in enumerate(task.kept):
            key = point_key(values)
            c = index.get(key)
            if c is None:
                c = index[key] = len(candidates)
                candidates.append(values)
            rows.setdefault(c, row)
        per_task.append(rows)
    total = len(candidates)
    if total < n and not allow_short:
        counts = ", ".join(
            f"source {i}: {len(t.kept)}" for i, t in enumerate(tasks, 1)
        )
        msg = (
            f"{owner}: `n_points`={n} but the {len(tasks)} source(s) give "
            f"only {total} distinct usable configuration(s) in the new space "
            f"({counts}, before merging repeats across sources). Lower "
            "`n_points`, add sources, or pass allow_short=True for a design "
            f"of {total}."
        )
        raise DataSourceError(msg)
    matrix = np.empty((total, len(tasks)))
    observed = np.zeros((total, len(tasks)), dtype=bool)
    space = encode(codec, candidates)
    for t, (task, rows) in enumerate(zip(tasks, per_task, strict=True)):
        q, targets = normalise(np.asarray(task.minimised()), normalization)
        seen = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        at = np.fromiter(rows.values(), dtype=np.int64, count=len(rows))
        matrix[seen, t] = q[at]
        observed[seen, t] = True
        missing = np.flatnonzero(~observed[:, t])
        if missing.size:
            # The task's trials, in its kept order (best first), as rows.
            trial_rows = np.empty(len(task.kept), dtype=np.int64)
            trial_rows[at] = seen
            predicted = predict(
                space, trial_rows, targets, missing, max_model_trials
            )
            matrix[missing, t] = from_targets(predicted, normalization)
    chosen = greedy(matrix, min(n, total))
    best = np.ones(len(tasks))
    mean_best = []
    for c in chosen:
        best = np.minimum(best, matrix[c])
        mean_best.append(float(best.mean()))
    return PortfolioReport(
        points=[dict(candidates[c]) for c in chosen],
        sources=[t.spec.describe() for t in tasks],
        scores=[[float(v) for v in matrix[c]] for c in chosen],
        predicted=[[not bool(o) for o in observed[c]] for c in chosen],
        mean_best=mean_best,
        candidates=total,
        trials=[len(t.kept) for t in tasks],
        normalization=normalization,
        seconds=time.perf_counter() - start,
    )


def greedy(matrix: FloatArray, n: int) -> list[int]:
    """Greedy forward selection of ``n`` rows of a loss matrix.

    Each step takes the row that most lowers the mean over columns of the
    column-wise minimum of the rows taken (starting from 1, the worst
    normalised score); ties go to the row with the lowest mean, then to the
    first row.

    Args:
        matrix: ``(candidates, tasks)`` losses in ``[0, 1]``.
        n: How many rows to take (at most the number of rows).

    Returns:
        The row indices, in the order taken.
    """
    rows = matrix.shape[0]
    average = matrix.mean(axis=1)
    order = np.arange(rows)
    best = np.ones(matrix.shape[1])
    taken = np.zeros(rows, dtype=bool)
    chosen: list[int] = []
    for _ in range(min(n, rows)):
        value = np.minimum(matrix, best).mean(axis=1)
        value[taken] = np.inf
        pick = int(np.lexsort((order, average, value))[0])
        chosen.append(pick)
        taken[pick] = True
        best = np.minimum(best, matrix[pick])
    return chosen


__all__ = [
    "NORMALIZATIONS",
    "PortfolioReport",
    "build_portfolio",
    "from_targets",
    "greedy",
    "normalise",
]
