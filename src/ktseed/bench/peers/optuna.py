"""Optuna's samplers as peers: ``optuna/tpe``, ``optuna/qmc``, ``optuna/gp``.

Each runs a study with the run's seed and default settings:
``TPESampler(seed)``, ``QMCSampler(qmc_type="sobol", scramble=True, seed)``
and ``GPSampler(seed)``. TPE and GP start with their own 10 random
trials (``n_startup_trials=10``, their default, which the ``peers`` task's
design size matches; the older ``search`` task, with 8-point designs,
keeps the same default). The space is asked define-by-run
(:func:`suggest_values`): log scales, integer steps, categoricals, and a
conditional hyperparameter only when its parents make it active.
``GPSampler`` imports torch.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Literal

from ktseed.bench.peers.base import PeerRequest
from ktseed.bench.peers.base import PeerRunner
from ktseed.bench.peers.base import TrialLog

if TYPE_CHECKING:
    from ktseed.bench.problems import Problem


def make_sampler(variant: str | None, seed: int) -> Any:
    """The seeded Optuna sampler of ``optuna/<variant>``.

    Raises:
        ValueError: For another variant.
    """
    import optuna

    with warnings.catch_warnings():
        # QMCSampler and GPSampler are marked experimental.
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if variant == "tpe":
            return optuna.samplers.TPESampler(seed=seed)
        if variant == "qmc":
            return optuna.samplers.QMCSampler(
                qmc_type="sobol", scramble=True, seed=seed
            )
        if variant == "gp":
            return optuna.samplers.GPSampler(seed=seed)
    msg = f"'{variant}' is not an Optuna sampler (tpe, qmc, gp)."
    raise ValueError(msg)


def suggest_values(trial: Any, space: Any) -> dict[str, Any]:
    """Asks an Optuna trial for one point of a KerasTuner space.

    Each hyperparameter maps to the matching Optuna distribution (log
    scale, step, categorical); a conditional one is suggested only when
    its parents' values make it active, as KerasTuner does.

    Raises:
        ValueError: For ``reverse_log`` sampling or a log scale with a step,
            which Optuna cannot express.
    """
    from keras_tuner.engine import hyperparameters as hps

    values: dict[str, Any] = {}
    for hp in space.space:
        if not all(c.is_active(values) for c in hp.conditions):
            continue
        name = hp.name
        if isinstance(hp, hps.Fixed):
            values[name] = hp.value
        elif isinstance(hp, hps.Boolean):
            values[name] = trial.suggest_categorical(name, [False, True])
        elif isinstance(hp, hps.Choice):
            values[name] = trial.suggest_categorical(name, list(hp.values))
        elif isinstance(hp, (hps.Int, hps.Float)):
            values[name] = _suggest_number(trial, hp, isinstance(hp, hps.Int))
        else:
            msg = f"hyperparameter '{name}': no Optuna mapping for {hp!r}."
            raise ValueError(msg)
    return values


def _suggest_number(trial: Any, hp: Any, is_int: bool) -> Any:
    log = hp.sampling == "log"
    if hp.sampling not in ("linear", "log") or (
        log and hp.step is not None and not (is_int and hp.step == 1)
    ):
        msg = (
            f"hyperparameter '{hp.name}': Optuna cannot express "
            f"sampling={hp.sampling!r} with step={hp.step!r}."
        )
        raise ValueError(msg)
    if is_int:
        step = 1 if log else int(hp.step or 1)
        return trial.suggest_int(
            hp.name, hp.min_value, hp.max_value, step=step, log=log
        )
    return trial.suggest_float(
        hp.name,
        hp.min_value,
        hp.max_value,
        step=None if log else hp.step,
        log=log,
    )


def create_study(problem: Problem, sampler: Any) -> Any:
    """A quiet in-memory study in the problem's direction."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    direction: Literal["minimize", "maximize"] = (
        "minimize" if problem.direction == "min" else "maximize"
    )
    return optuna.create_study(direction=direction, sampler=sampler)


class OptunaRunner(PeerRunner):
    """``optuna/tpe``, ``optuna/qmc`` and ``optuna/gp``."""

    family: ClassVar[str] = "optuna"
    label: ClassVar[str] = "Optuna"
    variants: ClassVar[dict[str, str]] = {
        "tpe": "TPESampler(seed), defaults (10 random startup trials)",
        "qmc": "QMCSampler(qmc_type='sobol', scramble=True, seed)",
        "gp": "GPSampler(seed), defaults (10 random startup trials)",
    }

    def unavailable_reason(self, variant: str, module_available: Any) -> Any:
        """See :meth:`PeerRunner.unavailable_reason` (wording kept)."""
        if not module_available("optuna"):
            return (
                f"optuna {variant} skipped: optuna not installed "
                "(pip install 'ktseed[bench]')"
            )
        if variant == "gp" and not module_available("torch"):
            return "optuna GPSampler skipped: torch not installed"
        return None

    def run(self, request: PeerRequest, log: TrialLog) -> None:
        """See :meth:`PeerRunner.run`; ``design_size`` is not used."""
        import optuna

        space = request.problem.space()

        def objective(trial: Any) -> float:
            return log.evaluate(suggest_values(trial, space))

        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", optuna.exceptions.ExperimentalWarning
            )
            study = create_study(
                request.problem, make_sampler(request.variant, request.seed)
            )
            study.optimize(objective, n_trials=request.budget)


__all__ = [
    "OptunaRunner",
    "create_study",
    "make_sampler",
    "suggest_values",
]
