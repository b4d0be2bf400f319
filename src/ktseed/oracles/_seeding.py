"""What every seeded oracle shares: the design, its cursor and its state.

:class:`SeededOracleMixin` sits in front of a KerasTuner oracle in the MRO.
It materialises the initializer's design on the first call that needs it
(from the space the oracle knows then), hands out its points in order as new
trials, skipping points already tried, records which trials came from the
design, and keeps all of it in ``get_state()`` under the key ``"ktseed"`` so
that a search resumed with ``overwrite=False`` neither repeats nor skips a
design point.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import keras_tuner
import numpy as np

from ktseed.errors import DesignTooLargeError
from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.oracles import _kt_private
from ktseed.registry import InitializerSpec
from ktseed.registry import make_initializer
from ktseed.registry import make_saved_initializer
from ktseed.space import SpaceCodec
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    from ktseed.initializers.base import Initializer
    from ktseed.space import Values

#: Key of ktseed's section in ``oracle.json``.
STATE_KEY = "ktseed"
STATE_VERSION = 1


def _is_distributed_chief() -> bool:
    """Whether this process is the chief of KerasTuner's distributed mode.

    KerasTuner's rule (``KERASTUNER_ORACLE_IP`` set, and a tuner id that
    contains "chief"), read from the environment it documents.
    """
    return "KERASTUNER_ORACLE_IP" in os.environ and "chief" in os.environ.get(
        "KERASTUNER_TUNER_ID", ""
    )


def _comparable_config(
    config: Mapping[str, Any], drop_seed: bool
) -> dict[str, Any]:
    out = dict(config)
    if drop_seed:
        out.pop("seed", None)
    return out


class SeededOracleMixin:
    """The design bookkeeping shared by the seeded oracles.

    Concrete oracles call :meth:`_ktseed_setup` at the end of ``__init__``
    and :meth:`_ktseed_next_design_values` where their parent would draw a
    new random point.
    """

    #: Whether the oracle can use scored observations (Bayesian only).
    _ktseed_supports_observations: ClassVar[bool] = False

    # Attributes provided by keras_tuner.Oracle.
    hyperparameters: Any
    trials: dict[str, Any]
    ongoing_trials: dict[str, Any]
    max_trials: int | None
    seed: int
    objective: Any
    verbose: Any

    # ----------------------------------------------------------- setup
    def _ktseed_setup(
        self, initializer: InitializerSpec, seed: int | None
    ) -> None:
        self._ktseed_requested = make_initializer(initializer)
        self._ktseed_effective: Initializer | None = None
        if seed is not None:
            if (
                isinstance(seed, bool)
                or not isinstance(seed, (int, np.integer))
                or seed < 0
            ):
                msg = (
                    f"`seed` must be a non-negative integer or None "
                    f"(got {seed!r})."
                )
                raise InitializerConfigError(msg)
            _kt_private.apply_seed(self, int(seed))
        self._ktseed_config: dict[str, Any] | None = None
        self._ktseed_design: list[Values] | None = None
        self._ktseed_cursor = 0
        self._ktseed_trial_index: dict[str, int] = {}
        self._ktseed_skipped: dict[int, str | None] = {}
        self._ktseed_observations: list[tuple[Values, float]] = []
        size = self._ktseed_requested.size_hint()
        if size is not None:
            self._ktseed_check_capacity(size)

    # ------------------------------------------------------ public API
    @property
    def initializer(self) -> Initializer:
        """The initializer of this search.

        Once the design is materialised this is the effective one (with the
        oracle's seed filled in when the initializer had none).
        """
        if self._ktseed_config is None:
            return self._ktseed_requested
        if self._ktseed_effective is None:
            self._ktseed_effective = make_saved_initializer(self._ktseed_config)
        return self._ktseed_effective

    @property
    def design(self) -> list[Values] | None:
        """The initial design: the points the first trials run, in order.

        ``None`` until the first trial is created: the design is built
        from the space the oracle knows then (the tuner fills the space
        before the first trial). :meth:`preview_design` shows what it
        would be now without fixing it.
        """
        if self._ktseed_design is None:
            return None
        return [dict(p) for p in self._ktseed_design]

    def preview_design(self) -> list[Values]:
        """The design the current space would give, without fixing it.

        Returns the materialised design once there is one. Before that it
        builds the design from the space known now (the same seed gives
        the same points), so it matches the real design unless the space
        still grows before the first trial.
        """
        if self._ktseed_design is not None:
            return [dict(p) for p in self._ktseed_design]
        codec = self._ktseed_codec_for_design()
        return self._ktseed_effective_initializer().generate(
            codec,
            max_trials=self.max_trials,
            seed=self.seed,
            objective=self.objective,
        )

    @property
    def design_trial_ids(self) -> list[str]:
        """Ids of the trials that came from the design, in design order."""
        return sorted(
            self._ktseed_trial_index, key=self._ktseed_trial_index.__getitem__
        )

    def design_index(self, trial_id: str) -> int | None:
        """Position in the design of trial ``trial_id`` (``None``: not one)."""
        return self._ktseed_trial_index.get(trial_id)

    def is_design_trial(self, trial_id: str) -> bool:
        """Whether trial ``trial_id`` ran a design point."""
        return trial_id in self._ktseed_trial_index

    @property
    def design_exhausted(self) -> bool:
        """Whether every design point has been issued (or skipped)."""
        return self._ktseed_design is not None and self._ktseed_cursor >= len(
            self._ktseed_design
        )

    @property
    def skipped_design_points(self) -> dict[int, str | None]:
        """Design positions skipped because their values were already tried.

        Maps the position to the id of the trial that had tried them (or
        ``None`` when only KerasTuner's hash record knew them).
        """
        return dict(self._ktseed_skipped)

    # --------------------------------------------------- materialising
    def _ktseed_capacity(self) -> int | None:
        """How many design points the search can run (None: unbounded)."""
        return self.max_trials

    def _ktseed_check_capacity(self, size: int) -> None:
        capacity = self._ktseed_capacity()
        if capacity is not None and size > capacity:
            name = self._ktseed_requested.name
            msg = (
                f"The initial design of initializer '{name}' has {size} "
                f"point(s) but this {type(self).__name__} can run at most "
                f"{capacity} trial(s) ({self._ktseed_capacity_reason()}). "
                f"Allow at least {size} trials or use fewer design points "
                "(`n_points`)."
            )
            raise DesignTooLargeError(msg)

    def _ktseed_capacity_reason(self) -> str:
        return f"max_trials={self.max_trials}"

    def _ktseed_request(self, codec: SpaceCodec) -> Any:
        return self._ktseed_requested.request(
            codec,
            max_trials=self.max_trials,
            seed=self.seed,
            objective=self.objective,
        )

    def _ktseed_effective_initializer(self) -> Initializer:
        codec = SpaceCodec(self.hyperparameters)
        return self._ktseed_requested.resolved(self._ktseed_request(codec))

    def _ktseed_codec_for_design(self) -> SpaceCodec:
        codec = SpaceCodec(self.hyperparameters)
        if not codec.entries:
            msg = (
                f"{type(self).__name__}: the search space is empty when the "
                "first trial is created, so the initial design cannot be "
                "built. Declare the hyperparameters before the search: pass "
                "`hyperparameters=` to the oracle or tuner, or use a "
                "hypermodel (its `build` is run before the first trial)."
            )
            raise InitializerConfigError(msg)
        return codec

    def _ktseed_materialize(self) -> None:
        if self._ktseed_design is not None:
            return
        codec = self._ktseed_codec_for_design()
        initializer = self._ktseed_effective_initializer()
        design = initializer.generate(
            codec,
            max_trials=self.max_trials,
            seed=self.seed,
            objective=self.objective,
        )
        self._ktseed_check_capacity(len(design))
        observations = initializer.observations(codec, self.objective)
        if observations and not self._ktseed_supports_observations:
            msg = (
                f"Initializer '{initializer.name}' supplies scored "
                "observations (for example `prior_run` with "
                f"mode='observe'), which {type(self).__name__} cannot use: "
                "only SeededBayesianOptimizationOracle feeds observations to "
                "a model. Use mode='replay' to re-run the best prior "
                "configurations instead."
            )
            raise InitializerConfigError(msg)
        self._ktseed_config = initializer.get_config()
        self._ktseed_effective = initializer
        self._ktseed_observations = [
            (dict(values), float(score)) for values, score in observations
        ]
        self._ktseed_design = design

    # ------------------------------------------------------- issuing
    def _ktseed_next_design_values(self, trial_id: str) -> Values | None:
        """The next untried design point for trial ``trial_id``, or None."""
        self._ktseed_materialize()
        design = self._ktseed_design
        assert design is not None
        while self._ktseed_cursor < len(design):
            index = self._ktseed_cursor
            self._ktseed_cursor += 1
            values = self._ktseed_complete(design[index])
            tried, by = self._ktseed_tried(values)
            if tried:
                self._ktseed_skipped[index] = by
                continue
            self._ktseed_trial_index[trial_id] = index
            self._ktseed_announce(trial_id, index, len(design))
            return values
        return None

    def _ktseed_complete(self, values: Values) -> Values:
        """``values`` completed for hyperparameters added since the design.

        A space can grow after the design was built (hyperparameters first
        seen inside ``run_trial``). KerasTuner would fill such gaps with an
        unseeded random draw; their defaults keep the trial reproducible.
        """
        names = {hp.name for hp in self.hyperparameters.space}
        if names <= set(values):
            return dict(values)
        codec = SpaceCodec(self.hyperparameters)
        return codec.canonicalize(values, fill_defaults=True)

    def _ktseed_tried(self, values: Values) -> tuple[bool, str | None]:
        """Whether ``values`` (completed) ran already, and in which trial.

        KerasTuner's hash record answers in constant time; only for a
        duplicate are the trials scanned, to name the one that ran it. (A
        trial that ``oracle.json`` never recorded is adopted on reload, see
        :meth:`_ktseed_adopt`.)
        """
        if not _kt_private.is_duplicate(self, values):
            return False, None
        key = SpaceCodec.point_key(values)
        for trial_id, trial in self.trials.items():
            other = strip_tuner_keys(trial.hyperparameters.values)
            if SpaceCodec.point_key(other) == key:
                return True, trial_id
        return True, None

    def _ktseed_announce(self, trial_id: str, index: int, size: int) -> None:
        if self.verbose:
            print(
                f"ktseed: trial {trial_id} runs design point {index + 1}/"
                f"{size} ({self.initializer.name})"
            )

    # ------------------------------------------ KerasTuner overrides
    def get_state(self) -> dict[str, Any]:
        """KerasTuner's oracle state plus ktseed's under ``"ktseed"``."""
        state: dict[str, Any] = super().get_state()  # type: ignore[misc]
        state[STATE_KEY] = self._ktseed_get_state()
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores KerasTuner's oracle state and ktseed's design state."""
        super().set_state(state)  # type: ignore[misc]
        self._ktseed_set_state(state.get(STATE_KEY))

    @keras_tuner.synchronized
    def end_trial(self, trial: Any) -> None:
        """Ends ``trial``, then saves the state once it is no longer ongoing.

        KerasTuner saves ``oracle.json`` *before* it drops the trial from
        the ongoing ones. In one process the tuner saves again right after;
        on a distributed chief nothing does, so a finished project reloads
        with its last trial marked ongoing and runs it again. The chief
        saves here, which leaves a finished project finished.
        """
        super().end_trial(trial)  # type: ignore[misc]
        if _is_distributed_chief():
            self.save()

    def reload(self) -> None:
        """Reloads the project and re-queues trials cut off mid-creation.

        A crash between writing a trial's ``trial.json`` and ``oracle.json``
        leaves a RUNNING trial that KerasTuner never retries; it is queued
        for retry like any other interrupted trial.
        """
        super().reload()  # type: ignore[misc]
        orphans = _kt_private.repair_after_crash(self)
        self._ktseed_adopt(orphans)

    def save(self) -> None:
        """Saves ``oracle.json`` atomically (temporary file, then rename)."""
        _kt_private.save_atomically(self)

    def _ktseed_adopt(self, orphans: list[str]) -> None:
        """Records orphaned trials that ran the next design points.

        The crash that orphans a trial (see
        :func:`~ktseed.oracles._kt_private.repair_after_crash`) also loses
        the cursor step that issued it; the trial is the design point at
        the cursor, so it is recorded as such and the cursor moves on.
        """
        if self._ktseed_design is None:
            return
        for trial_id in orphans:
            if self._ktseed_cursor >= len(self._ktseed_design):
                return
            point = self._ktseed_complete(
                self._ktseed_design[self._ktseed_cursor]
            )
            values = strip_tuner_keys(
                self.trials[trial_id].hyperparameters.values
            )
            if SpaceCodec.point_key(point) == SpaceCodec.point_key(values):
                self._ktseed_trial_index[trial_id] = self._ktseed_cursor
                self._ktseed_cursor += 1

    # ----------------------------------------------------------- state
    def _ktseed_get_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "initializer": self._ktseed_config
            or self._ktseed_requested.get_config(),
            "materialized": self._ktseed_design is not None,
            "design": self._ktseed_design,
            "cursor": self._ktseed_cursor,
            "design_trials": dict(self._ktseed_trial_index),
            "skipped": {str(k): v for k, v in self._ktseed_skipped.items()},
            "observations": [[v, s] for v, s in self._ktseed_observations],
        }

    def _ktseed_set_state(self, saved: Mapping[str, Any] | None) -> None:
        if saved is None:
            return  # a project started by a stock oracle: design from now on
        version = saved.get("version")
        if version != STATE_VERSION:
            msg = (
                f"The project's oracle.json holds ktseed state version "
                f"{version!r}; this ktseed reads version {STATE_VERSION}. "
                "Use the ktseed version that created the project, or start a "
                "new project (`overwrite=True` or another `project_name`)."
            )
            raise InitializerConfigError(msg)
        config = dict(saved["initializer"])
        if saved["materialized"]:
            # Compare like with like: the saved config has the oracle's
            # seed and objective direction filled in (the seed was just
            # restored from the same state).
            requested = self._ktseed_effective_initializer().get_config()
            changed = config != requested
        else:
            requested = self._ktseed_requested.get_config()
            drop_seed = requested.get("seed") is None
            changed = _comparable_config(
                config, drop_seed
            ) != _comparable_config(requested, drop_seed)
        if changed:
            warnings.warn(
                f"Resuming a project whose initial design came from "
                f"{config}; the initializer passed now ({requested}) is "
                "ignored so that the resumed search neither repeats nor "
                "skips design points. Start a new project (`overwrite=True` "
                "or another `project_name`) to use the new initializer.",
                KtseedWarning,
                stacklevel=3,
            )
        self._ktseed_config = config if saved["materialized"] else None
        self._ktseed_effective = None
        self._ktseed_design = (
            [dict(p) for p in saved["design"]]
            if saved["materialized"]
            else None
        )
        self._ktseed_cursor = int(saved["cursor"])
        self._ktseed_trial_index = {
            str(k): int(v) for k, v in saved["design_trials"].items()
        }
        self._ktseed_skipped = {int(k): v for k, v in saved["skipped"].items()}
        self._ktseed_observations = [
            (dict(v), float(s)) for v, s in saved["observations"]
        ]
        if not saved["materialized"]:
            self._ktseed_requested = make_saved_initializer(config)


__all__ = ["STATE_KEY", "SeededOracleMixin"]
