from __future__ import annotations

import importlib.util

import pytest

from ktseed.bench.multifidelity import contenders as mfc
from ktseed.bench.multifidelity import peers
from ktseed.bench.multifidelity.accounting import hyperband_total_epochs
from ktseed.bench.multifidelity.problems import get_mf_problem
from ktseed.bench.multifidelity.runs import run_contender


def _has(module):
    return importlib.util.find_spec(module) is not None


needs_configspace = pytest.mark.skipif(
    not _has("ConfigSpace"),
    reason="ConfigSpace not installed (pip install 'ktseed[peers-mf]')",
)


@needs_configspace
def test_conditional_mixed_space_maps_to_configspace():
    import ConfigSpace as CS

    space = get_mf_problem("mf_mixed_cond").space()
    cs = peers.to_configspace(space, seed=3)
    units = cs["units"]
    assert isinstance(units, CS.OrdinalHyperparameter)
    assert list(units.sequence) == list(range(16, 257, 16))
    assert isinstance(cs["lr"], CS.UniformFloatHyperparameter) and cs["lr"].log
    assert (cs["lr"].lower, cs["lr"].upper) == (1e-4, 1e-1)
    assert set(cs["optimizer"].choices) == {"sgd", "adam", "rmsprop"}
    assert set(cs["bn"].choices) == {False, True}
    (condition,) = cs.conditions
    assert condition.child.name == "momentum"
    assert condition.parent.name == "optimizer"
    assert list(condition.values) == ["sgd"]
    for config in cs.sample_configuration(300):
        values = peers.from_configuration(config, space)
        assert ("momentum" in values) == (values["optimizer"] == "sgd")
        assert type(values["units"]) is int and values["units"] % 16 == 0
        assert type(values["bn"]) is bool and type(values["lr"]) is float
        assert 1e-4 <= values["lr"] <= 1e-1
        # KerasTuner accepts every value as is (grid values exactly).
        for hp in space.space:
            if hp.name in values:
                value = values[hp.name]
                snapped = hp.prob_to_value(hp.value_to_prob(value))
                if isinstance(value, float):
                    assert snapped == pytest.approx(value, rel=1e-9)
                else:
                    assert snapped == value
                assert type(snapped) is type(value)


@needs_configspace
def test_numeric_choice_is_ordinal_and_text_choice_categorical():
    import ConfigSpace as CS

    space = get_mf_problem("mf_digits_mlp").space()
    cs = peers.to_configspace(space, seed=1)
    assert isinstance(cs["batch_size"], CS.OrdinalHyperparameter)
    assert list(cs["batch_size"].sequence) == [32, 64, 128, 256]
    assert isinstance(cs["activation"], CS.CategoricalHyperparameter)
    assert cs["alpha"].log and cs["units"].sequence[-1] == 128
    values = peers.from_configuration(cs.sample_configuration(), space)
    assert type(values["batch_size"]) is int


@needs_configspace
def test_unmappable_hyperparameters_raise():
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Float("x", 1e-3, 1.0, sampling="reverse_log")
    with pytest.raises(peers.SpaceMappingError, match="reverse_log"):
        peers.to_configspace(hp, seed=1)


@needs_configspace
def test_integer_ranges_keep_their_scale():
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Int("plain", 1, 8)
    hp.Int("logged", 2, 64, sampling="log")
    hp.Float("stepped", 0.0, 1.0, step=0.25)
    hp.Fixed("fixed", 3)
    hp.Boolean("flag")
    with hp.conditional_scope("flag", [True]):
        hp.Int("inner", 1, 3)
    cs = peers.to_configspace(hp, seed=1)
    assert (cs["plain"].lower, cs["plain"].upper, cs["plain"].log) == (
        1,
        8,
        False,
    )
    assert cs["logged"].log
    assert list(cs["stepped"].sequence) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert cs["fixed"].value == 3
    for config in cs.sample_configuration(50):
        values = peers.from_configuration(config, hp)
        assert ("inner" in values) == values["flag"]


def _budget_checks(evaluations, total, *, per_epoch=False):
    used = [e["used"] for e in evaluations]
    assert used == sorted(used)
    assert used[-1] >= total  # spent the budget...
    assert all(u < total for u in used[:-1])  # ...and asked no further
    assert sum(e["charged"] for e in evaluations) == used[-1]
    if per_epoch:
        assert used[-1] == total
        assert all(e["charged"] == 1 for e in evaluations)


@pytest.mark.parametrize(
    "name", ["dehb", "smac/hyperband", "optuna/tpe-hyperband"]
)
def test_each_peer_spends_the_same_budget(name, tmp_path):
    contender = mfc.parse_contender(name)
    reason = mfc.unavailable_reason(contender)
    if reason is not None:
        pytest.skip(reason)
    problem = get_mf_problem("mf_mixed_cond", max_epochs=9)
    evaluations, _ = run_contender(
        contender,
        problem,
        seed=1,
        factor=3,
        iterations=1,
        design_size=4,
        workdir=tmp_path,
    )
    total = hyperband_total_epochs(9, 3, 1)
    _budget_checks(evaluations, total, per_epoch=name.startswith("optuna"))
    assert {e["epochs"] for e in evaluations} <= set(range(1, 10))
    if not name.startswith("optuna"):
        # Hyperband-style peers ask for Hyperband's budgets.
        assert {e["epochs"] for e in evaluations} <= {1, 3, 9}
    again, _ = run_contender(
        contender,
        problem,
        seed=1,
        factor=3,
        iterations=1,
        design_size=4,
        workdir=tmp_path / "2",
    )
    assert [e["values"] for e in again] == [e["values"] for e in evaluations]


def test_optuna_reports_every_epoch_of_a_trial(tmp_path):
    pytest.importorskip("optuna")
    problem = get_mf_problem("mf_branin", max_epochs=9)
    evaluations, _ = run_contender(
        mfc.parse_contender("optuna/tpe-hyperband"),
        problem,
        seed=1,
        factor=3,
        iterations=1,
        design_size=4,
        workdir=tmp_path,
    )
    # Each trial is a run of consecutive epochs 1, 2, ..., k of one configuration.
    runs = []
    for e in evaluations:
        if e["epochs"] == 1:
            runs.append([e])
        else:
            assert e["key"] == runs[-1][-1]["key"]
            assert e["epochs"] == runs[-1][-1]["epochs"] + 1
            runs[-1].append(e)
    assert len(runs) > 1 and any(len(r) < 9 for r in runs)  # some were pruned
    assert any(len(r) == 9 for r in runs)


def test_peer_availability_notices(monkeypatch):
    monkeypatch.setattr(mfc, "_importable", lambda module: False)
    reason = mfc.unavailable_reason(mfc.parse_contender("dehb"))
    assert (
        reason
        == "dehb skipped: dehb not installed (pip install 'ktseed[peers-mf]' (dehb==0.1.2))"
    )
    assert "smac not installed" in mfc.unavailable_reason(
        mfc.parse_contender("smac/hyperband")
    )
    assert (
        mfc.unavailable_reason(mfc.parse_contender("hyperband/stock")) is None
    )


def test_model_based_hyperband_needs_the_handoff_argument(monkeypatch):
    class NoHandoff:
        def __init__(self, objective=None, initializer="sobol"):
            pass

    class WithHandoff:
        def __init__(
            self, objective=None, initializer="sobol", handoff="stock"
        ):
            pass

    gp = mfc.parse_contender("hyperband-gp/sobol")
    assert gp.handoff == "gp" and gp.initializer == "sobol"
    monkeypatch.setattr(mfc, "seeded_hyperband_class", lambda: NoHandoff)
    assert "has no `handoff` argument" in mfc.unavailable_reason(gp)
    assert (
        mfc.unavailable_reason(mfc.parse_contender("hyperband/sobol")) is None
    )
    monkeypatch.setattr(mfc, "seeded_hyperband_class", lambda: WithHandoff)
    assert mfc.unavailable_reason(gp) is None
    monkeypatch.setattr(mfc, "seeded_hyperband_class", lambda: None)
    assert "not available" in mfc.unavailable_reason(gp)


def test_contender_names():
    assert mfc.all_contenders()[0] == mfc.STOCK
    assert mfc.parse_contender("hyperband/stock").family == "keras_tuner"
    assert mfc.parse_contender("hyperband/lhs-cd").initializer == "lhs-cd"
    assert mfc.parse_contender("dehb").is_peer
    assert not mfc.is_contender("random/stock")
    with pytest.raises(
        mfc.UnknownContenderError, match="hyperband-gp/<design>"
    ):
        mfc.parse_contender("hyperband-gp/stock")
