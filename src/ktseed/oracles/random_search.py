"""``SeededRandomSearchOracle``: a design, then KerasTuner's random search."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from keras_tuner.oracles import RandomSearchOracle

from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles._seeding import SeededOracleMixin

if TYPE_CHECKING:
    from ktseed.registry import InitializerSpec


class SeededRandomSearchOracle(SeededOracleMixin, RandomSearchOracle):
    """KerasTuner's random search, started from an initial design.

    The first trials run the design's points, in order (a point whose values
    were already tried is skipped); every later trial is a draw of
    KerasTuner's own random sampler, unchanged.

    Args:
        objective: As for ``keras_tuner.oracles.RandomSearchOracle``.
        max_trials: Total trial budget, design included. A design with more
            points than ``max_trials`` is refused when the oracle is built
            (or, if its size depends on the space, before the first trial).
        seed: Seed of the search and, when the initializer has none, of the
            design. ``0`` is a real seed (KerasTuner treats it as "none").
        hyperparameters: As for the parent.
        allow_new_entries: As for the parent.
        tune_new_entries: As for the parent.
        max_retries_per_trial: As for the parent.
        max_consecutive_failed_trials: As for the parent.
        initializer: The initial design: a registered name (``"sobol"``), a
            dict (``{"name": "lhs", "n_points": 8}``) or an
            :class:`~ktseed.Initializer`.

    Examples:
        ```python
        oracle = SeededRandomSearchOracle(
            objective=keras_tuner.Objective("val_accuracy", "max"),
            max_trials=20,
            initializer={"name": "fixed", "points": [{"units": 64}]},
            seed=1,
        )
        tuner = keras_tuner.Tuner(oracle=oracle, hypermodel=build_model)
        ```
    """

    def __init__(
        self,
        objective: Any = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
    ) -> None:
        super().__init__(**parent_arguments(RandomSearchOracle, locals()))
        self._ktseed_setup(initializer, seed)

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """The next design point, or else the parent's random draw."""
        values = self._ktseed_design_values(trial_id)
        if values is not None:
            return {"status": "RUNNING", "values": values}
        return self._ktseed_sanitize(super().populate_space(trial_id))
