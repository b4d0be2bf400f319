from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from ktseed.bench.multifidelity import problems as mfp
from ktseed.bench.multifidelity.problems import get_mf_problem

SYNTHETIC = ("mf_branin", "mf_hartmann6", "mf_mixed_cond")


def _random_points(problem, n, seed=0):
    rng = np.random.default_rng(seed)
    space = problem.space()
    points = []
    for _ in range(n):
        point = {}
        for hp in space.space:
            if all(c.is_active(point) for c in hp.conditions):
                point[hp.name] = hp.prob_to_value(min(rng.uniform(), 1 - 1e-12))
        points.append(point)
    return points


def test_fidelity_is_log_scaled_and_exact_at_max():
    assert mfp.fidelity(1, 27) == 0.0
    assert mfp.fidelity(3, 27) == pytest.approx(1 / 3)
    assert mfp.fidelity(9, 27) == pytest.approx(2 / 3)
    assert mfp.fidelity(27, 27) == 1.0
    assert mfp.fidelity(40, 27) == 1.0
    with pytest.raises(ValueError, match="at least 1"):
        mfp.fidelity(0, 27)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_exact_at_max_epochs_biased_and_noisy_below(name):
    problem = get_mf_problem(name)
    for point in _random_points(problem, 25):
        exact = problem.exact(point)
        for seed in (1, 10001, 777):
            assert problem.evaluate(point, 27, seed=seed).value == exact
            assert problem.evaluate(point, 40, seed=seed).value == exact
        low = [problem.evaluate(point, 1, seed=s).value for s in (1, 2, 3)]
        assert len(set(low)) == 3  # noisy, and the noise depends on the seed
        assert all(v != exact for v in low)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_noise_shrinks_with_the_budget_and_is_reproducible(name):
    problem = get_mf_problem(name)
    point = _random_points(problem, 1, seed=3)[0]
    spreads = []
    for epochs in (1, 3, 9):
        values = [
            problem.evaluate(point, epochs, seed=s).value for s in range(1, 201)
        ]
        spreads.append(float(np.std(values)))
    assert spreads[0] > spreads[1] > spreads[2] > 0.0
    final = {problem.evaluate(point, 27, seed=s).value for s in range(1, 201)}
    assert final == {problem.exact(point)}
    again = [problem.evaluate(point, 3, seed=5).value for _ in range(3)]
    assert len(set(again)) == 1
    # The same configuration given with numpy scalars draws the same noise.
    numpy_point = {
        k: np.asarray(v)[()] if not isinstance(v, str) else v
        for k, v in point.items()
    }
    assert problem.evaluate(numpy_point, 3, seed=5).value == again[0]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_low_budgets_mislead_more_than_high_ones(name):
    correlations = mfp.rank_correlations(get_mf_problem(name), n=600)
    assert correlations[1] < correlations[3] < correlations[9] < 1.0
    assert correlations[1] < 0.95
    assert correlations[9] > 0.85


def test_learning_curve_term_makes_early_values_worse_on_average():
    problem = get_mf_problem("mf_hartmann6")
    for point in _random_points(problem, 10, seed=8):
        early = np.mean(
            [problem.evaluate(point, 1, seed=s).value for s in range(1, 101)]
        )
        assert early > problem.exact(point)


def test_branin_optimum():
    problem = get_mf_problem("mf_branin")
    for x1, x2 in mfp.BRANIN_MINIMIZERS:
        assert problem.exact({"x1": x1, "x2": x2}) == pytest.approx(
            mfp.BRANIN_OPTIMUM, abs=1e-9
        )
    grid = itertools.product(np.linspace(-5, 10, 301), np.linspace(0, 15, 301))
    assert (
        min(problem.exact({"x1": a, "x2": b}) for a, b in grid)
        >= mfp.BRANIN_OPTIMUM - 1e-9
    )
    assert problem.regret({"x1": math.pi, "x2": 2.275}) == pytest.approx(
        0.0, abs=1e-9
    )


def test_hartmann6_optimum():
    from scipy.optimize import minimize

    problem = get_mf_problem("mf_hartmann6")
    point = {f"x{j}": v for j, v in enumerate(mfp.HARTMANN6_MINIMIZER)}
    assert problem.exact(point) == pytest.approx(
        mfp.HARTMANN6_OPTIMUM, abs=1e-12
    )
    result = minimize(
        lambda x: mfp.mf_hartmann6(x, 1.0),
        mfp.HARTMANN6_MINIMIZER,
        bounds=[(0, 1)] * 6,
        method="L-BFGS-B",
    )
    assert result.fun >= mfp.HARTMANN6_OPTIMUM - 1e-9
    rng = np.random.default_rng(1)
    samples = rng.uniform(size=(20000, 6))
    assert (
        min(mfp.mf_hartmann6(x, 1.0) for x in samples) > mfp.HARTMANN6_OPTIMUM
    )


def test_mixed_cond_optimum_by_brute_force():
    problem = get_mf_problem("mf_mixed_cond")
    optimum = problem.optimum
    assert optimum == pytest.approx((4 / 64) ** 2)
    assert problem.exact(problem.minimizer()) == pytest.approx(optimum)
    best = math.inf
    for units, opt, bn, lr in itertools.product(
        range(16, 257, 16),
        ("sgd", "adam", "rmsprop"),
        (True, False),
        np.logspace(-4, -1, 61),
    ):
        point = {"units": units, "lr": lr, "optimizer": opt, "bn": bn}
        if opt == "sgd":
            for momentum in np.linspace(0, 0.99, 100):
                best = min(best, problem.exact({**point, "momentum": momentum}))
        else:
            best = min(best, problem.exact(point))
    assert best >= optimum - 1e-12
    assert best == pytest.approx(optimum, abs=1e-3)


def test_digits_mlp_resumes_to_the_same_result_as_from_scratch():
    problem = get_mf_problem("mf_digits_mlp", max_epochs=9)
    point = {
        "units": 32,
        "lr": 3e-3,
        "alpha": 1e-4,
        "batch_size": 128,
        "activation": "relu",
    }
    store = {}
    first = problem.evaluate(point, 2, seed=7, checkpoints=store)
    resumed = problem.evaluate(point, 5, seed=7, checkpoints=store)
    assert store[mfp.config_key(point)][0] == 5
    scratch = problem.evaluate(point, 5, seed=7)
    assert resumed == scratch
    assert 0.0 <= scratch.value <= 1.0 and 0.0 <= scratch.test <= 1.0
    assert scratch.value < first.value  # it learns
    # A budget below the checkpoint trains from scratch and keeps it.
    assert problem.evaluate(point, 2, seed=7, checkpoints=store) == first
    assert store[mfp.config_key(point)][0] == 5
    assert problem.evaluate(point, 20, seed=7) == problem.evaluate(
        point, 9, seed=7
    )
    other_seed = problem.evaluate(point, 5, seed=8)
    assert other_seed != scratch
    assert problem.regret(point) is None and problem.optimum is None


def test_registry():
    assert set(mfp.MF_PROBLEMS) == {*SYNTHETIC, "mf_digits_mlp"}
    with pytest.raises(mfp.UnknownMFProblemError, match="mf_branin"):
        get_mf_problem("branin")
    with pytest.raises(ValueError, match="max_epochs"):
        get_mf_problem("mf_branin", max_epochs=1)
    assert get_mf_problem("mf_hartmann6").space().space[0].name == "x0"


def test_standard_normal_is_standard():
    draws = np.array([mfp.standard_normal("t", i) for i in range(20000)])
    assert abs(draws.mean()) < 0.03 and abs(draws.std() - 1) < 0.03
    assert mfp.standard_normal(1, "a", 3) == mfp.standard_normal(1, "a", 3)


# ------------------------------------------- development problems (dev/)
def _load_dev_multifidelity():
    import importlib.util
    from pathlib import Path

    path = (
        Path(__file__).resolve().parents[2]
        / "benchmarks"
        / "dev"
        / "dev_multifidelity.py"
    )
    spec = importlib.util.spec_from_file_location("dev_multifidelity", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEV = _load_dev_multifidelity()


@pytest.mark.parametrize(
    ("name", "minimiser"),
    [
        (
            "dev_mf_schedule",
            {
                "width": 288,
                "wd": 10**-3.2,
                "schedule": "cosine",
                "warmup": 0.12,
                "act": "gelu",
            },
        ),
        ("dev_mf_styblinski", {f"x{j}": DEV.ST_MINIMISER for j in range(4)}),
    ],
)
def test_dev_problems_attain_their_optimum_and_nothing_beats_it(
    name, minimiser
):
    problem = DEV.DEV_MF_PROBLEMS[name](max_epochs=27)
    assert problem.regret(minimiser) == pytest.approx(0.0, abs=1e-12)
    assert problem.evaluate(minimiser, 27, seed=1).value == pytest.approx(
        problem.optimum
    )
    regrets = [problem.regret(p) for p in _random_points(problem, 3000)]
    assert min(regrets) >= -1e-12
    # Low budgets are biased and noisy: not the final value.
    assert problem.evaluate(minimiser, 1, seed=1).value != pytest.approx(
        problem.optimum
    )


def test_dev_problems_are_not_suite_problems():
    assert not set(DEV.DEV_MF_PROBLEMS) & set(mfp.MF_PROBLEMS)
    names = {
        hp.name
        for cls in DEV.DEV_MF_PROBLEMS.values()
        for hp in cls().space().space
    }
    suite = {
        hp.name
        for name in SYNTHETIC
        for hp in get_mf_problem(name).space().space
    }
    assert names - suite  # other spaces, not renamed copies


def test_dev_schedule_low_budget_favours_the_wrong_schedule():
    problem = DEV.DevMFSchedule(max_epochs=27)
    best = {
        "width": 288,
        "wd": 10**-3.2,
        "schedule": "cosine",
        "warmup": 0.12,
        "act": "gelu",
    }
    trap = {**best, "schedule": "constant", "wd": 10**-4.5}
    trap.pop("warmup")
    assert problem.regret(trap) > 0.1
    # Noise-free part at one epoch: the trap looks better.
    early_best = problem.biased(best, 0.0) + problem.early(best)
    early_trap = problem.biased(trap, 0.0) + problem.early(trap)
    assert early_trap < early_best
