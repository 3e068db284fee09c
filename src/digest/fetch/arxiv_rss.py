"""arXiv's announcement feed, ``rss.arxiv.org/atom/<category>``: the true listing date.

The schedule in ``announce`` cannot know holidays, deferred mailings or papers held in
moderation; this feed states the date of one category's latest listing, so for the
papers it names it is authoritative. It holds that one listing only (nothing older), and
nothing on a day without one. Each entry has the id as ``oai:arXiv.org:<id>v<n>``,
``<arxiv:announce_type>`` new, cross, replace or replace-cross, and ``<published>`` the
listing's date at 00:00 US Eastern (``2025-08-20T00:00:00-04:00`` for the listing
announced the evening of Tuesday 19 August). Only ``new`` and ``cross`` are first
announcements: a replaced paper keeps its first listing, so replacements are ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from digest.fetch.announce import parse_time
from digest.fetch.arxiv import ARXIV, ATOM
from digest.fetch.policy import BadResponse, Http
from digest.text.arxivid import split_id

__all__ = ["DEFAULT_URL", "SOURCE", "AnnouncementClient", "categories_of",
           "parse_announcements"]

SOURCE = "arXiv announcements"
DEFAULT_URL = "https://rss.arxiv.org/atom"
FIRST = frozenset({"new", "cross"})  # first announcements; replace, replace-cross are not
_CATEGORY = re.compile(r"\bcat:([a-z-]+(?:\.[A-Za-z-]+)?)(?![\w.*])")
_PHRASE = re.compile(r'"[^"]*"')
_OAI = "oai:arXiv.org:"


def categories_of(query: str) -> list[str]:
    """The whole categories an arXiv query names (``cat:cs.CV``), sorted; wildcards and
    quoted forms are left out (no feed answers them), and so are words in phrases."""
    return sorted(set(_CATEGORY.findall(_PHRASE.sub(" ", query))))


def parse_announcements(body: bytes, url: str = "") -> dict[str, date]:
    """Base id → listing date of the feed's first announcements (empty for an empty
    feed); BadResponse for anything that is not such a feed."""
    if b"<!DOCTYPE" in body[:2048].upper():
        raise BadResponse(SOURCE, url, "response declares a DOCTYPE; not an Atom feed")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise BadResponse(SOURCE, url, f"malformed XML: {exc}") from None
    if root.tag != f"{ATOM}feed":
        raise BadResponse(SOURCE, url, f"expected an Atom feed, got <{root.tag}>")
    found: dict[str, date] = {}
    for entry in root.findall(f"{ATOM}entry"):
        kind = (entry.findtext(f"{ARXIV}announce_type") or "").strip()
        if kind not in FIRST:
            continue
        raw_id = (entry.findtext(f"{ATOM}id") or "").strip()
        parts = split_id(raw_id.removeprefix(_OAI))
        published = (entry.findtext(f"{ATOM}published") or "").strip()
        try:
            day = parse_time(published).date()  # the date in its own (Eastern) offset
        except ValueError:
            day = None
        if parts is None or day is None:
            raise BadResponse(SOURCE, url, f"entry {raw_id!r} has an unreadable id or "
                              f"<published> {published!r}")
        found[parts[0]] = day
    return found


class AnnouncementClient:
    """The latest listing of a category, through one ``Http`` (which spaces requests)."""

    def __init__(self, http: Http, base_url: str = DEFAULT_URL) -> None:
        self.http = http
        self.url = base_url.rstrip("/")

    def latest(self, category: str) -> dict[str, date]:
        url = f"{self.url}/{category}"
        response = self.http.get(SOURCE, url)
        return parse_announcements(response.content, url)
