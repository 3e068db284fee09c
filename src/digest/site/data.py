"""Everything a render step needs, gathered before anything is written."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from digest.config import Config, TopicRule
from digest.inputs.notes import Note, StaticPage
from digest.model import Listing, Paper


@dataclass(frozen=True)
class SiteData:
    """The finished records: papers with topics, the topics in use, the listings."""

    config: Config
    papers: tuple[Paper, ...]  # topics assigned (slugs, best first); sorted by id
    topics: tuple[TopicRule, ...]  # display order; "Other" last when used
    listings: tuple[Listing, ...]
    build_date: date
    notes_html: dict[str, str] = field(default_factory=dict)  # paper id → note, for its page
    notes_feed_html: dict[str, str] = field(default_factory=dict)  # … with absolute links
    notes: dict[str, Note] = field(default_factory=dict)  # paper id → note (rating, featured…)
    static_pages: tuple[tuple[StaticPage, str], ...] = ()  # content/pages and their HTML
    # paper id → (id, score) of its most similar papers, best first (corpus.related)
    related: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    # listing id → the day it entered the digest (its date, else its file's first commit)
    listing_added: dict[str, str] = field(default_factory=dict)

    def topic_by_slug(self) -> dict[str, TopicRule]:
        return {t.slug: t for t in self.topics}

    # The groupings pages, feeds and search share, each computed once per site (a frozen
    # dataclass still has the instance __dict__ cached_property fills).

    def by_date(self) -> list[Paper]:
        """Newest effective date first; undated last; ties broken by id (stable)."""
        return list(self.ordered)

    @cached_property
    def ordered(self) -> tuple[Paper, ...]:
        """Every paper, newest effective date first; undated last; ties by id."""
        dated = sorted((p for p in self.papers if p.effective_date), key=lambda p: p.id)
        dated.sort(key=lambda p: p.effective_date or "", reverse=True)  # stable: ids ascend
        undated = sorted((p for p in self.papers if not p.effective_date), key=lambda p: p.id)
        return (*dated, *undated)

    @cached_property
    def by_topic(self) -> dict[str, list[Paper]]:
        """Each topic's papers, newest first."""
        found: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.ordered:
            for slug in paper.topics:
                found[slug].append(paper)
        return dict(found)

    @cached_property
    def by_listing(self) -> dict[str, list[Paper]]:
        """Each listing's papers in listing order, once each (listed twice: first place)."""
        found: dict[str, dict[str, tuple[int, Paper]]] = {}
        for p in self.papers:
            for s in p.sources:
                seen = found.setdefault(s.listing, {})
                old = seen.get(p.id)
                if old is None or s.position < old[0]:
                    seen[p.id] = (s.position, p)
        return {k: [p for _, p in sorted(v.values(), key=lambda t: (t[0], t[1].id))]
                for k, v in found.items()}

    @cached_property
    def papers_by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}
