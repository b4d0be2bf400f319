"""The score model of ``portfolio``: one GP per earlier task, mean only.

A portfolio candidate usually ran on one earlier task only; its score on
every other task is predicted by a Gaussian process fitted on that task's
own trials. :func:`fit_predict` is that prediction, built from the GP
hand-off's model (:mod:`ktseed.oracles.gp`): the same coordinate layout
(KerasTuner's unit-cube scale; categories as categories; conditional
hyperparameters inactive, not at a default), the same Matern-5/2 kernel
with one length scale per hyperparameter, the same MAP fit of its
hyperparameters. Only the posterior *mean* is needed, so it is computed
here without the variance, whose triangular solves would dominate the cost
with thousands of candidates, and with the length-scaled distances as one
matrix product (:func:`posterior_mean`, :func:`weighted_sq_distances`;
tests check both against the model's own posterior and distances).

The GP package imports KerasTuner (through :mod:`ktseed.oracles`), so it is
imported here only when a model is fitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.oracles.gp.model import GaussianProcess
    from ktseed.space import SpaceCodec

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]
    IntArray = NDArray[np.int64]

#: The GP is fitted (kernel hyperparameters) on at most this many trials,
#: as the GP hand-off does by default.
FIT_POINTS = 128

#: Candidates are scored this many ``(candidates x trials)`` kernel
#: entries at a time.
CHUNK_ENTRIES = 2**22


def fit_predict(
    codec: SpaceCodec,
    observations: Sequence[tuple[Mapping[str, Any], float]],
    candidates: Sequence[Mapping[str, Any]],
    *,
    max_trials: int | None = None,
) -> FloatArray:
    """Fits a GP on one task's trials; predicts the candidates' scores.

    Args:
        codec: The (new) search space every configuration is given in.
        observations: ``(values, target)`` pairs of the task, ``target``
            finite (lower is better; the caller's normalised score).
        candidates: Configurations to predict, complete and canonical for
            ``codec``.
        max_trials: Condition the model on at most this many observations:
            the best half and an even spread of the others, in the given
            order (:func:`~ktseed.oracles.gp.model.fit_subset`). ``None``
            uses every observation.

    Returns:
        The posterior mean at each candidate, in the units of ``target``,
        shape ``(len(candidates),)``. With fewer than two distinct targets
        the prediction is their mean.

    Raises:
        ValueError: If an observation or a candidate cannot be encoded in
            ``codec``'s space, or a target is not finite.
    """
    space = encode(codec, [v for v, _ in observations] + list(candidates))
    n = len(observations)
    y = np.asarray([float(t) for _, t in observations], dtype=float)
    return predict(space, np.arange(n), y, np.arange(n, space.size), max_trials)


class Encoded:
    """Configurations encoded once for every task's model.

    Attributes:
        layout: The GP hand-off's :class:`~ktseed.oracles.gp.layout.Layout`
            of the space.
        x: Unit-cube rows, shape ``(size, d)``, discrete coordinates on
            their grid.
        mask: Activity masks, shape ``(size, d)``.
    """

    def __init__(self, layout: Any, x: FloatArray, mask: BoolArray) -> None:
        self.layout = layout
        self.x = x
        self.mask = mask

    @property
    def size(self) -> int:
        """Number of configurations."""
        return int(self.x.shape[0])


def encode(codec: SpaceCodec, points: Sequence[Mapping[str, Any]]) -> Encoded:
    """Encodes configurations as the GP hand-off's model sees them.

    Raises:
        ValueError: (or ``KeyError``, ``TypeError``) for a configuration
            the space cannot encode.
    """
    from ktseed.oracles.gp.layout import Layout

    layout = Layout(codec)
    d = layout.d
    if not points:
        return Encoded(layout, np.zeros((0, d)), np.zeros((0, d), dtype=bool))
    rows = np.vstack([codec.encode(layout.complete(p)) for p in points])
    masks = np.vstack([layout.mask_of(layout.complete(p)) for p in points])
    return Encoded(layout, layout.snap(rows), masks)


def predict(
    space: Encoded,
    observed: IntArray,
    y: FloatArray,
    wanted: IntArray,
    max_trials: int | None = None,
) -> FloatArray:
    """Fits a GP on some encoded rows and predicts others (posterior mean).

    Args:
        space: The encoded configurations.
        observed: Rows of ``space`` with a target.
        y: Their finite targets (lower is better).
        wanted: Rows to predict.
        max_trials: See :func:`fit_predict`.

    Returns:
        The posterior mean at each wanted row, in the units of ``y``.

    Raises:
        ValueError: Without observations or with a target not finite.
    """
    from ktseed.oracles.gp.model import GaussianProcess
    from ktseed.oracles.gp.model import fit_subset
    from ktseed.oracles.gp.model import single_threaded_blas

    m = len(wanted)
    if y.size == 0:
        msg = "fit_predict needs at least one observation."
        raise ValueError(msg)
    if not np.all(np.isfinite(y)):
        msg = "fit_predict: every target must be finite."
        raise ValueError(msg)
    if m == 0:
        return np.zeros(0)
    if max_trials is not None:
        keep = fit_subset(y, max_trials)
        if keep is not None:
            observed, y = observed[keep], y[keep]
    mean, std = float(y.mean()), float(y.std())
    if space.layout.d == 0 or std == 0.0:
        return np.full(m, mean)
    z = (y - mean) / std
    with single_threaded_blas():
        gp = GaussianProcess(
            space.layout,
            space.x[observed],
            space.mask[observed],
            z,
            kernel="product",
            lengthscale_prior="unit",
            noise_prior_loc=-8.0,
            min_noise=1e-6,
            fit_on=fit_subset(z, FIT_POINTS),
        )
        standard = posterior_mean(gp, space.x[wanted], space.mask[wanted])
    predicted: FloatArray = mean + std * standard
    return predicted


def posterior_mean(
    gp: GaussianProcess, u: FloatArray, mask: BoolArray
) -> FloatArray:
    """The GP's posterior mean at ``u`` (no variance).

    For the ``"product"`` kernel (a Matern-5/2 of the length-scaled squared
    distances), which is what :func:`fit_predict` fits. The length-scaled
    distances come from :func:`weighted_sq_distances`, one matrix product
    instead of the model's ``(m, n, d)`` tensor of per-coordinate
    distances.

    Args:
        gp: A fitted :class:`~ktseed.oracles.gp.model.GaussianProcess`
            with ``kernel="product"``.
        u: Unit-cube points, shape ``(m, d)``.
        mask: Their activity masks, shape ``(m, d)``.

    Returns:
        The mean, shape ``(m,)``, in the GP's standardised units.
    """
    from ktseed.oracles.gp.model import matern52_value

    if gp.mixed:  # pragma: no cover - fit_predict fits "product" only
        msg = "posterior_mean supports the 'product' kernel only."
        raise ValueError(msg)
    n = gp.x.shape[0]
    rows = max(1, CHUNK_ENTRIES // max(n, 1))
    train = _features(gp.layout, gp.weights, gp.x, gp.mask, side="b")
    out = np.empty(u.shape[0])
    for begin in range(0, u.shape[0], rows):
        end = begin + rows
        part = _features(
            gp.layout, gp.weights, u[begin:end], mask[begin:end], side="a"
        )
        sq = weighted_from_features(part, train)
        out[begin:end] = (gp.scales[0] * matern52_value(sq)) @ gp.alpha
    return out


def weighted_sq_distances(
    layout: Any,
    weights: FloatArray,
    a: FloatArray,
    a_mask: BoolArray,
    b: FloatArray,
    b_mask: BoolArray,
) -> FloatArray:
    """``layout.sq_distances(a, a_mask, b, b_mask) @ weights``, fast.

    The GP hand-off's distance of one coordinate is, with ``ma`` and ``mb``
    its activity in the two points: ``(a - b)^2`` (continuous and ordinal)
    or ``[a != b]`` (categorical) when active in both, 1 when active in one,
    0 in neither; that is ``ma mb (d - 2) + ma + mb``. Writing ``(a - b)^2``
    as ``a^2 + b^2 - 2ab`` and ``[a != b]`` as one minus the product of the
    categories' one-hot codes makes the weighted sum over coordinates a
    matrix product, ``O(m n)`` memory instead of ``O(m n d)``. Rounding
    can make a distance slightly negative; it is clipped at 0.

    Args:
        layout: The GP hand-off's :class:`~ktseed.oracles.gp.layout.Layout`.
        weights: One non-negative weight per coordinate (the fitted inverse
            squared length scales).
        a: Points, shape ``(m, d)``, discrete coordinates snapped.
        a_mask: Their activity masks.
        b: Points, shape ``(n, d)``, discrete coordinates snapped.
        b_mask: Their activity masks.

    Returns:
        Shape ``(m, n)``.
    """
    return weighted_from_features(
        _features(layout, weights, a, a_mask, side="a"),
        _features(layout, weights, b, b_mask, side="b"),
    )


def weighted_from_features(
    a: tuple[FloatArray, FloatArray], b: tuple[FloatArray, FloatArray]
) -> FloatArray:
    """The distances of two :func:`_features` sides."""
    a_rows, a_features = a
    b_rows, b_features = b
    sq = a_features @ b_features.T
    sq += a_rows[:, None]
    sq += b_rows[None, :]
    clipped: FloatArray = np.maximum(sq, 0.0, out=sq)
    return clipped


def _features(
    layout: Any,
    weights: FloatArray,
    u: FloatArray,
    mask: BoolArray,
    *,
    side: str,
) -> tuple[FloatArray, FloatArray]:
    """One side of :func:`weighted_sq_distances`: row terms and features.

    The distance is ``rows_a[i] + rows_b[k] + features_a[i] @
    features_b[k]``, with the weights on side ``"a"``.
    """
    m = mask.astype(float)
    w = np.asarray(weights, dtype=float)
    rows = m @ w  # sum_j w_j m_j: the "active in one point" terms
    num = ~layout.categorical
    columns: list[FloatArray] = []
    mn, un = m[:, num], u[:, num]
    if side == "a":
        wn = w[num]
        columns += [
            wn * (mn * un * un - 2.0 * mn),
            wn * mn,
            -2.0 * wn * mn * un,
        ]
    else:
        columns += [mn, mn * un * un, mn * un]
    for j in np.flatnonzero(layout.categorical).tolist():
        size = len(layout.grids[j])
        index = np.clip(np.floor(u[:, j] * size), 0, size - 1).astype(int)
        one_hot = np.zeros((u.shape[0], size))
        one_hot[np.arange(u.shape[0]), index] = 1.0
        mj = m[:, j : j + 1]
        if side == "a":
            columns += [-w[j] * mj, -w[j] * mj * one_hot]
        else:
            columns += [mj, mj * one_hot]
    return rows, np.hstack(columns) if columns else np.zeros((u.shape[0], 0))


__all__ = [
    "CHUNK_ENTRIES",
    "FIT_POINTS",
    "Encoded",
    "encode",
    "fit_predict",
    "posterior_mean",
    "predict",
    "weighted_from_features",
    "weighted_sq_distances",
]
