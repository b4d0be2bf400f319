"""``SeededBayesianOptimizationOracle``: a design, then GP steps."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from keras_tuner.oracles import BayesianOptimizationOracle

from ktseed.errors import InitializerConfigError
from ktseed.oracles import _kt_private
from ktseed.oracles._seeding import SeededOracleMixin
from ktseed.space import SpaceCodec
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
    ``"stock"`` (default) is KerasTuner's own GP step unchanged (isotropic
    Matern kernel, lower confidence bound with ``beta``); ``"gp"`` is
    ktseed's GP hand-off (:class:`~ktseed.oracles.gp_handoff.GPHandoff`:
    one length scale per dimension, log expected improvement, categorical
    choices, no repeated configurations), which the benchmark page compares
    with the stock step and with Optuna.

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
        handoff: ``"stock"`` or ``"gp"`` (see above).
        handoff_options: Keyword arguments of the ``"gp"`` hand-off.
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
        handoff: str = "stock",
        handoff_options: Mapping[str, Any] | None = None,
    ) -> None:
        if num_initial_points is not None and (
            isinstance(num_initial_points, bool)
            or not isinstance(num_initial_points, (int, np.integer))
            or num_initial_points < 0
        ):
            msg = (
                "`num_initial_points` must be a non-negative integer or None "
                f"(got {num_initial_points!r})."
            )
            raise InitializerConfigError(msg)
        if handoff not in HANDOFFS:
            msg = (
                f"`handoff` must be one of {list(HANDOFFS)!r} "
                f"(got {handoff!r})."
            )
            raise InitializerConfigError(msg)
        if handoff_options and handoff != "gp":
            msg = "`handoff_options` only apply to handoff='gp'."
            raise InitializerConfigError(msg)
        if num_initial_points is not None:
            num_initial_points = int(num_initial_points)
        super().__init__(
            objective=objective,
            max_trials=max_trials,
            num_initial_points=num_initial_points,
            alpha=alpha,
            beta=beta,
            seed=seed,
            hyperparameters=hyperparameters,
            allow_new_entries=allow_new_entries,
            tune_new_entries=tune_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
        )
        self.handoff = handoff
        self.handoff_options = dict(handoff_options or {})
        self._ktseed_setup(initializer, seed)
        self._ktseed_proposer: Any = None
        self._ktseed_codec: SpaceCodec | None = None
        if handoff == "gp":
            if "seed" in self.handoff_options:
                msg = (
                    "`handoff_options` must not contain 'seed': the GP "
                    "hand-off takes the oracle's `seed`."
                )
                raise InitializerConfigError(msg)
            # Validate now, and keep the normalised, JSON-safe options
            # (NumPy numbers in them would break oracle.json).
            config = self._ktseed_make_proposer().get_config()
            self.handoff_options = {k: config[k] for k in self.handoff_options}

    # ------------------------------------------------------- proposals
    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Design point, else random (initial phase), else a GP proposal."""
        values = self._ktseed_next_design_values(trial_id)
        if values is not None:
            return {"status": "RUNNING", "values": values}
        if self._ktseed_in_initial_phase():
            return _kt_private.random_response(self)
        if self.handoff == "stock":
            return _kt_private.stock_gp_step(self, trial_id)
        return self._ktseed_gp_handoff_step()

    @property
    def effective_num_initial_points(self) -> int | None:
        """Completed trials plus observations needed before the GP step.

        ``None`` until the design is built (at the first trial), unless
        ``num_initial_points`` was given.
        """
        if self.num_initial_points is not None:
            return max(int(self.num_initial_points), 1)
        if self._ktseed_design is None:
            return None
        size = len(self._ktseed_design)
        if size == 0 and not self._ktseed_observations:
            return max(3 * len(self.hyperparameters.space), 3)
        return max(size, 1)

    def _ktseed_in_initial_phase(self) -> bool:
        completed = sum(
            1 for t in self.trials.values() if t.status == "COMPLETED"
        )
        available = completed + len(self._ktseed_observations)
        needed = self.effective_num_initial_points
        assert needed is not None  # the design is built before this runs
        return available < needed

    def _ktseed_minimised(self, score: float) -> float:
        return -score if self.objective.direction == "max" else score

    def _ktseed_current_codec(self) -> SpaceCodec:
        size = len(self.hyperparameters.space)
        if self._ktseed_codec is None or len(self._ktseed_codec) != size:
            self._ktseed_codec = SpaceCodec(self.hyperparameters)
        return self._ktseed_codec

    def _ktseed_extra_observations(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        codec = self._ktseed_current_codec()
        if not self._ktseed_observations:
            return np.zeros((0, codec.dimension)), np.zeros(0)
        x = codec.encode_many([v for v, _ in self._ktseed_observations])
        y = np.array(
            [self._ktseed_minimised(s) for _, s in self._ktseed_observations]
        )
        return x, y

    def _ktseed_make_proposer(self) -> Any:
        if self._ktseed_proposer is None:
            module = importlib.import_module("ktseed.oracles.gp_handoff")
            self._ktseed_proposer = module.GPHandoff(
                seed=self.seed, **self.handoff_options
            )
        return self._ktseed_proposer

    def _ktseed_gp_handoff_step(self) -> dict[str, Any]:
        codec = self._ktseed_current_codec()
        observations: list[tuple[Values, float]] = [
            (
                strip_tuner_keys(t.hyperparameters.values),
                self._ktseed_minimised(float(t.score)),
            )
            for t in self.trials.values()
            if t.status == "COMPLETED" and t.score is not None
        ]
        observations += [
            (v, self._ktseed_minimised(s)) for v, s in self._ktseed_observations
        ]
        pending = [
            strip_tuner_keys(t.hyperparameters.values)
            for t in self.ongoing_trials.values()
        ]
        values = self._ktseed_make_proposer().propose(
            codec,
            observations,
            pending=pending,
            is_tried=lambda v: _kt_private.is_duplicate(self, dict(v)),
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
        """Restores the state; the hand-off passed now is kept.

        The stock GP's restart sampler is not saved by KerasTuner; it is
        reseeded from the seed and the number of trials, so a resumed search
        is reproducible.
        """
        super().set_state(state)
        _kt_private.reseed_acquisition(self, len(self.trials))
        self._ktseed_codec = None
        self._ktseed_proposer = None  # rebuilt with the restored seed


__all__ = ["HANDOFFS", "SeededBayesianOptimizationOracle"]
