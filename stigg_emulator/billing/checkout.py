"""Hosted checkout sessions: the order, paying with a test card, cancelling, activating."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import Connection, select, update

from stigg_emulator.billing import ledger
from stigg_emulator.billing.estimates import Quote, quote_new
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.domain.subscription_rules import (
    LIVE_STATUSES,
    redeemable_coupon,
    resolve_coupon,
)
from stigg_emulator.domain.subscriptions import activate_replacing
from stigg_emulator.storage import repositories as repo
from stigg_emulator.storage import tables as t

OPEN, PAID, COMPLETED, CANCELED = "OPEN", "PAID", "COMPLETED", "CANCELED"
# Tax id types the page offers (Stripe's codes, as in CustomerBillingInfo.taxIds[].type).
TAX_ID_TYPES = {
    "eu_vat": "EU VAT number",
    "gb_vat": "UK VAT number",
    "ch_vat": "Swiss VAT number",
    "no_vat": "Norwegian VAT number",
    "us_ein": "US EIN",
    "ca_bn": "Canadian BN",
    "au_abn": "Australian ABN",
    "in_gst": "Indian GST number",
}


class CheckoutProblem(Exception):
    """A problem the checkout page shows to the payer (declined card, bad promo code ...)."""


@dataclass
class Session:
    """A checkout session with its pending subscription and the price the page shows."""

    row: dict[str, Any]
    subscription: dict[str, Any]
    quote: Quote
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Session id (the last path segment of the checkout URL)."""
        return str(self.row["id"])

    @property
    def status(self) -> str:
        """OPEN, PAID (activation pending), COMPLETED or CANCELED."""
        return str(self.row["status"])

    @property
    def request(self) -> dict[str, Any]:
        """The provisionSubscription input that opened the session (plus the payer's choices)."""
        return dict(self.row["request"] or {})


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query string."""
    parts = urlsplit(url)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _priced_request(row: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in dict(row["request"] or {}).items() if not k.startswith("_")}
    chosen = (row["request"] or {}).get("_promotionCode")
    if chosen:
        data["promotionCode"] = chosen
        data.pop("appliedCoupon", None)
    return data


def load(domain: Domain, connection: Connection, session_id: str) -> Session | None:
    """The session, or None when there is no such checkout."""
    row = repo.get_checkout(connection, session_id)
    if row is None:
        return None
    subscription = repo.get_subscription(connection, row["subscription_ref"])
    if subscription is None:
        return None
    quote = quote_new(domain, connection, _priced_request(row))
    options = dict((row["request"] or {}).get("checkoutOptions") or {})
    return Session(row, subscription, quote, options)


def _set(tx: Tx, session_id: str, status: str, request: dict[str, Any] | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if request is not None:
        values["request"] = request
    table = t.checkout_sessions
    tx.conn.execute(update(table).where(table.c.id == session_id).values(**values))


def _require(value: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise CheckoutProblem(f"{label} is required.")
    return text


def _expiry(text: str, now_year: int) -> tuple[int, int]:
    cleaned = text.replace(" ", "")
    try:
        month_text, year_text = cleaned.split("/")
        month, year = int(month_text), int(year_text)
    except ValueError:
        raise CheckoutProblem("Expiry must look like MM/YY.") from None
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12 or year < now_year:
        raise CheckoutProblem("Your card's expiration date is in the past or invalid.")
    return month, year


def _billing_details(options: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """What the options collect, shaped as Stigg's CustomerBillingInfo: `billingAddress` is an
    `Address` (the phone is its `phoneNumber`), `taxIds` are `TaxExempt {type value}`."""
    details: dict[str, Any] = {"name": form.get("cardholderName", "").strip() or None}
    address: dict[str, str] = {}
    if options.get("collectBillingAddress"):
        address = {
            "addressLine1": _require(form.get("line1", ""), "Address"),
            "city": _require(form.get("city", ""), "City"),
            "postalCode": _require(form.get("postalCode", ""), "Postal code"),
            "country": _require(form.get("country", ""), "Country").upper(),
        }
        if len(address["country"]) != 2 or not address["country"].isalpha():
            raise CheckoutProblem("Country must be a two-letter ISO 3166-1 code, such as DK.")
    if options.get("collectPhoneNumber"):
        address["phoneNumber"] = _require(form.get("phone", ""), "Phone number")
    if address:
        details["billingAddress"] = address
    tax_id = form.get("taxId", "").strip()
    if options.get("allowTaxIdCollection") and tax_id:
        kind = form.get("taxIdType", "").strip() or "eu_vat"
        if kind not in TAX_ID_TYPES:
            raise CheckoutProblem(f"Unknown tax ID type {kind!r}.")
        details["taxIds"] = [{"type": kind, "value": tax_id}]
    return details


def take_test_card(
    domain: Domain,
    tx: Tx,
    payer: str,
    form: dict[str, str],
    details: Callable[[], dict[str, Any]],
) -> ledger.PaymentMethod:
    """Check `form`'s `cardNumber` and `expiry` by the test-card rules and store the card as
    `payer`'s payment method (with `details()`, Stigg's billing info shape). Raises
    CheckoutProblem for a missing, unknown, expired or declined card; nothing is stored then.
    A card that needs authentication is stored: its charges ask for it (see `ledger`)."""
    number = "".join(ch for ch in form.get("cardNumber", "") if ch.isdigit())
    if not number:
        raise CheckoutProblem("Card number is required.")
    if number not in ledger.TEST_CARDS:
        raise CheckoutProblem(
            "Your card number is not a test card. Use 4242 4242 4242 4242 (pays), "
            "4000 0000 0000 0002 (declined) or 4000 0025 0000 3155 (needs authentication)."
        )
    month, year = _expiry(form.get("expiry", "12/30") or "12/30", domain.clock.now(payer).year)
    billing_details = details()
    if ledger.TEST_CARDS[number][1] == ledger.DECLINES:
        raise CheckoutProblem(ledger.DECLINE_MESSAGE + " Try another card.")
    return ledger.attach_card(domain, tx, payer, number, month, year, billing_details)


def payer_of(session: Session) -> str:
    """Who pays for the session's subscription."""
    row = session.subscription
    return str(row.get("paying_customer_ref") or row["customer_ref"])


def check_promotion_code(
    domain: Domain, connection: Connection, session: Session, code: str
) -> None:
    """Raise CheckoutProblem when the payer may not redeem `code` now."""
    try:
        redeemable_coupon(domain, connection, {"promotionCode": code}, payer_of(session))
    except StiggError as error:
        raise CheckoutProblem(f"Promotion code {code!r} is not valid ({error.code}).") from None


def pay(domain: Domain, tx: Tx, session_id: str, form: dict[str, str]) -> Session:
    """Take the payer's card (and the details the options ask for); the session becomes PAID.

    Raises CheckoutProblem with the text the page shows (nothing is stored then).
    """
    session = load(domain, tx.conn, session_id)
    if session is None:
        raise CheckoutProblem("This checkout session does not exist.")
    if session.status != OPEN:
        raise CheckoutProblem("This checkout session is no longer open.")
    request = dict(session.row["request"] or {})
    options = session.options
    payer = payer_of(session)
    promo = form.get("promotionCode", "").strip()
    if promo and options.get("allowPromoCodes"):
        check_promotion_code(domain, tx.conn, session, promo)
        request["_promotionCode"] = promo
    method = take_test_card(domain, tx, payer, form, lambda: _billing_details(options, form))
    request["_paymentMethodId"] = method.id
    _set(tx, session_id, PAID, request)
    tx.entitlements_changed(payer)  # customer's hasPaymentMethod changed
    reloaded = load(domain, tx.conn, session_id)
    assert reloaded is not None
    return reloaded


def cancel(domain: Domain, tx: Tx, session_id: str) -> Session | None:
    """The payer left: the session and its pending subscription are cancelled."""
    session = load(domain, tx.conn, session_id)
    if session is None or session.status != OPEN:
        return session
    _set(tx, session_id, CANCELED)
    now = domain.clock.now_ms(session.subscription["customer_ref"])
    repo.update_subscription(
        tx.conn,
        session.subscription["ref_id"],
        {
            "status": "CANCELED",
            "end_date": now,
            "cancellation_date": now,
            "cancel_reason": "CheckoutCanceled",
            "updated_at": now,
        },
    )
    return load(domain, tx.conn, session_id)


def activate(domain: Domain, tx: Tx, session_id: str, base_url: str) -> bool:
    """The billing webhook: a PAID session's subscription starts and its first invoice is issued."""
    session = load(domain, tx.conn, session_id)
    if session is None or session.status != PAID:
        return False
    row = session.subscription
    if row["status"] != "PAYMENT_PENDING":
        _set(tx, session_id, COMPLETED)
        return False
    now = domain.clock.now_ms(row["customer_ref"])
    request = session.request
    values: dict[str, Any] = {
        "status": "NOT_STARTED" if int(row["start_date"]) > now else "ACTIVE",
        "updated_at": now,
    }
    if request.get("_promotionCode"):
        coupon, code = resolve_coupon(domain.catalog, {"promotionCode": request["_promotionCode"]})
        values["coupon_ref"] = coupon.ref_id if coupon else None
        values["promotion_code"] = code
    quote = session.quote
    same_scope = [
        other
        for other in repo.customer_subscriptions(tx.conn, row["customer_ref"], LIVE_STATUSES)
        if other["product_ref"] == row["product_ref"]
        and (other.get("resource_id") or None) == (row.get("resource_id") or None)
        and other["ref_id"] != row["ref_id"]
    ]
    replaced = [
        r for r in same_scope if r["status"] != "IN_TRIAL" or r["plan_ref"] == row["plan_ref"]
    ]
    repo.update_subscription(tx.conn, row["ref_id"], values)
    updated = {**row, **values}
    activate_replacing(domain, tx, updated, replaced)
    ledger.charge(
        domain,
        tx,
        updated,
        quote.immediate,
        "SUBSCRIPTION_CREATION",
        (quote.range_start, quote.range_end),
        base_url,
    )
    _set(tx, session_id, COMPLETED)
    return True


def success_url(session: Session) -> str:
    """Where the payer goes after paying: successUrl + subscriptionId + checkoutCompleted=true."""
    params = {"subscriptionId": str(session.subscription["ref_id"]), "checkoutCompleted": "true"}
    if session.subscription.get("resource_id"):
        params["resourceId"] = str(session.subscription["resource_id"])
    return with_query(str(session.options.get("successUrl") or "/"), params)


def cancel_url(session: Session) -> str:
    """Where the payer goes after cancelling: cancelUrl + checkoutCompleted=false."""
    params = {"subscriptionId": str(session.subscription["ref_id"]), "checkoutCompleted": "false"}
    return with_query(str(session.options.get("cancelUrl") or "/"), params)


def activate_overdue(domain: Domain, base_url: str) -> int:
    """On start: activate sessions paid before a restart lost their pending activation."""
    table = t.checkout_sessions
    with domain.read() as connection:
        ids = [
            str(row[0])
            for row in connection.execute(select(table.c.id).where(table.c.status == PAID)).all()
        ]
    done = 0
    for session_id in ids:
        with domain.write() as tx:
            done += activate(domain, tx, session_id, base_url)
    return done
