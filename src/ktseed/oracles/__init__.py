"""Seeded oracles: KerasTuner's oracles, started from an initial design.

* :class:`SeededRandomSearchOracle`: ``RandomSearchOracle`` + a design.
* :class:`SeededBayesianOptimizationOracle`: ``BayesianOptimizationOracle``
  + a design (and prior observations, and an optional stronger GP).
* :class:`SeededHyperbandOracle`: ``HyperbandOracle`` whose new candidates
  start with a design.

Importing this package checks that the installed KerasTuner still has the
private seams the oracles rely on (see ``ktseed.oracles._kt_private``) and
raises ``ImportError`` naming any that moved.
"""

from __future__ import annotations

from ktseed.oracles import _kt_private
from ktseed.oracles._seeding import STATE_KEY
from ktseed.oracles.bayesian import SeededBayesianOptimizationOracle
from ktseed.oracles.gp import GPHandoff
from ktseed.oracles.hyperband import SeededHyperbandOracle
from ktseed.oracles.random_search import SeededRandomSearchOracle

_kt_private.assert_private_api()

__all__ = [
    "STATE_KEY",
    "GPHandoff",
    "SeededBayesianOptimizationOracle",
    "SeededHyperbandOracle",
    "SeededRandomSearchOracle",
]
