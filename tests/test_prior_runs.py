from __future__ import annotations

import json
import math

import keras_tuner as kt
import pytest
from keras_tuner.engine.trial import Trial

from ktseed import DataSourceError
from ktseed import SpaceCodec
from ktseed.prior_runs import PriorRun
from ktseed.prior_runs import check_project
from ktseed.prior_runs import load_prior_run
from ktseed.prior_runs import trial_sort_key
from ktseed.testing.projects import epoch_score
from ktseed.testing.projects import mixed_score
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_hyperband_project
from ktseed.testing.projects import write_project
from ktseed.testing.projects import write_synthetic_project
from ktseed.testing.projects import write_trial_json


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    write_project(root, "mixed", max_trials=6)
    return root


def test_reads_a_real_project_like_keras_tuner(project):
    run = load_prior_run(project, "mixed")
    assert isinstance(run, PriorRun)
    assert [t.trial_id for t in run.trials] == ["0", "1", "2", "3", "4", "5"]
    assert run.oracle_file == str(project / "mixed" / "oracle.json")
    codec = SpaceCodec(run.hyperparameters())
    for record in run.trials:
        trial = Trial.load(record.path)
        assert record.status == trial.status == "COMPLETED"
        # The same values, float grid values spelled as ktseed does (0.3
        # where KerasTuner's arithmetic recorded 0.30000000000000004).
        assert record.values == codec.canonicalize(trial.hyperparameters.values)
        assert record.score == trial.score == mixed_score(record.values)
        assert record.best_step == trial.best_step
        assert record.metric_directions == {"score": "min"}
        assert record.metrics[
            "score"
        ].best_value == trial.metrics.get_best_value("score")
    assert run.space_names() == [
        "units",
        "lr",
        "dropout",
        "act",
        "bn",
        "epochs",
        "layers",
        "units_2",
    ]
    hps = run.hyperparameters()
    assert isinstance(hps, kt.HyperParameters)
    assert [hp.name for hp in hps.space] == run.space_names()
    assert run.objective_candidates() == {"score": "min"}
    assert run.infer_direction() == "min"
    assert run.objective_mismatch("score", "min") is None


def test_ranked_is_best_first_with_trial_id_ties(tmp_path):
    project = tmp_path / "p"
    for trial_id, score in [("3", 1.0), ("10", 0.5), ("2", 1.0), ("9", 2.0)]:
        write_trial_json(
            project, trial_id, trial_state(trial_id, {"x": 1}, score)
        )
    run = load_prior_run(tmp_path, "p")
    assert [t.trial_id for t in run.trials] == ["2", "3", "9", "10"]
    assert [t.trial_id for t in run.ranked("min")] == ["10", "2", "3", "9"]
    assert [t.trial_id for t in run.ranked("max")] == ["9", "2", "3", "10"]
    with pytest.raises(
        ValueError, match=r"`direction` must be 'min' or 'max' \(got 'up'\)"
    ):
        run.ranked("up")


def test_trial_sort_key_is_numeric_then_text():
    ids = ["10", "9", "09", "b", "a", "0"]
    assert sorted(ids, key=trial_sort_key) == ["0", "09", "9", "10", "a", "b"]


def test_tuner_keys_are_stripped_and_missing_trial_json_ignored(tmp_path):
    values = {
        "x": 1,
        "tuner/epochs": 3,
        "tuner/trial_id": "0",
        "tuner/round": 1,
    }
    write_trial_json(tmp_path / "p", "0", trial_state("0", values, 1.0))
    (tmp_path / "p" / "trial_1").mkdir()  # as KerasTuner's glob, ignored
    (tmp_path / "p" / "trial_note.txt").write_text("not a directory")
    run = load_prior_run(tmp_path, "p")
    assert [t.values for t in run.trials] == [{"x": 1}]
    assert [(t.epochs, t.round) for t in run.trials] == [(3, 1)]
    assert run.oracle_file is None and run.hyperparameters() is None
    assert run.space_names() == ["x"]


def test_other_oracles_record_no_epoch_budget(project):
    run = load_prior_run(project, "mixed")
    assert all(t.epochs is None and t.round is None for t in run.trials)


def test_a_real_hyperband_project_keeps_its_budgets(tmp_path):
    write_hyperband_project(tmp_path, "hb")
    run = load_prior_run(tmp_path, "hb")
    codec = SpaceCodec(run.hyperparameters())
    for record in run.trials:
        trial = Trial.load(record.path)
        values = trial.hyperparameters.values
        assert record.epochs == values["tuner/epochs"]
        assert record.round == values["tuner/round"]
        assert record.values == codec.canonicalize(
            {k: v for k, v in values.items() if not k.startswith("tuner/")}
        )
        assert record.score == epoch_score(values)
    assert {t.epochs for t in run.trials} == {1, 3}
    assert {t.round for t in run.trials} == {0, 1}
    assert all(t.epochs == 3 for t in run.trials if t.round == 1)


def test_metric_best_value_follows_metric_history(tmp_path):
    observations = [
        {"value": [1.0, 3.0], "step": 0},  # mean 2
        {"value": [float("nan")], "step": 1},
        {"value": 4.0, "step": 2},
    ]
    metrics = {
        "acc": {"direction": "max", "observations": observations},
        "loss": {"direction": "min", "observations": observations},
        "empty": {"direction": "min", "observations": []},
    }
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {}, 4.0, metrics=metrics)
    )
    (trial,) = load_prior_run(tmp_path, "p").trials
    assert trial.metrics["acc"].best_value == 4.0
    assert trial.metrics["loss"].best_value == 2.0
    assert trial.metrics["empty"].best_value is None
    run = load_prior_run(tmp_path, "p")
    assert run.objective_candidates() == {"acc": "max"}
    assert run.infer_direction() == "max"


def test_objective_mismatch_names_the_reason(tmp_path):
    metrics = {
        "a": {
            "direction": "min",
            "observations": [{"value": [1.0], "step": 0}],
        },
        "b": {
            "direction": "max",
            "observations": [{"value": [5.0], "step": 0}],
        },
    }
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {}, 1.0, metrics=metrics)
    )
    run = load_prior_run(tmp_path, "p")
    assert run.objective_mismatch("a", "min") is None
    assert (
        run.objective_mismatch("c", "min")
        == "trial 0 recorded no metric 'c' (its metrics: a, b)"
    )
    assert (
        run.objective_mismatch("a", "max")
        == "trial 0 recorded 'a' with direction 'min'"
    )
    assert run.objective_mismatch("b", "max") == (
        "trial 0 has score 1.0 but its best 'b' is 5.0, so its score measured another metric"
    )
    assert run.describe_objective() == "Objective(name='a', direction='min')"


def test_inconsistent_scores_leave_the_objective_unknown(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    state = trial_state("1", {}, 2.0)
    state["score"] = 7.0  # e.g. a custom score_trial
    write_trial_json(tmp_path / "p", "1", state)
    run = load_prior_run(tmp_path, "p")
    assert run.objective_candidates() == {}
    assert run.infer_direction() is None
    assert (
        run.describe_objective()
        == "an objective that matches none of its recorded metrics"
    )


def test_status_counts_and_scored(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    write_trial_json(
        tmp_path / "p", "1", trial_state("1", {}, None, status="FAILED")
    )
    write_trial_json(tmp_path / "p", "2", trial_state("2", {}, float("inf")))
    run = load_prior_run(tmp_path, "p")
    assert run.status_counts() == {"COMPLETED": 2, "FAILED": 1}
    assert [t.trial_id for t in run.completed] == ["0", "2"]
    assert [t.trial_id for t in run.scored] == ["0"]


# ------------------------------------------------------------------ errors
def test_missing_directory(tmp_path):
    with pytest.raises(
        DataSourceError, match=r"prior run: directory '.*nowhere' not found"
    ):
        load_prior_run(tmp_path / "nowhere", "p")
    (tmp_path / "file").write_text("")
    with pytest.raises(
        DataSourceError, match=r"directory '.*file' is not a directory"
    ):
        load_prior_run(tmp_path / "file", "p")


def test_missing_project_lists_the_projects_found(project):
    with pytest.raises(
        DataSourceError,
        match=r"directory '.*' has no project 'mixd'; projects found there: mixed\. Did you mean 'mixed'\?",
    ):
        load_prior_run(project, "mixd")
    with pytest.raises(DataSourceError, match=r"has no project 'mixd'"):
        check_project(project, "mixd")
    assert check_project(project, "mixed") == str(project / "mixed")


def test_missing_project_in_a_directory_without_projects(tmp_path):
    (tmp_path / "other").mkdir()
    with pytest.raises(
        DataSourceError,
        match=r"has no project 'p'; no KerasTuner project was found there",
    ):
        load_prior_run(tmp_path, "p")


def test_project_without_trials(tmp_path):
    (tmp_path / "p" / "trial_0").mkdir(parents=True)
    with pytest.raises(
        DataSourceError,
        match=r"project '.*p' has no trials \(no trial_\*/trial\.json file\)",
    ):
        load_prior_run(tmp_path, "p")


def test_corrupt_trial_json_names_the_file(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    path = write_trial_json(tmp_path / "p", "1", '{"trial_id": "1", "hyper')
    with pytest.raises(
        DataSourceError, match=rf"corrupt trial file '{path}': not valid JSON"
    ):
        load_prior_run(tmp_path, "p")


def test_non_utf8_trial_json_is_corrupt(tmp_path):
    path = tmp_path / "p" / "trial_0" / "trial.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"trial_id": "\xff"}')
    with pytest.raises(
        DataSourceError, match=r"corrupt trial file '.*trial_0/trial\.json'"
    ):
        load_prior_run(tmp_path, "p")


@pytest.mark.parametrize(
    "key",
    ["trial_id", "hyperparameters", "metrics", "score", "best_step", "status"],
)
def test_trial_json_missing_a_required_key(tmp_path, key):
    state = trial_state("0", {"x": 1}, 1.0)
    del state[key]
    path = write_trial_json(tmp_path / "p", "0", state)
    with pytest.raises(
        DataSourceError,
        match=rf"'{path}' lacks the key '{key}'; it was not written by a compatible KerasTuner version",
    ):
        load_prior_run(tmp_path, "p")


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (
            lambda s: s.update(hyperparameters={"space": []}),
            "hyperparameters.values",
            "lacks the key",
        ),
        (
            lambda s: s["hyperparameters"].update(values=[1]),
            "hyperparameters.values",
            "has a non-object",
        ),
        (lambda s: s.update(metrics={}), "metrics.metrics", "lacks the key"),
        (
            lambda s: s.update(metrics={"metrics": []}),
            "metrics.metrics",
            "has a non-object",
        ),
        (
            lambda s: s["metrics"]["metrics"].update(score=[]),
            "metrics.metrics.score",
            "has a non-object",
        ),
        (
            lambda s: s["metrics"]["metrics"]["score"].pop("direction"),
            "metrics.metrics.score.direction",
            "lacks the key",
        ),
        (
            lambda s: s["metrics"]["metrics"]["score"].update(direction="down"),
            "metrics.metrics.score.direction",
            "has an unknown",
        ),
        (
            lambda s: s["metrics"]["metrics"]["score"].pop("observations"),
            "metrics.metrics.score.observations",
            "lacks the key",
        ),
        (
            lambda s: s["metrics"]["metrics"]["score"].update(
                observations=[{"step": 0}]
            ),
            r"metrics.metrics.score.observations\[\].value",
            "lacks the key",
        ),
        (
            lambda s: s["metrics"]["metrics"]["score"].update(
                observations=[{"value": ["a"], "step": 0}]
            ),
            r"metrics.metrics.score.observations\[\].value",
            "has a non-numeric",
        ),
        (lambda s: s.update(score="1.0"), "score", "has a non-numeric"),
        (lambda s: s.update(status=1), "status", "has a non-string"),
        (lambda s: s.update(trial_id=None), "trial_id", "has a non-string"),
        (lambda s: s.update(best_step="0"), "best_step", "has a non-integer"),
        (
            lambda s: s["hyperparameters"]["values"].update(
                {"tuner/epochs": "3"}
            ),
            "hyperparameters.values.tuner/epochs",
            "has a non-integer",
        ),
        (
            lambda s: s["hyperparameters"]["values"].update(
                {"tuner/round": 0.5}
            ),
            "hyperparameters.values.tuner/round",
            "has a non-integer",
        ),
    ],
)
def test_trial_json_with_an_unknown_structure(tmp_path, change, key, problem):
    state = trial_state("0", {"x": 1}, 1.0)
    change(state)
    path = write_trial_json(tmp_path / "p", "0", state)
    with pytest.raises(DataSourceError, match=rf"'{path}' {problem} '{key}'"):
        load_prior_run(tmp_path, "p")


def test_trial_json_that_is_not_an_object(tmp_path):
    path = write_trial_json(tmp_path / "p", "0", "[1, 2]")
    with pytest.raises(
        DataSourceError, match=rf"'{path}' is not a JSON object with 'trial_id'"
    ):
        load_prior_run(tmp_path, "p")


def test_duplicate_trial_ids(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    write_trial_json(tmp_path / "p", "copy", trial_state("0", {}, 1.0))
    with pytest.raises(DataSourceError, match=r"trial id '0' appears in both"):
        load_prior_run(tmp_path, "p")


@pytest.mark.parametrize(
    ("oracle", "pattern"),
    [
        ("{not json", r"corrupt oracle file '.*oracle\.json': not valid JSON"),
        ("[]", r"oracle\.json' is not an object with 'hyperparameters'"),
        ('{"seed": 1}', r"oracle\.json' lacks the key 'hyperparameters'"),
        (
            '{"hyperparameters": {"values": {}}}',
            r"oracle\.json' lacks the key 'hyperparameters\.space'",
        ),
        (
            '{"hyperparameters": {"space": []}}',
            r"oracle\.json' lacks the key 'hyperparameters\.values'",
        ),
        (
            '{"hyperparameters": {"space": {}, "values": {}}}',
            r"oracle\.json' has a non-list 'hyperparameters\.space'",
        ),
        (
            '{"hyperparameters": {"space": [{"config": {}}], "values": {}}}',
            r"oracle\.json' lacks the keys 'hyperparameters\.space\[\]\.\{class_name, config\.name\}'",
        ),
    ],
)
def test_oracle_json_with_an_unknown_structure(tmp_path, oracle, pattern):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    (tmp_path / "p" / "oracle.json").write_text(oracle)
    with pytest.raises(DataSourceError, match=pattern):
        load_prior_run(tmp_path, "p")


def test_unknown_hyperparameter_class_fails_when_the_space_is_built(tmp_path):
    write_trial_json(tmp_path / "p", "0", trial_state("0", {}, 1.0))
    space = {
        "space": [{"class_name": "Quantum", "config": {"name": "q"}}],
        "values": {},
    }
    (tmp_path / "p" / "oracle.json").write_text(
        json.dumps({"hyperparameters": space})
    )
    run = load_prior_run(tmp_path, "p")
    assert run.space_names() == ["q"]
    with pytest.raises(
        DataSourceError,
        match=r"the search space in '.*oracle\.json' cannot be rebuilt",
    ):
        run.hyperparameters()


# --------------------------------------------------------------- synthesis
def test_synthetic_project_matches_keras_tuner_loading(tmp_path):
    project = write_synthetic_project(
        tmp_path, "synth", 30, seed=3, epochs=4, failed_every=7
    )
    run = load_prior_run(tmp_path, "synth")
    assert len(run.trials) == 30
    assert run.status_counts() == {"COMPLETED": 26, "FAILED": 4}
    assert run.objective_candidates() == {"score": "min"}
    for record in run.trials:
        trial = Trial.load(record.path)
        assert record.trial_id == trial.trial_id
        assert record.values == trial.hyperparameters.values
        assert record.score == trial.score
        if record.status == "COMPLETED":
            assert record.best_step == trial.metrics.get_best_step("score")
            assert math.isclose(
                record.metrics["score"].best_value,
                trial.metrics.get_best_value("score"),
            )
    hps = run.hyperparameters()
    assert [hp.name for hp in hps.space] == [
        "units",
        "lr",
        "act",
        "bn",
        "dropout",
        "layers",
        "units_2",
    ]
    # Every synthetic value is a valid point of the synthetic space.
    from ktseed import SpaceCodec

    codec = SpaceCodec(hps)
    for record in run.trials:
        codec.validate(record.values)
    assert project == str(tmp_path / "synth")


def test_the_old_home_of_the_synthetic_writer_still_works():
    import ktseed.prior_runs

    with pytest.warns(DeprecationWarning, match=r"moved to ktseed\.testing"):
        old = ktseed.prior_runs.write_synthetic_project
    assert old is write_synthetic_project
    with pytest.raises(AttributeError, match="no attribute 'write_project'"):
        _ = ktseed.prior_runs.write_project
