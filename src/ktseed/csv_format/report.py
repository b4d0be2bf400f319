"""What a reader says about the rows it leaves out of a design.

Rows are left out for three reasons, each reported once per design with a
:class:`~ktseed.errors.KtseedWarning` that gives the count and the first
examples: a trial status other than COMPLETED, an invalid value (with
``on_invalid="skip"``), a configuration that repeats an earlier row. When
no row is left, the same count is a :class:`~ktseed.errors.DataSourceError`
instead. A reader that stopped before the end of the file (its design was
full) says so, since the counts then cover only the rows it read.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ktseed.errors import DataSourceError
from ktseed.errors import KtseedWarning

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ktseed.csv_format.reader import Record

#: What a reader does with a row whose value does not fit the space.
ON_INVALID = ("raise", "skip")

#: How many example rows or reasons a message quotes.
EXAMPLES = 3

#: Appended to a message whose counts cover only the rows read.
NOT_READ = (
    " The rest of the file was not read (the design needed no more rows)."
)


@dataclass(frozen=True)
class Reporter:
    """Reports, for one file, the rows a design leaves out.

    Attributes:
        path: The file.
        owner: Who reads it, for messages (``"initializer 'csv'"``).
        stacklevel: Passed to :func:`warnings.warn`, counted from the
            caller of the reporting method.
    """

    path: str
    owner: str
    stacklevel: int = 1

    def not_completed(
        self,
        skipped: Sequence[tuple[Record, str]],
        selected: int,
        *,
        kept: int,
        complete: bool,
    ) -> None:
        """Reports the rows left out for their trial status.

        Args:
            skipped: Each row left out, with its status.
            selected: How many selected rows were looked at.
            kept: How many usable rows were found.
            complete: Whether every selected row was looked at.

        Raises:
            DataSourceError: If no usable row was found.
        """
        if not skipped:
            return
        counts: dict[str, int] = {}
        for _, text in skipped:
            counts[text] = counts.get(text, 0) + 1
        statuses = ", ".join(f"{s}: {c}" for s, c in sorted(counts.items()))
        numbers = ", ".join(
            str(record.number) for record, _ in skipped[:EXAMPLES]
        ) + (", ..." if len(skipped) > EXAMPLES else "")
        if not kept:
            msg = (
                f"{self.owner}: every one of the {selected} selected data "
                f"row(s) of '{self.path}' has a `status` other than "
                f"COMPLETED ({statuses}), so none can be used. List "
                "'status' in `ignore_columns` to use them anyway."
            )
            raise DataSourceError(msg)
        self._warn(
            f"{self.owner}: skipped {len(skipped)} of {selected} data "
            f"row(s) of '{self.path}' whose `status` is not COMPLETED "
            f"({statuses}; data rows {numbers}): those configurations did "
            "not complete in the earlier run. List 'status' in "
            "`ignore_columns` to use them anyway.",
            complete,
        )

    def invalid(
        self, reasons: Sequence[str], parsed: int, *, complete: bool
    ) -> None:
        """Reports the rows left out for invalid values (``on_invalid="skip"``).

        Args:
            reasons: One error message per row left out.
            parsed: How many rows were parsed (valid or not).
            complete: Whether every usable row was parsed.

        Raises:
            DataSourceError: If every parsed row was invalid.
        """
        if not reasons:
            return
        shown = " | ".join(reasons[:EXAMPLES])
        if len(reasons) == parsed:
            msg = (
                f"{self.owner}: every one of the {parsed} selected data "
                f"row(s) of '{self.path}' is invalid; first reasons: {shown}"
            )
            raise DataSourceError(msg)
        self._warn(
            f"{self.owner}: skipped {len(reasons)} of {parsed} data row(s) "
            f"of '{self.path}' with invalid values (on_invalid='skip'); "
            f"first reasons: {shown}",
            complete,
        )

    def duplicates(
        self, repeats: Sequence[tuple[int, int]], kept: int, *, complete: bool
    ) -> None:
        """Reports the rows dropped as repeats of an earlier (or better) row.

        Args:
            repeats: ``(dropped row, kept row)`` data row numbers.
            kept: How many distinct configurations remain.
            complete: Whether every usable row was parsed.
        """
        if not repeats:
            return
        shown = "; ".join(
            f"data row {dropped} repeats data row {first}"
            for dropped, first in repeats[:EXAMPLES]
        )
        more = ", ..." if len(repeats) > EXAMPLES else ""
        self._warn(
            f"{self.owner}: dropped {len(repeats)} duplicate "
            f"configuration(s) in '{self.path}' ({shown}{more}); {kept} "
            "distinct configuration(s) remain.",
            complete,
        )

    def _warn(self, message: str, complete: bool) -> None:
        warnings.warn(
            message + ("" if complete else NOT_READ),
            KtseedWarning,
            stacklevel=self.stacklevel + 2,
        )


__all__ = ["EXAMPLES", "NOT_READ", "ON_INVALID", "Reporter"]
