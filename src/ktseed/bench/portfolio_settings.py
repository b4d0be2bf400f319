"""Settings of the ``portfolio`` benchmark task (no heavy imports).

:class:`PortfolioTask` is what a suite holds (``Suite.portfolio``); it is
kept apart from the runner (:mod:`ktseed.bench.portfolio_task`) so that
:mod:`ktseed.bench.tasks` can name it without importing KerasTuner, the
cells or the worker pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace

from ktseed.bench.cells import seed_list

#: The families, in run order.
FAMILIES = ("mixed", "mixed_cond", "svm")

#: The Bayesian oracle's hand-offs: ktseed's GP, KerasTuner's own step.
HANDOFFS = ("gp", "stock")


@dataclass(frozen=True)
class PortfolioTask:
    """Settings of the ``portfolio`` benchmark task.

    Attributes:
        name: ``"full"``, ``"reduced"``, ``"quick"`` or another label,
            shown in the results.
        families: Which families to run (see :data:`FAMILIES`).
        tasks: Tasks per family (the first ones; at most 8).
        held_out: How many of them are held out in turn (the first ones).
        repeats: Seeds per held-out task (designs evaluated).
        search_repeats: Of those, how many run the searches with the GP
            hand-off.
        stock_repeats: Of those, how many also run KerasTuner's GP step,
        stock_tasks: on this many held-out tasks per family (the first).
        budget: Trials per search.
        design_size: Points of every design (``top_k`` of ``prior_run``).
        prior_trials: Trials of each earlier search.
        svm_grid: ``"full"`` or ``"quick"`` (the SVM space's grid).
        timing: ``{"sources", "trials", "n_points", "repeats"}`` of the
            build-time measure, or ``None``.
    """

    name: str = "full"
    families: tuple[str, ...] = FAMILIES
    tasks: int = 8
    held_out: int = 8
    repeats: int = 20
    search_repeats: int = 20
    stock_repeats: int = 20
    stock_tasks: int = 8
    budget: int = 30
    design_size: int = 8
    prior_trials: int = 64
    svm_grid: str = "full"
    timing: tuple[tuple[str, int], ...] | None = (
        ("sources", 10),
        ("trials", 1000),
        ("n_points", 16),
        ("repeats", 5),
    )

    @classmethod
    def preset(cls, name: str) -> PortfolioTask:
        """``"full"`` (the defaults), ``"reduced"`` or ``"quick"``.

        ``reduced`` is what fits in about 45 minutes on one busy core: the
        designs of every family for 20 seeds, the GP-hand-off searches for
        10 of them, and KerasTuner's own GP step for 1 seed on 2 held-out
        tasks per family. ``quick`` is CI's smoke run (under a minute):
        two families of 4 tasks, 2 held out, 2 seeds, tiny budgets.
        """
        if name == "full":
            return cls()
        if name == "reduced":
            return cls(
                name="reduced",
                search_repeats=10,
                stock_repeats=1,
                stock_tasks=2,
            )
        if name == "quick":
            return cls(
                name="quick",
                families=("mixed", "svm"),
                tasks=4,
                held_out=2,
                repeats=2,
                search_repeats=1,
                stock_repeats=1,
                stock_tasks=1,
                budget=8,
                design_size=4,
                prior_trials=20,
                svm_grid="quick",
                timing=(
                    ("sources", 3),
                    ("trials", 200),
                    ("n_points", 8),
                    ("repeats", 2),
                ),
            )
        msg = f"unknown preset '{name}'; expected full, reduced or quick."
        raise LookupError(msg)

    def customised(
        self,
        repeats: int | None = None,
        budget: int | None = None,
        design_size: int | None = None,
    ) -> PortfolioTask:
        """The command line's ``--repeats``, ``--budget``, ``--design-size``.

        ``repeats`` also caps the searches' seeds.
        """
        changed = self
        if repeats is not None:
            changed = replace(
                changed,
                repeats=repeats,
                search_repeats=min(self.search_repeats, repeats),
                stock_repeats=min(self.stock_repeats, repeats),
            )
        if budget is not None:
            changed = replace(changed, budget=budget)
        if design_size is not None:
            changed = replace(changed, design_size=design_size)
        return changed

    def describe(self) -> str:
        """One line for ``ktseed bench --list``."""
        return (
            f"{self.name}: {', '.join(self.families)} | {self.tasks} tasks, "
            f"{self.held_out} held out, {self.repeats} seeds (searches: "
            f"{self.search_repeats} GP hand-off, {self.stock_repeats} stock "
            f"on {self.stock_tasks} task(s)), budget {self.budget}, "
            f"design {self.design_size}"
        )

    def seeds(self) -> list[int]:
        """The seeds of every held-out task."""
        return seed_list(self.repeats)

    def cells(self) -> list[tuple[str, int, int, tuple[str, ...]]]:
        """Every cell: ``(family, held-out index, seed, hand-offs)``.

        The cells without searches (only the designs, a second or two
        each) come first, then the cells with searches; each group is
        seed-major: every held-out task of every family gets a seed before
        any gets the next one. A run stopped early thus has the designs of
        every seed without searches, and the searches (with their designs)
        of the same first seeds on every task.
        """
        every = [
            (family, held, seed, self.handoffs(held, k))
            for k, seed in enumerate(self.seeds())
            for family in self.families
            for held in range(min(self.held_out, self.tasks))
        ]
        return [c for c in every if not c[3]] + [c for c in every if c[3]]

    def handoffs(self, held: int, k: int) -> tuple[str, ...]:
        """The searches of held-out task ``held`` with the ``k``-th seed."""
        wanted: tuple[str, ...] = ()
        if k < self.search_repeats:
            wanted += ("gp",)
        if k < self.stock_repeats and held < self.stock_tasks:
            wanted += ("stock",)
        return wanted


__all__ = ["FAMILIES", "HANDOFFS", "PortfolioTask"]
