"""benchmarks/corpus.py --realistic: the corpus has the properties issue 16 asks for.

Each property is counted from the written files (or from what digest's own parsers
make of them), not from the generator's statistics.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from sitebuild import FIXED_DAY, REPO, tree

from digest import config as config_mod
from digest.build import build
from digest.errors import Problems
from digest.inputs.listings import parse_listing
from digest.inputs.listings.authorlist import swap_names

sys.path.insert(0, str(REPO / "benchmarks"))
import hugo_site
from corpus import write_project

PAPERS = 300
LATEX = re.compile(r"\$[^$]+\$|\\[A-Za-z]+\{|\\%|``")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(PAPERS, tmp_path_factory.mktemp("realistic"), realistic=True)


def _listings(project: Path) -> list[Path]:
    return sorted((project / "content" / "listings").iterdir())


def test_same_seed_same_files(project: Path, tmp_path: Path) -> None:
    again = write_project(PAPERS, tmp_path / "again", realistic=True)
    assert tree(again / "content") == tree(project / "content")
    other = write_project(PAPERS, tmp_path / "other", seed=1, realistic=True)
    assert tree(other / "content") != tree(project / "content")


def test_one_big_records_file_and_small_pastes_of_every_format(project: Path) -> None:
    formats: Counter[str] = Counter()
    sizes: dict[str, int] = {}
    for path in _listings(project):
        problems = Problems()
        listing = parse_listing(path.name, path.read_bytes(), FIXED_DAY, problems)
        assert listing is not None and not problems.items, [str(p) for p in problems.items]
        formats[listing.format] += 1
        sizes[path.name] = len(listing.entries)
        assert not any(e.topics for e in listing.entries), path.name  # the rules assign them
    assert set(formats) == {"records", "huggingface", "title-abstract", "author-list"}
    records = [n for n in sizes if n.endswith(".json")]
    assert len(records) == 1 and 0.7 * PAPERS <= sizes[records[0]] <= 0.9 * PAPERS
    small = [count for name, count in sizes.items() if name not in records]
    assert len(small) >= 5 and max(small) <= 30
    raw = [p for p in _listings(project) if not p.read_text(encoding="utf-8").startswith("---")]
    assert raw  # some are pasted as they are, dated by their file name
    assert not any("topics:" in p.read_text(encoding="utf-8").split("\n\n")[0]
                   for p in _listings(project))


def test_latex_in_about_one_abstract_in_five(project: Path) -> None:
    records = json.loads(next((project / "content" / "listings").glob("*.json")).read_text())
    share = sum(bool(LATEX.search(r["abstract"])) for r in records) / len(records)
    assert 0.12 <= share <= 0.3, share
    formulas = [m for r in records for m in re.findall(r"\$[^$]+\$", r["abstract"])]
    assert len(set(formulas)) >= 0.6 * len(formulas)  # not one formula repeated
    assert all("topics" not in r for r in records)
    assert all(r["arxiv"] and r["links"][0].endswith(r["arxiv"]) for r in records)


def test_authors_as_on_arxiv(project: Path) -> None:
    bylines = [r["authors"] for r in json.loads(
        next((project / "content" / "listings").glob("*.json")).read_text())]
    for path in (project / "content" / "listings").glob("*-publications.txt"):
        lines = path.read_text(encoding="utf-8").split("---\n")[-1].splitlines()
        bylines += [list(swap_names(line)) for line in lines[2::3]]
    assert all(1 <= len(b) <= 15 for b in bylines)
    assert 5 <= sum(map(len, bylines)) / len(bylines) <= 7.5
    per_author = Counter(name for byline in bylines for name in set(byline))
    assert len(per_author) > 1.5 * PAPERS
    assert sum(c == 1 for c in per_author.values()) > 0.4 * len(per_author)
    assert max(per_author.values()) >= 8  # a few prolific people
    assert any(not name.isascii() for name in per_author)


def test_builds_without_problems_and_merges_duplicates(project: Path, tmp_path: Path) -> None:
    problems = Problems()
    cfg = replace(config_mod.load(project, problems), output=str(tmp_path / "site"))
    result = build(cfg, FIXED_DAY, problems, jobs=1)
    assert result is not None and not problems.items, [str(p) for p in problems.items[:5]]
    papers = result.site.papers
    assert len(papers) == PAPERS  # the pasted duplicates merged into their records
    assert sum(len(p.sources) > 1 for p in papers) >= 10
    topics = Counter(t for p in papers for t in p.topics)
    assert len(topics) >= 8 and topics["other"] < 0.5 * PAPERS
    assert not [p.id for p in papers if re.search(r"\\[A-Za-z]+|\$[^$ ]+\$", p.abstract)]
    assert sum(bool(re.search("[α-ω×≤]", p.abstract)) for p in papers) >= 0.1 * PAPERS


@pytest.mark.skipif(not Path(hugo_site.HUGO).is_file(), reason="needs Debian's hugo")
def test_hugo_site_has_digest_topics(project: Path, tmp_path: Path) -> None:
    records = hugo_site.export_records(project)
    site = hugo_site.write_site(records, tmp_path / "hugo", "Hugo")
    import subprocess

    subprocess.run(hugo_site.hugo_command(tmp_path / "public"), cwd=site, check=True)
    public = tmp_path / "public"
    assert len(list((public / "papers").iterdir())) == PAPERS
    topics = {t for r in records for t in r["topics"]}  # type: ignore[attr-defined]
    made = {p.name for p in (public / "topics").iterdir() if p.is_dir()}
    assert len(made) == len(topics)
    assert all((public / "topics" / t / "index.xml").is_file() for t in made)
    assert not (public / "topics" / "index.xml").exists()
    for feed in ("index.xml", "atom.xml", "feed.json", "search.json"):
        assert (public / feed).is_file(), feed
    assert len(json.loads((public / "search.json").read_text(encoding="utf-8"))) == PAPERS
    assert len(json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]) == 50
    # as digest's author_pages: 2, only the authors of two papers or more have a page
    counts = Counter(a for r in records for a in set(r["authors"]))  # type: ignore[attr-defined]
    made = {p.name for p in (public / "authors").iterdir() if p.is_dir()} - {"page"}
    assert len(made) == sum(n >= 2 for n in counts.values()) < len(counts)
    some = next(p for p in (public / "authors").iterdir() if p.is_dir() and p.name != "page")
    assert (some / "index.html").is_file() and not (some / "index.xml").exists()
    # the layout's links (made from front matter) reach the pages Hugo made
    pages = [p.read_text(encoding="utf-8") for p in (public / "papers").glob("*/index.html")]
    links = {unquote(h) for page in pages for h in re.findall(r'href="/papers/([^"]*/)"', page)}
    assert any(h.startswith("authors/") for h in links)
    assert any(h.startswith("topics/") for h in links)
    missing = [h for h in links if not (public / h / "index.html").is_file()]
    assert not missing, missing[:5]
    assert sum("Related papers" in page for page in pages) > PAPERS / 4
    assert [h for h in links if not (public / h / "index.html").is_file()] == []
