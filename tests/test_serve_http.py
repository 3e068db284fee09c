"""The preview server over HTTP: routing, live-reload injection, waiting during a rebuild,
path traversal and malformed requests over raw sockets, and a clean exit on a signal."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import wait_for_line

from digest import config as config_mod
from digest.serve import livereload
from digest.serve.server import (
    Preview,
    PreviewServer,
    Route,
    SiteState,
    Snapshot,
    request_path,
    resolve,
    serving,
)
from digest.serve.watch import Change, Kind

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "fixtures" / "golden_site"  # base_url https://example.github.io/tiny/
SECRET = "TOP-SECRET-c0ffee"
PASSWD = "root:x:0:0"

# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(("target", "path"), [
    ("/tiny/", "/tiny/"),
    ("/tiny/papers/a%20b/?q=1#x", "/tiny/papers/a b/"),
    ("http://127.0.0.1:8000/tiny/x", "/tiny/x"),  # absolute-form
    ("/tiny/%C3%A9t%C3%A9/", "/tiny/été/"),
    ("/tiny/../secret", None),
    ("/tiny/%2e%2e/secret", None),
    ("/tiny/.%2E/secret", None),
    ("/tiny/..%2Fsecret", None),
    ("/tiny/./x", None),
    ("/tiny/..%5csecret", None),
    ("/tiny/x%00.html", None),
    ("/tiny/%0d%0aSet-Cookie:x", None),
    ("/tiny/%ff%fe", None),  # not UTF-8
    ("/tiny/%c0%ae%c0%ae/secret", None),  # overlong UTF-8 dots
    ("tiny/x", None),
    ("*", None),
])
def test_request_path(target: str, path: str | None) -> None:
    assert request_path(target) == path


OUTPUTS = {"index.html": b"home", "papers/a/index.html": b"a", "404.html": b"missing",
           "feed.xml": b"<rss/>"}


@pytest.mark.parametrize(("path", "route"), [
    ("/tiny/", Route(200, "index.html")),
    ("/tiny", Route(301, location="/tiny/")),
    ("/tiny/papers/a/", Route(200, "papers/a/index.html")),
    ("/tiny/papers/a", Route(301, location="/tiny/papers/a/")),
    ("/tiny/papers/a/index.html", Route(200, "papers/a/index.html")),
    ("/tiny/feed.xml", Route(200, "feed.xml")),
    ("/tiny/papers/b/", Route(404, "404.html")),
    ("/tiny//etc/passwd", Route(404, "404.html")),
    ("/", Route(404)),  # outside the sub-path, as on GitHub Pages
    ("/index.html", Route(404)),
    ("/tinyx/", Route(404)),
    (None, Route(404)),
])
def test_resolve_under_a_sub_path(path: str | None, route: Route) -> None:
    assert resolve(OUTPUTS, "/tiny/", path) == route


def test_the_script_goes_before_the_last_body_end_only() -> None:
    html = b"<html><body><p>&lt;/body&gt;</p>\n</BODY >\n</html>\n"
    out = livereload.inject(html, "g.1")
    assert out == (b"<html><body><p>&lt;/body&gt;</p>\n" + livereload.tag("g.1") + b"\n"
                   b"</BODY >\n</html>\n")
    assert livereload.inject(b"<p>no body", "g").startswith(b"<p>no body<script")


def test_an_event_carries_the_error_as_json_text() -> None:
    message = livereload.event("g.2", 'x.txt:3: error: bad <b>"value"</b>\nsecond line')
    assert message.startswith(b"event: build\ndata: {") and message.endswith(b"}\n\n")
    assert message.count(b"\n") == 3  # one data line: newlines travel escaped
    assert b"textContent" in livereload.SCRIPT.encode() and b"innerHTML" not in \
        livereload.SCRIPT.encode()


def test_requests_wait_while_a_noticed_change_is_rebuilt() -> None:
    state = SiteState()
    state.publish(Snapshot({"index.html": b"old"}, "/", "g.1"), covers=0)
    assert state.current().outputs["index.html"] == b"old"
    state.notice()  # the watcher saw a change
    got: list[Snapshot] = []
    reader = threading.Thread(target=lambda: got.append(state.current()))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive()  # still waiting: the old site must not be served now
    state.publish(Snapshot({"index.html": b"new"}, "/", "g.2"), covers=1)
    reader.join(2)
    assert got[0].outputs["index.html"] == b"new"


# --------------------------------------------------------------------------- a live server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The tiny site, with things beside and inside it that must never be served."""
    root = tmp_path / "tiny"
    shutil.copytree(TINY, root)
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "secret.txt").write_text(SECRET)
    site = root / "site"  # a built site on disk, with symlinks out of it
    site.mkdir()
    (site / "index.html").write_text(SECRET)
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "passwd").symlink_to("/etc/passwd")
    (site / "up").symlink_to(tmp_path)
    return root


@pytest.fixture
def live(project: Path) -> Iterator[tuple[int, Preview]]:
    server = PreviewServer("127.0.0.1", 0, SiteState())
    with serving(server, lambda problems: config_mod.load(project, problems)) as preview:
        yield server.server_address[1], preview


def raw(port: int, request: bytes, timeout: float = 5) -> tuple[int, bytes]:
    """Send bytes as they are; the status (0 when the server just closed) and the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    return (int(m.group(1)) if m else 0), data


def get(port: int, target: str, method: str = "GET") -> tuple[int, bytes]:
    return raw(port, f"{method} {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode("latin-1"))


TRAVERSALS = [
    "/../../../../../../etc/passwd",
    "/tiny/../../../../../../etc/passwd",
    "/tiny/../secret.txt",
    "/tiny/../../secret.txt",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/tiny/%2e%2e/secret.txt",
    "/tiny/%2E%2E/%2E%2E/secret.txt",
    "/tiny/%2e%2e%2fsecret.txt",
    "/tiny/..%2fsecret.txt",
    "/tiny/..%5csecret.txt",
    "/tiny/.%2e/.%2e/secret.txt",
    "/tiny/%252e%252e/secret.txt",  # double-encoded
    "/tiny/%c0%ae%c0%ae/secret.txt",
    "/tiny/..;/secret.txt",
    "//etc/passwd",
    "/etc/passwd",
    "/tiny//etc/passwd",
    "/tiny/%2fetc%2fpasswd",
    "/tiny/C:/Windows/win.ini",
    "http://127.0.0.1/../../etc/passwd",
    "../secret.txt",
    "/tiny/secret.txt",
    "/secret.txt",
    "/tiny/digest.yaml",
    "/tiny/content/listings/2025-12-08-daily.txt",
    "/tiny/site/index.html",
    "/tiny/leak.txt",  # symlinks in a built site/ on disk: nothing there is served
    "/tiny/passwd",
    "/tiny/up/secret.txt",
    "/tiny/secret.txt%00.html",
]


def test_path_traversal_gets_404_and_never_a_file(live: tuple[int, Preview],
                                                   project: Path) -> None:
    port, _ = live
    for target in TRAVERSALS + [f"/tiny/{project.parent / 'secret.txt'}",
                                f"/tiny/{project.parent}/secret.txt".replace("/", "%2f")]:
        status, data = get(port, target)
        assert status == 404, (target, data[:200])
        assert SECRET.encode() not in data and PASSWD.encode() not in data, target


def test_pages_under_the_sub_path(live: tuple[int, Preview]) -> None:
    port, preview = live
    status, data = get(port, "/tiny/")
    assert status == 200 and b"Tiny digest" in data
    assert data.count(b"/__digest__/livereload.js") == 1
    assert all(b"__digest__" not in body for body in preview.snapshot.outputs.values())
    status, data = get(port, "/tiny")
    assert status == 301 and b"\r\nLocation: /tiny/\r\n" in data
    status, data = get(port, "/tiny/editions?x=1")
    assert status == 301 and b"\r\nLocation: /tiny/editions/?x=1\r\n" in data
    status, data = get(port, "/tiny/assets/style.css")
    assert status == 200 and b"text/css" in data and b"__digest__" not in data
    status, data = get(port, "/tiny/no/such/page/")
    assert status == 404 and b"livereload.js" in data  # the site's 404 page
    status, data = get(port, "/tiny/", "HEAD")
    assert status == 200 and data.endswith(b"\r\n\r\n")
    assert get(port, "/tiny/", "POST")[0] == 501
    status, data = get(port, "/__digest__/livereload.js")
    assert status == 200 and b"EventSource" in data and b"text/javascript" in data


MALFORMED = [
    b"",
    b"\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /tiny/ HTTP/9.9\r\n\r\n",
    b"GET /tiny/ FTP/1.0\r\n\r\n",
    b"\x00\xff\xfe\x80 /\xff HTTP/1.1\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    b"GET /tiny/ HTTP/1.1\r\n" + b"X-Long: " + b"b" * 70_000 + b"\r\n\r\n",
    b"GET /tiny/ HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(150)) + b"\r\n",
    b"GET /tiny/%zz%ff%%% HTTP/1.1\r\n\r\n",
    b"GET /tiny/ HTT",  # cut short
]


def test_malformed_requests_do_not_kill_the_server(live: tuple[int, Preview]) -> None:
    port, _ = live
    for request in MALFORMED:
        status, _data = raw(port, request)
        assert status == 0 or status >= 400, request[:40]
    with socket.create_connection(("127.0.0.1", port)):
        pass  # connect and say nothing
    assert get(port, "/tiny/")[0] == 200


def test_a_request_waits_for_the_rebuild_of_a_noticed_change(live: tuple[int, Preview],
                                                             project: Path) -> None:
    port, preview = live
    preview.state.notice()  # as the watcher does on a change, before the debounce
    answers: list[int] = []
    reader = threading.Thread(target=lambda: answers.append(get(port, "/tiny/")[0]))
    reader.start()
    reader.join(0.4)
    assert reader.is_alive()
    preview.rebuild([])
    reader.join(5)
    assert answers == [200]


@pytest.mark.parametrize(("rel", "text", "kind", "where"), [
    ("digest.yaml", "title: [unclosed\n", Kind.CONFIG, "digest.yaml:"),
    ("templates/edition.html", ("{% extends 'base.html' %}{% block main %}{{ nope }}"
     "{% endblock %}\n"), Kind.TEMPLATE, "edition.html:1: 'nope' is undefined"),
    ("templates/base.html", "{% if %}\n", Kind.TEMPLATE, "base.html:1: "),
    ("content/listings/2025-12-08-daily.txt", "---\nformat: nonsense\n---\nA title\n",
     Kind.LISTING, "content/listings/2025-12-08-daily.txt:2: error: unknown format"),
    ("content/listings/people.yaml", "- title: [\n", Kind.LISTING,
     "content/listings/people.yaml:"),
])
def test_a_failed_rebuild_keeps_the_last_good_site_until_fixed(
        live: tuple[int, Preview], project: Path, rel: str, text: str, kind: Kind,
        where: str) -> None:
    port, preview = live
    good = get(port, "/tiny/editions/2025-12-08-daily/")
    path = project / rel
    before = path.read_text(encoding="utf-8") if path.exists() else None
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    failed = preview.rebuild([Change(rel, kind)])
    assert failed.error and where in failed.error, failed.error
    assert failed.generation == good[1].split(b'data-generation="')[1].split(b'"')[0].decode()
    assert get(port, "/tiny/editions/2025-12-08-daily/")[1].split(b"\r\n\r\n", 1)[1] == \
        good[1].split(b"\r\n\r\n", 1)[1]  # the same page, byte for byte
    if before is None:
        path.unlink()
    else:
        path.write_text(before, encoding="utf-8")
    fixed = preview.rebuild([Change(rel, kind)])
    assert fixed.error is None


def test_a_failed_first_build_serves_a_pointer_then_the_site_once_fixed(
        project: Path) -> None:
    listing = project / "content" / "listings" / "2025-12-08-daily.txt"
    good = listing.read_text(encoding="utf-8")
    listing.write_text(good.replace("title: Daily papers", "title: [Daily papers"),
                       encoding="utf-8")
    server = PreviewServer("127.0.0.1", 0, SiteState())
    with serving(server, lambda problems: config_mod.load(project, problems)) as preview:
        port = server.server_address[1]
        assert preview.snapshot.generation == ""
        assert preview.snapshot.error and preview.snapshot.error.startswith(
            "content/listings/2025-12-08-daily.txt:")
        status, data = get(port, "/tiny/")
        assert status == 404 and b"The first build failed" in data and b"livereload.js" in data
        listing.write_text(good, encoding="utf-8")
        preview.rebuild([])
        assert preview.snapshot.error is None and preview.snapshot.generation
        assert get(port, "/tiny/")[0] == 200


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize(("signum", "host"), [(signal.SIGINT, "127.0.0.1"),
                                              (signal.SIGTERM, "0.0.0.0")])
def test_a_signal_stops_the_server_and_frees_the_port(project: Path, signum: int,
                                                      host: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--port", "0", "--host", host],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = wait_for_line(proc, "Serving")
        url = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        assert url and url.group(2) == "/tiny/", line
        port = int(url.group(1))
        with socket.create_connection(("127.0.0.1", port)) as idle:  # an open connection
            assert get(port, "/tiny/")[0] == 200
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=10)
            del idle
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert ("warning: listening on 0.0.0.0" in err) is (host != "127.0.0.1")
    with socket.socket() as again:  # the port is free again
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()
