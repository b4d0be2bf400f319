"""The ktseed benchmark suite behind ``ktseed bench``.

Modules:

* :mod:`ktseed.bench.problems`: the objectives (synthetic functions with
  exactly known optima, a Keras MLP, scikit-learn estimators tuned through
  ``SklearnTuner``) as KerasTuner search spaces, one module per family.
* :mod:`ktseed.bench.strategies`: the contenders (stock KerasTuner oracles,
  seeded oracles with each initializer, peers) and the factory that builds
  each oracle.
* :mod:`ktseed.bench.peers`: other libraries' optimisers (Optuna, SMAC3,
  scikit-optimize, Ax), one module each behind one runner interface.
* :mod:`ktseed.bench.parallel`: one oracle with ``k`` trials pending.
* :mod:`ktseed.bench.execute`: one cell (problem, strategy, seed).
* :mod:`ktseed.bench.runner`: cells, the resumable, parallel scheduler and
  the raw JSONL results.
* :mod:`ktseed.bench.workers`: the worker processes that run the cells,
  and the never-raising wrapper around one cell.
* :mod:`ktseed.bench.plan`: a suite's cells and their estimated cost.
* :mod:`ktseed.bench.measures`: design quality and overhead measures.
* :mod:`ktseed.bench.stats` and :mod:`ktseed.bench.repeats`: summaries,
  paired tests, repeated proposals.
* :mod:`ktseed.bench.report` (with ``report_*`` and
  :mod:`ktseed.bench.plots`): the summary CSV, the Markdown tables and the
  PNG plots.
* :mod:`ktseed.bench.multifidelity`: the multi-fidelity task (Hyperband
  against DEHB, SMAC and Optuna on budget-dependent problems).
* ``portfolio_*``: the ``portfolio`` task, leave one task out:
  :mod:`ktseed.bench.portfolio_settings` (its settings),
  :mod:`ktseed.bench.portfolio_family` and
  :mod:`ktseed.bench.portfolio_svm` (the families of related tasks),
  :mod:`ktseed.bench.portfolio_cells` (one held-out task and seed),
  :mod:`ktseed.bench.portfolio_task` (running them),
  :mod:`ktseed.bench.portfolio_plan` (its ``--list`` estimate),
  :mod:`ktseed.bench.portfolio_report` and
  :mod:`ktseed.bench.portfolio_timing` (tables, plot, build time).
* :mod:`ktseed.bench.suites` and :mod:`ktseed.bench.suite_run`: the
  ``quick`` and ``full`` suites, and running one.
* :mod:`ktseed.bench.cli`: the ``ktseed bench`` subcommand.

Importing this package is cheap; KerasTuner, TensorFlow, the peers'
libraries and matplotlib are imported only where they are used.
"""

from __future__ import annotations
