"""``ktseed export``: a prior KerasTuner project's trials as a CSV file.

The CSV has one column per hyperparameter (the prior search space's order),
then the score and the trial status. :class:`~ktseed.initializers.csv.\
CSVInitializer` reads it back unchanged with ``score_column="score"`` (it
uses the ``status`` column to skip the rows that did not complete, such as
the FAILED trials ``--include-failed`` adds), so a run can be exported,
edited or filtered by hand, and used to start another search::

    ktseed export runs mlp_v1 -o mlp_v1.csv --top-k 10

The cells are written by :mod:`ktseed.csv_format`, the module the ``csv``
initializer reads them with: an inactive conditional hyperparameter is an
empty cell, floats are written with :func:`repr` (the shortest text that
reads back to the same float), booleans are ``True``/``False``, and a trial
without a finite score has an empty score cell.

With ``--top-k`` on a Hyperband project, each configuration is ranked at
the highest budget (``tuner/epochs``) it reached: see :func:`select_trials`.

Reading the project never imports KerasTuner, so the command is quick.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from ktseed.commands import CommandError
from ktseed.csv_format import STATUS_COLUMN
from ktseed.csv_format import results_header
from ktseed.csv_format import write_table
from ktseed.errors import DataSourceError
from ktseed.points import distinct
from ktseed.points import point_key
from ktseed.prior_runs import load_prior_run
from ktseed.prior_runs import trial_sort_key

if TYPE_CHECKING:
    from ktseed.prior_runs import PriorRun
    from ktseed.prior_runs import PriorTrial

#: Trial statuses written with ``--include-failed``.
FAILED_STATUSES = ("FAILED", "INVALID")


def select_trials(
    run: PriorRun,
    *,
    include_failed: bool = False,
    top_k: int | None = None,
    direction: str | None = None,
) -> list[PriorTrial]:
    """The trials ``ktseed export`` writes, in the order it writes them.

    Args:
        run: The prior project.
        include_failed: Also take FAILED and INVALID trials.
        top_k: Take only the ``top_k`` best COMPLETED trials, best first.
            Without it, every COMPLETED trial is taken in trial-id order.
            In a project whose trials record a Hyperband budget
            (``tuner/epochs``), a configuration is taken once, at the
            highest budget it reached, and configurations are ranked by
            that budget first (more epochs first), then by their score at
            it: scores after different numbers of epochs are not compared.
        direction: ``"min"`` or ``"max"`` for ``top_k``; ``None`` infers the
            prior objective's direction from the trials.

    Returns:
        The trials; with ``top_k`` the best ones first, then (with
        ``include_failed``) the failed ones in trial-id order; otherwise
        every selected trial in trial-id order.

    Raises:
        DataSourceError: If there is nothing to export, or ``top_k`` needs a
            direction that cannot be inferred.
    """
    completed = run.completed
    failed = [t for t in run.trials if t.status in FAILED_STATUSES]
    if not completed and not (include_failed and failed):
        counts = ", ".join(
            f"{status}: {count}"
            for status, count in sorted(run.status_counts().items())
        )
        hint = " Pass --include-failed to export them." if failed else ""
        msg = (
            f"prior run '{run.project_dir}' has no COMPLETED trial to "
            f"export ({counts}).{hint}"
        )
        raise DataSourceError(msg)
    if top_k is None:
        chosen = completed + (failed if include_failed else [])
        chosen.sort(key=lambda t: trial_sort_key(t.trial_id))
        return chosen
    if direction is None:
        direction = run.infer_direction()
        if direction is None and len(run.scored) > 1:
            msg = (
                f"cannot tell the direction of prior run "
                f"'{run.project_dir}''s objective (no recorded metric "
                "matches every score with one direction); pass --direction "
                "min or --direction max."
            )
            raise DataSourceError(msg)
    best = _best(run, direction or "min")[:top_k]
    return best + (failed if include_failed else [])


def _best(run: PriorRun, direction: str) -> list[PriorTrial]:
    """The scored trials best first; by budget first in Hyperband projects.

    Hyperband trains most configurations for a few epochs and promotes
    the best to more, so one configuration has a trial per budget it
    reached, and a score after 1 epoch is not comparable with one after
    27. Each configuration is then ranked at its highest budget.
    """
    ranked = run.ranked(direction)
    if all(t.epochs is None for t in ranked):
        return ranked
    by_budget = sorted(ranked, key=lambda t: -_epochs(t))  # stable: by score
    return distinct(by_budget, lambda t: point_key(t.values)).kept


def _epochs(trial: PriorTrial) -> int:
    return -1 if trial.epochs is None else trial.epochs


def csv_header(
    run: PriorRun, *, score_column: str = "score"
) -> tuple[list[str], list[str]]:
    """The hyperparameter names and the full header ``ktseed export`` writes.

    Raises:
        DataSourceError: If ``score_column`` is also a hyperparameter name.
    """
    names = run.space_names()
    if score_column in names:
        msg = (
            f"the score column name '{score_column}' is also a "
            f"hyperparameter of prior run '{run.project_dir}'; pass "
            "--score-column with another name."
        )
        raise DataSourceError(msg)
    # A hyperparameter named "status" keeps its column; the trial status
    # is then left out so that the file still reads back as values.
    header = results_header(names, score_column)
    return names, header


def write_csv(
    run: PriorRun,
    trials: list[PriorTrial],
    out: TextIO,
    *,
    score_column: str = "score",
) -> int:
    """Writes ``trials`` of ``run`` as CSV to ``out``.

    Args:
        run: The prior project (for the column order).
        trials: The trials to write (see :func:`select_trials`).
        out: A text stream (open files with ``newline=""``).
        score_column: Name of the score column.

    Returns:
        The number of rows written.

    Raises:
        DataSourceError: If ``score_column`` is also a hyperparameter name.
    """
    names, header = csv_header(run, score_column=score_column)
    with_status = len(header) > len(names) + 1
    rows = (
        [
            *(trial.values.get(name) for name in names),
            _finite(trial.score),
            *([trial.status] if with_status else []),
        ]
        for trial in trials
    )
    return write_table(out, header, rows)


def _finite(score: float | None) -> float | None:
    return score if score is not None and math.isfinite(score) else None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a positive integer (got {text!r})"
        raise argparse.ArgumentTypeError(msg)
    return value


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    run = load_prior_run(args.directory, args.project_name)
    trials = select_trials(
        run,
        include_failed=args.include_failed,
        top_k=args.top_k,
        direction=args.direction,
    )
    if args.output is None:
        write_csv(run, trials, out, score_column=args.score_column)
        return 0
    # Check the columns before creating the file, so an error leaves no
    # empty file behind.
    csv_header(run, score_column=args.score_column)
    try:
        with open(args.output, "w", newline="", encoding="utf-8") as file:
            count = write_csv(run, trials, file, score_column=args.score_column)
    except OSError as error:
        msg = f"cannot write '{args.output}': {error}."
        raise CommandError(msg) from error
    out.write(
        f"wrote {count} trial(s) of '{run.project_dir}' to '{args.output}'\n"
    )
    return 0


def add_export_command(commands: Any) -> None:
    """Adds the ``export`` subcommand to the ``ktseed`` parser.

    Args:
        commands: The ``add_subparsers()`` object of the ``ktseed`` parser.
    """
    parser = commands.add_parser(
        "export",
        help="write a KerasTuner project's trials as a CSV that the 'csv' "
        "initializer reads back",
        description="Write the COMPLETED trials of the KerasTuner project "
        "DIRECTORY/PROJECT_NAME as CSV: one column per hyperparameter, then "
        "the score and the status. Read it back with "
        "CSVInitializer(path, score_column='score').",
    )
    parser.add_argument("directory", help="the tuner's `directory`")
    parser.add_argument("project_name", help="the tuner's `project_name`")
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        help="output CSV file (default: standard output)",
    )
    parser.add_argument(
        "--include-failed",
        action="store_true",
        help="also write FAILED and INVALID trials (empty score; the 'csv' "
        "initializer skips them when it reads the file back)",
    )
    parser.add_argument(
        "--top-k",
        type=_positive_int,
        default=None,
        help="write only the K best COMPLETED trials, best first "
        "(default: every COMPLETED trial in trial-id order)",
    )
    parser.add_argument(
        "--direction",
        choices=["min", "max"],
        default=None,
        help="which scores are best for --top-k (default: inferred from "
        "the trials' metrics)",
    )
    parser.add_argument(
        "--score-column",
        default="score",
        help="name of the score column (default: score)",
    )
    parser.set_defaults(handler=_cmd_export)


__all__ = [
    "STATUS_COLUMN",  # defined in ktseed.csv_format; importable here too
    "add_export_command",
    "csv_header",
    "select_trials",
    "write_csv",
]
