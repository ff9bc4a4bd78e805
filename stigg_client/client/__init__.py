"""The client-key SDK (`Stigg`): one customer's context, cached checks, loads, reads, checkout."""

from stigg_client.client.offline import OfflineStigg
from stigg_client.client.state import InitializationState
from stigg_client.client.stigg import Stigg

__all__ = ["InitializationState", "OfflineStigg", "Stigg"]
