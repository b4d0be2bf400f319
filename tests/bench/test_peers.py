"""The peers: space mapping per library, prefixes, availability notices."""

from __future__ import annotations

import importlib.util
import warnings

import keras_tuner as kt
import pytest

from ktseed.bench import peers
from ktseed.bench import strategies
from ktseed.bench.peers.space import active_values
from ktseed.bench.peers.space import dimensions
from ktseed.bench.problems import get_problem
from ktseed.bench.strategies import parse_strategy
from ktseed.bench.strategies import unavailable_reason


def has(module):
    return importlib.util.find_spec(module) is not None


# The peer libraries (and torch under Ax) warn about their own internals
# when imported and run; those warnings are not ktseed's.
peer_warnings = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning",
    "ignore::FutureWarning",
    "ignore::UserWarning",
    "ignore::RuntimeWarning",
)


def space():
    hp = kt.HyperParameters()
    hp.Float("lr", 1e-5, 1e-1, sampling="log")
    hp.Float("drop", 0.0, 0.5)
    hp.Float("wd", 0.1, 0.5, step=0.1)
    hp.Int("units", 32, 512, step=32)
    hp.Int("leaves", 4, 128, sampling="log")
    hp.Int("layers", 1, 8)
    hp.Choice("act", ["relu", "tanh"])
    hp.Choice("batch", [16, 32, 64])
    hp.Boolean("bn")
    hp.Fixed("seed", 7)
    with hp.conditional_scope("act", ["tanh"]):
        hp.Float("slope", 0.0, 1.0)
    return hp


def test_dimensions_keep_scale_grid_order_and_conditions():
    dims = {d.name: d for d in dimensions(space())}
    assert dims["lr"].kind == "float" and dims["lr"].log
    assert not dims["drop"].log
    assert dims["wd"].kind == "grid"
    assert dims["wd"].choices == (0.1, 0.2, 0.3, 0.4, 0.5)
    assert dims["units"].kind == "grid" and len(dims["units"].choices) == 16
    assert dims["leaves"].kind == "int" and dims["leaves"].log
    assert dims["layers"].kind == "int" and (
        dims["layers"].low,
        dims["layers"].high,
    ) == (1, 8)
    assert dims["act"].kind == "choice" and not dims["act"].ordered
    assert dims["batch"].ordered and dims["bn"].is_boolean
    assert dims["seed"].kind == "fixed" and dims["seed"].value == 7
    assert dims["slope"].conditions == (("act", ("tanh",)),)


def test_active_values_drop_inactive_and_convert():
    dims = dimensions(space())
    raw = {
        "lr": 0.01,
        "drop": 0.25,
        "wd": 2.0,  # grid index
        "units": 3.0,
        "leaves": 7.6,
        "layers": 3.2,
        "act": "relu",
        "batch": 32,
        "bn": "True",
        "slope": 0.5,
    }
    values = active_values(dims, raw)
    assert values["wd"] == 0.3 and values["units"] == 128
    assert values["leaves"] == 8 and isinstance(values["layers"], int)
    assert values["bn"] is True and values["seed"] == 7
    assert "slope" not in values
    values = active_values(dims, {**raw, "act": "tanh"})
    assert values["slope"] == 0.5
    assert list(values) == [d.name for d in dims]


@pytest.mark.skipif(not has("ConfigSpace"), reason="ConfigSpace not installed")
@peer_warnings
def test_configspace_mapping():
    import ConfigSpace as cs

    from ktseed.bench.peers.smac import configspace

    config_space = configspace(dimensions(space()), seed=1)
    hps = {h.name: h for h in config_space.values()}
    assert "seed" not in hps
    assert (
        isinstance(hps["lr"], cs.UniformFloatHyperparameter) and hps["lr"].log
    )
    assert isinstance(hps["leaves"], cs.UniformIntegerHyperparameter)
    assert hps["leaves"].log
    assert (hps["units"].lower, hps["units"].upper) == (0, 15)
    assert isinstance(hps["act"], cs.CategoricalHyperparameter)
    assert isinstance(hps["batch"], cs.OrdinalHyperparameter)
    (condition,) = config_space.conditions
    assert condition.child.name == "slope" and condition.parent.name == "act"
    for config in config_space.sample_configuration(20):
        values = active_values(dimensions(space()), dict(config))
        assert ("slope" in values) == (values["act"] == "tanh")


@pytest.mark.skipif(not has("skopt"), reason="scikit-optimize not installed")
@peer_warnings
def test_skopt_mapping():
    from skopt import space as sk

    from ktseed.bench.peers.skopt import raw_answer
    from ktseed.bench.peers.skopt import skopt_dimensions

    dims = dimensions(space())
    out = {d.name: d for d in skopt_dimensions(dims)}
    assert out["lr"].prior == "log-uniform" and isinstance(out["lr"], sk.Real)
    assert out["leaves"].prior == "log-uniform"
    assert isinstance(out["batch"], sk.Integer)  # ordered: by index
    assert isinstance(out["act"], sk.Categorical)
    assert "slope" in out  # no conditionals: always in the vector
    point = sk.Space(skopt_dimensions(dims)).rvs(1, random_state=1)[0]
    values = active_values(dims, raw_answer(dims, point))
    assert values["batch"] in (16, 32, 64)


@pytest.mark.skipif(not has("ax"), reason="Ax not installed")
@peer_warnings
def test_ax_mapping():
    from ktseed.bench.peers.ax import parameters

    out = {p.name: p for p in parameters(dimensions(space()))}
    assert out["lr"].scaling == "log" and out["lr"].parameter_type == "float"
    assert out["units"].bounds == (0, 15)
    assert out["act"].dependent_parameters == {"relu": [], "tanh": ["slope"]}
    assert out["batch"].is_ordered and out["bn"].parameter_type == "bool"


def test_peer_strategies_parse_and_report_missing_libraries(monkeypatch):
    names = strategies.peer_strategies()
    assert {
        "smac/bb",
        "smac/hpo",
        "skopt/gp",
        "ax/botorch",
        "optuna/gp",
    } <= set(names)
    for name in names:
        strategy = parse_strategy(name)
        assert strategy.is_peer and strategy.baseline is None
    monkeypatch.setattr(strategies, "_module_available", lambda name: False)
    assert "smac not installed" in unavailable_reason(parse_strategy("smac/bb"))
    assert "skopt not installed" in unavailable_reason(
        parse_strategy("skopt/gp")
    )
    assert "not installed" in unavailable_reason(parse_strategy("ax/botorch"))


PREFIX_PEERS = [
    pytest.param(
        "smac/bb", marks=pytest.mark.skipif(not has("smac"), reason="smac")
    ),
    pytest.param(
        "smac/hpo", marks=pytest.mark.skipif(not has("smac"), reason="smac")
    ),
    pytest.param(
        "skopt/gp", marks=pytest.mark.skipif(not has("skopt"), reason="skopt")
    ),
    pytest.param(
        "ax/botorch", marks=pytest.mark.skipif(not has("ax"), reason="ax")
    ),
    "optuna/tpe",
]


@peer_warnings
@pytest.mark.parametrize("name", PREFIX_PEERS)
def test_a_shorter_budget_is_a_prefix(name):
    # Why the peers task reads budget 30 off its 100-trial runs: no peer's
    # first trials depend on the total budget it was given.
    strategy = parse_strategy(name)
    problem = get_problem("mixed_cond")
    runs = [
        peers.run_peer(
            strategy.family,
            strategy.sampler,
            problem,
            seed=3,
            budget=budget,
            design_size=3,
        )
        for budget in (5, 7)
    ]
    short, long = ([t["values"] for t in run] for run in runs)
    assert len(short) == 5 and len(long) == 7
    assert short == long[:5]
    assert sum(t["design"] for t in runs[1]) == (
        0 if name == "optuna/tpe" else 3
    )


@peer_warnings
@pytest.mark.skipif(not has("ax"), reason="Ax not installed")
def test_ax_hierarchy_is_a_tree():
    # svm_digits: degree needs kernel == poly (a dependent parameter);
    # coef0 needs poly or sigmoid, which Ax's tree cannot hold: flat.
    from ax.api.client import Client

    from ktseed.bench.peers.ax import parameters

    out = {
        p.name: p
        for p in parameters(dimensions(get_problem("svm_digits").space()))
    }
    assert out["kernel"].dependent_parameters == {
        "rbf": [],
        "poly": ["degree"],
        "sigmoid": [],
    }
    assert "coef0" in out
    with warnings.catch_warnings():  # Ax warns that 2 choices are ordered
        warnings.simplefilter("ignore")
        Client(random_seed=1).configure_experiment(
            parameters=list(out.values())
        )
