"""Moved to `stigg_client.core.graphql` (the old module paths still work, with a warning)."""
