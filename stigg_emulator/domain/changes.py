"""Change notifications: services record what a committed write changed; listeners react."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("stigg_emulator")

ENTITLEMENTS = "entitlements"
USAGE = "usage"
PACKAGE = "package"
CREDITS = "credits"


@dataclass(frozen=True)
class Change:
    """One committed change: a customer's entitlements, usage or credits, or a published package."""

    kind: str
    customer_ref: str = ""
    resource_id: str | None = None
    feature_ref: str | None = None
    package_ref: str | None = None
    package_type: str | None = None
    package_version: int | None = None
    currency_ref: str | None = None


Listener = Callable[[list[Change]], None]


class ChangeBus:
    """Synchronous fan-out of committed changes to listeners (caches, realtime pushes)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register `listener`; returns a function that unregisters it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, changes: list[Change]) -> None:
        """Deliver `changes` to every listener; a failing listener does not stop the others."""
        if not changes:
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:
                logger.exception("change listener failed")
