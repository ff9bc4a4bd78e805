"""The hosted checkout page (`checkoutUrl`) and the invoice payment page (`paymentUrl`).

Plain HTML forms (no JavaScript); every catalog or customer string is HTML-escaped. Paying stores
the card at once and activates the subscription after `--checkout-activation-delay` seconds, like
a billing webhook arriving after the redirect.
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from stigg_emulator.billing import checkout, ledger
from stigg_emulator.billing.estimates import quote_new
from stigg_emulator.billing.money import format_money
from stigg_emulator.clock import iso
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.http.state import AppState
from stigg_emulator.wire.invoice_json import invoice_json

logger = logging.getLogger("stigg_emulator")
MAX_FORM_BYTES = 64 * 1024

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7fb;color:#1a1f36}
main{max-width:920px;margin:2rem auto;display:flex;gap:2rem;flex-wrap:wrap;padding:0 1rem}
section{background:#fff;border-radius:8px;padding:1.5rem;flex:1 1 360px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
table{width:100%;border-collapse:collapse}td{padding:.35rem 0}td.amount{text-align:right}
tr.total td{border-top:1px solid #ccd;font-weight:700}
label{display:block;margin:.6rem 0 .2rem;font-size:.9rem}
input,select{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #aab;border-radius:4px}
button{margin-top:1rem;padding:.6rem 1.2rem;border:0;border-radius:4px;cursor:pointer}
button.primary{background:#635bff;color:#fff}button.secondary{background:#e3e8ee}
.error{background:#fde8e8;color:#8a1c1c;padding:.75rem;border-radius:4px}
.note{color:#56607a;font-size:.85rem}
"""


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.emulator
    return state


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{escape(title)}"
        # An empty icon: without one the browser asks for /favicon.ico and logs its 404.
        f"</title><link rel='icon' href='data:,'><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _row(label: str, amount: str, css: str = "") -> str:
    cls = f" class='{css}'" if css else ""
    return f"<tr{cls}><td>{escape(label)}</td><td class='amount'>{escape(amount)}</td></tr>"


def _order_html(state: AppState, session: checkout.Session, quote: Any) -> str:
    catalog = state.domain.catalog
    bill = quote.bill
    currency = bill.currency
    sub = session.subscription
    plan = catalog.package(sub["plan_ref"], sub["plan_version"])
    plan_name = plan.display_name if plan else sub["plan_ref"]
    period = (sub.get("billing_period") or "MONTHLY").lower()
    rows = []
    for line in bill.lines:
        package = catalog.package(line.package_ref)
        name = package.display_name if package else line.package_ref
        if line.kind == "unit":
            feature = catalog.features.get(line.price.feature_ref or "")
            units = (feature.units_plural or feature.display_name) if feature else "units"
            name = f"{name}: {line.quantity.normalize():f} {units}"
            if not line.price.tiers:  # a tiered line has no one unit price
                name += " x " + format_money(line.unit_amount, currency)
        elif line.kind == "addon":
            name = f"Add-on {name} x {line.quantity.normalize():f}"
        rows.append(_row(name, format_money(line.amount, currency)))
    immediate = quote.immediate
    if quote.credit:
        rows.append(_row("Unused time on your current plan", format_money(quote.credit, currency)))
        rows.append(_row("Remaining time on the new plan", format_money(quote.debit, currency)))
    rows.append(_row("Subtotal", format_money(immediate.sub_total, currency)))
    if immediate.coupon is not None:
        rows.append(
            _row(f"Discount ({immediate.coupon.name})", format_money(-immediate.discount, currency))
        )
    if immediate.tax_percentage:
        rows.append(
            _row(
                f"Tax ({immediate.tax_percentage.normalize():f}%)",
                format_money(immediate.tax, currency),
            )
        )
    rows.append(_row("Total due today", format_money(immediate.total, currency), "total"))
    recurring = quote.recurring
    return (
        f"<section aria-label='Order summary'><h1>Subscribe to {escape(plan_name)}</h1>"
        f"<p>Billed {escape(period)}</p><table id='order'>{''.join(rows)}</table>"
        f"<p class='note' id='recurring'>Then {escape(format_money(recurring.total, currency))}"
        f" per {'year' if period == 'annually' else 'month'}.</p></section>"
    )


def _field(name: str, label: str, value: str = "", *, required: bool = True, **attrs: str) -> str:
    extra = "".join(f" {key.replace('_', '-')}='{escape(val)}'" for key, val in attrs.items())
    req = " required" if required else ""
    return (
        f"<label for='{name}'>{escape(label)}</label>"
        f"<input id='{name}' name='{name}' value='{escape(value)}'{req}{extra}>"
    )


def _checkout_page(
    state: AppState,
    session: checkout.Session,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    form = form or {}
    options = session.options
    quote = session.quote
    promo = form.get("promotionCode", "").strip()
    if promo and options.get("allowPromoCodes") and not error:
        with state.domain.read() as connection:
            quote = quote_new(
                state.domain,
                connection,
                {**checkout._priced_request(session.row), "promotionCode": promo},
            )
    parts = [f"<p class='error' role='alert' id='error'>{escape(error)}</p>" if error else ""]
    if session.status != checkout.OPEN:
        parts.append(f"<p id='closed'>This checkout is {escape(session.status.lower())}.</p>")
        body = _order_html(state, session, quote) + f"<section>{''.join(parts)}</section>"
        return _page("Checkout", body, status)
    parts.append(f"<form method='post' action='/checkout/{escape(session.id)}'>")
    parts.append("<h2>Pay with card</h2>")
    parts.append(
        _field(
            "cardNumber",
            "Card number",
            form.get("cardNumber", ""),
            inputmode="numeric",
            autocomplete="cc-number",
            placeholder="4242 4242 4242 4242",
        )
    )
    parts.append(
        _field("expiry", "Expiry (MM/YY)", form.get("expiry", "12/34"), autocomplete="cc-exp")
    )
    parts.append(_field("cvc", "CVC", form.get("cvc", "123"), autocomplete="cc-csc"))
    parts.append(
        _field("cardholderName", "Name on card", form.get("cardholderName", ""), required=False)
    )
    if options.get("collectBillingAddress"):
        parts.append("<h3>Billing address</h3>")
        for name, label in (
            ("line1", "Address"),
            ("city", "City"),
            ("postalCode", "Postal code"),
            ("country", "Country"),
        ):
            parts.append(_field(name, label, form.get(name, "")))
    if options.get("collectPhoneNumber"):
        parts.append(_field("phone", "Phone number", form.get("phone", ""), type="tel"))
    if options.get("allowTaxIdCollection"):
        chosen = form.get("taxIdType", "eu_vat")
        choices = "".join(
            f"<option value='{code}'{' selected' if code == chosen else ''}>"
            f"{escape(label)}</option>"
            for code, label in checkout.TAX_ID_TYPES.items()
        )
        parts.append(
            "<label for='taxIdType'>Tax ID type</label>"
            f"<select id='taxIdType' name='taxIdType'>{choices}</select>"
        )
        parts.append(_field("taxId", "Tax ID (optional)", form.get("taxId", ""), required=False))
    parts.append(
        "<div><button class='primary' name='action' value='pay' id='pay'>"
        "Pay and subscribe</button> "
        "<button class='secondary' name='action' value='cancel' id='cancel' formnovalidate>"
        "Cancel</button></div>"
    )
    if options.get("allowPromoCodes"):
        parts.append(_field("promotionCode", "Promotion code", promo, required=False))
        parts.append(
            "<button class='secondary' name='action' value='apply' id='apply' formnovalidate>"
            "Apply code</button>"
        )
    parts.append(
        "</form>"
        "<p class='note'>Test mode: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, "
        "4000 0025 0000 3155 needs authentication.</p>"
    )
    body = _order_html(state, session, quote) + f"<section>{''.join(parts)}</section>"
    return _page("Checkout", body, status)


async def _form(request: Request) -> dict[str, str]:
    """The url-encoded form body (first value of each field)."""
    body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def _unavailable(error: StiggError) -> HTMLResponse:
    """The order can no longer be priced (customer archived, plan gone ...)."""
    return _page(
        "Checkout unavailable",
        "<section><h1>This checkout can no longer be completed</h1>"
        f"<p class='error' role='alert' id='error'>{escape(error.message)}</p></section>",
        409,
    )


def _not_found(what: str) -> HTMLResponse:
    return _page("Not found", f"<section><h1>{escape(what)} not found</h1></section>", 404)


async def checkout_get(request: Request) -> Response:
    """GET /checkout/{session_id}: the order and the payment form."""
    state = _state(request)
    try:
        with state.domain.read() as connection:
            session = checkout.load(state.domain, connection, request.path_params["session_id"])
    except StiggError as error:
        return _unavailable(error)
    if session is None:
        return _not_found("Checkout session")
    return _checkout_page(state, session)


def _schedule_activation(state: AppState, session_id: str, base_url: str) -> None:
    def run() -> None:
        try:
            with state.domain.write() as tx:
                checkout.activate(state.domain, tx, session_id, base_url)
        except Exception:
            logger.exception("checkout activation failed for session %s", session_id)

    loop = asyncio.get_running_loop()
    loop.call_later(max(0.0, state.checkout_activation_delay), run)


async def checkout_post(request: Request) -> Response:
    """POST /checkout/{session_id}: pay, apply a promotion code, or cancel."""
    state = _state(request)
    session_id = request.path_params["session_id"]
    form = await _form(request)
    action = form.get("action", "pay")
    try:
        with state.domain.read() as connection:
            session = checkout.load(state.domain, connection, session_id)
    except StiggError as error:
        return _unavailable(error)
    if session is None:
        return _not_found("Checkout session")
    if action == "cancel":
        with state.domain.write() as tx:
            checkout.cancel(state.domain, tx, session_id)
        return RedirectResponse(checkout.cancel_url(session), status_code=303)
    if action == "apply":
        promo = form.get("promotionCode", "").strip()
        try:
            with state.domain.read() as connection:
                checkout.check_promotion_code(state.domain, connection, session, promo)
        except checkout.CheckoutProblem as problem:
            return _checkout_page(state, session, {**form, "promotionCode": ""}, str(problem), 422)
        return _checkout_page(state, session, form)
    try:
        with state.domain.write() as tx:
            paid = checkout.pay(state.domain, tx, session_id, form)
    except checkout.CheckoutProblem as problem:
        declined = ledger.DECLINE_MESSAGE in str(problem)
        shown = {**form, "cardNumber": "", "promotionCode": form.get("promotionCode", "")}
        if "Promotion code" in str(problem):
            shown["promotionCode"] = ""
        return _checkout_page(state, session, shown, str(problem), 402 if declined else 422)
    _schedule_activation(state, session_id, _base_url(request))
    return RedirectResponse(checkout.success_url(paid), status_code=303)


def _invoice_page(state: AppState, invoice: dict[str, Any], message: str = "") -> HTMLResponse:
    amount = format_money(Decimal(invoice["total"]), invoice["currency"])
    parts = [f"<section><h1>Invoice {escape(invoice['id'])}</h1>"]
    parts.append(f"<p>Amount: <strong id='amount'>{escape(amount)}</strong></p>")
    parts.append(f"<p>Status: <strong id='status'>{escape(invoice['status'])}</strong></p>")
    if message:
        parts.append(f"<p class='error' role='alert'>{escape(message)}</p>")
    if invoice["status"] == "OPEN":
        if invoice["requires_action"]:
            parts.append(
                "<p>Your bank asks you to confirm this payment.</p>"
                f"<form method='post' action='/checkout/invoices/{escape(invoice['id'])}'>"
                "<button class='primary' name='action' value='authenticate' id='authenticate'>"
                "Complete authentication</button></form>"
            )
        else:
            parts.append(
                f"<p>{escape(invoice.get('error_message') or '')}</p>"
                f"<form method='post' action='/checkout/invoices/{escape(invoice['id'])}'>"
                + _field("cardNumber", "Card number", "", inputmode="numeric")
                + "<button class='primary' name='action' value='pay' id='pay'>Pay</button></form>"
            )
    parts.append("</section>")
    return _page("Invoice", "".join(parts))


def _requested_invoice(request: Request) -> dict[str, Any] | None:
    """The invoice row named by the path's `invoice_id`."""
    with _state(request).domain.read() as connection:
        return ledger.get_invoice(connection, request.path_params["invoice_id"])


async def invoice_get(request: Request) -> Response:
    """GET /checkout/invoices/{invoice_id}: the `paymentUrl` of an open invoice."""
    invoice = _requested_invoice(request)
    if invoice is None:
        return _not_found("Invoice")
    return _invoice_page(_state(request), invoice)


async def invoice_post(request: Request) -> Response:
    """POST /checkout/invoices/{invoice_id}: confirm 3-D Secure, or pay with another card."""
    state = _state(request)
    invoice_id = request.path_params["invoice_id"]
    form = await _form(request)
    domain = state.domain
    with domain.write() as tx:
        invoice = ledger.get_invoice(tx.conn, invoice_id)
        if invoice is None:
            return _not_found("Invoice")
        if invoice["status"] == "OPEN" and not invoice["requires_action"]:
            number = "".join(ch for ch in form.get("cardNumber", "") if ch.isdigit())
            card = ledger.TEST_CARDS.get(number)
            if card is None or card[1] != ledger.SUCCEEDS:
                message = ledger.DECLINE_MESSAGE if card else "Use a test card number."
                return _invoice_page(state, invoice, message)
            ledger.attach_card(domain, tx, invoice["customer_ref"], number, 12, 2034, {})
        updated = ledger.pay_invoice(domain, tx, invoice_id) or invoice
        tx.entitlements_changed(invoice["customer_ref"])
    return _invoice_page(state, updated)


def _billed_to_html(details: dict[str, Any] | None) -> str:
    """Who the invoice bills: name, email, address, phone and tax ids (as stored at issue)."""
    if not details:
        return ""
    address = dict(details.get("billingAddress") or {})
    place = " ".join(str(part) for part in (address.get("postalCode"), address.get("city")) if part)
    rows = [
        details.get("name"),
        details.get("email"),
        address.get("addressLine1"),
        address.get("addressLine2"),
        place,
        address.get("state"),
        address.get("country"),
        f"Phone: {address['phoneNumber']}" if address.get("phoneNumber") else None,
        *(
            f"Tax ID ({tax_id.get('type')}): {tax_id.get('value')}"
            for tax_id in details.get("taxIds") or []
        ),
    ]
    lines = "".join(f"<li>{escape(str(row))}</li>" for row in rows if row)
    return f"<h2>Billed to</h2><ul id='billed-to'>{lines}</ul>" if lines else ""


async def invoice_document(request: Request) -> Response:
    """GET /invoices/{invoice_id}: the invoice document (`pdfUrl`); JSON on `Accept`."""
    row = _requested_invoice(request)
    if row is None:
        return _not_found("Invoice")
    invoice = invoice_json(row)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({**invoice, "customer": row.get("customer_details")})
    currency = row["currency"]
    items = [
        _row(line["description"], format_money(Decimal(line["amount"]), currency))
        for line in row.get("lines") or []
    ]
    items.append(_row("Total", format_money(Decimal(row["total"]), currency), "total"))
    body = (
        f"<section><h1>Invoice {escape(row['id'])}</h1>"
        f"<p>Status: <strong id='status'>{escape(row['status'])}</strong> "
        f"({escape(row['billing_reason'])})</p>"
        f"<p>Period: {escape(str(invoice['periodStart']))} .. {escape(str(invoice['periodEnd']))}"
        f"</p>{_billed_to_html(row.get('customer_details'))}"
        f"<table id='lines'>{''.join(items)}</table></section>"
    )
    return _page("Invoice", body)


async def invoices_list(request: Request) -> Response:
    """GET /billing/{customer_id}/invoices: the customer's invoices (the billing portal)."""
    state = _state(request)
    customer_ref = request.path_params["customer_id"]
    with state.domain.read() as connection:
        rows = ledger.customer_invoices(connection, customer_ref)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"data": [invoice_json(row) for row in rows]})
    items = "".join(
        "<tr>"
        f"<td>{escape(row['id'])}</td><td>{escape(row['subscription_ref'])}</td>"
        f"<td>{escape(str(iso(row['period_start'])))} .. {escape(str(iso(row['period_end'])))}</td>"
        f"<td>{escape(row['billing_reason'])}</td>"
        f"<td>{escape(row['status'])}</td>"
        f"<td class='amount'>{escape(format_money(Decimal(row['total']), row['currency']))}"
        "</td></tr>"
        for row in rows
    )
    paid = sum(1 for row in rows if row["status"] == "PAID")
    return _page(
        "Invoices",
        f"<section><h1>Invoices of {escape(customer_ref)}</h1><table id='invoices'>{items}</table>"
        f"<p class='note'>{len(rows)} invoice(s), {paid} paid</p></section>",
    )


def routes() -> list[Route]:
    """Routes of the hosted pages."""
    return [
        Route("/checkout/invoices/{invoice_id}", invoice_get, methods=["GET"]),
        Route("/checkout/invoices/{invoice_id}", invoice_post, methods=["POST"]),
        Route("/checkout/{session_id}", checkout_get, methods=["GET"]),
        Route("/checkout/{session_id}", checkout_post, methods=["POST"]),
        Route("/billing/{customer_id}/invoices", invoices_list, methods=["GET"]),
        Route("/invoices/{invoice_id}", invoice_document, methods=["GET"]),
    ]
