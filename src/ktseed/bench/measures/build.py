"""Build times: designs of many points, prior runs, the issue-14 targets."""

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

from ktseed.bench.measures.quality import _initializer
from ktseed.bench.strategies import INITIALIZERS

Measure = dict[str, Any]


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


# ---------------------------------------------------- issue-14 targets
def write_csv_trials(path: Path, rows: int) -> None:
    """A CSV file of ``rows`` distinct configurations of :func:`csv_space`.

    The shape ``ktseed export`` writes: five hyperparameters, a score and a
    status column.
    """
    acts = ["relu", "tanh", "elu"]
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("units,lr,dropout,act,bn,score,status\n")
        for i in range(rows):
            lr = 1e-5 * (1 + i % 9973) ** 0.5
            dropout = (i % 5000) / 10000
            file.write(
                f"{32 * (1 + i % 16)},{lr!r},{dropout!r},{acts[i % 3]},"
                f"{i % 2 == 0},{(i * 7919) % 100003 / 1000!r},COMPLETED\n"
            )


def csv_space() -> Any:
    """The space of :func:`write_csv_trials`' configurations."""
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-5, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5)
    hp.Choice("act", ["relu", "tanh", "elu"])
    hp.Boolean("bn")
    return hp


#: The CSV designs timed by :func:`design_target_times`.
CSV_CASES: dict[str, dict[str, Any]] = {
    "n_points=4": {"n_points": 4},
    "limit=4": {"limit": 4},
    "top_k=4": {"top_k": 4, "direction": "min"},
}


def design_target_times(
    *,
    lhs: Sequence[int] = (4096, 32),
    csv_rows: int = 300_000,
    repeats: int = 3,
) -> Measure:
    """The issue-14 build targets: an LHS design and a large CSV design.

    ``lhs = (n, d)``: ``generate`` of an ``n``-point LHS design in ``d``
    Floats (and the raw cube alone), best of ``repeats``. ``csv_rows``: a
    CSV file of that many rows (:func:`write_csv_trials`, written once,
    not timed) read by ``CSVInitializer(path, score_column="score",
    ...)`` for each case of :data:`CSV_CASES`, best of ``repeats``. This
    is ``benchmarks/csv_design.py`` as a measure.

    Returns:
        Rows with ``design``, ``case`` and ``best_s``.
    """
    import ktseed
    from ktseed.space import SpaceCodec

    n, d = int(lhs[0]), int(lhs[1])
    init = _initializer("lhs", n, 1)
    codec = SpaceCodec(_float_space(d))
    rows: list[dict[str, Any]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case, call in (
            ("generate", functools.partial(init.generate, codec)),
            ("cube only", functools.partial(init.sample_unit_cube, n, d)),
        ):
            rows.append(
                {
                    "design": f"lhs {n}x{d}",
                    "case": case,
                    "best_s": _best_time(call, repeats),
                }
            )
    space = csv_space()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trials.csv"
        write_csv_trials(path, csv_rows)
        for case, options in CSV_CASES.items():
            reader = ktseed.CSVInitializer(
                path, score_column="score", **options
            )

            def build(reader: Any = reader) -> None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    reader.generate(space)

            rows.append(
                {
                    "design": f"csv {csv_rows} rows",
                    "case": case,
                    "best_s": _best_time(build, repeats),
                }
            )
    return {
        "config": {"lhs": [n, d], "csv_rows": csv_rows, "repeats": repeats},
        "rows": rows,
        "notes": [],
    }


__all__ = [
    "CSV_CASES",
    "csv_space",
    "design_build_times",
    "design_target_times",
    "prior_load_times",
    "write_csv_trials",
]
