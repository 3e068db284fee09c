"""Taxonomy rules → one to three topics per paper, and the table ``digest topics`` prints.

A keyword is a word or phrase matched case-insensitively on word boundaries: text is
lower-cased and cut into words at every character that is not a letter, digit or ``_``
(so ``RL`` never matches ``URL`` or ``world``). A hyphenated keyword also matches the
words written apart or joined (``pre-training``: pre training, pretraining), and the
last word also matches its plural in ``s``/``es``. Where keywords overlap, the longest
one at a position wins and consumes its words, so "vision-language model" does not also
count as "language model".

Matching splits text into words with C-level string methods and looks keywords up in a
dict: a regex alternation of hundreds of keywords scans every character and is several
times slower on 100,000 abstracts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import NamedTuple

import yaml

from digest.config import Config, TopicRule
from digest.model import Listing, Paper
from digest.slugs import name_slug

OTHER = TopicRule("Other", "other",
                  "Papers no rule matched; `digest topics` lists their terms to write rules from.")
TITLE_WEIGHT = 3  # a word in the title says more about a paper than one in its abstract
MIN_SCORE = 3  # one title match or three abstract mentions; one passing mention is not enough
KEEP_FRACTION = 0.4  # runners-up within this fraction of the best score are kept too
MAX_TOPICS = 3
REPEAT_CAP = 3  # a keyword repeated more often adds nothing

_PUNCTUATION = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_WORDS = bytes.maketrans(_PUNCTUATION.encode(), b" " * len(_PUNCTUATION))
_UNICODE_PUNCTUATION = str.maketrans(dict.fromkeys(
    "\u00a0\u00ab\u00b7\u00bb\u00d7\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201c"
    "\u201d\u2022\u2026\u2009\u202f\u2212", " "))

Words = list[bytes]


def words(text: str) -> Words:
    """Lower-cased words of ``text``; bytes, because bytes.translate is the fastest split."""
    text = text.lower()
    if not text.isascii():
        text = text.translate(_UNICODE_PUNCTUATION)
    return text.encode().translate(_ASCII_WORDS).split()


# -- the taxonomy -------------------------------------------------------------------------


def parse_taxonomy(data: object) -> tuple[TopicRule, ...]:
    """Rules from a YAML list of {name, slug, description, keywords}; raise on a bad shape."""
    if not isinstance(data, list):
        raise ValueError("a taxonomy is a list of topics")
    rules = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ValueError(f"topic {index} must be a mapping with a 'name'")
        keywords = item.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ValueError(f"topic {item['name']!r}: keywords must be a list of strings")
        rules.append(TopicRule(item["name"], str(item.get("slug") or name_slug(item["name"])),
                               str(item.get("description") or ""), tuple(keywords)))
    return tuple(rules)


@cache
def default_taxonomy() -> tuple[TopicRule, ...]:
    """The shipped taxonomy for machine-learning papers (``default_taxonomy.yaml``)."""
    text = files("digest").joinpath("default_taxonomy.yaml").read_text(encoding="utf-8")
    return parse_taxonomy(yaml.safe_load(text))


def taxonomy_for(config: Config) -> tuple[TopicRule, ...]:
    """The taxonomy of ``digest.yaml`` when it sets ``topics:``, else the shipped one."""
    return default_taxonomy() if config.topics is None else config.topics


# -- matching -----------------------------------------------------------------------------


Phrase = tuple[tuple[bytes, ...], tuple[int, ...]]  # rest of the phrase, keyword ids


@dataclass(frozen=True)
class _Matcher:
    """Every rule's keywords, indexed by first word for a dict lookup per distinct word."""

    first: frozenset[bytes]
    phrases: Mapping[bytes, tuple[Phrase, ...]]  # longest first
    alone: Mapping[bytes, tuple[int, ...]]  # words that are a keyword and in no longer one
    rule_of: tuple[int, ...]  # keyword id → rule index


def _variants(keyword: str) -> set[tuple[bytes, ...]]:
    """The word sequences a keyword matches: as written, joined, and with a plural."""
    parts = tuple(words(keyword))
    if not parts:
        return set()
    forms = {parts, (b"".join(parts),)}
    return forms | {(*f[:-1], f[-1] + end) for f in forms for end in (b"s", b"es")}


@cache
def _matcher(rules: tuple[TopicRule, ...]) -> _Matcher:
    ids: dict[tuple[int, tuple[bytes, ...]], int] = {}  # (rule, keyword words) → id
    owners: dict[tuple[bytes, ...], set[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            kid = ids.setdefault((index, tuple(words(keyword))), len(ids))
            for form in _variants(keyword):
                owners.setdefault(form, set()).add(kid)
    by_first: dict[bytes, list[Phrase]] = {}
    for form, kids in owners.items():
        by_first.setdefault(form[0], []).append((form[1:], tuple(sorted(kids))))
    phrases = {first: tuple(sorted(rest, key=lambda r: (-len(r[0]), r[0])))
               for first, rest in by_first.items()}
    inner = {word for form in owners for word in form[1:]}
    alone = {first: entries[0][1] for first, entries in phrases.items()
             if len(entries) == 1 and not entries[0][0] and first not in inner}
    rule_of = tuple(index for (index, _), _ in sorted(ids.items(), key=lambda item: item[1]))
    return _Matcher(frozenset(phrases), phrases, alone, rule_of)


def _keyword_counts(text: Words, matcher: _Matcher) -> Counter[int]:
    """How often each keyword occurs in ``text``, the longest keyword winning overlaps."""
    counts: Counter[int] = Counter()
    found: list[tuple[int, int, tuple[int, ...]]] = []  # (start, -length, keyword ids)
    for first in matcher.first.intersection(text):
        if first in matcher.alone:  # nothing can overlap it: count it in C
            n = text.count(first)
            for kid in matcher.alone[first]:
                counts[kid] += n
            continue
        start = -1
        while True:
            try:
                start = text.index(first, start + 1)
            except ValueError:
                break
            for rest, kids in matcher.phrases[first]:
                if tuple(text[start + 1:start + 1 + len(rest)]) == rest:
                    found.append((start, -1 - len(rest), kids))
                    break
    end = 0
    for start, negative_length, kids in sorted(found):
        if start < end:  # starts inside an earlier, longer match
            continue
        end = start - negative_length
        counts.update(kids)
    return counts


class Score(NamedTuple):
    """A rule's evidence for one paper: its points and whether the title matched."""

    points: int
    in_title: bool


def scores(paper: Paper, rules: tuple[TopicRule, ...]) -> list[Score]:
    """Each rule's score for ``paper``.

    A keyword scores TITLE_WEIGHT per title match and 1 per abstract match, at most
    REPEAT_CAP times per field: several different words of a topic say more than one
    word repeated.
    """
    matcher = _matcher(rules)
    points = [0] * len(rules)
    in_title = [False] * len(rules)
    for text, weight in ((paper.title, TITLE_WEIGHT), (paper.abstract, 1)):
        for kid, n in _keyword_counts(words(text), matcher).items():
            rule = matcher.rule_of[kid]
            points[rule] += weight * min(n, REPEAT_CAP)
            in_title[rule] = in_title[rule] or weight == TITLE_WEIGHT
    return [Score(*pair) for pair in zip(points, in_title)]


def best_topics(scored: Sequence[Score]) -> list[int]:
    """Indices of the best one to MAX_TOPICS rules, best first, ties to the earlier rule.

    A rule needs MIN_SCORE points, and either a title match or KEEP_FRACTION of the
    best rule's points: a paper's title names its topics, its abstract wanders.
    """
    ranked = sorted((-s.points, i) for i, s in enumerate(scored) if s.points >= MIN_SCORE)
    if not ranked:
        return []
    floor = -ranked[0][0] * KEEP_FRACTION
    return [i for s, i in ranked if -s >= floor or scored[i].in_title][:MAX_TOPICS]


# -- assignment ---------------------------------------------------------------------------


def _key(name: str) -> str:
    return name_slug(name.strip())


def assign(papers: Sequence[Paper], rules: Sequence[TopicRule],
           listings: Iterable[Listing] = (),
           overrides: Mapping[str, Sequence[str]] = MappingProxyType({}),
           ) -> tuple[list[Paper], list[TopicRule]]:
    """Set every paper's ``topics`` (slugs, best first) and list every topic.

    Topics set outright (``overrides[paper.id]``, else ``paper.fixed_topics``) replace
    the rules. Otherwise a paper gets the topics of the listings it appears in, then its
    best rule matches up to MAX_TOPICS in all (the best match is always kept), or "Other"
    when it has none. Names that are no taxonomy topic become new topics. The topics
    returned are the taxonomy in order (even empty ones, so dead rules show), then the
    new ones by name, then "Other".
    """
    rules = tuple(rules)
    taxonomy = [r for r in rules if r.slug != OTHER.slug]
    other = next((r for r in rules if r.slug == OTHER.slug), OTHER)
    known: dict[str, TopicRule] = {}
    for rule in (*taxonomy, other):
        known.setdefault(_key(rule.name), rule)
        known.setdefault(_key(rule.slug), rule)
    created: dict[str, TopicRule] = {}

    def resolve(names: Iterable[str]) -> list[str]:
        slugs: list[str] = []
        for name in names:
            if not name.strip():
                continue
            key = _key(name)
            rule = known.get(key) or created.setdefault(key, TopicRule(name.strip(), key))
            if rule.slug not in slugs:
                slugs.append(rule.slug)
        return slugs

    listing_topics = {listing.id: listing.topics for listing in listings}
    result = []
    for paper in papers:
        fixed = tuple(overrides.get(paper.id) or ()) or paper.fixed_topics
        if fixed:
            slugs = resolve(fixed)
        else:
            slugs = resolve(t for s in paper.sources for t in listing_topics.get(s.listing, ()))
            matched = [rules[i].slug for i in best_topics(scores(paper, rules))]
            matched = [s for s in matched if s not in slugs]
            slugs += matched[:max(1, MAX_TOPICS - len(slugs))]
        result.append(replace(paper, topics=tuple(slugs or [other.slug])))
    extra = sorted(created.values(), key=lambda r: (r.name.casefold(), r.slug))
    return result, [*taxonomy, *extra, other]


# -- the `digest topics` report -----------------------------------------------------------


def members(papers: Iterable[Paper], topics: Sequence[TopicRule]) -> dict[str, list[Paper]]:
    """Papers per topic slug, in the order of ``topics``, papers in their given order."""
    groups: dict[str, list[Paper]] = {t.slug: [] for t in topics}
    for paper in papers:
        for slug in paper.topics:
            groups.setdefault(slug, []).append(paper)
    return groups


STOP_WORDS = frozenset("""
a about above across after again against all also although am among an and another any
approach approaches are as at based be because been before being below between both but by
can could demonstrate demonstrates despite did do does done during each effective either
et etc existing experiments extensive first for from further furthermore has have having
here how however if in into is it its itself large learning less may method methods model
models more most moreover much must new no not novel of on only or other our over paper
performance propose proposed provide results same several shows should show significantly
since so some state such than that the their them then there these they this those three
through thus to two under up upon us use used using various very via was we well were what
when where whether which while who why will with within without work would yet art also
achieve achieves across available code demonstrate different paper task tasks training
""".split())


def _terms(paper: Paper) -> set[str]:
    """Distinct content words (3+ letters, not stop words) and bigrams of a paper."""
    tokens = [w.decode() for w in words(f"{paper.title} {paper.abstract}")]
    keep = [t if len(t) > 2 and t not in STOP_WORDS and not t.isdigit() else "" for t in tokens]
    pairs = {f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b}
    return {t for t in keep if t} | pairs


def distinctive_terms(papers: Sequence[Paper], slug: str = OTHER.slug,
                      limit: int = 20) -> list[tuple[str, int, int]]:
    """Terms frequent in a topic's papers relative to all: (term, papers there, papers in all).

    Ranked by papers-in-topic × log(lift), lift being how much more often the topic's
    papers use the term than the whole corpus does; a term must occur in two papers.
    """
    inside: Counter[str] = Counter()
    overall: Counter[str] = Counter()
    for paper in papers:
        terms = _terms(paper)
        overall.update(terms)
        if slug in paper.topics:
            inside.update(terms)
    n_inside = sum(1 for p in papers if slug in p.topics)
    if not n_inside:
        return []
    ranked = []
    for term, count in inside.items():
        lift = (count / n_inside) / (overall[term] / len(papers))
        if count >= 2 and lift > 1:
            ranked.append((-count * math.log(lift), term, count, overall[term]))
    ranked.sort()
    return [(term, count, total) for _, term, count, total in ranked[:limit]]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def report(papers: Sequence[Paper], topics: Sequence[TopicRule], examples: int = 3) -> str:
    """The ``digest topics`` text: a row per topic, then the terms of papers in "Other"."""
    groups = members(papers, topics)
    names = {t.slug: t.name for t in topics}
    total = len(papers) or 1
    name_width = max([len("topic"), *(len(names.get(s, s)) for s in groups)])
    slug_width = max([len("slug"), *map(len, groups)])
    lines = [f"{'topic':<{name_width}}  {'slug':<{slug_width}}  papers  share  examples"]
    for slug, group in groups.items():
        primary = [p for p in group if p.topics[0] == slug]
        shown = [p.title for p in (primary + [p for p in group if p not in primary])[:examples]]
        lines.append(f"{names.get(slug, slug):<{name_width}}  {slug:<{slug_width}}  "
                     f"{len(group):>6}  {len(group) / total:>5.0%}  "
                     + " | ".join(_clip(t, 48) for t in shown))
    in_other = len(groups.get(OTHER.slug, []))
    lines += ["", f"{len(papers)} papers, {in_other} in Other ({in_other / total:.1%}); "
              "a paper has 1 to 3 topics, so the counts add up to more."]
    terms = distinctive_terms(papers)
    if terms:
        lines += ["", "Frequent distinctive terms in Other (papers in Other / in all):"]
        lines += [f"  {term:<32} {count:>4} / {overall}" for term, count, overall in terms]
    return "\n".join(lines) + "\n"


__all__ = ["MAX_TOPICS", "OTHER", "TopicRule", "assign", "best_topics", "default_taxonomy",
           "distinctive_terms", "members", "parse_taxonomy", "report", "Score", "scores",
           "taxonomy_for", "words"]
