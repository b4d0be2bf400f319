r"""Development study of the model-based Hyperband's options (issue 16).

Runs ``SeededHyperbandOracle(handoff=...)`` (8-point Sobol' design,
``max_epochs = 27``, factor 3, three Hyperband iterations: 1,125 epochs,
the suite's multi-fidelity settings) on the development problems of
``dev_multifidelity.py`` with several hand-off variants, and prints the
median (and interquartile range) regret of the recommendation (the best
value at the largest budget reached, the suite's rule) after a quarter,
half and all of the budget, and each variant's wins against ``default``.

Usage (from the repository root)::

    PYTHONPATH=src:benchmarks/dev .venv/bin/python \
        benchmarks/dev/hyperband_gp_study.py --seeds 12 --workers 2 \
        --out /tmp/hb-study.jsonl

Rows already in ``--out`` are not run again; ``--report`` only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import tempfile
from multiprocessing import Pool
from typing import Any

import numpy as np

#: name -> (GPHandoff options, oracle options); ``None``: the stock
#: hand-off (KerasTuner's random candidates after the design).
VARIANTS: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {
    "stock": (None, {}),
    "default": ({}, {}),
    "noise-4": ({"noise_prior_loc": -4.0}, {}),
    "noise-6": ({"noise_prior_loc": -6.0}, {}),
    "random0.5": ({}, {"random_fraction": 0.5}),
}
CHECKPOINTS = (281, 562, 1125)


def run(job: tuple[str, str, int]) -> dict[str, Any]:
    """One run: ``(problem, variant, seed)`` -> regrets at the checkpoints."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras_tuner as kt
    from dev_multifidelity import DEV_MF_PROBLEMS

    import ktseed
    from ktseed.bench.multifidelity.accounting import Ledger
    from ktseed.bench.multifidelity.accounting import incumbent_at
    from ktseed.bench.multifidelity.runs import Evaluator
    from ktseed.bench.multifidelity.runs import run_keras_tuner
    from ktseed.oracles.gp import GPHandoff

    name, variant, seed = job
    problem = DEV_MF_PROBLEMS[name](max_epochs=27)
    gp_options, oracle_options = VARIANTS[variant]
    oracle = ktseed.SeededHyperbandOracle(
        objective=kt.Objective("loss", "min"),
        max_epochs=27,
        factor=3,
        hyperband_iterations=3,
        seed=seed,
        hyperparameters=problem.space(),
        initializer={"name": "sobol", "n_points": 8},
        handoff="stock" if gp_options is None else GPHandoff(**gp_options),
        **oracle_options,
    )
    evaluator = Evaluator(problem, Ledger(None), seed)
    with tempfile.TemporaryDirectory() as workdir:
        run_keras_tuner(oracle, evaluator, workdir=pathlib.Path(workdir))
    regrets = {}
    for budget in CHECKPOINTS:
        best = incumbent_at(evaluator.evaluations, budget)
        regrets[str(budget)] = (
            None if best is None else problem.regret(best["values"])
        )
    return {"problem": name, "variant": variant, "seed": seed, **regrets}


def report(rows: list[dict[str, Any]]) -> None:
    """Prints medians, IQRs and paired wins against ``default``."""
    for name in sorted({r["problem"] for r in rows}):
        print(f"\n{name}")
        base = {
            r["seed"]: r
            for r in rows
            if r["problem"] == name and r["variant"] == "default"
        }
        for variant in VARIANTS:
            mine = {
                r["seed"]: r
                for r in rows
                if r["problem"] == name and r["variant"] == variant
            }
            if not mine:
                continue
            cells = []
            for budget in map(str, CHECKPOINTS):
                v = np.array([mine[s][budget] for s in sorted(mine)], float)
                q1, med, q3 = np.nanpercentile(v, [25, 50, 75])
                common = sorted(set(mine) & set(base))
                wins = sum(mine[s][budget] < base[s][budget] for s in common)
                losses = sum(mine[s][budget] > base[s][budget] for s in common)
                cells.append(
                    f"@{budget} {med:.4g} [{q1:.3g}-{q3:.3g}] {wins}/{losses}"
                )
            print(f"  {variant:10s} n={len(mine):2d}  " + "  ".join(cells))


def main() -> None:
    """Runs the missing rows, then prints the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="/tmp/hb-study.jsonl")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--problems", default="dev_mf_schedule,dev_mf_styblinski"
    )
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    rows = (
        [json.loads(line) for line in out.read_text().splitlines()]
        if out.exists()
        else []
    )
    done = {(r["problem"], r["variant"], r["seed"]) for r in rows}
    jobs = [
        (p, v, s)
        for s in range(1, args.seeds + 1)
        for p in args.problems.split(",")
        for v in args.variants.split(",")
        if (p, v, s) not in done
    ]
    if not args.report and jobs:
        with Pool(args.workers) as pool, out.open("a") as sink:
            for row in pool.imap_unordered(run, jobs):
                sink.write(json.dumps(row) + "\n")
                sink.flush()
                rows.append(row)
                print(row, flush=True)
    report(rows)


if __name__ == "__main__":
    main()
