"""The initializer contract, as a pytest suite a plugin runs on itself.

Every built-in initializer passes these tests, and a third-party initializer
runs exactly the same ones by subclassing :class:`InitializerContract` in
its own test suite and saying how to build the initializer::

    import pytest
    from ktseed.testing import InitializerContract

    from my_package.designs import MaximinInitializer


    class TestMaximinContract(InitializerContract):
        @pytest.fixture
        def initializer_factory(self):
            return lambda: MaximinInitializer(n_points=6)

The contract: the design is *valid* for the space (complete, active values
only, within ranges, grids and choices), *canonical* (native ``int``,
``float``, ``str`` and ``bool``, exactly as KerasTuner produces them),
*sized* (never more than the initializer's own ``n_points``),
*deterministic* (the same seed gives the same design), *de-duplicated*,
its config *round-trips through JSON* to an equal initializer with the same
design, the registry resolves its name to its class, and a seeded search
that crashes midway and is resumed with ``overwrite=False`` neither repeats
nor skips a design point.

Requirements: ``pytest`` (8 or later; this module imports it) and
KerasTuner, which ktseed already needs. When ``hypothesis`` is importable,
one more test checks designs for many seeds; without it, that test is
skipped. ktseed's ``dev`` extra installs all of them.

Nothing here needs ktseed's own ``tests/`` directory.

This module is longer than ktseed's 500-line guide on purpose: it is one
test class, and plugin authors read its tests together as the contract.
What needs no pytest lives beside it (:mod:`ktseed.testing.spaces`, the
search space and score; ``ktseed.testing._tuner``, the formula tuner).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import NoReturn

import pytest

from ktseed.errors import InvalidValueError
from ktseed.errors import KtseedWarning
from ktseed.initializers.base import Initializer
from ktseed.registry import get_initializer_class
from ktseed.registry import make_initializer
from ktseed.space import SpaceCodec
from ktseed.testing._tuner import formula_tuner_class
from ktseed.testing.spaces import NATIVE_TYPES
from ktseed.testing.spaces import contract_score
from ktseed.testing.spaces import contract_space

if TYPE_CHECKING:
    from pathlib import Path

    import keras_tuner

    from ktseed.space import Values

try:
    import hypothesis
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    hypothesis = None  # type: ignore[assignment]

InitializerFactory = Callable[[], Initializer]


def _fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


_MISSING = object()


def _same(a: object, b: object) -> bool:
    """Equality that also works for NumPy arrays."""
    with contextlib.suppress(Exception):
        equal = a == b
        if isinstance(equal, bool):
            return equal
    import numpy as np

    with contextlib.suppress(Exception):
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    return False


def _typed(points: list[Values]) -> list[list[tuple[str, str, str]]]:
    """Points with each value's type, so that ``1 == 1.0 == True`` differ."""
    return [
        sorted((k, type(v).__name__, repr(v)) for k, v in p.items())
        for p in points
    ]


class InitializerContract:
    """Conformance tests every initializer passes; subclass to run them.

    Give the subclass an ``initializer_factory`` fixture returning a
    zero-argument callable that builds a fresh initializer (fresh, because
    some tests build two and compare them). Parametrize the fixture to test
    several configurations. Override ``search_space`` when the initializer
    needs a particular space (for example fixed points naming your own
    hyperparameters); the default is :func:`contract_space`.

    Class attributes tune the suite:

    Attributes:
        seed: The seed a seeded oracle would give an initializer without
            one (:meth:`~ktseed.Initializer.with_default_seed`).
        check_registry: Whether the initializer's ``name`` must resolve to
            its class through :func:`~ktseed.get_initializer_class` (true
            for built-ins and installed plugins; false for a class only
            used as an instance).
        allow_empty_design: Whether an empty design is correct (for example
            an initializer that only supplies observations).
        extra_trials: Trials the resume test runs after the design.
    """

    seed: ClassVar[int] = 1234
    check_registry: ClassVar[bool] = True
    allow_empty_design: ClassVar[bool] = False
    extra_trials: ClassVar[int] = 2

    # ---------------------------------------------------------- fixtures
    @pytest.fixture
    def initializer_factory(self) -> InitializerFactory:
        """Override: a callable that builds a fresh initializer."""
        _fail(
            f"{type(self).__name__} must define an `initializer_factory` "
            "fixture returning a zero-argument callable that builds the "
            "initializer under test."
        )

    @pytest.fixture
    def search_space(self) -> keras_tuner.HyperParameters:
        """Override to test on another space (default: contract_space())."""
        return contract_space()

    # ----------------------------------------------------------- helpers
    def build(self, factory: InitializerFactory) -> Initializer:
        """Calls ``factory`` and checks it returned an initializer."""
        initializer = factory()
        if not isinstance(initializer, Initializer):
            _fail(
                "`initializer_factory` must build a ktseed.Initializer; "
                f"got {initializer!r} of type {type(initializer).__name__}."
            )
        return initializer

    def build_seeded(
        self, factory: InitializerFactory, *, seed: int | None = None
    ) -> Initializer:
        """:meth:`build`, with the seed a seeded oracle would fill in.

        Args:
            factory: Builds the initializer under test.
            seed: The oracle's seed (default: the class's :attr:`seed`);
                an initializer with a seed of its own keeps it.

        Returns:
            The initializer, as :meth:`~ktseed.Initializer.with_default_seed`
            returns it.
        """
        return self.build(factory).with_default_seed(
            self.seed if seed is None else seed
        )

    def design(
        self,
        factory: InitializerFactory,
        space: keras_tuner.HyperParameters,
        *,
        seed: int | None = None,
    ) -> list[Values]:
        """The design a seeded oracle would run (seed filled in if absent)."""
        initializer = self.build_seeded(factory, seed=seed)
        points = initializer.generate(space)
        if not isinstance(points, list):
            _fail(
                f"{initializer!r}.generate() must return a list of dicts; "
                f"got {type(points).__name__}."
            )
        return points

    # ------------------------------------------------------------- class
    def test_is_a_concrete_named_initializer(
        self, initializer_factory: InitializerFactory
    ) -> None:
        """The class is a concrete Initializer with a snake_case ``name``."""
        initializer = self.build(initializer_factory)
        cls = type(initializer)
        if inspect.isabstract(cls):
            _fail(f"{cls.__name__} is abstract.")
        name = cls.name
        if not (
            isinstance(name, str)
            and name
            and name[0].isalpha()
            and name == name.lower()
            and name.replace("_", "").isalnum()
        ):
            _fail(
                f"{cls.__name__}.name must be a lowercase snake_case "
                f"registry name; got {name!r}."
            )

    def test_name_resolves_to_the_class(
        self, initializer_factory: InitializerFactory
    ) -> None:
        """``get_initializer_class(name)`` finds the class (built-in/plugin)."""
        if not self.check_registry:
            pytest.skip("check_registry is False")
        initializer = self.build(initializer_factory)
        found = get_initializer_class(initializer.name)
        if found is not type(initializer):
            _fail(
                f"The registry resolves '{initializer.name}' to {found!r}, "
                f"not {type(initializer)!r}. Is the package installed, and "
                "does its entry point in the group 'ktseed.initializers' "
                "name this class?"
            )

    # ------------------------------------------------------------ design
    def test_design_is_not_empty(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """The design has points (unless ``allow_empty_design``)."""
        if self.allow_empty_design:
            pytest.skip("allow_empty_design is True")
        if not self.design(initializer_factory, search_space):
            _fail(
                "The design is empty. Set `allow_empty_design = True` on the "
                "test class if that is intended."
            )

    def test_design_points_are_valid(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """Every point is complete and fits the space (ranges, grids...)."""
        codec = SpaceCodec(search_space)
        for index, point in enumerate(
            self.design(initializer_factory, search_space)
        ):
            if not isinstance(point, dict):
                _fail(
                    f"Design point {index} must be a dict; got "
                    f"{type(point).__name__}."
                )
            try:
                codec.validate(point, where=f"design point {index}")
            except InvalidValueError as error:
                _fail(f"Invalid design point {index} {point!r}: {error}")

    def test_design_points_are_canonical(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """Values are native types, as KerasTuner makes them, JSON-safe."""
        codec = SpaceCodec(search_space)
        for index, point in enumerate(
            self.design(initializer_factory, search_space)
        ):
            for name, value in point.items():
                if type(value) not in NATIVE_TYPES:
                    _fail(
                        f"Design point {index}: '{name}' is {value!r} of type "
                        f"{type(value).__name__}; values must be plain int, "
                        "float, str or bool (KerasTuner cannot save NumPy "
                        "scalars)."
                    )
                if isinstance(value, float) and not math.isfinite(value):
                    _fail(f"Design point {index}: '{name}' is {value!r}.")
            canonical = codec.canonicalize(point, on_inactive="raise")
            if _typed([canonical]) != _typed([point]):
                _fail(
                    f"Design point {index} {point!r} is not canonical; "
                    f"KerasTuner's form is {canonical!r}."
                )
            if json.loads(json.dumps(point)) != point:
                _fail(f"Design point {index} does not survive JSON.")

    def test_design_respects_its_size(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """At most ``resolve_n_points`` points, and at most ``size_hint()``."""
        initializer = self.build_seeded(initializer_factory)
        codec = SpaceCodec(search_space)
        points = initializer.generate(codec)
        limit = initializer.resolve_n_points(codec)
        if len(points) > limit:
            _fail(
                f"The design has {len(points)} points but "
                f"resolve_n_points() is {limit}."
            )
        hint = initializer.size_hint()
        if hint is not None and len(points) > hint:
            _fail(
                f"The design has {len(points)} points but size_hint() is "
                f"{hint}; the oracles use it to refuse oversized designs."
            )

    def test_design_has_no_duplicates(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """No two points are the same configuration (KerasTuner's rule)."""
        seen: dict[tuple[tuple[str, str], ...], int] = {}
        for index, point in enumerate(
            self.design(initializer_factory, search_space)
        ):
            key = SpaceCodec.point_key(point)
            if key in seen:
                _fail(
                    f"Design points {seen[key]} and {index} are the same "
                    f"configuration {point!r}."
                )
            seen[key] = index

    def test_design_is_deterministic(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """The same seed gives the same design, from any instance, twice."""
        first = self.design(initializer_factory, search_space)
        second = self.design(initializer_factory, search_space)
        if _typed(first) != _typed(second):
            _fail(
                "Two initializers from the same factory and seed made "
                f"different designs:\n{first!r}\n{second!r}\nDraw every "
                "random number from the initializer's seed."
            )
        initializer = self.build_seeded(initializer_factory)
        again = [initializer.generate(search_space) for _ in range(2)]
        if _typed(again[0]) != _typed(again[1]):
            _fail(
                "Calling generate() twice on one initializer made different "
                "designs; generate() must not depend on earlier calls."
            )

    # ------------------------------------------------------------ config
    def test_config_round_trips_through_json(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """``from_config(json(get_config()))`` is equal and makes the design.

        Checked on the initializer as built (the oracles rebuild it from
        its config to fill in their seed, so an argument missing from the
        config would be lost) and on its seeded copy.
        """
        self._check_round_trip(self.build(initializer_factory))
        initializer = self.build_seeded(initializer_factory)
        rebuilt = self._check_round_trip(initializer)
        before = initializer.generate(search_space)
        after = rebuilt.generate(search_space)
        if _typed(before) != _typed(after):
            _fail(
                "The initializer rebuilt from its config makes another design; "
                "get_config() is missing something the design depends on."
            )

    def _check_round_trip(self, initializer: Initializer) -> Initializer:
        config = initializer.get_config()
        cls = type(initializer)
        if not isinstance(config, dict) or config.get("name") != cls.name:
            _fail(
                "get_config() must return a dict whose 'name' is the class's "
                f"registry name {cls.name!r}; got {config!r}."
            )
        try:
            text = json.dumps(config)
        except (TypeError, ValueError) as error:
            _fail(
                f"get_config() is not JSON-serialisable ({error}); the "
                "seeded oracles save it in oracle.json."
            )
        loaded = json.loads(text)
        if loaded != config:
            _fail(
                "get_config() changes through JSON (tuples, non-string keys, "
                f"NaN?): {config!r} became {loaded!r}. A resumed search "
                "would compare them and warn."
            )
        rebuilt = cls.from_config(loaded)
        if type(rebuilt) is not cls or rebuilt.get_config() != config:
            _fail(
                "from_config(get_config()) built a different initializer: "
                f"{rebuilt!r} instead of {initializer!r}."
            )
        for key, value in vars(initializer).items():
            other = vars(rebuilt).get(key, _MISSING)
            if not _same(value, other):
                _fail(
                    f"from_config(get_config()) loses attribute {key!r} "
                    f"({value!r} became {other!r}); add every constructor "
                    "argument to get_config()."
                )
        if self.check_registry:
            by_name = make_initializer(loaded)
            if by_name.get_config() != config:
                _fail("make_initializer(config) built a different initializer.")
        return rebuilt

    def test_observations_are_valid(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
    ) -> None:
        """Observations, if any, are valid points with finite scores."""
        import keras_tuner as kt

        initializer = self.build_seeded(initializer_factory)
        codec = SpaceCodec(search_space)
        observed = initializer.observations(codec, kt.Objective("score", "min"))
        if not isinstance(observed, list):
            _fail(f"observations() must return a list; got {observed!r}.")
        for index, pair in enumerate(observed):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                _fail(f"Observation {index} must be (values, score): {pair!r}")
            values, score = pair
            try:
                codec.validate(values, where=f"observation {index}")
            except InvalidValueError as error:
                _fail(f"Invalid observation {index}: {error}")
            if type(score) is not float or not math.isfinite(score):
                _fail(f"Observation {index} has score {score!r}.")

    # ------------------------------------------------------------ resume
    def test_resume_after_a_crash_neither_repeats_nor_skips(
        self,
        initializer_factory: InitializerFactory,
        search_space: keras_tuner.HyperParameters,
        tmp_path: Path,
    ) -> None:
        """A search killed midway and resumed runs each design point once.

        The search runs through a seeded oracle and a ``keras_tuner.Tuner``
        whose ``run_trial`` returns :func:`contract_score`; it raises
        ``KeyboardInterrupt`` halfway through the design (the trial stays
        RUNNING on disk, as after a crash). A new oracle and tuner, built
        from a fresh initializer as a restarted script would, resume the
        project with ``overwrite=False``.
        """
        import keras_tuner as kt

        codec = SpaceCodec(search_space)
        uncapped = self.build_seeded(initializer_factory)
        size = len(uncapped.generate(codec))
        if size == 0:
            pytest.skip("the design is empty: nothing to resume")
        # A budget whose third (the default-size cap) fits the whole design.
        max_trials = 3 * size + self.extra_trials
        observed = bool(
            uncapped.observations(codec, kt.Objective("score", "min"))
        )

        def search(crash_at: int | None, overwrite: bool) -> Any:
            oracle = self._resume_oracle(
                self.build(initializer_factory),
                search_space,
                max_trials,
                observed,
            )
            tuner = formula_tuner_class()(
                oracle=oracle,
                directory=str(tmp_path),
                project_name="contract",
                overwrite=overwrite,
                formula=contract_score,
                crash_at=crash_at,
            )
            return oracle, tuner

        crashed, tuner = search(crash_at=max(2, size // 2 + 1), overwrite=True)
        with pytest.raises(KeyboardInterrupt):
            tuner.search(verbose=0)
        design = crashed.design
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", KtseedWarning)
            oracle, tuner = search(crash_at=None, overwrite=False)
            tuner.search(verbose=0)
        ktseed_warnings = [
            str(w.message)
            for w in caught
            if issubclass(w.category, KtseedWarning)
        ]
        if ktseed_warnings:
            _fail(
                "Resuming warned, so the saved initializer config differs "
                "from a fresh instance's (is the config stable, without "
                f"values chosen at construction?): {ktseed_warnings}"
            )
        if oracle.design != design:
            _fail("The resumed search has another design than the crashed one.")
        self._check_resumed(oracle, design, max_trials)

    def _resume_oracle(
        self,
        initializer: Initializer,
        space: keras_tuner.HyperParameters,
        max_trials: int,
        observed: bool,
    ) -> Any:
        import keras_tuner as kt

        from ktseed.oracles import SeededBayesianOptimizationOracle
        from ktseed.oracles import SeededRandomSearchOracle

        common: dict[str, Any] = {
            "objective": kt.Objective("score", "min"),
            "max_trials": max_trials,
            "seed": self.seed,
            "hyperparameters": space,
            "initializer": initializer,
        }
        if observed:
            # Only the Bayesian oracle takes observations; keep it in its
            # (fast) random phase for the whole test.
            return SeededBayesianOptimizationOracle(
                num_initial_points=10 * max_trials, **common
            )
        return SeededRandomSearchOracle(**common)

    @staticmethod
    def _check_resumed(
        oracle: Any, design: list[Values], max_trials: int
    ) -> None:
        trial_ids = sorted(oracle.trials)
        statuses = {t: oracle.trials[t].status for t in trial_ids}
        # The random phase may stop before max_trials in a small space.
        enough = len(design) <= len(trial_ids) <= max_trials
        if not enough or set(statuses.values()) != {"COMPLETED"}:
            _fail(
                f"After resuming, expected {len(design)} to {max_trials} "
                f"COMPLETED trials; got {statuses}."
            )
        ids = oracle.design_trial_ids
        if [oracle.design_index(t) for t in ids] != list(range(len(design))):
            _fail(
                "Every design point must run exactly once, in order; design "
                f"indices by trial: {[oracle.design_index(t) for t in ids]}."
            )
        if ids != trial_ids[: len(design)]:
            _fail(
                f"The design trials {ids} are not the first trials "
                f"{trial_ids[: len(design)]}."
            )
        for position, trial_id in enumerate(ids):
            values = dict(oracle.trials[trial_id].hyperparameters.values)
            if _typed([values]) != _typed([design[position]]):
                _fail(
                    f"Trial {trial_id} ran {values!r}, not design point "
                    f"{position} {design[position]!r}."
                )
        if oracle.skipped_design_points:
            _fail(
                f"Design points were skipped: {oracle.skipped_design_points}."
            )
        keys = [
            SpaceCodec.point_key(oracle.trials[t].hyperparameters.values)
            for t in trial_ids
        ]
        if len(set(keys)) != len(keys):
            _fail("A configuration ran twice after resuming.")

    # ---------------------------------------------------------- property
    if hypothesis is not None:

        @hypothesis.settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=[
                hypothesis.HealthCheck.function_scoped_fixture,
                hypothesis.HealthCheck.too_slow,
            ],
        )
        @hypothesis.given(seed=st.integers(min_value=0, max_value=2**32 - 1))
        def test_any_seed_gives_a_valid_deterministic_design(
            self,
            initializer_factory: InitializerFactory,
            search_space: keras_tuner.HyperParameters,
            seed: int,
        ) -> None:
            """For any seed: valid, canonical, distinct and reproducible."""
            codec = SpaceCodec(search_space)
            points = self.design(initializer_factory, search_space, seed=seed)
            for index, point in enumerate(points):
                try:
                    codec.validate(point, where=f"design point {index}")
                except InvalidValueError as error:
                    _fail(f"seed={seed}: invalid point {index}: {error}")
            keys = {SpaceCodec.point_key(p) for p in points}
            if len(keys) != len(points):
                _fail(f"seed={seed}: the design repeats a configuration.")
            again = self.design(initializer_factory, search_space, seed=seed)
            if _typed(again) != _typed(points):
                _fail(f"seed={seed}: the design is not reproducible.")

    else:  # pragma: no cover - depends on the environment

        def test_any_seed_gives_a_valid_deterministic_design(self) -> None:
            """Needs hypothesis, which is not installed."""
            pytest.skip("hypothesis is not installed")


__all__ = ["InitializerContract"]
