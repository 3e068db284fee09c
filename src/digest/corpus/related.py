"""Related papers: each paper's nearest neighbours by TF-IDF cosine, computed at build time.

A paper is a bag of terms: the words of its title (each counted ``TITLE_WEIGHT`` times),
abstract and note, plurals folded to singulars, its authors' full names and its topics.
A term weighs ``(1 + ln tf) · idf``, where ``idf = ln N − ln df`` with each logarithm
rounded to ``1/IDF_STEPS`` (see below); each paper's vector has unit length, so the
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
Everything past reading the words runs in numpy on whole arrays (a large cold build
reads the words on every core). ``RelatedMemo`` keeps each paper's distinct terms, its
pruned vector and the lists with their exact scores, so the preview reads only the
papers that changed and computes again only the lists they can change (``_patch``):
the result is the one a full build gives, always, not an approximation.

Why the IDF steps: with the exact ``ln(N / df)``, one paper gaining a common word moves
that word's IDF a little, which moves the weights (and often the lists) of every paper
that holds it, so an edit in the preview would mean recomputing and re-rendering
hundreds of pages to stay equal to a full build. In steps of 1/8, a change of one in a
document frequency of ``df`` moves its step with a chance of about ``8 / df``, and a
new or removed paper moves ``ln N`` with a chance of about ``8 / N``: most edits change
only the edited paper's vector. When an edit moves so many vectors that patching would
cost more (more than an eighth of the lists to compute again), every list is computed.
The rounding changes an IDF by at most 1/8 (ln 2 is 0.69, ln 10,000 is 9.2), which left
the lists' quality on the benchmark corpus as it was.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from digest.incremental import same_ends
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
IDF_STEPS = 8  # ln N and ln df are rounded to 1/8 (see _postings)
SCALE = (1 << 15) - 1  # weight steps: a product of two fits in 30 bits
PAIRS_AT_ONCE = 1 << 17  # candidate pairs scored at once: bounds the memory
PAPERS_AT_ONCE = 1024  # papers counted at once: the same
READ_IN_PARALLEL = 20_000  # texts to read from which ``processes`` > 1 read them in workers
READ_AT_ONCE = 256  # texts split into words at once: bounds the memory of the words
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


class Text(NamedTuple):
    """What the similarity of one paper is read from (a tuple: the preview compares
    every paper's with the last build's, and tuples compare fastest)."""

    title: str
    body: str  # abstract and note
    authors: tuple[str, ...]
    topics: tuple[str, ...]


def text_of(paper: Paper, note: str = "") -> Text:
    return Text(paper.title, f"{paper.abstract}\n{note}" if note else paper.abstract,
                paper.authors, paper.topics)


def _same_text(text: Text, paper: Paper) -> bool:
    """``text_of(paper) == text`` for a paper without a note, known without making its
    text when the fields are the very strings it was made from (an unchanged record)."""
    return (text.title is paper.title and text.body is paper.abstract
            and text.authors is paper.authors and text.topics is paper.topics)


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
    a word that is no term, -2 for the mark between two papers' words."""

    def __init__(self, terms: dict[str, int]) -> None:
        super().__init__()
        self.terms = terms
        self[_BETWEEN] = -2

    def __missing__(self, word: bytes) -> int:
        term = _word_term(word)
        number = -1 if term is None else self.terms.setdefault(term, len(self.terms))
        self[word] = number
        return number


class _Names(dict[str, int]):
    """An author's or a topic's name → the number of the one term that stands for it
    (``Zoë Kim`` and ``Zoe  Kim`` alike for authors)."""

    def __init__(self, terms: dict[str, int], mark: str) -> None:
        super().__init__()
        self.terms = terms
        self.mark = mark

    def __missing__(self, name: str) -> int:
        term = self.mark + (b" ".join(_encoded(name).split()).decode("utf-8", "replace")
                            if self.mark == "@" else name)
        number = self[name] = self.terms.setdefault(term, len(self.terms))
        return number


# A byte no UTF-8 text holds, so no word: joins the texts of several papers, which are
# split into words at once, and marks where each paper's words end.
_BETWEEN = b"\xff"


class Vocabulary:
    """Every term seen, numbered, and the number of each word, author and topic (an
    author and a topic are one term each, which no word can spell: ``@name``,
    ``#slug``)."""

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}
        self.words = _Numbers(self.terms)
        self.authors = _Names(self.terms, "@")
        self.topics = _Names(self.terms, "#")


Related = dict[str, tuple[tuple[str, float], ...]]


@dataclass
class _Scored:
    """What the last lists were computed from, for the next build to patch them: the
    papers (sorted ids, so a row is a paper), the pruned postings, each paper's list
    as rows and exact integer scores."""

    ids: list[str]
    postings: tuple[Any, Any, Any]  # term number, row, weight; sorted by term, then row
    vectors: tuple[Any, Any, Any]  # row, term number, weight: each paper's pruned vector
    df: Any  # each term number's document frequency
    idf: Any  # and its IDF
    top: Any  # rows × LIMIT: the other paper's row, best first; -1 past the list's end
    score: Any  # rows × LIMIT: the score of each, as an integer (SCALE² is 1.0)


@dataclass
class RelatedMemo:
    """What the next build may reuse: the vocabulary, each paper's terms, the lists."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # paper id → (its text, its distinct term numbers, how often each occurs)
    words: dict[str, tuple[Text, Any, Any]] = field(default_factory=dict)
    result: Related | None = None  # the lists these words gave
    scored: _Scored | None = None  # and what they were computed from
    # how many lists the last call computed again when it patched them; None when it
    # computed every list (or reused them all)
    patched: int | None = None
    # the last call's papers (by id) and notes, and (with ``splice``: the preview, which
    # rebuilds again and again; a build would only hold them in memory the longer) their
    # terms and counts end to end with each paper's number of terms, for a rebuild to
    # splice in the few that moved
    ordered: list[Paper] = field(default_factory=list)
    notes: Mapping[str, str] = field(default_factory=dict)
    flat: tuple[Any, Any, Any] | None = None
    splice: bool = False

    def for_disk(self) -> RelatedMemo:
        """A copy to keep on disk, without what only the next rebuild in memory uses."""
        return dataclasses.replace(self, ordered=[], notes={}, flat=None)

    def __getstate__(self) -> dict[str, Any]:
        """Each paper's terms and counts pickled end to end, in two arrays: pickled one
        by one (two small arrays a paper) they cost a sixth more to save the whole cache
        (realistic 100k: 7.7–8.9 s against 6.5–6.8 s; 10k: 0.42 against 0.37 s)."""
        import numpy as np

        state = dict(self.__dict__)
        words = state.pop("words")
        ids = list(words)
        texts = [words[pid][0] for pid in ids]
        lengths = np.fromiter((len(words[pid][1]) for pid in ids), np.int64, len(ids))
        flat = [np.concatenate([words[pid][k] for pid in ids]) if ids else np.zeros(0, np.int32)
                for k in (1, 2)]
        state["words_packed"] = (ids, texts, lengths, *flat)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Each paper's terms and counts again, as views of the two arrays."""
        ids, texts, lengths, terms, counts = state.pop("words_packed")
        ends = lengths.cumsum().tolist()
        state["words"] = {pid: (text, terms[lo:hi], counts[lo:hi]) for pid, text, lo, hi
                          in zip(ids, texts, [0, *ends], ends, strict=False)}
        self.__dict__.update(state)


def _read(texts: Sequence[Text], vocabulary: Vocabulary) -> tuple[Ints, Ints, Ints]:
    """The distinct terms of each text, how often each occurs (a title word counts
    ``TITLE_WEIGHT`` times) and how many each text has: flat arrays.

    ``READ_AT_ONCE`` texts are split into words at once, and their words numbered and
    counted in numpy, not one paper at a time.
    """
    import numpy as np

    number = vocabulary.words.__getitem__
    author, topic = vocabulary.authors.__getitem__, vocabulary.topics.__getitem__
    terms, counts, lengths = [], [], []
    title = " ".join(["{0}"] * TITLE_WEIGHT)
    for first in range(0, len(texts), READ_AT_ONCE):
        chunk = texts[first:first + READ_AT_ONCE]
        joined = b" \xff ".join([_encoded(title.format(t.title) + "\n" + t.body) for t in chunk])
        words = joined.split()
        found = np.fromiter(map(number, words), np.int32, len(words))
        del words, joined
        paper = np.cumsum(found == -2, dtype=np.int32)
        keep = found >= 0
        names = [np.fromiter(map(lookup, chain.from_iterable(getattr(t, kind) for t in chunk)),
                             np.int32)
                 for kind, lookup in (("authors", author), ("topics", topic))]
        sizes = [np.fromiter((len(getattr(t, kind)) for t in chunk), np.int64, len(chunk))
                 for kind in ("authors", "topics")]
        paper = np.concatenate([paper[keep]] + [np.repeat(np.arange(len(chunk), dtype=np.int32),
                                                          size) for size in sizes])
        found = np.concatenate([found[keep], *names])
        # (paper, term) packed in one key, 32 bits wide when they fit: half the sorting
        term_bits = _bits(int(found.max(initial=0)) + 1)
        keys: Ints = paper.astype(np.int32 if term_bits + _bits(len(chunk)) <= 31 else np.int64)
        keys <<= term_bits
        keys |= found
        del paper, found
        keys.sort()
        heads = _heads(keys)
        counts.append(np.diff(np.r_[heads, len(keys)]).astype(np.int32))
        keys = keys[heads]
        terms.append((keys & ((1 << term_bits) - 1)).astype(np.int32))
        lengths.append(np.bincount(keys >> term_bits, minlength=len(chunk)))
    if not texts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)
    return np.concatenate(terms), np.concatenate(counts), np.concatenate(lengths)


def _read_all(texts: Sequence[Text], vocabulary: Vocabulary, processes: int
              ) -> tuple[Ints, Ints, Ints]:
    """``_read``, on ``processes`` forked workers when the texts are many: each numbers
    the terms it meets first from where the vocabulary stood, and sends their names
    back with its arrays, to be numbered here in the order of the texts."""
    import numpy as np

    from digest import executor

    if processes <= 1 or len(texts) < READ_IN_PARALLEL:
        return _read(texts, vocabulary)
    known = len(vocabulary.terms)
    parts = []
    for terms, counts, lengths, names in executor.run_all(
            _read_part, (texts, vocabulary, known),
            executor.spans(len(texts), 2 * processes), processes):
        number = np.arange(known + len(names), dtype=np.int32)
        number[known:] = [vocabulary.terms.setdefault(name, len(vocabulary.terms))
                          for name in names]
        parts.append((number[terms], counts, lengths))
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore[return-value]


def _read_part(shared: tuple[Sequence[Text], Vocabulary, int], chunk: tuple[int, int]
               ) -> tuple[Ints, Ints, Ints, list[str]]:
    """A worker's share of ``_read_all``: the arrays of its texts, and the names of the
    terms it numbered (term numbers are given in order, from ``known`` on)."""
    texts, vocabulary, known = shared
    terms, counts, lengths = _read(texts[chunk[0]:chunk[1]], vocabulary)
    return terms, counts, lengths, list(vocabulary.terms)[known:]


def related(papers: Sequence[Paper], notes: Mapping[str, str] | None = None,
            memo: RelatedMemo | None = None, processes: int = 1) -> Related:
    """Each paper's id → up to ``LIMIT`` (id, score) of the most similar papers, best first.

    ``notes`` maps a paper id to its note's text, read like the abstract. With a memo,
    only the papers whose text changed are read again; when no paper's text changed (an
    edit to a rating, a listing's title, a page) the last lists are reused, and when a
    few did, only the lists they can change are computed again (``_patch``), with the
    same result as computing all.
    """
    import numpy as np

    memo = RelatedMemo() if memo is None else memo
    notes = notes or {}
    ordered = sorted(papers, key=attrgetter("id"))
    # the very records of the last call at both ends (the notes the same) keep their words
    head, tail = same_ends(memo.ordered, ordered) if memo.notes == notes else (0, 0)
    between = len(ordered) - tail
    old_words = memo.words
    words: dict[str, tuple[Text, Any, Any]] = {p.id: old_words[p.id] for p in ordered[:head]}
    fresh: list[tuple[str, Text]] = []
    fresh_rows: list[int] = []
    known = old_words.get
    for row in range(head, between):
        paper = ordered[row]
        note = notes.get(paper.id, "")
        old = known(paper.id)
        if old is not None and not note and _same_text(old[0], paper):
            words[paper.id] = old
            continue
        text = text_of(paper, note)
        if old is not None and old[0] == text:
            words[paper.id] = old
        else:
            fresh.append((paper.id, text))
            fresh_rows.append(row)
    words.update({p.id: old_words[p.id] for p in ordered[between:]})
    terms, counts, lengths = _read_all([text for _, text in fresh], memo.vocabulary,
                                       processes)
    ends = np.cumsum(lengths).tolist()
    for (pid, text), lo, hi in zip(fresh, [0, *ends], ends, strict=False):
        words[pid] = (text, terms[lo:hi], counts[lo:hi])
    same = not fresh and len(words) == len(memo.words)
    last_flat, last_count = memo.flat, len(memo.ordered)
    memo.words, memo.ordered, memo.notes = words, ordered, dict(notes)
    memo.patched = None
    if same and memo.result is not None:
        memo.flat = last_flat
        return memo.result
    ids = [p.id for p in ordered]
    if len(fresh) < len(ids):
        middle = ids[head:between]
        parts = [(len(words[i][1]), words[i][1], words[i][2]) for i in middle]
        if last_flat is not None and (head or tail):  # the ends as they were, spliced
            last_lengths, last_terms, last_counts = last_flat
            lo = int(last_lengths[:head].sum())
            hi = len(last_terms) - int(last_lengths[last_count - tail:].sum())
            lengths = np.concatenate([last_lengths[:head],
                                      np.fromiter((n for n, _, _ in parts), np.int64, len(parts)),
                                      last_lengths[last_count - tail:]])
            terms = np.concatenate([last_terms[:lo], *(t for _, t, _ in parts), last_terms[hi:]])
            counts = np.concatenate([last_counts[:lo], *(c for _, _, c in parts),
                                     last_counts[hi:]])
        else:
            lengths = np.fromiter((len(words[i][1]) for i in ids), np.int64, len(ids))
            terms = np.concatenate([words[i][1] for i in ids]) if ids else terms
            counts = np.concatenate([words[i][2] for i in ids]) if ids else counts
    memo.flat = (lengths, terms, counts) if memo.splice else None
    memo.result, memo.scored, memo.patched = _lists(ids, terms, counts, lengths,
                                                    memo.vocabulary.terms, memo, fresh_rows)
    return memo.result


def nearest(ids: Sequence[str], terms: Sequence[Any], frequencies: Sequence[Any],
            vocabulary: Mapping[str, int]) -> Related:
    """The neighbours of each of ``ids`` from its distinct terms (numbers of
    ``vocabulary``) and their frequencies."""
    import numpy as np

    n = len(ids)
    if n < 2:
        return dict.fromkeys(ids, ())
    lengths = np.fromiter(map(len, terms), np.int64, n)
    return _lists(list(ids), np.concatenate(terms), np.concatenate(frequencies), lengths,
                  vocabulary, None)[0]


def _lists(ids: list[str], terms: Ints, counts: Ints, lengths: Ints,
           vocabulary: Mapping[str, int], memo: RelatedMemo | None,
           fresh: Sequence[int] = ()) -> tuple[Related, _Scored | None, int | None]:
    """The lists of ``ids`` from their distinct terms and counts (flat, ``lengths`` per
    paper): patched from the memo's when few pruned vectors changed (``fresh``: the
    rows of the papers whose text changed or that are new), else computed for every
    pair; what they were computed from; how many lists were computed again when
    patched."""
    n = len(ids)
    if n < 2:
        return dict.fromkeys(ids, ()), None, None
    old = memo.scored if memo is not None and memo.result is not None else None
    new_row = _new_rows(old.ids, ids) if old is not None else None
    vectors, df, idf = _vectors(n, terms, counts, lengths, vocabulary, old, new_row, fresh)
    postings = _postings(n, vectors, len(vocabulary))
    if old is not None and memo is not None and memo.result is not None:
        patched = _patch(old, ids, new_row, postings, len(vocabulary))
        if patched is not None:
            top, score, rows = patched
            result = {pid: memo.result.get(pid, ()) for pid in ids}
            result.update(_as_lists(ids, top[rows], score[rows], rows))
            return result, _Scored(ids, postings, vectors, df, idf, top, score), len(rows)
    top, score = _neighbours(n, *postings, len(vocabulary))
    return _as_lists(ids, top, score), _Scored(ids, postings, vectors, df, idf, top, score), None


def _new_rows(old: list[str], ids: list[str]) -> Ints | None:
    """Each old paper's row among ``ids`` (``len(ids)``: gone); None when the same."""
    import numpy as np

    if old == ids:
        return None
    where = {pid: i for i, pid in enumerate(ids)}
    return np.fromiter((where.get(pid, len(ids)) for pid in old), np.int64, len(old))


def _vectors(n: int, flat: Ints, counts: Ints, lengths: Ints, vocabulary: Mapping[str, int],
             old: _Scored | None, new_row: Ints | None, fresh: Sequence[int]
             ) -> tuple[tuple[Ints, Ints, Ints], Ints, Ints]:
    """Each paper's pruned vector: (row, term number, integer weight); the document
    frequencies and IDFs they were weighed with.

    A paper's vector depends only on its terms, their counts and their IDFs (and
    whether another paper has the term), so with ``old`` only the papers whose text
    changed (``fresh`` rows) or that hold a term whose IDF moved are weighed again,
    unless they are many.
    """
    import numpy as np

    df = np.bincount(flat, minlength=len(vocabulary))
    # ln n and ln df each in steps of 1/IDF_STEPS: adding, removing or editing a paper
    # seldom moves either (so ``_patch`` has few vectors to compute again), and ties
    # cannot depend on the last bits of a logarithm.
    idf = (round(IDF_STEPS * math.log(n)) - np.rint(IDF_STEPS * np.log(np.maximum(df, 1)))
           ) / IDF_STEPS
    starts = np.r_[0, np.cumsum(lengths)]
    if old is not None:
        known = len(old.df)
        moved = (df > 1) | (idf != 0)  # a term new since: only in papers read again
        moved[:known] = (idf[:known] != old.idf) | ((df[:known] > 1) != (old.df > 1))
        redo = np.zeros(n + 1, bool)
        redo[fresh] = True
        redo[np.repeat(np.arange(n), lengths)[moved[flat]]] = True
        rows, term, weight = old.vectors
        if new_row is not None:  # (a paper new since is among the fresh ones)
            rows = new_row[rows]
        if int(redo.sum()) <= max(n // 4, 256):
            redo[n] = True  # and the papers no longer there
            kept = ~redo[rows]
            again = np.flatnonzero(redo[:n])
            counted = np.bincount(flat[_ranges(starts[again], starts[again + 1])],
                                  minlength=len(vocabulary))
            part = _weigh(again, flat, counts, starts, df, idf, _ranks(counted, vocabulary))
            vectors = tuple(np.r_[old_column[kept], new_column] for old_column, new_column in
                            zip((rows.astype(np.int32), term, weight), part, strict=True))
            return (vectors[0], vectors[1], vectors[2]), df, idf
    ranks = _ranks(df, vocabulary)
    parts = [_weigh(np.arange(first, min(first + PAPERS_AT_ONCE, n)), flat, counts, starts,
                    df, idf, ranks) for first in range(0, n, PAPERS_AT_ONCE)]
    rows, term, weight = (np.concatenate(column) for column in zip(*parts, strict=True))
    return (rows, term, weight), df, idf


def _weigh(rows: Ints, flat: Ints, counts: Ints, starts: Ints, df: Ints, idf: Any,
           ranks: tuple[Ints, Ints]) -> tuple[Ints, Ints, Ints]:
    """The pruned vectors of ``rows``: (row, term number, weight), each paper's
    ``TERMS_PER_PAPER`` heaviest terms with another paper (ties: the term first in
    sorted order, by ``ranks``), weights in ``SCALE`` steps of a unit vector."""
    import numpy as np

    rank, number = ranks
    at = _ranges(starts[rows], starts[rows + 1])
    term, tf = flat[at], counts[at]
    local = np.repeat(np.arange(len(rows)), starts[rows + 1] - starts[rows])
    weight = (1 + np.log(tf)) * idf[term]
    # Summed as integers (2⁻³² steps), so the order of a paper's terms cannot matter.
    squares = np.zeros(len(rows), np.int64)
    np.add.at(squares, local, np.rint(weight * weight * 2.0**32).astype(np.int64))
    norms = np.sqrt(squares / 2.0**32)
    weight = np.rint(weight / np.where(norms > 0, norms, 1)[local] * SCALE).astype(np.int64)
    keep = (df[term] > 1) & (weight > 0)  # a term of one paper matches no other
    local, place, weight = _heaviest(local[keep], rank[term[keep]], weight[keep],
                                     TERMS_PER_PAPER, max(len(number), 1))
    return rows[local].astype(np.int32), number[place].astype(np.int32), weight.astype(np.int32)


def _postings(n: int, vectors: tuple[Ints, Ints, Ints], vocabulary: int
              ) -> tuple[Ints, Ints, Ints]:
    """Each term's ``POSTINGS_PER_TERM`` heaviest entries of the vectors (ties: the
    paper first by id): (term number, row, weight) sorted by term, then row, for
    ``_neighbours`` to pair each with the later."""
    import numpy as np

    rows, term, weight = (column.astype(np.int64) for column in vectors)
    term, rows, weight = _heaviest(term, rows, weight, POSTINGS_PER_TERM, n)
    columns = _sorted([(term, _bits(vocabulary)), (rows, _bits(n)), (weight, 15)])
    return columns[0].astype(np.int32), columns[1].astype(np.int32), columns[2].astype(np.int32)


def _ranks(counts: Ints, vocabulary: Mapping[str, int]) -> tuple[Ints, Ints]:
    """Each term number's place among the terms in use (``counts`` above 0) in sorted
    order, -1 for a term not in use, and the number at each place: the ranks, and with
    them every tie, are the same in every build."""
    import numpy as np

    kept = np.flatnonzero(counts)
    names = list(vocabulary)
    number = kept[sorted(range(len(kept)), key=lambda i: names[kept[i]])]
    rank = np.full(len(vocabulary), -1, np.int64)
    rank[number] = np.arange(len(kept))
    return rank, number


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


def _neighbours(n: int, term: Ints, rows: Ints, weight: Ints, vocabulary: int
                ) -> tuple[Ints, Ints]:
    """Score every pair of papers that share a kept term; keep each paper's best
    (``_top``).

    The postings come sorted by term, then paper: each pair is scored once, from the
    paper that comes first, a posting pairing with those after it. Scores are integer
    sums, the same in any order. (Scoring spans of papers in forked workers saved less
    than forking cost at 100,000 papers, and lost on a loaded machine.)
    """
    import numpy as np

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
    shared = _Pairing(rows, weight, later, left_rows, position, rows.astype(np.int64) << 30,
                      row_bits)
    pair, score = _score_spans(shared, list(pairwise(bounds)))
    del later, left_rows, position, shared
    first, second = pair >> row_bits, pair & ((1 << row_bits) - 1)
    del pair
    return _top(n, first, second, score, both=True)


@dataclass
class _Pairing:
    """What scoring a span of papers reads."""

    rows: Any  # each posting's paper
    weight: Any  # and weight
    later: Any  # how many postings of the same term come after it
    left_rows: Any  # the postings' papers, sorted
    position: Any  # and where each of those postings is
    shifted: Any  # ``rows`` as the second paper of a packed pair key
    row_bits: int


def _score_spans(shared: _Pairing, spans: Sequence[tuple[int, int]]) -> tuple[Ints, Ints]:
    """The pairs whose first paper is in one of the ``spans`` of rows and that reach
    the threshold: (packed pair, score)."""
    import numpy as np

    rows, weight, later, row_bits = shared.rows, shared.weight, shared.later, shared.row_bits
    found: list[Ints] = []
    for first, last in spans:
        lo, hi = np.searchsorted(shared.left_rows, [first, last])
        at = shared.position[lo:hi]
        count = later[at]
        size = int(count.sum())
        if not size:
            continue
        index = np.repeat(at + 1 - (np.cumsum(count) - count), count) + np.arange(size)
        keys = np.repeat((rows[at].astype(np.int64) - first) << (row_bits + 30), count)
        keys |= shared.shifted[index]
        keys |= np.repeat(weight[at], count) * weight[index]
        del index
        keys.sort()
        pair = keys >> 30
        heads = _heads(pair)
        score = np.add.reduceat(keys & ((1 << 30) - 1), heads)
        pair = pair[heads]
        del keys
        good = score >= _LEAST
        found.append(pair[good] + (first << row_bits))  # the first paper's own number
        found.append(score[good])
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found[::2]), np.concatenate(found[1::2])


_LEAST = math.ceil(THRESHOLD * SCALE * SCALE)  # the least score shown, as an integer


def _top(n: int, mine: Ints, other: Ints, score: Ints, both: bool = False
         ) -> tuple[Ints, Ints]:
    """Each paper's ``LIMIT`` best of the scored pairs (``mine``, ``other``; with
    ``both``, each pair counts both ways round): the rows of the others and their
    scores, rows × ``LIMIT``, best first, ties by the other's row (its id), -1 and 0
    past the end of a list."""
    import numpy as np

    top = np.full((n, LIMIT), -1, np.int64)
    best = np.zeros((n, LIMIT), np.int64)
    if not len(mine):
        return top, best
    row_bits = _bits(n)
    levels, rank = np.unique(score, return_inverse=True)
    rank = len(levels) - 1 - rank.reshape(-1)
    level_bits = _bits(len(levels))
    if 2 * row_bits + level_bits > 63:
        raise ValueError(f"too many papers ({n}) to sort their pairs in 63 bits")
    keys = np.empty(len(mine) * (2 if both else 1), np.int64)
    for half, (first, second) in enumerate(((mine, other), (other, mine)) if both else
                                           ((mine, other),)):
        part = keys[half * len(mine):(half + 1) * len(mine)]
        np.left_shift(first, level_bits + row_bits, out=part)
        part |= rank << row_bits
        part |= second
    del rank
    keys.sort()
    mine = keys >> (row_bits + level_bits)
    heads = _heads(mine)
    place = np.arange(len(mine)) - np.repeat(heads, np.diff(np.r_[heads, len(mine)]))
    keep = place < LIMIT
    keys, mine, place = keys[keep], mine[keep], place[keep]
    top[mine, place] = keys & ((1 << row_bits) - 1)
    best[mine, place] = levels[len(levels) - 1 - ((keys >> row_bits) & ((1 << level_bits) - 1))]
    return top, best


def _as_lists(ids: Sequence[str], top: Ints, score: Ints, rows: Ints | None = None
              ) -> Related:
    """The lists of ``rows`` (``top`` and ``score`` hold theirs; every paper when None)
    as ids and scores rounded to 4 places."""
    import numpy as np

    out: Related = {}
    if rows is None:
        out = dict.fromkeys(ids, ())
        wanted = np.flatnonzero(top[:, 0] >= 0)
        top, score, rows = top[wanted], score[wanted], wanted
    names = np.array(ids, dtype=object)
    shown = top >= 0
    ends = np.cumsum(shown.sum(axis=1)).tolist()
    pairs = list(zip(names[top[shown]].tolist(),
                     np.round(score[shown] / (SCALE * SCALE), 4).tolist(), strict=True))
    # Every list a slice of the pairs, in C loops: a build makes up to 100,000 of them.
    out.update(zip(names[rows].tolist(),
                   map(tuple, map(pairs.__getitem__, map(slice, [0, *ends], ends))),
                   strict=False))
    return out


def _pairs_of(rows_wanted: Ints, term: Ints, rows: Ints, weight: Ints, vocabulary: int,
              n: int) -> tuple[Ints, Ints, Ints]:
    """Every pair of a paper of ``rows_wanted`` and another whose score reaches the
    threshold: (the paper, the other, the score), from the postings."""
    import numpy as np

    starts = np.searchsorted(term, np.arange(vocabulary + 1))
    wanted = np.zeros(n, bool)
    wanted[rows_wanted] = True
    at = np.flatnonzero(wanted[rows])  # the postings of the papers wanted
    lo, hi = starts[term[at]], starts[term[at] + 1]
    count = hi - lo
    index = _ranges(lo, hi)
    mine = np.repeat(rows[at].astype(np.int64), count)
    other = rows[index].astype(np.int64)
    product = np.repeat(weight[at].astype(np.int64), count) * weight[index]
    keep = mine != other
    row_bits = _bits(n)
    keys = (mine[keep] << row_bits) | other[keep]
    product = product[keep]
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    heads = _heads(keys)
    score = np.add.reduceat(product[order], heads) if len(keys) else np.zeros(0, np.int64)
    keys = keys[heads]
    good = score >= _LEAST
    keys, score = keys[good], score[good]
    return keys >> row_bits, keys & ((1 << row_bits) - 1), score


def _ranges(lo: Ints, hi: Ints) -> Ints:
    """The numbers of every range [lo, hi), one range after another."""
    import numpy as np

    count = hi - lo
    total = int(count.sum())
    if not total:
        return np.zeros(0, np.int64)
    return np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(total)


def _patch(old: _Scored, ids: list[str], new_row: Ints | None,
           postings: tuple[Ints, Ints, Ints], vocabulary: int
           ) -> tuple[Ints, Ints, Ints] | None:
    """The lists of ``ids`` after some papers changed, came or went since ``old``,
    computing again only the lists that can change, exactly as ``_neighbours`` would
    (the lists, the rows whose list moved); None when so many pruned vectors changed
    that computing every list is cheaper.

    A score depends only on the two papers' pruned vectors, so with ``changed`` the
    papers whose vector changed (a changed text; a moved IDF step, which moves the
    weights of every paper with that term; a paper pushed out of or into a term's
    postings; a new paper), the score of two unchanged papers stays. The lists computed
    again: the changed papers' own, and those of the papers that listed a changed or a
    removed paper (its score may have dropped, letting in a paper the list did not
    keep). Every other paper keeps its list, merged with its new scores against the
    changed papers (one may now enter it): the rest of its list is still the best of its
    unchanged scores.
    """
    import numpy as np

    term, rows, weight = postings
    n = len(ids)
    old_postings, old_top, old_score, gone = _moved(old, new_row, n)
    changed = _changed_rows(old_postings, postings, vocabulary, n)
    if not len(changed) and not gone:
        return old_top, old_score, changed
    is_changed = np.zeros(n + 1, bool)  # the last: a paper no longer there
    is_changed[changed] = True
    is_changed[n] = True
    listed = (old_top != -1) & is_changed[old_top]
    again = np.union1d(changed, np.flatnonzero(listed.any(axis=1)))
    if len(again) > max(n // 8, 256):
        return None
    mine, other, score = _pairs_of(again, term, rows, weight, vocabulary, n)
    is_again = np.zeros(n, bool)
    is_again[again] = True
    # An unchanged paper's new score against a changed one, merged with its old list.
    gain = is_changed[mine] & ~is_again[other]
    merged = np.unique(other[gain])
    kept = old_top[merged] >= 0
    mine, other, score = (np.r_[mine, other[gain], np.repeat(merged, kept.sum(axis=1))],
                          np.r_[other, mine[gain], old_top[merged][kept]],
                          np.r_[score, score[gain], old_score[merged][kept]])
    top, best = _top(n, mine, other, score)
    redone = np.union1d(again, merged)
    new_top, new_score = old_top.copy(), old_score.copy()
    new_top[redone], new_score[redone] = top[redone], best[redone]
    moved = redone[(new_top[redone] != old_top[redone]).any(axis=1)
                   | (new_score[redone] != old_score[redone]).any(axis=1)]
    return new_top, new_score, moved


def _moved(old: _Scored, new_row: Ints | None, n: int
           ) -> tuple[tuple[Ints, Ints, Ints], Ints, Ints, bool]:
    """The old postings and lists in the new rows (``new_row``: each old paper's row, ``n``
    when gone, None when the papers are the same; a gone paper is row ``n`` in a
    list, a new paper has an empty list); whether any paper went."""
    import numpy as np

    if new_row is None:
        return old.postings, old.top, old.score, False
    gone = bool((new_row == n).any())
    term, rows, weight = old.postings
    kept = new_row[rows] < n
    # Ids are sorted both times, so the rows of the papers that stay keep their order.
    postings = (term[kept], new_row[rows[kept]].astype(np.int32), weight[kept])
    top = np.full((n + 1, LIMIT), -1, np.int64)
    score = np.zeros((n + 1, LIMIT), np.int64)
    top[new_row] = np.where(old.top >= 0, new_row[np.maximum(old.top, 0)], -1)
    score[new_row] = old.score
    return postings, top[:n], score[:n], gone


def _changed_rows(old: tuple[Ints, Ints, Ints], new: tuple[Ints, Ints, Ints],
                  vocabulary: int, n: int) -> Ints:
    """The papers whose pruned vector differs between two sets of postings (both sorted
    by term, then row)."""
    import numpy as np

    row_bits, term_bits = _bits(n), _bits(vocabulary)
    if row_bits + term_bits + 15 > 63:
        raise ValueError("too many papers or terms to pack in 63 bits")
    packed = []
    for term, rows, weight in (old, new):
        keys = term.astype(np.int64) << (row_bits + 15)
        keys |= rows.astype(np.int64) << 15
        keys |= weight
        packed.append(keys)
    keys = np.concatenate(packed)
    keys.sort(kind="stable")  # two sorted runs: merged
    once = np.ones(len(keys), bool)
    twice = keys[1:] == keys[:-1]
    once[1:] &= ~twice
    once[:-1] &= ~twice
    return np.unique((keys[once] >> 15) & ((1 << row_bits) - 1))
