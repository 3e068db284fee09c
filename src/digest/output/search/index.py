"""The lunr index: built with lunr.py, shipped packed and sharded, unpacked by ``search.js``.

lunr's own JSON holds every posting twice (``invertedIndex`` and ``fieldVectors``)
with a BM25 weight per posting; at 10,000 papers that is ~33 MB (10 MB gzipped), and
lunr.js must load all of it before the first result. The pack keeps what those weights
are computed from instead: per term and field the documents (gaps, as base64 VLQ) with
their term frequency when it is above one, and every field's length per document. It
is cut into a manifest (terms, document frequencies, field lengths: what ranking needs
across the whole collection) and shards of postings by term range, so the browser
fetches only the shards holding a query's terms. ``search.js`` recomputes the weights
with lunr's formula (``Builder._create_field_vectors``; lunr.js scores a document by
its weights for the query's terms only, so a partial index ranks as the whole one) and
hands lunr.js the serialized index that ``WordBuilder.build().serialize()`` gives,
restricted to the loaded terms; ``tests/test_search_node.py`` checks it.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lunr
from lunr.builder import Builder
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from digest.output.search import porter

FORMAT = "digest-lunr-shards/2"
SHARD_SIZE = 24_000  # characters of postings a shard holds, about 12 KB gzipped
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """lunr.js's stemmer (ported) as a lunr.py pipeline function."""
    return token.update(lambda text, metadata=None: porter.stem(text))


# The label lunr.js knows it by: the serialized index names its search pipeline.
stemmer.label = "stemmer"  # type: ignore[attr-defined]


# The terms of one field of one document and how often each occurs there, side by side
# (the counts as bytes when each is below 256, as nearly all are): a third of a dict's
# memory, and quicker to pickle. The search worker holds every paper's, and the build
# cache keeps them.
Frequencies = tuple[tuple[str, ...], bytes | tuple[int, ...]]
NO_TERMS: Frequencies = ((), b"")


def frequencies_of(counts: Mapping[str, int]) -> Frequencies:
    """A field's ``Frequencies`` from term → count (in the mapping's order)."""
    try:
        return tuple(counts), bytes(counts.values())
    except ValueError:  # a count of 256 or more
        return tuple(counts), tuple(counts.values())


class WordBuilder(Builder):  # type: ignore[misc]
    """lunr.py's Builder fed words: each distinct word runs the pipeline once.

    ``Builder.add`` wraps every token in an object and runs each pipeline function on
    it (17 s for 10,000 abstracts). The pipeline is pure and per token, so running it
    once per distinct word gives the same terms. ``add_words`` fills the builder's term
    frequencies and field lengths; ``build`` derives lunr.py's inverted index from them
    (``pack`` does not need it).
    """

    def __init__(self, fields: Sequence[tuple[str, int]],
                 terms: dict[str, str] | None = None, verbatim: Collection[str] = ()) -> None:
        super().__init__()
        self.ref("ref")
        for name, boost in fields:
            self.field(name, boost=boost)
        self.pipeline.add(trimmer, stop_word_filter, stemmer)
        self.search_pipeline.add(stemmer)
        self._terms: dict[str, str] = {} if terms is None else terms  # word → term, shareable
        # Fields whose words are terms as they stand: names, where "He" is no stop word
        # and "Xie" no inflection of "Xi".
        self.verbatim = frozenset(verbatim)

    def term(self, word: str) -> str:
        """The word through the pipeline: its stem, or "" for a stop word."""
        known = self._terms.get(word)
        if known is None:
            out = [t for t in self.pipeline.run_string(word) if t]
            if len(out) > 1:
                raise ValueError(f"the pipeline made {out} of one word {word!r}")
            known = self._terms[word] = out[0] if out else ""
        return known

    def add_words(self, fields: Mapping[str, Iterable[str]]) -> str:
        """Index the next document from its words per field; return its ref."""
        return self.add_counts(self.count_words(fields))

    def count_words(self, fields: Mapping[str, Iterable[str]]) -> dict[str, Frequencies]:
        """The term frequencies of each field of a document, from its words (plain
        tuples: a Counter pickles through Python's ``__reduce__``, a copy of it held to
        the end of the dump: 100k papers' took 8 s and 0.7 GB)."""
        known = self._terms
        out = {}
        for name in self._fields:
            words = list(fields.get(name, ()))
            if name in self.verbatim:
                out[name] = frequencies_of(Counter(words))
                continue
            for word in set(words).difference(known):
                self.term(word)
            frequencies = Counter(map(known.__getitem__, words))
            frequencies.pop("", None)
            out[name] = frequencies_of(frequencies)
        return out

    def add_counts(self, counts: Row) -> str:
        """Index the next document from ``count_words``'s result; return its ref."""
        ref = str(self.document_count)
        self._documents[ref] = {}
        self.document_count += 1
        for name in self._fields:
            terms, tfs = counts[name]
            self.field_term_frequencies[f"{name}/{ref}"] = dict(zip(terms, tfs, strict=True))
            self.field_lengths[f"{name}/{ref}"] = sum(tfs)
        return ref

    def build(self) -> Any:
        """lunr.py's own Index of these documents (terms numbered in sorted order)."""
        postings: dict[str, dict[str, Any]] = {}
        for field_ref, frequencies in self.field_term_frequencies.items():
            name, ref = field_ref.split("/", 1)
            for term in frequencies:
                posting = postings.setdefault(term, {f: {} for f in self._fields})
                posting[name][ref] = {}
        for index, term in enumerate(sorted(postings)):
            self.inverted_index[term] = {**postings[term], "_index": index}
        self.term_index = len(postings)
        return super().build()


def _vlq(number: int) -> str:
    """A non-negative int in base64 VLQ: 5 bits a character, continuation in the sixth."""
    out = []
    while number >= 32:
        out.append(_B64[32 + (number & 31)])
        number >>= 5
    out.append(_B64[number])
    return "".join(out)


_TABLE = [_vlq(n) for n in range(1 << 15)]  # every 1-, 2- and 3-character code
_DIGITS = {char: n for n, char in enumerate(_B64)}


def _encode(numbers: list[int]) -> str:
    """The numbers in base64 VLQ."""
    table = _TABLE
    if max(numbers, default=0) < len(table):
        return "".join(map(table.__getitem__, numbers))
    return "".join([table[n] if n < len(table) else _vlq(n) for n in numbers])


def encode(numbers: list[int]) -> str:
    """Non-negative ints in base64 VLQ, as ``search.js``'s ``decode`` reads them."""
    return _encode(numbers)


Row = Mapping[str, Frequencies]  # one document: each field's term frequencies


def _postings(rows: Sequence[Row], name: str) -> dict[str, list[int]]:
    """Term → [last document, documents, codes...] of one field: ``pack``'s numbers."""
    lists: dict[str, list[int]] = {}
    get = lists.get
    for number, row in enumerate(rows):  # one pass, in document order
        for term, tf in zip(*row[name], strict=True):
            entry = get(term)
            if entry is None:
                entry = lists[term] = [-1, 0]
            gap = (number - entry[0] - 1) * 2
            entry[0] = number
            entry[1] += 1
            if tf > 1:
                entry += (gap + 1, tf - 2)
            else:
                entry.append(gap)
    return lists


Mark = tuple[int, int, int]  # (doc, at, count): see ``PackMemo.marks``


@dataclass
class PackMemo:
    """What packing nearly the same documents again may reuse: the rows packed last
    (a row that did not change is the same object), every term's codes and df, and the
    last document of each term in each field (where appended documents continue).

    ``marks`` lets an edit rewrite a term's postings around the documents it changed
    without decoding them all: per field, marks ``(doc, at, count)`` in increasing
    ``doc``, each saying that the first ``count`` postings, up to document ``doc``, are
    the code's first ``at`` characters after its count. A term with ``MARK_LEAST``
    postings or more in a field is marked at every ``MARK_EVERY`` documents where it is
    decoded (``prepare`` decodes those not marked yet); a mark is valid until a document
    up to its ``doc`` changes.
    """

    rows: list[Row] = field(default_factory=list)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=dict)
    lengths: list[list[int]] = field(default_factory=list)  # per field, per document
    last: dict[str, tuple[int, ...]] = field(default_factory=dict)  # per field; -1: none
    marks: dict[str, tuple[tuple[Mark, ...], ...]] = field(default_factory=dict)
    prepared: bool = False  # every term with MARK_LEAST postings in a field marked
    unmarked: list[str] | None = None  # the terms ``prepare`` has still to look at


# Changed documents up to which a memo is patched rather than rebuilt: a paper added to
# a month renumbers the papers after it in that month (``build.slots``), hundreds at most.
PATCH_LIMIT = 2000
APPEND_LIMIT = 5000  # documents added at the end up to which a memo is extended
# Changes spread over more than this share of the documents (papers added to many
# months) are packed afresh: rewriting each term between the first and the last change
# took longer than packing all of it (0.8 s against 0.5 s at 10,000 papers).
SPREAD, SPREAD_LEAST = 0.6, 200
MARK_EVERY = 256  # documents between a term's marks
MARK_LEAST = 64  # postings of a term in a field from which it is marked


def _patch(memo: PackMemo, rows: Sequence[Row], fields: Sequence[str]) -> bool:
    """Update the memo for the rows that changed, were removed from the end or were
    added at the end (as a day's new papers are, numbered after the others); False
    when it cannot."""
    old = memo.rows
    if not old or len(rows) - len(old) > APPEND_LIMIT or len(old) - len(rows) > PATCH_LIMIT:
        return False
    changed = [n for n, (was, now) in enumerate(zip(old, rows, strict=False)) if was is not now]
    changed += range(len(rows), len(old))  # removed from the end
    if len(changed) > PATCH_LIMIT or (
            len(changed) > SPREAD_LEAST and max(changed) - min(changed) > SPREAD * len(old)):
        return False  # (a rewrite decodes every term from the first change to the last)
    if changed:
        _rewrite(memo, rows, fields, changed)
    if len(rows) > len(old):
        _append(memo, rows, fields, len(old))
    memo.rows = list(rows)
    return True


def _rewrite(memo: PackMemo, rows: Sequence[Row], fields: Sequence[str],
             changed: list[int]) -> None:
    """The codes of the terms whose frequency changed in documents ``changed`` (all
    numbered below the memo's count; those from ``len(rows)`` on are removed), edited
    where they changed: decoded from the term's last mark before every change up to the
    first posting after the last change, encoded again, and the rest of the code kept
    (its documents keep their numbers, so its gaps stay; only the first one's moves)."""
    old = memo.rows
    gone = set(changed)
    first, stop = min(changed), max(changed)
    kept = [n for n in changed if n < len(rows)]
    dirty: set[str] = set()
    for n in changed:  # the terms whose frequency in a changed document changed
        for name in fields:
            was, now = old[n][name], rows[n][name] if n < len(rows) else NO_TERMS
            if was != now:
                had, has = dict(zip(*was, strict=True)), dict(zip(*now, strict=True))
                dirty.update(t for t in had.keys() | has.keys() if had.get(t) != has.get(t))
    none: tuple[tuple[Mark, ...], ...] = tuple(() for _ in fields)
    added: dict[str, list[list[tuple[int, int]]]] = {}  # the changed documents' postings
    for n in kept:
        for f, name in enumerate(fields):
            for term, tf in zip(*rows[n][name], strict=True):
                if term in dirty:
                    found = added.get(term)
                    if found is None:
                        found = added[term] = [[] for _ in fields]
                    found[f].append((n, tf))
    nothing: list[list[tuple[int, int]]] = [[] for _ in fields]
    for term in dirty:
        codes: list[str] = []
        last: list[int] = []
        marks: list[tuple[Mark, ...]] = []
        df = 0
        before = memo.codes.get(term)
        term_marks = memo.marks.get(term, none)
        old_last = memo.last.get(term)
        new_postings = added.get(term, nothing)
        for f in range(len(fields)):
            if (before is None or before[f] == "A") and not new_postings[f]:
                codes.append("A")  # A: no document, before or now
                last.append(-1)
                marks.append(())
                continue
            total, head = _number(before[f]) if before is not None else (0, 0)
            body = before[f][head:] if before is not None else ""
            field_marks = term_marks[f]
            usable = list(field_marks[:bisect.bisect_left(field_marks, (first,))])
            doc, at, count = usable[-1] if usable else (-1, 0, 0)
            region, after = _decode_until(body, at, doc, stop)
            entries = [e for e in region if e[0] not in gone]
            if new_postings[f]:
                entries += new_postings[f]
                entries.sort()
            moved = len(entries) - len(region)
            total += moved
            parts = [body[:at]]
            kept_marks = usable if total >= MARK_LEAST else []
            taken = 0
            if total >= MARK_LEAST:  # marked every MARK_EVERY documents
                doc, at, count, taken = _marked(entries, parts, kept_marks, doc, at, count, stop)
            rest = entries[taken:]
            parts.append(_encode_gaps(rest, doc))
            ended = rest[-1][0] if rest else doc
            if after is not None:  # the first posting past the changes: only its gap moves
                parts.append(_encode_gaps([after[:2]], ended))
                parts.append(body[after[2]:])
                ended = old_last[f] if old_last is not None else after[0]
                if total >= MARK_LEAST:
                    shift = sum(map(len, parts)) - len(body)
                    kept_marks += [(d, a + shift, c + moved) for d, a, c in
                                   field_marks[bisect.bisect_right(field_marks, (stop, 1 << 62)):]]
            df += total
            codes.append(_encode([total]) + "".join(parts))
            last.append(ended if total else -1)
            marks.append(tuple(kept_marks))
        if df:
            memo.codes[term], memo.df[term], memo.last[term] = tuple(codes), df, tuple(last)
            if any(marks):
                memo.marks[term] = tuple(marks)
            else:
                memo.marks.pop(term, None)
        else:
            for table in (memo.codes, memo.df, memo.last, memo.marks):
                table.pop(term, None)
    for f, name in enumerate(fields):
        del memo.lengths[f][len(rows):]
        for n in kept:
            memo.lengths[f][n] = sum(rows[n][name][1])


def _decode_until(body: str, at: int, last: int, stop: int
                  ) -> tuple[list[tuple[int, int]], tuple[int, int, int] | None]:
    """The postings a code's body holds from character ``at`` on (the one before being
    document ``last``) up to document ``stop``; and the next one as (document, tf, the
    character after it), or None when there is none."""
    entries: list[tuple[int, int]] = []
    digits = _DIGITS
    value, shift, doc, tf_next = 0, 0, last, False
    for index in range(at, len(body)):
        digit = digits[body[index]]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        if tf_next:
            entries[-1] = (doc, value + 2)
            tf_next = False
        else:
            doc += (value >> 1) + 1
            if doc > stop:
                if not value & 1:
                    return entries, (doc, 1, index + 1)
                tf, after = _number(body, index + 1)
                return entries, (doc, tf + 2, after)
            entries.append((doc, 1))
            tf_next = bool(value & 1)
        value, shift = 0, 0
    return entries, None


def _number(code: str, at: int = 0) -> tuple[int, int]:
    """The number starting at character ``at`` (by default the first: a field's count of
    documents), and the character after it."""
    value, shift = 0, 0
    for index in range(at, len(code)):
        digit = _DIGITS[code[index]]
        value += (digit & 31) << shift
        if not digit & 32:
            return value, index + 1
        shift += 5
    raise ValueError(f"no complete number in {code[at:]!r}")


def prepare(memo: PackMemo, stop: Callable[[], bool] | None = None) -> None:
    """Mark every term with ``MARK_LEAST`` postings or more in a field that is not marked
    yet, decoding it once: what the preview does while it waits for the next edit, so
    that an edit in the middle decodes a few postings of each term, not all of them.
    Once per memo made afresh (a rewrite marks the terms it decodes); ``stop`` is asked
    every few terms whether to leave the rest for the next call (an edit is waiting)."""
    if memo.prepared:
        return
    if memo.unmarked is None:
        memo.unmarked = list(memo.codes)
    while memo.unmarked:
        if stop is not None and len(memo.unmarked) % 64 == 0 and stop():
            return
        term = memo.unmarked.pop()
        codes = memo.codes.get(term)
        if codes is None:
            continue
        term_marks = memo.marks.get(term)
        made = []
        for f, code in enumerate(codes):
            total, head = _number(code)
            if total < MARK_LEAST or (term_marks is not None and term_marks[f]):
                made.append(term_marks[f] if term_marks is not None else ())
                continue
            made.append(_grid(code, head))
        if any(made):
            memo.marks[term] = tuple(made)
    memo.prepared, memo.unmarked = True, None


def _grid(code: str, head: int) -> tuple[Mark, ...]:
    """The marks of a code's postings every ``MARK_EVERY`` documents."""
    entries, _ = _decode_until(code[head:], 0, -1, 1 << 62)
    marks: list[Mark] = []
    if entries:
        _marked(entries, [], marks, -1, 0, 0, entries[-1][0])
    return tuple(marks)


def _marked(entries: list[tuple[int, int]], parts: list[str], marks: list[Mark],
            doc: int, at: int, count: int, stop: int) -> tuple[int, int, int, int]:
    """``entries``, the postings after document ``doc`` (the code's first ``at``
    characters holding ``count`` postings), encoded into ``parts`` up to each multiple of
    ``MARK_EVERY`` up to ``stop``, with a mark in ``marks`` where each part ends; the last
    mark's (doc, at, count) and how many entries were encoded."""
    taken = 0
    for grid in range((doc // MARK_EVERY + 1) * MARK_EVERY, stop + 1, MARK_EVERY):
        split = bisect.bisect_left(entries, (grid,))
        if split > taken:
            part = _encode_gaps(entries[taken:split], doc)
            parts.append(part)
            doc, at, count = entries[split - 1][0], at + len(part), count + split - taken
            marks.append((doc, at, count))
            taken = split
    return doc, at, count, taken


def _encode_gaps(entries: Sequence[tuple[int, int]], last: int) -> str:
    """Postings (document, tf) following document ``last``, without their count."""
    numbers: list[int] = []
    for doc, tf in entries:
        gap = (doc - last - 1) * 2
        last = doc
        if tf > 1:
            numbers += (gap + 1, tf - 2)
        else:
            numbers.append(gap)
    return _encode(numbers)


def _append(memo: PackMemo, rows: Sequence[Row], fields: Sequence[str], start: int) -> None:
    """Documents ``start`` onwards added: each term's postings continue from its last
    document, its count (the first number of a field's code) raised."""
    added: dict[str, list[list[tuple[int, int]]]] = {}
    for n in range(start, len(rows)):
        for f, name in enumerate(fields):
            for term, tf in zip(*rows[n][name], strict=True):
                found = added.get(term)
                if found is None:
                    found = added[term] = [[] for _ in fields]
                found[f].append((n, tf))
    none = tuple(-1 for _ in fields)
    for term, per_field in added.items():
        codes = memo.codes.get(term) or tuple("A" for _ in fields)  # A: no document
        last = memo.last.get(term, none)
        new_codes, new_last = [], []
        for f, entries in enumerate(per_field):
            if not entries:
                new_codes.append(codes[f])
                new_last.append(last[f])
                continue
            count, head = _number(codes[f])
            new_codes.append(_encode([count + len(entries)]) + codes[f][head:]
                             + _encode_gaps(entries, last[f]))
            new_last.append(entries[-1][0])
        memo.codes[term] = tuple(new_codes)
        memo.last[term] = tuple(new_last)
        memo.df[term] = memo.df.get(term, 0) + sum(map(len, per_field))
    for f, name in enumerate(fields):
        memo.lengths[f] += [sum(rows[n][name][1]) for n in range(start, len(rows))]


def _fill(memo: PackMemo, rows: Sequence[Row], fields: Sequence[str]) -> None:
    """The memo's codes and df from all rows."""
    per_field = [_postings(rows, name) for name in fields]
    codes: dict[str, tuple[str, ...]] = {}
    df: dict[str, int] = {}
    last: dict[str, tuple[int, ...]] = {}
    for term in set().union(*per_field):
        entries = [lists.get(term) for lists in per_field]
        codes[term] = tuple("A" if e is None else _encode(e[1:]) for e in entries)  # A: 0
        df[term] = sum(e[1] for e in entries if e is not None)
        last[term] = tuple(-1 if e is None else e[0] for e in entries)
    memo.rows, memo.codes, memo.df, memo.last = list(rows), codes, df, last
    memo.marks, memo.prepared, memo.unmarked = {}, False, None
    memo.lengths = [[sum(row[name][1]) for row in rows] for name in fields]


@dataclass(frozen=True)
class Packed:
    """The shipped index: a manifest every query needs, and shards of postings.

    ``manifest["terms"]`` lists every term in sorted order, with lunr's document
    frequency (documents per field, summed, as lunr's idf counts them) in ``df`` and
    in ``shards`` how many consecutive terms each shard holds. Shard ``s`` holds, per
    field, the postings of its terms: for each term the number of documents with it in
    that field, then per document twice the gap from the previous one, plus one when
    the term frequency follows (as ``tf - 2``). ``lengths`` gives every document's
    field lengths. Together they are lunr's serialized index without the weights, which
    ``search.js`` recomputes, for the shards a query needs only.
    """

    manifest: dict[str, Any]
    shards: list[dict[str, Any]]


def rows(builder: WordBuilder) -> list[Row]:
    """The builder's documents as rows, in ref order."""
    frequencies = builder.field_term_frequencies
    return [{name: frequencies_of(frequencies[f"{name}/{n}"]) for name in builder._fields}
            for n in range(builder.document_count)]


def pack(builder: WordBuilder, shard_size: int = SHARD_SIZE, documents: Sequence[Row] | None = None,
         memo: PackMemo | None = None, papers: int | None = None) -> Packed:
    """The index as a manifest and shards of about ``shard_size`` characters each.

    Shards cut the sorted terms into consecutive runs, so a word's completions share a
    shard or two, and a term is never split: one frequent term may make a larger shard.
    ``documents`` stands for the builder's own (``rows``), which it then needs not hold;
    with a memo, only the terms of the documents that changed since are packed again.
    ``papers``: how many of the documents are papers (the others are empty numbers),
    which lunr's weights count; default all.
    """
    fields = list(builder._fields)
    documents = rows(builder) if documents is None else documents
    memo = PackMemo() if memo is None else memo
    if not _patch(memo, documents, fields):
        _fill(memo, documents, fields)
    terms = sorted(memo.codes)
    codes = list(zip(*map(memo.codes.__getitem__, terms), strict=True)) or [() for _ in fields]
    df = list(map(memo.df.__getitem__, terms))
    counts: list[int] = []
    shards: list[dict[str, Any]] = []
    sizes = [len(term) for term in terms]
    for column in codes:
        sizes = list(map(int.__add__, sizes, map(len, column)))
    start, size = 0, 0
    for number in range(len(terms) + 1):
        if number == len(terms) or (size >= shard_size and number > start):
            if number > start:
                counts.append(number - start)
                shards.append({"postings": ["".join(column[start:number])
                                            for column in codes]})
            start, size = number, 0
        if number < len(terms):
            size += sizes[number]
    lengths = [_encode(column) for column in memo.lengths]
    manifest = {
        "format": FORMAT,
        "version": lunr.__TARGET_JS_VERSION__,
        "pipeline": builder.search_pipeline.serialize(),
        "fields": fields,
        "boosts": [builder._fields[name].boost for name in fields],
        "k1": builder._k1,
        "b": builder._b,
        "count": len(documents),
        "papers": len(documents) if papers is None else papers,
        "terms": " ".join(terms),
        "df": _encode(df),
        "shards": _encode(counts),
        "lengths": lengths,
    }
    return Packed(manifest, shards)
