"""Which page-making steps an edit can reach: the plan's reverse index.

A rebuild numbers every record again (``build.plan_cached``) and compares each step's
inputs with the last plan's. At 10,000 papers that is 15,000 steps to describe, most of
them untouched by an edit of one listing. ``Reach`` names the steps whose inputs *can*
differ, from the records that changed and the last plan, so only those are described
and compared; every other step keeps its last inputs and pages unchecked.

What a step's inputs hold (``routes.Planner.inputs``) is what an edit must reach:

- a paper page: its record, its listings, its neighbours in its first topic (previous
  and next) and its related papers;
- a topic page: the topic's papers in order, and page one the months of the trends
  chart, whose span is the whole digest's;
- an edition: its listing and its papers; a month page, an author page: their papers;
- the authors index: every author's name and paper count.

A changed record reaches the steps of its old and new record (topics, month, authors,
listings), its old and new topic neighbours and the papers that list it as related. A
step without inputs (home, indexes) is always made, and a step that did not exist is
always described, so neither needs reaching.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from digest.model import Paper
from digest.site import views
from digest.site.routes import Kind, Planner, Spec

_FIRST = itemgetter(0)


@dataclass
class Reach:
    """The steps an edit can reach, by kind."""

    papers: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    listings: set[str] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)
    authors_index: bool = False
    trends: bool = False  # every topic's first page (its chart spans the digest's months)

    def covers(self, spec: Spec) -> bool:
        """Whether the step's inputs can differ from the last plan's."""
        kind, arg = spec
        if kind is Kind.PAPER:
            return arg.id in self.papers
        if kind is Kind.TOPIC_PAGE:
            return arg[0] in self.topics or (self.trends and arg[1] == 1)
        if kind is Kind.EDITION:
            return arg.id in self.listings
        if kind is Kind.MONTH_PAGE:
            return arg in self.months
        if kind is Kind.AUTHOR:
            return arg in self.authors
        if kind is Kind.AUTHORS_INDEX:
            return self.authors_index
        return True  # static pages (cheap to compare) and steps without inputs


def _neighbours(planner: Planner, topic: str, paper_id: str) -> Iterable[str]:
    """The papers before and after ``paper_id`` in ``topic`` as this plan orders it."""
    index = planner.position(topic, paper_id)
    if index < 0:
        return ()
    group = planner.by_topic.get(topic, [])
    return [group[i].id for i in (index - 1, index + 1) if 0 <= i < len(group)]


def _touch(reach: Reach, planner: Planner, paper: Paper) -> None:
    """The steps one record (old or new) of a changed paper shows in."""
    reach.papers.add(paper.id)
    for topic in paper.topics:
        reach.topics.add(topic)
        reach.papers.update(_neighbours(planner, topic, paper.id))
    reach.months.add(views.month_key(paper))
    reach.authors.update(map(views.author_slug, paper.authors))
    reach.listings.update(source.listing for source in paper.sources)


def reach(last: Planner, planner: Planner, changed: Collection[str],
          old: Mapping[str, Paper], listings: Collection[str],
          faces: Collection[str] | None = None) -> Reach:
    """The steps of ``planner``'s plan that records ``changed`` since ``last``'s can reach.

    ``changed``: ids of the papers whose record is new, different or gone; ``old``: the
    last plan's record of each (absent for a new paper); ``listings``: ids of the
    listings whose record is new, different or gone; ``faces``: of those whose face
    (what a paper page shows of its listing: title, date, count) is (default: all).
    """
    out = Reach()
    now = planner.papers_by_id
    for paper_id in changed:
        before = old.get(paper_id)
        if before is not None:
            _touch(out, last, before)
        after = now.get(paper_id)
        if after is not None:
            _touch(out, planner, after)
    out.listings.update(listings)  # an edition lists its papers
    for listing in listings if faces is None else faces:  # a paper page names its listings
        for group in (last.by_listing, planner.by_listing):
            out.papers.update(paper.id for paper in group.get(listing, ()))
    # the authors index names every author with their papers (ids or count): only an
    # edit of a paper with authors, before or after, can change it
    out.authors_index = bool(out.authors)
    if changed:
        # who lists a changed paper among its related, or whose list itself changed
        before_related, related = last.site.related, planner.site.related
        gone = set(changed)
        for paper_id, near in related.items():
            if near != before_related.get(paper_id) or not gone.isdisjoint(map(_FIRST, near)):
                out.papers.add(paper_id)
        out.papers.update(before_related.keys() - related.keys())
        last_trends, trends = last.trends, planner.trends
        out.trends = (last_trends.months[:1], last_trends.months[-1:]) != \
            (trends.months[:1], trends.months[-1:])
    return out
