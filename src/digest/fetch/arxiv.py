"""The arXiv API: title searches and full records by id, parsed from its Atom feed.

Elements are found by name, never by position: the 2016 and 2026 outputs order them
differently. Older output wraps titles and summaries across lines, so whitespace is
always collapsed. Links are built from the id, because the feed's ``title="pdf"``
link has been known to go missing. A page that comes back empty is asked again a
bounded number of times before it counts as "nothing found".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from digest.fetch.policy import ApiError, BadResponse, Http
from digest.text.arxivid import abs_url, base_id, html_url, pdf_url, split_id

__all__ = ["ArxivClient", "ArxivRecord", "Author", "Feed", "Lookup", "abs_url", "base_id",
           "html_url", "parse_feed", "pdf_url", "split_id", "title_query"]

SOURCE = "arXiv"
DEFAULT_URL = "https://export.arxiv.org/api/query"
BATCH = 100  # ids per id_list request
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

_WORD = re.compile(r"[^\W_]+")  # letters and digits; all punctuation is dropped
_POSSESSIVE = re.compile(r"['’]s\b")
_ERROR_ID = re.compile(r"incorrect_id_format_for_(.+)$")


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArxivRecord:
    """One paper as the API describes it; ``published`` is the first version's time."""

    id: str  # base id, no version
    version: int | None
    title: str
    summary: str
    authors: tuple[Author, ...]
    published: str  # ISO 8601 as the feed gives it
    updated: str
    primary_category: str | None = None
    categories: tuple[str, ...] = ()  # the others, in feed order
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    @property
    def published_date(self) -> str:
        return self.published[:10]


@dataclass(frozen=True)
class Feed:
    total: int | None  # opensearch:totalResults
    records: tuple[ArxivRecord, ...]


@dataclass(frozen=True)
class Lookup:
    """What an id_list fetch found: records by base id, the ids arXiv does not know,
    and the ids it refused as malformed (with its message)."""

    records: dict[str, ArxivRecord] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    rejected: dict[str, str] = field(default_factory=dict)


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def title_query(title: str) -> str:
    """``ti:"words of the title"``: punctuation inside a phrase breaks arXiv's matching."""
    words = _WORD.findall(_POSSESSIVE.sub("", title))
    return 'ti:"' + " ".join(words) + '"'


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    return collapse(found.text) if found is not None and found.text else None


def _record(entry: ET.Element, url: str) -> ArxivRecord:
    raw_id = _text(entry, f"{ATOM}id") or ""
    parts = split_id(raw_id.rsplit("/abs/", 1)[-1])
    if parts is None:
        raise BadResponse(SOURCE, url, f"entry with an unreadable id {raw_id!r}")
    primary = entry.find(f"{ARXIV}primary_category")
    primary_term = primary.get("term") if primary is not None else None
    categories = [c.get("term") or "" for c in entry.findall(f"{ATOM}category")]
    authors = tuple(
        Author(collapse(a.findtext(f"{ATOM}name")),
               tuple(collapse(f.text) for f in a.findall(f"{ARXIV}affiliation") if f.text))
        for a in entry.findall(f"{ATOM}author"))
    return ArxivRecord(
        id=parts[0], version=parts[1],
        title=_text(entry, f"{ATOM}title") or "", summary=_text(entry, f"{ATOM}summary") or "",
        authors=tuple(a for a in authors if a.name),
        published=_text(entry, f"{ATOM}published") or "",
        updated=_text(entry, f"{ATOM}updated") or "",
        primary_category=primary_term,
        categories=tuple(dict.fromkeys(c for c in categories if c and c != primary_term)),
        comment=_text(entry, f"{ARXIV}comment"), journal_ref=_text(entry, f"{ARXIV}journal_ref"),
        doi=_text(entry, f"{ARXIV}doi"),
    )


def parse_feed(body: bytes, url: str = "") -> Feed:
    """Parse one Atom page; raises ApiError for arXiv's ``Error`` entry, BadResponse
    for anything that is not a feed."""
    if b"<!DOCTYPE" in body[:2048].upper():  # Atom has none; refuse entity tricks outright
        raise BadResponse(SOURCE, url, "response declares a DOCTYPE; not an Atom feed")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise BadResponse(SOURCE, url, f"malformed XML: {exc}") from None
    if root.tag != f"{ATOM}feed":
        raise BadResponse(SOURCE, url, f"expected an Atom feed, got <{root.tag}>")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/api/errors" in entry_id or collapse(entry.findtext(f"{ATOM}title")) == "Error":
            message = collapse(entry.findtext(f"{ATOM}summary")) or entry_id
            error = ApiError(SOURCE, url, f"arXiv refused the request: {message}", 400)
            error.code = entry_id.rsplit("#", 1)[-1]
            raise error
    total_text = root.findtext(f"{OPENSEARCH}totalResults")
    try:
        total = int(total_text) if total_text is not None else None
    except ValueError:
        raise BadResponse(SOURCE, url, f"totalResults is {total_text!r}") from None
    return Feed(total, tuple(_record(e, url) for e in entries))


def _rejected_id(exc: ApiError) -> str | None:
    """The id named by an ``incorrect_id_format_for_X`` error, if that is what it is."""
    m = _ERROR_ID.search(exc.code or "")
    return m.group(1) if m else None


class ArxivClient:
    """Title searches and id lookups through one ``Http`` (which spaces the requests)."""

    def __init__(self, http: Http, base_url: str = DEFAULT_URL, *,
                 empty_retries: int = 2) -> None:
        self.http = http
        self.url = base_url
        self.empty_retries = empty_retries

    def _page(self, params: dict[str, str | int]) -> Feed:
        """One page; an empty page is asked again up to ``empty_retries`` times."""
        feed = Feed(None, ())
        for _ in range(self.empty_retries + 1):
            response = self.http.get(SOURCE, self.url, params, accept=frozenset({200, 400}))
            feed = parse_feed(response.content, str(response.url))
            if response.status_code == 400:
                raise BadResponse(SOURCE, str(response.url), "HTTP 400 without an error entry",
                                  400)
            if feed.records:
                return feed
        return feed

    def search_submitted(self, query: str, since: datetime, until: datetime,
                         page_size: int = BATCH) -> list[ArxivRecord]:
        """Every record matching ``query`` whose first version was submitted from ``since``
        to ``until`` (both minutes included, so the caller filters the edges), newest
        first, page after page."""
        first, last = since.astimezone(UTC), until.astimezone(UTC)
        ranged = f"({query}) AND submittedDate:[{first:%Y%m%d%H%M} TO {last:%Y%m%d%H%M}]"
        found: dict[str, ArxivRecord] = {}
        start = 0
        while True:
            feed = self._page({"search_query": ranged, "start": start, "max_results": page_size,
                               "sortBy": "submittedDate", "sortOrder": "descending"})
            for record in feed.records:
                found.setdefault(record.id, record)
            start += page_size
            if len(feed.records) < page_size or (feed.total is not None and start >= feed.total):
                return list(found.values())

    def search_title(self, title: str, max_results: int = 10) -> list[ArxivRecord]:
        """Records whose title holds the title's words as a phrase (verify them!)."""
        feed = self._page({"search_query": title_query(title), "start": 0,
                           "max_results": max_results})
        return list(feed.records)

    def fetch(self, ids: Iterable[str]) -> Lookup:
        """Full records for ids (versions ignored) in batches of at most 100.

        A malformed id is dropped from its batch and reported; ids missing from a
        non-empty answer are asked once more on their own before counting as missing.
        """
        wanted = list(dict.fromkeys(b for b in (base_id(i) or i for i in ids)))
        result = Lookup()
        for start in range(0, len(wanted), BATCH):
            self._fetch_batch(wanted[start:start + BATCH], result, second_look=True)
        missing = tuple(i for i in wanted if i not in result.records and i not in result.rejected)
        return Lookup(result.records, missing, result.rejected)

    def _fetch_batch(self, batch: Sequence[str], result: Lookup, *, second_look: bool) -> None:
        batch = list(batch)
        while batch:
            try:
                feed = self._page({"id_list": ",".join(batch), "start": 0,
                                   "max_results": len(batch)})
            except ApiError as exc:
                bad = _rejected_id(exc)
                if bad is None or bad not in batch:
                    raise ApiError(exc.source, exc.url, f"{exc.reason} (ids: {', '.join(batch)})",
                                   exc.status) from exc
                result.rejected[bad] = exc.reason
                batch.remove(bad)
                continue
            for record in feed.records:
                if record.id in batch:
                    result.records[record.id] = record
            absent = [i for i in batch if i not in result.records]
            if absent and feed.records and second_look:
                self._fetch_batch(absent, result, second_look=False)
            return
