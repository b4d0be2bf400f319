"""``SeededHyperbandOracle``: design points as Hyperband's new candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from keras_tuner.oracles import HyperbandOracle

from ktseed.oracles import _kt_private
from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles._seeding import SeededOracleMixin
from ktseed.schedule import Capacity

if TYPE_CHECKING:
    from ktseed.registry import InitializerSpec
    from ktseed.space import Values


class SeededHyperbandOracle(
    _kt_private.Round0Hook, SeededOracleMixin, HyperbandOracle
):
    """KerasTuner's Hyperband, whose new candidates start with a design.

    Hyperband draws a fresh random configuration for every slot of round 0
    of every bracket. Here the design's points take those slots, in order,
    until the design is used up; the brackets, their sizes, the promotions
    and the ``tuner/epochs``, ``tuner/initial_epoch``, ``tuner/bracket``,
    ``tuner/round`` and ``tuner/trial_id`` values stay exactly as KerasTuner
    makes them. The most aggressive bracket comes first, so with the default
    settings the design points start on few epochs and the best of them are
    promoted.

    Args:
        objective: As for ``keras_tuner.oracles.HyperbandOracle``.
        max_epochs: As for the parent.
        factor: As for the parent.
        hyperband_iterations: As for the parent. When finite, a design with
            more points than all round-0 slots of all iterations is refused.
        seed: Seed of the search and, when the initializer has none, of the
            design. ``0`` is a real seed.
        hyperparameters: As for the parent.
        allow_new_entries: As for the parent.
        tune_new_entries: As for the parent.
        max_retries_per_trial: As for the parent.
        max_consecutive_failed_trials: As for the parent.
        initializer: The initial design: a registered name, a dict or an
            :class:`~ktseed.Initializer`.
    """

    def __init__(
        self,
        objective: Any = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
    ) -> None:
        super().__init__(**parent_arguments(HyperbandOracle, locals()))
        self._ktseed_setup(initializer, seed)

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Hyperband's own step; its new candidates come from the design."""
        response: dict[str, Any] = super().populate_space(trial_id)
        if not self.design_exhausted:
            self._ktseed_check_round0(trial_id, response)
        return self._ktseed_sanitize(response)

    def _ktseed_round0_values(self, trial_id: str) -> Values | None:
        return self._ktseed_design_values(trial_id)

    def _ktseed_capacity(self) -> Capacity:
        return Capacity(
            owner=type(self).__name__,
            trials=_kt_private.hyperband_round0_capacity(self),
            reason=(
                f"the round-0 slots of {self.hyperband_iterations} Hyperband "
                f"iteration(s) with max_epochs={self.max_epochs}, "
                f"factor={self.factor}"
            ),
        )
