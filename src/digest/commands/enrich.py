"""``digest enrich``: find each pasted paper's arXiv record and store it under content/.

For every paper without an arXiv id: the Daily Papers of its dated Hugging Face
listings (one request per date), else Hugging Face's title search, else arXiv's;
only a certain match (``text.titles.decide``) is applied, near misses are reported
with their candidates. Then arXiv ``id_list`` in batches of 100 for the full
records, and Hugging Face's page of each paper it has not seen yet. Each paper's file
is written as soon as something is known about it, so an interrupted run loses at
most the paper in flight, and the next run skips what is stored (``--refresh``
fetches the records of stored papers again).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from digest.commands import metadata_store as ms
from digest.config import Config
from digest.corpus.ingest import Corpus
from digest.errors import Problems
from digest.fetch import arxiv, huggingface
from digest.fetch.arxiv import ArxivClient, ArxivRecord
from digest.fetch.huggingface import HfPaper, HuggingFaceClient
from digest.fetch.policy import Clock, FetchError, Http, host_of, spacing_for
from digest.inputs.metadata import PaperMetadata, Store, read_store
from digest.model import Paper
from digest.text.dates import build_date
from digest.text.slugs import title_key
from digest.text.titles import Candidate, Decision, Pasted, Scored, decide

T = TypeVar("T")
BREAKER = 3  # failures in a row after which a source is left alone for the rest of the run
LISTING = "listing"
OVERRIDE = "override"


@dataclass(frozen=True)
class Target:
    """A paper of the corpus as enrich sees it."""

    key: str  # title key, how the store finds it again
    pasted: Pasted
    where: str  # path:line of its first sighting
    listed_id: str | None = None  # named by an ids listing or a record's arxiv field
    daily_dates: tuple[str, ...] = ()  # dates of the dated Hugging Face listings it is in


@dataclass(frozen=True)
class Plan:
    """What a run will do, before any request: the dry run prints it."""

    search: tuple[Target, ...]  # papers to look up by title
    records: dict[str, str]  # ids whose arXiv record is wanted → why (listing, override, ...)
    hf: tuple[str, ...]  # ids whose Hugging Face page is wanted
    stored: int  # papers already resolved, skipped
    not_on_arxiv: int  # papers the overrides say are not on arXiv
    where: dict[str, tuple[str, ...]]  # id → every path:line that named it (listings, overrides)

    @property
    def daily_dates(self) -> tuple[str, ...]:
        return tuple(sorted({d for t in self.search for d in t.daily_dates}))


@dataclass
class Outcome:
    resolved: list[tuple[str, str, str]] = field(default_factory=list)  # where, id, how
    missing: list[tuple[str, str]] = field(default_factory=list)  # where, id arXiv lacks
    review: list[tuple[Target, Decision]] = field(default_factory=list)
    not_found: list[Target] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # messages naming the source
    records: int = 0  # arXiv records stored
    hf_pages: int = 0  # Hugging Face pages stored (or found missing)


def pasted(paper: Paper) -> Pasted:
    return Pasted(paper.title, paper.authors, paper.author_count, paper.submitter, paper.date)


def targets(corpus: Corpus) -> list[Target]:
    """Every paper of the corpus, in the corpus's (slug) order."""
    formats = {listing.id: (listing.format, listing.date) for listing in corpus.listings}
    found = []
    for paper in corpus.papers:
        first = paper.sources[0]
        dates = tuple(sorted({d for s in paper.sources
                              for fmt, d in [formats.get(s.listing, ("", None))]
                              if fmt == "huggingface" and d}))
        found.append(Target(title_key(paper.title), pasted(paper), f"{first.path}:{first.line}",
                            paper.arxiv_id, dates))
    return found


def plan(corpus: Corpus, store: Store, *, refresh: bool = False,
         limit: int | None = None) -> Plan:
    """Which papers to look up, which records and pages to fetch."""
    search: list[Target] = []
    records: dict[str, str] = {}
    where: dict[str, tuple[str, ...]] = {}
    stored = not_on_arxiv = 0
    for target in targets(corpus):
        override = store.overrides.get(target.key)
        if override is not None and override.arxiv_id is None:
            not_on_arxiv += 1
            continue
        if target.listed_id or override is not None:
            arxiv_id = target.listed_id or (override.arxiv_id if override else None)
            assert arxiv_id is not None
            place = target.where if target.listed_id or override is None else \
                f"{override.path}:{override.line}"
            where[arxiv_id] = (*where.get(arxiv_id, ()), place)
            meta = store.papers.get(arxiv_id)
            if refresh or meta is None or meta.arxiv is None:
                records.setdefault(arxiv_id, LISTING if target.listed_id else OVERRIDE)
            else:
                stored += 1
            continue
        known = store.titles.get(target.key)
        if known is None:
            search.append(target)
            continue
        meta = store.papers.get(known)
        if refresh or meta is None or meta.arxiv is None:
            records.setdefault(known, "stored")
        else:
            stored += 1
    if limit is not None:
        search = search[:limit]
    hf = tuple(sorted(i for i in records if refresh or _wants_hf(store.papers.get(i))))
    return Plan(tuple(search), records, hf, stored, not_on_arxiv, where)


def _wants_hf(meta: PaperMetadata | None) -> bool:
    return meta is None or meta.huggingface is None


def _hf_candidate(paper: HfPaper) -> Candidate:
    organisations = (*paper.organization, *((paper.submitter,) if paper.submitter else ()))
    return Candidate(paper.arxiv_id, paper.title, paper.authors, organisations, paper.published,
                     huggingface.SOURCE)


def _arxiv_candidate(record: ArxivRecord) -> Candidate:
    return Candidate(record.id, record.title, tuple(a.name for a in record.authors), (),
                     record.published, arxiv.SOURCE)


class _Down(Exception):
    """The source failed too often in a row; it is skipped for the rest of the run."""


Found = list[tuple[Candidate, HfPaper | ArxivRecord]]  # what one search step returns


class Enricher:
    """One run: the clients, the store as it grows, and what happened."""

    def __init__(self, content: Path, store: Store, arxiv_client: ArxivClient,
                 hf_client: HuggingFaceClient, today: date, problems: Problems) -> None:
        self.content = content
        self.papers: dict[str, PaperMetadata] = dict(store.papers)
        self.arxiv = arxiv_client
        self.hf = hf_client
        self.today = today.isoformat()
        self.problems = problems
        self.outcome = Outcome()
        self.down: set[str] = set()
        self._daily: dict[str, tuple[HfPaper, ...]] = {}
        self._streak: Counter[str] = Counter()
        self._unreadable: set[str] = set()

    # --- sources -------------------------------------------------------------------------

    def _call(self, source: str, call: Callable[..., T], *args: object) -> T:
        """Run one client call; count failures in a row and stop using a failing source."""
        if source in self.down:
            raise _Down(source)
        try:
            result = call(*args)
        except FetchError as exc:
            self._streak[source] += 1
            self.outcome.failed.append(str(exc))
            if self._streak[source] >= BREAKER:
                self.down.add(source)
                self.outcome.failed.append(f"{source}: {BREAKER} failures in a row; not asked "
                                           "again in this run")
            raise
        self._streak[source] = 0
        return result

    def _daily_papers(self, day: str) -> Found:
        if day not in self._daily:
            answer = self._call(huggingface.SOURCE, self.hf.daily_papers, date.fromisoformat(day))
            self._daily[day] = answer.papers  # a refused date (HTTP 400) has none
        return [(_hf_candidate(p), p) for p in self._daily[day]]

    def _hf_search(self, title: str) -> Found:
        found = self._call(huggingface.SOURCE, self.hf.search, title)
        return [(_hf_candidate(p), p) for p in found]

    def _arxiv_search(self, title: str) -> Found:
        found = self._call(arxiv.SOURCE, self.arxiv.search_title, title)
        return [(_arxiv_candidate(r), r) for r in found]

    # --- the store -----------------------------------------------------------------------

    def save(self, meta: PaperMetadata) -> None:
        """Merge with what is stored and write the paper's file (atomically).

        A file that exists but could not be read (its problem is reported) is left as it
        is: it may hold someone's edit, and the next run tries again once it is fixed.
        """
        old = self.papers.get(meta.arxiv_id)
        path = ms.paper_file(self.content, meta.arxiv_id)
        if old is None and path.exists():
            if meta.arxiv_id not in self._unreadable:
                self._unreadable.add(meta.arxiv_id)
                self.outcome.failed.append(f"{_store_path(self.content, meta.arxiv_id)}: "
                                           "not updated, it could not be read (see above)")
            return
        merged = ms.merge(old, meta)
        ms.write_paper(self.content, merged)
        self.papers[meta.arxiv_id] = merged

    # --- phase 1: titles to ids ----------------------------------------------------------

    def resolve(self, target: Target) -> None:
        """Look one paper up: Daily Papers, Hugging Face search, arXiv search; apply only a
        certain match; keep the near misses for the report."""
        steps: list[tuple[str, Callable[[], Found]]] = [
            *(("huggingface daily papers", partial(self._daily_papers, day))
              for day in target.daily_dates),
            ("huggingface search", partial(self._hf_search, target.pasted.title)),
            ("arxiv search", partial(self._arxiv_search, target.pasted.title)),
        ]
        near: dict[str, Scored] = {}
        failed = False
        for label, step in steps:
            try:
                found = step()
            except (FetchError, _Down):
                failed = True
                continue
            decision = decide(target.pasted, (c for c, _ in found))
            if decision.verdict == "certain" and decision.match is not None:
                chosen = decision.match.candidate.arxiv_id
                payload = next(p for c, p in found if c.arxiv_id == chosen)
                self._apply(target, chosen, decision.reason, label, payload)
                return
            for scored in decision.near:
                old = near.get(scored.candidate.arxiv_id)
                if old is None or scored.ratio > old.ratio:
                    near[scored.candidate.arxiv_id] = scored
        if near:
            best = tuple(sorted(near.values(), key=lambda s: (-s.ratio, s.candidate.arxiv_id)))
            self.outcome.review.append((target, Decision("near", None, "not certain", best)))
        elif failed:
            self.outcome.failed.append(f"{target.where}: not looked up completely: "
                                       f"{target.pasted.title[:60]!r}")
        else:
            self.outcome.not_found.append(target)

    def _apply(self, target: Target, arxiv_id: str, how: str, label: str,
               payload: HfPaper | ArxivRecord) -> None:
        match = ms.new_match(how, label, self.today, (target.pasted.title,))
        if isinstance(payload, ArxivRecord):
            meta = PaperMetadata(arxiv_id, "", match, arxiv=ms.arxiv_block(payload, self.today))
        else:
            meta = PaperMetadata(arxiv_id, "", match,
                                 huggingface=ms.huggingface_block(payload, self.today))
        self.save(meta)
        self.outcome.resolved.append((target.where, arxiv_id, how))

    # --- phase 2: full arXiv records -----------------------------------------------------

    def fetch_records(self, ids: Sequence[str], why: dict[str, str],
                      where: dict[str, tuple[str, ...]]) -> None:
        """One id_list request for up to 100 ids; each record is stored on arrival."""
        try:
            lookup = self._call(arxiv.SOURCE, self.arxiv.fetch, list(ids))
        except (FetchError, _Down):
            return
        for arxiv_id, record in sorted(lookup.records.items()):
            reason = why.get(arxiv_id, "")
            match = {LISTING: ms.new_match("id in listing", LISTING, self.today),
                     OVERRIDE: ms.new_match("confirmed", "overrides.yaml", self.today)
                     }.get(reason, ms.new_match("", "", ""))
            self.save(PaperMetadata(arxiv_id, "", match,
                                    arxiv=ms.arxiv_block(record, self.today)))
            self.outcome.records += 1
            for place in where.get(arxiv_id, ()) if reason in (LISTING, OVERRIDE) else ():
                self.outcome.resolved.append((place, arxiv_id, match.how))
        for arxiv_id in sorted({*lookup.rejected, *lookup.missing}):
            places = where.get(arxiv_id) or (_store_path(self.content, arxiv_id),)
            for place in places:
                path, line = _split_where(place)
                self.problems.error(path, line, lookup.rejected.get(arxiv_id)
                                    or f"arXiv has no paper {arxiv_id}")
                self.outcome.missing.append((place, arxiv_id))

    # --- phase 3: Hugging Face pages -----------------------------------------------------

    def fetch_hf(self, arxiv_id: str) -> None:
        """Hugging Face's page of a stored paper (upvotes as of today; 404: not indexed)."""
        meta = self.papers.get(arxiv_id)
        if meta is None:
            return  # its record could not be fetched; the next run tries again
        try:
            page = self._call(huggingface.SOURCE, self.hf.paper, arxiv_id)
        except (FetchError, _Down):
            return
        self.save(replace(meta, huggingface=ms.huggingface_block(page, self.today)))
        self.outcome.hf_pages += 1


def _store_path(content: Path, arxiv_id: str) -> str:
    path = ms.paper_file(content, arxiv_id)
    try:
        return path.relative_to(content.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _split_where(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (where or "content/metadata", 0)


def batches(ids: Sequence[str], size: int = arxiv.BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# items, label → a context giving the items back (click.progressbar fits)
Progress = Callable[[Sequence[Any], str], AbstractContextManager[Iterable[Any]]]


def _no_progress(items: Sequence[Any], label: str) -> AbstractContextManager[Iterable[Any]]:
    return nullcontext(items)


def run(enricher: Enricher, work: Plan, *, progress: Progress | None = None) -> Outcome:
    """Resolve titles, then fetch records and Hugging Face pages; the store grows as it goes."""
    show: Progress = progress or _no_progress
    with show(work.search, "looking up titles") as searching:
        for target in searching:
            enricher.resolve(target)
    why = dict(work.records)
    for meta in enricher.papers.values():  # resolved now, or stored earlier without a record
        if meta.arxiv is None and meta.arxiv_id not in why:
            why[meta.arxiv_id] = "resolved"
    ids = sorted(why)
    chunks = list(batches(ids))
    with show(chunks, "fetching arXiv records") as fetching:
        for chunk in fetching:
            enricher.fetch_records(chunk, why, work.where)
    hf_ids = sorted(set(work.hf) | {i for i, m in enricher.papers.items()
                                    if m.huggingface is None})
    with show(hf_ids, "fetching Hugging Face pages") as pages:
        for arxiv_id in pages:
            enricher.fetch_hf(arxiv_id)
    return enricher.outcome


# --- the dry run ------------------------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    """Requests a run would send (fewest and most) and the waiting their spacing imposes."""

    search: int  # papers to look up by title
    daily_dates: int
    records: int  # arXiv records wanted by id before any lookup
    few: tuple[int, int]  # (arXiv, Hugging Face) requests when every title is found at once
    likely: tuple[int, int]  # ... when Hugging Face's search finds every title
    most: tuple[int, int]  # ... when every title goes through every search
    arxiv_spacing: float
    hf_spacing: float

    def seconds(self, requests: tuple[int, int]) -> float:
        """Time the spacing alone takes, at most (arXiv's and Hugging Face's added up)."""
        return requests[0] * self.arxiv_spacing + requests[1] * self.hf_spacing


def project(work: Plan, arxiv_spacing: float, hf_spacing: float,
            empty_retries: int = 2) -> Projection:
    """Bounds on what a run sends, counted from the plan by the rules ``run`` follows."""
    n = len(work.search)
    dated = len(work.daily_dates)
    undated = sum(1 for t in work.search if not t.daily_dates)

    def id_lists(count: int) -> int:
        return -(-count // arxiv.BATCH)

    # fewest: each title found by its first Hugging Face request (its listing's Daily
    # Papers, else the search), then one id_list slot per paper
    few = (id_lists(len(work.records) + n), dated + undated + len(work.hf))
    # likely for pasted Hugging Face pages: Daily Papers rarely hold a page's older papers,
    # so every title goes through Hugging Face's search, which finds it
    likely = (id_lists(len(work.records) + n), dated + n + len(work.hf))
    # most: every title through Daily Papers, Hugging Face and arXiv search (an empty
    # arXiv page asked again), found by the last, then its Hugging Face page
    most = (n * (1 + empty_retries) + id_lists(len(work.records)), dated + 2 * n + len(work.hf))
    return Projection(n, dated, len(work.records), few, likely, most, arxiv_spacing, hf_spacing)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def describe_projection(p: Projection, work: Plan) -> list[str]:
    lines = [(f"{p.search} papers to look up by title ({p.daily_dates} Daily Papers dates), "
             f"{p.records} arXiv records to fetch by id, {work.stored} papers already stored, "
             f"{work.not_on_arxiv} not on arXiv (overrides)")]
    for name, requests in (("fewest", p.few), ("likely", p.likely), ("most", p.most)):
        lines.append(f"{name} requests: arXiv {requests[0]}, Hugging Face {requests[1]}; "
                     f"spacing ({p.arxiv_spacing:g} s, {p.hf_spacing:g} s) alone takes at most "
                     f"{_duration(p.seconds(requests))}")
    return lines


def summary(outcome: Outcome) -> list[str]:
    """The final count, then every near miss with its candidates."""
    lines = [f"resolved {len(outcome.resolved)} / needs review {len(outcome.review)} / "
             f"not found {len(outcome.not_found) + len(outcome.missing)}"
             + (f" / failed {len(outcome.failed)}" if outcome.failed else ""),
             (f"fetched {outcome.records} arXiv records by id and {outcome.hf_pages} "
             "Hugging Face pages")]
    for target, decision in outcome.review:
        lines.append(f"{target.where}: needs review: {target.pasted.title!r}")
        lines.extend(f"    candidate {s.describe()}" for s in decision.near[:5])
    if outcome.review:
        lines.append("confirm a candidate in content/metadata/overrides.yaml: "
                     "- {title: \"...\", arxiv: \"2401.01234\"} (arxiv: none = not on arXiv)")
    for target in outcome.not_found:
        lines.append(f"{target.where}: not found: {target.pasted.title!r}")
    return lines


# --- the command ------------------------------------------------------------------------

def command(cfg: Config, corpus: Corpus, problems: Problems, *, refresh: bool = False,
            limit: int | None = None, dry_run: bool = False,
            environ: Mapping[str, str] | None = None, today: date | None = None,
            progress: Progress | None = None, echo: Callable[[str], None] = print,
            warn: Callable[[str], None] = print, clock: Clock | None = None) -> int:
    """Run ``digest enrich``; returns the exit code (1: bad input or failed requests)."""
    store = read_store(cfg.root, cfg.content_dir, problems)
    work = plan(corpus, store, refresh=refresh, limit=limit)
    apis = cfg.apis.with_env(os.environ if environ is None else environ)
    spacing: dict[str, float] = {}
    for url, seconds in ((apis.arxiv, apis.arxiv_spacing),
                         (apis.huggingface, apis.huggingface_spacing)):
        host = host_of(url)
        spacing[host] = max(spacing.get(host, 0.0), spacing_for(host, seconds))
    if dry_run:
        projection = project(work, spacing[host_of(apis.arxiv)],
                             spacing[host_of(apis.huggingface)])
        for line in describe_projection(projection, work):
            echo(line)
        return 0
    ms.remove_stale_temporaries(cfg.content_dir)
    with Http(spacing=spacing, clock=clock, notify=warn) as http:
        enricher = Enricher(cfg.content_dir, store, ArxivClient(http, apis.arxiv),
                            HuggingFaceClient(http, apis.huggingface), today or build_date(),
                            problems)
        try:
            outcome = run(enricher, work, progress=progress)
        except KeyboardInterrupt:
            for line in summary(enricher.outcome):
                echo(line)
            warn("interrupted: every paper stored so far is kept; run digest enrich again "
                 "to continue")
            return 130
    for line in summary(outcome):
        echo(line)
    for message in outcome.failed:
        warn(f"error: {message}")
    return 1 if problems.errors or outcome.failed else 0
