"""Reading an earlier KerasTuner project: a small, fast, reusable reader.

:func:`load_prior_run` reads the project ``<directory>/<project_name>``
into a :class:`PriorRun`: light-weight :class:`PriorTrial` records plus
the prior search space. Two modules, one job each:

* :mod:`ktseed.prior_runs.reader`: the files (``trial_*/trial.json``,
  ``oracle.json``), parsed with ``json.loads`` by KerasTuner's own rules,
  each rejected file named with the key it lacks.
* :mod:`ktseed.prior_runs.records`: the records, and what the readers of a
  prior run ask of them (scored and ranked trials, the prior space, the
  prior objective recovered from the scores).

Importing this package does not import KerasTuner; only
:meth:`PriorRun.hyperparameters` does. Writers of such projects, for
tests and benchmarks, are in :mod:`ktseed.testing.projects`.
"""

from __future__ import annotations

from typing import Any

from ktseed.prior_runs.reader import check_project
from ktseed.prior_runs.reader import load_prior_run
from ktseed.prior_runs.records import COMPLETED
from ktseed.prior_runs.records import PriorMetric
from ktseed.prior_runs.records import PriorRun
from ktseed.prior_runs.records import PriorTrial
from ktseed.prior_runs.records import trial_sort_key


def __getattr__(name: str) -> Any:
    # 0.1 kept its project writer here; it moved to ktseed.testing.projects.
    if name == "write_synthetic_project":
        import warnings

        from ktseed.testing import projects

        warnings.warn(
            "ktseed.prior_runs.write_synthetic_project moved to "
            "ktseed.testing.projects.write_synthetic_project; import it "
            "from there.",
            DeprecationWarning,
            stacklevel=2,
        )
        return projects.write_synthetic_project
    msg = f"module 'ktseed.prior_runs' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "COMPLETED",
    "PriorMetric",
    "PriorRun",
    "PriorTrial",
    "check_project",
    "load_prior_run",
    "trial_sort_key",
]
