from __future__ import annotations

import functools
import json
import operator
import os
import warnings

import pytest

from ktseed.bench.workers import log_problems
from ktseed.bench.workers import run_each
from ktseed.bench.workers import run_safely

#: Returns the records a test cell carries (picklable, for the pool).
run_records = functools.partial(run_safely, operator.itemgetter("records"))


def test_run_safely_returns_the_records_and_the_unique_warnings():
    def execute(cell):
        warnings.warn("twice", UserWarning, stacklevel=1)
        warnings.warn("twice", UserWarning, stacklevel=1)
        return [{"trial": 0}]

    result = run_safely(execute, {"key": "a"})
    assert result["key"] == "a"
    assert result["records"] == [{"trial": 0}]
    assert result["error"] is None
    assert result["warnings"] == ["UserWarning: twice"]
    assert result["seconds"] >= 0


def test_run_safely_turns_an_exception_into_a_traceback():
    def execute(cell):
        raise ValueError("boom")

    result = run_safely(execute, {"key": "a"})
    assert result["records"] == []
    assert "ValueError: boom" in result["error"]


def test_log_problems_appends_errors_and_warnings(tmp_path):
    log_problems(tmp_path, {"key": "a", "error": None, "warnings": []})
    assert not list(tmp_path.iterdir())
    log_problems(tmp_path, {"key": "a", "error": "tb", "warnings": ["W: x"]})
    log_problems(tmp_path, {"key": "b", "error": "tb2"})
    errors = (tmp_path / "errors.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line) for line in errors.splitlines()] == [
        {"cell": "a", "error": "tb"},
        {"cell": "b", "error": "tb2"},
    ]
    logged = (tmp_path / "warnings.jsonl").read_text(encoding="utf-8")
    assert json.loads(logged) == {"cell": "a", "warnings": ["W: x"]}


def test_run_each_in_this_process_keeps_the_order():
    cells = [{"key": k, "records": [{"k": k}]} for k in "abc"]
    seen = []
    run_each(cells, run_records, workers=1, collect=seen.append)
    assert [r["key"] for r in seen] == ["a", "b", "c"]


@pytest.mark.slow
def test_run_each_in_a_pool_collects_every_result(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cells = [{"key": k, "records": [{"k": k}]} for k in "abc"]
    seen = []
    run_each(cells, run_records, workers=2, collect=seen.append)
    assert sorted(r["key"] for r in seen) == ["a", "b", "c"]
    assert all(r["error"] is None for r in seen)
    assert sorted(r["records"][0]["k"] for r in seen) == ["a", "b", "c"]

    assert "OMP_NUM_THREADS" not in os.environ
