from __future__ import annotations

import csv
import io
import re

import keras_tuner as kt
import pytest

from ktseed import KtseedWarning
from ktseed.cli import main
from ktseed.export import select_trials
from ktseed.initializers import CSVInitializer
from ktseed.points import point_key
from ktseed.prior_runs import load_prior_run
from ktseed.testing.projects import mixed_score
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_hyperband_project
from ktseed.testing.projects import write_project
from ktseed.testing.projects import write_trial_json


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    write_project(root, "mixed", max_trials=12, seed=5)
    write_project(
        root,
        "failing",
        max_trials=8,
        formula=lambda v: (
            None if v["act"] == "tanh" and not v["bn"] else mixed_score(v)
        ),
    )
    return root


def test_export_reads_back_unchanged(runs, tmp_path):
    output = tmp_path / "trials.csv"
    status, text = run("export", str(runs), "mixed", "-o", str(output))
    assert status == 0
    assert text == f"wrote 12 trial(s) of '{runs / 'mixed'}' to '{output}'\n"
    prior = load_prior_run(runs, "mixed")
    space = prior.hyperparameters()
    # The project covers both branches of the conditional hyperparameter.
    assert {t.values["layers"] for t in prior.trials} == {1, 2}
    points = CSVInitializer(output, score_column="score").generate(space)
    assert points == [t.values for t in prior.trials]
    for point, trial in zip(points, prior.trials):
        assert [type(v) for v in point.values()] == [
            type(v) for v in trial.values.values()
        ]
    with output.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == [
        "units",
        "lr",
        "dropout",
        "act",
        "bn",
        "epochs",
        "layers",
        "units_2",
        "score",
        "status",
    ]
    assert [float(r["score"]) for r in rows] == [t.score for t in prior.trials]
    assert {r["status"] for r in rows} == {"COMPLETED"}
    assert all(r["units_2"] == "" for r in rows if r["layers"] == "1")


def test_export_to_stdout_matches_the_file(runs, tmp_path):
    output = tmp_path / "trials.csv"
    run("export", str(runs), "mixed", "-o", str(output))
    status, text = run("export", str(runs), "mixed")
    assert status == 0
    assert text == output.read_text(encoding="utf-8")


def test_top_k_writes_the_best_first_and_reads_back_in_order(runs, tmp_path):
    output = tmp_path / "best.csv"
    assert (
        run("export", str(runs), "mixed", "--top-k", "4", "-o", str(output))[0]
        == 0
    )
    prior = load_prior_run(runs, "mixed")
    best = sorted(prior.trials, key=lambda t: t.score)[:4]
    space = prior.hyperparameters()
    assert CSVInitializer(output, score_column="score").generate(space) == [
        t.values for t in best
    ]
    assert CSVInitializer(
        output, score_column="score", top_k=4, direction="min"
    ).generate(space) == [t.values for t in best]
    _, text = run(
        "export", str(runs), "mixed", "--top-k", "2", "--direction", "max"
    )
    scores = [float(r["score"]) for r in csv.DictReader(io.StringIO(text))]
    assert scores == sorted((t.score for t in prior.trials), reverse=True)[:2]


def test_include_failed(runs, tmp_path):
    prior = load_prior_run(runs, "failing")
    failed = [t for t in prior.trials if t.status == "FAILED"]
    assert failed
    _, text = run("export", str(runs), "failing")
    assert {r["status"] for r in csv.DictReader(io.StringIO(text))} == {
        "COMPLETED"
    }
    output = tmp_path / "all.csv"
    status, _ = run(
        "export", str(runs), "failing", "--include-failed", "-o", str(output)
    )
    assert status == 0
    with output.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [r["status"] for r in rows] == [t.status for t in prior.trials]
    assert all(r["score"] == "" for r in rows if r["status"] == "FAILED")
    # Reading the file back skips the failed configurations, with a warning.
    data_rows = [
        str(number)
        for number, t in enumerate(prior.trials, start=1)
        if t.status == "FAILED"
    ]
    shown = ", ".join(data_rows[:3]) + (", ..." if len(data_rows) > 3 else "")
    with pytest.warns(KtseedWarning) as record:
        points = CSVInitializer(output, score_column="score").generate(
            prior.hyperparameters()
        )
    assert points == [t.values for t in prior.completed]
    (warning,) = record
    assert str(warning.message) == (
        f"initializer 'csv': skipped {len(failed)} of {len(prior.trials)} "
        f"data row(s) of '{output}' whose `status` is not COMPLETED (FAILED: "
        f"{len(failed)}; data rows {shown}): those configurations did not "
        "complete in the earlier run. List 'status' in `ignore_columns` to "
        "use them anyway."
    )
    # Ignoring the status column reads every configuration back unchanged.
    everything = CSVInitializer(
        output, score_column="score", ignore_columns=["status"]
    ).generate(prior.hyperparameters())
    assert everything == [t.values for t in prior.trials]
    # Ranked by a search objective's direction, the failed rows (no score)
    # are not among the best either way.
    with pytest.warns(KtseedWarning, match=r"whose `status` is not COMPLETED"):
        best = CSVInitializer(output, score_column="score", top_k=2).generate(
            prior.hyperparameters(), direction="min"
        )
    assert best == [t.values for t in prior.ranked("min")[:2]]
    # With --top-k the failed trials follow the best completed ones.
    trials = select_trials(prior, include_failed=True, top_k=1)
    assert [t.status for t in trials] == ["COMPLETED"] + ["FAILED"] * len(
        failed
    )


def test_hyperband_bookkeeping_is_not_exported(tmp_path):
    oracle = kt.oracles.HyperbandOracle(
        objective=kt.Objective("score", "min"), max_epochs=3, factor=3, seed=2
    )
    write_project(tmp_path, "hb", oracle=oracle)
    _, text = run("export", str(tmp_path), "hb")
    header = text.splitlines()[0].split(",")
    assert not [c for c in header if c.startswith("tuner/")]
    prior = load_prior_run(tmp_path, "hb")
    path = tmp_path / "hb.csv"
    path.write_text(text)
    with pytest.warns(
        KtseedWarning, match=r"duplicate configuration"
    ):  # promotions
        points = CSVInitializer(path, score_column="score").generate(
            prior.hyperparameters()
        )
    assert points == list(
        {str(t.values): t.values for t in prior.trials}.values()
    )


def test_non_finite_scores_are_written_empty(tmp_path):
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {"x": 1}, float("inf"))
    )
    write_trial_json(tmp_path / "p", "1", trial_state("1", {"x": 2}, 0.5))
    _, text = run("export", str(tmp_path), "p")
    assert text == "x,score,status\n1,,COMPLETED\n2,0.5,COMPLETED\n"


def test_a_hyperparameter_named_status_drops_the_status_column(tmp_path):
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {"status": "on"}, 1.0)
    )
    _, text = run("export", str(tmp_path), "p")
    assert text == "status,score\non,1.0\n"


# ------------------------------------------------------------------ errors
def test_errors_exit_2_with_a_message(runs, tmp_path, capsys):
    cases = [
        (
            ["export", str(tmp_path / "nowhere"), "mixed"],
            r"prior run: directory '.*nowhere' not found",
        ),
        (
            ["export", str(runs), "mixd"],
            r"has no project 'mixd'; projects found there: failing, mixed\. Did you mean 'mixed'\?",
        ),
        (
            ["export", str(runs), "mixed", "--score-column", "units"],
            r"the score column name 'units' is also a hyperparameter of prior run '.*mixed'; pass --score-column with another name",
        ),
        (
            [
                "export",
                str(runs),
                "mixed",
                "-o",
                str(tmp_path / "no" / "dir.csv"),
            ],
            r"cannot write '.*no/dir\.csv': .*No such file or directory",
        ),
    ]
    for argv, pattern in cases:
        status, text = run(*argv)
        assert status == 2 and text == ""
        err = capsys.readouterr().err
        assert err.startswith("ktseed export: error: ")
        assert re.search(pattern, err), err
    assert not (tmp_path / "no").exists()


def test_no_completed_trial_to_export(tmp_path, capsys):
    write_trial_json(
        tmp_path / "p", "0", trial_state("0", {"x": 1}, None, status="FAILED")
    )
    status, _ = run("export", str(tmp_path), "p")
    assert status == 2
    err = capsys.readouterr().err
    assert (
        "prior run '" in err
        and "has no COMPLETED trial to export (FAILED: 1). Pass --include-failed to export them."
        in err
    )
    status, text = run("export", str(tmp_path), "p", "--include-failed")
    assert status == 0 and text == "x,score,status\n1,,FAILED\n"


def test_top_k_without_a_known_direction(tmp_path, capsys):
    for trial_id in ("0", "1"):
        state = trial_state(trial_id, {"x": int(trial_id)}, 1.0)
        state["score"] = 2.0 + int(trial_id)
        write_trial_json(tmp_path / "p", trial_id, state)
    status, _ = run("export", str(tmp_path), "p", "--top-k", "1")
    assert status == 2
    assert "pass --direction min or --direction max" in capsys.readouterr().err
    status, text = run(
        "export", str(tmp_path), "p", "--top-k", "1", "--direction", "max"
    )
    assert status == 0 and text == "x,score,status\n1,3.0,COMPLETED\n"


def test_bad_top_k_is_a_usage_error(runs, capsys):
    with pytest.raises(SystemExit) as info:
        run("export", str(runs), "mixed", "--top-k", "0")
    assert info.value.code == 2
    assert (
        "--top-k: must be a positive integer (got '0')"
        in capsys.readouterr().err
    )


# ------------------------------------------------------------- Hyperband
def _hyperband_trial(
    trial_id: str, x: int, epochs: int, score: float, round_: int
) -> dict:
    values = {
        "x": x,
        "tuner/epochs": epochs,
        "tuner/initial_epoch": 0 if round_ == 0 else 1,
        "tuner/bracket": 1,
        "tuner/round": round_,
    }
    return trial_state(trial_id, values, score)


HYPERBAND_TRIALS = [
    # (trial id, configuration, epochs, score, round)
    ("0", 1, 1, 0.5, 0),
    ("1", 2, 1, 0.2, 0),  # the best score, but after 1 epoch only
    ("2", 3, 1, 0.9, 0),
    ("3", 2, 3, 0.4, 1),  # configuration 2 promoted to 3 epochs
    ("4", 1, 3, 0.3, 1),  # configuration 1 promoted to 3 epochs
    ("5", 4, 3, 0.35, 0),  # a bracket that starts at 3 epochs
]


def test_top_k_ranks_hyperband_configurations_at_their_highest_budget(
    tmp_path,
):
    for trial_id, x, epochs, score, round_ in HYPERBAND_TRIALS:
        state = _hyperband_trial(trial_id, x, epochs, score, round_)
        write_trial_json(tmp_path / "hb", trial_id, state)
    prior = load_prior_run(tmp_path, "hb")
    # Ranked by score alone, the 1-epoch trial of configuration 2 wins.
    assert [t.trial_id for t in prior.ranked("min")[:3]] == ["1", "4", "5"]
    trials = select_trials(prior, top_k=3, direction="min")
    assert [(t.values["x"], t.epochs) for t in trials] == [
        (1, 3),
        (4, 3),
        (2, 3),
    ]
    _, text = run("export", str(tmp_path), "hb", "--top-k", "10")
    assert text == (
        "x,score,status\n"
        "1,0.3,COMPLETED\n"
        "4,0.35,COMPLETED\n"
        "2,0.4,COMPLETED\n"
        "3,0.9,COMPLETED\n"  # one epoch: after every 3-epoch configuration
    )
    _, text = run(
        "export", str(tmp_path), "hb", "--top-k", "2", "--direction", "max"
    )
    # max: configuration 2 scored 0.4 at 3 epochs (its 0.2 after 1 epoch is
    # not its score), configuration 3 only reached 1 epoch.
    assert text == "x,score,status\n2,0.4,COMPLETED\n4,0.35,COMPLETED\n"
    # Without --top-k every trial is written, promotions included.
    _, text = run("export", str(tmp_path), "hb")
    assert len(text.splitlines()) == 1 + len(HYPERBAND_TRIALS)


def test_top_k_of_a_real_hyperband_project_has_one_row_per_configuration(
    tmp_path,
):
    write_hyperband_project(tmp_path, "hb")
    prior = load_prior_run(tmp_path, "hb")
    assert len({t.epochs for t in prior.trials}) > 1
    trials = select_trials(prior, top_k=len(prior.trials), direction="min")
    keys = [point_key(t.values) for t in trials]
    # One row per configuration, and every scored configuration is there.
    assert len(keys) == len(set(keys))
    assert set(keys) == {point_key(t.values) for t in prior.scored}
    epochs = [t.epochs for t in trials]
    assert epochs == sorted(epochs, reverse=True)
    for trial in trials:  # each configuration at its highest budget
        same = [t for t in prior.scored if t.values == trial.values]
        assert trial.epochs == max(t.epochs for t in same)
    for budget in set(epochs):  # and best first within one budget
        scores = [t.score for t in trials if t.epochs == budget]
        assert scores == sorted(scores)
