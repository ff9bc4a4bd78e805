"""Browser side of the widgets (Pyodide only): `await mount(client)` wires the `<stigg-*>` tags."""

from widgets.browser.app import WidgetApp, mount
from widgets.browser.ffi import clear_snapshots
from widgets.browser.page_config import page_client, page_config

__all__ = ["WidgetApp", "clear_snapshots", "mount", "page_client", "page_config"]
