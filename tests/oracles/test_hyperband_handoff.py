"""The seeded Hyperband oracle with handoff="gp" (issue 16, items 1-2)."""

from __future__ import annotations

import json
import math
import shutil
import statistics
from pathlib import Path

import keras_tuner as kt
import pytest
from keras_tuner.engine.trial import Trial
from keras_tuner.oracles import HyperbandOracle

import ktseed
from ktseed import HandoffConfigError
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed.errors import KerasTunerCompatibilityError
from ktseed.initializers import PriorRunInitializer
from ktseed.oracles import GPHandoff
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles.hyperband import DEFAULT_RANDOM_FRACTION
from ktseed.oracles.hyperband import model_budget
from ktseed.oracles.hyperband import random_share
from ktseed.testing.projects import write_project

SCORE = kt.Objective("score", "min")
DESIGN = {"name": "sobol", "n_points": 4, "seed": 1}
GOLDEN = Path(__file__).parent / "data" / "hyperband_stock_b3a0a5c.json"


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", -5.0, 10.0)
    hp.Float("y", 0.0, 15.0)
    return hp


def branin(values: dict) -> float:
    x, y = values["x"], values["y"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def learning_curve(values: dict) -> float:
    """Branin seen through a learning curve: biased at few epochs."""
    epochs = values["tuner/epochs"]
    return branin(values) * (1 + 1.0 / epochs) + 3.0 / epochs


class Formula(kt.Tuner):
    """Scores a trial by a formula of its values, ``tuner/epochs`` included."""

    def __init__(self, *args, formula=learning_curve, **kwargs):
        super().__init__(*args, **kwargs)
        self.formula = formula

    def run_trial(self, trial, *args, **kwargs):
        return self.formula(trial.hyperparameters.values)


def make(**kwargs) -> SeededHyperbandOracle:
    options = {
        "objective": SCORE,
        "max_epochs": 9,
        "factor": 3,
        "seed": 3,
        "hyperparameters": space(),
        "initializer": DESIGN,
        "handoff": "gp",
        **kwargs,
    }
    return SeededHyperbandOracle(**options)


def run(directory, formula=learning_curve, **kwargs) -> SeededHyperbandOracle:
    oracle = make(**kwargs)
    Formula(
        oracle=oracle,
        directory=str(directory),
        project_name="p",
        formula=formula,
    ).search(verbose=0)
    return oracle


def hp_values(trial) -> dict:
    return {
        k: v
        for k, v in trial.hyperparameters.values.items()
        if not k.startswith("tuner/")
    }


def add_trial(oracle, trial_id, values, epochs, score, status="COMPLETED"):
    """Puts a finished Hyperband trial into ``oracle.trials``."""
    hp = oracle.hyperparameters.copy()
    hp.values = {**values, "tuner/epochs": epochs, "tuner/round": 0}
    trial = Trial(hp, trial_id=trial_id, status=status)
    trial.score = score if status == "COMPLETED" else None
    oracle.trials[trial_id] = trial
    return trial


def point(i: int) -> dict:
    return {"x": -5.0 + 0.5 * i, "y": 0.25 * i}


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = GPHandoff.propose

    def propose(self, codec, observations, **kwargs):
        calls.append({"observations": list(observations), **kwargs})
        return real(self, codec, observations, **kwargs)

    monkeypatch.setattr(GPHandoff, "propose", propose)
    return calls


# ------------------------------------------------------------ the rule
def test_model_budget_is_the_highest_with_enough_observations():
    assert model_budget({1: 9, 3: 4, 9: 2}, 3) == 3
    assert model_budget({1: 9, 3: 4, 9: 3}, 3) == 9
    assert model_budget({1: 9, 3: 4, 9: 3}, 5) == 1  # falls back lower
    assert model_budget({1: 2, 3: 1}, 3) is None  # then to random
    assert model_budget({}, 1) is None


def test_the_model_is_fitted_at_the_highest_budget_with_d_plus_1(spy):
    oracle = make(random_fraction=0.0)
    scores = {}
    for i in range(5):
        add_trial(oracle, f"{i:04d}", point(i), 1, float(i))
    for i in range(5, 8):  # 3 results at 3 epochs: d + 1 for d = 2
        add_trial(oracle, f"{i:04d}", point(i), 3, float(i))
        scores[f"{i:04d}"] = float(i)
    add_trial(oracle, "0008", point(8), 3, None, status="FAILED")
    add_trial(oracle, "0009", point(9), 9, 1.0)
    add_trial(oracle, "0010", point(10), 9, 2.0)

    values = oracle._ktseed_model_values("0011")
    (call,) = spy
    assert call["observations"] == [(point(i), float(i)) for i in range(5, 8)]
    assert values is not None and oracle.handoff_trials == {"0011": 3}

    add_trial(oracle, "0012", point(12), 9, 0.5)  # now 3 at 9 epochs
    oracle._ktseed_model_values("0013")
    assert [v for v, _ in spy[1]["observations"]] == [
        point(9),
        point(10),
        point(12),
    ]
    assert oracle.handoff_trials["0013"] == 9


def test_no_budget_with_enough_results_falls_back_to_random(spy):
    oracle = make(random_fraction=0.0, min_points_in_model=6)
    for i in range(5):
        add_trial(oracle, f"{i:04d}", point(i), 1, float(i))
    assert oracle._ktseed_model_values("0005") is None
    assert spy == [] and oracle.handoff_trials == {}
    add_trial(oracle, "0005", point(5), 1, 5.0)
    assert oracle._ktseed_model_values("0006") is not None
    assert len(spy[0]["observations"]) == 6


def test_a_promoted_configuration_counts_at_each_budget_it_ran(spy):
    oracle = make(random_fraction=0.0, min_points_in_model=2)
    add_trial(oracle, "0000", point(0), 1, 5.0)
    add_trial(oracle, "0001", point(1), 1, 4.0)
    promoted = add_trial(oracle, "0002", point(1), 3, 3.0)
    promoted.hyperparameters.values["tuner/trial_id"] = "0001"
    add_trial(oracle, "0003", point(3), 3, 2.5)
    oracle._ktseed_model_values("0004")
    assert spy[0]["observations"] == [(point(1), 3.0), (point(3), 2.5)]


def test_the_model_waits_for_d_plus_1_results(tmp_path, spy):
    oracle = run(
        tmp_path,
        initializer={"name": "sobol", "n_points": 1, "seed": 1},
        random_fraction=0.0,
    )
    # Trial 0000 runs the design; 0001 and 0002 find 1 and 2 results at
    # 1 epoch (d + 1 = 3 needed), so they are KerasTuner's random draws.
    assert oracle.design_trial_ids == ["0000"]
    assert min(oracle.handoff_trials) == "0003"
    assert oracle.handoff_trials["0003"] == 1
    assert len(spy[0]["observations"]) == 3
    assert len(spy) == len(oracle.handoff_trials)


# ------------------------------------------------------ random share
def test_random_share_is_a_fixed_uniform_number_per_seed_and_trial():
    shares = [random_share(7, f"{i:04d}") for i in range(4000)]
    assert all(0.0 <= s < 1.0 for s in shares)
    assert shares == [random_share(7, f"{i:04d}") for i in range(4000)]
    assert shares != [random_share(8, f"{i:04d}") for i in range(4000)]
    assert abs(statistics.mean(shares) - 0.5) < 0.02
    below = sum(s < 0.3 for s in shares) / len(shares)
    assert abs(below - 0.3) < 0.03


@pytest.mark.parametrize("fraction", [0.0, 0.25, DEFAULT_RANDOM_FRACTION, 1.0])
def test_the_random_fraction_over_many_candidates(monkeypatch, fraction):
    oracle = make(random_fraction=fraction)
    for i in range(4):
        add_trial(oracle, f"{i:04d}", point(i), 1, float(i))
    asked = []

    def propose(self, codec, observations, **kwargs):
        asked.append(True)
        return {"x": 1.0, "y": 2.0}

    monkeypatch.setattr(GPHandoff, "propose", propose)
    ids = [f"{i:04d}" for i in range(100, 700)]
    drawn = [oracle._ktseed_model_values(t) is None for t in ids]
    assert drawn == [random_share(3, t) < fraction for t in ids]
    share = sum(drawn) / len(ids)
    assert abs(share - fraction) < 0.05
    assert len(asked) == len(ids) - sum(drawn)  # no model for random ones


# ----------------------------------------------------------- repeats
def test_a_small_space_runs_every_configuration_once_then_stops(tmp_path):
    hp = kt.HyperParameters()
    hp.Int("a", 0, 3)
    hp.Choice("b", ["x", "y", "z"])

    def formula(values):
        return (values["a"] - 2) ** 2 + {"x": 1, "y": 0, "z": 2}[values["b"]]

    oracle = run(
        tmp_path,
        formula=formula,
        hyperparameters=hp,
        hyperband_iterations=3,
        random_fraction=0.0,
    )
    round0 = [
        json.dumps(hp_values(t), sort_keys=True)
        for t in oracle.trials.values()
        if t.hyperparameters.values["tuner/round"] == 0
    ]
    assert len(round0) == len(set(round0)) == 12
    assert oracle.handoff_trials  # the model took part
    assert all(t.status == "COMPLETED" for t in oracle.trials.values())


def test_proposals_never_repeat_a_configuration_that_ran(tmp_path, spy):
    oracle = run(tmp_path, hyperband_iterations=2, random_fraction=0.0)
    keys = [
        json.dumps(hp_values(t), sort_keys=True)
        for t in oracle.trials.values()
        if t.hyperparameters.values["tuner/round"] == 0
    ]
    assert len(keys) == len(set(keys))
    assert len(oracle.handoff_trials) >= 10
    tried = spy[-1]["is_tried"]
    assert all(tried(hp_values(t)) for t in oracle.trials.values())


# ----------------------------------------------------------- pending
def test_running_trials_and_earlier_proposals_are_pending(spy):
    oracle = make(random_fraction=0.0)
    for i in range(3):
        add_trial(oracle, f"{i:04d}", point(i), 3, float(i))
    # The hand-off proposed trial 0003 from the 3-epoch model; it ran at
    # 1 epoch (a 1-epoch bracket), so at 3 epochs it has no result yet.
    add_trial(oracle, "0003", point(3), 1, 0.1)
    oracle._ktseed_handoff_trials["0003"] = 3
    # Another worker runs trial 0004; trial 0005 was proposed at 3 epochs
    # and has its result there, so it is an observation, not pending.
    running = add_trial(oracle, "0004", point(4), 1, None, status="RUNNING")
    oracle.ongoing_trials["tuner1"] = running
    add_trial(oracle, "0005", point(5), 3, 7.0)
    oracle._ktseed_handoff_trials["0005"] = 3

    values = oracle._ktseed_model_values("0006")
    (call,) = spy
    assert call["pending"] == [point(4), point(3)]
    assert len(call["observations"]) == 4
    assert values not in (point(3), point(4))


def test_consecutive_proposals_from_one_model_spread_out(spy):
    oracle = make(random_fraction=0.0)
    for i in range(4):
        add_trial(oracle, f"{i:04d}", point(3 * i), 9, branin(point(3 * i)))
    proposals = []
    for i in range(4, 10):
        trial_id = f"{i:04d}"
        values = oracle._ktseed_model_values(trial_id)
        add_trial(oracle, trial_id, values, 1, 0.0)  # ran at 1 epoch only
        proposals.append(values)
    assert [len(c["pending"]) for c in spy] == list(range(6))
    nearest = min(
        math.dist((a["x"], a["y"]), (b["x"], b["y"]))
        for i, a in enumerate(proposals)
        for b in proposals[i + 1 :]
    )
    assert nearest > 0.1  # not a cluster at one optimum of the acquisition


# --------------------------------------------------------- direction
@pytest.mark.parametrize("direction", ["min", "max"])
def test_model_candidates_beat_random_ones(tmp_path, spy, direction):
    sign = 1.0 if direction == "min" else -1.0
    oracle = run(
        tmp_path,
        formula=lambda v: sign * learning_curve(v),
        objective=kt.Objective("score", direction),
        max_epochs=27,
        random_fraction=0.5,
    )
    if direction == "max":
        scores = [y for _, y in spy[0]["observations"]]
        assert all(y > 0 for y in scores)  # -score, to be minimised
    model, random = [], []
    for trial_id, trial in oracle.trials.items():
        values = trial.hyperparameters.values
        if values["tuner/round"] != 0 or oracle.is_design_trial(trial_id):
            continue
        (model if trial_id in oracle.handoff_trials else random).append(
            branin(values)
        )
    assert len(model) >= 10 and len(random) >= 10
    assert statistics.median(model) < 0.5 * statistics.median(random)


# -------------------------------------------------------------- prior
def prior_project(directory) -> Path:
    """An earlier Hyperband project (1, 3 and 9 epochs) of this space."""
    return write_project(
        directory,
        "prior",
        oracle=HyperbandOracle(
            objective=SCORE,
            max_epochs=9,
            factor=3,
            hyperparameters=space(),
            seed=5,
        ),
        hypermodel=None,
        formula=learning_curve,
    )


def test_prior_observations_feed_the_model_at_their_budget(tmp_path, spy):
    prior_project(tmp_path)
    init = PriorRunInitializer(
        tmp_path, "prior", mode="observe", allow_mixed_budgets=True
    )
    with pytest.warns(KtseedWarning, match="identical to a trial trained"):
        expected = init.budgeted_observations(space(), SCORE)
    with pytest.warns(KtseedWarning, match="identical to a trial trained"):
        plain = init.observations(space(), SCORE)
    assert [(v, s) for v, s, _ in expected] == plain
    budgets = {e for _, _, e in expected}
    assert budgets == {1, 3, 9}
    top = max(b for b in budgets if sum(e == b for *_, e in expected) >= 3)

    oracle = make(initializer=init, random_fraction=0.0)
    tuner = Formula(oracle=oracle, directory=str(tmp_path), project_name="p")
    with pytest.warns(KtseedWarning, match="identical to a trial trained"):
        tuner.search(verbose=0)
    # The very first trial is a proposal, fitted on the prior results.
    assert oracle.handoff_trials["0000"] == top
    assert spy[0]["observations"] == [
        (v, s) for v, s, e in expected if e == top
    ]
    state = json.loads((tmp_path / "p" / "oracle.json").read_text())
    assert state["ktseed"]["hyperband"]["observation_epochs"] == [
        e for *_, e in expected
    ]
    # Resumed after the prior project is gone: the budgets come back from
    # oracle.json, and the model still sees the prior results.
    shutil.rmtree(tmp_path / "prior")
    resumed = make(initializer=init, random_fraction=0.0)
    Formula(oracle=resumed, directory=str(tmp_path), project_name="p")
    resumed._ktseed_model_values("9999")
    first = spy[0]["observations"]  # trials first, then the prior results
    assert spy[-1]["observations"][-len(first) :] == first


def test_prior_observations_without_a_budget_are_not_used(tmp_path, spy):
    write_project(
        tmp_path,
        "prior",
        oracle=kt.oracles.RandomSearchOracle(
            objective=SCORE, max_trials=6, hyperparameters=space(), seed=2
        ),
        hypermodel=None,
        formula=branin,
    )
    oracle = make(
        initializer=PriorRunInitializer(tmp_path, "prior", mode="observe"),
        random_fraction=0.0,
        max_epochs=3,
    )
    with pytest.warns(
        KtseedWarning, match=r"6 of 6 prior observation\(s\) record no epoch"
    ):
        Formula(
            oracle=oracle, directory=str(tmp_path), project_name="p"
        ).search(verbose=0)
    assert len(oracle.schedule.observations) == 6
    assert "0000" not in oracle.handoff_trials and spy
    ran = [hp_values(t) for t in oracle.trials.values()]
    assert all(v in ran for c in spy for v, _ in c["observations"])


def test_the_stock_handoff_still_refuses_prior_observations(tmp_path):
    prior_project(tmp_path)
    oracle = make(
        handoff="stock",
        initializer=PriorRunInitializer(
            tmp_path, "prior", mode="observe", allow_mixed_budgets=True
        ),
    )
    tuner = Formula(oracle=oracle, directory=str(tmp_path), project_name="p")
    with (
        pytest.raises(InitializerConfigError, match="cannot use"),
        pytest.warns(KtseedWarning),
    ):
        tuner.search(verbose=0)


# -------------------------------------------------------------- state
class Interrupted(kt.Tuner):
    """Stops the process (as Ctrl-C does) in its ``stop_at``-th trial."""

    def __init__(self, *args, stop_at=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop_at, self.count = stop_at, 0

    def run_trial(self, trial, *args, **kwargs):
        self.count += 1
        if self.count == self.stop_at:
            raise KeyboardInterrupt
        return learning_curve(trial.hyperparameters.values)


def trial_list(oracle) -> list:
    return [
        (
            t,
            oracle.trials[t].hyperparameters.values,
            oracle.trials[t].status,
            oracle.trials[t].score,
        )
        for t in sorted(oracle.trials)
    ]


def test_an_interrupted_search_resumes_to_the_uninterrupted_one(tmp_path):
    reference = run(tmp_path / "reference", hyperband_iterations=2)
    assert len(reference.handoff_trials) >= 8
    stops = sorted(reference.handoff_trials)
    for stop_at in (int(stops[0]) + 1, int(stops[len(stops) // 2]) + 2):
        directory = str(tmp_path / f"cut-{stop_at}")
        tuner = Interrupted(
            oracle=make(hyperband_iterations=2),
            directory=directory,
            project_name="p",
            stop_at=stop_at,
        )
        with pytest.raises(KeyboardInterrupt):
            tuner.search(verbose=0)
        resumed = run(directory, hyperband_iterations=2)
        assert trial_list(resumed) == trial_list(reference)
        assert resumed.handoff_trials == reference.handoff_trials


def test_state_round_trip_keeps_the_handoff_record(tmp_path):
    oracle = run(tmp_path, random_fraction=0.2, min_points_in_model=4)
    state = json.loads((tmp_path / "p" / "oracle.json").read_text())
    assert state["ktseed"]["handoff"] == {"name": "gp", "options": {}}
    assert state["ktseed"]["hyperband"] == {
        "random_fraction": 0.2,
        "min_points_in_model": 4,
        "observation_epochs": [],
        "handoff_trials": oracle.handoff_trials,
    }
    fresh = make(random_fraction=0.2, min_points_in_model=4, seed=None)
    Formula(oracle=fresh, directory=str(tmp_path), project_name="p")
    assert fresh.handoff_trials == oracle.handoff_trials
    assert fresh._ktseed_make_proposer().seed == 3


# ------------------------------------------------------------- stock
def stock_search(directory, **kwargs):
    """The search of tests/oracles/data/hyperband_stock_b3a0a5c.json.

    That file is this search's result at commit b3a0a5c, before the
    hand-off existed.
    """
    hp = kt.HyperParameters()
    hp.Float("x", -5.0, 10.0)
    hp.Int("n", 1, 64, sampling="log")
    hp.Choice("c", ["a", "b", "c"])

    def formula(v):
        return (
            (v["x"] - 1.0) ** 2 / 10
            + 0.01 * v["n"]
            + {"a": 0, "b": 0.3, "c": 0.6}[v["c"]]
            + 1.0 / v["tuner/epochs"]
        )

    oracle = SeededHyperbandOracle(
        objective=SCORE,
        max_epochs=9,
        factor=3,
        hyperband_iterations=2,
        seed=7,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 5},
        **kwargs,
    )
    Formula(
        oracle=oracle,
        directory=str(directory),
        project_name="p",
        formula=formula,
    ).search(verbose=0)
    state = json.loads((Path(directory) / "p" / "oracle.json").read_text())
    trials = [
        {
            "id": t,
            "values": oracle.trials[t].hyperparameters.values,
            "status": oracle.trials[t].status,
            "score": oracle.trials[t].score,
        }
        for t in sorted(oracle.trials)
    ]
    return {"trials": trials, "state": state}


def comparable(result):
    state = json.loads(json.dumps(result["state"]))
    state["tried_so_far"] = sorted(state["tried_so_far"])  # a set
    return {"trials": result["trials"], "state": state}


@pytest.mark.parametrize("kwargs", [{}, {"handoff": "stock"}])
def test_the_stock_handoff_is_todays_search_bit_for_bit(tmp_path, kwargs):
    golden = comparable(json.loads(GOLDEN.read_text()))
    with pytest.warns(KtseedWarning, match="n_points=5 is not a power of two"):
        now = comparable(stock_search(tmp_path, **kwargs))
    assert now["state"]["ktseed"].pop("handoff") == {
        "name": "stock",
        "options": {},
    }
    assert "hyperband" not in now["state"]["ktseed"]
    assert now == golden


def test_brackets_and_tuner_keys_stay_kerastuners(tmp_path):
    stock = run(tmp_path / "stock", handoff="stock", hyperband_iterations=2)
    gp = run(tmp_path / "gp", hyperband_iterations=2)
    assert gp.handoff_trials

    def schedule(oracle):
        keys = ("tuner/epochs", "tuner/initial_epoch", "tuner/bracket")
        return [
            (
                *(oracle.trials[t].hyperparameters.values[k] for k in keys),
                oracle.trials[t].hyperparameters.values["tuner/round"],
            )
            for t in sorted(oracle.trials)
        ]

    assert schedule(gp) == schedule(stock)
    for trial_id in gp.handoff_trials:
        values = gp.trials[trial_id].hyperparameters.values
        assert values["tuner/round"] == 0 and "tuner/trial_id" not in values


# ---------------------------------------------------------- arguments
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"handoff": "bohb"},
            InitializerConfigError,
            r"`handoff` must be one of \['stock', 'gp'\] \(got 'bohb'\)",
        ),
        (
            {"random_fraction": 1.5},
            HandoffConfigError,
            r"SeededHyperbandOracle: `random_fraction` must be a number from 0 to 1 \(got 1.5\)",
        ),
        (
            {"random_fraction": -0.1},
            HandoffConfigError,
            r"`random_fraction` must be a number from 0 to 1 \(got -0.1\)",
        ),
        (
            {"random_fraction": "third"},
            HandoffConfigError,
            r"`random_fraction` must be a number",
        ),
        (
            {"random_fraction": True},
            HandoffConfigError,
            r"`random_fraction` must be a number",
        ),
        (
            {"min_points_in_model": 0},
            HandoffConfigError,
            r"`min_points_in_model` must be a positive integer or None for d \+ 1 \(got 0\)",
        ),
        (
            {"min_points_in_model": 2.5},
            HandoffConfigError,
            r"`min_points_in_model` must be a positive integer",
        ),
        (
            {"handoff": "stock", "random_fraction": 0.5},
            HandoffConfigError,
            r"`random_fraction` only apply to the GP hand-off; pass handoff='gp'",
        ),
        (
            {"handoff": "stock", "min_points_in_model": 3},
            HandoffConfigError,
            r"`min_points_in_model` only apply to the GP hand-off",
        ),
    ],
)
def test_bad_arguments_fail_at_construction_naming_them(kwargs, error, match):
    with pytest.raises(error, match=match):
        make(**kwargs)


def test_the_tuner_takes_the_handoff_arguments(tmp_path):
    tuner = ktseed.SeededHyperband(
        objective=SCORE,
        max_epochs=9,
        hyperparameters=space(),
        handoff=GPHandoff(n_candidates=256),
        random_fraction=0.5,
        min_points_in_model=4,
        directory=str(tmp_path),
        project_name="p",
    )
    oracle = tuner.oracle
    assert isinstance(oracle, SeededHyperbandOracle)
    assert oracle.handoff == "gp"
    assert oracle.handoff_options == {"n_candidates": 256}
    assert (oracle.random_fraction, oracle.min_points_in_model) == (0.5, 4)
    stock = ktseed.SeededHyperband(
        objective=SCORE,
        max_epochs=9,
        hyperparameters=space(),
        directory=str(tmp_path),
        project_name="q",
    )
    assert stock.oracle.handoff == "stock"
    with pytest.raises(HandoffConfigError, match="random_fraction"):
        ktseed.SeededHyperband(
            objective=SCORE, hyperparameters=space(), random_fraction=0.5
        )


# -------------------------------------------------------------- canary
def exhausted_oracle(handoff="gp") -> SeededHyperbandOracle:
    oracle = make(
        initializer={"name": "fixed", "points": [point(1)]},
        handoff=handoff,
        **({"random_fraction": 0.0} if handoff == "gp" else {}),
    )
    oracle.populate_space("0000")  # the design's only point
    for i in range(1, 4):
        add_trial(oracle, f"{i:04d}", point(10 + i), 1, float(i))
    assert oracle.design_exhausted
    return oracle


def test_a_proposal_kerastuner_no_longer_draws_raises(monkeypatch):
    oracle = exhausted_oracle()

    def random_trial(self, trial_id, bracket):  # draws around the hook
        return {"status": "RUNNING", "values": {"x": 0.0, "y": 0.0}}

    monkeypatch.setattr(HyperbandOracle, "_random_trial", random_trial)
    with pytest.raises(
        KerasTunerCompatibilityError, match="no longer draws its round-0"
    ):
        oracle.populate_space("0004")


def test_a_candidate_drawn_around_the_hook_raises_after_the_design(
    monkeypatch,
):
    def populate_space(self, trial_id):
        return {
            "status": "RUNNING",
            "values": {"x": 0.0, "y": 0.0, "tuner/round": 0},
        }

    gp = exhausted_oracle()
    stock = exhausted_oracle(handoff="stock")
    monkeypatch.setattr(HyperbandOracle, "populate_space", populate_space)
    with pytest.raises(
        KerasTunerCompatibilityError, match="without _random_trial"
    ):
        gp.populate_space("0004")
    # The stock hand-off has nothing of ktseed's to lose after the design.
    assert stock.populate_space("0004")["status"] == "RUNNING"
