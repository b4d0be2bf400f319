"""An unknown hyperparameter name: a typo, or a branch KerasTuner never saw.

KerasTuner builds the model once with default values before the search
(``BaseTuner._populate_initial_space``) and explores only the branches
declared under ``hp.conditional_scope``. A hyperparameter declared inside a
plain ``if hp.Boolean(...)`` that the defaults skip is therefore not in the
space, and a fixed point that sets it names an unknown hyperparameter. The
message must say so and give the remedy, not suggest a look-alike name.
"""

from __future__ import annotations

import keras_tuner as kt
import pytest

import ktseed
from ktseed import InvalidValueError
from ktseed import SpaceCodec

from .helpers import SCORE
from .helpers import FormulaTuner
from .helpers import trial_values

POINT = {"units": 16, "use_dropout": True, "dropout_rate": 0.3}


def plain_if(hp):
    hp.Int("units", 8, 64, step=8)
    if hp.Boolean("use_dropout"):
        hp.Float("dropout_rate", 0.1, 0.5, step=0.1)


def conditional_scope(hp):
    hp.Int("units", 8, 64, step=8)
    hp.Boolean("use_dropout")
    with hp.conditional_scope("use_dropout", [True]):
        hp.Float("dropout_rate", 0.1, 0.5, step=0.1)


def seeded_search(tmp_path, hypermodel, points):
    oracle = ktseed.SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=3,
        seed=1,
        initializer={"name": "fixed", "points": points},
    )
    tuner = FormulaTuner(
        oracle=oracle,
        hypermodel=hypermodel,
        directory=str(tmp_path),
        project_name="branch",
    )
    tuner.search(verbose=0)
    return oracle


def test_a_plain_if_branch_is_explained_with_its_remedy(tmp_path):
    with pytest.raises(InvalidValueError) as info:
        seeded_search(tmp_path, plain_if, [POINT])
    message = str(info.value)
    assert "unknown hyperparameter 'dropout_rate'" in message
    assert "Did you mean" not in message  # 'use_dropout' is no typo
    assert "inside a plain `if`" in message
    assert "`if hp.Boolean('use_dropout'):`" in message
    assert "builds the model once with default values" in message
    assert "with hp.conditional_scope('use_dropout', [True]):" in message


def test_the_remedy_runs_the_point_exactly(tmp_path):
    oracle = seeded_search(tmp_path, conditional_scope, [POINT])
    assert trial_values(oracle)[0] == POINT
    assert oracle.design_trial_ids == ["0"]


def test_a_typo_still_gets_did_you_mean_and_no_branch_story():
    hp = kt.HyperParameters()
    conditional_scope(hp)
    with pytest.raises(InvalidValueError) as info:
        SpaceCodec(hp).canonicalize({"unitz": 16})
    message = str(info.value)
    assert message.endswith("Did you mean 'units'?")
    assert "conditional_scope" not in message


def test_a_choice_gate_names_a_value_the_default_skips():
    hp = kt.HyperParameters()
    if hp.Choice("optimizer", ["adam", "sgd"]) == "sgd":  # default: adam
        hp.Float("momentum", 0.0, 0.9)
    with pytest.raises(InvalidValueError) as info:
        SpaceCodec(hp).canonicalize({"momentum": 0.5})
    message = str(info.value)
    assert "`if hp.Choice('optimizer'):`" in message
    assert "with hp.conditional_scope('optimizer', ['sgd']):" in message


def test_booleans_that_default_to_false_are_the_likely_gate():
    hp = kt.HyperParameters()
    hp.Choice("activation", ["relu", "tanh"])
    hp.Boolean("batch_norm", default=True)
    hp.Boolean("use_dropout")
    with pytest.raises(InvalidValueError) as info:
        SpaceCodec(hp).canonicalize({"dropout_rate": 0.3})
    assert "hp.conditional_scope('use_dropout', [True])" in str(info.value)
    hp = kt.HyperParameters()
    hp.Boolean("batch_norm", default=True)
    with pytest.raises(InvalidValueError) as info:
        SpaceCodec(hp).canonicalize({"dropout_rate": 0.3})
    assert "hp.conditional_scope('batch_norm', [False])" in str(info.value)


def test_without_a_possible_gate_the_message_stays_short():
    hp = kt.HyperParameters()
    hp.Int("units", 8, 64, step=8)
    hp.Fixed("epochs", 3)
    hp.Choice("only", ["one"])
    with pytest.raises(InvalidValueError) as info:
        SpaceCodec(hp).canonicalize({"dropout_rate": 0.3})
    assert str(info.value) == (
        "unknown hyperparameter 'dropout_rate'; expected one of: units, "
        "epochs, only."
    )
