"""The Yeo-Johnson fit against SciPy's (``oracles/gp/yeojohnson.py``).

The hand-off's targets must not change, so the lambda and the transformed
values must equal ``scipy.stats.yeojohnson``'s bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ktseed.oracles.gp import targets
from ktseed.oracles.gp import yeojohnson as yj


def samples():
    """Samples shaped like the hand-off's targets, and harder ones."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(240):
        n = int(rng.integers(3, 260))
        kind = i % 6
        if kind == 0:
            x = rng.standard_normal(n)
        elif kind == 1:
            x = np.exp(2.0 * rng.standard_normal(n))  # all positive
        elif kind == 2:
            x = -np.abs(rng.standard_normal(n))  # all non-positive
        elif kind == 3:  # what targets.transform hands over
            x = targets.quantize(targets.standardize(rng.lognormal(0, 3, n)))
        elif kind == 4:
            x = -np.exp(3.0 * rng.standard_normal(n))  # heavy negative tail
        else:
            x = np.round(rng.standard_normal(n), 1)  # ties and zeros
        out.append(x)
    return out


def test_lambda_and_values_equal_scipys_bit_for_bit():
    differ = []
    for i, x in enumerate(samples()):
        expected, expected_lmbda = stats.yeojohnson(x)
        got, lmbda = yj.yeojohnson(x)
        if not (lmbda == expected_lmbda and np.array_equal(got, expected)):
            differ.append(i)
    assert differ == []


@pytest.mark.parametrize("lmbda", [0.0, 2.0, 1e-20, 2.0 + 1e-20, -1.5, 3.7])
def test_transform_equals_scipys_at_the_special_lambdas(lmbda):
    x = np.linspace(-3.0, 3.0, 61)
    assert np.array_equal(yj.transform(x, lmbda), stats.yeojohnson(x, lmbda))


def test_all_zeros_give_lambda_one_and_non_finite_input_raises():
    assert (
        yj.normmax(np.zeros(5)) == 1.0 == stats.yeojohnson_normmax(np.zeros(5))
    )
    with pytest.raises(ValueError, match="finite"):
        yj.yeojohnson(np.array([0.0, np.inf, 1.0]))


def test_the_fit_is_not_the_identity():
    x = np.exp(2.0 * np.random.default_rng(3).standard_normal(50))
    got, lmbda = yj.yeojohnson(x)
    assert lmbda < 0.5
    assert abs(stats.skew(got)) < 0.5 * abs(stats.skew(x))
