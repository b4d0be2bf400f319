"""Kill a seeded search at every state write, resume it, compare (issue 13).

For each seeded oracle, a short search is first run uninterrupted while
every state write is recorded: ktseed's own atomic writes (``oracle.json``,
each ``trial.json``, the design file) and KerasTuner's non-atomic tuner
file (``tuner0.json``). Then, for every write and for each of three
moments, a forked copy of this process runs the same search and SIGKILLs
itself:

* ``before``: just before the write starts;
* ``during``: in the middle of it (an atomic write has its temporary file
  written but not renamed; KerasTuner's tuner file is opened, truncated,
  and left empty, as a kill right after ``open`` leaves it);
* ``after``: right after it finished.

Another fork resumes the project with ``overwrite=False`` to the end. The
resumed search must equal the uninterrupted one trial for trial (ids,
values, statuses and scores, so the GP hand-off is bit-identical), every
design point must have run exactly once and in order, no configuration may
repeat, and every trial must end COMPLETED.

Forking from this one imported process keeps the sweep inside the CI
budget (no KerasTuner import per kill point). ``KTSEED_KILL_SWEEP=long``
runs longer searches.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import traceback
import warnings
from collections.abc import Iterator
from typing import Any

import keras_tuner as kt
import pytest
from sklearn.exceptions import ConvergenceWarning

import ktseed
from ktseed import _files
from ktseed.oracles import GPHandoff

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
]

LONG = os.environ.get("KTSEED_KILL_SWEEP") == "long"
PHASES = ("before", "during", "after")
DESIGN = {"name": "sobol", "n_points": 4, "seed": 3}
SCORE = kt.Objective("score", "min")
CHILD_TIMEOUT = 120  # seconds; a child that hangs is killed by its alarm


def space() -> kt.HyperParameters:
    hp = kt.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    hp.Float("d", 0.0, 0.5, step=0.1)
    hp.Choice("c", ["a", "b", "c"])
    return hp


def formula(values: dict[str, Any]) -> float:
    bonus = {"a": 0.0, "b": 0.2, "c": 0.4}[values["c"]]
    return (values["x"] - 0.3) ** 2 + (values["d"] - 0.2) ** 2 + bonus


def make_oracle(kind: str) -> Any:
    common = {
        "objective": SCORE,
        "seed": 11,
        "hyperparameters": space(),
        "initializer": DESIGN,
    }
    trials = 10 if LONG else 6
    if kind == "bayesian" and not LONG:
        trials = 5  # the design, then one (slow) step of KerasTuner's GP
    if kind == "random":
        return ktseed.SeededRandomSearchOracle(max_trials=trials, **common)
    if kind == "bayesian":
        return ktseed.SeededBayesianOptimizationOracle(
            max_trials=trials, **common
        )
    if kind == "bayesian_gp":
        return ktseed.SeededBayesianOptimizationOracle(
            max_trials=trials,
            handoff=GPHandoff(n_candidates=64, n_restarts=2),
            **common,
        )
    if kind == "hyperband_gp":
        # Two iterations: the second one's candidates find d + 1 = 4
        # results at one budget, so (in the short run) the model proposes
        # trials 0010 and 0011, the random share draws 0007-0009 and a
        # candidate without enough results falls back to random (0004).
        return ktseed.SeededHyperbandOracle(
            max_epochs=9 if LONG else 3,
            factor=3,
            hyperband_iterations=2,
            handoff=GPHandoff(n_candidates=64, n_restarts=2),
            **common,
        )
    return ktseed.SeededHyperbandOracle(
        max_epochs=9 if LONG else 3, factor=3, **common
    )


class Formula(kt.Tuner):
    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> float:
        values = trial.hyperparameters.values
        epochs = values.get("tuner/epochs", 1)
        return formula(values) + 0.1 / epochs


def run_search(directory: str, kind: str) -> list[dict[str, Any]]:
    oracle = make_oracle(kind)
    tuner = Formula(
        oracle=oracle, directory=directory, project_name="p", overwrite=False
    )
    tuner.search(verbose=0)
    return [
        {
            "id": trial_id,
            "values": oracle.trials[trial_id].hyperparameters.values,
            "status": oracle.trials[trial_id].status,
            "score": oracle.trials[trial_id].score,
            "design_index": oracle.design_index(trial_id),
            "handoff": getattr(oracle, "handoff_trials", {}).get(trial_id),
        }
        for trial_id in sorted(oracle.trials)
    ]


# --------------------------------------------------------------- writers
class Killed(BaseException):
    """Never raised: the process is killed first (a guard for the type)."""


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
    raise Killed  # pragma: no cover


@contextlib.contextmanager
def writes(kill_at: tuple[int, str] | None = None) -> Iterator[list[str]]:
    """Records every state write; kills the process at ``kill_at``.

    Yields:
        The names of the files written, in order.
    """
    events: list[str] = []
    atomic = _files.write_atomically
    kt_utils = importlib.import_module("keras_tuner.src.utils")
    save_json = kt_utils.save_json

    def should_die(phase: str) -> bool:
        return kill_at is not None and kill_at == (len(events) - 1, phase)

    def killing_atomic(path: str, text: str) -> None:
        events.append(os.path.relpath(path))
        if should_die("before"):
            _die()
        if should_die("during"):
            with open(f"{path}{_files.TEMPORARY_SUFFIX}", "w") as file:
                file.write(text[: len(text) // 2])
            _die()
        atomic(path, text)
        if should_die("after"):
            _die()

    def killing_save_json(path: str, obj: Any) -> str:
        events.append(os.path.relpath(str(path)))
        if should_die("before"):
            _die()
        if should_die("during"):
            open(path, "w").close()  # opened for writing, nothing written
            _die()
        text = save_json(path, obj)
        if should_die("after"):
            _die()
        return str(text)

    _files.write_atomically = killing_atomic
    kt_utils.save_json = killing_save_json
    try:
        yield events
    finally:
        _files.write_atomically = atomic
        kt_utils.save_json = save_json


# ---------------------------------------------------------------- forks
def _in_child(job: Any, out: str) -> None:
    """Runs ``job`` in a forked child; writes its result or error to ``out``."""
    pid = os.fork()
    if pid:
        return
    code = 0
    try:
        signal.alarm(CHILD_TIMEOUT)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = job()
        report = {
            "result": result,
            # KerasTuner's own DeprecationWarnings (threading names) and
            # scikit-learn's GP convergence notes (stock GP) aside.
            "warnings": [
                str(w.message)
                for w in caught
                if not issubclass(
                    w.category, (DeprecationWarning, ConvergenceWarning)
                )
            ],
        }
        with open(out, "w") as file:
            json.dump(report, file)
    except BaseException:
        with open(out, "w") as file:
            json.dump({"error": traceback.format_exc()}, file)
        code = 1
    finally:
        os._exit(code)


def _wait(out: str) -> tuple[int, dict[str, Any]]:
    _, status = os.wait()
    report = {}
    if os.path.exists(out):
        with open(out) as file:
            report = json.load(file)
        os.remove(out)
    return status, report


def kill_and_resume(
    tmp_path: Any, kind: str, kill_at: tuple[int, str]
) -> dict[str, Any]:
    directory = str(tmp_path / f"kill-{kill_at[0]}-{kill_at[1]}")
    out = str(tmp_path / "child.json")

    def killed_run() -> Any:
        with writes(kill_at):
            return run_search(directory, kind)

    _in_child(killed_run, out)
    status, report = _wait(out)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"{kind}: the search was not killed at write {kill_at}: {report}"
    )
    _in_child(lambda: run_search(directory, kind), out)
    status, report = _wait(out)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (
        f"{kind}: resuming after a kill at write {kill_at} failed:\n"
        f"{report.get('error', report)}"
    )
    return report


def keys(trials: list[dict[str, Any]]) -> list[str]:
    return [
        json.dumps(
            {
                k: v
                for k, v in t["values"].items()
                if not k.startswith("tuner/")
            },
            sort_keys=True,
        )
        for t in trials
        if t["values"].get("tuner/round", 0) == 0
    ]


@pytest.mark.parametrize(
    "kind", ["random", "bayesian", "bayesian_gp", "hyperband", "hyperband_gp"]
)
def test_every_write_point_resumes_to_the_uninterrupted_run(tmp_path, kind):
    directory = str(tmp_path / "reference")
    out = str(tmp_path / "child.json")

    def reference_run() -> Any:
        with writes() as events:
            trials = run_search(directory, kind)
        return {"trials": trials, "events": list(events)}

    _in_child(reference_run, out)
    status, report = _wait(out)
    assert status == 0, report
    reference = report["result"]["trials"]
    events = report["result"]["events"]
    design = ktseed.make_initializer(DESIGN).generate(space())
    assert [t["values"] for t in reference if t["design_index"] is not None][
        :1
    ] and len(events) > 10
    if kind == "hyperband_gp":
        assert sum(t["handoff"] is not None for t in reference) >= 2

    failures = []
    for index in range(len(events)):
        for phase in PHASES:
            report = kill_and_resume(tmp_path, kind, (index, phase))
            resumed = report["result"]
            where = f"kill {phase} write {index} ({events[index]})"
            design_run = sorted(
                (t for t in resumed if t["design_index"] is not None),
                key=lambda t: t["design_index"],
            )
            problems = []
            if [
                {
                    k: v
                    for k, v in t["values"].items()
                    if not k.startswith("tuner/")
                }
                for t in design_run
            ] != design:
                problems.append("design points lost, repeated or reordered")
            if len(set(keys(resumed))) != len(keys(resumed)):
                problems.append("a configuration ran twice")
            if any(t["status"] != "COMPLETED" for t in resumed):
                problems.append("a trial did not complete")
            if resumed != reference:
                problems.append("the trials differ from the uninterrupted run")
            unexpected = [
                w for w in report["warnings"] if "tuner state file" not in w
            ]
            if unexpected:
                problems.append(f"warnings: {unexpected}")
            if problems:
                failures.append(f"{where}: {'; '.join(problems)}")
    assert failures == [], "\n".join(failures)
