"""Design quality and overhead measures.

* :func:`design_quality`: for each initializer and problem, the first ``N``
  points of the design in the unit cube: centred discrepancy (lower is more
  uniform), minimum pairwise distance (higher is better spread) and, for
  each ``Choice`` and ``Boolean``, the share of its values the design uses.
  ``random`` stands for stock KerasTuner, whose own start is independent
  uniform draws mapped by the same ``prob_to_value``.
* :func:`create_trial_overhead`: mean time per ``create_trial`` of each
  seeded oracle against its stock parent over one long run, as a ratio.
* :func:`design_build_times`: time to build designs of 16 to 4096 points in
  2 to 64 dimensions (drawing the cube, and the full ``generate`` with
  decoding, canonicalisation and validation).
* :func:`gp_step_times`: one proposal of KerasTuner's own GP step against
  one of ktseed's GP hand-off, on the same completed trials, in one run.
* :func:`prior_load_times`: time of
  ``ktseed.prior_runs.load_prior_run`` on synthetic KerasTuner projects of
  100 to 10,000 trials (``ktseed.testing.projects.write_synthetic_project``).

Each function returns ``{"config": ..., "rows": [...], "notes": [...]}``.
"""

from __future__ import annotations

import functools
import math
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import INITIALIZERS
from ktseed.bench.strategies import STOCK_CLASSES
from ktseed.bench.strategies import seeded_oracle_class

Measure = dict[str, Any]


def _initializer(name: str, n: int, seed: int) -> Any:
    from ktseed.registry import make_initializer

    return make_initializer({**INITIALIZERS[name], "n_points": n, "seed": seed})


# -------------------------------------------------------- design quality
def design_quality(
    problems: Sequence[str],
    initializers: Sequence[str],
    *,
    n: int,
    seeds: Sequence[int],
) -> Measure:
    """Uniformity, spread and Choice coverage of the first ``n`` points.

    Args:
        problems: Problem names (their spaces set ``d`` and the choices).
        initializers: Initializer names from ``INITIALIZERS``.
        n: Design size.
        seeds: Design seeds; results are medians (and IQR) over them.

    Returns:
        Rows with ``problem``, ``initializer``, ``n``, ``d``,
        ``cd_median``, ``cd_q25``, ``cd_q75``, ``min_dist_median``,
        ``min_dist_q25``, ``min_dist_q75`` and ``coverage`` (``{hp: mean
        share of its values present}``).
    """
    from scipy.spatial.distance import pdist
    from scipy.stats import qmc

    from ktseed.space import SpaceCodec

    rows = []
    for problem_name in problems:
        codec = SpaceCodec(get_problem(problem_name).space())
        d = codec.dimension
        categorical = _categorical_values(codec)
        for name in initializers:
            cds, dists = [], []
            coverage: dict[str, list[float]] = {h: [] for h in categorical}
            for seed in seeds:
                init = _initializer(name, n, seed)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    u = init.sample_unit_cube(n, d)
                cds.append(float(qmc.discrepancy(u, method="CD")))
                dists.append(float(pdist(u).min()) if n > 1 else math.nan)
                points = codec.decode(u)
                for hp_name, values in categorical.items():
                    used = {repr(p[hp_name]) for p in points if hp_name in p}
                    share = len(used & {repr(v) for v in values}) / len(values)
                    coverage[hp_name].append(share)
            q_cd = np.percentile(cds, [25, 50, 75])
            q_md = np.percentile(dists, [25, 50, 75])
            rows.append(
                {
                    "problem": problem_name,
                    "initializer": name,
                    "n": n,
                    "d": d,
                    "seeds": len(seeds),
                    "cd_median": float(q_cd[1]),
                    "cd_q25": float(q_cd[0]),
                    "cd_q75": float(q_cd[2]),
                    "min_dist_median": float(q_md[1]),
                    "min_dist_q25": float(q_md[0]),
                    "min_dist_q75": float(q_md[2]),
                    "coverage": {
                        h: float(np.mean(v)) for h, v in coverage.items()
                    },
                }
            )
    return {
        "config": {
            "problems": list(problems),
            "initializers": list(initializers),
            "n": n,
            "seeds": list(seeds),
        },
        "rows": rows,
        "notes": [
            "'random' is the distribution of stock KerasTuner's own start.",
            "Coverage counts values of a conditional hyperparameter only "
            "in points where it is active.",
        ],
    }


def _categorical_values(codec: Any) -> dict[str, list[Any]]:
    from keras_tuner.engine import hyperparameters as hps

    out: dict[str, list[Any]] = {}
    for hp in codec.tunable:
        if isinstance(hp, hps.Boolean):
            out[hp.name] = [False, True]
        elif isinstance(hp, hps.Choice):
            out[hp.name] = list(hp.values)
    return out


# ------------------------------------------------------ create_trial cost
class _TimedCalls:
    """Wraps ``oracle.create_trial`` and accumulates its wall time."""

    def __init__(self, oracle: Any) -> None:
        self.total = 0.0
        self.calls = 0
        original = oracle.create_trial

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - start
                self.calls += 1

        oracle.create_trial = timed


def _time_create_trial(
    oracle_name: str,
    variant: str,
    *,
    trials: int,
    seed: int,
    problem_name: str,
    workdir: Path,
) -> tuple[float, int]:
    import keras_tuner as kt
    from keras_tuner import oracles as kt_oracles

    from ktseed.bench.execute import ObjectiveTuner

    problem = get_problem(problem_name)
    kwargs: dict[str, Any] = {
        "objective": kt.Objective(problem.metric, problem.direction),
        "seed": seed,
        "hyperparameters": problem.space(),
    }
    if oracle_name == "hyperband":
        kwargs.update(max_epochs=9, factor=3, hyperband_iterations=trials)
    else:
        kwargs["max_trials"] = trials
    if oracle_name == "bayesian":
        # No GP step in either oracle: the GP costs the same in both and
        # would dwarf what ktseed adds.
        kwargs["num_initial_points"] = trials
    if variant == "stock":
        cls = getattr(kt_oracles, STOCK_CLASSES[oracle_name])
    else:
        cls = seeded_oracle_class(oracle_name)
        size = 8 if variant == "design 8" else trials
        kwargs["initializer"] = {"name": "lhs", "n_points": size}
    oracle = cls(**kwargs)
    if oracle_name == "hyperband":
        oracle.max_trials = trials
    timer = _TimedCalls(oracle)
    tuner = ObjectiveTuner(
        problem,
        seed,
        oracle=oracle,
        directory=str(workdir),
        project_name=f"{oracle_name}-{variant.replace(' ', '')}",
        overwrite=True,
    )
    tuner.search(verbose=0)
    return timer.total, max(timer.calls, 1)


def create_trial_overhead(
    *,
    trials: int = 500,
    repeats: int = 3,
    problem: str = "mixed_cond",
    oracles: Sequence[str] = ("random", "bayesian", "hyperband"),
) -> Measure:
    """Mean seconds per ``create_trial``: seeded oracle vs stock parent.

    Each oracle runs ``trials`` trials of a trivial objective in one search
    (project directory on tmpfs), ``repeats`` times in alternating order;
    the figure is the median over repeats of the mean time per call. Seeded
    variants: an 8-point LHS design, and a design as long as the run (every
    trial from the design). For the Bayesian oracle ``num_initial_points``
    equals the run length in both, so no GP step runs (it would cost the
    same in both and dwarf the rest).

    Returns:
        Rows with ``oracle``, ``variant``, ``trials``, ``us_per_call`` and
        ``ratio`` (to the stock row); notes say what was skipped.
    """
    from ktseed.bench.execute import scratch_root

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    variants = ("stock", "design 8", f"design {trials}")
    workdir = Path(
        tempfile.mkdtemp(prefix="ktseed-overhead-", dir=scratch_root())
    )
    try:
        for oracle_name in oracles:
            if seeded_oracle_class(oracle_name) is None:
                notes.append(
                    f"{oracle_name}: seeded oracle not available; skipped."
                )
                continue
            samples: dict[str, list[float]] = {v: [] for v in variants}
            for repeat in range(repeats):
                order = variants if repeat % 2 == 0 else variants[::-1]
                for variant in order:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        total, calls = _time_create_trial(
                            oracle_name,
                            variant,
                            trials=trials,
                            seed=repeat + 1,
                            problem_name=problem,
                            workdir=workdir,
                        )
                    samples[variant].append(total / calls)
                    shutil.rmtree(workdir, ignore_errors=True)
            stock = float(np.median(samples["stock"]))
            for variant in variants:
                value = float(np.median(samples[variant]))
                rows.append(
                    {
                        "oracle": oracle_name,
                        "variant": variant,
                        "trials": trials,
                        "repeats": repeats,
                        "us_per_call": value * 1e6,
                        "ratio": value / stock if stock > 0 else math.nan,
                    }
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "config": {
            "trials": trials,
            "repeats": repeats,
            "problem": problem,
            "oracles": list(oracles),
        },
        "rows": rows,
        "notes": notes,
    }


# ---------------------------------------------------- design build times
def _float_space(d: int) -> Any:
    import keras_tuner as kt

    hp = kt.HyperParameters()
    for j in range(d):
        hp.Float(f"x{j}", 0.0, 1.0)
    return hp


def _best_time(fn: Callable[[], Any], repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def design_build_times(
    *,
    sizes: Sequence[int] = (16, 64, 256, 1024, 4096),
    dims: Sequence[int] = (2, 8, 32, 64),
    initializers: Sequence[str] = tuple(INITIALIZERS),
    limit: float = 30.0,
    repeats: int = 3,
) -> Measure:
    """Seconds to build designs of ``n`` points in ``d`` Float dimensions.

    ``cube_s`` times ``sample_unit_cube`` (the raw design); ``generate_s``
    times ``generate`` (cube, decoding, canonicalisation, validation and
    de-duplication), best of ``repeats`` (one run above 5 s). A size whose
    predicted time (extrapolated from the last two sizes with a power law
    whose exponent is clipped to [1, 2]) exceeds ``limit`` is skipped, with
    larger sizes, and noted.
    """
    from ktseed.space import SpaceCodec

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for d in dims:
        codec = SpaceCodec(_float_space(d))
        for name in initializers:
            measured: list[tuple[int, float]] = []
            for n in sizes:
                if measured:
                    n0, t0 = measured[-1]
                    predicted = t0 * (n / n0) ** _growth(measured)
                    if predicted > limit:
                        notes.append(
                            f"{name}: n={n}, d={d} skipped (predicted "
                            f"{predicted:.0f} s > {limit:.0f} s from "
                            f"n={n0})."
                        )
                        break
                init = _initializer(name, n, 1)
                generate = functools.partial(init.generate, codec)
                cube_only = functools.partial(init.sample_unit_cube, n, d)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    gen = _best_time(generate, 1)
                    reps = 1 if gen > 5.0 else repeats
                    if reps > 1:
                        gen = min(gen, _best_time(generate, reps - 1))
                    cube = _best_time(cube_only, reps)
                rows.append(
                    {
                        "initializer": name,
                        "n": n,
                        "d": d,
                        "cube_s": cube,
                        "generate_s": gen,
                    }
                )
                measured.append((n, gen))
    return {
        "config": {
            "sizes": list(sizes),
            "dims": list(dims),
            "initializers": list(initializers),
            "limit": limit,
        },
        "rows": rows,
        "notes": notes,
    }


def _growth(measured: Sequence[tuple[int, float]]) -> float:
    """Power-law exponent of time in n from the last two sizes, in [1, 2]."""
    if len(measured) < 2:
        return 1.0
    (n0, t0), (n1, t1) = measured[-2], measured[-1]
    if t0 <= 0 or t1 <= 0 or n1 == n0:
        return 1.0
    return min(max(math.log(t1 / t0) / math.log(n1 / n0), 1.0), 2.0)


# ------------------------------------------------------ prior load times
def prior_load_times(
    *, sizes: Sequence[int] = (100, 1000, 10_000), repeats: int = 3
) -> Measure:
    """Seconds of ``load_prior_run`` on projects of ``sizes`` trials.

    Skipped, with a note, when ``ktseed.prior_runs.load_prior_run`` cannot
    be imported. The projects live on tmpfs (``/dev/shm``) when it exists,
    so the figure is parsing cost rather than disk speed; the first call
    of each size is reported separately from the best of the rest.
    """
    from ktseed.bench.execute import scratch_root

    config = {"sizes": list(sizes), "repeats": repeats}
    try:
        from ktseed.prior_runs import load_prior_run
    except ImportError as error:
        return {
            "config": config,
            "rows": [],
            "notes": [
                "prior_run loading skipped: ktseed.prior_runs.load_prior_run "
                f"is not available ({error})."
            ],
        }
    from ktseed.testing.projects import write_synthetic_project

    rows = []
    root = Path(tempfile.mkdtemp(prefix="ktseed-prior-", dir=scratch_root()))
    try:
        for size in sizes:
            write_synthetic_project(root, f"p{size}", size, seed=1)
            start = time.perf_counter()
            run = load_prior_run(root, f"p{size}")
            first = time.perf_counter() - start
            loaded = len(run.trials)
            best = _best_time(
                functools.partial(load_prior_run, root, f"p{size}"),
                max(repeats - 1, 1),
            )
            rows.append(
                {
                    "trials": size,
                    "loaded": loaded,
                    "first_s": first,
                    "best_s": best,
                    "us_per_trial": best / size * 1e6,
                }
            )
            shutil.rmtree(root / f"p{size}", ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"config": config, "rows": rows, "notes": []}


# ------------------------------------------------------------ GP step
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


__all__ = [
    "create_trial_overhead",
    "gp_step_times",
    "design_build_times",
    "design_quality",
    "prior_load_times",
]
