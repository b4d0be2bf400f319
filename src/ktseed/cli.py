"""The ``ktseed`` command line.

Subcommands:

* ``ktseed list``: every registered initializer and where it comes from.
* ``ktseed preview``: print the design an initializer makes for a space.
* ``ktseed demo``: a Sobol-seeded Bayesian search against stock KerasTuner
  on a digits MLP (what ``make demo`` runs).
* ``ktseed export``: write a KerasTuner project's trials as a CSV file that
  the ``csv`` initializer reads back.

Run ``ktseed <command> --help`` for the options of each.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import TextIO

from ktseed.commands import CommandError
from ktseed.commands import quiet_tensorflow
from ktseed.errors import KtseedError


def _format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for k, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) for c, w in zip(row, widths, strict=True)
            ).rstrip()
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ------------------------------------------------------------------ list
def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from ktseed.registry import available_initializers

    rows: list[tuple[str, ...]] = []
    for name, entry in available_initializers().items():
        status = "ok"
        if args.check:
            try:
                entry.load()
            except Exception as error:  # report, do not crash the listing
                status = f"fails to load: {error}"
        rows.append((name, entry.origin, entry.path, status))
    headers = ["name", "source", "class"] + (["status"] if args.check else [])
    if not args.check:
        rows = [r[:3] for r in rows]
    if args.format == "json":
        out.write(
            json.dumps(
                [dict(zip(headers, r, strict=True)) for r in rows], indent=2
            )
        )
        out.write("\n")
    else:
        out.write(_format_table(headers, rows) + "\n")
    return 0


# --------------------------------------------------------------- preview
#: The name of the file of a KerasTuner project that holds its space.
ORACLE_FILE = "oracle.json"


def read_space_config(path: str) -> dict[str, Any]:
    """Reads a search space's config from a file or a project directory.

    Accepts a JSON file with ``HyperParameters.get_config()`` output (a dict
    with ``"space"``), a KerasTuner ``oracle.json`` (its
    ``"hyperparameters"`` entry), or a KerasTuner project directory (the
    ``<directory>/<project_name>`` folder that holds ``oracle.json``).
    Nothing is imported: the result is the plain config.

    Raises:
        CommandError: Naming the file and what is wrong with it.
    """
    file = Path(path)
    if file.is_dir():
        if not (file / ORACLE_FILE).is_file():
            raise CommandError(_not_a_project_message(path, file))
        file = file / ORACLE_FILE
    elif not file.is_file():
        msg = f"space file '{path}' does not exist."
        raise CommandError(msg)
    try:
        config = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"space file '{file}' is not valid JSON: {error}."
        raise CommandError(msg) from error
    if isinstance(config, dict) and "hyperparameters" in config:
        config = config["hyperparameters"]
    if not isinstance(config, dict) or not isinstance(
        config.get("space"), list
    ):
        msg = (
            f"space file '{file}' must hold HyperParameters.get_config() "
            "output (a JSON object with a 'space' list) or an oracle.json."
        )
        raise CommandError(msg)
    return config


def _not_a_project_message(path: str, directory: Path) -> str:
    projects = sorted(
        child.name
        for child in directory.iterdir()
        if (child / ORACLE_FILE).is_file()
    )
    found = (
        "; it holds the KerasTuner projects "
        + ", ".join(f"'{directory / name}'" for name in projects)
        + ": pass one of them"
        if projects
        else ""
    )
    return (
        f"space directory '{path}' has no {ORACLE_FILE}{found}. `--space` "
        "takes a KerasTuner project directory (the <directory>/"
        f"<project_name> folder that holds {ORACLE_FILE}), its "
        f"{ORACLE_FILE}, or a JSON file with HyperParameters.get_config() "
        "output."
    )


def load_space_file(path: str) -> Any:
    """Reads a search space from a JSON file or a project directory.

    Accepts ``HyperParameters.get_config()`` output (a dict with
    ``"space"``), a KerasTuner ``oracle.json`` (its ``"hyperparameters"``
    entry), or a KerasTuner project directory that holds an
    ``oracle.json``.

    Returns:
        A ``keras_tuner.HyperParameters``.

    Raises:
        CommandError: Naming the file and what is wrong with it.
    """
    return _kerastuner_space(read_space_config(path), path)


def _kerastuner_space(config: dict[str, Any], path: str) -> Any:
    import keras_tuner as kt

    try:
        return kt.HyperParameters.from_config(config)
    except Exception as error:
        msg = f"space file '{path}' is not a valid search space: {error}."
        raise CommandError(msg) from error


def _space_codec(config: dict[str, Any], path: str) -> Any:
    """A codec for ``config``, without KerasTuner when it can be read so.

    :mod:`ktseed.space.light` reads KerasTuner's five hyperparameter kinds
    with KerasTuner's own rules; for anything else (or a config that
    KerasTuner must reject, with its own message) KerasTuner reads it.
    """
    from ktseed.space import SpaceCodec
    from ktseed.space.light import UnsupportedSpaceError
    from ktseed.space.light import light_codec

    try:
        return light_codec(config)
    except UnsupportedSpaceError:
        # KerasTuner's from_config changes the dict it reads.
        return SpaceCodec(_kerastuner_space(copy.deepcopy(config), path))


def _parse_initializer(text: str) -> Any:
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            msg = f"--initializer is not valid JSON: {error}."
            raise CommandError(msg) from error
    return text


def _make_initializer(spec: Any) -> Any:
    """``make_initializer`` with a command-line remedy for a bare name."""
    from ktseed.errors import InitializerConfigError
    from ktseed.registry import get_initializer_class
    from ktseed.registry import make_initializer

    try:
        return make_initializer(spec)
    except InitializerConfigError as error:
        if not (
            isinstance(spec, str) and isinstance(error.__cause__, TypeError)
        ):
            raise
        needed = _required_arguments(get_initializer_class(spec))
        example = ", ".join(
            [json.dumps({"name": spec})[1:-1]] + [f'"{n}": ...' for n in needed]
        )
        msg = (
            f"initializer '{spec}' needs arguments ({error.__cause__}); on a "
            "command line, give them in a JSON object: --initializer "
            f"'{{{example}}}'."
        )
        raise CommandError(msg) from error


def _required_arguments(cls: type) -> list[str]:
    """The constructor arguments of ``cls`` that have no default."""
    import inspect

    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - C or odd classes
        return []
    return [
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind
        in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def _cmd_preview(args: argparse.Namespace, out: TextIO) -> int:
    spec = _parse_initializer(args.initializer)
    initializer = _make_initializer(spec)
    if args.space:
        codec = _space_codec(read_space_config(args.space), args.space)
        source = args.space
    else:
        from ktseed._example_config import EXAMPLE_SPACE_CONFIG

        codec = _space_codec(EXAMPLE_SPACE_CONFIG, "the built-in example")
        source = "the built-in example space"
    overrides: dict[str, Any] = {}
    if args.n is not None:
        overrides["n_points"] = args.n
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.direction is not None:
        overrides["direction"] = args.direction
    if overrides:
        config = initializer.get_config()
        unknown = sorted(set(overrides) - set(config))
        if unknown:
            msg = (
                f"initializer '{initializer.name}' does not take "
                f"{', '.join(_option_names(unknown))}."
            )
            raise CommandError(msg)
        initializer = type(initializer).from_config({**config, **overrides})
    points = initializer.generate(codec, max_trials=args.max_trials)
    if args.format == "json":
        out.write(json.dumps(points, indent=2) + "\n")
        return 0
    names = codec.names
    rows = [[i] + [p.get(n, "-") for n in names] for i, p in enumerate(points)]
    if args.format == "csv":
        import csv

        writer = csv.writer(out)
        writer.writerow(["point", *names])
        writer.writerows([[c if c != "-" else "" for c in r] for r in rows])
        return 0
    out.write(
        f"{initializer!r}: {len(points)} point(s) for {source} "
        f"({codec.dimension} tunable dimensions)\n"
    )
    rows = [[r[0]] + [_short(v) for v in r[1:]] for r in rows]
    out.write(_format_table(["#", *names], rows) + "\n")
    return 0


def _option_names(keys: Sequence[str]) -> list[str]:
    return ["--n" if k == "n_points" else f"--{k}" for k in keys]


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# ------------------------------------------------------------------ main
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ktseed`` command."""
    from ktseed import __version__

    parser = argparse.ArgumentParser(
        prog="ktseed",
        description="Initial designs for KerasTuner searches.",
    )
    parser.add_argument(
        "--version", action="version", version=f"ktseed {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p_list = commands.add_parser(
        "list",
        help="list the registered initializers and where each comes from",
    )
    p_list.add_argument(
        "--check",
        action="store_true",
        help="import every initializer and report the ones that fail",
    )
    p_list.add_argument("--format", choices=["table", "json"], default="table")
    p_list.set_defaults(handler=_cmd_list)

    p_preview = commands.add_parser(
        "preview", help="print the design an initializer makes for a space"
    )
    p_preview.add_argument(
        "--initializer",
        "-i",
        default="sobol",
        help="a registered name, or a JSON object such as "
        '\'{"name": "lhs", "optimization": "random-cd"}\' (default: sobol)',
    )
    p_preview.add_argument(
        "--n", type=int, default=None, help="number of points (n_points)"
    )
    p_preview.add_argument("--seed", type=int, default=None, help="design seed")
    p_preview.add_argument(
        "--direction",
        choices=["min", "max"],
        default=None,
        help="objective direction, for initializers that rank by a score "
        "(csv with top_k); in a search the oracle's objective decides",
    )
    p_preview.add_argument(
        "--space",
        default=None,
        help="JSON file with HyperParameters.get_config() output or an "
        "oracle.json (default: a built-in example space)",
    )
    p_preview.add_argument(
        "--max-trials",
        type=int,
        default=None,
        help="trial budget used to size a default design",
    )
    p_preview.add_argument(
        "--format", choices=["table", "json", "csv"], default="table"
    )
    p_preview.set_defaults(handler=_cmd_preview)

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


# Subcommands defined in other modules add themselves here.
_EXTRA_COMMANDS: list[Any] = []


def _register_export(commands: Any) -> None:
    from ktseed.export import add_export_command

    add_export_command(commands)


_EXTRA_COMMANDS.append(_register_export)


def _register_bench(commands: Any) -> None:
    from ktseed.bench.cli import register

    register(commands)


_EXTRA_COMMANDS.append(_register_bench)


def _register_demo(commands: Any) -> None:
    from ktseed.demo import register

    register(commands)


_EXTRA_COMMANDS.append(_register_demo)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Prints a warning as ``warning: <message>``, without a source line."""
    stream = file if file is not None else sys.stderr
    with contextlib.suppress(OSError):  # stderr closed: nothing to tell
        stream.write(f"warning: {message}\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the ``ktseed`` command; returns the exit status."""
    quiet_tensorflow()  # before any subcommand imports TensorFlow
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            status: int = args.handler(args, out)
        except (CommandError, KtseedError) as error:
            sys.stderr.write(f"ktseed {args.command}: error: {error}\n")
            return 2
    return status


# ``CommandError`` lives in ktseed.commands, which imports no subcommand;
# ``ktseed.cli.CommandError`` stays importable for existing code.
__all__ = ["CommandError", "build_parser", "load_space_file", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
