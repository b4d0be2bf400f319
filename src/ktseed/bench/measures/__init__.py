"""Design quality and overhead measures, one module per job.

* :func:`design_quality` (:mod:`~ktseed.bench.measures.quality`): for each
  initializer and problem, the first ``N`` points of the design in the
  unit cube: centred discrepancy (lower is more uniform), minimum pairwise
  distance (higher is better spread) and, for each ``Choice`` and
  ``Boolean``, the share of its values the design uses. ``random`` stands
  for stock KerasTuner, whose own start is independent uniform draws mapped
  by the same ``prob_to_value``.
* :func:`create_trial_overhead` (:mod:`~ktseed.bench.measures.overhead`):
  mean time per ``create_trial`` of each seeded oracle against its stock
  parent, in the same run, at several design sizes, with ktseed's ``fsync``
  on and off.
* :func:`design_build_times`, :func:`prior_load_times` and
  :func:`design_target_times` (:mod:`~ktseed.bench.measures.build`): time
  to build designs of 16 to 4096 points in 2 to 64 dimensions, to load
  prior runs of 100 to 10,000 trials, and the issue-14 targets (a 4096x32
  LHS design, a design from a 300,000-row CSV file).
* :func:`gp_step_times` and :func:`gp_cost_times`
  (:mod:`~ktseed.bench.measures.gp`): one proposal of KerasTuner's GP step
  against ktseed's GP hand-off on the same trials; the hand-off against
  Optuna's ``GPSampler`` at 30 to 1,000 observations in 6 and 20
  dimensions.
* :func:`hyperband_proposal_times` (:mod:`~ktseed.bench.measures.gp`):
  CPU and wall seconds of one GP proposal of the model-based Hyperband
  (``GPHandoff.propose`` at 30 and 100 observations of a multi-fidelity
  problem plus 20 pending points), against issue 16's 0.1 s target.

Each function returns ``{"config": ..., "rows": [...], "notes": [...]}``.
"""

from __future__ import annotations

from ktseed.bench.measures.build import _growth
from ktseed.bench.measures.build import design_build_times
from ktseed.bench.measures.build import design_target_times
from ktseed.bench.measures.build import prior_load_times
from ktseed.bench.measures.gp import gp_cost_times
from ktseed.bench.measures.gp import gp_step_times
from ktseed.bench.measures.gp import hyperband_proposal_times
from ktseed.bench.measures.overhead import create_trial_overhead
from ktseed.bench.measures.quality import design_quality

__all__ = [
    "_growth",
    "create_trial_overhead",
    "design_build_times",
    "design_quality",
    "design_target_times",
    "gp_cost_times",
    "gp_step_times",
    "hyperband_proposal_times",
    "prior_load_times",
]
