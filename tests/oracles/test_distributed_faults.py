"""Distributed faults with real chief and worker processes (issue 13).

* The chief is killed while both workers are mid-trial and restarted: no
  trial runs twice, none is lost, the design runs once and in order.
* A worker is killed mid-trial and restarted with its id: it is handed its
  own trial again, which then completes once.
* An invalid design: the chief fails with the design's message within
  seconds, before any worker starts a trial.

Every process is bounded by a timeout; KerasTuner's chief polls and can
take up to ~20 s to exit after the last trial.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from collections import Counter

import keras_tuner as kt
import portpicker
import pytest

import ktseed

pytestmark = pytest.mark.slow

SCRIPT = pathlib.Path(__file__).parent / "scripts" / "distributed_faults.py"
DESIGN = {"name": "sobol", "n_points": 8, "seed": 5}
DEADLINE = 240  # seconds for a whole distributed search


def start(tuner_id, port, directory, logs, *extra):
    env = dict(
        os.environ,
        KERASTUNER_ORACLE_IP="127.0.0.1",
        KERASTUNER_ORACLE_PORT=str(port),
        KERASTUNER_TUNER_ID=tuner_id,
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), str(directory), str(logs), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def events(logs: pathlib.Path) -> list[dict]:
    out = []
    for path in sorted(logs.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                out.append({**json.loads(line), "tuner": path.stem})
    return sorted(out, key=lambda e: e["time"])


def open_trials(logs: pathlib.Path) -> dict[str, str]:
    """Tuner id -> the trial it started and has not ended."""
    running: dict[str, str] = {}
    for event in events(logs):
        if event["event"] == "start":
            running[event["tuner"]] = event["trial"]
        elif running.get(event["tuner"]) == event["trial"]:
            del running[event["tuner"]]
    return running


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def stop(processes):
    """Kills what still runs and closes every pipe."""
    for process in processes.values():
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def finish(processes):
    outputs = {}
    try:
        for name, process in processes.items():
            outputs[name], _ = process.communicate(timeout=DEADLINE)
    finally:
        stop(processes)
    for name, process in processes.items():
        assert process.returncode == 0, (
            f"{name} exited {process.returncode}:\n{outputs[name][-3000:]}"
        )


def check_exactly_once(directory: pathlib.Path, logs: pathlib.Path) -> dict:
    """Every trial completed once; the design ran first, once, in order."""
    project = directory / "dist"
    state = json.loads((project / "oracle.json").read_text())
    trial_ids = sorted(p.name[len("trial_") :] for p in project.glob("trial_*"))
    assert len(trial_ids) == 12
    trials = {
        t: json.loads((project / f"trial_{t}" / "trial.json").read_text())
        for t in trial_ids
    }
    assert all(trials[t]["status"] == "COMPLETED" for t in trial_ids)
    ended = Counter(e["trial"] for e in events(logs) if e["event"] == "end")
    assert sorted(ended) == trial_ids
    assert set(ended.values()) == {1}, f"trials completed twice: {ended}"
    hp = kt.HyperParameters.from_config(state["hyperparameters"])
    design = ktseed.make_initializer(DESIGN).generate(hp)
    assert [
        trials[t]["hyperparameters"]["values"] for t in trial_ids[:8]
    ] == design
    assert state["ktseed"]["design_trials"] == {f"{i:02d}": i for i in range(8)}
    values = [
        json.dumps(trials[t]["hyperparameters"]["values"], sort_keys=True)
        for t in trial_ids
    ]
    assert len(set(values)) == 12, "a configuration ran twice"
    assert state["ongoing_trials"] == {}
    return trials


def test_a_restarted_chief_hands_out_no_trial_twice(tmp_path):
    port = portpicker.pick_unused_port()
    directory, logs = tmp_path / "project", tmp_path / "logs"
    logs.mkdir()
    slow = ("--seconds", "3")
    processes = {
        name: start(name, port, directory, logs, *slow)
        for name in ("chief", "tuner0", "tuner1")
    }
    try:
        wait_for(
            lambda: (
                len(open_trials(logs)) == 2
                and sum(e["event"] == "end" for e in events(logs)) >= 2
            ),
            DEADLINE,
            "both workers mid-trial after two trials",
        )
        running = open_trials(logs)
        processes["chief"].send_signal(signal.SIGKILL)
        processes["chief"].communicate(timeout=30)
        processes["chief"] = start("chief", port, directory, logs, *slow)
        finish(processes)
    finally:
        stop(processes)
    check_exactly_once(directory, logs)
    starts = Counter(e["trial"] for e in events(logs) if e["event"] == "start")
    # The two trials that were running when the chief died ran only once,
    # on the workers that had them.
    assert all(starts[t] == 1 for t in running.values()), starts


def test_a_worker_restarted_with_its_id_takes_its_trial_back(tmp_path):
    port = portpicker.pick_unused_port()
    directory, logs = tmp_path / "project", tmp_path / "logs"
    logs.mkdir()
    slow = ("--seconds", "1.5")
    processes = {
        name: start(name, port, directory, logs, *slow)
        for name in ("chief", "tuner0", "tuner1")
    }
    try:
        wait_for(
            lambda: (
                "tuner0" in open_trials(logs)
                and sum(e["event"] == "end" for e in events(logs)) >= 1
            ),
            DEADLINE,
            "tuner0 mid-trial",
        )
        cut_off = open_trials(logs)["tuner0"]
        processes["tuner0"].send_signal(signal.SIGKILL)
        processes["tuner0"].communicate(timeout=30)
        processes["tuner0"] = start("tuner0", port, directory, logs, *slow)
        finish(processes)
    finally:
        stop(processes)
    check_exactly_once(directory, logs)
    runs = [e for e in events(logs) if e["trial"] == cut_off]
    # Started by tuner0, cut off, started again by tuner0, completed once.
    assert [(e["tuner"], e["event"]) for e in runs] == [
        ("tuner0", "start"),
        ("tuner0", "start"),
        ("tuner0", "end"),
    ]


def test_an_invalid_design_fails_the_chief_before_any_trial(tmp_path):
    port = portpicker.pick_unused_port()
    directory, logs = tmp_path / "project", tmp_path / "logs"
    logs.mkdir()
    bad = json.dumps({"name": "fixed", "points": [{"x": 5.0}]})
    processes = {
        name: start(name, port, directory, logs, "--initializer", bad)
        for name in ("chief", "tuner0", "tuner1")
    }
    started = time.time()
    try:
        output, _ = processes["chief"].communicate(timeout=120)
        elapsed = time.time() - started
    finally:
        stop(processes)
    assert processes["chief"].returncode not in (0, None)
    assert "hyperparameter 'x' (Float) got 5.0: outside the range" in output
    assert elapsed < 60, f"the chief took {elapsed:.0f} s to fail"
    assert events(logs) == []  # no worker started a trial
    assert not list((directory / "dist").glob("trial_*"))


def test_a_hyperband_gp_search_runs_no_candidate_twice(tmp_path):
    """Chief and two workers; the GP proposes while the other worker runs."""
    port = portpicker.pick_unused_port()
    directory, logs = tmp_path / "project", tmp_path / "logs"
    logs.mkdir()
    extra = ("--oracle", "hyperband_gp", "--seconds", "0.3")
    processes = {
        name: start(name, port, directory, logs, *extra)
        for name in ("chief", "tuner0", "tuner1")
    }
    finish(processes)

    project = directory / "dist"
    state = json.loads((project / "oracle.json").read_text())
    trials = {
        p.name[len("trial_") :]: json.loads((p / "trial.json").read_text())
        for p in project.glob("trial_*")
    }
    # One Hyperband iteration (max_epochs=9, factor=3): 17 new candidates
    # and 6 promotions, every one run once, by one of the two workers.
    assert len(trials) == 23
    assert all(t["status"] == "COMPLETED" for t in trials.values())
    ended = Counter(e["trial"] for e in events(logs) if e["event"] == "end")
    assert sorted(ended) == sorted(trials) and set(ended.values()) == {1}
    assert {e["tuner"] for e in events(logs)} == {"tuner0", "tuner1"}
    values = {t: trials[t]["hyperparameters"]["values"] for t in trials}
    candidates = [
        json.dumps(
            {k: v for k, v in v.items() if not k.startswith("tuner/")},
            sort_keys=True,
        )
        for v in values.values()
        if v["tuner/round"] == 0
    ]
    assert len(candidates) == 17
    assert len(set(candidates)) == 17, "a candidate ran twice"
    # The design ran first, in order; the GP proposed several candidates.
    hp = kt.HyperParameters.from_config(state["hyperparameters"])
    design = ktseed.make_initializer(DESIGN).generate(hp)
    design_ids = sorted(state["ktseed"]["design_trials"])
    assert [
        {k: v for k, v in values[t].items() if not k.startswith("tuner/")}
        for t in design_ids
    ] == design
    proposed = state["ktseed"]["hyperband"]["handoff_trials"]
    assert len(proposed) >= 3
    assert all(values[t]["tuner/round"] == 0 for t in proposed)
    assert state["ongoing_trials"] == {}
