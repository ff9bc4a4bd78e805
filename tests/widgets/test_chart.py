"""CPython tests for the generic SVG line chart (widgets/render/chart.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from widgets.render.chart import ChartPoint, ChartSeries, ChartSpec, nice_top, render_line_chart
from widgets.render.common import RenderOptions
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
    assert [row["datetime"] for row in rows] == [
        (START + timedelta(days=day)).isoformat() for day in range(3)
    ]
    assert "<td>0 (reset)</td>" in markup and "<td>90</td>" in markup
    # The limit line sits at 100 of a 100 axis: the top of the plot area.
    limit = next(a for t, a in _tags(markup) if t == "line" and a.get("part") == "chart-limit")
    assert limit["y1"] == "12"


def test_step_path_holds_each_value_until_the_next_point() -> None:
    markup = render_line_chart(_spec(limit=None))
    path = next(a for t, a in _tags(markup) if t == "path")
    # x: 56 + days/4 * 532; y: 12 + (1 - v/100) * 180
    assert path["d"] == "M56 192 H189 V120 H322 V30"
    straight = render_line_chart(_spec(limit=None, step=False))
    assert next(a for t, a in _tags(straight) if t == "path")["d"] == "M56 192 L189 120 L322 30"


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
    assert '<th scope="col">eu</th><th scope="col">us</th>' in markup
    assert "<td>2</td><td></td>" in markup
