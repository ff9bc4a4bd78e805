"""Page visibility sources: the background refresh pauses while the page is hidden."""

from __future__ import annotations

from stigg_client._moved import moved_names
from stigg_client.platform.base import ManualVisibility, Unsubscribe, VisibilitySource

__all__ = ["ManualVisibility", "Unsubscribe", "VisibilitySource"]

__getattr__ = moved_names(__name__, {"DocumentVisibility": "stigg_client.platform.browser"})
