"""The seeded oracles' state files on disk: the design file, torn files.

Plain functions of a project directory (no KerasTuner): writing and
reading ``ktseed-design.json`` against the checksum ``oracle.json``
records, and, before KerasTuner reloads a project, repairing or naming the
state files a kill mid-write can leave torn (ktseed writes its own files
atomically; KerasTuner writes ``<tuner_id>.json`` in place).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

from ktseed._files import TornFileError
from ktseed._files import read_json
from ktseed._files import write_json_atomically
from ktseed.errors import KtseedWarning
from ktseed.errors import StateFileError
from ktseed.schedule import design_digest

#: The file, in the project directory, that holds the materialised design.
DESIGN_FILE = "ktseed-design.json"

_REMEDY = (
    "It is written once, when the design is built; restore it from a backup "
    "of the project, or start a new project (`overwrite=True` or another "
    "`project_name`)."
)


def torn_error(path: str, detail: str) -> StateFileError:
    """The error for a torn state file ktseed cannot repair."""
    msg = (
        f"Cannot resume: the state file '{path}' is torn ({detail}); a "
        "search killed while writing it leaves such a file. ktseed writes "
        "its own state files atomically, so it was written by another "
        "writer. Restore the file from a backup, remove the trial directory "
        "it belongs to if that trial never finished, or start a new project "
        "(`overwrite=True`)."
    )
    return StateFileError(msg)


def write_design(directory: str, points: list[Any], digest: str) -> None:
    """Writes the design file.

    Args:
        directory: The project directory.
        points: The design.
        digest: The design's :func:`~ktseed.schedule.design_digest`, which
            the schedule keeps (hashing a long design costs more than
            writing it).
    """
    os.makedirs(directory, exist_ok=True)
    write_json_atomically(
        os.path.join(directory, DESIGN_FILE),
        {"sha256": digest, "points": points},
    )


def read_design(directory: str, entry: Mapping[str, Any]) -> list[Any]:
    """The design ``oracle.json``'s ``design_file`` entry refers to.

    Raises:
        StateFileError: If the file is missing, torn or does not match the
            recorded size and checksum (the message names the file).
    """
    path = os.path.join(directory, str(entry["name"]))
    try:
        content = read_json(path)
    except FileNotFoundError as error:
        msg = (
            f"The project's design file '{path}' is missing; oracle.json "
            f"refers to it ({entry['points']} point(s), sha256 "
            f"{entry['sha256']}). {_REMEDY}"
        )
        raise StateFileError(msg) from error
    except TornFileError as error:
        raise torn_error(error.path, error.detail) from error
    points = content.get("points") if isinstance(content, dict) else None
    if not isinstance(points, list) or design_digest(points) != entry["sha256"]:
        msg = (
            f"The project's design file '{path}' does not match oracle.json "
            f"(expected {entry['points']} point(s) with sha256 "
            f"{entry['sha256']}). {_REMEDY}"
        )
        raise StateFileError(msg)
    return [dict(p) for p in points]


def check_project_files(directory: str) -> None:
    """Repairs or names torn state files before KerasTuner reads them.

    * A torn ``<tuner_id>.json`` is rewritten as ``{}`` (the state
      KerasTuner's tuners keep there), with a warning naming it.
    * A torn ``trial.json`` of a trial ``oracle.json`` never recorded (it
      was being created) is moved aside, with a warning.
    * Any other torn state file raises :class:`StateFileError`.
    """
    if not os.path.isdir(directory):
        return
    oracle_json = os.path.join(directory, "oracle.json")
    known: set[str] = set()
    if os.path.exists(oracle_json):
        try:
            known = set(read_json(oracle_json).get("start_order", []))
        except TornFileError as error:
            raise torn_error(error.path, error.detail) from error
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.endswith(".json") and name not in ("oracle.json", DESIGN_FILE):
            _check_tuner_file(path)
        elif name.startswith("trial_") and os.path.isdir(path):
            _check_trial_file(
                os.path.join(path, "trial.json"), name[len("trial_") :], known
            )


def _check_tuner_file(path: str) -> None:
    try:
        read_json(path)
    except TornFileError as error:
        write_json_atomically(path, {})
        warnings.warn(
            f"ktseed: the tuner state file '{path}' was torn "
            f"({error.detail}: the search was killed while writing it); it "
            "is rewritten as {}, the state KerasTuner's tuners keep there. A "
            "custom tuner that saves more state there starts from its "
            "defaults.",
            KtseedWarning,
            stacklevel=7,
        )


def _check_trial_file(path: str, trial_id: str, known: set[str]) -> None:
    if not os.path.exists(path):
        return
    try:
        read_json(path)
    except TornFileError as error:
        if trial_id in known:
            raise torn_error(error.path, error.detail) from error
        aside = f"{path}.torn"
        os.replace(path, aside)
        warnings.warn(
            f"ktseed: the trial file '{path}' was torn ({error.detail}) and "
            "oracle.json never recorded that trial (it was being created "
            f"when the search was killed); moved it to '{aside}'. The trial "
            "is created again.",
            KtseedWarning,
            stacklevel=7,
        )


__all__ = [
    "DESIGN_FILE",
    "check_project_files",
    "read_design",
    "torn_error",
    "write_design",
]
