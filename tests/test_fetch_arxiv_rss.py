"""The announcement feed (rss.arxiv.org/atom/<category>): first announcements and their date.

The fixture is modelled on ../shared/api-samples/arxiv-rss_2025-08-20_cs.AI_atom.xml, the
feed built at 00:00 EDT on Wednesday 20 August 2025 after Tuesday evening's announcement.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from replay import rss_feed

from digest.fetch.arxiv_rss import categories_of, parse_announcements
from digest.fetch.policy import BadResponse

API = Path(__file__).resolve().parent / "fixtures" / "api"


def test_new_and_cross_entries_are_dated_replacements_are_not() -> None:
    days = parse_announcements((API / "arxiv-rss-cs.AI.xml").read_bytes())
    assert days == {"2508.13426": date(2025, 8, 20), "2508.14001": date(2025, 8, 20)}


def test_the_date_is_the_eastern_date_not_the_utc_one() -> None:
    body = rss_feed("cs.CV", "2025-12-01", [("2511.00001v1", "new")]).replace(
        b"2025-12-01T00:00:00-04:00", b"2025-11-30T23:30:00-05:00")
    assert parse_announcements(body) == {"2511.00001": date(2025, 11, 30)}


def test_a_feed_without_a_listing_says_nothing() -> None:
    assert parse_announcements(rss_feed("cs.CV", "", [])) == {}


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>maintenance</html>", "expected an Atom feed"),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "malformed XML"),
    (rss_feed("cs.CV", "20 Aug", [("2508.00001v1", "new")]), "unreadable id or <published>"),
    (rss_feed("cs.CV", "2025-08-20", [("not-an-id", "new")]), "unreadable id or <published>"),
])
def test_what_is_not_an_announcement_feed_is_a_bad_response(body: bytes, message: str) -> None:
    with pytest.raises(BadResponse, match=message):
        parse_announcements(body, "https://rss.arxiv.org/atom/cs.CV")


def test_the_categories_a_query_names() -> None:
    query = 'cat:cs.CV AND abs:"self-supervised" OR (cat:astro-ph.GA ANDNOT cat:cs.*) ' \
        "OR cat:hep-th OR cat:cs.CV"
    assert categories_of(query) == ["astro-ph.GA", "cs.CV", "hep-th"]
    assert categories_of('all:"cat:dog" AND ti:transformer') == []
