"""``prior_run``: start from an earlier KerasTuner project's trials.

The class's constructor checks each option with its own message (source,
mode, selection, drift), which is what makes bad input fail before any
trial runs; the checks it shares with ``portfolio`` and ``csv`` live in
``_data_source``, the reading, selection and ranking in
:mod:`ktseed.prior_runs` and ``_prior_selection``.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.initializers._data_source import ObservedSourceInitializer
from ktseed.initializers._data_source import check_path
from ktseed.initializers._prior_selection import PriorUsage
from ktseed.initializers._prior_selection import best_distinct
from ktseed.initializers._prior_selection import budget_mix
from ktseed.initializers._prior_selection import cap_observations
from ktseed.initializers._prior_selection import reason
from ktseed.prior_runs import check_project
from ktseed.prior_runs import load_prior_run
from ktseed.prior_runs import trial_sort_key
from ktseed.prior_runs.reader import check_project_name
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    from collections.abc import Mapping

    import keras_tuner

    from ktseed.initializers.request import DesignRequest
    from ktseed.prior_runs import PriorRun
    from ktseed.prior_runs import PriorTrial
    from ktseed.space import Values

MODES = ("replay", "observe")
ON_INVALID = ("skip", "raise")

#: Default cap on the prior trials observe mode hands to the model.
DEFAULT_MAX_OBSERVATIONS = 200


class PriorRunInitializer(ObservedSourceInitializer):
    """Starts from the trials of an earlier KerasTuner project.

    The project is the ``directory``/``project_name`` pair the earlier tuner
    was given; :func:`~ktseed.prior_runs.load_prior_run` reads its
    ``trial_*/trial.json`` files (plain JSON, nothing unpickled) when the
    design is generated, so the run may still be growing when the
    initializer is built.

    Two modes:

    * ``mode="replay"`` (default): the design is the ``top_k`` best
      COMPLETED prior configurations, best first by the prior objective's
      direction (ties broken by trial id, so the order is stable), run
      again as the first trials.
    * ``mode="observe"``: the design is empty. :meth:`observations` returns
      the usable COMPLETED prior trials as ``(values, score)``, which the
      seeded Bayesian oracle feeds to its Gaussian process without running
      them (and :meth:`budgeted_observations` with each one's epoch
      budget, for the seeded Hyperband oracle's GP hand-off). At most
      ``max_observations`` of them: beyond it the best half of the limit
      is kept, by the prior objective's direction, plus an evenly spread,
      deterministic sample of the others in trial-id order (so the model
      still sees the whole space), with a warning.

    The prior objective: KerasTuner does not store the objective in the
    project, but each trial's ``score`` is the best value of the objective's
    metric (``Oracle.score_trial``), and the metric is recorded in the
    trial's ``metrics`` with the objective's direction. So the prior
    objective is a metric that every scored trial recorded and whose best
    value equals the score (within a relative tolerance of 1e-9). Replay
    ranks trials by that metric's direction (pass ``direction`` when it
    cannot be told, for example after a custom ``score_trial``). Observe
    mode refuses, with :class:`~ktseed.errors.DataSourceError` naming both
    objectives, when the new objective's name is not among the prior
    metrics, has another direction, or does not match the scores; pass
    ``allow_objective_mismatch=True`` to use the recorded scores anyway.

    Space drift between the runs is handled per trial: hyperparameters the
    new space does not have are dropped, hyperparameters new to it take
    their default, values for hyperparameters inactive in the new space are
    dropped, and a trial with a value outside the new range, off its grid
    or not among its choices is skipped (``on_invalid="skip"``, the
    default) or raises :class:`~ktseed.errors.InvalidValueError`
    (``on_invalid="raise"``). Trials that become identical after the mapping
    are used once: the one trained for the most epochs (see below), then
    the better one. A :class:`~ktseed.errors.KtseedWarning` says how many
    trials were used and, per reason, why the others were not (not
    COMPLETED, no finite score, rejected values, duplicates, beyond
    ``max_observations``), and which hyperparameters were dropped or
    defaulted.

    Hyperband projects: a Hyperband trial records its epoch budget
    (``tuner/epochs``, kept as :attr:`~ktseed.prior_runs.PriorTrial.epochs`).
    A configuration promoted to a later round appears once per round; the
    trial with the most epochs is used, since its score is the one
    comparable with the fully trained configurations. Configurations that
    were never promoted keep their early, fewer-epoch scores, so the used
    trials usually still have different budgets, and a score after one
    epoch is not comparable with a score after many. Replay then warns (it
    ranks them together); observe mode refuses with
    :class:`~ktseed.errors.DataSourceError`, since the model would take
    them as equals. ``allow_mixed_budgets=True`` accepts mixed budgets in
    both modes, without the warning. Projects of the other oracles record
    no budget and are not affected. The seeded Hyperband oracle with
    ``handoff="gp"`` models each budget apart (it reads them from
    :meth:`budgeted_observations`), so mixed budgets are what it wants:
    pass ``allow_mixed_budgets=True`` there.

    Args:
        directory: The ``directory`` of the earlier tuner.
        project_name: Its ``project_name``.
        mode: ``"replay"`` or ``"observe"``.
        top_k: Replay: how many of the best trials to run. ``None`` uses
            ``n_points`` if given, else
            :func:`~ktseed.initializers.base.default_n_points`. Not allowed
            in observe mode.
        direction: ``"min"`` or ``"max"``, the prior objective's direction:
            replay ranks by it, and observe mode keeps the best trials by
            it when ``max_observations`` applies. ``None`` (default) infers
            it from the trials (observe mode falls back to the new
            objective's direction).
        on_invalid: ``"skip"`` (default) or ``"raise"`` for prior values the
            new search space rejects.
        allow_objective_mismatch: Observe: use the prior scores even when
            the prior objective is not the new one.
        max_observations: Observe: at most this many prior trials go to the
            model (default 200). ``None`` means no limit, which is
            dangerous with large projects: the Gaussian process refits on
            every observation at each trial, at a cost that grows with the
            cube of their number (the ``handoff="gp"`` path also builds
            arrays that grow with its square), and every observation is
            stored in the project's ``oracle.json``, which KerasTuner
            rewrites several times per trial. Replay ignores it
            (``top_k`` sizes the replayed design).
        allow_mixed_budgets: Use Hyperband trials of different epoch
            budgets together (see above): replay without the warning,
            observe mode instead of refusing.
        n_points: Caps the replay design (with ``top_k``, the smaller of
            the two applies). Not allowed in observe mode.
        check_exists: Check at construction that the project directory
            exists, so that a typo fails before any trial runs, whether the
            initializer is given as an instance or as a dict. The trials
            themselves are read when the design is generated. A resumed
            search rebuilds its saved initializer with
            :meth:`from_saved_config`, which does not check: its design and
            observations are saved already. To resume after the project
            moved or was deleted, pass ``check_exists=False``.

    Raises:
        InitializerConfigError: For an argument of the wrong type or value.
        DataSourceError: With ``check_exists``, if the directory or project
            does not exist.

    Examples:
        >>> init = PriorRunInitializer(
        ...     "runs", "mlp_v1", top_k=5, check_exists=False
        ... )
        >>> init.get_config()["mode"]
        'replay'
    """

    name: ClassVar[str] = "prior_run"

    def __init__(
        self,
        directory: str | os.PathLike[str],
        project_name: str,
        *,
        mode: str = "replay",
        top_k: int | None = None,
        direction: str | None = None,
        on_invalid: str = "skip",
        allow_objective_mismatch: bool = False,
        max_observations: int | None = DEFAULT_MAX_OBSERVATIONS,
        allow_mixed_budgets: bool = False,
        n_points: int | None = None,
        check_exists: bool = True,
    ) -> None:
        super().__init__(n_points=n_points)
        label = self._label()
        path = check_path(directory, "directory", label, what="a path")
        check_project_name(project_name, label, error=InitializerConfigError)
        self.mode: str = checks.choice(mode, "mode", MODES, owner=label)
        self.top_k: int | None = checks.integer(
            top_k, "top_k", owner=label, low=1, optional=True
        )
        self.direction: str | None = checks.choice(
            direction,
            "direction",
            (None, "min", "max"),
            owner=label,
            expected="'min', 'max' or None",
        )
        self.on_invalid = checks.choice(
            on_invalid, "on_invalid", ON_INVALID, owner=label
        )
        self._check_observe_options(
            label,
            allow_objective_mismatch=allow_objective_mismatch,
            max_observations=max_observations,
            allow_mixed_budgets=allow_mixed_budgets,
        )
        checks.flag(check_exists, "check_exists", owner=label)
        if mode == "observe" and (top_k is not None or n_points is not None):
            msg = (
                f"{label}: `top_k` and `n_points` size the replayed design; "
                "with mode='observe' the design is empty and every usable "
                "trial is observed. Drop them or use mode='replay'."
            )
            raise InitializerConfigError(msg)
        self.directory = path
        self.project_name = project_name
        if check_exists:
            try:
                check_project(self.directory, self.project_name)
            except DataSourceError as error:
                msg = (
                    f"{error} (To resume a search whose design is saved "
                    "without this project, pass check_exists=False.)"
                )
                raise DataSourceError(msg) from error

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds the constructor options."""
        return {
            **super().get_config(),
            "directory": self.directory,
            "project_name": self.project_name,
            "mode": self.mode,
            "top_k": self.top_k,
            "direction": self.direction,
            "on_invalid": self.on_invalid,
            **self._observe_config(),
        }

    # -------------------------------------------------------------- design
    def size_hint(self) -> int | None:
        """0 in observe mode; else the smaller of ``top_k`` and ``n_points``.

        ``None`` when neither is given: the default design size depends on
        the search space (and the design may be smaller when the project
        has fewer usable trials).
        """
        if self.mode == "observe":
            return 0
        caps = [c for c in (self.n_points, self.top_k) if c]
        return min(caps) if caps else None

    def _default_n_points(self, request: DesignRequest) -> int:
        if self.mode == "observe":
            return 0
        if self.top_k is not None:
            return self.top_k
        return request.n

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        codec, n = request.codec, request.n
        if self.mode == "observe":
            return []
        k = n if self.top_k is None else min(n, self.top_k)
        run = self._load()
        usage, usable = self._map_trials(run, codec)
        direction = self._ranking_direction(run, usable)
        kept = best_distinct(usable, direction, usage)
        if not self.allow_mixed_budgets:
            usage.mixed_budgets = budget_mix(t for t, _ in kept)
        usage.beyond_top_k = max(0, len(kept) - k)
        design = kept[:k]
        self._warn(run, usage, len(design), stacklevel=4)
        return [values for _, values in design]

    def budgeted_observations(
        self,
        space: keras_tuner.HyperParameters | SpaceCodec,
        objective: Any,
    ) -> list[tuple[Values, float, int | None]]:
        """:meth:`observations`, each with the epochs it was trained for.

        Returns:
            ``(values, score, epochs)``: the trials of :meth:`observations`,
            in its order, with Hyperband's ``tuner/epochs``
            (:attr:`~ktseed.prior_runs.PriorTrial.epochs`), ``None`` for a
            trial of another oracle. The seeded Hyperband oracle's GP
            hand-off models each budget apart.

        Raises:
            DataSourceError: As for :meth:`observations`.
            InvalidValueError: As for :meth:`observations`.
        """
        kept = self._observed(space, objective, stacklevel=3)
        return [
            (values, float(trial.score or 0.0), trial.epochs)
            for trial, values in kept
        ]

    def _observing(self) -> bool:
        return self.mode == "observe"

    def _observe(
        self, codec: SpaceCodec, name: str, direction: str, *, stacklevel: int
    ) -> list[tuple[PriorTrial, Values]]:
        run = self._load()
        self._require_completed(run)
        mismatch = run.objective_mismatch(name, direction)
        if mismatch is not None and not self.allow_objective_mismatch:
            msg = (
                f"{self._label()}: prior run '{run.project_dir}' was scored "
                f"on {run.describe_objective()}, but the new objective is "
                f"Objective(name='{name}', direction='{direction}') "
                f"({mismatch}). Its scores would mislead the new search's "
                "model. Tune the same objective, use mode='replay', or pass "
                "allow_objective_mismatch=True if the scores are comparable."
            )
            raise DataSourceError(msg)
        usage, usable = self._map_trials(run, codec)
        prior_direction = self.direction or run.infer_direction() or direction
        kept = best_distinct(usable, prior_direction, usage)
        mix = budget_mix(t for t, _ in kept)
        if mix and not self.allow_mixed_budgets:
            msg = (
                f"{self._label()}: the usable trials of prior run "
                f"'{run.project_dir}' were trained for different epoch "
                f"budgets ({mix}; Hyperband stops most configurations "
                "after few epochs), so their scores are not comparable and "
                "the new search's model would take them as equals. Use "
                "mode='replay' to run the best configurations again, or "
                "pass allow_mixed_budgets=True to observe them anyway."
            )
            raise DataSourceError(msg)
        kept = cap_observations(kept, self.max_observations, usage)
        kept.sort(key=lambda item: trial_sort_key(item[0].trial_id))
        self._warn(run, usage, len(kept), stacklevel=stacklevel + 1)
        return kept

    # ------------------------------------------------------------- helpers
    def _load(self) -> PriorRun:
        return load_prior_run(self.directory, self.project_name)

    def _require_completed(self, run: PriorRun) -> None:
        if run.completed:
            return
        statuses = ", ".join(
            f"{status}: {count}"
            for status, count in sorted(run.status_counts().items())
        )
        msg = (
            f"{self._label()}: prior run '{run.project_dir}' has no "
            f"COMPLETED trial ({len(run.trials)} trial(s); {statuses}). "
            "Use a project whose search completed trials."
        )
        raise DataSourceError(msg)

    def _map_trials(
        self, run: PriorRun, codec: SpaceCodec
    ) -> tuple[PriorUsage, list[tuple[PriorTrial, Values]]]:
        """Maps every scored trial to the new space; counts the others."""
        self._require_completed(run)
        usage = PriorUsage(total=len(run.trials))
        names = set(codec.names)
        prior_names = run.space_names()
        usage.dropped_names = [n for n in prior_names if n not in names]
        usage.new_names = [n for n in codec.names if n not in prior_names]
        usable: list[tuple[PriorTrial, Values]] = []
        for trial in run.trials:
            if trial.status != "COMPLETED":
                usage.not_completed[trial.status] = (
                    usage.not_completed.get(trial.status, 0) + 1
                )
                continue
            if not trial.is_scored:
                usage.no_score += 1
                continue
            where = f"prior trial {trial.trial_id} ('{trial.path}')"
            values = {k: v for k, v in trial.values.items() if k in names}
            try:
                canonical = codec.canonicalize(
                    values, fill_defaults=True, on_inactive="drop", where=where
                )
            except InvalidValueError as error:
                if self.on_invalid == "raise":
                    msg = (
                        f"{self._label()}: {error} The new search space "
                        "rejects this prior value (on_invalid='raise'); pass "
                        "on_invalid='skip' to leave such trials out."
                    )
                    raise InvalidValueError(
                        msg, hp_name=error.hp_name, value=error.value
                    ) from error
                usage.invalid.append(
                    f"trial {trial.trial_id}: {reason(error, where)}"
                )
                continue
            usable.append((trial, canonical))
        if not usable:
            parts = "; ".join(usage.unused_parts())
            msg = (
                f"{self._label()}: none of the {usage.total} trial(s) of "
                f"prior run '{run.project_dir}' can be used: {parts}. Check "
                "that the new search space matches the earlier one."
            )
            raise DataSourceError(msg)
        return usage, usable

    def _ranking_direction(
        self, run: PriorRun, usable: list[tuple[PriorTrial, Values]]
    ) -> str:
        if self.direction is not None:
            return self.direction
        inferred = run.infer_direction()
        if inferred is not None:
            return inferred
        if len(usable) == 1:
            return "min"  # A single trial needs no ranking.
        candidates = run.objective_candidates()
        if candidates:
            why = "the scores match metrics with both directions (" + (
                ", ".join(f"'{n}': {d}" for n, d in candidates.items()) + ")"
            )
        else:
            why = "no recorded metric's best value matches every score"
        msg = (
            f"{self._label()}: cannot tell the direction of prior run "
            f"'{run.project_dir}''s objective: {why}. Pass direction='min' "
            "or direction='max'."
        )
        raise DataSourceError(msg)

    def _warn(
        self, run: PriorRun, usage: PriorUsage, used: int, *, stacklevel: int
    ) -> None:
        text = usage.warning(self._label(), run.project_dir, used)
        if text is not None:
            warnings.warn(text, KtseedWarning, stacklevel=stacklevel)


__all__ = ["PriorRunInitializer"]
