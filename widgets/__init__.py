"""HTML widgets for Stigg pricing and entitlements: pure-Python renderers plus a browser runtime.

`widgets.render` turns SDK models into HTML strings (runs in CPython and Pyodide);
`widgets.browser` attaches them to the `<stigg-*>` custom elements defined by
`widgets/static/stigg-elements.js` (Pyodide only, imported lazily).
"""
