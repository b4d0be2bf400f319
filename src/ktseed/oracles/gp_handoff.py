"""A Gaussian-process proposer for the phase after the initial design.

:class:`GPHandoff` replaces *how* a seeded Bayesian oracle makes its
post-design proposals. KerasTuner's own step fits an isotropic Matern kernel
to the unit cube, treats every ``Choice`` as an ordinal position and
minimises a lower confidence bound with a fixed ``beta``. This proposer is
built the way current GP optimisers are (Optuna's ``GPSampler`` and BoTorch's
defaults were read for the design; no code is shared with them):

* **Model.** A Matern-5/2 kernel with one length scale per hyperparameter
  (automatic relevance determination), a signal variance and a noise
  variance, fitted by maximum a posteriori (MAP) estimation with log-normal
  priors: ``log l ~ N(0, 1)`` for every length scale on the unit cube (the
  dimension-scaled prior of Hvarfner et al., 2024, BoTorch's default since
  0.12, is available as an option; it stalled on the low-dimensional
  development problems, see ``benchmarks/dev/gp_handoff_notes.md``), a
  log-normal prior around 1 for the signal variance and a small noise
  prior above a floor of ``1e-6``. Objective values are standardised and,
  by default, passed through a Yeo-Johnson power transform (as HEBO does)
  so that a few very bad trials do not flatten the model where the good
  ones are.
* **Space.** Numbers live on KerasTuner's own unit-cube scale (``log``
  sampling is a log axis; grids sit at their bucket centres). Unordered
  ``Choice`` and ``Boolean`` hyperparameters are *categories*: two values
  are either equal or different (a Hamming distance with its own length
  scale), never "closer" by position. Ordered choices, integer grids and
  stepped floats are ordinal but discrete: the acquisition is optimised over
  their actual grid values, not a continuous relaxation. A conditional
  hyperparameter contributes nothing when inactive in both points and the
  largest distance when active in only one, so an inactive value never
  pretends to be its default.
* **Acquisition.** Log expected improvement (Ament et al., 2023), evaluated
  with a numerically stable form that keeps a useful gradient far from the
  incumbent.
* **Optimiser.** A scrambled Sobol' sample of the space plus perturbations
  of the best observed points are scored; local searches start from the
  best of them, from a few more drawn in proportion to their expected
  improvement, and from the best observed points. Each local search
  alternates L-BFGS-B over the continuous coordinates (analytic gradients)
  with exhaustive coordinate moves over each discrete hyperparameter.
* **No repeats.** Candidates are ranked by acquisition and the first one
  whose values were neither observed, pending nor reported tried by the
  oracle is returned. Spaces with no continuous hyperparameter and at most
  :data:`ENUMERATION_LIMIT` configurations are enumerated, so the proposer
  finds every untried configuration and returns ``None`` only when none is
  left.
* **Pending trials** (distributed tuning) are handled by the *kriging
  believer*: each is added to the model with its posterior mean as a fake
  observation, which removes the expected improvement around it.

Everything is NumPy and SciPy; SciPy's L-BFGS-B fits the kernel and
optimises the acquisition. (scikit-learn's ``GaussianProcessRegressor``
cannot place priors on kernel hyperparameters, which the small-budget
regime needs, and cannot express the categorical and conditional distances
above, so it is not used here.)
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed.errors import HandoffConfigError
from ktseed.space import UPPER_COORDINATE

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.space import SpaceCodec

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]

#: Spaces without continuous hyperparameters and with at most this many
#: configurations are enumerated completely.
ENUMERATION_LIMIT = 4096

#: A numeric hyperparameter with more grid values than this (an ``Int`` over
#: a wide range, say) is optimised as a continuous coordinate.
MAX_GRID_SIZE = 2048

#: Discrete coordinates with more grid values than this are searched over
#: an evenly spaced subset plus the neighbourhood of the current value.
MAX_EXHAUSTIVE_GRID = 128

_LENGTHSCALE_PRIORS = ("dim_scaled", "unit")
_Y_TRANSFORMS = ("standardize", "power")
_KERNELS = ("mixed", "product")

_SQRT5 = math.sqrt(5.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


# ---------------------------------------------------------------- options
_DEFAULTS: dict[str, Any] = {
    "n_candidates": 1024,
    "n_restarts": 10,
    "n_best_starts": 3,
    "y_transform": "power",
    "kernel": "product",
    "lengthscale_prior": "unit",
    "noise_prior_loc": -8.0,
    "min_noise": 1e-6,
}


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        msg = (
            f"GPHandoff: `{name}` must be an integer >= {low} "
            f"(got {value!r} of type {type(value).__name__})."
        )
        raise HandoffConfigError(msg)
    if value < low:
        msg = f"GPHandoff: `{name}` must be an integer >= {low} (got {value})."
        raise HandoffConfigError(msg)
    return int(value)


def _check_float(name: str, value: object, low: float | None) -> float:
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        msg = (
            f"GPHandoff: `{name}` must be a number "
            f"(got {value!r} of type {type(value).__name__})."
        )
        raise HandoffConfigError(msg)
    number = float(value)
    if not math.isfinite(number) or (low is not None and number <= low):
        bound = f" greater than {low}" if low is not None else ""
        msg = (
            f"GPHandoff: `{name}` must be a finite number{bound} (got {value})."
        )
        raise HandoffConfigError(msg)
    return number


def _check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        msg = (
            f"GPHandoff: `{name}` must be one of {', '.join(choices)} "
            f"(got {value!r})."
        )
        raise HandoffConfigError(msg)
    return str(value)


# ------------------------------------------------------------ space layout
CONTINUOUS = 0
ORDINAL = 1
CATEGORICAL = 2


class _Layout:
    """How each unit-cube coordinate of a codec is modelled and searched."""

    def __init__(self, codec: SpaceCodec) -> None:
        from keras_tuner.engine import hyperparameters as hp_module

        self.codec = codec
        self.d = codec.dimension
        self.kinds = np.zeros(self.d, dtype=np.int64)
        self.grids: list[FloatArray | None] = []
        self.conditions: list[list[Any]] = []
        for j, hp in enumerate(codec.tunable):
            self.conditions.append(list(hp.conditions))
            grid: FloatArray | None = None
            if isinstance(hp, hp_module.Boolean):
                self.kinds[j] = CATEGORICAL
                grid = _centres(2)
            elif isinstance(hp, hp_module.Choice):
                n = len(hp.values)
                ordered = bool(getattr(hp, "ordered", False))
                self.kinds[j] = ORDINAL if ordered else CATEGORICAL
                grid = _centres(n)
            elif isinstance(hp, (hp_module.Int, hp_module.Float)):
                grid = _numeric_grid(hp)
                self.kinds[j] = CONTINUOUS if grid is None else ORDINAL
            else:  # An unknown HyperParameter subclass: its own mapping.
                self.kinds[j] = CONTINUOUS
            self.grids.append(grid)
        self.continuous = np.flatnonzero(self.kinds == CONTINUOUS)
        self.discrete = np.flatnonzero(self.kinds != CONTINUOUS)
        self.categorical = self.kinds == CATEGORICAL
        # Two category centres differ by 1/n; anything above half of that
        # is a different category.
        self.cat_tolerance = np.array(
            [
                0.5 / len(g) if g is not None and len(g) > 0 else 0.0
                for g in self.grids
            ]
        )
        self.conditional = any(self.conditions)

    # ----------------------------------------------------------- encode
    def encode_values(
        self, values: Mapping[str, Any]
    ) -> tuple[FloatArray, BoolArray]:
        """Unit-cube point and activity mask of one values dict."""
        u = np.asarray(self.codec.encode(values), dtype=float)
        mask = np.ones(self.d, dtype=bool)
        if self.conditional:
            for j, conditions in enumerate(self.conditions):
                mask[j] = all(c.is_active(values) for c in conditions)
        return self.snap(u.reshape(1, -1))[0], mask

    def snap(self, u: FloatArray) -> FloatArray:
        """Moves discrete coordinates to their nearest grid value."""
        out: FloatArray = np.clip(
            np.array(u, dtype=float), 0.0, UPPER_COORDINATE
        )
        for j in self.discrete.tolist():
            grid = self.grids[j]
            assert grid is not None
            index = np.abs(out[:, j, None] - grid[None, :]).argmin(axis=1)
            out[:, j] = grid[index]
        return out

    def activity(self, u: FloatArray) -> BoolArray:
        """Which coordinates of each point are active hyperparameters."""
        mask = np.ones(u.shape, dtype=bool)
        if not self.conditional or u.shape[0] == 0:
            return mask
        for i, values in enumerate(self.codec.decode(u)):
            for j, conditions in enumerate(self.conditions):
                if conditions:
                    mask[i, j] = all(c.is_active(values) for c in conditions)
        return mask

    # --------------------------------------------------------- distances
    def sq_distances(
        self,
        a: FloatArray,
        a_mask: BoolArray,
        b: FloatArray,
        b_mask: BoolArray,
    ) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Per-coordinate squared distances, shape ``(m, n, d)``.

        Returns:
            The distances, the raw differences ``a - b`` and where both
            points have the coordinate active (the only place a gradient
            flows through a continuous coordinate).
        """
        diff = a[:, None, :] - b[None, :, :]
        dist = diff * diff
        if self.categorical.any():
            cat = self.categorical
            dist[..., cat] = (
                np.abs(diff[..., cat]) > self.cat_tolerance[cat]
            ).astype(float)
        both = a_mask[:, None, :] & b_mask[None, :, :]
        if self.conditional:
            one = a_mask[:, None, :] ^ b_mask[None, :, :]
            dist = np.where(both, dist, np.where(one, 1.0, 0.0))
        return dist, diff, both

    # -------------------------------------------------------- enumerate
    def enumerate_all(self) -> FloatArray | None:
        """Every configuration of a small, fully discrete space (or None)."""
        if self.d == 0 or len(self.continuous) or not len(self.discrete):
            return None
        size = 1
        for grid in self.grids:
            assert grid is not None
            size *= len(grid)
            if size > ENUMERATION_LIMIT:
                return None
        grids = [g for g in self.grids if g is not None]
        return np.array(list(itertools.product(*grids)), dtype=float)


def _centres(n: int) -> FloatArray:
    return (np.arange(n, dtype=float) + 0.5) / n


def _numeric_grid(hp: Any) -> FloatArray | None:
    """Unit coordinates of every value of a discrete numeric hyperparameter.

    Returns None for a continuous one: a ``Float`` without a step, or any
    grid with more than :data:`MAX_GRID_SIZE` values (optimised as a
    continuous coordinate; decoding snaps it to the grid).
    """
    from keras_tuner.engine import hyperparameters as hp_module

    if hp.step is not None:
        size = _grid_size(hp)
        return None if size > MAX_GRID_SIZE else _centres(size)
    if not isinstance(hp, hp_module.Int):
        return None
    count = int(hp.max_value) - int(hp.min_value) + 1
    if count > MAX_GRID_SIZE:
        return None
    coords = [
        float(hp.value_to_prob(v))
        for v in range(int(hp.min_value), int(hp.max_value) + 1)
    ]
    return np.unique(np.clip(np.asarray(coords), 0.0, UPPER_COORDINATE))


def _grid_size(hp: Any) -> int:
    """Number of values on a stepped grid (KerasTuner's rule)."""
    if hp.sampling == "linear":
        return int((hp.max_value - hp.min_value) // hp.step + 1)
    return int(math.log(hp.max_value / hp.min_value, hp.step) + 1e-8) + 1


# ------------------------------------------------------------ the kernel
def _matern52(sq: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Matern-5/2 of a squared scaled distance, and its derivative in it."""
    r = np.sqrt(5.0 * np.maximum(sq, 0.0))
    e = np.exp(-r)
    value = (1.0 + r + (5.0 / 3.0) * sq) * e
    deriv = -(5.0 / 6.0) * (1.0 + r) * e
    return value, deriv


class _GP:
    """A fitted GP over the layout's coordinates (standardised targets).

    With ``kernel="product"`` the covariance is one Matern-5/2 of the
    summed, length-scaled squared distances of every coordinate (categories
    contribute 0 or 1). With ``kernel="mixed"`` and both kinds present it
    is ``s0 kn + s1 kc + s2 kn kc``: a Matern-5/2 ``kn`` over the numeric
    coordinates and an exponentiated Hamming kernel ``kc`` over the
    categorical ones, so that what is learnt about the numbers in one
    category carries over to the others (the additive part) while
    category-specific effects remain possible (the product part).
    """

    def __init__(
        self,
        layout: _Layout,
        x: FloatArray,
        mask: BoolArray,
        y: FloatArray,
        *,
        kernel: str,
        lengthscale_prior: str,
        noise_prior_loc: float,
        min_noise: float,
    ) -> None:
        self.layout = layout
        self.x = x
        self.mask = mask
        self.y = y
        d = layout.d
        self.cat = layout.categorical
        self.num = ~layout.categorical
        self.mixed = bool(
            kernel == "mixed" and self.cat.any() and self.num.any()
        )
        self.n_scales = 3 if self.mixed else 1
        self.scale_loc = math.log(1.0 / self.n_scales)
        if lengthscale_prior == "dim_scaled":
            self.ls_loc = math.sqrt(2.0) + 0.5 * math.log(max(d, 1))
            self.ls_scale = math.sqrt(3.0)
        else:
            self.ls_loc = 0.0
            self.ls_scale = 1.0
        self.noise_loc = noise_prior_loc
        self.noise_scale = 1.0
        self.min_noise = min_noise
        self.dist, _, _ = layout.sq_distances(x, mask, x, mask)
        self._fit()

    # --------------------------------------------------------- kernel
    def _unpack(
        self, theta: FloatArray
    ) -> tuple[FloatArray, FloatArray, float]:
        d = self.layout.d
        weights = np.exp(theta[:d])  # inverse squared length scales
        scales = np.exp(theta[d : d + self.n_scales])
        noise = self.min_noise + float(np.exp(theta[d + self.n_scales]))
        return weights, scales, noise

    def _kernel(
        self, dist: FloatArray, weights: FloatArray, scales: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, list[FloatArray]]:
        """Covariance from squared distances, with derivative factors.

        Returns:
            ``k``; the factor ``dk / dD_j`` of the numeric coordinates (of
            every coordinate for a single Matern); that of the categorical
            coordinates for the mixed kernel (else None); and ``dk / d log
            s`` for each scale.
        """
        if not self.mixed:
            base, dbase = _matern52(dist @ weights)
            return scales[0] * base, scales[0] * dbase, None, [scales[0] * base]
        num, cat = self.num, self.cat
        kn, dkn = _matern52(dist[..., num] @ weights[num])
        kc = np.exp(-(dist[..., cat] @ weights[cat]))
        s0, s1, s2 = scales
        k = s0 * kn + s1 * kc + s2 * kn * kc
        d_num = (s0 + s2 * kc) * dkn
        d_cat = -(s1 + s2 * kn) * kc
        return k, d_num, d_cat, [s0 * kn, s1 * kc, s2 * kn * kc]

    def _weight_gradient(
        self,
        outer: FloatArray,
        d_num: FloatArray,
        d_cat: FloatArray | None,
        weights: FloatArray,
    ) -> FloatArray:
        """``d NLL / d log w_j`` given ``outer = alpha alpha^T - K^-1``."""
        if d_cat is None:
            raw = np.einsum("ab,abj->j", outer * d_num, self.dist)
        else:
            raw = np.empty(self.layout.d)
            raw[self.num] = np.einsum(
                "ab,abj->j", outer * d_num, self.dist[..., self.num]
            )
            raw[self.cat] = np.einsum(
                "ab,abj->j", outer * d_cat, self.dist[..., self.cat]
            )
        gradient: FloatArray = -0.5 * raw * weights
        return gradient

    # ------------------------------------------------------------ fit
    def _neg_log_posterior(self, theta: FloatArray) -> tuple[float, FloatArray]:
        from scipy import linalg

        d = self.layout.d
        m = self.n_scales
        n = self.y.shape[0]
        weights, scales, noise = self._unpack(theta)
        cov, d_num, d_cat, d_scales = self._kernel(self.dist, weights, scales)
        cov[np.diag_indices(n)] += noise
        try:
            chol = linalg.cholesky(cov, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return 1e25, np.zeros_like(theta)
        alpha = linalg.cho_solve((chol, True), self.y, check_finite=False)
        inv = linalg.cho_solve((chol, True), np.eye(n), check_finite=False)
        value = 0.5 * float(self.y @ alpha) + float(np.log(np.diag(chol)).sum())
        outer = np.outer(alpha, alpha) - inv
        grad = np.empty_like(theta)
        grad[:d] = self._weight_gradient(outer, d_num, d_cat, weights)
        for i, part in enumerate(d_scales):
            grad[d + i] = -0.5 * float((outer * part).sum())
        grad[d + m] = -0.5 * float(np.trace(outer)) * (noise - self.min_noise)
        # Log-normal prior on each length scale l = weight ** -0.5.
        log_ls = -0.5 * theta[:d]
        z = (log_ls - self.ls_loc) / self.ls_scale
        value += 0.5 * float(z @ z)
        grad[:d] += -0.5 * z / self.ls_scale
        # Log-normal priors on the signal variances (summing to about 1).
        zs = theta[d : d + m] - self.scale_loc
        value += 0.5 * float(zs @ zs)
        grad[d : d + m] += zs
        # Log-normal prior on the (excess) noise variance.
        zn = (theta[d + m] - self.noise_loc) / self.noise_scale
        value += 0.5 * float(zn**2)
        grad[d + m] += zn / self.noise_scale
        return value, grad

    def _fit(self) -> None:
        from scipy import optimize

        d = self.layout.d
        m = self.n_scales
        tail = [self.scale_loc] * m + [self.noise_loc]
        starts = [
            np.concatenate([np.full(d, -2.0 * self.ls_loc), tail]),
            np.concatenate([np.full(d, -2.0 * math.log(0.2)), tail]),
        ]
        bounds = (
            [(-2.0 * math.log(100.0), -2.0 * math.log(1e-3))] * d
            + [(math.log(1e-4), math.log(1e3))] * m
            + [(math.log(1e-9), math.log(10.0))]
        )
        best_theta = starts[0]
        best_value = math.inf
        for start in starts:
            result = optimize.minimize(
                self._neg_log_posterior,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 200},
            )
            if np.isfinite(result.fun) and result.fun < best_value:
                best_value = float(result.fun)
                best_theta = np.asarray(result.x, dtype=float)
        self.theta = best_theta
        self.weights, self.scales, self.noise = self._unpack(best_theta)
        self.prior_var = float(self.scales.sum())
        self._factorise()

    def _factorise(self) -> None:
        from scipy import linalg

        n = self.y.shape[0]
        cov = self._kernel(self.dist, self.weights, self.scales)[0]
        jitter = 0.0
        for _ in range(8):
            matrix = cov.copy()
            matrix[np.diag_indices(n)] += self.noise + jitter
            try:
                self.chol = linalg.cholesky(
                    matrix, lower=True, check_finite=False
                )
                break
            except linalg.LinAlgError:
                jitter = max(jitter * 10.0, 1e-8 * self.prior_var)
        else:  # pragma: no cover - a diagonal this large is always PD
            matrix = cov.copy()
            matrix[np.diag_indices(n)] += self.noise + self.prior_var
            self.chol = linalg.cholesky(matrix, lower=True, check_finite=False)
        self.alpha = linalg.cho_solve(
            (self.chol, True), self.y, check_finite=False
        )

    def add_fantasies(
        self, x: FloatArray, mask: BoolArray, y: FloatArray
    ) -> None:
        """Adds observations without refitting the kernel parameters."""
        self.x = np.vstack([self.x, x])
        self.mask = np.vstack([self.mask, mask])
        self.y = np.concatenate([self.y, y])
        self.dist, _, _ = self.layout.sq_distances(
            self.x, self.mask, self.x, self.mask
        )
        self._factorise()

    # ------------------------------------------------------ posterior
    def posterior(
        self, u: FloatArray, mask: BoolArray, *, grad: bool = False
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None]:
        """Mean and variance at ``u`` (and their continuous gradients)."""
        from scipy import linalg

        dist, diff, both = self.layout.sq_distances(u, mask, self.x, self.mask)
        k, d_num, _, _ = self._kernel(dist, self.weights, self.scales)
        mean = k @ self.alpha
        v = linalg.solve_triangular(
            self.chol, k.T, lower=True, check_finite=False
        )
        floor = 1e-12 * self.prior_var
        var = np.maximum(self.prior_var - (v * v).sum(axis=0), floor)
        if not grad:
            return mean, var, None, None
        cont = self.layout.continuous
        # d k / d u_c = (dk / dD_c) * 2 w_c (u_c - x_c), active in both.
        dk = (
            2.0
            * d_num[..., None]
            * self.weights[cont]
            * diff[..., cont]
            * both[..., cont]
        )  # (m, n, c)
        dmean = np.einsum("mnc,n->mc", dk, self.alpha)
        kinv_k = linalg.cho_solve((self.chol, True), k.T, check_finite=False)
        dvar = -2.0 * np.einsum("mnc,nm->mc", dk, kinv_k)
        return mean, var, dmean, dvar


# ------------------------------------------------------- acquisition
def _log_h(z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``log(z * Phi(z) + phi(z))`` and its derivative, stably.

    The derivative of ``h(z) = z Phi(z) + phi(z)`` is ``Phi(z)``, so the
    derivative of ``log h`` is ``Phi(z) / h(z)``.
    """
    from scipy import special

    out = np.empty_like(z)
    slope = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    cdf = special.ndtr(zu)
    h = zu * cdf + np.exp(-0.5 * zu * zu) * _INV_SQRT_2PI
    out[upper] = np.log(h)
    slope[upper] = cdf / h
    middle = (z <= -1.0) & (z > -1e3)
    zm = z[middle]
    # Phi(z) / phi(z) = sqrt(pi / 2) * erfcx(-z / sqrt(2)) for z < 0.
    ratio = _SQRT_HALF_PI * special.erfcx(-_SQRT_HALF * zm)
    out[middle] = -0.5 * zm * zm - _LOG_SQRT_2PI + np.log1p(zm * ratio)
    slope[middle] = ratio / (1.0 + zm * ratio)
    lower = z <= -1e3
    zl = z[lower]
    # h(z) ~ phi(z) / z**2 and Phi(z) / h(z) ~ -z for z -> -inf.
    out[lower] = -0.5 * zl * zl - _LOG_SQRT_2PI - 2.0 * np.log(-zl)
    slope[lower] = -zl
    return out, slope


def _log_ei(
    mean: FloatArray,
    var: FloatArray,
    best: float,
    dmean: FloatArray | None = None,
    dvar: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Log expected improvement below ``best`` (minimisation)."""
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    log_h, slope = _log_h(z)
    value = np.log(sigma) + log_h
    if dmean is None or dvar is None:
        return value, None
    d_mean = -slope / sigma
    d_sigma = 1.0 / sigma - slope * z / sigma
    gradient = (
        d_mean[:, None] * dmean + (d_sigma / (2.0 * sigma))[:, None] * dvar
    )
    return value, gradient


# -------------------------------------------------------------- proposer
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
        if seed is not None and (
            isinstance(seed, bool)
            or not isinstance(seed, (int, np.integer))
            or seed < 0
        ):
            msg = (
                "GPHandoff: `seed` must be a non-negative integer or None "
                f"(got {seed!r})."
            )
            raise HandoffConfigError(msg)
        self.seed = None if seed is None else int(seed)
        unknown = sorted(set(options) - set(_DEFAULTS))
        if unknown:
            msg = (
                f"GPHandoff: unknown option(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(sorted(_DEFAULTS))}."
            )
            raise HandoffConfigError(msg)
        merged = {**_DEFAULTS, **options}
        self.n_candidates = _check_int(
            "n_candidates", merged["n_candidates"], 16
        )
        self.n_restarts = _check_int("n_restarts", merged["n_restarts"], 1)
        self.n_best_starts = _check_int(
            "n_best_starts", merged["n_best_starts"], 0
        )
        self.y_transform = _check_choice(
            "y_transform", merged["y_transform"], _Y_TRANSFORMS
        )
        self.kernel = _check_choice("kernel", merged["kernel"], _KERNELS)
        self.lengthscale_prior = _check_choice(
            "lengthscale_prior",
            merged["lengthscale_prior"],
            _LENGTHSCALE_PRIORS,
        )
        self.noise_prior_loc = _check_float(
            "noise_prior_loc", merged["noise_prior_loc"], None
        )
        self.min_noise = _check_float("min_noise", merged["min_noise"], 0.0)

    # ---------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """A JSON-safe description; :meth:`from_config` rebuilds it."""
        return {
            "name": self.name,
            "seed": self.seed,
            "n_candidates": self.n_candidates,
            "n_restarts": self.n_restarts,
            "n_best_starts": self.n_best_starts,
            "y_transform": self.y_transform,
            "kernel": self.kernel,
            "lengthscale_prior": self.lengthscale_prior,
            "noise_prior_loc": self.noise_prior_loc,
            "min_noise": self.min_noise,
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GPHandoff:
        """Rebuilds a proposer from :meth:`get_config`'s output.

        Raises:
            HandoffConfigError: If ``config`` names another kind.
        """
        options = dict(config)
        name = options.pop("name", cls.name)
        if name != cls.name:
            msg = (
                f"GPHandoff.from_config: `name` must be {cls.name!r} "
                f"(got {name!r})."
            )
            raise HandoffConfigError(msg)
        seed = options.pop("seed", None)
        return cls(seed=seed, **options)

    def __repr__(self) -> str:
        options = ", ".join(
            f"{k}={v!r}" for k, v in self.get_config().items() if k != "name"
        )
        return f"GPHandoff({options})"

    # ---------------------------------------------------------- propose
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
        with _single_threaded_blas():
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
        layout = _Layout(codec)
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

        x, mask, y = self._training_data(layout, observations)
        enumerated = layout.enumerate_all()
        if y.shape[0] == 0:
            # Nothing to model: the first allowed space-filling point.
            pool = self._space_filling(layout, rng, self.n_candidates)
            if enumerated is not None:
                pool = enumerated[rng.permutation(len(enumerated))]
            return self._first_allowed(layout, pool, allowed)

        y_model = self._transform(y)
        gp = _GP(
            layout,
            x,
            mask,
            y_model,
            kernel=self.kernel,
            lengthscale_prior=self.lengthscale_prior,
            noise_prior_loc=self.noise_prior_loc,
            min_noise=self.min_noise,
        )
        best = float(y_model.min())
        encoded = []
        for point in pending:
            try:
                encoded.append(layout.encode_values(point))
            except (ValueError, KeyError, TypeError):
                continue  # Still excluded by its key; just not modelled.
        if encoded:
            px = np.vstack([e[0] for e in encoded])
            pmask = np.vstack([e[1] for e in encoded])
            believed = gp.posterior(px, pmask)[0]
            gp.add_fantasies(px, pmask, believed)
            best = min(best, float(believed.min()))

        def acquisition(u: FloatArray, m: BoolArray) -> FloatArray:
            mean, var, _, _ = gp.posterior(u, m)
            return _log_ei(mean, var, best)[0]

        candidates = self._candidates(layout, rng, x, y_model)
        if enumerated is not None:
            candidates = enumerated
        cand_mask = layout.activity(candidates)
        cand_acq = acquisition(candidates, cand_mask)

        starts = self._starts(layout, rng, candidates, cand_acq, x, y_model)
        local_x, local_acq = self._local_search(
            layout, gp, best, starts, acquisition
        )
        pool = np.vstack([local_x, candidates])
        pool_acq = np.concatenate([local_acq, cand_acq])
        order = np.argsort(-pool_acq, kind="stable")
        proposal = self._first_allowed(layout, pool[order], allowed)
        if proposal is not None or enumerated is not None:
            return proposal
        # Everything scored was tried: widen the search once.
        extra = self._space_filling(layout, rng, 4 * self.n_candidates)
        extra_acq = acquisition(extra, layout.activity(extra))
        order = np.argsort(-extra_acq, kind="stable")
        return self._first_allowed(layout, extra[order], allowed)

    # ------------------------------------------------------ internals
    @staticmethod
    def _training_data(
        layout: _Layout,
        observations: Sequence[tuple[Mapping[str, Any], float]],
    ) -> tuple[FloatArray, BoolArray, FloatArray]:
        rows: list[FloatArray] = []
        masks: list[BoolArray] = []
        ys: list[float] = []
        for values, value in observations:
            try:
                score = float(value)
            except (TypeError, ValueError):
                continue
            if math.isnan(score):
                continue
            try:
                row, mask = layout.encode_values(values)
            except (ValueError, KeyError, TypeError):
                continue
            rows.append(row)
            masks.append(mask)
            ys.append(score)
        if not rows:
            return (
                np.zeros((0, layout.d)),
                np.zeros((0, layout.d), dtype=bool),
                np.zeros(0),
            )
        y = np.asarray(ys, dtype=float)
        finite = np.isfinite(y)
        if not finite.any():
            y = np.zeros_like(y)
        elif not finite.all():
            y = np.clip(y, y[finite].min(), y[finite].max())
        return np.vstack(rows), np.vstack(masks), y

    def _transform(self, y: FloatArray) -> FloatArray:
        z = _standardize(y)
        if self.y_transform == "power" and y.shape[0] >= 3 and z.std() > 0:
            from scipy import stats

            try:
                with np.errstate(all="ignore"):
                    warped = np.asarray(stats.yeojohnson(z)[0], dtype=float)
            except (ValueError, FloatingPointError):  # pragma: no cover
                warped = z
            if np.all(np.isfinite(warped)):
                z = _standardize(warped)
        return z

    @staticmethod
    def _space_filling(
        layout: _Layout, rng: np.random.Generator, n: int
    ) -> FloatArray:
        from ktseed.initializers._qmc import make_engine

        m = max(math.ceil(math.log2(max(n, 2))), 1)
        engine = make_engine("Sobol", layout.d, rng, scramble=True)
        return layout.snap(np.asarray(engine.random_base2(m), dtype=float))

    def _candidates(
        self,
        layout: _Layout,
        rng: np.random.Generator,
        x: FloatArray,
        y: FloatArray,
    ) -> FloatArray:
        """Sobol' points plus perturbations of the best observed points."""
        sobol = self._space_filling(layout, rng, self.n_candidates)
        top = x[np.argsort(y, kind="stable")[: max(self.n_best_starts, 1)]]
        per_point = max(self.n_candidates // (4 * len(top)), 1)
        local = np.repeat(top, per_point, axis=0)
        cont = layout.continuous
        if len(cont):
            scale = rng.choice([0.01, 0.05, 0.2], size=(len(local), 1))
            local[:, cont] += scale * rng.standard_normal(
                (len(local), len(cont))
            )
        disc = layout.discrete
        if len(disc):
            # Change one discrete coordinate in a third of the points.
            flip = rng.random(len(local)) < 1.0 / 3.0
            dims = rng.choice(disc, size=len(local))
            for i in np.flatnonzero(flip).tolist():
                grid = layout.grids[int(dims[i])]
                assert grid is not None
                local[i, dims[i]] = grid[rng.integers(len(grid))]
        local = layout.snap(np.clip(local, 0.0, UPPER_COORDINATE))
        return np.vstack([sobol, local])

    def _starts(
        self,
        layout: _Layout,
        rng: np.random.Generator,
        candidates: FloatArray,
        acq: FloatArray,
        x: FloatArray,
        y: FloatArray,
    ) -> FloatArray:
        """Local-search starts: best candidate, EI-weighted draws, best x."""
        n_best = min(self.n_best_starts, x.shape[0], self.n_restarts - 1)
        n_draw = max(self.n_restarts - n_best, 1)
        chosen = [int(np.argmax(acq))]
        weights = np.exp(acq - acq.max())
        weights[chosen[0]] = 0.0
        available = int(np.count_nonzero(weights > 0))
        if n_draw > 1 and available:
            k = min(n_draw - 1, available)
            extra = rng.choice(
                len(candidates),
                size=k,
                replace=False,
                p=weights / weights.sum(),
            )
            chosen.extend(int(i) for i in extra)
        starts = [candidates[chosen]]
        if n_best:
            starts.append(x[np.argsort(y, kind="stable")[:n_best]])
        return layout.snap(np.vstack(starts))

    @staticmethod
    def _local_search(
        layout: _Layout,
        gp: _GP,
        best: float,
        starts: FloatArray,
        acquisition: Callable[[FloatArray, BoolArray], FloatArray],
    ) -> tuple[FloatArray, FloatArray]:
        from scipy import optimize

        current = starts.copy()
        mask = layout.activity(current)
        value = acquisition(current, mask)
        cont = layout.continuous
        b = current.shape[0]
        for _ in range(6):
            if len(cont):
                fixed = current.copy()

                def objective(
                    flat: FloatArray,
                    fixed: FloatArray = fixed,
                    mask: BoolArray = mask,
                ) -> tuple[float, FloatArray]:
                    point = fixed.copy()
                    point[:, cont] = flat.reshape(b, len(cont))
                    mean, var, dmean, dvar = gp.posterior(
                        point, mask, grad=True
                    )
                    val, grad = _log_ei(mean, var, best, dmean, dvar)
                    assert grad is not None
                    return -float(val.sum()), -grad.ravel()

                result = optimize.minimize(
                    objective,
                    current[:, cont].ravel(),
                    jac=True,
                    method="L-BFGS-B",
                    bounds=[(0.0, UPPER_COORDINATE)] * (b * len(cont)),
                    options={"maxiter": 100},
                )
                moved = current.copy()
                moved[:, cont] = np.asarray(result.x).reshape(b, len(cont))
                moved_value = acquisition(moved, mask)
                better = moved_value > value
                current[better] = moved[better]
                value[better] = moved_value[better]
            changed = False
            for j in layout.discrete.tolist():
                grid = layout.grids[j]
                assert grid is not None
                options = _grid_options(grid, current[:, j])
                trial = np.repeat(current, options.shape[1], axis=0)
                trial[:, j] = options.ravel()
                trial_mask = layout.activity(trial)
                trial_value = acquisition(trial, trial_mask).reshape(b, -1)
                pick = trial_value.argmax(axis=1)
                gain = trial_value[np.arange(b), pick]
                better = gain > value + 1e-12
                if better.any():
                    changed = True
                    current[better, j] = options[better, pick[better]]
                    value[better] = gain[better]
            mask = layout.activity(current)
            if not changed:
                break
        return current, value

    @staticmethod
    def _first_allowed(
        layout: _Layout,
        pool: FloatArray,
        allowed: Callable[[Mapping[str, Any]], bool],
    ) -> dict[str, Any] | None:
        seen: set[tuple[tuple[str, str], ...]] = set()
        chunk = 64
        for start in range(0, pool.shape[0], chunk):
            for values in layout.codec.decode(pool[start : start + chunk]):
                key = layout.codec.point_key(values)
                if key in seen:
                    continue
                seen.add(key)
                if allowed(values):
                    return values
        return None


def _grid_options(grid: FloatArray, current: FloatArray) -> FloatArray:
    """Grid values to try for each point: all, or a subset for long grids."""
    n = len(grid)
    if n <= MAX_EXHAUSTIVE_GRID:
        return np.tile(grid, (current.shape[0], 1))
    spread = np.linspace(0, n - 1, MAX_EXHAUSTIVE_GRID // 2).round()
    rows = []
    for value in current.tolist():
        centre = int(np.abs(grid - value).argmin())
        near = np.arange(centre - 8, centre + 9)
        index = np.concatenate([spread, near])
        index = np.clip(index, 0, n - 1).astype(int)
        rows.append(grid[index])
    return np.vstack(rows)


def _single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Limits BLAS to one thread while proposing.

    The matrices here are tiny (tens of rows). With several BLAS threads on
    a busy machine, OpenBLAS's thread hand-offs made a 30x30 triangular
    solve take milliseconds instead of microseconds (measured on the
    2-core development machine), so one thread is both faster and steadier.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - shipped with scikit-learn
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[Any] = threadpool_limits(
        limits=1, user_api="blas"
    )
    return limits


def _standardize(y: FloatArray) -> FloatArray:
    std = float(y.std())
    centred: FloatArray = y - y.mean()
    if not std > 0 or not math.isfinite(std):
        return centred
    return centred / std


__all__ = ["GPHandoff", "HandoffConfigError"]
