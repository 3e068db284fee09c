"""The route table: every page's path, template and context, computed once.

Grouping (topics, editions, months, authors) happens here on whole lists, so
templates receive ordered lists of ready views and never compute anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple

from digest.inputs.notes import StaticPage
from digest.model import Listing, Paper
from digest.site import trends, urls, views
from digest.site.data import SiteData
from digest.text import bibtex

RECENT_DAYS = 365
_ID = attrgetter("id")
_LISTING = attrgetter("listing")


class ListingFace(NamedTuple):
    """What a paper page shows of a listing it is in (``Planner.edition_view``): a paper
    page is remade when this changes, not when any entry of its listing does."""

    id: str
    title: str
    date: str | None
    source: str | None
    format: str
    entries: int  # how many (``count`` is a tuple method)


def listing_face(listing: Listing) -> ListingFace:
    return ListingFace(listing.id, listing.title, listing.date, listing.source,
                       listing.format, len(listing.entries))


TOP_UPVOTED = 10
PATCH_MOVED = 500  # papers moved up to which the last plan's groupings are edited, not redone
AUTHORS_PER_INDEX_PAGE = 2000  # names per page of the authors index (~150 KB)


class Kind(StrEnum):
    """The kinds of page-making step; each names the Planner method that makes it."""

    HOME = "home"
    TOPICS_INDEX = "topics_index"
    EDITIONS_INDEX = "editions_index"
    ARCHIVE_INDEX = "archive_index"
    AUTHORS_INDEX = "authors_index"
    SEARCH = "search"
    NOT_FOUND = "not_found"
    PAPER = "paper"
    TOPIC_PAGE = "topic_page"
    EDITION = "edition"
    MONTH_PAGE = "month_page"
    AUTHOR = "author"
    STATIC = "static"


Spec = tuple[Kind, Any]  # one page-making step: its kind and its argument (or None)


@dataclass(frozen=True)
class Page:
    path: str  # site-relative, "" for home, ends in "/" for pages
    template: str
    title: str
    context: dict[str, Any]
    description: str = ""
    feeds: tuple[tuple[str, str], ...] = ()  # extra (title, path) feeds for this page


def rating_view(value: int) -> dict[str, object]:
    """``4`` → ★★★★☆ with a label a screen reader can say."""
    return {"value": value, "stars": "★" * value + "☆" * (5 - value),
            "label": f"Rated {value} out of 5"}


def _arxiv_view(paper: Paper) -> dict[str, object] | None:
    """The paper page's arXiv facts and links (from the stored record), if resolved."""
    record = paper.arxiv
    if record is None or paper.arxiv_id is None:
        return None
    return {"id": paper.arxiv_id, "version": record.version, "abs_url": record.abs_url,
            "pdf_url": record.pdf_url, "primary_category": record.primary_category,
            "code_url": record.code_url, "project_url": record.project_url}


def _arxiv_urls(paper: Paper) -> frozenset[str]:
    """The links the arXiv list already shows (not repeated under the pasted links)."""
    record = paper.arxiv
    if record is None:
        return frozenset()
    return frozenset(u for u in (record.abs_url, record.pdf_url, record.code_url,
                                 record.project_url) if u)


def prefix_for(path: str, base_path: str) -> str:
    """Relative prefix back to the site root; the 404 page is served at any depth."""
    if path == urls.NOT_FOUND:
        return base_path
    return "../" * path.count("/")


PAGER_AROUND = 2  # pages linked on either side of the current one


def pager_window(number: int, count: int) -> list[int]:
    """The page numbers a pager links: the first, the last and ``PAGER_AROUND`` around
    ``number``, a 0 for each gap. Linking all of them made every page of a topic of
    10,000 papers list 400 links: a fifth of the topic pages' bytes."""
    shown = sorted({1, count, *range(max(number - PAGER_AROUND, 1),
                                     min(number + PAGER_AROUND, count) + 1)})
    out: list[int] = []
    for n in shown:
        if out and n > out[-1] + 1:
            out.append(0 if n > out[-1] + 2 else n - 1)  # a gap of one page: link it
        out.append(n)
    return out


def page_count(items: int, per_page: int) -> int:
    """How many pages ``items`` take (one, empty, for none)."""
    return max(-(-items // per_page), 1)


def pager_view(number: int, count: int, url: Callable[[int], str]) -> dict[str, Any]:
    """The pager of page ``number`` of ``count`` (``partials/pager.html``'s context) for
    every paged listing: topics, editions, months. ``url(n)``: page n's link."""
    pager = [{"number": n, "url": url(n) if n else "", "current": n == number, "gap": not n}
             for n in pager_window(number, count)]
    return {"pager": pager if count > 1 else [],
            "prev_url": url(number - 1) if number > 1 else None,
            "next_url": url(number + 1) if number < count else None,
            "page_number": number, "page_count": count}


def _linker(prefix: str, url: Callable[[str, int], str], key: str) -> Callable[[int], str]:
    """Page n of ``url(key, n)`` as linked from a page whose way to the root is ``prefix``."""
    return lambda n: prefix + url(key, n)


class Planner:
    """Builds the page list for one SiteData; holds lookups shared by several pages."""

    def __init__(self, site: SiteData, last: Planner | None = None) -> None:
        """``last``: the planner of the build before, whose author and listing groupings
        this one edits for the papers that moved rather than groups every paper again."""
        self.site = site
        self.topic_names = {t.slug: t.name for t in site.topics}
        self.ordered = list(site.ordered)
        self.by_topic = site.by_topic
        self._cards: dict[tuple[str, str], dict[str, object]] = {}
        self._compact: dict[tuple[str, str], dict[str, str]] = {}
        self._snippets: dict[str, str] = {}
        self._author_links: dict[tuple[str, str], dict[str, str | None]] = {}
        self._months: dict[str, list[Paper]] | None = None
        self._positions: dict[str, dict[str, int]] = {}  # ``position``, topic by topic
        self.papers_by_id = site.papers_by_id
        self.listings = {listing.id: listing for listing in site.listings}
        self.editions = sorted(site.listings, key=lambda lst: (lst.date or "", lst.id),
                               reverse=True)
        least = site.config.author_pages
        # the papers whose record is new, changed or gone since ``last`` (None: unknown)
        self._last, self._moved = last, self._moved_since(last)
        self._by_listing: dict[str, list[Paper]] | None = None
        patched = None if last is None or last.site.config.author_pages != least else \
            self._authors_patched(last)
        self._has_page: dict[str, bool] = {}  # author name → has a page (link_signature)
        if patched is None or last is None:
            self.authors = self._authors()
            # the authors with a page of their own (the others: plain names, see
            # ``authors_index``)
            self.paged = frozenset(slug for slug, (_, papers) in self.authors.items()
                                   if len(papers) >= least)
        else:
            self.authors, touched = patched
            self.paged = last.paged - touched | {
                slug for slug in touched
                if slug in self.authors and len(self.authors[slug][1]) >= least}
        self._index: list[tuple[str, str, list[Paper]]] | None = None
        self._topic_versions: dict[str, tuple[int, ...]] = {}  # for ``inputs``
        self._topic_versions_of: Mapping[str, int] | None = None
        self.topics_by_slug = site.topic_by_slug()
        self._trends: trends.Trends | None = None
        self._recent: list[Paper] | None = None  # ``recent_top``

    def _authors(self) -> dict[str, tuple[str, list[Paper]]]:
        """Each author's slug → (name as first seen, papers newest first, once per byline
        mention), in order of first mention.

        Grouped by name first, then slugged once per name (the slugging is what costs);
        names sharing a slug ("Zoë Kim", "Zoe Kim") take the plain per-mention loop.
        """
        by_name: dict[str, list[Paper]] = {}
        for paper in self.ordered:
            for name in paper.authors:
                found = by_name.get(name)
                if found is None:
                    by_name[name] = [paper]
                else:
                    found.append(paper)
        authors = {views.author_slug(name): (name, papers) for name, papers in by_name.items()}
        if len(authors) == len(by_name):
            return authors
        authors = {}
        for paper in self.ordered:
            for name in paper.authors:
                slug = views.author_slug(name)
                if slug in authors:
                    authors[slug][1].append(paper)
                else:
                    authors[slug] = (name, [paper])
        return authors

    def _moved_since(self, last: Planner | None) -> set[str] | None:
        """The ids of the papers whose record is not the very one of ``last``'s site;
        None when there is no last plan or most papers moved."""
        if last is None:
            return None
        before, now = last.papers_by_id, self.papers_by_id
        moved = {pid for pid, paper in now.items() if before.get(pid) is not paper}
        moved.update(before.keys() - now.keys())
        return moved if len(moved) <= PATCH_MOVED else None

    @property
    def by_listing(self) -> dict[str, list[Paper]]:
        """Each listing's papers in listing order (``SiteData.by_listing``), edited from
        the last plan's for the listings of the papers that moved."""
        if self._by_listing is None:
            last, moved = self._last, self._moved
            if last is None or moved is None or last._by_listing is None:
                self._by_listing = self.site.by_listing
            else:
                self._by_listing = self._by_listing_patched(last._by_listing, last, moved)
        return self._by_listing

    def _by_listing_patched(self, before: dict[str, list[Paper]], last: Planner,
                            moved: set[str]) -> dict[str, list[Paper]]:
        """``before`` with the lists of the listings that moved papers were or are in
        made again: by first position there, then id, as ``SiteData.by_listing``."""
        old, now = last.papers_by_id, self.papers_by_id
        touched = {s.listing for pid in moved for record in (old.get(pid), now.get(pid))
                   if record is not None for s in record.sources}
        out = dict(before)
        for listing in touched:
            papers = [p for p in before.get(listing, ()) if p.id not in moved]
            papers += [p for pid in moved if (p := now.get(pid)) is not None
                       and any(s.listing == listing for s in p.sources)]
            placed = sorted((min(s.position for s in p.sources if s.listing == listing), p.id, p)
                            for p in papers)
            if placed:
                out[listing] = [p for _, _, p in placed]
            else:
                out.pop(listing, None)
        return out

    def _authors_patched(self, last: Planner
                         ) -> tuple[dict[str, tuple[str, list[Paper]]], set[str]] | None:
        """``_authors`` made from ``last``'s: the authors of the papers whose record is
        new, changed or gone get their lists again, in this plan's order; and the slugs
        of those authors. None when many papers changed, or a name of theirs shares its
        slug with another spelling (the full pass settles which spelling is first)."""
        before, now = last.papers_by_id, self.papers_by_id
        moved = self._moved
        if moved is None:
            return None
        authors = dict(last.authors)
        names: dict[str, str] = {}
        for pid in moved:
            for record in (before.get(pid), now.get(pid)):
                for name in record.authors if record is not None else ():
                    slug = views.author_slug(name)
                    if names.setdefault(slug, name) != name or \
                            (slug in authors and authors[slug][0] != name):
                        return None
        rank = {paper.id: n for n, paper in enumerate(self.ordered)} if names else {}
        for slug, name in names.items():
            found = authors.get(slug)
            papers = [p for p in found[1] if p.id not in moved] if found else []
            for pid in moved:
                record = now.get(pid)
                if record is not None:
                    papers += [record for author in record.authors
                               if views.author_slug(author) == slug]
            if papers:
                papers.sort(key=lambda p: rank[p.id])
                authors[slug] = (name, papers)
            else:
                authors.pop(slug, None)
        return authors, set(names)

    def position(self, topic: str, paper_id: str) -> int:
        """Where a paper is in its topic's list (-1: not there), each topic's places
        numbered on first use (a rebuild asks for a few papers' topics only)."""
        places = self._positions.get(topic)
        if places is None:
            places = self._positions[topic] = {
                paper.id: n for n, paper in enumerate(self.by_topic.get(topic, ()))}
        return places.get(paper_id, -1)

    def drop_views(self) -> None:
        """Forget the views made for pages: a planner kept for the next plan's
        ``reach`` needs its groupings only."""
        for views_made in (self._cards, self._compact, self._snippets, self._author_links):
            views_made.clear()
        self._last = None  # not a chain of every plan since the preview started

    def card(self, paper: Paper, prefix: str) -> dict[str, object]:
        """One view per paper and depth: the same card appears on many pages."""
        key = (paper.id, prefix)
        found = self._cards.get(key)
        if found is None:
            summary = self._snippets.get(paper.id)
            if summary is None:
                summary = self._snippets[paper.id] = views.snippet(paper.abstract)
            found = self._cards[key] = views.card(paper, prefix, self.topic_names, summary,
                                                  self.author_links(paper, prefix))
        return found

    def compact_card(self, paper_id: str, prefix: str) -> dict[str, str]:
        """``views.compact_card`` for another paper's page, made once per paper (a paper
        is in about five related lists)."""
        key = (paper_id, prefix)
        found = self._compact.get(key)
        if found is None:
            found = self._compact[key] = views.compact_card(
                self.papers_by_id[paper_id], prefix, urls.sibling_paper(paper_id))
        return found

    def sibling(self, paper: Paper | None, prefix: str) -> dict[str, object] | None:
        """A paper's card as another paper's page links it (previous, next)."""
        if paper is None:
            return None
        return {**self.card(paper, prefix), "url": urls.sibling_paper(paper.id)}

    def author_links(self, paper: Paper, prefix: str) -> list[dict[str, str | None]]:
        """Each author's name with the link to their page, ``None`` for an author without
        one (fewer than ``author_pages`` papers); made once per author and depth."""
        links = self._author_links
        out = []
        for name in paper.authors:
            link = links.get((name, prefix))
            if link is None:
                link = links[(name, prefix)] = {
                    "name": name, "url": prefix + views.author_path(name)
                    if views.author_slug(name) in self.paged else None}
            out.append(link)
        return out

    def link_signature(self, paper: Paper) -> int:
        """Which of the paper's authors have a page, as bits: its page and cards show
        their names as links, so a change here is a change of the paper for a rebuild."""
        has_page = self._has_page
        bits = 0
        for i, name in enumerate(paper.authors):
            known = has_page.get(name)
            if known is None:
                known = has_page[name] = views.author_slug(name) in self.paged
            if known:
                bits |= 1 << i
        return bits

    def cards(self, papers: list[Paper], prefix: str) -> list[dict[str, object]]:
        return [self.card(p, prefix) for p in papers]

    def months(self, papers: list[Paper], prefix: str) -> list[dict[str, object]]:
        """Consecutive papers grouped by month of effective date (input already ordered)."""
        groups: list[dict[str, object]] = []
        for paper in papers:
            key = views.month_key(paper)
            if not groups or groups[-1]["key"] != key:
                groups.append({"key": key, "label": views.month_label(key),
                               "url": prefix + urls.month(key), "papers": []})
            groups[-1]["papers"].append(self.card(paper, prefix))  # type: ignore[attr-defined]
        return groups

    def edition_papers(self, listing: Listing) -> list[Paper]:
        """The listing's papers in their original order (a duplicate entry shows once)."""
        return self.by_listing.get(listing.id, [])

    # --- pages -----------------------------------------------------------------------

    def specs(self) -> list[Spec]:
        """Every page-making step, cheap to list: ``plan`` runs them all, a worker its share."""
        specs: list[Spec] = [(kind, None) for kind in (
            Kind.HOME, Kind.TOPICS_INDEX, Kind.EDITIONS_INDEX, Kind.ARCHIVE_INDEX,
            Kind.SEARCH, Kind.NOT_FOUND)]
        specs += [(Kind.AUTHORS_INDEX, number) for number in range(1, self.index_pages() + 1)]
        specs += [(Kind.PAPER, p) for p in self.site.papers]
        specs += [(Kind.TOPIC_PAGE, (topic.slug, number)) for topic in self.site.topics
                  for number in range(1, self.topic_pages(topic.slug) + 1)]
        specs += [(Kind.EDITION, listing) for listing in self.site.listings]
        specs += [(Kind.MONTH_PAGE, key) for key in self.month_groups()]
        specs += [(Kind.AUTHOR, slug) for slug in sorted(self.paged)]
        specs += [(Kind.STATIC, item) for item in self.site.static_pages]
        return specs

    def make(self, spec: Spec) -> list[Page]:
        """The pages of one step of ``specs``."""
        kind, arg = spec
        if kind is Kind.STATIC:
            return [self.static(*arg)]
        made = getattr(self, kind)() if arg is None else getattr(self, kind)(arg)
        return made if isinstance(made, list) else [made]

    def plan(self) -> list[Page]:
        return [page for spec in self.specs() for page in self.make(spec)]

    def inputs(self, spec: Spec, versions: Mapping[str, int],
               listing_versions: Mapping[str, int],
               face_versions: Mapping[str, int] | None = None) -> tuple[Any, ...] | None:
        """What the pages of ``spec`` are made from, for a rebuild to compare (the config,
        topics and notes aside, which the caller compares as a whole); None: always remake.

        ``versions`` numbers each paper's record by id and ``listing_versions`` each
        listing's, a changed record taking a number never used before, so the inputs are
        small tuples of numbers: equal inputs make equal pages. ``face_versions`` numbers
        each listing's ``ListingFace``, what a paper page shows of it (default: the
        listings' numbers).
        """
        kind, arg = spec
        if kind is Kind.PAPER:
            faces = listing_versions if face_versions is None else face_versions
            sources = tuple(map(faces.get, map(_LISTING, arg.sources)))
            # the related papers' records: a page whose neighbours stay is not remade
            near = tuple(versions[other] for other, _ in self.site.related.get(arg.id, ()))
            index = self.position(arg.topics[0], arg.id) if arg.topics else -1
            if index < 0:
                return (versions[arg.id], sources, near)
            # the paper and its neighbours in its first topic, for "previous" and "next"
            seq = self._topic_sequence(arg.topics[0], versions)
            return (seq[max(index - 1, 0):index + 2], sources, near)
        if kind is Kind.TOPIC_PAGE:
            slug, number = arg
            per_page = self.site.config.per_page
            seq = self._topic_sequence(slug, versions)
            found = self.trends
            chart = (found.months[:1], found.months[-1:], found.counts[slug],
                     found.earlier[slug], found.undated[slug]) if number == 1 else None
            return (arg, len(seq), seq[(number - 1) * per_page:number * per_page], chart)
        if kind is Kind.EDITION:
            return (arg.id, listing_versions[arg.id],
                    self._versions(self.edition_papers(arg), versions))
        if kind is Kind.MONTH_PAGE:
            return (arg, self._versions(self.month_groups()[arg], versions))
        if kind is Kind.AUTHOR:
            name, papers = self.authors[arg]
            return (arg, name, self._versions(papers, versions))
        if kind is Kind.STATIC:
            return (arg,)
        if kind is Kind.AUTHORS_INDEX:
            size = AUTHORS_PER_INDEX_PAGE
            people = self.index_order()[(arg - 1) * size:arg * size]
            return (arg, self.index_pages(), self.index_labels(),
                    tuple((slug, name, len(papers)) if slug in self.paged else
                          (slug, name, tuple(map(_ID, papers))) for slug, name, papers in people))
        return None

    def _topic_sequence(self, slug: str, versions: Mapping[str, int]) -> tuple[int, ...]:
        """The versions of a topic's papers in order, made once per topic and numbering."""
        if self._topic_versions_of is not versions:
            self._topic_versions, self._topic_versions_of = {}, versions
        seq = self._topic_versions.get(slug)
        if seq is None:
            seq = self._topic_versions[slug] = self._versions(self.by_topic.get(slug, []),
                                                              versions)
        return seq

    @staticmethod
    def _versions(papers: list[Paper], versions: Mapping[str, int]) -> tuple[int, ...]:
        return tuple(map(versions.__getitem__, map(_ID, papers)))

    def static(self, page: StaticPage, html: str) -> Page:
        return Page(urls.page_path(page.slug), "page.html", page.title, {"body": html},
                    description=page.description or page.title)

    def home(self) -> Page:
        prefix = ""
        dated = [lst for lst in self.editions if lst.date]
        newest = dated[0] if dated else (self.editions[0] if self.editions else None)
        recent = self.recent_top()
        return Page(urls.HOME, "home.html", self.site.config.title, {
            "edition": self.edition_view(newest, prefix) if newest else None,
            "edition_papers": self.cards(self.edition_papers(newest), prefix) if newest else [],
            "editions": [self.edition_view(lst, prefix) for lst in self.editions
                         if lst is not newest],
            "topics": self.topic_views(prefix),
            "top_upvoted": self.cards(recent, prefix),
            "featured": self.featured(prefix),
            "growing": self.growing(prefix),
            "paper_count": len(self.site.papers),
        }, description=self.site.config.description)

    def featured(self, prefix: str) -> list[dict[str, object]]:
        """Papers whose note says ``featured: true``, newest note first."""
        picked = [(note.date or self.papers_by_id[pid].effective_date or "", pid)
                  for pid, note in self.site.notes.items() if note.featured]
        picked.sort(key=lambda item: (item[0], item[1]), reverse=True)
        out = []
        for _, pid in picked:
            paper = self.papers_by_id[pid]
            card = views.card(paper, prefix, self.topic_names,
                              authors=self.author_links(paper, prefix))
            note = self.site.notes[pid]
            card["rating"] = rating_view(note.rating) if note.rating else None
            out.append(card)
        return out

    def recent_top(self) -> list[Paper]:
        """Most upvoted papers dated within a year of the newest paper."""
        if self._recent is None:
            self._recent = self._recent_top()
        return self._recent

    def _recent_top(self) -> list[Paper]:
        newest = next((p.effective_date for p in self.ordered if p.effective_date), None)
        if newest is None:
            return []
        cutoff = (date.fromisoformat(newest) - timedelta(days=RECENT_DAYS)).isoformat()

        def voted(paper: Paper) -> bool:
            return (paper.upvotes or 0) > 0 and (paper.effective_date or "") >= cutoff

        last, moved = self._last, self._moved
        if last is not None and moved is not None and last._recent is not None \
                and newest == next((p.effective_date for p in last.ordered if p.effective_date),
                                   None) \
                and not any(p.id in moved for p in last._recent):
            # the last top papers stay; only a paper that moved can join them
            found = [*last._recent, *(p for pid in moved
                                       if (p := self.papers_by_id.get(pid)) and voted(p))]
        else:
            found = [p for p in self.ordered if p.effective_date and voted(p)]
        found.sort(key=lambda p: (-(p.upvotes or 0), p.id))
        return found[:TOP_UPVOTED]

    @property
    def trends(self) -> trends.Trends:
        """Papers per month per topic (made on first use: most pages do not need it)."""
        if self._trends is None:
            slugs = [t.slug for t in self.site.topics]
            last, moved, edited = self._last, self._moved, None
            if last is not None and moved is not None and last._trends is not None \
                    and list(last._trends.counts) == slugs:  # edited for the papers that moved
                edited = trends.patched(last._trends, map(last.papers_by_id.get, moved),
                                        map(self.papers_by_id.get, moved))
            self._trends = edited if edited is not None else \
                trends.monthly(self.site.papers, slugs)
        return self._trends

    def topic_chart(self, slug: str, scale: int | None = None) -> dict[str, object] | None:
        """A topic's papers per month, on its own scale or ``scale``; None when no
        paper of the digest has a date."""
        found = self.trends
        if not found.months:
            return None
        counts = found.counts[slug]
        return trends.chart(self.topics_by_slug[slug].name, counts, found.months,
                            max(counts) if scale is None else scale, found.earlier[slug],
                            found.undated[slug])

    def growing(self, prefix: str) -> list[dict[str, object]]:
        """The topics that grew most over the last three months, for the home page."""
        return [{"name": self.topics_by_slug[g.slug].name, "url": prefix + urls.topic(g.slug),
                 "recent": trends.plural(g.recent), "before": g.before,
                 "window": trends.span(g.first, g.last)}
                for g in trends.growing(self.trends)]

    def topic_views(self, prefix: str) -> list[dict[str, object]]:
        return [{"name": t.name, "slug": t.slug, "description": t.description,
                 "count": len(self.by_topic.get(t.slug, [])), "url": prefix + urls.topic(t.slug),
                 "feed": prefix + urls.topic_feed(t.slug)}
                for t in self.site.topics]

    def edition_view(self, listing: Listing, prefix: str) -> dict[str, object]:
        return {"title": listing.title, "date": views.human_date(listing.date),
                "iso_date": listing.date or "", "source": listing.source,
                "url": prefix + urls.edition(listing.id), "count": len(listing.entries),
                "format": listing.format}

    def paper(self, paper: Paper) -> Page:
        path = urls.paper(paper.id)
        prefix = prefix_for(path, self.site.config.base_path)
        primary = paper.topics[0] if paper.topics else None
        siblings = self.by_topic.get(primary, []) if primary else []
        index = self.position(primary, paper.id) if primary else -1
        prev_paper = siblings[index - 1] if index > 0 else None
        next_paper = siblings[index + 1] if 0 <= index < len(siblings) - 1 else None
        editions: list[dict[str, object]] = []
        for source in paper.sources:
            listing = self.listings.get(source.listing)
            if listing and all(e["url"] != prefix + urls.edition(listing.id) for e in editions):
                editions.append(self.edition_view(listing, prefix))
        canonical = urls.absolute(self.site.config, path)
        note = self.site.notes.get(paper.id)
        shown = _arxiv_urls(paper)
        arxiv = _arxiv_view(paper)
        return Page(path, "paper.html", paper.title, {
            "paper": {
                "id": paper.id, "title": paper.title, "abstract": paper.abstract,
                "authors": self.author_links(paper, prefix), "byline": views.byline(paper),
                "author_count": paper.author_count, "submitter": paper.submitter,
                "date": views.human_date(paper.date) if paper.date else None,
                "iso_date": paper.date or "",
                "effective_date": views.human_date(paper.effective_date),
                "added": views.added_only(paper),
                "added_iso": paper.effective_date or "",
                "arxiv": arxiv,
                "upvotes": paper.upvotes,
                "topics": [{"name": self.topic_names.get(t, t), "url": prefix + urls.topic(t)}
                           for t in paper.topics],
                "links": [{"url": u, "kind": views.link_kind(u)} for u in paper.links
                          if u not in shown],
                "search": views.search_links(paper, on_arxiv=arxiv is not None),
                # Without the abstract, shown just above (``digest export`` keeps it).
                "bibtex": bibtex.entry(paper, canonical, abstract=False),
                "editions": editions,
                "citation_date": (paper.effective_date or "").replace("-", "/"),
                "note": self.site.notes_html.get(paper.id),
                "rating": rating_view(note.rating) if note and note.rating else None,
                "tags": list(note.tags) if note else [],
            },
            "topic": ({"name": self.topic_names.get(primary, primary),
                       "url": prefix + urls.topic(primary)} if primary else None),
            "prev": self.sibling(prev_paper, prefix),
            "next": self.sibling(next_paper, prefix),
            "related": [self.compact_card(other, prefix)
                        for other, _ in self.site.related.get(paper.id, ())],
        }, description=views.snippet(paper.abstract, 155))

    def topic_pages(self, slug: str) -> int:
        """How many pages a topic has (one, empty, for a topic with no paper)."""
        return page_count(len(self.by_topic.get(slug, [])), self.site.config.per_page)

    def topic_page(self, which: tuple[str, int]) -> Page:
        """Page ``number`` of a topic: each is its own step, so an edit remakes only the
        pages whose papers changed."""
        slug, number = which
        topic = self.topics_by_slug[slug]
        papers = self.by_topic.get(slug, [])
        per_page = self.site.config.per_page
        count = self.topic_pages(slug)
        chunk = papers[(number - 1) * per_page:number * per_page]
        path = urls.topic(slug, number)
        prefix = prefix_for(path, self.site.config.base_path)
        title = topic.name if number == 1 else f"{topic.name} (page {number})"
        return Page(path, "topic.html", title, {
            "topic": {"name": topic.name, "description": topic.description,
                      "count": len(papers), "feed": prefix + urls.topic_feed(slug)},
            "months": self.months(chunk, prefix),
            **pager_view(number, count, lambda n: prefix + urls.topic(slug, n)),
            "trend": self.topic_chart(slug) if number == 1 else None,
        }, description=topic.description or f"Papers about {topic.name}.",
            feeds=((f"{topic.name} feed", urls.topic_feed(slug)),))

    def topics_index(self) -> Page:
        prefix = prefix_for(urls.TOPICS, self.site.config.base_path)
        found = self.trends
        topics = [{**view, "trend": self.topic_chart(str(view["slug"]), found.peak)}
                  for view in self.topic_views(prefix)]
        scale = ({"first": views.month_label(found.months[0]),
                  "last": views.month_label(found.months[-1]),
                  "peak": trends.plural(found.peak)}
                 if found.months else None)
        return Page(urls.TOPICS, "topics.html", "Topics", {"topics": topics, "scale": scale},
                    description="Every topic of the digest with its number of papers.")

    def edition(self, listing: Listing) -> list[Page]:
        """An edition's pages, ``listing_per_page`` papers each, paged as a topic is: one
        step makes them all (an edit of the listing changes them together)."""
        papers = self.edition_papers(listing)
        per_page = self.site.config.listing_per_page
        count = page_count(len(papers), per_page)
        out = []
        for number in range(1, count + 1):
            path = urls.edition(listing.id, number)
            prefix = prefix_for(path, self.site.config.base_path)
            title = listing.title if number == 1 else f"{listing.title} (page {number})"
            out.append(Page(path, "edition.html", title, {
                "edition": self.edition_view(listing, prefix),
                "count": len(papers),
                "papers": self.cards(papers[(number - 1) * per_page:number * per_page], prefix),
                **pager_view(number, count, _linker(prefix, urls.edition, listing.id)),
            }, description=f"{listing.title}: {len(listing.entries)} papers."))
        return out

    def editions_index(self) -> Page:
        prefix = prefix_for(urls.EDITIONS, self.site.config.base_path)
        return Page(urls.EDITIONS, "editions.html", "Editions",
                    {"editions": [self.edition_view(lst, prefix) for lst in self.editions],
                     "feed": prefix + urls.FEED_EDITIONS},
                    description="Every listing of the digest, newest first.",
                    feeds=(("Editions feed", urls.FEED_EDITIONS),))

    def month_groups(self) -> dict[str, list[Paper]]:
        if self._months is None:
            groups: dict[str, list[Paper]] = defaultdict(list)
            for paper in self.ordered:
                groups[views.month_key(paper)].append(paper)
            self._months = dict(groups)
        return self._months

    def archive_index(self) -> Page:
        prefix = prefix_for(urls.ARCHIVE, self.site.config.base_path)
        years: list[dict[str, Any]] = []
        for key, papers in self.month_groups().items():
            year = key[:4] if key != urls.UNDATED else "Undated"
            if not years or years[-1]["year"] != year:
                years.append({"year": year, "months": []})
            years[-1]["months"].append({"label": views.month_label(key), "count": len(papers),
                                        "url": prefix + urls.month(key)})
        return Page(urls.ARCHIVE, "archive.html", "Archive", {"years": years},
                    description="Papers by month, newest first.")

    def month_page(self, key: str) -> list[Page]:
        """A month's pages, ``listing_per_page`` papers each, paged as a topic is."""
        papers = self.month_groups()[key]
        per_page = self.site.config.listing_per_page
        count = page_count(len(papers), per_page)
        label = views.month_label(key)
        out = []
        for number in range(1, count + 1):
            path = urls.month(key, number)
            prefix = prefix_for(path, self.site.config.base_path)
            title = label if number == 1 else f"{label} (page {number})"
            out.append(Page(path, "month.html", title, {
                "label": label, "count": len(papers),
                "papers": self.cards(papers[(number - 1) * per_page:number * per_page], prefix),
                "archive_url": prefix + urls.ARCHIVE,
                **pager_view(number, count, _linker(prefix, urls.month, key)),
            }, description=f"Papers from {label}."))
        return out

    def author(self, slug: str) -> Page:
        name, papers = self.authors[slug]
        path = urls.author(slug)
        prefix = prefix_for(path, self.site.config.base_path)
        return Page(path, "author.html", name, {"name": name, "papers": self.cards(papers, prefix)},
                    description=f"Papers by {name} in this digest.")

    def index_order(self) -> list[tuple[str, str, list[Paper]]]:
        """Every author as (slug, name, papers), by family name (the last word)."""
        if self._index is None:
            self._index = sorted(
                ((slug, name, papers) for slug, (name, papers) in self.authors.items()),
                key=lambda a: (a[1].split()[-1].casefold(), a[1].casefold(), a[0]))
        return self._index

    def index_pages(self) -> int:
        return max(-(-len(self.authors) // AUTHORS_PER_INDEX_PAGE), 1)

    def index_labels(self) -> tuple[str, ...]:
        """Each index page's span of family names (``Abe – Chen``), for its pager."""
        people = self.index_order()
        size = AUTHORS_PER_INDEX_PAGE
        out = []
        for start in range(0, len(people), size):
            first = people[start][1].split()[-1]
            last = people[min(start + size, len(people)) - 1][1].split()[-1]
            out.append(first if first == last else f"{first} – {last}")
        return tuple(out)

    def authors_index(self, number: int) -> Page:
        """One page of the authors index: everyone named, an author with a page linked to
        it, any other to their papers (so a digest of 100,000 papers, with about 250,000
        authors, mostly of one paper, needs neither 250,000 pages nor one huge index)."""
        path = urls.authors_index(number)
        prefix = prefix_for(path, self.site.config.base_path)
        size = AUTHORS_PER_INDEX_PAGE
        people = []
        for slug, name, papers in self.index_order()[(number - 1) * size:number * size]:
            paged = slug in self.paged
            people.append({
                "name": name, "count": len(papers),
                "url": prefix + urls.author(slug) if paged else None,
                "papers": [] if paged else [{"title": p.title, "url": prefix + urls.paper(p.id)}
                                            for p in papers]})
        count = self.index_pages()
        pager = [{"number": n, "label": label, "url": prefix + urls.authors_index(n),
                  "current": n == number} for n, label in enumerate(self.index_labels(), 1)]
        title = "Authors" if number == 1 else f"Authors (page {number})"
        return Page(path, "authors.html", title, {
            "authors": people, "paged": len(self.paged), "least": self.site.config.author_pages,
            "pager": pager if count > 1 else [],
            "prev_url": pager[number - 2]["url"] if number > 1 else None,
            "next_url": pager[number]["url"] if number < count else None,
            "page_number": number, "page_count": count,
        }, description="Everyone named in the digest.")

    def search(self) -> Page:
        return Page(urls.SEARCH, "search.html", "Search", {},
                    description="Search the digest by title, author, topic or abstract.")

    def not_found(self) -> Page:
        prefix = self.site.config.base_path
        return Page(urls.NOT_FOUND, "404.html", "Page not found",
                    {"topics": self.topic_views(prefix)},
                    description="This page does not exist.")


def plan(site: SiteData) -> list[Page]:
    return Planner(site).plan()
