"""Listing files → Listing records. One module per format, plus detection.

``parse_listing`` is pure: it takes a path and bytes and returns the listing with
every problem found, so ``check``, ``build`` and ``serve`` report the same things.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import PurePosixPath

from digest.errors import Problems
from digest.inputs.listings import authorlist, frontmatter, ids, paperpage, structured
from digest.inputs.listings.detect import FORMATS, STRUCTURED_SUFFIXES, detect
from digest.inputs.listings.text import Line, decode, has_text, split_lines
from digest.model import Entry, Listing
from digest.text.latex import to_text
from digest.text.links import extract_links
from digest.text.slugs import name_slug

_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[-_ ]?(.*)$")

__all__ = ["FORMATS", "EntryMaker", "listing_id", "parse_listing", "parse_listing_dated",
           "record_entries"]


def listing_id(path: str) -> str:
    """Slug of the file name (date prefix included: editions of one feed stay apart)."""
    return name_slug(PurePosixPath(path).stem)


def _name_date(path: str) -> date | None:
    m = _DATE_PREFIX.match(PurePosixPath(path).stem)
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1))
    except ValueError:
        return None


def _default_title(path: str) -> str:
    stem = PurePosixPath(path).stem
    m = _DATE_PREFIX.match(stem)
    words = (m.group(2) if m and m.group(2) else stem).replace("_", " ").replace("-", " ")
    return " ".join(words.split()).capitalize() or stem


def _entry(title: str, line: int, abstract: str, **fields: object) -> Entry:
    """Turn LaTeX into text and pick the links out of the abstract."""
    return Entry(title=to_text(title), line=line, abstract=to_text(abstract, abstract=True),
                 links=tuple(dict.fromkeys((*extract_links(abstract),
                                            *fields.pop("links", ())))),  # type: ignore[misc]
                 **fields)  # type: ignore[arg-type]


def _unread_lines(path: str, lines: list[Line], chrome: tuple[int, ...], entries: list[Entry],
                  problems: Problems, before: int) -> None:
    """Warn about every non-blank line that is neither chrome nor part of a paper.

    The parsers should never drop a line silently; this is the net under them.
    """
    read = set(chrome).union(*(e.lines for e in entries))
    reported = {p.line for p in problems.items[before:] if p.path == path}
    for line in lines:
        if line.number not in read and line.number not in reported:
            problems.warning(path, line.number, f"line not read as part of any paper: "
                             f"{line.text[:60]!r}")


def record_entries(records: Sequence[structured.Record]) -> list[Entry]:
    """Structured records as entries (LaTeX turned into text, links picked out)."""
    return [_entry(r.title, r.line, r.abstract, authors=r.authors,
                   author_count=r.author_count or (len(r.authors) or None),
                   submitter=r.submitter, date=r.date, upvotes=r.upvotes,
                   links=r.links, topics=r.topics, arxiv_id=r.arxiv_id) for r in records]


EntryMaker = Callable[[list[structured.Record]], list[Entry]]


def parse_listing(path: str, data: bytes, build: date, problems: Problems,
                  make_entries: EntryMaker = record_entries) -> Listing | None:
    """Parse one listing file; None when it cannot be read at all (problems say why).

    ``make_entries`` turns a records file's validated records into entries: the costly
    part of a large one (the build may spread it over processes).
    """
    return parse_listing_dated(path, data, build, problems, make_entries)[0]


def parse_listing_dated(path: str, data: bytes, build: date, problems: Problems,
                        make_entries: EntryMaker = record_entries
                        ) -> tuple[Listing | None, bool]:
    """``parse_listing``, and whether its result may depend on the build date.

    The build date only stands in for a listing date that is not declared (front
    matter or file name), so a cache of parsed files keeps a dated listing across days.
    """
    text = decode(path, data, problems)
    if text is None:
        return None, False
    suffix = PurePosixPath(path).suffix.lower()
    fm_text, body, body_start, closed = frontmatter.split(text)
    if not closed and suffix in STRUCTURED_SUFFIXES:
        fm_text, body, body_start = None, text, 1  # a YAML document marker, not front matter
    elif not closed:
        problems.error(path, 1, "front matter opened with '---' is never closed")
        return None, False
    meta = frontmatter.parse(path, fm_text, problems)
    if meta is None:
        return None, False
    # Records are read as JSON or YAML: their lines are only needed to know the body is
    # not blank (splitting a large file into cleaned lines took a third of its parse).
    records = meta.format == "records" or (not meta.format and suffix in STRUCTURED_SUFFIXES)
    lines: list[Line] = [] if records else split_lines(body, body_start)
    if not (has_text(body) if records else lines):
        problems.error(path, body_start, "empty listing: no papers in it")
        return None, False
    fmt = meta.format or detect(suffix, lines)
    listing_date = meta.date or _name_date(path)
    # A text page's own date line is read against the build date even when a listing
    # date is declared (a yearless "Feb 29" is no date in some years): counted as read.
    dated_by_build = listing_date is None or fmt not in ("records", "ids", "author-list")
    owner = meta.owner
    chrome: tuple[int, ...] = ()
    entries: list[Entry] = []
    before = len(problems.items)
    if fmt == "records":
        entries = make_entries(structured.parse(path, body, listing_date or build, problems,
                                                json_syntax=suffix == ".json",
                                                first_line=body_start))
    elif fmt == "ids":
        found, chrome = ids.parse(path, lines, problems)
        entries.extend(Entry(title=e.title, line=e.line, links=(e.link,), arxiv_id=e.arxiv_id,
                             lines=(e.line,)) for e in found)
    elif fmt == "author-list":
        found_owner, items, chrome = authorlist.parse(path, lines, problems)
        owner = owner or found_owner
        for a in items:
            entries.append(_entry(a.title, a.line, a.abstract, authors=a.authors,
                                  author_count=len(a.authors) or None, lines=a.lines))
    else:
        page = paperpage.parse(path, lines, listing_date, build, problems,
                               metadata=fmt == "huggingface")
        listing_date = listing_date or page.page_date
        chrome = page.chrome
        for e in page.entries:
            entries.append(_entry(e.title, e.line, e.abstract, author_count=e.author_count,
                                  submitter=e.submitter, date=e.date, upvotes=e.upvotes,
                                  lines=e.lines))
    if fmt != "records":
        _unread_lines(path, lines, chrome, entries, problems, before)
    if not entries and len(problems.items) == before:
        problems.error(path, body_start, "no papers found in this listing")
    return Listing(
        id=listing_id(path), path=path, title=meta.title or _default_title(path), format=fmt,
        date=listing_date.isoformat() if listing_date else None, source=meta.source,
        topics=meta.topics, owner=owner, entries=tuple(entries), chrome_lines=len(chrome),
        chrome=chrome,
    ), dated_by_build
