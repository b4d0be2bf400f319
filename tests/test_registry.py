from __future__ import annotations

import importlib.metadata
import sys
import types

import numpy as np
import pytest

from ktseed import FixedInitializer
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import PluginLoadError
from ktseed import SobolInitializer
from ktseed import UnitCubeInitializer
from ktseed import UnknownInitializerError
from ktseed import available_initializers
from ktseed import get_initializer_class
from ktseed import make_initializer
from ktseed import register_initializer
from ktseed import registry
from ktseed import unregister_initializer

BUILTINS = {
    "chain",
    "csv",
    "fixed",
    "halton",
    "lhs",
    "none",
    "prior_run",
    "random",
    "sobol",
}


class CornerInitializer(UnitCubeInitializer):
    name = "corner"

    def _sample_unit_cube(self, request):
        n, d = request.n, request.dimension
        return np.tile(np.linspace(0, 0.99, n)[:, None], (1, d))


class _FakeDist:
    def __init__(self, name: str, version: str) -> None:
        self.metadata = {"Name": name}
        self.version = version


def _entry_point(
    name: str, value: str, dist: str = "ktseed-corner", version: str = "1.2.0"
):
    ep = importlib.metadata.EntryPoint(name, value, registry.ENTRY_POINT_GROUP)
    return ep._for(_FakeDist(dist, version))


@pytest.fixture
def fake_plugins(clean_registry, monkeypatch):
    """Installs fake entry points and a fake plugin module."""
    module = types.ModuleType("ktseed_corner_plugin")
    module.CornerInitializer = CornerInitializer
    monkeypatch.setitem(sys.modules, "ktseed_corner_plugin", module)
    found: list = []
    calls = []

    def entry_points(*, group):
        calls.append(group)
        return [ep for ep in found if ep.group == group]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return found, calls


def test_builtins_are_listed_with_their_source(clean_registry):
    entries = available_initializers()
    assert set(entries) >= BUILTINS
    assert entries["sobol"].origin == "built-in"
    assert entries["sobol"].path == "ktseed.initializers.sobol:SobolInitializer"
    with pytest.raises(TypeError):
        entries["new"] = entries["sobol"]  # read-only view


def test_make_initializer_accepts_name_dict_and_instance(clean_registry):
    assert isinstance(make_initializer("sobol"), SobolInitializer)
    made = make_initializer({"name": "sobol", "n_points": 4, "seed": 0})
    assert made.get_config() == {
        "name": "sobol",
        "n_points": 4,
        "seed": 0,
        "scramble": True,
    }
    instance = FixedInitializer(points=[{"a": 1}])
    assert make_initializer(instance) is instance


@pytest.mark.parametrize(
    ("spec", "error", "pattern"),
    [
        (
            "lhc",
            UnknownInitializerError,
            r"Unknown initializer 'lhc'\. Available: chain, csv, fixed, halton, lhs, none, portfolio, prior_run, random, sobol\. Did you mean 'lhs'\?",
        ),
        ({"name": "sobl"}, UnknownInitializerError, r"Did you mean 'sobol'\?"),
        (
            {"n_points": 3},
            InitializerConfigError,
            r"needs a 'name' key .*got keys \['n_points'\]",
        ),
        (
            42,
            TypeError,
            r"must be a registered name, a dict .* got 42 of type int",
        ),
    ],
)
def test_bad_specs_are_clear(clean_registry, spec, error, pattern):
    with pytest.raises(error, match=pattern):
        make_initializer(spec)


def test_unknown_name_is_a_lookup_error(clean_registry):
    with pytest.raises(LookupError):
        get_initializer_class("nope")


def test_runtime_registration(clean_registry):
    register_initializer("corner", CornerInitializer)
    assert available_initializers()["corner"].origin == "registered at runtime"
    assert isinstance(
        make_initializer({"name": "corner", "seed": 0}), CornerInitializer
    )
    with pytest.raises(
        InitializerConfigError,
        match=r"'corner' is already registered .*pass replace=True",
    ):
        register_initializer("corner", CornerInitializer)
    unregister_initializer("corner")
    assert "corner" not in available_initializers()


def test_registration_checks_name_and_class(clean_registry):
    with pytest.raises(InitializerConfigError, match="lowercase snake_case"):
        register_initializer("Corner", CornerInitializer)
    with pytest.raises(
        TypeError,
        match=r"declares name='corner'; the class attribute `name` must equal",
    ):
        register_initializer("other", CornerInitializer)
    with pytest.raises(
        TypeError, match=r"must be a subclass of ktseed\.Initializer"
    ):
        register_initializer("corner", dict)  # type: ignore[arg-type]
    abstract = type(
        "AbstractOne", (UnitCubeInitializer,), {"name": "abstract_one"}
    )
    with pytest.raises(TypeError, match="is abstract"):
        register_initializer("abstract_one", abstract)


def test_builtin_can_be_replaced_only_explicitly(clean_registry):
    class MySobol(SobolInitializer):
        name = "sobol"

    with pytest.raises(InitializerConfigError, match="already registered"):
        register_initializer("sobol", MySobol)
    register_initializer("sobol", MySobol, replace=True)
    assert get_initializer_class("sobol") is MySobol
    unregister_initializer("sobol")
    assert get_initializer_class("sobol") is SobolInitializer
    with pytest.raises(
        InitializerConfigError, match="Only initializers registered at runtime"
    ):
        unregister_initializer("lhs")


def test_plugin_is_discovered_lazily_and_used_by_name(fake_plugins):
    found, calls = fake_plugins
    found.append(
        _entry_point("corner", "ktseed_corner_plugin:CornerInitializer")
    )
    assert calls == []  # nothing read before the first lookup
    entry = available_initializers()["corner"]
    assert entry.origin == "plugin from ktseed-corner 1.2.0"
    assert entry.path == "ktseed_corner_plugin:CornerInitializer"
    init = make_initializer({"name": "corner", "n_points": 3, "seed": 0})
    assert isinstance(init, CornerInitializer)
    available_initializers()
    assert calls == [registry.ENTRY_POINT_GROUP]  # discovered once, cached


def test_plugin_cannot_replace_a_builtin(fake_plugins):
    found, _ = fake_plugins
    found.append(
        _entry_point(
            "sobol", "ktseed_corner_plugin:CornerInitializer", dist="evil-sobol"
        )
    )
    with pytest.warns(
        KtseedWarning,
        match=r"Ignoring initializer plugin 'sobol' .*from evil-sobol 1.2.0: the name is already taken by the built-in",
    ):
        entries = available_initializers()
    assert entries["sobol"].origin == "built-in"
    assert get_initializer_class("sobol") is SobolInitializer


def test_broken_plugin_names_entry_point_and_error(fake_plugins):
    found, _ = fake_plugins
    found.append(
        _entry_point(
            "broken", "ktseed_missing_module:Thing", dist="ktseed-broken"
        )
    )
    found.append(
        _entry_point("corner", "ktseed_corner_plugin:CornerInitializer")
    )
    with pytest.raises(
        PluginLoadError,
        match=r"Could not import initializer 'broken' \(entry point 'broken = ktseed_missing_module:Thing' in group 'ktseed.initializers', from ktseed-broken 1.2.0\): ModuleNotFoundError",
    ):
        make_initializer("broken")
    assert isinstance(
        make_initializer({"name": "corner", "seed": 1}), CornerInitializer
    )
    assert isinstance(make_initializer("sobol"), SobolInitializer)


def test_plugin_that_is_not_an_initializer(fake_plugins, monkeypatch):
    found, _ = fake_plugins
    sys.modules["ktseed_corner_plugin"].NotOne = object
    found.append(_entry_point("notone", "ktseed_corner_plugin:NotOne"))
    with pytest.raises(
        TypeError, match=r"must be a subclass of ktseed\.Initializer"
    ):
        make_initializer("notone")


def test_autoload_can_be_disabled(fake_plugins, monkeypatch):
    found, calls = fake_plugins
    found.append(
        _entry_point("corner", "ktseed_corner_plugin:CornerInitializer")
    )
    monkeypatch.setenv(registry.DISABLE_AUTOLOAD_ENV, "1")
    assert "corner" not in available_initializers()
    assert calls == []
    with pytest.raises(UnknownInitializerError):
        make_initializer("corner")
