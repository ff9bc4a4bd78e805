"""GraphQL documents of the usage history reads both SDKs make (docs/protocol.md §2.3)."""

from __future__ import annotations

GET_USAGE_HISTORY = """
query GetUsageHistory($usageHistoryInput: UsageHistoryInput!) {
  usageHistory(usageHistoryInput: $usageHistoryInput) {
    usageMeasurements { date value isResetPoint }
  }
}
"""

GET_USAGE_HISTORY_V2 = """
query GetUsageHistoryV2($input: UsageHistoryV2Input!) {
  usageHistoryV2(input: $input) {
    markers { type timestamp }
    series { tags { key value } points { timestamp value isResetPoint } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}
"""
