"""The SPC chart's geometry: scales, breaks at rebases, colours by point type, targets that
step. No database."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest

from lodestar.performance import chart


@dataclass(frozen=True)
class P:
    period: datetime.date
    value: float
    baseline: int = 0
    mean: float | None = 10.0
    lower_limit: float | None = 4.0
    upper_limit: float | None = 16.0
    point_type: str = "common_cause"


@dataclass(frozen=True)
class T:
    period: datetime.date | None
    target: float | None


def constant(target: float) -> list[T]:
    return [T(None, target)]


def month(i: int) -> datetime.date:
    return datetime.date(2024 + i // 12, i % 12 + 1, 1)


def series(values: list[float], **kw: object) -> list[P]:
    return [P(month(i), v, **kw) for i, v in enumerate(values)]  # type: ignore[arg-type]


def xs_of(path: str) -> list[float]:
    """The x of every point a polyline path passes through."""
    return [float(n) for n in re.findall(r"-?[\d.]+", path)[0::2]]


def moves(path: str) -> int:
    """How many separate lines a path draws: one per M command."""
    return path.count("M")


def test_a_linear_scale_maps_the_domain_onto_the_range() -> None:
    scale = chart.Scale(0, 10, 100, 0)
    assert scale(0) == 100
    assert scale(10) == 0
    assert scale(2.5) == 75


def test_a_scale_of_a_single_value_puts_it_in_the_middle() -> None:
    assert chart.Scale(5, 5, 0, 100)(5) == 50


def test_ticks_are_round_numbers_that_enclose_the_data() -> None:
    assert chart.nice_ticks(3.2, 17.9) == [0, 5, 10, 15, 20]
    assert chart.nice_ticks(0.11, 0.29) == [0.1, 0.15, 0.2, 0.25, 0.3]
    ticks = chart.nice_ticks(92.3, 96.1)
    assert ticks[0] <= 92.3 and ticks[-1] >= 96.1
    assert len(ticks) <= 7


def test_a_flat_series_gets_a_band_around_its_value() -> None:
    ticks = chart.nice_ticks(50, 50)
    assert ticks[0] < 50 < ticks[-1]
    assert chart.nice_ticks(0, 0)[0] < 0


def test_the_range_includes_the_limits_and_the_target() -> None:
    points = series([10, 11, 9])
    assert chart.value_range(points) == (4.0, 16.0)
    assert chart.value_range(points, [95.0, 95.0, None]) == (4.0, 95.0)


def test_missing_limits_are_left_out_of_the_range() -> None:
    points = series([10, 12], lower_limit=None, upper_limit=None)
    assert chart.value_range(points, [None, None]) == (10, 12)


def test_a_higher_value_is_drawn_higher_on_the_page() -> None:
    drawn = chart.draw(series([5, 15]))
    first, second = re.findall(r"[ML]([\d.]+) ([\d.]+)", drawn.values)
    assert float(second[1]) < float(first[1])  # SVG y grows downwards
    assert float(second[0]) > float(first[0])


def test_every_line_is_inside_the_plot_area() -> None:
    drawn = chart.draw(series([1, 30, 12, 7]), targets=constant(40))
    numbers = [float(n) for n in re.findall(r"[\d.]+", drawn.values + drawn.mean)]
    xs, ys = numbers[0::2], numbers[1::2]
    assert all(drawn.plot_left <= x <= drawn.plot_right for x in xs)
    assert all(drawn.plot_top <= y <= drawn.plot_bottom for y in ys)
    [(left, height, right)] = segments(drawn.target)
    assert (left, right) == (drawn.plot_left, drawn.plot_right)
    assert drawn.plot_top <= height <= drawn.plot_bottom


def test_dates_set_the_spacing_so_a_gap_in_the_data_shows() -> None:
    points = [P(month(0), 1), P(month(1), 2), P(month(5), 3)]
    xs = xs_of(chart.draw(points).values)
    assert xs[2] - xs[1] > 3 * (xs[1] - xs[0])


def test_without_a_rebase_each_line_is_one_stroke() -> None:
    drawn = chart.draw(series([10, 11, 9, 12]))
    assert (moves(drawn.values), moves(drawn.mean), moves(drawn.upper)) == (1, 1, 1)
    assert drawn.rebases == ()


def test_a_rebase_breaks_every_line_and_puts_a_marker_between_the_baselines() -> None:
    before = series([10, 11, 9, 12])
    after = [
        P(month(4 + i), v, baseline=1, mean=30, lower_limit=25, upper_limit=35)
        for i, v in enumerate([30, 31, 29])
    ]
    drawn = chart.draw(before + after)
    assert moves(drawn.values) == 2
    assert moves(drawn.mean) == 2
    assert moves(drawn.lower) == 2 and moves(drawn.upper) == 2
    [marker] = drawn.rebases
    x3, x4 = xs_of(drawn.values)[3:5]
    assert x3 < marker < x4


def test_the_mean_of_each_baseline_is_drawn_at_its_own_level() -> None:
    before = series([10, 11], mean=10.5)
    after = [P(month(2 + i), v, baseline=1, mean=30.5) for i, v in enumerate([30, 31])]
    drawn = chart.draw(before + after)
    levels = [float(y) for y in re.findall(r"M[\d.]+ ([\d.]+) H", drawn.mean)]
    assert len(levels) == 2 and levels[1] < levels[0]


def test_undefined_limits_draw_no_limit_line() -> None:
    drawn = chart.draw(series([5, 5, 5], lower_limit=None, upper_limit=None))
    assert drawn.lower == "" and drawn.upper == ""
    assert drawn.mean != ""


def test_points_are_grouped_by_point_type_with_the_mdc_colours() -> None:
    points = [
        P(month(0), 10),
        P(month(1), 20, point_type="special_cause_concern"),
        P(month(2), 21, point_type="special_cause_concern"),
        P(month(3), 1, point_type="special_cause_improvement"),
        P(month(4), 8, point_type="special_cause_neutral_low"),
    ]
    dots = {d.point_type: d for d in chart.draw(points).dots}
    assert dots["common_cause"].colour == "#a6a6a6"
    assert dots["special_cause_improvement"].colour == "#00b0f0"
    assert dots["special_cause_concern"].colour == "#e46c0a"
    assert dots["special_cause_neutral_low"].colour == "#490092"
    assert dots["special_cause_concern"].path.count("M") == 2
    # Special-cause points are drawn after (on top of) the grey ones.
    assert chart.draw(points).dots[0].point_type == "common_cause"


def test_no_target_draws_no_target_line() -> None:
    assert chart.draw(series([1, 2])).target == ""
    assert chart.draw(series([1, 2]), targets=[T(None, None)]).target == ""


def segments(path: str) -> list[tuple[float, float, float]]:
    """Each horizontal stretch of a step line as (left, height, right)."""
    found = []
    for stroke in path.split("M")[1:]:
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", stroke)]
        left, height, right, rest = numbers[0], numbers[1], numbers[2], numbers[3:]
        found.append((left, height, right))
        for v, h in zip(rest[0::2], rest[1::2], strict=True):
            found.append((found[-1][2], v, h))
    return found


def test_a_target_that_rises_is_drawn_as_a_step_at_the_change() -> None:
    points = series([70, 72, 71, 73, 74, 72])
    drawn = chart.draw(points, targets=[T(None, 76.0), T(month(3), 78.0)])

    assert moves(drawn.target) == 1 and drawn.target.count("V") == 1
    before, after = segments(drawn.target)
    assert before[0] == drawn.plot_left and after[2] == drawn.plot_right
    xs = xs_of(drawn.values)
    assert before[2] == after[0] == round((xs[2] + xs[3]) / 2, 1)
    assert after[1] < before[1]  # higher on the page: a higher target


def test_each_point_is_held_to_the_target_of_its_time() -> None:
    points = series([1, 2, 3, 4, 5])
    targets = [T(None, 10.0), T(month(2), 20.0), T(month(4), None), T(month(9), 40.0)]
    assert chart.target_levels(points, targets) == [10.0, 10.0, 20.0, 20.0, None]


def test_a_change_to_no_target_ends_the_line_and_a_new_target_starts_it_again() -> None:
    points = series([1, 2, 3, 4, 5, 6])
    targets = [T(None, 10.0), T(month(2), None), T(month(4), 12.0)]
    drawn = chart.draw(points, targets=targets)
    assert moves(drawn.target) == 2 and "V" not in drawn.target
    first, second = segments(drawn.target)
    assert first[0] == drawn.plot_left and second[2] == drawn.plot_right


def test_a_change_before_the_first_point_or_after_the_last_is_not_a_step() -> None:
    points = [P(month(i), v) for i, v in ((3, 9.0), (4, 10.0), (5, 11.0))]
    targets = [T(None, 90.0), T(month(1), 12.0), T(month(8), 50.0)]
    drawn = chart.draw(points, targets=targets)
    assert moves(drawn.target) == 1 and "V" not in drawn.target
    # Only the target in force over the points is in the range: not 90, not 50.
    assert drawn.y_ticks[-1].position == drawn.plot_top
    assert float(drawn.y_ticks[-1].label) < 50


def test_every_target_shown_is_inside_the_range() -> None:
    points = series([10, 11, 9, 10])
    drawn = chart.draw(points, targets=[T(None, 2.0), T(month(2), 30.0)])
    labels = [float(t.label) for t in drawn.y_ticks]
    assert labels[0] <= 2.0 and labels[-1] >= 30.0
    for _, height, _ in segments(drawn.target):
        assert drawn.plot_top <= height <= drawn.plot_bottom


def test_no_points_is_an_empty_chart() -> None:
    drawn = chart.draw([])
    assert drawn.empty
    assert drawn.dots == () and drawn.x_ticks == ()


def test_a_single_point_is_drawn_with_a_stub_of_its_mean() -> None:
    drawn = chart.draw([P(month(0), 7, mean=7, lower_limit=None, upper_limit=None)])
    assert not drawn.empty
    assert moves(drawn.mean) == 1


def test_axis_labels_use_the_formatters_given() -> None:
    drawn = chart.draw(
        series([94.0, 96.0]),
        y_label=lambda v: f"{v:g}%",
        x_label=lambda d: d.strftime("%b"),
    )
    assert all(t.label.endswith("%") for t in drawn.y_ticks)
    assert [t.label for t in drawn.x_ticks] == ["Jan", "Feb"]


def test_long_series_label_only_some_months_so_labels_do_not_overlap() -> None:
    drawn = chart.draw(series([float(i % 5) for i in range(36)]))
    gaps = [
        b.position - a.position for a, b in zip(drawn.x_ticks, drawn.x_ticks[1:], strict=False)
    ]
    assert 3 <= len(drawn.x_ticks) < 12
    assert min(gaps) >= 60


@pytest.mark.parametrize("size", [chart.Size(), chart.Size(width=960, height=360)])
def test_ticks_sit_between_the_top_and_bottom_of_the_plot(size: chart.Size) -> None:
    drawn = chart.draw(series([3, 8, 5]), size=size)
    assert all(
        drawn.plot_top - 0.1 <= t.position <= drawn.plot_bottom + 0.1 for t in drawn.y_ticks
    )
