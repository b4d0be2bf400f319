from __future__ import annotations

import keras_tuner as kt
import optuna
import pytest

from ktseed.bench import strategies
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import UnknownStrategyError
from ktseed.bench.strategies import all_search_strategies
from ktseed.bench.strategies import build_oracle
from ktseed.bench.strategies import parse_strategy
from ktseed.bench.strategies import suggest_values
from ktseed.bench.strategies import unavailable_reason


def test_parse_every_search_strategy():
    names = all_search_strategies()
    assert len(names) == 3 * 6 + 1 + 3
    for name in names:
        assert parse_strategy(name).name == name
    stock = parse_strategy("bayesian/stock")
    assert stock.family == "keras_tuner" and stock.baseline is None
    cd = parse_strategy("hyperband/lhs-cd")
    assert cd.family == "ktseed" and cd.baseline == "hyperband/stock"
    assert cd.initializer_spec(design_size=8) == {
        "name": "lhs",
        "optimization": "random-cd",
        "n_points": 8,
    }
    gp = parse_strategy("bayesian-gp/sobol")
    assert gp.handoff == "gp" and gp.oracle == "bayesian"
    assert gp.baseline == "bayesian/stock"
    tpe = parse_strategy("optuna/tpe")
    assert tpe.family == "optuna" and tpe.baseline is None
    assert tpe.initializer_spec(design_size=8) is None


def test_warm_start_specs():
    prior = {"directory": "/d", "project_name": "p"}
    replay = parse_strategy("random/prior-replay")
    assert replay.initializer_spec(design_size=8, prior=prior) == {
        "name": "prior_run",
        "directory": "/d",
        "project_name": "p",
        "mode": "replay",
        "top_k": 8,
    }
    observe = parse_strategy("bayesian/prior-observe")
    spec = observe.initializer_spec(design_size=8, prior=prior)
    assert spec["mode"] == "observe" and "top_k" not in spec
    with pytest.raises(ValueError, match="needs a prior run"):
        observe.initializer_spec(design_size=8)


@pytest.mark.parametrize(
    "name",
    [
        "bayes/stock",
        "random/lhc",
        "optuna/cmaes",
        "random/prior-observe",
        "bayesian-gp/stock",
        "random",
    ],
)
def test_bad_names_are_rejected(name):
    with pytest.raises(UnknownStrategyError):
        parse_strategy(name)


def test_build_stock_and_seeded_oracles():
    problem = get_problem("mixed_cond")
    stock = build_oracle(
        parse_strategy("bayesian/stock"),
        problem,
        seed=3,
        budget=20,
        design_size=8,
    )
    assert type(stock) is kt.oracles.BayesianOptimizationOracle
    assert stock.seed == 3 and stock.max_trials == 20
    assert (
        stock.objective.name == "score" and stock.objective.direction == "min"
    )
    band = build_oracle(
        parse_strategy("hyperband/sobol"),
        problem,
        seed=2,
        budget=25,
        design_size=8,
    )
    assert isinstance(band, kt.oracles.HyperbandOracle)
    assert type(band).__name__ == "SeededHyperbandOracle"
    assert band.max_trials == 25 and band.max_epochs == 9
    seeded = build_oracle(
        parse_strategy("random/lhs"), problem, seed=2, budget=25, design_size=8
    )
    assert type(seeded).__name__ == "SeededRandomSearchOracle"
    with pytest.raises(ValueError, match="no KerasTuner oracle"):
        build_oracle(
            parse_strategy("optuna/tpe"),
            problem,
            seed=1,
            budget=5,
            design_size=2,
        )


def test_suggest_values_follows_conditions_and_scales():
    space = get_problem("mixed_cond").space()
    sgd = optuna.trial.FixedTrial(
        {
            "units": 96,
            "lr": 0.03,
            "optimizer": "sgd",
            "momentum": 0.9,
            "bn": True,
        }
    )
    assert suggest_values(sgd, space)["momentum"] == 0.9
    adam = optuna.trial.FixedTrial(
        {"units": 96, "lr": 0.03, "optimizer": "adam", "bn": False}
    )
    assert "momentum" not in suggest_values(adam, space)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask()
    values = suggest_values(trial, get_problem("log_rosenbrock").space())
    distributions = trial.distributions
    assert distributions["lr"].log and distributions["wd"].log
    assert 1e-5 <= values["lr"] <= 1e-1


def test_suggest_values_rejects_what_optuna_cannot_express():
    hp = kt.HyperParameters()
    hp.Float("x", 1.0, 100.0, sampling="reverse_log")
    trial = optuna.trial.FixedTrial({"x": 2.0})
    with pytest.raises(ValueError, match="reverse_log"):
        suggest_values(trial, hp)


def test_missing_peers_are_reported(monkeypatch):
    real = strategies._module_available
    monkeypatch.setattr(
        strategies,
        "_module_available",
        lambda name: name != "torch" and real(name),
    )
    assert (
        unavailable_reason(parse_strategy("optuna/gp"))
        == "optuna GPSampler skipped: torch not installed"
    )
    assert unavailable_reason(parse_strategy("optuna/tpe")) is None
    monkeypatch.setattr(strategies, "_module_available", lambda name: False)
    assert "optuna not installed" in unavailable_reason(
        parse_strategy("optuna/qmc")
    )


def test_missing_seeded_oracle_is_reported(monkeypatch):
    monkeypatch.setattr(strategies, "seeded_oracle_class", lambda oracle: None)
    reason = unavailable_reason(parse_strategy("bayesian/sobol"))
    assert "SeededBayesianOptimizationOracle is not available" in reason
    assert unavailable_reason(parse_strategy("bayesian/stock")) is None


def test_missing_handoff_argument_is_reported(monkeypatch):
    class Plain:
        def __init__(self, initializer=None):
            pass

    monkeypatch.setattr(strategies, "seeded_oracle_class", lambda oracle: Plain)
    reason = unavailable_reason(parse_strategy("bayesian-gp/sobol"))
    assert "no `handoff` argument" in reason


def test_samplers_are_seeded():
    for name, cls in (
        ("optuna/tpe", optuna.samplers.TPESampler),
        ("optuna/qmc", optuna.samplers.QMCSampler),
    ):
        sampler = strategies.make_sampler(parse_strategy(name), 4)
        assert isinstance(sampler, cls)
    with pytest.raises(ValueError, match="not an Optuna strategy"):
        strategies.make_sampler(parse_strategy("random/stock"), 1)
