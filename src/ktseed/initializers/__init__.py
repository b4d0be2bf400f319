"""Initial designs: the strategy classes behind the registry names.

=============  ===========================================  ==================
name           class                                        kind
=============  ===========================================  ==================
``fixed``      :class:`FixedInitializer`                    your configurations
``random``     :class:`RandomInitializer`                   uniform, seeded
``lhs``        :class:`LatinHypercubeInitializer`           Latin hypercube
``sobol``      :class:`SobolInitializer`                    scrambled Sobol'
``halton``     :class:`HaltonInitializer`                   scrambled Halton
``csv``        :class:`CSVInitializer`                      rows of a CSV file
``prior_run``  :class:`PriorRunInitializer`                 an earlier project
``portfolio``  :class:`PortfolioInitializer`                earlier tasks' best
``chain``      :class:`ChainInitializer`                    several, in order
``none``       :class:`NoInitializer`                       no design
=============  ===========================================  ==================
"""

from __future__ import annotations

from ktseed.initializers.base import Initializer
from ktseed.initializers.base import default_n_points
from ktseed.initializers.chain import ChainInitializer
from ktseed.initializers.csv import CSVInitializer
from ktseed.initializers.cube import UnitCubeInitializer
from ktseed.initializers.fixed import FixedInitializer
from ktseed.initializers.halton import HaltonInitializer
from ktseed.initializers.lhs import LatinHypercubeInitializer
from ktseed.initializers.none import NoInitializer
from ktseed.initializers.portfolio import PortfolioInitializer
from ktseed.initializers.portfolio import PortfolioReport
from ktseed.initializers.prior_run import PriorRunInitializer
from ktseed.initializers.random import RandomInitializer
from ktseed.initializers.request import DesignRequest
from ktseed.initializers.sobol import SobolInitializer

__all__ = [
    "CSVInitializer",
    "ChainInitializer",
    "DesignRequest",
    "FixedInitializer",
    "HaltonInitializer",
    "Initializer",
    "LatinHypercubeInitializer",
    "NoInitializer",
    "PortfolioInitializer",
    "PortfolioReport",
    "PriorRunInitializer",
    "RandomInitializer",
    "SobolInitializer",
    "UnitCubeInitializer",
    "default_n_points",
]
