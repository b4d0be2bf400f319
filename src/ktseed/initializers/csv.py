"""``csv``: configurations read from a CSV file, one per row.

The file format, and the reading and writing of it, live in
:mod:`ktseed.csv_format` (shared with ``ktseed export``); this module is
the initializer: its options, and the order in which it applies them. The
user manual is ``docs/initializers/csv.md``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed import checks
from ktseed.csv_format import COMPLETED
from ktseed.csv_format import ON_INVALID
from ktseed.csv_format import STATUS_COLUMN
from ktseed.csv_format import ReadOptions
from ktseed.csv_format import RowRanges
from ktseed.csv_format import build_design
from ktseed.csv_format import check_delimiter
from ktseed.csv_format import check_file
from ktseed.csv_format import check_renames
from ktseed.csv_format import open_rows
from ktseed.errors import InitializerConfigError
from ktseed.initializers._data_source import DataSourceInitializer
from ktseed.initializers._data_source import check_path
from ktseed.initializers.base import Initializer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ktseed.csv_format import Layout
    from ktseed.csv_format import Record
    from ktseed.csv_format import Selection
    from ktseed.initializers.request import DesignRequest

#: Frames from ``_generate`` up to ``Initializer.generate_for``, whose
#: line the warnings name (as every initializer's warnings do).
_STACKLEVEL = 3

_RESUME_HINT = (
    "A search resuming a saved project does not need the file (its design "
    "is saved): pass check_exists=False there."
)


#: Key of the rows read while sizing the design, in ``DesignRequest.memo``.
_MEMO = "csv.rows"


@dataclass
class _Read:
    """The usable rows of one read of the file, for one design."""

    layout: Layout
    selection: Selection
    records: list[Record]


class CSVInitializer(DataSourceInitializer):
    """Configurations read from a CSV file: one per row, one column per name.

    The file is read when the design is built, as far as the design needs;
    ``docs/initializers/csv.md`` describes the format, the status column,
    the row numbers and the order in which the options apply.

    Args:
        path: The CSV file.
        columns: Renames columns: ``{"csv column": "hyperparameter"}``.
        rows: Which data rows to read, in this order: 1-based data row
            numbers (``[1, 5, 6]``) or a string of numbers and inclusive
            ranges (``"1-10,15,20-"``). ``None``: every row.
        limit: Use at most this many rows of the selection.
        score_column: A column of scores, for ``top_k``.
        direction: ``"min"`` or ``"max"``: which scores are best. ``None``
            takes the search objective's direction.
        top_k: Keep the ``top_k`` best rows by ``score_column``.
        on_invalid: ``"raise"`` (default) or ``"skip"`` for a row whose
            values do not parse or do not fit the space.
        ignore_columns: Columns to ignore (``""``: unnamed columns).
        delimiter: The one-character field delimiter.
        n_points: Caps the design (default: every selected row).
        check_exists: Check at construction (and in :meth:`from_config`)
            that ``path`` is a file; :meth:`from_saved_config` does not.
            With ``False`` a missing file is an error only when the design
            is built (until then its size is the generic default).

    Raises:
        InitializerConfigError: For an argument of the wrong type or value.
        DataSourceError: With ``check_exists``, if ``path`` is not a file.

    Examples:
        >>> init = CSVInitializer("trials.csv", score_column="score",
        ...                       direction="max", top_k=5,
        ...                       check_exists=False)
        >>> init.get_config()["top_k"]
        5
    """

    name: ClassVar[str] = "csv"

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
        owner = self._label()
        self.path = check_path(path, "path", owner, what="a file path")
        self.columns = check_renames(columns, owner)
        self._ranges = None if rows is None else RowRanges.parse(rows, owner)
        self.rows: list[int | str] | str | None = (
            rows if rows is None or isinstance(rows, str) else list(rows)
        )
        self.limit: int | None = checks.integer(
            limit, "limit", owner=owner, low=1, optional=True
        )
        if score_column is not None and (
            not isinstance(score_column, str) or not score_column
        ):
            expected = "a column name or None"
            raise checks.fail(owner, "score_column", expected, score_column)
        self.score_column = score_column
        self.direction = checks.choice(
            direction,
            "direction",
            [None, "min", "max"],
            owner=owner,
            expected="'min', 'max' or None for the search objective's "
            "direction",
        )
        self.top_k: int | None = checks.integer(
            top_k, "top_k", owner=owner, low=1, optional=True
        )
        if self.top_k is not None and score_column is None:
            msg = (
                f"{owner}: `top_k` ranks rows by a score; pass "
                "`score_column` too (or use `limit`/`n_points` to take the "
                "first rows)."
            )
            raise InitializerConfigError(msg)
        self.on_invalid = checks.choice(
            on_invalid, "on_invalid", ON_INVALID, owner=owner
        )
        self.ignore_columns = checks.names(
            ignore_columns, "ignore_columns", owner=owner
        )
        self.delimiter = check_delimiter(delimiter, owner)
        self._file_needed = checks.flag(
            check_exists, "check_exists", owner=owner
        )
        if self._file_needed:
            check_file(self.path, owner, hint=_RESUME_HINT)
        # The rows read to size the design, kept for the same generate().

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds the constructor options."""
        return {
            **super().get_config(),
            "path": self.path,
            "columns": dict(self.columns) or None,
            "rows": self.rows
            if not isinstance(self.rows, list)
            else [*self.rows],
            "limit": self.limit,
            "score_column": self.score_column,
            "direction": self.direction,
            "top_k": self.top_k,
            "on_invalid": self.on_invalid,
            "ignore_columns": list(self.ignore_columns) or None,
            "delimiter": self.delimiter,
        }

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
        config = {**self.get_config(), "direction": request.direction}
        return type(self).from_config({**config, "check_exists": False})

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
        if not self._file_needed and not os.path.isfile(self.path):
            # Nothing to count. A resumed search sizes the initializer it is
            # given only to compare it with the saved one; building a design
            # from it reports the missing file.
            return request.n
        with open_rows(self._options(), request.codec) as (layout, selection):
            records = list(selection)
            selection.finish()
        # The rows the design is made of: _generate takes them from here.
        request.memo[_MEMO] = _Read(layout, selection, records)
        return len(records)

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
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
        options = self._options()
        with contextlib.ExitStack() as stack:
            read = request.memo.pop(_MEMO, None)
            if read is not None:  # the rows _default_n_points has just read
                layout, selection = read.layout, read.selection
                records: Iterable[Record] = read.records
            else:
                layout, selection = stack.enter_context(
                    open_rows(options, request.codec)
                )
                records = selection
            points = build_design(
                options,
                layout,
                selection,
                records,
                n=request.n,
                direction=direction,
                stacklevel=_STACKLEVEL,
            )
        return list(points)

    def _options(self) -> ReadOptions:
        return ReadOptions(
            path=self.path,
            owner=self._label(),
            delimiter=self.delimiter,
            renames=self.columns,
            score_column=self.score_column,
            ignore_columns=self.ignore_columns,
            ranges=self._ranges,
            limit=self.limit,
            top_k=self.top_k,
            on_invalid=self.on_invalid,
        )


# The format's constants are defined in ktseed.csv_format; they stay
# importable from here, where ktseed 0.1 defined them.
__all__ = ["COMPLETED", "ON_INVALID", "STATUS_COLUMN", "CSVInitializer"]
