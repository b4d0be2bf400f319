"""What every ``ktseed`` subcommand shares, importing no other subcommand.

:mod:`ktseed.cli` builds the parser and registers the subcommands that live
in other modules (:mod:`ktseed.export`, :mod:`ktseed.bench.cli`,
:mod:`ktseed.demo`). Those modules raise :class:`CommandError`; it lives
here, not in :mod:`ktseed.cli`, so that no subcommand imports the module
that imports it (the import graph stays free of cycles).
"""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 2."""


__all__ = ["CommandError"]
