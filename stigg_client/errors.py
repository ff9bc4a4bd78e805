"""One exception hierarchy for every SDK failure, carrying Stigg's error code and trace id."""

from __future__ import annotations

from typing import Any

UNAUTHENTICATED_CODES = frozenset({"Unauthenticated", "IdentityForbidden"})
NOT_FOUND_SUFFIX = "NotFound"
VALIDATION_CODES = frozenset({"BadUserInput", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"})


class StiggError(Exception):
    """Base class of every error raised by the SDK."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        trace_id: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.trace_id = trace_id
        self.status = status

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, code={self.code!r}, trace_id={self.trace_id!r})"


class AuthenticationError(StiggError):
    """The API key (or customer token) was rejected: HTTP 401 or code `Unauthenticated`."""


class NotFoundError(StiggError):
    """The customer, subscription, plan or feature does not exist (`*NotFound` codes)."""


class ValidationError(StiggError):
    """The request was rejected as invalid (HTTP 400, `BadUserInput`, or bad SDK arguments)."""


class NetworkError(StiggError):
    """The server could not be reached or answered with a 5xx after all retries."""


class StiggTimeoutError(NetworkError):
    """A request or a wait (e.g. for checkout completion) took longer than allowed."""


class ApiError(StiggError):
    """Any other error the server reported (rate limits, business rule violations, ...)."""


def error_for_code(
    code: str | None,
    message: str,
    *,
    trace_id: str | None = None,
    status: int | None = None,
) -> StiggError:
    """Map a Stigg error code (and HTTP status) to the matching exception class."""
    cls: type[StiggError]
    if status == 401 or (
        code is not None and (code in UNAUTHENTICATED_CODES or code.startswith("Auth"))
    ):
        cls = AuthenticationError
    elif status == 404 or (code is not None and code.endswith(NOT_FOUND_SUFFIX)):
        cls = NotFoundError
    elif status == 400 or status == 422 or (code is not None and code in VALIDATION_CODES):
        cls = ValidationError
    elif status is not None and status >= 500:
        cls = NetworkError
    else:
        cls = ApiError
    return cls(message, code=code, trace_id=trace_id, status=status)


def error_from_graphql(errors: list[Any], *, status: int | None = None) -> StiggError:
    """Build the error for a GraphQL `errors` array (the first entry decides, like Stigg's SDKs)."""
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    extensions = first.get("extensions") or {}
    if not isinstance(extensions, dict):
        extensions = {}
    message = str(first.get("message") or "Unknown GraphQL error")
    code = extensions.get("code")
    trace_id = extensions.get("traceId")
    return error_for_code(
        str(code) if code is not None else None,
        message,
        trace_id=str(trace_id) if trace_id is not None else None,
        status=status,
    )
