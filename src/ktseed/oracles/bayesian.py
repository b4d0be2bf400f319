"""``SeededBayesianOptimizationOracle``: a design, then GP steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from keras_tuner.oracles import BayesianOptimizationOracle

from ktseed import checks
from ktseed.oracles import _kt_private
from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles._handoff import HANDOFFS
from ktseed.oracles._handoff import HandoffMixin
from ktseed.oracles._handoff import make_handoff
from ktseed.oracles._seeding import SeededOracleMixin

if TYPE_CHECKING:
    from ktseed.registry import InitializerSpec


class SeededBayesianOptimizationOracle(
    _kt_private.ObservationsHook,
    HandoffMixin,
    SeededOracleMixin,
    BayesianOptimizationOracle,
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
        proposer = make_handoff(handoff, handoff_options)
        super().__init__(
            **parent_arguments(BayesianOptimizationOracle, locals())
        )
        self._ktseed_use_handoff(proposer)
        self._ktseed_setup(initializer, seed)

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

    def _ktseed_gp_handoff_step(self) -> dict[str, Any]:
        observations = [
            self._ktseed_observation(t) for t in self._ktseed_scored_trials()
        ]
        observations += [
            (v, self._ktseed_minimised(s)) for v, s in self._ktseed.observations
        ]
        values = self._ktseed_propose(
            observations, pending=self._ktseed_running_values()
        )
        if values is None:
            # Every configuration the model can reach was tried: fall back
            # to KerasTuner's sampler, which stops the search when it too
            # finds nothing new.
            return _kt_private.random_response(self)
        return {"status": "RUNNING", "values": values}


__all__ = ["HANDOFFS", "SeededBayesianOptimizationOracle"]
