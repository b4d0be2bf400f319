"""The contenders of the multi-fidelity task and whether each can run.

===========================  ===============================================
name                         what runs
===========================  ===============================================
``hyperband/stock``          KerasTuner's ``HyperbandOracle``, unchanged
``hyperband/<design>``       ktseed's ``SeededHyperbandOracle`` with the
                             ``<design>`` initializer (``sobol``, ``lhs``,
                             ...) and KerasTuner's random candidates after
                             it (the stock hand-off)
``hyperband-gp/<design>``    the same with ``handoff="gp"``: candidates
                             after the design come from ktseed's GP
``dehb``                     DEHB 0.1.2 (``dehb.DEHB``), ask/tell
``smac/hyperband``           SMAC3 2.4.1 ``MultiFidelityFacade``
                             (random forest, Hyperband intensifier)
``optuna/tpe-hyperband``     Optuna ``TPESampler`` + ``HyperbandPruner``,
                             every epoch reported
===========================  ===============================================

Every contender uses ``factor`` (``eta``, ``reduction_factor``) 3, a
minimum budget of 1 epoch and the task's ``max_epochs``, the run's seed,
and is charged through the same ledger
(:mod:`~ktseed.bench.multifidelity.accounting`). Settings of each peer:
:mod:`~ktseed.bench.multifidelity.peers`.
"""

from __future__ import annotations

import importlib.util
import inspect
from dataclasses import dataclass

from ktseed.bench.strategies import INITIALIZERS
from ktseed.errors import KtseedError

#: The peers, by name: (family, module that must be importable, pip hint).
PEERS: dict[str, tuple[str, str, str]] = {
    "dehb": ("dehb", "dehb", "pip install 'ktseed[peers-mf]' (dehb==0.1.2)"),
    "smac/hyperband": (
        "smac",
        "smac",
        "pip install 'ktseed[peers-mf]' (smac==2.4.1)",
    ),
    "optuna/tpe-hyperband": ("optuna", "optuna", "pip install 'ktseed[bench]'"),
}

#: The stock KerasTuner contender every other is compared with.
STOCK = "hyperband/stock"

#: The model-based Hyperband that issue 16's targets are about.
MODEL_BASED = "hyperband-gp/sobol"


class UnknownContenderError(KtseedError, LookupError):
    """A name is not a multi-fidelity contender."""


@dataclass(frozen=True)
class Contender:
    """One contender, parsed from its name.

    Attributes:
        name: The name (module docstring).
        family: ``"keras_tuner"`` (stock), ``"ktseed"``, ``"dehb"``,
            ``"smac"`` or ``"optuna"``.
        initializer: The design of a seeded Hyperband, else ``None``.
        handoff: ``"gp"`` for ``hyperband-gp/*``, else ``None``.
    """

    name: str
    family: str
    initializer: str | None = None
    handoff: str | None = None

    @property
    def is_keras_tuner(self) -> bool:
        """Whether it runs through a KerasTuner Hyperband oracle."""
        return self.family in ("keras_tuner", "ktseed")

    @property
    def is_peer(self) -> bool:
        """Whether it is another library (DEHB, SMAC, Optuna)."""
        return not self.is_keras_tuner


def parse_contender(name: str) -> Contender:
    """Parses a contender name.

    Raises:
        UnknownContenderError: Naming the accepted forms.
    """
    if name in PEERS:
        return Contender(name=name, family=PEERS[name][0])
    head, _, tail = name.partition("/")
    if head == "hyperband" and tail == "stock":
        return Contender(name=name, family="keras_tuner")
    if head in ("hyperband", "hyperband-gp") and tail in INITIALIZERS:
        return Contender(
            name=name,
            family="ktseed",
            initializer=tail,
            handoff="gp" if head == "hyperband-gp" else None,
        )
    msg = (
        f"unknown multi-fidelity contender '{name}'. Expected "
        f"'hyperband/stock', 'hyperband/<design>', 'hyperband-gp/<design>' "
        f"(design in {', '.join(INITIALIZERS)}) or one of "
        f"{', '.join(PEERS)}."
    )
    raise UnknownContenderError(msg)


def is_contender(name: str) -> bool:
    """Whether ``name`` parses as a multi-fidelity contender."""
    try:
        parse_contender(name)
    except UnknownContenderError:
        return False
    return True


def all_contenders() -> list[str]:
    """The contenders of the full suite, in report order."""
    return [
        STOCK,
        "hyperband/sobol",
        "hyperband-gp/sobol",
        "dehb",
        "smac/hyperband",
        "optuna/tpe-hyperband",
    ]


def contender_order(name: str) -> tuple[int, str]:
    """Sort key: the order of :func:`all_contenders`, then by name."""
    names = all_contenders()
    return (names.index(name) if name in names else len(names), name)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def seeded_hyperband_class() -> type | None:
    """``ktseed.oracles.SeededHyperbandOracle``, or ``None``."""
    try:
        from ktseed.oracles import SeededHyperbandOracle
    except ImportError:
        return None
    return SeededHyperbandOracle


def has_gp_handoff(cls: type | None) -> bool:
    """Whether the installed ``SeededHyperbandOracle`` takes ``handoff``."""
    if cls is None:
        return False
    return "handoff" in inspect.signature(cls).parameters


def unavailable_reason(contender: Contender) -> str | None:
    """Why ``contender`` cannot run here, or ``None`` when it can."""
    if contender.is_peer:
        family, module, hint = PEERS[contender.name]
        del family
        if not _importable(module):
            return f"{contender.name} skipped: {module} not installed ({hint})"
        if contender.family in ("dehb", "smac") and not _importable(
            "ConfigSpace"
        ):
            return (
                f"{contender.name} skipped: ConfigSpace not installed ({hint})"
            )
        return None
    if contender.family == "keras_tuner":
        return None
    cls = seeded_hyperband_class()
    if cls is None:
        return (
            f"{contender.name} skipped: ktseed.oracles.SeededHyperbandOracle "
            "is not available"
        )
    if contender.handoff is not None and not has_gp_handoff(cls):
        return (
            f"{contender.name} skipped: the installed SeededHyperbandOracle "
            "has no `handoff` argument yet (issue 16, item 1)"
        )
    return None


__all__ = [
    "MODEL_BASED",
    "PEERS",
    "STOCK",
    "Contender",
    "UnknownContenderError",
    "all_contenders",
    "contender_order",
    "has_gp_handoff",
    "is_contender",
    "parse_contender",
    "seeded_hyperband_class",
    "unavailable_reason",
]
