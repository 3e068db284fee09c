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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import lunr  # type: ignore[import-untyped]
from lunr.builder import Builder  # type: ignore[import-untyped]
from lunr.stop_word_filter import stop_word_filter  # type: ignore[import-untyped]
from lunr.token import Token  # type: ignore[import-untyped]
from lunr.trimmer import trimmer  # type: ignore[import-untyped]

from digest import porter

FORMAT = "digest-lunr-shards/1"
SHARD_SIZE = 24_000  # characters of postings a shard holds, about 12 KB gzipped
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """lunr.js's stemmer (ported) as a lunr.py pipeline function."""
    return token.update(lambda text, metadata=None: porter.stem(text))


# The label lunr.js knows it by: the serialized index names its search pipeline.
stemmer.label = "stemmer"  # type: ignore[attr-defined]


class WordBuilder(Builder):  # type: ignore[misc]
    """lunr.py's Builder fed words: each distinct word runs the pipeline once.

    ``Builder.add`` wraps every token in an object and runs each pipeline function on
    it (17 s for 10,000 abstracts). The pipeline is pure and per token, so running it
    once per distinct word gives the same terms. ``add_words`` fills the builder's term
    frequencies and field lengths; ``build`` derives lunr.py's inverted index from them
    (``pack`` does not need it).
    """

    def __init__(self, fields: Sequence[tuple[str, int]],
                 terms: dict[str, str] | None = None) -> None:
        super().__init__()
        self.ref("ref")
        for name, boost in fields:
            self.field(name, boost=boost)
        self.pipeline.add(trimmer, stop_word_filter, stemmer)
        self.search_pipeline.add(stemmer)
        self._terms: dict[str, str] = {} if terms is None else terms  # word → term, shareable

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

    def count_words(self, fields: Mapping[str, Iterable[str]]) -> dict[str, Counter[str]]:
        """The term frequencies of each field of a document, from its words."""
        known = self._terms
        out = {}
        for name in self._fields:
            words = list(fields.get(name, ()))
            for word in set(words).difference(known):
                self.term(word)
            frequencies = Counter(map(known.__getitem__, words))
            frequencies.pop("", None)
            out[name] = frequencies
        return out

    def add_counts(self, counts: Mapping[str, Counter[str]]) -> str:
        """Index the next document from ``count_words``'s result; return its ref."""
        ref = str(self.document_count)
        self._documents[ref] = {}
        self.document_count += 1
        for name in self._fields:
            frequencies = counts[name]
            self.field_term_frequencies[f"{name}/{ref}"] = frequencies
            self.field_lengths[f"{name}/{ref}"] = frequencies.total()
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


def _encode(numbers: list[int]) -> str:
    """The numbers in base64 VLQ."""
    table = _TABLE
    if max(numbers, default=0) < len(table):
        return "".join(map(table.__getitem__, numbers))
    return "".join([table[n] if n < len(table) else _vlq(n) for n in numbers])


def _postings(builder: WordBuilder, name: str) -> dict[str, list[int]]:
    """Term → [last document, documents, codes...] of one field: ``pack``'s numbers."""
    lists: dict[str, list[int]] = {}
    get = lists.get
    frequencies = builder.field_term_frequencies
    for number in range(builder.document_count):  # one pass, in document order
        for term, tf in frequencies[f"{name}/{number}"].items():
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


def _term_codes(builder: WordBuilder) -> tuple[list[str], list[int], list[list[str]]]:
    """Sorted terms, their document frequency, and each term's code string per field."""
    per_field = [_postings(builder, name) for name in builder._fields]
    terms = sorted(set().union(*per_field))
    df = [0] * len(terms)
    codes: list[list[str]] = []
    for lists in per_field:
        column = []
        for number, term in enumerate(terms):
            entry = lists.get(term)
            if entry is None:
                column.append("A")  # _vlq(0): no document
            else:
                df[number] += entry[1]
                column.append(_encode(entry[1:]))
        codes.append(column)
    return terms, df, codes


def pack(builder: WordBuilder, shard_size: int = SHARD_SIZE) -> Packed:
    """The index as a manifest and shards of about ``shard_size`` characters each.

    Shards cut the sorted terms into consecutive runs, so a word's completions share a
    shard or two, and a term is never split: one frequent term may make a larger shard.
    """
    fields = list(builder._fields)
    terms, df, codes = _term_codes(builder)
    counts: list[int] = []
    shards: list[dict[str, Any]] = []
    start, size = 0, 0
    for number in range(len(terms) + 1):
        if number == len(terms) or (size >= shard_size and number > start):
            if number > start:
                counts.append(number - start)
                shards.append({"postings": ["".join(column[start:number])
                                            for column in codes]})
            start, size = number, 0
        if number < len(terms):
            size += sum(len(column[number]) for column in codes) + len(terms[number])
    lengths = [_encode([builder.field_lengths[f"{name}/{n}"]
                        for n in range(builder.document_count)]) for name in fields]
    manifest = {
        "format": FORMAT,
        "version": lunr.__TARGET_JS_VERSION__,
        "pipeline": builder.search_pipeline.serialize(),
        "fields": fields,
        "boosts": [builder._fields[name].boost for name in fields],
        "k1": builder._k1,
        "b": builder._b,
        "count": builder.document_count,
        "terms": " ".join(terms),
        "df": _encode(df),
        "shards": _encode(counts),
        "lengths": lengths,
    }
    return Packed(manifest, shards)
