"""What every seeded oracle shares: one design schedule, durable state.

:class:`SeededOracleMixin` sits in front of a KerasTuner oracle in the MRO.
It holds one :class:`~ktseed.schedule.DesignSchedule` (``self._ktseed``)
and delegates every design question to it; what only KerasTuner knows (the
current space, whether values ran already) it passes in. It also makes the
oracle's state durable: ``oracle.json``, every ``trial.json`` and the
design file are written atomically, a crash at any instant resumes with
``overwrite=False`` neither repeating nor losing a trial, and a restarted
distributed chief hands no trial out twice (``docs/resuming.md``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import keras_tuner

from ktseed import checks
from ktseed._files import TornFileError
from ktseed.errors import InitializerConfigError
from ktseed.initializers.request import DesignRequest
from ktseed.oracles import _kt_private
from ktseed.oracles import _state_files as state_files
from ktseed.oracles._state_files import DESIGN_FILE
from ktseed.points import PointKey
from ktseed.points import point_key
from ktseed.schedule import Capacity
from ktseed.schedule import DesignSchedule
from ktseed.space import SpaceCodec
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    from ktseed.initializers.base import Initializer
    from ktseed.registry import InitializerSpec
    from ktseed.space import Values

#: Key of ktseed's section in ``oracle.json``.
STATE_KEY = "ktseed"


def _is_distributed_chief() -> bool:
    """Whether this process is the chief of KerasTuner's distributed mode.

    KerasTuner's rule (``KERASTUNER_ORACLE_IP`` set, and a tuner id that
    contains "chief"), read from the environment it documents.
    """
    return "KERASTUNER_ORACLE_IP" in os.environ and "chief" in os.environ.get(
        "KERASTUNER_TUNER_ID", ""
    )


#: Values found new by the repeat check, their size and their key.
_FreshKey = tuple[Mapping[str, Any], int, PointKey]


def _still(kept: tuple[Any, ...] | None, values: Mapping[str, Any]) -> bool:
    """Whether ``kept`` (a dict and its size, first) is ``values`` as kept.

    The very dict, with nothing added since: what was worked out from it
    (its clip, its key) still holds.
    """
    return kept is not None and kept[0] is values and kept[1] == len(values)


#: Trial statuses after which KerasTuner no longer changes a trial.
_FINISHED = frozenset({"COMPLETED", "INVALID", "FAILED", "STOPPED"})


class SeededOracleMixin(_kt_private.RandomValuesHook):
    """The design bookkeeping shared by the seeded oracles.

    Concrete oracles call :meth:`_ktseed_setup` at the end of ``__init__``
    and :meth:`_ktseed_design_values` where their parent would draw a new
    point.
    """

    #: Whether the oracle can use scored observations (Bayesian only).
    _ktseed_supports_observations: ClassVar[bool] = False
    #: The last values ``_ktseed_tried`` found new, their size and key.
    _ktseed_fresh_key: _FreshKey | None

    # Attributes provided by keras_tuner.Oracle.
    hyperparameters: Any
    trials: dict[str, Any]
    ongoing_trials: dict[str, Any]
    start_order: list[str]
    max_trials: int | None
    seed: int
    objective: Any
    verbose: Any

    _ktseed: DesignSchedule

    # ----------------------------------------------------------- setup
    def _ktseed_setup(
        self, initializer: InitializerSpec, seed: int | None
    ) -> None:
        if seed is not None:
            _kt_private.apply_seed(self, checks.seed(seed))  # type: ignore[arg-type]
        self._ktseed = DesignSchedule(initializer, self._ktseed_capacity())
        self._ktseed_written: str | None = None  # digest of the design file
        self._ktseed_saved_ongoing: dict[str, str] = {}
        self._ktseed_waiting_for_space = False
        self._ktseed_codec_cache: SpaceCodec | None = None
        # Size of the space the design was built in, while its points can
        # run as they are (see _ktseed_complete); None: unknown.
        self._ktseed_design_space: int | None = None
        # The last draw _ktseed_canonical clipped, and its size.
        self._ktseed_clipped: tuple[dict[str, Any], int] | None = None
        self._ktseed_forget_keys()

    def _ktseed_capacity(self) -> Capacity:
        """How many design points the search can run."""
        return Capacity(
            owner=type(self).__name__,
            trials=self.max_trials,
            reason=f"max_trials={self.max_trials}",
            observations=self._ktseed_supports_observations,
        )

    # ------------------------------------------------------ public API
    @property
    def schedule(self) -> DesignSchedule:
        """The design schedule: the design, its cursor, what ran."""
        return self._ktseed

    @property
    def initializer(self) -> Initializer:
        """The initializer of this search.

        Once the design is materialised this is the resolved one (with the
        oracle's seed, and for ``csv`` the objective's direction, filled in
        when the initializer had none).
        """
        return self._ktseed.initializer

    @property
    def design(self) -> list[Values] | None:
        """The initial design: the points the first trials run, in order.

        ``None`` until the first trial is created: the design is built
        from the space the oracle knows then (the tuner fills the space
        before the first trial). :meth:`preview_design` shows what it
        would be now without fixing it.
        """
        return self._ktseed.points

    def preview_design(self) -> list[Values]:
        """The design the current space would give, without fixing it.

        Returns the materialised design once there is one. Before that it
        builds the design from the space known now (the same seed gives
        the same points), so it matches the real design unless the space
        still grows before the first trial.

        Raises:
            InitializerConfigError: If the space is still empty.
        """
        if self._ktseed.materialized:
            return self._ktseed.points or []
        codec = SpaceCodec(self.hyperparameters)
        if not codec.entries:
            msg = (
                f"{type(self).__name__}: the search space is empty, so there "
                "is no design to preview yet. Declare the hyperparameters "
                "(`hyperparameters=` or a hypermodel) first."
            )
            raise InitializerConfigError(msg)
        return self._ktseed.preview(self._ktseed_request(codec))

    @property
    def design_trial_ids(self) -> list[str]:
        """Ids of the trials that came from the design, in design order."""
        return self._ktseed.trial_ids

    def design_index(self, trial_id: str) -> int | None:
        """Position in the design of trial ``trial_id`` (``None``: not one)."""
        return self._ktseed.index_of(trial_id)

    def is_design_trial(self, trial_id: str) -> bool:
        """Whether trial ``trial_id`` ran a design point."""
        return self._ktseed.index_of(trial_id) is not None

    @property
    def design_exhausted(self) -> bool:
        """Whether every design point has been issued (or skipped)."""
        return self._ktseed.exhausted

    @property
    def skipped_design_points(self) -> dict[int, str | None]:
        """Design positions skipped because their values were already tried.

        Maps the position to the id of the trial that had tried them (or
        ``None`` when only KerasTuner's hash record knew them).
        """
        return self._ktseed.skipped

    # --------------------------------------------------- materialising
    def _ktseed_request(self, codec: SpaceCodec) -> DesignRequest:
        return self._ktseed.request(
            codec,
            seed=self.seed,
            objective=self.objective,
            max_trials=self.max_trials,
        )

    def _ktseed_materialize(self) -> bool:
        """Builds the design if needed; ``False`` while the space is empty.

        A search that declares its hyperparameters inside ``run_trial``
        starts with an empty space: such trials run as the parent oracle
        would run them, and the design is built as soon as the space is
        known (KerasTuner's own behaviour is kept for every trial before).
        """
        if self._ktseed.materialized:
            return True
        codec = SpaceCodec(self.hyperparameters)
        if not codec.entries:
            if not self._ktseed_waiting_for_space and self.verbose:
                print(
                    "ktseed: the search space is empty (hyperparameters are "
                    "declared inside run_trial); trials run as KerasTuner's "
                    "own until the space is known, then the design starts."
                )
            self._ktseed_waiting_for_space = True
            return False
        self._ktseed.materialize(self._ktseed_request(codec))
        # Each design point is canonical in this space (the initializer's
        # template made it so): while the space does not grow, completing
        # a point changes nothing. With a name declared twice (under two
        # conditions) the canonical order of names can differ from the
        # decoded one, so such spaces keep completing every point.
        unique = len(set(codec.names)) == len(codec)
        self._ktseed_design_space = len(codec) if unique else None
        if self._ktseed_waiting_for_space and self.verbose:
            print(
                f"ktseed: the search space is known now; the design of "
                f"{self._ktseed.size} point(s) starts with the next trial."
            )
        return True

    # ------------------------------------------------------- issuing
    def _ktseed_design_values(self, trial_id: str) -> Values | None:
        """The next untried design point for trial ``trial_id``, or None."""
        if not self._ktseed_materialize():
            return None
        issued = self._ktseed.next(
            trial_id,
            is_tried=self._ktseed_tried,
            complete=self._ktseed_complete,
        )
        if issued is None:
            return None
        if self.verbose:
            print(
                f"ktseed: trial {trial_id} runs design point "
                f"{issued.index + 1}/{issued.size} ({self.initializer.name})"
            )
        return issued.values

    def _ktseed_complete(self, values: Mapping[str, Any]) -> Values:
        """``values`` completed for hyperparameters added since the design.

        A space can grow after the design was built (hyperparameters first
        seen inside ``run_trial``). KerasTuner would fill such gaps with an
        unseeded random draw; their defaults keep the trial reproducible.
        """
        space = self.hyperparameters.space
        if len(space) == self._ktseed_design_space:
            # The space the design was built in (a space only grows):
            # canonical already, and without names added since.
            return dict(values)
        names = {hp.name for hp in space}
        if names <= set(values):
            return dict(values)
        return self._ktseed_codec().canonicalize(values, fill_defaults=True)

    def _ktseed_tried(
        self, values: Mapping[str, Any]
    ) -> tuple[bool, str | None]:
        """Whether ``values`` ran already, and in which trial.

        KerasTuner's hash record answers first; the canonical form of every
        trial's values answers for trials whose values KerasTuner recorded
        in another spelling (a stock project's ``0.30000000000000004``).
        Only for a duplicate are the trials scanned, to name the one.
        """
        key = point_key(values)
        if not _kt_private.is_duplicate(self, values) and (
            key not in self._ktseed_trial_keys()
        ):
            # The values a new trial is likely made of: keyed already.
            self._ktseed_fresh_key = (values, len(values), key)
            return False, None
        for trial_id, trial in self.trials.items():
            if self._ktseed_key_of(trial) == key:
                return True, trial_id
        return True, None

    def _ktseed_was_tried(self, values: Mapping[str, Any]) -> bool:
        return self._ktseed_tried(values)[0]

    def _ktseed_key_of(self, trial: Any) -> PointKey:
        values = trial.hyperparameters.values
        fresh = self._ktseed_fresh_key
        if fresh is not None and _still(fresh, values):
            # KerasTuner made the trial of the dict _ktseed_tried keyed.
            return fresh[2]
        values = strip_tuner_keys(values)
        return point_key(self._ktseed_codec().clip(values))

    def _ktseed_trial_keys(self) -> set[PointKey]:
        """Canonical keys of every trial's values (kept up to date).

        Only new trials and those still running are looked at: a finished
        trial's values never change, so once keyed it is skipped, and the
        cost per ``create_trial`` does not grow with the number of trials
        run.
        """
        # New trials are added to the end of KerasTuner's ``trials`` dict,
        # and every id present at the last call was keyed then: the new
        # ones are those after the last keyed id.
        new_ids = []
        for trial_id in reversed(self.trials):
            if trial_id in self._ktseed_keyed:
                break
            new_ids.append(trial_id)
        for trial_id in [*self._ktseed_open, *new_ids]:
            trial = self.trials.get(trial_id)
            if trial is None:  # dropped (an orphan of a crash)
                self._ktseed_open.discard(trial_id)
                continue
            size = len(trial.hyperparameters.values)
            if self._ktseed_keyed.get(trial_id) != size:
                self._ktseed_keys.add(self._ktseed_key_of(trial))
                self._ktseed_keyed[trial_id] = size
            if trial.status in _FINISHED:
                self._ktseed_settled.add(trial_id)
                self._ktseed_open.discard(trial_id)
            else:
                self._ktseed_open.add(trial_id)
        return self._ktseed_keys

    def _ktseed_forget_keys(self) -> None:
        """Empties the trial-key cache (the trials were replaced)."""
        self._ktseed_keys: set[PointKey] = set()
        self._ktseed_keyed: dict[str, int] = {}  # trial id -> values seen
        # Finished trials already keyed: their values no longer change.
        self._ktseed_settled: set[str] = set()
        # Keyed trials still running: their values can still grow.
        self._ktseed_open: set[str] = set()
        self._ktseed_fresh_key = None

    def _ktseed_codec(self) -> SpaceCodec:
        """A codec of the current space (rebuilt when the space grows)."""
        size = len(self.hyperparameters.space)
        cached = self._ktseed_codec_cache
        if cached is None or len(cached) != size:
            cached = SpaceCodec(self.hyperparameters)
            self._ktseed_codec_cache = cached
        return cached

    def _ktseed_canonical(self, values: dict[str, Any]) -> dict[str, Any]:
        clipped = self._ktseed_codec().clip(values)
        # Remembered so that _ktseed_sanitize does not clip it again (the
        # size, in case KerasTuner adds keys to it on the way, as
        # Hyperband's round-0 draw adds its tuner/* values).
        self._ktseed_clipped = (clipped, len(clipped))
        return clipped

    def _ktseed_sanitize(self, response: dict[str, Any]) -> dict[str, Any]:
        """The response with every value in range, on its grid, native.

        KerasTuner's own proposals can leave the space (its
        ``prob_to_value(1.0)`` of a log ``Int`` is ``max_value + 1``) and
        its GP returns NumPy floats; every value leaving a seeded oracle is
        made valid here, whichever part of the oracle made it.
        """
        values = response.get("values")
        if response.get("status") != "RUNNING" or not values:
            return response
        last, self._ktseed_clipped = self._ktseed_clipped, None
        if _still(last, values):
            # KerasTuner's draw, clipped by _ktseed_canonical and unchanged
            # since: clipping is idempotent.
            return response
        return {**response, "values": self._ktseed_codec().clip(values)}

    # ------------------------------------------ KerasTuner overrides
    def get_state(self) -> dict[str, Any]:
        """KerasTuner's oracle state plus ktseed's under ``"ktseed"``."""
        state: dict[str, Any] = super().get_state()  # type: ignore[misc]
        digest = self._ktseed.digest
        stored = digest is not None and self._ktseed_written == digest
        state[STATE_KEY] = self._ktseed.to_state(
            design_file=DESIGN_FILE if stored else None
        )
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores KerasTuner's oracle state and ktseed's design state."""
        super().set_state(state)  # type: ignore[misc]
        self._ktseed_codec_cache = None  # the space was restored
        # The saved space may have grown since the design was built.
        self._ktseed_design_space = None
        self._ktseed_forget_keys()  # and so were the trials
        self._ktseed_saved_ongoing = dict(state.get("ongoing_trials", {}))
        codec = SpaceCodec(self.hyperparameters)
        context = DesignRequest(
            codec=codec,
            n=0,
            seed=self.seed,
            direction=getattr(self.objective, "direction", None),
            objective=self.objective,
            max_trials=self.max_trials,
        )
        saved = state.get(STATE_KEY)
        self._ktseed.restore(
            saved, request=context, read_design=self._ktseed_read_design
        )
        if saved and saved.get("design_file"):
            self._ktseed_written = saved["design_file"]["sha256"]

    @keras_tuner.synchronized
    def create_trial(self, tuner_id: str) -> Any:
        """KerasTuner's ``create_trial``, never handing out a finished trial."""
        _kt_private.drop_finished_from_retry_queue(self)
        return super().create_trial(tuner_id)  # type: ignore[misc]

    @keras_tuner.synchronized
    def end_trial(self, trial: Any) -> None:
        """Ends ``trial``, then saves the state once it is no longer ongoing.

        KerasTuner saves ``oracle.json`` *before* it drops the trial from
        the ongoing ones. In one process the tuner saves again right after;
        on a distributed chief nothing does, so a finished project reloads
        with its last trial marked ongoing and runs it again. The chief
        saves here, which leaves a finished project finished. A finished
        trial also leaves the retry queue (a restarted chief queued it).
        """
        super().end_trial(trial)  # type: ignore[misc]
        _kt_private.drop_finished_from_retry_queue(self)
        if _is_distributed_chief():
            self.save()

    def reload(self) -> None:
        """Reloads the project and repairs what a crash can leave behind.

        * Torn files (a kill right after a file was opened for writing, by
          a writer other than ktseed, which writes atomically): a torn
          ``<tuner_id>.json`` is rewritten as KerasTuner's empty tuner
          state and a torn trial that ``oracle.json`` never recorded is set
          aside, each with a warning naming the file; any other torn state
          file raises :class:`~ktseed.errors.StateFileError` naming it.
        * A trial cut off between its ``trial.json`` and ``oracle.json`` is
          dropped (it never ran; it is made again, identically).
        * A trial cut off inside ``end_trial`` is recorded as ended, not
          rerun.
        * On a distributed chief, trials that were running stay with their
          workers instead of going to the retry queue.
        """
        self._ktseed_check_files()
        try:
            super().reload()  # type: ignore[misc]
        except TornFileError as error:  # pragma: no cover - checked above
            raise state_files.torn_error(error.path, error.detail) from error
        _kt_private.finish_cut_off_ends(self)
        _kt_private.forget_orphans(self)
        if _is_distributed_chief():
            _kt_private.keep_ongoing(self, self._ktseed_saved_ongoing)

    def save(self) -> None:
        """Saves the design file once, then ``oracle.json``, atomically.

        On a distributed chief the first save (before it serves workers)
        also builds and checks the design, so that an invalid design stops
        the chief with its message before any worker starts a trial.
        """
        if _is_distributed_chief() and not self._ktseed.materialized:
            self._ktseed_materialize()
        self._ktseed_write_design()
        _kt_private.save_atomically(self)

    def _save_trial(self, trial: Any) -> None:
        _kt_private.save_trial_atomically(self, trial)

    # ----------------------------------------------------- state files
    def _ktseed_write_design(self) -> None:
        digest = self._ktseed.digest
        if digest is None or digest == self._ktseed_written:
            return  # asked at every save: the common case decides first
        directory = _kt_private.project_directory(self)
        if directory is None or _kt_private.is_remote(directory):
            return
        points = self._ktseed.points
        assert points is not None  # the digest exists
        state_files.write_design(directory, points, digest)
        self._ktseed_written = digest

    def _ktseed_read_design(self, entry: Mapping[str, Any]) -> list[Values]:
        directory = _kt_private.project_directory(self)
        return state_files.read_design(directory or ".", entry)

    def _ktseed_check_files(self) -> None:
        directory = _kt_private.project_directory(self)
        if directory is not None:
            state_files.check_project_files(directory)


__all__ = ["DESIGN_FILE", "STATE_KEY", "SeededOracleMixin"]
