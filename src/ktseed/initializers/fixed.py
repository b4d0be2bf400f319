"""``fixed``: run known configurations first."""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np

from ktseed.errors import InitializerConfigError
from ktseed.initializers.base import Initializer

if TYPE_CHECKING:
    from ktseed.initializers.request import DesignRequest

_SCALARS = (bool, int, float, str)


def _plain_scalar(value: Any, where: str) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, _SCALARS):
        msg = (
            f"{where}: values must be int, float, str or bool "
            f"(got {value!r} of type {type(value).__name__})."
        )
        raise InitializerConfigError(msg)
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{where}: values must be finite (got {value!r})."
        raise InitializerConfigError(msg)
    return value


class FixedInitializer(Initializer):
    """A list of configurations, run first and in the given order.

    This is KerasTuner's missing "start with these values" (keras-tuner
    #604, #699). Each point may be partial: a hyperparameter it leaves out
    takes its declared default, never a random draw, so the design is the
    same on every run. A value outside a hyperparameter's range, off its
    grid, not among its choices, of the wrong type, or given for a
    hyperparameter that is inactive under the point's other values is an
    error naming the point and the hyperparameter. Points that turn out
    identical after completion are run once.

    Args:
        points: The configurations, as dicts of hyperparameter name to value.
        n_points: Use only the first ``n_points`` points (default: all).

    Examples:
        >>> init = FixedInitializer(points=[{"units": 64}, {"units": 256}])
        >>> init.get_config()["points"]
        [{'units': 64}, {'units': 256}]
    """

    name: ClassVar[str] = "fixed"

    def __init__(
        self,
        points: Sequence[Mapping[str, Any]],
        *,
        n_points: int | None = None,
    ) -> None:
        super().__init__(n_points=n_points)
        if isinstance(points, (str, bytes, Mapping)) or not isinstance(
            points, Sequence
        ):
            msg = (
                f"{self._label()}: `points` must be a list of dicts "
                f"(got {type(points).__name__})."
            )
            raise InitializerConfigError(msg)
        if not points:
            msg = (
                f"{self._label()}: `points` is empty; give at least one "
                "configuration."
            )
            raise InitializerConfigError(msg)
        clean: list[dict[str, Any]] = []
        for index, point in enumerate(points, start=1):
            where = f"{self._label()} point {index}"
            if not isinstance(point, Mapping):
                msg = (
                    f"{where}: must be a dict of hyperparameter name to "
                    f"value (got {type(point).__name__})."
                )
                raise InitializerConfigError(msg)
            row: dict[str, Any] = {}
            for key, value in point.items():
                if not isinstance(key, str):
                    msg = f"{where}: names must be strings (got {key!r})."
                    raise InitializerConfigError(msg)
                row[key] = _plain_scalar(value, f"{where}, '{key}'")
            clean.append(row)
        if self.n_points is not None and self.n_points > len(clean):
            msg = (
                f"{self._label()}: `n_points`={self.n_points} but only "
                f"{len(clean)} point(s) were given; drop `n_points` or pass "
                "more points."
            )
            raise InitializerConfigError(msg)
        self.points = clean

    def get_config(self) -> dict[str, Any]:
        """See :meth:`Initializer.get_config`; adds ``points``."""
        return {
            **super().get_config(),
            "points": [dict(p) for p in self.points],
        }

    def size_hint(self) -> int:
        """The number of points (before duplicates are dropped)."""
        return self.n_points if self.n_points is not None else len(self.points)

    def _default_n_points(self, request: DesignRequest) -> int:
        return len(self.points)

    def _generate(self, request: DesignRequest) -> list[Mapping[str, Any]]:
        return [dict(p) for p in self.points[: request.n]]
