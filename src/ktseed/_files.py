"""Durable file writes: a temporary file, ``fsync``, a rename, ``fsync``.

Every state file ktseed writes goes through :func:`write_atomically`, so a
crash at any instant leaves either the previous complete file or the new
complete file, never a torn one; after it returns, the new file survives a
power loss too (the file and its directory entry are flushed to disk).
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

#: Suffix of the temporary file a write goes through.
TEMPORARY_SUFFIX = ".ktseed-tmp"

#: Set to ``"0"`` to skip the two ``fsync`` calls (faster on slow disks;
#: a crash still never tears a file, but a power loss may lose the newest
#: write). The overhead benchmark measures both.
FSYNC_ENV = "KTSEED_FSYNC"


def fsync_enabled() -> bool:
    """Whether durable writes ``fsync`` (``KTSEED_FSYNC`` is not ``"0"``)."""
    return os.environ.get(FSYNC_ENV, "1") != "0"


def _fsync_directory(directory: str) -> None:
    # Directories cannot be opened for fsync on some platforms (Windows).
    with contextlib.suppress(OSError):
        fd = os.open(directory or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(path: str, text: str) -> None:
    """Replaces ``path`` by ``text`` in one step, durably.

    Args:
        path: The file to write (its directory must exist).
        text: The complete new content.
    """
    temporary = f"{path}{TEMPORARY_SUFFIX}"
    durable = fsync_enabled()
    data = text.encode("utf-8")
    # One unbuffered descriptor: every save of a search goes through here,
    # and a text-mode file object's layers cost more than the write.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        # A full disk, an interrupt: the previous file stays, and so
        # must nothing else.
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        _fsync_directory(os.path.dirname(path))


def write_json_atomically(path: str, obj: Any) -> str:
    """:func:`write_atomically` of ``json.dumps(obj)``; returns the text."""
    text = json.dumps(obj)  # the C encoder; json.dump() is much slower
    write_atomically(path, text)
    return text


class TornFileError(Exception):
    """A JSON state file is empty or not valid JSON (a write was cut off)."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


def read_json(path: str) -> Any:
    """Reads a JSON file; a torn one raises :class:`TornFileError`.

    Raises:
        TornFileError: If the file is empty or not valid JSON.
        OSError: If it cannot be read.
    """
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if not text.strip():
        raise TornFileError(path, "the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TornFileError(path, f"not valid JSON ({error})") from error


__all__ = [
    "FSYNC_ENV",
    "TEMPORARY_SUFFIX",
    "TornFileError",
    "fsync_enabled",
    "read_json",
    "write_atomically",
    "write_json_atomically",
]
