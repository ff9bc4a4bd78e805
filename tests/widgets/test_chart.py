"""CPython tests for the generic SVG line chart (widgets/render/chart.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from stigg_client.models.usage import UsageHistoryV2
from tests.widgets.models import portal
from widgets.render import PortalOptions, UsageInfo, render_customer_portal, render_usage_meter
from widgets.render.chart import ChartPoint, ChartSeries, ChartSpec, nice_top, render_line_chart
from widgets.render.common import RenderOptions
from widgets.render.usage_chart import history_start, usage_chart_spec
from widgets.texts import Texts

START = datetime(2026, 3, 1, tzinfo=UTC)
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attributes)))


def _tags(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def _spec(name: str = "API calls", **kwargs: object) -> ChartSpec:
    points = (
        ChartPoint(START, 0, is_reset=True),
        ChartPoint(START + timedelta(days=1), 40),
        ChartPoint(START + timedelta(days=2), 90),
    )
    defaults: dict[str, object] = {
        "chart_id": "usage-calls",
        "title": f"{name} this period",
        "series": (ChartSeries(name, points),),
        "units": "calls",
        "limit": 100.0,
        "start": START,
        "end": START + timedelta(days=4),
    }
    defaults.update(kwargs)
    return ChartSpec(**defaults)  # type: ignore[arg-type]


def test_nice_top_rounds_up_to_a_readable_maximum() -> None:
    assert [nice_top(v) for v in (0, 0.3, 1, 7, 90, 101, 240, 1001)] == [
        1.0,
        0.5,
        1.0,
        10.0,
        100.0,
        200.0,
        250.0,
        2000.0,
    ]


def test_chart_is_an_image_with_a_summary_and_a_data_table() -> None:
    markup = render_line_chart(_spec())
    tags = dict(_tags(markup))
    svg = tags["svg"]
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "usage-calls-title"
    assert '<title id="usage-calls-title">API calls this period</title>' in markup
    assert (
        '<desc id="usage-calls-desc">From 2026-03-01 to 2026-03-05. API calls: now 90 calls, '
        "highest 90 calls. Limit: 100 calls.</desc>"
    ) in markup
    assert tags["div"]["tabindex"] == "0"
    assert '<summary part="chart-toggle">Show as table</summary>' in markup
    rows = [attributes for tag, attributes in _tags(markup) if tag == "time"]
    assert [row["datetime"] for row in rows] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert "<caption>API calls this period: the last value of each day</caption>" in markup
    assert "<td>0 (reset)</td>" in markup and "<td>90</td>" in markup
    # The limit line sits at 100 of a 100 axis: the top of the plot area.
    limit = next(a for t, a in _tags(markup) if t == "line" and a.get("part") == "chart-limit")
    assert limit["y1"] == "12"


def test_step_path_holds_each_value_until_the_next_point() -> None:
    markup = render_line_chart(_spec(limit=None))
    path = next(a for t, a in _tags(markup) if t == "path")
    # x: 52 + days/4 * 416; y: 12 + (1 - v/100) * 158
    assert path["d"] == "M52 170 H156 V106.8 H260 V27.8"
    straight = render_line_chart(_spec(limit=None, step=False))
    assert next(a for t, a in _tags(straight) if t == "path")["d"] == "M52 170 L156 106.8 L260 27.8"


def test_names_are_escaped_everywhere() -> None:
    markup = render_line_chart(_spec(name=XSS, units=XSS))
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup


def test_german_texts_and_empty_chart() -> None:
    options = RenderOptions(texts=Texts("de"))
    markup = render_line_chart(_spec(units=""), options)
    assert "API calls: aktuell 90, höchstens 90." in markup
    assert "Als Tabelle anzeigen" in markup
    empty = render_line_chart(_spec(series=(ChartSeries("API calls", ()),)), options)
    assert "noch keine Daten" in empty and "<table" not in empty


def test_several_series_take_distinct_palette_classes() -> None:
    first = ChartSeries("eu", (ChartPoint(START, 1), ChartPoint(START + timedelta(days=1), 2)))
    second = ChartSeries("us", (ChartPoint(START, 3),))
    markup = render_line_chart(_spec(series=(first, second), limit=None))
    classes = [a["class"] for t, a in _tags(markup) if t == "path"]
    assert classes == ["chart-line series-1", "chart-line series-2"]
    assert '<th scope="col">eu (calls)</th><th scope="col">us (calls)</th>' in markup
    assert "<td>2</td><td></td>" in markup


def test_table_keeps_the_last_value_of_each_day() -> None:
    points = (
        ChartPoint(START, 0, is_reset=True),
        ChartPoint(START + timedelta(hours=6), 4),
        ChartPoint(START + timedelta(hours=30), 9),
        ChartPoint(START + timedelta(hours=40), 11),
    )
    markup = render_line_chart(_spec(series=(ChartSeries("API calls", points),)))
    cells = markup.split("<tbody>")[1]
    assert cells.count("<tr>") == 2
    assert "<td>4 (reset)</td>" in cells and "<td>11</td>" in cells and "<td>9</td>" not in cells


def _history(*values: float) -> UsageHistoryV2:
    return UsageHistoryV2.model_validate(
        {
            "markers": [{"type": "PERIODIC_RESET", "timestamp": START.isoformat()}],
            "series": [
                {
                    "tags": [],
                    "points": [
                        {
                            "timestamp": (START + timedelta(days=day)).isoformat(),
                            "value": value,
                            "isResetPoint": day == 0,
                        }
                        for day, value in enumerate(values)
                    ],
                }
            ],
        }
    )


def test_usage_chart_spans_the_period_with_the_limit_and_resets() -> None:
    info = UsageInfo(
        feature_id="calls",
        name="Calls",
        used=7,
        limit=10,
        units="calls",
        resets_at=START + timedelta(days=30),
        period_start=START,
    )
    spec = usage_chart_spec(info, _history(0, 3, 7), RenderOptions())
    assert (spec.start, spec.end, spec.limit) == (START, START + timedelta(days=30), 10)
    assert spec.resets == (START,) and spec.title == "Calls this period"
    assert [p.value for p in spec.series[0].points] == [0, 3, 7]
    unlimited = usage_chart_spec(
        UsageInfo("calls", "Calls", 7, None, unlimited=True), _history(7), RenderOptions()
    )
    assert unlimited.limit is None and unlimited.start == START
    assert history_start(info, START + timedelta(days=3)) == START
    bare = UsageInfo("calls", "Calls", 0, 5)
    assert history_start(bare, START) == START - timedelta(days=30)


def test_portal_draws_a_chart_under_each_meter_it_has_a_history_for() -> None:
    with_history = PortalOptions(usage_histories={"calls": _history(0, 500, 750)})
    html = render_customer_portal(portal(), with_history)
    assert html.count('role="img"') == 1
    assert 'data-chart-id="usage-history-calls"' in html and "now 750 calls" in html
    hidden = PortalOptions(
        usage_histories={"calls": _history(0, 750)}, hidden_sections=frozenset({"usage-history"})
    )
    assert 'role="img"' not in render_customer_portal(portal(), hidden)
    assert 'role="img"' not in render_customer_portal(portal())
    meter = render_usage_meter(UsageInfo("calls", XSS, 1, 2), history="<figure></figure>")
    assert meter.endswith("<figure></figure></div>") and "<script>" not in meter
