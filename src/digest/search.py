"""The search page's data: a sharded lunr index, the documents results show, and lunr.js.

``search/index.json`` is the manifest (see ``searchindex``) with what the page needs
before any result: the folding table, the topics, each document's topic numbers (for the
topic filters) and the size of a documents chunk. ``search/shards/N.json`` hold the
postings, ``search/docs/N.json`` the documents ``N * chunk`` onwards, each a list, to
keep them small: ``[title, path, byline, iso date, snippet]``; ``path`` is relative to
the site root. Document ``n`` is lunr ref ``"n"``. ``assets/search.js`` fetches them on
the search page only, and only the shards and chunks a query needs: the transfer before
the first results stays small however many papers the digest holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from digest import searchindex, searchtext, urls, vendor, views
from digest.model import Paper
from digest.site import SiteData

INDEX = "search/index.json"
SHARDS = "search/shards/"
DOCS = "search/docs/"
CHUNK = 64  # documents a chunk holds: 50 results fetch tens of KB, not the whole store
# Title and authors weigh more than the abstract: a word there says what a paper is.
FIELDS: tuple[tuple[str, int], ...] = (("title", 10), ("authors", 8), ("topics", 3),
                                       ("abstract", 1))
SNIPPET = 200  # characters of abstract a result shows
_URL = re.compile(r"\b(?:https?://|www\.)\S+")  # code links: words nobody searches for


def without_urls(text: str) -> str:
    return _URL.sub(" ", text) if "://" in text or "www." in text else text


def field_texts(paper: Paper, topic_names: Mapping[str, str], note: str = "") -> dict[str, str]:
    """The text of each indexed field; a submitter counts as an author, and the
    curator's note is searched like the abstract."""
    people = [*paper.authors, *([paper.submitter] if paper.submitter else [])]
    return {
        "title": paper.title,
        "authors": " ".join(people),
        "topics": " ".join(topic_names.get(t, t) for t in paper.topics),
        "abstract": without_urls(f"{paper.abstract} {note}" if note else paper.abstract),
    }


@dataclass
class SearchMemo:
    """What a rebuild may reuse: each word's term, each paper's term counts (the same
    object while its indexed texts stay the same), result rows, and the pack's codes."""

    terms: dict[str, str] = field(default_factory=dict)
    counts: dict[tuple[str, ...], searchindex.Row] = field(default_factory=dict)
    papers: dict[tuple[Paper, str, tuple[str, ...]], searchindex.Row] = field(default_factory=dict)
    docs: dict[Paper, list[str]] = field(default_factory=dict)
    pack: searchindex.PackMemo = field(default_factory=searchindex.PackMemo)


def document_rows(builder: searchindex.WordBuilder, papers: Sequence[Paper],
                  topic_names: Mapping[str, str], notes: Mapping[str, str] | None = None,
                  memo: SearchMemo | None = None) -> list[searchindex.Row]:
    """Each paper's term counts per field, in ref order.

    With a memo, a paper whose indexed texts did not change reuses its counts object.
    """
    memo = SearchMemo() if memo is None else memo
    kept: dict[tuple[str, ...], searchindex.Row] = {}
    known: dict[tuple[Paper, str, tuple[str, ...]], searchindex.Row] = {}
    out = []
    for paper in papers:
        note = (notes or {}).get(paper.id, "")
        names = tuple(map(topic_names.get, paper.topics, paper.topics))
        counts = memo.papers.get((paper, note, names))
        if counts is None:
            texts = field_texts(paper, topic_names, note)
            key = tuple(texts[name] for name, _ in FIELDS)
            counts = kept.get(key) or memo.counts.get(key)
            if counts is None:
                counts = builder.count_words({name: searchtext.words(texts[name])
                                              for name, _ in FIELDS})
            kept[key] = counts
        known[paper, note, names] = counts
        out.append(counts)
    memo.papers = known
    memo.counts = kept or memo.counts
    return out


def build_index(papers: Sequence[Paper], topic_names: Mapping[str, str],
                notes: Mapping[str, str] | None = None, memo: SearchMemo | None = None
                ) -> searchindex.WordBuilder:
    """A lunr.py builder holding every paper; paper ``n`` is ref ``"n"``."""
    builder = searchindex.WordBuilder(FIELDS, memo.terms if memo else None)
    for counts in document_rows(builder, papers, topic_names, notes, memo):
        builder.add_counts(counts)
    return builder


def documents(site: SiteData, memo: SearchMemo | None = None) -> list[list[str]]:
    """What each result shows, in ref order."""
    known = memo.docs if memo else {}
    out = []
    for p in site.papers:
        row = known.get(p)
        if row is None:
            row = [p.title, urls.paper(p.id), views.byline(p), p.effective_date or "",
                   views.snippet(p.abstract, SNIPPET)]
        out.append(row)
    if memo is not None:
        memo.docs = dict(zip(site.papers, out, strict=True))
    return out


def manifest(site: SiteData, packed: searchindex.Packed) -> dict[str, Any]:
    """The index's manifest with the folding table ``search.js`` shares with Python,
    the topics, and each document's topic numbers."""
    numbers = {t.slug: n for n, t in enumerate(site.topics)}
    return {
        **packed.manifest,
        "fold": searchtext.FOLD,
        "topics": [[t.slug, t.name] for t in site.topics],
        "doc_topics": [[numbers[t] for t in p.topics if t in numbers] for p in site.papers],
        "chunk": CHUNK,
    }


def dumps(data: object) -> bytes:
    """Compact, deterministic JSON (UTF-8, sorted keys)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      allow_nan=False).encode("utf-8")


def render_search(site: SiteData, memo: SearchMemo | None = None,
                  shard_size: int = searchindex.SHARD_SIZE) -> dict[str, bytes]:
    """The search outputs: manifest, shards, document chunks, and lunr.js with its licence."""
    topic_names = {t.slug: t.name for t in site.topics}
    notes = {paper_id: note.body for paper_id, note in site.notes.items()}
    memo = SearchMemo() if memo is None else memo
    builder = searchindex.WordBuilder(FIELDS, memo.terms)
    packed = searchindex.pack(builder, shard_size,
                              document_rows(builder, site.papers, topic_names, notes, memo),
                              memo.pack)
    docs = documents(site, memo)
    return {
        INDEX: dumps(manifest(site, packed)),
        **{f"{SHARDS}{n}.json": dumps(shard) for n, shard in enumerate(packed.shards)},
        **{f"{DOCS}{n // CHUNK}.json": dumps(docs[n:n + CHUNK])
           for n in range(0, len(docs), CHUNK)},
        **vendor.lunr_assets(),
    }
