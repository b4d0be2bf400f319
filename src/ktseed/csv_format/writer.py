"""Writing configurations as a CSV file that the ``csv`` initializer reads.

The file has a header, then one row per configuration, one cell per
column, each written by :func:`~ktseed.csv_format.cells.format_cell`. Rows
end with a line feed; the :mod:`csv` module quotes cells that hold the
delimiter, a quote or a line break.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from ktseed.csv_format.cells import format_cell
from ktseed.csv_format.status import STATUS_COLUMN

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Sequence
    from typing import TextIO


def results_header(names: Sequence[str], score_column: str) -> list[str]:
    """The header of a file of results: values, then score, then status.

    Args:
        names: The hyperparameter names, in column order.
        score_column: The score column's name (not one of ``names``).

    Returns:
        ``[*names, score_column, "status"]``; without the status column
        when a hyperparameter or the score column is named ``status``, so
        that the file still reads back as values.
    """
    with_status = STATUS_COLUMN not in names and score_column != STATUS_COLUMN
    return [*names, score_column] + ([STATUS_COLUMN] if with_status else [])


def write_table(
    out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Writes ``header`` and ``rows`` to ``out`` as CSV.

    Args:
        out: A text stream (open files with ``newline=""``).
        header: The column names.
        rows: One sequence of values per row, in header order; ``None`` is
            an empty cell.

    Returns:
        The number of rows written (the header not counted).
    """
    plain = csv.writer(out, lineterminator="\n")
    # The csv module quotes a cell with a line feed (the line terminator)
    # but not one with a lone carriage return, which a reader takes for a
    # line end: such rows are written with every cell quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(cells: list[str]) -> None:
        (quoted if any("\r" in c for c in cells) else plain).writerow(cells)

    write(list(header))
    count = 0
    for row in rows:
        write([format_cell(value) for value in row])
        count += 1
    return count


__all__ = ["results_header", "write_table"]
