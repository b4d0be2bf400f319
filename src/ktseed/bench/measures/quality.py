"""Design quality: uniformity, spread and Choice coverage of a design."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import INITIALIZERS

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


__all__ = ["design_quality"]
