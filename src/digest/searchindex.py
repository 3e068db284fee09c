"""The lunr index: built with lunr.py, shipped packed, unpacked by ``search.js`` for lunr.js.

lunr's own JSON holds every posting twice (``invertedIndex`` and ``fieldVectors``)
with a BM25 weight per posting; at 10,000 papers that is ~33 MB (10 MB gzipped).
The pack keeps what those weights are computed from instead: per term and field the
documents (gaps, as base64 VLQ) with their term frequency when it is above one, and
every field's length per document. ``search.js`` recomputes the weights with lunr's
formula (``Builder._create_field_vectors``) and hands lunr.js the serialized index
that ``WordBuilder.build().serialize()`` gives; ``tests/test_search_node.py`` checks it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import lunr  # type: ignore[import-untyped]
from lunr.builder import Builder  # type: ignore[import-untyped]
from lunr.stop_word_filter import stop_word_filter  # type: ignore[import-untyped]
from lunr.token import Token  # type: ignore[import-untyped]
from lunr.trimmer import trimmer  # type: ignore[import-untyped]

from digest import porter

FORMAT = "digest-lunr-pack/1"
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


def pack(builder: WordBuilder) -> dict[str, Any]:
    """The shipped index: lunr's serialized index without what can be computed.

    ``postings[f]`` holds, for each term in ``terms`` order, the number of documents
    with the term in field ``f``, then per document twice the gap from the previous
    one, plus one when the term frequency follows (as ``tf - 2``).
    """
    fields = list(builder._fields)
    per_field = [_postings(builder, name) for name in fields]
    terms = sorted(set().union(*per_field))
    postings = []
    for lists in per_field:
        numbers: list[int] = []
        for term in terms:
            entry = lists.get(term)
            if entry is None:
                numbers.append(0)
            else:
                numbers += entry[1:]
        postings.append(_encode(numbers))
    lengths = [_encode([builder.field_lengths[f"{name}/{n}"]
                        for n in range(builder.document_count)]) for name in fields]
    return {
        "format": FORMAT,
        "version": lunr.__TARGET_JS_VERSION__,
        "pipeline": builder.search_pipeline.serialize(),
        "fields": fields,
        "boosts": [builder._fields[name].boost for name in fields],
        "k1": builder._k1,
        "b": builder._b,
        "count": builder.document_count,
        "terms": " ".join(terms),
        "postings": postings,
        "lengths": lengths,
    }
