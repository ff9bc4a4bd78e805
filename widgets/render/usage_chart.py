"""A metered feature's usage this period as a chart (`<stigg-usage-meter history>`, the portal).

Adapts the SDK's `get_usage_history` answer to the generic chart (`widgets/render/chart.py`):
one line per series, the limit as a dashed line, resets as dotted lines, the x axis spanning the
usage period so the line stops at "now".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from stigg_client.models.usage import UsageHistoryV2
from widgets.render.chart import ChartPoint, ChartSeries, ChartSpec, render_line_chart
from widgets.render.common import RenderOptions
from widgets.render.usage import UsageInfo

FALLBACK_SPAN = timedelta(days=30)
"""How far back a chart of a feature that never resets reaches."""


def history_start(info: UsageInfo, now: datetime) -> datetime:
    """Where the chart starts: the current usage period's start, else 30 days back."""
    return info.period_start or now - FALLBACK_SPAN


def usage_chart_spec(info: UsageInfo, history: UsageHistoryV2, options: RenderOptions) -> ChartSpec:
    """The chart of `info`'s feature from `history` (an untagged series takes the feature's
    name; a grouped one its tag values)."""
    series = tuple(
        ChartSeries(
            ", ".join(tag.value or "-" for tag in item.tags) if item.tags else info.name,
            tuple(ChartPoint(p.timestamp, p.value, p.is_reset_point) for p in item.points),
        )
        for item in history.series
    )
    moments = [point.at for item in series for point in item.points]
    return ChartSpec(
        chart_id=f"usage-history-{info.feature_id}",
        title=options.texts("usage_history_title", name=info.name),
        series=series,
        units=info.units,
        limit=None if info.unlimited else info.limit,
        start=info.period_start or (min(moments) if moments else None),
        end=info.resets_at if info.resets_at and moments else None,
        resets=tuple(marker.timestamp for marker in history.markers),
    )


def render_usage_history(
    info: UsageInfo, history: UsageHistoryV2, options: RenderOptions | None = None
) -> str:
    """The chart's markup (see `render_line_chart`)."""
    options = options or RenderOptions()
    return render_line_chart(usage_chart_spec(info, history, options), options)
