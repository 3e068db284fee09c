"""A local stand-in for the arXiv and Hugging Face APIs, for tests that must not touch the net.

It listens on 127.0.0.1 (a free port) and answers in the shapes of the recorded bodies in
``../shared/api-samples``: arXiv's Atom feed (2026 element order, or the 2016 one with
wrapped titles and per-element namespaces), its HTTP 400 ``Error`` entry, Hugging Face's
JSON lists of ``{paper: {...}}`` items with arXiv's line wraps in ``paper.title``. What
it knows is a ``World`` of invented papers; a test can queue scripted replies (errors,
empty pages, delays) that are served before the world answers. Every request is logged.

The searches imitate the services roughly: arXiv's ``ti:"phrase"`` matches titles whose
words hold the phrase's words in a row (``LLaVA++`` is the word ``llava``, as Lucene
reads it); Hugging Face's search ranks indexed papers by shared words, near misses
included.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import yaml

WORLD = Path(__file__).resolve().parent / "fixtures" / "enrich" / "world.yaml"
# the server's own idea of a well-formed id (independent of digest's)
SCHEME = '"http://arxiv.org/schemas/atom"'
_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_STOP = frozenset({"a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "by", "from",
                   "at", "as", "or", "is", "are"})


@dataclass
class Reply:
    """A scripted answer: status, body, headers, and seconds to wait before answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    authors: tuple[str, ...]
    published: str
    summary: str = ""
    v: int = 1
    updated: str = ""
    primary: str = "cs.LG"
    categories: tuple[str, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    affiliations: dict[str, list[str]] = field(default_factory=dict)
    hf: dict[str, Any] | None = None  # upvotes, github, project, org, featured


@dataclass
class World:
    papers: dict[str, Paper]
    today: str = "2026-03-10"

    @classmethod
    def load(cls, path: Path = WORLD) -> World:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        papers = {}
        for raw in data["papers"]:
            raw = dict(raw)
            for key in ("authors", "categories"):
                raw[key] = tuple(raw.get(key, ()))
            papers[raw["id"]] = Paper(**raw)
        return cls(papers, data.get("today", "2026-03-10"))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


# --- arXiv -----------------------------------------------------------------------------

def _wrap(text: str, width: int, indent: str) -> str:
    """Hard-wrap as the 2016 service did."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return f"\n{indent}".join(lines)


def atom_entry(p: Paper, legacy: bool = False) -> str:
    ident = f"{p.id}v{p.v}"
    updated = p.updated or p.published
    ns = ' xmlns:arxiv="http://arxiv.org/schemas/atom"' if legacy else ""
    authors = "".join(
        f"    <author>\n      <name>{escape(a)}</name>\n"
        + "".join(f"      <arxiv:affiliation{ns}>{escape(f)}</arxiv:affiliation>\n"
                  for f in p.affiliations.get(a, []))
        + "    </author>\n"
        for a in p.authors)
    cats = [p.primary, *p.categories]
    optional = "".join(
        f"    <arxiv:{tag}{ns}>{escape(value)}</arxiv:{tag}>\n"
        for tag, value in (("comment", p.comment), ("journal_ref", p.journal_ref))
        if value)
    doi = f"    <arxiv:doi{ns}>{escape(p.doi)}</arxiv:doi>\n" if p.doi else ""
    if legacy:  # 2016: published before title, wrapped text, links and categories last
        return (
            f"  <entry>\n    <id>http://arxiv.org/abs/{ident}</id>\n"
            f"    <updated>{updated}</updated>\n    <published>{p.published}</published>\n"
            f"    <title>{escape(_wrap(p.title, 70, '  '))}</title>\n"
            f"    <summary>  {escape(_wrap(p.summary, 78, ''))}\n</summary>\n"
            f"{authors}{doi}{optional}"
            f'    <link href="http://arxiv.org/abs/{ident}" rel="alternate" type="text/html"/>\n'
            f'    <link title="pdf" href="http://arxiv.org/pdf/{ident}" rel="related" '
            'type="application/pdf"/>\n'
            f'    <arxiv:primary_category{ns} term={quoteattr(p.primary)} '
            'scheme="http://arxiv.org/schemas/atom"/>\n'
            + "".join(f"    <category term={quoteattr(c)} scheme={SCHEME}/>\n" for c in cats)
            + "  </entry>\n")
    return (
        f"  <entry>\n    <id>http://arxiv.org/abs/{ident}</id>\n"
        f"    <title>{escape(p.title)}</title>\n    <updated>{updated}</updated>\n"
        f'    <link href="https://arxiv.org/abs/{ident}" rel="alternate" type="text/html"/>\n'
        f'    <link href="https://arxiv.org/pdf/{ident}" rel="related" type="application/pdf" '
        'title="pdf"/>\n'
        f"    <summary>{escape(p.summary)}</summary>\n"
        + "".join(f"    <category term={quoteattr(c)} scheme={SCHEME}/>\n" for c in cats)
        + f"    <published>{p.published}</published>\n{optional}"
        f"    <arxiv:primary_category term={quoteattr(p.primary)}/>\n{authors}{doi}  </entry>\n")


def rss_feed(category: str, day: str, entries: list[tuple[str, str]]) -> bytes:
    """An announcement feed (rss.arxiv.org/atom/<category>) dated ``day``: entries as
    (id with version, announce type), shaped like ../shared/api-samples/arxiv-rss_*."""
    body = "".join(
        f"  <entry>\n    <id>oai:arXiv.org:{ident}</id>\n    <title>Paper {ident}</title>\n"
        f"    <updated>{day}T04:00:19.899254+00:00</updated>\n"
        f"    <summary>arXiv:{ident} Announce Type: {kind} \nAbstract: x</summary>\n"
        f"    <published>{day}T00:00:00-04:00</published>\n"
        f"    <arxiv:announce_type>{kind}</arxiv:announce_type>\n"
        "    <dc:creator>A. Author</dc:creator>\n  </entry>\n" for ident, kind in entries)
    return ("<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns:arxiv="http://arxiv.org/schemas/atom" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" '
            f'xml:lang="en-us">\n  <id>http://rss.arxiv.org/atom/{category}</id>\n'
            f"  <title>{category} updates on arXiv.org</title>\n{body}</feed>\n").encode()


def atom_feed(entries: list[Paper], query: str, legacy: bool = False, total: int | None = None,
              per_page: int = 10) -> bytes:
    total = len(entries) if total is None else total
    body = "".join(atom_entry(p, legacy) for p in entries)
    if legacy:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f'  <title type="html">ArXiv Query: {escape(query)}</title>\n'
            "  <id>http://arxiv.org/api/replay</id>\n"
            "  <updated>2016-10-09T00:00:00-04:00</updated>\n"
            f'  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"{total}</opensearch:totalResults>\n")
    else:
        head = (
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
            "  <id>https://arxiv.org/api/replay</id>\n"
            f"  <title>arXiv Query: {escape(query)}</title>\n"
            "  <updated>2026-04-12T22:09:26Z</updated>\n"
            f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
            "  <opensearch:startIndex>0</opensearch:startIndex>\n")
    return (head + body + "</feed>\n").encode()


def error_feed(bad: str) -> bytes:
    """arXiv's answer to a malformed id: HTTP 400 and one entry titled Error."""
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        "  <updated>2026-04-12T22:59:06Z</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad)}</id>\n"
        "    <title>Error</title>\n    <updated>2026-04-12T22:59:06Z</updated>\n"
        f'    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad)}" '
        'rel="alternate" type="text/html"/>\n'
        f"    <summary>incorrect id format for {escape(bad)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    ).encode()


EMPTY_FEED = atom_feed([], "search_query=&id_list=&start=0&max_results=10")


# --- Hugging Face -------------------------------------------------------------------------

def hf_paper(p: Paper) -> dict[str, Any]:
    """A paper object as ``/api/papers/{id}`` and the ``paper`` of list items give it."""
    hf = p.hf or {}
    authors = []
    for n, name in enumerate(p.authors):
        author: dict[str, Any] = {"_id": f"{abs(hash((p.id, n))) % 16**24:024x}", "name": name,
                                  "hidden": False}
        if n == 0:
            author["status"] = "claimed_verified"
        authors.append(author)
    paper: dict[str, Any] = {
        "id": p.id, "authors": authors, "publishedAt": p.published.replace("Z", ".000Z"),
        "title": _wrap(p.title, 66, "  "),  # arXiv's hard wraps survive in paper.title
        "summary": _wrap(p.summary, 78, ""), "upvotes": hf.get("upvotes", 0),
        "discussionId": f"{abs(hash(p.id)) % 16**24:024x}",
    }
    if hf.get("github"):
        paper["githubRepo"] = hf["github"]
    if hf.get("project"):
        paper["projectPage"] = hf["project"]
    if hf.get("org"):
        handle, full = hf["org"]
        paper["organization"] = {"_id": "0" * 24, "name": handle, "fullname": full}
    return paper


def hf_item(p: Paper) -> dict[str, Any]:
    """A ``daily_papers`` / ``papers/search`` list item."""
    featured = (p.hf or {}).get("featured", p.published[:10])
    return {"paper": hf_paper(p), "publishedAt": f"{featured}T00:57:09.392Z", "title": p.title,
            "summary": p.summary, "thumbnail": f"https://cdn.example/{p.id}.png",
            "numComments": 0, "submittedBy": {"fullname": "Curator", "name": "curator",
                                              "type": "user", "isPro": False}}


class FakeClock:
    """Time that moves only when the code sleeps (or the test says so)."""

    def __init__(self, start: float = 1_000.0, wall: float = 1_780_000_000.0) -> None:
        self.now = start
        self.wall = wall
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- the server ---------------------------------------------------------------------------

class ReplayServer:
    """Serve ``/arxiv/api/query`` and ``/hf/api/...`` from a world and a script."""

    def __init__(self, world: World | None = None, *, legacy: bool = False) -> None:
        self.world = world or World({})
        self.legacy = legacy
        self.script: dict[str, deque[Reply]] = defaultdict(deque)
        self.log: list[tuple[str, dict[str, list[str]]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.arxiv_url = f"{self.url}/arxiv/api/query"
        self.rss_url = f"{self.url}/arxiv-rss/atom"
        self.hf_url = f"{self.url}/hf/api"

    def queue(self, route: str, *replies: Reply) -> None:
        """Serve these before the world answers ``route``: arxiv, arxiv-rss, hf-daily,
        hf-search, hf-paper."""
        self.script[route].extend(replies)

    def requests(self, route: str) -> list[dict[str, list[str]]]:
        return [q for r, q in self.log if r == route]

    @contextmanager
    def running(self) -> Iterator[ReplayServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join()

    # --- answering ---

    def _route(self, path: str) -> str:
        if path == "/arxiv/api/query":
            return "arxiv"
        if path.startswith("/arxiv-rss/atom/"):
            return "arxiv-rss"
        if path == "/hf/api/daily_papers":
            return "hf-daily"
        if path == "/hf/api/papers/search":
            return "hf-search"
        if path.startswith("/hf/api/papers/"):
            return "hf-paper"
        return "unknown"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = parse_qs(url.query, keep_blank_values=True)
        route = self._route(url.path)
        with self._lock:
            self.log.append((route, {**query, "_path": [url.path],
                                     "_ua": [handler.headers.get("User-Agent", "")]}))
            scripted = self.script[route].popleft() if self.script[route] else None
        reply = scripted or self._answer(route, url.path, query)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a read timeout under test)

    def _answer(self, route: str, path: str, query: dict[str, list[str]]) -> Reply:
        if route == "arxiv":
            return self._arxiv(query)
        if route == "arxiv-rss":  # unless scripted: a day without a listing
            return Reply(200, rss_feed(path.rsplit("/", 1)[-1], "", []))
        if route == "hf-daily":
            return self._daily(query)
        if route == "hf-search":
            return self._search(query)
        if route == "hf-paper":
            return self._paper(path.removeprefix("/hf/api/papers/"))
        return Reply(404, b"not found")

    def _arxiv(self, query: dict[str, list[str]]) -> Reply:
        xml = {"Content-Type": "application/atom+xml; charset=utf-8"}
        ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        search = query.get("search_query", [""])[0]
        per_page = int(query.get("max_results", ["10"])[0])
        if ids:
            for ident in ids:
                if not _ID.match(ident):
                    return Reply(400, error_feed(ident), xml)
            bases = [re.sub(r"v\d+$", "", i) for i in ids]
            found = [self.world.papers[b] for b in bases if b in self.world.papers]
            return Reply(200, atom_feed(found[:per_page], f"id_list={','.join(ids)}",
                                        self.legacy, per_page=per_page), xml)
        m = re.fullmatch(r'ti:"([^"]*)"', search)
        if not m or re.search(r"[^\w ]", m.group(1)):
            return Reply(400, error_feed(search or "empty_query"), xml)
        phrase = words(m.group(1))
        hits = [p for p in self.world.papers.values()
                if any(words(p.title)[k:k + len(phrase)] == phrase
                       for k in range(len(words(p.title))))]
        hits.sort(key=lambda p: (len(p.title), p.id))
        return Reply(200, atom_feed(hits[:per_page], f"search_query={search}", self.legacy,
                                    per_page=per_page), xml)

    def _indexed(self) -> list[Paper]:
        return [p for p in self.world.papers.values() if p.hf is not None]

    def _daily(self, query: dict[str, list[str]]) -> Reply:
        day = query.get("date", [""])[0]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or day > self.world.today:
            return Reply(400, json.dumps({"error": "Invalid date"}).encode(),
                         {"Content-Type": "application/json"})
        page, limit = int(query.get("p", ["0"])[0]), int(query.get("limit", ["50"])[0])
        featured = sorted((p for p in self._indexed() if (p.hf or {}).get("featured") == day),
                          key=lambda p: p.id)
        chunk = featured[page * limit:(page + 1) * limit]
        return Reply(200, json.dumps([hf_item(p) for p in chunk]).encode(),
                     {"Content-Type": "application/json"})

    def _search(self, query: dict[str, list[str]]) -> Reply:
        q = query.get("q", [""])[0]
        if len(q) > 250:
            return Reply(400, json.dumps({"error": "q is too long"}).encode())
        ours = set(words(q)) - _STOP
        scored = []
        for p in self._indexed():
            theirs = set(words(p.title)) - _STOP
            shared = len(ours & theirs)
            if shared:
                scored.append((-shared / len(ours | theirs), p.id, p))
        scored.sort()
        return Reply(200, json.dumps([hf_item(p) for _, _, p in scored[:8]]).encode(),
                     {"Content-Type": "application/json"})

    def _paper(self, ident: str) -> Reply:
        paper = self.world.papers.get(ident)
        if paper is None or paper.hf is None:
            return Reply(404, json.dumps({"error": "Paper not found"}).encode(),
                         {"Content-Type": "application/json"})
        return Reply(200, json.dumps(hf_paper(paper)).encode(),
                     {"Content-Type": "application/json"})
