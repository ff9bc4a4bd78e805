"""Errors the API reports with a Stigg `ErrorCode` in `extensions.code`."""

from __future__ import annotations


class StiggError(Exception):
    """A failure reported to the caller as a GraphQL error with a Stigg error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def not_found(code: str, what: str, ref_id: str) -> StiggError:
    """A `<Thing>NotFound`-style error."""
    return StiggError(code, f"{what} not found: {ref_id}")


def bad_input(message: str) -> StiggError:
    """A `BadUserInput` error."""
    return StiggError("BadUserInput", message)
