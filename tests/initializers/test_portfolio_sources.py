"""``portfolio``'s bad input: each error names the source, before any trial."""

from __future__ import annotations

import json

import keras_tuner as kt
import pytest

from ktseed import DataSourceError
from ktseed import InitializerConfigError
from ktseed import PortfolioInitializer
from ktseed import make_initializer
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_trial_json
from tests.helpers import FormulaTuner


def space():
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Choice("act", ["relu", "tanh"])
    return hp


def write_trials(project, rows, *, direction="min"):
    """``rows``: (values, score, status); hand-written trial.json files."""
    for index, (values, score, status) in enumerate(rows):
        write_trial_json(
            project,
            f"{index:02d}",
            trial_state(
                f"{index:02d}",
                values,
                score,
                status=status,
                direction=direction,
            ),
        )
    return project


@pytest.fixture
def good(tmp_path):
    rows = [
        ({"x": i / 10, "act": "relu"}, (i / 10 - 0.3) ** 2, "COMPLETED")
        for i in range(6)
    ]
    return write_trials(tmp_path / "runs" / "good", rows)


def good_source(tmp_path):
    return {"directory": str(tmp_path / "runs"), "project_name": "good"}


def build(tmp_path, *others, n_points=2, **kwargs):
    return PortfolioInitializer(
        [good_source(tmp_path), *others], n_points=n_points, **kwargs
    )


# ------------------------------------------------------------ construction
@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ("runs/a", "must be a list of earlier tasks"),
        ({"csv": "a.csv"}, "must be a list of earlier tasks"),
        ([], "`sources` is empty"),
        ([42], "source 1 must be a dict"),
        ([{"csv": "a.csv", "directory": "runs"}], "exactly one of the keys"),
        ([{"project_name": "a"}], "exactly one of the keys"),
        ([{"csv": "a.csv", "score_colum": "s"}], "Did you mean 'score_column'"),
        ([{"directory": "runs"}], "`project_name` must be a non-empty string"),
        ([{"csv": "a.csv", "direction": "up"}], "`direction` must be"),
        ([{"csv": ""}], "`csv` must be a CSV file path"),
    ],
)
def test_malformed_sources_are_config_errors(sources, message):
    with pytest.raises(InitializerConfigError, match=message):
        PortfolioInitializer(sources, check_exists=False)


def test_a_source_named_twice_is_refused(tmp_path, good):
    with pytest.raises(
        InitializerConfigError, match="source 2 repeats source 1"
    ):
        PortfolioInitializer([good_source(tmp_path), str(good)])


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "normalization",
            "zscore",
            "`normalization` must be 'rank' or 'minmax'",
        ),
        ("observe", 1, "`observe` must be True or False"),
        ("allow_short", "yes", "`allow_short` must be True or False"),
        ("on_invalid", "drop", "`on_invalid` must be"),
        ("max_model_trials", 1, "`max_model_trials` must be"),
        ("max_observations", 0, "`max_observations` must be"),
        ("n_points", 0, "`n_points` must be a positive integer"),
    ],
)
def test_bad_options(tmp_path, good, option, value, message):
    with pytest.raises(InitializerConfigError, match=message):
        build(tmp_path, **{option: value})


def test_a_missing_project_fails_at_construction_naming_the_source(
    tmp_path, good
):
    missing = {"directory": str(tmp_path / "runs"), "project_name": "god"}
    with pytest.raises(DataSourceError) as raised:
        build(tmp_path, missing)
    text = str(raised.value)
    assert "initializer 'portfolio', source 2 (project" in text
    assert "god" in text and "Did you mean 'good'?" in text
    with pytest.raises(DataSourceError, match=r"source 2 .*not found"):
        build(
            tmp_path,
            {"directory": str(tmp_path / "nowhere"), "project_name": "a"},
        )


def test_a_missing_csv_fails_when_the_search_is_built(tmp_path, good):
    spec = {
        "name": "portfolio",
        "sources": [good_source(tmp_path), {"csv": str(tmp_path / "none.csv")}],
    }
    with pytest.raises(
        DataSourceError, match=r"source 2 \(CSV file .*does not exist"
    ):
        SeededRandomSearchOracle(
            objective=kt.Objective("score", "min"),
            max_trials=5,
            hyperparameters=space(),
            initializer=spec,
        )


# ------------------------------------------------------- when it is read
def generate(init):
    return init.generate(space(), direction="min")


def test_an_empty_project_names_the_source(tmp_path, good):
    (tmp_path / "runs" / "empty").mkdir()
    init = build(
        tmp_path, {"directory": str(tmp_path / "runs"), "project_name": "empty"}
    )
    with pytest.raises(
        DataSourceError,
        match=r"source 2 \(project .*empty'\): project .* has no trials",
    ):
        generate(init)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("x,act,score\n", "no data rows"),
        (
            "x,act,score,status\n0.1,relu,,FAILED\n0.2,tanh,,RUNNING\n",
            "has no COMPLETED row",
        ),
        ("x,act,score\n0.1,relu,\n", "has no usable row"),
        ("x,act\n0.1,relu\n", "score column 'score' is not in the header"),
        ("a,b,score\n1,2,0.5\n", "incompatible search space"),
    ],
)
def test_bad_csv_files_name_the_source(tmp_path, good, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    init = build(tmp_path, {"csv": str(path)})
    with pytest.raises(DataSourceError, match=message) as raised:
        generate(init)
    assert "source 2 (CSV file" in str(raised.value)


def test_a_project_without_completed_trials(tmp_path, good):
    rows = [({"x": 0.1, "act": "relu"}, None, "FAILED")] * 3
    write_trials(tmp_path / "runs" / "failed", rows)
    init = build(
        tmp_path,
        {"directory": str(tmp_path / "runs"), "project_name": "failed"},
    )
    with pytest.raises(
        DataSourceError,
        match=r"source 2 .*has no COMPLETED trial \(3 trial\(s\); FAILED: 3\)",
    ):
        generate(init)


def test_a_project_from_an_incompatible_space(tmp_path, good):
    rows = [({"units": 32 * (i + 1)}, float(i), "COMPLETED") for i in range(3)]
    write_trials(tmp_path / "runs" / "other", rows)
    init = build(
        tmp_path, {"directory": str(tmp_path / "runs"), "project_name": "other"}
    )
    with pytest.raises(
        DataSourceError,
        match=r"source 2 .*incompatible search space: none of its hyperparameters \(units\)",
    ):
        generate(init)


def test_a_project_whose_values_the_space_rejects(tmp_path, good):
    rows = [({"x": 0.5, "act": "elu"}, 1.0, "COMPLETED")] * 2
    write_trials(tmp_path / "runs" / "elu", rows)
    init = build(
        tmp_path, {"directory": str(tmp_path / "runs"), "project_name": "elu"}
    )
    with pytest.raises(
        DataSourceError, match=r"source 2 .*none of the 2 trial"
    ):
        generate(init)


def test_mixed_directions_need_a_direction(tmp_path, good):
    project = tmp_path / "runs" / "ambiguous"
    for index in range(3):
        metrics = {
            name: {
                "direction": direction,
                "observations": [{"value": [index / 10], "step": 0}],
            }
            for name, direction in (("loss", "min"), ("acc", "max"))
        }
        state = trial_state(
            f"{index}",
            {"x": index / 10, "act": "relu"},
            index / 10,
            metrics=metrics,
        )
        write_trial_json(project, str(index), state)
    spec = {"directory": str(tmp_path / "runs"), "project_name": "ambiguous"}
    with pytest.raises(DataSourceError) as raised:
        generate(build(tmp_path, spec))
    text = str(raised.value)
    assert "source 2" in text and "both directions" in text
    assert "'direction': 'min'" in text
    assert len(generate(build(tmp_path, {**spec, "direction": "max"}))) == 2


def test_too_few_candidates_is_an_error_with_the_numbers(tmp_path, good):
    init = build(tmp_path, n_points=10)
    with pytest.raises(DataSourceError) as raised:
        generate(init)
    text = str(raised.value)
    assert "`n_points`=10" in text and "only 6 distinct usable" in text
    assert "source 1: 6" in text and "allow_short=True" in text
    assert len(generate(build(tmp_path, n_points=10, allow_short=True))) == 6


def test_errors_come_before_any_trial_runs(tmp_path, good):
    (tmp_path / "runs" / "empty").mkdir()
    oracle = SeededRandomSearchOracle(
        objective=kt.Objective("score", "min"),
        max_trials=4,
        seed=1,
        hyperparameters=space(),
        initializer=build(
            tmp_path,
            {"directory": str(tmp_path / "runs"), "project_name": "empty"},
        ),
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="new"
    )
    with pytest.raises(DataSourceError, match="source 2"):
        tuner.search(verbose=0)
    assert tuner.calls == []


def test_config_survives_json_with_a_path_object(tmp_path, good):
    init = PortfolioInitializer([good], n_points=2)
    config = json.loads(json.dumps(init.get_config()))
    assert config["sources"] == [good_source(tmp_path)]
    assert make_initializer(config) == init
