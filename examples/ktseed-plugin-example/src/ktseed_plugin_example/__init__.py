"""An example ktseed plugin: the ``maximin`` initializer.

Installing this package registers :class:`MaximinInitializer` under the
name ``"maximin"`` (entry-point group ``ktseed.initializers``); nothing has
to be imported for ktseed to find it.
"""

from __future__ import annotations

from ktseed_plugin_example.maximin import MaximinInitializer

__all__ = ["MaximinInitializer"]
