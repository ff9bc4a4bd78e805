"""An accessible SVG line chart of one or more series of points over time.

Generic on purpose: usage history, credit balances or anything else with (time, value) points.
The SVG is one `role="img"` with a text summary (its accessible name and description); the same
numbers are in a data table inside a `<details>` disclosure, so they are readable without the
picture and reachable with the keyboard. Colours come from CSS custom properties and every piece
has a `part` name (see widgets/README.md, "Charts").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from widgets.markup import attrs, text
from widgets.render.common import RenderOptions

WIDTH = 600
HEIGHT = 220
PAD_LEFT = 56
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28
SERIES_CLASSES = 4
"""Series beyond this many reuse the palette (`series-1` .. `series-4`)."""


@dataclass(frozen=True)
class ChartPoint:
    """One value at one moment; `is_reset` marks a point where the value was reset."""

    at: datetime
    value: float
    is_reset: bool = False


@dataclass(frozen=True)
class ChartSeries:
    """A named line of points (sorted by time when drawn)."""

    name: str
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: the series, an optional limit line and the time span of the x axis.

    `start`/`end` default to the first and last point; a usage chart passes the period's start
    and end so that the line stops at "now". `step` draws values held until the next point
    (usage counters); otherwise points are joined by straight lines.
    """

    chart_id: str
    title: str
    series: tuple[ChartSeries, ...]
    units: str = ""
    limit: float | None = None
    start: datetime | None = None
    end: datetime | None = None
    step: bool = True
    resets: tuple[datetime, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Scale:
    x0: float
    x1: float
    top: float

    def x(self, moment: datetime) -> float:
        span = self.x1 - self.x0
        ratio = (moment.timestamp() - self.x0) / span if span > 0 else 0.0
        return PAD_LEFT + min(max(ratio, 0.0), 1.0) * (WIDTH - PAD_LEFT - PAD_RIGHT)

    def y(self, value: float) -> float:
        ratio = value / self.top if self.top > 0 else 0.0
        return PAD_TOP + (1 - min(max(ratio, 0.0), 1.0)) * (HEIGHT - PAD_TOP - PAD_BOTTOM)


def nice_top(value: float) -> float:
    """The smallest 1/2/2.5/5 times 10^n at or above `value` (1 for nothing to show)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _sorted(series: ChartSeries) -> list[ChartPoint]:
    return sorted(series.points, key=lambda point: point.at)


def _path(points: list[ChartPoint], scale: _Scale, step: bool) -> str:
    parts: list[str] = []
    for index, point in enumerate(points):
        x, y = _fmt(scale.x(point.at)), _fmt(scale.y(point.value))
        if index == 0:
            parts.append(f"M{x} {y}")
        elif step:
            parts.append(f"H{x} V{y}")
        else:
            parts.append(f"L{x} {y}")
    return " ".join(parts)


def _bounds(spec: ChartSpec) -> tuple[datetime, datetime] | None:
    moments = [point.at for series in spec.series for point in series.points]
    if not moments and (spec.start is None or spec.end is None):
        return None
    start = spec.start or min(moments)
    end = spec.end or max(moments)
    return start, end


def chart_summary(spec: ChartSpec, options: RenderOptions) -> str:
    """The chart in one sentence per series: span, latest value and highest value."""
    texts, number, date = options.texts, options.formatters.number, options.formatters.date
    bounds = _bounds(spec)
    if bounds is None or not any(series.points for series in spec.series):
        return texts("chart_no_data", title=spec.title)
    sentences = []
    for series in spec.series:
        points = _sorted(series)
        if not points:
            continue
        sentences.append(
            texts(
                "chart_series_summary",
                name=series.name,
                current=number(points[-1].value),
                peak=number(max(point.value for point in points)),
                units=spec.units,
            )
        )
    span = texts("chart_span", start=date(bounds[0]), end=date(bounds[1]))
    limit = ""
    if spec.limit is not None:
        limit = " " + texts("chart_limit", limit=number(spec.limit), units=spec.units)
    return _tidy(f"{span} {' '.join(sentences)}{limit}")


def _tidy(sentence: str) -> str:
    """Drop the gaps an empty placeholder (no units) leaves before punctuation."""
    while "  " in sentence:
        sentence = sentence.replace("  ", " ")
    return sentence.replace(" ,", ",").replace(" .", ".")


def _svg(spec: ChartSpec, options: RenderOptions, summary: str) -> str:
    bounds = _bounds(spec)
    chart_id = text(spec.chart_id)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    head = (
        f'<svg class="chart-svg" part="chart-svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" focusable="false">'
        f'<title id="{title_id}">{text(spec.title)}</title>'
        f'<desc id="{desc_id}">{text(summary)}</desc>'
    )
    if bounds is None:
        return head + "</svg>"
    values = [point.value for series in spec.series for point in series.points]
    top = nice_top(max([*values, spec.limit or 0.0, 0.0]))
    scale = _Scale(bounds[0].timestamp(), bounds[1].timestamp(), top)
    number, date = options.formatters.number, options.formatters.date
    grid: list[str] = []
    for fraction in (0.0, 0.5, 1.0):
        y = _fmt(scale.y(top * fraction))
        grid.append(
            f'<line class="chart-grid" part="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
            f'y1="{y}" y2="{y}"></line>'
            f'<text class="chart-axis" part="chart-axis" x="{PAD_LEFT - 6}" y="{y}" '
            f'text-anchor="end" dominant-baseline="middle">{text(number(top * fraction))}</text>'
        )
    baseline = _fmt(HEIGHT - PAD_BOTTOM + 18)
    grid.append(
        f'<text class="chart-axis" part="chart-axis" x="{PAD_LEFT}" y="{baseline}" '
        f'text-anchor="start">{text(date(bounds[0]))}</text>'
        f'<text class="chart-axis" part="chart-axis" x="{WIDTH - PAD_RIGHT}" y="{baseline}" '
        f'text-anchor="end">{text(date(bounds[1]))}</text>'
    )
    marks: list[str] = []
    for moment in spec.resets:
        x = _fmt(scale.x(moment))
        marks.append(
            f'<line class="chart-reset" part="chart-reset" x1="{x}" x2="{x}" y1="{PAD_TOP}" '
            f'y2="{HEIGHT - PAD_BOTTOM}"></line>'
        )
    if spec.limit is not None:
        y = _fmt(scale.y(spec.limit))
        marks.append(
            f'<line class="chart-limit" part="chart-limit" x1="{PAD_LEFT}" '
            f'x2="{WIDTH - PAD_RIGHT}" y1="{y}" y2="{y}"></line>'
        )
    lines: list[str] = []
    for index, series in enumerate(spec.series):
        points = _sorted(series)
        if not points:
            continue
        css = f"chart-line series-{index % SERIES_CLASSES + 1}"
        lines.append(
            f'<path class="{css}" part="chart-line" data-series="{text(series.name)}" '
            f'd="{_path(points, scale, spec.step)}"></path>'
        )
        last = points[-1]
        lines.append(
            f'<circle class="chart-dot {css}" part="chart-dot" r="3.5" '
            f'cx="{_fmt(scale.x(last.at))}" cy="{_fmt(scale.y(last.value))}"></circle>'
        )
    body = "".join(grid) + "".join(marks) + "".join(lines)
    return f'{head}<g aria-hidden="true">{body}</g></svg>'


def _table(spec: ChartSpec, options: RenderOptions) -> str:
    texts, number = options.texts, options.formatters.number
    moments = sorted({point.at for series in spec.series for point in series.points})
    by_series = [{point.at: point for point in series.points} for series in spec.series]
    header = "".join(f'<th scope="col">{text(series.name)}</th>' for series in spec.series)
    rows: list[str] = []
    for moment in moments:
        cells: list[str] = []
        for points in by_series:
            point = points.get(moment)
            if point is None:
                cells.append("<td></td>")
                continue
            value = number(point.value)
            if point.is_reset:
                value = texts("chart_reset_value", value=value)
            cells.append(f"<td>{text(value)}</td>")
        stamp = options.formatters.date(moment)
        rows.append(
            f'<tr><th scope="row"><time datetime="{text(moment.isoformat())}">{text(stamp)}'
            f"</time></th>{''.join(cells)}</tr>"
        )
    caption = spec.title
    if spec.units:
        caption = texts("chart_table_caption", title=spec.title, units=spec.units)
    return (
        f'<details class="chart-data" part="chart-data"><summary part="chart-toggle">'
        f"{text(texts('chart_show_table'))}</summary>"
        f'<table class="chart-table" part="chart-table"><caption>{text(caption)}</caption>'
        f'<thead><tr><th scope="col">{text(texts("chart_date"))}</th>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def render_line_chart(spec: ChartSpec, options: RenderOptions | None = None) -> str:
    """A `<figure>` with the SVG chart (focusable, `role="img"`) and its data table."""
    options = options or RenderOptions()
    summary = chart_summary(spec, options)
    figure_attrs = attrs(
        {
            "class": "chart",
            "part": "chart",
            "data-chart-id": spec.chart_id,
            "data-points": sum(len(series.points) for series in spec.series),
        }
    )
    return (
        f'<figure{figure_attrs}><div class="chart-frame" part="chart-frame" tabindex="0" '
        f'role="group" aria-label="{text(spec.title)}">{_svg(spec, options, summary)}</div>'
        f"{_table(spec, options) if any(s.points for s in spec.series) else ''}</figure>"
    )
