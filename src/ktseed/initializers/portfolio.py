"""``portfolio``: the configurations that together did best on earlier tasks.

The user manual is ``docs/initializers/portfolio.md``; how a source is read
is in :mod:`ktseed.initializers._portfolio_sources`, the construction (the
normalisation, the predictions, the greedy step) in
:mod:`ktseed.initializers._portfolio_build`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.initializers._data_source import ObservedSourceInitializer
from ktseed.initializers._portfolio_build import NORMALIZATIONS
from ktseed.initializers._portfolio_build import PortfolioReport
from ktseed.initializers._portfolio_build import build_portfolio
from ktseed.initializers._portfolio_sources import CSV
from ktseed.initializers._portfolio_sources import SourceSpec
from ktseed.initializers._portfolio_sources import Task
from ktseed.initializers._portfolio_sources import check_exists as check_source
from ktseed.initializers._portfolio_sources import parse_source
from ktseed.initializers._portfolio_sources import read_source
from ktseed.initializers._portfolio_sources import source_label
from ktseed.initializers._prior_selection import PriorUsage
from ktseed.initializers._prior_selection import budget_mix
from ktseed.initializers._prior_selection import cap_observations
from ktseed.initializers.base import Initializer
from ktseed.initializers.prior_run import DEFAULT_MAX_OBSERVATIONS
from ktseed.initializers.prior_run import ON_INVALID
from ktseed.space import SpaceCodec

if TYPE_CHECKING:
    from ktseed.initializers._portfolio_sources import Mapped
    from ktseed.initializers.request import DesignRequest

#: The logger the design's report goes to (at level INFO).
logger = logging.getLogger(__name__)

#: Default cap on the trials of one task its GP conditions on.
DEFAULT_MAX_MODEL_TRIALS = 256

#: Frames from ``_read`` to the caller of ``generate`` (the user's line).
_DESIGN_STACKLEVEL = 6


class PortfolioInitializer(ObservedSourceInitializer):
    """The configurations that together did best on several earlier tasks.

    Each source is one earlier task: a KerasTuner project or a CSV file
    written by ``ktseed export`` (for example one architecture tuned on
    several datasets, or one model retuned every month). The design is
    built as Auto-sklearn 2.0 builds its portfolio (Feurer et al., JMLR
    2022): the candidates are every source's configurations, mapped into
    the new search space; each task's scores are normalised by that task's
    own trials (0 best, 1 worst); a candidate's score on a task it did not
    run on is predicted by a Gaussian process fitted on that task's trials
    (the GP hand-off's model); then, ``n_points`` times, the candidate that
    most lowers the mean over tasks of the best score so far is added. The
    result is a small set that covers the tasks: each point good on some,
    together good on all, rather than ``n_points`` variants of one task's
    best.

    The design is deterministic: the same sources and space give the same
    points. Its report (how many of the ``n_points x tasks`` scores were
    predicted, the candidates, the mean best score after each point, the
    build time) is logged at INFO level on the ``ktseed.initializers.\
    portfolio`` logger and kept as :attr:`last_report`.

    Space drift is handled per source as ``prior_run`` handles it:
    hyperparameters the new space does not have are dropped, new ones take
    their default, a trial with a value the new space rejects is skipped
    (``on_invalid="skip"``) or raises; one
    :class:`~ktseed.errors.KtseedWarning` per source says what was dropped,
    defaulted or left out. Each source is ranked in its own direction
    (inferred from a project's metrics; a CSV file takes the new search's
    unless its dict gives ``"direction"``), so sources may mix losses and
    accuracies.

    Args:
        sources: The earlier tasks, at least one: dicts
            ``{"directory": ..., "project_name": ...}`` (a KerasTuner
            project) or ``{"csv": ...}`` (a file written by ``ktseed
            export``; optional ``"score_column"``, default ``"score"``),
            each with an optional ``"direction"`` (``"min"`` or
            ``"max"``), or paths: ``"runs/mlp_a"`` is the project
            ``mlp_a`` of directory ``runs``, a path ending in ``.csv`` a
            CSV file. The config records the dict form.
        n_points: The design size; ``None`` uses
            :func:`~ktseed.initializers.base.default_n_points`.
        normalization: ``"rank"`` (default): a score's quantile among its
            task's trials; ``"minmax"``: ``(score - best) / (worst -
            best)`` of the task's trials. See
            :mod:`ktseed.initializers._portfolio_build` for why rank is
            the default.
        observe: Declare the sources the *same* task as the new search
            (the same objective, data and code): their trials are also
            given, with their scores, to the seeded Bayesian oracle's
            model, as ``prior_run`` does in observe mode. Only
            :class:`~ktseed.oracles.SeededBayesianOptimizationOracle`
            accepts it.
        allow_objective_mismatch: ``observe``: use the scores even when a
            source was scored on another objective.
        max_observations: ``observe``: at most this many trials in all go
            to the model (the best half, and an even spread of the others);
            ``None``: no limit.
        allow_mixed_budgets: ``observe``: accept Hyperband trials of
            different epoch budgets (refused otherwise: their scores are
            not comparable).
        allow_short: With fewer distinct usable configurations than
            ``n_points``, return them all instead of raising.
        on_invalid: ``"skip"`` (default) or ``"raise"`` for a trial whose
            values the new space rejects.
        max_model_trials: Each task's GP conditions on at most this many of
            its trials (the best half and an even spread of the others;
            default 256); ``None``: all. The cost of predicting grows with
            it; the observed scores always count in full.
        check_exists: Check at construction that every source exists, so
            that a typo fails before any trial runs (a dict spec given to
            an oracle is checked when the search is built). A resumed
            search rebuilds the initializer with :meth:`from_saved_config`,
            which does not check.

    Raises:
        InitializerConfigError: For an argument of the wrong type or value,
            or a source named twice.
        DataSourceError: With ``check_exists``, if a source does not exist
            (the message names it).

    Examples:
        >>> init = PortfolioInitializer(
        ...     ["runs/mlp_a", {"csv": "mlp_b.csv"}], n_points=8,
        ...     check_exists=False,
        ... )
        >>> init.get_config()["sources"][0]
        {'directory': 'runs', 'project_name': 'mlp_a'}
    """

    name: ClassVar[str] = "portfolio"

    def __init__(
        self,
        sources: Sequence[Mapping[str, Any] | str | os.PathLike[str]],
        *,
        n_points: int | None = None,
        normalization: str = "rank",
        observe: bool = False,
        allow_objective_mismatch: bool = False,
        max_observations: int | None = DEFAULT_MAX_OBSERVATIONS,
        allow_mixed_budgets: bool = False,
        allow_short: bool = False,
        on_invalid: str = "skip",
        max_model_trials: int | None = DEFAULT_MAX_MODEL_TRIALS,
        check_exists: bool = True,
    ) -> None:
        super().__init__(n_points=n_points)
        label = self._label()
        if isinstance(sources, (str, bytes, Mapping, os.PathLike)) or (
            not isinstance(sources, Sequence)
        ):
            msg = (
                f"{label}: `sources` must be a list of earlier tasks (dicts "
                "or paths), one per task; got "
                f"{type(sources).__name__}. Wrap a single source in a list."
            )
            raise InitializerConfigError(msg)
        if not sources:
            msg = (
                f"{label}: `sources` is empty; give at least one earlier "
                "task, for example [{'directory': 'runs', 'project_name': "
                "'mlp_a'}]."
            )
            raise InitializerConfigError(msg)
        specs = [parse_source(s, i, label) for i, s in enumerate(sources, 1)]
        first: dict[str, int] = {}
        for i, spec in enumerate(specs, 1):
            key = os.path.normpath(spec.describe())
            if key in first:
                msg = (
                    f"{label}: source {i} repeats source {first[key]} "
                    f"({spec.describe()}); each source is one earlier task "
                    "and would count twice. Remove the copy."
                )
                raise InitializerConfigError(msg)
            first[key] = i
        self.sources: list[SourceSpec] = specs
        self.normalization = checks.choice(
            normalization, "normalization", NORMALIZATIONS, owner=label
        )
        self.observe = checks.flag(observe, "observe", owner=label)
        self._check_observe_options(
            label,
            allow_objective_mismatch=allow_objective_mismatch,
            max_observations=max_observations,
            allow_mixed_budgets=allow_mixed_budgets,
        )
        self.allow_short = checks.flag(allow_short, "allow_short", owner=label)
        self.on_invalid = checks.choice(
            on_invalid, "on_invalid", ON_INVALID, owner=label
        )
        self.max_model_trials: int | None = checks.integer(
            max_model_trials,
            "max_model_trials",
            owner=label,
            low=2,
            optional=True,
            none_means="for every trial",
        )
        if checks.flag(check_exists, "check_exists", owner=label):
            for i, spec in enumerate(specs, 1):
                check_source(spec, source_label(label, i, spec))
        #: The report of the last design this instance built, or ``None``.
        self.last_report: PortfolioReport | None = None
        self._warned: set[str] = set()

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; sources as dicts."""
        return {
            **super().get_config(),
            "sources": [spec.config() for spec in self.sources],
            "normalization": self.normalization,
            "observe": self.observe,
            **self._observe_config(),
            "allow_short": self.allow_short,
            "on_invalid": self.on_invalid,
            "max_model_trials": self.max_model_trials,
        }

    def resolved(self, request: DesignRequest) -> Initializer:
        """See :meth:`Initializer.resolved`; records CSV sources' direction.

        A CSV source without a ``"direction"`` is ranked in the search
        objective's direction; the resolved config says so, so that it
        alone rebuilds the design.
        """
        if request.direction is None or not any(
            s.kind == CSV and s.direction is None for s in self.sources
        ):
            return self
        sources = [
            dataclasses.replace(s, direction=request.direction)
            if s.kind == CSV and s.direction is None
            else s
            for s in self.sources
        ]
        config = {
            **self.get_config(),
            "sources": [s.config() for s in sources],
            "check_exists": False,
        }
        return type(self).from_config(config)

    # -------------------------------------------------------------- design
    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        started = time.perf_counter()
        self._warned = set()
        tasks = self._read(request.codec, request.direction, _DESIGN_STACKLEVEL)
        report = build_portfolio(
            request.codec,
            tasks,
            request.n,
            normalization=self.normalization,
            max_model_trials=self.max_model_trials,
            allow_short=self.allow_short,
            owner=self._label(),
            started=started,
        )
        self.last_report = report
        logger.info("%s: %s", self._label(), report.summary())
        return list(report.points)

    def _observing(self) -> bool:
        return self.observe

    def _observe(
        self, codec: SpaceCodec, name: str, direction: str, *, stacklevel: int
    ) -> list[Mapped]:
        tasks = self._read(codec, direction, stacklevel + 1)
        for task in tasks:
            self._check_same_objective(task, name, direction)
        pooled = _pooled(tasks)
        mix = budget_mix(t for t, _ in pooled)
        if mix and not self.allow_mixed_budgets:
            msg = (
                f"{self._label()}: the sources' trials were trained for "
                f"different epoch budgets ({mix}), so their scores are not "
                "comparable and the model would take them as equals. Pass "
                "observe=False to only build the design from them, or "
                "allow_mixed_budgets=True to observe them anyway."
            )
            raise DataSourceError(msg)
        sign = -1.0 if direction == "max" else 1.0
        ranked = sorted(pooled, key=lambda item: sign * (item[0].score or 0.0))
        usage = PriorUsage(total=len(pooled))
        kept = cap_observations(ranked, self.max_observations, usage)
        kept.sort(key=lambda item: int(item[0].trial_id))
        if usage.beyond_max_observations:
            text = (
                f"{self._label()}: observing {len(kept)} of the "
                f"{len(pooled)} usable trials of {len(tasks)} source(s); "
                f"not used: {'; '.join(usage.unused_parts())}."
            )
            warnings.warn(text, KtseedWarning, stacklevel=stacklevel)
        return kept

    # ------------------------------------------------------------- helpers
    def _read(
        self, codec: SpaceCodec, fallback: str | None, stacklevel: int
    ) -> list[Task]:
        """Every source read for ``codec``, with one warning per source."""
        tasks = []
        owner = self._label()
        for i, spec in enumerate(self.sources, 1):
            task = read_source(
                spec,
                source_label(owner, i, spec),
                codec,
                on_invalid=self.on_invalid,
                fallback_direction=fallback,
            )
            text = task.warning()
            if text is not None and text not in self._warned:
                self._warned.add(text)
                warnings.warn(text, KtseedWarning, stacklevel=stacklevel)
            tasks.append(task)
        return tasks

    def _check_same_objective(
        self, task: Task, name: str, direction: str
    ) -> None:
        if self.allow_objective_mismatch:
            return
        if task.run is not None:
            mismatch = task.run.objective_mismatch(name, direction)
            scored_on = task.run.describe_objective()
        elif task.direction != direction:
            mismatch = f"its direction is '{task.direction}'"
            scored_on = f"a score with direction '{task.direction}'"
        else:
            mismatch = None
            scored_on = ""
        if mismatch is None:
            return
        msg = (
            f"{task.label}: was scored on {scored_on}, but the new objective "
            f"is Objective(name='{name}', direction='{direction}') "
            f"({mismatch}). observe=True declares the sources the same task "
            "as the new search; pass observe=False to only build the design "
            "from them, or allow_objective_mismatch=True if the scores are "
            "comparable."
        )
        raise DataSourceError(msg)


def _pooled(tasks: Sequence[Task]) -> list[Mapped]:
    """Every task's kept trials, renumbered in source then trial order."""
    from ktseed.prior_runs import trial_sort_key

    pooled: list[Mapped] = []
    for task in tasks:
        for trial, values in sorted(
            task.kept, key=lambda item: trial_sort_key(item[0].trial_id)
        ):
            number = str(len(pooled))
            pooled.append((dataclasses.replace(trial, trial_id=number), values))
    return pooled


__all__ = [
    "DEFAULT_MAX_MODEL_TRIALS",
    "PortfolioInitializer",
    "PortfolioReport",
]
