"""The ``rows`` mini-language: which data rows of a CSV file to read.

``rows`` is a list of 1-based data row numbers (``[1, 5, 6]``) or a string
of numbers and inclusive ranges (``"1-10,15,20-"``; ``"20-"`` runs to the
last row). Data row 1 is the first non-blank row after the header. The
rows are read in the order given, and no row may be selected twice.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ktseed.errors import InitializerConfigError

_RANGE = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]*))?")


@dataclass(frozen=True)
class RowRanges:
    """A checked ``rows`` argument: ranges of data rows, in reading order.

    Attributes:
        ranges: Inclusive ``(start, end)`` ranges (``end=None``: to the
            last row), in the order the rows are read; they do not overlap.
    """

    ranges: tuple[tuple[int, int | None], ...]

    @classmethod
    def parse(cls, rows: object, owner: str) -> RowRanges:
        """Checks ``rows`` and returns its ranges.

        Args:
            rows: The ``rows`` argument (a list or a string).
            owner: Who takes it, for messages (``"initializer 'csv'"``).

        Raises:
            InitializerConfigError: For a wrong type, an empty selection, a
                row below 1, a malformed or reversed range, or a row
                selected twice.
        """
        if isinstance(rows, str):
            items: list[object] = [p.strip() for p in rows.split(",")]
        elif isinstance(rows, Sequence):
            items = list(rows)
        else:
            msg = (
                f"{owner}: `rows` must be a list of 1-based data row numbers "
                f"or a string such as '1-10,15,20-' (got "
                f"{type(rows).__name__})."
            )
            raise InitializerConfigError(msg)
        if not items:
            msg = f"{owner}: `rows` is empty; give at least one data row."
            raise InitializerConfigError(msg)
        ranges = [_parse_item(item, owner) for item in items]
        if not _overlap(ranges):
            return cls(tuple(ranges))
        for index, (start, end) in enumerate(ranges):
            for other_start, other_end in ranges[:index]:
                if (other_end is None or start <= other_end) and (
                    end is None or other_start <= end
                ):
                    msg = (
                        f"{owner}: `rows` selects some data rows twice "
                        f"({range_text(start, end)} overlaps "
                        f"{range_text(other_start, other_end)})."
                    )
                    raise InitializerConfigError(msg)
        raise AssertionError  # pragma: no cover - _overlap found a pair

    @property
    def is_open(self) -> bool:
        """Whether a range runs to the last row (``"20-"``)."""
        return any(end is None for _, end in self.ranges)

    def contains(self, number: int) -> bool:
        """Whether data row ``number`` is selected (``O(log ranges)``)."""
        starts, ends = self._sorted
        index = bisect.bisect_right(starts, number) - 1
        if index < 0:
            return False
        end = ends[index]
        return end is None or number <= end

    @functools.cached_property
    def _sorted(self) -> tuple[list[int], list[int | None]]:
        """Starts and ends ordered by start (the ranges do not overlap)."""
        ordered = sorted(self.ranges)
        return [s for s, _ in ordered], [e for _, e in ordered]

    def named(self) -> list[int]:
        """Per range, the last row it names: its end, or its start if open.

        Each of these rows must exist in the file.
        """
        return [start if end is None else end for start, end in self.ranges]


def _overlap(ranges: list[tuple[int, int | None]]) -> bool:
    """Whether two of ``ranges`` share a row (``O(n log n)``)."""
    ordered = sorted(ranges, key=lambda r: r[0])
    for (_, end), (start, _) in itertools.pairwise(ordered):
        if end is None or start <= end:
            return True
    return False


def range_text(start: int, end: int | None) -> str:
    """``"3"``, ``"3-7"`` or ``"3-"``."""
    if end == start:
        return str(start)
    return f"{start}-" if end is None else f"{start}-{end}"


def _parse_item(item: object, owner: str) -> tuple[int, int | None]:
    if isinstance(item, int) and not isinstance(item, bool):
        if item < 1:
            msg = (
                f"{owner}: `rows` holds {item}; data rows are numbered "
                "from 1 (the first row after the header)."
            )
            raise InitializerConfigError(msg)
        return item, item
    match = _RANGE.fullmatch(item) if isinstance(item, str) else None
    if match is None:
        msg = (
            f"{owner}: `rows` item {item!r} is not a data row number, "
            "'A-B' or 'A-' (as in '1-10,15,20-')."
        )
        raise InitializerConfigError(msg)
    start = int(match.group(1))
    end_text = match.group(2)
    end = start if end_text is None else (int(end_text) if end_text else None)
    if start < 1 or (end is not None and end < start):
        msg = (
            f"{owner}: `rows` item {item!r} is not a valid range of data "
            "rows (numbered from 1, start <= end)."
        )
        raise InitializerConfigError(msg)
    return start, end


__all__ = ["RowRanges", "range_text"]
