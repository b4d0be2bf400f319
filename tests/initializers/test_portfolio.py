"""``portfolio``: several earlier tasks, one start; oracles, chain, observe."""

from __future__ import annotations

import json
import logging
import warnings

import keras_tuner as kt
import pytest

from ktseed import ChainInitializer
from ktseed import DataSourceError
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import PortfolioInitializer
from ktseed import SpaceCodec
from ktseed import get_initializer_class
from ktseed import make_initializer
from ktseed.cli import main
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.registry import make_saved_initializer
from ktseed.testing import InitializerContract
from ktseed.testing import contract_score
from ktseed.testing import contract_space
from ktseed.testing.projects import write_project
from tests.helpers import FormulaTuner
from tests.helpers import trial_values

#: The optimum of each task of the family, and its best activation.
CENTRES = [(0.2, "relu"), (0.4, "relu"), (0.6, "tanh"), (0.8, "tanh")]


def family_space():
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Int("units", 16, 128, step=16)
    hp.Choice("act", ["relu", "tanh", "elu"])
    return hp


def task_loss(index):
    centre, act = CENTRES[index]

    def loss(values):
        value = (values["x"] - centre) ** 2 + (
            (values["units"] - 64) / 256
        ) ** 2
        return value + (0.0 if values["act"] == act else 0.2)

    return loss


def run_task(root, name, index, *, direction="min", trials=15, seed=None):
    loss = task_loss(index)
    sign = 1.0 if direction == "min" else -1.0
    oracle = kt.oracles.RandomSearchOracle(
        objective=kt.Objective("score", direction),
        max_trials=trials,
        seed=seed or 11 + index,
        hyperparameters=family_space(),
    )
    write_project(
        root,
        name,
        oracle=oracle,
        hypermodel=None,
        formula=lambda v: sign * loss(v),
    )


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    """Four tasks (min), task 2 also as a max project and as an export."""
    root = tmp_path_factory.mktemp("family")
    for index in range(4):
        run_task(root, f"task{index}", index)
    run_task(root, "task2_max", 2, direction="max")
    main(["export", str(root), "task2", "-o", str(root / "task2.csv")])
    return root


def sources(root, indices=range(4)):
    return [
        {"directory": str(root), "project_name": f"task{i}"} for i in indices
    ]


def quiet_generate(initializer, space=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KtseedWarning)
        return initializer.generate(space or family_space(), **kwargs)


# -------------------------------------------------------------- the design
def test_design_is_valid_deterministic_and_reported(family, caplog):
    init = PortfolioInitializer(sources(family), n_points=4)
    with caplog.at_level(logging.INFO, logger="ktseed.initializers.portfolio"):
        design = init.generate(family_space())
    assert len(design) == 4
    codec = SpaceCodec(family_space())
    for point in design:
        codec.validate(point)
    assert (
        PortfolioInitializer(sources(family), n_points=4).generate(
            family_space()
        )
        == design
    )
    report = init.last_report
    assert report is not None
    assert report.points == design
    assert report.n_scores == 16
    # Each point ran on (at least) one task; its other scores are predicted.
    assert all(row.count(False) >= 1 for row in report.predicted)
    assert 0 < report.n_predicted <= 12
    assert report.mean_best == sorted(report.mean_best, reverse=True)
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"{report.n_predicted} of the 16 scores" in line
    assert "predicted by a Gaussian process" in line


def test_points_cover_the_tasks(family):
    """Each task's own best is near its optimum; the portfolio spreads."""
    init = PortfolioInitializer(sources(family), n_points=4)
    design = init.generate(family_space())
    best = [min(task_loss(t)(p) for p in design) for t in range(4)]
    # Compared with the 4 best configurations of one task (prior_run).
    from ktseed import PriorRunInitializer

    single = PriorRunInitializer(family, "task0", top_k=4).generate(
        family_space()
    )
    single_best = [min(task_loss(t)(p) for p in single) for t in range(4)]
    assert sum(best) < sum(single_best)


def test_each_source_is_ranked_in_its_own_direction(family):
    as_min = PortfolioInitializer(sources(family), n_points=3)
    mixed = [
        *sources(family, [0, 1, 3]),
        {"directory": str(family), "project_name": "task2_max"},
    ]
    as_max = PortfolioInitializer(mixed, n_points=3)
    reordered = sources(family, [0, 1, 3, 2])
    same = PortfolioInitializer(reordered, n_points=3)
    assert as_max.generate(family_space()) == same.generate(family_space())
    assert len(as_min.generate(family_space())) == 3


def test_a_csv_export_is_the_same_task_as_its_project(family):
    csv_source = {"csv": str(family / "task2.csv"), "direction": "min"}
    from_csv = PortfolioInitializer(
        [*sources(family, [0, 1]), csv_source, *sources(family, [3])],
        n_points=4,
    )
    from_projects = PortfolioInitializer(sources(family), n_points=4)
    assert from_csv.generate(family_space()) == from_projects.generate(
        family_space()
    )


def test_a_csv_source_takes_the_search_direction_and_records_it(family):
    init = PortfolioInitializer(
        [*sources(family, [0]), str(family / "task2.csv")], n_points=2
    )
    with pytest.raises(DataSourceError, match=r"source 2 \(CSV file"):
        init.generate(family_space())
    assert len(init.generate(family_space(), direction="min")) == 2
    oracle = SeededRandomSearchOracle(
        objective=kt.Objective("score", "min"),
        max_trials=4,
        seed=1,
        hyperparameters=family_space(),
        initializer=init,
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(family), project_name="csv_direction"
    )
    tuner.search(verbose=0)
    recorded = oracle.initializer.get_config()["sources"][1]
    assert recorded["direction"] == "min"


def test_normalizations_can_differ(family):
    rank = PortfolioInitializer(sources(family), n_points=4)
    minmax = PortfolioInitializer(
        sources(family), n_points=4, normalization="minmax"
    )
    assert rank.generate(family_space())
    assert minmax.generate(family_space())
    assert minmax.last_report.normalization == "minmax"
    assert all(
        0.0 <= v <= 1.0 for row in minmax.last_report.scores for v in row
    )


def test_paths_and_dicts_name_the_same_sources(family):
    by_path = PortfolioInitializer(
        [str(family / "task0"), family / "task1"], n_points=2
    )
    by_dict = PortfolioInitializer(sources(family, [0, 1]), n_points=2)
    assert by_path == by_dict
    assert by_path.get_config()["sources"] == by_dict.get_config()["sources"]


def test_config_is_json_and_registered(family):
    init = PortfolioInitializer(
        [*sources(family, [0]), {"csv": str(family / "task2.csv")}],
        n_points=3,
        normalization="minmax",
        allow_short=True,
    )
    config = json.loads(json.dumps(init.get_config()))
    assert config["sources"][1] == {
        "csv": str(family / "task2.csv"),
        "score_column": "score",
    }
    assert make_initializer(config) == init
    assert get_initializer_class("portfolio") is PortfolioInitializer


def test_registry_by_name_dict_and_instance(family):
    init = PortfolioInitializer(sources(family, [0, 1]), n_points=2)
    assert make_initializer(init) is init
    assert make_initializer({"name": "portfolio", **init.get_config()}) == init
    # By name alone there are no sources: a config error that says so.
    with pytest.raises(InitializerConfigError, match="'sources'"):
        make_initializer("portfolio")
    with pytest.raises(InitializerConfigError, match="`sources` is empty"):
        make_initializer({"name": "portfolio", "sources": []})


# ------------------------------------------------------------- space drift
def test_space_drift_warns_once_per_source(family):
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Choice("act", ["relu", "tanh", "elu"])  # "units" is gone
    hp.Boolean("bn")  # new
    init = PortfolioInitializer(sources(family, [0, 1]), n_points=3)
    with pytest.warns(KtseedWarning) as caught:
        design = init.generate(hp)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    for index, text in enumerate(messages, 1):
        assert f"source {index} (project" in text
        assert (
            "Dropped hyperparameters the new space does not have: units" in text
        )
        assert "take their default: bn" in text
    assert all(p["bn"] is False and "units" not in p for p in design)


def test_values_the_new_space_rejects_are_skipped_or_raise(family):
    hp = family_space()
    narrow = kt.HyperParameters()
    narrow.Float("x", 0.0, 0.5)
    narrow.Int("units", 16, 128, step=16)
    narrow.Choice("act", ["relu", "tanh", "elu"])
    init = PortfolioInitializer(sources(family, [0, 3]), n_points=3)
    with pytest.warns(KtseedWarning, match="new search space rejects"):
        design = init.generate(narrow)
    assert all(p["x"] <= 0.5 for p in design)
    strict = PortfolioInitializer(
        sources(family, [0, 3]), n_points=3, on_invalid="raise"
    )
    with pytest.raises(ValueError, match="on_invalid='raise'"):
        strict.generate(narrow)
    assert len(strict.generate(hp)) == 3


# ---------------------------------------------------------------- oracles
def search(oracle, directory, name):
    FormulaTuner(
        oracle=oracle,
        directory=str(directory),
        project_name=name,
        formula=task_loss(1),
    ).search(verbose=0)
    return oracle


@pytest.mark.parametrize(
    "oracle_class",
    [
        SeededRandomSearchOracle,
        SeededBayesianOptimizationOracle,
        SeededHyperbandOracle,
    ],
)
def test_every_seeded_oracle_runs_the_portfolio_first(
    family, tmp_path, oracle_class
):
    spec = {
        "name": "portfolio",
        "sources": sources(family, [0, 2, 3]),
        "n_points": 3,
    }
    expected = quiet_generate(make_initializer(spec))
    kwargs = (
        {"max_trials": 5}
        if oracle_class is not SeededHyperbandOracle
        else {"max_epochs": 3}
    )
    oracle = oracle_class(
        objective=kt.Objective("score", "min"),
        seed=3,
        hyperparameters=family_space(),
        initializer=spec,
        **kwargs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KtseedWarning)
        search(oracle, tmp_path, "run")
    assert oracle.design == expected
    ran = trial_values(oracle)[:3]
    assert [{k: p[k] for k in ("x", "units", "act")} for p in ran] == expected


def test_gp_handoff_after_a_portfolio(family, tmp_path):
    oracle = SeededBayesianOptimizationOracle(
        objective=kt.Objective("score", "min"),
        max_trials=6,
        seed=3,
        hyperparameters=family_space(),
        initializer=PortfolioInitializer(sources(family, [0, 2]), n_points=3),
        handoff="gp",
    )
    search(oracle, tmp_path, "gp")
    assert len(oracle.trials) == 6
    assert oracle.design_trial_ids == ["0", "1", "2"]


def test_chain_portfolio_then_sobol(family):
    chain = ChainInitializer(
        [
            {"name": "portfolio", "sources": sources(family), "n_points": 3},
            {"name": "sobol", "n_points": 4},
        ],
        seed=5,
    )
    design = chain.generate(family_space())
    portfolio = PortfolioInitializer(sources(family), n_points=3)
    assert design[:3] == portfolio.generate(family_space())
    assert len(design) == 7
    assert chain.get_config()["members"][0]["name"] == "portfolio"


# ---------------------------------------------------------------- observe
def test_observe_feeds_every_sources_trials_to_the_model(family, tmp_path):
    init = PortfolioInitializer(
        sources(family, [0, 1]), n_points=2, observe=True
    )
    observations = init.observations(
        family_space(), kt.Objective("score", "min")
    )
    assert len(observations) == 30  # 15 distinct trials per source
    oracle = SeededBayesianOptimizationOracle(
        objective=kt.Objective("score", "min"),
        max_trials=4,
        seed=3,
        hyperparameters=family_space(),
        initializer=init,
    )
    search(oracle, tmp_path, "observe")
    assert len(oracle._ktseed.observations) == 30
    assert oracle.design_trial_ids == ["0", "1"]
    assert not PortfolioInitializer(sources(family), n_points=2).observations(
        family_space(), kt.Objective("score", "min")
    )


def test_observe_caps_the_observations(family):
    init = PortfolioInitializer(
        sources(family, [0, 1]), observe=True, max_observations=10
    )
    with pytest.warns(KtseedWarning, match="observing 10 of the 30"):
        observed = init.observations(
            family_space(), kt.Objective("score", "min")
        )
    assert len(observed) == 10


def test_observe_refuses_another_objective(family):
    init = PortfolioInitializer(
        [
            *sources(family, [0]),
            {"directory": str(family), "project_name": "task2_max"},
        ],
        observe=True,
    )
    with pytest.raises(
        DataSourceError, match=r"source 2 \(project .*task2_max"
    ):
        init.observations(family_space(), kt.Objective("score", "min"))
    lenient = PortfolioInitializer(
        [
            *sources(family, [0]),
            {"directory": str(family), "project_name": "task2_max"},
        ],
        observe=True,
        allow_objective_mismatch=True,
    )
    assert (
        len(lenient.observations(family_space(), kt.Objective("score", "min")))
        == 30
    )


def test_observe_is_refused_by_random_search(family, tmp_path):
    oracle = SeededRandomSearchOracle(
        objective=kt.Objective("score", "min"),
        max_trials=3,
        seed=3,
        hyperparameters=family_space(),
        initializer=PortfolioInitializer(
            sources(family, [0]), n_points=2, observe=True
        ),
    )
    with pytest.raises(InitializerConfigError, match="cannot use"):
        search(oracle, tmp_path, "refused")


# ------------------------------------------------------------------ resume
def test_resume_does_not_need_the_sources(family, tmp_path):
    config = {
        "name": "portfolio",
        "sources": [{"directory": str(tmp_path / "gone"), "project_name": "x"}],
        "n_points": 2,
    }
    with pytest.raises(DataSourceError, match="source 1"):
        make_initializer(config)
    rebuilt = make_saved_initializer(config)
    assert rebuilt.get_config()["sources"] == config["sources"]


# ---------------------------------------------------------------- contract
@pytest.fixture(scope="module")
def contract_projects(tmp_path_factory):
    root = tmp_path_factory.mktemp("contract")
    for index in range(3):
        oracle = kt.oracles.RandomSearchOracle(
            objective=kt.Objective("score", "min"),
            max_trials=10,
            seed=3 + index,
            hyperparameters=contract_space(),
        )
        write_project(
            root,
            f"c{index}",
            oracle=oracle,
            hypermodel=None,
            formula=lambda v, k=index: (contract_score(v) + 0.3 * k) % 1.0,
        )
    main(["export", str(root), "c2", "-o", str(root / "c2.csv")])
    return root


class TestPortfolioContract(InitializerContract):
    @pytest.fixture(params=["projects", "with-csv", "observe", "short"])
    def initializer_factory(self, request, contract_projects):
        root = contract_projects
        projects = [
            {"directory": str(root), "project_name": f"c{i}"} for i in range(3)
        ]
        if request.param == "projects":
            return lambda: PortfolioInitializer(projects, n_points=5)
        if request.param == "with-csv":
            return lambda: PortfolioInitializer(
                [
                    *projects[:2],
                    {"csv": str(root / "c2.csv"), "direction": "min"},
                ],
                n_points=4,
                normalization="minmax",
            )
        if request.param == "observe":
            return lambda: PortfolioInitializer(
                projects[:2], n_points=3, observe=True
            )
        return lambda: PortfolioInitializer(
            projects[:1], n_points=12, allow_short=True
        )
