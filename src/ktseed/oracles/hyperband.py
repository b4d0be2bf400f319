"""``SeededHyperbandOracle``: a design, then model-based new candidates.

Hyperband's new candidates (round 0 of every bracket) start with the design.
With ``handoff="gp"`` the candidates after the design come from ktseed's GP
hand-off, BOHB's way (Falkner, Klein and Hutter, ICML 2018): a model of the
results at one epoch budget, the highest that has enough of them, with a
fixed share of candidates left to KerasTuner's random draw. Brackets,
promotions and every ``tuner/*`` value stay KerasTuner's.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from keras_tuner.oracles import HyperbandOracle

from ktseed import checks
from ktseed.errors import HandoffConfigError
from ktseed.errors import KtseedWarning
from ktseed.oracles import _kt_private
from ktseed.oracles._arguments import parent_arguments
from ktseed.oracles._handoff import HandoffMixin
from ktseed.oracles._handoff import Observation
from ktseed.oracles._handoff import make_handoff
from ktseed.oracles._seeding import SeededOracleMixin
from ktseed.points import point_key
from ktseed.prior_runs import trial_sort_key
from ktseed.schedule import Capacity
from ktseed.space import strip_tuner_keys

if TYPE_CHECKING:
    from ktseed.initializers.base import Initializer
    from ktseed.oracles.gp import GPHandoff
    from ktseed.registry import InitializerSpec
    from ktseed.space import SpaceCodec
    from ktseed.space import Values

#: Share of the post-design candidates left to KerasTuner's random draw.
DEFAULT_RANDOM_FRACTION = 1 / 3

#: The trial value that holds a Hyperband trial's epoch budget.
EPOCHS_KEY = "tuner/epochs"

_OWNER = "SeededHyperbandOracle"


def random_share(seed: int, trial_id: str) -> float:
    """A number in ``[0, 1)`` fixed by the search's seed and a trial id.

    A candidate is left to KerasTuner's random draw when its share is below
    ``random_fraction``. The share depends on nothing else (not on the
    order in which trials finish, not on which process asks), so a resumed
    or distributed search makes the same choice for the same trial.
    """
    digest = hashlib.sha256(f"ktseed-hyperband/{seed}/{trial_id}".encode())
    return int.from_bytes(digest.digest()[:8], "big") / 2.0**64


def model_budget(counts: Mapping[int, int], min_points: int) -> int | None:
    """The epoch budget the model is fitted on, or ``None`` for none.

    Args:
        counts: Epoch budget to the number of observations at it.
        min_points: How many observations a budget needs.

    Returns:
        The highest budget with at least ``min_points`` observations (so
        the model falls back to lower budgets while the higher ones have
        too few), or ``None`` when no budget has enough.
    """
    enough = [budget for budget, n in counts.items() if n >= min_points]
    return max(enough) if enough else None


class SeededHyperbandOracle(
    _kt_private.Round0Hook, HandoffMixin, SeededOracleMixin, HyperbandOracle
):
    """KerasTuner's Hyperband, whose new candidates start with a design.

    Hyperband draws a fresh random configuration for every slot of round 0
    of every bracket. Here the design's points take those slots, in order,
    until the design is used up; the brackets, their sizes, the promotions
    and the ``tuner/epochs``, ``tuner/initial_epoch``, ``tuner/bracket``,
    ``tuner/round`` and ``tuner/trial_id`` values stay exactly as KerasTuner
    makes them. The most aggressive bracket comes first, so with the default
    settings the design points start on few epochs and the best of them are
    promoted.

    After the design, ``handoff`` decides the new candidates. ``"stock"``
    (default): KerasTuner's random draw, as without ktseed. ``"gp"`` (or a
    :class:`~ktseed.oracles.GPHandoff` with options): for each candidate,

    1. a share ``random_fraction`` of candidates, chosen by
       :func:`random_share` of the seed and the trial id, stays random;
    2. the others come from the GP hand-off fitted on the completed trials
       at one epoch budget (each trial scored at its own ``tuner/epochs``,
       so a promoted configuration counts at every budget it ran; prior
       observations count at the budget they recorded): the **highest
       budget with at least** ``min_points_in_model`` **observations**
       (default ``d + 1``, ``d`` the number of tunable hyperparameters),
       falling back to lower budgets, and to the random draw while no
       budget has enough;
    3. trials running now and the hand-off's earlier proposals for that
       budget that have no result at it yet are *pending* points (kriging
       believer), so that proposals from an unchanged model spread out;
       no proposal repeats a configuration that ran (KerasTuner's record);
       a proposal that finds nothing new falls back to the random draw.

    Args:
        objective: As for ``keras_tuner.oracles.HyperbandOracle``.
        max_epochs: As for the parent.
        factor: As for the parent.
        hyperband_iterations: As for the parent. When finite, a design with
            more points than all round-0 slots of all iterations is refused.
        seed: Seed of the search and, when the initializer has none, of the
            design. ``0`` is a real seed.
        hyperparameters: As for the parent.
        allow_new_entries: As for the parent.
        tune_new_entries: As for the parent.
        max_retries_per_trial: As for the parent.
        max_consecutive_failed_trials: As for the parent.
        initializer: The initial design: a registered name, a dict or an
            :class:`~ktseed.Initializer`. With ``handoff="gp"``, prior
            observations (``prior_run`` with ``mode="observe"``) feed the
            model at their recorded epoch budget.
        handoff: ``"stock"``, ``"gp"`` (shorthand for ``GPHandoff()``) or
            a :class:`~ktseed.oracles.GPHandoff` (see above). A hand-off
            without a seed takes the oracle's.
        random_fraction: ``handoff="gp"``: the share of post-design
            candidates drawn at random, from 0 to 1 (default 1/3, BOHB's).
        min_points_in_model: ``handoff="gp"``: the observations an epoch
            budget needs before the model uses it (``None``: ``d + 1``).

    Raises:
        HandoffConfigError: For an invalid ``random_fraction`` or
            ``min_points_in_model``, or either one set with the stock
            hand-off.
    """

    def __init__(
        self,
        objective: Any = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        initializer: InitializerSpec = "sobol",
        handoff: str | Any = "stock",
        random_fraction: float = DEFAULT_RANDOM_FRACTION,
        min_points_in_model: int | None = None,
    ) -> None:
        proposer = make_handoff(handoff)
        fraction, min_points = _check_model_options(
            proposer, random_fraction, min_points_in_model
        )
        super().__init__(**parent_arguments(HyperbandOracle, locals()))
        self.random_fraction = fraction
        self.min_points_in_model = min_points
        self._ktseed_use_handoff(proposer)
        self._ktseed_observation_epochs: list[int | None] = []
        self._ktseed_handoff_trials: dict[str, int] = {}
        self._ktseed_setup(initializer, seed)

    # ------------------------------------------------------ public API
    @property
    def handoff_trials(self) -> dict[str, int]:
        """Trials the GP hand-off proposed, with the budget it fitted on.

        Maps the trial id to the ``tuner/epochs`` budget of the
        observations the proposal's model was fitted on (empty with the
        stock hand-off).
        """
        return dict(self._ktseed_handoff_trials)

    # ------------------------------------------------------- proposals
    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Hyperband's own step; its new candidates come from ktseed."""
        response: dict[str, Any] = super().populate_space(trial_id)
        if not self.design_exhausted or self._ktseed_handoff is not None:
            self._ktseed_check_round0(trial_id, response)
        return self._ktseed_sanitize(response)

    def _ktseed_round0_values(self, trial_id: str) -> Values | None:
        values = self._ktseed_design_values(trial_id)
        if (
            values is None
            and self._ktseed_handoff is not None
            and self._ktseed.materialized
        ):
            values = self._ktseed_model_values(trial_id)
        return values

    def _ktseed_model_values(self, trial_id: str) -> Values | None:
        """A GP proposal for trial ``trial_id``, or None for a random draw."""
        if random_share(self.seed, trial_id) < self.random_fraction:
            return None
        levels = self._ktseed_levels()
        counts = {b: len(observations) for b, observations in levels.items()}
        budget = model_budget(counts, self._ktseed_min_points())
        if budget is None:
            return None
        observations = levels[budget]
        values = self._ktseed_propose(
            observations, pending=self._ktseed_pending(budget, observations)
        )
        if values is None:
            return None
        self._ktseed_handoff_trials[trial_id] = budget
        if self.verbose:
            print(
                f"ktseed: trial {trial_id} runs a GP proposal (model of "
                f"{len(observations)} result(s) at {budget} epoch(s))"
            )
        return values

    def _ktseed_min_points(self) -> int:
        if self.min_points_in_model is not None:
            return self.min_points_in_model
        return self._ktseed_codec().dimension + 1

    def _ktseed_levels(self) -> dict[int, list[Observation]]:
        """Observations by epoch budget: trials by id, then prior ones."""
        levels: dict[int, list[Observation]] = {}
        for trial in self._ktseed_scored_trials():
            budget = trial.hyperparameters.values.get(EPOCHS_KEY)
            if budget is not None:
                levels.setdefault(int(budget), []).append(
                    self._ktseed_observation(trial)
                )
        # Both lists are built together; a state edited by hand that lost
        # budgets leaves the rest of the observations unused.
        prior = zip(
            self._ktseed.observations,
            self._ktseed_observation_epochs,
            strict=False,
        )
        for (values, score), budget in prior:
            if budget is not None:
                levels.setdefault(budget, []).append(
                    (values, self._ktseed_minimised(score))
                )
        return levels

    def _ktseed_pending(
        self, budget: int, observations: list[Observation]
    ) -> list[Values]:
        """What the model at ``budget`` believes instead of knowing.

        The running trials, then the hand-off's earlier proposals for
        ``budget``, in trial-id order, except configurations observed at
        ``budget`` and repeats.
        """
        seen = {point_key(values) for values, _ in observations}
        earlier = [
            strip_tuner_keys(self.trials[t].hyperparameters.values)
            for t in sorted(self._ktseed_handoff_trials, key=trial_sort_key)
            if self._ktseed_handoff_trials[t] == budget and t in self.trials
        ]
        pending = []
        for values in [*self._ktseed_running_values(), *earlier]:
            key = point_key(values)
            if key not in seen:
                seen.add(key)
                pending.append(values)
        return pending

    # --------------------------------------------------- observations
    def _ktseed_materialize(self) -> bool:
        fresh = not self._ktseed.materialized
        built = super()._ktseed_materialize()
        if built and fresh and self._ktseed.observations:
            self._ktseed_observation_epochs = self._ktseed_prior_budgets()
        return built

    def _ktseed_prior_budgets(self) -> list[int | None]:
        """The epoch budget of each prior observation (None: unknown)."""
        budgets: dict[Any, int] = {}
        with warnings.catch_warnings():
            # The initializer warned when the schedule read the observations.
            warnings.simplefilter("ignore", KtseedWarning)
            for values, _, epochs in _budgeted_observations(
                self._ktseed.initializer, self._ktseed_codec(), self.objective
            ):
                if epochs is not None:
                    budgets.setdefault(point_key(values), int(epochs))
        observed = self._ktseed.observations
        found = [budgets.get(point_key(v)) for v, _ in observed]
        unknown = found.count(None)
        if unknown:
            warnings.warn(
                f"ktseed: {unknown} of {len(found)} prior observation(s) "
                "record no epoch budget (trials of a search other than "
                "Hyperband); the Hyperband hand-off models each budget "
                "apart, so it does not use them.",
                KtseedWarning,
                stacklevel=2,
            )
        return found

    # ----------------------------------------------------------- state
    def _ktseed_capacity(self) -> Capacity:
        return Capacity(
            owner=type(self).__name__,
            trials=_kt_private.hyperband_round0_capacity(self),
            reason=(
                f"the round-0 slots of {self.hyperband_iterations} Hyperband "
                f"iteration(s) with max_epochs={self.max_epochs}, "
                f"factor={self.factor}"
            ),
            observations=self._ktseed_handoff is not None,
        )

    def get_state(self) -> dict[str, Any]:
        """Parent state plus, with the GP hand-off, its Hyperband record."""
        state = super().get_state()
        if self._ktseed_handoff is not None:
            state["ktseed"]["hyperband"] = {
                "random_fraction": self.random_fraction,
                "min_points_in_model": self.min_points_in_model,
                "observation_epochs": list(self._ktseed_observation_epochs),
                "handoff_trials": dict(self._ktseed_handoff_trials),
            }
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores the state; the hand-off and its options passed now win.

        The record of which trials the hand-off proposed, and the epoch
        budgets of the prior observations, are restored.
        """
        super().set_state(state)
        saved = (state.get("ktseed") or {}).get("hyperband") or {}
        self._ktseed_observation_epochs = [
            None if e is None else int(e)
            for e in saved.get("observation_epochs", [])
        ]
        self._ktseed_handoff_trials = {
            str(t): int(b) for t, b in saved.get("handoff_trials", {}).items()
        }


def _check_model_options(
    proposer: GPHandoff | None,
    random_fraction: object,
    min_points_in_model: object,
) -> tuple[float, int | None]:
    fraction = checks.number(
        random_fraction,
        "random_fraction",
        owner=_OWNER,
        error=HandoffConfigError,
    )
    if not 0.0 <= fraction <= 1.0:
        raise checks.fail(
            _OWNER,
            "random_fraction",
            "a number from 0 to 1",
            random_fraction,
            error=HandoffConfigError,
        )
    min_points: int | None = checks.integer(
        min_points_in_model,
        "min_points_in_model",
        owner=_OWNER,
        low=1,
        optional=True,
        none_means="for d + 1",
        error=HandoffConfigError,
    )
    if proposer is None:
        given = [
            f"`{name}`"
            for name, changed in (
                ("random_fraction", fraction != DEFAULT_RANDOM_FRACTION),
                ("min_points_in_model", min_points is not None),
            )
            if changed
        ]
        if given:
            msg = (
                f"{_OWNER}: {' and '.join(given)} only apply to the GP "
                "hand-off; pass handoff='gp' (or a GPHandoff) or leave "
                f"{'them' if len(given) > 1 else 'it'} at the default."
            )
            raise HandoffConfigError(msg)
    return fraction, min_points


def _budgeted_observations(
    initializer: Initializer, codec: SpaceCodec, objective: Any
) -> Iterator[tuple[Values, float, int | None]]:
    """``(values, score, epochs)`` of every initializer that knows budgets.

    ``prior_run`` in observe mode knows them (``budgeted_observations``);
    a ``chain`` is read member by member, as its ``observations`` are.
    """
    members = getattr(initializer, "seeded_members", None)
    if callable(members):
        for member in members():
            yield from _budgeted_observations(member, codec, objective)
        return
    budgeted = getattr(initializer, "budgeted_observations", None)
    if callable(budgeted):
        yield from budgeted(codec, objective)


__all__ = [
    "DEFAULT_RANDOM_FRACTION",
    "SeededHyperbandOracle",
    "model_budget",
    "random_share",
]
