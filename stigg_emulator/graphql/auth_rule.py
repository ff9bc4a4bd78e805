"""Validation rule: client keys may only run the few mutations Stigg allows them."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)

from stigg_emulator.auth import CLIENT_MUTATIONS


class ClientKeyRule(ValidationRule):
    """Reject mutations (other than checkout/estimates/check reports) and subscriptions."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Check the root fields of each mutation or subscription operation."""
        if node.operation == OperationType.QUERY:
            return
        for field in self._root_fields(node.selection_set, set()):
            name = field.name.value
            if node.operation == OperationType.MUTATION and name in CLIENT_MUTATIONS:
                continue
            self.report_error(
                GraphQLError(
                    f"{name} requires a server API key",
                    field,
                    extensions={"code": "Unauthenticated"},
                )
            )

    def _root_fields(self, selection_set: SelectionSetNode, seen: set[str]) -> list[FieldNode]:
        fields: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value != "__typename":
                    fields.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                fields.extend(self._root_fields(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    fields.extend(self._root_fields(fragment.selection_set, seen))
        return fields
