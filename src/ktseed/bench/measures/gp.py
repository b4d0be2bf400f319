"""GP cost: one proposal of each GP, on the same observations.

Also the cost of one proposal of the model-based Hyperband
(:func:`hyperband_proposal_times`, issue 16's target).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.problems import get_problem

Measure = dict[str, Any]


def gp_step_times(
    *,
    problems: Sequence[str] = ("hartmann6", "mixed"),
    observations: int = 30,
    repeats: int = 5,
) -> Measure:
    """Seconds per proposal: KerasTuner's GP step vs ktseed's GP hand-off.

    For each problem, a stock ``BayesianOptimizationOracle`` completes
    ``observations`` random trials (``num_initial_points`` equal to that
    number), then its ``populate_space`` (fit the GP, optimise the
    acquisition) is timed ``repeats`` times, once as is and once with BLAS
    limited to one thread (how the hand-off runs); ``GPHandoff.propose`` is
    timed on the same completed trials. All in one process, alternating.

    Returns:
        Rows with ``problem``, ``d``, ``observations`` and the median
        seconds ``kerastuner_s``, ``kerastuner_1thread_s``, ``handoff_s``.
    """
    import keras_tuner as kt
    from keras_tuner.engine.base_tuner import BaseTuner
    from threadpoolctl import threadpool_limits

    from ktseed.bench.execute import scratch_root
    from ktseed.oracles.gp import GPHandoff
    from ktseed.space import SpaceCodec

    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="ktseed-gp-", dir=scratch_root()))
    try:
        for name in problems:
            problem = get_problem(name)
            space = problem.space()
            codec = SpaceCodec(space)
            oracle = kt.oracles.BayesianOptimizationOracle(
                objective=kt.Objective(problem.metric, problem.direction),
                max_trials=observations + 2 * repeats + 1,
                num_initial_points=observations,
                seed=1,
                hyperparameters=space,
            )
            oracle.verbose = 0
            BaseTuner(oracle=oracle, directory=str(workdir), project_name=name)
            observed = []
            for _ in range(observations):
                trial = oracle.create_trial("tuner0")
                values = dict(trial.hyperparameters.values)
                value = problem.evaluate(values)
                oracle.update_trial(trial.trial_id, {problem.metric: value})
                trial.status = "COMPLETED"
                oracle.end_trial(trial)
                minimised = value if problem.direction == "min" else -value
                observed.append((codec.canonicalize(values), minimised))
            stock, one_thread, ours = [], [], []
            for i in range(repeats):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    oracle.populate_space(f"a{i}")
                    stock.append(time.perf_counter() - start)
                    with threadpool_limits(limits=1, user_api="blas"):
                        start = time.perf_counter()
                        oracle.populate_space(f"b{i}")
                        one_thread.append(time.perf_counter() - start)
                handoff = GPHandoff(seed=i + 1)
                start = time.perf_counter()
                handoff.propose(codec, observed)
                ours.append(time.perf_counter() - start)
            rows.append(
                {
                    "problem": name,
                    "d": codec.dimension,
                    "observations": observations,
                    "kerastuner_s": float(np.median(stock)),
                    "kerastuner_1thread_s": float(np.median(one_thread)),
                    "handoff_s": float(np.median(ours)),
                }
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "config": {
            "problems": list(problems),
            "observations": observations,
            "repeats": repeats,
        },
        "rows": rows,
        "notes": [],
    }


# ------------------------------------------------------------ GP cost
def cost_objective(u: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The smooth synthetic objective of the GP-cost measure, row-wise.

    ``sum_j a_j (x_j - c_j)^2 + 0.1 sum_j sin(5 x_j)`` with ``a_j`` from 1
    to 3 and ``c_j`` from 0.3 to 0.7.
    """
    d = u.shape[1]
    weights = np.linspace(1.0, 3.0, d)
    centre = np.linspace(0.3, 0.7, d)
    quadratic = ((u - centre) ** 2 * weights).sum(axis=1)
    result: np.ndarray[Any, Any] = quadratic + 0.1 * np.sin(5.0 * u).sum(axis=1)
    return result


def cost_history(d: int, n: int, seed: int = 0) -> np.ndarray[Any, Any]:
    """``n`` unit-cube points shaped like a search history.

    The first third is a scrambled Sobol' design; the rest gathers around
    the optimum with a spread that shrinks from 0.15 to 0.015.
    """
    from scipy.stats import qmc

    rng = np.random.default_rng(seed)
    k = max(n // 3, 1)
    with warnings.catch_warnings():  # k is rarely a power of two
        warnings.simplefilter("ignore", UserWarning)
        design = qmc.Sobol(d, scramble=True, rng=rng).random(k)
    spread = np.linspace(0.15, 0.015, n - k)[:, None]
    centre = np.linspace(0.3, 0.7, d)
    local = centre + spread * rng.standard_normal((n - k, d))
    points: np.ndarray[Any, Any] = np.clip(
        np.vstack([design, local]), 0.0, 1.0 - 1e-9
    )
    return points[:n]


def cost_observations(d: int, n: int) -> tuple[Any, list[tuple[Any, float]]]:
    """The codec and ``(values, y)`` pairs of ``n`` observations in ``d``."""
    import keras_tuner as kt

    from ktseed.space import SpaceCodec

    hp = kt.HyperParameters()
    for j in range(d):
        hp.Float(f"x{j}", 0.0, 1.0)
    codec = SpaceCodec(hp)
    values = codec.decode(cost_history(d, n))
    x = np.array([[v[f"x{j}"] for j in range(d)] for v in values])
    ys = cost_objective(x)
    return codec, [(v, float(y)) for v, y in zip(values, ys, strict=True)]


def _timings(call: Any, repeats: int) -> dict[str, float]:
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        walls.append(time.perf_counter() - start)
    return {
        "median_s": float(np.median(walls)),
        "min_s": float(min(walls)),
        "max_s": float(max(walls)),
    }


def _optuna_ask(codec: Any, observed: list[tuple[Any, float]]) -> Any:
    """A function that times one ``GPSampler`` proposal on ``observed``."""
    import optuna
    from threadpoolctl import threadpool_limits

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions: dict[str, Any] = {
        name: optuna.distributions.FloatDistribution(0.0, 1.0)
        for name in codec.names
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = optuna.create_study(
            direction="minimize", sampler=optuna.samplers.GPSampler(seed=1)
        )
        study.add_trials(
            [
                optuna.trial.create_trial(
                    params=values, distributions=distributions, value=y
                )
                for values, y in observed
            ]
        )

    def ask() -> None:
        with warnings.catch_warnings(), threadpool_limits(1, "blas"):
            warnings.simplefilter("ignore")
            trial = study.ask(distributions)
            study.tell(trial, state=optuna.trial.TrialState.FAIL)

    return ask


def gp_cost_times(
    *,
    dims: Sequence[int] = (6, 20),
    sizes: Sequence[int] = (30, 100, 300, 1000),
    repeats: int = 3,
) -> Measure:
    """Seconds per proposal as the run grows: GP hand-off and ``GPSampler``.

    For each ``d`` and ``n``, ``n`` observations of :func:`cost_objective`
    at :func:`cost_history` points of ``d`` Floats in ``[0, 1]``; one
    ``GPHandoff.propose`` call and, when torch is importable, one Optuna
    ``GPSampler`` proposal (the trials added with ``add_trials``, one
    ``study.ask`` timed) on the same observations, ``repeats`` times each,
    alternating, in one process with BLAS limited to one thread (as the
    hand-off itself runs). The hand-off is stateless, so every call does
    the full work (fit included); ``GPSampler`` refits on every ask too.
    One untimed call of each comes first (imports, torch's first-call
    work). This is the dev script ``benchmarks/dev/gp_timing.py`` as a
    measure.

    Returns:
        Rows with ``d``, ``n``, ``handoff_median_s`` (``_min_s``,
        ``_max_s``) and ``optuna_median_s`` (... or ``None``).
    """
    import importlib.util

    from ktseed.oracles.gp import GPHandoff

    peer = importlib.util.find_spec("torch") is not None
    rows = []
    warm = True
    for d in dims:
        for n in sizes:
            codec, observed = cost_observations(d, n)
            handoff = GPHandoff(seed=1)
            row: dict[str, Any] = {"d": d, "n": n}
            propose = functools.partial(handoff.propose, codec, observed)
            ask = _optuna_ask(codec, observed) if peer else None
            if warm:  # the first calls of a process import and compile
                propose()
                if ask is not None:
                    ask()
                warm = False
            times = _timings(propose, repeats)
            row.update({f"handoff_{k}": v for k, v in times.items()})
            if ask is not None:
                times = _timings(ask, repeats)
                row.update({f"optuna_{k}": v for k, v in times.items()})
            rows.append(row)
    notes = (
        []
        if peer
        else ["Optuna's GPSampler was not timed: torch is not installed."]
    )
    return {
        "config": {
            "dims": list(dims),
            "sizes": list(sizes),
            "repeats": repeats,
        },
        "rows": rows,
        "notes": notes,
        "load_average": list(os.getloadavg()),
    }


# ------------------------------------------------- Hyperband proposals
#: Issue 16's target: seconds of CPU per proposal at 100 observations.
HYPERBAND_PROPOSAL_TARGET_S = 0.1


def hyperband_observations(
    name: str, n: int, pending: int, *, max_epochs: int
) -> tuple[Any, list[tuple[Any, float]], list[Any]]:
    """The codec, ``n`` observations and ``pending`` points of a problem.

    :func:`cost_history` points of the multi-fidelity problem's space
    (``n + pending`` of them, seed 0), decoded by the codec; the first
    ``n`` evaluated at ``max_epochs`` (``problem.evaluate(values,
    max_epochs, seed=i + 1, checkpoints={})``, to be minimised), the
    others pending.
    """
    from ktseed.bench.multifidelity.problems import get_mf_problem
    from ktseed.space import SpaceCodec

    problem = get_mf_problem(name, max_epochs=max_epochs)
    codec = SpaceCodec(problem.space())
    values = codec.decode(cost_history(codec.dimension, n + pending))
    observed = [
        (
            v,
            float(
                problem.evaluate(
                    v, max_epochs, seed=i + 1, checkpoints={}
                ).value
            ),
        )
        for i, v in enumerate(values[:n])
    ]
    return codec, observed, values[n:]


def hyperband_proposal_times(
    *,
    problems: Sequence[str] = ("mf_branin", "mf_hartmann6", "mf_mixed_cond"),
    sizes: Sequence[int] = (30, 100),
    pending: int = 20,
    repeats: int = 20,
    max_epochs: int = 27,
) -> Measure:
    """CPU and wall seconds of one GP proposal of the model-based Hyperband.

    What is timed is one ``GPHandoff.propose`` call as
    ``SeededHyperbandOracle(handoff="gp")`` makes it for a round-0
    candidate: ``n`` observations at one budget (the configurations of
    :func:`hyperband_observations`: :func:`cost_history` points decoded by
    the problem's codec, evaluated at ``max_epochs``) plus ``pending``
    points of trials still running, BLAS limited to one thread (``propose``
    does that itself). For each problem and ``n``, one untimed warm-up call
    comes first, then ``repeats`` calls with ``GPHandoff(seed=1)``,
    ``seed=2``, ..., each timed by ``time.process_time`` (CPU) and
    ``time.perf_counter`` (wall). The hand-off is stateless, so every call
    does the full work (the kernel fit included). Issue 16's target is a
    CPU median below :data:`HYPERBAND_PROPOSAL_TARGET_S` at 100
    observations.

    Returns:
        Rows with ``problem``, ``d``, ``n``, ``pending`` and the seconds
        ``cpu_median_s``, ``cpu_max_s``, ``wall_median_s``,
        ``wall_max_s``; ``target_s`` and the load average at the end.
    """
    from ktseed.oracles.gp import GPHandoff

    rows = []
    for name in problems:
        for n in sizes:
            codec, observed, points = hyperband_observations(
                name, n, pending, max_epochs=max_epochs
            )
            GPHandoff(seed=0).propose(codec, observed, pending=points)
            cpu, wall = [], []
            for seed in range(1, repeats + 1):
                handoff = GPHandoff(seed=seed)
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                handoff.propose(codec, observed, pending=points)
                wall.append(time.perf_counter() - start_wall)
                cpu.append(time.process_time() - start_cpu)
            rows.append(
                {
                    "problem": name,
                    "d": codec.dimension,
                    "n": n,
                    "pending": len(points),
                    "cpu_median_s": float(np.median(cpu)),
                    "cpu_max_s": float(max(cpu)),
                    "wall_median_s": float(np.median(wall)),
                    "wall_max_s": float(max(wall)),
                }
            )
    return {
        "config": {
            "problems": list(problems),
            "sizes": list(sizes),
            "pending": pending,
            "repeats": repeats,
            "max_epochs": max_epochs,
        },
        "rows": rows,
        "target_s": HYPERBAND_PROPOSAL_TARGET_S,
        "notes": [],
        "load_average": list(os.getloadavg()),
    }


__all__ = [
    "cost_history",
    "cost_objective",
    "cost_observations",
    "gp_cost_times",
    "gp_step_times",
    "hyperband_observations",
    "hyperband_proposal_times",
    "HYPERBAND_PROPOSAL_TARGET_S",
]
