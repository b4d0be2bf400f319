"""Exceptions raised by ktseed.

Every ktseed error derives from :class:`KtseedError` and from the builtin
exception a caller would expect (``ValueError``, ``LookupError``,
``TypeError``, ``ImportError``), so ``except ValueError`` keeps working.
Messages follow the shape "what, expected, got, remedy".
"""

from __future__ import annotations


class KtseedError(Exception):
    """Base class of every error raised by ktseed."""


class InitializerConfigError(KtseedError, ValueError):
    """An initializer was configured with an invalid argument."""


class UnknownInitializerError(KtseedError, LookupError):
    """No initializer is registered under the requested name."""


class PluginLoadError(KtseedError, ImportError):
    """A third-party initializer entry point could not be imported."""


class InvalidValueError(KtseedError, ValueError):
    """A hyperparameter value does not fit the search space.

    Attributes:
        hp_name: Name of the offending hyperparameter (or ``None`` when the
            error is about the point as a whole).
        value: The value that was given.
    """

    def __init__(
        self, message: str, *, hp_name: str | None = None, value: object = None
    ) -> None:
        super().__init__(message)
        self.hp_name = hp_name
        self.value = value


class HandoffConfigError(KtseedError, ValueError):
    """The GP hand-off of the Bayesian oracle got an invalid option."""


class DataSourceError(KtseedError, ValueError):
    """A data source (CSV file, prior run) cannot be read or is invalid."""


class DesignTooLargeError(KtseedError, ValueError):
    """The initial design does not fit in the oracle's trial budget."""


class StateFileError(KtseedError, RuntimeError):
    """A project's state file is missing, torn or does not match its record."""


class KerasTunerCompatibilityError(KtseedError, RuntimeError):
    """The installed KerasTuner no longer behaves as the seeded oracles need."""


class KtseedWarning(UserWarning):
    """Warning category for everything ktseed warns about."""


__all__ = [
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
