"""The earlier tasks of ``portfolio``: how they are named, checked and read.

A *source* is one earlier task: a KerasTuner project (the ``directory`` and
``project_name`` its tuner was given) or a CSV file written by ``ktseed
export`` (one row per trial, a score column, a status column). A source is
named by a dict, which is what the initializer's config records::

    {"directory": "runs", "project_name": "mlp_cifar10"}
    {"csv": "mlp_svhn.csv"}                # score column "score"
    {"csv": "mlp_svhn.csv", "score_column": "val_acc", "direction": "max"}

or by a string: a path ending in ``.csv`` is a CSV file, any other path is
a project directory (``"runs/mlp_cifar10"``: directory ``runs``, project
``mlp_cifar10``).

:func:`read_source` maps a source's trials into the new search space the
way ``prior_run`` does (it reuses ``prior_run``'s reader and its space-drift
rules: hyperparameters the new space lacks are dropped, new ones take their
default, a value the new space rejects skips its trial) and keeps one trial
per distinct configuration, best first, in the source's own direction.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from ktseed import checks
from ktseed.csv_format import STATUS_COLUMN
from ktseed.csv_format import ReadOptions
from ktseed.csv_format import check_file
from ktseed.csv_format import open_rows
from ktseed.csv_format import open_table
from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.initializers._prior_selection import PriorUsage
from ktseed.initializers._prior_selection import best_distinct
from ktseed.initializers._prior_selection import budget_mix
from ktseed.initializers.prior_run import PriorRunInitializer
from ktseed.prior_runs import COMPLETED
from ktseed.prior_runs import PriorTrial
from ktseed.prior_runs import check_project
from ktseed.prior_runs.reader import check_project_name

if TYPE_CHECKING:
    from ktseed.prior_runs import PriorRun
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: A source trial with its values mapped to the new space.
Mapped = tuple[PriorTrial, "Values"]

PROJECT = "project"
CSV = "csv"

#: The keys a source dict may have, by kind.
PROJECT_KEYS = ("directory", "project_name", "direction")
CSV_KEYS = ("csv", "score_column", "direction")

#: The score column of a file ``ktseed export`` writes.
DEFAULT_SCORE_COLUMN = "score"


@dataclass(frozen=True)
class SourceSpec:
    """One earlier task, as named by the user (checked, not read).

    Attributes:
        kind: ``"project"`` or ``"csv"``.
        path: The project's ``directory``, or the CSV file.
        project_name: The project's ``project_name`` (``None`` for CSV).
        direction: ``"min"``, ``"max"`` or ``None`` (inferred from a
            project's metrics; for a CSV file, the new search's direction).
        score_column: The CSV file's score column.
    """

    kind: str
    path: str
    project_name: str | None = None
    direction: str | None = None
    score_column: str = DEFAULT_SCORE_COLUMN

    def config(self) -> dict[str, Any]:
        """The JSON-safe dict that :func:`parse_source` reads back."""
        if self.kind == PROJECT:
            config: dict[str, Any] = {
                "directory": self.path,
                "project_name": self.project_name,
            }
        else:
            config = {"csv": self.path, "score_column": self.score_column}
        if self.direction is not None:
            config["direction"] = self.direction
        return config

    def describe(self) -> str:
        """``"project 'runs/a'"`` or ``"CSV file 'a.csv'"``, for messages."""
        if self.kind == PROJECT:
            assert self.project_name is not None
            return f"project '{os.path.join(self.path, self.project_name)}'"
        return f"CSV file '{self.path}'"


def source_label(owner: str, index: int, spec: SourceSpec) -> str:
    """``"initializer 'portfolio', source 2 (project 'runs/b')"``."""
    return f"{owner}, source {index} ({spec.describe()})"


def parse_source(spec: object, index: int, owner: str) -> SourceSpec:
    """Checks one entry of ``sources`` (a dict or a path); reads nothing.

    Args:
        spec: The entry.
        index: Its 1-based position, for messages.
        owner: Who takes it (``"initializer 'portfolio'"``).

    Raises:
        InitializerConfigError: For anything but a path or a dict of the
            keys above with values of the right types.
    """
    where = f"{owner}: source {index}"
    if isinstance(spec, (str, os.PathLike)):
        path = os.fspath(spec)
        if not isinstance(path, str) or not path:
            raise checks.fail(where, "path", "a non-empty path", spec)
        if path.lower().endswith(".csv"):
            return SourceSpec(CSV, path)
        directory, project = os.path.split(os.path.normpath(path))
        return SourceSpec(PROJECT, directory or os.curdir, project)
    if not isinstance(spec, Mapping):
        msg = (
            f"{where} must be a dict such as {{'directory': 'runs', "
            "'project_name': 'mlp'}} or {'csv': 'trials.csv'}, or a path "
            f"(got {spec!r} of type {type(spec).__name__})."
        )
        raise InitializerConfigError(msg)
    keys = [str(k) for k in spec]
    if ("csv" in spec) == ("directory" in spec):
        msg = (
            f"{where} must have exactly one of the keys 'csv' (a CSV file "
            "written by `ktseed export`) and 'directory' (with "
            f"'project_name', a KerasTuner project); got keys {keys}."
        )
        raise InitializerConfigError(msg)
    kind = CSV if "csv" in spec else PROJECT
    checks.known_keys(
        keys, CSV_KEYS if kind == CSV else PROJECT_KEYS, owner=where, what="key"
    )
    direction = checks.choice(
        spec.get("direction"),
        "direction",
        (None, "min", "max"),
        owner=where,
        expected="'min', 'max' or None",
    )
    if kind == CSV:
        path = spec["csv"]
        if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
            raise checks.fail(where, "csv", "a CSV file path", path)
        column = spec.get("score_column", DEFAULT_SCORE_COLUMN)
        if not isinstance(column, str) or not column:
            raise checks.fail(where, "score_column", "a column name", column)
        return SourceSpec(
            CSV, str(os.fspath(path)), None, direction, score_column=column
        )
    directory = spec["directory"]
    if not isinstance(directory, (str, os.PathLike)) or not os.fspath(
        directory
    ):
        raise checks.fail(where, "directory", "a directory path", directory)
    name = check_project_name(
        spec.get("project_name"),
        where,
        expected="a non-empty string (the earlier tuner's `project_name`)",
        error=InitializerConfigError,
    )
    return SourceSpec(PROJECT, str(os.fspath(directory)), name, direction)


def check_exists(spec: SourceSpec, label: str) -> None:
    """Raises unless the source's project or file exists (nothing read).

    Raises:
        DataSourceError: Naming the source.
    """
    hint = (
        " (To resume a search whose design is saved without this source, "
        "pass check_exists=False.)"
    )
    if spec.kind == CSV:
        check_file(spec.path, label, hint=hint.strip())
        return
    assert spec.project_name is not None
    try:
        check_project(spec.path, spec.project_name)
    except DataSourceError as error:
        msg = f"{label}: {_bare(error)}{hint}"
        raise DataSourceError(msg) from error


# ----------------------------------------------------------------- reading
@dataclass
class Task:
    """One source, read and mapped into the new space.

    Attributes:
        spec: The source.
        label: Who it is in messages.
        direction: The source's own direction (``"min"`` or ``"max"``).
        kept: One trial per distinct configuration of the new space, best
            first (ties by trial id).
        usage: What was used and left out, and the space drift.
        run: The project as read (``None`` for a CSV file).
    """

    spec: SourceSpec
    label: str
    direction: str
    kept: list[Mapped]
    usage: PriorUsage
    run: PriorRun | None = field(default=None, repr=False)

    def minimised(self) -> list[float]:
        """The kept trials' scores, negated for a ``"max"`` source."""
        sign = -1.0 if self.direction == "max" else 1.0
        return [sign * float(t.score or 0.0) for t, _ in self.kept]

    def warning(self) -> str | None:
        """The source's one warning (drift, unused trials), or ``None``."""
        usage = self.usage
        if not usage.noteworthy():
            return None
        unit = "row(s)" if self.spec.kind == CSV else "trial(s)"
        text = usage.report(
            f"{self.label}: using {len(self.kept)} distinct configuration(s) "
            f"of {usage.total} {unit}",
            usage.unused_parts(),
        )
        if usage.mixed_budgets:
            text += (
                " Its trials were trained for different epoch budgets "
                f"({usage.mixed_budgets}; Hyperband stops most "
                "configurations after few epochs), so scores after fewer "
                "epochs are ranked with scores after more."
            )
        return text


class _ProjectReader(PriorRunInitializer):
    """``prior_run``'s reader, speaking as one source of a portfolio."""

    def __init__(self, spec: SourceSpec, label: str, on_invalid: str) -> None:
        self._source_label = label
        assert spec.project_name is not None
        super().__init__(
            spec.path,
            spec.project_name,
            direction=spec.direction,
            on_invalid=on_invalid,
            check_exists=False,
        )

    def _label(self) -> str:
        return self._source_label


def read_source(
    spec: SourceSpec,
    label: str,
    codec: SpaceCodec,
    *,
    on_invalid: str,
    fallback_direction: str | None,
) -> Task:
    """Reads one source and maps its trials into ``codec``'s space.

    Args:
        spec: The source.
        label: Who it is in messages (:func:`source_label`).
        codec: The new search space.
        on_invalid: ``"skip"`` or ``"raise"`` for a value the new space
            rejects.
        fallback_direction: The direction of a CSV source that names none
            (the new search's).

    Returns:
        The task, with at least one usable configuration.

    Raises:
        DataSourceError: If the source is missing or empty, shares no
            hyperparameter with the new space, has no COMPLETED trial with
            a finite score, none of its trials fits the new space, or its
            direction cannot be told.
        InvalidValueError: With ``on_invalid="raise"``, for a value the new
            space rejects.
    """
    run: PriorRun | None = None
    if spec.kind == CSV:
        usage, usable = _read_csv(spec, label, codec, on_invalid)
        direction = _csv_direction(spec, label, fallback_direction)
    else:
        run, usage, usable, direction = _read_project(
            spec, label, codec, on_invalid
        )
    kept = best_distinct(usable, direction, usage)
    usage.mixed_budgets = budget_mix(t for t, _ in kept)
    return Task(spec, label, direction, kept, usage, run)


def _read_project(
    spec: SourceSpec, label: str, codec: SpaceCodec, on_invalid: str
) -> tuple[PriorRun, PriorUsage, list[Mapped], str]:
    """The project's run, its usable trials and its ranking direction."""
    reader = _ProjectReader(spec, label, on_invalid)
    try:
        run = reader._load()
    except DataSourceError as error:
        msg = f"{label}: {_bare(error)}"
        raise DataSourceError(msg) from error
    _check_overlap(label, run.space_names(), codec)
    usage, usable = reader._map_trials(run, codec)
    try:
        direction = reader._ranking_direction(run, usable)
    except DataSourceError as error:
        msg = (
            f"{error} (In `sources`, add it to this source's dict: "
            f"{ {**spec.config(), 'direction': 'min'} }.)"
        )
        raise DataSourceError(msg) from error
    return run, usage, usable, direction


def _read_csv(
    spec: SourceSpec, label: str, codec: SpaceCodec, on_invalid: str
) -> tuple[PriorUsage, list[Mapped]]:
    """The file's usable rows, as trials mapped into the new space."""
    check_file(spec.path, label)
    with open_table(spec.path, ignore_columns=("",), owner=label) as table:
        header = list(table.header)
    names = set(codec.names)
    _check_overlap(label, [c for c in header if c != spec.score_column], codec)
    extra = [
        c
        for c in header
        if c not in names and c not in (spec.score_column, STATUS_COLUMN)
    ]
    options = ReadOptions(
        path=spec.path,
        owner=label,
        score_column=spec.score_column,
        ignore_columns=[*extra, ""],
        on_invalid=on_invalid,
    )
    usage = PriorUsage(total=0)
    usage.dropped_names = [c for c in extra if c]
    usage.new_names = [n for n in codec.names if n not in header]
    usable: list[Mapped] = []
    with open_rows(options, codec) as (layout, selection):
        for record in selection:
            where = f"'{spec.path}', data row {record.number}"
            try:
                row = layout.parse(record, label)
            except InvalidValueError as error:
                if on_invalid == "raise":
                    msg = (
                        f"{error} The new search space rejects this value "
                        "(on_invalid='raise'); pass on_invalid='skip' to "
                        "leave such rows out."
                    )
                    raise InvalidValueError(
                        msg, hp_name=error.hp_name, value=error.value
                    ) from error
                usage.invalid.append(str(error).rstrip("."))
                continue
            if row.score is None or not math.isfinite(row.score):
                usage.no_score += 1
                continue
            trial = PriorTrial(
                trial_id=str(record.number),
                status=COMPLETED,
                score=float(row.score),
                values=dict(row.values),
                metrics={},
                best_step=None,
                path=where,
            )
            usable.append((trial, dict(row.values)))
        selection.finish()
        usage.total = selection.selected
        for _, status in selection.not_completed:
            usage.not_completed[status] = usage.not_completed.get(status, 0) + 1
    if not usable:
        if usage.not_completed and not (usage.invalid or usage.no_score):
            what = "has no COMPLETED row"
        else:
            what = "has no usable row"
        parts = "; ".join(usage.unused_parts())
        msg = (
            f"{label}: '{spec.path}' {what} ({usage.total} row(s): {parts}). "
            "Export a project whose search completed trials, with its "
            "scores (`ktseed export`)."
        )
        raise DataSourceError(msg)
    return usage, usable


def _csv_direction(
    spec: SourceSpec, label: str, fallback_direction: str | None
) -> str:
    """The CSV source's own direction, else the new search's."""
    direction = spec.direction or fallback_direction
    if direction is None:
        msg = (
            f"{label}: a CSV file records scores but not whether lower or "
            "higher is better, and no search objective gave a direction. "
            "Add 'direction': 'min' or 'max' to this source's dict: "
            f"{ {**spec.config(), 'direction': 'min'} }."
        )
        raise DataSourceError(msg)
    return direction


def _check_overlap(label: str, names: list[str], codec: SpaceCodec) -> None:
    """Refuses a source that shares no hyperparameter with the new space."""
    if not codec.names or set(names) & set(codec.names):
        return
    msg = (
        f"{label}: comes from an incompatible search space: none of its "
        f"hyperparameters ({', '.join(names) or 'none'}) is in the new "
        f"space ({', '.join(codec.names)}). Leave this source out, or "
        "rename the hyperparameters to match."
    )
    raise DataSourceError(msg)


def _bare(error: Exception) -> str:
    """The message of a ``prior run: ...`` error without that prefix."""
    text = str(error)
    prefix = "prior run: "
    return text[len(prefix) :] if text.startswith(prefix) else text


__all__ = [
    "CSV",
    "CSV_KEYS",
    "DEFAULT_SCORE_COLUMN",
    "PROJECT",
    "PROJECT_KEYS",
    "Mapped",
    "SourceSpec",
    "Task",
    "check_exists",
    "parse_source",
    "read_source",
    "source_label",
]
