"""Griffe extensions used by the API reference (see mkdocs.yml).

Not part of the site: ``exclude_docs`` in mkdocs.yml leaves it out.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")


def _role_to_code(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


class DocstringCompat(griffe.Extension):
    """Renders ktseed's Sphinx-flavoured Google docstrings in Markdown.

    * A Google ``Example:`` section is read as ``Examples:``. Napoleon
      accepts both spellings; griffe's Google parser knows only the plural
      and would render ``Example:`` as an admonition whose ``>>>`` lines
      become Markdown block quotes.
    * Sphinx roles (``:class:`~ktseed.Initializer```) become code spans
      (```Initializer```), as Sphinx would display them.
    """

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrites ``obj``'s docstring before it is parsed."""
        if obj.docstring is not None:
            value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = _ROLE.sub(_role_to_code, value)
