"""Large builds on every core: parsing and rendering in forked worker processes.

Listings parse independently and pages render independently, so a large build
hands them to worker processes. The workers are forked: they inherit the data
(``_SHARED``) instead of receiving it pickled, and send back only what the parent
needs. A page worker plans, renders and stages (``write.stage``, phase one) its
share of the pages and returns their file names, so the site's HTML never crosses
a pipe or sits in one process's memory at once. Meanwhile the parent renders the
feeds and the search index. The parent commits (phase two) only when every worker
succeeded; otherwise it removes every staged file and raises the first error, so the
previous site stays exactly as it was.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from digest import write
from digest.errors import Problem, Problems
from digest.inputs.files import SourceFile
from digest.inputs.listings import parse_listing
from digest.model import Listing
from digest.output import feeds, render, sitefiles
from digest.output.search import build as search
from digest.site import routes as pages
from digest.site import urls
from digest.site.data import SiteData

T = TypeVar("T")
R = TypeVar("R")

MIN_PAGES = 2000  # below this, forking costs more than it saves
MIN_LISTING_BYTES = 4 << 20  # the same for parsing (~2,000 papers)
CHUNKS_PER_WORKER = 12  # enough pieces for the pool to even out the workers' load
MAX_SHARE = 20_000  # cards (about 35 MB of HTML) a worker renders before writing them

_SHARED: Any = None  # what forked workers inherit: set just before a pool starts


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often while a build makes its many small objects.

    A build allocates millions of dicts and strings and frees few; the default
    thresholds ran full collections over them again and again (a third of planning).
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def workers() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def _fork_map(function: Callable[[T], R], items: Sequence[T], processes: int,
              shared: object) -> Iterator[Iterator[tuple[T, R | BaseException]]]:
    """Start ``function`` over ``items`` in forked processes; yield their results' iterator.

    Results come in completion order; every item runs even when some fail, a failure
    coming back as its exception. The workers start before the ``with`` body runs.
    """
    global _SHARED
    _SHARED = shared
    gc.collect()
    gc.freeze()  # the workers' collections skip the inherited heap (and leave it shared)
    pool = multiprocessing.get_context("fork").Pool(processes)
    gc.unfreeze()
    try:
        results = pool.imap_unordered(_guarded, [(function, i, item)
                                                for i, item in enumerate(items)])
        yield ((items[i], outcome) for i, outcome in results)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _SHARED = None


def _guarded(job: tuple[Callable[[Any], Any], int, Any]) -> tuple[int, Any]:
    function, index, item = job
    try:
        return index, function(item)
    except Exception as exc:  # noqa: BLE001 (sent back; the parent raises it)
        return index, exc


# ---- parsing ---------------------------------------------------------------------------

def _parse_share(share: list[int]) -> list[tuple[Listing | None, list[Problem]]]:
    files, build = _SHARED
    out = []
    for i in share:
        found = Problems()
        out.append((parse_listing(files[i].path, files[i].data, build, found), found.items))
    return out


def parse_listings(files: list[SourceFile], build: date, problems: Problems
                   ) -> list[Listing | None]:
    """``parse_listing`` of every file, in order, on every core when it pays."""
    processes = workers()
    size = sum(len(f.data) for f in files)
    if processes < 2 or size < MIN_LISTING_BYTES or len(files) < 2:
        return [parse_listing(f.path, f.data, build, problems) for f in files]
    count = min(len(files), processes * 4)
    shares = [list(range(i, len(files), count)) for i in range(count)]
    parsed: dict[int, tuple[Listing | None, list[Problem]]] = {}
    with _fork_map(_parse_share, shares, processes, (files, build)) as results:
        for share, outcome in results:
            if isinstance(outcome, BaseException):
                raise outcome
            parsed.update(zip(share, outcome, strict=True))
    listings = []
    for i in range(len(files)):
        listing, found = parsed[i]
        problems.extend(found)
        listings.append(listing)
    return listings


# ---- pages -----------------------------------------------------------------------------

@dataclass
class _PageJob:
    config: Any
    planner: pages.Planner
    specs: list[tuple[str, Any]]
    output: Path
    extra_nav: list[tuple[str, str]]
    env: jinja2.Environment | None = None


@dataclass(frozen=True)
class PageResult:
    paths: list[str]  # site paths of the pages rendered
    names: list[str]  # the files, relative to the output folder
    staged: list[tuple[str, str]]  # (temporary, target) files written
    unchanged: int
    size: int  # bytes of HTML


def _render_share(share: list[int]) -> tuple[list[str], dict[str, bytes]]:
    """The site paths and the files of the pages of these steps."""
    job: _PageJob = _SHARED
    if job.env is None:
        job.env = render.environment(job.config)
    planned = [page for i in share for page in job.planner.make(job.specs[i])]
    files = render.render_pages(job.env, job.config, planned, job.extra_nav)
    return [page.path for page in planned], files


def _stage_share(share: list[int] | None) -> PageResult:
    """Stage the pages of these steps; ``None`` stands for the search index and data."""
    job: _PageJob = _SHARED
    paths: list[str] = []
    if share is None:
        files = search.render_search(job.planner.site)
    else:
        paths, files = _render_share(share)
    staged, unchanged = write.stage(job.output, files)
    result = PageResult(paths, list(files), staged, unchanged, sum(map(len, files.values())))
    del files
    gc.collect()  # rendering leaves cycles; the inherited heap is frozen, so this is quick
    return result


def _weights(planner: pages.Planner, specs: list[tuple[str, Any]]) -> list[int]:
    """About the cards each step renders (a paper page costs about three), to cut shares
    even in time and bounded in memory."""
    out = []
    for kind, arg in specs:
        if kind == "topic_page":
            out.append(planner.site.config.per_page + 1)
        elif kind == "month_page":
            out.append(len(planner.month_groups()[arg]) + 1)
        elif kind == "author":
            out.append(len(planner.authors[arg][1]) + 1)
        elif kind == "edition":
            out.append(len(arg.entries) + 1)
        elif kind in ("home", "authors_index", "archive_index"):
            out.append(30)
        else:
            out.append(3)
    return out


def _shares(weights: list[int], count: int, most: int = MAX_SHARE) -> list[list[int]]:
    """Consecutive steps (cards repeat among neighbours) cut into at least ``count`` even
    shares of at most ``most`` weight (a share's HTML is in memory at once)."""
    total = sum(weights)
    size = max(min(total / max(count, 1), most), 1)
    shares: list[list[int]] = [[]]
    done = 0
    for i, weight in enumerate(weights):
        if done >= size * len(shares):
            shares.append([])
        shares[-1].append(i)
        done += weight
    return [s for s in shares if s]


def page_count(site: SiteData) -> int:
    """About how many pages ``site`` has (papers, authors, topics): enough to pick a path."""
    return len(site.papers) + len({a for p in site.papers for a in p.authors})


def render_and_write(site: SiteData, output: Path, extra_nav: list[tuple[str, str]],
                     processes: int, progress: Callable[[str], None] | None = None
                     ) -> tuple[write.WriteReport, int]:
    """Every output of ``site`` staged by workers and the parent, then committed."""
    fresh = not output.exists()  # then nothing in it can be stale (commit skips the walk)
    planner = pages.Planner(site)
    specs = planner.specs()
    # The search index first: it is the longest task (the pool takes tasks in order).
    shares: list[list[int] | None] = [None]
    shares += _shares(_weights(planner, specs), processes * CHUNKS_PER_WORKER)
    job = _PageJob(site.config, planner, specs, output, extra_nav)
    staged: list[tuple[str, str]] = []
    unchanged = 0
    paths: list[str] = []
    names: set[str] = set()
    failed: tuple[list[int] | None, BaseException] | None = None
    try:
        with _fork_map(_stage_share, shares, processes, job) as results:
            # The feeds are made here while the workers render the pages and the index.
            extra = feeds.render_feeds(site)
            for share, outcome in results:
                if isinstance(outcome, BaseException):
                    failed = failed or (share, outcome)
                    continue
                staged += outcome.staged
                unchanged += outcome.unchanged
                paths += outcome.paths
                names.update(outcome.names)
                if progress:
                    progress(f"rendered {len(paths)} pages")
        if failed is not None:
            _reraise(job, *failed)
        lastmod = {urls.paper(p.id): p.date for p in site.papers if p.date}
        extra.update(sitefiles.extras(site.config, paths, lastmod))
        extra[write.MARKER] = write.MARKER_TEXT
        more, same = write.stage(output, extra)
        staged += more
        unchanged += same
    except BaseException:
        write.discard(staged)
        raise
    names |= set(extra)
    return write.commit(output, staged, names, unchanged, fresh=fresh), len(paths)


def _reraise(job: _PageJob, share: list[int] | None, error: BaseException) -> None:
    """Raise a worker's error again here, with its traceback (template file and line)."""
    global _SHARED
    _SHARED = job
    try:
        if share is None:
            search.render_search(job.planner.site)
        else:
            _render_share(share)
    finally:
        _SHARED = None
    raise error
