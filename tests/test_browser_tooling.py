"""Prove the helpers in tests/browser.py work, on a tiny hand-written site.

Each checker is shown to pass on a good site and to fail on a broken one, so
the site's own tests can trust a clean result.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import browser as helpers
import pytest
from browser import (
    chromium_session,
    run_axe,
    run_linkchecker,
    run_vnu,
    serve_directory,
)
from playwright.sync_api import Browser

SUBPATH = "/papers/"


def page(title: str, body: str, description: str = "A tiny test page") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{description}">
<title>{title}</title>
<link rel="stylesheet" href="{{root}}style.css">
</head>
<body>
<header><nav aria-label="Site"><a href="{{root}}">Home</a></nav></header>
<main>
{body}
</main>
</body>
</html>
"""


def write(root: Path, rel: str, html: str) -> None:
    """Write a page; ``{root}`` in it becomes the relative path to the site root."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html.replace("{root}", "../" * rel.count("/") or "./"), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(
        root,
        "index.html",
        page(
            "Digest test site",
            '<h1>Digest test site</h1>\n<p>Read <a href="about/">about this digest</a> or the'
            ' <a href="https://example.invalid/paper">external paper</a>.</p>',
        ),
    )
    write(
        root,
        "about/index.html",
        page(
            "About",
            '<h1 id="about">About this digest</h1>\n<p>Back to <a href="../">the front page</a>.</p>',
        ),
    )
    write(root, "404.html", page("Not found", "<h1>Page not found</h1>"))
    (root / "style.css").write_text("h1 { color: rgb(0, 0, 128); }\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with chromium_session() as browser:
        yield browser


def get(base: str, path: str) -> tuple[int, str, str]:
    """(status, Location header, body) without following redirects."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location") or "", resp.read().decode()
    finally:
        conn.close()


def test_server_mimics_github_pages_under_subpath(site: Path) -> None:
    with serve_directory(site, SUBPATH) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith(SUBPATH)
        status, _, body = get(base, "/papers/about/")
        assert status == 200 and "<title>About</title>" in body
        assert get(base, "/papers/about")[:2] == (301, "/papers/about/")
        assert get(base, "/papers")[:2] == (301, "/papers/")
        status, _, body = get(base, "/papers/missing/")
        assert status == 404 and "Page not found" in body
        status, _, body = get(base, "/about/")  # outside the sub-path
        assert status == 404 and "Page not found" not in body
        (site / "empty").mkdir()
        assert get(base, "/papers/empty/")[0] == 404  # no directory listings
    with pytest.raises(OSError):  # the server is gone after the block
        get(base, "/papers/")


def test_chromium_follows_relative_link(site: Path, chromium: Browser) -> None:
    with serve_directory(site, SUBPATH) as base:
        tab = chromium.new_page()
        response = tab.goto(base)
        assert response is not None and response.status == 200
        assert tab.title() == "Digest test site"
        tab.click("text=about this digest")
        tab.wait_for_url(base + "about/")
        assert tab.inner_text("h1") == "About this digest"
        # the stylesheet resolved relative to the sub-path
        assert tab.eval_on_selector("h1", "e => getComputedStyle(e).color") == "rgb(0, 0, 128)"
        tab.click("text=the front page")
        tab.wait_for_url(base)
        tab.close()


def test_axe_passes_good_page_and_flags_bad_page(site: Path, chromium: Browser) -> None:
    write(
        site,
        "bad/index.html",
        page("Bad", '<h1>Bad</h1>\n<p><img src="figure.png" width="10" height="10"></p>'),
    )
    with serve_directory(site, SUBPATH) as base:
        tab = chromium.new_page()
        tab.goto(base)
        assert run_axe(tab) == []
        tab.goto(base + "about/")
        assert run_axe(tab) == []
        tab.goto(base + "bad/")
        violations = run_axe(tab)
        tab.close()
    assert "image-alt" in {v["id"] for v in violations}


def test_vnu_passes_good_site_and_flags_broken_page(site: Path) -> None:
    assert run_vnu(site) == []
    write(site, "broken/index.html", page("Broken", "<h1>Broken</h1>\n<p><div>unclosed</p>"))
    errors = run_vnu(site)
    assert errors, "vnu found no error in a page with misnested tags"
    assert all(e["url"].endswith("/broken/index.html") for e in errors)


def test_linkchecker_passes_good_site(site: Path) -> None:
    # The external https://example.invalid/ link would fail if it were fetched.
    with serve_directory(site, SUBPATH) as base:
        ok, output = run_linkchecker(base)
    assert ok, output
    assert "0 errors found" in output


def test_linkchecker_reports_link_to_missing_page(site: Path) -> None:
    write(
        site,
        "about/index.html",
        page("About", '<h1>About</h1>\n<p>See <a href="../missing/">the missing page</a>.</p>'),
    )
    with serve_directory(site, SUBPATH) as base:
        ok, output = run_linkchecker(base)
    assert not ok
    assert base + "missing/" in output


def test_linkchecker_reports_root_absolute_link_escaping_subpath(site: Path) -> None:
    # /about/ exists at the site root but is deployed at /papers/about/.
    write(site, "index.html", page("Home", '<h1>Home</h1>\n<p><a href="/about/">About</a></p>'))
    with serve_directory(site, SUBPATH) as base:
        ok, output = run_linkchecker(base)
    assert not ok
    assert "/about/" in output and "404" in output


def test_missing_node_modules_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helpers, "AXE_JS", tmp_path / "axe.min.js")
    with pytest.raises(RuntimeError, match="npm ci"):
        helpers.require_node_modules()
    monkeypatch.undo()
    helpers.require_node_modules()  # the real install is present
