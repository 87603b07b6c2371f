"""Modules that load on first use, so a cold Lambda loads only what its request needs.

One function serves every route: a Twilio webhook must not pay at start-up for sign-in,
Cognito and page code, nor a page for the sweep. The web layer and ``app.py`` name the
modules they use through ``lazy_module``; the module is imported (thread-safely, by the
import system) the first time one of its attributes is read. Type checkers see the real
modules through ``if TYPE_CHECKING`` imports next to each use.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """Stands in for a module until an attribute is read, then forwards to the real one."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_target"] = name

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_target"])
        return getattr(module, attribute)


def lazy_module(name: str) -> Any:
    """``name`` (an absolute module name), imported when first used."""
    return LazyModule(name)
