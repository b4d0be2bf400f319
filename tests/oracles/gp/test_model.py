"""The GP's fit objective against its scipy.linalg definition (``model.py``).

``_neg_log_posterior`` calls LAPACK's ``potrf``/``potrs`` directly; it must
give what ``scipy.linalg.cholesky`` and ``cho_solve`` give, bit for bit, or
the fitted kernel (and every proposal) would change.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from ktseed.oracles.gp.layout import Layout
from ktseed.oracles.gp.model import GaussianProcess
from ktseed.space import SpaceCodec

from .test_layout import nested_space
from .test_layout import points


def reference_objective(gp: GaussianProcess, theta: np.ndarray):
    """``_neg_log_posterior`` as first written, on ``scipy.linalg``."""
    d = gp.layout.d
    m = gp.n_scales
    n = gp.fit_y.shape[0]
    weights, scales, noise = gp._unpack(theta)
    cov, d_num, d_cat, d_scales = gp._kernel(gp.dist, weights, scales)
    cov[np.diag_indices(n)] += noise
    try:
        chol = linalg.cholesky(cov, lower=True, check_finite=False)
    except linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = linalg.cho_solve((chol, True), gp.fit_y, check_finite=False)
    inv = linalg.cho_solve((chol, True), np.eye(n), check_finite=False)
    value = 0.5 * float(gp.fit_y @ alpha)
    value += float(np.log(np.diag(chol)).sum())
    outer = np.outer(alpha, alpha) - inv
    grad = np.empty_like(theta)
    grad[:d] = gp._weight_gradient(outer, d_num, d_cat, weights)
    for i, part in enumerate(d_scales):
        grad[d + i] = -0.5 * float((outer * part).sum())
    grad[d + m] = -0.5 * float(np.trace(outer)) * (noise - gp.min_noise)
    log_ls = -0.5 * theta[:d]
    z = (log_ls - gp.ls_loc) / gp.ls_scale
    value += 0.5 * float(z @ z)
    grad[:d] += -0.5 * z / gp.ls_scale
    zs = theta[d : d + m] - gp.scale_loc
    value += 0.5 * float(zs @ zs)
    grad[d : d + m] += zs
    zn = (theta[d + m] - gp.noise_loc) / gp.noise_scale
    value += 0.5 * float(zn**2)
    grad[d + m] += zn / gp.noise_scale
    return value, grad


def make_gp(kernel: str, *, repeat: bool = False) -> GaussianProcess:
    codec = SpaceCodec(nested_space())
    layout = Layout(codec)
    x = layout.snap(points(codec, 60, seed=7))
    if repeat:  # every point twice: singular without noise
        x = np.vstack([x, x])
    mask = layout.activity(x)
    y = np.sin(3.0 * x).sum(axis=1)
    y = (y - y.mean()) / y.std()
    return GaussianProcess(
        layout,
        x,
        mask,
        y,
        kernel=kernel,
        lengthscale_prior="unit",
        noise_prior_loc=-8.0,
        min_noise=0.0 if repeat else 1e-6,
    )


@pytest.mark.parametrize("kernel", ["product", "mixed"])
def test_the_objective_equals_its_scipy_linalg_definition(kernel):
    gp = make_gp(kernel)
    rng = np.random.default_rng(0)
    values = set()
    for _ in range(8):
        theta = gp.theta + 0.7 * rng.standard_normal(gp.theta.shape)
        value, grad = gp._neg_log_posterior(theta)
        expected_value, expected_grad = reference_objective(gp, theta)
        assert value == expected_value
        assert np.array_equal(grad, expected_grad)
        values.add(value)
    assert len(values) == 8


def test_a_matrix_that_is_not_positive_definite_gives_the_penalty():
    gp = make_gp("product", repeat=True)
    theta = gp.theta.copy()
    d, m = gp.layout.d, gp.n_scales
    theta[:d] = -2.0 * np.log(100.0)  # long length scales
    theta[d + m] = np.log(1e-300)  # no noise
    assert reference_objective(gp, theta)[0] == 1e25
    value, grad = gp._neg_log_posterior(theta)
    assert value == 1e25 and not grad.any()
