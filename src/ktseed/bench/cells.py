"""Cells (one run: task, problem, strategy, seed) and the suite's seeds."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

#: Distance between consecutive seeds of the suite.
SEED_SPACING = 10_000


def seed_list(repeats: int) -> list[int]:
    """The seeds of ``repeats`` repeats: 1, 10001, 20001, ...

    Every contender gets the same seeds. They start at 1 because
    KerasTuner treats ``seed=0`` as "no seed". They are spaced because
    KerasTuner's stock random sampler draws the k-th value of a run from
    ``random.Random(seed + k)``: with seeds 1, 2, 3, ... the run of seed
    ``s + d`` (``d`` hyperparameters) repeats the run of seed ``s`` shifted
    by one trial, so stock KerasTuner's repeats would not be independent. A
    30-trial run uses fewer than 10,000 draws, so spaced seeds never share
    one.
    """
    return [1 + SEED_SPACING * k for k in range(repeats)]


@dataclass(frozen=True)
class Cell:
    """One benchmark run.

    Attributes:
        task: ``"search"`` or ``"warmstart"``.
        problem: Problem name.
        strategy: Strategy name.
        seed: Seed (>= 1) shared by every contender of the same repeat.
        budget: Number of trials.
        design_size: Initial design size (``top_k`` for warm starts).
        prior_budget: Trials of the warm-start prior run (0 otherwise).
        problem_kwargs: Extra problem arguments (``epochs`` for digits).
        concurrency: Trials pending at once (the ``parallel`` task; 0 for
            the sequential tasks, whose keys do not mention it).
    """

    task: str
    problem: str
    strategy: str
    seed: int
    budget: int
    design_size: int
    prior_budget: int = 0
    problem_kwargs: tuple[tuple[str, Any], ...] = field(default=())
    concurrency: int = 0

    @property
    def key(self) -> str:
        """A unique, settings-complete identifier."""
        extra = "".join(f",{k}={v}" for k, v in self.problem_kwargs)
        prior = f",prior={self.prior_budget}" if self.prior_budget else ""
        pending = f"|k={self.concurrency}" if self.concurrency else ""
        return (
            f"{self.task}|{self.problem}{extra}|{self.strategy}|"
            f"seed={self.seed}|B={self.budget}|N={self.design_size}{prior}"
            f"{pending}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The plain dict sent to a worker."""
        data = asdict(self)
        data["problem_kwargs"] = dict(self.problem_kwargs)
        data["key"] = self.key
        return data


__all__ = ["SEED_SPACING", "Cell", "seed_list"]
