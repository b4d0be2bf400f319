r"""Seconds per GP hand-off proposal as the run grows (issue 12, item 4).

One ``GPHandoff.propose`` call is timed on ``n`` synthetic observations of a
smooth function of ``d`` ``Float`` hyperparameters in ``[0, 1]``, for every
``n`` in ``--sizes`` and ``d`` in ``--dims``. The observations imitate a
search history: the first third is a scrambled Sobol' design, the rest
gathers around the optimum with a spread that shrinks from 0.15 to 0.015.
The objective is ``sum_j a_j (x_j - c_j)^2 + 0.1 sum_j sin(5 x_j)`` with
``a_j`` from 1 to 3 and ``c_j`` from 0.3 to 0.7.

Every timing is repeated (``--repeats``) in one process, BLAS limited to one
thread as ``propose`` itself does; the table reports the median, minimum
and maximum wall-clock seconds and the median CPU seconds of the process
(``time.process_time``), with the load average before and after, because
the development machine is shared. The proposer is stateless, so every
repeat does the full work.

The suite runs the same timing as its ``gp_cost`` measure (``ktseed bench
--tasks measures``; ``ktseed.bench.measures.gp.gp_cost_times``); this
script keeps the options (``--options``) for development.

Optuna's ``GPSampler`` (the peer) is timed on the same observations when
``torch`` is importable: the trials are added with ``study.add_trial`` and
one ``study.ask`` (which fits its GP and optimises its acquisition) is
timed. ktseed does not depend on torch; in a development venv it must be
``pip install torch==2.13.0`` exactly (see environment notes).

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python benchmarks/dev/gp_timing.py \\
        --out benchmarks/dev/gp_timing.md
    PYTHONPATH=src .venv/bin/python benchmarks/dev/gp_timing.py \\
        --dims 20 --sizes 1000 --options '{"max_fit_points": 128}'
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import numpy as np

from ktseed.bench.measures.gp import cost_history
from ktseed.bench.measures.gp import cost_objective
from ktseed.bench.measures.gp import cost_observations

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


# The observations are the suite's GP-cost measure's (``ktseed bench``'s
# ``gp_cost``), so this script and the measure time the same calls.
objective = cost_objective
history = cost_history
observations = cost_observations


def timed(call: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Median/min/max wall seconds and median CPU seconds of ``call``."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu = time.process_time()
        wall = time.perf_counter()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "cpu_median_s": statistics.median(cpus),
    }


def time_handoff(
    d: int, n: int, repeats: int, options: Mapping[str, Any]
) -> dict[str, float]:
    from ktseed.oracles.gp import GPHandoff

    codec, observed = observations(d, n)
    handoff = GPHandoff(seed=1, **options)
    return timed(lambda: handoff.propose(codec, observed), repeats)


def time_optuna(d: int, n: int, repeats: int) -> dict[str, float]:
    import warnings

    import optuna
    from threadpoolctl import threadpool_limits

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    codec, observed = observations(d, n)
    distributions = {
        name: optuna.distributions.FloatDistribution(0.0, 1.0)
        for name in codec.names
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = optuna.create_study(
            direction="minimize",
            sampler=optuna.samplers.GPSampler(seed=1),
        )
        for values, y in observed:
            study.add_trial(
                optuna.trial.create_trial(
                    params=values, distributions=distributions, value=y
                )
            )

    def ask() -> None:
        with warnings.catch_warnings(), threadpool_limits(1, "blas"):
            warnings.simplefilter("ignore")
            trial = study.ask(distributions)
            study.tell(trial, state=optuna.trial.TrialState.FAIL)

    return timed(ask, repeats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[6, 20])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[30, 100, 300, 1000]
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--options", default="{}")
    parser.add_argument("--label", default="")
    parser.add_argument("--out", help="also write the table (markdown)")
    parser.add_argument("--csv", help="also write the rows (CSV)")
    args = parser.parse_args(argv)
    options = json.loads(args.options)
    peer = importlib.util.find_spec("torch") is not None
    load_before = os.getloadavg()
    rows = []
    for d in args.dims:
        for n in args.sizes:
            row: dict[str, Any] = {"d": d, "n": n}
            row.update(time_handoff(d, n, args.repeats, options))
            if peer:
                optuna_times = time_optuna(d, n, args.repeats)
                row.update({f"optuna_{k}": v for k, v in optuna_times.items()})
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    load_after = os.getloadavg()

    header = "| d | n | propose median s | min | max | CPU median s |" + (
        " Optuna GPSampler median s | min | max |" if peer else ""
    )
    lines = [
        f"# GP hand-off: seconds per proposal {args.label}".rstrip(),
        "",
        f"Options: `{json.dumps(options)}`; {args.repeats} calls per cell; "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in load_before)} at the start and "
        f"{', '.join(f'{x:.2f}' for x in load_after)} at the end of the "
        "run (other jobs share the machine).",
        "",
        header,
        "|---" * (header.count("|") - 1) + "|",
    ]
    for row in rows:
        cells = [
            str(row["d"]),
            str(row["n"]),
            f"{row['median_s']:.3f}",
            f"{row['min_s']:.3f}",
            f"{row['max_s']:.3f}",
            f"{row['cpu_median_s']:.3f}",
        ]
        if peer:
            cells += [
                f"{row['optuna_median_s']:.3f}",
                f"{row['optuna_min_s']:.3f}",
                f"{row['optuna_max_s']:.3f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    if not peer:
        lines += [
            "",
            "Optuna's GPSampler was not timed: `torch` is not installed in "
            "this environment.",
        ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(table)
    if args.csv:
        keys = list(rows[0]) if rows else []
        with open(args.csv, "w", encoding="utf-8") as handle:
            handle.write(",".join(keys) + "\n")
            for row in rows:
                handle.write(",".join(str(row[k]) for k in keys) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
