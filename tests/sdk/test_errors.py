"""Mapping of HTTP statuses and Stigg error codes to the exception hierarchy."""

from __future__ import annotations

import pytest

from stigg_client.errors import (
    ApiError,
    AuthenticationError,
    NetworkError,
    NotFoundError,
    StiggError,
    StiggTimeoutError,
    ValidationError,
    error_for_code,
    error_from_graphql,
)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("Unauthenticated", None, AuthenticationError),
        (None, 401, AuthenticationError),
        ("AuthCustomerMismatch", None, AuthenticationError),
        ("CustomerNotFound", None, NotFoundError),
        ("SubscriptionNotFound", 200, NotFoundError),
        (None, 404, NotFoundError),
        ("BadUserInput", None, ValidationError),
        (None, 400, ValidationError),
        (None, 503, NetworkError),
        ("RateLimitExceeded", None, ApiError),
        ("EntitlementLimitExceededError", None, ApiError),
    ],
)
def test_codes_map_to_classes(code: str | None, status: int | None, expected: type) -> None:
    error = error_for_code(code, "boom", trace_id="t-1", status=status)
    assert type(error) is expected
    assert isinstance(error, StiggError)
    assert (error.code, error.trace_id, error.status) == (code, "t-1", status)


def test_graphql_errors_carry_code_and_trace_id() -> None:
    error = error_from_graphql(
        [
            {
                "message": "Customer not found",
                "extensions": {"code": "CustomerNotFound", "traceId": "abc"},
            },
            {"message": "second", "extensions": {"code": "Unauthenticated"}},
        ]
    )
    assert isinstance(error, NotFoundError)
    assert (error.message, error.code, error.trace_id) == (
        "Customer not found",
        "CustomerNotFound",
        "abc",
    )


def test_malformed_errors_still_give_a_stigg_error() -> None:
    error = error_from_graphql(["not an object"])
    assert type(error) is ApiError and error.code is None


def test_timeout_is_a_network_error() -> None:
    assert issubclass(StiggTimeoutError, NetworkError)
