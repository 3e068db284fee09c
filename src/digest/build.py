"""Compose the pipeline: config → read → parse → merge → notes, topics, related → plan
→ pages, search, feeds → write.

Only ``inputs`` (reading) and ``write`` (writing) touch the disk; everything between
is pure, so a failure anywhere leaves the previous site as it was. ``produce`` is the
one composition of the outputs for every kind of build; ``executor`` runs its chunks.

A ``BuildCache`` makes a rebuild incremental (the preview server keeps one): a listing
whose bytes did not change is not parsed again; merging, topics, planning, rendering,
feeds and search each keep an ``incremental.Memo`` (or, for pages, outputs by file)
keyed by stable names (listing and paper ids, title keys, output files) and reuse what
they made while its inputs are equal, so they do real work only for changes.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import gc
import hashlib
import itertools
import operator
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from digest import diskcache, executor
from digest import write as writer
from digest.config import Config
from digest.corpus import authoring, enrich, related, topics
from digest.corpus.ingest import Corpus, unique_listings
from digest.corpus.merge import Sighting, merge, merge_one, sightings
from digest.errors import Problem, Problems
from digest.incremental import Memo, same_ends
from digest.inputs import added, metadata
from digest.inputs.files import SourceFile, listing_files, markdown_files, theme_digest
from digest.inputs.listings import EntryMaker, parse_listing_dated, record_entries
from digest.inputs.listings.structured import Record
from digest.model import Entry, Listing, Paper
from digest.output import feeds, render, sitefiles
from digest.output.search import build as search
from digest.site import reach, routes, urls
from digest.site.data import SiteData
from digest.text.latex import has_latex
from digest.text.slugs import title_key
from digest.write import WriteReport

Progress = Callable[[str], None]
MIN_PAGES = 2000  # below this, forking workers costs more than it saves
MIN_LISTING_BYTES = 4 << 20  # the same for parsing (~2,000 papers)
MIN_RECORDS = 2000  # the same for the records of one file…
LATEX_SHARE = 20  # …when one in this many holds LaTeX (~0.8 ms each; other records ~20 µs)
ENTRY_CHUNKS_PER_WORKER = 2
CHUNKS_PER_WORKER = 12  # enough pieces for the workers to even out their load
# GitHub Pages documents 1 GB as the limit of a published site ("usage limits"); its
# ``actions/deploy-pages`` warns only when the uploaded artifact, compressed, is larger.
PAGES_LIMIT = 1_000_000_000
MAX_CHUNK = 20_000  # cards (about 35 MB of HTML) a worker renders before staging them


@dataclass(frozen=True)
class BuildResult:
    site: SiteData
    outputs: dict[str, bytes]  # every file; empty when worker processes wrote the pages
    page_count: int
    seconds: float
    report: WriteReport | None = None
    remade: int = 0  # pages made by this build (the rest were kept from the last one)
    # bytes of the site in its folder by top-level part ("papers", "authors"…; a file at
    # the top counts as ""); empty for a build in memory
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(self.sizes.values())


@dataclass
class PageMemo:
    """The previous build's pages and their HTML, valid for one config and one theme."""

    config: Config
    env: jinja2.Environment
    cards: render.CardCache
    pages: dict[str, tuple[routes.Page, bytes]] = field(default_factory=dict)  # by output file
    fresh: dict[str, tuple[routes.Page, bytes]] = field(default_factory=dict)  # being built


@dataclass
class PlanMemo:
    """The previous plan step by step, with what each step's pages were made from.

    Records are numbered (a changed record gets a new number), so a step's inputs are
    small tuples; a step whose inputs are equal keeps its pages. Everything a step's
    inputs leave out (config, topics, notes) is compared as a whole in ``context``.
    """

    context: tuple[object, ...] = ()
    # each paper's (record, which authors have a page) and number
    papers: dict[str, tuple[tuple[Paper, int], int]] = field(default_factory=dict)
    listings: dict[str, tuple[Listing, int]] = field(default_factory=dict)
    # each listing's face (what its papers' pages show of it) and number
    faces: dict[str, tuple[routes.ListingFace, int]] = field(default_factory=dict)
    # each step's inputs, its pages (None: not kept in memory) and their site paths
    steps: dict[tuple[str, str], tuple[tuple[object, ...], list[routes.Page] | None,
                                        tuple[str, ...]]] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    # ids of the paper records new since the last render (None: everything may differ)
    changed: set[str] | None = None
    # the last plan's planner, for ``reach`` (kept in memory only, not on disk)
    last: routes.Planner | None = None
    # the preview's last plan in order: each step's id, and what it is when unchanged
    order: list[tuple[str, str]] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    runs: list[tuple[str, int, int]] = field(default_factory=list)  # each kind's steps


@dataclass
class BuildCache:
    """What a rebuild may reuse from the build before it.

    Parsing is pure, so a parsed listing stays valid for the same path, bytes and build
    date. Rendered pages stay valid while the config and the templates do: the memo is
    dropped by itself when the config changes; call ``forget_pages`` when templates do.
    """

    # by path, bytes' digest, and the build date when the listing depends on it
    listings: dict[tuple[str, str, date | None], tuple[Listing | None, tuple[Problem, ...]]] = \
        field(default_factory=dict)
    memo: PageMemo | None = None
    plan: PlanMemo = field(default_factory=PlanMemo)
    # a listing's sightings by title key, by listing id; a merged paper by title key
    sightings: Memo[list[tuple[str, Sighting]]] = field(default_factory=Memo)
    merged: Memo[Paper] = field(default_factory=Memo)
    topic_memo: topics.AssignMemo = field(default_factory=topics.AssignMemo)
    related_memo: related.RelatedMemo = field(default_factory=related.RelatedMemo)
    feed_memo: feeds.FeedMemo = field(default_factory=feeds.FeedMemo)
    search_memo: search.SearchMemo = field(default_factory=search.SearchMemo)
    enrich_memo: enrich.EnrichMemo = field(default_factory=enrich.EnrichMemo)
    parsed: list[str] = field(default_factory=list)  # listing files parsed by the last build
    # the listing files as the last build read them (in memory only: ``reread``)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)  # output files rendered by the last build
    # The site on disk as the last build left it (the cache kept on disk between
    # command-line builds): its folder, each file's (size, mtime in ns), the search
    # index's inputs and files. A step whose inputs are unchanged keeps its files while
    # they are exactly so; anything else about them (deleted, edited) remakes the step.
    folder: str = ""
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    search_inputs: tuple[object, ...] | None = None
    search_files: tuple[str, ...] = ()
    inputs: str = ""  # a digest of everything the last build read (see ``_inputs_digest``)

    def on_disk(self, output: Path, names: Iterable[str]) -> bool:
        """Whether these files of ``output`` are as the last build wrote them."""
        if self.folder != str(output):
            return False
        base = str(output)
        for name in names:
            known = self.files.get(name)
            try:
                found = os.stat(os.path.join(base, name))
            except OSError:
                return False
            if known is None or known != (found.st_size, found.st_mtime_ns):
                return False
        return True

    def remember_files(self, output: Path, names: Iterable[str],
                       known: Mapping[str, tuple[int, int]] | None = None) -> None:
        """Record the files of the site just committed to ``output``; ``known``: the
        (size, mtime) of those the build wrote or found unchanged, so that only the
        others are looked at (at 100k papers a stat of every file took a second)."""
        base = str(output)
        files = {}
        known = known or {}
        for name in names:
            status = known.get(name)
            if status is None:
                try:
                    found = os.stat(os.path.join(base, name))
                except OSError:
                    continue
                status = (found.st_size, found.st_mtime_ns)
            files[name] = status
        self.folder, self.files = base, files

    def for_disk(self) -> BuildCache:
        """A copy to keep on disk: no pages or HTML (the site on disk holds them), no
        search memo (its index is remade or kept whole), no template environment, no
        related terms end to end (remade from each paper's)."""
        plan = copy.copy(self.plan)
        plan.steps = {step: (inputs, None, paths)
                      for step, (inputs, _pages, paths) in self.plan.steps.items()}
        plan.changed = None
        plan.last = None
        plan.order, plan.kept, plan.runs = [], [], []
        return dataclasses.replace(self, memo=None, plan=plan, parsed=[], rendered=[], sources={},
                                   related_memo=self.related_memo.for_disk(),
                                   search_memo=search.SearchMemo(),
                                   feed_memo=feeds.FeedMemo())  # feeds: quicker made than read

    def prepare(self, stop: Callable[[], bool] | None = None) -> None:
        """Work the next rebuild would otherwise begin with, done while the preview waits
        for an edit: the search index's terms marked where an edit may rewrite them
        (``stop``: asked now and then whether an edit is waiting, to leave the rest)."""
        search.prepare(self.search_memo, stop)

    def forget_pages(self) -> None:
        """Render every page on the next build (the templates changed)."""
        self.memo = None


def _step_id(spec: routes.Spec) -> tuple[str, str]:
    kind, arg = spec
    if kind is routes.Kind.PAPER or kind is routes.Kind.EDITION:
        return kind, str(arg.id)
    if kind is routes.Kind.STATIC:
        return kind, str(arg[0].slug)
    return kind, str(arg)


def _page_memo(config: Config, cache: BuildCache | None) -> PageMemo:
    """The cache's page memo while config and templates are the same, else a new one.

    The cards of records that did not change stay valid too; those of changed records
    (known from the plan memo) are forgotten.
    """
    memo = cache.memo if cache and cache.memo and cache.memo.config == config else None
    if memo is None:
        memo = PageMemo(config, render.environment(config), render.CardCache())
    elif cache is not None:
        memo.cards.forget(cache.plan.changed)
    if cache is not None:
        cache.plan.changed = set()
    return memo


class Kept(NamedTuple):
    """A step whose files on disk are those its unchanged inputs made: nothing to do.
    (A named tuple: a rebuild keeps thousands of steps, and it is the quickest to make.)"""

    paths: tuple[str, ...]


Planned = list[routes.Page] | Kept | None  # pages, kept on disk, or to be made by a chunk


def plan_cached(site: SiteData, memo: PlanMemo, planner: routes.Planner,
                specs: list[routes.Spec], theme: str = "",
                on_disk: Callable[[tuple[str, ...]], bool] | None = None,
                in_memory: bool = False) -> list[Planned]:
    """Each step's pages, remade only for the steps whose inputs changed since the last plan.

    With ``on_disk`` (a build into a folder, the cache kept on disk) no page is kept in
    memory: a step whose inputs are unchanged and whose files ``on_disk`` finds intact
    is ``Kept``; any other is None, made where its chunk runs (maybe a worker).
    Without (the preview) every step's pages are made here and kept; with ``in_memory``
    (the page memo holds the last build's files) a step whose inputs are unchanged is
    ``Kept``, its files taken from the memo.
    """
    context = (site.config, site.topics, site.notes_html, site.notes, theme)
    if context != memo.context:
        memo.steps = {}
    memo.context = context
    first = not memo.steps

    # a paper is shown with its authors' links: when an author gains or loses a page
    # (``author_pages``), the paper's pages and cards are remade; while no author did,
    # the very same record has the same links
    same_links = memo.last is not None and memo.last.paged == planner.paged

    def numbered(records: dict[str, tuple[Any, int]], items: Iterable[Any],
                 signature: Callable[[Any], int] | None = None
                 ) -> tuple[dict[str, tuple[Any, int]], set[str]]:
        """Each item's record and number, a changed record numbered anew; and the ids
        of the records new, changed or gone since ``records``."""
        out, fresh = {}, set()
        for item in items:
            old = records.get(item.id)
            if signature is not None and same_links and old is not None and old[0][0] is item:
                out[item.id] = old
                continue
            record = item if signature is None else (item, signature(item))
            if old is not None and (old[0] is record or old[0] == record):
                out[item.id] = (record, old[1])
            else:
                out[item.id] = (record, next(memo.counter))
                fresh.add(item.id)
        fresh.update(records.keys() - out.keys())
        return out, fresh

    before = memo.papers
    memo.papers, changed = numbered(before, site.papers, planner.link_signature)
    memo.listings, changed_listings = numbered(memo.listings, site.listings)
    memo.faces, changed_faces = numbered(memo.faces, map(routes.listing_face, site.listings))
    if first:
        memo.changed = None
    elif memo.changed is not None:  # until a render forgets their cards
        memo.changed |= changed
    # Only the steps an edit can reach are described again, when the last plan is known.
    scope = None if first or memo.last is None else reach.reach(
        memo.last, planner, changed, {key: record[0][0] for key, record in before.items()
                                      if key in changed}, changed_listings, changed_faces)
    memo.last = planner
    versions = {key: number for key, (_, number) in memo.papers.items()}
    listing_versions = {key: number for key, (_, number) in memo.listings.items()}
    face_versions = {key: number for key, (_, number) in memo.faces.items()}
    previous = memo.steps
    steps: dict[tuple[str, str], tuple[tuple[object, ...], list[routes.Page] | None,
                                       tuple[str, ...]]] = {}

    def plan_one(spec: routes.Spec, step: tuple[str, str]) -> Planned:
        """One step's pages (or Kept, or None: made by its chunk), recorded in ``steps``."""
        old = previous.get(step)
        if old is not None and scope is not None and not scope.covers(spec):
            inputs: tuple[object, ...] | None = old[0]  # out of the edit's reach: as it was
            same = True
        else:
            inputs = planner.inputs(spec, versions, listing_versions, face_versions)
            old = old if inputs is not None else None
            same = old is not None and old[0] == inputs
        made: Planned
        if same and old is not None and old[1] is not None:  # its pages, as they were
            steps[step] = old
            return Kept(old[2]) if in_memory else old[1]
        if same and old is not None and on_disk is not None and on_disk(old[2]):
            made = Kept(old[2])
        elif on_disk is not None:
            made = None
        else:
            made = planner.make(spec)
        if inputs is not None:
            paths = made.paths if isinstance(made, Kept) else \
                tuple(page.path for page in made) if made is not None else ()
            steps[step] = (inputs, made if isinstance(made, list) and on_disk is None else None,
                           paths)
        return made

    runs = _runs(specs)
    ids = [step for kind, start, end in runs for step in _step_ids(kind, specs[start:end])]
    if scope is not None and in_memory and memo.order and len(memo.kept) == len(memo.order):
        planned = _plan_around(memo, specs, ids, runs, scope, previous, steps, plan_one)
    else:
        planned = [plan_one(spec, step) for spec, step in zip(specs, ids, strict=True)]
    memo.steps = steps
    if in_memory or on_disk is None:  # what an unchanged step is next time, in memory
        memo.order, memo.runs = ids, runs
        memo.kept = [made if isinstance(made, Kept) else
                     Kept(tuple(page.path for page in made or ())) for made in planned]
    else:
        memo.order, memo.kept, memo.runs = [], [], []
    return planned


def _plan_around(memo: PlanMemo, specs: list[routes.Spec], ids: list[tuple[str, str]],
                 runs: list[tuple[str, int, int]], scope: reach.Reach,
                 previous: dict[tuple[str, str], Any], steps: dict[tuple[str, str], Any],
                 plan_one: Callable[[routes.Spec, tuple[str, str]], Planned]) -> list[Planned]:
    """``plan_cached``'s steps when the last plan is in memory: in each kind's run of
    steps, those at both ends that are the last plan's, in its order, and out of the
    edit's reach are kept without a look at each; those between, and those the edit
    reaches, are planned."""
    order, kept = memo.order, memo.kept
    old_runs = memo.runs
    if [kind for kind, _, _ in old_runs] != [kind for kind, _, _ in runs]:
        return [plan_one(spec, step) for spec, step in zip(specs, ids, strict=True)]
    steps.update(previous)
    planned: list[Planned] = [None] * len(ids)
    todo: set[int] = set()
    for (kind, start, end), (_, begin, stop) in zip(old_runs, runs, strict=True):
        head, tail = same_ends(order[start:end], ids[begin:stop], operator.eq)
        planned[begin:begin + head] = kept[start:start + head]
        planned[stop - tail:stop] = kept[end - tail:end]
        for step in order[start + head:end - tail]:  # between: planned again, or gone
            steps.pop(step, None)
        todo.update(range(begin + head, stop - tail))
        if kind is routes.Kind.PAPER:  # the papers the edit reaches, by id
            where = dict(zip((step[1] for step in ids[begin:stop]), range(begin, stop)))
            todo.update(i for pid in scope.papers if (i := where.get(pid, -1)) >= 0)
        else:
            todo.update(i for i in (*range(begin, begin + head), *range(stop - tail, stop))
                        if scope.covers(specs[i]))
    for i in sorted(todo):
        planned[i] = plan_one(specs[i], ids[i])
    return planned


def _runs(specs: list[routes.Spec]) -> list[tuple[str, int, int]]:
    """The runs of steps of one kind, (kind, start, end): ``Planner.specs`` lists each
    kind's steps together."""
    kinds = [kind for kind, _ in specs]
    out: list[tuple[str, int, int]] = []
    start = 0
    while start < len(kinds):
        kind = kinds[start]
        end = min(len(kinds), start + kinds.count(kind))
        if kinds[end - 1] is not kind or (end < len(kinds) and kinds[end] is kind):
            end = start + 1  # not together after all: its run, one by one
            while end < len(kinds) and kinds[end] is kind:
                end += 1
        out.append((kind, start, end))
        start = end
    return out


def _step_ids(kind: str, specs: list[routes.Spec]) -> list[tuple[str, str]]:
    """``_step_id`` of a run of one kind's steps."""
    if kind is routes.Kind.PAPER or kind is routes.Kind.EDITION:
        return [(kind, str(arg.id)) for _, arg in specs]
    return [_step_id(spec) for spec in specs]


def _keyed_sightings(listing: Listing) -> list[tuple[str, Sighting]]:
    return [(title_key(s.entry.title), s) for s in sightings([listing])]


def merge_cached(listings: list[Listing], cache: BuildCache) -> list[Paper]:
    """``merge.merge``, merging again only the papers whose sightings changed.

    A listing's sightings (and their title keys) are kept by its id while the listing
    is equal (the parse cache hands back the same record for the same bytes, so the
    comparison is quick), and a merged paper by its title key while its group of
    sightings is equal.
    """
    groups: dict[str, list[Sighting]] = defaultdict(list)
    for listing in listings:
        keyed = cache.sightings.keep(listing.id, listing,
                                     functools.partial(_keyed_sightings, listing))
        for key, s in keyed:
            groups[key].append(s)
    papers = [cache.merged.keep(key, tuple(group), functools.partial(merge_one, group))
              for key, group in groups.items()]
    cache.sightings.done()
    cache.merged.done()
    return sorted(papers, key=lambda p: p.id)


Parsed = tuple[Listing | None, tuple[Problem, ...], bool]  # and: depends on the build date


def _parse_chunk(shared: tuple[list[SourceFile], date], chunk: list[int]) -> list[Parsed]:
    files, build = shared
    out = []
    for i in chunk:
        found = Problems()
        listing, dated = parse_listing_dated(files[i].path, files[i].data, build, found)
        out.append((listing, tuple(found.items), dated))
    return out


def _entries_chunk(records: list[Record], chunk: tuple[int, int]) -> list[Entry]:
    return record_entries(records[chunk[0]:chunk[1]])


def _entries_on(processes: int) -> EntryMaker:
    """``record_entries`` spread over ``processes`` forked workers (which inherit the
    records; the entries come back): a large records file is one file, not many."""

    def make(records: list[Record]) -> list[Entry]:
        # Without much LaTeX the entries are quick to make: sending them back would cost
        # more than the workers save.
        if processes < 2 or len(records) < MIN_RECORDS or LATEX_SHARE * sum(
                1 for r in records if has_latex(r.abstract) or has_latex(r.title)
        ) < len(records):
            return record_entries(records)
        chunks = executor.spans(len(records), processes * ENTRY_CHUNKS_PER_WORKER)
        return [entry for made in executor.run_all(_entries_chunk, records, chunks, processes)
                for entry in made]

    return make


def _parse_files(files: list[SourceFile], build: date) -> list[Parsed]:
    """``parse_listing_dated`` of every file, in order, on every core when it pays.

    Files go to the workers whole, largest first, so that several large records files
    (a digest of years of daily fetches) parse side by side. A file larger than its
    share of the whole would keep one worker busy while the others wait: its records are
    spread across the workers instead, here, before the rest."""
    if not files:
        return []
    processes = executor.workers()
    parsed: dict[int, Parsed] = {}
    rest = list(range(len(files)))
    total = sum(len(f.data) for f in files)
    if processes > 1:
        alone = [i for i in rest if len(files[i].data) >= MIN_LISTING_BYTES
                 and len(files[i].data) * processes > total]
        for i in alone:
            seen = Problems()
            listing, dated = parse_listing_dated(files[i].path, files[i].data, build, seen,
                                                 _entries_on(processes))
            parsed[i] = (listing, tuple(seen.items), dated)
        rest = [i for i in rest if i not in parsed]
    size = sum(len(files[i].data) for i in rest)
    if processes < 2 or size < MIN_LISTING_BYTES or len(rest) < 2:
        processes = 1
    chunks = _by_size(rest, [len(f.data) for f in files], processes * 4)
    for chunk, outcome in zip(chunks, executor.run_all(_parse_chunk, (files, build), chunks,
                                                       processes), strict=True):
        parsed.update(zip(chunk, outcome, strict=True))
    return [parsed[i] for i in range(len(files))]


def _by_size(indexes: list[int], sizes: list[int], count: int) -> list[list[int]]:
    """``indexes`` in about ``count`` chunks of similar bytes, the largest files first
    (the workers take chunks in order: the long ones start early, small ones even out)."""
    order = sorted(indexes, key=lambda i: (-sizes[i], i))
    share = max(sum(sizes[i] for i in order) // max(count, 1), 1)
    chunks: list[list[int]] = []
    held = share
    for i in order:
        if held >= share:
            chunks.append([])
            held = 0
        chunks[-1].append(i)
        held += sizes[i]
    return chunks


def parse_listings(files: list[SourceFile], build: date, problems: Problems
                   ) -> list[Listing | None]:
    """``parse_listing`` of every file, in order, on every core when it pays."""
    listings = []
    for listing, found, _ in _parse_files(files, build):
        problems.extend(list(found))
        listings.append(listing)
    return listings


def parse_all(files: list[SourceFile], build: date, problems: Problems) -> Corpus:
    """Parse every file (on every core when there are many), keep going past bad ones,
    then merge."""
    parsed = zip(files, parse_listings(files, build, problems), strict=True)
    listings = unique_listings(parsed, problems)
    return Corpus(tuple(listings), tuple(merge(listings)))


def load_corpus(config: Config, build: date, problems: Problems, *,
                stored: bool = False) -> Corpus:
    """Read and parse every listing, then merge: the corpus ``check`` and ``export`` see
    (with ``stored``: completed from the stored metadata, as a build does)."""
    corpus = parse_all(listing_files(config.root, config.content_dir), build, problems)
    return completed(config, corpus, problems) if stored else corpus


def completed(config: Config, corpus: Corpus, problems: Problems,
              cache: BuildCache | None = None) -> Corpus:
    """The corpus with the stored metadata applied and undated papers given the day their
    listing was added. The store is small, so it is read again on every build."""
    store = metadata.read_store(config.root, config.content_dir, problems)
    formats = {listing.id: listing.format for listing in corpus.listings}
    when = added.listing_added(config.root, corpus.listings)
    papers = enrich.apply(corpus.papers, store, formats, when,
                          cache.enrich_memo if cache is not None else None)
    return Corpus(corpus.listings, tuple(papers), when)


def parse_cached(files: list[SourceFile], build: date, problems: Problems,
                 cache: BuildCache) -> Corpus:
    """``ingest.parse_all``, parsing only the files the cache has not seen with these bytes
    (and, for a listing whose date is not declared, this build date)."""
    kept: dict[tuple[str, str, date | None], tuple[Listing | None, tuple[Problem, ...]]] = {}
    missing: list[tuple[SourceFile, str]] = []
    for f in files:
        digest = f.digest
        for key in ((f.path, digest, None), (f.path, digest, build)):
            if key in cache.listings:
                kept[key] = cache.listings[key]
                break
        else:
            missing.append((f, digest))
    cache.parsed = [f.path for f, _ in missing]
    parsed = _parse_files([f for f, _ in missing], build)
    for (f, digest), (listing, issues, dated) in zip(missing, parsed, strict=True):
        kept[(f.path, digest, build if dated else None)] = (listing, issues)
    by_path = {key[0]: parsed for key, parsed in kept.items()}
    pairs: list[tuple[SourceFile, Listing | None]] = []
    for f in files:
        listing, issues = by_path[f.path]
        problems.extend(list(issues))
        pairs.append((f, listing))
    listings = unique_listings(pairs, problems)
    cache.listings = kept  # forget files that are gone or changed
    return Corpus(tuple(listings), tuple(merge_cached(listings, cache)))


def site_data(config: Config, corpus: Corpus, build: date, problems: Problems | None = None,
              note_files: list[SourceFile] | None = None,
              page_files: list[SourceFile] | None = None, *,
              cache: BuildCache | None = None, processes: int = 1,
              jobs: int | None = None) -> SiteData:
    """Notes, topics and pages joined to the papers; note problems go to ``problems``.

    With a cache, topics are matched again and words read again only for the papers
    whose record changed. ``jobs`` processes may read the papers' words for related
    papers (default one: on this project's shared 2-core machine, forking cost more CPU
    than it saved and lost wall time under load; see related.READ_IN_PARALLEL);
    ``processes`` match the topic rules against many papers' text.
    """
    found = problems if problems is not None else Problems()
    written = authoring.read(note_files or [], page_files or [], corpus.papers, found)
    rules = topics.taxonomy_for(config)
    papers, used = topics.assign(list(corpus.papers), rules, list(corpus.listings),
                                 written.topic_overrides(), cache.topic_memo if cache else None,
                                 processes)
    in_use = {slug for paper in papers for slug in paper.topics}
    rendered = authoring.render(config, written, papers, found)
    neighbours = related.related(papers, {pid: note.body for pid, note in written.notes.items()},
                                 cache.related_memo if cache else None, jobs or 1)
    return SiteData(config=config, papers=tuple(sorted(papers, key=lambda p: p.id)),
                    topics=tuple(t for t in used if t.slug in in_use),
                    listings=corpus.listings, build_date=build,
                    notes_html=rendered.page_html, notes_feed_html=rendered.feed_html,
                    notes=written.notes, static_pages=rendered.pages, related=neighbours,
                    listing_added=dict(corpus.listing_added))


# ---- producing the outputs: one path for every build ---------------------------------

SEARCH = None  # the chunk that stands for the search index


@dataclass
class _Job:
    """What every chunk of a build shares (forked workers inherit it, nothing is pickled).

    ``planned`` holds each step's pages when a plan memo made them (the preview), or
    None for a step the chunk makes; without a plan memo each chunk plans its own steps. ``output``: stage the chunk's files into
    this folder and return only their names; ``None``: return the files themselves.
    """

    site: SiteData
    planner: routes.Planner
    specs: list[routes.Spec]
    planned: list[Planned] | None
    extra_nav: list[tuple[str, str]]
    output: Path | None
    memo: PageMemo
    search_memo: search.SearchMemo | None
    # a build keeping its cache on disk: the project whose cache holds the search memo
    search_root: Path | None = None


@dataclass
class _Made:
    """One chunk's outcome: its pages' site paths (by step), its files (or their staged
    names)."""

    paths: list[str]
    steps: list[tuple[int, tuple[str, ...]]]
    files: dict[str, bytes]
    names: list[str]
    staged: list[tuple[str, str]]
    unchanged: int
    rendered: list[str]
    search_memo: str | None = None  # the search memo written to this temporary file
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # ``writer.stage``'s


def _render(job: _Job, page_list: list[routes.Page]) -> tuple[dict[str, bytes], list[str]]:
    """The pages' files, reusing the memo's HTML for a page equal to the one it was made for."""
    previous = job.memo.pages
    out: dict[str, bytes] = {}
    todo = []
    for page in page_list:
        name = urls.output_file(page.path)
        old = previous.get(name)
        if old is not None and (old[0] is page or old[0] == page):
            out[name] = old[1]
        else:
            todo.append(page)
    fresh = render.render_pages(job.memo.env, job.site.config, todo, job.memo.cards,
                                job.extra_nav)
    out.update(fresh)
    return out, list(fresh)


def _chunk(job: _Job, chunk: list[int] | None) -> _Made:
    """Render one chunk (steps of the plan, or the search index) and stage it if asked."""
    try:
        return _make_chunk(job, chunk)
    except jinja2.TemplateError as exc:
        raise render.TemplateFailure(render.describe(exc)) from exc


def _make_chunk(job: _Job, chunk: list[int] | None) -> _Made:
    steps: list[tuple[int, tuple[str, ...]]] = []
    memo_file = None
    if chunk is SEARCH:
        paths: list[str] = []
        rendered: list[str] = []
        if job.search_root is None:
            files = search.render_search(job.site, job.search_memo)
        else:  # read and written here (maybe a worker), beside the pages' work
            loaded, _ = diskcache.load(job.search_root, diskcache.SEARCH_FILE)
            memo = loaded if isinstance(loaded, search.SearchMemo) else search.SearchMemo()
            files = search.render_search(job.site, memo)
            try:
                with diskcache.collector_paused():
                    memo_file = diskcache.stage(job.search_root, memo.for_disk())
            except OSError:
                memo_file = None  # the cache cannot be written: the build reports it
    else:
        page_list: list[routes.Page] = []
        for i in chunk:
            known = job.planned[i] if job.planned is not None else None
            pages = known if isinstance(known, list) else job.planner.make(job.specs[i])
            steps.append((i, tuple(page.path for page in pages)))
            page_list += pages
        paths = [page.path for page in page_list]
        files, rendered = _render(job, page_list)
        if job.output is None:
            for page in page_list:
                name = urls.output_file(page.path)
                job.memo.fresh[name] = (page, files[name])
    if job.output is None:
        return _Made(paths, steps, files, list(files), [], 0, rendered, memo_file)
    stats: dict[str, tuple[int, int]] = {}
    staged, unchanged = writer.stage(job.output, files, stats)
    made = _Made(paths, steps, {}, list(files), staged, unchanged, rendered, memo_file, stats)
    del files
    # Rendering leaves cycles, young ones: the old generation is the worker's own cards
    # and views (300,000 objects at 100,000 papers, a third of a second to walk per chunk),
    # left to the collector's own schedule.
    gc.collect(1)
    return made


def _weights(planner: routes.Planner, specs: list[routes.Spec]) -> list[int]:
    """About the cards each step renders (a paper page costs about three), to cut chunks
    even in time and bounded in memory."""
    out = []
    for kind, arg in specs:
        if kind is routes.Kind.TOPIC_PAGE:
            out.append(planner.site.config.per_page + 1)
        elif kind is routes.Kind.MONTH_PAGE:
            out.append(len(planner.month_groups()[arg]) + 1)
        elif kind is routes.Kind.AUTHOR:
            out.append(len(planner.authors[arg][1]) + 1)
        elif kind is routes.Kind.EDITION:
            out.append(len(arg.entries) + 1)
        elif kind in (routes.Kind.HOME, routes.Kind.AUTHORS_INDEX, routes.Kind.ARCHIVE_INDEX):
            out.append(30)
        else:
            out.append(3)
    return out


def chunks_of(weights: list[int], count: int, most: int = MAX_CHUNK) -> list[list[int]]:
    """Consecutive steps (cards repeat among neighbours) cut into at least ``count`` even
    chunks of at most ``most`` weight (a chunk's HTML is in memory at once)."""
    total = sum(weights)
    size = max(min(total / max(count, 1), most), 1)
    out: list[list[int]] = [[]]
    done = 0
    for i, weight in enumerate(weights):
        if done >= size * len(out):
            out.append([])
        out[-1].append(i)
        done += weight
    return [c for c in out if c]


def page_count(site: SiteData) -> int:
    """About how many pages ``site`` has (papers, authors, topics): enough to pick a path."""
    return len(site.papers) + len({a for p in site.papers for a in p.authors})


@dataclass(frozen=True)
class Produced:
    outputs: dict[str, bytes]  # every file, when built in memory; empty when staged
    page_count: int
    report: WriteReport | None
    remade: int = 0
    sizes: dict[str, int] = field(default_factory=dict)


def _sizes(files: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Bytes by top-level part of the site, from (output file, bytes) pairs."""
    out: Counter[str] = Counter()
    for name, size in files:
        out[name.split("/", 1)[0] if "/" in name else ""] += size
    return dict(out)


def produce(site: SiteData, processes: int | None, output: Path | None, *,
            cache: BuildCache | None = None, progress: Progress | None = None,
            theme: str = "") -> Produced:
    """Every output of ``site``: pages, search index, feeds and site files.

    The same composition for every build: the plan is cut into chunks that the
    executor runs here or in forked workers; the search index is one more chunk, the
    feeds are made here meanwhile. With ``output`` each chunk is staged (phase one of
    the writer) and everything is committed at the end, or discarded on any error, so
    the previous site stays as it was; without, the files come back in memory.

    With a cache and an ``output`` folder (``digest build`` keeping its cache on disk),
    a step or the search index whose inputs did not change keeps its files when they
    are as the last build wrote them. ``processes`` None: as many as the work to do
    pays for. ``theme``: a digest of the site's own templates.
    """
    planner = routes.Planner(site, cache.plan.last if cache is not None else None)
    specs = planner.specs()
    disk = cache if output is not None else None  # the cache of a build into a folder
    on_disk = None if disk is None or output is None else \
        functools.partial(_steps_on_disk, disk, output)
    # the preview's page memo holds every file of the last build: an unchanged step's
    # files are there (while the config is the same: else the memo goes)
    in_memory = output is None and cache is not None and cache.memo is not None \
        and cache.memo.config == site.config and bool(cache.memo.pages)
    try:
        planned = None if cache is None else plan_cached(site, cache.plan, planner, specs,
                                                         theme, on_disk, in_memory)
    except BaseException:
        if cache is not None:
            cache.plan.steps = {}  # half planned: nothing of it is known to match
        raise
    memo = _page_memo(site.config, cache)  # after the plan: it forgets the changed cards
    memo.fresh = {}
    extra_nav = authoring.nav_entries(site.static_pages)
    job = _Job(site, planner, specs, planned, extra_nav, output, memo,
               cache.search_memo if cache is not None and disk is None else None,
               site.config.root if disk is not None else None)
    todo = list(range(len(specs))) if planned is None else \
        [i for i, made in enumerate(planned) if not isinstance(made, Kept)]
    kept = [path for made in planned or () if isinstance(made, Kept) for path in made.paths]
    search_inputs = None if disk is None else _search_inputs(site, disk, theme)
    keep_search = (disk is not None and output is not None and bool(disk.search_files)
                   and disk.search_inputs == search_inputs
                   and disk.on_disk(output, disk.search_files))
    weights = _weights(planner, [specs[i] for i in todo])
    if processes is None:
        load = sum(weights) + (0 if keep_search else len(site.papers))
        processes = executor.workers() if load >= MIN_PAGES else 1
    # The search index first: it is the longest task (the workers take chunks in order).
    work: list[list[int] | None] = [] if keep_search else [SEARCH]
    work += [[todo[j] for j in chunk] for chunk in
             chunks_of(weights, processes * CHUNKS_PER_WORKER if processes > 1 else 1,
                       MAX_CHUNK if processes > 1 else max(sum(weights), 1))]
    fresh_folder = output is not None and not output.exists()
    staged: list[tuple[str, str]] = []
    unchanged = len(kept)
    paths: list[str] = list(kept)
    names: set[str] = {urls.output_file(path) for path in kept}
    outputs: dict[str, bytes] = {}
    if output is None and kept:  # the preview: an unchanged step's files are in the memo
        last, fresh = memo.pages, memo.fresh
        for name in names:
            entry = fresh[name] = last[name]
            outputs[name] = entry[1]
    search_names: list[str] = []
    if keep_search and disk is not None:
        search_names = list(disk.search_files)
        names.update(search_names)
        unchanged += len(search_names)
    rendered: list[str] = []
    made_steps: list[tuple[int, tuple[str, ...]]] = []
    stats: dict[str, tuple[int, int]] = {}  # each file's (size, mtime) as staged
    memo_file: str | None = None
    failed: BaseException | None = None
    try:
        with executor.start(_chunk, job, work, processes) as results:
            # The feeds are made here while workers render the pages and the index.
            extra = feeds.render_feeds(site, cache.feed_memo if cache else None,
                                       planner.by_listing)
            for chunk, made in results:
                if isinstance(made, BaseException):
                    failed = failed or made
                    continue
                if chunk is SEARCH:
                    search_names = made.names
                    memo_file = made.search_memo
                staged += made.staged
                unchanged += made.unchanged
                paths += made.paths
                names.update(made.names)
                outputs.update(made.files)
                rendered += made.rendered
                made_steps += made.steps
                stats.update(made.stats)
                if progress and made.paths:
                    progress(f"rendered {len(paths)} pages")
        if failed is not None:
            raise failed
        lastmod = {urls.paper(p.id): p.date for p in site.papers if p.date}  # paper pages
        extra.update(sitefiles.extras(site.config, paths, lastmod))
        if output is not None:
            extra[writer.MARKER] = writer.MARKER_TEXT
            more, same = writer.stage(output, extra, stats)
            staged += more
            unchanged += same
        else:
            outputs.update(extra)
    except BaseException:
        writer.discard(staged)
        if memo_file is not None:
            Path(memo_file).unlink(missing_ok=True)
        if cache is not None:  # planned, not made: no step is known to match its files
            cache.plan.steps = {}
        raise
    if cache is not None:
        memo.pages = memo.fresh
        memo.fresh = {}
        cache.memo = memo
        cache.rendered = sorted(rendered)
        planner.drop_views()  # kept as the plan memo's last planner until the next plan
    if output is None:
        return Produced(outputs, len(paths), None, len(paths) - len(kept))
    names |= set(extra)
    # The cache knows what the last build left in this folder: no walk of every page's.
    left = cache.files if cache is not None and cache.folder == str(output) else None
    if left is not None:  # the files kept from the last build, found as it left them
        for name in (*map(urls.output_file, kept), *(search_names if keep_search else ())):
            if name in left:
                stats.setdefault(name, left[name])
    try:
        report = writer.commit(output, staged, names, unchanged, fresh=fresh_folder,
                               known=None if left is None else left.keys())
    except BaseException:
        if memo_file is not None:
            Path(memo_file).unlink(missing_ok=True)
        raise
    if memo_file is not None:  # the site is in place: its search memo goes with it
        os.replace(memo_file, diskcache.cache_path(site.config.root, diskcache.SEARCH_FILE))
    if cache is not None:
        steps = cache.plan.steps
        for i, step_paths in made_steps:  # what the steps made where they ran
            step = _step_id(specs[i])
            if step in steps:
                steps[step] = (steps[step][0], steps[step][1], step_paths)
        cache.remember_files(output, names, stats)
        cache.search_inputs = search_inputs
        cache.search_files = tuple(sorted(search_names))
    return Produced({}, len(paths), report, len(paths) - len(kept),
                    _sizes((name, size) for name, (size, _) in stats.items()))


def _steps_on_disk(cache: BuildCache, output: Path, paths: tuple[str, ...]) -> bool:
    return bool(paths) and cache.on_disk(output, map(urls.output_file, paths))


def _search_inputs(site: SiteData, cache: BuildCache, theme: str) -> tuple[object, ...]:
    """What the search index is made from (records by their plan numbers)."""
    versions = cache.plan.papers
    return (site.config, site.topics, site.notes_html, site.notes, theme,
            tuple(versions[p.id][1] for p in site.papers))


def build(config: Config, build_date: date, problems: Problems, *, write: bool = True,
          progress: Progress | None = None, cache: BuildCache | None = None,
          strict: bool = True, jobs: int | None = None,
          reread: Collection[str] | None = None) -> BuildResult | None:
    """Run the whole pipeline; None when the inputs have errors (nothing is written).

    Listing errors always stop the build. Errors in notes and pages stop it when
    ``strict``; the preview server builds without the faulty notes and shows them.
    ``jobs`` worker processes render (default: one per core from ``MIN_PAGES`` pages
    on, and one for a build that keeps a cache); with ``write`` the result holds no
    outputs (they were staged and committed chunk by chunk). ``reread``: the listing
    files that may have changed since the cache's last build (the preview's watcher
    names them); the others are taken as that build read them. None: read every one.
    """
    with executor.fewer_collections():
        return _build(config, build_date, problems, write=write, progress=progress, cache=cache,
                      strict=strict, jobs=jobs, reread=reread)


def _build(config: Config, build_date: date, problems: Problems, *, write: bool,
           progress: Progress | None, cache: BuildCache | None, strict: bool,
           jobs: int | None, reread: Collection[str] | None) -> BuildResult | None:
    started = time.perf_counter()
    known = None if cache is None or reread is None else \
        {path: f for path, f in cache.sources.items() if path not in reread}
    files = listing_files(config.root, config.content_dir, known)
    if cache is not None:
        cache.sources = {f.path: f for f in files}
    corpus = parse_all(files, build_date, problems) if cache is None else \
        parse_cached(files, build_date, problems, cache)
    if problems.errors:
        return None
    corpus = completed(config, corpus, problems, cache)
    if problems.errors:
        return None
    notes = markdown_files(config.root, config.content_dir, "notes")
    pages = markdown_files(config.root, config.content_dir, "pages")
    # Workers are forked only by a build into a folder (the preview's server has threads).
    site = site_data(config, corpus, build_date, problems, notes, pages, cache=cache,
                     processes=executor.workers() if write else 1,
                     jobs=jobs)  # (None: one, for related papers)
    if strict and problems.errors:
        return None
    if cache is not None:
        cache.inputs = _inputs_digest(config, build_date, corpus, cache, [*notes, *pages])
    if jobs is None and (cache is None or not write):
        jobs = executor.workers() if cache is None and page_count(site) >= MIN_PAGES else 1
    if write:
        writer.check_output_dir(config.output_dir, config.root, config.content_dir)
    made = produce(site, jobs, config.output_dir if write else None, cache=cache,
                   progress=progress, theme=theme_digest(config.root) if cache else "")
    return BuildResult(site, made.outputs, made.page_count, time.perf_counter() - started,
                       made.report, made.remade, made.sizes)


def _inputs_digest(config: Config, build_date: date, corpus: Corpus, cache: BuildCache,
                   files: list[SourceFile]) -> str:
    """What a build read, as one digest: a build with the same digest that wrote no file
    changed nothing, so its cache need not be written again. Listings count by the keys
    ``parse_cached`` made of them (their bytes were hashed there)."""
    digest = hashlib.blake2b(repr((config, build_date, sorted(corpus.listing_added.items()),
                                   sorted(cache.listings, key=repr), [f.path for f in files])
                                  ).encode(), digest_size=16)
    for f in files:
        digest.update(f.data)
    return digest.hexdigest()


def too_large(sizes: dict[str, int], author_pages: int) -> str:
    """What to say of a site over ``PAGES_LIMIT``: its size, its largest parts, and the
    setting that makes it smaller without leaving a paper out."""
    def gb(size: int) -> str:
        return f"{size / 1e9:.2f} GB"

    parts = sorted(((size, top or "files at the top") for top, size in sizes.items()),
                   key=lambda item: (-item[0], item[1]))[:4]
    return (f"the site is {gb(sum(sizes.values()))}, more than the {gb(PAGES_LIMIT)} GitHub "
            "Pages documents as the limit of a published site "
            f"({', '.join(f'{top} {gb(size)}' for size, top in parts)}); "
            f"authors get a page from {author_pages} papers on: a larger 'author_pages' in "
            "digest.yaml makes fewer author pages (every name stays searchable)")


def build_site(config: Config, build_date: date, problems: Problems, *,
               progress: Progress | None = None, keep_cache: bool = True) -> BuildResult | None:
    """``digest build``: the site into its output folder, with the build cache kept on
    disk (``diskcache``) so that only what changed since the last build is redone.

    The cache is saved only after a successful build. ``keep_cache`` False: neither read
    nor written (a build from nothing).
    """
    cache: BuildCache | None = None
    if keep_cache:
        loaded, why = diskcache.load(config.root)
        if why:
            problems.warning(f"{diskcache.CACHE_DIR}/{diskcache.CACHE_FILE}", 1, why)
        cache = loaded if isinstance(loaded, BuildCache) else BuildCache()
    before = cache.inputs if cache is not None else ""
    result = build(config, build_date, problems, progress=progress, cache=cache)
    if result is not None and result.size > PAGES_LIMIT:
        problems.warning(config.output, 0, too_large(result.sizes, config.author_pages))
    if result is not None and cache is not None and (
            before != cache.inputs or (result.report is not None and result.report.written)):
        try:
            with diskcache.collector_paused():
                diskcache.save(config.root, cache.for_disk())
        except OSError as exc:  # the site is built; only the next build's head start is lost
            problems.warning(f"{diskcache.CACHE_DIR}/{diskcache.CACHE_FILE}", 1,
                             f"the build cache cannot be written ({exc.strerror or exc}); "
                             "the next build starts from nothing")
    return result
