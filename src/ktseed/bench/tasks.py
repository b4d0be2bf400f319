"""The task and suite definitions (what a suite runs, not which suite)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ktseed.bench.multifidelity.accounting import hyperband_total_epochs
from ktseed.bench.portfolio_settings import PortfolioTask
from ktseed.errors import KtseedError


class SuiteConfigError(KtseedError, ValueError):
    """A suite or command-line option is invalid."""


@dataclass(frozen=True)
class SearchTask:
    """Problems x strategies x seeds at one budget."""

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    budget: int
    design_size: int
    problem_kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class WarmStartTask:
    """A prior run on the shifted problem, then a new run on the problem.

    Attributes:
        targets: Regret to reach, by problem (fixed before the run).
    """

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    budget: int
    design_size: int
    prior_budget: int
    targets: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ParallelTask:
    """One oracle with ``k`` trials pending at once, for each ``k``.

    See :mod:`ktseed.bench.parallel` for the order of events.
    """

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    budget: int
    design_size: int
    concurrency: tuple[int, ...] = (1, 2, 4)


@dataclass(frozen=True)
class MultiFidelityTask:
    """Problems x contenders x seeds with one Hyperband schedule.

    Attributes:
        problems: Multi-fidelity problem names.
        strategies: Contender names.
        repeats: Seeds (1, 10001, 20001, ...: the suite's seeds).
        max_epochs: Hyperband's ``max_epochs`` and every peer's maximum
            budget.
        factor: Hyperband's ``factor`` (DEHB's ``eta``, SMAC's ``eta``,
            Optuna's ``reduction_factor``).
        iterations: ``hyperband_iterations``; with ``max_epochs`` and
            ``factor`` it sets the total epochs of every run.
        design_size: ``n_points`` of the seeded oracles' design.
    """

    problems: tuple[str, ...]
    strategies: tuple[str, ...]
    repeats: int
    max_epochs: int = 27
    factor: int = 3
    iterations: int = 3
    design_size: int = 8

    @property
    def budget(self) -> int:
        """Total epochs of every run."""
        return hyperband_total_epochs(
            self.max_epochs, self.factor, self.iterations
        )


@dataclass(frozen=True)
class Measures:
    """Settings of the design-quality and overhead measures.

    ``None`` leaves a measure out.
    """

    design_quality: Mapping[str, Any] | None = None
    create_trial: Mapping[str, Any] | None = None
    design_build: Mapping[str, Any] | None = None
    prior_load: Mapping[str, Any] | None = None
    gp_step: Mapping[str, Any] | None = None
    gp_cost: Mapping[str, Any] | None = None
    hyperband_proposal: Mapping[str, Any] | None = None
    design_targets: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Suite:
    """A complete benchmark definition."""

    name: str
    search: tuple[SearchTask, ...]
    warmstart: WarmStartTask | None
    measures: Measures = field(default_factory=Measures)
    peers: tuple[SearchTask, ...] = ()
    parallel: ParallelTask | None = None
    multifidelity: tuple[MultiFidelityTask, ...] = ()
    portfolio: PortfolioTask | None = None


__all__ = [
    "Measures",
    "MultiFidelityTask",
    "ParallelTask",
    "PortfolioTask",
    "SearchTask",
    "Suite",
    "SuiteConfigError",
    "WarmStartTask",
]
