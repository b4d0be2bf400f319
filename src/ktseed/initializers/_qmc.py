"""One place that builds ``scipy.stats.qmc`` engines.

SciPy renamed the engines' ``seed=`` argument to ``rng=`` in 1.15 (SPEC 7)
and keeps accepting the old name only for a while; building every engine
here keeps that drift in one function.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np


def make_engine(
    engine_name: str, d: int, rng: np.random.Generator, **kwargs: Any
) -> Any:
    """Builds ``scipy.stats.qmc.<engine_name>(d, rng=rng, **kwargs)``.

    Args:
        engine_name: ``"Sobol"``, ``"Halton"`` or ``"LatinHypercube"``.
        d: Number of dimensions.
        rng: The generator that drives scrambling and permutations.
        **kwargs: Engine-specific options.

    Returns:
        The engine instance.
    """
    from scipy.stats import qmc

    engine_cls = getattr(qmc, engine_name)
    parameters = inspect.signature(engine_cls).parameters
    key = "rng" if "rng" in parameters else "seed"
    return engine_cls(d, **{key: rng}, **kwargs)
