"""Peers: other libraries' optimisers on the benchmark's own problems.

One module per library, each a :class:`~ktseed.bench.peers.base.PeerRunner`
(:mod:`~ktseed.bench.peers.optuna`, :mod:`~ktseed.bench.peers.smac`,
:mod:`~ktseed.bench.peers.skopt`, :mod:`~ktseed.bench.peers.ax`), all
reading the KerasTuner space through :mod:`~ktseed.bench.peers.space`.
A peer strategy is named ``<family>/<variant>``: ``optuna/tpe``,
``optuna/qmc``, ``optuna/gp``, ``smac/bb``, ``smac/hpo``, ``skopt/gp``,
``ax/botorch``. The libraries are imported only when a peer runs; a
missing one is reported by :func:`unavailable_reason` (the suite prints it
and lists it under "Skipped contenders").
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ktseed.bench.peers.ax import AxRunner
from ktseed.bench.peers.base import ModuleCheck
from ktseed.bench.peers.base import PeerRequest
from ktseed.bench.peers.base import PeerRunner
from ktseed.bench.peers.base import TrialLog
from ktseed.bench.peers.optuna import OptunaRunner
from ktseed.bench.peers.skopt import SkoptRunner
from ktseed.bench.peers.smac import SmacRunner

if TYPE_CHECKING:
    from ktseed.bench.problems import Problem

#: The peer runners by family, in report order.
RUNNERS: dict[str, PeerRunner] = {
    runner.family: runner
    for runner in (OptunaRunner(), SmacRunner(), SkoptRunner(), AxRunner())
}


def peer_strategies() -> list[str]:
    """Every peer strategy name, in report order."""
    return [
        f"{family}/{variant}"
        for family, runner in RUNNERS.items()
        for variant in runner.variants
    ]


def is_peer(family: str, variant: str) -> bool:
    """Whether ``family/variant`` names a peer."""
    runner = RUNNERS.get(family)
    return runner is not None and variant in runner.variants


def unavailable_reason(
    family: str, variant: str, module_available: ModuleCheck
) -> str | None:
    """Why the peer cannot run here (``None`` when it can)."""
    return RUNNERS[family].unavailable_reason(variant, module_available)


def run_peer(
    family: str,
    variant: str,
    problem: Problem,
    *,
    seed: int,
    budget: int,
    design_size: int,
) -> list[dict[str, Any]]:
    """Runs one peer for ``budget`` evaluations; returns the raw trials."""
    log = TrialLog(problem, seed)
    request = PeerRequest(variant, problem, seed, budget, design_size)
    RUNNERS[family].run(request, log)
    return log.trials[:budget]


__all__ = [
    "RUNNERS",
    "PeerRequest",
    "PeerRunner",
    "TrialLog",
    "is_peer",
    "peer_strategies",
    "run_peer",
    "unavailable_reason",
]
