"""Multimodal problems: several basins of different depth in a mixed space.

:class:`BasinsProblem` is the family; ``basins`` (:class:`Basins`) is the
suite's member. ``benchmarks/dev/dev_multimodal.py`` defines a different
member for the GP hand-off's development set, so that the hand-off is
tuned on one landscape and judged on another.

A member declares numeric *coordinates* (a ``Float``, log-scaled or not,
or an ``Int``) and one ``Choice``, and a list of basins (:class:`Basin`). With
``z`` the coordinates on their model scale (``log10`` of a log-scaled
Float, the value otherwise)::

    f = min(cap, min_k [depth_k + sum_j ((z_j - centre_kj) / width_kj)^2
                        + offset_k(choice)])

Each basin is a separable quadratic bowl with its own preferred choice, so
its lowest value on the space is known in closed form: each Float
coordinate at its centre clipped to the range, each Int at the integer
nearest its clipped centre, the choice with the smallest offset. The
optimum is the lowest of the basins' minima (:meth:`exact_minimum`); the
tests check it numerically, basin by basin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import UnknownProblemError
from ktseed.bench.problems.base import Values
from ktseed.bench.problems.base import clip

if TYPE_CHECKING:
    import keras_tuner


@dataclass(frozen=True)
class Coordinate:
    """One numeric hyperparameter of a :class:`BasinsProblem`.

    Attributes:
        name: Hyperparameter name.
        low: Lower bound of its value.
        high: Upper bound of its value.
        kind: ``"float"``, ``"log"`` (a log-scaled Float) or ``"int"``.
    """

    name: str
    low: float
    high: float
    kind: str = "float"

    def to_model(self, value: float) -> float:
        """The value on the model's scale (``log10`` for ``"log"``)."""
        return float(math.log10(value) if self.kind == "log" else value)

    def best_value(self, centre: float) -> float:
        """The value on the space nearest to a model-scale ``centre``."""
        if self.kind == "log":
            exponent = clip(centre, math.log10(self.low), math.log10(self.high))
            return float(10.0**exponent)
        if self.kind == "int":
            return float(round(clip(centre, self.low, self.high)))
        return clip(centre, self.low, self.high)


@dataclass(frozen=True)
class Basin:
    """One quadratic bowl: depth, centre and width per coordinate.

    Attributes:
        depth: The bowl's lowest value (before the choice's offset).
        centre: Model-scale centre, by coordinate name.
        width: Width, by coordinate name (a larger width is a wider bowl).
        offsets: Added value, by choice value.
    """

    depth: float
    centre: Mapping[str, float]
    width: Mapping[str, float]
    offsets: Mapping[str, float]


class BasinsProblem(Problem):
    """The family of multimodal problems (see the module docstring).

    Subclasses set :attr:`coordinates`, :attr:`choice`, :attr:`choices`,
    :attr:`basins` and :attr:`cap`.
    """

    coordinates: ClassVar[Sequence[Coordinate]] = ()
    choice: ClassVar[str] = "choice"
    choices: ClassVar[Sequence[str]] = ()
    basins: ClassVar[Sequence[Basin]] = ()
    #: The value outside every basin.
    cap: ClassVar[float] = 5.0

    def __init__(self, *, shifted: bool = False) -> None:
        if shifted:
            msg = f"{self.base_name} has no shifted variant."
            raise UnknownProblemError(msg)
        super().__init__(shifted=False)

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for c in self.coordinates:
            if c.kind == "int":
                hp.Int(c.name, int(c.low), int(c.high))
            else:
                sampling = "log" if c.kind == "log" else "linear"
                hp.Float(c.name, c.low, c.high, sampling=sampling)
        hp.Choice(self.choice, list(self.choices))
        return hp

    def basin_value(self, basin: Basin, values: Values) -> float:
        """The value of one basin's bowl at ``values``."""
        total = basin.depth + basin.offsets[str(values[self.choice])]
        for c in self.coordinates:
            z = c.to_model(float(values[c.name]))
            total += ((z - basin.centre[c.name]) / basin.width[c.name]) ** 2
        return total

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`."""
        best = min(self.basin_value(b, values) for b in self.basins)
        return float(min(self.cap, best))

    def basin_minimum(self, basin: Basin) -> tuple[float, dict[str, Any]]:
        """The lowest value of one basin on the space, and where."""
        point: dict[str, Any] = {}
        for c in self.coordinates:
            value = c.best_value(basin.centre[c.name])
            point[c.name] = int(value) if c.kind == "int" else value
        point[self.choice] = min(basin.offsets, key=basin.offsets.__getitem__)
        return self.basin_value(basin, point), point

    def exact_minimum(self) -> tuple[float, dict[str, Any]]:
        """See :meth:`Problem.exact_minimum` (the lowest basin minimum)."""
        value, point = min(
            (self.basin_minimum(b) for b in self.basins), key=lambda m: m[0]
        )
        return min(value, self.cap), point


def basin(
    names: Sequence[str],
    choices: Sequence[str],
    spec: tuple[float, Sequence[float], Sequence[float], str, float],
) -> Basin:
    """A :class:`Basin` from one compact row.

    Args:
        names: The coordinates' names, in order.
        choices: The choice's values.
        spec: ``(depth, centre, width, best choice, offset of the others)``
            with ``centre`` and ``width`` in the order of ``names``.
    """
    depth, centre, width, best, others = spec
    return Basin(
        depth,
        dict(zip(names, centre, strict=True)),
        dict(zip(names, width, strict=True)),
        {c: 0.0 if c == best else others for c in choices},
    )


_OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad")
_NAMES = ("lr", "momentum", "layers")


class Basins(BasinsProblem):
    """The suite's multimodal problem: four basins, the deepest narrow.

    ``lr = Float(1e-5, 1e-1, log)``, ``momentum = Float(0, 1)``,
    ``layers = Int(1, 8)``, ``optimizer = Choice(sgd, adam, rmsprop,
    adagrad)``. The basins (depth; centre of ``log10 lr``, momentum,
    layers; widths; preferred optimizer, others +offset):

    ==========  =====  =================  ================  ===============
    basin       depth  centre             widths            optimizer
    ==========  =====  =================  ================  ===============
    wide        1.0    -3.0, 0.5, 4       1.5, 0.5, 4       adam (+0.3)
    medium      0.6    -1.5, 0.9, 2       0.6, 0.15, 1.5    sgd (+0.5)
    shelf       0.8    -2.2, 0.05, 6      0.5, 0.1, 1.5     adagrad (+0.5)
    deep        0.0    -4.3, 0.2, 7       0.6, 0.15, 1.5    rmsprop (+0.6)
    ==========  =====  =================  ================  ===============

    outside every basin the value is 4. The optimum, 0, is the deep
    basin's centre with rmsprop (``lr = 10^-4.3``); the wide basin covers
    most of the space and leads a greedy search to 1.0.
    """

    base_name = "basins"
    description = "multimodal: log Float, Float, Int, Choice; 4 basins"
    cap = 4.0
    choice = "optimizer"
    choices = _OPTIMIZERS
    coordinates = (
        Coordinate("lr", 1e-5, 1e-1, "log"),
        Coordinate("momentum", 0.0, 1.0),
        Coordinate("layers", 1, 8, "int"),
    )
    basins = tuple(
        basin(_NAMES, _OPTIMIZERS, spec)
        for spec in (
            (1.0, (-3.0, 0.5, 4), (1.5, 0.5, 4.0), "adam", 0.3),
            (0.6, (-1.5, 0.9, 2), (0.6, 0.15, 1.5), "sgd", 0.5),
            (0.8, (-2.2, 0.05, 6), (0.5, 0.1, 1.5), "adagrad", 0.5),
            (0.0, (-4.3, 0.2, 7), (0.6, 0.15, 1.5), "rmsprop", 0.6),
        )
    )


__all__ = ["Basin", "Basins", "BasinsProblem", "Coordinate", "basin"]
