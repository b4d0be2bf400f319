"""The trial status column: its name, and which rows it lets through.

``ktseed export`` writes each trial's KerasTuner status in a ``status``
column; the ``csv`` initializer uses only the rows whose status is
:data:`COMPLETED` (in any case) or empty (a row added by hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ktseed.prior_runs import COMPLETED

if TYPE_CHECKING:
    from collections.abc import Collection
    from collections.abc import Sequence

#: The trial status column ``ktseed export`` writes.
STATUS_COLUMN = "status"


def status_index(
    header: Sequence[str], *, taken: Collection[str]
) -> int | None:
    """Position of the status column in ``header``, or ``None``.

    Args:
        header: The column names.
        taken: Names that are something else in this read (hyperparameters,
            renamed columns, the score column, ignored columns): a
            ``status`` column among them is not the trial status.
    """
    if STATUS_COLUMN not in header or STATUS_COLUMN in taken:
        return None
    return list(header).index(STATUS_COLUMN)


def rejected_status(cells: Sequence[str], index: int | None) -> str:
    """The status that keeps a row out, or ``""`` when the row is usable.

    A row is usable when there is no status column, or its status cell is
    empty or (in any case, spaces ignored) :data:`COMPLETED`.
    """
    if index is None or index >= len(cells):
        return ""
    text = cells[index].strip()
    if not text or text.upper() == COMPLETED:
        return ""
    return text


__all__ = ["COMPLETED", "STATUS_COLUMN", "rejected_status", "status_index"]
