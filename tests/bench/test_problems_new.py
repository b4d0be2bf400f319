"""The problems added for the peers task: optima, irrelevant dims, CV."""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from ktseed import SpaceCodec
from ktseed.bench.problems import PEER_PROBLEMS
from ktseed.bench.problems import get_problem

ROOT = Path(__file__).resolve().parents[2]


def random_points(problem, n, seed=1):
    codec = SpaceCodec(problem.space())
    return codec.decode(
        np.random.default_rng(seed).random((n, codec.dimension))
    )


@pytest.mark.parametrize("name", ["mixed10", "rosen20", "basins"])
def test_no_random_point_beats_the_optimum(name):
    problem = get_problem(name)
    value, point = problem.exact_minimum()
    assert problem.evaluate(point) == pytest.approx(value, abs=1e-12)
    assert problem.optimum == value
    codec = SpaceCodec(problem.space())
    assert codec.is_valid(codec.canonicalize(point))
    values = [problem.evaluate(p) for p in random_points(problem, 5000)]
    assert min(values) > value
    assert problem.regret(min(values)) > 0


def test_dimensions():
    assert get_problem("mixed10").dimension() == 10
    assert get_problem("rosen20").dimension() == 20
    kinds = {type(h).__name__ for h in get_problem("mixed10").space().space}
    assert kinds == {"Float", "Int", "Choice"}
    space = get_problem("rosen20").space()
    assert (
        sum(h.sampling == "log" for h in space.space if hasattr(h, "sampling"))
        >= 6
    )


@pytest.mark.parametrize(
    ("name", "irrelevant"),
    [("mixed10", ("aux_x", "aux_k")), ("rosen20", ("aux0", "aux1"))],
)
def test_irrelevant_dimensions_do_not_matter(name, irrelevant):
    problem = get_problem(name)
    others = random_points(problem, 50, seed=2)
    for point, other in zip(random_points(problem, 50), others, strict=True):
        moved = {**point, **{k: other[k] for k in irrelevant}}
        assert problem.evaluate(moved) == problem.evaluate(point)


def test_mixed10_closed_form_matches_numeric_minimisation():
    # For a sample of discrete assignments, L-BFGS-B over (log10 lr,
    # log10 wd, dropout) never beats the closed form; the enumeration of
    # every assignment then makes the optimum exact.
    problem = get_problem("mixed10")
    optimum = problem.optimum
    rng = np.random.default_rng(0)
    units = range(16, 513, 16)
    combos = list(
        itertools.product(
            units, range(1, 7), problem._act_off, problem._opt, problem._batches
        )
    )
    best_point = problem.exact_minimum()[1]
    sample = [combos[i] for i in rng.choice(len(combos), 60, replace=False)]
    sample.append(
        tuple(
            best_point[k]
            for k in ("units", "layers", "act", "optimizer", "batch")
        )
    )
    for u, layers, act, opt, batch in sample:
        fixed = {
            "units": u,
            "layers": layers,
            "act": act,
            "optimizer": opt,
            "batch": batch,
            "aux_x": 0.0,
            "aux_k": 0,
        }

        def f(x, fixed=fixed):
            return problem.evaluate(
                {**fixed, "lr": 10 ** x[0], "wd": 10 ** x[1], "dropout": x[2]}
            )

        res = minimize(
            f,
            [-3, -4, 0.3],
            method="L-BFGS-B",
            bounds=[(-5, -1), (-7, -2), (0, 0.6)],
        )
        assert res.fun >= optimum - 1e-9
    assert optimum == pytest.approx(
        min(
            minimize(
                lambda x: problem.evaluate(
                    {
                        **best_point,
                        "lr": 10 ** x[0],
                        "wd": 10 ** x[1],
                        "dropout": x[2],
                    }
                ),
                [-3, -4, 0.3],
                method="L-BFGS-B",
                bounds=[(-5, -1), (-7, -2), (0, 0.6)],
            ).fun,
            optimum,
        ),
        abs=1e-9,
    )


def test_rosen20_terms_are_non_negative_and_vanish_at_the_optimum():
    problem = get_problem("rosen20")
    value, point = problem.exact_minimum()
    assert value == 0.0 and problem.evaluate(point) == 0.0
    rng = np.random.default_rng(3)
    for _ in range(200):
        moved = dict(point)
        name = rng.choice(
            [*(f"p{j}" for j in range(6)), *(f"q{j}" for j in range(6))]
        )
        moved[name] = point[name] * (1 + rng.uniform(-0.05, 0.05))
        assert problem.evaluate(moved) >= 0.0


def load_dev_basins():
    path = ROOT / "benchmarks" / "dev" / "dev_multimodal.py"
    spec = importlib.util.spec_from_file_location("dev_multimodal", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DevBasins()


def basins_problems():
    return [get_problem("basins"), load_dev_basins()]


@pytest.mark.parametrize(
    "problem", basins_problems(), ids=["basins", "dev_basins"]
)
def test_each_basin_minimum_is_exact(problem):
    ints = [c for c in problem.coordinates if c.kind == "int"]
    floats = [c for c in problem.coordinates if c.kind != "int"]
    minima = []
    for basin in problem.basins:
        value, _ = problem.basin_minimum(basin)
        minima.append(value)
        numeric = math.inf
        for combo in itertools.product(
            *[range(int(c.low), int(c.high) + 1) for c in ints], problem.choices
        ):
            fixed = {c.name: v for c, v in zip(ints, combo, strict=False)}
            fixed[problem.choice] = combo[-1]

            def f(x, fixed=fixed, basin=basin):
                values = dict(fixed)
                for c, z in zip(floats, x, strict=True):
                    values[c.name] = 10**z if c.kind == "log" else z
                return problem.basin_value(basin, values)

            bounds = [
                (math.log10(c.low), math.log10(c.high))
                if c.kind == "log"
                else (c.low, c.high)
                for c in floats
            ]
            start = [np.mean(b) for b in bounds]
            numeric = min(
                numeric,
                minimize(f, start, method="L-BFGS-B", bounds=bounds).fun,
            )
        assert numeric == pytest.approx(value, abs=1e-7)
    # Several basins of different depth; the optimum is the deepest.
    assert len(set(np.round(minima, 6))) == len(problem.basins) >= 4
    assert problem.exact_minimum()[0] == pytest.approx(min(minima))
    assert problem.exact_minimum()[0] < sorted(minima)[1] - 0.2


def test_suite_and_dev_multimodal_problems_differ():
    suite, dev = basins_problems()
    assert suite.base_name != dev.base_name
    assert [c.name for c in suite.coordinates] != [
        c.name for c in dev.coordinates
    ]
    assert "dev_basins" not in PEER_PROBLEMS


@pytest.mark.parametrize("name", ["gbm_cancer", "svm_digits"])
def test_cv_problem_scores_and_holdout(name):
    problem = get_problem(name)
    assert problem.optimum is None and problem.direction == "max"
    x, _, x_test, _ = problem.data()
    assert len(x) + len(x_test) in (569, 1797)
    point = random_points(problem, 1, seed=5)[0]
    score = problem.evaluate(point)
    assert problem.evaluate(point) == score  # seeded estimators
    held = problem.holdout_score(point)
    if name == "svm_digits":
        assert 0 <= score <= 1 and 0 <= held <= 1
    else:
        assert score <= 0 and held <= 0


def test_svm_conditional_values_reach_the_estimator():
    problem = get_problem("svm_digits")
    base = {"scaler": "standard", "C": 10.0, "gamma": 0.01, "shrinking": True}
    poly = problem.make_estimator(
        {**base, "kernel": "poly", "degree": 4, "coef0": 1.5}
    )
    assert poly[-1].degree == 4 and poly[-1].coef0 == 1.5
    rbf = problem.make_estimator({**base, "kernel": "rbf"})
    assert rbf[-1].kernel == "rbf"


@pytest.mark.parametrize("name", ["svm_digits"])
def test_sklearn_tuner_and_evaluate_agree(tmp_path, name):
    # The KerasTuner contenders get the objective from SklearnTuner, the
    # peers from Problem.evaluate: the same number for the same values.
    import keras_tuner as kt

    from ktseed.bench.execute import CVTuner
    from ktseed.oracles import SeededRandomSearchOracle

    problem = get_problem(name)
    points = random_points(problem, 2, seed=7)
    oracle = SeededRandomSearchOracle(
        objective=kt.Objective("score", "max"),
        max_trials=2,
        seed=1,
        hyperparameters=problem.space(),
        initializer={"name": "fixed", "points": points},
    )
    tuner = CVTuner(
        problem, oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    x, y, _, _ = problem.data()
    tuner.search(x, y)
    assert len(tuner.log) == 2
    for _, values, score, _ in tuner.log:
        assert score == pytest.approx(problem.evaluate(values), abs=1e-12)
