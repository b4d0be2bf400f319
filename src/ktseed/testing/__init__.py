"""Test helpers that ship with ktseed, for plugin authors and benchmarks.

* :class:`InitializerContract` (:mod:`ktseed.testing.contract`): the
  conformance suite every built-in initializer passes, as a pytest class a
  plugin subclasses to run the same tests on itself. It needs pytest
  (ktseed's ``testing`` extra).
* :func:`contract_space`, :func:`contract_score` and :data:`NATIVE_TYPES`
  (:mod:`ktseed.testing.spaces`): the space and score the suite runs on.
* :mod:`ktseed.testing.projects`: writers of KerasTuner project
  directories (a real formula-scored search, thousands of synthetic
  trials, single ``trial.json`` files) for tests of code that reads
  earlier runs, and for the benchmark.

Only the suite needs pytest, and it is imported on first use of
``InitializerContract``: ``import ktseed.testing.projects`` works where
pytest is not installed (the ``bench`` extra does not install it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ktseed._lazy import lazy_attributes
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_hyperband_project
from ktseed.testing.projects import write_project
from ktseed.testing.projects import write_synthetic_project
from ktseed.testing.projects import write_trial_json
from ktseed.testing.spaces import NATIVE_TYPES
from ktseed.testing.spaces import contract_score
from ktseed.testing.spaces import contract_space

if TYPE_CHECKING:
    from ktseed.testing.contract import InitializerContract

# Names whose module imports pytest: loaded on first use.
_LAZY = {"InitializerContract": "ktseed.testing.contract"}


__getattr__, __dir__ = lazy_attributes("ktseed.testing", globals(), _LAZY)


__all__ = [
    # the conformance suite (imports pytest on first use)
    "InitializerContract",
    "NATIVE_TYPES",
    "contract_score",
    "contract_space",
    # project writers
    "trial_state",
    "write_hyperband_project",
    "write_project",
    "write_synthetic_project",
    "write_trial_json",
]
