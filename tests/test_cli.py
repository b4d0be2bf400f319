from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import keras_tuner as kt
import pytest

from ktseed import SpaceCodec
from ktseed._example_config import EXAMPLE_SPACE_CONFIG
from ktseed.cli import main
from ktseed.examples import example_space


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def test_list_shows_builtins_with_source(clean_registry):
    status, text = run("list")
    assert status == 0
    assert (
        "sobol      built-in  ktseed.initializers.sobol:SobolInitializer"
        in text
    )
    assert (
        "prior_run  built-in  ktseed.initializers.prior_run:PriorRunInitializer"
        in text
    )
    status, text = run("list", "--format", "json", "--check")
    rows = json.loads(text)
    assert {r["name"] for r in rows} >= {
        "fixed",
        "lhs",
        "sobol",
        "halton",
        "random",
    }
    assert all(r["status"] == "ok" for r in rows)


def test_preview_default_space_table():
    status, text = run(
        "preview", "--initializer", "sobol", "--n", "8", "--seed", "1"
    )
    assert status == 0
    lines = text.splitlines()
    assert lines[0].startswith(
        "SobolInitializer(n_points=8, seed=1, scramble=True): 8 point(s) for the built-in example space"
    )
    assert lines[1].split() == [
        "#",
        "units",
        "learning_rate",
        "dropout",
        "activation",
        "batch_norm",
        "regularize",
        "l2",
    ]
    assert len(lines) == 2 + 1 + 8


def test_preview_json_matches_the_initializer(tmp_path):
    space_file = tmp_path / "space.json"
    space_file.write_text(json.dumps(example_space().get_config()))
    status, text = run(
        "preview",
        "-i",
        '{"name": "lhs", "optimization": "random-cd"}',
        "--n",
        "5",
        "--seed",
        "0",
        "--space",
        str(space_file),
        "--format",
        "json",
    )
    assert status == 0
    points = json.loads(text)
    from ktseed import make_initializer

    expected = make_initializer(
        {"name": "lhs", "optimization": "random-cd", "n_points": 5, "seed": 0}
    )
    assert points == expected.generate(example_space())
    codec = SpaceCodec(example_space())
    for p in points:
        codec.validate(p)


def test_preview_reads_an_oracle_json(tmp_path):
    hp = kt.HyperParameters()
    hp.Int("a", 1, 4)
    (tmp_path / "oracle.json").write_text(
        json.dumps({"hyperparameters": hp.get_config(), "seed": 1})
    )
    status, text = run(
        "preview",
        "--space",
        str(tmp_path / "oracle.json"),
        "--n",
        "4",
        "--seed",
        "0",
        "--format",
        "csv",
    )
    assert status == 0
    assert text.splitlines()[0] == "point,a"


def test_preview_errors_exit_2_with_message(tmp_path, capsys):
    assert run("preview", "-i", "lhc")[0] == 2
    assert "Did you mean 'lhs'?" in capsys.readouterr().err
    assert run("preview", "--space", str(tmp_path / "missing.json"))[0] == 2
    err = capsys.readouterr().err
    assert "space file" in err and "missing.json' does not exist" in err
    (tmp_path / "bad.json").write_text("{not json")
    assert run("preview", "--space", str(tmp_path / "bad.json"))[0] == 2
    assert "is not valid JSON" in capsys.readouterr().err
    (tmp_path / "list.json").write_text("[1, 2]")
    assert run("preview", "--space", str(tmp_path / "list.json"))[0] == 2
    assert (
        "must hold HyperParameters.get_config() output"
        in capsys.readouterr().err
    )
    assert (
        run(
            "preview",
            "-i",
            '{"name": "fixed", "points": [{"units": 32}]}',
            "--seed",
            "3",
        )[0]
        == 2
    )
    assert "does not take --seed" in capsys.readouterr().err


def test_preview_takes_the_direction_for_a_ranked_csv(tmp_path, capsys):
    path = tmp_path / "configs.csv"
    path.write_text("units,acc\n64,0.9\n128,0.7\n256,0.95\n", encoding="utf-8")
    spec = json.dumps(
        {"name": "csv", "path": str(path), "score_column": "acc", "top_k": 1}
    )
    assert run("preview", "-i", spec)[0] == 2
    assert "direction" in capsys.readouterr().err
    status, text = run(
        "preview", "-i", spec, "--direction", "max", "--format", "json"
    )
    assert status == 0
    assert json.loads(text)[0]["units"] == 256
    assert run("preview", "-i", "sobol", "--direction", "max")[0] == 2
    assert "does not take --direction" in capsys.readouterr().err


# ------------------------------------------------- issue 14: rough edges
QUIET_CODE = """
import sys
from ktseed.cli import main
status = main(sys.argv[1:])
heavy = sorted({"keras_tuner", "keras", "tensorflow"} & set(sys.modules))
if heavy:
    sys.stderr.write(f"imported {heavy}\\n")
sys.exit(status)
"""


def run_process(
    *argv: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    """``ktseed ARGV`` in a fresh Python, TensorFlow's variables unset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    return subprocess.run(
        [sys.executable, "-c", QUIET_CODE, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def test_the_built_in_example_config_is_the_example_space():
    assert json.dumps(EXAMPLE_SPACE_CONFIG) == json.dumps(
        example_space().get_config()
    )


def test_list_and_preview_print_only_their_output_without_kerastuner(
    tmp_path,
):
    # Neither imports KerasTuner (and TensorFlow, with its start-up lines):
    # the space is read by ktseed.space.light.
    listed = run_process("list")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "sobol" in listed.stdout
    preview = run_process("preview", "--n", "4", "--seed", "1")
    assert (preview.returncode, preview.stderr) == (0, "")
    assert preview.stdout.splitlines()[0].startswith(
        "SobolInitializer(n_points=4, seed=1, scramble=True): 4 point(s)"
    )
    space_file = tmp_path / "space.json"
    space_file.write_text(json.dumps(example_space().get_config()))
    preview = run_process(
        "preview", "-i", "lhs", "--n", "3", "--space", str(space_file)
    )
    assert (preview.returncode, preview.stderr) == (0, "")


def test_preview_without_kerastuner_shows_what_kerastuner_would(tmp_path):
    from ktseed import make_initializer

    status, text = run(
        "preview",
        "-i",
        "halton",
        "--n",
        "6",
        "--seed",
        "2",
        "--format",
        "json",
    )
    assert status == 0
    expected = make_initializer({"name": "halton", "n_points": 6, "seed": 2})
    assert json.loads(text) == expected.generate(example_space())


def small_project(tmp_path):
    """A real KerasTuner project (a seeded search of two formula trials)."""
    import ktseed

    from .helpers import SCORE
    from .helpers import FormulaTuner

    def declare(hp):
        hp.Int("units", 16, 128, step=16)
        hp.Choice("activation", ["relu", "tanh"])

    oracle = ktseed.SeededRandomSearchOracle(
        objective=SCORE, max_trials=2, seed=3, initializer="sobol"
    )
    tuner = FormulaTuner(
        oracle=oracle,
        hypermodel=declare,
        directory=str(tmp_path / "runs"),
        project_name="search",
    )
    tuner.search(verbose=0)
    return tmp_path / "runs" / "search"


def test_preview_takes_a_kerastuner_project_directory(tmp_path):
    project = small_project(tmp_path)
    status, text = run(
        "preview", "--space", str(project), "--n", "2", "--seed", "0"
    )
    assert status == 0
    lines = text.splitlines()
    assert lines[0].endswith(f"for {project} (2 tunable dimensions)")
    assert lines[1].split() == ["#", "units", "activation"]
    from_file = run(
        "preview",
        "--space",
        str(project / "oracle.json"),
        "--n",
        "2",
        "--seed",
        "0",
    )[1]
    assert from_file.splitlines()[1:] == lines[1:]


def test_preview_space_directory_says_what_it_expects(tmp_path, capsys):
    project = small_project(tmp_path)
    assert run("preview", "--space", str(project.parent))[0] == 2
    err = capsys.readouterr().err
    assert "does not exist" not in err
    assert f"space directory '{project.parent}' has no oracle.json" in err
    assert f"it holds the KerasTuner projects '{project}': pass one" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("preview", "--space", str(empty))[0] == 2
    err = capsys.readouterr().err
    assert err == (
        f"ktseed preview: error: space directory '{empty}' has no "
        "oracle.json. `--space` takes a KerasTuner project directory (the "
        "<directory>/<project_name> folder that holds oracle.json), its "
        "oracle.json, or a JSON file with HyperParameters.get_config() "
        "output.\n"
    )


def test_preview_shows_did_you_mean_for_a_mistyped_config_key(capsys):
    assert run("preview", "-i", '{"name": "sobol", "n_point": 4}')[0] == 2
    err = capsys.readouterr().err
    assert err.startswith("ktseed preview: error: SobolInitializer")
    assert "unknown option(s) 'n_point'" in err
    assert err.rstrip().endswith("Did you mean 'n_points'?")


def test_a_bare_name_that_needs_arguments_gets_a_command_line_remedy(capsys):
    assert run("preview", "-i", "csv")[0] == 2
    err = capsys.readouterr().err
    assert "or an instance" not in err
    assert (
        "on a command line, give them in a JSON object: "
        """--initializer '{"name": "csv", "path": ...}'.""" in err
    )
    assert run("preview", "-i", "prior_run")[0] == 2
    err = capsys.readouterr().err
    assert (
        """--initializer '{"name": "prior_run", "directory": ..., """
        """"project_name": ...}'""" in err
    )


@pytest.mark.filterwarnings("always::ktseed.errors.KtseedWarning")
def test_warnings_print_as_one_warning_line(capsys):
    status, text = run("preview", "-i", "sobol", "--n", "3", "--seed", "1")
    assert status == 0 and len(text.splitlines()) == 3 + 3
    assert capsys.readouterr().err == (
        "warning: initializer 'sobol': n_points=3 is not a power of two, so "
        "the Sobol' points are not balanced; use n_points=2 or n_points=4.\n"
    )


@pytest.mark.slow
def test_a_space_only_kerastuner_can_judge_is_judged_by_it_quietly(tmp_path):
    # The light reader leaves a config KerasTuner rejects to KerasTuner,
    # which imports TensorFlow: its start-up lines must not show.
    bad = {
        "space": [
            {
                "class_name": "Int",
                "config": {
                    "name": "a",
                    "default": None,
                    "conditions": [],
                    "min_value": 5,
                    "max_value": 1,
                    "step": None,
                    "sampling": "linear",
                },
            }
        ],
        "values": {},
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run_process("preview", "--space", str(path), timeout=300)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ktseed preview: error: space file '{path}' is not a valid search "
        "space: For HyperParameters.Int(name='a'), min_value 5 is greater "
        "than the max_value 1..",
        # QUIET_CODE's report: TensorFlow was loaded, and said nothing.
        "imported ['keras', 'keras_tuner', 'tensorflow']",
    ]
