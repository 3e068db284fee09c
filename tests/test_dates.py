"""Dates printed without a year take the latest year that is not after the reference."""

from __future__ import annotations

from datetime import date

import pytest
from ingest_support import parse_bytes, parse_clean

from digest.text.dates import build_date, latest_year, parse_iso, parse_month_day


@pytest.mark.parametrize(("month", "day", "reference", "expected"), [
    (6, 20, date(2025, 12, 8), date(2025, 6, 20)),
    (12, 8, date(2025, 12, 8), date(2025, 12, 8)),  # the reference day itself
    (12, 9, date(2025, 12, 8), date(2024, 12, 9)),  # one day later: a year back
    (12, 31, date(2026, 1, 1), date(2025, 12, 31)),  # year boundary
    (1, 1, date(2025, 12, 31), date(2025, 1, 1)),
    (1, 1, date(2026, 1, 1), date(2026, 1, 1)),
    (2, 29, date(2024, 2, 29), date(2024, 2, 29)),
    (2, 29, date(2024, 3, 1), date(2024, 2, 29)),
    (2, 29, date(2024, 2, 28), date(2020, 2, 29)),  # not yet this year: previous leap year
    (2, 29, date(2025, 6, 1), date(2024, 2, 29)),
    (2, 29, date(2103, 1, 1), date(2096, 2, 29)),  # 2100 is no leap year: eight years back
])
def test_latest_year(month: int, day: int, reference: date, expected: date) -> None:
    assert latest_year(month, day, reference) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Jun 20, 2024 1", (date(2024, 6, 20), 1)),
    ("Oct 12, 2023", (date(2023, 10, 12), None)),
    ("Jan 9 3", (date(2025, 1, 9), 3)),
    ("Sep 2", (date(2025, 9, 2), None)),
    ("Dec 19", (date(2025, 12, 19), None)),  # before the reference: this year
    ("Dec 20", (date(2024, 12, 20), None)),  # after it: last year
    ("Feb 29", (date(2024, 2, 29), None)),
    ("September 5, 2023", (date(2023, 9, 5), None)),
    ("Sept 5", (date(2025, 9, 5), None)),
    ("Feb 30", None),
    ("Feb 29, 2023", None),
    ("Jan 32", None),
    ("June", None),
    ("20 Jun 2024", None),
])
def test_parse_month_day(text: str, expected: tuple[date, int | None] | None) -> None:
    assert parse_month_day(text, date(2025, 12, 19)) == expected


def test_parse_iso() -> None:
    assert parse_iso("2025-12-08") == date(2025, 12, 8)
    assert parse_iso(date(2025, 12, 8)) == date(2025, 12, 8)
    assert parse_iso("2025-02-30") is None
    assert parse_iso(20251208) is None


def test_build_date_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067199")  # 2023-12-31 23:59:59 UTC
    assert build_date() == date(2023, 12, 31)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert build_date() != date(2023, 12, 31)


def test_fixture_resolves_against_the_listing_date() -> None:
    listing = parse_clean("yearless-dates.txt")  # date: 2024-03-01
    assert [(e.title, e.date, e.upvotes) for e in listing.entries] == [
        ("Leap Day", "2024-02-29", None),
        ("New Year's Eve", "2023-12-31", None),
        ("The Listing's Own Day", "2024-03-01", None),
        ("The Day After", "2023-03-02", 5),
        ("Explicit Year Wins", "2024-06-20", 1),
    ]


PAGE = b"Daily Papers\nMar 11\nA Paper\nIts abstract.\n  \xe2\x80\xa2 2 authors\n\xc2\xb7\nApr 1\n"


def test_page_date_resolves_against_the_build_date() -> None:
    listing, _ = parse_bytes("hf.txt", PAGE, build=date(2026, 6, 1))
    assert listing is not None and listing.date == "2026-03-11"
    listing, _ = parse_bytes("hf.txt", PAGE, build=date(2026, 3, 10))
    assert listing is not None and listing.date == "2025-03-11"


def test_papers_resolve_against_the_page_date_when_the_listing_has_none() -> None:
    # Against the build date (2026-06-01) "Apr 1" would be 2026; the page says Mar 11.
    listing, _ = parse_bytes("hf.txt", PAGE, build=date(2026, 6, 1))
    assert listing is not None and listing.entries[0].date == "2025-04-01"


def test_papers_resolve_against_the_declared_date() -> None:
    data = b"---\ndate: 2026-12-01\n---\n" + PAGE
    listing, _ = parse_bytes("hf.txt", data, build=date(2026, 6, 1))
    assert listing is not None and listing.date == "2026-12-01"
    assert listing.entries[0].date == "2026-04-01"


def test_file_name_date_beats_the_page_date() -> None:
    listing, _ = parse_bytes("2025-12-08-hf.txt", PAGE, build=date(2026, 6, 1))
    assert listing is not None and listing.date == "2025-12-08"
    assert listing.entries[0].date == "2025-04-01"
