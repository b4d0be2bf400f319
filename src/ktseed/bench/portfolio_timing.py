"""How long a portfolio takes to build from large earlier searches.

The issue's target: a portfolio of 16 from 10 sources of 1,000 trials each
in at most 5 s. :func:`build_timing` writes the sources once and times the
build several times, so the spread is visible.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ktseed.bench.portfolio_cells import scratch_dir


def build_timing(
    *, sources: int, trials: int, n_points: int, repeats: int
) -> dict[str, Any]:
    """Times a portfolio of ``n_points`` from ``sources`` projects.

    Each source is a synthetic KerasTuner project of ``trials`` trials
    (:func:`~ktseed.testing.projects.write_synthetic_project`, a 7-
    hyperparameter space with a conditional one), written once; the build
    (reading every project, mapping, normalising, fitting the GPs,
    predicting, the greedy step and the template's checks) is timed
    ``repeats`` times in this process, as wall time (``seconds``) and as
    the process's CPU time (``cpu_seconds``, all its threads): on a shared
    machine the wall time is an upper bound.
    """
    import keras_tuner as kt

    from ktseed import PortfolioInitializer
    from ktseed.prior_runs import load_prior_run
    from ktseed.testing.projects import write_synthetic_project

    root = Path(tempfile.mkdtemp(prefix="ktseed-timing-", dir=scratch_dir()))
    try:
        for i in range(sources):
            write_synthetic_project(root, f"source{i}", trials, seed=i)
        run = load_prior_run(root, "source0")
        assert run.space_config is not None
        space = kt.HyperParameters.from_config(run.space_config)
        specs = [
            {"directory": str(root), "project_name": f"source{i}"}
            for i in range(sources)
        ]
        seconds = []
        cpu = []
        report = None
        for _ in range(repeats):
            initializer = PortfolioInitializer(specs, n_points=n_points)
            begin, begin_cpu = time.perf_counter(), time.process_time()
            initializer.generate(space)
            seconds.append(time.perf_counter() - begin)
            cpu.append(time.process_time() - begin_cpu)
            report = initializer.last_report
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert report is not None
    return {
        "seconds": seconds,
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "cpu_seconds": cpu,
        "candidates": report.candidates,
        "n_predicted": report.n_predicted,
        "n_scores": report.n_scores,
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
    }


__all__ = ["build_timing"]
