"""Execute one GraphQL operation or a batch; map failures to Stigg error codes."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from ariadne import graphql_sync
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema

from stigg_emulator.domain.errors import StiggError
from stigg_emulator.graphql.auth_rule import ClientKeyRule
from stigg_emulator.graphql.context import RequestContext
from stigg_emulator.graphql.limits import MAX_BATCH, checked_document

logger = logging.getLogger("stigg_emulator")
# Ariadne logs every GraphQL error (bad client input included) with a traceback; keep those quiet.
# Unexpected resolver failures are still logged by `format_error` through `logger`.
client_error_logger = logging.getLogger("stigg_emulator.graphql.client_errors")
client_error_logger.setLevel(logging.CRITICAL)


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """Standard GraphQL error shape with `extensions.code` from Stigg's ErrorCode enum."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = error.original_error
    if isinstance(original, StiggError):
        extensions["code"] = original.code
        formatted["message"] = original.message
    elif original is not None and not isinstance(original, GraphQLError):
        logger.error("unexpected error in resolver", exc_info=original)
        extensions["code"] = "UnexpectedError"
        formatted["message"] = "Unexpected error"
    extensions.setdefault("code", "BadUserInput")
    formatted["extensions"] = extensions
    return formatted


def validation_rules(
    context: RequestContext | None, _document: DocumentNode, _data: dict[str, Any]
) -> Collection[type[ASTValidationRule]]:
    """Rules on top of the spec's, per caller (the document limits ran before, in `prepare`)."""
    if context is not None and not context.caller.is_server:
        return [ClientKeyRule]
    return []


def prepare(schema: GraphQLSchema, payload: dict[str, Any]) -> DocumentNode | dict[str, Any] | None:
    """The parsed document within the limits of `graphql.limits`, or the error body refusing it
    (None: no string query, which the executor itself reports)."""
    checked = checked_document(schema, payload)
    if isinstance(checked, list):
        return {"errors": [format_error(error) for error in checked]}
    return checked


def execute_one(schema: GraphQLSchema, payload: Any, context: RequestContext) -> dict[str, Any]:
    """Run one `{query, variables, operationName}` payload."""
    if not isinstance(payload, dict):
        return error_body("BadUserInput", "Each operation must be a JSON object")
    if payload.get("variables") is None:
        payload = {**payload, "variables": {}}
    document = prepare(schema, payload)
    if isinstance(document, dict):
        return document
    try:
        _, result = graphql_sync(
            schema,
            payload,
            context_value=context,
            query_document=document,
            validation_rules=validation_rules,
            error_formatter=format_error,
            introspection=True,
            logger=client_error_logger,
        )
    except StiggError as error:
        return error_body(error.code, error.message)
    return result


def error_body(code: str, message: str) -> dict[str, Any]:
    """A response body holding one error."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def execute_body(schema: GraphQLSchema, body: Any, context: RequestContext) -> Any:
    """Run a single payload or a JSON array batch (answered with an array)."""
    if isinstance(body, list):
        if not body:
            return error_body("BadUserInput", "Empty batch")
        if len(body) > MAX_BATCH:
            return error_body(
                "GraphQLBatchedOperationsLimitExceeded",
                f"A batch may hold at most {MAX_BATCH} operations (got {len(body)})",
            )
        return [execute_one(schema, item, context) for item in body]
    return execute_one(schema, body, context)
