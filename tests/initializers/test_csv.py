from __future__ import annotations

import json
from pathlib import Path

import keras_tuner as kt
import pytest

from ktseed import DataSourceError
from ktseed import InitializerConfigError
from ktseed import InvalidValueError
from ktseed import KtseedWarning
from ktseed import SpaceCodec
from ktseed import get_initializer_class
from ktseed import make_initializer
from ktseed.cli import main
from ktseed.initializers import ChainInitializer
from ktseed.initializers import CSVInitializer
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.prior_runs import load_prior_run
from ktseed.registry import make_saved_initializer
from ktseed.testing.projects import mixed_score
from ktseed.testing.projects import write_project
from tests.helpers import FormulaTuner
from tests.helpers import trial_values

DEFAULTS = {
    "units": 32,
    "lr": 1e-4,
    "act": "relu",
    "bn": False,
    "epochs": 3,
    "dropout": 0.0,
    "layers": 1,
}


def write(tmp_path: Path, text: str | bytes, name: str = "points.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def generate(path, space, **kwargs):
    return CSVInitializer(path, **kwargs).generate(space)


# ------------------------------------------------------------------ parsing
def test_rows_become_canonical_native_points(tmp_path, space):
    path = write(
        tmp_path,
        "units,lr,act,bn,epochs,dropout,layers,units_2,kind,beta\n"
        "64,0.01,tanh,true,3,0.3,2,16,b,0.75\n"
        "256.0,1e-3,elu,No,3.0,0.1,1,,,\n",
    )
    first, second = generate(path, space)
    assert first == {
        "units": 64,
        "lr": 0.01,
        "act": "tanh",
        "bn": True,
        "epochs": 3,
        # The grid value as a person writes it (KerasTuner's own arithmetic
        # gives 0.30000000000000004): a given value runs exactly as given.
        "dropout": 0.3,
        "layers": 2,
        "units_2": 16,
        "kind": "b",
        "beta": 0.75,
    }
    assert second == {
        **DEFAULTS,
        "units": 256,
        "lr": 1e-3,
        "act": "elu",
        "dropout": 0.1,
    }
    assert type(second["units"]) is int and type(second["epochs"]) is int
    codec = SpaceCodec(space)
    for point in (first, second):
        codec.validate(point)
    json.dumps([first, second])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("FALSE", False),
        ("Yes", True),
        ("no", False),
        ("1", True),
        ("0", False),
        (" True ", True),
    ],
)
def test_boolean_words(tmp_path, space, text, value):
    path = write(tmp_path, f"bn\n{text}\n")
    assert generate(path, space) == [{**DEFAULTS, "bn": value}]


def test_missing_columns_and_empty_cells_take_defaults(tmp_path, space):
    path = write(tmp_path, "units,act,layers,kind\n,tanh,2,\n")
    (point,) = generate(path, space)
    assert point == {
        **DEFAULTS,
        "act": "tanh",
        "layers": 2,
        "units_2": 8,
        "kind": "a",
    }


def test_cells_of_inactive_conditional_hyperparameters_are_ignored(
    tmp_path, space
):
    # layers=1 makes units_2/kind/beta inactive: even a bad value is ignored;
    # kind=a makes beta inactive.
    path = write(
        tmp_path,
        "layers,units_2,kind,beta\n1,not-a-number,zzz,5\n2,32,a,\n2,32,a,abc\n",
    )
    with pytest.warns(KtseedWarning, match=r"data row 3 repeats data row 2"):
        points = generate(path, space)
    assert points == [
        DEFAULTS,
        {**DEFAULTS, "layers": 2, "units_2": 32, "kind": "a"},
    ]


def test_choice_cells_are_parsed_by_the_choice_type(tmp_path):
    hp = kt.HyperParameters()
    hp.Choice("n", [1, 2, 4])
    hp.Choice("f", [0.5, 1.5])
    hp.Choice("s", ["1", "two"])
    hp.Choice("flag", [True, False])
    hp.Fixed("mode", "fast")
    path = write(
        tmp_path,
        "n,f,s,flag,mode\n4.0,1.5,1,false,fast\n2, 0.5 ,two,TRUE, fast\n",
    )
    assert generate(path, hp) == [
        {"n": 4, "f": 1.5, "s": "1", "flag": 0, "mode": "fast"},
        {"n": 2, "f": 0.5, "s": "two", "flag": 1, "mode": "fast"},
    ]


def test_bom_and_crlf_are_accepted(tmp_path, space):
    path = write(tmp_path, b"\xef\xbb\xbfunits,act\r\n64,elu\r\n\r\n")
    assert generate(path, space) == [{**DEFAULTS, "units": 64, "act": "elu"}]


def test_quoted_fields_and_other_delimiters(tmp_path):
    hp = kt.HyperParameters()
    hp.Choice("opt", ["adam, amsgrad", "sgd"])
    hp.Int("n", 1, 5)
    path = write(tmp_path, 'opt,n\n"adam, amsgrad",2\n')
    assert generate(path, hp) == [{"opt": "adam, amsgrad", "n": 2}]
    path = write(tmp_path, "opt;n\nsgd;3\n", "semi.csv")
    assert generate(path, hp, delimiter=";") == [{"opt": "sgd", "n": 3}]


# ------------------------------------------------------------------ columns
def test_columns_renames(tmp_path, space):
    path = write(tmp_path, "n_units,learning_rate\n128,0.001\n")
    points = generate(
        path, space, columns={"n_units": "units", "learning_rate": "lr"}
    )
    assert points == [{**DEFAULTS, "units": 128, "lr": 0.001}]


def test_unknown_column_names_the_closest_hyperparameter(tmp_path, space):
    path = write(tmp_path, "units,dropuot\n64,0.1\n")
    with pytest.raises(
        DataSourceError,
        match=r"initializer 'csv': '.*points\.csv' column 'dropuot' \(column 2\) is not a hyperparameter of the search space \(did you mean 'dropout'\?\)\. Known hyperparameters: units, lr, act, .*Rename the column with `columns=\{'dropuot': '<name>'\}`, or list it in `ignore_columns`",
    ):
        generate(path, space)
    points = generate(path, space, ignore_columns=["dropuot"])
    assert points == [{**DEFAULTS, "units": 64}]


def test_status_and_score_columns_are_not_hyperparameters(tmp_path, space):
    path = write(tmp_path, "units,score,status\n64,0.5,COMPLETED\n")
    assert generate(path, space, score_column="score") == [
        {**DEFAULTS, "units": 64}
    ]
    with pytest.raises(
        DataSourceError,
        match=r"column 'score' \(column 2\) is not a hyperparameter",
    ):
        generate(path, space)


def test_a_hyperparameter_named_status_keeps_its_column(tmp_path):
    hp = kt.HyperParameters()
    hp.Choice("status", ["on", "off"])
    path = write(tmp_path, "status\noff\n")
    assert generate(path, hp) == [{"status": "off"}]


STATUS_ROWS = (
    "units,score,status\n"
    "32,0.5,COMPLETED\n"
    "64,,FAILED\n"
    "96,0.1, completed \n"
    "128,,invalid\n"
    "160,0.3,\n"  # no status (a row added by hand): kept
    "192,,Failed\n"
)


def test_rows_whose_status_is_not_completed_are_skipped(tmp_path, space):
    path = write(tmp_path, STATUS_ROWS)
    with pytest.warns(KtseedWarning) as record:
        points = generate(path, space, score_column="score")
    assert [p["units"] for p in points] == [32, 96, 160]
    (warning,) = record
    assert str(warning.message) == (
        f"initializer 'csv': skipped 3 of 6 data row(s) of '{path}' whose "
        "`status` is not COMPLETED (FAILED: 1, Failed: 1, invalid: 1; data "
        "rows 2, 4, 6): those configurations did not complete in the "
        "earlier run. List 'status' in `ignore_columns` to use them anyway."
    )


def test_status_is_applied_before_limit_and_top_k(tmp_path, space):
    path = write(tmp_path, STATUS_ROWS)
    init = CSVInitializer(path, score_column="score", rows="1-4", limit=2)
    with pytest.warns(KtseedWarning, match=r"skipped 2 of 4 data row\(s\)"):
        points = init.generate(space)
    assert [p["units"] for p in points] == [32, 96]
    with pytest.warns(KtseedWarning, match=r"skipped 3 of 6"):
        best = generate(
            path, space, score_column="score", top_k=2, direction="min"
        )
    assert [p["units"] for p in best] == [96, 160]
    # The default design size counts the usable rows (and does not warn:
    # generate() does, once).
    init = CSVInitializer(path, score_column="score")
    assert init.resolve_n_points(SpaceCodec(space)) == 3


def test_status_filter_can_be_turned_off(tmp_path, space):
    path = write(tmp_path, STATUS_ROWS)
    points = generate(path, space, ignore_columns=["status", "score"])
    assert [p["units"] for p in points] == [32, 64, 96, 128, 160, 192]


def test_no_completed_row_is_an_error(tmp_path, space):
    path = write(tmp_path, "units,status\n32,FAILED\n64,RUNNING\n")
    with pytest.raises(
        DataSourceError,
        match=r"^initializer 'csv': every one of the 2 selected data row\(s\) of '.*points\.csv' has a `status` other than COMPLETED \(FAILED: 1, RUNNING: 1\), so none can be used\. List 'status' in `ignore_columns`",
    ):
        generate(path, space)


@pytest.mark.parametrize(
    ("text", "kwargs", "pattern"),
    [
        (
            "units,units\n64,64\n",
            {},
            r"'.*points\.csv' has the column 'units' twice in its header \(columns 1 and 2\)",
        ),
        (
            ",units\n0,64\n",
            {},
            r"'.*points\.csv' column 1 has no name in the header.*ignore_columns=\[''\]",
        ),
        (
            "units,n_units\n64,96\n",
            {"columns": {"n_units": "units"}},
            r"'.*points\.csv' gives hyperparameter 'units' twice: column 'units' and column 'n_units'",
        ),
        (
            "units\n64\n",
            {"columns": {"n_units": "units"}},
            r"`columns` renames 'n_units', but '.*points\.csv' has no such column; its columns are: units",
        ),
        (
            "n_units\n64\n",
            {"columns": {"n_units": "unit"}},
            r"`columns` maps 'n_units' to 'unit', which is not a hyperparameter of the search space \(did you mean 'units'\?\)",
        ),
        (
            "units,loss\n64,1\n",
            {"score_column": "los"},
            r"score column 'los' is not in the header of '.*points\.csv'; its columns are: units, loss\. Did you mean 'loss'\?",
        ),
        (
            "units;act\n64;elu\n",
            {},
            r"has a single column 'units;act'; the file seems to use ';' between fields\. Pass delimiter=';'",
        ),
    ],
)
def test_header_errors(tmp_path, space, text, kwargs, pattern):
    path = write(tmp_path, text)
    with pytest.raises(DataSourceError, match=pattern):
        generate(path, space, **kwargs)


def test_unnamed_columns_can_be_ignored(tmp_path, space):
    path = write(tmp_path, ",units\n0,64\n1,96\n")
    points = generate(path, space, ignore_columns=[""])
    assert [p["units"] for p in points] == [64, 96]


# --------------------------------------------------------------- value errors
@pytest.mark.parametrize(
    ("header", "cell", "pattern"),
    [
        (
            "units",
            "100000",
            r"hyperparameter 'units' \(Int\) got 100000: outside the range; expected an integer in \[32, 512\]",
        ),
        (
            "units",
            "65",
            r"hyperparameter 'units' \(Int\) got 65: off the grid \(nearest grid value 64\)",
        ),
        (
            "units",
            "64.5",
            r"hyperparameter 'units' \(Int\) got 64\.5: not an integer",
        ),
        (
            "units",
            "abc",
            r"hyperparameter 'units' \(Int\) got 'abc': not a number; expected an integer in \[32, 512\]",
        ),
        (
            "units",
            "1_000",
            r"hyperparameter 'units' \(Int\) got '1_000': not a plain decimal number \(use ASCII digits without '_', as in 1000, 0\.5 or 1e-3\); expected an integer in \[32, 512\]",
        ),
        (
            "units",
            "\uff16\uff14",  # fullwidth "64": int() accepts it
            r"hyperparameter 'units' \(Int\) got '\uff16\uff14': not a plain decimal number",
        ),
        (
            "lr",
            "0.\u0661",  # ARABIC-INDIC DIGIT ONE: float() accepts it
            r"hyperparameter 'lr' \(Float\) got '0\.\u0661': not a plain decimal number",
        ),
        (
            "lr",
            "1e-0_3",
            r"hyperparameter 'lr' \(Float\) got '1e-0_3': not a plain decimal number",
        ),
        (
            "layers",
            "\u0662",  # a Choice of ints parses its cells as numbers too
            r"hyperparameter 'layers' \(Choice\) got '\u0662': not a plain decimal number",
        ),
        (
            "lr",
            "nan",
            r"hyperparameter 'lr' \(Float\) got 'nan': NaN is not a value",
        ),
        (
            "lr",
            "Infinity",
            r"hyperparameter 'lr' \(Float\) got 'Infinity': infinity is not a value",
        ),
        (
            "lr",
            "-inf",
            r"hyperparameter 'lr' \(Float\) got '-inf': infinity is not a value",
        ),
        (
            "dropout",
            "0.25",
            r"hyperparameter 'dropout' \(Float\) got 0\.25: off the grid",
        ),
        (
            "act",
            "gelu",
            r"hyperparameter 'act' \(Choice\) got 'gelu': not one of the choices \(did you mean 'elu'\?\)",
        ),
        (
            "layers",
            "4",
            r"hyperparameter 'layers' \(Choice\) got 4: not one of the choices; expected one of \[1, 2, 3\]",
        ),
        (
            "layers",
            "two",
            r"hyperparameter 'layers' \(Choice\) got 'two': not a number",
        ),
        (
            "bn",
            "maybe",
            r"hyperparameter 'bn' \(Boolean\) got 'maybe': not true/false, yes/no or 1/0",
        ),
        (
            "epochs",
            "4",
            r"hyperparameter 'epochs' \(Fixed\) got 4: not the fixed value; expected the fixed value 3",
        ),
    ],
)
def test_value_errors_name_file_row_column_and_reason(
    tmp_path, space, header, cell, pattern
):
    path = write(
        tmp_path,
        f"{header}\n\n{DEFAULTS[header]}\n{cell}\n",
    )
    with pytest.raises(
        InvalidValueError,
        match=rf"^'{path}', data row 2 \(line 4\), column '{header}': "
        + pattern,
    ) as info:
        generate(path, space)
    assert info.value.hp_name == header


def test_plain_decimal_spellings_are_numbers(tmp_path, space):
    path = write(
        tmp_path,
        "units,lr,dropout,layers\n+64, 1E-3 ,.1,2.0\n6.4e1,0.010,0.,1\n",
    )
    first, second = generate(path, space)
    assert (first["units"], first["lr"], first["dropout"]) == (64, 1e-3, 0.1)
    assert first["layers"] == 2 and type(first["layers"]) is int
    assert (second["units"], second["lr"], second["dropout"]) == (64, 0.01, 0)
    # Integers beyond a float's range (or more digits than int() converts)
    # are infinite.
    for digits in (400, 5000):
        path = write(tmp_path, f"lr\n{'1' * digits}\n", "long.csv")
        with pytest.raises(InvalidValueError, match=r"infinity is not a value"):
            generate(path, space)
        path = write(tmp_path, f"units,s\n64,{'1' * digits}\n", "long.csv")
        with pytest.raises(InvalidValueError, match=r"is not a finite number"):
            generate(path, space, score_column="s", top_k=1, direction="min")


def test_renamed_column_errors_name_the_csv_column(tmp_path, space):
    path = write(tmp_path, "n_units\n33\n")
    with pytest.raises(
        InvalidValueError,
        match=r"data row 1 \(line 2\), column 'n_units': hyperparameter 'units' \(Int\) got 33: off the grid",
    ):
        generate(path, space, columns={"n_units": "units"})


def test_row_longer_than_the_header(tmp_path, space):
    path = write(tmp_path, "units,act\n64,elu\n96,relu,extra\n")
    with pytest.raises(
        DataSourceError,
        match=r"data row 2 \(line 3\) has 3 cells but the header has 2 columns",
    ):
        generate(path, space)


def test_short_rows_leave_the_last_cells_empty(tmp_path, space):
    path = write(tmp_path, "units,act\n64\n")
    assert generate(path, space) == [{**DEFAULTS, "units": 64}]


# ---------------------------------------------------------------- file errors
@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("", r"CSV file '.*points\.csv' is empty; expected a header"),
        ("\n  \n,,\n", r"CSV file '.*points\.csv' is empty"),
        (
            "units,act\n",
            r"CSV file '.*points\.csv' has a header \(units, act\) but no data rows",
        ),
        (
            "units,act\n\n",
            r"CSV file '.*' has a header \(units, act\) but no data rows",
        ),
        (
            b"units\n64\n\xff\xfe\n",
            r"'.*points\.csv' line 3: byte 0xff \(offset 9\) is not UTF-8 .*Save the file as UTF-8",
        ),
    ],
)
def test_file_errors(tmp_path, space, content, pattern):
    path = write(tmp_path, content)
    with pytest.raises(
        DataSourceError, match=r"^initializer 'csv': " + pattern
    ):
        generate(path, space)


def test_missing_file_fails_at_construction_and_when_read(tmp_path, space):
    missing = tmp_path / "nope.csv"
    with pytest.raises(
        DataSourceError,
        match=r"initializer 'csv': CSV file '.*nope\.csv' does not exist\. Check the `path`",
    ):
        CSVInitializer(missing)
    with pytest.raises(
        DataSourceError, match=r"CSV file '.*' is a directory, not a file"
    ):
        CSVInitializer(tmp_path)
    # A config rebuilt on resume does not need the file until it is read.
    init = make_saved_initializer({"name": "csv", "path": str(missing)})
    with pytest.raises(
        DataSourceError, match=r"CSV file '.*nope\.csv' does not exist"
    ):
        init.generate(space)
    lazy = CSVInitializer(missing, check_exists=False)
    missing.write_text("units\n96\n")
    assert [p["units"] for p in lazy.generate(space)] == [96]


def test_the_file_is_read_when_the_design_is_generated(tmp_path, space):
    path = write(tmp_path, "units\n64\n")
    init = CSVInitializer(path)
    path.write_text("units\n128\n")
    assert init.generate(space) == [{**DEFAULTS, "units": 128}]


# ------------------------------------------------------------ on_invalid
def test_skip_invalid_rows_warns_once_with_count_and_reasons(tmp_path, space):
    path = write(
        tmp_path, "units,act\n64,elu\n65,elu\n96,gelu\n128,tanh\nabc,relu\n"
    )
    with pytest.warns(KtseedWarning) as record:
        points = generate(path, space, on_invalid="skip")
    assert len(record) == 1
    text = str(record[0].message)
    assert text.startswith(
        f"initializer 'csv': skipped 3 of 5 data row(s) of '{path}' with invalid values (on_invalid='skip'); first reasons: "
    )
    assert (
        f"'{path}', data row 2 (line 3), column 'units': hyperparameter 'units' (Int) got 65: off the grid"
        in text
    )
    assert "data row 3 (line 4), column 'act'" in text
    assert "data row 5 (line 6), column 'units'" in text
    assert [p["units"] for p in points] == [64, 128]


def test_skip_with_every_row_invalid_is_an_error(tmp_path, space):
    path = write(tmp_path, "units\n65\n66\n")
    with pytest.raises(
        DataSourceError,
        match=r"every one of the 2 selected data row\(s\) of '.*' is invalid; first reasons: .*data row 1",
    ):
        generate(path, space, on_invalid="skip")


# ------------------------------------------------------ selection & order
def test_rows_select_data_rows_in_the_given_order(tmp_path, space):
    path = write(tmp_path, "units\n32\n64\n\n96\n128\n160\n")
    assert [p["units"] for p in generate(path, space, rows=[4, 1])] == [128, 32]
    assert [p["units"] for p in generate(path, space, rows="2-3,5")] == [
        64,
        96,
        160,
    ]
    assert [p["units"] for p in generate(path, space, rows="4-")] == [128, 160]
    assert [p["units"] for p in generate(path, space, rows="2-", limit=2)] == [
        64,
        96,
    ]
    with pytest.raises(
        DataSourceError,
        match=r"`rows` selects data row 7, but '.*' has 5 data row\(s\)\. Use 'A-'",
    ):
        generate(path, space, rows="3-7")
    with pytest.raises(DataSourceError, match=r"`rows` selects data row 9"):
        generate(path, space, rows=[9])


def test_limit_stops_reading(tmp_path, space):
    path = write(tmp_path, "units\n64\n96\nbroken\n")
    init = CSVInitializer(path, limit=2)
    assert init.size_hint() == 2
    assert [p["units"] for p in init.generate(space)] == [64, 96]


def test_top_k_orders_by_score(tmp_path, space):
    path = write(
        tmp_path, "units,score\n32,0.5\n64,\n96,0.1\n128,0.9\n160,0.1\n"
    )
    assert [
        p["units"]
        for p in generate(
            path, space, score_column="score", top_k=3, direction="min"
        )
    ] == [96, 160, 32]
    maxed = generate(
        path, space, score_column="score", top_k=5, direction="max"
    )
    assert [p["units"] for p in maxed] == [
        128,
        32,
        96,
        160,
        64,
    ]  # no score last
    # Without top_k the score column does not reorder (and needs no
    # direction).
    assert [
        p["units"] for p in generate(path, space, score_column="score")
    ] == [32, 64, 96, 128, 160]


def test_top_k_without_a_direction_names_the_fix(tmp_path, space):
    path = write(tmp_path, "units,score\n32,0.5\n64,0.9\n")
    init = CSVInitializer(path, score_column="score", top_k=1)
    assert init.direction is None
    with pytest.raises(
        InitializerConfigError,
        match=r"^initializer 'csv': `top_k` keeps the best rows by 'score', but `direction` is None and no search objective gave one .*Pass direction='min' or 'max'\.$",
    ):
        init.generate(space)
    # What a seeded oracle does: its objective's direction is in the request.
    assert [p["units"] for p in init.generate(space, direction="max")] == [64]
    assert [p["units"] for p in init.generate(space, direction="min")] == [32]
    objective = kt.Objective("score", "max")
    assert [p["units"] for p in init.generate(space, objective=objective)] == [
        64
    ]
    # An explicit direction is never replaced, and the config never holds
    # the request's direction.
    explicit = CSVInitializer(
        path, score_column="score", top_k=1, direction="min"
    )
    assert [p["units"] for p in explicit.generate(space, direction="max")] == [
        32
    ]
    assert init.get_config()["direction"] is None


def test_top_k_follows_the_search_objective_direction(tmp_path):
    """Issue 4: an export of a 'max' project read back by a 'max' search
    replays the best rows, not the worst."""
    maximise = kt.Objective("score", "max")
    write_project(tmp_path, "maxed", max_trials=8, objective=maximise)
    prior = load_prior_run(tmp_path, "maxed")
    output = tmp_path / "maxed.csv"
    assert main(["export", str(tmp_path), "maxed", "-o", str(output)]) == 0
    best = sorted(prior.scored, key=lambda t: t.score, reverse=True)[:3]
    assert best != sorted(prior.scored, key=lambda t: t.score)[:3]
    oracle = SeededRandomSearchOracle(
        objective=maximise,
        max_trials=4,
        seed=1,
        hyperparameters=prior.hyperparameters(),
        initializer={
            "name": "csv",
            "path": str(output),
            "score_column": "score",
            "top_k": 3,
        },
    )
    tuner = FormulaTuner(
        oracle=oracle,
        formula=mixed_score,
        directory=str(tmp_path),
        project_name="search",
    )
    tuner.search(verbose=0)
    assert oracle.design == [t.values for t in best]
    assert trial_values(oracle)[:3] == [t.values for t in best]
    assert oracle.initializer.get_config()["direction"] == "max"


@pytest.mark.parametrize(
    ("cell", "pattern"),
    [
        ("abc", r"score 'abc' is not a number"),
        ("inf", r"score 'inf' is not a finite number"),
        ("nan", r"score 'nan' is not a finite"),
        ("1_0", r"score '1_0' is not a plain decimal number"),
        ("\u0661", r"score '\u0661' is not a plain decimal number"),
    ],
)
def test_bad_scores(tmp_path, space, cell, pattern):
    path = write(tmp_path, f"units,loss\n64,1\n96,{cell}\n")
    with pytest.raises(
        InvalidValueError,
        match=r"data row 2 \(line 3\), column 'loss': " + pattern,
    ):
        generate(path, space, score_column="loss", top_k=1, direction="min")


def test_duplicates_keep_the_best_row_and_name_the_rows(tmp_path, space):
    path = write(
        tmp_path,
        "units,act,score\n64,relu,3\n64.0,relu,1\n96,elu,2\n64,relu,0.5\n",
    )
    with pytest.warns(
        KtseedWarning,
        match=r"initializer 'csv': dropped 2 duplicate configuration\(s\) in '.*' \(data row 2 repeats data row 4; data row 1 repeats data row 4\); 2 distinct configuration\(s\) remain\.",
    ):
        points = generate(
            path, space, score_column="score", top_k=3, direction="min"
        )
    assert [p["units"] for p in points] == [64, 96]


def test_n_points_caps_the_design(tmp_path, space):
    path = write(tmp_path, "units\n32\n64\n96\n")
    init = CSVInitializer(path, n_points=2)
    assert init.size_hint() == 2
    assert [p["units"] for p in init.generate(space)] == [32, 64]
    everything = CSVInitializer(path)
    assert everything.size_hint() is None
    assert everything.resolve_n_points(SpaceCodec(space)) == 3
    assert (
        CSVInitializer(path, rows="2-").resolve_n_points(SpaceCodec(space)) == 2
    )


# -------------------------------------------------------------- config
@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"path": 5},
            r"`path` must be a file path \(str or os\.PathLike\); got 5 of type int",
        ),
        (
            {"columns": ["units"]},
            r"`columns` must be a dict of CSV column to hyperparameter name \(got list\)",
        ),
        (
            {"columns": {"a": 1}},
            r"`columns` must map column names to hyperparameter names, both strings \(got 'a': 1\)",
        ),
        (
            {"rows": 3},
            r"`rows` must be a list of 1-based data row numbers or a string such as '1-10,15,20-' \(got int\)",
        ),
        ({"rows": []}, r"`rows` is empty"),
        ({"rows": [0]}, r"`rows` holds 0; data rows are numbered from 1"),
        (
            {"rows": "1-3,x"},
            r"`rows` item 'x' is not a data row number, 'A-B' or 'A-'",
        ),
        ({"rows": "5-2"}, r"`rows` item '5-2' is not a valid range"),
        (
            {"rows": "1-5,3"},
            r"`rows` selects some data rows twice \(3 overlaps 1-5\)",
        ),
        ({"rows": [True]}, r"`rows` item True is not a data row number"),
        ({"limit": 0}, r"`limit` must be a positive integer or None \(got 0\)"),
        (
            {"score_column": ""},
            r"`score_column` must be a column name or None \(got ''\)",
        ),
        (
            {"direction": "up"},
            r"`direction` must be 'min', 'max' or None for the search objective's direction \(got 'up'\)",
        ),
        (
            {"top_k": 2},
            r"`top_k` ranks rows by a score; pass `score_column` too",
        ),
        (
            {"top_k": -1, "score_column": "s"},
            r"`top_k` must be a positive integer or None \(got -1\)",
        ),
        (
            {"on_invalid": "drop"},
            r"`on_invalid` must be 'raise' or 'skip' \(got 'drop'\)",
        ),
        (
            {"ignore_columns": "status"},
            r"`ignore_columns` must be a list of column names \(got 'status'\)",
        ),
        (
            {"ignore_columns": [1]},
            r"`ignore_columns` must hold strings \(got 1 of type int\)",
        ),
        (
            {"delimiter": ",,"},
            r"`delimiter` must be a single character \(got ',,'\)",
        ),
        ({"delimiter": '"'}, r"`delimiter` '\"' cannot separate CSV fields"),
        (
            {"check_exists": 1},
            r"`check_exists` must be True or False \(got 1\)",
        ),
        ({"n_points": 0}, r"`n_points` must be a positive integer \(got 0\)"),
    ],
)
def test_constructor_validates_eagerly(tmp_path, kwargs, pattern):
    arguments = {
        "path": tmp_path / "missing.csv",
        "check_exists": False,
        **kwargs,
    }
    with pytest.raises(
        InitializerConfigError, match=r"initializer 'csv': " + pattern
    ):
        CSVInitializer(**arguments)


def test_config_round_trip(tmp_path):
    path = write(tmp_path, "units\n64\n")
    init = CSVInitializer(
        path,
        columns={"n": "units"},
        rows="1-",
        limit=5,
        score_column="loss",
        direction="max",
        top_k=3,
        on_invalid="skip",
        ignore_columns=["note"],
        delimiter=";",
        n_points=2,
    )
    config = json.loads(json.dumps(init.get_config()))
    assert config == {
        "name": "csv",
        "n_points": 2,
        "path": str(path),
        "columns": {"n": "units"},
        "rows": "1-",
        "limit": 5,
        "score_column": "loss",
        "direction": "max",
        "top_k": 3,
        "on_invalid": "skip",
        "ignore_columns": ["note"],
        "delimiter": ";",
    }
    assert make_initializer(config) == init
    plain = CSVInitializer(str(path), rows=[1])
    assert make_initializer(json.loads(json.dumps(plain.get_config()))) == plain
    assert plain.get_config()["rows"] == [1]
    assert plain.get_config()["direction"] is None


def test_registered_as_csv(clean_registry):
    assert get_initializer_class("csv") is CSVInitializer
    with pytest.raises(
        InitializerConfigError, match=r"Initializer 'csv' needs arguments"
    ):
        make_initializer("csv")


# ------------------------------------------- reading what the design needs
def lr_of(number: int) -> float:
    """The ``lr`` of data row ``number`` of :func:`many_rows`."""
    return 1e-4 + (number - 1) * 1e-5


def many_rows(tmp_path, count: int, tail: str = "", name="many.csv") -> Path:
    """``count`` valid distinct rows, then ``tail`` (bad rows, say)."""
    body = "".join(
        f"{32 * (1 + i % 16)},{lr_of(i + 1)!r}\n" for i in range(count)
    )
    return write(tmp_path, "units,lr\n" + body + tail, name)


BAD_TAILS = {
    "invalid value": "65,0.01\n",
    "not a number": "abc,0.01\n",
    "too many cells": "64,0.01,extra\n",
    "not UTF-8": b"\xff\xfe,0.01\n",
    "not CSV": '"64,0.01\n',  # an unterminated quote
}


@pytest.mark.parametrize("tail", list(BAD_TAILS))
def test_rows_after_the_design_are_not_read(tmp_path, space, tail):
    """Without top_k, reading stops once n_points distinct valid rows are
    found: a later row cannot change the design, so it is not parsed (nor
    decoded), and its problems do not fail the design. A design that does
    need the row still fails on it."""
    bad = BAD_TAILS[tail]
    bad = bad.encode() if isinstance(bad, str) else bad
    path = tmp_path / "many.csv"
    path.write_bytes(many_rows(tmp_path, 5000).read_bytes() + bad)
    init = CSVInitializer(path, n_points=2, on_invalid="raise")
    assert [p["units"] for p in init.generate(space)] == [32, 64]
    with pytest.raises((InvalidValueError, DataSourceError)):
        CSVInitializer(path, on_invalid="raise").generate(space)
    with pytest.raises((InvalidValueError, DataSourceError)):
        CSVInitializer(
            path, score_column="lr", top_k=2, direction="min"
        ).generate(space)


def test_only_the_rows_used_are_parsed(tmp_path, space, monkeypatch):
    from ktseed.csv_format import layout

    parsed: list[int] = []
    real = layout.Layout.parse

    def spy(self, record, owner):
        parsed.append(record.number)
        return real(self, record, owner)

    monkeypatch.setattr(layout.Layout, "parse", spy)
    path = many_rows(tmp_path, 1000, "64,0.0001\n")
    assert len(CSVInitializer(path, n_points=3).generate(space)) == 3
    assert parsed == [1, 2, 3]
    parsed.clear()
    # A repeat or an invalid row does not count: reading goes on.
    path = write(tmp_path, "units\n32\n32\n65\n64\n96\n", "repeats.csv")
    with pytest.warns(KtseedWarning) as record:
        points = CSVInitializer(path, n_points=2, on_invalid="skip").generate(
            space
        )
    assert [p["units"] for p in points] == [32, 64]
    assert parsed == [1, 2, 3, 4]
    messages = sorted(str(w.message) for w in record)
    assert messages == [
        f"initializer 'csv': dropped 1 duplicate configuration(s) in '{path}' "
        "(data row 2 repeats data row 1); 2 distinct configuration(s) remain. "
        "The rest of the file was not read (the design needed no more rows).",
        f"initializer 'csv': skipped 1 of 4 data row(s) of '{path}' with "
        "invalid values (on_invalid='skip'); first reasons: "
        f"'{path}', data row 3 (line 4), column 'units': hyperparameter "
        "'units' (Int) got 65: off the grid (nearest grid value 64); expected "
        "an integer in [32, 512] on the linear grid with step 32. The rest of "
        "the file was not read (the design needed no more rows).",
    ]


def test_header_and_named_rows_are_checked_however_few_rows_are_read(
    tmp_path, space
):
    path = many_rows(tmp_path, 50)
    text = path.read_text()
    path.write_text(text.replace("units,lr", "units,lr,dropuot", 1))
    with pytest.raises(DataSourceError, match=r"column 'dropuot' \(column 3\)"):
        CSVInitializer(path, n_points=1).generate(space)
    path.write_text(text)
    for rows in ("1,60", "1-60", "1,60-"):
        with pytest.raises(
            DataSourceError,
            match=r"`rows` selects data row 60, but '.*' has 50 data row\(s\)",
        ):
            CSVInitializer(path, rows=rows, n_points=1).generate(space)
    # rows naming existing rows: only what the design needs is parsed.
    assert CSVInitializer(path, rows="3,50", n_points=1).generate(space) == [
        {**DEFAULTS, "units": 96, "lr": lr_of(3)}
    ]


def test_status_counts_after_an_early_stop(tmp_path, space):
    path = write(tmp_path, STATUS_ROWS)
    # Bounded rows: every selected status is looked at, the counts are whole.
    init = CSVInitializer(path, score_column="score", rows="1-4", n_points=1)
    with pytest.warns(
        KtseedWarning, match=r"skipped 2 of 4 data row\(s\)"
    ) as record:
        points = init.generate(space)
    assert [p["units"] for p in points] == [32]
    assert "rest of the file" not in str(record[0].message)
    # Otherwise the warning counts the rows read, and says so.
    with pytest.warns(KtseedWarning) as record:
        points = CSVInitializer(
            path, score_column="score", n_points=2
        ).generate(space)
    assert [p["units"] for p in points] == [32, 96]
    (warning,) = record
    assert str(warning.message).startswith(
        f"initializer 'csv': skipped 1 of 3 data row(s) of '{path}' whose "
        "`status` is not COMPLETED (FAILED: 1; data rows 2)"
    )
    assert str(warning.message).endswith(
        " The rest of the file was not read (the design needed no more rows)."
    )


def test_one_generate_reads_the_file_once(tmp_path, space, monkeypatch):
    from ktseed.csv_format import design

    opened: list[str] = []
    real = design.open_table

    def spy(path, **kwargs):
        opened.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(design, "open_table", spy)
    path = write(tmp_path, STATUS_ROWS)
    init = CSVInitializer(path, score_column="score")  # size: every row
    with pytest.warns(KtseedWarning, match=r"skipped 3 of 6"):
        assert [p["units"] for p in init.generate(space)] == [32, 96, 160]
    assert opened == [str(path)]
    # Sizing alone reads it (once), and a later generate() reads it again:
    # the file may have changed in between.
    assert init.resolve_n_points(SpaceCodec(space)) == 3
    path.write_text("units,score\n64,1\n")
    assert init.generate(space) == [{**DEFAULTS, "units": 64}]
    assert len(opened) == 3


# --------------------------------------------------- dict-form data sources
def test_a_dict_form_csv_checks_its_file_when_the_search_is_built(tmp_path):
    missing = str(tmp_path / "nope.csv")
    with pytest.raises(DataSourceError) as instance:
        CSVInitializer(missing)
    for spec in (
        {"name": "csv", "path": missing},
        {"name": "chain", "members": [{"name": "csv", "path": missing}]},
        {
            "name": "chain",
            "members": ["sobol", {"name": "csv", "path": missing}],
        },
    ):
        with pytest.raises(DataSourceError) as built:
            SeededRandomSearchOracle(
                objective=kt.Objective("score", "min"),
                max_trials=5,
                seed=1,
                initializer=spec,
            )
        assert str(built.value) == str(instance.value)
    assert "pass check_exists=False" in str(instance.value)
    with pytest.raises(DataSourceError) as member:
        ChainInitializer([{"name": "csv", "path": missing}, "sobol"])
    assert str(member.value) == str(instance.value)
    # A saved config (a resumed search) is rebuilt without the file.
    saved = make_saved_initializer({"name": "csv", "path": missing})
    assert saved.get_config()["path"] == missing
    chain = make_saved_initializer(
        {"name": "chain", "members": [{"name": "csv", "path": missing}]}
    )
    assert chain.get_config()["members"][0]["path"] == missing


def test_a_resumed_search_whose_csv_file_was_deleted_resumes(tmp_path):
    path = write(tmp_path, "units,lr\n64,0.01\n128,0.001\n256,0.02\n416,0.05\n")
    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    spec = {"name": "csv", "path": str(path)}

    def oracle(initializer):
        return SeededRandomSearchOracle(
            objective=kt.Objective("score", "min"),
            max_trials=6,
            seed=3,
            hyperparameters=hp,
            initializer=initializer,
        )

    def stop_at_third(values):
        if len(calls) == 2:
            raise KeyboardInterrupt  # a crash, not a failed trial
        calls.append(values)
        return values["lr"]

    calls: list[dict] = []
    first = oracle(spec)
    tuner = FormulaTuner(
        oracle=first,
        formula=stop_at_third,
        directory=str(tmp_path),
        project_name="p",
    )
    with pytest.raises(KeyboardInterrupt):
        tuner.search(verbose=0)
    design = first.design
    assert [p["units"] for p in design] == [64, 128, 256, 416]
    path.unlink()
    with pytest.raises(DataSourceError, match=r"does not exist"):
        oracle(spec)  # the spec is checked when the search is built
    second = oracle({**spec, "check_exists": False})
    resumed = FormulaTuner(
        oracle=second,
        formula=lambda values: values["lr"],
        directory=str(tmp_path),
        project_name="p",
    )
    resumed.search(verbose=0)
    assert second.design == design
    assert trial_values(second)[:4] == design
    assert len(second.trials) == 6
    # The recorded initializer is rebuilt from the saved config, file or not.
    assert second.initializer.get_config()["path"] == str(path)


def test_rows_in_any_order_over_a_long_file(tmp_path, space):
    path = many_rows(tmp_path, 3000)
    backwards = list(range(3000, 0, -7))
    init = CSVInitializer(path, rows=backwards, n_points=3)
    assert [p["lr"] for p in init.generate(space)] == [
        lr_of(n) for n in backwards[:3]
    ]
    mixed = CSVInitializer(path, rows="2990-,5,1-3", on_invalid="raise")
    assert [p["lr"] for p in mixed.generate(space)] == [
        lr_of(n) for n in [*range(2990, 3001), 5, 1, 2, 3]
    ]
