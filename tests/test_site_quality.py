"""The built shipped site passes the HTML checker, axe and a link checker under a sub-path.

These are the site issue's quality gates; they need `npm ci` (vnu-jar, axe-core) and
Debian's chromium, both installed by .ci/run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from browser import (
    chromium_session,
    require_node_modules,
    run_axe,
    run_linkchecker,
    run_vnu,
    serve_directory,
)
from playwright.sync_api import Browser
from sitebuild import REPO, build_project, tree

SUBPATH = "/papers/"
BASE_URL = "https://example.github.io/papers/"
PAPER = "papers/sit-self-supervised-vision-transformer/"
NOTE_PAPER = "papers/representation-alignment-for-generation-training-diffusion-transformers-517a56/"
AXE_PAGES = ["", PAPER, NOTE_PAPER, "about/", "topics/multimodal-llms/", "topics/",
             "editions/2025-12-08-hf-pre-training/", "authors/",
             "no-such-page/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "site"
    build_project(REPO, out, BASE_URL)
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serve_directory(site, SUBPATH) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_session() as browser:
        yield browser


def test_nu_html_checker_reports_no_errors(site: Path) -> None:
    require_node_modules()
    errors = run_vnu(site)
    assert errors == [], errors[:10]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(served: str, browser: Browser, scheme: str) -> None:
    require_node_modules()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        for path in AXE_PAGES:
            page.goto(served + path)
            violations = run_axe(page)
            assert violations == [], (path, [(v["id"], v["help"]) for v in violations])
    finally:
        context.close()


def test_link_checker_finds_no_broken_links_under_sub_path(served: str) -> None:
    ok, output = run_linkchecker(served)
    assert ok, output[-3000:]


def test_pages_request_nothing_from_other_hosts(served: str, browser: Browser) -> None:
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    for path in ("", PAPER, "topics/"):
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
    page.close()
    assert hosts == {urlsplit(served).netloc}


def test_404_page_links_work_at_any_depth(served: str, browser: Browser) -> None:
    page = browser.new_page()
    response = page.goto(served + "deep/missing/page/")
    assert response is not None and response.status == 404
    page.get_by_role("link", name="Topics", exact=True).first.click()
    page.wait_for_url(served + "topics/")
    assert page.locator("h1").inner_text() == "Topics"
    page.close()


_HREF = re.compile(rb'(?:href|src|action)="([^"]+)"')


def test_every_page_is_linked_and_no_link_is_root_relative(site: Path) -> None:
    files = tree(site)
    pages = {name for name in files if name.endswith(".html")}
    reached = {"index.html", "404.html"}
    for name in pages:
        for raw in _HREF.findall(files[name]):
            href = raw.decode()
            if href.startswith(("http:", "https:", "mailto:", "data:", "#")):
                continue
            if name != "404.html":
                assert not href.startswith("/"), f"{name}: root-relative link {href}"
            base = f"https://x{SUBPATH}{name}" if name != "404.html" else "https://x/"
            target = urlsplit(urljoin(base, href)).path
            if target.startswith(SUBPATH):
                rel = target[len(SUBPATH):]
                reached.add(rel + "index.html" if rel.endswith("/") or rel == "" else rel)
    assert pages - reached == set(), sorted(pages - reached)[:10]


def test_paper_page_carries_citation_meta_and_bibtex(site: Path) -> None:
    html = (site / PAPER / "index.html").read_text()
    assert '<meta name="citation_title" content="SiT: Self-supervised vIsion Transformer">' in html
    assert "@misc{" in html and 'data-copy="bibtex"' in html
    assert "https://arxiv.org/search/?query=" in html
    assert "https://scholar.google.com/scholar?q=" in html
    assert f'<link rel="canonical" href="{BASE_URL}{PAPER}">' in html


def test_github_pages_files(site: Path) -> None:
    assert (site / ".nojekyll").is_file()
    assert (site / "404.html").is_file()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (site / "robots.txt").read_text()
    index = (site / "sitemap.xml").read_text()  # an index of sitemaps, here one
    assert re.findall(r"<loc>(.*?)</loc>", index) == [f"{BASE_URL}sitemap-1.xml"]
    assert "<sitemapindex " in index and "<urlset" not in index
    sitemap = (site / "sitemap-1.xml").read_text()
    assert f"<loc>{BASE_URL}{PAPER}</loc>" in sitemap
    assert sitemap.count("<loc>") == len([p for p in tree(site) if p.endswith("index.html")]) - 1


def test_every_feed_in_the_built_site_is_valid(site: Path) -> None:
    import feedparser
    from feed_checks import check_atom, check_json_feed, check_rss

    rss = sorted(site.rglob("feed.xml"))
    assert len(rss) >= 3  # the site, the editions and one per topic
    for path in rss:
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        assert check_rss(data, BASE_URL + rel) == [], rel
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0 and parsed.entries, rel
        assert all(e.link.startswith(BASE_URL) for e in parsed.entries), rel
    assert check_atom((site / "atom.xml").read_bytes(), BASE_URL + "atom.xml") == []
    assert check_json_feed((site / "feed.json").read_bytes(), BASE_URL + "feed.json") == []
