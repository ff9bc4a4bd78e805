"""Old import paths of names that moved: they keep working, with a `DeprecationWarning`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def moved_names(old_module: str, new_homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that serves each name of `new_homes` from its new module."""

    def __getattr__(name: str) -> Any:
        home = new_homes.get(name)
        if home is None:
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        warnings.warn(
            f"{old_module}.{name} moved to {home}.{name}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(import_module(home), name)

    return __getattr__


def moved_module(old_module: str, new_module: str) -> Callable[[str], Any]:
    """A module `__getattr__` that serves every public name from `new_module`."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        module = import_module(new_module)
        if name not in vars(module):
            # A name that moved on from there too: its own shim names the final home.
            return getattr(module, name)
        value = getattr(module, name)
        warnings.warn(
            f"{old_module} moved to {new_module}; import {name} from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__
