"""Demo backend pieces: server-side formatters print what the browser's Intl prints; sessions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from demo_site.formatting import CONVENTIONS, server_formatters
from demo_site.pages import Layout, render_layout
from demo_site.session import SessionSigner
from demo_site.settings import SiteSettings

MONEY = [("15", "USD"), ("9.5", "USD"), ("14", "EUR"), ("1234.5", "EUR"), ("130", "GBP")]
NUMBERS = [3.0, 1234.0, 0.5, 2000000.0]
INTL_MONEY = """([locale, amount, currency]) => {
  const value = Number(amount);
  const digits = Number.isInteger(value) ? 0 : 2;
  return new Intl.NumberFormat(locale,
    {style: "currency", currency, maximumFractionDigits: digits}).format(value);
}"""


@pytest.mark.browser
def test_server_formatters_print_what_intl_prints(page: Page) -> None:
    for locale in CONVENTIONS:
        formatters = server_formatters(locale)
        for amount, currency in MONEY:
            intl = page.evaluate(INTL_MONEY, [locale, amount, currency])
            assert formatters.money(Decimal(amount), currency) == intl, (locale, amount)
        for number in NUMBERS:
            intl = page.evaluate("([l, v]) => new Intl.NumberFormat(l).format(v)", [locale, number])
            assert formatters.number(number) == intl, (locale, number)
        intl_date = page.evaluate(
            "(l) => new Intl.DateTimeFormat(l, {dateStyle: 'medium', timeZone: 'UTC'})"
            ".format(new Date(Date.UTC(2026, 11, 3)))",
            locale,
        )
        assert formatters.date(datetime(2026, 12, 3)) == intl_date, locale


def test_session_cookie_round_trips_and_refuses_forgeries() -> None:
    signer = SessionSigner()
    value = signer.dumps("customer-abc.1")
    assert signer.loads(value) == "customer-abc.1"
    assert signer.loads(value.replace("customer-abc.1", "customer-abd.1")) is None
    assert signer.loads(value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert SessionSigner().loads(value) is None
    assert signer.loads("") is None
    assert signer.loads(None) is None
    with pytest.raises(ValueError):
        signer.dumps("bad id with spaces")


@pytest.mark.parametrize(
    ("customer_id", "declared"), [(None, ""), ('cust-"<1>', "cust-&quot;&lt;1&gt;")]
)
def test_widget_pages_declare_whose_markup_snapshots_may_paint(
    customer_id: str | None, declared: str
) -> None:
    settings = SiteSettings(emulator_url="http://127.0.0.1:1", client_key="client-local-key")
    layout = Layout(
        page_id="p", path="/p", title="P", body="", widgets=True, customer_id=customer_id
    )
    html = render_layout(settings, layout)
    assert f'<meta name="stigg-customer-id" content="{declared}">' in html
