"""Every touch of a private KerasTuner name lives here, and only here.

KerasTuner has no public hook for initial designs (keras-tuner #604, #699),
so the seeded oracles need a handful of private seams of keras-tuner 1.4.x.
This module names each one in :data:`PRIVATE_API` and checks, when
:mod:`ktseed.oracles` is imported, that they exist with the expected
signatures (:func:`check_private_api`) *and still behave* as ktseed relies
on (:func:`check_private_behaviour`: small in-memory probes, no files), and
fails with an error that says which seam moved if a KerasTuner release
changes one. At run time the hooks below also check that KerasTuner used
what they supplied (a design value handed to Hyperband's round-0 draw, the
prior observations handed to the stock GP) and raise
:class:`~ktseed.errors.KerasTunerCompatibilityError` the first time it did
not. The rest of ktseed calls the functions and mixins below and never
spells a private name. (This module is longer than ktseed's other modules
on purpose: keeping every private seam, its probe and its hook in one
place is the rule that makes a KerasTuner upgrade a one-file review.)

The seams:

* ``Oracle._duplicate(values)``: KerasTuner's duplicate check.
* ``Oracle._random_values()``: the one random sampler shared by every
  oracle; Hyperband's round-0 candidates come from it.
* ``Oracle._seed_state``: the sampler's counter (reset to honour
  ``seed=0``, which KerasTuner treats as "no seed").
* ``Oracle._retry_queue``: repaired on reload after a crash.
* ``Oracle._tried_so_far``: emptied by the behaviour probe of
  ``_random_values`` (on a throwaway oracle).
* ``Oracle._get_oracle_fname()``, ``._save_trial(trial)``,
  ``._get_trial_dir(trial_id)``: where the state files live, for the
  durable writes.
* ``BayesianOptimizationOracle._random_populate_space()``: the random phase.
* ``BayesianOptimizationOracle._vectorize_trials()``: the stock GP's
  training data; prior-run observations are appended to it.
* ``BayesianOptimizationOracle._make_gpr()``, ``.gpr``, ``._random_state``:
  rebuilt when the seed is fixed up.
* ``HyperbandOracle._random_trial(trial_id, bracket)``: the one call site of
  ``_random_values`` for round-0 candidates; ``_get_size`` and
  ``_get_num_brackets``: how many new configurations a search draws.

The module is longer than ktseed's 500-line guide on purpose: keeping every
private seam, its probe and its canary in one file is the rule that lets a
KerasTuner upgrade be checked in one place.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

import keras_tuner
import numpy as np
from keras_tuner.oracles import BayesianOptimizationOracle
from keras_tuner.oracles import HyperbandOracle

from ktseed._files import write_json_atomically
from ktseed.errors import KerasTunerCompatibilityError

#: (owner, name, kind) of every private KerasTuner name ktseed relies on.
PRIVATE_API: tuple[tuple[type, str, str], ...] = (
    (keras_tuner.Oracle, "_duplicate", "method"),
    (keras_tuner.Oracle, "_random_values", "method"),
    (keras_tuner.Oracle, "_seed_state", "attribute"),
    (keras_tuner.Oracle, "_retry_queue", "attribute"),
    (keras_tuner.Oracle, "_tried_so_far", "attribute"),
    (keras_tuner.Oracle, "_get_oracle_fname", "method"),
    (keras_tuner.Oracle, "_save_trial", "method"),
    (keras_tuner.Oracle, "_get_trial_dir", "method"),
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
    "_save_trial": ["trial"],
    "_get_trial_dir": ["trial_id"],
    "_random_populate_space": [],
    "_vectorize_trials": [],
    "_make_gpr": [],
    "_random_trial": ["trial_id", "bracket"],
    "_get_size": ["bracket_num", "round_num"],
    "_get_num_brackets": [],
}

_REMEDY = (
    "Install a keras-tuner version ktseed supports (>=1.4.8,<1.5) or "
    "upgrade ktseed."
)


def _probe_space() -> keras_tuner.HyperParameters:
    hp = keras_tuner.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    return hp


def _probe(owner: type) -> Any:
    # A seed, so that KerasTuner does not draw one from the global `random`
    # state: importing ktseed must not change a user's random sequence.
    if issubclass(owner, HyperbandOracle):
        return owner(max_epochs=3, hyperparameters=_probe_space(), seed=1)
    return owner(max_trials=1, hyperparameters=_probe_space(), seed=1)


def _probe_attributes(owner: type) -> set[str]:
    """Instance attributes set by ``owner.__init__`` (on a throwaway object)."""
    return set(vars(_probe(owner)))


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


def check_private_behaviour() -> list[str]:
    """Lists the private seams whose *behaviour* changed (in-memory probes).

    * Hyperband's round-0 candidate is the value ``_random_values`` returns,
      drawn by ``_random_trial``, which ``populate_space`` calls for a new
      bracket's round 0.
    * ``_random_values`` draws from ``_seed_state`` (so a fixed seed gives
      a fixed draw).
    * The stock GP step fits what ``_vectorize_trials`` returns.

    Returns:
        One problem per seam that did not behave, or an empty list.
    """
    problems: list[str] = []
    for probe in (_probe_round0, _probe_seed_state, _probe_vectorize):
        problem = probe()
        if problem:
            problems.append(problem)
    return problems


def _probe_round0() -> str:
    sentinel = {"x": 0.125}
    calls: list[str] = []

    class Probe(HyperbandOracle):
        def _random_values(self) -> dict[str, Any]:
            return dict(sentinel)

        def _random_trial(self, trial_id: str, bracket: Any) -> Any:
            calls.append(trial_id)
            return super()._random_trial(trial_id, bracket)

    try:
        response = _probe(Probe).populate_space("0")
    except Exception as error:  # pragma: no cover - a broken KerasTuner
        return f"HyperbandOracle.populate_space failed on a probe ({error})"
    values = response.get("values") or {}
    if calls != ["0"]:
        return (
            "HyperbandOracle.populate_space no longer calls _random_trial "
            "for a new bracket's round 0"
        )
    if values.get("x") != sentinel["x"] or values.get("tuner/round") != 0:
        return (
            "HyperbandOracle._random_trial no longer takes its candidate "
            "from _random_values"
        )
    return ""


def _probe_seed_state() -> str:
    oracle = _probe(keras_tuner.oracles.RandomSearchOracle)
    draws = []
    for _ in range(2):
        oracle._seed_state = 7
        oracle._tried_so_far = set()
        draws.append(keras_tuner.Oracle._random_values(oracle))
    oracle._seed_state = 8
    oracle._tried_so_far = set()
    other = keras_tuner.Oracle._random_values(oracle)
    if draws[0] != draws[1] or draws[0] == other:
        return "Oracle._random_values no longer draws from _seed_state"
    return ""


def _probe_vectorize() -> str:
    seen: list[bool] = []

    class Probe(BayesianOptimizationOracle):
        def _vectorize_trials(self) -> Any:
            seen.append(True)
            return np.array([[0.1], [0.5], [0.9]]), np.array([1.0, 0.0, 1.0])

    oracle = _probe(Probe)
    oracle.gpr.n_restarts_optimizer = 0
    try:
        with _initial_points_satisfied(oracle), _quiet():
            BayesianOptimizationOracle.populate_space(oracle, "0")
    except Exception as error:  # pragma: no cover - a broken KerasTuner
        return f"BayesianOptimizationOracle.populate_space failed ({error})"
    if not seen:
        return (
            "BayesianOptimizationOracle.populate_space no longer fits the "
            "GP on _vectorize_trials"
        )
    return ""


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def assert_private_api() -> None:
    """Raises ``ImportError`` naming every seam this KerasTuner lacks."""
    problems = check_private_api()
    if not problems:
        problems = check_private_behaviour()
    if problems:
        msg = (
            "ktseed's seeded oracles rely on private KerasTuner internals "
            f"that this keras-tuner {keras_tuner.__version__} does not "
            "have or that behave differently: "
            + "; ".join(problems)
            + ". "
            + _REMEDY
        )
        raise ImportError(msg)


# ----------------------------------------------------------- functions
def is_duplicate(oracle: keras_tuner.Oracle, values: Mapping[str, Any]) -> bool:
    """KerasTuner's own "already tried" check for ``values``."""
    return bool(oracle._duplicate(dict(values)))


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


# ----------------------------------------------------------- files
def project_directory(oracle: keras_tuner.Oracle) -> str | None:
    """The oracle's project directory, or ``None`` before a tuner sets it.

    (Asking creates the directory, as KerasTuner's own path helpers do.)
    """
    try:
        fname = str(oracle._get_oracle_fname())
    except (AttributeError, TypeError):  # no tuner has set the directory
        return None
    return os.path.dirname(fname)


def is_remote(path: str) -> bool:
    """Whether ``path`` is a remote URL (``gs://...``, written through TF)."""
    return "://" in path


def oracle_file(oracle: keras_tuner.Oracle) -> str:
    """Path of ``oracle.json`` (its directory is created if needed)."""
    return str(oracle._get_oracle_fname())


def save_atomically(oracle: keras_tuner.Oracle) -> None:
    """Writes ``oracle.json`` durably (temporary file, fsync, rename).

    A crash mid-write then leaves the previous, complete file instead of a
    torn one. Remote directories (``gs://`` and the like, which KerasTuner
    writes through TensorFlow's file API) keep KerasTuner's own save.
    """
    fname = oracle_file(oracle)
    if is_remote(fname):
        keras_tuner.Oracle.save(oracle)
        return
    write_json_atomically(fname, oracle.get_state())


def save_trial_atomically(oracle: keras_tuner.Oracle, trial: Any) -> None:
    """Writes a trial's ``trial.json`` durably, like :func:`save_atomically`."""
    directory = str(oracle._get_trial_dir(trial.trial_id))
    fname = os.path.join(directory, "trial.json")
    if is_remote(fname):
        keras_tuner.Oracle._save_trial(oracle, trial)
        return
    write_json_atomically(fname, trial.get_state())


# ------------------------------------------------------------ reload
FINISHED = frozenset({"COMPLETED", "FAILED"})


def drop_finished_from_retry_queue(oracle: keras_tuner.Oracle) -> list[str]:
    """Takes finished trials off the retry queue; returns their ids.

    A trial can be queued and then finished (a distributed worker that
    finishes a trial the restarted chief had queued for retry); handing it
    out again would run a finished trial twice.
    """
    finished = [
        trial_id
        for trial_id in oracle._retry_queue
        if oracle.trials[trial_id].status in FINISHED
    ]
    if finished:
        oracle._retry_queue = [
            t for t in oracle._retry_queue if t not in set(finished)
        ]
    return finished


def forget_orphans(oracle: keras_tuner.Oracle) -> list[str]:
    """Drops trials a crash cut off between ``trial.json`` and ``oracle.json``.

    ``create_trial`` writes the new trial's file and then ``oracle.json``;
    a crash between the two leaves a RUNNING trial that ``oracle.json``
    does not know (not started, not ongoing, not queued). It never ran
    (a trial runs only after ``create_trial`` returned), so it is dropped:
    the next ``create_trial`` makes it again, with the same id and the same
    values (the oracle state is the one from before it was made), and
    overwrites its file. The resumed search is then the uninterrupted one.

    Returns:
        The ids of the dropped trials.
    """
    ongoing = {t.trial_id for t in oracle.ongoing_trials.values()}
    queued = set(oracle._retry_queue)
    known = set(oracle.start_order)
    orphans = [
        trial_id
        for trial_id, trial in oracle.trials.items()
        if trial.status == "RUNNING"
        and trial_id not in known
        and trial_id not in ongoing
        and trial_id not in queued
    ]
    for trial_id in orphans:
        del oracle.trials[trial_id]
    return orphans


def finish_cut_off_ends(oracle: keras_tuner.Oracle) -> list[str]:
    """Completes the bookkeeping of trials a crash cut off in ``end_trial``.

    ``end_trial`` writes the finished trial's file, then ``oracle.json``,
    and drops the trial from the ongoing ones last. A crash in between
    leaves a finished trial that the reload queues for a rerun; it is taken
    off the queue and recorded as ended, as the uninterrupted run did.

    Returns:
        The ids of those trials.
    """
    finished = drop_finished_from_retry_queue(oracle)
    for trial_id in finished:
        if trial_id not in oracle.end_order:
            oracle.end_order.append(trial_id)
    return finished


def keep_ongoing(
    oracle: keras_tuner.Oracle, ongoing: Mapping[str, str]
) -> list[str]:
    """Gives still-running trials back to their tuners instead of requeueing.

    KerasTuner's reload moves every ongoing trial to the retry queue. On a
    distributed chief restarted while its workers run, that hands a
    running trial to the next worker that asks (and, once the owner has
    finished it, a finished one). Here each such trial stays assigned to
    its tuner id: the worker that runs it reports it as usual, and a worker
    restarted with the same id is handed it again by ``create_trial``.

    Args:
        oracle: The reloaded oracle.
        ongoing: ``{tuner_id: trial_id}`` from the saved state.

    Returns:
        The ids of the trials kept ongoing.
    """
    kept = []
    for tuner_id, trial_id in ongoing.items():
        trial = oracle.trials.get(trial_id)
        if trial is None or trial.status != "RUNNING":
            continue
        if trial_id in oracle._retry_queue:
            oracle._retry_queue.remove(trial_id)
        oracle.ongoing_trials[tuner_id] = trial
        kept.append(trial_id)
    return kept


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
class _OneShot:
    """A value handed to KerasTuner's sampler for exactly one draw."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.used = False

    def take(self) -> dict[str, Any]:
        self.used = True
        return dict(self.values)


#: KerasTuner's own limit of duplicate draws before it gives up.
MAX_COLLISIONS = 20


class RandomValuesHook:
    """KerasTuner's random draws, in canonical form, never a repeat.

    KerasTuner's sampler checks a draw against the hashes of the values
    that ran; ktseed runs values in canonical form (a float grid value as a
    person writes it), so a raw draw is made canonical first
    (``_ktseed_canonical``) and checked again (``_ktseed_was_tried``).
    """

    def _ktseed_canonical(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _ktseed_was_tried(self, values: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def _random_values(self) -> dict[str, Any] | None:
        for _ in range(MAX_COLLISIONS):
            values = kerastuner_random_values(self)
            if values is None:
                return None
            values = self._ktseed_canonical(values)
            if not self._ktseed_was_tried(values):
                return values
        return None


class Round0Hook(RandomValuesHook):
    """Lets a Hyperband subclass choose each new round-0 candidate.

    The subclass implements ``_ktseed_round0_values(trial_id)``, returning
    the values of the candidate for trial ``trial_id`` (a design point, a
    model proposal) or ``None`` for KerasTuner's own random draw. The
    bracket bookkeeping and the ``tuner/*`` values stay KerasTuner's: its
    ``_random_trial`` runs unchanged and draws the given values from
    ``_random_values``, exactly once.
    """

    _ktseed_one_shot: _OneShot | None = None
    _ktseed_round0_trial: str | None = None

    def _ktseed_round0_values(self, trial_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _random_trial(self, trial_id: str, bracket: Any) -> Any:
        self._ktseed_round0_trial = trial_id
        values = self._ktseed_round0_values(trial_id)
        if values is None:
            return HyperbandOracle._random_trial(self, trial_id, bracket)
        shot = _OneShot(values)
        self._ktseed_one_shot = shot
        try:
            response = HyperbandOracle._random_trial(self, trial_id, bracket)
        finally:
            self._ktseed_one_shot = None
        if not shot.used:
            msg = (
                "KerasTuner's HyperbandOracle._random_trial no longer draws "
                "its round-0 candidate from _random_values (keras-tuner "
                f"{keras_tuner.__version__}), so ktseed cannot place design "
                f"points in Hyperband's brackets. {_REMEDY}"
            )
            raise KerasTunerCompatibilityError(msg)
        return response

    def _random_values(self) -> dict[str, Any] | None:
        shot = self._ktseed_one_shot
        if shot is not None:
            return shot.take()
        return super()._random_values()

    def _ktseed_check_round0(self, trial_id: str, response: Any) -> None:
        """Raises if a round-0 candidate was drawn around the hook."""
        values = (response or {}).get("values") or {}
        if (
            (response or {}).get("status") == "RUNNING"
            and values.get("tuner/round") == 0
            and self._ktseed_round0_trial != trial_id
        ):
            msg = (
                "KerasTuner's HyperbandOracle.populate_space drew a round-0 "
                f"candidate (trial {trial_id}) without _random_trial "
                f"(keras-tuner {keras_tuner.__version__}), so ktseed's design "
                f"was not consulted. {_REMEDY}"
            )
            raise KerasTunerCompatibilityError(msg)


class ObservationsHook:
    """Appends extra ``(x, y)`` rows to the stock GP's training data.

    The subclass implements ``_ktseed_extra_observations()`` returning an
    ``(n, d)`` array in KerasTuner's vector layout and ``n`` scores framed
    for minimisation (as ``_vectorize_trials`` frames them).
    """

    _ktseed_vectorized = False

    def _ktseed_extra_observations(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        raise NotImplementedError

    def _vectorize_trials(
        self,
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        self._ktseed_vectorized = True
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

    def _ktseed_stock_gp_step(self, trial_id: str) -> dict[str, Any]:
        """KerasTuner's GP step; raises if it ignored the observations."""
        self._ktseed_vectorized = False
        response = stock_gp_step(self, trial_id)
        observed = len(self._ktseed_extra_observations()[1]) > 0
        if observed and not self._ktseed_vectorized:
            msg = (
                "KerasTuner's BayesianOptimizationOracle.populate_space no "
                "longer fits its GP on _vectorize_trials (keras-tuner "
                f"{keras_tuner.__version__}), so prior observations would be "
                f"ignored. {_REMEDY}"
            )
            raise KerasTunerCompatibilityError(msg)
        return response


__all__ = [
    "FINISHED",
    "MAX_COLLISIONS",
    "PRIVATE_API",
    "ObservationsHook",
    "RandomValuesHook",
    "Round0Hook",
    "apply_seed",
    "assert_private_api",
    "check_private_api",
    "check_private_behaviour",
    "drop_finished_from_retry_queue",
    "finish_cut_off_ends",
    "forget_orphans",
    "hyperband_round0_capacity",
    "is_duplicate",
    "is_remote",
    "keep_ongoing",
    "kerastuner_random_values",
    "oracle_file",
    "project_directory",
    "random_response",
    "reseed_acquisition",
    "save_atomically",
    "save_trial_atomically",
    "stock_gp_step",
]
