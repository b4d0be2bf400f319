"""Which column holds which hyperparameter, and reading a row by it.

:meth:`Layout.build` matches a header to a search space: each column is a
hyperparameter (under its own name or renamed by ``columns``), the score
column, an ignored column, or the trial status; anything else is an error
that suggests the closest hyperparameter. :meth:`Layout.parse` then turns
one data row into a point: missing and empty cells take the default, cells
of inactive conditional hyperparameters are ignored.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ktseed import checks
from ktseed.csv_format.cells import parse_cell
from ktseed.csv_format.cells import parse_score
from ktseed.csv_format.status import STATUS_COLUMN
from ktseed.csv_format.status import status_index
from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError

if TYPE_CHECKING:
    from ktseed.csv_format.reader import Record
    from ktseed.space import SpaceCodec
    from ktseed.space import Values


@dataclass
class Row:
    """One parsed data row: where it came from, its point, its score."""

    record: Record
    values: Values
    score: float | None


@dataclass(frozen=True)
class Layout:
    """A header matched to a search space.

    Attributes:
        path: The file, for messages.
        header: The column names.
        codec: The search space.
        columns: Hyperparameter name to column index.
        score: The score column's index, or ``None``.
        score_column: The score column's name, or ``None``.
        status: The trial status column's index, or ``None``.
    """

    path: str
    header: list[str]
    codec: SpaceCodec
    columns: dict[str, int]
    score: int | None
    score_column: str | None
    status: int | None

    @classmethod
    def build(
        cls,
        header: list[str],
        codec: SpaceCodec,
        *,
        path: str,
        renames: Mapping[str, str],
        score_column: str | None,
        ignore_columns: Collection[str],
        owner: str,
    ) -> Layout:
        """Matches ``header`` to ``codec``'s hyperparameters.

        Args:
            header: The column names.
            codec: The search space.
            path: The file, for messages.
            renames: ``{"csv column": "hyperparameter"}``.
            score_column: The score column, or ``None``.
            ignore_columns: Columns to ignore.
            owner: Who reads, for messages.

        Raises:
            DataSourceError: For a rename of a missing column or to an
                unknown hyperparameter, a missing score column, a column
                that is not a hyperparameter, or a hyperparameter given
                twice.
        """
        names = set(codec.names)
        missing = [c for c in renames if c not in header]
        if missing:
            msg = (
                f"{owner}: `columns` renames {missing[0]!r}, but '{path}' has "
                f"no such column; its columns are: {', '.join(header)}."
            )
            raise DataSourceError(msg)
        if score_column is not None and score_column not in header:
            close = difflib.get_close_matches(score_column, header, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            msg = (
                f"{owner}: score column '{score_column}' is not in the "
                f"header of '{path}'; its columns are: "
                f"{', '.join(header)}.{hint}"
            )
            raise DataSourceError(msg)
        columns: dict[str, int] = {}
        source: dict[str, str] = {}
        for index, column in enumerate(header):
            if column in renames:
                target = renames[column]
                if target not in names:
                    msg = (
                        f"{owner}: `columns` maps '{column}' to '{target}', "
                        "which is not a hyperparameter of the search space"
                        f"{_closest(target, codec)}; expected one of: "
                        f"{', '.join(codec.names)}."
                    )
                    raise DataSourceError(msg)
            elif column == score_column or column in ignore_columns:
                continue
            elif column in names:
                target = column
            elif column == STATUS_COLUMN:
                continue
            else:
                msg = (
                    f"{owner}: '{path}' column '{column}' (column "
                    f"{index + 1}) is not a hyperparameter of the search "
                    f"space{_closest(column, codec)}. Known "
                    f"hyperparameters: {', '.join(codec.names) or '(none)'}. "
                    "Rename the column with `columns={"
                    f"'{column}': '<name>'}}`, or list it in "
                    "`ignore_columns`."
                )
                raise DataSourceError(msg)
            if target in columns:
                msg = (
                    f"{owner}: '{path}' gives hyperparameter '{target}' "
                    f"twice: column '{source[target]}' and column "
                    f"'{column}'."
                )
                raise DataSourceError(msg)
            columns[target] = index
            source[target] = column
        taken = {*names, *renames, *ignore_columns}
        score = None
        if score_column is not None:
            taken.add(score_column)
            if score_column not in renames:  # a renamed column is a value
                score = header.index(score_column)
        return cls(
            path=path,
            header=header,
            codec=codec,
            columns=columns,
            score=score,
            score_column=score_column,
            status=status_index(header, taken=taken),
        )

    def parse(self, record: Record, owner: str) -> Row:
        """Reads one data row as a point (and its score).

        Raises:
            DataSourceError: If the row has more cells than the header.
            InvalidValueError: For a cell that does not parse or fit.
        """
        row_where = (
            f"'{self.path}', data row {record.number} (line {record.line})"
        )
        cells = record.cells
        if len(cells) > len(self.header):
            msg = (
                f"{owner}: {row_where} has {len(cells)} cells but the "
                f"header has {len(self.header)} columns."
            )
            raise DataSourceError(msg)
        values: Values = {}
        codec = self.codec
        for hp in codec.entries:
            if not all(c.is_active(values) for c in hp.conditions):
                continue
            index = self.columns.get(hp.name)
            if index is None or index >= len(cells) or not cells[index].strip():
                values[hp.name] = codec.default_value(hp)
                continue
            where = f"{row_where}, column '{self.header[index]}'"
            values[hp.name] = parse_cell(codec, hp, cells[index], where)
        score = None
        if self.score is not None:
            text = cells[self.score] if self.score < len(cells) else ""
            where = f"{row_where}, column '{self.score_column}'"
            score = parse_score(text, where)
        return Row(record, values, score)


def check_renames(columns: object, owner: str) -> dict[str, str]:
    """Checks a ``columns`` argument: ``{"csv column": "hyperparameter"}``.

    Raises:
        InitializerConfigError: Unless it maps strings to strings.
    """
    if columns is None:
        return {}
    what = "a dict of CSV column to hyperparameter name"
    renames = dict(checks.mapping(columns, "columns", owner=owner, what=what))
    for key, target in renames.items():
        if not isinstance(key, str) or not isinstance(target, str):
            msg = (
                f"{owner}: `columns` must map column names to hyperparameter "
                f"names, both strings (got {key!r}: {target!r})."
            )
            raise InitializerConfigError(msg)
    return renames


def _closest(name: str, codec: SpaceCodec) -> str:
    close = difflib.get_close_matches(name, codec.names, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


__all__ = ["Layout", "Row", "check_renames"]
