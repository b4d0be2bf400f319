"""Every code example in the documentation runs, so the docs cannot rot.

For each page of ``docs/`` and for ``README.md``, in document order and in
one namespace per page (later blocks use what earlier ones defined), in a
temporary working directory:

* every ```` ```python ```` block is executed in this process;
* every ```` ```console ```` block is a transcript: each ``$ ktseed ...``
  line runs in-process and its output must equal the lines that follow it;
* every ``ktseed ...`` line of a ```` ```sh ```` block must parse with the
  real argument parser (those commands are not run: they train models or
  take long).

A Python block that must not run is marked on the line before it with
``<!-- docs-test: skip (reason) -->``; such blocks must stay rare
(:data:`MAX_SKIPPED`). Python code must use the ``python`` info string, so
that nothing escapes the test by being spelt ``py`` or ``python3``. A block
that includes a file (``--8<-- "path"``, pymdownx.snippets) runs that file's
text.
"""

from __future__ import annotations

import contextlib
import io
import linecache
import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ktseed import registry
from ktseed.cli import build_parser
from ktseed.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]

#: At most this many Python blocks in all the docs may skip the test.
MAX_SKIPPED = 3

#: Info strings that would be Python but escape the test.
PYTHON_ALIASES = {"py", "python3", "py3", "pycon", "ipython"}

#: ``ktseed`` subcommands a console transcript may run (fast, no training).
TRANSCRIPT_COMMANDS = {"list", "preview", "export"}

#: A pymdownx.snippets line that includes a whole file (path from the root).
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^"]+)"$')

SKIP_MARKER = re.compile(
    r"^<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]+)\)\s*-->$"
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    skip: str | None  # the reason, when marked to skip


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].lstrip()
        if not stripped.startswith("```"):
            index += 1
            continue
        indent = lines[index][: len(lines[index]) - len(stripped)]
        info = stripped[3:].strip()
        language = info.split()[0] if info else ""
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        if index == len(lines):
            pytest.fail(f"{page}:{start + 1}: unclosed code fence")
        previous = next(
            (
                lines[k].strip()
                for k in range(start - 1, -1, -1)
                if lines[k].strip()
            ),
            "",
        )
        marker = SKIP_MARKER.match(previous)
        code = textwrap.dedent(
            "\n".join(line.removeprefix(indent) for line in body)
        )
        code = "\n".join(
            _include(match.group("path"))
            if (match := SNIPPET.match(line.strip()))
            else line
            for line in code.splitlines()
        )
        found.append(
            Block(
                page,
                start + 1,
                language,
                code + "\n",
                marker.group("reason") if marker else None,
            )
        )
        index += 1
    return found


def _include(path: str) -> str:
    """The text a snippet line stands for, as mkdocs renders it."""
    file = ROOT / path
    assert file.is_file(), f"snippet {path} does not exist"
    return file.read_text(encoding="utf-8").rstrip("\n")


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


RUNNABLE = [
    page
    for page in PAGES
    if any(b.language in ("python", "console") for b in blocks(page))
]


def run_python(block: Block, namespace: dict) -> None:
    filename = f"{page_id(block.page)}:{block.line}"
    # Tracebacks then show the lines of the block.
    linecache.cache[filename] = (
        len(block.code),
        None,
        block.code.splitlines(keepends=True),
        filename,
    )
    exec(compile(block.code, filename, "exec"), namespace)


def run_transcript(block: Block) -> None:
    """Runs each ``$ ktseed ...`` line; compares with the lines after it."""
    where = f"{page_id(block.page)}:{block.line}"
    commands: list[tuple[str, list[str]]] = []
    for line in block.code.rstrip("\n").splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        else:
            pytest.fail(f"{where}: a console block must start with '$ '")
    for command, expected in commands:
        argv = shlex.split(command, comments=True)
        if not argv or Path(argv[0]).name != "ktseed":
            pytest.fail(f"{where}: only ktseed commands can run: {command}")
        if argv[1] not in TRANSCRIPT_COMMANDS:
            pytest.fail(f"{where}: `ktseed {argv[1]}` is not run in the docs")
        out = io.StringIO()
        status = main(argv[1:], out=out)
        assert status == 0, f"{where}: `{command}` exited {status}"
        got = [
            line.rstrip() for line in out.getvalue().rstrip("\n").splitlines()
        ]
        want = [line.rstrip() for line in expected]
        assert got == want, (
            f"{where}: the output of `{command}` changed; it is now:\n"
            + "\n".join(got)
        )


@pytest.fixture
def docs_environment(tmp_path, monkeypatch, clean_registry):
    """A scratch working directory, the built-ins only, no plugins."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(registry.DISABLE_AUTOLOAD_ENV, "1")
    return tmp_path


@pytest.mark.parametrize("page", RUNNABLE, ids=page_id)
def test_page_examples_run(page, docs_environment):
    namespace: dict = {"__name__": "__docs__"}
    for block in blocks(page):
        if block.skip is not None:
            continue
        if block.language == "python":
            run_python(block, namespace)
        elif block.language == "console":
            run_transcript(block)


def test_docs_have_runnable_examples():
    # The test above must not pass by finding nothing.
    names = {page_id(p) for p in RUNNABLE}
    assert "README.md" in names
    assert "docs/getting-started.md" in names
    assert "docs/customising-search-start.md" in names
    assert len(names) >= 15


def test_python_is_fenced_as_python_and_skips_are_rare():
    skipped = []
    for page in PAGES:
        for block in blocks(page):
            where = f"{page_id(page)}:{block.line}"
            assert block.language not in PYTHON_ALIASES, (
                f"{where}: fence Python code as ```python so it is tested"
            )
            if block.skip is not None:
                assert block.language == "python", f"{where}: skip what?"
                skipped.append(where)
    assert len(skipped) <= MAX_SKIPPED, skipped


def _parse_status(parser, argv):
    """The exit status of parsing ``argv`` (0 also for ``--help``)."""
    errors = io.StringIO()
    try:
        with (
            contextlib.redirect_stderr(errors),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0), errors.getvalue()
    return 0, ""


def test_shell_examples_use_real_ktseed_options():
    parser = build_parser()
    checked = 0
    for page in PAGES:
        for block in blocks(page):
            if block.language not in ("sh", "bash", "shell"):
                continue
            for line in block.code.splitlines():
                argv = shlex.split(line, comments=True)
                if not argv or Path(argv[0]).name != "ktseed":
                    continue
                where = f"{page_id(page)}:{block.line}: {line.strip()}"
                status, errors = _parse_status(parser, argv[1:])
                assert status == 0, f"{where}\n{errors}"
                checked += 1
    assert checked >= 5
