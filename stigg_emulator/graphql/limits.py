"""Limits on GraphQL documents, applied alike over HTTP (`POST /graphql`) and WebSocket.

The schema has cycles (plans have parent plans, subscriptions have plans with prices with
features...), and aliases and fragments let a small document ask for a huge answer, so before a
document is validated against the schema it must stay within:

- `MAX_TOKENS` lexical tokens (checked while parsing, so an enormous document is not even built),
- `MAX_OPERATIONS` operation definitions,
- `MAX_DEPTH` selection levels per operation (fragments expanded),
- `MAX_FIELDS` field selections per operation, aliases and fragment spreads expanded (alias
  amplification: `{ a: f b: f c: f ... }` or fragments spreading fragments many times).

Batches hold at most `MAX_BATCH` operations; a WebSocket connection at most
`MAX_SUBSCRIPTIONS_PER_CONNECTION` running subscriptions. Stigg's SDK documents and the standard
introspection query stay well inside every limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    parse,
    validate,
)

MAX_TOKENS = 20_000
MAX_OPERATIONS = 20
MAX_DEPTH = 20
MAX_FIELDS = 5_000
MAX_BATCH = 100
MAX_SUBSCRIPTIONS_PER_CONNECTION = 50
LIMIT_CODE = "BadUserInput"


class DocumentLimitsRule(ValidationRule):
    """Report documents over the operation, depth or field limits (code `BadUserInput`).

    Each fragment is measured once (memoized), so a document whose fragments spread each other
    many times costs time in proportion to its text, not to its expansion.
    """

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._measured: dict[str, tuple[int, int]] = {}  # fragment name → (depth, fields)

    def enter_document(self, node: DocumentNode, *_args: Any) -> None:
        """Count the operations of the document."""
        count = sum(isinstance(d, OperationDefinitionNode) for d in node.definitions)
        if count > MAX_OPERATIONS:
            self._report(
                f"A document may hold at most {MAX_OPERATIONS} operations (got {count})", node
            )

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measure one operation's depth and field count."""
        depth, fields = self._measure(node.selection_set, frozenset())
        if depth > MAX_DEPTH:
            self._report(f"Query depth {depth} exceeds the limit of {MAX_DEPTH}", node)
        if fields > MAX_FIELDS:
            self._report(
                f"Query selects more than {MAX_FIELDS} fields (aliases and fragments expanded)",
                node,
            )

    def _report(self, message: str, node: Any) -> None:
        self.report_error(GraphQLError(message, node, extensions={"code": LIMIT_CODE}))

    def _measure(self, selection_set: SelectionSetNode, path: frozenset[str]) -> tuple[int, int]:
        """(selection levels, field selections) below `selection_set`: a leaf field is one level
        and one field; the field count is capped just above MAX_FIELDS."""
        depth = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = selection.selection_set
                sub_depth, sub_fields = self._measure(below, path) if below else (0, 0)
                depth, fields = max(depth, 1 + sub_depth), fields + 1 + sub_fields
            elif isinstance(selection, InlineFragmentNode):
                sub_depth, sub_fields = self._measure(selection.selection_set, path)
                depth, fields = max(depth, sub_depth), fields + sub_fields
            elif isinstance(selection, FragmentSpreadNode):
                sub_depth, sub_fields = self._spread(selection, path)
                depth, fields = max(depth, sub_depth), fields + sub_fields
            fields = min(fields, MAX_FIELDS + 1)
        return depth, fields

    def _spread(self, spread: FragmentSpreadNode, path: frozenset[str]) -> tuple[int, int]:
        """A fragment's measures, computed once per document."""
        name = spread.name.value
        if name in path:  # a cycle: NoFragmentCyclesRule reports it
            return 0, 0
        if name not in self._measured:
            fragment: FragmentDefinitionNode | None = self.context.get_fragment(name)
            if fragment is None:  # unknown: KnownFragmentNamesRule reports it
                return 0, 0
            self._measured[name] = self._measure(fragment.selection_set, path | {name})
        return self._measured[name]


def checked_document(
    schema: GraphQLSchema, payload: dict[str, Any]
) -> DocumentNode | list[GraphQLError] | None:
    """Parse `payload["query"]` within `MAX_TOKENS` and apply the document limits.

    Returns the document, the limit (or syntax) errors, or None when the query is not a
    string (the executor reports that itself).
    """
    query = payload.get("query")
    if not isinstance(query, str):
        return None
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return [error]
    errors = validate(schema, document, [DocumentLimitsRule])
    return errors or document
