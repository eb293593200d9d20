"""Bar charts as plain geometry, drawn by the template as inline SVG (no script, no library).

Pure: numbers in, rectangles out, so the scale is tested without a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
#: Room under the bars for the labels, and above the tallest bar for its value.
LABEL_ROOM = 28
VALUE_ROOM = 20
#: At least this many bar slots, so one bar is a bar, not a wall (twelve: a year of months).
MIN_SLOTS = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int

    @property
    def baseline(self) -> float:
        return self.height - LABEL_ROOM


def bar_chart(
    points: Sequence[tuple[str, float]], width: int = WIDTH, height: int = HEIGHT
) -> Chart:
    """One bar per (label, value), left to right, heights scaled so the largest value fills the
    plot."""
    if not points:
        return Chart([], width, height)
    plot = height - LABEL_ROOM - VALUE_ROOM
    largest = max(value for _, value in points) or 1.0
    slot = width / max(len(points), MIN_SLOTS)
    bar_width = slot * 0.7
    bars = []
    for i, (label, value) in enumerate(points):
        bar_height = plot * max(value, 0.0) / largest
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(i * slot + (slot - bar_width) / 2, 1),
                y=round(height - LABEL_ROOM - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
            )
        )
    return Chart(bars, width, height)
