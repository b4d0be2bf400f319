"""The one ``keras_tuner.Tuner`` of ``ktseed.testing``: trials are formulas.

The conformance suite (which crashes it midway) and the project writers
(which record what it returns) both run searches without training a
model. The class is built on first use, so importing ``ktseed.testing``
does not import KerasTuner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``formula(values)`` gives a trial's result: a float (recorded under the
#: objective's name), a dict of metrics, or ``None`` to fail the trial.
Formula = Callable[[dict[str, Any]], Any]

_CLASS: list[type] = []


def formula_tuner_class() -> type:
    """``FormulaTuner(*, formula, crash_at=None, **tuner_kwargs)``.

    A ``keras_tuner.Tuner`` whose ``run_trial`` returns
    ``formula(values)``; ``None`` fails the trial (``FailedTrialError``).
    With ``crash_at=k`` the k-th ``run_trial`` call raises
    ``KeyboardInterrupt`` instead, leaving its trial RUNNING on disk as a
    crash would. ``calls`` counts the ``run_trial`` calls.
    """
    if _CLASS:
        return _CLASS[0]
    import keras_tuner as kt

    class FormulaTuner(kt.Tuner):
        def __init__(
            self,
            *,
            formula: Formula,
            crash_at: int | None = None,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            self.formula = formula
            self.crash_at = crash_at
            self.calls = 0

        def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.crash_at is not None and self.calls == self.crash_at:
                raise KeyboardInterrupt  # a crash mid-trial
            result = self.formula(dict(trial.hyperparameters.values))
            if result is None:
                msg = "formula declined these values"
                raise kt.errors.FailedTrialError(msg)
            return result

    _CLASS.append(FormulaTuner)
    return FormulaTuner
