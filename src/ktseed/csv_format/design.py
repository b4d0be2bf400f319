"""A design from a CSV file: the order in which the reading options apply.

``rows`` selects data rows, rows whose ``status`` is not COMPLETED are set
aside, ``limit`` keeps the first ``limit`` of the rest (all three in
:class:`~ktseed.csv_format.selection.Selection`); each row is then parsed
and checked (``on_invalid``), ordered best first by its score with
``top_k`` (rows without a score last, ties in reading order), identical
configurations are dropped (the first, so the best, is kept), ``top_k``
rows are kept, and the design is cut to ``n`` points.

Without ``top_k`` no later row can change a design once it holds ``n``
distinct valid rows, so :func:`build_design` stops reading there: rows
after them are never parsed (their values cannot fail), although the
header, and every row ``rows`` names, are still checked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from operator import itemgetter
from typing import TYPE_CHECKING
from typing import Any

from ktseed.csv_format.layout import Layout
from ktseed.csv_format.reader import open_table
from ktseed.csv_format.report import Reporter
from ktseed.csv_format.selection import Selection
from ktseed.errors import InvalidValueError
from ktseed.points import distinct
from ktseed.points import point_key

if TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterable
    from collections.abc import Iterator

    from ktseed.csv_format.layout import Row
    from ktseed.csv_format.reader import Record
    from ktseed.csv_format.rows import RowRanges
    from ktseed.points import PointKey
    from ktseed.space import SpaceCodec


@dataclass(frozen=True)
class ReadOptions:
    """How to read configurations from a CSV file (checked already).

    Attributes:
        path: The file.
        owner: Who reads it, for messages (``"initializer 'csv'"``).
        delimiter: The field delimiter.
        renames: ``{"csv column": "hyperparameter"}``.
        score_column: The score column, or ``None``.
        ignore_columns: Columns to ignore.
        ranges: The ``rows`` selection, or ``None`` for every row.
        limit: At most this many usable rows, or ``None``.
        top_k: Keep the ``top_k`` best rows by score, or ``None``.
        on_invalid: ``"raise"`` or ``"skip"``.
    """

    path: str
    owner: str
    delimiter: str = ","
    renames: Mapping[str, str] = field(default_factory=dict)
    score_column: str | None = None
    ignore_columns: Sequence[str] = ()
    ranges: RowRanges | None = None
    limit: int | None = None
    top_k: int | None = None
    on_invalid: str = "raise"


@contextlib.contextmanager
def open_rows(
    options: ReadOptions, codec: SpaceCodec
) -> Iterator[tuple[Layout, Selection]]:
    """Opens the file; yields its layout for ``codec`` and its selection.

    Raises:
        DataSourceError: For a problem with the file or its header.
    """
    with open_table(
        options.path,
        delimiter=options.delimiter,
        ignore_columns=options.ignore_columns,
        owner=options.owner,
    ) as table:
        layout = Layout.build(
            table.header,
            codec,
            path=options.path,
            renames=options.renames,
            score_column=options.score_column,
            ignore_columns=options.ignore_columns,
            owner=options.owner,
        )
        selection = Selection(
            table,
            ranges=options.ranges,
            status=layout.status,
            limit=options.limit,
            owner=options.owner,
        )
        yield layout, selection


def build_design(
    options: ReadOptions,
    layout: Layout,
    selection: Selection,
    records: Iterable[Record],
    *,
    n: int,
    direction: str | None,
    stacklevel: int = 1,
) -> list[dict[str, Any]]:
    """Parses, ranks, de-duplicates and cuts the rows; reports once.

    Args:
        options: The reading options.
        layout: The file's layout for the space.
        selection: The selection ``records`` come from (for its counts).
        records: The usable rows: ``selection`` itself (read on demand),
            or the rows it gave already.
        n: The design size.
        direction: ``"min"`` or ``"max"`` for ``top_k``.
        stacklevel: For the warnings, counted from the caller.

    Returns:
        At most ``n`` distinct points, in design order.

    Raises:
        InvalidValueError: For an invalid row with ``on_invalid="raise"``.
        DataSourceError: If no usable row is left.
    """
    rows: list[tuple[PointKey, Row]] = []
    reasons: list[str] = []
    seen: set[PointKey] = set()
    full = False
    for record in records:
        try:
            row = layout.parse(record, options.owner)
        except InvalidValueError as error:
            if options.on_invalid == "raise":
                raise
            reasons.append(str(error))
            continue
        key = point_key(row.values)
        rows.append((key, row))
        if options.top_k is None:
            seen.add(key)
            if len(seen) >= n:
                full = True
                break
    selection.finish()
    parsed = len(rows) + len(reasons)
    reporter = Reporter(options.path, options.owner, stacklevel + 1)
    reporter.not_completed(
        selection.not_completed,
        selection.selected,
        kept=parsed,
        complete=selection.complete,
    )
    reporter.invalid(reasons, parsed, complete=not full)
    ranked = options.top_k is not None
    unique = distinct(
        rows,
        itemgetter(0),
        rank=_score_rank(direction) if ranked else None,
    )
    repeats = [
        (dropped[1].record.number, first[1].record.number)
        for dropped, first in unique.repeats
        if first is not None
    ]
    reporter.duplicates(repeats, len(unique.kept), complete=not full)
    kept = unique.kept[: options.top_k] if ranked else unique.kept
    return [row.values for _, row in kept[:n]]


def _score_rank(
    direction: str | None,
) -> Callable[[tuple[PointKey, Row]], tuple[bool, float]]:
    """Best score first for ``direction``; rows without a score last."""
    sign = -1.0 if direction == "max" else 1.0

    def rank(item: tuple[PointKey, Row]) -> tuple[bool, float]:
        score = item[1].score
        return (score is None, 0.0 if score is None else sign * score)

    return rank


__all__ = ["ReadOptions", "build_design", "open_rows"]
