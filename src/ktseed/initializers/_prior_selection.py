"""Which prior trials ``prior_run`` uses, and why it leaves out the others.

:func:`best_distinct` keeps one trial per configuration of the new space
(the one trained longest, then the best), best first;
:func:`cap_observations` bounds what observe mode hands to the model.
:class:`PriorUsage` counts, along the way, what was left out and why (not
COMPLETED, no finite score, values the new space rejects, duplicates,
beyond ``top_k`` or ``max_observations``) and which hyperparameters were
dropped or defaulted; :meth:`PriorUsage.warning` turns the counts into the
one :class:`~ktseed.errors.KtseedWarning` a design or observation list
gets, starting with :meth:`PriorUsage.report`, which a ``portfolio``
source's warning starts with too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from ktseed.points import distinct
from ktseed.points import point_key
from ktseed.prior_runs import trial_sort_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ktseed.errors import InvalidValueError
    from ktseed.prior_runs import PriorTrial
    from ktseed.space import Values

#: A prior trial with its values mapped to the new space.
Mapped = tuple["PriorTrial", "Values"]

#: How many example reasons a warning or error quotes.
EXAMPLES = 3


@dataclass
class PriorUsage:
    """Why prior trials were or were not used.

    Attributes:
        total: Trials in the prior project.
        not_completed: Status to count, for trials not COMPLETED.
        no_score: COMPLETED trials without a finite score.
        invalid: One reason per trial whose values the new space rejects.
        duplicates: Trials identical to a kept one in the new space.
        budgeted: Whether any trial records a Hyperband epoch budget.
        beyond_top_k: Replay: distinct usable trials beyond the design.
        beyond_max_observations: Observe: trials left out by
            ``max_observations``.
        max_observations: The limit that left them out.
        best_kept: Observe: trials kept under the limit for their score.
        spread_kept: Observe: trials kept spread over the others.
        mixed_budgets: Replay: the ranked trials' epoch budgets, when they
            differ (see :func:`budget_mix`).
        dropped_names: Prior hyperparameters the new space does not have.
        new_names: Hyperparameters of the new space the prior one lacks.
    """

    total: int
    not_completed: dict[str, int] = field(default_factory=dict)
    no_score: int = 0
    invalid: list[str] = field(default_factory=list)
    duplicates: int = 0
    budgeted: bool = False
    beyond_top_k: int = 0
    beyond_max_observations: int = 0
    max_observations: int | None = None
    best_kept: int = 0
    spread_kept: int = 0
    mixed_budgets: str = ""
    dropped_names: list[str] = field(default_factory=list)
    new_names: list[str] = field(default_factory=list)

    def unused_parts(self) -> list[str]:
        """One phrase per reason some trials were left out, in order."""
        parts = []
        if self.not_completed:
            statuses = ", ".join(
                f"{status}: {count}"
                for status, count in sorted(self.not_completed.items())
            )
            count = sum(self.not_completed.values())
            parts.append(f"{count} not COMPLETED ({statuses})")
        if self.no_score:
            parts.append(f"{self.no_score} COMPLETED without a finite score")
        if self.invalid:
            examples = " | ".join(self.invalid[:EXAMPLES])
            parts.append(
                f"{len(self.invalid)} with values the new search space "
                f"rejects (first: {examples})"
            )
        if self.duplicates:
            better = (
                "a trial trained for more epochs (or as many, with a better "
                "score)"
                if self.budgeted
                else "a better trial"
            )
            parts.append(
                f"{self.duplicates} identical to {better} once mapped to the "
                "new search space"
            )
        if self.beyond_max_observations:
            parts.append(
                f"{self.beyond_max_observations} beyond "
                f"max_observations={self.max_observations} (kept the "
                f"{self.best_kept} best and {self.spread_kept} spread evenly "
                "over the others in trial-id order; max_observations=None "
                "observes every trial, at a cost that grows quickly with "
                "their number)"
            )
        return parts

    def noteworthy(self) -> bool:
        """Whether anything is worth a warning."""
        return bool(
            self.unused_parts()
            or self.dropped_names
            or self.new_names
            or self.mixed_budgets
        )

    def report(self, head: str, parts: list[str]) -> str:
        """``head``, the reasons ``parts`` some trials were not used, the drift.

        What a warning about one earlier run says first: ``head`` (who
        uses how many of its trials), ``"; not used: "`` and ``parts``
        (when there are any), then one sentence each for the dropped and
        the defaulted hyperparameters.
        """
        text = head
        if parts:
            text += "; not used: " + "; ".join(parts)
        text += "."
        if self.dropped_names:
            text += (
                " Dropped hyperparameters the new space does not have: "
                f"{', '.join(self.dropped_names)}."
            )
        if self.new_names:
            text += (
                " Hyperparameters new in this space take their default: "
                f"{', '.join(self.new_names)}."
            )
        return text

    def warning(self, owner: str, project_dir: str, used: int) -> str | None:
        """The warning's text, or ``None`` when nothing is noteworthy.

        Args:
            owner: Who warns (``"initializer 'prior_run'"``).
            project_dir: The prior project.
            used: How many trials the design or observations use.
        """
        if not self.noteworthy():
            return None
        parts = self.unused_parts()
        if self.beyond_top_k:
            parts.append(f"{self.beyond_top_k} not among the best {used}")
        text = self.report(
            f"{owner}: using {used} of {self.total} trial(s) of "
            f"prior run '{project_dir}'",
            parts,
        )
        if self.mixed_budgets:
            text += (
                " The ranked trials were trained for different epoch "
                f"budgets ({self.mixed_budgets}; Hyperband stops most "
                "configurations after few epochs), so scores after fewer "
                "epochs were ranked with scores after more. Pass "
                "allow_mixed_budgets=True to accept this."
            )
        return text


def best_distinct(
    usable: list[Mapped], direction: str, usage: PriorUsage
) -> list[Mapped]:
    """One trial per distinct point, best first (ties by trial id).

    Of identical points the trial with the largest epoch budget is kept
    (Hyperband's last round of a configuration), then the best score, then
    the smallest trial id. Without budgets that is the best trial.
    """
    sign = -1.0 if direction == "max" else 1.0

    def rank(item: Mapped) -> tuple[Any, ...]:
        return (sign * _score(item[0]), *trial_sort_key(item[0].trial_id))

    found = distinct(
        usable,
        key=lambda item: point_key(item[1]),
        rank=rank,
        prefer=lambda new, current: _epochs(new[0]) > _epochs(current[0]),
    )
    usage.budgeted = any(trial.epochs is not None for trial, _ in usable)
    usage.duplicates += len(found.repeats)
    return found.kept


def _epochs(trial: PriorTrial) -> int:
    return -1 if trial.epochs is None else trial.epochs


def _score(trial: PriorTrial) -> float:
    score = trial.score
    return score if score is not None and math.isfinite(score) else math.inf


def cap_observations(
    kept: list[Mapped], limit: int | None, usage: PriorUsage
) -> list[Mapped]:
    """At most ``limit`` of ``kept`` (ordered best first); records the cut.

    The best ``ceil(limit / 2)`` are kept; the rest of the limit is
    spread evenly over the other trials in trial-id order, so the
    choice is deterministic and covers the whole run.

    Args:
        kept: The distinct usable trials, best first.
        limit: ``max_observations``; ``None`` keeps them all.
        usage: Where the cut is counted, for the warning.
    """
    if limit is None or len(kept) <= limit:
        return kept
    n_best = (limit + 1) // 2
    best = kept[:n_best]
    others = sorted(
        kept[n_best:], key=lambda item: trial_sort_key(item[0].trial_id)
    )
    n_spread = limit - n_best
    spread = [
        others[(2 * i + 1) * len(others) // (2 * n_spread)]
        for i in range(n_spread)
    ]
    usage.max_observations = limit
    usage.beyond_max_observations = len(kept) - limit
    usage.best_kept = n_best
    usage.spread_kept = n_spread
    return best + spread


def reason(error: InvalidValueError, where: str) -> str:
    """The error message without its ``where`` prefix."""
    text = str(error).rstrip(".")
    prefix = f"{where}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def budget_mix(trials: Iterable[PriorTrial]) -> str:
    """The epoch budgets of ``trials`` when they differ, else ``""``.

    Example: ``"1 epoch: 6 trials, 3 epochs: 4 trials"``.
    """
    counts: dict[int | None, int] = {}
    for trial in trials:
        counts[trial.epochs] = counts.get(trial.epochs, 0) + 1
    if len(counts) < 2:
        return ""
    parts = []
    for epochs in sorted(counts, key=lambda e: -1 if e is None else e):
        count = counts[epochs]
        trials_text = f"{count} trial{'s' if count != 1 else ''}"
        if epochs is None:
            parts.append(f"no recorded budget: {trials_text}")
        else:
            unit = "epoch" if epochs == 1 else "epochs"
            parts.append(f"{epochs} {unit}: {trials_text}")
    return ", ".join(parts)


__all__ = [
    "EXAMPLES",
    "PriorUsage",
    "best_distinct",
    "budget_mix",
    "cap_observations",
    "reason",
]
