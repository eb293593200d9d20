"""Bar chart geometry: the largest value fills the plot, bars sit on the baseline, in order."""

from __future__ import annotations

from app.web.charts import LABEL_ROOM, VALUE_ROOM, bar_chart


def test_bars_are_scaled_to_the_largest_value_and_stand_on_the_baseline() -> None:
    chart = bar_chart([("2026-01", 10.0), ("2026-02", 40.0), ("2026-03", 0.0)], 300, 200)
    plot = 200 - LABEL_ROOM - VALUE_ROOM
    assert [b.label for b in chart.bars] == ["2026-01", "2026-02", "2026-03"]
    assert [b.height for b in chart.bars] == [plot / 4, plot, 0]
    assert all(b.y + b.height == chart.baseline for b in chart.bars)
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x
    assert chart.bars[2].x + chart.bars[2].width <= 300 * 3 / 12  # slots for a year of months


def test_no_points_no_bars_and_all_zero_values_do_not_divide_by_zero() -> None:
    assert bar_chart([]).bars == []
    assert [b.height for b in bar_chart([("a", 0.0)]).bars] == [0]
