"""One canonical record per paper, whatever number of listings show it.

Papers are the same when their titles reduce to the same slug key. Fields are
the union over every sighting; each choice below is independent of the order in
which listings were read, so builds stay deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from digest.model import Entry, Listing, Paper, Source
from digest.text.slugs import paper_slug, title_key


@dataclass(frozen=True)
class Sighting:
    entry: Entry
    source: Source


def _pick_title(titles: list[str]) -> str:
    """The most frequent spelling; ties go to the one with most capitals, then text order."""
    counts: dict[str, int] = defaultdict(int)
    for t in titles:
        counts[t] += 1
    if len(counts) == 1:  # nearly every paper: no capitals to count
        return titles[0]
    return min(counts, key=lambda t: (-counts[t], -sum(c.isupper() for c in t), t))


def merge_one(sightings: list[Sighting]) -> Paper:
    """Union of fields: dated beats undated, most upvotes, longest name list, all sources."""
    sightings = sorted(sightings, key=lambda s: s.source)
    entries = [s.entry for s in sightings]
    title = _pick_title([e.title for e in entries])
    authors = max((e.authors for e in entries), key=lambda a: (len(a), a))
    counts = [c for c in (e.author_count for e in entries) if c]
    author_count = max(counts + [len(authors)]) or None
    submitters = sorted({e.submitter for e in entries if e.submitter})
    abstracts = sorted({e.abstract for e in entries if e.abstract}, key=lambda a: (-len(a), a))
    dates = sorted({e.date for e in entries if e.date})
    votes = [e.upvotes for e in entries if e.upvotes is not None]
    links = tuple(dict.fromkeys(link for e in entries for link in e.links))
    topics = tuple(dict.fromkeys(t for e in entries for t in e.topics))
    return Paper(
        id=paper_slug(title), title=title, authors=authors, author_count=author_count,
        submitter=submitters[0] if submitters else None,
        abstract=abstracts[0] if abstracts else "",
        date=dates[0] if dates else None, upvotes=max(votes) if votes else None,
        links=links, sources=tuple(s.source for s in sightings), fixed_topics=topics,
        arxiv_id=min((e.arxiv_id for e in entries if e.arxiv_id), default=None),
    )


def sightings(listings: Iterable[Listing]) -> Iterable[Sighting]:
    for listing in listings:
        for position, entry in enumerate(listing.entries, start=1):
            yield Sighting(entry, Source(listing=listing.id, position=position, path=listing.path,
                                         line=entry.line, date=listing.date))


def merge(listings: Iterable[Listing]) -> list[Paper]:
    """Canonical papers sorted by id (slug)."""
    groups: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings(listings):
        groups[title_key(s.entry.title)].append(s)
    papers = [merge_one(group) for group in groups.values()]
    return sorted(papers, key=lambda p: p.id)
