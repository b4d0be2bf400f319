"""The initializer registry: one name per strategy, built-ins and plugins.

Users pick an initializer by name (``"sobol"``), by dict
(``{"name": "lhs", "optimization": "random-cd"}``) or by instance; the
seeded oracles call :func:`make_initializer` on whatever they are given.

Third-party packages add initializers through the entry-point group
``ktseed.initializers``::

    [project.entry-points."ktseed.initializers"]
    maximin = "my_package.designs:MaximinInitializer"

Entry points are read on the first lookup (never at ``import ktseed``) and
imported only when used. A plugin may not replace a built-in: it is ignored
with a warning naming its distribution. A plugin that fails to import raises
:class:`~ktseed.errors.PluginLoadError` when it is asked for, and leaves every
other initializer working. Set ``KTSEED_DISABLE_PLUGIN_AUTOLOAD=1`` to turn
discovery off.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import inspect
import os
import re
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from typing import Any

from ktseed.errors import InitializerConfigError
from ktseed.errors import KtseedWarning
from ktseed.errors import PluginLoadError
from ktseed.errors import UnknownInitializerError
from ktseed.initializers.base import Initializer

#: Entry-point group third-party initializers register under.
ENTRY_POINT_GROUP = "ktseed.initializers"

#: Environment variable that disables entry-point discovery when truthy.
DISABLE_AUTOLOAD_ENV = "KTSEED_DISABLE_PLUGIN_AUTOLOAD"

_BUILTINS: dict[str, str] = {
    "fixed": "ktseed.initializers.fixed:FixedInitializer",
    "random": "ktseed.initializers.random:RandomInitializer",
    "lhs": "ktseed.initializers.lhs:LatinHypercubeInitializer",
    "sobol": "ktseed.initializers.sobol:SobolInitializer",
    "halton": "ktseed.initializers.halton:HaltonInitializer",
    "csv": "ktseed.initializers.csv:CSVInitializer",
    "prior_run": "ktseed.initializers.prior_run:PriorRunInitializer",
    "portfolio": "ktseed.initializers.portfolio:PortfolioInitializer",
    "chain": "ktseed.initializers.chain:ChainInitializer",
    "none": "ktseed.initializers.none:NoInitializer",
}

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

BUILTIN = "built-in"
PLUGIN = "plugin"
RUNTIME = "runtime"


@dataclass(frozen=True)
class InitializerEntry:
    """One registered initializer.

    Attributes:
        name: Registry name.
        target: The class, or ``"module:Class"`` until it is imported.
        source: ``"built-in"``, ``"plugin"`` or ``"runtime"`` (registered
            with :func:`register_initializer`).
        distribution: For plugins, ``"<distribution> <version>"``.
    """

    name: str
    target: str | type[Initializer]
    source: str
    distribution: str | None = None
    _entry_point: importlib.metadata.EntryPoint | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def path(self) -> str:
        """``module:Class`` of the initializer."""
        if isinstance(self.target, str):
            return self.target
        return f"{self.target.__module__}:{self.target.__qualname__}"

    @property
    def origin(self) -> str:
        """Human description of where the initializer comes from."""
        if self.source == PLUGIN:
            return f"plugin from {self.distribution}"
        if self.source == RUNTIME:
            return "registered at runtime"
        return BUILTIN

    def load(self) -> type[Initializer]:
        """Imports (if needed) and returns the initializer class.

        Raises:
            PluginLoadError: If the module cannot be imported.
            TypeError: If the target is not an ``Initializer`` subclass.
        """
        if not isinstance(self.target, str):
            return self.target
        try:
            if self._entry_point is not None:
                loaded = self._entry_point.load()
            else:
                module_name, _, attr = self.target.partition(":")
                loaded = getattr(importlib.import_module(module_name), attr)
        except Exception as error:
            where = (
                f" (entry point '{self.name} = {self.target}' in group "
                f"'{ENTRY_POINT_GROUP}', from {self.distribution})"
                if self.source == PLUGIN
                else f" ({self.target})"
            )
            msg = (
                f"Could not import initializer '{self.name}'{where}: "
                f"{type(error).__name__}: {error}. Reinstall or remove the "
                "package that provides it; other initializers still work."
            )
            raise PluginLoadError(msg) from error
        _check_initializer_class(self.name, loaded, self.target)
        return loaded  # type: ignore[no-any-return]


def _check_initializer_class(name: str, cls: object, where: object) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Initializer)):
        msg = (
            f"Initializer '{name}' ({where}) must be a subclass of "
            f"ktseed.Initializer; got {cls!r}."
        )
        raise TypeError(msg)
    if inspect.isabstract(cls):
        msg = (
            f"Initializer '{name}' ({where}) is abstract: it does not "
            "implement every abstract method of its base class."
        )
        raise TypeError(msg)
    if cls.name != name:
        msg = (
            f"Initializer '{name}' ({where}) declares name={cls.name!r}; the "
            "class attribute `name` must equal the registry name so that "
            "`get_config()` round-trips."
        )
        raise TypeError(msg)


class _Registry:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._entries: dict[str, InitializerEntry] = {
            name: InitializerEntry(name, path, BUILTIN)
            for name, path in _BUILTINS.items()
        }
        self._plugins_discovered = False

    def _discover_plugins(self) -> None:
        with self._lock:
            if self._plugins_discovered:
                return
            self._plugins_discovered = True
            if os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() in {
                "1",
                "true",
                "yes",
                "on",
            }:
                return
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                dist = ep.dist
                distribution = (
                    f"{dist.metadata['Name']} {dist.version}"
                    if dist is not None
                    else "an unknown distribution"
                )
                existing = self._entries.get(ep.name)
                if existing is not None:
                    warnings.warn(
                        f"Ignoring initializer plugin '{ep.name}' "
                        f"({ep.value}) from {distribution}: the name is "
                        f"already taken by the {existing.origin} initializer "
                        f"'{existing.name}' ({existing.path}). Plugins cannot "
                        "replace an existing initializer; rename the entry "
                        "point.",
                        KtseedWarning,
                        stacklevel=4,
                    )
                    continue
                self._entries[ep.name] = InitializerEntry(
                    ep.name, ep.value, PLUGIN, distribution, ep
                )

    def entries(self) -> Mapping[str, InitializerEntry]:
        self._discover_plugins()
        with self._lock:
            return MappingProxyType(dict(sorted(self._entries.items())))

    def get(self, name: str) -> InitializerEntry:
        self._discover_plugins()
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None:
                return entry
            names = sorted(self._entries)
        close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        msg = (
            f"Unknown initializer {name!r}. Available: {', '.join(names)}."
            f"{hint}"
        )
        raise UnknownInitializerError(msg)

    def register(
        self, name: str, cls: type[Initializer], *, replace: bool
    ) -> None:
        if not isinstance(name, str) or not _NAME_RE.match(name):
            msg = (
                "Initializer names must be lowercase snake_case "
                f"(letters, digits, underscores); got {name!r}."
            )
            raise InitializerConfigError(msg)
        _check_initializer_class(name, cls, f"{cls!r}")
        self._discover_plugins()
        with self._lock:
            existing = self._entries.get(name)
            if existing is not None and not replace:
                msg = (
                    f"An initializer named '{name}' is already registered "
                    f"({existing.origin}, {existing.path}). Pick another "
                    "name or pass replace=True."
                )
                raise InitializerConfigError(msg)
            self._entries[name] = InitializerEntry(name, cls, RUNTIME)

    def unregister(self, name: str) -> None:
        with self._lock:
            entry = self._entries.get(name)
            if entry is None or entry.source != RUNTIME:
                msg = (
                    f"Only initializers registered at runtime can be "
                    f"unregistered; '{name}' is "
                    f"{entry.origin if entry else 'not registered'}."
                )
                raise InitializerConfigError(msg)
            del self._entries[name]
            if name in _BUILTINS:
                self._entries[name] = InitializerEntry(
                    name, _BUILTINS[name], BUILTIN
                )

    def reset(self) -> None:
        """Forgets runtime registrations and plugin discovery (for tests)."""
        with self._lock:
            self.__init__()  # type: ignore[misc]


_REGISTRY = _Registry()


def register_initializer(
    name: str, cls: type[Initializer], *, replace: bool = False
) -> type[Initializer]:
    """Registers ``cls`` under ``name`` for this process.

    Args:
        name: Lowercase snake_case name; must equal ``cls.name``.
        cls: A concrete :class:`~ktseed.initializers.base.Initializer`
            subclass.
        replace: Allow replacing an existing registration (built-ins
            included). Without it a clash is an error.

    Returns:
        ``cls``, so the function also works as a decorator helper.

    Raises:
        InitializerConfigError: For a bad or already-taken name.
        TypeError: If ``cls`` is not a concrete ``Initializer`` whose
            ``name`` is ``name``.
    """
    _REGISTRY.register(name, cls, replace=replace)
    return cls


def unregister_initializer(name: str) -> None:
    """Removes a runtime registration (a replaced built-in comes back)."""
    _REGISTRY.unregister(name)


def available_initializers() -> Mapping[str, InitializerEntry]:
    """A read-only, name-sorted view of every registered initializer.

    Plugins are discovered on the first call but not imported.
    """
    return _REGISTRY.entries()


def get_initializer_class(name: str) -> type[Initializer]:
    """The class registered under ``name``.

    Raises:
        UnknownInitializerError: Listing the available names and the
            closest match.
        PluginLoadError: If a plugin's module cannot be imported.
    """
    return _REGISTRY.get(name).load()


InitializerSpec = str | Mapping[str, Any] | Initializer | None


def make_initializer(spec: InitializerSpec) -> Initializer:
    """Builds an initializer from a name, a config dict or an instance.

    Args:
        spec: A registered name (``"sobol"``), a dict
            ``{"name": "lhs", **kwargs}`` (what ``get_config()`` returns),
            an :class:`~ktseed.initializers.base.Initializer`, returned
            as is, or ``None`` for no design (``"none"``).

    Returns:
        The initializer.

    Raises:
        UnknownInitializerError: For an unknown name.
        InitializerConfigError: For a dict without ``"name"`` or with
            arguments the initializer rejects.
        TypeError: For any other kind of ``spec``.

    Examples:
        >>> make_initializer({"name": "sobol", "n_points": 8, "seed": 1})
        SobolInitializer(n_points=8, seed=1, scramble=True)
    """
    if isinstance(spec, Initializer):
        return spec
    if spec is None:
        spec = "none"
    if isinstance(spec, str):
        cls = get_initializer_class(spec)
        try:
            return cls()
        except TypeError as error:
            msg = (
                f"Initializer '{spec}' needs arguments ({error}); pass a dict "
                f"such as {{'name': '{spec}', ...}} or an instance of "
                f"{cls.__name__}."
            )
            raise InitializerConfigError(msg) from error
    if isinstance(spec, Mapping):
        return _named_class(spec, "An initializer dict").from_config(spec)
    msg = (
        "`initializer` must be a registered name, a dict "
        "{'name': ..., **kwargs} or an Initializer instance; got "
        f"{spec!r} of type {type(spec).__name__}."
    )
    raise TypeError(msg)


def make_saved_initializer(config: Mapping[str, Any]) -> Initializer:
    """Rebuilds an initializer from the config a saved search recorded.

    Like :func:`make_initializer` with a dict, through the class's
    :meth:`~ktseed.Initializer.from_saved_config` (which skips checks that
    only matter before the first trial, such as a data file's existence).

    Raises:
        UnknownInitializerError: For a name no longer registered.
        InitializerConfigError: For a config without ``"name"``.
    """
    cls = _named_class(config, "A saved initializer config")
    return cls.from_saved_config(config)


def _named_class(config: Mapping[str, Any], what: str) -> type[Initializer]:
    """The class a config's ``"name"`` names; a missing name is an error."""
    name = config.get("name")
    if not isinstance(name, str):
        msg = (
            f"{what} needs a 'name' key with a registered name "
            f"(got keys {sorted(map(str, config))})."
        )
        raise InitializerConfigError(msg)
    return get_initializer_class(name)


__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "InitializerEntry",
    "InitializerSpec",
    "available_initializers",
    "get_initializer_class",
    "make_initializer",
    "make_saved_initializer",
    "register_initializer",
    "unregister_initializer",
]
