"""Compose the pipeline: config → corpus → topics → pages, feeds, search → write.

Only ``ingest`` (reading) and ``write`` (writing) touch the disk; everything between
is pure, so a failure anywhere leaves the previous site as it was.

A ``BuildCache`` makes a rebuild incremental (the preview server keeps one): a listing
whose bytes did not change is not parsed again, and a page whose record did not change
is not rendered again. Merging, topics, planning and feeds still look at every paper,
but reuse what they made for a record the previous build had (the same object: each
memo holds the records it keys by identity), so they do real work only for changes.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2

from digest import executor as parallel
from digest.config import Config
from digest.corpus import authoring, related, topics
from digest.corpus.ingest import Corpus, load_corpus, unique_listings
from digest.corpus.merge import Sighting, merge_one, sightings
from digest.errors import Problem, Problems
from digest.inputs.files import SourceFile, listing_files, markdown_files
from digest.inputs.listings import parse_listing
from digest.model import Listing, Paper
from digest.output import feeds, render, sitefiles
from digest.output.search import build as search
from digest.site import routes as pages
from digest.site import urls
from digest.site.data import SiteData
from digest.text.slugs import title_key
from digest.write import WriteReport, check_output_dir, write_site

Progress = Callable[[str], None]
RENDER_STEP = 500  # pages per progress message


@dataclass(frozen=True)
class BuildResult:
    site: SiteData
    outputs: dict[str, bytes]  # every file; empty when worker processes wrote the pages
    page_count: int
    seconds: float
    report: WriteReport | None = None


@dataclass
class PageMemo:
    """The previous build's pages and their HTML, valid for one config and one theme."""

    config: Config
    env: jinja2.Environment
    pages: dict[str, tuple[pages.Page, bytes]] = field(default_factory=dict)  # by output file


@dataclass
class PlanMemo:
    """The previous plan step by step, with what each step's pages were made from.

    Records are numbered (a changed record gets a new number), so a step's inputs are
    small tuples; a step whose inputs are equal keeps its pages. Everything a step's
    inputs leave out (config, topics, notes) is compared as a whole in ``context``.
    """

    context: tuple[object, ...] = ()
    papers: dict[str, tuple[Paper, int]] = field(default_factory=dict)
    listings: dict[str, tuple[Listing, int]] = field(default_factory=dict)
    steps: dict[tuple[str, str], tuple[tuple[object, ...], list[pages.Page]]] = \
        field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    # ids of the paper records new since the last render (None: everything may differ)
    changed: set[str] | None = None


@dataclass
class BuildCache:
    """What a rebuild may reuse from the build before it.

    Parsing is pure, so a parsed listing stays valid for the same path, bytes and build
    date. Rendered pages stay valid while the config and the templates do: the memo is
    dropped by itself when the config changes; call ``forget_pages`` when templates do.
    """

    listings: dict[tuple[str, str, date], tuple[Listing | None, tuple[Problem, ...]]] = \
        field(default_factory=dict)
    memo: PageMemo | None = None
    plan: PlanMemo = field(default_factory=PlanMemo)
    # id(listing) → (listing, its sightings by title key); ids of a group's sightings →
    # (the group, its merged paper)
    sightings: dict[int, tuple[Listing, list[tuple[str, Sighting]]]] = \
        field(default_factory=dict)
    merged: dict[tuple[int, ...], tuple[list[Sighting], Paper]] = field(default_factory=dict)
    topic_memo: topics.AssignMemo = field(default_factory=topics.AssignMemo)
    related_memo: related.RelatedMemo = field(default_factory=related.RelatedMemo)
    feed_memo: feeds.FeedMemo = field(default_factory=feeds.FeedMemo)
    search_memo: search.SearchMemo = field(default_factory=search.SearchMemo)
    parsed: list[str] = field(default_factory=list)  # listing files parsed by the last build
    rendered: list[str] = field(default_factory=list)  # output files rendered by the last build

    def forget_pages(self) -> None:
        """Render every page on the next build (the templates changed)."""
        self.memo = None


def _step_id(spec: tuple[str, object]) -> tuple[str, str]:
    kind, arg = spec
    if kind == "paper" or kind == "edition":
        return kind, arg.id  # type: ignore[attr-defined]
    if kind == "static":
        return kind, arg[0].slug  # type: ignore[index]
    return kind, str(arg)


def plan_cached(site: SiteData, memo: PlanMemo) -> list[pages.Page]:
    """``pages.plan``, remaking only the steps whose inputs changed since the last plan."""
    planner = pages.Planner(site)
    context = (site.config, site.topics, site.notes_html, site.notes)
    if context != memo.context:
        memo.steps = {}
    memo.context = context
    fresh: set[str] | None = None if not memo.steps else set()

    def numbered(records: dict[str, tuple[Any, int]], items: Iterable[Any]
                 ) -> dict[str, tuple[Any, int]]:
        out = {}
        for item in items:
            old = records.get(item.id)
            if old is not None and (old[0] is item or old[0] == item):
                out[item.id] = (item, old[1])
            else:
                out[item.id] = (item, next(memo.counter))  # type: ignore[index]
                if fresh is not None:
                    fresh.add(item.id)
        return out

    memo.papers = numbered(memo.papers, site.papers)
    memo.listings = numbered(memo.listings, site.listings)
    if fresh is None:
        memo.changed = None
    elif memo.changed is not None:  # until a render forgets their cards
        memo.changed |= fresh
    versions = {key: number for key, (_, number) in memo.papers.items()}
    listing_versions = {key: number for key, (_, number) in memo.listings.items()}
    steps = {}
    planned: list[pages.Page] = []
    previous = memo.steps
    for spec in planner.specs():
        step = _step_id(spec)
        inputs = planner.inputs(spec, versions, listing_versions)
        old = previous.get(step)
        if inputs is not None and old is not None and old[0] == inputs:
            made = old[1]
        else:
            made = planner.make(spec)
        if inputs is not None:
            steps[step] = (inputs, made)
        planned += made
    memo.steps = steps
    return planned


def merge_cached(listings: list[Listing], cache: BuildCache) -> list[Paper]:
    """``merge.merge``, merging again only the papers whose sightings changed.

    A listing the parse cache kept is the same object as last time, so its sightings
    (and their title keys) are kept too, and a group of sightings is known by the
    identities of its members: hashing every sighting's fields took most of the time.
    The cache holds the objects whose ids it keys by, so no id is reused meanwhile.
    """
    groups: dict[str, list[Sighting]] = defaultdict(list)
    seen: dict[int, tuple[Listing, list[tuple[str, Sighting]]]] = {}
    for listing in listings:
        old = cache.sightings.get(id(listing))
        keyed = old[1] if old is not None and old[0] is listing else \
            [(title_key(s.entry.title), s) for s in sightings([listing])]
        seen[id(listing)] = (listing, keyed)
        for key, s in keyed:
            groups[key].append(s)
    kept: dict[tuple[int, ...], tuple[list[Sighting], Paper]] = {}
    for group in groups.values():
        key = tuple(map(id, group))
        found = cache.merged.get(key)
        kept[key] = found if found is not None else (group, merge_one(group))
    cache.sightings = seen
    cache.merged = kept
    return sorted((paper for _, paper in kept.values()), key=lambda p: p.id)


def parse_cached(files: list[SourceFile], build: date, problems: Problems,
                 cache: BuildCache) -> Corpus:
    """``ingest.parse_all``, parsing only the files the cache has not seen with these bytes."""
    kept: dict[tuple[str, str, date], tuple[Listing | None, tuple[Problem, ...]]] = {}
    cache.parsed = []
    pairs: list[tuple[SourceFile, Listing | None]] = []
    for f in files:
        key = (f.path, hashlib.blake2b(f.data, digest_size=16).hexdigest(), build)
        parsed = cache.listings.get(key)
        if parsed is None:
            found = Problems()
            parsed = (parse_listing(f.path, f.data, build, found), tuple(found.items))
            cache.parsed.append(f.path)
        kept[key] = parsed
        problems.extend(list(parsed[1]))
        pairs.append((f, parsed[0]))
    listings = unique_listings(pairs, problems)
    cache.listings = kept  # forget files that are gone or changed
    return Corpus(tuple(listings), tuple(merge_cached(listings, cache)))


def site_data(config: Config, corpus: Corpus, build: date, problems: Problems | None = None,
              note_files: list[SourceFile] | None = None,
              page_files: list[SourceFile] | None = None, *,
              cache: BuildCache | None = None) -> SiteData:
    """Notes, topics and pages joined to the papers; note problems go to ``problems``.

    With a cache, topics are matched again and words read again only for the papers
    whose record changed.
    """
    found = problems if problems is not None else Problems()
    written = authoring.read(note_files or [], page_files or [], corpus.papers, found)
    rules = topics.taxonomy_for(config)
    papers, used = topics.assign(list(corpus.papers), rules, list(corpus.listings),
                                 written.topic_overrides(), cache.topic_memo if cache else None)
    in_use = {slug for paper in papers for slug in paper.topics}
    rendered = authoring.render(config, written, papers, found)
    neighbours = related.related(papers, {pid: note.body for pid, note in written.notes.items()},
                                 cache.related_memo if cache else None)
    return SiteData(config=config, papers=tuple(sorted(papers, key=lambda p: p.id)),
                    topics=tuple(t for t in used if t.slug in in_use),
                    listings=corpus.listings, build_date=build,
                    notes_html=rendered.page_html, notes_feed_html=rendered.feed_html,
                    notes=written.notes, static_pages=rendered.pages, related=neighbours)


def render_planned(config: Config, planned: list[pages.Page], progress: Progress | None = None,
                   cache: BuildCache | None = None,
                   extra_nav: list[tuple[str, str]] | None = None) -> dict[str, bytes]:
    """Render the planned pages; with a cache, only those whose Page differs from last time.

    A Page holds everything its HTML depends on besides the config and the templates
    (its template, title and context), so an equal Page renders to the same bytes.
    """
    memo = cache.memo if cache and cache.memo and cache.memo.config == config else None
    if memo is None:
        memo = PageMemo(config, render.environment(config))
    else:  # the cards of unchanged records stay valid: same config, templates and topics
        render.reset_cards(memo.env, cache.plan.changed if cache else None)
    if cache is not None:
        cache.plan.changed = set()
    previous = memo.pages
    files = [urls.output_file(p.path) for p in planned]
    todo = [page for page, out in zip(planned, files, strict=True)
            if out not in previous or (previous[out][0] is not page and previous[out][0] != page)]
    fresh: dict[str, bytes] = {}
    for start in range(0, len(todo), RENDER_STEP):
        fresh.update(render.render_pages(memo.env, config, todo[start:start + RENDER_STEP],
                                         extra_nav))
        if progress:
            progress(f"rendered {min(start + RENDER_STEP, len(todo))}/{len(todo)} pages")
    outputs = {out: fresh[out] if out in fresh else previous[out][1] for out in files}
    if cache is not None:
        memo.pages = {out: (page, outputs[out]) for page, out in zip(planned, files, strict=True)}
        cache.memo = memo
        cache.rendered = sorted(fresh)
    return outputs


def render_site(site: SiteData, progress: Progress | None = None, *,
                cache: BuildCache | None = None) -> tuple[dict[str, bytes], int]:
    """Every output file in memory: pages, feeds and the site's extra files."""
    planned = pages.plan(site) if cache is None else plan_cached(site, cache.plan)
    outputs = render_planned(site.config, planned, progress, cache,
                             authoring.nav_entries(site.static_pages))
    outputs.update(feeds.render_feeds(site, cache.feed_memo if cache else None))
    outputs.update(search.render_search(site, cache.search_memo if cache else None))
    lastmod = {urls.paper(p.id): p.date for p in site.papers if p.date}  # paper pages
    outputs.update(sitefiles.extras(site.config, [p.path for p in planned], lastmod))
    return outputs, len(planned)


def build(config: Config, build_date: date, problems: Problems, *, write: bool = True,
          progress: Progress | None = None, cache: BuildCache | None = None,
          strict: bool = True, jobs: int | None = None) -> BuildResult | None:
    """Run the whole pipeline; None when the inputs have errors (nothing is written).

    Listing errors always stop the build. Errors in notes and pages stop it when
    ``strict``; the preview server builds without the faulty notes and shows them.
    A large site written to disk (no cache) is rendered and written by ``jobs`` worker
    processes (default: one per core, from ``parallel.MIN_PAGES`` pages on); its
    result then holds no outputs.
    """
    with parallel.fewer_collections():
        return _build(config, build_date, problems, write=write, progress=progress, cache=cache,
                      strict=strict, jobs=jobs)


def _build(config: Config, build_date: date, problems: Problems, *, write: bool,
           progress: Progress | None, cache: BuildCache | None, strict: bool,
           jobs: int | None) -> BuildResult | None:
    started = time.perf_counter()
    if cache is None:
        corpus = load_corpus(config, build_date, problems)
    else:
        files = listing_files(config.root, config.content_dir)
        corpus = parse_cached(files, build_date, problems, cache)
    if problems.errors:
        return None
    site = site_data(config, corpus, build_date, problems,
                     markdown_files(config.root, config.content_dir, "notes"),
                     markdown_files(config.root, config.content_dir, "pages"), cache=cache)
    if strict and problems.errors:
        return None
    if jobs is None:
        jobs = parallel.workers() if parallel.page_count(site) >= parallel.MIN_PAGES else 1
    if write and cache is None and jobs > 1:
        check_output_dir(config.output_dir, config.root, config.content_dir)
        written, page_count = parallel.render_and_write(
            site, config.output_dir, authoring.nav_entries(site.static_pages), jobs, progress)
        return BuildResult(site, {}, page_count, time.perf_counter() - started, written)
    outputs, page_count = render_site(site, progress, cache=cache)
    report = None
    if write:
        report = write_site(config.output_dir, outputs, config.root, config.content_dir)
    return BuildResult(site, outputs, page_count, time.perf_counter() - started, report)
