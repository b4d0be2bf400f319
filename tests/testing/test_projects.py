"""ktseed.testing.projects: the project writers, and the package's imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ktseed.testing
from ktseed.prior_runs import load_prior_run
from ktseed.testing import contract
from ktseed.testing.projects import mixed_score
from ktseed.testing.projects import trial_state
from ktseed.testing.projects import write_project
from ktseed.testing.projects import write_trial_json

WITHOUT_PYTEST = """
import sys

for name in ("pytest", "_pytest", "hypothesis", "keras_tuner"):
    sys.modules[name] = None  # any import of them now fails

import ktseed.testing
from ktseed.prior_runs import load_prior_run
from ktseed.testing.projects import write_synthetic_project

write_synthetic_project(sys.argv[1], "p", 12, failed_every=4)
print(load_prior_run(sys.argv[1], "p").status_counts())
try:
    ktseed.testing.InitializerContract
except ImportError as error:
    print("contract:", error)
"""


def test_project_writers_need_neither_pytest_nor_keras_tuner(tmp_path):
    # The benchmark uses them, and its extra installs no pytest.
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYTEST, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    counts, needs = result.stdout.splitlines()
    assert counts == "{'COMPLETED': 9, 'FAILED': 3}"
    assert needs.startswith("contract: ") and "pytest" in needs


def test_the_package_serves_the_contract_on_first_use():
    assert ktseed.testing.InitializerContract is contract.InitializerContract
    assert "InitializerContract" in dir(ktseed.testing)
    assert set(ktseed.testing.__all__) <= set(dir(ktseed.testing))
    with pytest.raises(AttributeError, match="no attribute 'Contract'"):
        _ = ktseed.testing.Contract


def test_write_project_fails_the_trials_its_formula_declines(tmp_path):
    def formula(values):
        return None if values["bn"] else {"score": mixed_score(values)}

    project = write_project(
        tmp_path, "p", max_trials=6, seed=3, formula=formula
    )
    assert project == tmp_path / "p"
    run = load_prior_run(tmp_path, "p")
    assert len(run.trials) == 6
    for trial in run.trials:
        failed = trial.values["bn"]
        assert trial.status == ("FAILED" if failed else "COMPLETED")
        assert (trial.score is None) == failed
    assert run.objective_candidates() == {"score": "min"}


def test_write_trial_json_writes_a_state_or_raw_text(tmp_path):
    state = trial_state("7", {"x": 1}, 0.5, direction="max")
    path = write_trial_json(tmp_path / "p", "7", state)
    assert path == tmp_path / "p" / "trial_7" / "trial.json"
    (trial,) = load_prior_run(tmp_path, "p").trials
    assert (trial.trial_id, trial.values, trial.score) == ("7", {"x": 1}, 0.5)
    assert trial.metric_directions == {"score": "max"}
    raw = write_trial_json(str(tmp_path / "q"), "0", "{")
    assert raw.read_text() == "{"
