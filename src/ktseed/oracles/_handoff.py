"""The hand-off plumbing the seeded Bayesian and Hyperband oracles share.

A *hand-off* decides how a seeded oracle proposes configurations once its
design has run: ``"stock"`` (KerasTuner's own logic) or ktseed's GP
hand-off (``"gp"``, or a :class:`~ktseed.oracles.gp.GPHandoff` instance
with options). This module holds what both oracles do the same way:

* :func:`make_handoff` turns the ``handoff=`` argument into a proposer
  (``None`` for the stock logic), with one error message;
* :class:`HandoffMixin` builds the proposer with the oracle's seed, frames
  trial scores for minimisation, lists the scored trials in trial-id order
  and the running ones (the *pending* points of the kriging believer),
  asks the proposer (never for a configuration that ran already) and
  records the hand-off in ``oracle.json``.

The oracles decide *which* observations a proposal sees (all of them for
the Bayesian oracle; one epoch budget for Hyperband's).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ktseed.errors import InitializerConfigError
from ktseed.prior_runs import trial_sort_key
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    from ktseed.oracles.gp import GPHandoff
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: The hand-offs: how proposals are made once the design has run.
HANDOFFS = ("stock", "gp")

#: One observation for the hand-off: values and a score to minimise.
Observation = tuple["Values", float]


def make_handoff(
    handoff: Any, options: Mapping[str, Any] | None = None
) -> GPHandoff | None:
    """The GP proposer for ``handoff`` (``None`` for the stock logic).

    Args:
        handoff: ``"stock"``, ``"gp"`` or a ``GPHandoff`` instance.
        options: The Bayesian oracle's deprecated ``handoff_options``
            (keyword arguments of ``GPHandoff`` for ``handoff="gp"``).

    Raises:
        InitializerConfigError: For an unknown hand-off, or options with
            another hand-off than ``"gp"``.
        HandoffConfigError: For invalid options.
    """
    from ktseed.oracles.gp import GPHandoff

    if isinstance(handoff, GPHandoff):
        if options:
            msg = (
                "`handoff_options` only apply to handoff='gp'; pass the "
                "options to GPHandoff(...) instead."
            )
            raise InitializerConfigError(msg)
        return handoff
    check_handoff_name(handoff)
    if options and handoff != "gp":
        msg = "`handoff_options` only apply to handoff='gp'."
        raise InitializerConfigError(msg)
    if handoff == "stock":
        return None
    if options:
        warnings.warn(
            "`handoff_options` is deprecated: pass "
            "handoff=GPHandoff(**options) (from ktseed.oracles import "
            "GPHandoff) instead of handoff='gp' with handoff_options.",
            DeprecationWarning,
            stacklevel=4,
        )
        if "seed" in options:
            msg = (
                "`handoff_options` must not contain 'seed': the GP "
                "hand-off takes the oracle's `seed`."
            )
            raise InitializerConfigError(msg)
    return GPHandoff(**dict(options or {}))


def check_handoff_name(handoff: object) -> None:
    """Raises unless ``handoff`` is one of :data:`HANDOFFS`."""
    if handoff not in HANDOFFS or not isinstance(handoff, str):
        msg = (
            f"`handoff` must be one of {list(HANDOFFS)!r} (got {handoff!r}) "
            "or a ktseed.oracles.GPHandoff."
        )
        raise InitializerConfigError(msg)


def non_default_options(proposer: Any) -> dict[str, Any]:
    """The proposer's options that differ from the defaults (JSON-safe)."""
    config = proposer.get_config()
    defaults = type(proposer)().get_config()
    return {
        k: v
        for k, v in config.items()
        if k not in ("name", "seed") and v != defaults.get(k)
    }


class HandoffMixin:
    """The hand-off of a seeded oracle: its proposer, inputs and state.

    Sits before :class:`~ktseed.oracles._seeding.SeededOracleMixin` in the
    MRO. The oracle calls :meth:`_ktseed_use_handoff` in ``__init__`` and
    :meth:`_ktseed_propose` where it wants a model proposal.

    Attributes:
        handoff: ``"stock"`` or ``"gp"``.
        handoff_options: The GP hand-off's options that differ from its
            defaults (``{}`` for the stock hand-off).
    """

    # Provided by keras_tuner.Oracle and SeededOracleMixin.
    trials: dict[str, Any]
    ongoing_trials: dict[str, Any]
    seed: int
    objective: Any

    handoff: str
    handoff_options: dict[str, Any]
    _ktseed_handoff: Any
    _ktseed_proposer: Any

    if TYPE_CHECKING:  # provided by SeededOracleMixin

        def _ktseed_codec(self) -> SpaceCodec: ...

        def _ktseed_was_tried(self, values: Mapping[str, Any]) -> bool: ...

    def _ktseed_use_handoff(self, proposer: GPHandoff | None) -> None:
        """Sets the hand-off (what :func:`make_handoff` returned)."""
        self.handoff = "stock" if proposer is None else "gp"
        self._ktseed_handoff = proposer
        self.handoff_options = (
            {} if proposer is None else non_default_options(proposer)
        )
        self._ktseed_proposer = None

    def _ktseed_make_proposer(self) -> Any:
        """The GP proposer, seeded with the oracle's seed if it has none."""
        if self._ktseed_proposer is None:
            handoff = self._ktseed_handoff
            config = handoff.get_config()
            if config.get("seed") is None:
                config["seed"] = self.seed
            self._ktseed_proposer = type(handoff).from_config(config)
        return self._ktseed_proposer

    def _ktseed_minimised(self, score: float) -> float:
        return -score if self.objective.direction == "max" else score

    def _ktseed_scored_trials(self) -> list[Any]:
        """COMPLETED trials with a score, in trial-id order.

        In trial-id order, so that a resumed search (whose trials come back
        in directory-listing order) makes the same proposal.
        """
        return sorted(
            (
                t
                for t in self.trials.values()
                if t.status == "COMPLETED" and t.score is not None
            ),
            key=lambda t: trial_sort_key(t.trial_id),
        )

    def _ktseed_observation(self, trial: Any) -> Observation:
        """A scored trial as ``(values, score to minimise)``."""
        return (
            strip_tuner_keys(trial.hyperparameters.values),
            self._ktseed_minimised(float(trial.score)),
        )

    def _ktseed_running_values(self) -> list[Values]:
        """The values of the running trials (other workers'), by trial id."""
        return [
            strip_tuner_keys(t.hyperparameters.values)
            for t in sorted(
                self.ongoing_trials.values(),
                key=lambda t: trial_sort_key(t.trial_id),
            )
        ]

    def _ktseed_propose(
        self,
        observations: Sequence[Observation],
        pending: Sequence[Mapping[str, Any]],
    ) -> Values | None:
        """The proposer's next configuration, never one that ran already.

        Returns:
            Complete, canonical values, or ``None`` when the proposer found
            nothing untried (the caller falls back to KerasTuner's sampler).
        """
        values: Values | None = self._ktseed_make_proposer().propose(
            self._ktseed_codec(),
            observations,
            pending=pending,
            is_tried=self._ktseed_was_tried,
        )
        return values

    # ----------------------------------------------------------- state
    def get_state(self) -> dict[str, Any]:
        """Parent state plus the hand-off (under ``"ktseed"``)."""
        state: dict[str, Any] = super().get_state()  # type: ignore[misc]
        state["ktseed"]["handoff"] = {
            "name": self.handoff,
            "options": self.handoff_options,
        }
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores the state; the hand-off passed now is kept."""
        super().set_state(state)  # type: ignore[misc]
        self._ktseed_proposer = None  # rebuilt with the restored seed


__all__ = [
    "HANDOFFS",
    "HandoffMixin",
    "Observation",
    "check_handoff_name",
    "make_handoff",
    "non_default_options",
]
