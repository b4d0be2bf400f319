"""Reading a CSV file as a header and a stream of data rows.

The file is read lazily, line by line: :func:`open_table` reads the header
and the first data row, checks them, and hands back the remaining rows as
an iterator, so a reader that needs ten rows of a million-row file reads
(and decodes) only those. Each line is decoded as UTF-8 when it is read (a
byte-order mark is accepted), so an encoding error names its line and byte
offset. Blank lines, and lines with only delimiters, are skipped and not
counted: data row 1 is the first non-blank row after the header.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import BinaryIO
from typing import NamedTuple

from ktseed import checks
from ktseed.errors import DataSourceError
from ktseed.errors import InitializerConfigError

if TYPE_CHECKING:
    from collections.abc import Collection
    from collections.abc import Iterable
    from collections.abc import Iterator

# A line with a lone "\r" in it holds several lines (old Mac line ends).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class Record(NamedTuple):
    """One data row: its 1-based number, the line it ends on, its cells."""

    number: int
    line: int
    cells: list[str]


@dataclass
class Table:
    """An open CSV file: its header, then its data rows as they are read.

    Attributes:
        path: The file.
        header: The column names (stripped of surrounding spaces).
        records: The data rows, in file order, read on demand. Iterating
            may raise :class:`~ktseed.errors.DataSourceError` for a line
            that is not UTF-8 or not valid CSV.
    """

    path: str
    header: list[str]
    records: Iterator[Record]


def check_file(path: str, owner: str, *, hint: str = "") -> None:
    """Raises unless ``path`` is an existing file.

    Args:
        path: The CSV file.
        owner: Who reads it, for the message.
        hint: A sentence appended to the message.

    Raises:
        DataSourceError: If ``path`` does not exist or is a directory.
    """
    if os.path.isfile(path):
        return
    what = (
        "is a directory, not a file"
        if os.path.isdir(path)
        else "does not exist"
    )
    msg = (
        f"{owner}: CSV file '{path}' {what}. Check the `path` (relative "
        f"paths start from the working directory, {os.getcwd()!r})."
    )
    raise DataSourceError(f"{msg} {hint}" if hint else msg)


def check_delimiter(delimiter: object, owner: str) -> str:
    """Checks a ``delimiter`` argument: one character that can separate.

    Raises:
        InitializerConfigError: For anything else, or for a line break, a
            quote, a letter or a digit.
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise checks.fail(owner, "delimiter", "a single character", delimiter)
    if delimiter in '\r\n"' or delimiter.isalnum():
        msg = (
            f"{owner}: `delimiter` {delimiter!r} cannot separate CSV fields; "
            "use ',', ';', a tab or similar."
        )
        raise InitializerConfigError(msg)
    return delimiter


@contextlib.contextmanager
def open_table(
    path: str,
    *,
    delimiter: str = ",",
    ignore_columns: Collection[str] = (),
    owner: str,
) -> Iterator[Table]:
    """Opens ``path`` and yields its :class:`Table`; closes it on exit.

    Args:
        path: The CSV file.
        delimiter: The field delimiter.
        ignore_columns: Columns the reader ignores (``""`` allows unnamed
            columns in the header).
        owner: Who reads it, for messages.

    Raises:
        DataSourceError: If the file is missing or unreadable, empty, has a
            header but no data row, or its header has an unnamed (and not
            ignored) or repeated column, or seems to use another delimiter.
    """
    check_file(path, owner)
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        msg = f"{owner}: cannot read CSV file '{path}': {error}."
        raise DataSourceError(msg) from error
    with file:
        rows = _rows(_lines(file, path, owner), delimiter, path, owner)
        first = next(rows, None)
        if first is None:
            msg = (
                f"{owner}: CSV file '{path}' is empty; expected a header of "
                "hyperparameter names and one row per configuration."
            )
            raise DataSourceError(msg)
        header = [cell.strip() for cell in first[1]]
        second = next(rows, None)
        if second is None:
            msg = (
                f"{owner}: CSV file '{path}' has a header "
                f"({', '.join(header)}) but no data rows; add one row per "
                "configuration."
            )
            raise DataSourceError(msg)
        check_header(header, path, delimiter, ignore_columns, owner)
        yield Table(path, header, _numbered(second, rows))


def check_header(
    header: list[str],
    path: str,
    delimiter: str,
    ignore_columns: Collection[str],
    owner: str,
) -> None:
    """Refuses unnamed or repeated columns and a wrong delimiter.

    Raises:
        DataSourceError: Naming the column and the fix.
    """
    first: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if name == "" and "" not in ignore_columns:
            msg = (
                f"{owner}: '{path}' column {index} has no name in the "
                "header. Name it, or pass ignore_columns=[''] to ignore "
                "unnamed columns (such as a pandas index)."
            )
            raise DataSourceError(msg)
        if name in first and name != "":
            msg = (
                f"{owner}: '{path}' has the column '{name}' twice in its "
                f"header (columns {first[name]} and {index}); each column "
                "must have a distinct name."
            )
            raise DataSourceError(msg)
        first.setdefault(name, index)
    if len(header) == 1 and delimiter == ",":
        for other in (";", "\t", "|"):
            if other in header[0]:
                msg = (
                    f"{owner}: '{path}' has a single column {header[0]!r}; "
                    f"the file seems to use {other!r} between fields. Pass "
                    f"delimiter={other!r}."
                )
                raise DataSourceError(msg)


def _lines(file: BinaryIO, path: str, owner: str) -> Iterator[str]:
    """The file's lines, decoded as UTF-8 one at a time (ends kept)."""
    offset = 0
    number = 0
    try:
        for raw in file:
            number += 1
            data = raw
            if number == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
                offset = len(codecs.BOM_UTF8)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                msg = (
                    f"{owner}: '{path}' line {number}: byte "
                    f"0x{data[error.start]:02x} (offset "
                    f"{offset + error.start}) is not UTF-8 "
                    f"({error.reason}). Save the file as UTF-8."
                )
                raise DataSourceError(msg) from error
            offset += len(data)
            if "\r" in text and not (
                text.endswith("\r\n") and text.count("\r") == 1
            ):
                yield from _LINE.findall(text)
            else:
                yield text
    except OSError as error:
        msg = f"{owner}: cannot read CSV file '{path}': {error}."
        raise DataSourceError(msg) from error


def _rows(
    lines: Iterable[str], delimiter: str, path: str, owner: str
) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each CSV row that holds something.

    ``line`` is the line of the file the row ends on (a quoted cell may
    span lines).
    """
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        msg = (
            f"{owner}: '{path}' line {reader.line_num}: not valid CSV "
            f"({error})."
        )
        raise DataSourceError(msg) from error


def _numbered(
    first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[Record]:
    yield Record(1, first[0], first[1])
    for number, (line, cells) in enumerate(rest, start=2):
        yield Record(number, line, cells)


__all__ = [
    "Record",
    "Table",
    "check_delimiter",
    "check_file",
    "check_header",
    "open_table",
]
