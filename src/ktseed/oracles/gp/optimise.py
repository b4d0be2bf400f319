"""Optimising the acquisition over a mixed, possibly conditional space.

The proposer scores a pool of candidates (a scrambled Sobol' sample plus
perturbations of the best observed points), picks local-search starts from
them, and refines each start by alternating L-BFGS-B over the continuous
coordinates with exhaustive coordinate moves over the discrete ones.
:func:`first_allowed` then walks a ranked pool and returns the first
configuration the caller accepts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.oracles.gp.acquisition import log_ei
from ktseed.space import UPPER_COORDINATE

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ktseed.oracles.gp.layout import Layout
    from ktseed.oracles.gp.model import GaussianProcess

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]
    Acquisition = Callable[[FloatArray, BoolArray], FloatArray]

#: Discrete coordinates with more grid values than this are searched over
#: an evenly spaced subset plus the neighbourhood of the current value.
MAX_EXHAUSTIVE_GRID = 128

#: Rounds of (continuous L-BFGS-B, discrete coordinate moves) per search.
MAX_ROUNDS = 6

#: Standard deviations of the Gaussian steps around the best points.
PERTURBATION_SCALES = (0.01, 0.05, 0.2)


def space_filling(
    layout: Layout, rng: np.random.Generator, n: int
) -> FloatArray:
    """A scrambled Sobol' sample of at least ``n`` points (a power of two).

    Discrete coordinates are snapped onto their grids.
    """
    from ktseed.initializers._qmc import make_engine

    m = max(math.ceil(math.log2(max(n, 2))), 1)
    engine = make_engine("Sobol", layout.d, rng, scramble=True)
    return layout.snap(np.asarray(engine.random_base2(m), dtype=float))


def candidates(
    layout: Layout,
    rng: np.random.Generator,
    x: FloatArray,
    y: FloatArray,
    *,
    n_candidates: int,
    n_best: int,
) -> FloatArray:
    """Sobol' points plus perturbations of the best observed points.

    Args:
        layout: The space.
        rng: The proposal's generator.
        x: Observed points.
        y: Their targets (smaller is better).
        n_candidates: Size of the Sobol' sample (rounded up to a power of
            two); a quarter as many perturbations are added.
        n_best: How many of the best points are perturbed (at least 1).

    Returns:
        The candidates, snapped onto the grids.
    """
    sobol = space_filling(layout, rng, n_candidates)
    top = x[np.argsort(y, kind="stable")[: max(n_best, 1)]]
    per_point = max(n_candidates // (4 * len(top)), 1)
    local = np.repeat(top, per_point, axis=0)
    cont = layout.continuous
    if len(cont):
        scale = rng.choice(list(PERTURBATION_SCALES), size=(len(local), 1))
        local[:, cont] += scale * rng.standard_normal((len(local), len(cont)))
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


def starts(
    layout: Layout,
    rng: np.random.Generator,
    pool: FloatArray,
    acq: FloatArray,
    x: FloatArray,
    y: FloatArray,
    *,
    n_restarts: int,
    n_best: int,
) -> FloatArray:
    """Local-search starts: best candidate, EI-weighted draws, best x.

    Args:
        layout: The space.
        rng: The proposal's generator.
        pool: The scored candidates.
        acq: Their log-EI.
        x: Observed points.
        y: Their targets.
        n_restarts: Number of starts.
        n_best: How many of them are the best observed points.

    Returns:
        At most ``n_restarts`` starts, snapped onto the grids.
    """
    n_best = min(n_best, x.shape[0], n_restarts - 1)
    n_draw = max(n_restarts - n_best, 1)
    chosen = [int(np.argmax(acq))]
    weights = np.exp(acq - acq.max())
    weights[chosen[0]] = 0.0
    available = int(np.count_nonzero(weights > 0))
    if n_draw > 1 and available:
        k = min(n_draw - 1, available)
        extra = rng.choice(
            len(pool), size=k, replace=False, p=weights / weights.sum()
        )
        chosen.extend(int(i) for i in extra)
    out = [pool[chosen]]
    if n_best:
        out.append(x[np.argsort(y, kind="stable")[:n_best]])
    return layout.snap(np.vstack(out))


def local_search(
    layout: Layout,
    gp: GaussianProcess,
    best: float,
    start: FloatArray,
    acquisition: Acquisition,
) -> tuple[FloatArray, FloatArray]:
    """Refines every start at once; returns the points and their log-EI.

    Each round runs one batched L-BFGS-B over the continuous coordinates
    of all starts (the objective is the sum of their log-EI, so the
    problems stay independent), keeps each move only where it improved,
    then tries every grid value of each discrete coordinate in turn. It
    stops when no discrete move improves, after at most
    :data:`MAX_ROUNDS` rounds.
    """
    from scipy import optimize

    current = start.copy()
    mask = layout.activity(current)
    value = acquisition(current, mask)
    cont = layout.continuous
    b = current.shape[0]
    for _ in range(MAX_ROUNDS):
        if len(cont):
            fixed = current.copy()

            def objective(
                flat: FloatArray,
                fixed: FloatArray = fixed,
                mask: BoolArray = mask,
            ) -> tuple[float, FloatArray]:
                point = fixed.copy()
                point[:, cont] = flat.reshape(b, len(cont))
                mean, var, dmean, dvar = gp.posterior(point, mask, grad=True)
                val, grad = log_ei(mean, var, best, dmean, dvar)
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
            options = grid_options(grid, current[:, j])
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


def grid_options(grid: FloatArray, current: FloatArray) -> FloatArray:
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


def first_allowed(
    layout: Layout,
    pool: FloatArray,
    allowed: Callable[[Mapping[str, Any]], bool],
    *,
    avoid: tuple[FloatArray, BoolArray] | None = None,
    min_distance: float = 0.0,
) -> dict[str, Any] | None:
    """Decodes ``pool`` in order; the first values ``allowed`` accepts.

    Args:
        layout: The space.
        pool: Points, best first.
        allowed: Whether a values dict may be proposed.
        avoid: Points and activity masks of earlier and pending trials;
            pool points :meth:`~ktseed.oracles.gp.layout.Layout.near` one
            of them within ``min_distance`` are skipped.
        min_distance: The radius of ``avoid`` (0: exact repeats only,
            which ``allowed`` refuses).

    Returns:
        The first acceptable values dict, or None. Points that decode to
        the same configuration are asked about once.
    """
    seen: set[tuple[tuple[str, str], ...]] = set()
    # Decoded and checked in chunks of 8, 16, 32, then 64 points: the
    # first point is usually the answer, and every step is row by row, so
    # the chunks change only how much is done ahead.
    begin, chunk = 0, 8
    while begin < pool.shape[0]:
        end = begin + chunk
        decoded = layout.codec.decode(pool[begin:end])
        begin, chunk = end, min(2 * chunk, 64)
        repeats = np.zeros(len(decoded), dtype=bool)
        if avoid is not None and min_distance > 0 and avoid[0].shape[0]:
            # The distance of what would be proposed: the decoded values.
            coords, masks = layout.encode_points(decoded)
            assert coords.shape[0] == len(decoded)  # canonical values
            repeats = layout.near(
                coords, masks, avoid[0], avoid[1], min_distance
            )
        for values, repeat in zip(decoded, repeats.tolist(), strict=True):
            key = layout.codec.point_key(values)
            if key in seen:
                continue
            seen.add(key)
            if not repeat and allowed(values):
                return values
    return None


__all__ = [
    "MAX_EXHAUSTIVE_GRID",
    "MAX_ROUNDS",
    "PERTURBATION_SCALES",
    "candidates",
    "first_allowed",
    "grid_options",
    "local_search",
    "space_filling",
    "starts",
]
