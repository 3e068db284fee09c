"""An author's publication list: the owner, then (title, authors, abstract) triples.

Authors come as ``Last, First, Last, First, …`` (Google Scholar / ORCID exports).
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.errors import Problems
from digest.inputs.listings.text import Line


def looks_like_owner(text: str) -> bool:
    """``Xie, Saining``: one comma between two short name parts."""
    parts = [p.strip() for p in text.split(",")]
    return len(parts) == 2 and all(p and len(p) <= 40 and not any(c.isdigit() for c in p)
                                   for p in parts) and len(text) <= 60


def looks_like_authors(text: str) -> bool:
    """A line of comma-separated name parts, an even number of them."""
    parts = [p.strip() for p in text.split(",")]
    return len(parts) >= 2 and len(parts) % 2 == 0 and all(
        p and len(p) <= 40 and len(p.split()) <= 4 for p in parts)


def swap_names(text: str) -> tuple[str, ...]:
    """``Chu, Tianzhe, Le, Quoc V.`` → ``("Tianzhe Chu", "Quoc V. Le")``."""
    parts = [p.strip() for p in text.split(",")]
    return tuple(f"{first} {last}".strip() for last, first in zip(parts[::2], parts[1::2]))


@dataclass(frozen=True)
class AuthorEntry:
    title: str
    line: int
    authors: tuple[str, ...]
    abstract: str
    lines: tuple[int, ...] = ()  # every line read for this entry


def _has_owner_line(lines: list[Line]) -> bool:
    """Whether the first line is the owner: yes unless it reads as the first title."""
    if looks_like_owner(lines[0].text):
        return not (len(lines) > 2 and looks_like_authors(lines[1].text)
                    and not looks_like_authors(lines[2].text))
    return not (len(lines) > 1 and looks_like_authors(lines[1].text))


def parse(path: str, lines: list[Line],
          problems: Problems) -> tuple[str | None, list[AuthorEntry], tuple[int, ...]]:
    """Return the owner ("First Last"), the entries in order and the owner's line."""
    if not lines:
        return None, [], ()
    header: tuple[int, ...] = ()
    owner = None
    body = lines
    if _has_owner_line(lines):
        header, body = (lines[0].number,), lines[1:]
        if looks_like_owner(lines[0].text):
            owner = swap_names(lines[0].text)[0]
        else:
            problems.warning(path, lines[0].number, "first line should be the owner as "
                             f"'Last, First': {lines[0].text[:60]!r}")
    entries: list[AuthorEntry] = []
    for start in range(0, len(body), 3):
        chunk = body[start:start + 3]
        title = chunk[0]
        authors: tuple[str, ...] = ()
        abstract = ""
        if len(chunk) > 1:
            if looks_like_authors(chunk[1].text):
                authors = swap_names(chunk[1].text)
            else:
                problems.warning(path, chunk[1].number,
                                 "expected an author line ('Last, First, Last, First, …'); "
                                 "kept the names as written")
                authors = tuple(p.strip() for p in chunk[1].text.split(",") if p.strip())
        if len(chunk) > 2:
            abstract = chunk[2].text
        if len(chunk) < 3:
            problems.warning(path, title.number,
                             f"truncated entry {title.text[:60]!r}: "
                             f"{'no authors or abstract' if len(chunk) == 1 else 'no abstract'}")
        entries.append(AuthorEntry(title.text, title.number, authors, abstract,
                                   tuple(line.number for line in chunk)))
    return owner, entries, header
