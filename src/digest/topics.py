"""Taxonomy rules → one to three topics per paper, and the table ``digest topics`` prints.

A keyword is a word or phrase matched case-insensitively on whole words: text is
lower-cased and every character that is not a letter, digit or ``_`` separates words
(so ``RL`` never matches ``URL`` or ``world``). A hyphenated keyword also matches its
words written apart or joined (``pre-training``: pre training, pretraining), and its
last word also matches the plural in ``s``/``es``. A keyword found inside a longer one
that matched does not count again: "vision-language model" is no "language model".

Speed (100,000 abstracts in seconds) comes from C-level string methods: a text is
translated and split once, a set intersection finds the keyword words it contains, and
``bytes.count`` counts each candidate keyword. A regex alternation of hundreds of
keywords is several times slower, as it tries every alternative at every position.
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

def _flat(text: str) -> bytes:
    """``text`` lower-cased, each non-word character a space, one space either side."""
    text = text.lower()
    if not text.isascii():
        text = text.translate(_UNICODE_PUNCTUATION)
    return b" " + text.encode().translate(_ASCII_WORDS) + b" "


def words(text: str) -> list[bytes]:
    """The lower-cased words of ``text``, as UTF-8 bytes (bytes.translate is the fastest)."""
    return _flat(text).split()


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


_COMMON = frozenset(b"""a an and as at by for from in into of on or the to via with data deep
fine high image images language large learning low model models multi network networks neural
pre self small task tasks text training vision visual""".split())


@dataclass(frozen=True)
class _Matcher:
    """A taxonomy's keywords, compiled for set and dict lookups.

    Keywords are handled as *forms*: their words joined by one space, one form per
    spelling (as written, joined, plural), each naming the keywords it stands for.
    """

    vocabulary: frozenset[bytes]  # every word of every form
    starts: frozenset[bytes]  # one-word forms and phrase anchors: where a search starts
    singles: Mapping[bytes, bytes]  # one-word form → its search pattern " form "
    # a phrase's least common-looking word → (phrase, pattern, all its words), so only
    # phrases whose words all occur in a text are searched for
    phrases: Mapping[bytes, tuple[tuple[bytes, bytes, frozenset[bytes]], ...]]
    inside: Mapping[bytes, tuple[tuple[bytes, int], ...]]  # form → shorter forms in it, times
    keywords: Mapping[bytes, tuple[int, ...]]  # form → keyword ids
    rule_of: tuple[int, ...]  # keyword id → rule index


def _forms(keyword: str) -> set[tuple[bytes, ...]]:
    """The word sequences a keyword matches: as written, joined, and with a plural."""
    parts = tuple(words(keyword))
    if not parts:
        return set()
    forms = {parts, (b"".join(parts),)}
    return forms | {(*f[:-1], f[-1] + end) for f in forms for end in (b"s", b"es")}


def _anchor(phrase: tuple[bytes, ...]) -> bytes:
    """The word to file a phrase under: an uncommon one, else the longest."""
    return max(phrase, key=lambda word: (word not in _COMMON, len(word)))


def _inner_forms(phrase: tuple[bytes, ...], forms: Mapping[tuple[bytes, ...], object],
                 ) -> tuple[tuple[bytes, int], ...]:
    """The shorter forms that occur in ``phrase``, each with how many times."""
    inner = Counter(phrase[i:j] for i in range(len(phrase))
                    for j in range(i + 1, len(phrase) + 1) if j - i < len(phrase))
    return tuple(sorted((b" ".join(f), n) for f, n in inner.items() if f in forms))


@cache
def _matcher(rules: tuple[TopicRule, ...]) -> _Matcher:
    ids: dict[tuple[int, tuple[bytes, ...]], int] = {}  # (rule, keyword words) → id
    owners: dict[tuple[bytes, ...], set[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            kid = ids.setdefault((index, tuple(words(keyword))), len(ids))
            for form in _forms(keyword):
                owners.setdefault(form, set()).add(kid)
    phrases: dict[bytes, list[tuple[bytes, bytes, frozenset[bytes]]]] = {}
    inside: dict[bytes, tuple[tuple[bytes, int], ...]] = {}
    for form in sorted(owners):
        joined = b" ".join(form)
        if len(form) > 1:
            phrases.setdefault(_anchor(form), []).append((joined, b" %s " % joined,
                                                          frozenset(form)))
            inside[joined] = _inner_forms(form, owners)
    singles = {form[0]: b" %s " % form[0] for form in owners if len(form) == 1}
    return _Matcher(
        vocabulary=frozenset(word for form in owners for word in form),
        starts=frozenset(singles) | frozenset(phrases),
        singles=singles,
        phrases={anchor: tuple(entries) for anchor, entries in phrases.items()},
        inside={form: pairs for form, pairs in inside.items() if pairs},
        keywords={b" ".join(form): tuple(sorted(kids)) for form, kids in owners.items()},
        rule_of=tuple(index for (index, _), _ in sorted(ids.items(), key=lambda kv: kv[1])))


def _found(flat: bytes, present: frozenset[bytes], matcher: _Matcher) -> dict[bytes, int]:
    """How often each form whose words are all ``present`` occurs in ``flat``."""
    found: dict[bytes, int] = {}
    nested: list[bytes] = []
    for word in matcher.starts.intersection(present):
        pattern = matcher.singles.get(word)
        if pattern is not None:
            found[word] = flat.count(pattern)
        for phrase, pattern, needed in matcher.phrases.get(word, ()):
            if needed <= present:
                n = flat.count(pattern)
                if n:
                    found[phrase] = n
                    if phrase in matcher.inside:
                        nested.append(phrase)
    # A phrase consumes its words: take its matches back from the shorter keywords in
    # it, longest phrase first, so one nested in another is taken back once.
    for phrase in sorted(nested, key=len, reverse=True):
        n = found[phrase]
        for inner, times in matcher.inside[phrase] if n > 0 else ():
            if inner in found:
                found[inner] -= n * times
    return found


class Score(NamedTuple):
    """A rule's evidence for one paper: its points and whether the title matched."""

    points: int
    in_title: bool


def scores(paper: Paper, rules: Sequence[TopicRule]) -> dict[int, Score]:
    """The score of each rule that matches ``paper``, by rule index.

    A keyword scores TITLE_WEIGHT per title match and 1 per abstract match, at most
    REPEAT_CAP times per field: several different words of a topic say more than one
    word repeated.
    """
    return _scores(paper, _matcher(tuple(rules)))


def _scores(paper: Paper, matcher: _Matcher) -> dict[int, Score]:
    points: dict[int, int] = {}
    titled: set[int] = set()
    for text, weight in ((paper.title, TITLE_WEIGHT), (paper.abstract, 1)):
        flat = _flat(text)
        present = matcher.vocabulary.intersection(flat.split())
        if not present:
            continue
        per_keyword: dict[int, int] = {}
        for form, n in _found(flat, present, matcher).items():
            if n > 0:
                for kid in matcher.keywords[form]:
                    per_keyword[kid] = per_keyword.get(kid, 0) + n
        for kid, n in per_keyword.items():
            rule = matcher.rule_of[kid]
            points[rule] = points.get(rule, 0) + weight * min(n, REPEAT_CAP)
            if weight == TITLE_WEIGHT:
                titled.add(rule)
    return {rule: Score(total, rule in titled) for rule, total in points.items()}


def best_topics(scored: Mapping[int, Score]) -> list[int]:
    """Indices of the best one to MAX_TOPICS rules, best first, ties to the earlier rule.

    A rule needs MIN_SCORE points, and either a title match or KEEP_FRACTION of the
    best rule's points: a paper's title names its topics, its abstract wanders.
    """
    ranked = sorted((-s.points, i) for i, s in scored.items() if s.points >= MIN_SCORE)
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
    matcher = _matcher(rules)
    result = []
    for paper in papers:
        fixed = tuple(overrides.get(paper.id) or ()) or paper.fixed_topics
        if fixed:
            slugs = resolve(fixed)
        else:
            slugs = resolve(t for s in paper.sources for t in listing_topics.get(s.listing, ()))
            matched = [rules[i].slug for i in best_topics(_scores(paper, matcher))]
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
