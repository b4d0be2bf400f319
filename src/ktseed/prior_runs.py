"""Reading an earlier KerasTuner project: a small, fast, reusable reader.

A KerasTuner project directory ``<directory>/<project_name>/`` holds one
``trial_<id>/trial.json`` per trial and, once the search has started,
``oracle.json`` with the oracle's state (its search space under
``"hyperparameters"``). :func:`load_prior_run` reads them into a
:class:`PriorRun`: light-weight :class:`PriorTrial` records plus the prior
search space.

Why not ``keras_tuner.engine.trial.Trial.load``? It rebuilds a complete
``HyperParameters`` object (every hyperparameter of the space, from each
trial's own copy of the space config) and a ``MetricsTracker`` per trial.
This reader builds no KerasTuner ``Trial`` objects: it parses each file
with ``json.loads`` into the light-weight records here, which keeps large
projects quick to read (the benchmark results page reports its load times
on large synthetic projects). The reader follows KerasTuner's own
rules: it reads the files KerasTuner's ``Oracle.reload`` reads (the glob
``trial_*/trial.json``, so a trial directory without ``trial.json`` is
ignored), it computes a metric's best value as ``MetricHistory`` does (the
mean of each step's executions, then the NaN-ignoring minimum or maximum),
and it never unpickles or executes anything. Importing this module does not
import KerasTuner; only :meth:`PriorRun.hyperparameters` does.

The trials' scores were recorded under the prior search's objective, which
KerasTuner does not store anywhere. :meth:`PriorRun.objective_candidates`
recovers it from the data: KerasTuner sets a trial's ``score`` to the best
value of the objective's metric (``Oracle.score_trial``), and records that
metric with the objective's direction, so the objective is a metric whose
best value equals the score in every scored trial.
"""

from __future__ import annotations

import difflib
import json
import math
import os
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from ktseed.errors import DataSourceError
from ktseed.space import TUNER_PREFIX
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    import keras_tuner

#: Status of a trial that finished and has a score (KerasTuner's
#: ``TrialStatus.COMPLETED``).
COMPLETED = "COMPLETED"

#: Relative tolerance when matching a trial's score to a metric's best value.
SCORE_RTOL = 1e-9

#: Absolute tolerance for the same comparison (scores near zero).
SCORE_ATOL = 1e-12

_REQUIRED_TRIAL_KEYS = (
    "trial_id",
    "hyperparameters",
    "metrics",
    "score",
    "best_step",
    "status",
)


@dataclass(frozen=True, slots=True)
class PriorMetric:
    """One metric recorded for a prior trial.

    Attributes:
        direction: ``"min"`` or ``"max"``, as recorded by KerasTuner.
        best_value: The best value over the trial's steps (the mean of each
            step's executions, NaN ignored), or ``None`` without
            observations.
    """

    direction: str
    best_value: float | None


@dataclass(frozen=True, slots=True)
class PriorTrial:
    """A light-weight record of one prior trial.

    Attributes:
        trial_id: KerasTuner's trial id (a string such as ``"07"``).
        status: ``"COMPLETED"``, ``"FAILED"``, ``"INVALID"``, ``"RUNNING"``...
        score: The trial's score (the best value of the prior objective), or
            ``None``.
        values: The trial's hyperparameter values (active ones only, as
            KerasTuner stores them), without Hyperband's ``tuner/*`` keys
            (``tuner/epochs`` and ``tuner/round`` are kept as
            :attr:`epochs` and :attr:`round`).
        metrics: Metric name to :class:`PriorMetric`.
        best_step: The step of the best objective value, or ``None``.
        path: The ``trial.json`` file the record was read from.
        epochs: Hyperband's ``tuner/epochs``: the epochs the trial trained
            for in all (its budget). ``None`` for trials of other oracles.
        round: Hyperband's ``tuner/round`` (0 for a new configuration, 1
            and up for a promotion), or ``None``.
    """

    trial_id: str
    status: str
    score: float | None
    values: dict[str, Any]
    metrics: dict[str, PriorMetric]
    best_step: int | None
    path: str
    epochs: int | None = None
    round: int | None = None

    @property
    def metric_directions(self) -> dict[str, str]:
        """Metric name to direction."""
        return {name: m.direction for name, m in self.metrics.items()}

    @property
    def is_scored(self) -> bool:
        """Whether the trial completed with a finite score."""
        return (
            self.status == COMPLETED
            and self.score is not None
            and math.isfinite(self.score)
        )


def trial_sort_key(trial_id: str) -> tuple[int, int, str]:
    """Orders trial ids numerically when they are numbers (``"9" < "10"``).

    KerasTuner pads ids to the width of ``max_trials``, so ids of one
    project usually sort as strings too, but a resumed search with a larger
    ``max_trials`` mixes widths (``"8"``, ``"09"``, ``"10"``).
    """
    if trial_id.isdigit():
        return (0, int(trial_id), trial_id)
    return (1, 0, trial_id)


@dataclass
class PriorRun:
    """An earlier KerasTuner project, as read by :func:`load_prior_run`.

    Attributes:
        project_dir: ``<directory>/<project_name>``.
        trials: Every trial with a ``trial.json``, ordered by trial id.
        space_config: The prior search space from ``oracle.json``
            (``HyperParameters.get_config()`` output), or ``None`` when the
            project has no ``oracle.json``.
        oracle_file: The ``oracle.json`` path, or ``None`` when absent.
    """

    project_dir: str
    trials: list[PriorTrial]
    space_config: dict[str, Any] | None = None
    oracle_file: str | None = None
    _hyperparameters: Any = field(
        default=None, init=False, repr=False, compare=False
    )

    # ----------------------------------------------------------- selection
    @property
    def completed(self) -> list[PriorTrial]:
        """The COMPLETED trials, ordered by trial id."""
        return [t for t in self.trials if t.status == COMPLETED]

    @property
    def scored(self) -> list[PriorTrial]:
        """The COMPLETED trials with a finite score, ordered by trial id."""
        return [t for t in self.trials if t.is_scored]

    def status_counts(self) -> dict[str, int]:
        """How many trials have each status."""
        counts: dict[str, int] = {}
        for trial in self.trials:
            counts[trial.status] = counts.get(trial.status, 0) + 1
        return counts

    def ranked(self, direction: str) -> list[PriorTrial]:
        """The scored trials, best first; ties keep trial-id order.

        Args:
            direction: ``"min"`` (lower is better) or ``"max"``.
        """
        _check_direction(direction)
        sign = -1.0 if direction == "max" else 1.0
        return sorted(
            self.scored,
            key=lambda t: (
                sign * float(t.score or 0.0),
                *trial_sort_key(t.trial_id),
            ),
        )

    # ---------------------------------------------------------------- space
    def space_names(self) -> list[str]:
        """Hyperparameter names of the prior space, in declaration order.

        From ``oracle.json`` when present, otherwise the names found in the
        trials' values in order of first appearance.
        """
        names: dict[str, None] = {}
        if self.space_config is not None:
            for entry in self.space_config["space"]:
                names[entry["config"]["name"]] = None
        for trial in self.trials:
            for name in trial.values:
                names.setdefault(name, None)
        return list(names)

    def hyperparameters(self) -> keras_tuner.HyperParameters | None:
        """The prior search space (imports KerasTuner on first use).

        Returns:
            ``HyperParameters.from_config(oracle["hyperparameters"])``, or
            ``None`` when the project has no ``oracle.json``.

        Raises:
            DataSourceError: If KerasTuner cannot rebuild the space.
        """
        if self.space_config is None:
            return None
        if self._hyperparameters is None:
            import keras_tuner as kt

            try:
                hps = kt.HyperParameters.from_config(self.space_config)
            except Exception as error:
                msg = (
                    f"prior run: the search space in '{self.oracle_file}' "
                    f"cannot be rebuilt by this KerasTuner "
                    f"({type(error).__name__}: {error}); the project was "
                    "probably written by an incompatible KerasTuner version."
                )
                raise DataSourceError(msg) from error
            self._hyperparameters = hps
        return self._hyperparameters

    # ------------------------------------------------------------ objective
    def objective_candidates(self) -> dict[str, str]:
        """Metrics that can be the prior objective, with their direction.

        A metric qualifies when every scored trial recorded it and its best
        value equals the trial's score (relative tolerance
        :data:`SCORE_RTOL`): that is how ``Oracle.score_trial`` computes a
        score. Usually exactly one metric qualifies.

        Returns:
            Metric name to direction, sorted by name; empty when no trial is
            scored or no metric matches every score.
        """
        scored = self.scored
        if not scored:
            return {}
        candidates: dict[str, str] | None = None
        for trial in scored:
            matching = {
                name: metric.direction
                for name, metric in trial.metrics.items()
                if _matches(metric, trial.score)
            }
            if candidates is None:
                candidates = matching
            else:
                candidates = {
                    name: direction
                    for name, direction in candidates.items()
                    if matching.get(name) == direction
                }
            if not candidates:
                return {}
        return dict(sorted((candidates or {}).items()))

    def infer_direction(self) -> str | None:
        """The prior objective's direction, when the data tells it.

        Returns:
            ``"min"`` or ``"max"`` when every candidate of
            :meth:`objective_candidates` has that direction, else ``None``.
        """
        directions = set(self.objective_candidates().values())
        if len(directions) == 1:
            return directions.pop()
        return None

    def objective_mismatch(self, name: str, direction: str) -> str | None:
        """Why the prior objective is not ``(name, direction)``, if it is not.

        Args:
            name: The new objective's metric name.
            direction: The new objective's direction.

        Returns:
            ``None`` when every scored trial recorded metric ``name`` with
            ``direction`` and a best value equal to its score; otherwise a
            sentence naming the first trial that contradicts it.
        """
        for trial in self.scored:
            metric = trial.metrics.get(name)
            if metric is None:
                known = ", ".join(sorted(trial.metrics)) or "none"
                return (
                    f"trial {trial.trial_id} recorded no metric '{name}' "
                    f"(its metrics: {known})"
                )
            if metric.direction != direction:
                return (
                    f"trial {trial.trial_id} recorded '{name}' with "
                    f"direction '{metric.direction}'"
                )
            if not _matches(metric, trial.score):
                return (
                    f"trial {trial.trial_id} has score {trial.score!r} but "
                    f"its best '{name}' is {metric.best_value!r}, so its "
                    "score measured another metric"
                )
        return None

    def describe_objective(self) -> str:
        """A short description of the prior objective, for messages."""
        candidates = self.objective_candidates()
        if not candidates:
            return "an objective that matches none of its recorded metrics"
        return " or ".join(
            f"Objective(name='{n}', direction='{d}')"
            for n, d in candidates.items()
        )


def _matches(metric: PriorMetric, score: float | None) -> bool:
    best = metric.best_value
    if best is None or score is None:
        return False
    return math.isclose(best, score, rel_tol=SCORE_RTOL, abs_tol=SCORE_ATOL)


def _check_direction(direction: object) -> None:
    if direction not in ("min", "max"):
        msg = f"`direction` must be 'min' or 'max' (got {direction!r})."
        raise ValueError(msg)


# -------------------------------------------------------------------- load
def load_prior_run(
    directory: str | os.PathLike[str], project_name: str
) -> PriorRun:
    """Reads the KerasTuner project ``<directory>/<project_name>``.

    Args:
        directory: The ``directory`` the earlier tuner was given.
        project_name: Its ``project_name``.

    Returns:
        The project's trials (ordered by trial id) and prior search space.

    Raises:
        DataSourceError: If the directory or the project does not exist, the
            project has no trials, a ``trial.json`` or the ``oracle.json`` is
            not valid JSON, or a file lacks a key KerasTuner 1.4 writes (the
            message names the file and the key).
    """
    root = os.fspath(directory)
    if not isinstance(project_name, str) or not project_name:
        msg = (
            "prior run: `project_name` must be a non-empty string "
            f"(got {project_name!r})."
        )
        raise DataSourceError(msg)
    project_dir = os.path.join(root, project_name)
    _check_project_dir(root, project_name, project_dir)

    trials: list[PriorTrial] = []
    seen: dict[str, str] = {}
    with os.scandir(project_dir) as entries:
        names = [
            e.name
            for e in entries
            if e.name.startswith("trial_") and e.is_dir()
        ]
    for name in names:
        path = os.path.join(project_dir, name, "trial.json")
        state = _read_json(path, "trial file", missing_ok=True)
        if state is None:
            continue  # KerasTuner's own reload globs trial_*/trial.json.
        trial = _parse_trial(state, path)
        if trial.trial_id in seen:
            msg = (
                f"prior run: trial id '{trial.trial_id}' appears in both "
                f"'{seen[trial.trial_id]}' and '{path}'; KerasTuner would "
                "keep only one of them. Remove the copy."
            )
            raise DataSourceError(msg)
        seen[trial.trial_id] = path
        trials.append(trial)
    if not trials:
        msg = (
            f"prior run: project '{project_dir}' has no trials (no "
            "trial_*/trial.json file). Point `directory` and "
            "`project_name` at a project that has run at least one trial."
        )
        raise DataSourceError(msg)
    trials.sort(key=lambda t: trial_sort_key(t.trial_id))

    oracle_file = os.path.join(project_dir, "oracle.json")
    oracle = _read_json(oracle_file, "oracle file", missing_ok=True)
    space_config = None
    if oracle is None:
        oracle_file_found: str | None = None
    else:
        oracle_file_found = oracle_file
        space_config = _parse_oracle(oracle, oracle_file)
    return PriorRun(
        project_dir=project_dir,
        trials=trials,
        space_config=space_config,
        oracle_file=oracle_file_found,
    )


def check_project(directory: str | os.PathLike[str], project_name: str) -> str:
    """Checks that ``<directory>/<project_name>`` exists, without reading it.

    Returns:
        The project directory.

    Raises:
        DataSourceError: If the directory or the project does not exist; the
            message lists the projects found in ``directory``.
    """
    root = os.fspath(directory)
    project_dir = os.path.join(root, project_name)
    _check_project_dir(root, project_name, project_dir)
    return project_dir


def _check_project_dir(root: str, project_name: str, project_dir: str) -> None:
    if not os.path.isdir(root):
        what = "is not a directory" if os.path.exists(root) else "not found"
        msg = (
            f"prior run: directory '{root}' {what}. Pass the `directory` "
            "the earlier tuner was given."
        )
        raise DataSourceError(msg)
    if os.path.isdir(project_dir):
        return
    projects = sorted(
        entry.name
        for entry in os.scandir(root)
        if entry.is_dir() and _looks_like_project(entry.path)
    )
    if projects:
        close = difflib.get_close_matches(project_name, projects, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        found = f"projects found there: {', '.join(projects)}.{hint}"
    else:
        found = "no KerasTuner project was found there."
    msg = (
        f"prior run: directory '{root}' has no project '{project_name}'; "
        f"{found}"
    )
    raise DataSourceError(msg)


def _looks_like_project(path: str) -> bool:
    if os.path.isfile(os.path.join(path, "oracle.json")):
        return True
    try:
        with os.scandir(path) as entries:
            return any(e.name.startswith("trial_") for e in entries)
    except OSError:
        return False


def _read_json(path: str, what: str, *, missing_ok: bool) -> Any:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    except OSError as error:
        msg = f"prior run: cannot read {what} '{path}': {error}."
        raise DataSourceError(msg) from error
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = (
            f"prior run: corrupt {what} '{path}': not valid JSON ({error}). "
            "Restore the file or delete its trial directory."
        )
        raise DataSourceError(msg) from error


def _incompatible(path: str, key: str, problem: str) -> DataSourceError:
    msg = (
        f"prior run: '{path}' {problem} '{key}'; it was not written by a "
        "compatible KerasTuner version (ktseed reads the KerasTuner 1.x "
        "layout) or it is damaged."
    )
    return DataSourceError(msg)


def _parse_trial(state: Any, path: str) -> PriorTrial:
    if not isinstance(state, dict):
        raise _incompatible(path, "trial_id", "is not a JSON object with")
    for key in _REQUIRED_TRIAL_KEYS:
        if key not in state:
            raise _incompatible(path, key, "lacks the key")
    trial_id = state["trial_id"]
    if isinstance(trial_id, bool) or not isinstance(trial_id, (str, int)):
        raise _incompatible(path, "trial_id", "has a non-string")
    status = state["status"]
    if not isinstance(status, str):
        raise _incompatible(path, "status", "has a non-string")
    score = state["score"]
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, (int, float))
    ):
        raise _incompatible(path, "score", "has a non-numeric")
    best_step = state["best_step"]
    if best_step is not None and (
        isinstance(best_step, bool) or not isinstance(best_step, int)
    ):
        raise _incompatible(path, "best_step", "has a non-integer")
    hps = state["hyperparameters"]
    if not isinstance(hps, dict) or "values" not in hps:
        raise _incompatible(path, "hyperparameters.values", "lacks the key")
    raw_values = hps["values"]
    if not isinstance(raw_values, dict):
        raise _incompatible(path, "hyperparameters.values", "has a non-object")
    values = strip_tuner_keys(raw_values)
    epochs = _tuner_int(raw_values, "epochs", path)
    round_ = _tuner_int(raw_values, "round", path)
    metrics_state = state["metrics"]
    if not isinstance(metrics_state, dict) or "metrics" not in metrics_state:
        raise _incompatible(path, "metrics.metrics", "lacks the key")
    raw_metrics = metrics_state["metrics"]
    if not isinstance(raw_metrics, dict):
        raise _incompatible(path, "metrics.metrics", "has a non-object")
    metrics = {
        name: _parse_metric(config, path, name)
        for name, config in raw_metrics.items()
    }
    return PriorTrial(
        trial_id=str(trial_id),
        status=status,
        score=None if score is None else float(score),
        values=values,
        metrics=metrics,
        best_step=best_step,
        path=path,
        epochs=epochs,
        round=round_,
    )


def _tuner_int(values: dict[str, Any], name: str, path: str) -> int | None:
    """Hyperband's integer ``tuner/<name>`` value, or ``None`` if absent."""
    key = TUNER_PREFIX + name
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _incompatible(
            path, f"hyperparameters.values.{key}", "has a non-integer"
        )
    return value


def _parse_metric(config: Any, path: str, name: str) -> PriorMetric:
    key = f"metrics.metrics.{name}"
    if not isinstance(config, dict):
        raise _incompatible(path, key, "has a non-object")
    if "direction" not in config:
        raise _incompatible(path, f"{key}.direction", "lacks the key")
    if "observations" not in config:
        raise _incompatible(path, f"{key}.observations", "lacks the key")
    direction = config["direction"]
    if direction not in ("min", "max"):
        raise _incompatible(path, f"{key}.direction", "has an unknown")
    observations = config["observations"]
    if not isinstance(observations, list):
        raise _incompatible(path, f"{key}.observations", "has a non-list")
    means: list[float] = []
    for observation in observations:
        if not isinstance(observation, dict) or "value" not in observation:
            raise _incompatible(
                path, f"{key}.observations[].value", "lacks the key"
            )
        value = observation["value"]
        numbers = value if isinstance(value, list) else [value]
        try:
            means.append(math.fsum(numbers) / len(numbers))
        except (TypeError, ZeroDivisionError) as error:
            raise _incompatible(
                path, f"{key}.observations[].value", "has a non-numeric"
            ) from error
    return PriorMetric(direction=direction, best_value=_best(means, direction))


def _best(means: list[float], direction: str) -> float | None:
    """``np.nanmin``/``np.nanmax`` of ``means`` (``None`` when empty)."""
    if not means:
        return None
    finite = [m for m in means if not math.isnan(m)]
    if not finite:
        return math.nan
    return min(finite) if direction == "min" else max(finite)


def _parse_oracle(state: Any, path: str) -> dict[str, Any]:
    if not isinstance(state, dict):
        raise _incompatible(path, "hyperparameters", "is not an object with")
    if "hyperparameters" not in state:
        raise _incompatible(path, "hyperparameters", "lacks the key")
    config = state["hyperparameters"]
    if not isinstance(config, dict):
        raise _incompatible(path, "hyperparameters", "has a non-object")
    for key in ("space", "values"):
        if key not in config:
            raise _incompatible(path, f"hyperparameters.{key}", "lacks the key")
    if not isinstance(config["space"], list):
        raise _incompatible(path, "hyperparameters.space", "has a non-list")
    for entry in config["space"]:
        if (
            not isinstance(entry, dict)
            or "class_name" not in entry
            or not isinstance(entry.get("config"), dict)
            or not isinstance(entry["config"].get("name"), str)
        ):
            raise _incompatible(
                path,
                "hyperparameters.space[].{class_name, config.name}",
                "lacks the keys",
            )
    return config


def __getattr__(name: str) -> Any:
    # 0.1 kept its project writer here; it moved to ktseed.testing.projects.
    if name == "write_synthetic_project":
        import warnings

        from ktseed.testing import projects

        warnings.warn(
            "ktseed.prior_runs.write_synthetic_project moved to "
            "ktseed.testing.projects.write_synthetic_project; import it "
            "from there.",
            DeprecationWarning,
            stacklevel=2,
        )
        return projects.write_synthetic_project
    msg = f"module 'ktseed.prior_runs' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "COMPLETED",
    "PriorMetric",
    "PriorRun",
    "PriorTrial",
    "check_project",
    "load_prior_run",
    "trial_sort_key",
]
