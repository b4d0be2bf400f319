"""ktseed: initial designs for KerasTuner.

Pick how a KerasTuner search starts (known configurations, a Latin
hypercube, Sobol' or Halton points, a CSV file, an earlier run), then let
KerasTuner's own random search, Bayesian optimisation or Hyperband take over.

Importing ``ktseed`` is cheap: KerasTuner (and with it TensorFlow) is
imported only when an oracle, tuner or codec is first used.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING

from ktseed import checks
from ktseed._lazy import lazy_attributes
from ktseed.errors import DataSourceError
from ktseed.errors import DesignTooLargeError
from ktseed.errors import HandoffConfigError
from ktseed.errors import InitializerConfigError
from ktseed.errors import InvalidValueError
from ktseed.errors import KerasTunerCompatibilityError
from ktseed.errors import KtseedError
from ktseed.errors import KtseedWarning
from ktseed.errors import PluginLoadError
from ktseed.errors import StateFileError
from ktseed.errors import UnknownInitializerError
from ktseed.initializers import ChainInitializer
from ktseed.initializers import CSVInitializer
from ktseed.initializers import DesignRequest
from ktseed.initializers import FixedInitializer
from ktseed.initializers import HaltonInitializer
from ktseed.initializers import Initializer
from ktseed.initializers import LatinHypercubeInitializer
from ktseed.initializers import NoInitializer
from ktseed.initializers import PortfolioInitializer
from ktseed.initializers import PortfolioReport
from ktseed.initializers import PriorRunInitializer
from ktseed.initializers import RandomInitializer
from ktseed.initializers import SobolInitializer
from ktseed.initializers import UnitCubeInitializer
from ktseed.registry import available_initializers
from ktseed.registry import get_initializer_class
from ktseed.registry import make_initializer
from ktseed.registry import register_initializer
from ktseed.registry import unregister_initializer
from ktseed.space import SpaceCodec

if TYPE_CHECKING:  # pragma: no cover
    from ktseed.oracles import SeededBayesianOptimizationOracle
    from ktseed.oracles import SeededHyperbandOracle
    from ktseed.oracles import SeededRandomSearchOracle
    from ktseed.tuners import SeededBayesianOptimization
    from ktseed.tuners import SeededHyperband
    from ktseed.tuners import SeededRandomSearch

try:
    __version__ = _version("ktseed")
except PackageNotFoundError:  # pragma: no cover - running from a checkout
    __version__ = "0+unknown"

# Names whose modules import KerasTuner (and TensorFlow): loaded on first use.
_LAZY: dict[str, str] = {
    "SeededRandomSearchOracle": "ktseed.oracles",
    "SeededBayesianOptimizationOracle": "ktseed.oracles",
    "SeededHyperbandOracle": "ktseed.oracles",
    "SeededRandomSearch": "ktseed.tuners",
    "SeededBayesianOptimization": "ktseed.tuners",
    "SeededHyperband": "ktseed.tuners",
}


__getattr__, __dir__ = lazy_attributes("ktseed", globals(), _LAZY)


__all__ = [
    "__version__",
    # oracles and tuners (imported on first use)
    "SeededBayesianOptimization",
    "SeededBayesianOptimizationOracle",
    "SeededHyperband",
    "SeededHyperbandOracle",
    "SeededRandomSearch",
    "SeededRandomSearchOracle",
    # initializers
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
    # registry
    "available_initializers",
    "get_initializer_class",
    "make_initializer",
    "register_initializer",
    "unregister_initializer",
    # space and checks
    "SpaceCodec",
    "checks",
    # errors
    "DataSourceError",
    "DesignTooLargeError",
    "HandoffConfigError",
    "InitializerConfigError",
    "InvalidValueError",
    "KerasTunerCompatibilityError",
    "KtseedError",
    "KtseedWarning",
    "PluginLoadError",
    "StateFileError",
    "UnknownInitializerError",
]
