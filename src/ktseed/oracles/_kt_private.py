"""Every touch of a private KerasTuner name lives here, and only here.

KerasTuner has no public hook for initial designs (keras-tuner #604, #699),
so the seeded oracles need a handful of private seams of keras-tuner 1.4.x.
This module names each one in :data:`PRIVATE_API`, checks them all when
:mod:`ktseed.oracles` is imported, and fails with an error that says which
name moved if a KerasTuner release renames one. The rest of ktseed calls the
small functions and mixins below and never spells a private name.

The seams:

* ``Oracle._duplicate(values)``: KerasTuner's duplicate check (hash of the
  active values), used to skip design points already tried.
* ``Oracle._random_values()``: the one random sampler shared by every
  oracle; Hyperband's round-0 candidates come from it, so the Hyperband
  design hooks in here and leaves the bracket bookkeeping untouched.
* ``Oracle._seed_state``: the random sampler's counter, reset when ktseed
  honours ``seed=0`` (KerasTuner treats 0 as "no seed").
* ``BayesianOptimizationOracle._random_populate_space()``: the random phase.
* ``BayesianOptimizationOracle._vectorize_trials()``: the GP's training data;
  prior-run observations are appended to it.
* ``BayesianOptimizationOracle._make_gpr()``, ``.gpr`` and ``._random_state``:
  rebuilt when the seed is fixed up.
* ``Oracle._retry_queue``: repaired on reload after a crash (see
  :func:`repair_after_crash`).
* ``Oracle._get_oracle_fname()``: where ``oracle.json`` lives, for the
  atomic save.
* ``HyperbandOracle._random_trial`` (the call site of ``_random_values``),
  ``_get_size`` and ``_get_num_brackets``: how many new configurations a
  Hyperband search draws, to refuse a design that could never run.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
from collections.abc import Iterator
from typing import Any

import keras_tuner
import numpy as np
from keras_tuner.oracles import BayesianOptimizationOracle
from keras_tuner.oracles import HyperbandOracle

#: (owner, name, kind) of every private KerasTuner name ktseed relies on.
PRIVATE_API: tuple[tuple[type, str, str], ...] = (
    (keras_tuner.Oracle, "_duplicate", "method"),
    (keras_tuner.Oracle, "_random_values", "method"),
    (keras_tuner.Oracle, "_seed_state", "attribute"),
    (keras_tuner.Oracle, "_retry_queue", "attribute"),
    (keras_tuner.Oracle, "_get_oracle_fname", "method"),
    (BayesianOptimizationOracle, "_random_populate_space", "method"),
    (BayesianOptimizationOracle, "_vectorize_trials", "method"),
    (BayesianOptimizationOracle, "_make_gpr", "method"),
    (BayesianOptimizationOracle, "gpr", "attribute"),
    (BayesianOptimizationOracle, "_random_state", "attribute"),
    (HyperbandOracle, "_random_trial", "method"),
    (HyperbandOracle, "_get_size", "method"),
    (HyperbandOracle, "_get_num_brackets", "method"),
)

#: Parameters the seams must accept (beyond ``self``).
_SIGNATURES: dict[str, list[str]] = {
    "_duplicate": ["values"],
    "_random_values": [],
    "_get_oracle_fname": [],
    "_random_populate_space": [],
    "_vectorize_trials": [],
    "_make_gpr": [],
    "_random_trial": ["trial_id", "bracket"],
    "_get_size": ["bracket_num", "round_num"],
    "_get_num_brackets": [],
}


def _probe_attributes(owner: type) -> set[str]:
    """Instance attributes set by ``owner.__init__`` (on a throwaway object)."""
    hp = keras_tuner.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    # A seed, so that KerasTuner does not draw one from the global `random`
    # state: importing ktseed must not change a user's random sequence.
    if issubclass(owner, HyperbandOracle):
        oracle = owner(max_epochs=3, hyperparameters=hp, seed=1)
    else:
        oracle = owner(max_trials=1, hyperparameters=hp, seed=1)
    return set(vars(oracle))


def check_private_api() -> list[str]:
    """Lists the private KerasTuner names that are missing or changed.

    Returns:
        One human-readable problem per missing method or attribute, or an
        empty list when the installed KerasTuner has every seam.
    """
    problems = []
    attributes: dict[type, set[str]] = {}
    for owner, name, kind in PRIVATE_API:
        where = f"keras_tuner {owner.__name__}.{name}"
        if kind == "method":
            member = getattr(owner, name, None)
            if not callable(member):
                problems.append(f"{where} (a method) is missing")
                continue
            expected = _SIGNATURES.get(name)
            if expected is not None:
                params = list(inspect.signature(member).parameters)[1:]
                if params != expected:
                    problems.append(
                        f"{where} takes {params}, ktseed expects {expected}"
                    )
        else:
            if owner not in attributes:
                attributes[owner] = _probe_attributes(owner)
            if name not in attributes[owner]:
                problems.append(f"{where} (an attribute) is missing")
    return problems


def assert_private_api() -> None:
    """Raises ``ImportError`` naming every seam this KerasTuner lacks."""
    problems = check_private_api()
    if problems:
        msg = (
            "ktseed's seeded oracles rely on private KerasTuner internals "
            f"that this keras-tuner {keras_tuner.__version__} does not "
            "have: " + "; ".join(problems) + ". Install a keras-tuner "
            "version ktseed supports (>=1.4.8,<1.5) or upgrade ktseed."
        )
        raise ImportError(msg)


# ----------------------------------------------------------- functions
def is_duplicate(oracle: keras_tuner.Oracle, values: dict[str, Any]) -> bool:
    """KerasTuner's own "already tried" check for ``values``."""
    return bool(oracle._duplicate(values))


def apply_seed(oracle: keras_tuner.Oracle, seed: int) -> None:
    """Makes ``seed`` the oracle's seed, ``0`` included.

    KerasTuner's ``Oracle.__init__`` does ``seed or random.randint(...)``,
    so ``seed=0`` silently becomes a random seed (keras-tuner #421).
    """
    oracle.seed = seed
    oracle._seed_state = seed
    if isinstance(oracle, BayesianOptimizationOracle):
        oracle._random_state = np.random.RandomState(seed)
        oracle.gpr = oracle._make_gpr()


def reseed_acquisition(oracle: BayesianOptimizationOracle, salt: int) -> None:
    """Reseeds the stock GP's restart sampler after a resume.

    KerasTuner does not persist it, so a resumed search would draw fresh
    entropy; deriving it from the seed and the trial count keeps a resumed
    search reproducible.
    """
    oracle._random_state = np.random.RandomState(
        (int(oracle.seed) + int(salt)) % (2**32)
    )


def random_response(oracle: BayesianOptimizationOracle) -> dict[str, Any]:
    """The Bayesian oracle's own random-phase response."""
    response: dict[str, Any] = oracle._random_populate_space()
    return response


def kerastuner_random_values(
    oracle: keras_tuner.Oracle,
) -> dict[str, Any] | None:
    """A random point from KerasTuner's sampler (``None`` when exhausted)."""
    values: dict[str, Any] | None = keras_tuner.Oracle._random_values(oracle)
    return values


@contextlib.contextmanager
def _initial_points_satisfied(
    oracle: BayesianOptimizationOracle,
) -> Iterator[None]:
    # The parent switches to the GP when `len(completed) >=
    # (num_initial_points or max(3 * dims, 3))`. ktseed decides the switch
    # itself (design size, prior observations), so while it asks for a GP
    # step it sets a truthy value the parent's check always passes.
    saved = oracle.num_initial_points
    oracle.num_initial_points = -1
    try:
        yield
    finally:
        oracle.num_initial_points = saved


def stock_gp_step(
    oracle: BayesianOptimizationOracle, trial_id: str
) -> dict[str, Any]:
    """One proposal of KerasTuner's own GP (fit, then UCB optimisation)."""
    with _initial_points_satisfied(oracle):
        response: dict[str, Any] = BayesianOptimizationOracle.populate_space(
            oracle, trial_id
        )
    return response


def repair_after_crash(oracle: keras_tuner.Oracle) -> list[str]:
    """Fixes the two states a crash can leave KerasTuner's files in.

    * A crash between writing a trial's ``trial.json`` and ``oracle.json``
      leaves a RUNNING trial that ``oracle.json`` does not know (not in
      ``start_order``, not ongoing): KerasTuner never runs it, and its GP
      would even read it with another trial's score. It is added to
      ``start_order`` and queued for retry.
    * A crash inside ``end_trial``, after KerasTuner saved the trial as
      finished but before it dropped it from the ongoing ones, makes the
      reload queue a finished trial for a rerun. Finished trials are taken
      off the retry queue.

    Returns:
        The ids of the orphaned trials that were queued.
    """
    finished = {"COMPLETED", "FAILED"}
    oracle._retry_queue = [
        trial_id
        for trial_id in oracle._retry_queue
        if oracle.trials[trial_id].status not in finished
    ]
    ongoing = {t.trial_id for t in oracle.ongoing_trials.values()}
    queued = set(oracle._retry_queue)
    known = set(oracle.start_order)
    orphans = []
    for trial_id in sorted(oracle.trials, key=lambda t: (len(t), t)):
        trial = oracle.trials[trial_id]
        if (
            trial.status == "RUNNING"
            and trial_id not in ongoing
            and trial_id not in queued
        ):
            if trial_id not in known:
                oracle.start_order.append(trial_id)
            oracle._retry_queue.append(trial_id)
            orphans.append(trial_id)
    return orphans


def save_atomically(oracle: keras_tuner.Oracle) -> None:
    """Writes ``oracle.json`` through a temporary file and a rename.

    A crash mid-write then leaves the previous, complete file instead of a
    torn one. Remote directories (``gs://`` and the like, which KerasTuner
    writes through TensorFlow's file API) keep KerasTuner's own save.
    """
    fname = oracle._get_oracle_fname()
    if "://" in str(fname):
        keras_tuner.Oracle.save(oracle)
        return
    text = json.dumps(oracle.get_state())  # the C encoder; dump() is slow
    temporary = f"{fname}.ktseed-tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, fname)


def hyperband_round0_capacity(oracle: HyperbandOracle) -> int | None:
    """New configurations a Hyperband search draws (None: unbounded)."""
    if oracle.hyperband_iterations == float("inf"):
        return None
    per_iteration = sum(
        oracle._get_size(bracket, 0)
        for bracket in range(oracle._get_num_brackets())
    )
    return int(per_iteration * oracle.hyperband_iterations)


# -------------------------------------------------------------- mixins
class RandomValuesHook:
    """Lets a subclass answer ``_random_values`` before KerasTuner does.

    The subclass implements ``_ktseed_values_instead_of_random()``, which
    returns a values dict to use instead of a random draw, or ``None``.
    """

    def _ktseed_values_instead_of_random(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def _random_values(self) -> dict[str, Any] | None:
        values = self._ktseed_values_instead_of_random()
        if values is not None:
            return values
        return kerastuner_random_values(self)


class ObservationsHook:
    """Appends extra ``(x, y)`` rows to the stock GP's training data.

    The subclass implements ``_ktseed_extra_observations()`` returning an
    ``(n, d)`` array in KerasTuner's vector layout and ``n`` scores framed
    for minimisation (as ``_vectorize_trials`` frames them).
    """

    def _ktseed_extra_observations(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        raise NotImplementedError

    def _vectorize_trials(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        x, y = BayesianOptimizationOracle._vectorize_trials(self)
        extra_x, extra_y = self._ktseed_extra_observations()
        if len(extra_y) == 0:
            return x, y
        if len(y) == 0:
            return extra_x, extra_y
        return (
            np.vstack([np.asarray(x, dtype=float), extra_x]),
            np.concatenate([np.asarray(y, dtype=float), extra_y]),
        )


__all__ = [
    "PRIVATE_API",
    "ObservationsHook",
    "RandomValuesHook",
    "apply_seed",
    "assert_private_api",
    "check_private_api",
    "is_duplicate",
    "kerastuner_random_values",
    "hyperband_round0_capacity",
    "random_response",
    "repair_after_crash",
    "save_atomically",
    "reseed_acquisition",
    "stock_gp_step",
]
