"""The records every stage passes along. Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Entry:
    """One paper as a single listing shows it, before duplicates are merged."""

    title: str
    line: int  # line of the title in the listing file (1-based)
    abstract: str = ""
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    submitter: str | None = None
    date: str | None = None  # ISO date, year already resolved
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # set outright by a structured record
    lines: tuple[int, ...] = ()  # every line the entry was read from, title first
    arxiv_id: str | None = None  # base id (no version) when the listing names it


@dataclass(frozen=True)
class Listing:
    """A pasted listing file after parsing: its metadata and its entries in order."""

    id: str  # slug of the file name, unique among listings
    path: str  # path relative to the project, with forward slashes
    title: str
    format: str
    date: str | None = None
    source: str | None = None
    topics: tuple[str, ...] = ()
    owner: str | None = None
    entries: tuple[Entry, ...] = ()
    chrome_lines: int = 0  # lines recognised as page chrome
    chrome: tuple[int, ...] = ()  # their line numbers (the owner line of a publication list too)


@dataclass(frozen=True, order=True)
class Source:
    """Where a paper was seen: listing, its position there and the listing's date."""

    listing: str
    position: int  # 1-based position within the listing
    path: str
    line: int
    date: str | None = None


@dataclass(frozen=True)
class ArxivRecord:
    """What the stored arXiv record adds to a paper: links and categories for its pages."""

    abs_url: str
    pdf_url: str
    version: int | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()  # the other categories
    code_url: str | None = None
    project_url: str | None = None
    upvotes_as_of: str | None = None  # fetch date of filled Hugging Face upvotes
    fetched: str | None = None


@dataclass(frozen=True)
class Paper:
    """The canonical record of one paper, merged over every listing it appears in."""

    id: str
    title: str
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    submitter: str | None = None
    abstract: str = ""
    date: str | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[Source, ...] = field(default_factory=tuple)
    fixed_topics: tuple[str, ...] = ()  # topics set outright (structured record, note)
    arxiv_id: str | None = None  # base id, when a listing named it or the store resolved it
    arxiv: ArxivRecord | None = None  # filled from stored metadata (``digest enrich``)
    added: str | None = None  # when its listing entered the digest (undated papers only)

    # Cached: sorting by it and grouping by month read it for every paper many times.
    # (A frozen dataclass still has an instance __dict__ for cached_property to fill.)
    @cached_property
    def effective_date(self) -> str | None:
        """Own date when known, else the earliest date of a listing it appeared in."""
        if self.date:
            return self.date
        return min((s.date for s in self.sources if s.date), default=self.added)

    def to_record(self) -> dict[str, object]:
        """The export shape: plain JSON-able values, fields in a fixed order."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "author_count": self.author_count,
            "submitter": self.submitter,
            "abstract": self.abstract,
            "date": self.date,
            "upvotes": self.upvotes,
            "links": list(self.links),
            "topics": list(self.topics),
            "arxiv_id": self.arxiv_id,
            "arxiv_version": self.arxiv.version if self.arxiv else None,
            "primary_category": self.arxiv.primary_category if self.arxiv else None,
            "categories": list(self.arxiv.categories) if self.arxiv else [],
            "abs_url": self.arxiv.abs_url if self.arxiv else None,
            "pdf_url": self.arxiv.pdf_url if self.arxiv else None,
            "code_url": self.arxiv.code_url if self.arxiv else None,
            "project_url": self.arxiv.project_url if self.arxiv else None,
            "upvotes_as_of": self.arxiv.upvotes_as_of if self.arxiv else None,
            "added": self.added,
            "sources": [
                {"listing": s.listing, "path": s.path, "line": s.line,
                 "position": s.position, "date": s.date}
                for s in self.sources
            ],
        }
