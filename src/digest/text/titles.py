"""Is this record the paper that was pasted? Title normalisation and the match decision.

A match is certain only when the normalised titles are equal, or when they are very
close (rapidfuzz ratio >= 95), differ only in spelling, hyphenation or small words,
and a second signal agrees (author count, author names, organisation, date). Follow-ups
differ in exactly the places a ratio forgives: a version ("v2", "2", "1.5"), a "++",
another subtitle. So any differing word that holds a digit or a symbol, and any
added or replaced content word, makes the pair a near miss: reported with its
candidates, never applied.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import fuzz

CLOSE = 95.0  # ratio for a certain match backed by a second signal
NEAR = 80.0  # ratio from which a candidate is worth showing the user
_APOSTROPHES = "'’ʼ`"
_VERSION = re.compile(r"^arxiv:|v\d+$")
_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "by",
                        "from", "via", "at", "as", "or", "is", "are"})

Verdict = Literal["certain", "near", "none"]


def _strip_latex(title: str) -> str:
    if any(c in title for c in "\\$~{}"):
        from digest.text.latex import to_text  # pylatexenc is only loaded when a title needs it

        return to_text(title)
    return title


def normalise(title: str) -> str:
    """Case, Unicode form, LaTeX, punctuation and spacing removed; symbols such as ``+``
    kept (``LLaVA++`` is another paper than ``LLaVA``)."""
    text = unicodedata.normalize("NFKC", _strip_latex(title)).casefold()
    out: list[str] = []
    for char in text:
        if char in _APOSTROPHES:
            continue
        category = unicodedata.category(char)
        out.append(" " if category[0] in "PZC" else char)
    return " ".join("".join(out).split())


def prefix(title: str) -> str:
    """The name before the colon (``MM1`` of ``MM1: Methods, ...``), normalised; or ''."""
    head, colon, _ = title.partition(":")
    return normalise(head) if colon else ""


def ratio(a: str, b: str) -> float:
    """rapidfuzz's ratio of two normalised titles (0-100)."""
    return float(fuzz.ratio(a, b))


def _plain_word(word: str) -> bool:
    return word.isalpha()


def benign_difference(a: str, b: str) -> bool:
    """Whether two normalised titles differ only in spelling (``modelling``/``modeling``),
    joined words (``pre training``/``pretraining``) or small words (a, the, of, ...)."""
    left, right = a.split(), b.split()
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        one, two = left[i1:i2], right[j1:j2]
        if "".join(one) == "".join(two):
            continue  # the same letters, split differently
        if all(w in _STOPWORDS for w in (*one, *two)):
            continue
        if op == "replace" and len(one) == len(two) and all(
                _plain_word(x) and _plain_word(y) and fuzz.ratio(x, y) >= 80
                for x, y in zip(one, two, strict=True)):
            continue  # spelling variants, letters only: "3D"/"2D" or "v1"/"v2" never pass
        return False
    return True


def _ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).casefold()


def surname(name: str) -> str:
    """The family name as compared: the last word of ``First Last`` or the part before
    the comma of ``Last, First``, accents folded."""
    name = name.strip()
    if "," in name:
        name = name.split(",", 1)[0]
    words = _ascii_fold(name).replace(".", " ").split()
    return words[-1] if words else ""


@dataclass(frozen=True)
class Pasted:
    """What a listing says about a paper."""

    title: str
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    submitter: str | None = None  # the organisation or user a Hugging Face page shows
    date: str | None = None  # ISO date printed next to the paper


@dataclass(frozen=True)
class Candidate:
    """A record found by a search, in the shape every source can fill."""

    arxiv_id: str  # base id
    title: str
    authors: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    published: str | None = None  # ISO date or datetime
    source: str = ""


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    ratio: float
    agrees: tuple[str, ...]  # signals that agree: "author count", "authors", ...
    disagrees: tuple[str, ...]  # signals that contradict, with both values

    def describe(self) -> str:
        bits = [f"title {self.ratio:.0f}%"] + [f"{s} agree" for s in self.agrees] + \
            list(self.disagrees)
        return f"{self.candidate.arxiv_id} {self.candidate.title!r} ({', '.join(bits)})"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    match: Scored | None = None  # the certain one
    reason: str = ""
    near: tuple[Scored, ...] = ()  # candidates worth showing, best first


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def signals(pasted: Pasted, candidate: Candidate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(agreeing signals, contradicting signals) between a pasted paper and a candidate."""
    agree: list[str] = []
    contradict: list[str] = []
    if pasted.author_count and candidate.authors:
        if pasted.author_count == len(candidate.authors):
            agree.append("author count")
        else:
            contradict.append(f"{pasted.author_count} authors pasted, "
                              f"{len(candidate.authors)} in the record")
    if pasted.authors and candidate.authors:
        theirs = {surname(a) for a in candidate.authors}
        ours = [surname(a) for a in pasted.authors]
        shared = sum(1 for s in ours if s in theirs)
        if shared and shared * 2 >= len(ours):
            agree.append("authors")
        elif not shared:
            contradict.append("no pasted author in the record")
    if pasted.submitter and candidate.organisations:
        ours_org = normalise(pasted.submitter)
        if any(ours_org and (ours_org == normalise(o) or ours_org in normalise(o).split()
                             or normalise(o) in ours_org.split())
               for o in candidate.organisations):
            agree.append("organisation")
    pasted_day, their_day = _day(pasted.date), _day(candidate.published)
    if pasted_day and their_day and abs((pasted_day - their_day).days) <= 1:
        agree.append("date")
    return tuple(agree), tuple(contradict)


def score(pasted: Pasted, candidate: Candidate) -> Scored:
    ours, theirs = normalise(pasted.title), normalise(candidate.title)
    agree, contradict = signals(pasted, candidate)
    return Scored(candidate, 100.0 if ours == theirs else ratio(ours, theirs), agree, contradict)


def _certain(pasted: Pasted, s: Scored) -> str | None:
    """Why ``s`` is certainly the pasted paper, or None."""
    if s.disagrees:
        return None
    ours, theirs = normalise(pasted.title), normalise(s.candidate.title)
    if ours == theirs:
        return "titles equal"
    if s.ratio >= CLOSE and s.agrees and benign_difference(ours, theirs):
        return f"close title ({s.ratio:.0f}%) and {', '.join(s.agrees)}"
    return None


def same_paper_id(a: str, b: str) -> bool:
    """Ids compared without their version (``2410.17243v2`` is ``2410.17243``)."""
    return _VERSION.sub("", a.strip().lower()) == _VERSION.sub("", b.strip().lower())


def decide(pasted: Pasted, candidates: Iterable[Candidate]) -> Decision:
    """Certain (exactly one record passes), near (candidates to show), or none."""
    unique: dict[str, Candidate] = {}
    for c in candidates:
        unique.setdefault(c.arxiv_id, c)
    scored = sorted((score(pasted, c) for c in unique.values()),
                    key=lambda s: (-s.ratio, s.candidate.arxiv_id))
    certain = [(s, why) for s in scored if (why := _certain(pasted, s))]
    ours_prefix = prefix(pasted.title)
    near = tuple(s for s in scored if s.ratio >= NEAR
                 or (ours_prefix and prefix(s.candidate.title) == ours_prefix))
    if len(certain) == 1:
        best, why = certain[0]
        return Decision("certain", best, why, tuple(s for s in near if s is not best))
    if len(certain) > 1:
        return Decision("near", None, f"{len(certain)} records fit equally well", near)
    if near:
        return Decision("near", None, "close, but not certain", near)
    return Decision("none", None, "no candidate close enough")
