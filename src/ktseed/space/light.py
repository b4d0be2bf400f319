"""KerasTuner search spaces read from their JSON form without KerasTuner.

Importing KerasTuner imports Keras and its backend (TensorFlow: about 3 s
and 650 MB per process, and TensorFlow's start-up lines on stderr). Reading
a saved space, to show the design an initializer makes for it
(``ktseed preview``), needs none of that: this module rebuilds
``HyperParameters.get_config()`` output (what a project's ``oracle.json``
holds under ``"hyperparameters"``) into small objects with KerasTuner's own
attributes, type normalisation and unit-cube formulas, and
:func:`light_codec` wraps them in a :class:`~ktseed.space.SpaceCodec`.

The classes mirror KerasTuner 1.4's ``Fixed``, ``Boolean``, ``Choice``,
``Int`` and ``Float`` (``keras_tuner/src/engine/hyperparameters/hp_types``)
and its ``Parent`` condition line by line, including their quirks
(``Choice([True, False])`` stores ``[1, 0]``; ``Float`` keeps ``step`` as
given), and have the same class names, which is what
:func:`~ktseed.space.hp_kind` goes by. The test suite checks, on random
spaces, that every attribute, ``prob_to_value``, ``value_to_prob``,
condition and decoded design agrees with KerasTuner's.

Anything else (another hyperparameter class, a config KerasTuner would
reject) raises :class:`UnsupportedSpaceError`, and callers read the space
with KerasTuner itself, so its behaviour and its error messages stay the
reference.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Mapping
from typing import Any

from ktseed.space.codec import SpaceCodec
from ktseed.space.hyperparameters import hp_kind


class UnsupportedSpaceError(ValueError):
    """A space config that only KerasTuner itself can read (or reject)."""


def _to_list(values: Any) -> list[Any]:
    if isinstance(values, list):
        return values
    if isinstance(values, tuple):
        return list(values)
    return [values]


def _prob_to_index(prob: float, n_index: int) -> int:
    ele_prob = 1 / n_index
    index = math.floor(prob / ele_prob)
    if index == n_index:
        index -= 1
    return index


def _index_to_prob(index: float, n_index: int) -> float:
    ele_prob = 1 / n_index
    return (index + 0.5) * ele_prob


# ------------------------------------------------------------ conditions
class Parent:
    """KerasTuner's ``conditions.Parent``: active when a parent has a value.

    Args:
        name: The parent hyperparameter's name.
        values: The parent values under which the child is active.
    """

    def __init__(self, name: str, values: Any) -> None:
        self.name = name
        values = _to_list(values)
        first = values[0]
        if isinstance(first, str):
            values = [str(v) for v in values]
        elif isinstance(first, bool):
            pass
        elif isinstance(first, int):
            values = [int(v) for v in values]
        elif not isinstance(first, float):
            msg = (
                "Can contain only `int`, `float`, `str`, or `bool`, found "
                f"values: {values} with types: {type(first)}"
            )
            raise TypeError(msg)
        self.values = values

    def is_active(self, values: Mapping[str, Any]) -> bool:
        """Whether the parent's value in ``values`` is one of ``values``."""
        return self.name in values and values[self.name] in self.values

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Parent)
            and other.name == self.name
            and other.values == self.values
        )

    def get_config(self) -> dict[str, Any]:
        """The condition's config, as KerasTuner writes it."""
        return {"name": self.name, "values": self.values}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Parent:
        """Rebuilds a condition from :meth:`get_config` output."""
        return cls(**config)


def _deserialize_condition(config: Any) -> Parent:
    if not (
        isinstance(config, Mapping)
        and config.get("class_name") == "Parent"
        and isinstance(config.get("config"), Mapping)
    ):
        msg = f"not a Parent condition config: {config!r}"
        raise UnsupportedSpaceError(msg)
    return Parent.from_config(dict(config["config"]))


# ------------------------------------------------------- hyperparameters
class HyperParameter:
    """KerasTuner's ``HyperParameter`` base: name, default, conditions."""

    def __init__(
        self, name: str, default: Any = None, conditions: Any = None
    ) -> None:
        self.name = name
        self._default = default
        self.conditions: list[Parent] = (
            _to_list(conditions) if conditions else []
        )

    @property
    def default(self) -> Any:
        """The default value."""
        return self._default

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        return {
            "name": self.name,
            "default": self.default,
            "conditions": [
                {"class_name": "Parent", "config": c.get_config()}
                for c in self.conditions
            ],
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HyperParameter:
        """Rebuilds a hyperparameter from :meth:`get_config` output."""
        config = dict(config)
        config["conditions"] = [
            _deserialize_condition(c) for c in config["conditions"]
        ]
        return cls(**config)

    def random_sample(self, seed: Any = None) -> Any:
        """A random value, as KerasTuner draws it."""
        prob = float(random.Random(seed).random())
        return self.prob_to_value(prob)

    def prob_to_value(self, prob: float) -> Any:
        """Maps a unit-interval coordinate to a value."""
        raise NotImplementedError

    def value_to_prob(self, value: Any) -> Any:
        """Maps a value to its unit-interval coordinate."""
        raise NotImplementedError


class Fixed(HyperParameter):
    """KerasTuner's ``Fixed``."""

    def __init__(self, name: str, value: Any, **kwargs: Any) -> None:
        super().__init__(name=name, default=value, **kwargs)
        if isinstance(value, bool):
            value = bool(value)
        elif isinstance(value, int):
            value = int(value)
        elif isinstance(value, str):
            value = str(value)
        elif not isinstance(value, (float, str)):
            msg = (
                "`Fixed` value must be an `int`, `float`, `str`, or `bool`, "
                f"found {value}"
            )
            raise ValueError(msg)
        self.value = value

    @property
    def values(self) -> tuple[Any, ...]:
        """The one possible value."""
        return (self.value,)

    @property
    def default(self) -> Any:
        """The fixed value."""
        return self.value

    def prob_to_value(self, prob: float) -> Any:
        """The fixed value, whatever ``prob``."""
        return self.value

    def value_to_prob(self, value: Any) -> float:
        """The centre of the unit interval."""
        return 0.5

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        config = super().get_config()
        config.pop("default")
        config["value"] = self.value
        return config


class Boolean(HyperParameter):
    """KerasTuner's ``Boolean``."""

    def __init__(self, name: str, default: Any = False, **kwargs: Any) -> None:
        super().__init__(name=name, default=default, **kwargs)
        if default not in {True, False}:
            msg = (
                "`default` must be a Python boolean. "
                f"You passed: default={default}"
            )
            raise ValueError(msg)

    @property
    def values(self) -> tuple[bool, bool]:
        """``(True, False)``."""
        return (True, False)

    def prob_to_value(self, prob: float) -> bool:
        """``True`` from 0.5 up."""
        return bool(prob >= 0.5)

    def value_to_prob(self, value: Any) -> float:
        """The centre of the value's half of the unit interval."""
        return 0.75 if value else 0.25


class Choice(HyperParameter):
    """KerasTuner's ``Choice``, with its normalisation of the values."""

    def __init__(
        self,
        name: str,
        values: Any,
        ordered: Any = None,
        default: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, default=default, **kwargs)
        if not values:
            msg = "`values` must be provided for `Choice`."
            raise ValueError(msg)
        types = {type(v) for v in values}
        if len(types) > 1:
            msg = (
                "A `Choice` can contain only one type of value, found "
                f"values: {values} with types {types}."
            )
            raise TypeError(msg)
        if isinstance(values[0], str):
            values = [str(v) for v in values]
            if default is not None:
                default = str(default)
        elif isinstance(values[0], int):  # bool too: [True, False] -> [1, 0]
            values = [int(v) for v in values]
            if default is not None:
                default = int(default)
        elif not isinstance(values[0], (bool, float)):
            msg = (
                "A `Choice` can contain only `int`, `float`, `str`, or "
                f"`bool`, found values: {values}with types: "
                f"{type(values[0])}"
            )
            raise TypeError(msg)
        self._values: list[Any] = values
        if default is not None and default not in values:
            msg = (
                "The default value should be one of the choices. "
                f"You passed: values={values}, default={default}"
            )
            raise ValueError(msg)
        self._default = default
        self.ordered = ordered
        is_numeric = isinstance(values[0], (int, float))
        if self.ordered and not is_numeric:
            msg = "`ordered` must be `False` for non-numeric types."
            raise ValueError(msg)
        if self.ordered is None:
            self.ordered = is_numeric

    @property
    def values(self) -> list[Any]:
        """The choices, normalised."""
        return self._values

    @property
    def default(self) -> Any:
        """The default, or the first choice."""
        return self._values[0] if self._default is None else self._default

    def prob_to_value(self, prob: float) -> Any:
        """The choice whose bucket holds ``prob``."""
        return self._values[_prob_to_index(prob, len(self._values))]

    def value_to_prob(self, value: Any) -> float:
        """The centre of the choice's bucket."""
        return _index_to_prob(self._values.index(value), len(self._values))

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        config = super().get_config()
        config["values"] = self._values
        config["ordered"] = self.ordered
        return config


class Numerical(HyperParameter):
    """KerasTuner's ``Numerical`` base of ``Int`` and ``Float``."""

    def __init__(
        self,
        name: str,
        min_value: Any,
        max_value: Any,
        step: Any = None,
        sampling: Any = "linear",
        default: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, default=default, **kwargs)
        self.max_value = max_value
        self.min_value = min_value
        self.step = step
        self.sampling = sampling
        self._check_sampling_arg()

    def _check_sampling_arg(self) -> None:
        label = f"For HyperParameters.{type(self).__name__}(name='{self.name}')"
        if self.min_value > self.max_value:
            msg = (
                f"{label}, min_value {self.min_value} is greater than the "
                f"max_value {self.max_value}."
            )
            raise ValueError(msg)
        sampling_values = {"linear", "log", "reverse_log"}
        if self.sampling is None:
            self.sampling = "linear"
        self.sampling = self.sampling.lower()
        if self.sampling not in sampling_values:
            msg = f"{label}, sampling must be one of {sampling_values}"
            raise ValueError(msg)
        if self.sampling in {"log", "reverse_log"} and self.min_value <= 0:
            msg = (
                f"{label}, sampling='{self.sampling}' does not support "
                f"negative values, found min_value: {self.min_value}."
            )
            raise ValueError(msg)
        if (
            self.sampling in {"log", "reverse_log"}
            and self.step is not None
            and self.step <= 1
        ):
            msg = (
                f"{label}, expected step > 1 with sampling="
                f"'{self.sampling}'. Received: step={self.step}."
            )
            raise ValueError(msg)

    def _sample_numerical_value(
        self, prob: float, max_value: Any = None
    ) -> Any:
        if max_value is None:
            max_value = self.max_value
        if self.sampling == "linear":
            return prob * (max_value - self.min_value) + self.min_value
        if self.sampling == "log":
            return self.min_value * math.pow(max_value / self.min_value, prob)
        return (
            max_value
            + self.min_value
            - self.min_value * math.pow(max_value / self.min_value, 1 - prob)
        )

    def _numerical_to_prob(self, value: Any, max_value: Any = None) -> Any:
        if max_value is None:
            max_value = self.max_value
        if max_value == self.min_value:
            return 0.5
        if self.sampling == "linear":
            return (value - self.min_value) / (max_value - self.min_value)
        if self.sampling == "log":
            return math.log(value / self.min_value) / math.log(
                max_value / self.min_value
            )
        return 1.0 - math.log(
            (max_value + self.min_value - value) / self.min_value
        ) / math.log(max_value / self.min_value)

    def _get_n_values(self) -> int:
        if self.sampling == "linear":
            return int((self.max_value - self.min_value) // self.step + 1)
        return (
            int(math.log(self.max_value / self.min_value, self.step) + 1e-8) + 1
        )

    def _get_value_by_index(self, index: int) -> Any:
        if self.sampling == "linear":
            return self.min_value + index * self.step
        if self.sampling == "log":
            return self.min_value * math.pow(self.step, index)
        return (
            self.max_value
            + self.min_value
            - self.min_value * math.pow(self.step, index)
        )

    def _sample_with_step(self, prob: float) -> Any:
        n_values = self._get_n_values()
        index = _prob_to_index(prob, n_values)
        return self._get_value_by_index(index)

    @property
    def values(self) -> Any:
        """The grid values (or ten evenly spread values without a step)."""
        if self.step is None:
            return tuple(
                {self.prob_to_value(i * 0.1 + 0.05) for i in range(10)}
            )
        n_values = self._get_n_values()
        return (self._get_value_by_index(i) for i in range(n_values))

    def _to_prob_with_step(self, value: Any) -> float:
        if self.sampling == "linear":
            index = (value - self.min_value) // self.step
        elif self.sampling == "log":
            index = math.log(value / self.min_value, self.step)
        else:
            index = math.log(
                (self.max_value - value + self.min_value) / self.min_value,
                self.step,
            )
        return _index_to_prob(index, self._get_n_values())

    def prob_to_value(self, prob: float) -> Any:
        """Maps a unit-interval coordinate to a value."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        config = super().get_config()
        config["min_value"] = self.min_value
        config["max_value"] = self.max_value
        config["step"] = self.step
        config["sampling"] = self.sampling
        return config


def _check_int(value: Any, arg: str) -> int:
    int_value = int(value)
    if int_value != value:
        msg = f"{arg} must be an int, Received: {value} of type {type(value)}."
        raise ValueError(msg)
    return int_value


class Int(Numerical):
    """KerasTuner's ``Int``."""

    def __init__(
        self,
        name: str,
        min_value: Any,
        max_value: Any,
        step: Any = None,
        sampling: Any = "linear",
        default: Any = None,
        **kwargs: Any,
    ) -> None:
        if step is not None:
            step = _check_int(step, arg="step")
        elif sampling == "linear":
            step = 1
        super().__init__(
            name=name,
            min_value=_check_int(min_value, arg="min_value"),
            max_value=_check_int(max_value, arg="max_value"),
            step=step,
            sampling=sampling,
            default=default,
            **kwargs,
        )

    @property
    def default(self) -> Any:
        """The default, or ``min_value``."""
        return self._default if self._default is not None else self.min_value

    def prob_to_value(self, prob: float) -> int:
        """Maps a unit-interval coordinate to an integer."""
        if self.step is None:
            return int(self._sample_numerical_value(prob, self.max_value + 1))
        return int(self._sample_with_step(prob))

    def value_to_prob(self, value: Any) -> Any:
        """Maps an integer to its unit-interval coordinate."""
        if self.step is None:
            return self._numerical_to_prob(value + 0.5, self.max_value + 1)
        return self._to_prob_with_step(value)

    def get_config(self) -> dict[str, Any]:
        """The hyperparameter's config, as KerasTuner writes it."""
        config = super().get_config()
        config["default"] = self._default
        return config


class Float(Numerical):
    """KerasTuner's ``Float`` (``step`` stays as given, as KerasTuner's)."""

    def __init__(
        self,
        name: str,
        min_value: Any,
        max_value: Any,
        step: Any = None,
        sampling: Any = "linear",
        default: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            name=name,
            min_value=float(min_value),
            max_value=float(max_value),
            step=step,
            sampling=sampling,
            default=default,
            **kwargs,
        )

    @property
    def default(self) -> Any:
        """The default, or ``min_value``."""
        return self._default if self._default is not None else self.min_value

    def prob_to_value(self, prob: float) -> Any:
        """Maps a unit-interval coordinate to a float."""
        if self.step is None:
            return self._sample_numerical_value(prob)
        return self._sample_with_step(prob)

    def value_to_prob(self, value: Any) -> Any:
        """Maps a float to its unit-interval coordinate."""
        if self.step is None:
            return self._numerical_to_prob(value)
        return self._to_prob_with_step(value)


#: The classes a space config may name, as KerasTuner's ``hp_types``.
CLASSES: dict[str, type[HyperParameter]] = {
    cls.__name__: cls for cls in (Fixed, Float, Int, Choice, Boolean)
}


class HyperParameters:
    """A search space read from KerasTuner's config, without KerasTuner.

    Holds what :class:`~ktseed.space.SpaceCodec` reads from a
    ``keras_tuner.HyperParameters``: ``space`` (declaration order),
    ``values``, :meth:`copy` and the config round trip.
    """

    def __init__(self) -> None:
        self._space: list[HyperParameter] = []
        self.values: dict[str, Any] = {}

    @property
    def space(self) -> list[HyperParameter]:
        """Every hyperparameter, in declaration order."""
        return self._space

    def get_config(self) -> dict[str, Any]:
        """The space as ``keras_tuner.HyperParameters.get_config()``."""
        return {
            "space": [
                {"class_name": type(p).__name__, "config": p.get_config()}
                for p in self._space
            ],
            "values": dict(self.values.items()),
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HyperParameters:
        """Reads ``HyperParameters.get_config()`` output.

        Raises:
            UnsupportedSpaceError: For anything but KerasTuner's five
                built-in hyperparameter classes with valid configs (the
                caller then asks KerasTuner).
        """
        try:
            config = copy.deepcopy(config)
            hps = cls()
            for entry in config["space"]:
                class_name = entry["class_name"]
                hp_cls = (
                    CLASSES.get(class_name)
                    if isinstance(class_name, str)
                    else None
                )
                if hp_cls is None or not isinstance(entry["config"], Mapping):
                    msg = f"not a KerasTuner hyperparameter config: {entry!r}"
                    raise UnsupportedSpaceError(msg)
                hps._space.append(hp_cls.from_config(entry["config"]))
            hps.values = dict(config["values"].items())
        except UnsupportedSpaceError:
            raise
        except Exception as error:  # what KerasTuner would reject, its way
            raise UnsupportedSpaceError(str(error)) from error
        return hps

    def copy(self) -> HyperParameters:
        """A deep copy, through the config (as KerasTuner's ``copy``)."""
        return HyperParameters.from_config(self.get_config())


class LightSpaceCodec(SpaceCodec):
    """A :class:`~ktseed.space.SpaceCodec` that never imports KerasTuner.

    It takes a :class:`HyperParameters` of this module (or KerasTuner's)
    and sets up the same attributes as ``SpaceCodec`` does, telling
    ``Fixed`` entries by :func:`~ktseed.space.hp_kind` instead of
    ``isinstance`` on KerasTuner's class; everything else is inherited.
    """

    def __init__(self, hyperparameters: Any) -> None:
        self.hyperparameters = hyperparameters.copy()
        self.entries = list(self.hyperparameters.space)
        self.tunable = [hp for hp in self.entries if hp_kind(hp) != "Fixed"]
        self._names = list(dict.fromkeys(h.name for h in self.entries))


def light_codec(config: Mapping[str, Any]) -> SpaceCodec:
    """A codec for a space config, read without importing KerasTuner.

    Args:
        config: ``HyperParameters.get_config()`` output.

    Raises:
        UnsupportedSpaceError: If only KerasTuner can read ``config``.
    """
    return LightSpaceCodec(HyperParameters.from_config(config))


__all__ = [
    "Boolean",
    "Choice",
    "Fixed",
    "Float",
    "HyperParameter",
    "HyperParameters",
    "Int",
    "LightSpaceCodec",
    "Numerical",
    "Parent",
    "UnsupportedSpaceError",
    "light_codec",
]
