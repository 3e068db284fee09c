"""How each topic moves over time: papers per month, from the dated papers.

The months run from the first dated paper's month to the last one's, every month in
between included (an empty month is a zero, not a gap), at most ``MAX_MONTHS`` of
them: the charts of a digest going back decades show its latest ten years. "Now" is
the newest paper's month, never the clock, so the same papers give the same figures
on any day. A paper counts once in each of its topics, on its effective date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from digest.model import Paper

MAX_MONTHS = 120
WINDOW = 3  # months compared for "growing": the last three against the three before
GROWING = 3  # topics the home page names


@dataclass(frozen=True)
class Trends:
    """Papers per month for each topic, on one calendar."""

    months: tuple[str, ...]  # "YYYY-MM", oldest first, consecutive
    counts: dict[str, tuple[int, ...]]  # topic slug → papers in each of ``months``
    earlier: dict[str, int]  # topic slug → its dated papers before the first month
    undated: dict[str, int]  # topic slug → its papers without a date

    @property
    def peak(self) -> int:
        """The most papers any topic has in one month: the shared scale of small charts."""
        return max((max(c, default=0) for c in self.counts.values()), default=0)


@dataclass(frozen=True)
class Growth:
    """A topic's papers in the last ``WINDOW`` months and in the ``WINDOW`` before."""

    slug: str
    recent: int
    before: int
    first: str  # first and last month of the recent window ("YYYY-MM")
    last: str


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ("YYYY-MM"), both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def monthly(papers: Iterable[Paper], topics: Sequence[str]) -> Trends:
    """Papers per month for each of ``topics`` (slugs), from the papers with a date."""
    dated = []
    undated = dict.fromkeys(topics, 0)
    for paper in papers:
        if paper.effective_date:
            dated.append((paper.effective_date[:7], paper.topics))
        else:
            for slug in paper.topics:
                if slug in undated:
                    undated[slug] += 1
    if not dated:
        return Trends((), {slug: () for slug in topics}, dict.fromkeys(topics, 0), undated)
    months = month_range(min(m for m, _ in dated), max(m for m, _ in dated))[-MAX_MONTHS:]
    index = {month: i for i, month in enumerate(months)}
    counts = {slug: [0] * len(months) for slug in topics}
    earlier = dict.fromkeys(topics, 0)
    for month, slugs in dated:
        at = index.get(month)
        for slug in slugs:
            if slug not in counts:
                continue
            if at is None:
                earlier[slug] += 1
            else:
                counts[slug][at] += 1
    return Trends(tuple(months), {slug: tuple(c) for slug, c in counts.items()}, earlier,
                  undated)


def patched(before: Trends, gone: Iterable[Paper | None], added: Iterable[Paper | None]
            ) -> Trends | None:
    """``before`` with the papers ``gone`` no longer counted and ``added`` counted, as
    ``monthly`` counts them; None when one of them is dated outside the months strictly
    inside the charts' span (it may move the span, which ``monthly`` works out)."""
    if not before.months:
        return None
    first, last = before.months[0], before.months[-1]
    index = {month: i for i, month in enumerate(before.months)}
    counts = {slug: list(c) for slug, c in before.counts.items()}
    undated = dict(before.undated)
    for sign, papers in ((-1, gone), (1, added)):
        for paper in papers:
            if paper is None:
                continue
            when = paper.effective_date
            if when and not first < when[:7] < last:
                return None
            for slug in paper.topics:
                if slug not in counts:
                    continue
                if when:
                    counts[slug][index[when[:7]]] += sign
                else:
                    undated[slug] += sign
    return Trends(before.months, {slug: tuple(c) for slug, c in counts.items()},
                  dict(before.earlier), undated)


def growing(trends: Trends, limit: int = GROWING, window: int = WINDOW) -> list[Growth]:
    """The topics with the largest rise from the ``window`` months before the last
    ``window`` months to those (more papers, and most new ones first; ties keep the
    topics' order)."""
    if len(trends.months) < window:
        return []
    first, last = trends.months[-window], trends.months[-1]
    found = []
    for slug, counts in trends.counts.items():
        recent = sum(counts[-window:])
        before = sum(counts[-2 * window:-window])
        if recent > before:
            found.append(Growth(slug, recent, before, first, last))
    found.sort(key=lambda g: -(g.recent - g.before))  # stable: ties keep the topic order
    return found[:limit]


def chart(name: str, counts: Sequence[int], months: Sequence[str], scale: int,
          earlier: int = 0, undated: int = 0) -> dict[str, object]:
    """The view ``output/charts.py`` draws: the bars' figures on a scale of ``scale``,
    a sentence stating them (the chart's accessible name) and the months as table rows."""
    from digest.site.views import month_label

    total = sum(counts)
    first, last = (month_label(months[0]), month_label(months[-1])) if months else ("", "")
    if total:
        peak = max(counts)
        top = months[len(counts) - 1 - counts[::-1].index(peak)]  # the latest tallest month
        title = (f"{name}, papers per month from {first} to {last}: "
                 f"{plural(total, 'dated paper')}, most in {month_label(top)} ({peak}); "
                 f"{sum(counts[-WINDOW:])} in the last three months.")
    else:
        title = f"{name}: no dated papers from {first} to {last}."
    for left_out, why in ((earlier, "earlier"), (undated, "undated")):
        if left_out:
            title += (f" {plural(left_out, why + ' paper')} "
                      f"{'is' if left_out == 1 else 'are'} not in the chart.")
    return {
        "title": title, "counts": tuple(counts), "months": tuple(months), "scale": scale,
        "first": first, "last": last, "total": total, "years": years(months),
        "rows": [{"label": month_label(m), "count": c}
                 for m, c in zip(reversed(months), reversed(counts), strict=True) if c],
    }


def span(first: str, last: str) -> str:
    """Two months as a short range: ``Jan–Mar 2026``, ``Nov 2025–Jan 2026``."""
    start, end = date.fromisoformat(first + "-01"), date.fromisoformat(last + "-01")
    if start.year == end.year:
        return f"{start:%b}–{end:%b} {end.year}"
    return f"{start:%b} {start.year}–{end:%b} {end.year}"


def plural(count: int, noun: str = "paper") -> str:
    """``1 paper``, ``2 papers``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def years(months: Sequence[str], least: int = 4) -> list[dict[str, object]]:
    """The calendar years ``months`` spans, each with its number of months, for labels
    under a chart; a year of fewer than ``least`` months has no label (no room)."""
    out: list[dict[str, object]] = []
    for month in months:
        if out and out[-1]["year"] == month[:4]:
            out[-1]["months"] += 1  # type: ignore[operator]
        else:
            out.append({"year": month[:4], "months": 1})
    for year in out:
        year["label"] = year["year"] if year["months"] >= least else ""  # type: ignore[operator]
    return out
