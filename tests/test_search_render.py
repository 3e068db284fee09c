"""search: the search outputs of the shipped content, and how the built site loads them."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sitebuild import REPO, build_project, shipped_site_data

from digest import search, searchtext
from digest.model import Paper
from digest.site import SiteData


@pytest.fixture(scope="module")
def site() -> SiteData:
    return shipped_site_data()


@pytest.fixture(scope="module")
def outputs(site: SiteData) -> dict[str, bytes]:
    return search.render_search(site)


def test_outputs_are_the_index_the_documents_and_lunr(outputs: dict[str, bytes]) -> None:
    assert sorted(outputs) == ["assets/lunr/LICENSE", "assets/lunr/lunr.min.js",
                               "search/docs.json", "search/index.json"]
    assert b"lunr - http://lunrjs.com" in outputs["assets/lunr/lunr.min.js"]
    assert b"2.3.9" in outputs["assets/lunr/lunr.min.js"].split(b"\n", 3)[1]
    assert b"Permission is hereby granted" in outputs["assets/lunr/LICENSE"]


def test_outputs_are_deterministic(site: SiteData, outputs: dict[str, bytes]) -> None:
    assert search.render_search(site) == outputs


def test_document_n_is_ref_n(site: SiteData, outputs: dict[str, bytes]) -> None:
    store = json.loads(outputs["search/docs.json"])
    index = json.loads(outputs["search/index.json"])
    assert index["count"] == len(store["docs"]) == len(site.papers)
    assert store["fold"] == searchtext.FOLD
    assert store["topics"] == [[t.slug, t.name] for t in site.topics]
    by_id = {p.id: p for p in site.papers}
    for paper, (title, path, byline, iso, topics, snippet) in zip(site.papers, store["docs"],
                                                                   strict=True):
        assert title == paper.title and path == f"papers/{paper.id}/"
        assert by_id[path.split("/")[1]] is paper
        assert iso == (paper.effective_date or "")
        assert [store["topics"][n][0] for n in topics] == list(paper.topics)
        assert len(snippet) <= search.SNIPPET + 1 and paper.abstract.startswith(snippet[:40])
        assert byline


def test_authors_and_submitter_are_one_field() -> None:
    paper = Paper(id="x", title="T", authors=("Saining Xie",), submitter="AMAP-ML",
                  abstract="See https://github.com/x/pre-training-code for code.")
    texts = search.field_texts(paper, {})
    assert texts["authors"] == "Saining Xie AMAP-ML"
    assert "github" not in texts["abstract"] and "code." in texts["abstract"]


def test_index_of_the_shipped_content_is_small(outputs: dict[str, bytes]) -> None:
    index, docs = outputs["search/index.json"], outputs["search/docs.json"]
    assert len(gzip.compress(index)) < 100_000  # about 73 KB for 413 papers
    assert len(gzip.compress(docs)) < 60_000
    assert b"position" not in index  # no position metadata is indexed


def test_search_page_loads_its_scripts_relative_to_itself(tmp_path: Path) -> None:
    result = build_project(REPO, tmp_path / "site", base_url="https://example.org/papers/")
    site_dir = tmp_path / "site"
    html = (site_dir / "search" / "index.html").read_text()
    assert '<script src="../assets/lunr/lunr.min.js" defer></script>' in html
    assert '<script src="../assets/search.js" defer></script>' in html
    assert 'data-index="index.json" data-docs="docs.json" data-root="../"' in html
    assert 'id="search-results"' in html
    assert '<link rel="preload" href="index.json" as="fetch"' in html  # fetched while parsing
    for name in ("assets/search.js", "assets/lunr/lunr.min.js", "assets/lunr/LICENSE",
                 "search/index.json", "search/docs.json"):
        assert (site_dir / name).is_file(), name
    # Nothing of search loads anywhere else: the other pages stay light (Lighthouse).
    heavy = re.compile(rb"lunr|search\.js|index\.json")
    others = [p for p in site_dir.rglob("*.html") if p.parent.name != "search"]
    assert others and not [p for p in others if heavy.search(p.read_bytes())]
    assert result.site.papers


def test_an_empty_site_has_an_empty_index(site: SiteData) -> None:
    empty = replace(site, papers=(), topics=())
    outputs = search.render_search(empty)
    assert json.loads(outputs["search/index.json"])["count"] == 0
    assert json.loads(outputs["search/docs.json"])["docs"] == []
