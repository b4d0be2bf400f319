from __future__ import annotations

import io
import json

import keras_tuner as kt

from ktseed import SpaceCodec
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
