"""Moved to `stigg_client.platform.browser`.

This path still works, with a DeprecationWarning.
"""

from stigg_client._moved import moved_names

__getattr__ = moved_names(__name__, {"PyfetchTransport": "stigg_client.platform.browser"})
