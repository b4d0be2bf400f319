"""The interface every peer runner implements, and the trial log it fills.

A *peer* is an optimiser from another library run on the benchmark's own
problems: the same KerasTuner space (mapped by
:mod:`ktseed.bench.peers.space`), the same objective function, the same
seed and trial budget. One :class:`PeerRunner` subclass per library lives
in its own module; :mod:`ktseed.bench.peers` finds them by family name.

Call sequence for one benchmark cell: :meth:`PeerRunner.unavailable_reason`
(before any cell runs: a missing library is a visible notice, never a
silent gap), then :meth:`PeerRunner.run`, which asks the library for
points, evaluates each through :meth:`TrialLog.evaluate` and stops after
``budget`` evaluations.
"""

from __future__ import annotations

import abc
import math
import tempfile
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

if TYPE_CHECKING:
    from ktseed.bench.problems import Problem

ModuleCheck = Callable[[str], bool]


def evaluation_seed(seed: int, trial_index: int) -> int:
    """Seed of the ``trial_index``-th evaluation of a run with ``seed``.

    The same for every contender, so trial ``i`` of two strategies with the
    same seed initialises its model identically (training problems only).
    """
    return int(seed) * 1000 + int(trial_index)


def scratch_root() -> Path:
    """A RAM-backed folder for project directories when one exists."""
    shm = Path("/dev/shm")
    if shm.is_dir():
        return shm
    return Path(tempfile.gettempdir())


class TrialLog:
    """Evaluates a run's points and records them as raw trials.

    Args:
        problem: The problem being optimised.
        seed: The run's seed (evaluation seeds derive from it).

    Attributes:
        trials: One ``{"trial_id", "values", "value", "seconds",
            "design"}`` per evaluation, in order; ``seconds`` is the wall
            time since the previous evaluation ended (the optimiser's own
            work included).
    """

    def __init__(self, problem: Problem, seed: int) -> None:
        self.problem = problem
        self.seed = int(seed)
        self.trials: list[dict[str, Any]] = []
        self._clock = time.perf_counter()

    def __len__(self) -> int:
        return len(self.trials)

    def evaluate(
        self, values: Mapping[str, Any], *, design: bool = False
    ) -> float:
        """Evaluates one point, records it and returns the raw value.

        Args:
            values: The active hyperparameter values.
            design: Whether the point came from the peer's initial design.

        Returns:
            The problem's value (maximised or minimised as the problem
            says; :meth:`loss` gives the minimised form).
        """
        value = float(
            self.problem.evaluate(
                values, seed=evaluation_seed(self.seed, len(self.trials))
            )
        )
        now = time.perf_counter()
        self.trials.append(
            {
                "trial_id": str(len(self.trials)),
                "values": dict(values),
                "value": value,
                "seconds": now - self._clock,
                "design": bool(design),
            }
        )
        self._clock = now
        return value

    def loss(self, value: float) -> float:
        """The value as a loss (negated for a maximised problem).

        Non-finite values become a large finite loss, which every peer
        accepts.
        """
        loss = value if self.problem.direction == "min" else -value
        return loss if math.isfinite(loss) else 1e300


@dataclass(frozen=True)
class PeerRequest:
    """One peer run.

    Attributes:
        variant: The optimiser (a key of :attr:`PeerRunner.variants`).
        problem: The problem.
        seed: The run's seed (>= 1), given to the library.
        budget: Number of evaluations.
        design_size: The initial-design size, for libraries that take one
            (each module says what it sets).
    """

    variant: str
    problem: Problem
    seed: int
    budget: int
    design_size: int


class PeerRunner(abc.ABC):
    """Runs one library's optimisers on benchmark problems.

    Subclasses set the class attributes and implement :meth:`run`.

    Attributes:
        family: The strategy prefix (``"smac"`` in ``"smac/bb"``).
        variants: ``{variant: one-line description}`` of the optimisers.
        requires: Modules that must be importable, with the variants that
            need them (``None`` for all variants).
        install: The install hint shown when a module is missing.
        label: The library's name in notices.
    """

    family: ClassVar[str] = ""
    label: ClassVar[str] = ""
    variants: ClassVar[Mapping[str, str]] = {}
    requires: ClassVar[Mapping[str, tuple[str, ...] | None]] = {}
    install: ClassVar[str] = "pip install 'ktseed[peers]'"

    def unavailable_reason(
        self, variant: str, module_available: ModuleCheck
    ) -> str | None:
        """Why ``variant`` cannot run here, or ``None`` when it can.

        Args:
            variant: The optimiser (a key of :attr:`variants`).
            module_available: Tells whether a module is importable.
        """
        for module, needed_by in self.requires.items():
            if needed_by is not None and variant not in needed_by:
                continue
            if not module_available(module):
                return (
                    f"{self.family}/{variant} skipped: {module} not installed "
                    f"({self.install})"
                )
        return None

    @abc.abstractmethod
    def run(self, request: PeerRequest, log: TrialLog) -> None:
        """Runs ``request.budget`` evaluations through ``log``.

        Args:
            request: What to run (:class:`PeerRequest`).
            log: Where every evaluation goes.
        """


__all__ = [
    "ModuleCheck",
    "PeerRequest",
    "PeerRunner",
    "TrialLog",
    "evaluation_seed",
    "scratch_root",
]
