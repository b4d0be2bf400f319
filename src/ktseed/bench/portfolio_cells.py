"""One cell of the ``portfolio`` benchmark task: earlier searches, runs.

A cell is one family, one held-out task and one seed (see
:mod:`ktseed.bench.portfolio_task` for what it measures):
:func:`write_earlier_search` writes the other tasks' earlier searches,
:func:`run_cell` builds and evaluates the four designs and runs the
searches that start from them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import Protocol
from typing import cast

import numpy as np

from ktseed.bench.portfolio_family import FamilyTask
from ktseed.bench.portfolio_family import most_similar

#: The designs compared, in report order.
DESIGNS = ("sobol", "random", "prior_run", "portfolio")


class CellSettings(Protocol):
    """What a cell needs of the task's settings (``PortfolioTask``)."""

    @property
    def budget(self) -> int:
        """Trials per search."""

    @property
    def design_size(self) -> int:
        """Points per design."""

    @property
    def prior_trials(self) -> int:
        """Trials per earlier search."""

    @property
    def svm_grid(self) -> str:
        """The SVM grid."""


def run_key(
    settings: CellSettings,
    family: str,
    task: str,
    seed: int,
    handoffs: Sequence[str] = (),
) -> str:
    """The identifier of one cell (every setting that changes it).

    The searches it runs are part of it, so a run with more hand-offs (a
    full run after a reduced one in the same folder) runs the cell again.
    """
    return (
        f"{family}|{task}|seed={seed}|B={settings.budget}|"
        f"N={settings.design_size}|P={settings.prior_trials}|"
        f"grid={settings.svm_grid}|runs={'+'.join(handoffs) or 'designs'}"
    )


def scratch_dir() -> str:
    """A RAM-backed folder for the cell's files when there is one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


# ---------------------------------------------------------- earlier runs
def write_earlier_search(
    task: FamilyTask, index: int, seed: int, trials: int, root: Path
) -> dict[str, str]:
    """Writes one task's earlier search (random, seeded) as a project.

    Returns:
        ``{"directory", "project_name", "csv"}`` (the CSV only for ``svm``).
    """
    from ktseed.space import SpaceCodec
    from ktseed.testing.projects import trial_state
    from ktseed.testing.projects import write_trial_json

    hp = task.space()
    codec = SpaceCodec(hp)
    rng = np.random.default_rng([seed, index, 17])
    points = codec.decode(rng.random((trials, codec.dimension)))
    project = root / task.name
    width = len(str(trials))
    for number, values in enumerate(points):
        score = float(task.evaluate(values))
        metrics = {
            task.metric: {
                "direction": task.direction,
                "observations": [{"value": [score], "step": 0}],
            }
        }
        trial_id = f"{number:0{width}d}"
        state = trial_state(trial_id, values, score, metrics=metrics)
        write_trial_json(project, trial_id, state)
    oracle = {"hyperparameters": hp.get_config(), "ongoing_trials": {}}
    (project / "oracle.json").write_text(json.dumps(oracle), encoding="utf-8")
    where = {"directory": str(root), "project_name": task.name}
    if task.family == "svm":
        from ktseed.export import write_csv
        from ktseed.prior_runs import load_prior_run

        run = load_prior_run(root, task.name)
        path = root / f"{task.name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            write_csv(run, run.completed, handle)
        where["csv"] = str(path)
    return where


# ----------------------------------------------------------------- cells
def design_spec(
    design: str,
    *,
    size: int,
    seed: int,
    sources: Sequence[Mapping[str, str]],
    similar: Mapping[str, str],
) -> dict[str, Any]:
    """The ``initializer=`` spec of one design for one cell."""
    if design in ("sobol", "random"):
        return {"name": design, "n_points": size, "seed": seed}
    if design == "prior_run":
        return {
            "name": "prior_run",
            "directory": similar["directory"],
            "project_name": similar["project_name"],
            "top_k": size,
        }
    portfolio_sources = [
        {"csv": s["csv"]}
        if "csv" in s
        else {"directory": s["directory"], "project_name": s["project_name"]}
        for s in sources
    ]
    return {"name": "portfolio", "sources": portfolio_sources, "n_points": size}


def run_cell(
    settings: CellSettings,
    family: str,
    tasks: Sequence[FamilyTask],
    held: int,
    seed: int,
    *,
    handoffs: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Runs one cell; returns its design and search records."""
    import keras_tuner as kt

    from ktseed import make_initializer

    task = tasks[held]
    scratch = Path(
        tempfile.mkdtemp(prefix="ktseed-portfolio-", dir=scratch_dir())
    )
    records = []
    try:
        sources = [
            write_earlier_search(t, i, seed, settings.prior_trials, scratch)
            for i, t in enumerate(tasks)
            if i != held
        ]
        similar_index = most_similar(tasks, held)
        similar = sources[similar_index - (similar_index > held)]
        objective = kt.Objective(task.metric, task.direction)
        common = {
            "key": run_key(settings, family, task.name, seed, handoffs),
            "family": family,
            "task": task.name,
            "seed": seed,
            "budget": settings.budget,
            "design_size": settings.design_size,
            "prior_trials": settings.prior_trials,
            "direction": task.direction,
            "optimum": task.optimum,
            "similar": tasks[similar_index].name,
        }
        for design in DESIGNS:
            spec = design_spec(
                design,
                size=settings.design_size,
                seed=seed,
                sources=sources,
                similar=similar,
            )
            built = make_initializer(spec)
            started = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                points = built.generate(
                    task.space(),
                    max_trials=settings.budget,
                    seed=seed,
                    objective=objective,
                )
            report = getattr(built, "last_report", None)
            records.append(
                {
                    **common,
                    "kind": "design",
                    "design": design,
                    "handoff": None,
                    **_scored(task, points),
                    "points": points,
                    "build_seconds": round(time.perf_counter() - started, 4),
                    "n_predicted": getattr(report, "n_predicted", None),
                    "n_scores": getattr(report, "n_scores", None),
                    "warnings": len(caught),
                }
            )
            for handoff in handoffs:
                configs, seconds = _search(
                    task, spec, handoff, settings.budget, seed, scratch
                )
                records.append(
                    {
                        **common,
                        "kind": "search",
                        "design": design,
                        "handoff": handoff,
                        **_scored(task, configs),
                        "run_seconds": round(seconds, 3),
                    }
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return records


def _scored(
    task: FamilyTask, points: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``scores`` (and ``held_out`` for ``svm``) of configurations."""
    return {
        "scores": [float(task.evaluate(p)) for p in points],
        "held_out": [task.held_out(p) for p in points]
        if task.family == "svm"
        else None,
    }


def _search(
    task: FamilyTask,
    spec: Mapping[str, Any],
    handoff: str,
    budget: int,
    seed: int,
    scratch: Path,
) -> tuple[list[dict[str, Any]], float]:
    """One seeded Bayesian search; its trials' values in order, seconds."""
    import keras_tuner as kt

    from ktseed.bench.execute import ObjectiveTuner
    from ktseed.oracles import SeededBayesianOptimizationOracle

    oracle = SeededBayesianOptimizationOracle(
        objective=kt.Objective(task.metric, task.direction),
        max_trials=budget,
        seed=seed,
        hyperparameters=task.space(),
        initializer=dict(spec),
        handoff=handoff,
    )
    tuner = ObjectiveTuner(
        cast(Any, task),
        seed,
        oracle=oracle,
        directory=str(scratch / "runs"),
        project_name=f"{spec['name']}-{handoff}",
        overwrite=True,
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tuner.search(verbose=0)
    return [
        dict(entry[1]) for entry in tuner.log
    ], time.perf_counter() - started


__all__ = [
    "DESIGNS",
    "CellSettings",
    "design_spec",
    "run_cell",
    "run_key",
    "scratch_dir",
    "write_earlier_search",
]
