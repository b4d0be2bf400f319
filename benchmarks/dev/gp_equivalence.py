r"""Records GP hand-off proposals on seeded problems, to compare two versions.

Refactors of ``GPHandoff`` must not change what it proposes. This script
runs a fixed set of seeded scenarios and writes every proposal (values as
``repr`` strings, so floats compare bit for bit) to a JSON file; ``diff``
compares two such files and lists every scenario that differs.

Scenarios: each development problem of ``gp_handoff_study.py`` with seeds
1 and 2, an 8-point Sobol' design and sequential proposals up to
``--until`` observations (each proposal is evaluated and fed back, so any
divergence propagates); plus single calls with pending points, an
``is_tried`` callback, non-finite values, a tiny enumerated space, missing
hyperparameters and every non-default option.

Usage (from the repository root), comparing the working tree with an
earlier commit::

    git archive <rev> src | tar -x -C /tmp/gp-old
    PYTHONPATH=/tmp/gp-old/src .venv/bin/python \\
        benchmarks/dev/gp_equivalence.py record --out /tmp/old.json
    PYTHONPATH=src .venv/bin/python \\
        benchmarks/dev/gp_equivalence.py record --out /tmp/new.json
    .venv/bin/python benchmarks/dev/gp_equivalence.py diff \\
        /tmp/old.json /tmp/new.json

The import path ``ktseed.oracles.gp_handoff`` exists in every version
(a compatibility module since the hand-off became a package). Options a
version does not know are skipped for it (and reported by ``diff``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gp_handoff_study as study  # the script's own directory

Values = dict[str, Any]


def _key(values: Mapping[str, Any] | None) -> str:
    if values is None:
        return "None"
    return repr(sorted(values.items()))


def _sequential(
    handoff_cls: Any,
    problem: study.DevProblem,
    seed: int,
    until: int,
    options: Mapping[str, Any],
) -> list[str]:
    import ktseed
    from ktseed.space import SpaceCodec

    codec = SpaceCodec(problem.space())
    design = ktseed.make_initializer(
        {"name": "sobol", "n_points": 8, "seed": seed}
    ).generate(codec)
    observations = [(v, problem.evaluate(v)) for v in design]
    handoff = handoff_cls(seed=seed, **options)
    out = []
    while len(observations) < until:
        values = handoff.propose(codec, observations)
        out.append(_key(values))
        if values is None:
            break
        observations.append((values, problem.evaluate(values)))
    return out


def _single_calls(handoff_cls: Any) -> dict[str, str]:
    import keras_tuner as kt

    import ktseed
    from ktseed.space import SpaceCodec

    out: dict[str, str] = {}
    problem = study.dev_problems()["dev_mixed"]
    codec = SpaceCodec(problem.space())
    design = ktseed.make_initializer(
        {"name": "sobol", "n_points": 12, "seed": 4}
    ).generate(codec)
    observations = [(v, problem.evaluate(v)) for v in design]
    handoff = handoff_cls(seed=3)
    first = handoff.propose(codec, observations)
    assert first is not None
    out["plain"] = _key(first)
    out["pending"] = _key(
        handoff.propose(codec, observations, pending=[first, design[0]])
    )
    out["is_tried"] = _key(
        handoff.propose(codec, observations, is_tried=lambda v: v == first)
    )
    bad = list(observations)
    bad[1] = (bad[1][0], float("nan"))
    bad[2] = (bad[2][0], float("inf"))
    bad[3] = (bad[3][0], float("-inf"))
    out["non_finite"] = _key(handoff.propose(codec, bad))
    out["all_nan"] = _key(
        handoff.propose(codec, [(v, float("nan")) for v, _ in bad[:4]])
    )
    out["empty"] = _key(handoff.propose(codec, []))
    missing = [
        ({k: x for k, x in v.items() if k not in ("reg", "l2")}, y)
        for v, y in observations
    ]
    out["missing"] = _key(handoff.propose(codec, missing))
    rng = np.random.default_rng(0)
    ys = rng.standard_normal(len(observations))
    for label, scale in (("scale_1", 1.0), ("scale_1e3", 1e3)):
        scaled = [
            (v, float(y * scale))
            for (v, _), y in zip(observations, ys, strict=True)
        ]
        out[label] = _key(handoff.propose(codec, scaled))

    hp = kt.HyperParameters()
    hp.Choice("act", ["relu", "tanh", "elu"])
    hp.Boolean("bn")
    hp.Int("k", 1, 4)
    tiny = SpaceCodec(hp)
    every = tiny.decode(
        np.array(
            [
                [(a + 0.5) / 3, (b + 0.5) / 2, (k + 0.5) / 4]
                for a in range(3)
                for b in range(2)
                for k in range(4)
            ]
        )
    )
    tiny_obs = [(v, float((i * 7) % 5)) for i, v in enumerate(every[:20])]
    out["enumerated"] = _key(handoff.propose(tiny, tiny_obs))

    hp = kt.HyperParameters()
    hp.Int("units", 2, 300, sampling="log")
    hp.Int("wide", 0, 10**6)
    hp.Fixed("epochs", 3)
    hp.Float("drop", 0.0, 0.5, step=0.1)
    hp.Choice("layers", [1, 2, 4])
    hp.Float("lr", 1e-5, 1e-1, sampling="reverse_log")
    odd = SpaceCodec(hp)
    odd_design = ktseed.make_initializer(
        {"name": "sobol", "n_points": 10, "seed": 1}
    ).generate(odd)
    odd_obs = [
        (v, (math.log(v["units"]) - 3.0) ** 2 + v["drop"]) for v in odd_design
    ]
    out["odd_space"] = _key(handoff.propose(odd, odd_obs))
    return out


OPTION_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "mixed": {"kernel": "mixed"},
    "standardize": {"y_transform": "standardize"},
    "dim_scaled": {"lengthscale_prior": "dim_scaled"},
    "small": {"n_candidates": 64, "n_restarts": 3, "n_best_starts": 1},
    "noise": {"noise_prior_loc": -4.0, "min_noise": 1e-4},
}


def command_record(args: argparse.Namespace) -> None:
    import ktseed
    from ktseed.oracles.gp_handoff import GPHandoff

    problems = study.dev_problems()
    result: dict[str, Any] = {"ktseed": ktseed.__file__, "cases": {}}
    cases: dict[str, Any] = result["cases"]
    for option_name, options in OPTION_SETS.items():
        try:
            GPHandoff(**options)
        except ValueError:
            continue
        names = list(problems) if option_name == "default" else ["dev_mixed"]
        for name in names:
            for seed in (1, 2):
                label = f"seq/{option_name}/{name}/{seed}"
                cases[label] = _sequential(
                    GPHandoff, problems[name], seed, args.until, options
                )
                print(label, flush=True)
    for label, value in _single_calls(GPHandoff).items():
        cases[f"single/{label}"] = value
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1, sort_keys=True)


def command_diff(args: argparse.Namespace) -> int:
    with open(args.a, encoding="utf-8") as handle:
        a = json.load(handle)["cases"]
    with open(args.b, encoding="utf-8") as handle:
        b = json.load(handle)["cases"]
    differ = 0
    for label in sorted(set(a) | set(b)):
        if label not in a or label not in b:
            print(f"only in {'b' if label not in a else 'a'}: {label}")
            continue
        if a[label] == b[label]:
            continue
        differ += 1
        if isinstance(a[label], list):
            pairs = zip(a[label], b[label], strict=False)
            first = next(
                (i for i, (x, y) in enumerate(pairs) if x != y),
                min(len(a[label]), len(b[label])),
            )
            print(f"DIFFERS {label}: first at proposal {first}")
        else:
            print(f"DIFFERS {label}")
    same = len(set(a) & set(b)) - differ
    print(f"{same} identical, {differ} different")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    record = sub.add_parser("record")
    record.add_argument("--out", required=True)
    record.add_argument("--until", type=int, default=20)
    diff = sub.add_parser("diff")
    diff.add_argument("a")
    diff.add_argument("b")
    args = parser.parse_args(argv)
    commands: dict[str, Callable[[argparse.Namespace], Any]] = {
        "record": command_record,
        "diff": command_diff,
    }
    return int(commands[args.command](args) or 0)


if __name__ == "__main__":
    sys.exit(main())
