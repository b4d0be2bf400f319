from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from keras_tuner.engine import hyperparameters as hps
from scipy.optimize import minimize
from scipy.optimize import minimize_scalar

from ktseed import SpaceCodec
from ktseed.bench.problems import BRANIN_MINIMIZERS
from ktseed.bench.problems import BRANIN_OPTIMUM
from ktseed.bench.problems import PROBLEMS
from ktseed.bench.problems import UnknownProblemError
from ktseed.bench.problems import branin
from ktseed.bench.problems import get_problem
from ktseed.bench.problems import hartmann6

SYNTHETIC = ["branin", "hartmann6", "log_rosenbrock", "mixed", "mixed_cond"]


def test_branin_known_optimum_and_grid():
    assert pytest.approx(0.397887357729739, abs=1e-12) == BRANIN_OPTIMUM
    for x1, x2 in BRANIN_MINIMIZERS:
        assert branin(x1, x2) == pytest.approx(BRANIN_OPTIMUM, abs=1e-12)
    x1, x2 = np.meshgrid(np.linspace(-5, 10, 301), np.linspace(0, 15, 301))
    grid = np.vectorize(branin)(x1, x2)
    assert grid.min() >= BRANIN_OPTIMUM - 1e-12
    assert grid.min() < BRANIN_OPTIMUM + 1e-2


def test_hartmann6_optimum_is_a_minimum():
    problem = get_problem("hartmann6")
    value, point = problem.exact_minimum()
    assert value == pytest.approx(-3.32237, abs=1e-5)
    assert problem.evaluate(point) == pytest.approx(value, abs=1e-12)
    x0 = [point[f"x{j}"] for j in range(6)]
    polished = minimize(hartmann6, x0, method="L-BFGS-B", bounds=[(0, 1)] * 6)
    assert polished.fun >= value - 1e-12
    rng = np.random.default_rng(0)
    assert min(hartmann6(x) for x in rng.random((20000, 6))) > value


def _brute_force_minimum(problem) -> float:
    """Enumerates every discrete value; minimises each continuous one."""
    space = problem.space()
    discrete, continuous = [], []
    for hp in space.space:
        if isinstance(hp, hps.Float):
            continuous.append(hp)
        elif isinstance(hp, hps.Boolean):
            discrete.append((hp, [False, True]))
        elif isinstance(hp, hps.Choice):
            discrete.append((hp, list(hp.values)))
        elif isinstance(hp, hps.Int):
            step = hp.step or 1
            discrete.append(
                (hp, list(range(hp.min_value, hp.max_value + 1, step)))
            )
    best = math.inf
    for combo in itertools.product(*[v for _, v in discrete]):
        values = {
            hp.name: v for (hp, _), v in zip(discrete, combo, strict=True)
        }
        active = [
            hp
            for hp in continuous
            if all(c.is_active(values) for c in hp.conditions)
        ]
        # Coordinate descent on the separable continuous part.
        for hp in active:
            values[hp.name] = hp.min_value
        for _ in range(3):
            for hp in active:
                log = hp.sampling == "log"
                lo, hi = hp.min_value, hp.max_value
                bounds = (math.log10(lo), math.log10(hi)) if log else (lo, hi)

                def f(t, name=hp.name, log=log, values=values):
                    trial = dict(values)
                    trial[name] = 10.0**t if log else t
                    return problem.evaluate(trial)

                res = minimize_scalar(
                    f, bounds=bounds, method="bounded", options={"xatol": 1e-10}
                )
                values[hp.name] = 10.0**res.x if log else res.x
        best = min(best, problem.evaluate(values))
    return best


@pytest.mark.parametrize(
    "name", ["mixed", "mixed_cond", "mixed+shift", "mixed_cond+shift"]
)
def test_mixed_optima_match_brute_force(name):
    problem = get_problem(name)
    value, point = problem.exact_minimum()
    assert problem.evaluate(point) == pytest.approx(value, abs=1e-12)
    assert _brute_force_minimum(problem) == pytest.approx(value, abs=1e-7)
    codec = SpaceCodec(problem.space())
    assert codec.is_valid(codec.canonicalize(point))


def test_pilot_and_documented_optima():
    assert get_problem("mixed").optimum == pytest.approx(0.0364063, abs=1e-7)
    mixed_point = get_problem("mixed").exact_minimum()[1]
    assert mixed_point["a"] == 38 and mixed_point["layers"] == 3
    assert mixed_point["act"] == "elu" and mixed_point["bn"] is True
    assert get_problem("mixed_cond").optimum == pytest.approx(
        0.00390625, abs=1e-12
    )
    assert get_problem("log_rosenbrock").optimum == 0.0
    assert get_problem("branin").optimum == pytest.approx(BRANIN_OPTIMUM)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_no_random_point_beats_the_optimum(name):
    for variant in (name, name + "+shift"):
        problem = get_problem(variant)
        codec = SpaceCodec(problem.space())
        points = codec.decode(
            np.random.default_rng(1).random((3000, codec.dimension))
        )
        values = [problem.evaluate(p) for p in points]
        assert min(values) >= problem.optimum - 1e-12
        assert problem.regret(min(values)) >= -1e-12


@pytest.mark.parametrize("name", SYNTHETIC)
def test_shift_moves_the_optimum(name):
    base, shifted = get_problem(name), get_problem(name + "+shift")
    assert shifted.name == name + "+shift"
    point = base.exact_minimum()[1]
    assert shifted.evaluate(point) > shifted.optimum + 1e-3


def test_spaces_cover_the_required_kinds():
    log = get_problem("log_rosenbrock").space()
    assert all(hp.sampling == "log" for hp in log.space)
    mixed = get_problem("mixed_cond").space()
    kinds = {type(hp).__name__ for hp in mixed.space}
    assert kinds == {"Int", "Float", "Choice", "Boolean"}
    units = next(h for h in mixed.space if h.name == "units")
    assert units.step == 16
    momentum = next(h for h in mixed.space if h.name == "momentum")
    assert momentum.conditions
    assert get_problem("branin").dimension() == 2
    assert get_problem("hartmann6").dimension() == 6


def test_unknown_problem_lists_the_known_ones():
    with pytest.raises(UnknownProblemError, match="Available: branin"):
        get_problem("rosenbrok")
    with pytest.raises(LookupError):
        get_problem("branin+other")
    with pytest.raises(UnknownProblemError):
        get_problem("digits_mlp+shift")
    assert set(PROBLEMS) == {*SYNTHETIC, "digits_mlp"}


def test_digits_data_and_one_training_step():
    problem = get_problem("digits_mlp", epochs=1)
    x_tr, _, x_va, y_va = problem.data()
    assert x_tr.shape[1] == 64 and len(x_tr) + len(x_va) == 1797
    assert set(np.unique(y_va)) == set(range(10))
    assert problem.optimum is None and problem.regret(0.9) is None
    values = {"units": 32, "lr": 1e-2, "dropout": 0.1, "activation": "relu"}
    accuracy = problem.evaluate(values, seed=3)
    assert 0.5 < accuracy <= 1.0
    assert problem.evaluate(values, seed=3) == pytest.approx(accuracy, abs=1e-6)
