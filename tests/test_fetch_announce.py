"""arXiv's announcement schedule: a submission time → the date of the listing announcing it.

Every expected date is worked out by hand from arXiv's table (see the module docstring):
the 14:00 US Eastern deadline a submission makes (Monday to Friday), then the next
weekday, because the evening's announcement is dated the next day (Friday's deadline is
announced Sunday evening, dated Monday). Weekdays and DST dates were checked with
``date -d`` and ``zdump -v America/New_York``: in 2025 EDT runs from Sun 9 March to Sun
2 November, so the deadline is 18:00 UTC in between and 19:00 UTC outside.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from digest.fetch.announce import (
    announcement_day,
    is_edition_day,
    listing_days_back,
    submission_window,
)
from digest.fetch.arxiv import parse_feed

API = Path(__file__).resolve().parent / "fixtures" / "api"


def day(stamp: str) -> str:
    return announcement_day(stamp).isoformat()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the 14:00 deadline -------------------------------------------------------------------

def test_a_minute_before_the_deadline_is_announced_that_evening() -> None:
    # Tue 2025-10-21 13:59:59 EDT: Tuesday's deadline, announced Tue 20:00, dated Wed.
    assert day("2025-10-21T17:59:59Z") == "2025-10-22"


def test_at_the_deadline_waits_for_the_next_one() -> None:
    # Tue 14:00:00 EDT is after Tuesday's deadline: Wednesday's, dated Thursday.
    assert day("2025-10-21T18:00:00Z") == "2025-10-23"


def test_a_morning_submission_is_announced_the_same_evening() -> None:
    # Wed 2025-10-22 09:00 EDT: Wednesday's deadline, announced Wed 20:00, dated Thu.
    assert day("2025-10-22T13:00:00Z") == "2025-10-23"


# --- Thursday, Friday, the weekend --------------------------------------------------------

def test_thursday_before_the_deadline_is_dated_friday() -> None:
    assert day("2025-10-23T17:00:00Z") == "2025-10-24"  # Thu 13:00 EDT


def test_thursday_after_the_deadline_is_announced_sunday_dated_monday() -> None:
    assert day("2025-10-23T18:00:01Z") == "2025-10-27"  # Thu 14:00:01 EDT → Fri deadline


def test_friday_before_the_deadline_is_dated_monday() -> None:
    assert day("2025-10-24T17:00:00Z") == "2025-10-27"  # Fri 13:00 EDT, announced Sun


def test_friday_afternoon_waits_for_monday_evening() -> None:
    assert day("2025-10-24T18:30:00Z") == "2025-10-28"  # Fri 14:30 EDT → Mon deadline


def test_saturday_and_sunday_submissions_are_announced_monday_evening() -> None:
    assert day("2025-10-25T12:00:00Z") == "2025-10-28"  # Sat 08:00 EDT
    assert day("2025-10-26T23:00:00Z") == "2025-10-28"  # Sun 19:00 EDT
    assert day("2025-10-27T17:59:00Z") == "2025-10-28"  # Mon 13:59 EDT, same deadline


def test_editions_are_dated_monday_to_friday() -> None:
    assert [is_edition_day(date(2025, 10, d)) for d in range(20, 27)] == [
        True, True, True, True, True, False, False]  # Mon 20 … Sun 26


# --- US Eastern time, not UTC -------------------------------------------------------------

def test_a_utc_evening_is_still_the_same_eastern_afternoon() -> None:
    # Wed 2025-10-22 23:30 UTC is Wed 19:30 EDT: after Wednesday's deadline → Thu's → Fri.
    assert day("2025-10-22T23:30:00Z") == "2025-10-24"


def test_just_after_utc_midnight_is_the_eastern_evening_before() -> None:
    # Thu 2025-10-23 00:30 UTC is Wed 20:30 EDT: the same as above, not a Thursday morning.
    assert day("2025-10-23T00:30:00Z") == "2025-10-24"
    # Sat 2025-10-25 03:00 UTC is Fri 23:00 EDT: after Friday's deadline → Mon's → Tue.
    assert day("2025-10-25T03:00:00Z") == "2025-10-28"
    # Tue 2025-12-02 04:30 UTC is Mon 23:30 EST: Tuesday's deadline → Wed.
    assert day("2025-12-02T04:30:00Z") == "2025-12-03"


def test_an_offset_in_the_timestamp_is_honoured() -> None:
    assert day("2025-10-21T13:59:00-04:00") == "2025-10-22"
    assert announcement_day(utc("2025-10-21T18:00:00")) == date(2025, 10, 23)


def test_a_timestamp_without_offset_is_utc() -> None:
    assert day("2025-10-21T17:59:59") == "2025-10-22"
    assert day("2025-10-21T18:00:00") == "2025-10-23"


# --- daylight saving time -------------------------------------------------------------------

def test_march_dst_week_the_deadline_moves_from_19_to_18_utc() -> None:
    # Fri 2025-03-07 is EST: 18:30 UTC = 13:30 → Friday's deadline, dated Mon 10 March;
    # 19:00 UTC = 14:00 EST → Monday's deadline, dated Tue 11 March.
    assert day("2025-03-07T18:30:00Z") == "2025-03-10"
    assert day("2025-03-07T19:00:00Z") == "2025-03-11"
    # Mon 2025-03-10 is EDT: 18:30 UTC = 14:30 → Tuesday's deadline, dated Wed 12 March
    # (under EST it would have been 13:30 and Tuesday's listing).
    assert day("2025-03-10T18:30:00Z") == "2025-03-12"
    assert day("2025-03-10T17:59:00Z") == "2025-03-11"


def test_november_dst_week_the_deadline_moves_from_18_to_19_utc() -> None:
    # Fri 2025-10-31 is EDT: 18:30 UTC = 14:30 → Monday's deadline, dated Tue 4 November.
    assert day("2025-10-31T18:30:00Z") == "2025-11-04"
    # Mon 2025-11-03 is EST: 18:30 UTC = 13:30 → Monday's deadline, still Tue 4 November;
    # 19:00 UTC = 14:00 EST → Tuesday's, dated Wed 5 November.
    assert day("2025-11-03T18:30:00Z") == "2025-11-04"
    assert day("2025-11-03T19:00:00Z") == "2025-11-05"


# --- the window a listing announces (what the API query asks for) --------------------------

def test_mondays_listing_holds_thursday_to_friday_afternoon() -> None:
    assert submission_window(date(2025, 10, 27)) == (utc("2025-10-23T18:00"),
                                                     utc("2025-10-24T18:00"))


def test_tuesdays_listing_holds_the_weekend() -> None:
    assert submission_window(date(2025, 10, 28)) == (utc("2025-10-24T18:00"),
                                                     utc("2025-10-27T18:00"))


def test_a_window_across_the_dst_change_has_an_edt_start_and_an_est_end() -> None:
    assert submission_window(date(2025, 11, 4)) == (utc("2025-10-31T18:00"),
                                                    utc("2025-11-03T19:00"))
    assert submission_window(date(2025, 3, 11)) == (utc("2025-03-07T19:00"),
                                                    utc("2025-03-10T18:00"))


def test_no_listing_is_dated_saturday_or_sunday() -> None:
    assert submission_window(date(2025, 10, 25)) is None
    assert submission_window(date(2025, 10, 26)) is None


# --- real records: version 1's time decides --------------------------------------------------

def test_real_api_records_and_replaced_papers_keep_their_first_announcement() -> None:
    # the times of four records in ../shared/api-samples/arxiv-api_2026_search_all_testing…
    feed = parse_feed((API / "arxiv-2026-submission-times.xml").read_bytes())
    days = {r.id: (r.version, day(r.published)) for r in feed.records}
    # 1605.08386v1: Thu 2016-05-26 17:59:46 UTC = 13:59:46 EDT → Thursday evening → Fri.
    assert days["1605.08386"] == (1, "2016-05-27")
    # 2005.14124v2, updated 2020-07-16: v1 Thu 2020-05-28 12:19 EDT → Fri 2020-05-29.
    assert days["2005.14124"] == (2, "2020-05-29")
    # 2503.05378v2, updated 2025-08-12: v1 Fri 2025-03-07 07:39 EST → Sunday → Mon 10 March.
    assert days["2503.05378"] == (2, "2025-03-10")
    # 1812.11470v1: Sun 04:50 UTC = Sat 2018-12-29 23:50 EST → Monday's deadline → Tue
    # 2019-01-01, though arXiv may well have deferred that mailing (a holiday cannot be
    # known offline: the regular day is given, deterministically).
    assert days["1812.11470"] == (1, "2019-01-01")


def test_a_backfill_counts_listings_not_calendar_days() -> None:
    assert listing_days_back(date(2025, 10, 27), 3) == date(2025, 10, 23)  # Mon → Thu
    assert listing_days_back(date(2025, 10, 26), 3) == date(2025, 10, 22)  # Sun → Wed
    assert listing_days_back(date(2025, 10, 29), 3) == date(2025, 10, 27)  # Wed → Mon
    assert listing_days_back(date(2025, 10, 29), 1) == date(2025, 10, 29)
