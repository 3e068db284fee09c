"""Related papers: each paper's nearest neighbours by TF-IDF cosine, computed at build time.

A paper is a bag of terms: the words of its title (each counted ``TITLE_WEIGHT`` times),
abstract and note, plurals folded to singulars, its authors' full names and its topics.
A term weighs ``(1 + ln tf) · ln(N / df)``; each paper's vector has unit length, so the
score of two papers is the cosine of their vectors. To keep the cost linear in the
number of papers, a paper keeps its ``TERMS_PER_PAPER`` heaviest terms and a term the
``POSTINGS_PER_TERM`` papers where it weighs most (a word hundreds of papers use says
little about which of them is like which; Lucene's "more like this" prunes the same
way). A score is the dot product of the pruned vectors, so it is the same seen from
either paper: ``b`` lists ``a`` whenever ``a`` lists ``b``, unless ``b`` has
``LIMIT`` closer papers. Scores below ``THRESHOLD`` are not shown, so a paper with
nothing close enough lists nothing rather than noise.

Weights are integers (``SCALE`` steps) and scores exact integer sums: no summation
order can change a tie, so the lists are the same in every build, full or incremental.
Everything past reading the words runs in numpy on whole arrays; ``RelatedMemo`` keeps
each paper's distinct terms, so the preview reads only the papers that changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from digest.model import Paper

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.signedinteger[Any]]

LIMIT = 5  # related papers a page shows
THRESHOLD = 0.08  # the least score (cosine, 0 to 1) worth showing
TITLE_WEIGHT = 3  # a title word counts as this many abstract words
TERMS_PER_PAPER = 24
POSTINGS_PER_TERM = 64
SCALE = (1 << 15) - 1  # weight steps: a product of two fits in 30 bits
PAIRS_AT_ONCE = 1 << 17  # candidate pairs scored at once: bounds the memory
PAPERS_AT_ONCE = 1024  # papers counted at once: the same
ROWS_AT_ONCE = 4096  # papers whose pairs are scored at once: a pair's key fits in 63 bits

# Bytes that belong to a word: ASCII letters (lower-cased) and digits, and every byte of
# a non-ASCII character (folded first); the rest splits words.
_TABLE = bytes(c + 32 if 65 <= c <= 90 else
               c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32 for c in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# lunr's English stop words (the search index drops the same ones) and words that
# most abstracts use without saying what a paper is about.
STOP_WORDS = frozenset((
    "a", "able", "about", "across", "after", "all", "almost", "also", "am", "among", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "but", "by", "can", "cannot", "could",
    "dear", "did", "do", "does", "either", "else", "ever", "every", "for", "from", "get", "got",
    "had", "has", "have", "he", "her", "hers", "him", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "just", "least", "let", "like", "likely", "may", "me", "might",
    "most", "must", "my", "neither", "no", "nor", "not", "of", "off", "often", "on", "only", "or",
    "other", "our", "own", "rather", "said", "say", "says", "she", "should", "since", "so", "some",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "tis", "to",
    "too", "twas", "us", "wants", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "yet", "you", "your", "ours", "show", "shows",
    "shown", "propose", "proposed", "present", "introduce", "paper", "work", "approach", "method",
    "methods", "new", "using", "use", "used", "based", "via", "both", "more", "such", "each",
    "well"
))


@dataclass(frozen=True)
class Text:
    """What the similarity of one paper is read from."""

    title: str
    body: str  # abstract and note
    authors: tuple[str, ...]
    topics: tuple[str, ...]


def text_of(paper: Paper, note: str = "") -> Text:
    return Text(paper.title, f"{paper.abstract}\n{note}" if note else paper.abstract,
                paper.authors, paper.topics)


def _fold_run(match: re.Match[str]) -> str:
    """A non-ASCII run without diacritics; other characters that are not letters or
    digits (dashes, quotes, symbols) split words."""
    return "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFKD", match.group())
                   if not unicodedata.combining(c))


def _encoded(text: str) -> bytes:
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_run, text)
    return text.encode("utf-8", "replace").translate(_TABLE)


def stem(word: str) -> str:
    """Harman's S-stemmer: a plural to its singular (``models`` → ``model``), nothing else.

    Enough to match a word with its plural; Porter's stemmer also merges words that
    tell papers apart (``general``, ``generation``).
    """
    if len(word) < 4 or word[-1] != "s" or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    return word[:-1]


def _word_term(word: bytes) -> str | None:
    """The term of a word: its singular; None for a stop word, one letter or a number."""
    text = word.decode("utf-8", "replace")
    if len(text) < 2 or text.isdigit() or text in STOP_WORDS:
        return None
    return stem(text)


class _Numbers(dict[bytes, int]):
    """Word → term number, made on first sight (numbers are given in that order); -1 for
    a word that is no term."""

    def __init__(self, terms: dict[str, int]) -> None:
        super().__init__()
        self.terms = terms

    def __missing__(self, word: bytes) -> int:
        term = _word_term(word)
        number = -1 if term is None else self.terms.setdefault(term, len(self.terms))
        self[word] = number
        return number


# Bytes no UTF-8 text holds, so no word: the first byte of the one-word stand-ins of
# authors and topics.
_AUTHOR, _TOPIC = b"\xfe", b"\xfd"


class Vocabulary:
    """Every term seen, numbered, and the number of each word (authors and topics as
    one-word stand-ins)."""

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}
        self.words = _Numbers(self.terms)
        self._stand_ins: dict[tuple[bytes, str], bytes] = {}

    def stand_in(self, kind: bytes, name: str) -> bytes:
        """The word that stands for an author (``Zoë Kim`` and ``Zoe  Kim`` alike) or a
        topic, numbered as its term."""
        found = self._stand_ins.get((kind, name))
        if found is None:
            parts = _encoded(name).split() if kind == _AUTHOR else [name.encode("utf-8")]
            found = self._stand_ins[(kind, name)] = kind + kind.join(parts)
            term = ("@" + b" ".join(parts).decode("utf-8", "replace") if kind == _AUTHOR
                    else "#" + name)
            self.words[found] = self.terms.setdefault(term, len(self.terms))
        return found


Related = dict[str, tuple[tuple[str, float], ...]]


@dataclass
class RelatedMemo:
    """What the next build may reuse: the vocabulary, each paper's terms, the lists."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # paper id → (its text, its distinct term numbers, how often each occurs)
    words: dict[str, tuple[Text, Any, Any]] = field(default_factory=dict)
    result: Related | None = None  # the lists these words gave


def _occurrences(texts: Sequence[Text], vocabulary: Vocabulary) -> list[Any]:
    """Each paper's terms, one entry per occurrence (a title word ``TITLE_WEIGHT`` times),
    -1 for a word that is no term."""
    import numpy as np

    number, stand_in = vocabulary.words.__getitem__, vocabulary.stand_in
    out = []
    for text in texts:
        words = _encoded(text.title).split() * TITLE_WEIGHT + _encoded(text.body).split()
        words += [stand_in(_AUTHOR, name) for name in text.authors]
        words += [stand_in(_TOPIC, slug) for slug in text.topics]
        out.append(np.fromiter(map(number, words), np.int32, len(words)))
    return out


def related(papers: Sequence[Paper], notes: Mapping[str, str] | None = None,
            memo: RelatedMemo | None = None) -> Related:
    """Each paper's id → up to ``LIMIT`` (id, score) of the most similar papers, best first.

    ``notes`` maps a paper id to its note's text, read like the abstract. With a memo,
    only the papers whose text changed are read again, and when no paper's text
    changed (an edit to a rating, a listing's title, a page) the last lists are reused.
    """
    memo = RelatedMemo() if memo is None else memo
    notes = notes or {}
    ordered = sorted(papers, key=lambda p: p.id)
    words: dict[str, tuple[Text, Any, Any]] = {}
    fresh: list[tuple[str, Text]] = []
    for paper in ordered:
        text = text_of(paper, notes.get(paper.id, ""))
        old = memo.words.get(paper.id)
        if old is not None and old[0] == text:
            words[paper.id] = old
        else:
            fresh.append((paper.id, text))
    occurrences = _occurrences([text for _, text in fresh], memo.vocabulary)
    for (pid, text), (terms, tf) in zip(fresh, _distinct(occurrences), strict=True):
        words[pid] = (text, terms, tf)
    same = not fresh and len(words) == len(memo.words)
    memo.words = words
    if not same or memo.result is None:
        ids = [p.id for p in ordered]
        memo.result = nearest(ids, [words[i][1] for i in ids], [words[i][2] for i in ids],
                              memo.vocabulary.terms)
    return memo.result


def _distinct(occurrences: list[Any]) -> list[tuple[Any, Any]]:
    """Each paper's distinct terms and how often each occurs, from its occurrences
    (``PAPERS_AT_ONCE`` papers sorted at a time, not one by one); empties the list."""
    import numpy as np

    out: list[tuple[Any, Any]] = []
    for first in range(0, len(occurrences), PAPERS_AT_ONCE):
        chunk = occurrences[first:first + PAPERS_AT_ONCE]
        occurrences[first:first + PAPERS_AT_ONCE] = [None] * len(chunk)  # freed as it goes
        lengths = np.fromiter(map(len, chunk), np.int64, len(chunk))
        flat = np.concatenate(chunk).astype(np.int64)
        del chunk
        span = int(flat.max(initial=0)) + 1
        keys = np.repeat(np.arange(len(lengths), dtype=np.int64) * span, lengths) + flat
        keys = keys[flat >= 0]
        keys.sort()
        heads = _heads(keys)
        tf = np.diff(np.r_[heads, len(keys)]).astype(np.int32)
        keys = keys[heads]
        ends = np.cumsum(np.bincount(keys // span, minlength=len(lengths)))[:-1]
        out += zip(np.split((keys % span).astype(np.int32), ends), np.split(tf, ends),
                   strict=True)
    return out


def nearest(ids: Sequence[str], terms: Sequence[Any], frequencies: Sequence[Any],
            vocabulary: Mapping[str, int]) -> Related:
    """The neighbours of each of ``ids`` from its distinct terms (numbers of
    ``vocabulary``) and their frequencies.

    Papers are weighed and pruned ``PAPERS_AT_ONCE`` at a time, to bound the memory.
    """
    import numpy as np

    n = len(ids)
    if n < 2:
        return dict.fromkeys(ids, ())
    lengths = np.fromiter(map(len, terms), np.int64, n)
    ends = np.cumsum(lengths)
    flat = np.concatenate(terms)
    counts = np.bincount(flat, minlength=len(vocabulary))
    rank = _ranks(counts, vocabulary)
    size = max(int(rank.max(initial=0)) + 1, 1)
    idf = np.log(n / np.maximum(counts, 1))
    pruned = []
    for first in range(0, n, PAPERS_AT_ONCE):
        last = min(first + PAPERS_AT_ONCE, n)
        lo, hi = (int(ends[first - 1]) if first else 0), int(ends[last - 1])
        term, tf = flat[lo:hi], np.concatenate(frequencies[first:last])
        rows = np.repeat(np.arange(first, last), lengths[first:last])
        weight = (1 + np.log(tf)) * idf[term]
        # Summed as integers (2⁻³² steps), so the order of a paper's terms cannot matter.
        squares = np.zeros(last - first + 1, np.int64)
        np.add.at(squares, rows - first, np.rint(weight * weight * 2.0**32).astype(np.int64))
        norms = np.sqrt(squares[:-1] / 2.0**32)
        weight = np.rint(weight / np.where(norms > 0, norms, 1)[rows - first] * SCALE
                         ).astype(np.int64)
        keep = (counts[term] > 1) & (weight > 0)  # a term of one paper matches no other
        pruned.append(_heaviest(rows[keep], rank[term[keep]], weight[keep], TERMS_PER_PAPER,
                                size))
    rows, term, weight = (np.concatenate(column) for column in zip(*pruned, strict=True))
    del pruned, flat
    term, rows, weight = _heaviest(term, rows, weight, POSTINGS_PER_TERM, n)
    # Each term's postings in paper order, for ``_neighbours`` to pair each with the later.
    postings = [column.astype(np.int32) for column in _sorted(
        [(term, _bits(size)), (rows, _bits(n)), (weight, 15)])]
    del term, rows, weight
    return _neighbours(ids, postings[1], postings[0], postings[2], size)


def _ranks(counts: Ints, vocabulary: Mapping[str, int]) -> Ints:
    """Each term number's place among the terms in use (``counts`` above 0) in sorted
    order, -1 for a term not in use: the numbering, and with it every tie, is the same
    in every build."""
    import numpy as np

    kept = np.flatnonzero(counts)
    names = list(vocabulary)
    rank = np.full(len(vocabulary), -1, np.int64)
    rank[kept[sorted(range(len(kept)), key=lambda i: names[kept[i]])]] = np.arange(len(kept))
    return rank


def _heaviest(groups: Ints, members: Ints, weight: Ints, most: int, span: int
              ) -> tuple[Ints, Ints, Ints]:
    """The ``most`` heaviest entries of each group (ties: the smaller member), sorted by
    group, heaviest first; members are below ``span``."""
    import numpy as np

    member_bits = max(span - 1, 1).bit_length()
    if int(groups.max(initial=0)).bit_length() + 15 + member_bits > 63:
        raise ValueError("too many papers or terms to pack in 63 bits")
    keys = (groups << (15 + member_bits)) | ((SCALE - weight) << member_bits) | members
    keys.sort()
    groups = keys >> (15 + member_bits)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    keys = keys[rank < most]
    return (keys >> (15 + member_bits), keys & ((1 << member_bits) - 1),
            SCALE - ((keys >> member_bits) & SCALE))


def _bits(count: int) -> int:
    """Bits that hold the numbers below ``count``."""
    return max(count - 1, 1).bit_length()


def _sorted(columns: Sequence[tuple[Ints, int]]) -> list[Ints]:
    """The columns (non-negative, each with its width in bits) sorted by the first, then
    the second…: one sort of packed keys when they fit in 63 bits."""
    import numpy as np

    if sum(bits for _, bits in columns) > 63:
        order = np.lexsort([column for column, _ in reversed(columns)])
        return [column[order] for column, _ in columns]
    keys = np.zeros(len(columns[0][0]), np.int64)
    for column, bits in columns:
        keys <<= bits
        keys |= column
    keys.sort()
    out = []
    for _, bits in reversed(columns):
        out.append(keys & ((1 << bits) - 1))
        keys >>= bits
    return out[::-1]


def _heads(values: Ints) -> Ints:
    """Where each run of equal values starts (``values`` sorted)."""
    import numpy as np

    if not len(values):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, values[1:] != values[:-1]])


def _neighbours(ids: Sequence[str], rows: Ints, term: Ints, weight: Ints, vocabulary: int
                ) -> Related:
    """Score every pair of papers that share a kept term; keep each paper's best.

    The postings come sorted by term, then paper: each pair is scored once, from the
    paper that comes first, a posting pairing with those after it. Scores are integer
    sums, the same in any order.
    """
    import numpy as np

    n = len(ids)
    row_bits = _bits(n)
    if _bits(ROWS_AT_ONCE) + row_bits + 30 > 63:
        raise ValueError(f"too many papers ({n}) to pack a pair and a product in 63 bits")
    ends = np.searchsorted(term, np.arange(1, vocabulary + 1))[term]
    later = (ends - np.arange(len(term)) - 1).astype(np.int32)  # the same term's after it
    del ends
    left_rows, position = _sorted([(rows.astype(np.int64), row_bits),
                                   (np.arange(len(rows), dtype=np.int64), _bits(len(rows)))])
    total = np.cumsum(np.bincount(left_rows, weights=later[position], minlength=n))
    cuts = np.searchsorted(total, np.arange(PAIRS_AT_ONCE, total[-1], PAIRS_AT_ONCE))
    bounds = sorted({0, n, *(cuts + 1).tolist(), *range(ROWS_AT_ONCE, n, ROWS_AT_ONCE)})
    shifted = rows.astype(np.int64) << 30
    least = int(np.ceil(THRESHOLD * SCALE * SCALE))
    found: list[Ints] = []
    for first, last in pairwise(bounds):
        lo, hi = np.searchsorted(left_rows, [first, last])
        at = position[lo:hi]
        count = later[at]
        size = int(count.sum())
        if not size:
            continue
        index = np.repeat(at + 1 - (np.cumsum(count) - count), count) + np.arange(size)
        keys = np.repeat((rows[at].astype(np.int64) - first) << (row_bits + 30), count)
        keys |= shifted[index]
        keys |= np.repeat(weight[at], count) * weight[index]
        del index
        keys.sort()
        pair = keys >> 30
        heads = _heads(pair)
        score = np.add.reduceat(keys & ((1 << 30) - 1), heads)
        pair = pair[heads]
        del keys
        good = score >= least
        found.append(pair[good] + (first << row_bits))  # the first paper's own number
        found.append(score[good])
    del later, left_rows, position, shifted
    pair, score = (np.concatenate(found[::2]), np.concatenate(found[1::2])) if found else \
        (np.zeros(0, np.int64), np.zeros(0, np.int64))
    del found
    if not len(pair):
        return dict.fromkeys(ids, ())
    # Both ways round; in each paper's list the best first, ties by the other's id.
    levels, rank = np.unique(score, return_inverse=True)
    rank = len(levels) - 1 - rank.reshape(-1)
    del score
    level_bits = _bits(len(levels))
    if 2 * row_bits + level_bits > 63:
        raise ValueError(f"too many papers ({n}) to sort their pairs in 63 bits")
    keys = np.empty(2 * len(pair), np.int64)
    for half, (first, second) in enumerate(((pair >> row_bits, pair & ((1 << row_bits) - 1)),
                                            (pair & ((1 << row_bits) - 1), pair >> row_bits))):
        part = keys[half * len(pair):(half + 1) * len(pair)]
        np.left_shift(first, level_bits + row_bits, out=part)
        part |= rank << row_bits
        part |= second
    del pair, rank
    keys.sort()
    mine = keys >> (row_bits + level_bits)
    heads = _heads(mine)
    place = np.arange(len(mine)) - np.repeat(heads, np.diff(np.r_[heads, len(mine)]))
    keys = keys[place < LIMIT]
    del mine, heads, place
    other = keys & ((1 << row_bits) - 1)
    rank = (keys >> row_bits) & ((1 << level_bits) - 1)
    mine = keys >> (row_bits + level_bits)
    values = np.round(levels[len(levels) - 1 - rank] / (SCALE * SCALE), 4).tolist()
    names = [ids[i] for i in other.tolist()]
    heads = _heads(mine).tolist()
    out: Related = dict.fromkeys(ids, ())
    for start, end in zip(heads, [*heads[1:], len(names)], strict=True):
        out[ids[int(mine[start])]] = tuple(zip(names[start:end], values[start:end], strict=True))
    return out
