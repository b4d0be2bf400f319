"""The CSV format of ktseed: one module for writing and reading it.

``ktseed export`` writes it (:func:`write_table`) and the ``csv``
initializer reads it (:func:`open_table`, :class:`Layout`, ...), so a file
exported by ktseed reads back to the same values, of the same Python
types. The format:

* UTF-8 (a byte-order mark is accepted), ``,`` between fields unless told
  otherwise, quoting as the :mod:`csv` module does it.
* The first non-blank line is the header: one column per hyperparameter,
  plus optional score and ``status`` columns. Blank lines are skipped.
* One row per configuration. Cells are written and read as
  :mod:`ktseed.csv_format.cells` describes: an empty cell is a missing (or
  inactive) value, floats are written with :func:`repr`.
* The ``status`` column holds the KerasTuner trial status; rows whose
  status is not COMPLETED are not used (:mod:`~ktseed.csv_format.status`).

Modules, one job each: :mod:`~ktseed.csv_format.cells` (a cell, both
ways), :mod:`~ktseed.csv_format.writer` (a file),
:mod:`~ktseed.csv_format.reader` (a file as a header and a stream of
rows), :mod:`~ktseed.csv_format.rows` (the ``rows`` mini-language),
:mod:`~ktseed.csv_format.selection` (``rows``, status and ``limit`` over
the stream), :mod:`~ktseed.csv_format.layout` (columns to hyperparameters,
a row to a point), :mod:`~ktseed.csv_format.design` (the order in which the
reading options apply), :mod:`~ktseed.csv_format.report` (what is left
out, and why).
"""

from __future__ import annotations

from ktseed.csv_format.cells import format_cell
from ktseed.csv_format.cells import parse_cell
from ktseed.csv_format.cells import parse_score
from ktseed.csv_format.design import ReadOptions
from ktseed.csv_format.design import build_design
from ktseed.csv_format.design import open_rows
from ktseed.csv_format.layout import Layout
from ktseed.csv_format.layout import Row
from ktseed.csv_format.layout import check_renames
from ktseed.csv_format.reader import Record
from ktseed.csv_format.reader import Table
from ktseed.csv_format.reader import check_delimiter
from ktseed.csv_format.reader import check_file
from ktseed.csv_format.reader import open_table
from ktseed.csv_format.report import ON_INVALID
from ktseed.csv_format.rows import RowRanges
from ktseed.csv_format.selection import Selection
from ktseed.csv_format.status import COMPLETED
from ktseed.csv_format.status import STATUS_COLUMN
from ktseed.csv_format.writer import results_header
from ktseed.csv_format.writer import write_table

__all__ = [
    "COMPLETED",
    "ON_INVALID",
    "STATUS_COLUMN",
    "Layout",
    "ReadOptions",
    "Record",
    "Row",
    "RowRanges",
    "Selection",
    "Table",
    "build_design",
    "check_delimiter",
    "check_file",
    "check_renames",
    "format_cell",
    "open_rows",
    "open_table",
    "parse_cell",
    "parse_score",
    "results_header",
    "write_table",
]
