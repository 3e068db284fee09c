"""``digest fetch``: each configured source's recent days → one records listing per day.

Hugging Face Daily Papers is asked day by day (``/daily_papers?date=``, paged); an
arXiv query once for the submissions announced in the whole range of days (sorted by
submission date, paged), its records grouped by the day arXiv announced their first
version (``digest.fetch.announce``: the listing's date, Monday to Friday, not the UTC
day of the submission; a Saturday or Sunday is fetched with none). Where the query
names categories, their announcement feeds (``digest.fetch.arxiv_rss``) overrule that
schedule for the latest listing (holidays), and a paper already in one of the source's
listings stays in it. Each day with papers becomes
``content/listings/<day>-<source>.json`` in the records format, with the arXiv id,
authors, abstract, date, links and upvotes, so it needs no enrich step. A paper
already in the digest (any other listing, by arXiv id or, for pasted papers, by the
id enrich stored for its title, or by title) is left out. Files are replaced
atomically and only when their text changes, and every fetched day (empty ones too)
gets one line in ``content/fetch-log.tsv``: fetching a day again with the same result
changes no file, and only upvotes change otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from digest.commands import metadata_store as ms
from digest.config import Config, Source
from digest.corpus.ingest import Corpus
from digest.fetch import arxiv, arxiv_rss, huggingface
from digest.fetch.announce import (
    announcement_day,
    is_edition_day,
    listing_days_back,
    submission_window,
)
from digest.fetch.arxiv import ArxivClient, ArxivRecord
from digest.fetch.arxiv_rss import AnnouncementClient, categories_of
from digest.fetch.huggingface import HfPaper, HuggingFaceClient
from digest.fetch.policy import BadResponse, Clock, FetchError, Http, host_of, spacing_for
from digest.inputs.fetchlog import Fetched, format_log, log_path
from digest.text.arxivid import abs_url, pdf_url
from digest.text.slugs import title_key

LISTINGS = "listings"


@dataclass(frozen=True)
class DayResult:
    """What fetching one day of one source gave."""

    source: str
    day: str
    found: int  # papers the source gave for the day
    listed: int  # papers in its listing (the others are elsewhere in the digest)
    new: int  # papers that were nowhere in the digest before this run
    path: str | None = None  # the listing, when there is one
    changed: bool = False  # the listing's text changed (new papers or counts)
    note: str = ""  # e.g. Hugging Face refused the date

    def describe(self) -> str:
        head = f"{self.source} {self.day}: "
        if not self.found:
            return head + "fetched, 0 new" + (f" ({self.note})" if self.note else "")
        state = "written" if self.changed else "unchanged"
        where = f" → {self.path} ({state})" if self.path else " (all already in the digest)"
        return (f"{head}{self.found} paper{'' if self.found == 1 else 's'}, {self.new} new, "
                f"{self.found - self.listed} in other listings{where}")


@dataclass
class Outcome:
    days: list[DayResult] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # messages naming the source
    requests: dict[str, int] = field(default_factory=dict)  # API name → requests sent


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def default_start(source: Source, log: Iterable[Fetched], today: date) -> date:
    """The day after the newest fetched day, but never later than the backfill window:
    the last ``backfill_days`` days are always fetched again, papers keep arriving. For
    arXiv those are listing days (Monday to Friday), not calendar days."""
    window = (listing_days_back(today, source.backfill_days) if source.kind == "arxiv"
              else today - timedelta(days=source.backfill_days - 1))
    days = [e.day for e in log if e.source == source.name and e.day <= today.isoformat()]
    if not days:
        return window
    return min(date.fromisoformat(max(days)) + timedelta(days=1), window)


class UsageProblem(Exception):
    """The command line names no source, or an unknown one."""


def plan(sources: Sequence[Source], log: Sequence[Fetched], today: date, which: str | None,
         *, on: date | None = None, since: date | None = None,
         query: str | None = None) -> list[tuple[Source, list[date]]]:
    """Which sources to fetch and their days.

    ``which``: None (every configured source), a configured source's name, or
    ``huggingface`` / ``arxiv`` (the configured one of that kind, or an ad hoc source of
    that name; an arXiv one needs ``query``).
    """
    chosen: list[Source]
    if which is None:
        if query:
            raise UsageProblem("--query needs a source: digest fetch arxiv --query '...'")
        chosen = list(sources)
        if not chosen:
            raise UsageProblem("digest.yaml lists no sources: add 'sources:' or run "
                               "digest fetch huggingface --date YYYY-MM-DD")
    elif any(s.name == which for s in sources) and not query:
        chosen = [s for s in sources if s.name == which]
    elif which in ("huggingface", "arxiv"):
        same = [s for s in sources if s.kind == which
                and (query is None or s.query == query)]
        if query is not None and which == "huggingface":
            raise UsageProblem("--query is for arxiv")
        if len(same) == 1:
            chosen = same
        elif which == "arxiv" and not query:
            raise UsageProblem("digest fetch arxiv needs --query '...' (or one arxiv source "
                               "in digest.yaml)")
        else:
            chosen = [Source(which, which, query)]
    else:
        names = ", ".join(s.name for s in sources) or "none configured"
        raise UsageProblem(f"unknown source {which!r} (sources: {names}; or huggingface, "
                           "arxiv)")
    if on is not None and since is not None:
        raise UsageProblem("give --date or --since, not both")
    found = []
    for source in chosen:
        first = on or since or default_start(source, log, today)
        last = on or today
        if first > last:
            raise UsageProblem(f"--since {first} is after today ({today})")
        found.append((source, day_range(first, last)))
    return found


# --- records ----------------------------------------------------------------------------

def _links(arxiv_id: str, *more: str | None) -> list[str]:
    return list(dict.fromkeys([abs_url(arxiv_id), pdf_url(arxiv_id),
                               *(m for m in more if m)]))


def hf_record(paper: HfPaper, day: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "arxiv": paper.arxiv_id, "title": paper.title, "authors": list(paper.authors),
        "abstract": paper.summary, "date": (paper.published or day)[:10],
        "links": _links(paper.arxiv_id, paper.github_repo, paper.project_page),
    }
    if paper.upvotes is not None:
        record["upvotes"] = paper.upvotes
    if paper.submitter:
        record["submitter"] = paper.submitter
    return {k: v for k, v in record.items() if v not in ("", [], None)}


def arxiv_record(record: ArxivRecord) -> dict[str, Any]:
    doi = f"https://doi.org/{record.doi}" if record.doi else None
    found: dict[str, Any] = {
        "arxiv": record.id, "title": record.title,
        "authors": [a.name for a in record.authors], "abstract": record.summary,
        "date": record.published_date, "links": _links(record.id, doi),
    }
    return {k: v for k, v in found.items() if v not in ("", [], None)}


def listing_text(records: Sequence[dict[str, Any]]) -> str:
    """Sorted by arXiv id (not by upvotes: a refetch must not reorder the file)."""
    ordered = sorted(records, key=lambda r: str(r["arxiv"]))
    return json.dumps(ordered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically replace ``path`` when its text differs; True when it was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    ms.write_atomic(path, text)
    return True


# --- what the digest already holds --------------------------------------------------------

@dataclass
class Known:
    """Where each paper of the digest is listed: by arXiv id and by title key."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # id → listing paths
    titles: dict[str, set[str]] = field(default_factory=dict)  # title key → listing paths

    @classmethod
    def of(cls, corpus: Corpus, stored_titles: Mapping[str, str]) -> Known:
        """``stored_titles``: title key → arXiv id enrich resolved (metadata store)."""
        known = cls()
        for paper in corpus.papers:
            paths = {s.path for s in paper.sources}
            key = title_key(paper.title)
            arxiv_id = paper.arxiv_id or stored_titles.get(key)
            if arxiv_id:
                known.ids.setdefault(arxiv_id, set()).update(paths)
            known.titles.setdefault(key, set()).update(paths)
        return known

    def elsewhere(self, arxiv_id: str, title: str, path: str) -> bool:
        """Listed in a file other than ``path``."""
        return bool(self.ids.get(arxiv_id, set()) - {path}) or \
            bool(self.titles.get(title_key(title), set()) - {path})

    def seen_in(self, arxiv_id: str, path: str) -> bool:
        return path in self.ids.get(arxiv_id, set())

    def add(self, arxiv_id: str, title: str, path: str) -> None:
        self.ids.setdefault(arxiv_id, set()).add(path)
        self.titles.setdefault(title_key(title), set()).add(path)


# --- a run ----------------------------------------------------------------------------------

class Fetcher:
    """One run: the clients, what the digest holds, the log as it grows."""

    def __init__(self, root: Path, content: Path, known: Known, log: list[Fetched],
                 hf_client: HuggingFaceClient, arxiv_client: ArxivClient,
                 echo: Callable[[str], None] = print, *,
                 announcements: AnnouncementClient | None = None,
                 warn: Callable[[str], None] = print) -> None:
        self.root = root
        self.content = content
        self.known = known
        self.log = list(log)
        self.hf = hf_client
        self.arxiv = arxiv_client
        self.announcements = announcements
        self.echo = echo
        self.warn = warn
        self.outcome = Outcome()

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def save_day(self, source: Source, day: str, records: list[dict[str, Any]],
                 note: str = "") -> DayResult:
        """Write the day's listing (papers not listed elsewhere) and its log line."""
        path = self.content / LISTINGS / f"{day}-{source.name}.json"
        rel = self._rel(path)
        kept, new = [], 0
        for record in records:
            arxiv_id, title = str(record["arxiv"]), str(record["title"])
            if self.known.elsewhere(arxiv_id, title, rel):
                continue
            new += 0 if self.known.seen_in(arxiv_id, rel) else 1
            kept.append(record)
        changed = False
        if kept:  # a listing without papers is an error; an existing one is left as it is
            changed = write_if_changed(path, listing_text(kept))
            for record in kept:
                self.known.add(str(record["arxiv"]), str(record["title"]), rel)
        result = DayResult(source.name, day, len(records), len(kept), new,
                           rel if kept or path.exists() else None, changed, note)
        self.log.append(Fetched(source.name, day, len(records), len(kept)))
        write_if_changed(log_path(self.content), format_log(self.log))
        self.outcome.days.append(result)
        self.echo(result.describe())
        return result

    def fetch_huggingface(self, source: Source, days: Sequence[date]) -> None:
        for day in days:
            answer = self.hf.daily_papers(day)
            note = f"{huggingface.SOURCE} refused the date: {answer.rejected}" \
                if answer.rejected else ""
            self.save_day(source, day.isoformat(),
                          [hf_record(p, day.isoformat()) for p in answer.papers], note)

    def own_days(self, source: Source) -> dict[str, str]:
        """arXiv id → the date of the listing of ``source`` that holds it already."""
        named = re.compile(rf"(?:^|/){LISTINGS}/(\d{{4}}-\d{{2}}-\d{{2}})-"
                           rf"{re.escape(source.name)}\.json$")
        found: dict[str, str] = {}
        for arxiv_id, paths in self.known.ids.items():
            days = sorted(m.group(1) for m in map(named.search, paths) if m)
            if days:
                found[arxiv_id] = days[0]
        return found

    def announced(self, source: Source) -> dict[str, str]:
        """arXiv id → listing date from the announcement feeds of the query's categories;
        a feed that cannot be read is a warning (the schedule still dates its papers)."""
        found: dict[str, str] = {}
        if self.announcements is None or source.query is None:
            return found
        for category in categories_of(source.query):
            try:
                latest = self.announcements.latest(category)
            except FetchError as exc:
                self.warn(f"warning: source {source.name!r}: {exc}; its papers are dated by "
                          "arXiv's schedule alone")
                continue
            for arxiv_id, day in latest.items():
                found[arxiv_id] = min(found.get(arxiv_id, day.isoformat()), day.isoformat())
        return found

    def fetch_arxiv(self, source: Source, days: Sequence[date]) -> None:
        """One query for the submissions the days' listings announce, grouped by listing:
        the one of this source that holds a paper already, else the announcement feed's
        date, else the schedule's day for its first version (``published`` is version 1's
        time, so a replaced paper stays in its first listing)."""
        assert source.query is not None
        windows = [w for w in map(submission_window, days) if w is not None]
        by_day: dict[str, list[dict[str, Any]]] = {}
        if windows:
            found = self.arxiv.search_submitted(source.query, windows[0][0], windows[-1][1])
            own, feed = self.own_days(source), self.announced(source)
            for record in found:
                try:
                    scheduled = announcement_day(record.published).isoformat()
                except ValueError:
                    raise BadResponse(arxiv.SOURCE, self.arxiv.url, f"record {record.id} has "
                                      f"an unreadable <published> {record.published!r}") from None
                # the query's edges are whole minutes: a neighbour day's paper is its own
                by_day.setdefault(own.get(record.id) or feed.get(record.id) or scheduled,
                                  []).append(arxiv_record(record))
        for day in days:
            note = "" if is_edition_day(day) else "arXiv dates no listing on a weekend"
            self.save_day(source, day.isoformat(), by_day.get(day.isoformat(), []), note)

    def fetch(self, source: Source, days: Sequence[date]) -> bool:
        """One source's days; a failure is reported naming the source, the others go on."""
        try:
            if source.kind == "huggingface":
                self.fetch_huggingface(source, days)
            else:
                self.fetch_arxiv(source, days)
        except FetchError as exc:
            self.outcome.failed.append(f"source {source.name!r} failed: {exc}; its listings "
                                       "were left as they were")
            return False
        return True


def command(cfg: Config, corpus: Corpus, log: list[Fetched], stored_titles: Mapping[str, str],
            plan: Sequence[tuple[Source, Sequence[date]]], *,
            environ: Mapping[str, str], echo: Callable[[str], None] = print,
            warn: Callable[[str], None] = print, clock: Clock | None = None) -> Outcome:
    """Fetch each planned source's days; ``outcome.failed`` names the failed sources."""
    apis = cfg.apis.with_env(environ)
    spacing: dict[str, float] = {}
    for url, seconds in ((apis.arxiv, apis.arxiv_spacing),
                         (apis.huggingface, apis.huggingface_spacing),
                         (apis.arxiv_rss, apis.arxiv_spacing)):
        host = host_of(url)
        spacing[host] = max(spacing.get(host, 0.0), spacing_for(host, seconds))
    listings = cfg.content_dir / LISTINGS
    for stale in sorted(listings.glob(".*.tmp")) if listings.is_dir() else []:
        stale.unlink(missing_ok=True)  # left by a killed run; never read as a listing
    with Http(spacing=spacing, clock=clock, notify=warn) as http:
        fetcher = Fetcher(cfg.root, cfg.content_dir, Known.of(corpus, stored_titles), log,
                          HuggingFaceClient(http, apis.huggingface),
                          ArxivClient(http, apis.arxiv), echo,
                          announcements=AnnouncementClient(http, apis.arxiv_rss), warn=warn)
        for source, days in plan:
            fetcher.fetch(source, days)
        fetcher.outcome.requests = {name: http.sent[name]
                                    for name in (huggingface.SOURCE, arxiv.SOURCE,
                                                 arxiv_rss.SOURCE)
                                    if http.sent[name]}
    return fetcher.outcome


def summary(outcome: Outcome) -> str:
    listed = sum(d.new for d in outcome.days)
    written = sum(1 for d in outcome.days if d.changed)
    sent = ", ".join(f"{name} {count}" for name, count in sorted(outcome.requests.items()))
    return (f"fetched {len(outcome.days)} source-days: {listed} new papers, {written} listings "
            f"written; requests: {sent or 'none'}"
            + (f"; {len(outcome.failed)} source(s) failed" if outcome.failed else ""))
