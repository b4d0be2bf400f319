from __future__ import annotations

import json
import shutil

import keras_tuner as kt
import numpy as np
import pytest

from ktseed import DataSourceError
from ktseed import InitializerConfigError
from ktseed import InvalidValueError
from ktseed import KtseedWarning
from ktseed import SpaceCodec
from ktseed import get_initializer_class
from ktseed import make_initializer
from ktseed.initializers import PriorRunInitializer
from ktseed.initializers.base import default_n_points
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.prior_runs import load_prior_run
from ktseed.registry import make_saved_initializer
from ktseed.testing.projects import mixed_hypermodel
from ktseed.testing.projects import mixed_score
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_hyperband_project
from ktseed.testing.projects import write_project
from ktseed.testing.projects import write_synthetic_project
from ktseed.testing.projects import write_trial_json
from tests.helpers import FormulaTuner
from tests.helpers import trial_values


def mixed_space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    mixed_hypermodel(hp)
    return hp


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Real KerasTuner projects: min and max objectives, one with failures,
    one scored on a metric other than the new objective, one Hyperband."""
    root = tmp_path_factory.mktemp("runs")
    write_project(root, "mixed", max_trials=10)
    write_project(
        root,
        "maxed",
        max_trials=6,
        objective=kt.Objective("score", "max"),
    )
    write_project(
        root,
        "failing",
        max_trials=8,
        formula=lambda v: (
            None if v["act"] == "tanh" and not v["bn"] else mixed_score(v)
        ),
    )
    write_project(
        root,
        "two_metrics",
        max_trials=5,
        objective=kt.Objective("a", "min"),
        formula=lambda v: {"a": mixed_score(v), "b": v["units"] / 100},
    )
    oracle = kt.oracles.HyperbandOracle(
        objective=kt.Objective("score", "min"), max_epochs=3, factor=3, seed=2
    )
    write_project(root, "hyperband", oracle=oracle)
    write_hyperband_project(root, "epochs")
    return root


def completed_by_score(root, name, reverse=False):
    run = load_prior_run(root, name)
    return sorted(run.scored, key=lambda t: t.score, reverse=reverse)


# ------------------------------------------------------------------ replay
def test_replay_takes_the_best_completed_trials_best_first(runs):
    init = PriorRunInitializer(runs, "mixed", top_k=3)
    points = init.generate(mixed_space())
    expected = [t.values for t in completed_by_score(runs, "mixed")[:3]]
    assert points == expected
    assert init.size_hint() == 3
    codec = SpaceCodec(mixed_space())
    for point in points:
        codec.validate(point)
    json.dumps(points)


def test_replay_follows_a_max_objective(runs):
    points = PriorRunInitializer(runs, "maxed", top_k=2).generate(mixed_space())
    assert points == [
        t.values for t in completed_by_score(runs, "maxed", reverse=True)[:2]
    ]


def test_replay_design_size(runs):
    space = mixed_space()
    dimension = SpaceCodec(space).dimension
    init = PriorRunInitializer(runs, "mixed")
    assert init.size_hint() is None
    assert default_n_points(dimension) > 10
    assert len(init.generate(space)) == 10  # every trial of the project
    assert len(init.generate(space, max_trials=9)) == 3
    assert (
        len(
            PriorRunInitializer(runs, "mixed", top_k=4, n_points=2).generate(
                space
            )
        )
        == 2
    )
    assert (
        len(
            PriorRunInitializer(runs, "mixed", top_k=2, n_points=5).generate(
                space
            )
        )
        == 2
    )
    # A design never holds more trials than the project has.
    assert (
        len(PriorRunInitializer(runs, "mixed", top_k=50).generate(space)) == 10
    )


def test_replay_ties_are_broken_by_trial_id(tmp_path):
    for trial_id, score in [("4", 1.0), ("11", 1.0), ("2", 1.0), ("3", 0.5)]:
        write_trial_json(
            tmp_path / "p",
            trial_id,
            trial_state(trial_id, {"x": int(trial_id)}, score),
        )
    hp = kt.HyperParameters()
    hp.Int("x", 0, 20)
    points = PriorRunInitializer(tmp_path, "p", top_k=4).generate(hp)
    assert [p["x"] for p in points] == [3, 2, 4, 11]


def test_replay_of_a_hyperband_project_strips_tuner_keys(runs):
    run = load_prior_run(runs, "hyperband")
    raw = json.loads(
        (runs / "hyperband" / "trial_0000" / "trial.json").read_text()
    )
    assert any(k.startswith("tuner/") for k in raw["hyperparameters"]["values"])
    # Hyperband's promoted trials repeat their parent's values.
    with pytest.warns(
        KtseedWarning,
        match=r"identical to a trial trained for more epochs \(or as many, with a better score\) once mapped",
    ):
        points = PriorRunInitializer(runs, "hyperband", top_k=3).generate(
            mixed_space()
        )
    assert len(points) == 3
    assert all(not k.startswith("tuner/") for p in points for k in p)
    assert (
        points[0]
        == min(run.scored, key=lambda t: (t.score, int(t.trial_id))).values
    )


# --------------------------------------------------------------- hyperband
def most_epochs_per_configuration(run):
    """The trial with the most epochs of each configuration, by trial id."""
    chosen = {}
    for trial in run.scored:
        key = json.dumps(trial.values, sort_keys=True)
        if key not in chosen or trial.epochs > chosen[key].epochs:
            chosen[key] = trial
    return sorted(chosen.values(), key=lambda t: int(t.trial_id))


def test_hyperband_promotions_use_the_trial_with_the_most_epochs(runs):
    run = load_prior_run(runs, "epochs")
    promoted = [t for t in run.trials if t.round]
    assert promoted, "the fixture needs a promoted configuration"
    used = most_epochs_per_configuration(run)
    # The fixture's scores grow with the epochs, so the best score of a
    # promoted configuration is its 1-epoch trial: the wrong one.
    for trial in promoted:
        parent = next(
            t
            for t in run.trials
            if t.values == trial.values and t.epochs < trial.epochs
        )
        assert parent.score < trial.score and trial in used
    init = PriorRunInitializer(
        runs, "epochs", mode="observe", allow_mixed_budgets=True
    )
    with pytest.warns(
        KtseedWarning,
        match=rf"using {len(used)} of {len(run.trials)} trial\(s\) .*; not used: {len(promoted)} identical to a trial trained for more epochs \(or as many, with a better score\) once mapped to the new search space\.$",
    ):
        observations = init.observations(
            mixed_space(), kt.Objective("score", "min")
        )
    assert observations == [(t.values, t.score) for t in used]


def test_observe_refuses_mixed_epoch_budgets(runs):
    run = load_prior_run(runs, "epochs")
    used = most_epochs_per_configuration(run)
    ones = sum(t.epochs == 1 for t in used)
    threes = sum(t.epochs == 3 for t in used)
    assert ones and threes
    init = PriorRunInitializer(runs, "epochs", mode="observe")
    with pytest.raises(
        DataSourceError,
        match=rf"^initializer 'prior_run': the usable trials of prior run '.*epochs' were trained for different epoch budgets \(1 epoch: {ones} trials?, 3 epochs: {threes} trials?; Hyperband stops most configurations after few epochs\), so their scores are not comparable and the new search's model would take them as equals\. Use mode='replay' to run the best configurations again, or pass allow_mixed_budgets=True to observe them anyway\.$",
    ):
        init.observations(mixed_space(), kt.Objective("score", "min"))


def test_replay_warns_about_mixed_epoch_budgets(runs):
    run = load_prior_run(runs, "epochs")
    used = most_epochs_per_configuration(run)
    best = sorted(used, key=lambda t: t.score)
    ones = sum(t.epochs == 1 for t in used)
    threes = sum(t.epochs == 3 for t in used)
    with pytest.warns(KtseedWarning) as record:
        points = PriorRunInitializer(runs, "epochs", top_k=3).generate(
            mixed_space()
        )
    assert points == [t.values for t in best[:3]]
    (warning,) = record
    assert str(warning.message).endswith(
        f" The ranked trials were trained for different epoch budgets (1 "
        f"epoch: {ones} trial{'s' if ones > 1 else ''}, 3 epochs: {threes} "
        f"trial{'s' if threes > 1 else ''}; Hyperband stops most "
        "configurations after few epochs), so scores after fewer epochs "
        "were ranked with scores after more. Pass allow_mixed_budgets=True "
        "to accept this."
    )
    with pytest.warns(KtseedWarning) as record:
        PriorRunInitializer(
            runs, "epochs", top_k=3, allow_mixed_budgets=True
        ).generate(mixed_space())
    assert "epoch budgets" not in str(record[0].message)


def test_duplicates_keep_the_most_epochs_then_the_best_score(tmp_path):
    for trial_id, x, epochs, score in [
        ("0", 1, 1, 0.2),  # promoted twice: 1, then 3 epochs
        ("1", 2, 1, 0.6),  # promoted once
        ("2", 1, 3, 0.9),
        ("3", 2, 3, 0.7),
        ("4", 3, 3, 0.5),  # a 3-epoch bracket
        ("5", 3, 3, 0.4),  # the same configuration again, better
    ]:
        values = {"x": x, "tuner/epochs": epochs, "tuner/round": 0}
        write_trial_json(
            tmp_path / "p", trial_id, trial_state(trial_id, values, score)
        )
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    init = PriorRunInitializer(tmp_path, "p", mode="observe")
    with pytest.warns(KtseedWarning, match=r"using 3 of 6 trial\(s\)"):
        observations = init.observations(hp, kt.Objective("score", "min"))
    # Every used trial has 3 epochs: no mixed budgets, so no refusal.
    assert observations == [({"x": 1}, 0.9), ({"x": 2}, 0.7), ({"x": 3}, 0.4)]


def test_failed_trials_are_counted_in_the_warning(runs):
    run = load_prior_run(runs, "failing")
    failed = run.status_counts()["FAILED"]
    assert failed >= 1
    with pytest.warns(KtseedWarning) as record:
        points = PriorRunInitializer(runs, "failing", top_k=2).generate(
            mixed_space()
        )
    (warning,) = record
    text = str(warning.message)
    assert text.startswith(
        f"initializer 'prior_run': using 2 of 8 trial(s) of prior run '{runs / 'failing'}'"
    )
    assert f"{failed} not COMPLETED (FAILED: {failed})" in text
    assert f"{8 - failed - 2} not among the best 2" in text
    assert points == [t.values for t in completed_by_score(runs, "failing")[:2]]


def test_direction_that_cannot_be_inferred(tmp_path):
    for trial_id in ("0", "1"):
        state = trial_state(trial_id, {"x": int(trial_id)}, 1.0)
        state["score"] = 5.0 + int(trial_id)  # not the 'score' metric
        write_trial_json(tmp_path / "p", trial_id, state)
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    with pytest.raises(
        DataSourceError,
        match=r"cannot tell the direction of prior run '.*p''s objective: no recorded metric's best value matches every score\. Pass direction='min' or direction='max'",
    ):
        PriorRunInitializer(tmp_path, "p").generate(hp)
    points = PriorRunInitializer(tmp_path, "p", direction="max").generate(hp)
    assert [p["x"] for p in points] == [1, 0]


def test_explicit_direction_overrides_the_inferred_one(runs):
    points = PriorRunInitializer(
        runs, "mixed", top_k=2, direction="max"
    ).generate(mixed_space())
    assert points == [
        t.values for t in completed_by_score(runs, "mixed", reverse=True)[:2]
    ]


# ----------------------------------------------------------------- observe
def test_observe_mode_has_an_empty_design_and_returns_every_trial(runs):
    init = PriorRunInitializer(runs, "mixed", mode="observe")
    assert init.size_hint() == 0
    assert init.generate(mixed_space()) == []
    observations = init.observations(
        mixed_space(), kt.Objective("score", "min")
    )
    run = load_prior_run(runs, "mixed")
    assert observations == [(t.values, t.score) for t in run.trials]
    assert all(type(score) is float for _, score in observations)


def test_observations_accept_a_codec_and_map_to_the_new_space(runs):
    hp = kt.HyperParameters()
    hp.Int("units", 32, 256, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    init = PriorRunInitializer(runs, "mixed", mode="observe")
    with pytest.warns(
        KtseedWarning,
        match=r"Dropped hyperparameters the new space does not have: dropout, act, bn, epochs, layers, units_2\.",
    ):
        observations = init.observations(
            SpaceCodec(hp), kt.Objective("score", "min")
        )
    run = load_prior_run(runs, "mixed")
    assert observations == [
        ({"units": t.values["units"], "lr": t.values["lr"]}, t.score)
        for t in run.trials
    ]


@pytest.fixture(scope="module")
def large_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    write_synthetic_project(root, "large", 300, seed=4)
    return root


def test_observations_are_capped_by_max_observations(large_project):
    run = load_prior_run(large_project, "large")
    space = run.hyperparameters()
    ranked = sorted(run.scored, key=lambda t: (t.score, int(t.trial_id)))
    best, others = ranked[:100], sorted(ranked[100:], key=lambda t: t.trial_id)
    spread = others[1::2]  # 100 spread evenly over the 200 others
    init = PriorRunInitializer(large_project, "large", mode="observe")
    assert init.max_observations == 200
    with pytest.warns(KtseedWarning) as record:
        observations = init.observations(space, kt.Objective("score", "min"))
    (warning,) = record
    assert str(warning.message) == (
        f"initializer 'prior_run': using 200 of 300 trial(s) of prior run "
        f"'{large_project / 'large'}'; not used: 100 beyond "
        "max_observations=200 (kept the 100 best and 100 spread evenly over "
        "the others in trial-id order; max_observations=None observes every "
        "trial, at a cost that grows quickly with their number)."
    )
    expected = sorted(best + spread, key=lambda t: t.trial_id)
    assert observations == [(t.values, t.score) for t in expected]
    with pytest.warns(KtseedWarning):
        again = init.observations(space, kt.Objective("score", "min"))
    assert again == observations  # deterministic

    small = PriorRunInitializer(
        large_project, "large", mode="observe", max_observations=3
    )
    with pytest.warns(KtseedWarning, match=r"kept the 2 best and 1 spread"):
        three = small.observations(space, kt.Objective("score", "min"))
    middle = sorted(ranked[2:], key=lambda t: t.trial_id)[149]
    assert three == [
        (t.values, t.score)
        for t in sorted([*ranked[:2], middle], key=lambda t: t.trial_id)
    ]

    unlimited = PriorRunInitializer(
        large_project, "large", mode="observe", max_observations=None
    )
    everything = unlimited.observations(space, kt.Objective("score", "min"))
    assert everything == [(t.values, t.score) for t in run.trials]


def test_max_observations_keeps_the_best_by_the_prior_direction(tmp_path):
    for trial_id in range(6):
        write_trial_json(
            tmp_path / "p",
            str(trial_id),
            trial_state(
                str(trial_id), {"x": trial_id}, float(trial_id), direction="max"
            ),
        )
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    init = PriorRunInitializer(
        tmp_path, "p", mode="observe", max_observations=3
    )
    with pytest.warns(KtseedWarning, match=r"kept the 2 best and 1 spread"):
        observations = init.observations(hp, kt.Objective("score", "max"))
    # The two best by max (5, 4), then the middle of 0..3 in trial order.
    assert [v["x"] for v, _ in observations] == [2, 4, 5]


def test_the_seeded_bayesian_oracle_stores_the_capped_observations(
    large_project, tmp_path
):
    space = load_prior_run(large_project, "large").hyperparameters()
    oracle = SeededBayesianOptimizationOracle(
        objective=kt.Objective("score", "min"),
        max_trials=1,
        seed=1,
        hyperparameters=space,
        initializer={
            "name": "prior_run",
            "directory": str(large_project),
            "project_name": "large",
            "mode": "observe",
        },
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="search"
    )
    with pytest.warns(KtseedWarning, match=r"beyond max_observations=200"):
        tuner.search(verbose=0)
    state = json.loads((tmp_path / "search" / "oracle.json").read_text())
    assert len(state["ktseed"]["observations"]) == 200
    assert state["ktseed"]["initializer"]["max_observations"] == 200


def test_replay_mode_has_no_observations(runs):
    init = PriorRunInitializer(runs, "mixed")
    assert init.observations(mixed_space(), kt.Objective("score", "min")) == []


@pytest.mark.parametrize(
    ("project", "objective", "reason"),
    [
        (
            "mixed",
            kt.Objective("score", "max"),
            r"prior run '.*mixed' was scored on Objective\(name='score', direction='min'\), but the new objective is Objective\(name='score', direction='max'\) \(trial 00 recorded 'score' with direction 'min'\)",
        ),
        (
            "mixed",
            kt.Objective("val_loss", "min"),
            r"scored on Objective\(name='score', direction='min'\), but the new objective is Objective\(name='val_loss', direction='min'\) \(trial 00 recorded no metric 'val_loss' \(its metrics: score\)\)",
        ),
        (
            "two_metrics",
            kt.Objective("b", "min"),
            r"scored on Objective\(name='a', direction='min'\), but the new objective is Objective\(name='b', direction='min'\) \(trial 0 has score .* but its best 'b' is .*, so its score measured another metric\)",
        ),
    ],
)
def test_observe_refuses_another_objective(runs, project, objective, reason):
    init = PriorRunInitializer(runs, project, mode="observe")
    with pytest.raises(
        DataSourceError,
        match=reason + r"\. .*pass allow_objective_mismatch=True",
    ):
        init.observations(mixed_space(), objective)


def test_allow_objective_mismatch_uses_the_recorded_scores(runs):
    init = PriorRunInitializer(
        runs, "two_metrics", mode="observe", allow_objective_mismatch=True
    )
    observations = init.observations(mixed_space(), kt.Objective("b", "min"))
    run = load_prior_run(runs, "two_metrics")
    assert [score for _, score in observations] == [t.score for t in run.trials]
    assert observations[0][1] == mixed_score(run.trials[0].values)


def test_observations_need_an_objective(runs):
    init = PriorRunInitializer(runs, "mixed", mode="observe")
    with pytest.raises(
        InitializerConfigError,
        match=r"`objective` must be a keras_tuner\.Objective",
    ):
        init.observations(mixed_space(), "score")


# -------------------------------------------------------------- space drift
def drifted_space() -> kt.HyperParameters:
    """Drops 'bn', adds 'momentum', narrows 'units' to 32..128."""
    hp = kt.HyperParameters()
    hp.Int("units", 32, 128, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("act", ["relu", "tanh"])
    hp.Fixed("epochs", 3)
    hp.Float("momentum", 0.5, 0.9, default=0.9)
    hp.Choice("layers", [1, 2])
    with hp.conditional_scope("layers", [2]):
        hp.Int("units_2", 8, 64, sampling="log")
    return hp


def test_space_drift_is_reported_and_handled(runs):
    run = load_prior_run(runs, "mixed")
    too_wide = [t for t in run.trials if t.values["units"] > 128]
    assert too_wide, "the fixture needs trials outside the narrowed range"
    init = PriorRunInitializer(runs, "mixed", mode="observe")
    with pytest.warns(KtseedWarning) as record:
        observations = init.observations(
            drifted_space(), kt.Objective("score", "min")
        )
    text = str(record[0].message)
    used = len(observations)
    assert f"using {used} of 10 trial(s)" in text
    assert (
        f"{len(too_wide)} with values the new search space rejects (first: trial {too_wide[0].trial_id}: hyperparameter 'units' (Int) got {too_wide[0].values['units']}: outside the range"
        in text
    )
    assert "Dropped hyperparameters the new space does not have: bn." in text
    assert (
        "Hyperparameters new in this space take their default: momentum."
        in text
    )
    for values, _ in observations:
        assert "bn" not in values and values["momentum"] == 0.9
        assert values["units"] <= 128


def test_space_drift_raises_with_on_invalid_raise(runs):
    run = load_prior_run(runs, "mixed")
    first = next(t for t in run.trials if t.values["units"] > 128)
    init = PriorRunInitializer(runs, "mixed", top_k=10, on_invalid="raise")
    with pytest.raises(InvalidValueError) as info:
        init.generate(drifted_space())
    message = str(info.value)
    assert message.startswith(
        f"initializer 'prior_run': prior trial {first.trial_id} ('{first.path}'): hyperparameter 'units' (Int) got {first.values['units']}: outside the range"
    )
    assert "pass on_invalid='skip' to leave such trials out" in message
    assert info.value.hp_name == "units"


def test_trials_identical_in_the_new_space_are_used_once(tmp_path):
    for trial_id, values, score in [
        ("0", {"x": 1, "y": 1}, 3.0),
        ("1", {"x": 1, "y": 2}, 1.0),
        ("2", {"x": 2, "y": 1}, 2.0),
    ]:
        write_trial_json(
            tmp_path / "p", trial_id, trial_state(trial_id, values, score)
        )
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    init = PriorRunInitializer(tmp_path, "p", mode="observe")
    with pytest.warns(
        KtseedWarning,
        match=r"using 2 of 3 trial\(s\) .*; not used: 1 identical to a better trial once mapped to the new search space\. Dropped hyperparameters the new space does not have: y\.",
    ):
        observations = init.observations(hp, kt.Objective("score", "min"))
    assert observations == [({"x": 1}, 1.0), ({"x": 2}, 2.0)]


def test_no_usable_trial_is_an_error(runs):
    hp = kt.HyperParameters()
    hp.Int("units", 1000, 2000)
    with pytest.raises(
        DataSourceError,
        match=r"none of the 10 trial\(s\) of prior run '.*mixed' can be used: 10 with values the new search space rejects \(first: trial 00: hyperparameter 'units' \(Int\) got \d+: outside the range; expected an integer in \[1000, 2000\] \| trial 01: ",
    ):
        PriorRunInitializer(runs, "mixed").generate(hp)


# ------------------------------------------------------------------ errors
def test_no_completed_trials(tmp_path):
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {"x": 1}, None, status="FAILED")
    )
    write_trial_json(
        tmp_path / "p", "1", trial_state("1", {"x": 2}, None, status="RUNNING")
    )
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    pattern = r"prior run '.*p' has no COMPLETED trial \(2 trial\(s\); FAILED: 1, RUNNING: 1\)"
    with pytest.raises(DataSourceError, match=pattern):
        PriorRunInitializer(tmp_path, "p").generate(hp)
    with pytest.raises(DataSourceError, match=pattern):
        PriorRunInitializer(tmp_path, "p", mode="observe").observations(
            hp, kt.Objective("score", "min")
        )


def test_completed_trials_without_a_finite_score_are_not_used(tmp_path):
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {"x": 1}, float("inf"))
    )
    write_trial_json(tmp_path / "p", "1", trial_state("1", {"x": 2}, 1.0))
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    with pytest.warns(
        KtseedWarning,
        match=r"using 1 of 2 trial\(s\).*not used: 1 COMPLETED without a finite score",
    ):
        assert PriorRunInitializer(tmp_path, "p").generate(hp) == [{"x": 2}]


def test_missing_project_fails_at_construction(runs, tmp_path):
    with pytest.raises(
        DataSourceError,
        match=r"directory '.*' has no project 'mixd'.*Did you mean 'mixed'\?",
    ):
        PriorRunInitializer(runs, "mixd")
    with pytest.raises(
        DataSourceError, match=r"directory '.*nowhere' not found"
    ):
        PriorRunInitializer(tmp_path / "nowhere", "p")
    # Rebuilt from a saved config (a resumed search): checked when read.
    init = make_saved_initializer(
        {
            "name": "prior_run",
            "directory": str(tmp_path / "nowhere"),
            "project_name": "p",
        }
    )
    with pytest.raises(
        DataSourceError, match=r"directory '.*nowhere' not found"
    ):
        init.generate(mixed_space())


@pytest.mark.parametrize(
    "where",
    [{"project_name": "nope"}, {"directory": "nowhere", "project_name": "p"}],
    ids=["missing-project", "missing-directory"],
)
def test_a_dict_is_checked_when_the_search_is_built(runs, tmp_path, where):
    directory = (
        str(tmp_path / where["directory"])
        if "directory" in where
        else str(runs)
    )
    spec = {
        "name": "prior_run",
        "directory": directory,
        "project_name": where["project_name"],
    }
    with pytest.raises(DataSourceError) as instance_error:
        PriorRunInitializer(directory, where["project_name"])
    message = str(instance_error.value)
    assert "pass check_exists=False" in message
    with pytest.raises(DataSourceError) as dict_error:
        make_initializer(spec)
    assert str(dict_error.value) == message
    with pytest.raises(DataSourceError) as oracle_error:
        SeededRandomSearchOracle(
            objective=kt.Objective("score", "min"),
            max_trials=4,
            hyperparameters=mixed_space(),
            initializer=spec,
        )
    assert str(oracle_error.value) == message
    with pytest.raises(DataSourceError) as chain_error:
        make_initializer({"name": "chain", "members": [spec, "sobol"]})
    assert message in str(chain_error.value)
    # Asked not to check, or rebuilt from a saved search: no error yet.
    unchecked = make_initializer({**spec, "check_exists": False})
    assert make_saved_initializer(spec) == unchecked
    assert PriorRunInitializer.from_saved_config(spec) == unchecked


def test_corrupt_trial_surfaces_from_generate(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {"x": 1}, 1.0))
    path = write_trial_json(tmp_path / "p", "1", "{")
    init = PriorRunInitializer(tmp_path, "p")
    hp = kt.HyperParameters()
    hp.Int("x", 0, 5)
    with pytest.raises(DataSourceError, match=rf"corrupt trial file '{path}'"):
        init.generate(hp)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"directory": 3},
            r"`directory` must be a path \(str or os\.PathLike\); got 3 of type int",
        ),
        (
            {"project_name": ""},
            r"`project_name` must be a non-empty string \(got ''\)",
        ),
        (
            {"mode": "warm"},
            r"`mode` must be 'replay' or 'observe' \(got 'warm'\)",
        ),
        ({"top_k": 0}, r"`top_k` must be a positive integer or None \(got 0\)"),
        (
            {"top_k": True},
            r"`top_k` must be a positive integer or None \(got True\)",
        ),
        (
            {"direction": "down"},
            r"`direction` must be 'min', 'max' or None \(got 'down'\)",
        ),
        (
            {"on_invalid": "ignore"},
            r"`on_invalid` must be 'skip' or 'raise' \(got 'ignore'\)",
        ),
        (
            {"allow_objective_mismatch": 1},
            r"`allow_objective_mismatch` must be True or False \(got 1\)",
        ),
        ({"check_exists": "no"}, r"`check_exists` must be True or False"),
        (
            {"max_observations": 0},
            r"`max_observations` must be a positive integer or None for no limit \(got 0\)",
        ),
        (
            {"max_observations": True},
            r"`max_observations` must be a positive integer or None for no limit \(got True\)",
        ),
        (
            {"max_observations": 2.5},
            r"`max_observations` must be a positive integer or None",
        ),
        (
            {"allow_mixed_budgets": "yes"},
            r"`allow_mixed_budgets` must be True or False \(got 'yes'\)",
        ),
        (
            {"mode": "observe", "top_k": 3},
            r"`top_k` and `n_points` size the replayed design; with mode='observe' the design is empty",
        ),
        (
            {"mode": "observe", "n_points": 3},
            r"`top_k` and `n_points` size the replayed design",
        ),
        ({"n_points": 0}, r"`n_points` must be a positive integer \(got 0\)"),
    ],
)
def test_constructor_validates_eagerly(tmp_path, kwargs, pattern):
    arguments = {
        "directory": tmp_path,
        "project_name": "p",
        "check_exists": False,
        **kwargs,
    }
    with pytest.raises(
        InitializerConfigError, match=r"initializer 'prior_run': " + pattern
    ):
        PriorRunInitializer(**arguments)


def test_constructor_checks_normalise_and_suggest(tmp_path):
    # The shared checks: NumPy integers become native ints (the config
    # goes to oracle.json), and a near miss gets a "did you mean".
    init = PriorRunInitializer(
        tmp_path,
        "p",
        top_k=np.int64(3),
        max_observations=np.int32(5),
        check_exists=False,
    )
    config = init.get_config()
    assert type(config["top_k"]) is int and config["top_k"] == 3
    assert type(config["max_observations"]) is int
    assert json.loads(json.dumps(config)) == config
    with pytest.raises(
        InitializerConfigError,
        match=r"`mode` must be 'replay' or 'observe' \(got 'replai'\)\. Did you mean 'replay'\?$",
    ):
        PriorRunInitializer(tmp_path, "p", mode="replai", check_exists=False)


def test_config_round_trip(runs):
    init = PriorRunInitializer(
        runs,
        "mixed",
        mode="observe",
        on_invalid="raise",
        allow_objective_mismatch=True,
        max_observations=None,
        allow_mixed_budgets=True,
    )
    config = json.loads(json.dumps(init.get_config()))
    assert config == {
        "name": "prior_run",
        "n_points": None,
        "directory": str(runs),
        "project_name": "mixed",
        "mode": "observe",
        "top_k": None,
        "direction": None,
        "on_invalid": "raise",
        "allow_objective_mismatch": True,
        "max_observations": None,
        "allow_mixed_budgets": True,
    }
    assert make_initializer(config) == init
    assert PriorRunInitializer.from_config(config) == init
    replay = PriorRunInitializer(
        runs, "mixed", top_k=3, direction="min", n_points=2
    )
    defaults = replay.get_config()
    assert defaults["max_observations"] == 200
    assert defaults["allow_mixed_budgets"] is False
    assert (
        make_initializer(json.loads(json.dumps(replay.get_config()))) == replay
    )


def test_registered_as_prior_run(clean_registry):
    assert get_initializer_class("prior_run") is PriorRunInitializer


@pytest.mark.parametrize("mode", ["replay", "observe"])
def test_a_resumed_search_needs_no_prior_project(tmp_path, mode):
    """A search crashed midway resumes after its prior project is deleted:
    its design and observations are saved, and the saved initializer is
    rebuilt without looking for the project."""
    prior = tmp_path / "prior"
    write_project(prior, "mixed", max_trials=8, seed=4)
    spec = {
        "name": "prior_run",
        "directory": str(prior),
        "project_name": "mixed",
        "mode": mode,
        **({"top_k": 4} if mode == "replay" else {}),
    }

    def build(spec):
        common = {
            "objective": kt.Objective("score", "min"),
            "max_trials": 7,
            "seed": 3,
            "hyperparameters": mixed_space(),
            "initializer": spec,
        }
        if mode == "observe":
            # The 8 observations count as initial points: stay random.
            return SeededBayesianOptimizationOracle(
                num_initial_points=50, **common
            )
        return SeededRandomSearchOracle(**common)

    calls = []

    def formula(values):
        calls.append(values)
        if len(calls) == 3:
            raise KeyboardInterrupt  # a crash in the third trial
        return mixed_score(values)

    def tuner(oracle, overwrite):
        return FormulaTuner(
            oracle=oracle,
            formula=formula,
            directory=str(tmp_path / "runs"),
            project_name="search",
            overwrite=overwrite,
        )

    crashed = build(spec)
    with pytest.raises(KeyboardInterrupt):
        tuner(crashed, overwrite=True).search(verbose=0)
    design, saved = crashed.design, crashed.initializer
    assert len(design) == (4 if mode == "replay" else 0)
    shutil.rmtree(prior)

    # The same script again: the dict is checked when the search is built.
    with pytest.raises(DataSourceError, match=r"pass check_exists=False\.\)$"):
        build(spec)
    oracle = build({**spec, "check_exists": False})
    tuner(oracle, overwrite=False).search(verbose=0)
    assert oracle.initializer == saved  # rebuilt from the saved config
    assert oracle.design == design
    assert len(oracle.trials) == 7
    assert {t.status for t in oracle.trials.values()} == {"COMPLETED"}
    ids = oracle.design_trial_ids
    assert [oracle.design_index(t) for t in ids] == list(range(len(design)))
    assert trial_values(oracle)[: len(design)] == design
    ran = [json.dumps(v, sort_keys=True) for v in trial_values(oracle)]
    assert len(set(ran)) == 7  # no configuration twice
    assert len(calls) == 8 and calls[3] == calls[2]  # the crashed trial re-ran
