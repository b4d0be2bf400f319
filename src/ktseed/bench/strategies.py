"""Benchmark contenders and the factory that builds their oracles.

A strategy is named ``<oracle>/<start>``:

* ``random``, ``bayesian``, ``hyperband``: KerasTuner's three oracles;
  ``bayesian-gp`` is ktseed's Bayesian oracle with ``handoff="gp"``.
* ``<oracle>/stock``: the stock KerasTuner oracle, unchanged (its own random
  start; for Bayesian ``num_initial_points = 3 * d``).
* ``<oracle>/<initializer>``: the seeded ktseed oracle whose first
  ``design_size`` trials come from the initializer: ``random``, ``lhs``,
  ``lhs-cd`` (``optimization="random-cd"``), ``sobol``, ``halton``. For the
  Bayesian oracle ``num_initial_points`` is the design size (ktseed's
  default), so ``bayesian/random`` isolates the effect of a smaller start
  from that of a space-filling one.
* ``<oracle>/prior-replay`` and ``bayesian/prior-observe``: warm starts from
  a prior run (``prior_run`` initializer, ``mode="replay"|"observe"``).
* ``optuna/tpe``, ``optuna/qmc``, ``optuna/gp``: Optuna's ``TPESampler``,
  ``QMCSampler(qmc_type="sobol", scramble=True)`` and ``GPSampler``, each
  with default settings and the run's seed.
* ``smac/bb``, ``smac/hpo``, ``skopt/gp``, ``ax/botorch``: the other peers
  (:mod:`ktseed.bench.peers`); ``family`` is the library and ``sampler``
  the variant.

Every contender of a cell gets the same seed (KerasTuner treats ``seed=0``
as unseeded, so seeds start at 1), the same budget and the same space.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from ktseed.bench import peers
from ktseed.bench.peers.optuna import suggest_values
from ktseed.errors import KtseedError

if TYPE_CHECKING:
    from ktseed.bench.problems import Problem

ORACLES = ("random", "bayesian", "hyperband")

#: Initializer specs by strategy suffix (``n_points`` is added per cell).
INITIALIZERS: dict[str, dict[str, Any]] = {
    "random": {"name": "random"},
    "lhs": {"name": "lhs"},
    "lhs-cd": {"name": "lhs", "optimization": "random-cd"},
    "sobol": {"name": "sobol"},
    "halton": {"name": "halton"},
}

WARM_MODES = {"prior-replay": "replay", "prior-observe": "observe"}

SAMPLERS = ("tpe", "qmc", "gp")

#: Hyperband's ``factor``; ``max_epochs`` comes from the problem.
HYPERBAND_FACTOR = 3

#: The oracle classes of the seeded strategies, by oracle name.
SEEDED_CLASSES = {
    "random": "SeededRandomSearchOracle",
    "bayesian": "SeededBayesianOptimizationOracle",
    "hyperband": "SeededHyperbandOracle",
}
STOCK_CLASSES = {
    "random": "RandomSearchOracle",
    "bayesian": "BayesianOptimizationOracle",
    "hyperband": "HyperbandOracle",
}


class UnknownStrategyError(KtseedError, LookupError):
    """A strategy name does not follow ``<oracle>/<start>``."""


@dataclass(frozen=True)
class Strategy:
    """One contender, parsed from its name.

    Attributes:
        name: ``"<oracle>/<start>"``.
        family: ``"keras_tuner"`` (stock), ``"ktseed"``, or a peer's
            library (``"optuna"``, ``"smac"``, ``"skopt"``, ``"ax"``).
        oracle: ``"random"``, ``"bayesian"`` or ``"hyperband"`` (``None``
            for peers).
        initializer: The initializer suffix (``"sobol"``...), ``None`` for
            stock oracles and Optuna.
        warm: ``"replay"`` or ``"observe"`` for prior-run warm starts.
        sampler: A peer's variant (``"tpe"``, ``"qmc"``, ``"gp"`` for
            Optuna; ``"bb"``, ``"hpo"`` for SMAC3...).
        handoff: ``"gp"`` for the ``bayesian-gp`` oracle.
    """

    name: str
    family: str
    oracle: str | None = None
    initializer: str | None = None
    warm: str | None = None
    sampler: str | None = None
    handoff: str | None = None

    @property
    def baseline(self) -> str | None:
        """The stock KerasTuner strategy it is compared with (same oracle)."""
        if self.oracle is None:
            return None
        stock = f"{self.oracle}/stock"
        return None if stock == self.name else stock

    @property
    def is_peer(self) -> bool:
        """Whether it is another library's optimiser (no oracle)."""
        return self.oracle is None

    @property
    def seeded(self) -> bool:
        """Whether it uses a ktseed oracle."""
        return self.family == "ktseed"

    def initializer_spec(
        self,
        *,
        design_size: int,
        prior: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The ``initializer=`` argument of the seeded oracle.

        Args:
            design_size: ``n_points`` for generated designs, ``top_k`` for
                prior runs replayed (observe mode uses every prior trial).
            prior: ``{"directory", "project_name"}`` of the prior run.

        Returns:
            The spec dict, or ``None`` for stock oracles and Optuna.
        """
        if self.warm is not None:
            if prior is None:
                msg = f"strategy '{self.name}' needs a prior run."
                raise ValueError(msg)
            spec: dict[str, Any] = {
                "name": "prior_run",
                "directory": str(prior["directory"]),
                "project_name": str(prior["project_name"]),
                "mode": self.warm,
            }
            if self.warm == "replay":
                # Observe mode feeds every usable prior trial to the GP.
                spec["top_k"] = design_size
            return spec
        if self.initializer is None:
            return None
        return {**INITIALIZERS[self.initializer], "n_points": design_size}


def parse_strategy(name: str) -> Strategy:
    """Parses a strategy name (see the module docstring).

    Raises:
        UnknownStrategyError: Naming the accepted forms.
    """
    head, _, tail = name.partition("/")
    if peers.is_peer(head, tail):
        return Strategy(name=name, family=head, sampler=tail)
    handoff = None
    oracle = head
    if head == "bayesian-gp":
        oracle, handoff = "bayesian", "gp"
    if oracle in ORACLES:
        if tail == "stock" and handoff is None:
            return Strategy(name=name, family="keras_tuner", oracle=oracle)
        if tail in INITIALIZERS:
            return Strategy(
                name=name,
                family="ktseed",
                oracle=oracle,
                initializer=tail,
                handoff=handoff,
            )
        if tail in WARM_MODES and handoff is None:
            mode = WARM_MODES[tail]
            if mode == "observe" and oracle != "bayesian":
                msg = (
                    f"strategy '{name}': observe mode is Bayesian-only; "
                    "use 'bayesian/prior-observe' or '<oracle>/prior-replay'."
                )
                raise UnknownStrategyError(msg)
            return Strategy(
                name=name, family="ktseed", oracle=oracle, warm=mode
            )
    msg = (
        f"unknown strategy '{name}'. Expected '<oracle>/stock', "
        f"'<oracle>/<initializer>', '<oracle>/prior-replay', "
        f"'bayesian/prior-observe' or a peer, with oracle in "
        f"{', '.join((*ORACLES, 'bayesian-gp'))}, initializer in "
        f"{', '.join(INITIALIZERS)} and peer in "
        f"{', '.join(peers.peer_strategies())}."
    )
    raise UnknownStrategyError(msg)


def all_search_strategies() -> list[str]:
    """Every strategy of the search task, in report order."""
    names = []
    for oracle in ORACLES:
        names.append(f"{oracle}/stock")
        names.extend(f"{oracle}/{init}" for init in INITIALIZERS)
    names.append("bayesian-gp/sobol")
    names.extend(f"optuna/{s}" for s in SAMPLERS)
    return names


def peer_strategies() -> list[str]:
    """Every peer (another library's optimiser), in report order."""
    return peers.peer_strategies()


# ----------------------------------------------------------- availability
def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def unavailable_reason(strategy: Strategy) -> str | None:
    """Why ``strategy`` cannot run here, or ``None`` when it can.

    Checks the optional peers (Optuna, torch for ``GPSampler``, SMAC3,
    scikit-optimize, Ax), the seeded oracles, the ``handoff="gp"`` option
    and the ``prior_run`` initializer.
    """
    if strategy.is_peer:
        assert strategy.sampler is not None
        return peers.unavailable_reason(
            strategy.family, strategy.sampler, _module_available
        )
    if not strategy.seeded:
        return None
    assert strategy.oracle is not None
    cls = seeded_oracle_class(strategy.oracle)
    if cls is None:
        return (
            f"{strategy.name} skipped: ktseed.oracles."
            f"{SEEDED_CLASSES[strategy.oracle]} is not available"
        )
    if strategy.handoff is not None:
        parameters = inspect.signature(cls).parameters
        if "handoff" not in parameters:
            return (
                f"{strategy.name} skipped: {cls.__name__} has no `handoff` "
                "argument yet"
            )
    if strategy.warm is not None:
        from ktseed.registry import available_initializers

        if "prior_run" not in available_initializers():
            return (
                f"{strategy.name} skipped: the 'prior_run' initializer is not "
                "registered"
            )
    return None


def seeded_oracle_class(oracle: str) -> Any:
    """``ktseed.oracles.Seeded<...>Oracle`` or ``None`` if not importable."""
    try:
        module = importlib.import_module("ktseed.oracles")
    except ImportError:
        return None
    return getattr(module, SEEDED_CLASSES[oracle], None)


# ---------------------------------------------------------------- factory
def build_oracle(
    strategy: Strategy,
    problem: Problem,
    *,
    seed: int,
    budget: int,
    design_size: int,
    prior: Mapping[str, Any] | None = None,
) -> Any:
    """Builds the KerasTuner oracle of ``strategy`` for one run.

    The oracle gets the problem's space through ``hyperparameters=``, the
    objective ``Objective(problem.metric, problem.direction)``, ``seed``
    and ``max_trials=budget``. Hyperband has no ``max_trials`` argument; it
    gets ``max_epochs=problem.hyperband_max_epochs``, ``factor=3`` and
    ``hyperband_iterations=budget`` (more than the budget can use), and its
    ``max_trials`` attribute is set to the budget (the base
    ``Oracle.create_trial`` stops there).

    Args:
        strategy: A KerasTuner or ktseed strategy.
        problem: The problem.
        seed: The run's seed (>= 1).
        budget: Number of trials.
        design_size: ``n_points`` of the initializer (``top_k`` for prior
            runs).
        prior: The prior run for warm starts.

    Returns:
        The oracle.

    Raises:
        ValueError: For an Optuna strategy.
    """
    import keras_tuner as kt
    from keras_tuner import oracles as kt_oracles

    if strategy.oracle is None:
        msg = f"strategy '{strategy.name}' has no KerasTuner oracle."
        raise ValueError(msg)
    if strategy.seeded:
        cls = seeded_oracle_class(strategy.oracle)
        if cls is None:
            msg = (
                f"strategy '{strategy.name}': ktseed.oracles."
                f"{SEEDED_CLASSES[strategy.oracle]} is not available."
            )
            raise ImportError(msg)
    else:
        cls = getattr(kt_oracles, STOCK_CLASSES[strategy.oracle])
    kwargs: dict[str, Any] = {
        "objective": kt.Objective(problem.metric, problem.direction),
        "seed": int(seed),
        "hyperparameters": problem.space(),
    }
    if strategy.oracle == "hyperband":
        kwargs["max_epochs"] = problem.hyperband_max_epochs
        kwargs["factor"] = HYPERBAND_FACTOR
        # Enough iterations never to end before the budget.
        kwargs["hyperband_iterations"] = int(budget)
    else:
        kwargs["max_trials"] = int(budget)
    if strategy.seeded:
        kwargs["initializer"] = strategy.initializer_spec(
            design_size=design_size, prior=prior
        )
    if strategy.handoff is not None:
        kwargs["handoff"] = strategy.handoff
    oracle = cls(**kwargs)
    if strategy.oracle == "hyperband":
        oracle.max_trials = int(budget)
    return oracle


def design_trial_ids(oracle: Any) -> set[str]:
    """The ids of the trials an oracle's design made (none for a stock one).

    A seeded oracle's ``design_trial_ids`` may be a property or a method.
    """
    ids = getattr(oracle, "design_trial_ids", ())
    if callable(ids):
        ids = ids()
    return {str(i) for i in ids or ()}


def make_sampler(strategy: Strategy, seed: int) -> Any:
    """The Optuna sampler of an ``optuna/*`` strategy, seeded."""
    if strategy.family != "optuna":
        msg = f"strategy '{strategy.name}' is not an Optuna strategy."
        raise ValueError(msg)
    return peers.optuna.make_sampler(strategy.sampler, seed)


__all__ = [
    "INITIALIZERS",
    "ORACLES",
    "SAMPLERS",
    "Strategy",
    "UnknownStrategyError",
    "all_search_strategies",
    "build_oracle",
    "design_trial_ids",
    "make_sampler",
    "parse_strategy",
    "peer_strategies",
    "seeded_oracle_class",
    "suggest_values",
    "unavailable_reason",
]
