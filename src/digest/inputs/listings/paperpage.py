"""Hugging Face paper pages and plain title/abstract listings.

Both are a run of (title, abstract) line pairs under some page chrome. A Hugging
Face page may follow a pair with a metadata block::

    • 5 authors          (or an organisation: "Gensyn Gensyn")
    ·
    Jun 20, 2024 1       (a date, year optional, then the upvote count)

The plain format is the same without metadata; one parser serves both so the
two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from digest.errors import Problems
from digest.inputs.listings.text import Line
from digest.text.dates import DATE_LINE, parse_month_day

CHROME = frozenset(
    s.casefold()
    for s in (
        "new", "Subscribe", "Daily Papers", "byAK and the research community",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Trending Papers", "Papers", "Search", "Previous", "Next",
    )
)
_GLUED = ("Subscribe",)  # chrome a copy can glue onto the first title
_NOT_GLUED = re.compile(r"^Subscri(?:be[drs]|bers|bing|ption)\b", re.IGNORECASE)  # real words
AUTHORS_LINE = re.compile(r"^[•·*-]?\s*(\d+)\s+authors?$", re.IGNORECASE)
SEPARATOR = "·"
# A title is a single line; anything this long without being one is an abstract.
MAX_TITLE = 400


@dataclass(frozen=True)
class RawEntry:
    """Fields of one entry as strings, before LaTeX and link processing."""

    title: str
    line: int
    abstract: str = ""
    author_count: int | None = None
    submitter: str | None = None
    date: str | None = None
    upvotes: int | None = None
    lines: tuple[int, ...] = ()  # every line read for this entry


@dataclass(frozen=True)
class PageResult:
    entries: list[RawEntry]
    page_date: date | None
    chrome_lines: int
    chrome: tuple[int, ...] = ()  # line numbers of the chrome


def _is_meta_start(lines: list[Line], i: int) -> bool:
    """A metadata block starts here: an author count, or any line followed by ``·``."""
    if i >= len(lines):
        return False
    if AUTHORS_LINE.match(lines[i].text) or lines[i].text == SEPARATOR:
        return True
    return i + 1 < len(lines) and lines[i + 1].text == SEPARATOR


def _submitter(text: str) -> str:
    """``Gensyn Gensyn`` → ``Gensyn``; ``GD-ML AMAP-ML`` (handle, display name) → ``AMAP-ML``.

    The page prints the organisation's handle (its avatar's alt text), then its
    display name; a doubled name (``Example Org Example Org``) is one name.
    """
    half = len(text) // 2
    if len(text) % 2 == 1 and text[half] == " " and text[:half] == text[half + 1:]:
        return text[:half]
    parts = text.split(" ", 1)
    return parts[1].strip() if len(parts) == 2 else text


def _strip_chrome(lines: list[Line],
                  reference: date) -> tuple[int, date | None, list[int], Line | None]:
    """Skip the page chrome at the top; returns (index, page date, chrome lines, glued title)."""
    i = 0
    page_date: date | None = None
    chrome: list[int] = []
    while i < len(lines):
        text = lines[i].text
        if text.casefold() in CHROME:
            chrome.append(lines[i].number)
            i += 1
            continue
        glued = next((g for g in _GLUED if text.startswith(g) and len(text) > len(g)
                      and not _NOT_GLUED.match(text)), None)
        if glued:
            chrome.append(lines[i].number)
            return i, page_date, chrome, Line(lines[i].number, text[len(glued):].strip())
        match = DATE_LINE.match(text)
        if page_date is None and match and not match.group("votes"):
            parsed = parse_month_day(text, reference)
            if parsed:
                page_date = parsed[0]
                chrome.append(lines[i].number)
                i += 1
                continue
        break
    return i, page_date, chrome, None


def _strip_trailing_chrome(lines: list[Line]) -> tuple[list[Line], list[int]]:
    """Pagination and footer links after the last paper ("Previous", "Next")."""
    end = len(lines)
    while end > 0 and lines[end - 1].text.casefold() in CHROME:
        end -= 1
    return lines[:end], [line.number for line in lines[end:]]


def parse(path: str, lines: list[Line], listing_date: date | None, build: date,
          problems: Problems, *, metadata: bool = True) -> PageResult:
    """Parse the entries.

    A yearless page date resolves against the build date; a yearless paper date
    against the listing's date (declared, else the page's own, else the build date).
    """
    i, page_date, chrome, glued = _strip_chrome(lines, build)
    reference = listing_date or page_date or build
    lines, trailing = _strip_trailing_chrome(lines[i:])
    chrome.extend(trailing)
    if glued is not None and lines:
        lines = [glued, *lines[1:]]
    entries: list[RawEntry] = []
    i = 0
    while i < len(lines):
        start = i
        title = lines[i]
        if metadata and _is_meta_start(lines, i):
            problems.error(path, title.number,
                           f"metadata without a paper before it: {title.text!r}")
            i += 1
            continue
        if len(title.text) > MAX_TITLE:
            problems.warning(path, title.number,
                             "very long line where a title was expected; kept as a title — "
                             "is the title line of this entry missing?")
        i += 1
        abstract = ""
        if i < len(lines) and not (metadata and _is_meta_start(lines, i)):
            abstract = lines[i].text
            i += 1
        else:
            problems.warning(path, title.number, f"entry {title.text[:60]!r} has no abstract")
        fields: dict[str, object] = {}
        if metadata and _is_meta_start(lines, i):
            i = _parse_meta(path, lines, i, reference, problems, fields, title)
        entries.append(RawEntry(title=title.text, line=title.number, abstract=abstract,
                                lines=tuple(line.number for line in lines[start:i]),
                                **fields))  # type: ignore[arg-type]
    return PageResult(entries, page_date, len(chrome), tuple(chrome))


def _parse_meta(path: str, lines: list[Line], i: int, reference: date, problems: Problems,
                fields: dict[str, object], title: Line) -> int:
    """Consume one metadata block starting at ``i``; fill ``fields``; return the next index."""
    head = lines[i]
    counted = AUTHORS_LINE.match(head.text)
    if counted:
        fields["author_count"] = int(counted.group(1))
        i += 1
    elif head.text != SEPARATOR:
        fields["submitter"] = _submitter(head.text)
        i += 1
    if i >= len(lines) or lines[i].text != SEPARATOR:
        where = lines[i].number if i < len(lines) else head.number
        problems.warning(path, where, f"truncated metadata for {title.text[:60]!r}: expected '·'")
        return i
    i += 1
    if i >= len(lines):
        problems.warning(path, lines[i - 1].number,
                         f"truncated metadata for {title.text[:60]!r}: no date after '·'")
        return i
    parsed = parse_month_day(lines[i].text, reference)
    if parsed is None and DATE_LINE.match(lines[i].text):
        problems.warning(path, lines[i].number,
                         f"no such date {lines[i].text!r} for {title.text[:60]!r}; left undated")
        return i + 1
    if parsed is None:
        problems.warning(path, lines[i].number, f"expected a date after '·', got "
                         f"{lines[i].text[:60]!r}; kept as the next entry's title")
        return i
    fields["date"] = parsed[0].isoformat()
    fields["upvotes"] = parsed[1]
    return i + 1
