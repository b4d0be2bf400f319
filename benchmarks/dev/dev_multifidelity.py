r"""Development problems for the model-based Hyperband (issue 16).

The Hyperband hand-off (``SeededHyperbandOracle(handoff="gp")``) is tuned
on these problems only and judged on the suite's ``mf_branin``,
``mf_hartmann6`` and ``mf_mixed_cond``
(:mod:`ktseed.bench.multifidelity.problems`). Both have the suite's form
``y(x, b) = f(x, z) + (1 - z) (e(x) + sigma eps)`` and its noise
generator, but other functions and spaces:

- ``dev_mf_schedule``: a conditional mixed space whose low budgets
  mislead, like ``mf_mixed_cond`` but with another structure.
  ``width = Int(32, 512, step=32)``, ``wd = Float(1e-6, 1e-2, log)``,
  ``schedule = Choice(constant, step, cosine)``, ``warmup = Float(0,
  0.3)`` active only with ``cosine``, ``act = Choice(relu, gelu)``::

      f = 0.5 (log10 wd - c(s))^2 + ((width - 300) / 128)^2 + off(s)
          + [s == cosine] 6 (warmup - 0.12)^2 + [act == relu] 0.15

  with ``c`` = constant -4.5 / step -4.0 / cosine -3.2 and ``off`` =
  constant 0.12 / step 0.2 / cosine 0. The optimum ``(12/128)^2`` is at
  ``cosine``, ``warmup = 0.12``, ``wd = 10^-3.2``, ``width = 288`` and
  ``gelu``. The learning-curve term ``e = 1 + 2 v^2 + early(s)`` with
  ``v = (log10 wd + 6) / 4`` (strong decay learns slowly) and ``early``
  = constant 0 / step 0.4 / cosine 1.2 (a warm-up schedule looks worst
  early); ``sigma = 0.5``.
- ``dev_mf_styblinski``: Styblinski-Tang in 4 dimensions on
  ``[-5, 5]^4`` (Floats ``x0``..``x3``) whose minimiser moves with the
  fidelity, ``f(x, z) = ST(x + 0.6 (1 - z))``; ``e = 20``, ``sigma =
  15``. Smooth and informative at low budget: a change that helps
  ``dev_mf_schedule`` must not lose here.

Usage: ``hyperband_gp_study.py`` in this folder.
"""

from __future__ import annotations

import math
from typing import Any

from ktseed.bench.multifidelity.base import SyntheticMFProblem

Values = dict[str, Any]

_C = {"constant": -4.5, "step": -4.0, "cosine": -3.2}
_OFF = {"constant": 0.12, "step": 0.2, "cosine": 0.0}
_EARLY = {"constant": 0.0, "step": 0.4, "cosine": 1.2}


class DevMFSchedule(SyntheticMFProblem):
    """Conditional mixed space, misleading low budgets (module docstring)."""

    base_name = "dev_mf_schedule"
    description = "dev: Int step, log Float, Choice, cond. Float, Choice"
    noise = 0.5

    def space(self) -> Any:
        """Width, weight decay, schedule (+ warm-up), activation."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("width", 32, 512, step=32)
        hp.Float("wd", 1e-6, 1e-2, sampling="log")
        hp.Choice("schedule", ["constant", "step", "cosine"])
        with hp.conditional_scope("schedule", ["cosine"]):
            hp.Float("warmup", 0.0, 0.3)
        hp.Choice("act", ["relu", "gelu"])
        return hp

    def biased(self, values: Values, z: float) -> float:
        """The final value (the bias is all in :meth:`early`)."""
        schedule = str(values["schedule"])
        value = 0.5 * (math.log10(float(values["wd"])) - _C[schedule]) ** 2
        value += ((int(values["width"]) - 300) / 128.0) ** 2 + _OFF[schedule]
        if schedule == "cosine":
            value += 6.0 * (float(values["warmup"]) - 0.12) ** 2
        if values["act"] == "relu":
            value += 0.15
        return float(value)

    def early(self, values: Values) -> float:
        """The learning-curve term: ``1 + 2 v^2`` plus the schedule's term."""
        v = (math.log10(float(values["wd"])) + 6.0) / 4.0
        return 1.0 + 2.0 * v * v + _EARLY[str(values["schedule"])]

    @property
    def optimum(self) -> float:
        """``(12 / 128)^2``."""
        return (12.0 / 128.0) ** 2


def styblinski_tang(x: list[float]) -> float:
    """``sum (x^4 - 16 x^2 + 5 x) / 2``; minimum -39.166... per coordinate."""
    return float(sum(0.5 * (t**4 - 16.0 * t * t + 5.0 * t) for t in x))


#: Styblinski-Tang's minimiser in each coordinate (root of 4t^3-32t+5=0).
ST_MINIMISER = -2.903534027771177


class DevMFStyblinski(SyntheticMFProblem):
    """Styblinski-Tang 4-d, minimiser moving with ``z`` (module docstring)."""

    base_name = "dev_mf_styblinski"
    description = "dev: Styblinski-Tang, 4 Float, shifted at low budget"
    noise = 15.0

    def space(self) -> Any:
        """Four Floats in ``[-5, 5]``."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for j in range(4):
            hp.Float(f"x{j}", -5.0, 5.0)
        return hp

    def biased(self, values: Values, z: float) -> float:
        """``ST(x + 0.6 (1 - z))``."""
        shift = 0.6 * (1.0 - z)
        return styblinski_tang(
            [float(values[f"x{j}"]) + shift for j in range(4)]
        )

    def early(self, values: Values) -> float:
        """A constant 20."""
        return 20.0

    @property
    def optimum(self) -> float:
        """Four times the 1-d minimum."""
        return 4.0 * styblinski_tang([ST_MINIMISER])


DEV_MF_PROBLEMS = {
    cls.base_name: cls for cls in (DevMFSchedule, DevMFStyblinski)
}
