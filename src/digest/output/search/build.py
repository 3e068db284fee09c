"""The search page's data: a sharded lunr index, the documents results show, and lunr.js.

``search/index.json`` is the manifest (see ``searchindex``) with what the page needs
before any result: the folding table, the topics, each document's topic numbers and year
(for the topic and year filters), the size of a documents chunk and the number of keys
files. ``search/shards/N.json`` hold the postings, ``search/keys/N.json`` the names and
arXiv ids (see ``output.search.keys``), ``search/dates/0.json`` every document's date (for
the newest-first order only), and ``search/docs/N.json`` the documents ``N * chunk``
onwards, each a list, to keep them small: ``[title, path, byline, iso date, abstract,
note]`` (the note as plain text); ``path`` is relative to the site root. ``search.js``
quotes from the abstract or note the sentence where the query matched. Document ``n`` is
lunr ref ``"n"``, numbered undated first, then oldest first (``search_order``), so
that a new day's papers extend the index and its last files; in a large digest each
month's block of numbers ends with empty ones (``slots``: null in the documents and
topics, no postings, not counted as papers). ``assets/search.js``
fetches them on the search page only, and only the shards, keys and chunks a query
needs: the transfer before the first results stays small however many papers the
digest holds.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from digest.incremental import around, same_ends, texts_digest
from digest.inputs import vendored as vendor
from digest.model import Paper
from digest.output.search import index as searchindex
from digest.output.search import keys
from digest.output.search import text as searchtext
from digest.site import urls, views
from digest.site.data import SiteData

INDEX = "search/index.json"
SHARDS = "search/shards/"
DOCS = "search/docs/"
DATES = "search/dates/0.json"  # fetched for the newest-first order only
CHUNK = 16  # documents a chunk holds: 50 results' abstracts fetch hundreds of KB, not MB
# Title and authors weigh more than the abstract: a word there says what a paper is.
FIELDS: tuple[tuple[str, int], ...] = (("title", 10), ("authors", 8), ("topics", 3),
                                       ("abstract", 1))
VERBATIM = ("authors",)  # names are indexed as written: no stop words, no stems
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
class Seen:
    """A paper as the last build indexed it, with what was made of it."""

    paper: Paper | None  # None in the build cache on disk
    id: str
    note: str
    names: tuple[str, ...]
    # the indexed fields' texts and the result row as digests (``texts_digest``): at 100k
    # papers the texts took 58 MB of the search memo on disk and the rows 175 MB
    texts: bytes
    counts: searchindex.Row
    row: list[str] | None  # None in the build cache on disk, where ``row_key`` stands for it
    keys: tuple[str, ...]  # its names' and arXiv ids' keys (``keys.keys_of``)
    keyed: bytes  # ``keys.keys_source``: what they were made from
    row_key: bytes  # ``texts_digest`` of ``row``


@dataclass
class SearchMemo:
    """What a rebuild may reuse: each word's term, each paper's term counts (the same
    object while its indexed texts stay the same) and result row, the document chunks
    and the pack's codes. A paper is recognised by its id, while its record is equal."""

    terms: dict[str, str] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    # each chunk's rows by their keys (None: an empty number), and its file
    chunks: dict[int, tuple[tuple[bytes | None, ...], bytes]] = field(default_factory=dict)
    pack: searchindex.PackMemo = field(default_factory=searchindex.PackMemo)
    keys: keys.KeyMemo = field(default_factory=keys.KeyMemo)
    note_texts: dict[str, str] = field(default_factory=dict)  # note HTML → plain text
    order: Order = field(default_factory=lambda: Order([], [], []))
    facts: dict[str, tuple[Paper, list[int], str]] = field(default_factory=dict)
    facts_topics: tuple[str, ...] = ()  # the topic numbering ``facts`` was made with

    def for_disk(self) -> SearchMemo:
        """A copy to keep on disk, without the order and facts: quick to make again, and
        they hold this build's records, which a memo read from disk does not share with
        its ``seen`` (a second copy of every record in the file and in memory); without
        the records in ``seen`` either (what was made of them is compared instead: at
        100k papers the records' own objects made the pickler's table 0.2 GB larger);
        without the pack's marks, which only the preview's edits in the middle need;
        without the result rows, known by their keys (at 100k papers they were 266 MB
        in the search worker that loads the memo, every abstract a second time)."""
        return dataclasses.replace(self, order=Order([], [], []), facts={}, facts_topics=(),
                                   seen=[dataclasses.replace(s, paper=None, row=None)
                                         for s in self.seen],
                                   pack=dataclasses.replace(self.pack, marks={}, prepared=False,
                                                            unmarked=None))


@dataclass
class Order:
    """The last ``search_order``: the papers given (by id), the order made and each
    document's sort key, for a rebuild to move only the papers that changed."""

    given: list[Paper]
    papers: list[Paper]
    keys: list[tuple[bool, str, str]]


def _recall(memo: SearchMemo, papers: Sequence[Paper]) -> list[Seen | None]:
    """The last build's record of each paper: the very same records at the same place,
    else the record with its id (``index_papers`` compares what was made of it).

    Most documents keep their number, or move by the papers added or removed before
    them: the very same records at the start and at the end are matched in place, and
    only those between them by id."""
    seen = memo.seen
    head, tail = same_ends([s.paper for s in seen], papers)
    found: list[Seen | None] = around(seen, head, tail, [None] * (len(papers) - head - tail))
    between = len(papers) - tail
    if head == between:
        return found
    by_id = {s.id: s for s in seen[head:len(seen) - tail]}  # moved or changed
    for n in range(head, between):
        found[n] = by_id.get(papers[n].id)
    return found


def _row(paper: Paper, note: str) -> list[str]:
    return [paper.title, urls.paper(paper.id), views.byline(paper), paper.effective_date or "",
            paper.abstract, note]


class _Text(HTMLParser):
    """The text of a note's HTML, its markup dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def note_text(html: str) -> str:
    """A rendered note as one line of plain text, for result snippets."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def index_papers(builder: searchindex.WordBuilder, papers: Sequence[Paper],
                 topic_names: Mapping[str, str], notes: Mapping[str, str] | None = None,
                 memo: SearchMemo | None = None,
                 note_texts: Mapping[str, str] | None = None) -> list[Seen]:
    """Each paper's term counts per field, result row and keys, in ref order.

    ``notes`` are searched (Markdown), ``note_texts`` shown; with a memo, a paper whose
    indexed texts did not change reuses its counts object, and an equal result row or
    keys the last build's (a record read again, or from the build cache, is not the
    same object: what is made of it is compared instead).
    """
    memo = SearchMemo() if memo is None else memo
    # Counts by texts, of this build's papers and the last one's (made on the first miss):
    # a paper made again with the same texts keeps its counts object.
    by_texts: dict[bytes, searchindex.Row] | None = None
    recalled = _recall(memo, papers)
    out = []
    for paper, before in zip(papers, recalled, strict=True):
        note = (notes or {}).get(paper.id, "")
        names = tuple(map(topic_names.get, paper.topics, paper.topics))
        shown = (note_texts or {}).get(paper.id, "")
        if before is not None and before.paper is paper and before.note == note \
                and before.names == names and before.row is not None and before.row[5] == shown:
            out.append(before)
            continue
        texts = field_texts(paper, topic_names, note)
        key = texts_digest([texts[name] for name, _ in FIELDS])
        row, read = _row(paper, shown), keys.key_inputs(paper)
        row_key, keyed = texts_digest(row), keys.keys_source(*read)
        if before is not None and before.row_key == row_key:  # the same row: as it was
            row, row_key = before.row or row, before.row_key
        found = before.keys if before is not None and before.keyed == keyed \
            else keys.keys_of(*read)
        counts = before.counts if before is not None and before.texts == key else None
        if counts is None:
            if by_texts is None:  # the records not recalled (a paper renamed keeps its texts)
                kept = {s.id for s in recalled if s is not None}
                by_texts = {s.texts: s.counts for s in memo.seen if s.id not in kept}
            counts = by_texts.get(key)
            if counts is None:
                counts = by_texts[key] = builder.count_words(
                    {name: searchtext.words(texts[name]) for name, _ in FIELDS})
        out.append(Seen(paper, paper.id, note, names, key, counts, row, found, keyed, row_key))
    memo.seen = out
    return out


def build_index(papers: Sequence[Paper], topic_names: Mapping[str, str],
                notes: Mapping[str, str] | None = None, memo: SearchMemo | None = None
                ) -> searchindex.WordBuilder:
    """A lunr.py builder holding every paper; paper ``n`` is ref ``"n"``."""
    builder = searchindex.WordBuilder(FIELDS, memo.terms if memo else None, VERBATIM)
    for seen in index_papers(builder, papers, topic_names, notes, memo):
        builder.add_counts(seen.counts)
    return builder


def chunks(documents: Sequence[Seen | None], memo: SearchMemo | None = None
           ) -> dict[str, bytes]:
    """The document files (an empty number is null); with a memo, a chunk whose rows
    have the same keys is not encoded again."""
    known = memo.chunks if memo else {}
    out: dict[int, tuple[tuple[bytes | None, ...], bytes]] = {}
    for start in range(0, len(documents), CHUNK):
        part = documents[start:start + CHUNK]
        row_keys = tuple(None if s is None else s.row_key for s in part)
        before = known.get(start)
        out[start] = (row_keys, before[1] if before is not None and before[0] == row_keys
                      else dumps([None if s is None else s.row for s in part]))
    if memo is not None:
        memo.chunks = out
    return {f"{DOCS}{start // CHUNK}.json": data for start, (_, data) in out.items()}


def _order_key(paper: Paper) -> tuple[bool, str, str]:
    when = paper.effective_date
    return (when is not None, when or "", paper.id)


def search_order(papers: Sequence[Paper], memo: SearchMemo | None = None) -> list[Paper]:
    """The documents' order: undated first, then oldest date first, then by id. A day's
    new papers come after every other one (the undated too: a paper without a date is
    seldom added), so a rebuild extends the index and the last documents files instead
    of numbering every later document anew.

    With a memo, only the papers that are not the very records ordered last time are
    placed again (``papers`` sorted by id, as the corpus is).
    """
    last = memo.order if memo is not None else None
    if last is not None and last.given and len(papers) == len(last.given) and all(
            map(operator.is_, papers, last.given)):
        return last.papers
    if last is None or not last.given or abs(len(papers) - len(last.given)) > REORDER_LIMIT:
        keyed = sorted((_order_key(p), p) for p in papers) if papers else []
        order = Order(list(papers), [p for _, p in keyed], [k for k, _ in keyed])
    else:
        order = _reorder(last, papers)
    if memo is not None:
        memo.order = order
    return order.papers


REORDER_LIMIT = 200  # papers added or removed up to which the last order is edited
PAD_EVERY = 160  # papers per slot of padding a month's block is rounded to (a power of two)
PAD_LEAST, PAD_MOST = 8, 64


def padding(papers: int) -> int:
    """The multiple each month's block of document numbers is rounded up to: the largest
    power of two up to ``papers / PAD_EVERY``, at most ``PAD_MOST``; 1 (no padding)
    below ``PAD_LEAST``, for a digest of fewer than 1,280 papers, quick to number."""
    pad = 1
    while pad * 2 <= min(papers / PAD_EVERY, PAD_MOST):
        pad *= 2
    return pad if pad >= PAD_LEAST else 1


def slots(order: Sequence[Paper]) -> list[Paper | None]:
    """The documents' numbers: ``order`` (``search_order``) cut into blocks, the undated
    papers and then each month's, every block but the last padded with empty numbers
    (None) to a multiple of ``padding``. A paper added to or removed from a month then
    renumbers the papers after it in that month only (while the block keeps its size),
    not every later one: the index, its documents and keys files are patched there,
    where numbering them all afresh took most of a rebuild."""
    pad = padding(len(order))
    if pad == 1:
        return list(order)
    out: list[Paper | None] = []
    block = None
    for paper in order:
        when = paper.effective_date
        key = when[:7] if when else ""
        if key != block:
            if block is not None:
                out += [None] * (-len(out) % pad)
            block = key
        out.append(paper)
    return out


def _reorder(last: Order, papers: Sequence[Paper]) -> Order:
    """``last`` with the papers that are not the same records removed and placed anew."""
    current = {p.id: p for p in papers}
    keep = [current.get(p.id) is p for p in last.papers]
    order = [p for p, k in zip(last.papers, keep, strict=True) if k]
    keys = [key for key, k in zip(last.keys, keep, strict=True) if k]
    placed = {p.id for p in order}
    for paper in papers:
        if paper.id not in placed:
            key = _order_key(paper)
            at = bisect.bisect_left(keys, key)
            keys.insert(at, key)
            order.insert(at, paper)
    return Order(list(papers), order, keys)


def _facts(site: SiteData, papers: Sequence[Paper | None], memo: SearchMemo | None
           ) -> list[tuple[Paper | None, list[int] | None, str]]:
    """Each document's topic numbers and effective date, in document order; with a memo,
    kept for every paper whose record (and the topics' numbering) is the same."""
    slugs = tuple(t.slug for t in site.topics)
    known = memo.facts if memo is not None and memo.facts_topics == slugs else {}
    numbers = {slug: n for n, slug in enumerate(slugs)}
    out: list[tuple[Paper | None, list[int] | None, str]] = []
    for paper in papers:
        if paper is None:
            out.append(_NO_FACTS)
            continue
        found = known.get(paper.id)
        if found is None or found[0] is not paper:
            found = (paper, [numbers[t] for t in paper.topics if t in numbers],
                     paper.effective_date or "")
        out.append(found)
    if memo is not None:
        memo.facts = {paper.id: (paper, numbers, when) for paper, numbers, when in out
                      if paper is not None and numbers is not None}
        memo.facts_topics = slugs
    return out


_NO_FACTS: tuple[None, None, str] = (None, None, "")  # an empty number: null topics, undated


def manifest(site: SiteData, packed: searchindex.Packed, key_files: int = 0,
             papers: Sequence[Paper | None] | None = None, memo: SearchMemo | None = None
             ) -> dict[str, Any]:
    """The index's manifest with the folding table ``search.js`` shares with Python,
    the topics, each document's topic numbers and date, and the number of keys files.

    ``years`` lists the distinct years, ``doc_years`` gives each document's year as its
    position there plus one (0: undated) in base64 VLQ: a character a paper. Full dates,
    which only the newest-first order needs, are in ``dates_file``.
    """
    papers = site.papers if papers is None else papers  # by document number
    facts = _facts(site, papers, memo)
    years = sorted({when[:4] for _, _, when in facts if when})
    year = {y: n + 1 for n, y in enumerate(years)}
    return {
        **packed.manifest,
        "fold": searchtext.FOLD,
        "topics": [[t.slug, t.name] for t in site.topics],
        "doc_topics": [numbers for _, numbers, _ in facts],
        "years": " ".join(years),
        "doc_years": searchindex.encode([year.get(when[:4], 0) for _, _, when in facts]),
        "chunk": CHUNK,
        "keys": key_files,
        "verbatim": list(VERBATIM),
    }


def dates_file(papers: Sequence[Paper | None]) -> dict[str, str]:
    """``search/dates/0.json``: the distinct dates, and each document's date as its
    position there plus one (0: undated or no document) in base64 VLQ."""
    when = [p.effective_date or "" if p is not None else "" for p in papers]
    dates = sorted(set(when).difference(("",)))
    day = {d: n + 1 for n, d in enumerate(dates)}
    return {"dates": " ".join(dates), "doc_dates": searchindex.encode([day.get(d, 0) for d in when])}


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
    known = memo.note_texts
    memo.note_texts = {html: known[html] if html in known else note_text(html)
                       for html in site.notes_html.values()}
    shown = {paper_id: memo.note_texts[html] for paper_id, html in site.notes_html.items()}
    builder = searchindex.WordBuilder(FIELDS, memo.terms, VERBATIM)
    papers = search_order(site.papers, memo)
    indexed = index_papers(builder, papers, topic_names, notes, memo, shown)
    numbered = slots(papers)
    if len(numbered) == len(papers):
        documents: list[Seen | None] = list(indexed)
    else:  # the empty numbers between months' blocks
        seen = iter(indexed)
        documents = [None if paper is None else next(seen) for paper in numbered]
    packed = searchindex.pack(builder, shard_size,
                              [_NO_ROW if s is None else s.counts for s in documents],
                              memo.pack, papers=len(papers))
    key_files, key_outputs = keys.render_keys(
        [() if s is None else s.keys for s in documents], memo.keys)
    return {
        INDEX: dumps(manifest(site, packed, key_files, numbered, memo)),
        **{f"{SHARDS}{n}.json": dumps(shard) for n, shard in enumerate(packed.shards)},
        **key_outputs,
        **({DATES: dumps(dates_file(numbered))} if papers else {}),
        **chunks(documents, memo),
        **vendor.lunr_assets(),
    }


_NO_ROW: searchindex.Row = {name: searchindex.NO_TERMS for name, _ in FIELDS}  # an empty number


def prepare(memo: SearchMemo, stop: Callable[[], bool] | None = None) -> None:
    """What the next rebuild would otherwise do first (``searchindex.prepare``)."""
    searchindex.prepare(memo.pack, stop)
