"""Compatibility module: the GP hand-off now lives in :mod:`ktseed.oracles.gp`.

``from ktseed.oracles.gp_handoff import GPHandoff`` keeps working; new code
should import :class:`ktseed.oracles.gp.GPHandoff`.
"""

from __future__ import annotations

from ktseed.errors import HandoffConfigError
from ktseed.oracles.gp import GPHandoff
from ktseed.oracles.gp.layout import ENUMERATION_LIMIT
from ktseed.oracles.gp.layout import MAX_GRID_SIZE
from ktseed.oracles.gp.optimise import MAX_EXHAUSTIVE_GRID

__all__ = [
    "ENUMERATION_LIMIT",
    "MAX_EXHAUSTIVE_GRID",
    "MAX_GRID_SIZE",
    "GPHandoff",
    "HandoffConfigError",
]
