"""Credit renderers (no browser): balance levels, the utilization meter, the usage chart and its
table, the grants table, the portal's credits section, German texts and escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stigg_client.core.credits import not_entitled
from stigg_client.core.decisions import credit_fallback
from stigg_client.models.credits import (
    CreditCurrency,
    CreditEntitlement,
    CreditGrant,
    CreditUsage,
)
from tests.widgets.models import TagCollector, portal
from widgets.credit_texts import CREDIT_DE, CREDIT_EN
from widgets.render import RenderOptions, render_customer_portal
from widgets.render.credits import (
    render_credit_balance,
    render_credit_grants,
    render_credit_usage_chart,
    render_credit_utilization,
)
from widgets.texts import Texts

RECORDED = Path(__file__).parents[1] / "sdk" / "fixtures" / "credits"
CURRENCY = "currency-ai-credits"
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def recorded(name: str, field: str) -> Any:
    return json.loads((RECORDED / f"{name}.json").read_text())["data"][field]


def credits(granted: float, used: float, name: str = "AI credits") -> CreditEntitlement:
    currency = CreditCurrency(
        currency_id=CURRENCY, display_name=name, unit_singular="credit", unit_plural="credits"
    )
    return CreditEntitlement(
        is_granted=used < granted,
        usage_limit=granted,
        current_usage=used,
        currency=currency,
        usage_period_end=datetime(2027, 1, 1, tzinfo=UTC),
    )


def usage() -> CreditUsage:
    return CreditUsage.model_validate(recorded("GetCreditUsage", "creditUsage"))


def grants() -> list[CreditGrant]:
    edges = recorded("GetCreditGrants", "creditGrants")["edges"]
    return [CreditGrant.model_validate(edge["node"]) for edge in edges]


def level(html: str) -> str:
    return html.split('data-level="', 1)[1].split('"', 1)[0]


def test_balance_shows_the_credits_left_and_how_low_they_are() -> None:
    html = render_credit_balance(CURRENCY, credits(100, 20), add_credits=True)
    assert ">80 credits</p>" in html and level(html) == "ok"
    assert 'data-action="add-credits"' in html and "AI credits balance" in html
    low = render_credit_balance(CURRENCY, credits(100, 99))
    assert ">1 credit</p>" in low and level(low) == "low" and "Running low" in low
    assert "add-credits" not in low
    empty = render_credit_balance(CURRENCY, credits(100, 100))
    assert level(empty) == "empty" and "No credits left" in empty
    fallback = render_credit_balance(CURRENCY, credit_fallback(CURRENCY, None))
    assert level(fallback) == "none" and "No currency-ai-credits in your plan" in fallback


def test_utilization_is_a_labelled_meter_of_the_period() -> None:
    html = render_credit_utilization(CURRENCY, credits(100, 85))
    assert '<meter part="meter" min="0" max="100" value="85" low="80"' in html
    assert 'aria-labelledby="usage-name-currency-ai-credits"' in html
    assert "Approaching the limit" in html
    assert "85 of 100 credits used" in html and "Resets on 2027-01-01" in html
    german = render_credit_utilization(CURRENCY, credits(100, 85), RenderOptions(Texts("de")))
    assert "85 von 100 credits genutzt" in german and "zurückgesetzt" in german
    assert "<meter" not in render_credit_utilization(CURRENCY, not_entitled(CURRENCY))


def test_usage_chart_draws_the_credits_used_so_far_per_feature_with_table_and_legend() -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    html = render_credit_usage_chart(CURRENCY, usage(), start=start)
    assert ">AI credits usage</h3>" in html and 'role="img"' in html
    assert html.count('class="chart-line series-1"') == 1
    assert 'data-series="AI assists"' in html and "AI assists: now 20 credits, highest 20" in html
    assert "From 2026-12-01 to 2026-12-03." in html
    # From 0 at the start, then each day's credits added up: 5, then 5 + 15.
    cells = [row.split("<td>")[1].split("</td>")[0] for row in html.split("<tr>")[2:]]
    assert cells == ["0", "5", "20"]
    assert '<span class="swatch series-1" aria-hidden="true"></span>AI assists</li>' in html
    empty = render_credit_usage_chart(CURRENCY, CreditUsage(series=[]))
    assert 'data-empty="true"' in empty and "No credits used in this period." in empty
    assert "<svg" not in empty


def test_grants_table_lists_source_amount_used_and_expiry() -> None:
    html = render_credit_grants(grants())
    rows = html.split("<tbody>", 1)[1].split("</tr>")
    assert "Welcome credits" in rows[0] and "Promotional" in rows[0] and "2026-12-31" in rows[0]
    assert '<td class="num">50</td><td class="num">20</td>' in rows[0]
    assert "Purchased" in rows[1] and "<td>Never</td>" in rows[1]
    german = render_credit_grants(grants(), RenderOptions(Texts("de-DE")))
    assert "Gutschriften" in german and "Aktion" in german and "Nie" in german
    assert "No credit grants yet." in render_credit_grants([])


def test_portal_has_a_credits_section_per_currency() -> None:
    html = render_customer_portal(portal(), credits=[credits(100, 30)])
    section = html.split('section-credits"', 1)[1].split("</section>", 1)[0]
    assert ">Credits</h3>" in section and "30 of 100 credits used" in section
    assert "section-credits" not in render_customer_portal(portal())


def test_every_credit_string_is_escaped() -> None:
    hostile = credits(100, 10, name=XSS)
    hostile_usage = usage().model_copy(update={"currency": None})
    hostile_usage.series[0].feature_name = XSS
    hostile_grants = [grants()[0].model_copy(update={"display_name": XSS})]
    outputs = [
        render_credit_balance(XSS, hostile),
        render_credit_utilization(XSS, hostile),
        render_credit_usage_chart(XSS, hostile_usage),
        render_credit_grants(hostile_grants),
        render_customer_portal(portal(), credits=[hostile]),
    ]
    for html in outputs:
        parsed = TagCollector()
        parsed.feed(html)
        assert "img" not in parsed.tags and "script" not in parsed.tags
        assert parsed.handlers == [] and "&lt;img src=x onerror=" in html


def test_german_credit_texts_cover_every_key() -> None:
    assert set(CREDIT_DE) == set(CREDIT_EN)
