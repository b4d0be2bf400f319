"""``SeededBayesianOptimizationOracle``: a design, then GP steps."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from keras_tuner.oracles import BayesianOptimizationOracle

from ktseed import checks
from ktseed.errors import InitializerConfigError
from ktseed.oracles import _kt_private
from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles._seeding import SeededOracleMixin
from ktseed.prior_runs import trial_sort_key
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    from ktseed.registry import InitializerSpec
    from ktseed.space import Values

#: The hand-offs: how proposals are made once the design has run.
HANDOFFS = ("stock", "gp")


class SeededBayesianOptimizationOracle(
    _kt_private.ObservationsHook, SeededOracleMixin, BayesianOptimizationOracle
):
    """KerasTuner's Bayesian optimisation, started from an initial design.

    The first trials run the design's points in order. The Gaussian process
    takes over as soon as enough trials have *completed*:

    * ``num_initial_points`` defaults to the design size (KerasTuner's own
      default, ``3 * dims`` random trials, is used only when the design is
      empty and there are no prior observations);
    * KerasTuner counts COMPLETED trials, not issued ones: if design trials
      fail, or are still running on other workers, the oracle fills the gap
      with KerasTuner's random draws until ``num_initial_points`` trials
      have completed, exactly as the parent does;
    * prior-run observations (``prior_run`` with ``mode="observe"``) count
      as completed trials for this switch and are part of the GP's data
      from the very first GP proposal, without being run again, counted
      against ``max_trials`` or reported by ``get_best_trials()``.

    After the switch, ``handoff`` decides how proposals are made:
    ``"stock"`` (default) is KerasTuner's own GP step (isotropic Matern
    kernel, lower confidence bound with ``beta``), whose values are brought
    back into the space (in range, on the grid, native types); ``"gp"``, or
    a :class:`~ktseed.oracles.GPHandoff` instance with options, is ktseed's
    GP hand-off (one length scale per dimension, log expected improvement,
    categorical choices, no repeated configurations), which the benchmark
    page compares with the stock step and with the peers.

    Args:
        objective: As for ``keras_tuner.oracles.BayesianOptimizationOracle``.
        max_trials: Total trial budget, design included; a design larger
            than it is refused before any trial runs.
        num_initial_points: Completed trials (plus prior observations)
            needed before the GP takes over. ``None``: the design size.
        alpha: As for the parent (stock hand-off only).
        beta: As for the parent (stock hand-off only).
        seed: Seed of the search and, when the initializer has none, of the
            design. ``0`` is a real seed.
        hyperparameters: As for the parent.
        allow_new_entries: As for the parent.
        tune_new_entries: As for the parent.
        max_retries_per_trial: As for the parent.
        max_consecutive_failed_trials: As for the parent.
        initializer: The initial design: a registered name, a dict or an
            :class:`~ktseed.Initializer`.
        handoff: ``"stock"``, ``"gp"`` (shorthand for ``GPHandoff()``) or
            a :class:`~ktseed.oracles.GPHandoff` (see above). A hand-off
            without a seed takes the oracle's.
        handoff_options: Deprecated: keyword arguments of the ``"gp"``
            hand-off; pass ``handoff=GPHandoff(**options)`` instead.
    """

    _ktseed_supports_observations = True

    def __init__(
        self,
        objective: Any = None,
        max_trials: int | None = 10,
        num_initial_points: int | None = None,
        alpha: float = 1e-4,
        beta: float = 2.6,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
        handoff: str | Any = "stock",
        handoff_options: Mapping[str, Any] | None = None,
    ) -> None:
        num_initial_points = checks.integer(
            num_initial_points, "num_initial_points", optional=True
        )
        proposer = _make_handoff(handoff, handoff_options)
        super().__init__(
            **parent_arguments(BayesianOptimizationOracle, locals())
        )
        self._ktseed_setup(initializer, seed)
        self.handoff = "stock" if proposer is None else "gp"
        self._ktseed_handoff = proposer
        self.handoff_options = (
            {} if proposer is None else _non_default_options(proposer)
        )
        self._ktseed_proposer: Any = None

    # ------------------------------------------------------- proposals
    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Design point, else random (initial phase), else a GP proposal."""
        values = self._ktseed_design_values(trial_id)
        if values is not None:
            return {"status": "RUNNING", "values": values}
        if self._ktseed_in_initial_phase():
            response = _kt_private.random_response(self)
        elif self.handoff == "stock":
            # KerasTuner draws the acquisition's restarts from a generator it
            # never saves; seeding it from (seed, trial count) at every step
            # makes each proposal a function of the history, so a resumed
            # search proposes exactly what an uninterrupted one does.
            _kt_private.reseed_acquisition(self, len(self.trials))
            response = self._ktseed_sanitize(
                self._ktseed_stock_gp_step(trial_id)
            )
            if response.get("status") == "RUNNING" and self._ktseed_was_tried(
                response["values"]
            ):
                # KerasTuner's GP step never checks for repeats (keras-tuner
                # #227, #608) and never stops: a repeat is replaced by a
                # fresh random draw, which stops the search once the space
                # is used up, as KerasTuner's random phase does.
                response = _kt_private.random_response(self)
            return self._ktseed_sanitize(response)
        else:
            response = self._ktseed_gp_handoff_step()
        return self._ktseed_sanitize(response)

    @property
    def effective_num_initial_points(self) -> int | None:
        """Completed trials plus observations needed before the GP step.

        ``None`` until the design is built (at the first trial), unless
        ``num_initial_points`` was given.
        """
        if self.num_initial_points is not None:
            return max(int(self.num_initial_points), 1)
        schedule = self._ktseed
        if not schedule.materialized:
            return None
        if schedule.size == 0 and not schedule.observations:
            return max(3 * len(self.hyperparameters.space), 3)
        return max(schedule.size, 1)

    def _ktseed_in_initial_phase(self) -> bool:
        completed = sum(
            1 for t in self.trials.values() if t.status == "COMPLETED"
        )
        available = completed + len(self._ktseed.observations)
        needed = self.effective_num_initial_points
        if needed is None:  # the space is still empty: KerasTuner's rule
            needed = max(3 * len(self.hyperparameters.space), 3)
        return available < needed

    def _ktseed_minimised(self, score: float) -> float:
        return -score if self.objective.direction == "max" else score

    def _ktseed_extra_observations(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        codec = self._ktseed_codec()
        observations = self._ktseed.observations
        if not observations:
            return np.zeros((0, codec.dimension)), np.zeros(0)
        x = codec.encode_many([v for v, _ in observations])
        y = np.array([self._ktseed_minimised(s) for _, s in observations])
        return x, y

    def _ktseed_make_proposer(self) -> Any:
        """The GP proposer, seeded with the oracle's seed if it has none."""
        if self._ktseed_proposer is None:
            handoff = self._ktseed_handoff
            config = handoff.get_config()
            if config.get("seed") is None:
                config["seed"] = self.seed
            self._ktseed_proposer = type(handoff).from_config(config)
        return self._ktseed_proposer

    def _ktseed_gp_handoff_step(self) -> dict[str, Any]:
        codec = self._ktseed_codec()
        # In trial-id order, so that a resumed search (whose trials come
        # back in directory-listing order) makes the same proposal.
        completed = sorted(
            (
                t
                for t in self.trials.values()
                if t.status == "COMPLETED" and t.score is not None
            ),
            key=lambda t: trial_sort_key(t.trial_id),
        )
        observations: list[tuple[Values, float]] = [
            (
                strip_tuner_keys(t.hyperparameters.values),
                self._ktseed_minimised(float(t.score)),
            )
            for t in completed
        ]
        observations += [
            (v, self._ktseed_minimised(s)) for v, s in self._ktseed.observations
        ]
        pending = [
            strip_tuner_keys(t.hyperparameters.values)
            for t in sorted(
                self.ongoing_trials.values(),
                key=lambda t: trial_sort_key(t.trial_id),
            )
        ]
        values = self._ktseed_make_proposer().propose(
            codec,
            observations,
            pending=pending,
            is_tried=lambda v: _kt_private.is_duplicate(self, v),
        )
        if values is None:
            # Every configuration the model can reach was tried: fall back
            # to KerasTuner's sampler, which stops the search when it too
            # finds nothing new.
            return _kt_private.random_response(self)
        return {"status": "RUNNING", "values": values}

    # ----------------------------------------------------------- state
    def get_state(self) -> dict[str, Any]:
        """Parent state plus the design and the hand-off."""
        state = super().get_state()
        state["ktseed"]["handoff"] = {
            "name": self.handoff,
            "options": self.handoff_options,
        }
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores the state; the hand-off passed now is kept."""
        super().set_state(state)
        self._ktseed_codec_cache = None
        self._ktseed_proposer = None  # rebuilt with the restored seed


def _make_handoff(handoff: Any, options: Mapping[str, Any] | None) -> Any:
    """The GP proposer for ``handoff`` (``None`` for the stock GP step).

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
    _check_handoff_name(handoff)
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


def _check_handoff_name(handoff: object) -> None:
    if handoff not in HANDOFFS or not isinstance(handoff, str):
        msg = (
            f"`handoff` must be one of {list(HANDOFFS)!r} (got {handoff!r}) "
            "or a ktseed.oracles.GPHandoff."
        )
        raise InitializerConfigError(msg)


def _non_default_options(proposer: Any) -> dict[str, Any]:
    """The proposer's options that differ from the defaults (JSON-safe)."""
    config = proposer.get_config()
    defaults = type(proposer)().get_config()
    return {
        k: v
        for k, v in config.items()
        if k not in ("name", "seed") and v != defaults.get(k)
    }


__all__ = ["HANDOFFS", "SeededBayesianOptimizationOracle"]
