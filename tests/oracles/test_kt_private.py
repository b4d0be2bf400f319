"""Fails loudly if KerasTuner renames a private seam ktseed relies on."""

from __future__ import annotations

import ast
import pathlib

import keras_tuner as kt
import pytest
from keras_tuner.oracles import HyperbandOracle

import ktseed
from ktseed.oracles import _kt_private


def test_every_private_seam_exists_in_the_installed_kerastuner():
    problems = _kt_private.check_private_api()
    assert problems == [], (
        f"keras-tuner {kt.__version__} changed private internals ktseed needs: {problems}. "
        "Update ktseed/oracles/_kt_private.py."
    )


def test_check_reports_a_renamed_method(monkeypatch):
    monkeypatch.delattr(kt.Oracle, "_random_values")
    problems = _kt_private.check_private_api()
    assert "keras_tuner Oracle._random_values (a method) is missing" in problems
    with pytest.raises(
        ImportError,
        match=r"private KerasTuner internals .*Oracle\._random_values \(a method\) is missing",
    ):
        _kt_private.assert_private_api()


def test_check_reports_a_changed_signature(monkeypatch):
    monkeypatch.setattr(
        kt.Oracle, "_duplicate", lambda self, values, extra: None
    )
    assert any(
        "Oracle._duplicate takes ['values', 'extra']" in p
        for p in _kt_private.check_private_api()
    )


def test_hyperband_draws_new_candidates_through_random_values():
    # The Hyperband design hooks _random_values; prove KerasTuner calls it.
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    oracle = HyperbandOracle(max_epochs=3, hyperparameters=hp, seed=1)
    calls = []
    oracle._random_values = lambda: calls.append(1) or {"x": 0.5}
    response = oracle.populate_space("0")
    assert calls == [1]
    assert response["values"]["x"] == 0.5


def _kerastuner_private_names() -> set[str]:
    """Every single-underscore name of KerasTuner's main classes."""
    from keras_tuner.engine.base_tuner import BaseTuner
    from keras_tuner.engine.trial import Trial
    from keras_tuner.oracles import BayesianOptimizationOracle
    from keras_tuner.oracles import RandomSearchOracle

    owners = [
        kt.Oracle,
        RandomSearchOracle,
        BayesianOptimizationOracle,
        HyperbandOracle,
        BaseTuner,
        kt.Tuner,
        kt.HyperParameters,
        Trial,
    ]
    names = {
        n
        for owner in owners
        for n in dir(owner)
        if n.startswith("_") and not n.startswith("__")
    }
    for owner in (kt.Oracle, BayesianOptimizationOracle, HyperbandOracle):
        names |= {
            n for n in _kt_private._probe_attributes(owner) if n.startswith("_")
        }
    return names


def test_the_guard_knows_kerastuner_private_names():
    names = _kerastuner_private_names()
    assert {
        "_random_values",
        "_tried_so_far",
        "_vector_to_values",
        "_retry_queue",
        "_populate_initial_space",
    } <= names


def test_no_other_module_spells_a_private_kerastuner_name():
    names = _kerastuner_private_names()
    package = pathlib.Path(ktseed.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "_kt_private.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in names
                and not node.attr.startswith("_ktseed")
            ):
                offenders.append(
                    f"{path.relative_to(package)}:{node.lineno} .{node.attr}"
                )
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                targets = [module] + [a.name for a in node.names]
                if any(t.startswith("keras_tuner.src") for t in targets):
                    offenders.append(
                        f"{path.relative_to(package)}:{node.lineno} imports keras_tuner.src"
                    )
    assert offenders == []


def test_the_import_time_check_leaves_the_global_random_state_alone():
    import random

    before = random.getstate()
    assert _kt_private.check_private_api() == []
    assert random.getstate() == before
