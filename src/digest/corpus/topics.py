"""Taxonomy rules → one to three topics per paper, and the table ``digest topics`` prints.

A keyword is a word or phrase matched case-insensitively on whole words: text is
lower-cased and every character that is not a letter, digit or ``_`` separates words
(so ``RL`` never matches ``URL`` or ``world``). A hyphenated keyword also matches its
words written apart or joined (``pre-training``: pre training, pretraining), and its
last word also matches the plural in ``s``/``es``. A keyword found inside a longer one
that matched does not count again: "vision-language model" is no "language model".

Speed comes from C-level string methods: a text is translated and split once, a set
intersection finds the keyword words it contains, and ``bytes.count`` counts only the
keywords whose words are all there. One regex of every keyword, even written as a trie,
measured slower: the engine tries it at every position of every abstract.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from itertools import pairwise
from types import MappingProxyType
from typing import NamedTuple

from digest.config import Config, TopicRule
from digest.incremental import Memo, around, same_ends
from digest.model import Listing, Paper
from digest.text import yamlsafe
from digest.text.slugs import name_slug

OTHER = TopicRule("Other", "other",
                  "Papers no rule matched; `digest topics` lists their terms to write rules from.")
TITLE_WEIGHT = 3  # a word in the title says more about a paper than one in its abstract
MIN_SCORE = 3  # one title match or three abstract mentions; one passing mention is not enough
KEEP_FRACTION = 0.4  # a runner-up needs this share of the best score (or a title match)
MAX_TOPICS = 3
REPEAT_CAP = 3  # a keyword repeated more often adds nothing

_PUNCTUATION = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_WORDS = bytes.maketrans(_PUNCTUATION.encode(), b" " * len(_PUNCTUATION))
# Non-ASCII separators, as UTF-8: bytes.replace of a few is far faster than str.translate.
_UNICODE_SEPARATORS = tuple(c.encode() for c in (
    "\u00a0\u00ab\u00b7\u00bb\u00d7\u2009\u2010\u2011\u2012\u2013\u2014\u2015\u2018"
    "\u2019\u201c\u201d\u2022\u2026\u202f\u2212"))


def _flat(text: str) -> bytes:
    """``text`` lower-cased, each non-word character a space, one space either side."""
    flat = text.lower().encode()
    if not text.isascii():
        for separator in _UNICODE_SEPARATORS:
            if separator in flat:
                flat = flat.replace(separator, b" ")
    return b" " + flat.translate(_ASCII_WORDS) + b" "


def words(text: str) -> list[bytes]:
    """The lower-cased words of ``text``, as UTF-8 bytes (bytes.translate is the fastest)."""
    return _flat(text).split()


# -- the taxonomy -------------------------------------------------------------------------


def parse_taxonomy(data: object) -> tuple[TopicRule, ...]:
    """Rules from a YAML list of {name, slug, description, keywords}; TypeError on a bad shape."""
    if not isinstance(data, list):
        raise TypeError("a taxonomy is a list of topics")
    rules = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise TypeError(f"topic {index} must be a mapping with a 'name'")
        keywords = item.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise TypeError(f"topic {item['name']!r}: keywords must be a list of strings")
        rules.append(TopicRule(item["name"], str(item.get("slug") or name_slug(item["name"])),
                               str(item.get("description") or ""), tuple(keywords)))
    return tuple(rules)


@cache
def default_taxonomy() -> tuple[TopicRule, ...]:
    """The shipped taxonomy for machine-learning papers (``default_taxonomy.yaml``)."""
    text = files("digest").joinpath("default_taxonomy.yaml").read_text(encoding="utf-8")
    node = yamlsafe.compose(text)  # the one YAML reader; the shipped file is valid
    return parse_taxonomy(yamlsafe.value(node) if node is not None else None)


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


@dataclass
class AssignMemo:
    """What ``assign`` worked out for each paper last time, for a rebuild to reuse: by
    the paper's id, while its merged record is equal, its best rules (the costly text
    matching, valid while the rules are the same) and the assigned record."""

    rules: tuple[TopicRule, ...] = ()
    papers: Memo[tuple[list[int] | None, Paper]] = field(default_factory=Memo)
    # the last call's papers, what it made of them, what else it depended on, and whether
    # it created topics (then every paper's names are resolved again)
    given: list[Paper] = field(default_factory=list)
    result: list[Paper] = field(default_factory=list)
    context: tuple[object, ...] = ()
    created: bool = True


def assign(papers: Sequence[Paper], rules: Sequence[TopicRule],
           listings: Iterable[Listing] = (),
           overrides: Mapping[str, Sequence[str]] = MappingProxyType({}),
           memo: AssignMemo | None = None, processes: int = 1,
           ) -> tuple[list[Paper], list[TopicRule]]:
    """Set every paper's ``topics`` (slugs, best first) and list every topic; ``memo``
    makes a rebuild match only the papers it has not seen.

    Topics set outright (``overrides[paper.id]``, else ``paper.fixed_topics``) replace
    the rules. Otherwise a paper gets the topics of the listings it appears in, then its
    best rule matches up to MAX_TOPICS in all (the best match is always kept), or "Other"
    when it has none. Names that are no taxonomy topic become new topics. The topics
    returned are the taxonomy in order (even empty ones, so dead rules show), then the
    new ones by name, then "Other". ``processes``: match the text of many papers on that
    many forked workers.
    """
    rules = tuple(rules)
    taxonomy = [r for r in rules if r.slug != OTHER.slug]
    other = next((r for r in rules if r.slug == OTHER.slug), OTHER)
    known: dict[str, TopicRule] = {}
    for rule in (*taxonomy, other):
        known.setdefault(_key(rule.name), rule)
        known.setdefault(_key(rule.slug), rule)
    created: dict[str, TopicRule] = {}

    resolved: dict[tuple[str, ...], tuple[str, ...]] = {}

    def resolve(names: Sequence[str]) -> list[str]:
        """The slugs of ``names``, once per distinct tuple of names (most papers share
        theirs; a new topic's spelling is settled as well by one call as by many)."""
        key = tuple(names)
        found = resolved.get(key)
        if found is None:
            found = resolved[key] = tuple(_resolve(key))
        return list(found)

    def _resolve(names: Iterable[str]) -> list[str]:
        slugs: list[str] = []
        for name in names:
            if not name.strip():
                continue
            key = _key(name)
            if key in known:
                slug = known[key].slug
            else:  # a new topic, named by its first spelling in sort order, not paper order
                spelling = min(name.strip(), created[key].name) if key in created else name.strip()
                created[key] = TopicRule(spelling, key)
                slug = key
            if slug not in slugs:
                slugs.append(slug)
        return slugs

    listing_topics = {listing.id: listing.topics for listing in listings if listing.topics}
    matcher = _matcher(rules)
    if memo is not None and memo.rules != rules:
        memo.rules = rules
        memo.papers.clear()
        memo.given, memo.result = [], []
    # The very papers of the last call at both ends keep what it made of them, while
    # nothing else they depend on changed and no paper created a topic (which any paper
    # naming it would then have to see).
    context = (listing_topics, dict(overrides))
    head = tail = 0
    if memo is not None and memo.given and not memo.created and memo.context == context:
        head, tail = same_ends(memo.given, papers)
    given = papers
    papers = papers[head:len(papers) - tail]
    olds = [memo.papers.get(paper.id, paper) if memo is not None else None
            for paper in papers]
    unmatched = [paper for paper, old in zip(papers, olds, strict=True)
                 if not (overrides.get(paper.id) or paper.fixed_topics)
                 and (old is None or old[0] is None)]
    matched_now = _best_of_all(unmatched, matcher, processes)
    result = []
    for paper, old in zip(papers, olds, strict=True):
        best: list[int] | None = None  # not matched: its topics are set outright
        fixed = overrides.get(paper.id) or paper.fixed_topics
        if fixed:
            slugs = resolve(fixed)
        else:
            added = [t for s in paper.sources for t in listing_topics.get(s.listing, ())]
            slugs = resolve(added) if added else []
            best = old[0] if old is not None and old[0] is not None else matched_now[paper.id]
            matched = [rules[i].slug for i in best]
            if slugs:
                matched = [s for s in matched if s not in slugs]
            slugs += matched[:max(1, MAX_TOPICS - len(slugs))]
        chosen = tuple(slugs) or (other.slug,)
        assigned = old[1] if old is not None and old[1].topics == chosen else \
            replace(paper, topics=chosen)
        if memo is not None:
            memo.papers.put(paper.id, paper, (best, assigned))
        result.append(assigned)
    if memo is not None and (head or tail):  # (a topic created is named between only)
        memo.papers.carry(paper.id for paper in around(memo.result, head, tail))
        result = around(memo.result, head, tail, result)
    if memo is not None:
        memo.papers.done()
        memo.given, memo.result = list(given), result
        memo.context, memo.created = context, bool(created)
    extra = sorted(created.values(), key=lambda r: (r.name.casefold(), r.slug))
    return result, [*taxonomy, *extra, other]


MATCH_IN_PARALLEL = 4000  # papers to match before forking workers pays (~0.1 ms each)


def _best_of_all(papers: Sequence[Paper], matcher: _Matcher, processes: int
                 ) -> dict[str, list[int]]:
    """``best_topics`` of each paper by id, on ``processes`` forked workers when many."""
    if processes <= 1 or len(papers) < MATCH_IN_PARALLEL:
        return {paper.id: best_topics(_scores(paper, matcher)) for paper in papers}
    from digest import executor

    found: dict[str, list[int]] = {}
    for part in executor.run_all(_best_of_part, (papers, matcher),
                                 executor.spans(len(papers), 2 * processes), processes):
        found.update(part)
    return found


def _best_of_part(shared: tuple[Sequence[Paper], _Matcher], chunk: tuple[int, int]
                  ) -> dict[str, list[int]]:
    papers, matcher = shared
    return {paper.id: best_topics(_scores(paper, matcher))
            for paper in papers[chunk[0]:chunk[1]]}


# -- the `digest topics` report -----------------------------------------------------------


def papers_by_topic(papers: Iterable[Paper], topics: Sequence[TopicRule],
                    ) -> dict[str, list[Paper]]:
    """Papers per topic slug, in the order of ``topics``, papers in their given order."""
    groups: dict[str, list[Paper]] = {t.slug: [] for t in topics}
    for paper in papers:
        for slug in paper.topics:
            groups.setdefault(slug, []).append(paper)
    return groups


STOP_WORDS = frozenset([
    "a", "about", "above", "across", "after", "again", "against", "all", "also", "although",
    "among", "an", "and", "another", "any", "approach", "approaches", "are", "art", "as", "at",
    "available", "based", "be", "because", "been", "before", "being", "between", "both", "but",
    "by", "can", "code", "com", "could", "demonstrate", "demonstrates", "despite", "different",
    "do", "does", "during", "each", "effective", "either", "et", "etc", "existing",
    "experiments", "extensive", "first", "for", "from", "further", "furthermore", "github",
    "has", "have", "here", "how", "however", "http", "https", "if", "in", "into", "io", "is",
    "it", "its", "large", "learning", "less", "may", "method", "methods", "model", "models",
    "more", "moreover", "most", "much", "new", "no", "not", "novel", "of", "on", "only", "or",
    "org", "other", "our", "over", "paper", "performance", "propose", "proposed", "provide",
    "results", "same", "several", "show", "shows", "significantly", "since", "so", "some",
    "state", "such", "task", "tasks", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "three", "through", "thus", "to", "training", "two",
    "under", "up", "upon", "us", "use", "used", "using", "various", "very", "via", "was", "we",
    "well", "were", "what", "when", "where", "whether", "which", "while", "will", "with",
    "within", "without", "work", "would", "www", "yet",
])
BACKGROUND_SAMPLE = 5000  # papers read for a term's share of the whole corpus


def _terms(paper: Paper) -> set[str]:
    """Distinct content words (3+ characters, no stop word or number) and their bigrams."""
    tokens = _flat(f"{paper.title} . {paper.abstract}").decode().split()
    keep = [t if len(t) > 2 and t not in STOP_WORDS and not t.isdigit() else ""
            for t in tokens]
    pairs = {f"{a} {b}" for a, b in pairwise(keep) if a and b}
    return pairs.union(filter(None, keep))


def distinctive_terms(papers: Sequence[Paper], slug: str = OTHER.slug, limit: int = 20,
                      ) -> list[tuple[str, int, float]]:
    """Terms a topic's papers use more than the corpus does: (term, its papers, corpus share).

    Ranked by papers × log(lift), lift being the share of the topic's papers using the
    term over the share of all papers using it (read from an even sample of at most
    BACKGROUND_SAMPLE papers). A term must be in two of the topic's papers, if it has five.
    """
    group = [p for p in papers if slug in p.topics]
    if not group:
        return []
    inside: Counter[str] = Counter()
    for paper in group:
        inside.update(_terms(paper))
    sample = papers[::-(-len(papers) // BACKGROUND_SAMPLE)]
    overall: Counter[str] = Counter()
    for paper in sample:
        overall.update(inside.keys() & _terms(paper))
    least = 2 if len(group) >= 5 else 1
    ranked = []
    for term, count in inside.items():
        share = max(overall[term], 1) / len(sample)
        lift = count / len(group) / share
        if count >= least and lift > 1:
            ranked.append((-count * math.log(lift), term, count, share))
    ranked.sort()
    return [(term, count, share) for _, term, count, share in ranked[:limit]]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def report(papers: Sequence[Paper], topics: Sequence[TopicRule], examples: int = 3) -> str:
    """The ``digest topics`` text: a row per topic, then the terms of the papers in "Other".

    Examples are the first papers whose best topic it is, then any others.
    """
    groups = papers_by_topic(papers, topics)
    names = {t.slug: t.name for t in topics}
    total = len(papers) or 1
    name_width = max([5, *(len(names.get(slug, slug)) for slug in groups)])
    slug_width = max([4, *map(len, groups)])
    lines = [f"{'topic':<{name_width}}  {'slug':<{slug_width}}  papers  share  examples"]
    for slug, group in groups.items():
        best = [p for p in group if p.topics[0] == slug][:examples]
        shown = best + [p for p in group if p.topics[0] != slug][:examples - len(best)]
        lines.append(f"{names.get(slug, slug):<{name_width}}  {slug:<{slug_width}}  "
                     f"{len(group):>6}  {len(group) / total:>5.1%}  "
                     + " | ".join(_clip(p.title, 40) for p in shown))
    other = len(groups.get(OTHER.slug, ()))
    per_paper = sum(len(p.topics) for p in papers) / total
    lines += ["", (f"{len(papers)} papers, {other} ({other / total:.1%}) in Other; "
                   f"{per_paper:.1f} topics per paper, so the counts add up to more.")]
    terms = distinctive_terms(papers)
    if terms:
        lines += ["", "Terms frequent in Other and rarer elsewhere, to write rules from:",
                  f"  {'term':<32}  in Other  in all"]
        lines += [f"  {term:<32}  {count:>8}  {share:>6.1%}" for term, count, share in terms]
    return "\n".join(lines) + "\n"


__all__ = ["BACKGROUND_SAMPLE", "KEEP_FRACTION", "MAX_TOPICS", "MIN_SCORE", "OTHER",
           "REPEAT_CAP", "STOP_WORDS", "TITLE_WEIGHT", "AssignMemo", "Score", "TopicRule", "assign",
           "best_topics", "default_taxonomy", "distinctive_terms", "papers_by_topic",
           "parse_taxonomy", "report", "scores", "taxonomy_for", "words"]
