"""The multi-fidelity task of ``ktseed bench``: Hyperband and its peers.

Every contender gets the same total number of training epochs (the sum of
what KerasTuner's Hyperband schedule trains, counted as below) on problems
whose value depends on the epochs, and the measure is the regret (or
held-out error) of the recommended configuration against the epochs spent,
not against the number of trials.

Modules:

* :mod:`~ktseed.bench.multifidelity.problems`: objectives with a budget
  (multi-fidelity Branin, Hartmann6, a conditional mixed space) and the
  registry; :mod:`~ktseed.bench.multifidelity.training` the scikit-learn
  MLP whose epochs are the fidelity; :mod:`~ktseed.bench.multifidelity.base`
  the interface, the fidelity scale and the deterministic noise.
* :mod:`~ktseed.bench.multifidelity.accounting`: Hyperband's schedule, the
  epoch ledger every contender is charged through, the incumbent rule.
* :mod:`~ktseed.bench.multifidelity.contenders`: contender names and
  whether each can run here.
* :mod:`~ktseed.bench.multifidelity.peers`: DEHB, SMAC3's multi-fidelity
  facade and Optuna's TPE with ``HyperbandPruner`` on the same spaces.
* :mod:`~ktseed.bench.multifidelity.task`: one run (KerasTuner or a peer),
  its records, and the resumable scheduler.
* :mod:`~ktseed.bench.multifidelity.suite`: the task's settings in the
  ``quick`` and ``full`` suites and the command-line overrides.
* :mod:`~ktseed.bench.multifidelity.report`: tables at fixed budget points,
  paired tests, the issue's targets; :mod:`~ktseed.bench.multifidelity.plots`
  the plot against total epochs; :mod:`~ktseed.bench.multifidelity.results`
  the raw records grouped into runs.

Importing this package is cheap: KerasTuner and the peers are imported
where they run.
"""

from __future__ import annotations
