"""Dates as listings print them ("Jun 20, 2024", "Jan 9"), resolved to ISO dates."""

from __future__ import annotations

import calendar
import os
import re
from datetime import UTC, date, datetime

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A metadata date may carry a trailing upvote count: "Jun 20, 2024 1", "Jan 9 3".
DATE_LINE = re.compile(
    rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?(?:\s+(?P<votes>\d+))?$",
    re.IGNORECASE,
)


def build_date() -> date:
    """The reference 'today': ``SOURCE_DATE_EPOCH`` when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


def latest_year(month: int, day: int, reference: date) -> date:
    """The latest date with this month and day that is not after ``reference``."""
    year = reference.year
    for candidate in range(year, year - 9, -1):  # 8 years back always meets a Feb 29
        try:
            resolved = date(candidate, month, day)
        except ValueError:
            continue
        if resolved <= reference:
            return resolved
    raise ValueError(f"no valid date for month {month} day {day}")


def parse_month_day(text: str, reference: date) -> tuple[date, int | None] | None:
    """Parse a listing date line; returns the date and the upvote count, or None."""
    m = DATE_LINE.match(text.strip())
    if not m:
        return None
    month = MONTHS[m.group("month").lower()[:3]]
    day = int(m.group("day"))
    votes = int(m.group("votes")) if m.group("votes") else None
    try:
        if m.group("year"):
            return date(int(m.group("year")), month, day), votes
        return latest_year(month, day, reference), votes
    except ValueError:
        return None


def parse_iso(value: object) -> date | None:
    """Accept a YAML date, a datetime or a ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
