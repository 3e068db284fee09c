"""Compose the pipeline: config → corpus → topics → pages, feeds, search → write.

Only ``ingest`` (reading) and ``write`` (writing) touch the disk; everything between
is pure, so a failure anywhere leaves the previous site as it was.

A ``BuildCache`` makes a rebuild incremental (the preview server keeps one): a listing
whose bytes did not change is not parsed again, and a page whose record did not change
is not rendered again. Merging, topics, planning and feeds always run on everything.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import jinja2

from digest import authoring, feeds, pages, render, search, sitefiles, topics, urls
from digest.config import Config
from digest.errors import Problem, Problems
from digest.ingest import Corpus, load_corpus
from digest.listings import parse_listing
from digest.merge import merge
from digest.model import Listing
from digest.read import SourceFile, listing_files, markdown_files
from digest.site import SiteData
from digest.write import WriteReport, write_site

Progress = Callable[[str], None]
RENDER_STEP = 500  # pages per progress message


@dataclass(frozen=True)
class BuildResult:
    site: SiteData
    outputs: dict[str, bytes]
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
class BuildCache:
    """What a rebuild may reuse from the build before it.

    Parsing is pure, so a parsed listing stays valid for the same path, bytes and build
    date. Rendered pages stay valid while the config and the templates do: the memo is
    dropped by itself when the config changes; call ``forget_pages`` when templates do.
    """

    listings: dict[tuple[str, str, date], tuple[Listing | None, tuple[Problem, ...]]] = \
        field(default_factory=dict)
    memo: PageMemo | None = None
    parsed: list[str] = field(default_factory=list)  # listing files parsed by the last build
    rendered: list[str] = field(default_factory=list)  # output files rendered by the last build

    def forget_pages(self) -> None:
        """Render every page on the next build (the templates changed)."""
        self.memo = None


def parse_cached(files: list[SourceFile], build: date, problems: Problems,
                 cache: BuildCache) -> Corpus:
    """``ingest.parse_all``, parsing only the files the cache has not seen with these bytes."""
    kept: dict[tuple[str, str, date], tuple[Listing | None, tuple[Problem, ...]]] = {}
    cache.parsed = []
    listings: list[Listing] = []
    seen: dict[str, str] = {}
    for f in files:
        key = (f.path, hashlib.blake2b(f.data, digest_size=16).hexdigest(), build)
        parsed = cache.listings.get(key)
        if parsed is None:
            found = Problems()
            parsed = (parse_listing(f.path, f.data, build, found), tuple(found.items))
            cache.parsed.append(f.path)
        kept[key] = parsed
        listing, found_problems = parsed
        problems.extend(list(found_problems))
        if listing is None:
            continue
        if listing.id in seen:  # the same check as ingest.parse_all
            problems.error(f.path, 0, f"listing id {listing.id!r} is also used by "
                           f"{seen[listing.id]}; rename one of the files")
            continue
        seen[listing.id] = f.path
        listings.append(listing)
    cache.listings = kept  # forget files that are gone or changed
    return Corpus(tuple(listings), tuple(merge(listings)))


def site_data(config: Config, corpus: Corpus, build: date, problems: Problems | None = None,
              note_files: list[SourceFile] | None = None,
              page_files: list[SourceFile] | None = None) -> SiteData:
    """Notes, topics and pages joined to the papers; note problems go to ``problems``."""
    found = problems if problems is not None else Problems()
    written = authoring.read(note_files or [], page_files or [], corpus.papers, found)
    rules = topics.taxonomy_for(config)
    papers, used = topics.assign(list(corpus.papers), rules, list(corpus.listings),
                                 written.topic_overrides())
    in_use = {slug for paper in papers for slug in paper.topics}
    rendered = authoring.render(config, written, papers, found)
    return SiteData(config=config, papers=tuple(sorted(papers, key=lambda p: p.id)),
                    topics=tuple(t for t in used if t.slug in in_use),
                    listings=corpus.listings, build_date=build,
                    notes_html=rendered.page_html, notes_feed_html=rendered.feed_html,
                    notes=written.notes, static_pages=rendered.pages)


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
    render.reset_cards(memo.env)
    previous = memo.pages
    files = [urls.output_file(p.path) for p in planned]
    todo = [page for page, out in zip(planned, files, strict=True)
            if out not in previous or previous[out][0] != page]
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
    planned = pages.plan(site)
    outputs = render_planned(site.config, planned, progress, cache,
                             authoring.nav_entries(site.static_pages))
    outputs.update(feeds.render_feeds(site))
    outputs.update(search.render_search(site))
    lastmod = {p.path: p.context["paper"]["iso_date"] for p in planned
               if p.template == "paper.html" and p.context["paper"]["iso_date"]}
    outputs.update(sitefiles.extras(site.config, [p.path for p in planned], lastmod))
    return outputs, len(planned)


def build(config: Config, build_date: date, problems: Problems, *, write: bool = True,
          progress: Progress | None = None, cache: BuildCache | None = None,
          strict: bool = True) -> BuildResult | None:
    """Run the whole pipeline; None when the inputs have errors (nothing is written).

    Listing errors always stop the build. Errors in notes and pages stop it when
    ``strict``; the preview server builds without the faulty notes and shows them.
    """
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
                     markdown_files(config.root, config.content_dir, "pages"))
    if strict and problems.errors:
        return None
    outputs, page_count = render_site(site, progress, cache=cache)
    report = None
    if write:
        report = write_site(config.output_dir, outputs, config.root, config.content_dir)
    return BuildResult(site, outputs, page_count, time.perf_counter() - started, report)
