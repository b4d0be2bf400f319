"""The seeded Bayesian oracle with handoff="gp" (ktseed's GP phase)."""

from __future__ import annotations

import json
import math

import keras_tuner as kt
import pytest

from ktseed import HandoffConfigError
from ktseed import Initializer
from ktseed import make_initializer
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles.gp import GPHandoff
from tests.helpers import FormulaTuner


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", -5.0, 10.0)
    hp.Float("y", 0.0, 15.0)
    hp.Choice("c", ["a", "b", "c"])
    return hp


def branin(values: dict) -> float:
    x, y = values["x"], values["y"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    value = (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10
    return value + {"a": 0.0, "b": 0.5, "c": 1.0}[values["c"]]


DESIGN = {"name": "sobol", "n_points": 8, "seed": 2}


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = GPHandoff.propose

    def propose(self, codec, observations, **kwargs):
        calls.append({"observations": list(observations), **kwargs})
        return real(self, codec, observations, **kwargs)

    monkeypatch.setattr(GPHandoff, "propose", propose)
    return calls


def run(tmp_path, objective=None, formula=branin, max_trials=14, **kwargs):
    oracle = SeededBayesianOptimizationOracle(
        objective=objective or kt.Objective("score", "min"),
        max_trials=max_trials,
        seed=3,
        hyperparameters=space(),
        initializer=kwargs.pop("initializer", DESIGN),
        handoff=kwargs.pop("handoff", "gp"),
        **kwargs,
    )
    tuner = FormulaTuner(
        oracle=oracle,
        directory=str(tmp_path),
        project_name="p",
        formula=formula,
    )
    tuner.search(verbose=0)
    return oracle, tuner


def test_design_then_gp_proposals_without_repeats(tmp_path, spy):
    _, tuner = run(tmp_path)
    design = make_initializer(DESIGN).generate(space())
    assert tuner.calls[:8] == design
    assert len(spy) == 6  # one proposal per post-design trial
    assert [len(c["observations"]) for c in spy] == list(range(8, 14))
    keys = [json.dumps(v, sort_keys=True) for v in tuner.calls]
    assert len(keys) == len(set(keys))
    # The GP phase improves on the design on this smooth function.
    assert min(branin(v) for v in tuner.calls[8:]) < min(
        branin(v) for v in design
    )


def test_maximised_objectives_are_negated_for_the_model(tmp_path, spy):
    run(
        tmp_path,
        objective=kt.Objective("score", "max"),
        formula=lambda v: -branin(v),
        max_trials=9,
    )
    (call,) = spy
    observed = sorted(y for _, y in call["observations"])
    design = make_initializer(DESIGN).generate(space())
    assert observed == pytest.approx(sorted(branin(v) for v in design))


def test_prior_observations_reach_the_first_proposal(tmp_path, spy):
    class Observed(Initializer):
        name = "observed"

        def _generate(self, request):
            return []

        def _default_n_points(self, request):
            return 0

        def observations(self, space, objective):
            points = make_initializer(
                {"name": "halton", "n_points": 12, "seed": 1}
            ).generate(space)
            return [(p, branin(p)) for p in points]

    oracle, _ = run(tmp_path, initializer=Observed(), max_trials=2)
    assert len(spy) == 2
    assert len(spy[0]["observations"]) == 12  # the very first trial uses them
    assert len(oracle.trials) == 2
    assert all(t.trial_id in ("0", "1") for t in oracle.get_best_trials(20))


def test_handoff_state_and_resume(tmp_path, spy):
    with pytest.warns(
        DeprecationWarning, match="handoff_options` is deprecated"
    ):
        run(tmp_path, max_trials=10, handoff_options={"n_candidates": 256})
    state = json.loads((tmp_path / "p" / "oracle.json").read_text())["ktseed"]
    assert state["handoff"] == {"name": "gp", "options": {"n_candidates": 256}}
    with pytest.warns(
        DeprecationWarning, match="handoff_options` is deprecated"
    ):
        resumed = SeededBayesianOptimizationOracle(
            objective=kt.Objective("score", "min"),
            max_trials=12,
            hyperparameters=space(),
            initializer=DESIGN,
            handoff="gp",
            handoff_options={"n_candidates": 256},
        )
    tuner = FormulaTuner(
        oracle=resumed,
        directory=str(tmp_path),
        project_name="p",
        formula=branin,
    )
    tuner.search(verbose=0)
    assert len(resumed.trials) == 12
    assert len(tuner.calls) == 2  # only the two new trials ran
    assert resumed.seed == 3  # restored, and the proposer uses it
    assert resumed._ktseed_make_proposer().seed == 3


def test_handoff_given_as_an_object_is_the_same_search(tmp_path, spy):
    """`handoff=GPHandoff(...)` runs what `"gp"` + options ran (issue 11)."""
    with pytest.warns(DeprecationWarning, match="handoff_options"):
        old, _ = run(
            tmp_path / "a", max_trials=10, handoff_options={"n_candidates": 256}
        )
    new, _ = run(
        tmp_path / "b", max_trials=10, handoff=GPHandoff(n_candidates=256)
    )
    assert [t.hyperparameters.values for t in old.trials.values()] == [
        t.hyperparameters.values for t in new.trials.values()
    ]
    state = json.loads((tmp_path / "b" / "p" / "oracle.json").read_text())
    assert state["ktseed"]["handoff"] == {
        "name": "gp",
        "options": {"n_candidates": 256},
    }
    assert new.handoff == "gp" and new._ktseed_make_proposer().seed == 3
    with pytest.raises(
        HandoffConfigError, match=r"unknown option.*n_candidate"
    ):
        GPHandoff(n_candidate=3)


def test_bad_handoff_options_fail_at_construction():
    with (
        pytest.raises(HandoffConfigError, match="unknown option"),
        pytest.warns(DeprecationWarning, match="handoff_options"),
    ):
        SeededBayesianOptimizationOracle(
            objective=kt.Objective("score", "min"),
            handoff="gp",
            handoff_options={"kernal": "product"},
        )
