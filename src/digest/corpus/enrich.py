"""Stored metadata applied to the merged papers: one record per arXiv paper, gaps filled.

Runs after the title merge. Papers that resolve to the same arXiv id (one paper pasted
under two titles, or an ``ids`` listing entry and a pasted title) become one record that
keeps a pasted title; an entry known only by its id takes arXiv's title. Filling never
replaces what a listing gave: authors, date, upvotes and the abstract are filled only
where the paper has none. Every choice is independent of input order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter

from digest.incremental import Memo, around, same_ends
from digest.inputs.metadata import PaperMetadata, Store
from digest.model import ArxivRecord, Paper
from digest.text.arxivid import abs_url, pdf_url
from digest.text.slugs import paper_slug

_ID = attrgetter("id")

IDS_FORMAT = "ids"  # a listing of bare ids: its titles are placeholders

@dataclass
class EnrichMemo:
    """What ``apply`` may reuse: the applied paper by its group's key (arXiv id, or the
    paper's own id) while the group's records, stored metadata and added date are equal;
    and the last call's papers, their keys, what it made of each group and what else it
    depended on, so that the very papers at both ends of a rebuild's list are not even
    looked at."""

    groups: Memo[Paper] = field(default_factory=Memo)
    given: list[Paper] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    made: dict[str, Paper] = field(default_factory=dict)
    store: Store | None = None
    formats: dict[str, str] = field(default_factory=dict)  # by listing id
    added: dict[str, str] = field(default_factory=dict)  # by listing id


def _pasted(paper: Paper, formats: Mapping[str, str]) -> bool:
    """Whether some listing showed the paper with a real title (not an ``ids`` line)."""
    return any(formats.get(s.listing) != IDS_FORMAT for s in paper.sources)


def _combine(group: Sequence[Paper], formats: Mapping[str, str]) -> Paper:
    """One paper from several sharing an arXiv id: the union, as the title merge does."""
    pasted = [p for p in group if _pasted(p, formats)] or list(group)
    first = min(pasted, key=lambda p: (-len(p.sources), p.id))
    authors = max((p.authors for p in group), key=lambda a: (len(a), a))
    counts = [p.author_count for p in group if p.author_count]
    submitters = sorted(p.submitter for p in group if p.submitter)
    abstracts = sorted((p.abstract for p in group if p.abstract), key=lambda a: (-len(a), a))
    dates = sorted(p.date for p in group if p.date)
    votes = [p.upvotes for p in group if p.upvotes is not None]
    return replace(
        first, authors=authors, author_count=max(counts + [len(authors)]) or None,
        submitter=submitters[0] if submitters else None,
        abstract=abstracts[0] if abstracts else "", date=dates[0] if dates else None,
        upvotes=max(votes) if votes else None,
        links=tuple(dict.fromkeys(link for p in group for link in p.links)),
        topics=tuple(dict.fromkeys(t for p in group for t in p.topics)),
        sources=tuple(sorted(s for p in group for s in p.sources)),
        fixed_topics=tuple(dict.fromkeys(t for p in group for t in p.fixed_topics)))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fill(paper: Paper, meta: PaperMetadata | None, arxiv_id: str,
         pasted: bool = True) -> Paper:
    """The paper with its arXiv id, links and the fields it lacks taken from ``meta``."""
    if meta is None:
        return replace(paper, arxiv_id=arxiv_id, arxiv=ArxivRecord(abs_url(arxiv_id),
                                                                   pdf_url(arxiv_id)))
    changes: dict[str, object] = {"arxiv_id": arxiv_id}
    block = meta.arxiv
    if not pasted and block is not None and block.title.strip():
        title = _one_line(block.title)
        changes.update(title=title, id=paper_slug(title))
    authors = meta.authors
    if not paper.authors and authors is not None:
        names = tuple(authors.value)
        changes["authors"] = names
        changes["author_count"] = max(paper.author_count or 0, len(names)) or None
    date = meta.date
    if paper.date is None and date is not None:
        changes["date"] = date.value
    if not paper.abstract and block is not None and block.summary.strip():
        changes["abstract"] = _one_line(block.summary)
    upvotes = meta.upvotes
    as_of = None
    if paper.upvotes is None and upvotes is not None:
        changes["upvotes"] = upvotes.value
        as_of = upvotes.fetched
    changes["arxiv"] = ArxivRecord(
        abs_url=meta.abs_url, pdf_url=meta.pdf_url,
        version=block.version if block else None,
        primary_category=block.primary_category if block else None,
        categories=block.categories if block else (),
        code_url=meta.code.url if meta.code else None,
        project_url=meta.project.url if meta.project else None,
        upvotes_as_of=as_of, fetched=block.fetched if block else None)
    return replace(paper, **changes)  # type: ignore[arg-type]


def apply(papers: Sequence[Paper], store: Store, formats: Mapping[str, str],
          added: Mapping[str, str] | None = None, memo: EnrichMemo | None = None
          ) -> list[Paper]:
    """Papers merged by arXiv id, filled from the store and dated, sorted by id.

    ``formats``: listing id → listing format (to tell an ``ids`` line from a pasted
    title); ``added``: listing id → the day it entered the digest, the date of last
    resort for a paper nothing else dates. A paper with no arXiv id, neither listed nor
    stored, keeps its fields.
    """
    memo = EnrichMemo() if memo is None else memo
    formats, added = dict(formats), dict(added or {})
    head = tail = 0
    if memo.given and memo.store == store:
        head, tail = same_ends(memo.given, papers)
    between = papers[head:len(papers) - tail]
    keys = [_group_key(store, paper) for paper in between]
    touched: set[str] | None = None
    if head or tail:
        touched = {*keys, *memo.keys[head:len(memo.keys) - tail]}
        keys = around(memo.keys, head, tail, keys)
        # a listing added, removed or of another format or added date: its papers' groups
        listings = {key for table, last in ((formats, memo.formats), (added, memo.added))
                    for key in table.keys() | last.keys() if table.get(key) != last.get(key)}
        if listings:
            touched.update(key for key, paper in zip(keys, papers, strict=True)
                           if any(s.listing in listings for s in paper.sources))
    groups: dict[str, list[Paper]] = defaultdict(list)
    for key, paper in zip(keys, papers, strict=True):
        if touched is None or key in touched:
            groups[key].append(paper)
    day = added.get
    made: dict[str, Paper] = {}
    for arxiv_id, group in groups.items():  # in paper order; ``_unique_ids`` sorts them
        meta = store.papers.get(arxiv_id)
        days = [d for p in group for s in p.sources if (d := day(s.listing))]
        when = min(days) if days else None
        inputs = (tuple(group), meta, when)
        found = memo.groups.get(arxiv_id, inputs)
        if found is None:
            found = group[0] if len(group) == 1 else _combine(group, formats)
            if not arxiv_id.startswith("\0"):
                found = fill(found, meta, arxiv_id, any(_pasted(p, formats) for p in group))
            if found.effective_date is None and when is not None:
                found = replace(found, added=when)
        made[arxiv_id] = memo.groups.put(arxiv_id, inputs, found)
    if touched is not None:  # the other groups as the last call made them
        kept = [key for key in memo.made if key not in touched]
        memo.groups.carry(kept)
        made = {**{key: memo.made[key] for key in kept}, **made}
    memo.groups.done()
    memo.given, memo.keys, memo.made = list(papers), keys, made
    memo.store, memo.formats, memo.added = store, formats, added
    return _unique_ids(list(made.values()))


def _group_key(store: Store, paper: Paper) -> str:
    """The key of the group a paper is merged in: its arXiv id, else its own id."""
    arxiv_id = store.arxiv_id_for(paper.title, paper.arxiv_id)
    return arxiv_id if arxiv_id is not None else "\0" + paper.id


def _unique_ids(papers: list[Paper]) -> list[Paper]:
    """A title taken from arXiv may slug to an id already used: suffix it with the arXiv id."""
    if len({paper.id for paper in papers}) == len(papers):  # the usual case: sorted once
        return sorted(papers, key=_ID)
    seen: set[str] = set()
    out = []
    for paper in sorted(papers, key=lambda p: (p.id, p.arxiv_id or "")):
        if paper.id in seen and paper.arxiv_id:
            paper = replace(paper, id=f"{paper.id}-{paper.arxiv_id.replace('/', '-')}")
        seen.add(paper.id)
        out.append(paper)
    return sorted(out, key=_ID)
