"""Browser side of the widgets (Pyodide only): `await mount(client)` wires the `<stigg-*>` tags."""

from widgets.browser.app import WidgetApp, mount

__all__ = ["WidgetApp", "mount"]
