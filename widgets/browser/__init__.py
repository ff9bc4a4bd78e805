"""Browser side of the widgets (Pyodide only): `await mount(client)` wires the `<stigg-*>` tags."""

from widgets.browser.app import WidgetApp, mount
from widgets.browser.ffi import clear_snapshots

__all__ = ["WidgetApp", "clear_snapshots", "mount"]
