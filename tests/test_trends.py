"""Papers per month per topic (site/trends.py) and their SVG charts (output/charts.py)."""

from __future__ import annotations

import re

from digest.model import Paper, Source
from digest.output import charts
from digest.site import trends


def paper(pid: str, day: str | None, *topics: str, listing_day: str | None = None) -> Paper:
    sources = (Source("l", 1, "l.txt", 1, listing_day),) if listing_day else ()
    return Paper(id=pid, title=pid, date=day, topics=topics, sources=sources)


def test_month_range_crosses_years() -> None:
    assert trends.month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01",
                                                        "2025-02"]
    assert trends.month_range("2025-03", "2025-03") == ["2025-03"]


def test_monthly_counts_each_topic_on_one_calendar() -> None:
    papers = [
        paper("a", "2024-11-30", "x"),
        paper("b", "2025-01-02", "x", "y"),
        paper("c", "2025-01-31", "x"),
        paper("d", None, "y", listing_day="2025-02-10"),  # the listing's date counts
        paper("e", None, "y"),  # undated
        paper("f", "2025-01-05", "unknown-topic"),
    ]
    found = trends.monthly(papers, ["x", "y"])
    assert found.months == ("2024-11", "2024-12", "2025-01", "2025-02")
    assert found.counts == {"x": (1, 0, 2, 0), "y": (0, 0, 1, 1)}
    assert found.undated == {"x": 0, "y": 1}
    assert found.earlier == {"x": 0, "y": 0}
    assert found.peak == 2


def test_a_long_digest_charts_its_latest_ten_years() -> None:
    papers = [paper("old", "1999-05-01", "x"), paper("new", "2025-12-01", "x")]
    found = trends.monthly(papers, ["x"])
    assert len(found.months) == trends.MAX_MONTHS == 120
    assert found.months[0] == "2016-01" and found.months[-1] == "2025-12"
    assert found.earlier == {"x": 1} and sum(found.counts["x"]) == 1


def test_no_dated_paper_means_no_months() -> None:
    found = trends.monthly([paper("a", None, "x")], ["x"])
    assert found.months == () and found.counts == {"x": ()} and found.peak == 0


def test_growing_compares_the_last_three_months_with_the_three_before() -> None:
    found = trends.Trends(
        months=("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"),
        counts={"flat": (1, 1, 1, 1, 1, 1), "up": (0, 1, 0, 2, 2, 1), "down": (3, 0, 0, 1, 0, 0),
                "up-too": (0, 0, 1, 1, 2, 1), "new": (0, 0, 0, 0, 0, 1)},
        earlier={}, undated={})
    grown = trends.growing(found)
    # up: 5 from 1 (+4); up-too: 4 from 1 (+3); new: 1 from 0 (+1); flat and down did not.
    assert [(g.slug, g.recent, g.before) for g in grown] == [("up", 5, 1), ("up-too", 4, 1),
                                                            ("new", 1, 0)]
    assert (grown[0].first, grown[0].last) == ("2025-04", "2025-06")
    assert trends.growing(found, limit=1)[0].slug == "up"
    assert trends.span("2025-04", "2025-06") == "Apr–Jun 2025"
    assert trends.span("2024-11", "2025-01") == "Nov 2024–Jan 2025"


def test_growing_ties_keep_the_topic_order() -> None:
    found = trends.Trends(months=("2025-01", "2025-02", "2025-03"),
                          counts={"b": (0, 1, 1), "a": (1, 1, 0)}, earlier={}, undated={})
    assert [g.slug for g in trends.growing(found)] == ["b", "a"]


def test_the_chart_view_states_the_figures() -> None:
    view = trends.chart("Robots", (1, 0, 3, 0, 2), ("2024-11", "2024-12", "2025-01",
                                                    "2025-02", "2025-03"), 3, earlier=2,
                        undated=1)
    assert view["title"] == ("Robots, papers per month from November 2024 to March 2025: "
                             "6 dated papers, most in January 2025 (3); 5 in the last three "
                             "months. 2 earlier papers are not in the chart. 1 undated paper "
                             "is not in the chart.")
    assert view["rows"] == [{"label": "March 2025", "count": 2},
                            {"label": "January 2025", "count": 3},
                            {"label": "November 2024", "count": 1}]
    assert view["years"] == [{"year": "2024", "months": 2, "label": ""},
                             {"year": "2025", "months": 3, "label": ""}]
    assert trends.years(["2024-08", "2024-09", "2024-10", "2024-11", "2025-01"])[0]["label"] \
        == "2024"


def test_bars_are_drawn_to_scale_with_a_tick_before_january() -> None:
    svg = str(charts.month_bars((0, 4, 1, 2), ("2024-11", "2024-12", "2025-01", "2025-02"), 4,
                                "Robots & <co>"))
    assert svg.startswith('<svg class="trend-chart" role="img" viewBox="0 0 40 100" '
                          'preserveAspectRatio="none" fill="currentColor">'
                          "<title>Robots &amp; &lt;co&gt;</title>")
    rects = re.findall(r'<rect x="(\d+)" y="([\d.]+)" width="8" height="([\d.]+)"/>', svg)
    assert rects == [("11", "0", "100"), ("21", "75", "25"), ("31", "50", "50")]
    assert re.findall(r'<line class="tick" x1="(\d+)"', svg) == ["20"]
    assert svg.endswith('<line class="baseline" x1="0" y1="100" x2="40" y2="100"/></svg>')


def test_one_paper_stays_visible_on_a_tall_scale() -> None:
    assert charts.bar_height(1, 300) == charts.LEAST
    assert charts.bar_height(0, 300) == 0
    assert charts.bar_height(3, 7) == 42.86
    small = str(charts.trend_chart({"counts": (1,), "months": ("2025-01",), "scale": 300,
                                    "title": "t"}, small=True))
    assert 'class="trend-chart small"' in small
    assert f'height="{charts.SMALL_LEAST}"' in small
