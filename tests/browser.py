"""Browser and HTML-quality helpers shared by the site tests and ``checks/``.

Not a test module: it only holds helpers. Everything here runs offline against
a server on 127.0.0.1, with the Debian chromium (``playwright install`` cannot
download browsers here) and the npm tooling installed by ``npm ci``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is only needed by callers that drive a browser
    from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_BIN = NODE_MODULES / ".bin" / "lighthouse"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Flags that keep chromium headless, sandbox-free (we run as root) and silent
# on the network: no GPU, no QUIC, no first-run/background/update/sync traffic.
# Debian's /usr/bin/chromium wrapper still adds flags and API keys that make it
# look up Google hosts (accounts.google.com, update.googleapis.com, ...), so the
# last flag makes every host but the local test server unresolvable, without DNS.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def chromium_path() -> str:
    """Path of the chromium binary: $DIGEST_CHROMIUM, else the Debian one."""
    return os.environ.get("DIGEST_CHROMIUM") or DEFAULT_CHROMIUM


def require_node_modules() -> None:
    """Fail loudly (never skip) when the npm tooling has not been installed."""
    missing = [p for p in (AXE_JS, VNU_JAR, LIGHTHOUSE_BIN) if not p.exists()]
    if missing:
        raise RuntimeError(
            f"npm tooling missing ({', '.join(map(str, missing))}): run `npm ci` in {REPO_ROOT}"
        )


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system chromium; Playwright's bundled browsers are unavailable."""
    path = chromium_path()
    if not Path(path).exists():
        raise RuntimeError(f"chromium not found at {path}: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


@contextmanager
def chromium_session() -> Iterator[Browser]:
    """Playwright plus the system chromium for one test module; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------- server


def _normalise_subpath(subpath: str) -> str:
    return "/" + subpath.strip("/") + "/" if subpath.strip("/") else "/"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site roughly the way GitHub Pages serves a project site.

    Only paths under ``prefix`` map to the site; ``dir`` redirects to ``dir/``;
    directories are served by their index.html (never listed); misses get the
    site's 404.html with status 404 when it exists.
    """

    prefix = "/"
    extensions_map = {  # noqa: RUF012 (overrides the base class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".txt": "text/plain",
    }

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        ctype = super().guess_type(path)
        if ctype.startswith("text/") or ctype in {
            "application/json",
            "application/xml",
            "application/manifest+json",
        }:
            ctype += "; charset=utf-8"
        return ctype

    def _route(self) -> bool:
        """Handle requests outside the sub-path; True if a response was sent."""
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith(self.prefix):
            return False
        if path + "/" == self.prefix:
            query = urllib.parse.urlsplit(self.path).query
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.prefix + ("?" + query if query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            super().send_error(HTTPStatus.NOT_FOUND, "Outside the site's sub-path")
        return True

    def do_GET(self) -> None:
        if not self._route():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._route():
            super().do_HEAD()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.prefix) :])

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "No index.html")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        # LinkChecker lifts its per-host rate limit (10 req/s, ~3 on average)
        # only for servers that send this header; see run_linkchecker().
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


@contextmanager
def serve_directory(root: Path, subpath: str = "/") -> Iterator[str]:
    """Serve ``root`` under ``subpath`` on 127.0.0.1 and a free port.

    Yields the base URL (e.g. ``http://127.0.0.1:PORT/papers/``) so tests see
    the site exactly where it is deployed, which catches root-absolute links.
    """
    prefix = _normalise_subpath(subpath)
    handler = type("SiteHandler", (_SiteHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- checkers


def run_axe(page: Page, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core in ``page`` and return its violations (empty means clean).

    axe is injected from node_modules (nothing fetched). A page whose CSP forbids
    inline scripts needs a context created with ``bypass_csp=True``.
    """
    require_node_modules()
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (options) => (await axe.run(document, options || {})).violations", options
    )


def run_vnu(site_dir: Path) -> list[dict[str, Any]]:
    """Validate every HTML file under ``site_dir`` with the Nu checker (vnu.jar).

    Returns the error messages (vnu's JSON ``messages`` whose type is not
    ``info``; ``non-document-error`` means a file could not be read at all).
    """
    require_node_modules()
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java not found: apt-get install -y default-jre-headless")
    proc = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--skip-non-html",
            "--errors-only",
            "--format",
            "json",
            str(site_dir),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu writes its JSON report to stderr; exit status is 1 when errors exist.
    raw = proc.stderr.strip() or proc.stdout.strip()
    try:
        report = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"vnu exited {proc.returncode} without JSON: {raw[:2000]}") from exc
    return [m for m in report.get("messages", []) if m.get("type") != "info"]


def run_linkchecker(url: str, timeout: float = 300) -> tuple[bool, str]:
    """Crawl ``url`` with LinkChecker; return (no broken links, report text).

    Every URL on the same host:port is fetched, including root-absolute links
    that escape the sub-path (LinkChecker would otherwise only syntax-check
    them, as its default intern pattern is the start URL's directory). Pages
    are only recursed under the start URL. URLs on any other host are only
    syntax-checked, so nothing leaves the machine.
    """
    parts = urllib.parse.urlsplit(url)
    same_server = "^https?://" + re.escape(parts.netloc) + "/"
    linkchecker = shutil.which("linkchecker")
    if linkchecker is None:
        raise RuntimeError("linkchecker not found: pip install linkchecker")
    with tempfile.TemporaryDirectory() as tmp:
        # The request rate can only be raised in a config file; it takes effect
        # for servers that send a "LinkChecker" header, as serve_directory does.
        config = Path(tmp) / "linkcheckerrc"
        config.write_text("[checking]\nmaxrequestspersecond=1000\n")
        proc = subprocess.run(
            [
                linkchecker,
                "--config",
                str(config),
                "--no-status",
                "--no-warnings",
                "--check-extern",
                "--ignore-url",
                "!" + same_server,
                "--output",
                "text",
                url,
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    output = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"linkchecker failed (exit {proc.returncode}):\n{output}")
    return proc.returncode == 0, output
