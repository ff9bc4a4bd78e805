"""Moved to `stigg_client.core.decisions`.

This path still works, with a DeprecationWarning.
"""

from stigg_client._moved import moved_module

__getattr__ = moved_module(__name__, "stigg_client.core.decisions")
