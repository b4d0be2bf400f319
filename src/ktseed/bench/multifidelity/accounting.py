"""Budget accounting shared by every multi-fidelity contender.

**The unit of budget is one training epoch.** Every evaluation of every
contender goes through one :class:`Ledger` per run, which charges it by
the same rule:

    An evaluation of configuration ``x`` at ``b`` epochs costs ``b - b0``,
    where ``b0`` is the largest budget ``<= b`` at which the same
    configuration (same active values, :func:`config_key`) was already
    evaluated earlier in the run, or 0 when there is none.

That is "training resumes from the checkpoint of the last evaluation of
the same configuration", with a checkpoint kept for every evaluation. For
KerasTuner's Hyperband it is exactly what its ``Hyperband`` tuner trains: a
promoted trial loads the weights of ``tuner/trial_id``, which has the same
values, and trains ``tuner/epochs - tuner/initial_epoch`` epochs (the
runner records both and the tests check they agree); KerasTuner never
draws a duplicate of an earlier configuration. SMAC's Hyperband and DEHB
promote the same configuration to a larger budget, so their promotions
cost the same difference; a new configuration (a DE mutant, a new SMAC
proposal) pays its full budget. Optuna's trials report every epoch, so
each epoch costs one.

**The total** is the number of epochs KerasTuner's own Hyperband schedule
trains with the task's ``max_epochs``, ``factor`` and
``hyperband_iterations`` (:func:`hyperband_total_epochs`, which
reproduces KerasTuner's bracket arithmetic). The peers stop asking once
their ledger reaches it; an evaluation that ends past the total is
recorded but never counted (see :func:`incumbent_at`).

**The recommendation** after ``B`` epochs (the same rule for every
contender, whatever its own incumbent notion): among the evaluations that
ended within ``B`` epochs, take those at the largest budget reached and,
among them, the one with the lowest observed value (the earliest on a
tie). Its measure is the regret of its configuration at ``max_epochs``
(synthetic problems, exact and noise-free) or its held-out error
(training problems).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ktseed.errors import KtseedError

#: Hyperband's smallest budget, in KerasTuner and for every peer.
MIN_EPOCHS = 1


class BudgetExhausted(KtseedError, RuntimeError):
    """The run's epoch budget (or its evaluation cap) is spent."""


def _native(value: Any) -> Any:
    # numpy scalars (ConfigSpace, Optuna) and Python values alike.
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def config_key(values: Mapping[str, Any]) -> str:
    """A canonical text key of one configuration's active values.

    ``tuner/*`` keys are ignored; numpy scalars count as the Python values
    they hold, so every contender names a configuration the same way.
    """
    items = [
        [name, _native(values[name])]
        for name in sorted(values)
        if not name.startswith("tuner/")
    ]
    return json.dumps(items, separators=(",", ":"))


# --------------------------------------------------------------- schedule
@dataclass(frozen=True)
class Round:
    """One round of a Hyperband bracket: ``size`` trials of ``epochs``."""

    size: int
    epochs: int


def hyperband_brackets(max_epochs: int, factor: int) -> list[list[Round]]:
    """The brackets of one Hyperband iteration, as KerasTuner runs them.

    The arithmetic is KerasTuner 1.4.8's (``HyperbandOracle._get_size``,
    ``_get_epochs``, ``_get_num_brackets``, with ``min_epochs = 1``), in
    its order: the most aggressive bracket first.

    Args:
        max_epochs: Hyperband's ``max_epochs``.
        factor: Hyperband's ``factor``.

    Returns:
        One list of rounds per bracket.
    """
    brackets = 0
    epochs: float = max_epochs
    while epochs >= MIN_EPOCHS:
        epochs = epochs / factor
        brackets += 1
    end0 = math.ceil(1 + math.log(max_epochs, factor))
    schedule = []
    for b in range(brackets - 1, -1, -1):
        end = end0 / (b + 1)
        schedule.append(
            [
                Round(
                    size=math.ceil(end * factor ** (b - r)),
                    epochs=math.ceil(max_epochs / factor ** (b - r)),
                )
                for r in range(b + 1)
            ]
        )
    return schedule


def hyperband_total_epochs(
    max_epochs: int, factor: int, iterations: int
) -> int:
    """Epochs that KerasTuner's Hyperband trains, promotions resumed.

    A round-0 trial trains its full budget; a promoted one trains the
    difference to the previous round's budget.
    """
    per_iteration = 0
    for rounds in hyperband_brackets(max_epochs, factor):
        previous = 0
        for r in rounds:
            per_iteration += r.size * (r.epochs - previous)
            previous = r.epochs
    return per_iteration * int(iterations)


def hyperband_trials(max_epochs: int, factor: int, iterations: int) -> int:
    """Trials of KerasTuner's Hyperband schedule (promotions included)."""
    per_iteration = sum(
        r.size
        for rounds in hyperband_brackets(max_epochs, factor)
        for r in rounds
    )
    return per_iteration * int(iterations)


def hyperband_new_configurations(
    max_epochs: int, factor: int, iterations: int
) -> int:
    """Round-0 slots: configurations KerasTuner's Hyperband draws."""
    per_iteration = sum(
        rounds[0].size for rounds in hyperband_brackets(max_epochs, factor)
    )
    return per_iteration * int(iterations)


# ----------------------------------------------------------------- ledger
class Ledger:
    """The epochs charged to one run (see the module docstring).

    Args:
        total: Epoch budget; :meth:`charge` raises :class:`BudgetExhausted`
            once it is spent. ``None`` charges without a limit (KerasTuner,
            whose own schedule ends at the total).
        max_evaluations: Safety cap on the number of evaluations (a
            contender that repeated evaluations it already paid for would
            otherwise run for ever); reaching it also raises.

    Attributes:
        used: Epochs charged so far.
        evaluations: Number of evaluations charged so far.
    """

    def __init__(
        self, total: int | None = None, *, max_evaluations: int | None = None
    ) -> None:
        self.total = total
        self.max_evaluations = max_evaluations
        self.used = 0
        self.evaluations = 0
        self._reached: dict[str, set[int]] = defaultdict(set)

    @property
    def exhausted(self) -> bool:
        """Whether the next :meth:`charge` would raise."""
        if self.total is not None and self.used >= self.total:
            return True
        return (
            self.max_evaluations is not None
            and self.evaluations >= self.max_evaluations
        )

    def charge(self, key: str, epochs: int) -> int:
        """Charges an evaluation of ``key`` at ``epochs``; returns its cost.

        Raises:
            BudgetExhausted: Before charging, when the budget is spent.
            ValueError: For ``epochs < 1``.
        """
        if epochs < MIN_EPOCHS:
            msg = f"an evaluation needs at least 1 epoch (got {epochs})."
            raise ValueError(msg)
        if self.exhausted:
            msg = (
                f"budget spent: {self.used} of {self.total} epochs, "
                f"{self.evaluations} evaluations."
            )
            raise BudgetExhausted(msg)
        reached = self._reached[key]
        start = max((b for b in reached if b <= epochs), default=0)
        cost = int(epochs) - start
        reached.add(int(epochs))
        self.used += cost
        self.evaluations += 1
        return cost


# -------------------------------------------------------------- incumbent
def incumbent_at(
    evaluations: Sequence[Mapping[str, Any]], budget: float
) -> Mapping[str, Any] | None:
    """The recommended evaluation after ``budget`` epochs, or ``None``.

    Args:
        evaluations: Records in run order, each with ``used`` (epochs
            charged when it ended), ``epochs`` and ``value`` (observed,
            lower is better; ``None`` for a failed evaluation).
        budget: Epochs spent.

    Returns:
        Among the evaluations with ``used <= budget`` and a value, the best
        value at the largest ``epochs`` (earliest on a tie).
    """
    best: Mapping[str, Any] | None = None
    for record in evaluations:
        if record["used"] > budget:
            break
        value = record.get("value")
        if value is None or not math.isfinite(value):
            continue
        if _better(record, best):
            best = record
    return best


def _better(record: Mapping[str, Any], best: Mapping[str, Any] | None) -> bool:
    """Whether ``record`` replaces ``best`` as the recommendation."""
    if best is None or record["epochs"] > best["epochs"]:
        return True
    return bool(
        record["epochs"] == best["epochs"] and record["value"] < best["value"]
    )


def trajectory(
    evaluations: Sequence[Mapping[str, Any]], field: str
) -> list[tuple[int, float]]:
    """``(used, measure of the incumbent)`` after every change of it.

    ``field`` is the record field measured (``"regret"`` or ``"test"``).
    """
    points: list[tuple[int, float]] = []
    best: Mapping[str, Any] | None = None
    for record in evaluations:
        value = record.get("value")
        if value is None or not math.isfinite(value):
            continue
        if _better(record, best):
            best = record
            measure = best.get(field)
            if measure is not None:
                points.append((int(record["used"]), float(measure)))
    return points


def step_values(
    points: Sequence[tuple[int, float]], grid: Sequence[float]
) -> list[float]:
    """The step function ``points`` read at each budget of ``grid``.

    Before the first point the value is NaN.
    """
    out = []
    index = -1
    for budget in grid:
        while index + 1 < len(points) and points[index + 1][0] <= budget:
            index += 1
        out.append(points[index][1] if index >= 0 else math.nan)
    return out


__all__ = [
    "MIN_EPOCHS",
    "BudgetExhausted",
    "Ledger",
    "Round",
    "config_key",
    "hyperband_brackets",
    "hyperband_new_configurations",
    "hyperband_total_epochs",
    "hyperband_trials",
    "incumbent_at",
    "step_values",
    "trajectory",
]
