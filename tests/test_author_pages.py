"""Author pages at scale: a page only from ``author_pages`` papers on, plain names for the
others, an authors index that lists everyone in pages of bounded size, and a rebuild that
notices an author gaining a page."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from digest import config as config_mod
from digest.build import BuildCache, BuildResult, build
from digest.errors import Problems
from digest.site import routes

DAY = date(2025, 12, 31)
# (title, authors): Ada signs three papers, Alan two, Grace and Kurt one each
PAPERS = [
    ("Analytical Engines", ["Ada Lovelace", "Alan Turing"]),
    ("Notes on the Engine", ["Ada Lovelace"]),
    ("Computable Numbers", ["Alan Turing", "Ada Lovelace", "Grace Hopper"]),
    ("Incompleteness", ["Kurt Gödel"]),
]


def project(root: Path, papers: list[tuple[str, list[str]]], extra: str = "") -> Path:
    listings = root / "content" / "listings"
    listings.mkdir(parents=True, exist_ok=True)
    records = [{"title": t, "authors": a, "date": f"2025-0{i + 1}-01",
                "abstract": f"About {t.lower()}."} for i, (t, a) in enumerate(papers)]
    (listings / "2025-06-01-people.json").write_text(json.dumps(records), "utf-8")
    (root / "digest.yaml").write_text(
        "title: People\nbase_url: https://example.github.io/people/\n" + extra, "utf-8")
    return root


def run(root: Path, cache: BuildCache | None = None) -> BuildResult:
    problems = Problems()
    result = build(config_mod.load(root, problems), DAY, problems, write=False, cache=cache)
    assert result is not None and not problems.errors, [str(p) for p in problems.items]
    return result


def page(result: BuildResult, path: str) -> str:
    return result.outputs[path].decode()


def byline(html: str) -> str:
    found = re.search(r'<p class="byline">\n?(.*?)</p>', html, re.DOTALL)
    assert found, html
    return found.group(1)


def test_by_default_an_author_of_two_papers_has_a_page_and_one_of_one_does_not(
        tmp_path: Path) -> None:
    out = run(project(tmp_path, PAPERS))
    pages = sorted(p for p in out.outputs if p.startswith("authors/"))
    assert pages == ["authors/ada-lovelace/index.html", "authors/alan-turing/index.html",
                     "authors/index.html"]
    computable = page(out, "papers/computable-numbers/index.html")
    assert byline(computable) == ('<a href="../../authors/alan-turing/">Alan Turing</a>, '
                                  '<a href="../../authors/ada-lovelace/">Ada Lovelace</a>, '
                                  "Grace Hopper")
    assert "authors/grace-hopper/" not in "".join(p.decode() for p in out.outputs.values()
                                                  if isinstance(p, bytes))
    index = page(out, "authors/index.html")
    # no page: the name, then the paper, named by its title (the link says where it goes)
    assert '<li>Grace Hopper: <a href="../papers/computable-numbers/">Computable Numbers</a>' \
        in index
    assert '<li>Kurt Gödel: <a href="../papers/incompleteness/">Incompleteness</a></li>' in index
    assert '<a href="../authors/ada-lovelace/">Ada Lovelace</a> <span class="count">3</span>' \
        in index
    assert "sitemap-1.xml" in out.outputs  # listed by the index, sitemap.xml
    assert b"authors/ada-lovelace/" in out.outputs["sitemap-1.xml"]
    assert b"authors/grace-hopper/" not in out.outputs["sitemap-1.xml"]


def test_author_pages_one_gives_everyone_a_page_and_three_only_ada(tmp_path: Path) -> None:
    everyone = run(project(tmp_path / "a", PAPERS, "author_pages: 1\n"))
    assert {"authors/grace-hopper/index.html", "authors/kurt-godel/index.html"} <= set(
        everyone.outputs)
    assert '<a href="../../authors/grace-hopper/">Grace Hopper</a>' in page(
        everyone, "papers/computable-numbers/index.html")
    three = run(project(tmp_path / "b", PAPERS, "author_pages: 3\n"))
    assert sorted(p for p in three.outputs if p.startswith("authors/")) == [
        "authors/ada-lovelace/index.html", "authors/index.html"]
    index = page(three, "authors/index.html")
    # Alan has two papers and no page: the index links both, by title
    assert ('Alan Turing: <a href="../papers/computable-numbers/">Computable Numbers</a>; '
            '<a href="../papers/analytical-engines/">Analytical Engines</a>') in index


def test_author_pages_must_be_a_whole_number_of_at_least_one(tmp_path: Path) -> None:
    project(tmp_path, PAPERS, "author_pages: 0\n")
    problems = Problems()
    config_mod.load(tmp_path, problems)
    assert [str(p) for p in problems.errors] == [
        f"{tmp_path / 'digest.yaml'}:3: error: 'author_pages' must be at least 1"]


def test_a_long_authors_index_is_cut_into_pages_that_list_everyone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "AUTHORS_PER_INDEX_PAGE", 2)
    out = run(project(tmp_path, PAPERS))
    first = page(out, "authors/index.html")
    second = page(out, "authors/page/2/index.html")
    assert "authors/page/3/index.html" not in out.outputs
    names = re.findall(r"<li>(?:<a [^>]*>)?([^<:]+)", first + second)
    # by family name: Gödel, Hopper, Lovelace, Turing
    assert [n for n in names if n in {"Kurt Gödel", "Grace Hopper", "Ada Lovelace",
                                      "Alan Turing"}] == [
        "Kurt Gödel", "Grace Hopper", "Ada Lovelace", "Alan Turing"]
    assert '<span aria-current="page">Gödel – Hopper</span>' in first
    assert '<a href="../page/2/">Lovelace – Turing</a>' not in first  # links from the root
    assert '<a href="../authors/page/2/">Lovelace – Turing</a>' in first
    assert '<a rel="next" href="../authors/page/2/">' in first
    assert '<a rel="prev" href="../../../authors/">' in second


def test_a_rebuild_links_an_author_who_gains_a_page_everywhere(tmp_path: Path) -> None:
    root = project(tmp_path, PAPERS)
    cache = BuildCache()
    run(root, cache)
    (root / "content" / "listings" / "2025-07-01-more.json").write_text(json.dumps(
        [{"title": "Hopper's Compiler", "authors": ["Grace Hopper"], "date": "2025-07-01"}]),
        "utf-8")  # another listing: the pages of the first one are otherwise unchanged
    again = run(root, cache)
    assert "authors/grace-hopper/index.html" in again.outputs
    assert '<a href="../../authors/grace-hopper/">Grace Hopper</a>' in page(
        again, "papers/computable-numbers/index.html")
    assert again.outputs == run(root, None).outputs
