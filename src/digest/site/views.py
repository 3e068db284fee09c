"""Template-ready views of records: labels, dates and links already worked out.

Every URL here is relative to the page being rendered (``prefix`` is ``../`` per
level, or the base path on the 404 page), so templates only print values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from urllib.parse import quote_plus, urlsplit

from digest.model import Paper
from digest.site import urls
from digest.text.slugs import NAMES_CACHED, name_slug

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# The same spaces (group 1) found from their punctuation: a pattern that opens with a
# class is searched quickly, one that opens with a lookbehind is tried everywhere.
_PUNCT_SPACE = re.compile(r"[.!?](\s+)(?=[A-Z])")


@lru_cache(maxsize=1 << 14)
def human_date(iso: str | None) -> str:
    """``2024-06-20`` → ``Jun 20, 2024``; None → ``undated``."""
    if not iso:
        return "undated"
    d = date.fromisoformat(iso)
    return f"{d:%b} {d.day}, {d.year}"


def month_label(key: str) -> str:
    if key == urls.UNDATED:
        return "Undated"
    d = date.fromisoformat(key + "-01")
    return f"{d:%B %Y}"


def month_key(paper: Paper) -> str:
    when = paper.effective_date
    return when[:7] if when else urls.UNDATED


def _sentences(text: str) -> Iterator[str]:
    """``_SENTENCE_END.split(text)``, lazily: a snippet needs the first few only."""
    start = 0
    for m in _PUNCT_SPACE.finditer(text):
        yield text[start:m.start(1)]
        start = m.end()
    yield text[start:]


@lru_cache(maxsize=1 << 17)  # a rebuild asks again for the cards of unchanged papers
def snippet(text: str, limit: int = 240) -> str:
    """The first sentence or two of an abstract, cut at a word boundary."""
    if len(text) <= limit:
        return text
    out = ""
    for sentence in _sentences(text):
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if not out or len(out) > limit:
        out = text[:limit].rsplit(" ", 1)[0] + "…"
    return out


def byline(paper: Paper) -> str:
    """What Hugging Face shows when names are unknown: ``5 authors`` or the organisation."""
    if paper.authors:
        return ", ".join(paper.authors)
    if paper.submitter:
        return paper.submitter
    if paper.author_count:
        return f"{paper.author_count} author{'s' if paper.author_count != 1 else ''}"
    return "Authors unknown"


CARD_NAMES = 5  # names a card shows of a longer byline (collaborations list hundreds)


def card_byline(paper: Paper) -> str:
    """``byline``, the first ``CARD_NAMES`` names and "and N more" for a longer list (the
    paper's page names everyone), as plain text: a card is for choosing a paper, and
    its authors' links would be a third of every listing page."""
    if len(paper.authors) > CARD_NAMES + 1:
        more = len(paper.authors) - CARD_NAMES
        return f"{', '.join(paper.authors[:CARD_NAMES])} and {more} more"
    return byline(paper)


def link_kind(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    if any(h in host for h in ("github.com", "gitlab.com", "bitbucket.org", "4open.science")):
        return "Code"
    if "huggingface.co" in host:
        return "Hugging Face"
    return "Project page"


def search_links(paper: Paper, on_arxiv: bool = False) -> list[dict[str, str]]:
    """Searches for the paper by title; no arXiv search when its arXiv page is linked
    already (``on_arxiv``): the link repeated the whole title on every such page."""
    q = quote_plus(paper.title)
    arxiv = [] if on_arxiv else [
        {"label": "Search arXiv", "url": f"https://arxiv.org/search/?query={q}&searchtype=title"}]
    return [*arxiv,
            {"label": "Google Scholar", "url": f"https://scholar.google.com/scholar?q=%22{q}%22"}]


@lru_cache(maxsize=NAMES_CACHED)
def author_slug(name: str) -> str:
    """An author's slug (slugging is the costly part)."""
    return name_slug(name)


@lru_cache(maxsize=NAMES_CACHED)
def author_path(name: str) -> str:
    """An author's page, relative to the site root."""
    return urls.author(author_slug(name))


def author_links(paper: Paper, prefix: str) -> list[dict[str, str | None]]:
    """Every author linked to their page (the planner leaves out the pages it does not
    make: ``Planner.author_links``)."""
    return [{"name": a, "url": prefix + author_path(a)} for a in paper.authors]


CARD_FIELDS = frozenset({"id", "title", "url", "authors", "byline", "topics", "snippet", "date",
                         "iso_date", "upvotes", "added"})  # what ``card`` gives


def card(paper: Paper, prefix: str, topic_names: dict[str, str], summary: str | None = None,
         authors: list[dict[str, str | None]] | None = None) -> dict[str, object]:
    """A paper as lists show it: title, byline, topics, a line of the abstract.

    ``summary`` and ``authors`` are ``snippet(paper.abstract)`` and ``author_links``
    when the caller already has them (a planner makes each snippet once per paper and
    each author link once per depth).
    """
    return {
        "id": paper.id,
        "title": paper.title,
        "url": prefix + urls.paper(paper.id),
        "authors": author_links(paper, prefix) if authors is None else authors,
        "byline": card_byline(paper),
        "topics": [{"name": topic_names.get(t, t), "url": prefix + urls.topic(t)}
                   for t in paper.topics],
        "snippet": snippet(paper.abstract) if summary is None else summary,
        "date": human_date(paper.effective_date),
        "iso_date": paper.effective_date or "",
        "upvotes": paper.upvotes,
        "added": added_only(paper),
    }


def added_only(paper: Paper) -> bool:
    """Whether the only date known is the day its listing entered the digest."""
    return paper.added is not None and paper.effective_date == paper.added and not (
        paper.date or any(s.date for s in paper.sources))


def short_byline(paper: Paper) -> str:
    """The first author, "et al." when there are more than two; else ``byline``."""
    if len(paper.authors) > 2:
        return f"{paper.authors[0]} et al."
    return byline(paper)


def compact_card(paper: Paper, prefix: str, url: str | None = None) -> dict[str, str]:
    """A paper in a short list (related papers): title, short byline and date; ``url``
    when the caller has a shorter link than ``prefix`` gives (one paper to another)."""
    return {"id": paper.id, "title": paper.title, "url": url or prefix + urls.paper(paper.id),
            "byline": short_byline(paper),
            "date": ("added " if added_only(paper) else "") + human_date(paper.effective_date),
            "iso_date": paper.effective_date or ""}
