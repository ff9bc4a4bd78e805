"""Invoice JSON: `SubscriptionInvoice` and its `InvoiceLine`s, from stored invoice rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stigg_emulator.clock import iso


def invoice_json(row: dict[str, Any]) -> dict[str, Any]:
    """`SubscriptionInvoice`."""
    total = Decimal(row["total"])
    excluding = Decimal(row["sub_total"]) - Decimal(row["discount"])
    return {
        "__typename": "SubscriptionInvoice",
        "billingId": row["id"],
        "status": row["status"],
        "billingReason": row["billing_reason"],
        "currency": row["currency"],
        "subTotal": float(Decimal(row["sub_total"])),
        "subTotalExcludingTax": float(Decimal(row["sub_total"])),
        "totalExcludingTax": float(excluding),
        "tax": float(Decimal(row["tax"])),
        "total": float(total),
        "amountDue": float(total) if row["status"] == "OPEN" else 0.0,
        "appliedBalance": 0.0,
        "startingBalance": 0.0,
        "endingBalance": 0.0,
        "attemptCount": 1.0,
        "dueDate": iso(row["created_at"]),
        "requiresAction": bool(row["requires_action"]),
        "paymentUrl": row.get("payment_url"),
        "paymentSecret": row.get("payment_secret"),
        "errorMessage": row.get("error_message"),
        "pdfUrl": row.get("pdf_url"),
        "lines": lines_json(row.get("lines"), row["currency"]),
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        # Not in Stigg's type (GraphQL ignores them); the invoice list shows them.
        "subscriptionId": row["subscription_ref"],
        "periodStart": iso(row["period_start"]),
        "periodEnd": iso(row["period_end"]),
    }


def lines_json(lines: list[dict[str, Any]] | None, currency: str) -> list[dict[str, Any]] | None:
    """`[InvoiceLine]` of stored lines (None for invoices recorded before lines were)."""
    if lines is None:
        return None
    return [
        {
            "__typename": "InvoiceLine",
            "description": line["description"],
            "amount": float(Decimal(line["amount"])),
            "currency": currency,
            "quantity": line.get("quantity"),
            "proration": bool(line.get("proration")),
            # Not in Stigg's type (GraphQL ignores it): item | discount | tax.
            "kind": line.get("kind", "item"),
        }
        for line in lines
    ]
