"""Which data rows a design uses: ``rows``, then the status, then ``limit``.

A :class:`Selection` walks the rows ``rows`` selects, in its order, sets
aside those whose trial status is not COMPLETED, and stops after
``limit`` usable rows. It reads the file only as far as its reader asks:
a reader that stops early calls :meth:`Selection.finish`, which still
checks that every row ``rows`` names exists (and, when ``rows`` has no
open range, looks at the status of every selected row, so the counts of
a bounded selection are always complete).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import NoReturn

from ktseed.csv_format.status import rejected_status
from ktseed.errors import DataSourceError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ktseed.csv_format.reader import Record
    from ktseed.csv_format.reader import Table
    from ktseed.csv_format.rows import RowRanges


class Selection:
    """The usable data rows of a table, read on demand.

    Iterate over it once to get the usable rows (selected, with a
    COMPLETED or empty status, at most ``limit``), in reading order.

    Args:
        table: The open table.
        ranges: The ``rows`` selection, or ``None`` for every row in file
            order.
        status: The status column's index, or ``None`` for no status.
        limit: At most this many usable rows, or ``None``.
        owner: Who reads, for messages.

    Attributes:
        selected: How many selected rows were looked at (before the status
            and ``limit``).
        not_completed: The rows set aside, with their status.
        complete: Whether every selected row was looked at.
    """

    def __init__(
        self,
        table: Table,
        *,
        ranges: RowRanges | None,
        status: int | None,
        limit: int | None,
        owner: str,
    ) -> None:
        self._table = table
        self._ranges = ranges
        self._status = status
        self._limit = limit
        self._owner = owner
        self._ordered = self._in_order()
        self._buffer: dict[int, Record] = {}
        self._read = 0  # highest data row number read from the file
        self._at_end = False  # whether the file has no more rows
        self.selected = 0
        self.not_completed: list[tuple[Record, str]] = []
        self.complete = False

    def __iter__(self) -> Iterator[Record]:
        taken = 0
        for record in self._ordered:
            if not self._usable(record):
                continue
            taken += 1
            yield record
            if self._limit is not None and taken >= self._limit:
                return
        self.complete = True

    def finish(self) -> None:
        """Checks the rest of the selection after a reader stopped early.

        Every row that ``rows`` names must exist. Without an open range the
        rest of the selection is walked too (statuses counted, nothing
        parsed), so :attr:`selected` and :attr:`not_completed` cover it.

        Raises:
            DataSourceError: If ``rows`` names a row the file lacks.
        """
        if self.complete:
            return
        if self._ranges is None:
            return
        if not self._ranges.is_open:
            for record in self._ordered:
                self._usable(record)
            self.complete = True
            return
        for named in self._ranges.named():
            self._fetch(named, keep=True)
            if self._read < named:
                self._missing()

    # ------------------------------------------------------------ private
    def _usable(self, record: Record) -> bool:
        self.selected += 1
        status = rejected_status(record.cells, self._status)
        if status:
            self.not_completed.append((record, status))
            return False
        return True

    def _in_order(self) -> Iterator[Record]:
        if self._ranges is None:
            yield from self._table.records
            return
        for start, end in self._ranges.ranges:
            number = start
            while end is None or number <= end:
                record = self._fetch(number)
                if record is None:
                    if end is None and number > start:
                        break  # an open range ends with the file
                    self._missing()
                yield record
                number += 1

    def _fetch(self, number: int, *, keep: bool = False) -> Record | None:
        """Data row ``number``, reading forward; ``None`` past the end.

        Rows read on the way that the selection needs later are kept.
        With ``keep`` row ``number`` itself is kept too (only its
        existence was asked for).
        """
        if number in self._buffer and not keep:
            return self._buffer.pop(number)
        assert self._ranges is not None
        while self._read < number and not self._at_end:
            record = next(self._table.records, None)
            if record is None:
                self._at_end = True
                break
            self._read = record.number
            if record.number == number and not keep:
                return record
            if self._ranges.contains(record.number):
                self._buffer[record.number] = record
        return None

    def _missing(self) -> NoReturn:
        """Raises for the first range that names a row past the end."""
        assert self._ranges is not None
        while not self._at_end:  # count the rows to the end of the file
            if next(self._table.records, None) is None:
                self._at_end = True
            else:
                self._read += 1
        total = self._read
        for (start, end), named in zip(
            self._ranges.ranges, self._ranges.named(), strict=True
        ):
            if named > total:
                last = total if end is None else end
                msg = (
                    f"{self._owner}: `rows` selects data row "
                    f"{max(start, last)}, but '{self._table.path}' has "
                    f"{total} data row(s). Use 'A-' for 'from row A to the "
                    "end'."
                )
                raise DataSourceError(msg)
        raise AssertionError  # pragma: no cover - a named row is missing


__all__ = ["Selection"]
