"""The server SDK's API client that tells listeners about failed requests: `api_key_invalid`
when the key is rejected, `network_request_failed` for any other failure (docs/protocol.md §6.3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stigg_client.errors import AuthenticationError, StiggError
from stigg_client.server.event_models import NetworkRequestFailedEvent
from stigg_client.transport.api import StiggApi

FailureListener = Callable[..., None]
"""Called as `("api_key_invalid")` or `("network_request_failed", event)`."""


def failure_event(error: StiggError, operation: str) -> NetworkRequestFailedEvent:
    """The `network_request_failed` payload of a failed request."""
    return NetworkRequestFailedEvent(
        error_message=error.message,
        error_code=error.code,
        trace_id=error.trace_id,
        status=error.status,
        operation=operation,
    )


class ReportingApi(StiggApi):
    """`StiggApi` that reports each failed request (after its retries) before raising."""

    def __init__(self, *args: Any, on_failure: FailureListener, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_failure = on_failure

    def _report(self, error: StiggError, operation: str) -> None:
        if isinstance(error, AuthenticationError):
            self._on_failure("api_key_invalid")
        else:
            self._on_failure("network_request_failed", failure_event(error, operation))

    async def graphql(self, operation_name: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run one operation (see `StiggApi.graphql`), reporting a failure to the listeners."""
        try:
            return await super().graphql(operation_name, *args, **kwargs)
        except StiggError as error:
            self._report(error, operation_name)
            raise

    async def edge(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """GET an edge document (see `StiggApi.edge`), reporting a failure to the listeners."""
        try:
            return await super().edge(path, **kwargs)
        except StiggError as error:
            self._report(error, path)
            raise
