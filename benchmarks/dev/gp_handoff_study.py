r"""Development study of ktseed's GP hand-off (``ktseed.oracles.gp``).

A pure-Python loop, no Tuner: an 8-point scrambled Sobol' design from
``ktseed.make_initializer``, then ``GPHandoff.propose`` calls up to the
budget (``--budget``, default 30), and the simple regret of the best value
found after 8, 15, 30, 50, 100 and 200 trials (those within the budget).
Each record also counts exact repeats and near-repeats (a proposal within
``NEAR`` of an earlier trial in the codec's unit cube). Optuna's
``GPSampler(seed=s)`` (defaults) runs on the same spaces for comparison.

Problem sets:

* ``dev``: the problems the design choices were tuned on: Hartmann3, Levy
  (2-d and 4-d), Rosenbrock (3-d), Styblinski-Tang (4-d), Six-Hump Camel,
  ``dev_mixed``, a conditional mixed space defined below, and
  ``dev_basins``, a multimodal mixed space (``dev_multimodal.py``). None of
  them is a committed benchmark problem.
* ``check``: ``branin``, ``hartmann6`` and ``mixed`` from
  ``ktseed.bench.problems``, looked at only after the design was frozen.

Usage (from the repository root)::

    .venv/bin/python benchmarks/dev/gp_handoff_study.py run --set dev \\
        --methods handoff optuna_gp --seeds 1-20 --out results.jsonl
    .venv/bin/python benchmarks/dev/gp_handoff_study.py run --set dev \\
        --methods handoff --options '{"y_transform": "standardize"}' \\
        --tag std --seeds 1-12 --out results.jsonl
    .venv/bin/python benchmarks/dev/gp_handoff_study.py run --set dev \\
        --budget 100 --seeds 1-5 --workers 1 --out budget100.jsonl
    .venv/bin/python benchmarks/dev/gp_handoff_study.py summary results.jsonl
    .venv/bin/python benchmarks/dev/gp_handoff_study.py timing

Optuna's ``GPSampler`` needs torch, which is not a ktseed dependency: install
it into the development environment only (``pip install torch==2.13.0``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BUDGET = 30
DESIGN = 8
CHECKPOINTS = (8, 15, 30, 50, 100, 200)

#: A proposal this close to an earlier trial (Euclidean, in the codec's
#: unit cube, all coordinates) counts as a near-repeat in the records.
NEAR = 1e-3


# ------------------------------------------------------------ dev problems
class DevProblem:
    """A synthetic objective over a KerasTuner space, minimised."""

    name = ""
    optimum = 0.0

    def space(self) -> Any:
        """A new copy of the KerasTuner search space."""
        raise NotImplementedError

    def evaluate(self, values: Mapping[str, Any]) -> float:
        """The objective at one point (to be minimised)."""
        raise NotImplementedError


class Box(DevProblem):
    """A function of a vector of Floats on a box."""

    def __init__(
        self,
        name: str,
        bounds: list[tuple[float, float]],
        fn: Callable[[np.ndarray], float],
        optimum: float,
    ) -> None:
        self.name = name
        self.bounds = bounds
        self.fn = fn
        self.optimum = optimum

    def space(self) -> Any:  # noqa: D102
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for j, (low, high) in enumerate(self.bounds):
            hp.Float(f"x{j}", low, high)
        return hp

    def evaluate(self, values: Mapping[str, Any]) -> float:  # noqa: D102
        x = np.array([float(values[f"x{j}"]) for j in range(len(self.bounds))])
        return float(self.fn(x))


_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array(
    [
        [3689, 1170, 2673],
        [4699, 4387, 7470],
        [1091, 8732, 5547],
        [381, 5743, 8828],
    ]
)
_H3_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann3(x: np.ndarray) -> float:
    inner = np.sum(_H3_A * (x - _H3_P) ** 2, axis=1)
    return float(-np.sum(_H3_ALPHA * np.exp(-inner)))


def levy(x: np.ndarray) -> float:
    w = 1.0 + (x - 1.0) / 4.0
    head = math.sin(math.pi * w[0]) ** 2
    mid = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return float(head + mid + tail)


def rosenbrock(x: np.ndarray) -> float:
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def styblinski_tang(x: np.ndarray) -> float:
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


def camel6(x: np.ndarray) -> float:
    a, b = x
    return float(
        (4 - 2.1 * a * a + a**4 / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b
    )


class DevMixed(DevProblem):
    """A conditional mixed space unlike the benchmark's ``mixed*``.

    ``opt = Choice(sgd, adam, rmsprop, adagrad)`` (unordered),
    ``lr = Float(1e-5, 1, log)``, ``momentum = Float(0.5, 0.999)`` only
    for sgd, ``width = Int(16, 512, step=16)``, ``depth = Int(1, 8)``,
    ``reg = Boolean``, ``l2 = Float(1e-7, 1e-2, log)`` only when ``reg``,
    ``dropout = Float(0, 0.6)``::

        f = ((log10 lr - c(opt)) / 0.8)^2 + off(opt)
            + [sgd] 3 (momentum - 0.92)^2
            + zw^2 + zd^2 - 0.5 zw zd
            + [reg] (0.15 (log10 l2 + 4.5)^2 - 0.15)
            + 0.5 ((dropout - 0.25 - 0.03 (depth - 1)) / 0.2)^2

    with ``zw = (log2 width - 7) / 1.2``, ``zd = (depth - 3.6) / 1.8``,
    ``c`` = sgd -1.2 / adam -3.0 / rmsprop -3.4 / adagrad -1.8 and ``off``
    = sgd .25 / adam 0 / rmsprop .12 / adagrad .4 (the best category is
    second of four).
    """

    name = "dev_mixed"
    _c: dict[str, float] = {  # noqa: RUF012
        "sgd": -1.2,
        "adam": -3.0,
        "rmsprop": -3.4,
        "adagrad": -1.8,
    }
    _off: dict[str, float] = {  # noqa: RUF012
        "sgd": 0.25,
        "adam": 0.0,
        "rmsprop": 0.12,
        "adagrad": 0.4,
    }

    def __init__(self) -> None:
        best = math.inf
        for opt, width, depth in itertools.product(
            self._c, range(16, 513, 16), range(1, 9)
        ):
            point: dict[str, Any] = {
                "opt": opt,
                "lr": 10.0 ** self._c[opt],
                "momentum": 0.92,
                "width": width,
                "depth": depth,
                "reg": True,
                "l2": 10.0**-4.5,
                "dropout": 0.25 + 0.03 * (depth - 1),
            }
            best = min(best, self.evaluate(point))
        self.optimum = best

    def space(self) -> Any:  # noqa: D102
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Choice("opt", list(self._c))
        hp.Float("lr", 1e-5, 1.0, sampling="log")
        with hp.conditional_scope("opt", ["sgd"]):
            hp.Float("momentum", 0.5, 0.999)
        hp.Int("width", 16, 512, step=16)
        hp.Int("depth", 1, 8)
        hp.Boolean("reg")
        with hp.conditional_scope("reg", [True]):
            hp.Float("l2", 1e-7, 1e-2, sampling="log")
        hp.Float("dropout", 0.0, 0.6)
        return hp

    def evaluate(self, values: Mapping[str, Any]) -> float:  # noqa: D102
        opt = str(values["opt"])
        value = ((math.log10(float(values["lr"])) - self._c[opt]) / 0.8) ** 2
        value += self._off[opt]
        if opt == "sgd":
            value += 3.0 * (float(values["momentum"]) - 0.92) ** 2
        zw = (math.log2(int(values["width"])) - 7.0) / 1.2
        depth = int(values["depth"])
        zd = (depth - 3.6) / 1.8
        value += zw * zw + zd * zd - 0.5 * zw * zd
        if bool(values["reg"]):
            value += 0.15 * (math.log10(float(values["l2"])) + 4.5) ** 2 - 0.15
        target = 0.25 + 0.03 * (depth - 1)
        value += 0.5 * ((float(values["dropout"]) - target) / 0.2) ** 2
        return float(value)


class DevCategorical(DevProblem):
    """Unconditional mixed space with category-dependent optima.

    ``kind = Choice(a, b, c, d, e)`` (unordered), ``flag = Boolean``,
    ``n = Int(1, 20)``, ``lr = Float(1e-4, 1, log)``, ``x = Float(-1, 1)``::

        f = off(kind) + 0.3 [not flag] + ((n - 13) / 5)^2
            + (log10 lr + 2 + 0.5 [flag])^2 + 2 (x - 0.3 + 0.1 i(kind))^2

    with ``off`` = a .5 / b .2 / c .8 / d 0 / e .35 and ``i`` the position
    of ``kind``. The optimum 0 is at d, flag, n = 13, lr = 10^-2.5, x = 0.
    """

    name = "dev_cat"
    optimum = 0.0
    _off: dict[str, float] = {  # noqa: RUF012
        "a": 0.5,
        "b": 0.2,
        "c": 0.8,
        "d": 0.0,
        "e": 0.35,
    }

    def space(self) -> Any:  # noqa: D102
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Choice("kind", list(self._off))
        hp.Boolean("flag")
        hp.Int("n", 1, 20)
        hp.Float("lr", 1e-4, 1.0, sampling="log")
        hp.Float("x", -1.0, 1.0)
        return hp

    def evaluate(self, values: Mapping[str, Any]) -> float:  # noqa: D102
        kind = str(values["kind"])
        flag = bool(values["flag"])
        index = list(self._off).index(kind)
        value = self._off[kind] + (0.0 if flag else 0.3)
        value += ((int(values["n"]) - 13) / 5.0) ** 2
        value += (math.log10(float(values["lr"])) + 2.0 + 0.5 * flag) ** 2
        value += 2.0 * (float(values["x"]) - 0.3 + 0.1 * index) ** 2
        return float(value)


def dev_problems() -> dict[str, DevProblem]:
    problems: list[DevProblem] = [
        Box("hartmann3", [(0.0, 1.0)] * 3, hartmann3, -3.86278214782076),
        Box("levy2", [(-10.0, 10.0)] * 2, levy, 0.0),
        Box("levy4", [(-10.0, 10.0)] * 4, levy, 0.0),
        Box("rosenbrock3", [(-2.048, 2.048)] * 3, rosenbrock, 0.0),
        Box(
            "styblinski4",
            [(-5.0, 5.0)] * 4,
            styblinski_tang,
            -39.16616570377142 * 4,
        ),
        Box("camel6", [(-3.0, 3.0), (-2.0, 2.0)], camel6, -1.031628453489877),
        DevMixed(),
        DevCategorical(),
        _dev_basins(),
    ]
    return {p.name: p for p in problems}


class _Wrapped(DevProblem):
    """A ``ktseed.bench`` problem object as a development problem."""

    def __init__(self, problem: Any) -> None:
        self.problem = problem
        self.name = problem.base_name
        self.optimum = float(problem.exact_minimum()[0])

    def space(self) -> Any:
        return self.problem.space()

    def evaluate(self, values: Mapping[str, Any]) -> float:
        return float(self.problem.evaluate(values))


def _dev_basins() -> DevProblem:
    """``dev_basins`` (``dev_multimodal.py``, beside this script)."""
    from dev_multimodal import DevBasins

    return _Wrapped(DevBasins())


class CheckProblem(DevProblem):
    """Adapter around a committed benchmark problem (``ktseed.bench``)."""

    def __init__(self, name: str) -> None:
        from ktseed.bench.problems import get_problem

        self.problem = get_problem(name)
        self.name = name
        optimum = self.problem.optimum
        assert optimum is not None
        self.optimum = float(optimum)

    def space(self) -> Any:  # noqa: D102
        return self.problem.space()

    def evaluate(self, values: Mapping[str, Any]) -> float:  # noqa: D102
        return float(self.problem.evaluate(values))


def get_problems(which: str) -> dict[str, DevProblem]:
    if which == "dev":
        return dev_problems()
    if which == "check":
        return {n: CheckProblem(n) for n in ("branin", "hartmann6", "mixed")}
    names = which.split(",")
    pool = {**dev_problems()}
    for name in names:
        if name not in pool:
            pool[name] = CheckProblem(name)
    return {n: pool[n] for n in names}


# ----------------------------------------------------------------- runners
def run_handoff(
    problem: DevProblem,
    seed: int,
    options: Mapping[str, Any],
    budget: int = BUDGET,
) -> dict[str, Any]:
    import ktseed
    from ktseed.oracles.gp import GPHandoff
    from ktseed.space import SpaceCodec

    codec = SpaceCodec(problem.space())
    design = ktseed.make_initializer(
        {"name": "sobol", "n_points": DESIGN, "seed": seed}
    ).generate(codec)
    observations = [(v, problem.evaluate(v)) for v in design]
    handoff = GPHandoff(seed=seed, **options)
    times = []
    keys = {codec.point_key(v) for v, _ in observations}
    repeats = 0
    near = 0
    cube = [codec.encode(v) for v, _ in observations]
    while len(observations) < budget:
        start = time.perf_counter()
        values = handoff.propose(codec, observations)
        times.append(time.perf_counter() - start)
        if values is None:
            break
        codec.validate(values)
        key = codec.point_key(values)
        repeats += key in keys
        keys.add(key)
        u = codec.encode(values)
        gap = np.sqrt(((np.vstack(cube) - u) ** 2).sum(axis=1)).min()
        near += bool(gap < NEAR)
        cube.append(u)
        observations.append((values, problem.evaluate(values)))
    ys = [y for _, y in observations]
    return {
        "ys": ys,
        "propose_s_median": statistics.median(times),
        "propose_s_max": max(times),
        "repeats": repeats,
        "near_repeats": near,
    }


def _suggest(trial: Any, space: Any) -> dict[str, Any]:
    from keras_tuner.engine import hyperparameters as hps

    values: dict[str, Any] = {}
    for hp in space.space:
        if not all(c.is_active(values) for c in hp.conditions):
            continue
        if isinstance(hp, hps.Fixed):
            values[hp.name] = hp.value
        elif isinstance(hp, hps.Boolean):
            values[hp.name] = trial.suggest_categorical(hp.name, [False, True])
        elif isinstance(hp, hps.Choice):
            values[hp.name] = trial.suggest_categorical(hp.name, hp.values)
        elif isinstance(hp, hps.Int):
            log = hp.sampling == "log"
            values[hp.name] = trial.suggest_int(
                hp.name,
                hp.min_value,
                hp.max_value,
                step=1 if log else int(hp.step or 1),
                log=log,
            )
        else:
            log = hp.sampling == "log"
            values[hp.name] = trial.suggest_float(
                hp.name, hp.min_value, hp.max_value, step=hp.step, log=log
            )
    return values


def run_optuna_gp(
    problem: DevProblem,
    seed: int,
    options: Mapping[str, Any],
    budget: int = BUDGET,
) -> dict[str, Any]:
    import warnings

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = problem.space()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = optuna.samplers.GPSampler(seed=seed)
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.optimize(
            lambda t: problem.evaluate(_suggest(t, space)), n_trials=budget
        )
    ys = [t.value for t in study.trials]
    return {"ys": ys}


RUNNERS = {"handoff": run_handoff, "optuna_gp": run_optuna_gp}


def _job(
    args: tuple[str, str, str, int, dict[str, Any], str, int],
) -> dict[str, Any]:
    which, name, method, seed, options, tag, budget = args
    problem = get_problems(which if which in ("dev", "check") else name)[name]
    start = time.perf_counter()
    result = RUNNERS[method](problem, seed, options, budget)
    wall = time.perf_counter() - start
    ys = result.pop("ys")
    best = np.minimum.accumulate(np.asarray(ys, dtype=float))
    record = {
        "problem": name,
        "method": method,
        "tag": tag,
        "seed": seed,
        "options": options,
        "wall_s": wall,
        "n": len(ys),
        "budget": budget,
    }
    for k in sorted({*CHECKPOINTS, budget}):
        if len(best) >= k:
            record[f"regret@{k}"] = float(best[k - 1] - problem.optimum)
    record.update(result)
    return record


def _seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-")
            seeds.extend(range(int(low), int(high) + 1))
        else:
            seeds.append(int(part))
    return seeds


def command_run(args: argparse.Namespace) -> None:
    options = json.loads(args.options)
    problems = get_problems(args.set)
    if args.problems:
        problems = {n: p for n, p in problems.items() if n in args.problems}
    which = args.set
    jobs = [
        (
            which,
            name,
            method,
            seed,
            options if method == "handoff" else {},
            args.tag if method == "handoff" else "default",
            args.budget,
        )
        for method in args.methods
        for name in problems
        for seed in _seeds(args.seeds)
    ]
    context = multiprocessing.get_context("spawn")
    with (
        context.Pool(args.workers) as pool,
        open(args.out, "a", encoding="utf-8") as out,
    ):
        for record in pool.imap_unordered(_job, jobs):
            out.write(json.dumps(record) + "\n")
            out.flush()
            print(
                record["problem"],
                record["method"],
                record["tag"],
                record["seed"],
                f"{record.get(f'regret@{args.budget}', float('nan')):.4g}",
                f"{record['wall_s']:.1f}s",
                flush=True,
            )


def command_summary(args: argparse.Namespace) -> None:
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                r = json.loads(line)
                label = (
                    r["method"]
                    if r["method"] != "handoff"
                    else (f"handoff[{r['tag']}]")
                )
                groups[r["problem"]][label].append(r)
    for problem in groups:
        rows_of = groups[problem]
        last = min(
            max(int(r.get("budget", BUDGET)) for r in rows)
            for rows in rows_of.values()
        )
        marks = [k for k in CHECKPOINTS if k < last] + [last]
        print(f"\n### {problem}\n")
        print(
            "| method | seeds | "
            + " | ".join(f"med@{k}" for k in marks)
            + f" | IQR@{last} | mean@{last} | propose s (med) "
            "| repeats | near |"
        )
        print("|---" * (len(marks) + 7) + "|")
        for label, rows in sorted(rows_of.items()):
            if args.min_seeds and len(rows) < args.min_seeds:
                continue
            final = [r[f"regret@{last}"] for r in rows]
            q = np.percentile(final, [25, 75])
            prop = [
                r["propose_s_median"] for r in rows if "propose_s_median" in r
            ]
            meds = " | ".join(
                f"{statistics.median(r[f'regret@{k}'] for r in rows):.3g}"
                for k in marks
            )
            print(
                f"| {label} | {len(rows)} | {meds} "
                f"| {q[0]:.3g}-{q[1]:.3g} "
                f"| {statistics.mean(final):.3g} "
                f"| {statistics.median(prop) if prop else float('nan'):.3f} "
                f"| {sum(r.get('repeats', 0) for r in rows)} "
                f"| {sum(r.get('near_repeats', 0) for r in rows)} |"
            )


# ------------------------------------------------------------------ timing
def command_timing(args: argparse.Namespace) -> None:
    """KerasTuner's GP step vs ``GPHandoff.propose`` at 30 observations."""
    import keras_tuner as kt
    from threadpoolctl import threadpool_limits

    from ktseed.oracles.gp import GPHandoff
    from ktseed.space import SpaceCodec

    for name in ("hartmann6", "mixed"):
        problem = CheckProblem(name)
        space = problem.space()
        codec = SpaceCodec(space)
        with tempfile.TemporaryDirectory() as tmp:
            oracle = kt.oracles.BayesianOptimizationOracle(
                objective=kt.Objective("score", "min"),
                max_trials=200,
                num_initial_points=30,
                seed=1,
                hyperparameters=space.copy(),
            )
            oracle.verbose = 0
            # A BaseTuner gives the oracle its project directory (public API).
            kt.engine.base_tuner.BaseTuner(
                oracle=oracle, directory=tmp, project_name="timing"
            )
            observations = []
            for _ in range(30):
                trial = oracle.create_trial("tuner0")
                values = dict(trial.hyperparameters.values)
                score = problem.evaluate(values)
                oracle.update_trial(trial.trial_id, {"score": score})
                trial.status = "COMPLETED"
                oracle.end_trial(trial)
                observations.append((codec.canonicalize(values), score))
            kt_times = []
            kt_one_thread = []
            for i in range(args.repeats):
                start = time.perf_counter()
                response = oracle.populate_space(f"x{i}")
                kt_times.append(time.perf_counter() - start)
                assert response["status"] == "RUNNING"
                # The same step with BLAS limited to one thread, as
                # GPHandoff runs (for a like-for-like comparison).
                with threadpool_limits(limits=1, user_api="blas"):
                    start = time.perf_counter()
                    oracle.populate_space(f"y{i}")
                    kt_one_thread.append(time.perf_counter() - start)
        ours = []
        for i in range(args.repeats):
            handoff = GPHandoff(seed=i + 1)
            start = time.perf_counter()
            handoff.propose(codec, observations)
            ours.append(time.perf_counter() - start)

        def fmt(times: list[float]) -> str:
            return (
                f"median {statistics.median(times):.3f} s "
                f"(min {min(times):.3f}, max {max(times):.3f})"
            )

        print(
            f"{name} (d={codec.dimension}, 30 completed trials, "
            f"{args.repeats} calls each): KerasTuner populate_space "
            f"{fmt(kt_times)}; same with 1 BLAS thread {fmt(kt_one_thread)}; "
            f"GPHandoff.propose {fmt(ours)}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--set", default="dev")
    run.add_argument("--problems", nargs="*")
    run.add_argument("--methods", nargs="+", default=["handoff"])
    run.add_argument("--seeds", default="1-20")
    run.add_argument("--options", default="{}")
    run.add_argument("--tag", default="default")
    run.add_argument("--budget", type=int, default=BUDGET)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--out", required=True)
    summary = sub.add_parser("summary")
    summary.add_argument("files", nargs="+")
    summary.add_argument("--min-seeds", type=int, default=0)
    timing = sub.add_parser("timing")
    timing.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    {"run": command_run, "summary": command_summary, "timing": command_timing}[
        args.command
    ](args)


if __name__ == "__main__":
    sys.exit(main())
