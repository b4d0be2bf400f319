"""The search space and score the conformance suite runs on.

Neither needs pytest: benchmarks and examples may use them too.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras_tuner

    from ktseed.space import Values

#: Python types a design value may have (``type(value) in NATIVE_TYPES``).
NATIVE_TYPES = (bool, int, float, str)


def contract_space() -> keras_tuner.HyperParameters:
    """The default search space of the contract: every kind of hyperparameter.

    ``units`` (Int on a step-32 grid), ``lr`` (Float, log scale),
    ``dropout`` (Float on a 0.1 grid), ``activation`` (Choice of strings),
    ``layers`` (Choice of ints), ``batch_norm`` (Boolean), ``epochs``
    (Fixed), and under ``layers`` in ``[2, 3]`` a conditional ``units_2``
    (Int, log scale) and ``kind`` (Choice), with ``momentum`` (Float) active
    only when ``kind`` is ``"b"``.

    Returns:
        A new ``keras_tuner.HyperParameters``.
    """
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("activation", ["relu", "tanh", "elu"])
    hp.Choice("layers", [1, 2, 3])
    hp.Boolean("batch_norm")
    hp.Fixed("epochs", 3)
    with hp.conditional_scope("layers", [2, 3]):
        hp.Int("units_2", 8, 64, sampling="log")
        hp.Choice("kind", ["a", "b"])
        with hp.conditional_scope("kind", ["b"]):
            hp.Float("momentum", 0.5, 0.99)
    return hp


def contract_score(values: Values) -> float:
    """A deterministic score in ``[0, 1)`` for any values (a CRC32 hash)."""
    text = json.dumps(values, sort_keys=True, default=repr)
    return zlib.crc32(text.encode("utf-8")) / 2**32


__all__ = ["NATIVE_TYPES", "contract_score", "contract_space"]
