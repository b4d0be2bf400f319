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
  :data:`~ktseed.oracles.gp.layout.ENUMERATION_LIMIT` configurations are
  enumerated, so the proposer finds every untried configuration and
  returns ``None`` only when none is left.
* **Pending trials** (distributed tuning) are handled by the *kriging
  believer*: each is added to the model with its posterior mean as a fake
  observation, which removes the expected improvement around it.

Everything is NumPy and SciPy; SciPy's L-BFGS-B fits the kernel and
optimises the acquisition. (scikit-learn's ``GaussianProcessRegressor``
cannot place priors on kernel hyperparameters, which the small-budget
regime needs, and cannot express the categorical and conditional distances
above, so it is not used here.)

The package has one module per job:

* :mod:`~ktseed.oracles.gp.layout`: how each coordinate is modelled and
  searched (continuous, ordinal, categorical; conditions; distances);
* :mod:`~ktseed.oracles.gp.targets`: objective values to the model's
  standardised targets;
* :mod:`~ktseed.oracles.gp.model`: the kernel, its MAP fit and the
  posterior;
* :mod:`~ktseed.oracles.gp.acquisition`: log expected improvement;
* :mod:`~ktseed.oracles.gp.optimise`: candidates, starts and the local
  searches;
* :mod:`~ktseed.oracles.gp.proposer`: :class:`GPHandoff`, which puts them
  together.
"""

from __future__ import annotations

from ktseed.oracles.gp.proposer import GPHandoff

__all__ = ["GPHandoff"]
