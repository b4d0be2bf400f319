"""What every ``ktseed`` subcommand shares, importing no other subcommand.

:mod:`ktseed.cli` builds the parser and registers the subcommands that live
in other modules (:mod:`ktseed.export`, :mod:`ktseed.bench.cli`,
:mod:`ktseed.demo`). Those modules raise :class:`CommandError`; it lives
here, not in :mod:`ktseed.cli`, so that no subcommand imports the module
that imports it (the import graph stays free of cycles).
"""

from __future__ import annotations

import os

#: Environment a ``ktseed`` process sets (unless already set) before
#: anything imports TensorFlow. TensorFlow prints its start-up notices from
#: C++ while it loads, so only variables set before that silence them:
#: ``TF_CPP_MIN_LOG_LEVEL=2`` filters the CPU-feature line but not the
#: oneDNN one, which ``TF_ENABLE_ONEDNN_OPTS=0`` removes, and with it
#: absl's "All log messages before absl::InitializeLog()" line (absl prints
#: that only above a first message logged before its set-up). TensorFlow
#: has the oneDNN code twice (``libtensorflow_framework.so.2`` and the
#: profiler plugin), hence each line twice.
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_tensorflow() -> None:
    """Sets the variables of :data:`QUIET_TENSORFLOW` that are not set."""
    for key, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(key, value)


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 2."""


__all__ = ["QUIET_TENSORFLOW", "CommandError", "quiet_tensorflow"]
