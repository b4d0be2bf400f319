"""A real chief and two workers (KerasTuner's gRPC mode) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import keras_tuner as kt
import portpicker
import pytest

import ktseed

pytestmark = pytest.mark.slow

SCRIPT = pathlib.Path(__file__).parent / "scripts" / "distributed_search.py"


def _start(tuner_id, port, directory, out_dir):
    env = dict(
        os.environ,
        KERASTUNER_ORACLE_IP="127.0.0.1",
        KERASTUNER_ORACLE_PORT=str(port),
        KERASTUNER_TUNER_ID=tuner_id,
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), str(directory), str(out_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_chief_and_two_workers_issue_the_design_once_in_order(tmp_path):
    port = portpicker.pick_unused_port()
    directory, out_dir = tmp_path / "project", tmp_path / "out"
    out_dir.mkdir()
    processes = {
        name: _start(name, port, directory, out_dir)
        for name in ("chief", "tuner0", "tuner1")
    }
    outputs = {}
    try:
        for name in ("tuner0", "tuner1", "chief"):
            outputs[name], _ = processes[name].communicate(timeout=150)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
    for name, process in processes.items():
        assert process.returncode == 0, (
            f"{name} exited {process.returncode}:\n{outputs.get(name, '')[-3000:]}"
        )

    state = json.loads((directory / "dist" / "oracle.json").read_text())
    trial_ids = sorted(
        p.name.removeprefix("trial_")
        for p in (directory / "dist").glob("trial_*")
    )
    assert len(trial_ids) == 12
    trials = {
        t: json.loads(
            (directory / "dist" / f"trial_{t}" / "trial.json").read_text()
        )
        for t in trial_ids
    }
    assert all(trials[t]["status"] == "COMPLETED" for t in trial_ids)

    hp = kt.HyperParameters.from_config(state["hyperparameters"])
    design = ktseed.make_initializer(
        {"name": "sobol", "n_points": 8, "seed": 5}
    ).generate(hp)
    # The design's points are trials 00..07, in order, each exactly once.
    assert [
        trials[t]["hyperparameters"]["values"] for t in trial_ids[:8]
    ] == design
    assert state["ktseed"]["design_trials"] == {f"{i:02d}": i for i in range(8)}
    assert state["ktseed"]["cursor"] == 8
    # Then 4 trials from the parent's sampler, none repeating a design point.
    rest = [trials[t]["hyperparameters"]["values"] for t in trial_ids[8:]]
    assert len(rest) == 4 and not any(v in design for v in rest)
    # Both workers ran trials, and together every trial exactly once.
    ran = {
        name: json.loads((out_dir / f"{name}.json").read_text())
        for name in ("tuner0", "tuner1")
    }
    assert ran["tuner0"] and ran["tuner1"]
    assert sorted(ran["tuner0"] + ran["tuner1"]) == trial_ids
    # The finished project lists no ongoing trial (stock KerasTuner does).
    assert state["ongoing_trials"] == {}
