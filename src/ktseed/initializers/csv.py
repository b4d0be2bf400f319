"""``csv``: configurations read from a CSV file, one per row."""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.initializers.base import Initializer
from ktseed.initializers.base import check_flag
from ktseed.space import describe_hp
from ktseed.space import hp_kind

if TYPE_CHECKING:
    from ktseed.initializers.request import DesignRequest
    from ktseed.space import OnInactive
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: The trial status column ``ktseed export`` writes: rows whose status is
#: not :data:`COMPLETED` are skipped.
STATUS_COLUMN = "status"

#: The status of a row that is used (compared case-insensitively).
COMPLETED = "COMPLETED"

ON_INVALID = ("raise", "skip")

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_RANGE = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]*))?")

# Numeric cells: plain decimal notation only (ASCII digits, no "_"), so that
# Python-only spellings that int()/float() accept are not read as numbers.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # digits, optional fraction
    r"(?:[eE][+-]?[0-9]+)?"  # optional exponent
)
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)

#: How many example reasons a warning or error quotes.
_EXAMPLES = 3


@dataclass(frozen=True)
class _Record:
    """One data row: its 1-based number, the line it ends on, its cells."""

    number: int
    line: int
    cells: list[str]


@dataclass(frozen=True)
class _Table:
    header: list[str]
    records: list[_Record]


@dataclass(frozen=True)
class _Selection:
    """The data rows to parse, after ``rows``, the status and ``limit``."""

    records: list[_Record]
    #: Rows skipped for a status other than COMPLETED, with that status.
    not_completed: list[tuple[_Record, str]]
    #: How many rows ``rows`` selected, before the status and ``limit``.
    selected: int


@dataclass
class _Row:
    record: _Record
    values: Values
    score: float | None


def _parse_rows(rows: object, label: str) -> list[tuple[int, int | None]]:
    """Validates ``rows``; returns inclusive ranges (``None``: to the end)."""
    if isinstance(rows, str):
        items: list[object] = [p.strip() for p in rows.split(",")]
    elif isinstance(rows, Sequence):
        items = list(rows)
    else:
        msg = (
            f"{label}: `rows` must be a list of 1-based data row numbers or "
            f"a string such as '1-10,15,20-' (got {type(rows).__name__})."
        )
        raise InitializerConfigError(msg)
    if not items:
        msg = f"{label}: `rows` is empty; give at least one data row."
        raise InitializerConfigError(msg)
    ranges: list[tuple[int, int | None]] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            if item < 1:
                msg = (
                    f"{label}: `rows` holds {item}; data rows are numbered "
                    "from 1 (the first row after the header)."
                )
                raise InitializerConfigError(msg)
            ranges.append((item, item))
            continue
        match = _RANGE.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            msg = (
                f"{label}: `rows` item {item!r} is not a data row number, "
                "'A-B' or 'A-' (as in '1-10,15,20-')."
            )
            raise InitializerConfigError(msg)
        start = int(match.group(1))
        end_text = match.group(2)
        end = (
            start if end_text is None else (int(end_text) if end_text else None)
        )
        if start < 1 or (end is not None and end < start):
            msg = (
                f"{label}: `rows` item {item!r} is not a valid range of data "
                "rows (numbered from 1, start <= end)."
            )
            raise InitializerConfigError(msg)
        ranges.append((start, end))
    taken: list[tuple[int, int | None]] = []
    for start, end in ranges:
        for other_start, other_end in taken:
            if (other_end is None or start <= other_end) and (
                end is None or other_start <= end
            ):
                msg = (
                    f"{label}: `rows` selects some data rows twice "
                    f"({_range_text(start, end)} overlaps "
                    f"{_range_text(other_start, other_end)})."
                )
                raise InitializerConfigError(msg)
        taken.append((start, end))
    return ranges


def _range_text(start: int, end: int | None) -> str:
    if end == start:
        return str(start)
    return f"{start}-" if end is None else f"{start}-{end}"


def _check_names(value: object, option: str, label: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = (
            f"{label}: `{option}` must be a list of column names "
            f"(got {value!r})."
        )
        raise InitializerConfigError(msg)
    for name in value:
        if not isinstance(name, str):
            msg = (
                f"{label}: `{option}` must hold strings (got {name!r} of "
                f"type {type(name).__name__})."
            )
            raise InitializerConfigError(msg)
    return list(value)


def _check_positive(value: object, option: str, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = (
            f"{label}: `{option}` must be a positive integer or None "
            f"(got {value!r})."
        )
        raise InitializerConfigError(msg)
    return value


class CSVInitializer(Initializer):
    """Configurations read from a CSV file: one per row, one column per name.

    The file is read with the standard library's :mod:`csv` module when the
    design is generated (it may change between runs; the seeded oracles
    store the points they took from it). Nothing in it is evaluated.

    **Format.** The first non-blank line is the header. Each column is a
    hyperparameter name (or is renamed to one by ``columns``). Each cell is
    parsed by its hyperparameter's own type: ``Int``/``Float`` as plain
    decimal numbers (``64``, ``-0.5``, ``64.0``, ``1e-3``; ASCII digits,
    without ``_`` separators), ``Boolean`` as ``true``/``false``,
    ``yes``/``no`` or ``1``/``0`` in any case, ``Choice`` by the type of its
    values, ``Fixed`` by the type of its value. Values are then checked
    against the space and snapped to canonical form (``64.0`` becomes ``64``
    for an ``Int``) as KerasTuner itself would produce them, so the points
    are native Python values. The file is UTF-8 (a byte-order mark is
    accepted). Blank lines, and lines with only delimiters, are skipped.

    **Missing values.** A hyperparameter without a column, or with an empty
    cell, takes its default. A cell for a conditional hyperparameter that is
    inactive under the row's other values is ignored (empty or not).

    **Other columns.** A column that is not a hyperparameter is an error
    that lists the hyperparameters and suggests the closest name (when one
    is close, as ``units`` for ``unit``), unless it is the ``score_column``,
    is listed in ``ignore_columns``, or is named ``status``.

    **Status column.** A ``status`` column (the trial status ``ktseed
    export`` writes; not when ``status`` is a hyperparameter, the
    ``score_column`` or listed in ``ignore_columns``) selects rows: a row
    whose status is not ``COMPLETED`` (in any case), such as ``FAILED``
    from ``ktseed export --include-failed``, is skipped, with one
    :class:`~ktseed.errors.KtseedWarning` giving the count. A row with an
    empty status cell (added by hand) is kept. So ``ktseed export`` output
    reads back with ``score_column="score"`` as the configurations that
    completed.

    **Row numbers.** Messages and ``rows`` count *data rows*: data row 1 is
    the first row after the header, blank lines not counted. Messages also
    give the line of the file the row ends on.

    **Order of operations.** ``rows`` selects data rows, rows whose
    ``status`` is not COMPLETED are skipped, ``limit`` keeps the first
    ``limit`` of the rest, each is parsed and validated (``on_invalid``),
    then with ``top_k`` the rows are ordered best first by ``score_column``
    (rows with an empty score last, ties in file order), identical
    configurations are dropped with a warning (the first, so the best, is
    kept), ``top_k`` rows are kept, and ``n_points`` caps the design.

    Args:
        path: The CSV file.
        columns: Renames columns: ``{"csv column": "hyperparameter"}``.
        rows: Which data rows to read, in this order: a list of 1-based data
            row numbers (``[1, 5, 6]``) or a string of numbers and inclusive
            ranges (``"1-10,15,20-"``; ``"20-"`` runs to the last row). A
            row that does not exist is an error. ``None``: every row.
        limit: Use at most this many rows of the selection; later rows are
            not parsed, so their values cannot fail. ``None``: no limit.
        score_column: A column holding each row's score, for ``top_k``.
            Its cells must be numbers (or empty: no score).
        direction: ``"min"`` or ``"max"``: which scores are best for
            ``top_k``. ``None`` (default) takes the direction of the search
            objective: a seeded oracle fills it in before building the
            design. Used on its own (``generate``, ``ktseed preview``),
            an initializer with ``top_k`` needs an explicit direction.
        top_k: Keep the ``top_k`` best rows by ``score_column``.
        on_invalid: ``"raise"`` (default) or ``"skip"``: what to do with a
            row holding a value that does not parse or does not fit the
            space (wrong type, out of range, off grid, not a choice, NaN,
            infinity, bad score). ``"skip"`` leaves the row out and warns
            once with the count and the first reasons. Problems with the
            file itself (missing, not UTF-8, empty, duplicate or unknown
            columns, a row longer than the header) always raise.
        ignore_columns: Columns to ignore (``""`` ignores unnamed columns,
            such as a pandas index written with ``index=True``).
        delimiter: The one-character field delimiter (default ``","``).
        n_points: Caps the design (default: every selected row).
        check_exists: Check at construction that ``path`` is a file, so that
            a typo fails before any trial runs. :meth:`from_config` does not
            check (a resumed search uses the stored points even if the file
            is gone); the file is checked again when it is read.

    Raises:
        InitializerConfigError: For an argument of the wrong type or value
            (and, when the design is generated, for ``top_k`` without a
            direction).
        DataSourceError: With ``check_exists``, if ``path`` is not a file.

    Examples:
        >>> init = CSVInitializer("trials.csv", score_column="score",
        ...                       direction="max", top_k=5,
        ...                       check_exists=False)
        >>> init.get_config()["top_k"]
        5
    """

    name: ClassVar[str] = "csv"
    _on_inactive: ClassVar[OnInactive] = "drop"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        columns: Mapping[str, str] | None = None,
        rows: Sequence[int | str] | str | None = None,
        limit: int | None = None,
        score_column: str | None = None,
        direction: str | None = None,
        top_k: int | None = None,
        on_invalid: str = "raise",
        ignore_columns: Sequence[str] | None = None,
        delimiter: str = ",",
        n_points: int | None = None,
        check_exists: bool = True,
    ) -> None:
        super().__init__(n_points=n_points)
        label = self._label()
        if not isinstance(path, (str, os.PathLike)):
            msg = (
                f"{label}: `path` must be a file path (str or os.PathLike); "
                f"got {path!r} of type {type(path).__name__}."
            )
            raise InitializerConfigError(msg)
        self.path = os.fspath(path)
        if columns is not None and not isinstance(columns, Mapping):
            msg = (
                f"{label}: `columns` must be a dict of CSV column to "
                f"hyperparameter name (got {type(columns).__name__})."
            )
            raise InitializerConfigError(msg)
        renames = dict(columns or {})
        for key, target in renames.items():
            if not isinstance(key, str) or not isinstance(target, str):
                msg = (
                    f"{label}: `columns` must map column names to "
                    f"hyperparameter names, both strings (got {key!r}: "
                    f"{target!r})."
                )
                raise InitializerConfigError(msg)
        self.columns = renames
        self.rows: list[int | str] | str | None = None
        self._ranges: list[tuple[int, int | None]] | None = None
        if rows is not None:
            self._ranges = _parse_rows(rows, label)
            self.rows = rows if isinstance(rows, str) else list(rows)
        self.limit = _check_positive(limit, "limit", label)
        if score_column is not None and (
            not isinstance(score_column, str) or not score_column
        ):
            msg = (
                f"{label}: `score_column` must be a column name or None "
                f"(got {score_column!r})."
            )
            raise InitializerConfigError(msg)
        self.score_column = score_column
        if direction not in (None, "min", "max"):
            msg = (
                f"{label}: `direction` must be 'min', 'max' or None for the "
                f"search objective's direction (got {direction!r})."
            )
            raise InitializerConfigError(msg)
        self.direction = direction
        self.top_k = _check_positive(top_k, "top_k", label)
        if self.top_k is not None and score_column is None:
            msg = (
                f"{label}: `top_k` ranks rows by a score; pass "
                "`score_column` too (or use `limit`/`n_points` to take the "
                "first rows)."
            )
            raise InitializerConfigError(msg)
        if on_invalid not in ON_INVALID:
            msg = (
                f"{label}: `on_invalid` must be 'raise' or 'skip' "
                f"(got {on_invalid!r})."
            )
            raise InitializerConfigError(msg)
        self.on_invalid = on_invalid
        self.ignore_columns = _check_names(
            ignore_columns, "ignore_columns", label
        )
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            msg = (
                f"{label}: `delimiter` must be a single character "
                f"(got {delimiter!r})."
            )
            raise InitializerConfigError(msg)
        if delimiter in '\r\n"' or delimiter.isalnum():
            msg = (
                f"{label}: `delimiter` {delimiter!r} cannot separate CSV "
                "fields; use ',', ';', a tab or similar."
            )
            raise InitializerConfigError(msg)
        self.delimiter = delimiter
        check_flag(check_exists, "check_exists", label)
        if check_exists:
            self._check_file()

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds the constructor options."""
        return {
            **super().get_config(),
            "path": self.path,
            "columns": dict(self.columns) or None,
            "rows": self.rows
            if isinstance(self.rows, str)
            else (None if self.rows is None else list(self.rows)),
            "limit": self.limit,
            "score_column": self.score_column,
            "direction": self.direction,
            "top_k": self.top_k,
            "on_invalid": self.on_invalid,
            "ignore_columns": list(self.ignore_columns) or None,
            "delimiter": self.delimiter,
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuilds the initializer without checking that the file exists.

        The file is read (and checked) when the design is generated.
        """
        return super().from_config({"check_exists": False, **config})

    def resolved(self, request: DesignRequest) -> Initializer:
        """See :meth:`Initializer.resolved`; adds the ranking direction.

        Only an initializer with ``top_k`` ranks its rows, so only such an
        initializer records the objective's direction; the others do not
        depend on the objective.
        """
        if (
            self.top_k is None
            or self.direction is not None
            or request.direction is None
        ):
            return self
        return type(self).from_config(
            {**self.get_config(), "direction": request.direction}
        )

    # -------------------------------------------------------------- design
    def size_hint(self) -> int | None:
        """The smallest of ``n_points``, ``top_k`` and ``limit``, if any.

        The file is not read here: the design may be smaller (invalid or
        duplicate rows), and without any of the three its size is the
        number of rows in the file when the design is generated.
        """
        caps = [c for c in (self.n_points, self.top_k, self.limit) if c]
        return min(caps) if caps else None

    def _default_n_points(self, request: DesignRequest) -> int:
        if self.top_k is not None:
            return self.top_k
        table = self._read()
        codec = request.codec
        selection = self._select(table, self._status_index(table, codec))
        return len(selection.records)

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        codec, n = request.codec, request.n
        direction = self.direction or request.direction
        if self.top_k is not None and direction is None:
            msg = (
                f"{self._label()}: `top_k` keeps the best rows by "
                f"'{self.score_column}', but `direction` is None and no "
                "search objective gave one (a seeded oracle fills in its "
                "objective's direction; used on its own, as by `ktseed "
                "preview`, the initializer cannot know it). Pass "
                "direction='min' or 'max'."
            )
            raise InitializerConfigError(msg)
        table = self._read()
        layout = self._layout(table.header, codec)
        status = self._status_index(table, codec)
        selection = self._select(table, status)
        if selection.not_completed:
            self._report_not_completed(selection)
        records = selection.records
        rows: list[_Row] = []
        skipped: list[str] = []
        for record in records:
            try:
                rows.append(self._parse_record(record, table, layout, codec))
            except InvalidValueError as error:
                if self.on_invalid == "raise":
                    raise
                skipped.append(str(error))
        if skipped:
            self._report_skipped(skipped, len(records), len(rows))
        if self.top_k is not None:
            sign = -1.0 if direction == "max" else 1.0
            rows.sort(
                key=lambda r: (
                    r.score is None,
                    0.0 if r.score is None else sign * r.score,
                )
            )
        distinct = self._drop_duplicates(rows, codec)
        if self.top_k is not None:
            distinct = distinct[: self.top_k]
        return [row.values for row in distinct[:n]]

    # ------------------------------------------------------------- reading
    def _check_file(self) -> None:
        if os.path.isfile(self.path):
            return
        what = (
            "is a directory, not a file"
            if os.path.isdir(self.path)
            else "does not exist"
        )
        msg = (
            f"{self._label()}: CSV file '{self.path}' {what}. Check the "
            "`path` (relative paths start from the working directory, "
            f"{os.getcwd()!r})."
        )
        raise DataSourceError(msg)

    def _read(self) -> _Table:
        label = self._label()
        self._check_file()
        try:
            with open(self.path, "rb") as file:
                data = file.read()
        except OSError as error:
            msg = f"{label}: cannot read CSV file '{self.path}': {error}."
            raise DataSourceError(msg) from error
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            msg = (
                f"{label}: '{self.path}' line {line}: byte "
                f"0x{data[error.start]:02x} (offset {error.start}) is not "
                f"UTF-8 ({error.reason}). Save the file as UTF-8."
            )
            raise DataSourceError(msg) from error
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter
        )
        header: list[str] | None = None
        records: list[_Record] = []
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    header = [c.strip() for c in cells]
                    continue
                records.append(
                    _Record(len(records) + 1, reader.line_num, cells)
                )
        except csv.Error as error:
            msg = (
                f"{label}: '{self.path}' line {reader.line_num}: not valid "
                f"CSV ({error})."
            )
            raise DataSourceError(msg) from error
        if header is None:
            msg = (
                f"{label}: CSV file '{self.path}' is empty; expected a "
                "header of hyperparameter names and one row per "
                "configuration."
            )
            raise DataSourceError(msg)
        if not records:
            msg = (
                f"{label}: CSV file '{self.path}' has a header "
                f"({', '.join(header)}) but no data rows; add one row per "
                "configuration."
            )
            raise DataSourceError(msg)
        self._check_header(header)
        return _Table(header, records)

    def _check_header(self, header: list[str]) -> None:
        label = self._label()
        first: dict[str, int] = {}
        for index, name in enumerate(header, start=1):
            if name == "" and "" not in self.ignore_columns:
                msg = (
                    f"{label}: '{self.path}' column {index} has no name in "
                    "the header. Name it, or pass ignore_columns=[''] to "
                    "ignore unnamed columns (such as a pandas index)."
                )
                raise DataSourceError(msg)
            if name in first and name != "":
                msg = (
                    f"{label}: '{self.path}' has the column '{name}' twice "
                    f"in its header (columns {first[name]} and {index}); "
                    "each column must have a distinct name."
                )
                raise DataSourceError(msg)
            first.setdefault(name, index)
        if len(header) == 1 and self.delimiter == ",":
            for other in (";", "\t", "|"):
                if other in header[0]:
                    msg = (
                        f"{label}: '{self.path}' has a single column "
                        f"{header[0]!r}; the file seems to use {other!r} "
                        f"between fields. Pass delimiter={other!r}."
                    )
                    raise DataSourceError(msg)

    def _status_index(self, table: _Table, codec: SpaceCodec) -> int | None:
        """Index of the trial status column, or None if there is none."""
        column = STATUS_COLUMN
        if (
            column not in table.header
            or column in codec.names
            or column in self.columns
            or column == self.score_column
            or column in self.ignore_columns
        ):
            return None
        return table.header.index(column)

    def _select(self, table: _Table, status: int | None) -> _Selection:
        """The rows to parse, and those skipped for their status.

        ``rows`` selects, rows whose status is not COMPLETED are set aside
        (an empty status cell counts as COMPLETED), then ``limit`` cuts.
        """
        records = table.records
        if self._ranges is not None:
            selected: list[_Record] = []
            for start, end in self._ranges:
                last = len(records) if end is None else end
                if start > len(records) or last > len(records):
                    msg = (
                        f"{self._label()}: `rows` selects data row "
                        f"{max(start, last)}, but '{self.path}' has "
                        f"{len(records)} data row(s). Use 'A-' for 'from "
                        "row A to the end'."
                    )
                    raise DataSourceError(msg)
                selected.extend(records[start - 1 : last])
            records = selected
        n_selected = len(records)
        not_completed: list[tuple[_Record, str]] = []
        if status is not None:
            kept: list[_Record] = []
            for record in records:
                cells = record.cells
                text = cells[status].strip() if status < len(cells) else ""
                if text and text.upper() != COMPLETED:
                    not_completed.append((record, text))
                else:
                    kept.append(record)
            records = kept
        if self.limit is not None:
            records = records[: self.limit]
        return _Selection(records, not_completed, n_selected)

    def _layout(self, header: list[str], codec: SpaceCodec) -> dict[str, int]:
        """Hyperparameter name (or ``""`` for the score) to column index."""
        label = self._label()
        names = set(codec.names)
        missing = [c for c in self.columns if c not in header]
        if missing:
            msg = (
                f"{label}: `columns` renames {missing[0]!r}, but "
                f"'{self.path}' has no such column; its columns are: "
                f"{', '.join(header)}."
            )
            raise DataSourceError(msg)
        if self.score_column is not None and self.score_column not in header:
            close = difflib.get_close_matches(self.score_column, header, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            msg = (
                f"{label}: score column '{self.score_column}' is not in the "
                f"header of '{self.path}'; its columns are: "
                f"{', '.join(header)}.{hint}"
            )
            raise DataSourceError(msg)
        layout: dict[str, int] = {}
        source: dict[str, str] = {}
        for index, column in enumerate(header):
            if column in self.columns:
                target = self.columns[column]
                if target not in names:
                    msg = (
                        f"{label}: `columns` maps '{column}' to "
                        f"'{target}', which is not a hyperparameter of the "
                        "search space"
                        f"{self._closest(target, codec)}; expected one of: "
                        f"{', '.join(codec.names)}."
                    )
                    raise DataSourceError(msg)
            elif column == self.score_column:
                layout[""] = index
                continue
            elif column in self.ignore_columns:
                continue
            elif column in names:
                target = column
            elif column == STATUS_COLUMN:
                continue
            else:
                msg = (
                    f"{label}: '{self.path}' column '{column}' (column "
                    f"{index + 1}) is not a hyperparameter of the search "
                    f"space{self._closest(column, codec)}. Known "
                    f"hyperparameters: {', '.join(codec.names) or '(none)'}. "
                    "Rename the column with `columns={"
                    f"'{column}': '<name>'}}`, or list it in "
                    "`ignore_columns`."
                )
                raise DataSourceError(msg)
            if target in layout:
                msg = (
                    f"{label}: '{self.path}' gives hyperparameter "
                    f"'{target}' twice: column '{source[target]}' and "
                    f"column '{column}'."
                )
                raise DataSourceError(msg)
            layout[target] = index
            source[target] = column
        return layout

    @staticmethod
    def _closest(name: str, codec: SpaceCodec) -> str:
        close = difflib.get_close_matches(name, codec.names, n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""

    # ------------------------------------------------------------- parsing
    def _parse_record(
        self,
        record: _Record,
        table: _Table,
        layout: dict[str, int],
        codec: SpaceCodec,
    ) -> _Row:
        row_where = (
            f"'{self.path}', data row {record.number} (line {record.line})"
        )
        cells = record.cells
        if len(cells) > len(table.header):
            msg = (
                f"{self._label()}: {row_where} has {len(cells)} cells but "
                f"the header has {len(table.header)} columns."
            )
            raise DataSourceError(msg)

        def cell(index: int) -> str:
            return cells[index] if index < len(cells) else ""

        values: Values = {}
        for hp in codec.entries:
            if not all(c.is_active(values) for c in hp.conditions):
                continue
            index = layout.get(hp.name)
            text = "" if index is None else cell(index)
            if index is None or not text.strip():
                values[hp.name] = codec.default_value(hp)
                continue
            where = f"{row_where}, column '{table.header[index]}'"
            values[hp.name] = _parse_value(codec, hp, text, where)
        score = None
        if "" in layout:
            where = f"{row_where}, column '{self.score_column}'"
            score = _parse_score(cell(layout[""]), where)
        return _Row(record, values, score)

    # ------------------------------------------------------------ warnings
    def _report_not_completed(self, selection: _Selection) -> None:
        not_completed = selection.not_completed
        counts: dict[str, int] = {}
        for _, text in not_completed:
            counts[text] = counts.get(text, 0) + 1
        statuses = ", ".join(f"{s}: {c}" for s, c in sorted(counts.items()))
        numbers = ", ".join(
            str(record.number) for record, _ in not_completed[:_EXAMPLES]
        ) + (", ..." if len(not_completed) > _EXAMPLES else "")
        total = selection.selected
        if not selection.records:
            msg = (
                f"{self._label()}: every one of the {total} selected data "
                f"row(s) of '{self.path}' has a `status` other than "
                f"COMPLETED ({statuses}), so none can be used. List "
                "'status' in `ignore_columns` to use them anyway."
            )
            raise DataSourceError(msg)
        warnings.warn(
            f"{self._label()}: skipped {len(not_completed)} of {total} "
            f"data row(s) of '{self.path}' whose `status` is not COMPLETED "
            f"({statuses}; data rows {numbers}): those configurations did "
            "not complete in the earlier run. List 'status' in "
            "`ignore_columns` to use them anyway.",
            KtseedWarning,
            stacklevel=4,
        )

    def _report_skipped(
        self, skipped: list[str], total: int, kept: int
    ) -> None:
        reasons = " | ".join(skipped[:_EXAMPLES])
        if not kept:
            msg = (
                f"{self._label()}: every one of the {total} selected data "
                f"row(s) of '{self.path}' is invalid; first reasons: "
                f"{reasons}"
            )
            raise DataSourceError(msg)
        warnings.warn(
            f"{self._label()}: skipped {len(skipped)} of {total} data "
            f"row(s) of '{self.path}' with invalid values "
            f"(on_invalid='skip'); first reasons: {reasons}",
            KtseedWarning,
            stacklevel=4,
        )

    def _drop_duplicates(
        self, rows: list[_Row], codec: SpaceCodec
    ) -> list[_Row]:
        first: dict[tuple[tuple[str, str], ...], int] = {}
        kept: list[_Row] = []
        repeats: list[str] = []
        for row in rows:
            key = codec.point_key(row.values)
            if key in first:
                repeats.append(
                    f"data row {row.record.number} repeats data row "
                    f"{first[key]}"
                )
                continue
            first[key] = row.record.number
            kept.append(row)
        if repeats:
            shown = "; ".join(repeats[:_EXAMPLES])
            more = ", ..." if len(repeats) > _EXAMPLES else ""
            warnings.warn(
                f"{self._label()}: dropped {len(repeats)} duplicate "
                f"configuration(s) in '{self.path}' ({shown}{more}); "
                f"{len(kept)} distinct configuration(s) remain.",
                KtseedWarning,
                stacklevel=4,
            )
        return kept


# ------------------------------------------------------------------ cells
def _fail(hp: Any, text: str, reason: str, where: str) -> InvalidValueError:
    msg = (
        f"{where}: hyperparameter '{hp.name}' ({hp_kind(hp)}) got {text!r}: "
        f"{reason}; expected {describe_hp(hp)}."
    )
    return InvalidValueError(msg, hp_name=hp.name, value=text)


def _plain_number(text: str) -> int | float | None:
    """``text`` as a number if it is plain decimal notation, else None.

    Accepted: an optional sign, ASCII digits with an optional fraction and
    exponent (``64``, ``-0.5``, ``.5``, ``1e-3``), and ``inf``/``nan`` (any
    case) for the caller to reject. Python-only spellings that ``int()`` and
    ``float()`` also accept (``1_000``, non-ASCII digits) are not numbers.
    """
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped):
        try:
            value = int(stripped)
            float(value)  # beyond a float's range, it is infinite
        except (ValueError, OverflowError):  # or more than int() converts
            return float(stripped)
        return value
    if _DECIMAL.fullmatch(stripped) or _NON_FINITE.fullmatch(stripped):
        return float(stripped)
    return None


def _not_a_number(text: str) -> str:
    """Why ``text`` is not a number, naming Python-only spellings."""
    try:
        float(text)
    except ValueError:
        return "not a number"
    return (
        "not a plain decimal number (use ASCII digits without '_', as in "
        "1000, 0.5 or 1e-3)"
    )


def _number(hp: Any, text: str, where: str) -> int | float:
    value = _plain_number(text)
    if value is None:
        raise _fail(hp, text, _not_a_number(text), where)
    if isinstance(value, int):
        return value
    if math.isnan(value):
        raise _fail(hp, text, "NaN is not a value", where)
    if math.isinf(value):
        raise _fail(hp, text, "infinity is not a value", where)
    return value


def _boolean(hp: Any, text: str, where: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _fail(hp, text, "not true/false, yes/no or 1/0", where)


def _parse_value(codec: SpaceCodec, hp: Any, text: str, where: str) -> Any:
    """Parses one non-empty cell by ``hp``'s type; returns it canonical."""
    kind = hp_kind(hp)
    value: Any
    if kind == "Boolean":
        value = _boolean(hp, text, where)
    elif kind in ("Int", "Float"):
        value = _number(hp, text, where)
    elif kind in ("Choice", "Fixed"):
        sample = hp.values[0] if kind == "Choice" else hp.value
        allowed = list(hp.values) if kind == "Choice" else [hp.value]
        if isinstance(sample, str):
            value = text if text in allowed else text.strip()
        elif isinstance(sample, bool):
            value = _boolean(hp, text, where)
        elif isinstance(sample, (int, float)):
            word = text.strip().lower()
            if set(allowed) <= {0, 1} and word in _TRUE | _FALSE:
                value = word in _TRUE
            else:
                value = _number(hp, text, where)
        else:
            value = text
    else:
        value = text
    return codec.canonical_value(hp, value, where=where)


def _parse_score(text: str, where: str) -> float | None:
    if not text.strip():
        return None
    number = _plain_number(text)
    if number is None:
        msg = f"{where}: score {text!r} is {_not_a_number(text)}."
        raise InvalidValueError(msg, value=text)
    score = float(number)
    if not math.isfinite(score):
        msg = f"{where}: score {text!r} is not a finite number."
        raise InvalidValueError(msg, value=text)
    return score


__all__ = ["STATUS_COLUMN", "CSVInitializer"]
