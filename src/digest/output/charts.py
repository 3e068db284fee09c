"""Inline SVG charts of papers per month, drawn at build time (no script, no request).

A chart is bars in a ``viewBox`` that the page stretches to its width
(``preserveAspectRatio="none"``), so it fits a phone as well as a desktop; its text
(the first and last month, the figures) is HTML beside it, legible at any width.
Colours come from the theme: bars are ``currentColor`` (the stylesheet sets it to the
accent of the light or dark scheme), so the chart follows the reader's scheme.
``role="img"`` with a ``<title>`` stating the figures gives it an accessible name;
the pages also give the same figures as a table or as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import markupsafe

STEP = 10  # user units per month: a bar and its gap
BAR = 8
HEIGHT = 100
LEAST = 2  # the shortest bar of a month with papers, so one paper is never invisible
SMALL_LEAST = 6  # the same in a small chart (a few pixels high)


def _number(value: float) -> str:
    """At most two decimals and no trailing zeros: the same bytes in every build."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_height(count: int, scale: int, least: float = LEAST) -> float:
    """The height of a month's bar in user units (``HEIGHT`` for ``scale`` papers)."""
    if count <= 0 or scale <= 0:
        return 0.0
    return max(round(count * HEIGHT / scale, 2), least)


def month_bars(counts: Sequence[int], months: Sequence[str], scale: int, title: str,
               css_class: str = "trend-chart", least: float = LEAST) -> markupsafe.Markup:
    """One bar per month on a scale of ``scale`` papers, with a tick before each January."""
    width = max(len(counts), 1) * STEP
    parts = [(f'<svg class="{css_class}" role="img" viewBox="0 0 {width} {HEIGHT}" '
              f'preserveAspectRatio="none" fill="currentColor">'),
             f"<title>{escape(title, quote=False)}</title>"]
    parts += [f'<line class="tick" x1="{i * STEP}" y1="0" x2="{i * STEP}" y2="{HEIGHT}"/>'
              for i, month in enumerate(months) if i and month.endswith("-01")]
    for i, count in enumerate(counts):
        height = bar_height(count, scale, least)
        if height:
            parts.append(f'<rect x="{i * STEP + (STEP - BAR) // 2}" '
                         f'y="{_number(HEIGHT - height)}" width="{BAR}" '
                         f'height="{_number(height)}"/>')
    parts.append(f'<line class="baseline" x1="0" y1="{HEIGHT}" x2="{width}" y2="{HEIGHT}"/>')
    parts.append("</svg>")
    return markupsafe.Markup("".join(parts))


def trend_chart(view: Mapping[str, object], small: bool = False) -> markupsafe.Markup:
    """``month_bars`` of a view made by ``site.trends.chart`` (a Jinja global); a small
    chart (a row of a list) makes a single paper's bar taller, to stay visible."""
    return month_bars(view["counts"], view["months"], view["scale"],  # type: ignore[arg-type]
                      str(view["title"]), "trend-chart small" if small else "trend-chart",
                      SMALL_LEAST if small else LEAST)
