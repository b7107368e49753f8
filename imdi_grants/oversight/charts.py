"""Bar charts drawn on the server as SVG: no JavaScript, and no inline style (the
Content-Security-Policy forbids it), only SVG's presentation attributes. The geometry is worked
out here; ``oversight/_bar_chart.html`` and ``oversight/_timeline.html`` draw it with a
``<title>`` and ``<desc>`` for screen readers, and every chart stands beside a table of its
numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from imdi_grants.lib.money import format_nok

#: Designsystemet's accent blue and a dark green: both at least 3:1 against white (WCAG 1.4.11).
FILLS = ("#0062ba", "#1b6a35")
TEXT = "#1e2b3c"

LABEL_WIDTH = 170
BAR_AREA = 290
VALUE_WIDTH = 120
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 12
LEGEND_HEIGHT = 28
LABEL_CHARS = 24


@dataclass(frozen=True)
class Series:
    name: str
    fill: str


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    fill: str
    value: str
    text_x: int
    text_y: int


@dataclass
class BarRow:
    label: str  # shortened to fit the chart
    full_label: str
    label_y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    series: list[tuple[Series, int, int]]  # each with its legend swatch's x and its text's x
    rows: list[BarRow]
    legend_y: int = 8


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _scaled(value: Decimal, largest: Decimal, room: int) -> int:
    if value <= 0 or largest <= 0:
        return 0
    return max(1, round(room * value / largest))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Decimal]]],
    value_format: Callable[[Decimal], str] = format_nok,
) -> BarChart:
    """A horizontal bar chart: one group of bars per row (one bar per series, in the legend's
    order), scaled to the largest value, each bar with its value written after it."""
    named = [Series(name, FILLS[i % len(FILLS)]) for i, name in enumerate(series)]
    largest = max((v for _label, values in rows for v in values), default=Decimal(0))
    group = len(named) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    legend, x = [], LABEL_WIDTH
    for one in named:
        legend.append((one, x, x + BAR_HEIGHT + 6))
        x += BAR_HEIGHT + 12 + 7 * len(one.name)
    chart_rows, y = [], LEGEND_HEIGHT
    for label, values in rows:
        row = BarRow(label=_short(label), full_label=label, label_y=y + group // 2 + 4)
        for index, (one, value) in enumerate(zip(named, values, strict=True)):
            top = y + index * (BAR_HEIGHT + BAR_GAP)
            width = _scaled(Decimal(value), largest, BAR_AREA)
            row.bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top,
                    width=width,
                    height=BAR_HEIGHT,
                    fill=one.fill,
                    value=value_format(value),
                    text_x=LABEL_WIDTH + width + 6,
                    text_y=top + BAR_HEIGHT - 3,
                )
            )
        chart_rows.append(row)
        y += group + ROW_GAP
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=max(y, LEGEND_HEIGHT + ROW_GAP),
        series=legend,
        rows=chart_rows,
    )


DAY_WIDTH = 18
TIMELINE_TOP = 20
TIMELINE_BARS = 110
TIMELINE_LEFT = 8


@dataclass(frozen=True)
class DayBar:
    day: dt.date
    count: int
    x: int
    y: int
    width: int
    height: int
    text_x: int
    count_y: int
    label: str  # the date under the axis, on Mondays and the first day only


@dataclass
class Timeline:
    id: str
    title: str
    description: str
    width: int
    height: int
    axis_y: int
    label_y: int
    days: list[DayBar]
    fill: str = FILLS[0]


def timeline_chart(
    *, chart_id: str, title: str, description: str, counts: Sequence[tuple[dt.date, int]]
) -> Timeline:
    """A column per day, as high as the number of deadlines that day, its count above it; the
    date under the first day and under each Monday."""
    largest = max((count for _day, count in counts), default=0)
    axis = TIMELINE_TOP + TIMELINE_BARS
    days = []
    for index, (day, count) in enumerate(counts):
        height = round(TIMELINE_BARS * count / largest) if largest and count else 0
        x = TIMELINE_LEFT + index * DAY_WIDTH
        days.append(
            DayBar(
                day=day,
                count=count,
                x=x + 2,
                y=axis - height,
                width=DAY_WIDTH - 4,
                height=height,
                text_x=x + DAY_WIDTH // 2,
                count_y=axis - height - 4,
                label=f"{day.day}.{day.month}." if index == 0 or day.weekday() == 0 else "",
            )
        )
    return Timeline(
        id=chart_id,
        title=title,
        description=description,
        width=TIMELINE_LEFT * 2 + len(counts) * DAY_WIDTH + 16,
        height=axis + 24,
        axis_y=axis,
        label_y=axis + 16,
        days=days,
    )
