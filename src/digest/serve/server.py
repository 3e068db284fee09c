"""Preview server: build into memory → serve under the base path → watch → rebuild → reload.

Nothing is written to disk: each good build's outputs ``{path: bytes}`` are swapped in
whole, and requests that arrive while a change is pending wait for the rebuild, so a
half-built site is never served (MkDocs' livereload does the same). A failed rebuild
keeps the last good site and shows its error as an overlay in every open page.
Requests are answered only from the outputs, by exact key: no URL reaches the disk.
"""

from __future__ import annotations

import gc
import ipaddress
import itertools
import mimetypes
import queue
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

import click

from digest.build import BuildCache, build
from digest.config import CONFIG_NAME, Config
from digest.errors import Problems
from digest.output.render import describe
from digest.serve import livereload
from digest.serve.watch import Change, Kind, Watcher, collect, rerenders_everything
from digest.site import urls
from digest.text.dates import build_date

LoadConfig = Callable[[Problems], Config]
REQUEST_WAIT = 120.0  # longest a request waits for a rebuild before it gets the last good site
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream
_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json", ".woff2": "font/woff2",
}


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class Snapshot:
    """What the server answers from: one good build's outputs and the latest build error."""

    outputs: Mapping[str, bytes]
    base_path: str
    generation: str  # changes with every good build that changed an output; "" before one
    error: str | None = None


class SiteState:
    """The served snapshot, swapped whole; readers wait while a noticed change is unbuilt."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._snapshot = Snapshot({}, "/", "")
        self._noticed = 0  # changes seen by the watcher
        self._covered = 0  # changes the latest finished build (good or bad) had seen
        self._version = 0  # one per publish; event streams follow it
        self.closed = False

    def notice(self) -> None:
        with self._cond:
            self._noticed += 1

    def noticed(self) -> int:
        with self._cond:
            return self._noticed

    def publish(self, snapshot: Snapshot, covers: int) -> None:
        with self._cond:
            self._snapshot = snapshot
            self._covered = max(self._covered, covers)
            self._version += 1
            self._cond.notify_all()

    def current(self, timeout: float = REQUEST_WAIT) -> Snapshot:
        """The snapshot to answer from, once every change noticed so far is built."""
        with self._cond:
            self._cond.wait_for(lambda: self._covered >= self._noticed or self.closed, timeout)
            return self._snapshot

    def after(self, version: int, timeout: float) -> tuple[int, Snapshot]:
        """The next published version and snapshot; ``version`` itself on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._version > version or self.closed, timeout)
            return self._version, self._snapshot

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def is_closed(self) -> bool:
        """Read anew after a wait (a plain ``closed`` test there looks constant to mypy)."""
        return self.closed


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Route:
    status: int
    file: str | None = None  # the output that answers
    location: str | None = None  # where a redirect points


def request_path(target: str) -> str | None:
    """The percent-decoded path of a request target; None unless it is a plain absolute path."""
    raw = target.split("#", 1)[0].split("?", 1)[0]
    if raw.lower().startswith(("http://", "https://")):  # absolute-form, as sent to proxies
        raw = urlsplit(raw).path or "/"
    if not raw.startswith("/"):
        return None
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if any(c in path for c in "\\\0") or any(ord(c) < 0x20 for c in path):
        return None
    if any(part in (".", "..") for part in path.split("/")):
        return None
    return path


def resolve(outputs: Mapping[str, bytes], base_path: str, path: str | None) -> Route:
    """Map a request path to an output, the way GitHub Pages serves a project site."""
    if path is None or not (path.startswith(base_path) or path + "/" == base_path):
        return Route(HTTPStatus.NOT_FOUND)
    if path + "/" == base_path:
        return Route(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
    rel = path[len(base_path):]
    file = urls.output_file(rel)
    if file in outputs:
        return Route(HTTPStatus.OK, file)
    if rel and not rel.endswith("/") and rel + "/index.html" in outputs:
        return Route(HTTPStatus.MOVED_PERMANENTLY, location=path + "/")
    return Route(HTTPStatus.NOT_FOUND, urls.NOT_FOUND if urls.NOT_FOUND in outputs else None)


def content_type(file: str) -> str:
    suffix = PurePosixPath(file).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(file)[0] or "application/octet-stream"


def _fallback_page(snapshot: Snapshot) -> bytes:
    """The answer when the site has no such page (or no site yet): a pointer to the site."""
    text = ("The first build failed; fix the error and this page reloads." if not
            snapshot.generation else "Nothing here.")
    base = escape(snapshot.base_path)
    return (f"<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title>"
            f"<body><p>{text} The preview serves the site at <a href=\"{base}\">{base}</a>.</p>"
            f"</body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the current snapshot; everything else is the base class's."""

    server: PreviewServer
    server_version = "digest-serve"
    timeout = 30  # a client that sends nothing does not hold a thread for ever

    def do_GET(self) -> None:
        self.respond(body=True)

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def respond(self, body: bool) -> None:
        path = request_path(self.path)
        if path == livereload.EVENTS_PATH and body:
            self.stream_events()
            return
        if path == livereload.SCRIPT_PATH:
            self.send(HTTPStatus.OK, livereload.SCRIPT.encode(),
                      content_type(livereload.SCRIPT_PATH), body)
            return
        snapshot = self.server.state.current()
        route = resolve(snapshot.outputs, snapshot.base_path, path)
        if route.location is not None:
            query = urlsplit(self.path).query
            location = route.location + (f"?{query}" if query else "")
            self.send(route.status, b"", "text/plain", body, location=location)
            return
        data = snapshot.outputs[route.file] if route.file else _fallback_page(snapshot)
        kind = content_type(route.file or urls.NOT_FOUND)
        if kind.startswith("text/html"):
            data = livereload.inject(data, snapshot.generation)
        self.send(route.status, data, kind, body)

    def send(self, status: int, data: bytes, kind: str, body: bool,
             location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if location is not None:
            self.send_header("Location", location)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def stream_events(self) -> None:
        """Server-Sent Events: the state now, then after every build, until the client leaves."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, seen = self.server.state, -1
        while not state.closed:
            version, snapshot = state.after(seen, KEEP_ALIVE)
            if state.is_closed():
                return
            if version == seen:
                self.wfile.write(livereload.KEEP_ALIVE)
            else:
                seen = version
                self.wfile.write(livereload.event(snapshot.generation, snapshot.error))
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for builds and errors


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams must not hold the process open

    def __init__(self, host: str, port: int, state: SiteState) -> None:
        self.state = state
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is routine; anything else is reported, and serving goes on."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            click.echo(f"serve: error answering {client_address[0]}: {exc!r}", err=True)


# --------------------------------------------------------------------------- rebuilds


def changed_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[str]:
    """The files added, changed or removed (a file kept from the last build is the very
    same bytes object: equality is not even asked of it)."""
    get = old.get
    changed = [name for name, data in new.items() if data is not get(name) and data != get(name)]
    return sorted([*changed, *(old.keys() - new.keys())])


def reread(changes: list[Change]) -> set[str] | None:
    """The listing files a rebuild reads again: those the watcher saw change (any other
    is as the last build read it); all of them on the first build or a config change
    (the content folder may have moved)."""
    if not changes or any(c.kind is Kind.CONFIG for c in changes):
        return None
    return {c.path for c in changes}


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


class Preview:
    """Rebuilds the site in memory through one BuildCache and publishes each result."""

    def __init__(self, load_config: LoadConfig, state: SiteState, origin: str,
                 debug: bool = False) -> None:
        self._load = load_config
        self.state = state
        self.origin = origin  # http://host:port, replacing base_url's so feeds link here
        self.debug = debug
        self.cache = BuildCache()
        self.cache.related_memo.splice = True  # rebuilt again and again: worth the memory
        self.config = self.load_config(Problems())
        self._token = secrets.token_hex(3)  # a restarted server's pages reload too
        self._count = itertools.count(1)
        self.snapshot = Snapshot({}, self.config.base_path, "")
        self._collect = False  # the collector is off until ``tidy`` (see ``_collector_off``)
        # the files changed since a build last read the listings (None: read them all)
        self._unread: set[str] | None = None

    @property
    def url(self) -> str:
        return self.origin + self.snapshot.base_path

    def load_config(self, problems: Problems) -> Config:
        config = self._load(problems)
        return config.with_base_url(self.origin + config.base_path)

    def rebuild(self, changes: list[Change]) -> Snapshot:
        """Build everything the changes touch; publish the outputs, or the error."""
        covers = self.state.noticed()
        started = time.perf_counter()
        problems = Problems()
        if rerenders_everything(c.kind for c in changes):
            self.cache.forget_pages()
        config, result, error = self.config, None, None
        fresh = reread(changes)
        self._unread = None if self._unread is None or fresh is None else self._unread | fresh
        try:
            config = self.load_config(problems)
            if not problems.errors:
                self._collector_off()
                paths, self._unread = self._unread, set()
                result = build(config, build_date(), problems, write=False,
                               cache=self.cache, strict=False, reread=paths)
        except Exception as exc:  # noqa: BLE001 (a template error: keep serving, say where)
            if self.debug:
                traceback.print_exc()
            error = describe(exc)
        self._report_problems(problems)
        if result is None:
            error = error or "\n".join(str(p) for p in sorted(problems.errors))
            self.snapshot = Snapshot(self.snapshot.outputs, self.snapshot.base_path,
                                     self.snapshot.generation, error)
            keeping = "still serving the last good site" if self.snapshot.generation else \
                "no site to serve until it is fixed"
            click.echo(f"{_stamp()} build failed; {keeping}:\n{error}", err=True)
        else:
            changed = changed_files(self.snapshot.outputs, result.outputs)
            generation = self.snapshot.generation
            if changed or not generation:
                generation = f"{self._token}.{next(self._count)}"
            moved = bool(self.snapshot.outputs) and config.base_path != self.snapshot.base_path
            notes_error = "\n".join(str(p) for p in sorted(problems.errors)) or None
            self.snapshot = Snapshot(result.outputs, config.base_path, generation, notes_error)
            self.config = config
            click.echo(self._summary(changes, len(changed), result.page_count,
                                     len(result.site.papers), time.perf_counter() - started))
            if moved:
                click.echo(f"the site moved with its base_url: now serving {self.url}")
        self.state.publish(self.snapshot, covers)
        return self.snapshot

    def _collector_off(self) -> None:
        """No cycle collection from the rebuild until ``tidy``: the memos keep a large
        heap, and collecting the young objects of a one-listing rebuild at 10,000 papers
        takes a tenth of it (as passes during it, or as one after). Deferred, it runs
        once the new site is served and the watcher is idle, off the save-to-reload path."""
        if gc.isenabled():
            gc.disable()
            self._collect = True

    def tidy(self, waiting: Callable[[], bool] | None = None) -> None:
        """The collection ``rebuild`` put off, the collector back on, and the cache made
        ready for the next edit (until ``waiting`` says one is); the rebuild loop calls it
        when no change is waiting."""
        if self._collect:
            self._collect = False
            gc.collect(0)
            gc.enable()
        self.cache.prepare(waiting)

    def _report_problems(self, problems: Problems) -> None:
        """Warnings of the listings parsed just now (the others were shown before)."""
        fresh = set(self.cache.parsed)
        for problem in sorted(problems.items):
            if problem.severity == "warning" and problem.path in fresh:
                click.echo(str(problem), err=True)

    def _summary(self, changes: list[Change], changed: int, pages: int, papers: int,
                 seconds: float) -> str:
        if not changes:
            return f"{_stamp()} built {papers} papers, {pages} pages in {seconds:.2f}s"
        paths = sorted({c.path for c in changes})
        what = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        parsed = len(self.cache.parsed)
        return (f"{_stamp()} {what} changed → parsed {parsed} listing{'s' * (parsed != 1)}, "
                f"rendered {len(self.cache.rendered)}/{pages} pages, "
                f"{changed} file{'s' * (changed != 1)} changed, in {seconds:.2f}s")


# --------------------------------------------------------------------------- command


def url_host(host: str) -> str:
    """The host to print in URLs: a wildcard address is reached through the loopback."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def serving(server: PreviewServer, load_config: LoadConfig, *,
            debug: bool = False) -> Iterator[Preview]:
    """Build, then serve, watch and rebuild in background threads until the block ends."""
    host = str(server.server_address[0])
    origin = f"http://{url_host(host)}:{server.server_address[1]}"
    preview = Preview(load_config, server.state, origin, debug)
    changes: queue.Queue[Change] = queue.Queue()
    stop = threading.Event()

    def noticed(change: Change) -> None:
        server.state.notice()  # requests from now on wait for the rebuild
        changes.put(change)

    def rebuild_loop() -> None:
        while not stop.is_set():
            batch = collect(changes, wait=0.25)
            if batch and not stop.is_set():
                preview.rebuild(batch)
            elif not batch:  # idle: the collection the rebuild put off, and the next
                preview.tidy(lambda: not changes.empty())  # rebuild's work, until an edit

    config_name = preview.config.path.name if preview.config.path else CONFIG_NAME
    watcher = Watcher(preview.config.root, config_name, noticed)
    builder = threading.Thread(target=rebuild_loop, name="digest-rebuild", daemon=True)
    answering = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                 name="digest-serve", daemon=True)
    try:
        watcher.start()  # before the first build, so no edit made during it is missed
        preview.rebuild([])
        preview.tidy(lambda: True)  # the collection only: answering waits for it
        answering.start()
        builder.start()
        yield preview
    finally:
        stop.set()
        watcher.stop()
        server.state.close()  # wakes waiting requests and event streams
        if answering.is_alive():
            server.shutdown()
        server.server_close()
        builder.join(timeout=5)
        preview.tidy(lambda: True)  # the collection only


def run(load_config: LoadConfig, *, host: str = "127.0.0.1", port: int = 8000,
        open_browser: bool = False, debug: bool = False) -> int:
    """Serve until SIGINT or SIGTERM; the exit status."""
    try:
        server = PreviewServer(host, port, SiteState())
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        return 1
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can see "
                   "the preview; the default is 127.0.0.1", err=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    try:
        with serving(server, load_config, debug=debug) as preview:
            click.echo(f"Serving {preview.url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(preview.url)
            previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                while not stop.wait(0.5):
                    pass
            finally:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
    except KeyboardInterrupt:
        pass  # Ctrl-C during the first build
    click.echo("stopped")
    return 0
