"""Reading the files of a KerasTuner project into a :class:`PriorRun`.

A KerasTuner project directory ``<directory>/<project_name>/`` holds one
``trial_<id>/trial.json`` per trial and, once the search has started,
``oracle.json`` with the oracle's state (its search space under
``"hyperparameters"``).

Why not ``keras_tuner.engine.trial.Trial.load``? It rebuilds a complete
``HyperParameters`` object (every hyperparameter of the space, from each
trial's own copy of the space config) and a ``MetricsTracker`` per trial.
This reader builds no KerasTuner ``Trial`` objects: it parses each file
with ``json.loads`` into light-weight records, which keeps large projects
quick to read (the benchmark results page reports its load times on large
synthetic projects). The reader follows KerasTuner's own rules: it reads
the files KerasTuner's ``Oracle.reload`` reads (the glob
``trial_*/trial.json``, so a trial directory without ``trial.json`` is
ignored), it computes a metric's best value as ``MetricHistory`` does (the
mean of each step's executions, then the NaN-ignoring minimum or maximum),
and it never unpickles or executes anything. Every file it rejects is named
in the error, with the key it lacks.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from ktseed import checks
from ktseed.errors import DataSourceError
from ktseed.prior_runs.records import PriorMetric
from ktseed.prior_runs.records import PriorRun
from ktseed.prior_runs.records import PriorTrial
from ktseed.prior_runs.records import trial_sort_key
from ktseed.space import TUNER_PREFIX
from ktseed.space import strip_tuner_keys
from ktseed.space import tidy_float

#: Who the messages name.
_OWNER = "prior run"

_REQUIRED_TRIAL_KEYS = (
    "trial_id",
    "hyperparameters",
    "metrics",
    "score",
    "best_step",
    "status",
)


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
    project_dir = check_project(directory, project_name)
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
        _tidy_grid_values(trials, space_config)
    return PriorRun(
        project_dir=project_dir,
        trials=trials,
        space_config=space_config,
        oracle_file=oracle_file_found,
    )


def _tidy_grid_values(
    trials: list[PriorTrial], space_config: dict[str, Any]
) -> None:
    """Spells float grid values as ktseed does (0.3, not 0.30000000000000004).

    KerasTuner's grid arithmetic records ``0.1 + 2 * 0.1`` as
    ``0.30000000000000004``; the same configuration in ktseed's canonical
    form is ``0.3`` (:func:`~ktseed.space.tidy_float`). Only values of
    stepped ``Float`` hyperparameters of the prior space change, each by at
    most a few units in the last place.
    """
    stepped = {
        entry["config"]["name"]
        for entry in space_config.get("space", [])
        if isinstance(entry, dict)
        and entry.get("class_name") == "Float"
        and isinstance(entry.get("config"), dict)
        and entry["config"].get("step") is not None
    }
    if not stepped:
        return
    for trial in trials:
        for name in stepped & set(trial.values):
            value = trial.values[name]
            if isinstance(value, float):
                trial.values[name] = tidy_float(value)


def check_project_name(
    name: object,
    owner: str,
    *,
    expected: str = "a non-empty string",
    error: checks.ErrorType = DataSourceError,
) -> str:
    """``name`` if it can name a project: a non-empty string.

    Args:
        name: The ``project_name`` as given.
        owner: Who takes it.
        expected: What it must be, as the message says it.
        error: The exception class.

    Raises:
        DataSourceError: Or ``error``, for anything else.
    """
    if not isinstance(name, str) or not name:
        raise checks.fail(owner, "project_name", expected, name, error=error)
    return name


def check_project(directory: str | os.PathLike[str], project_name: str) -> str:
    """Checks that ``<directory>/<project_name>`` exists, without reading it.

    Args:
        directory: The ``directory`` the earlier tuner was given.
        project_name: Its ``project_name``.

    Returns:
        The project directory.

    Raises:
        DataSourceError: If ``project_name`` is not a non-empty string, or
            the directory or the project does not exist; the message lists
            the projects found in ``directory``.
    """
    check_project_name(project_name, _OWNER)
    root = os.fspath(directory)
    project_dir = os.path.join(root, project_name)
    if not os.path.isdir(root):
        what = "is not a directory" if os.path.exists(root) else "not found"
        msg = (
            f"prior run: directory '{root}' {what}. Pass the `directory` "
            "the earlier tuner was given."
        )
        raise DataSourceError(msg)
    if os.path.isdir(project_dir):
        return project_dir
    projects = sorted(
        entry.name
        for entry in os.scandir(root)
        if entry.is_dir() and _looks_like_project(entry.path)
    )
    if projects:
        hint = checks.suggestion(project_name, projects)
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
    raw_values = _inner_object(state, "hyperparameters", "values", path)
    values = strip_tuner_keys(raw_values)
    epochs = _tuner_int(raw_values, "epochs", path)
    round_ = _tuner_int(raw_values, "round", path)
    raw_metrics = _inner_object(state, "metrics", "metrics", path)
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


def _inner_object(
    state: dict[str, Any], outer: str, inner: str, path: str
) -> dict[str, Any]:
    """``state[outer][inner]``, which must be a JSON object."""
    container = state[outer]
    key = f"{outer}.{inner}"
    if not isinstance(container, dict) or inner not in container:
        raise _incompatible(path, key, "lacks the key")
    found = container[inner]
    if not isinstance(found, dict):
        raise _incompatible(path, key, "has a non-object")
    return found


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


__all__ = ["check_project", "check_project_name", "load_prior_run"]
