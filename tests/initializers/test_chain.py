from __future__ import annotations

import json

import keras_tuner as kt
import pytest

from ktseed import ChainInitializer
from ktseed import CSVInitializer
from ktseed import FixedInitializer
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import LatinHypercubeInitializer
from ktseed import PriorRunInitializer
from ktseed import RandomInitializer
from ktseed import SobolInitializer
from ktseed import SpaceCodec
from ktseed import UnknownInitializerError
from ktseed import available_initializers
from ktseed import make_initializer
from ktseed.initializers.chain import member_seed
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.testing.projects import mixed_hypermodel
from ktseed.testing.projects import write_project
from tests.helpers import SCORE
from tests.helpers import SCORE as SCORE_MIN
from tests.helpers import FormulaTuner
from tests.helpers import small_space
from tests.helpers import trial_values

DEFAULTS = {"name": "fixed", "points": [{}]}


def tiny_space() -> kt.HyperParameters:
    """Six configurations in all."""
    hp = kt.HyperParameters()
    hp.Boolean("a")
    hp.Choice("b", [1, 2, 3])
    return hp


# ------------------------------------------------------------ composition
def test_defaults_first_then_sobol_fills_its_own_default_size(space):
    codec = SpaceCodec(space)
    chain = ChainInitializer([DEFAULTS, "sobol"], seed=7)
    design = chain.generate(space)
    sobol = SobolInitializer(seed=member_seed(7, 1)).generate(space)
    assert design[0] == codec.defaults()
    assert design[1:] == sobol
    # n_points=None: the members' own sizes, summed (Sobol's is 16 here).
    assert len(sobol) == 16
    assert len(design) == 17


def test_explicit_n_points_open_member_fills_the_rest(space):
    chain = ChainInitializer([DEFAULTS, "sobol"], n_points=5, seed=7)
    design = chain.generate(space)
    assert len(design) == 5
    # 4 Sobol' points (a power of two, so no balance warning).
    assert design[1:] == SobolInitializer(
        n_points=4, seed=member_seed(7, 1)
    ).generate(space)


def test_sized_members_are_cut_at_n_points(space):
    chain = ChainInitializer(
        [
            {"name": "sobol", "n_points": 4, "seed": 1},
            {"name": "lhs", "n_points": 4, "seed": 2},
        ],
        n_points=6,
    )
    design = chain.generate(space)
    assert design[:4] == SobolInitializer(n_points=4, seed=1).generate(space)
    assert design[4:] == LatinHypercubeInitializer(n_points=2, seed=2).generate(
        space
    )


def test_all_sized_members_without_n_points_are_concatenated(space):
    fixed = FixedInitializer(points=[{"units": 64}, {"units": 128}])
    chain = ChainInitializer(
        [fixed, {"name": "halton", "n_points": 3, "seed": 4}]
    )
    assert chain.size_hint() == 5
    design = chain.generate(space)
    assert design == fixed.generate(space) + make_initializer(
        {"name": "halton", "n_points": 3, "seed": 4}
    ).generate(space)


def test_members_after_a_full_design_are_never_asked(space, tmp_path):
    # Reading this CSV would fail: the file does not exist.
    missing = CSVInitializer(tmp_path / "missing.csv", check_exists=False)
    chain = ChainInitializer(["sobol", missing], n_points=4, seed=0)
    assert len(chain.generate(space)) == 4


def test_data_member_fills_as_far_as_it_can_then_the_next(space, tmp_path):
    path = tmp_path / "configs.csv"
    path.write_text("units,lr\n64,0.01\n128,0.001\n")
    chain = ChainInitializer(
        [CSVInitializer(path), {"name": "sobol", "n_points": 8}],
        n_points=6,
        seed=3,
    )
    design = chain.generate(space)
    assert [p["units"] for p in design[:2]] == [64, 128]
    assert design[2:] == SobolInitializer(
        n_points=4, seed=member_seed(3, 1)
    ).generate(space)


def test_default_size_respects_the_trial_budget(space):
    chain = ChainInitializer([DEFAULTS, "sobol"], seed=0)
    codec = SpaceCodec(space)
    # Sobol's default under max_trials=12 is 4 (a third, as a power of 2).
    assert chain.resolve_n_points(codec, max_trials=12) == 5
    assert len(chain.generate(space, max_trials=12)) == 5


# ---------------------------------------------------------- de-duplication
def test_repeats_of_earlier_members_are_dropped_and_topped_up():
    hp = tiny_space()
    fixed = {"name": "fixed", "points": [{"a": False, "b": 1}, {"a": True}]}
    chain = ChainInitializer([fixed, "random"], n_points=6, seed=0)
    with pytest.warns(KtseedWarning, match="initializer 'random': dropped"):
        design = chain.generate(hp)
    keys = {SpaceCodec.point_key(p) for p in design}
    assert len(design) == len(keys) == 6  # the whole tiny space
    assert design[:2] == [{"a": False, "b": 1}, {"a": True, "b": 1}]


def test_a_design_the_members_cannot_fill_is_shorter_and_warns():
    hp = tiny_space()
    fixed = {"name": "fixed", "points": [{"a": False, "b": 1}, {"a": True}]}
    chain = ChainInitializer([fixed, "random"], n_points=7, seed=0)
    with pytest.warns(KtseedWarning) as record:
        design = chain.generate(hp)
    assert len(design) == 6
    messages = [str(w.message) for w in record]
    assert any(
        "initializer 'chain': the design has 6 of 7 point(s); dropped "
        "member 1 ('random')" in m
        for m in messages
    ), messages


def test_sized_members_are_not_topped_up():
    hp = tiny_space()
    first = {"name": "fixed", "points": [{"a": False, "b": 1}]}
    second = {"name": "fixed", "points": [{"a": False, "b": 1}, {"b": 2}]}
    chain = ChainInitializer([first, second])
    with pytest.warns(KtseedWarning, match=r"has 2 of 3 point\(s\)"):
        design = chain.generate(hp)
    assert design == [{"a": False, "b": 1}, {"a": False, "b": 2}]


# ------------------------------------------------------------------- seeds
def test_members_get_independent_derived_seeds(space):
    chain = ChainInitializer(["random", "random"], seed=5)
    first, second = chain.seeded_members()
    assert first.get_config()["seed"] == member_seed(5, 0)
    assert second.get_config()["seed"] == member_seed(5, 1)
    assert first.generate(space) != second.generate(space)
    assert member_seed(1, 1) != member_seed(2, 0)
    # The chain's own config keeps the members as given.
    assert chain.get_config()["members"][0]["seed"] is None


def test_a_member_seed_wins_over_the_chain_seed():
    chain = ChainInitializer([{"name": "sobol", "seed": 11}], seed=5)
    assert chain.seeded_members()[0].get_config()["seed"] == 11


def test_same_seed_same_design_other_seed_other_design(space):
    def design(seed):
        return ChainInitializer([DEFAULTS, "lhs"], seed=seed).generate(space)

    assert design(3) == design(3)
    assert design(3) != design(4)


def test_an_oracle_seed_reaches_the_members(space):
    chain = ChainInitializer([DEFAULTS, "halton"])
    assert chain.seeded_members()[1].get_config()["seed"] is None
    seeded = chain.with_default_seed(9)
    assert seeded.get_config()["seed"] == 9
    assert seeded.seeded_members()[1].get_config()["seed"] == member_seed(9, 1)


# ------------------------------------------------------------------ config
def test_config_round_trips_through_json(space):
    nested = ChainInitializer([DEFAULTS, {"name": "sobol", "n_points": 4}])
    chain = ChainInitializer([nested.get_config(), "lhs"], n_points=9, seed=2)
    config = chain.get_config()
    assert config == {
        "name": "chain",
        "n_points": 9,
        "seed": 2,
        "members": [nested.get_config(), make_initializer("lhs").get_config()],
    }
    rebuilt = make_initializer(json.loads(json.dumps(config)))
    assert rebuilt == chain
    assert rebuilt.generate(space) == chain.generate(space)


def test_chain_is_a_builtin():
    entry = available_initializers()["chain"]
    assert entry.origin == "built-in"
    assert entry.load() is ChainInitializer


def test_size_hint():
    assert ChainInitializer(["sobol"], n_points=3).size_hint() == 3
    assert ChainInitializer([DEFAULTS, "sobol"]).size_hint() is None
    assert (
        ChainInitializer(
            [DEFAULTS, {"name": "sobol", "n_points": 8}]
        ).size_hint()
        == 9
    )


@pytest.mark.parametrize(
    ("members", "kwargs", "error", "pattern"),
    [
        ([], {}, InitializerConfigError, r"`members` is empty"),
        ("sobol", {}, InitializerConfigError, r"must be a list .* got str"),
        (
            {"name": "sobol"},
            {},
            InitializerConfigError,
            r"must be a list .* got dict",
        ),
        ([42], {}, InitializerConfigError, r"member 0 is not a valid spec"),
        (["sobl"], {}, UnknownInitializerError, r"Did you mean 'sobol'"),
        (
            [DEFAULTS],
            {"n_points": 3},
            InitializerConfigError,
            r"`n_points`=3 but the members give at most 1 point\(s\)",
        ),
        (["sobol"], {"seed": -1}, InitializerConfigError, r"`seed`"),
        (["sobol"], {"n_points": 0}, InitializerConfigError, r"`n_points`"),
    ],
)
def test_bad_arguments_are_clear(members, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ChainInitializer(members, **kwargs)


def test_chain_needs_members_by_name():
    with pytest.raises(InitializerConfigError, match="needs arguments"):
        make_initializer("chain")


# ------------------------------------------------------------ observations
def test_observations_are_the_members_observations_in_order(tmp_path):
    write_project(tmp_path, "prior", max_trials=6)
    observe = PriorRunInitializer(tmp_path, "prior", mode="observe")
    chain = ChainInitializer([observe, {"name": "sobol", "n_points": 4}])
    hp = kt.HyperParameters()
    mixed_hypermodel(hp)
    expected = observe.observations(hp, SCORE_MIN)
    assert len(expected) == 6
    assert chain.observations(hp, SCORE_MIN) == expected
    # The observe member adds no design points.
    assert len(chain.generate(hp)) == 4


def test_observations_reach_the_seeded_bayesian_oracle(tmp_path):
    write_project(tmp_path, "prior", max_trials=6)
    hp = kt.HyperParameters()
    mixed_hypermodel(hp)
    oracle = SeededBayesianOptimizationOracle(
        objective=SCORE_MIN,
        max_trials=6,
        seed=1,
        hyperparameters=hp,
        initializer={
            "name": "chain",
            "members": [
                {
                    "name": "prior_run",
                    "directory": str(tmp_path),
                    "project_name": "prior",
                    "mode": "observe",
                },
                {"name": "sobol", "n_points": 4},
            ],
        },
    )
    assert len(oracle.preview_design()) == 4
    oracle._ktseed_materialize()  # what the first trial does
    assert len(oracle.design) == 4
    # The design plus the six observations before the GP takes over.
    assert oracle.effective_num_initial_points == 4
    assert len(oracle.schedule.observations) == 6


# ------------------------------------------------------------------ oracle
def test_seeded_oracle_runs_the_chain_first(tmp_path):
    hp = small_space()
    spec = {"name": "chain", "members": [DEFAULTS, "sobol"], "n_points": 5}
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=7,
        seed=3,
        hyperparameters=hp,
        initializer=spec,
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="chain"
    )
    tuner.search(verbose=0)
    expected = make_initializer(spec).with_default_seed(3).generate(hp)
    values = trial_values(oracle)
    assert values[:5] == expected
    assert values[0] == SpaceCodec(hp).defaults()
    assert oracle.design_trial_ids == ["0", "1", "2", "3", "4"]
    assert len(values) == 7
    assert oracle.initializer.get_config()["seed"] == 3


def test_random_member_without_seed_is_unseeded(space):
    chain = ChainInitializer([RandomInitializer(n_points=4)])
    assert chain.seeded_members()[0].get_config()["seed"] is None
