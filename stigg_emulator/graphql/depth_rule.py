"""Validation rule: refuse operations nested deeper than `MAX_DEPTH` selection levels.

The schema has cycles (plans have parent plans, subscriptions have plans with prices with
features...), so without a bound one small document can ask for an enormous answer. Stigg's SDK
documents and the standard introspection query stay well inside the limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

MAX_DEPTH = 20


class DepthLimitRule(ValidationRule):
    """Report `QueryDepthLimitExceeded` (code `BadUserInput`) for too deeply nested operations."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measure the operation (fragments expanded, each at most once per path)."""
        depth = self._depth(node.selection_set, 0, frozenset())
        if depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(
                    f"Query depth {depth} exceeds the limit of {MAX_DEPTH}",
                    node,
                    extensions={"code": "BadUserInput"},
                )
            )

    def _depth(self, selection_set: SelectionSetNode, level: int, path: frozenset[str]) -> int:
        deepest = level
        for selection in selection_set.selections:
            if level > MAX_DEPTH:
                return level  # already over the limit: no need to walk further
            if isinstance(selection, FieldNode):
                if selection.selection_set is not None:
                    deepest = max(deepest, self._depth(selection.selection_set, level + 1, path))
                else:
                    deepest = max(deepest, level + 1)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, level, path))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in path:  # cycles: NoFragmentCycles
                    deepest = max(
                        deepest, self._depth(fragment.selection_set, level, path | {name})
                    )
        return deepest
