"""ktseed.testing: every built-in passes the contract; broken ones fail it."""

from __future__ import annotations

import inspect
import random
from typing import ClassVar

import keras_tuner as kt
import numpy as np
import pytest

from ktseed import ChainInitializer
from ktseed import CSVInitializer
from ktseed import FixedInitializer
from ktseed import HaltonInitializer
from ktseed import Initializer
from ktseed import LatinHypercubeInitializer
from ktseed import NoInitializer
from ktseed import PortfolioInitializer
from ktseed import PriorRunInitializer
from ktseed import RandomInitializer
from ktseed import SobolInitializer
from ktseed import SpaceCodec
from ktseed import UnitCubeInitializer
from ktseed.testing import InitializerContract
from ktseed.testing import contract_score
from ktseed.testing import contract_space
from ktseed.testing.projects import write_project

CSV_TEXT = """\
units,lr,dropout,activation,layers,batch_norm,units_2,kind,momentum
64,0.01,0.2,relu,1,true,,,
128,0.001,0.1,tanh,2,false,16,a,
256,0.0001,0.0,elu,3,true,32,b,0.9
"""

FIXED_POINTS = [
    {"units": 64, "lr": 0.01},
    {"layers": 2, "units_2": 16, "kind": "b", "momentum": 0.9},
    {},
]

DEFAULTS_FIRST = {"name": "fixed", "points": [{}]}


@pytest.fixture(scope="module")
def prior_project(tmp_path_factory):
    """A finished 8-trial random search over the contract space."""
    directory = tmp_path_factory.mktemp("prior")
    oracle = kt.oracles.RandomSearchOracle(
        objective=kt.Objective("score", "min"),
        max_trials=8,
        seed=2,
        hyperparameters=contract_space(),
    )
    write_project(
        directory,
        "prior",
        oracle=oracle,
        hypermodel=None,
        formula=contract_score,
    )
    return directory


def builtin_factories(tmp_path, prior):
    csv_path = tmp_path / "configs.csv"
    csv_path.write_text(CSV_TEXT)
    observe = {
        "name": "prior_run",
        "directory": str(prior),
        "project_name": "prior",
        "mode": "observe",
    }
    return {
        "fixed": lambda: FixedInitializer(points=FIXED_POINTS),
        "random": lambda: RandomInitializer(n_points=6),
        "random-default": RandomInitializer,
        "lhs": lambda: LatinHypercubeInitializer(n_points=6),
        "lhs-random-cd": lambda: LatinHypercubeInitializer(
            n_points=4, optimization="random-cd"
        ),
        "sobol": lambda: SobolInitializer(n_points=8),
        "sobol-default": SobolInitializer,
        "halton": HaltonInitializer,
        "csv": lambda: CSVInitializer(csv_path),
        "prior_run": lambda: PriorRunInitializer(prior, "prior", top_k=4),
        "portfolio": lambda: PortfolioInitializer(
            [{"directory": str(prior), "project_name": "prior"}], n_points=4
        ),
        "chain-defaults-then-sobol": lambda: ChainInitializer(
            [DEFAULTS_FIRST, "sobol"]
        ),
        "chain-sized": lambda: ChainInitializer(
            [
                {"name": "csv", "path": str(csv_path)},
                {"name": "lhs", "n_points": 4},
                "halton",
            ],
            n_points=9,
            seed=3,
        ),
        "chain-observe-then-sobol": lambda: ChainInitializer(
            [observe, {"name": "sobol", "n_points": 4}]
        ),
    }


BUILTIN_CONFIGURATIONS = [
    "fixed",
    "random",
    "random-default",
    "lhs",
    "lhs-random-cd",
    "sobol",
    "sobol-default",
    "halton",
    "csv",
    "prior_run",
    "portfolio",
    "chain-defaults-then-sobol",
    "chain-sized",
    "chain-observe-then-sobol",
]


class TestBuiltinInitializers(InitializerContract):
    """Every built-in initializer, in several configurations."""

    @pytest.fixture(params=BUILTIN_CONFIGURATIONS)
    def initializer_factory(self, request, tmp_path, prior_project):
        return builtin_factories(tmp_path, prior_project)[request.param]


class TestLatinHypercubeStrength2(InitializerContract):
    """An orthogonal-array LHS, on a space small enough for 25 points."""

    @pytest.fixture
    def search_space(self):
        hp = kt.HyperParameters()
        hp.Int("units", 32, 512, step=32)
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Choice("activation", ["relu", "tanh", "elu"])
        hp.Boolean("batch_norm")
        return hp

    @pytest.fixture(params=[25, None])
    def initializer_factory(self, request):
        return lambda: LatinHypercubeInitializer(
            n_points=request.param, strength=2
        )


class TestSmallSpace(InitializerContract):
    """Six configurations in all: the search after the design runs dry."""

    @pytest.fixture
    def search_space(self):
        hp = kt.HyperParameters()
        hp.Boolean("batch_norm")
        hp.Choice("activation", ["relu", "tanh", "elu"])
        return hp

    @pytest.fixture(params=["lhs", "fixed"])
    def initializer_factory(self, request):
        if request.param == "lhs":
            return lambda: LatinHypercubeInitializer(n_points=3)
        points = [{"activation": "tanh"}, {"batch_norm": True}, {}]
        return lambda: FixedInitializer(points=points)


class TestObserveOnlyPriorRun(InitializerContract):
    """prior_run in observe mode: no design, only observations."""

    allow_empty_design = True

    @pytest.fixture
    def initializer_factory(self, prior_project):
        return lambda: PriorRunInitializer(
            prior_project, "prior", mode="observe"
        )


class TestNoInitializer(InitializerContract):
    """``none``: no design at all (the oracle's own start)."""

    allow_empty_design = True

    @pytest.fixture
    def initializer_factory(self):
        return NoInitializer


#: Built-ins whose contract runs in their own class above (an empty design
#: cannot run the shared class's non-empty checks).
COVERED_ELSEWHERE = {"none": TestNoInitializer}


def test_every_builtin_is_covered(tmp_path, prior_project):
    from ktseed.registry import _BUILTINS

    factories = builtin_factories(tmp_path, prior_project)
    made = {factory().name for factory in factories.values()}
    assert made | set(COVERED_ELSEWHERE) == set(_BUILTINS)
    params = (
        TestBuiltinInitializers.initializer_factory._fixture_function_marker
    )
    assert sorted(params.params) == sorted(factories)


# ------------------------------------------- initializers that break a rule
class Corner(UnitCubeInitializer):
    """A correct initializer that is not registered: the control."""

    name: ClassVar[str] = "corner"

    def _sample_unit_cube(self, request):
        n, d, rng = request.n, request.dimension, request.rng()
        return rng.random((n, d))


class NumpyValues(Corner):
    name: ClassVar[str] = "numpy_values"

    def generate(self, space, *, max_trials=None):
        points = super().generate(space, max_trials=max_trials)
        return [
            {k: np.int64(v) if type(v) is int else v for k, v in p.items()}
            for p in points
        ]


class OutOfRange(Corner):
    name: ClassVar[str] = "out_of_range"

    def generate(self, space, *, max_trials=None):
        points = super().generate(space, max_trials=max_trials)
        return [{**p, "units": 100_000} for p in points]


class RepeatsAPoint(Corner):
    name: ClassVar[str] = "repeats_a_point"

    def generate(self, space, *, max_trials=None):
        points = super().generate(space, max_trials=max_trials)
        return [*points[:-1], points[0]]


class TooMany(Corner):
    name: ClassVar[str] = "too_many"

    def generate(self, space, *, max_trials=None):
        points = super().generate(space, max_trials=max_trials)
        codec = space if isinstance(space, SpaceCodec) else SpaceCodec(space)
        return points + codec.decode(np.full((1, codec.dimension), 0.999))


class IgnoresSeed(Corner):
    name: ClassVar[str] = "ignores_seed"

    def _sample_unit_cube(self, request):
        n, d = request.n, request.dimension
        return np.random.default_rng().random((n, d))


class ForgetsAnArgument(Corner):
    name: ClassVar[str] = "forgets_an_argument"

    def __init__(self, *, n_points=None, seed=None, shift=0.0):
        super().__init__(n_points=n_points, seed=seed)
        self.shift = shift

    def _sample_unit_cube(self, request):
        n, d, rng = request.n, request.dimension, request.rng()
        return (rng.random((n, d)) + self.shift) % 1.0


class TupleConfig(Corner):
    name: ClassVar[str] = "tuple_config"

    def get_config(self):
        return {**super().get_config(), "corners": (0.0, 1.0)}

    @classmethod
    def from_config(cls, config):
        return super().from_config(
            {k: v for k, v in config.items() if k != "corners"}
        )


class PicksItsOwnSeed(Corner):
    name: ClassVar[str] = "picks_its_own_seed"

    def __init__(self, *, n_points=None, seed=None):
        super().__init__(
            n_points=n_points,
            seed=random.randrange(2**31) if seed is None else seed,
        )


class Empty(Corner):
    name: ClassVar[str] = "empty"

    def _generate(self, request):
        return []


class NaNObservation(Corner):
    name: ClassVar[str] = "nan_observation"

    def observations(self, space, objective):
        codec = space if isinstance(space, SpaceCodec) else SpaceCodec(space)
        return [(codec.defaults(), float("nan"))]


class BadName(Corner):
    name: ClassVar[str] = "Bad-Name"


class Unregistered(InitializerContract):
    check_registry = False


def run_contract_test(test_name, factory, tmp_path):
    """Calls one contract test as pytest would, with the fixture values."""
    contract = Unregistered()
    method = getattr(contract, test_name)
    available = {
        "initializer_factory": factory,
        "search_space": contract_space(),
        "tmp_path": tmp_path,
    }
    parameters = inspect.signature(method).parameters
    method(**{name: available[name] for name in parameters})


BROKEN = [
    (NumpyValues, "test_design_points_are_canonical", "type int64"),
    (NumpyValues, "test_design_points_are_valid", "not in canonical form"),
    (OutOfRange, "test_design_points_are_valid", "outside the range"),
    (RepeatsAPoint, "test_design_has_no_duplicates", "the same configuration"),
    (TooMany, "test_design_respects_its_size", "resolve_n_points"),
    (IgnoresSeed, "test_design_is_deterministic", "different designs"),
    (
        IgnoresSeed,
        "test_any_seed_gives_a_valid_deterministic_design",
        "not reproducible",
    ),
    (
        ForgetsAnArgument,
        "test_config_round_trips_through_json",
        r"loses attribute 'shift' \(0.5 became 0.0\)",
    ),
    (TupleConfig, "test_config_round_trips_through_json", "through JSON"),
    (
        PicksItsOwnSeed,
        "test_resume_after_a_crash_neither_repeats_nor_skips",
        "Resuming warned",
    ),
    (PicksItsOwnSeed, "test_design_is_deterministic", "different designs"),
    (Empty, "test_design_is_not_empty", "The design is empty"),
    (NaNObservation, "test_observations_are_valid", "has score nan"),
    (BadName, "test_is_a_concrete_named_initializer", "snake_case"),
]


def factory_for(cls: type[Initializer]):
    if cls is ForgetsAnArgument:
        return lambda: ForgetsAnArgument(n_points=6, shift=0.5)
    return lambda: cls(n_points=6)


@pytest.mark.parametrize(
    ("cls", "test_name", "reason"),
    BROKEN,
    ids=[f"{cls.__name__}-{test}" for cls, test, _ in BROKEN],
)
def test_a_broken_initializer_fails_the_contract(
    cls, test_name, reason, tmp_path
):
    with pytest.raises(pytest.fail.Exception, match=reason):
        run_contract_test(test_name, factory_for(cls), tmp_path / "broken")
    # The same test passes for a correct initializer: the defect failed it.
    run_contract_test(test_name, factory_for(Corner), tmp_path / "control")


def test_a_factory_that_builds_no_initializer_fails(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="must build a ktseed"):
        run_contract_test(
            "test_design_is_deterministic", lambda: {"name": "sobol"}, tmp_path
        )


def test_a_missing_factory_fixture_is_explained():
    # The base fixture's own function: what a subclass without an
    # `initializer_factory` fixture runs.
    function = InitializerContract.initializer_factory.__wrapped__
    with pytest.raises(pytest.fail.Exception, match="must define an"):
        function(Unregistered())


def test_unregistered_class_fails_the_registry_check():
    contract = InitializerContract()
    with pytest.raises(Exception, match="Unknown initializer 'corner'"):
        contract.test_name_resolves_to_the_class(lambda: Corner(n_points=3))


def test_the_resume_check_catches_a_search_that_loses_its_place(
    tmp_path, monkeypatch
):
    from ktseed.schedule import DesignSchedule

    original = DesignSchedule.restore

    def forget_cursor(self, saved, **kwargs):
        original(self, saved, **kwargs)
        self.cursor = 0  # as if the cursor were not saved

    monkeypatch.setattr(DesignSchedule, "restore", forget_cursor)
    with pytest.raises(pytest.fail.Exception, match=r"skipped|exactly once"):
        run_contract_test(
            "test_resume_after_a_crash_neither_repeats_nor_skips",
            factory_for(Corner),
            tmp_path,
        )
