"""The ktseed benchmark suite behind ``ktseed bench``.

Modules:

* :mod:`ktseed.bench.problems`: the objectives (synthetic functions with
  exactly known optima, a small Keras MLP on scikit-learn's digits) as
  KerasTuner search spaces.
* :mod:`ktseed.bench.strategies`: the contenders (stock KerasTuner oracles,
  seeded oracles with each initializer, Optuna samplers) and the factory
  that builds each one's oracle or sampler.
* :mod:`ktseed.bench.runner`: cells (one problem, strategy and seed), the
  resumable, parallel scheduler and the raw JSONL results.
* :mod:`ktseed.bench.measures`: design quality and overhead measures.
* :mod:`ktseed.bench.stats`: summaries and paired tests.
* :mod:`ktseed.bench.report`: the summary CSV, the Markdown tables and the
  PNG plots.
* :mod:`ktseed.bench.suites`: the ``quick`` and ``full`` suites.
* :mod:`ktseed.bench.cli`: the ``ktseed bench`` subcommand.

Importing this package is cheap; KerasTuner, TensorFlow, Optuna and
matplotlib are imported only where they are used.
"""

from __future__ import annotations
