"""``DesignSchedule``: the initial design of one search, and where it stands.

A seeded oracle holds one schedule and delegates every design question to
it. The schedule owns

* the initializer (as requested, and as resolved once the design is built:
  its config then holds the seed and direction the search supplied),
* the materialised design (the points, in order),
* the cursor (how many points have been issued or skipped),
* the trial-to-point index (which trial ran which point),
* the skipped points (already tried when their turn came) and
* the prior observations (scored points a model may use without running
  them),

and turns all of it into a JSON-safe state and back. It never imports
KerasTuner: the oracle passes in what only KerasTuner knows (the codec of
the current space, whether values were already tried, how to complete a
point for hyperparameters added later), so the schedule is tested on its
own (``tests/test_schedule.py``).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from ktseed.errors import DesignTooLargeError
from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.points import point_key
from ktseed.registry import make_initializer
from ktseed.registry import make_saved_initializer

if TYPE_CHECKING:
    from ktseed.initializers.base import Initializer
    from ktseed.initializers.request import DesignRequest
    from ktseed.registry import InitializerSpec
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: Versions of the schedule's state this ktseed reads. Version 1 (ktseed
#: 0.1) keeps the design inline; version 2 keeps it in its own file.
STATE_VERSIONS = (1, 2)
STATE_VERSION = 2

#: ``is_tried(values)``: whether a point ran already, and in which trial.
IsTried = Callable[[Mapping[str, Any]], "tuple[bool, str | None]"]
#: ``complete(values)``: the point completed for the current space.
Complete = Callable[[Mapping[str, Any]], "Values"]


@dataclass(frozen=True)
class Capacity:
    """How many design points a search can run.

    Attributes:
        owner: The oracle class name, for messages.
        trials: The most design points it can run (``None``: unbounded).
        reason: Why, for messages ("max_trials=10").
        observations: Whether the oracle feeds scored observations to a
            model (only the Bayesian oracle does).
    """

    owner: str
    trials: int | None
    reason: str
    observations: bool = False


@dataclass(frozen=True)
class Issued:
    """One design point handed to a trial.

    Attributes:
        trial_id: The trial that runs it.
        index: Its 0-based position in the design.
        size: The design's size.
        values: The values the trial runs.
    """

    trial_id: str
    index: int
    size: int
    values: Values


def design_digest(points: list[Values]) -> str:
    """The SHA-256 of a design's canonical JSON text (its checksum)."""
    text = json.dumps(points, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DesignSchedule:
    """The design of one search: what it is, what ran, what comes next.

    Args:
        initializer: The initializer as the user gave it (name, dict or
            instance).
        capacity: What the owning oracle can run.

    Raises:
        DesignTooLargeError: If the initializer's size is known now and the
            oracle cannot run that many design points.
    """

    def __init__(
        self, initializer: InitializerSpec, capacity: Capacity
    ) -> None:
        self.requested: Initializer = make_initializer(initializer)
        self.capacity = capacity
        self._config: dict[str, Any] | None = None
        self._effective: Initializer | None = None
        self._points: list[Values] | None = None
        self._digest: str | None = None
        self.cursor = 0
        self._trial_index: dict[str, int] = {}
        self._skipped: dict[int, str | None] = {}
        self.observations: list[tuple[Values, float]] = []
        size = self.requested.size_hint()
        if size is not None:
            self.check_capacity(size)

    # ------------------------------------------------------------ queries
    @property
    def materialized(self) -> bool:
        """Whether the design has been built (at the first trial)."""
        return self._points is not None

    @property
    def initializer(self) -> Initializer:
        """The initializer: as resolved once the design is built."""
        if self._config is None:
            return self.requested
        if self._effective is None:
            self._effective = make_saved_initializer(self._config)
        return self._effective

    @property
    def config(self) -> dict[str, Any] | None:
        """The resolved initializer's config once the design is built."""
        return None if self._config is None else dict(self._config)

    @property
    def points(self) -> list[Values] | None:
        """The points in order (copies); None before the design is built."""
        if self._points is None:
            return None
        return [dict(p) for p in self._points]

    @property
    def digest(self) -> str | None:
        """The design's checksum (:func:`design_digest`); None before.

        Computed once per design: the points never change after they are
        built, and hashing a long design at every save cost more than
        the rest of ``create_trial``.
        """
        if self._points is None:
            return None
        if self._digest is None:
            self._digest = design_digest(self._points)
        return self._digest

    @property
    def size(self) -> int:
        """Number of design points (0 before the design is built)."""
        return 0 if self._points is None else len(self._points)

    @property
    def exhausted(self) -> bool:
        """Whether every design point has been issued or skipped."""
        return self._points is not None and self.cursor >= len(self._points)

    @property
    def trial_ids(self) -> list[str]:
        """Ids of the trials that ran design points, in design order."""
        index = self._trial_index
        return sorted(index, key=index.__getitem__)

    def index_of(self, trial_id: str) -> int | None:
        """Position in the design of trial ``trial_id`` (``None``: not one)."""
        return self._trial_index.get(trial_id)

    @property
    def skipped(self) -> dict[int, str | None]:
        """Positions skipped as already tried, with the trial that had them."""
        return dict(self._skipped)

    # -------------------------------------------------------- materialise
    def check_capacity(self, size: int) -> None:
        """Refuses a design of ``size`` points the oracle cannot run.

        Raises:
            DesignTooLargeError: Naming the initializer, both numbers, the
                reason for the limit and the remedy.
        """
        trials = self.capacity.trials
        if trials is not None and size > trials:
            msg = (
                f"The initial design of initializer '{self.requested.name}' "
                f"has {size} point(s) but this {self.capacity.owner} can run "
                f"at most {trials} trial(s) ({self.capacity.reason}). Allow "
                f"at least {size} trials or use fewer design points "
                "(`n_points`)."
            )
            raise DesignTooLargeError(msg)

    def request(
        self,
        codec: SpaceCodec,
        *,
        seed: int | None,
        objective: Any,
        max_trials: int | None,
    ) -> DesignRequest:
        """The request the design is (or would be) built from."""
        return self.requested.request(
            codec, max_trials=max_trials, seed=seed, objective=objective
        )

    def preview(self, request: DesignRequest) -> list[Values]:
        """The design ``request`` would give, without fixing it.

        Once the design is built, that design.
        """
        if self._points is not None:
            return self.points or []
        return self.requested.resolved(request).generate_for(request)

    def materialize(self, request: DesignRequest) -> bool:
        """Builds the design and the observations, once.

        Args:
            request: What the oracle asks for (its current space, seed,
                objective and budget).

        Returns:
            ``True`` if this call built the design, ``False`` if it was
            built already.

        Raises:
            DesignTooLargeError: If the design does not fit the oracle.
            InitializerConfigError: If the initializer supplies observations
                the oracle cannot use.
        """
        if self._points is not None:
            return False
        effective = self.requested.resolved(request)
        design = effective.generate_for(request)
        self.check_capacity(len(design))
        observations = effective.observations(request.codec, request.objective)
        if observations and not self.capacity.observations:
            msg = (
                f"Initializer '{effective.name}' supplies scored "
                "observations (for example `prior_run` with "
                f"mode='observe'), which {self.capacity.owner} cannot use: "
                "only SeededBayesianOptimizationOracle feeds observations to "
                "a model (and SeededHyperbandOracle with handoff='gp'). Use "
                "mode='replay' to re-run the best prior configurations "
                "instead."
            )
            raise InitializerConfigError(msg)
        self._config = effective.get_config()
        self._effective = effective
        self.observations = [(dict(v), float(s)) for v, s in observations]
        self._points = design
        self._digest = None
        return True

    # ------------------------------------------------------------- issue
    def next(
        self,
        trial_id: str,
        *,
        is_tried: IsTried,
        complete: Complete | None = None,
    ) -> Issued | None:
        """The next untried design point, recorded as trial ``trial_id``'s.

        Points whose values already ran (``is_tried``) are skipped and
        remembered with the trial that ran them.

        Args:
            trial_id: The trial being created.
            is_tried: Whether values ran already, and in which trial.
            complete: Completes a point for hyperparameters added to the
                space since the design was built (their defaults).

        Returns:
            The issued point, or ``None`` when the design is used up (or
            not built).
        """
        if self._points is None:
            return None
        while self.cursor < len(self._points):
            index = self.cursor
            self.cursor += 1
            point = self._points[index]
            values = dict(point) if complete is None else complete(point)
            tried, by = is_tried(values)
            if tried:
                self._skipped[index] = by
                continue
            self._trial_index[trial_id] = index
            return Issued(trial_id, index, len(self._points), values)
        return None

    def adopt(
        self,
        orphans: Iterable[tuple[str, Mapping[str, Any]]],
        *,
        complete: Complete | None = None,
    ) -> list[str]:
        """Records orphaned trials that ran the next design points.

        A crash after a trial's own file was written but before the state
        that records the cursor step leaves a trial the schedule does not
        know. If its values are the point at the cursor, it ran that
        point: it is recorded as such and the cursor moves on.

        Args:
            orphans: ``(trial_id, values)`` pairs in trial-id order.
            complete: As for :meth:`next`.

        Returns:
            The ids of the adopted trials.
        """
        adopted: list[str] = []
        if self._points is None:
            return adopted
        for trial_id, values in orphans:
            if self.cursor >= len(self._points):
                break
            point = self._points[self.cursor]
            expected = dict(point) if complete is None else complete(point)
            if point_key(expected) == point_key(values):
                self._trial_index[trial_id] = self.cursor
                self.cursor += 1
                adopted.append(trial_id)
        return adopted

    # ------------------------------------------------------------- state
    def to_state(self, *, design_file: str | None = None) -> dict[str, Any]:
        """The schedule as JSON-safe state.

        Args:
            design_file: If given, the design is stored in that file (the
                caller writes :attr:`points` there once) and the state holds
                its name, size and checksum instead of the points.
        """
        state: dict[str, Any] = {
            "version": STATE_VERSION,
            "initializer": self._config or self.requested.get_config(),
            "materialized": self._points is not None,
            "cursor": self.cursor,
            "design_trials": dict(self._trial_index),
            "skipped": {str(k): v for k, v in self._skipped.items()},
            "observations": [[v, s] for v, s in self.observations],
        }
        if self._points is not None and design_file is not None:
            state["design"] = None
            state["design_file"] = {
                "name": design_file,
                "points": len(self._points),
                "sha256": self.digest,
            }
        else:
            state["design"] = self._points
        return state

    def restore(
        self,
        saved: Mapping[str, Any] | None,
        *,
        request: DesignRequest | None,
        read_design: Callable[[Mapping[str, Any]], list[Values]] | None = None,
    ) -> None:
        """Restores a saved schedule (a resumed search) in place.

        The saved design wins over the initializer passed now, so a resumed
        search neither repeats nor skips design points; a changed
        initializer gets a :class:`~ktseed.KtseedWarning`.

        Args:
            saved: What :meth:`to_state` returned (``None``: the project was
                started by a stock oracle, so the design starts now).
            request: The request the current initializer would be built
                from (to compare configs), or ``None`` if unknown.
            read_design: Reads a design stored in its own file, given the
                state's ``design_file`` entry.

        Raises:
            InitializerConfigError: For a state version this ktseed cannot
                read.
        """
        if saved is None:
            return
        version = saved.get("version")
        if version not in STATE_VERSIONS:
            msg = (
                f"The project's oracle.json holds ktseed state version "
                f"{version!r}; this ktseed reads versions "
                f"{', '.join(map(str, STATE_VERSIONS))}. Use the ktseed "
                "version that created the project, or start a new project "
                "(`overwrite=True` or another `project_name`)."
            )
            raise InitializerConfigError(msg)
        config = dict(saved["initializer"])
        materialized = bool(saved["materialized"])
        self._warn_if_changed(config, materialized, request)
        points: list[Values] | None = None
        if materialized:
            if saved.get("design_file") and read_design is not None:
                points = read_design(saved["design_file"])
            else:
                points = [dict(p) for p in saved["design"]]
        self._config = config if materialized else None
        self._effective = None
        self._points = points
        self._digest = None
        self.cursor = int(saved["cursor"])
        self._trial_index = {
            str(k): int(v) for k, v in saved["design_trials"].items()
        }
        self._skipped = {int(k): v for k, v in saved["skipped"].items()}
        self.observations = [
            (dict(v), float(s)) for v, s in saved["observations"]
        ]
        if not materialized:
            self.requested = make_saved_initializer(config)

    def _warn_if_changed(
        self,
        saved: dict[str, Any],
        materialized: bool,
        request: DesignRequest | None,
    ) -> None:
        if materialized and request is not None:
            # Like with like: the saved config was resolved by the same
            # seed and objective (the seed was restored from the state).
            requested = self.requested.resolved(request).get_config()
            changed = saved != requested
        else:
            requested = self.requested.get_config()
            drop_seed = requested.get("seed") is None
            changed = _without_seed(saved, drop_seed) != _without_seed(
                requested, drop_seed
            )
        if changed:
            warnings.warn(
                f"Resuming a project whose initial design came from {saved}; "
                f"the initializer passed now ({requested}) is ignored so "
                "that the resumed search neither repeats nor skips design "
                "points. Start a new project (`overwrite=True` or another "
                "`project_name`) to use the new initializer.",
                KtseedWarning,
                stacklevel=5,
            )


def _without_seed(config: Mapping[str, Any], drop: bool) -> dict[str, Any]:
    out = dict(config)
    if drop:
        out.pop("seed", None)
    return out


__all__ = [
    "STATE_VERSION",
    "Capacity",
    "DesignSchedule",
    "Issued",
    "design_digest",
]
