"""What a prior KerasTuner project holds: its trials and its objective.

:class:`PriorRun` is what :func:`~ktseed.prior_runs.load_prior_run`
returns: light-weight :class:`PriorTrial` records (values, status, score,
metrics, Hyperband budget) and the prior search space, with the selections
the readers of a prior run need (completed, scored, ranked trials).

The trials' scores were recorded under the prior search's objective, which
KerasTuner does not store anywhere. :meth:`PriorRun.objective_candidates`
recovers it from the data: KerasTuner sets a trial's ``score`` to the best
value of the objective's metric (``Oracle.score_trial``), and records that
metric with the objective's direction, so the objective is a metric whose
best value equals the score in every scored trial.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from ktseed import checks
from ktseed.errors import DataSourceError

if TYPE_CHECKING:
    import keras_tuner

#: Status of a trial that finished and has a score (KerasTuner's
#: ``TrialStatus.COMPLETED``).
COMPLETED = "COMPLETED"

#: Relative tolerance when matching a trial's score to a metric's best value.
SCORE_RTOL = 1e-9

#: Absolute tolerance for the same comparison (scores near zero).
SCORE_ATOL = 1e-12


@dataclass(frozen=True, slots=True)
class PriorMetric:
    """One metric recorded for a prior trial.

    Attributes:
        direction: ``"min"`` or ``"max"``, as recorded by KerasTuner.
        best_value: The best value over the trial's steps (the mean of each
            step's executions, NaN ignored), or ``None`` without
            observations.
    """

    direction: str
    best_value: float | None


@dataclass(frozen=True, slots=True)
class PriorTrial:
    """A light-weight record of one prior trial.

    Attributes:
        trial_id: KerasTuner's trial id (a string such as ``"07"``).
        status: ``"COMPLETED"``, ``"FAILED"``, ``"INVALID"``, ``"RUNNING"``...
        score: The trial's score (the best value of the prior objective), or
            ``None``.
        values: The trial's hyperparameter values (active ones only, as
            KerasTuner stores them, float grid values spelled as ktseed
            does: ``0.3``, not ``0.30000000000000004``), without
            Hyperband's ``tuner/*`` keys
            (``tuner/epochs`` and ``tuner/round`` are kept as
            :attr:`epochs` and :attr:`round`).
        metrics: Metric name to :class:`PriorMetric`.
        best_step: The step of the best objective value, or ``None``.
        path: The ``trial.json`` file the record was read from.
        epochs: Hyperband's ``tuner/epochs``: the epochs the trial trained
            for in all (its budget). ``None`` for trials of other oracles.
        round: Hyperband's ``tuner/round`` (0 for a new configuration, 1
            and up for a promotion), or ``None``.
    """

    trial_id: str
    status: str
    score: float | None
    values: dict[str, Any]
    metrics: dict[str, PriorMetric]
    best_step: int | None
    path: str
    epochs: int | None = None
    round: int | None = None

    @property
    def metric_directions(self) -> dict[str, str]:
        """Metric name to direction."""
        return {name: m.direction for name, m in self.metrics.items()}

    @property
    def is_scored(self) -> bool:
        """Whether the trial completed with a finite score."""
        return (
            self.status == COMPLETED
            and self.score is not None
            and math.isfinite(self.score)
        )


def trial_sort_key(trial_id: str) -> tuple[int, int, str]:
    """Orders trial ids numerically when they are numbers (``"9" < "10"``).

    KerasTuner pads ids to the width of ``max_trials``, so ids of one
    project usually sort as strings too, but a resumed search with a larger
    ``max_trials`` mixes widths (``"8"``, ``"09"``, ``"10"``).
    """
    if trial_id.isdigit():
        return (0, int(trial_id), trial_id)
    return (1, 0, trial_id)


@dataclass
class PriorRun:
    """An earlier KerasTuner project, as read by :func:`load_prior_run`.

    Attributes:
        project_dir: ``<directory>/<project_name>``.
        trials: Every trial with a ``trial.json``, ordered by trial id.
        space_config: The prior search space from ``oracle.json``
            (``HyperParameters.get_config()`` output), or ``None`` when the
            project has no ``oracle.json``.
        oracle_file: The ``oracle.json`` path, or ``None`` when absent.
    """

    project_dir: str
    trials: list[PriorTrial]
    space_config: dict[str, Any] | None = None
    oracle_file: str | None = None
    _hyperparameters: Any = field(
        default=None, init=False, repr=False, compare=False
    )

    # ----------------------------------------------------------- selection
    @property
    def completed(self) -> list[PriorTrial]:
        """The COMPLETED trials, ordered by trial id."""
        return [t for t in self.trials if t.status == COMPLETED]

    @property
    def scored(self) -> list[PriorTrial]:
        """The COMPLETED trials with a finite score, ordered by trial id."""
        return [t for t in self.trials if t.is_scored]

    def status_counts(self) -> dict[str, int]:
        """How many trials have each status."""
        counts: dict[str, int] = {}
        for trial in self.trials:
            counts[trial.status] = counts.get(trial.status, 0) + 1
        return counts

    def ranked(self, direction: str) -> list[PriorTrial]:
        """The scored trials, best first; ties keep trial-id order.

        Args:
            direction: ``"min"`` (lower is better) or ``"max"``.
        """
        checks.choice(direction, "direction", ("min", "max"), error=ValueError)
        sign = -1.0 if direction == "max" else 1.0
        return sorted(
            self.scored,
            key=lambda t: (
                sign * float(t.score or 0.0),
                *trial_sort_key(t.trial_id),
            ),
        )

    # ---------------------------------------------------------------- space
    def space_names(self) -> list[str]:
        """Hyperparameter names of the prior space, in declaration order.

        From ``oracle.json`` when present, otherwise the names found in the
        trials' values in order of first appearance.
        """
        names: dict[str, None] = {}
        if self.space_config is not None:
            for entry in self.space_config["space"]:
                names[entry["config"]["name"]] = None
        for trial in self.trials:
            for name in trial.values:
                names.setdefault(name, None)
        return list(names)

    def hyperparameters(self) -> keras_tuner.HyperParameters | None:
        """The prior search space (imports KerasTuner on first use).

        Returns:
            ``HyperParameters.from_config(oracle["hyperparameters"])``, or
            ``None`` when the project has no ``oracle.json``.

        Raises:
            DataSourceError: If KerasTuner cannot rebuild the space.
        """
        if self.space_config is None:
            return None
        if self._hyperparameters is None:
            import keras_tuner as kt

            try:
                hps = kt.HyperParameters.from_config(self.space_config)
            except Exception as error:
                msg = (
                    f"prior run: the search space in '{self.oracle_file}' "
                    f"cannot be rebuilt by this KerasTuner "
                    f"({type(error).__name__}: {error}); the project was "
                    "probably written by an incompatible KerasTuner version."
                )
                raise DataSourceError(msg) from error
            self._hyperparameters = hps
        return self._hyperparameters

    # ------------------------------------------------------------ objective
    def objective_candidates(self) -> dict[str, str]:
        """Metrics that can be the prior objective, with their direction.

        A metric qualifies when every scored trial recorded it and its best
        value equals the trial's score (relative tolerance
        :data:`SCORE_RTOL`): that is how ``Oracle.score_trial`` computes a
        score. Usually exactly one metric qualifies.

        Returns:
            Metric name to direction, sorted by name; empty when no trial is
            scored or no metric matches every score.
        """
        scored = self.scored
        if not scored:
            return {}
        candidates: dict[str, str] | None = None
        for trial in scored:
            matching = {
                name: metric.direction
                for name, metric in trial.metrics.items()
                if _matches(metric, trial.score)
            }
            if candidates is None:
                candidates = matching
            else:
                candidates = {
                    name: direction
                    for name, direction in candidates.items()
                    if matching.get(name) == direction
                }
            if not candidates:
                return {}
        return dict(sorted((candidates or {}).items()))

    def infer_direction(self) -> str | None:
        """The prior objective's direction, when the data tells it.

        Returns:
            ``"min"`` or ``"max"`` when every candidate of
            :meth:`objective_candidates` has that direction, else ``None``.
        """
        directions = set(self.objective_candidates().values())
        if len(directions) == 1:
            return directions.pop()
        return None

    def objective_mismatch(self, name: str, direction: str) -> str | None:
        """Why the prior objective is not ``(name, direction)``, if it is not.

        Args:
            name: The new objective's metric name.
            direction: The new objective's direction.

        Returns:
            ``None`` when every scored trial recorded metric ``name`` with
            ``direction`` and a best value equal to its score; otherwise a
            sentence naming the first trial that contradicts it.
        """
        for trial in self.scored:
            metric = trial.metrics.get(name)
            if metric is None:
                known = ", ".join(sorted(trial.metrics)) or "none"
                return (
                    f"trial {trial.trial_id} recorded no metric '{name}' "
                    f"(its metrics: {known})"
                )
            if metric.direction != direction:
                return (
                    f"trial {trial.trial_id} recorded '{name}' with "
                    f"direction '{metric.direction}'"
                )
            if not _matches(metric, trial.score):
                return (
                    f"trial {trial.trial_id} has score {trial.score!r} but "
                    f"its best '{name}' is {metric.best_value!r}, so its "
                    "score measured another metric"
                )
        return None

    def describe_objective(self) -> str:
        """A short description of the prior objective, for messages."""
        candidates = self.objective_candidates()
        if not candidates:
            return "an objective that matches none of its recorded metrics"
        return " or ".join(
            f"Objective(name='{n}', direction='{d}')"
            for n, d in candidates.items()
        )


def _matches(metric: PriorMetric, score: float | None) -> bool:
    best = metric.best_value
    if best is None or score is None:
        return False
    return math.isclose(best, score, rel_tol=SCORE_RTOL, abs_tol=SCORE_ATOL)


__all__ = [
    "COMPLETED",
    "SCORE_ATOL",
    "SCORE_RTOL",
    "PriorMetric",
    "PriorRun",
    "PriorTrial",
    "trial_sort_key",
]
