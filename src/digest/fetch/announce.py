"""arXiv's announcement schedule: which day's listing a new submission first appears in.

The rule is arXiv's published schedule ("Availability of submissions",
https://info.arxiv.org/help/availability.html, source ``source/help/availability.md`` in
github.com/arXiv/arxiv-docs, read 2026-11-27), all times US Eastern:

    submissions received between        announced
    Monday 14:00 - Tuesday 14:00        Tuesday 20:00
    Tuesday 14:00 - Wednesday 14:00     Wednesday 20:00
    Wednesday 14:00 - Thursday 14:00    Thursday 20:00
    Thursday 14:00 - Friday 14:00       Sunday 20:00
    Friday 14:00 - Monday 14:00         Monday 20:00

An announcement is named by the date arXiv itself gives it: the next day. The
announcement feed built after Tuesday's 20:00 announcement is dated Wednesday
(rss.arxiv.org's ``<published>2025-08-20T00:00:00-04:00`` on the feed announced the
evening of Tuesday 2025-08-19), and so is the ``/list/.../new`` page ("new listings
for Wednesday"). So an edition is a weekday, Monday to Friday: the 14:00 deadline a
submission makes is on a weekday, and its edition is the next weekday (a Friday
deadline is announced Sunday evening, dated Monday). A submission at exactly 14:00:00
counts as after the deadline (the table's ranges meet there; arXiv's form closes at it).

Times are converted with ``zoneinfo`` America/New_York, so the deadline is 18:00 UTC in
summer (EDT) and 19:00 UTC in winter (EST), switching on the DST dates of each year.

What cannot be known offline: arXiv holidays and deferred mailings (listed on the page
above year by year, e.g. Thanksgiving, 25 December), and submissions held in moderation.
On such days the rule still gives the regular weekday, deterministically; arXiv's own
listing may then carry the paper a day or more later. Only arXiv's announcement feed
(rss.arxiv.org, one category, the latest listing only; ``digest.fetch.arxiv_rss``)
states the true date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["DEADLINE", "EASTERN", "announcement_day", "is_edition_day", "listing_days_back",
           "parse_time", "submission_window"]

EASTERN = ZoneInfo("America/New_York")
DEADLINE = time(14, 0)  # US Eastern, Monday to Friday
_FRIDAY = 4


def _next_weekday(day: date) -> date:
    """The next Monday-to-Friday date after ``day``."""
    day += timedelta(days=1)
    while day.weekday() > _FRIDAY:
        day += timedelta(days=1)
    return day


def _previous_weekday(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() > _FRIDAY:
        day -= timedelta(days=1)
    return day


def parse_time(stamp: str) -> datetime:
    """An ISO 8601 time from a feed; one without an offset is UTC (the API's is GMT)."""
    moment = datetime.fromisoformat(stamp.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def announcement_day(submitted: datetime | str) -> date:
    """The date of the listing that announces a first version submitted at ``submitted``."""
    moment = parse_time(submitted) if isinstance(submitted, str) else submitted
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(EASTERN)
    deadline = local.date()
    if deadline.weekday() > _FRIDAY or local.time() >= DEADLINE:
        deadline = _next_weekday(deadline)
    return _next_weekday(deadline)


def is_edition_day(day: date) -> bool:
    """arXiv dates its announcements Monday to Friday only."""
    return day.weekday() <= _FRIDAY


def submission_window(day: date) -> tuple[datetime, datetime] | None:
    """The UTC times ``[start, end)`` of the first versions announced in ``day``'s
    listing, or None for a Saturday or Sunday (no listing is dated then)."""
    if not is_edition_day(day):
        return None
    deadline = _previous_weekday(day)
    start = datetime.combine(_previous_weekday(deadline), DEADLINE, EASTERN)
    end = datetime.combine(deadline, DEADLINE, EASTERN)
    return start.astimezone(UTC), end.astimezone(UTC)


def listing_days_back(today: date, count: int) -> date:
    """The earliest of the ``count`` latest listing dates up to ``today``: a backfill
    counted in listings, so a Monday run with 3 reaches back to Thursday, not Saturday
    (a listing arXiv deferred, or the API caught up with late, is asked again)."""
    day = today
    while not is_edition_day(day):
        day -= timedelta(days=1)
    for _ in range(count - 1):
        day = _previous_weekday(day)
    return day
