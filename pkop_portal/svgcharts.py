"""Bar charts drawn on the server as inline SVG, for the staff statistics pages.

A chart is markup only: no script, no `style` attribute or element (the CSP allows neither);
colours and fonts come from classes styled in static/css/admin-portal.css, positions from SVG
geometry attributes. Each chart is one image for assistive technology (`role="img"` with a
<title> and a <desc> listing every bar's label and value); the figures stay in an accessible
table beside it, where each number is a link (a link inside an image would be hidden from
assistive technology and still take the keyboard focus, so bars carry none).
"""

from collections.abc import Sequence
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
LABEL_WIDTH = 200
VALUE_WIDTH = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LABEL_CHARS = 22
TONES = frozenset({"", "good", "bad", "muted"})


class Bar(NamedTuple):
    """One bar: its label, its value (a number >= 0) and an optional tone ("good", "bad",
    "muted"), styled by the class `svgchart-bar-<tone>`."""

    label: str
    value: int | float
    tone: str = ""


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(value) -> str:
    return number_format(value, force_grouping=True) if value is not None else "—"


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str = "") -> SafeString:
    """A horizontal bar chart of `bars` (in the given order) as an <svg> element, bars scaled
    to the largest value; `chart_id` (unique on the page) names the title and description for
    aria-labelledby, `unit` (e.g. "%") follows each value. Labels longer than LABEL_CHARS are
    shortened with "…" in the picture (the description keeps them whole). An empty `bars`
    gives an empty string."""
    if not bars:
        return mark_safe("")
    for bar in bars:
        if bar.tone not in TONES:
            raise ValueError(f"unknown tone {bar.tone!r}")
        if bar.value is not None and bar.value < 0:
            raise ValueError("bar values must be >= 0")
    largest = max((bar.value or 0 for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 4
    rows = []
    for index, bar in enumerate(bars):
        top = 2 + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT // 2
        length = round(room * (bar.value or 0) / largest, 1)
        tone = f" svgchart-bar-{bar.tone}" if bar.tone else ""
        value = f"{_number(bar.value)}{unit}"
        rows.append(
            format_html(
                '<text class="svgchart-label" x="{}" y="{}" text-anchor="end"'
                ' dominant-baseline="middle">{}</text>'
                '<rect class="svgchart-bar{}" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="svgchart-value" x="{}" y="{}" dominant-baseline="middle">{}</text>',
                LABEL_WIDTH - 8,
                middle,
                _short(bar.label),
                tone,
                LABEL_WIDTH,
                middle - BAR_HEIGHT // 2,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                middle,
                value,
            )
        )
    description = "; ".join(
        f"{' '.join(str(bar.label).split())}: {_number(bar.value)}{unit}" for bar in bars
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="svgchart" id="{id}"'
        ' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        ' aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        '<line class="svgchart-axis" x1="{axis}" y1="0" x2="{axis}" y2="{height}"></line>'
        "{rows}</svg>",
        id=chart_id,
        width=WIDTH,
        height=height,
        title=title,
        description=description,
        axis=LABEL_WIDTH,
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )
