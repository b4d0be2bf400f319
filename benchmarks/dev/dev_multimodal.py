r"""The GP hand-off's multimodal development problem (``dev_basins``).

A member of ``ktseed.bench.problems.multimodal.BasinsProblem`` unlike the
suite's ``basins``: another space (a log-scaled weight decay, a linear
dropout, an integer width exponent, a five-way activation) and five
basins, the deepest one narrow and in a corner, the widest one shallow and
central. The hand-off is tuned on this problem (``gp_handoff_study.py
--set dev``) and judged on ``basins`` in the benchmark suite.

==========  =====  ======================  =================  ===========
basin       depth  centre (log10 wd,       widths             activation
                   dropout, width_exp)
==========  =====  ======================  =================  ===========
plain       1.2    -4.0, 0.30, 6           1.8, 0.35, 3.0     relu (+0.2)
ridge       0.9    -2.0, 0.05, 9           0.5, 0.08, 1.2     tanh (+0.4)
valley      0.7    -5.5, 0.45, 4           0.6, 0.1, 1.0      elu (+0.4)
pit         0.3    -3.0, 0.55, 10          0.4, 0.06, 0.8     gelu (+0.5)
deep        0.0    -6.6, 0.10, 3           0.5, 0.1, 1.0      selu (+0.7)
==========  =====  ======================  =================  ===========

Outside every basin the value is 5. Space: ``wd = Float(1e-7, 1e-1,
log)``, ``dropout = Float(0, 0.6)``, ``width_exp = Int(2, 10)``,
``activation = Choice(relu, tanh, elu, gelu, selu)``.
"""

from __future__ import annotations

from ktseed.bench.problems.multimodal import BasinsProblem
from ktseed.bench.problems.multimodal import Coordinate
from ktseed.bench.problems.multimodal import basin

_ACTS = ("relu", "tanh", "elu", "gelu", "selu")


class DevBasins(BasinsProblem):
    """The development set's multimodal problem (module docstring)."""

    base_name = "dev_basins"
    description = "dev multimodal: log Float, Float, Int, Choice; 5 basins"
    cap = 5.0
    choice = "activation"
    choices = _ACTS
    coordinates = (
        Coordinate("wd", 1e-7, 1e-1, "log"),
        Coordinate("dropout", 0.0, 0.6),
        Coordinate("width_exp", 2, 10, "int"),
    )
    basins = tuple(
        basin(("wd", "dropout", "width_exp"), _ACTS, spec)
        for spec in (
            (1.2, (-4.0, 0.30, 6), (1.8, 0.35, 3.0), "relu", 0.2),
            (0.9, (-2.0, 0.05, 9), (0.5, 0.08, 1.2), "tanh", 0.4),
            (0.7, (-5.5, 0.45, 4), (0.6, 0.1, 1.0), "elu", 0.4),
            (0.3, (-3.0, 0.55, 10), (0.4, 0.06, 0.8), "gelu", 0.5),
            (0.0, (-6.6, 0.10, 3), (0.5, 0.1, 1.0), "selu", 0.7),
        )
    )
