"""The GP model of the hand-off: Matern-5/2 kernel, MAP fit and posterior.

The covariance works on the per-coordinate squared distances of a
:class:`~ktseed.oracles.gp.layout.Layout` (categories contribute 0 or 1,
inactive conditional coordinates 0 or 1). Hyperparameters, all in log
space: one inverse squared length scale per coordinate (automatic
relevance determination), one signal variance (three for the ``mixed``
kernel) and a noise variance above a floor. They are fitted by maximum a
posteriori estimation with log-normal priors, using SciPy's L-BFGS-B with
analytic gradients from two starts.
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.oracles.gp.layout import Layout

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]

#: The accepted values of ``GPHandoff(kernel=...)``.
KERNELS = ("mixed", "product")

#: The accepted values of ``GPHandoff(lengthscale_prior=...)``.
LENGTHSCALE_PRIORS = ("dim_scaled", "unit")

#: Kernel matrices between many points are computed this many entries
#: ``(rows x observations x coordinates)`` at a time, so that no
#: ``(m, n, d)`` distance tensor is held in memory at once. Rows are
#: independent, so the result does not depend on the chunk size.
CHUNK_ENTRIES = 2**21


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Limits BLAS to one thread while a GP is fitted, predicts or proposes.

    The matrices are small (tens to hundreds of rows). With several BLAS
    threads on a busy machine, OpenBLAS's thread hand-offs made a 30x30
    triangular solve (and the portfolio's 128x128 Cholesky factorisation)
    take milliseconds instead of microseconds (measured on the 2-core
    development machine), so one thread is both faster and steadier. The
    GP hand-off proposes, and the ``portfolio`` initializer's model fits and
    predicts, inside it.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - shipped with scikit-learn
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[Any] = threadpool_limits(
        limits=1, user_api="blas"
    )
    return limits


def fit_subset(y: FloatArray, limit: int) -> NDArray[np.int64] | None:
    """The observations the hyperparameters are fitted on (None: all).

    With more than ``limit`` observations: the ``limit // 2`` best (by
    ``y``; ties by position) and ``limit - limit // 2`` of the others,
    evenly spaced in their order (the order of the trials), returned in
    that order. A deterministic function of ``y``'s order and values.

    Args:
        y: The targets, in trial order.
        limit: The largest subset.

    Returns:
        Sorted indices into ``y``, or None when ``y`` has at most
        ``limit`` entries.
    """
    n = y.shape[0]
    if n <= limit:
        return None
    n_best = limit // 2
    order = np.argsort(y, kind="stable")
    rest = np.sort(order[n_best:])
    picks = np.round(np.linspace(0, len(rest) - 1, limit - n_best))
    chosen = np.concatenate([order[:n_best], rest[picks.astype(np.int64)]])
    return np.sort(chosen)


def matern52(sq: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Matern-5/2 of a squared scaled distance, and its derivative in it."""
    r = np.sqrt(5.0 * np.maximum(sq, 0.0))
    e = np.exp(-r)
    value = (1.0 + r + (5.0 / 3.0) * sq) * e
    deriv = -(5.0 / 6.0) * (1.0 + r) * e
    return value, deriv


def matern52_value(sq: FloatArray) -> FloatArray:
    """:func:`matern52` without the derivative (the same arithmetic)."""
    r = np.sqrt(5.0 * np.maximum(sq, 0.0))
    e = np.exp(-r)
    value: FloatArray = (1.0 + r + (5.0 / 3.0) * sq) * e
    return value


class GaussianProcess:
    """A fitted GP over the layout's coordinates (standardised targets).

    With ``kernel="product"`` the covariance is one Matern-5/2 of the
    summed, length-scaled squared distances of every coordinate (categories
    contribute 0 or 1). With ``kernel="mixed"`` and both kinds present it
    is ``s0 kn + s1 kc + s2 kn kc``: a Matern-5/2 ``kn`` over the numeric
    coordinates and an exponentiated Hamming kernel ``kc`` over the
    categorical ones, so that what is learnt about the numbers in one
    category carries over to the others (the additive part) while
    category-specific effects remain possible (the product part).

    The hyperparameters are fitted when the object is built.

    Args:
        layout: The coordinates' kinds and distances.
        x: Training points, shape ``(n, d)``.
        mask: Their activity masks, shape ``(n, d)``.
        y: Standardised targets, shape ``(n,)``.
        kernel: ``"product"`` or ``"mixed"`` (see above).
        lengthscale_prior: ``"unit"`` (``log l ~ N(0, 1)``) or
            ``"dim_scaled"`` (``log l ~ N(sqrt(2) + log(d) / 2, 3)``).
        noise_prior_loc: Mean of the normal prior on the log of the noise
            variance above ``min_noise``.
        min_noise: The noise variance floor.
        fit_on: Indices of the observations the hyperparameters are
            fitted on (see :func:`fit_subset`); None: all of them. The
            posterior always conditions on every observation.

    Attributes:
        theta: The fitted hyperparameters (log inverse squared length
            scales, log signal variances, log excess noise).
    """

    def __init__(
        self,
        layout: Layout,
        x: FloatArray,
        mask: BoolArray,
        y: FloatArray,
        *,
        kernel: str,
        lengthscale_prior: str,
        noise_prior_loc: float,
        min_noise: float,
        fit_on: NDArray[np.int64] | None = None,
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
        rows = slice(None) if fit_on is None else fit_on
        self.fit_y = y[rows]
        self.dist = layout.sq_distances(
            x[rows], mask[rows], x[rows], mask[rows]
        )
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
            base, dbase = matern52(dist @ weights)
            return scales[0] * base, scales[0] * dbase, None, [scales[0] * base]
        num, cat = self.num, self.cat
        kn, dkn = matern52(dist[..., num] @ weights[num])
        kc = np.exp(-(dist[..., cat] @ weights[cat]))
        s0, s1, s2 = scales
        k = s0 * kn + s1 * kc + s2 * kn * kc
        d_num = (s0 + s2 * kc) * dkn
        d_cat = -(s1 + s2 * kn) * kc
        return k, d_num, d_cat, [s0 * kn, s1 * kc, s2 * kn * kc]

    def _covariance(self, dist: FloatArray) -> FloatArray:
        """``_kernel(dist, ...)[0]`` at the fitted parameters, alone."""
        weights, scales = self.weights, self.scales
        if not self.mixed:
            value: FloatArray = scales[0] * matern52_value(dist @ weights)
            return value
        num, cat = self.num, self.cat
        kn = matern52_value(dist[..., num] @ weights[num])
        kc = np.exp(-(dist[..., cat] @ weights[cat]))
        s0, s1, s2 = scales
        mixed: FloatArray = s0 * kn + s1 * kc + s2 * kn * kc
        return mixed

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
        # LAPACK's potrf and potrs, which scipy.linalg's cholesky and
        # cho_solve call with the same arguments (so the same bits), without
        # their per-call batching and checking layers: this runs about a
        # hundred times per fit.
        from scipy.linalg import lapack

        d = self.layout.d
        m = self.n_scales
        n = self.fit_y.shape[0]
        weights, scales, noise = self._unpack(theta)
        cov, d_num, d_cat, d_scales = self._kernel(self.dist, weights, scales)
        cov[np.diag_indices(n)] += noise
        chol, info = lapack.dpotrf(cov, lower=True, clean=True)
        if info != 0:  # not positive definite (or not finite)
            return 1e25, np.zeros_like(theta)
        alpha = lapack.dpotrs(chol, self.fit_y, lower=True)[0]
        inv = lapack.dpotrs(chol, np.eye(n), lower=True)[0]
        value = 0.5 * float(self.fit_y @ alpha)
        value += float(np.log(np.diag(chol)).sum())
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
        cov = self._cross_kernel(self.x, self.mask)
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
        self._factorise()

    def _cross_kernel(self, u: FloatArray, mask: BoolArray) -> FloatArray:
        """The covariance between ``u`` and every observation, in chunks."""
        n = self.x.shape[0]
        rows = max(1, CHUNK_ENTRIES // max(n * self.layout.d, 1))
        parts = []
        for begin in range(0, u.shape[0], rows):
            dist = self.layout.sq_distances(
                u[begin : begin + rows],
                mask[begin : begin + rows],
                self.x,
                self.mask,
            )
            parts.append(self._covariance(dist))
        if not parts:
            return np.zeros((0, n))
        return np.vstack(parts)

    # ------------------------------------------------------ posterior
    def posterior(
        self, u: FloatArray, mask: BoolArray, *, grad: bool = False
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None]:
        """Mean and variance at ``u`` (and their continuous gradients)."""
        from scipy import linalg

        if grad:
            dist, diff, both = self.layout.distance_parts(
                u, mask, self.x, self.mask
            )
            k, d_num, _, _ = self._kernel(dist, self.weights, self.scales)
        else:
            k = self._cross_kernel(u, mask)
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
        # K^-1 k = L^-T (L^-1 k): one more triangular solve on v (what
        # cho_solve would do with two).
        kinv_k = linalg.solve_triangular(
            self.chol, v, lower=True, trans="T", check_finite=False
        )
        dvar = -2.0 * np.einsum("mnc,nm->mc", dk, kinv_k)
        return mean, var, dmean, dvar


__all__ = [
    "CHUNK_ENTRIES",
    "KERNELS",
    "LENGTHSCALE_PRIORS",
    "GaussianProcess",
    "fit_subset",
    "matern52",
    "matern52_value",
    "single_threaded_blas",
]
