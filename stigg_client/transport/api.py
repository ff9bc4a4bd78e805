"""Stigg's wire calls on a `Transport`: GraphQL POST and edge GET, headers, retries, errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stigg_client.errors import (
    NetworkError,
    StiggError,
    error_for_code,
    error_from_graphql,
)
from stigg_client.transport.base import HttpResponse, Transport
from stigg_client.transport.retry import RetryPolicy

logger = logging.getLogger("stigg_client")


@dataclass
class ApiCredentials:
    """Key and (optional) customer token; read on every request so changes apply at once."""

    api_key: str
    source: str
    customer_token: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)
    graphql_headers: dict[str, str] = field(default_factory=dict)
    """Headers only GraphQL requests carry (the client's name and version, §1.3)."""

    def headers(self) -> dict[str, str]:
        """Headers common to GraphQL and edge requests."""
        headers = {
            "X-API-KEY": self.api_key,
            "source": self.source,
            "Content-Type": "application/json",
            **self.extra_headers,
        }
        if self.customer_token:
            headers["X-CUSTOMER-KEY"] = self.customer_token
        return headers


class StiggApi:
    """Executes GraphQL operations against `{base_uri}/graphql` and GETs edge JSON documents."""

    def __init__(
        self,
        transport: Transport,
        credentials: ApiCredentials,
        *,
        base_uri: str,
        edge_uri: str | None,
        timeout_s: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.transport = transport
        self.credentials = credentials
        self.base_uri = base_uri.rstrip("/")
        self.graphql_url = self.base_uri + "/graphql"
        self.edge_uri = edge_uri.rstrip("/") if edge_uri else None
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    async def graphql(
        self,
        operation_name: str,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        """Run one operation and return its `data`; raise the mapped `StiggError` on failure."""
        headers = self.credentials.headers()
        headers.update(self.credentials.graphql_headers)
        headers["x-graphql-operation-name"] = operation_name
        body = {"operationName": operation_name, "query": document, "variables": variables or {}}
        response = await self._send("POST", self.graphql_url, headers, body, timeout_s)
        return _data_or_raise(response, operation_name)

    async def rest(self, method: str, path: str, body: Any = None) -> HttpResponse:
        """Send a JSON request to `{base_uri}{path}` with the key headers and answer the
        response whatever its status (network faults and 5xx raise after the retries)."""
        return await self._send(
            method, self.base_uri + path, self.credentials.headers(), body, None
        )

    async def edge(self, path: str, *, timeout_s: float | None = None) -> dict[str, Any]:
        """GET an edge document (`/v1/...json`) and return its `data`."""
        if self.edge_uri is None:
            raise StiggError("edge reads are disabled")
        headers = self.credentials.headers()
        headers.pop("Content-Type", None)
        headers["X-API-VERSION"] = "1"
        response = await self._send("GET", self.edge_uri + path, headers, None, timeout_s)
        return _data_or_raise(response, path)

    async def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Any,
        timeout_s: float | None,
    ) -> HttpResponse:
        policy = self.retry
        timeout = self.timeout_s if timeout_s is None else timeout_s
        last_error: StiggError | None = None
        for attempt in range(policy.attempts):
            if attempt:
                await self._sleep(policy.delay(attempt - 1))
            try:
                response = await self.transport.request(
                    method, url, headers=headers, json_body=body, timeout_s=timeout
                )
            except NetworkError as error:
                last_error = error
                logger.debug("attempt %d of %s %s failed: %s", attempt + 1, method, url, error)
                continue
            if policy.should_retry_status(response.status):
                last_error = _http_error(response, url)
                logger.debug(
                    "attempt %d of %s %s: HTTP %d", attempt + 1, method, url, response.status
                )
                continue
            if response.status < 300 and not isinstance(response.body, dict):
                # A success status without a JSON object (a truncated or garbled answer, a proxy's
                # HTML page) is a transport fault like a dropped connection: retry it.
                last_error = NetworkError(
                    f"{method} {url}: the response is not a JSON object", status=response.status
                )
                logger.debug("attempt %d of %s %s: body is not JSON", attempt + 1, method, url)
                continue
            return response
        assert last_error is not None
        raise last_error


def _http_error(response: HttpResponse, what: str) -> StiggError:
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        return error_from_graphql(body["errors"], status=response.status)
    error = error_for_code(
        None, f"{what}: HTTP {response.status} {response.reason}".strip(), status=response.status
    )
    if response.status >= 500:
        return NetworkError(error.message, status=response.status)
    return error


def _data_or_raise(response: HttpResponse, what: str) -> dict[str, Any]:
    if response.status >= 300:
        raise _http_error(response, what)
    body = response.body
    if not isinstance(body, dict):
        raise StiggError(f"{what}: the response is not a JSON object", status=response.status)
    errors = body.get("errors")
    if errors:
        raise error_from_graphql(errors if isinstance(errors, list) else [errors])
    data = body.get("data")
    if not isinstance(data, dict):
        raise StiggError(f"{what}: the response has no data", status=response.status)
    return data
