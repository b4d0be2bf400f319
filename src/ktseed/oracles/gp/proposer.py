"""The GP hand-off's proposer: options, configuration and :meth:`propose`."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed import checks
from ktseed.errors import HandoffConfigError
from ktseed.oracles.gp import optimise
from ktseed.oracles.gp import targets
from ktseed.oracles.gp.acquisition import log_ei
from ktseed.oracles.gp.layout import Layout
from ktseed.oracles.gp.model import KERNELS
from ktseed.oracles.gp.model import LENGTHSCALE_PRIORS
from ktseed.oracles.gp.model import GaussianProcess
from ktseed.oracles.gp.model import fit_subset
from ktseed.oracles.gp.model import single_threaded_blas

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.space import SpaceCodec

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]

_OWNER = "GPHandoff"

#: Every option of :class:`GPHandoff` and its default.
DEFAULTS: dict[str, Any] = {
    "n_candidates": 1024,
    "n_restarts": 10,
    "n_best_starts": 3,
    "y_transform": "power",
    "kernel": "product",
    "lengthscale_prior": "unit",
    "noise_prior_loc": -8.0,
    "min_noise": 1e-6,
    "min_distance": 1e-3,
    "max_fit_points": 128,
}


class GPHandoff:
    """Proposes post-design trials with a Gaussian process and log-EI.

    The seeded Bayesian oracle calls :meth:`propose` once per trial after
    its initial design (opt-in). The proposer is stateless between calls:
    everything it needs arrives with each call, so a resumed search makes
    the same proposals as an uninterrupted one.

    Args:
        seed: Seed of every random choice (Sobol' scrambling, start
            selection). The generator of one call is derived from the seed
            and the numbers of observations and pending trials, so the same
            inputs always give the same proposal. ``None`` behaves as ``0``.
        n_candidates: Space-filling candidates scored before the local
            searches (rounded up to a power of two).
        n_restarts: Local searches per proposal.
        n_best_starts: How many of the best observed points also start a
            local search (part of ``n_restarts``).
        y_transform: ``"power"`` (default): standardise, then a
            Yeo-Johnson power transform fitted to the data, then
            standardise again. ``"standardize"``: mean 0 and variance 1
            only.
        kernel: ``"product"`` (default): one Matern-5/2 over all
            coordinates, categories adding 0 or 1 to the squared distance.
            ``"mixed"``: ``s0 kn + s1 kc + s2 kn kc`` with a Matern ``kn``
            over the numbers and an exponentiated Hamming kernel ``kc``
            over the categories (BoTorch's mixed-space shape).
        lengthscale_prior: ``"unit"`` (default): ``log l ~ N(0, 1)`` on
            unit-cube inputs. ``"dim_scaled"``: ``log l ~ N(sqrt(2) +
            log(d) / 2, 3)`` (Hvarfner et al., 2024).
        noise_prior_loc: Mean of the normal prior on the log of the noise
            variance (in standardised units, above ``min_noise``).
        min_noise: Lower bound of the noise variance (standardised units).
        min_distance: Proposals closer than this to an earlier trial or a
            pending one count as repeats and are not made (default
            ``1e-3``; ``0`` refuses exact repeats only). The distance is
            Euclidean, in the unit cube, over the active continuous
            coordinates (``Float`` without a step, and numeric grids too
            long to enumerate); a proposal that differs in any active
            discrete hyperparameter (a category, a grid value) or in which
            hyperparameters are active is never a repeat. See
            :meth:`~ktseed.oracles.gp.layout.Layout.near`.
        max_fit_points: The kernel hyperparameters are fitted on at most
            this many observations (default 128): beyond it, on the best
            half of that number and an even spread, in trial order, of the
            others (:func:`~ktseed.oracles.gp.model.fit_subset`). The model
            itself always conditions on every observation. This bounds the
            cost of the fit, which grows with the cube of its size.

    Objective values are used only through their standardised form, so
    multiplying the objective by a positive constant (``1e155``,
    ``1e-300``) gives the same proposals, without overflow or underflow.

    Non-finite objective values: ``NaN`` observations are dropped (the
    trial told nothing); ``+inf`` and ``-inf`` are clipped to the worst and
    best finite values observed, so a diverged trial still marks its region
    as bad. Observations whose values cannot be encoded in the current
    space (a ``Choice`` value that no longer exists) are dropped.

    Raises:
        HandoffConfigError: For an unknown option or an invalid value.
    """

    name: ClassVar[str] = "gp_handoff"

    def __init__(self, *, seed: int | None = None, **options: Any) -> None:
        self.seed = checks.seed(seed, owner=_OWNER, error=HandoffConfigError)
        checks.known_keys(
            options, DEFAULTS, owner=_OWNER, error=HandoffConfigError
        )
        merged = {**DEFAULTS, **options}

        def integer(name: str, low: int) -> int:
            result: int = checks.integer(
                merged[name],
                name,
                owner=_OWNER,
                low=low,
                error=HandoffConfigError,
            )
            return result

        def choice(name: str, accepted: Sequence[str]) -> str:
            result: str = checks.choice(
                merged[name],
                name,
                accepted,
                owner=_OWNER,
                error=HandoffConfigError,
            )
            return result

        def number(name: str, above: float | None) -> float:
            return checks.number(
                merged[name],
                name,
                owner=_OWNER,
                above=above,
                error=HandoffConfigError,
            )

        self.n_candidates = integer("n_candidates", 16)
        self.n_restarts = integer("n_restarts", 1)
        self.n_best_starts = integer("n_best_starts", 0)
        self.y_transform = choice("y_transform", targets.Y_TRANSFORMS)
        self.kernel = choice("kernel", KERNELS)
        self.lengthscale_prior = choice("lengthscale_prior", LENGTHSCALE_PRIORS)
        self.noise_prior_loc = number("noise_prior_loc", None)
        self.min_noise = number("min_noise", 0.0)
        self.max_fit_points = integer("max_fit_points", 8)
        self.min_distance = number("min_distance", None)
        if self.min_distance < 0:
            raise checks.fail(
                _OWNER,
                "min_distance",
                "a non-negative number",
                merged["min_distance"],
                error=HandoffConfigError,
            )

    # ------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        """A JSON-safe description; :meth:`from_config` rebuilds it."""
        config: dict[str, Any] = {"name": self.name, "seed": self.seed}
        config.update({key: getattr(self, key) for key in DEFAULTS})
        return config

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GPHandoff:
        """Rebuilds a proposer from :meth:`get_config`'s output.

        Raises:
            HandoffConfigError: If ``config`` names another kind.
        """
        options = dict(config)
        name = options.pop("name", cls.name)
        if name != cls.name:
            raise checks.fail(
                _OWNER + ".from_config",
                "name",
                repr(cls.name),
                name,
                error=HandoffConfigError,
            )
        seed = options.pop("seed", None)
        return cls(seed=seed, **options)

    def __repr__(self) -> str:
        options = ", ".join(
            f"{k}={v!r}" for k, v in self.get_config().items() if k != "name"
        )
        return f"GPHandoff({options})"

    # ----------------------------------------------------------- propose
    def propose(
        self,
        codec: SpaceCodec,
        observations: Sequence[tuple[Mapping[str, Any], float]],
        *,
        pending: Sequence[Mapping[str, Any]] = (),
        is_tried: Callable[[Mapping[str, Any]], bool] = lambda v: False,
    ) -> dict[str, Any] | None:
        """The next configuration to try.

        Args:
            codec: The search space.
            observations: ``(values, y)`` pairs of finished trials, ``y`` to
                be minimised. Values missing a hyperparameter (one added
                after the trial ran) take its default, as in KerasTuner.
                Prior-run observations are simply more pairs.
            pending: Values of trials running now; never proposed again,
                and modelled by the kriging believer.
            is_tried: Whether KerasTuner already ran or issued these
                values; such values are never proposed.

        Returns:
            A complete, canonical values dict for ``codec``'s space, or
            ``None`` when no untried configuration could be found (only
            possible in small discrete spaces, which are enumerated).
        """
        with single_threaded_blas():
            return self._propose(
                codec, observations, pending=pending, is_tried=is_tried
            )

    def _propose(
        self,
        codec: SpaceCodec,
        observations: Sequence[tuple[Mapping[str, Any], float]],
        *,
        pending: Sequence[Mapping[str, Any]],
        is_tried: Callable[[Mapping[str, Any]], bool],
    ) -> dict[str, Any] | None:
        layout = Layout(codec)
        rng = np.random.default_rng(
            np.random.SeedSequence(
                [self.seed or 0, len(observations), len(pending)]
            )
        )
        excluded = {codec.point_key(values) for values, _ in observations}
        excluded.update(codec.point_key(values) for values in pending)

        def allowed(values: Mapping[str, Any]) -> bool:
            return codec.point_key(values) not in excluded and not is_tried(
                values
            )

        if layout.d == 0:
            values = codec.decode(np.zeros((1, 0)))[0]
            return values if allowed(values) else None

        x_all, mask_all, y_all = layout.encode_observations(observations)
        # Pending points that cannot be encoded stay excluded by their
        # key; they are just not modelled.
        px, pmask = layout.encode_points(pending)
        # Earlier and pending trials: nothing within min_distance of them.
        avoid = (np.vstack([x_all, px]), np.vstack([mask_all, pmask]))
        usable = ~np.isnan(y_all)
        x, mask = x_all[usable], mask_all[usable]
        y = targets.clip_infinite(y_all[usable])
        enumerated = layout.enumerate_all()

        def first_allowed(pool: FloatArray) -> dict[str, Any] | None:
            return optimise.first_allowed(
                layout,
                pool,
                allowed,
                avoid=avoid,
                min_distance=self.min_distance,
            )

        if y.shape[0] == 0:
            # Nothing to model: the first allowed space-filling point.
            pool = optimise.space_filling(layout, rng, self.n_candidates)
            if enumerated is not None:
                pool = enumerated[rng.permutation(len(enumerated))]
            return first_allowed(pool)

        y_model = targets.transform(y, self.y_transform)
        gp = GaussianProcess(
            layout,
            x,
            mask,
            y_model,
            kernel=self.kernel,
            lengthscale_prior=self.lengthscale_prior,
            noise_prior_loc=self.noise_prior_loc,
            min_noise=self.min_noise,
            fit_on=fit_subset(y_model, self.max_fit_points),
        )
        best = float(y_model.min())
        if px.shape[0]:
            believed = gp.posterior(px, pmask)[0]
            gp.add_fantasies(px, pmask, believed)
            best = min(best, float(believed.min()))

        def acquisition(u: FloatArray, m: BoolArray) -> FloatArray:
            mean, var, _, _ = gp.posterior(u, m)
            return log_ei(mean, var, best)[0]

        pool = optimise.candidates(
            layout,
            rng,
            x,
            y_model,
            n_candidates=self.n_candidates,
            n_best=self.n_best_starts,
        )
        if enumerated is not None:
            pool = enumerated
        pool_acq = acquisition(pool, layout.activity(pool))

        start = optimise.starts(
            layout,
            rng,
            pool,
            pool_acq,
            x,
            y_model,
            n_restarts=self.n_restarts,
            n_best=self.n_best_starts,
        )
        local_x, local_acq = optimise.local_search(
            layout, gp, best, start, acquisition
        )
        ranked = np.vstack([local_x, pool])
        ranked_acq = np.concatenate([local_acq, pool_acq])
        order = np.argsort(-ranked_acq, kind="stable")
        proposal = first_allowed(ranked[order])
        if proposal is not None or enumerated is not None:
            return proposal
        # Everything scored was tried: widen the search once.
        extra = optimise.space_filling(layout, rng, 4 * self.n_candidates)
        extra_acq = acquisition(extra, layout.activity(extra))
        order = np.argsort(-extra_acq, kind="stable")
        return first_allowed(extra[order])


__all__ = ["DEFAULTS", "GPHandoff"]
