"""The build cache kept on disk (``.digest-cache/``): a command-line rebuild redoes only
what changed, and its site is byte for byte what a build from nothing makes, whatever
happened in between (edits, a deleted or edited output file, a damaged or foreign cache,
another output folder, another build date)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from edits import edits
from sitebuild import GOLDEN_SITE, tree

from digest import config as config_mod
from digest import diskcache
from digest.build import BuildResult, build_site
from digest.errors import Problems

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import corpus  # benchmarks/corpus.py: the synthetic project

DAY = date(2025, 12, 31)


def run(project: Path, output: Path, *, day: date = DAY, keep_cache: bool = True,
        problems: Problems | None = None) -> BuildResult:
    """One ``digest build`` as the command runs it: the cache read from disk each time."""
    problems = problems if problems is not None else Problems()
    cfg = replace(config_mod.load(project, problems), output=str(output))
    result = build_site(cfg, day, problems, keep_cache=keep_cache)
    assert result is not None, [str(p) for p in problems.items]
    return result


def fresh(project: Path, tmp: Path, day: date = DAY) -> dict[str, bytes]:
    """The site a build without any cache makes."""
    out = tmp / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    run(project, out, day=day, keep_cache=False)
    return tree(out)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    shutil.copytree(GOLDEN_SITE, tmp_path / "tiny")
    return tmp_path / "tiny"


def test_a_second_build_keeps_every_page_and_writes_nothing(tiny: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = run(tiny, site)
    assert first.remade == first.page_count  # nothing to keep yet
    assert (tiny / ".digest-cache" / "build.pickle").is_file()
    assert (tiny / ".digest-cache" / ".gitignore").read_text() == "*\n"
    again = run(tiny, site)
    assert again.report is not None and again.report.written == []
    # only the pages made from everything (home, indexes, search, 404) are made again
    assert again.remade < 10 < again.page_count
    assert tree(site) == fresh(tiny, tmp_path)


def test_no_cache_neither_reads_nor_writes_one(tiny: Path, tmp_path: Path) -> None:
    result = run(tiny, tmp_path / "site", keep_cache=False)
    assert result.remade == result.page_count
    assert not (tiny / ".digest-cache").exists()


def test_a_chain_of_rebuilds_from_the_disk_cache_equals_builds_from_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Titles, a date that moves a paper into the feeds, topics, a note, a listing removed
    and restored, the config and the site's own templates: after each, the site built
    with the cache read from disk is the site built from nothing. 300 papers: the first
    build renders in worker processes, the later ones here."""
    monkeypatch.setattr(corpus, "PER_LISTING", 40)  # eight listings
    project = corpus.write_project(300, tmp_path / "project")
    site = tmp_path / "site"
    edit = edits(project)
    steps = ("first", "retitle", "newest", "topics", "note", "remove", "restore", "config",
             "template", "retitle")
    for name in steps:
        if name != "first":
            edit[name]()
        result = run(project, site)
        assert tree(site) == fresh(project, tmp_path), name
        if name == "retitle":
            assert 0 < result.remade < result.page_count / 10, name
    assert b"data-own-theme" in (site / "index.html").read_bytes()


def _statuses(site: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(site).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in site.rglob("*") if path.is_file()}


def test_the_cache_knows_each_file_as_it_is_on_disk(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The (size, mtime) the cache keeps of each file, known from the writing (in the
    workers, and here) and from the last build for the files kept, are the files' own,
    after a first build, an edit, and a file edited by hand."""
    monkeypatch.setattr(corpus, "PER_LISTING", 40)
    project = corpus.write_project(300, tmp_path / "project")
    site = tmp_path / "site"
    edit = edits(project)
    for step in ("first", "retitle", "by hand"):
        if step == "retitle":
            edit["retitle"]()
        elif step == "by hand":
            (site / "topics" / "index.html").write_bytes(b"edited by hand")
        run(project, site)
        loaded, why = diskcache.load(project)
        assert why is None and loaded is not None
        assert loaded.files == _statuses(site), step  # type: ignore[attr-defined]
        assert loaded.folder == str(site)  # type: ignore[attr-defined]


def test_an_output_file_deleted_or_edited_is_made_again(tiny: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(tiny, site)
    paper = next((site / "papers").glob("*/index.html"))
    original = paper.read_bytes()
    paper.unlink()
    (site / "topics" / "index.html").write_bytes(b"edited by hand")
    index = next((site / "search" / "docs").glob("*.json"))
    index.write_bytes(index.read_bytes()[:-1] + b" ")  # the same size, another mtime
    os.utime(index, ns=(1, 1))
    result = run(tiny, site)
    assert result.report is not None
    assert sorted(result.report.written) == sorted([
        paper.relative_to(site).as_posix(), "topics/index.html",
        index.relative_to(site).as_posix()])
    assert paper.read_bytes() == original
    assert tree(site) == fresh(tiny, tmp_path)


def test_a_damaged_cache_is_reported_and_the_site_built_in_full(tiny: Path,
                                                                tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(tiny, site)
    cache = tiny / ".digest-cache" / "build.pickle"
    data = cache.read_bytes()
    cache.write_bytes(data[:len(data) // 2])
    problems = Problems()
    result = run(tiny, site, problems=problems)
    assert [(p.path, p.severity) for p in problems.items] == \
        [(".digest-cache/build.pickle", "warning")]
    assert "damaged" in problems.items[0].message
    assert result.remade == result.page_count
    assert tree(site) == fresh(tiny, tmp_path)
    assert diskcache.load(tiny)[1] is None  # written anew after the good build


def test_a_cache_from_another_digest_is_ignored(tiny: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(tiny, site)
    cache = tiny / ".digest-cache" / "build.pickle"
    body = cache.read_bytes().split(b"\n", 1)[1]
    cache.write_bytes(b"0" * 32 + b"\n" + body)  # another version's fingerprint
    problems = Problems()
    result = run(tiny, site, problems=problems)
    assert problems.items == []
    assert result.remade == result.page_count


def test_a_cache_that_unpickles_to_something_else_is_ignored(tiny: Path,
                                                             tmp_path: Path) -> None:
    folder = tiny / ".digest-cache"
    folder.mkdir()
    (folder / "build.pickle").write_bytes(diskcache.fingerprint().encode() + b"\n" +
                                          pickle.dumps({"not": "a cache"}))
    result = run(tiny, tmp_path / "site")
    assert result.remade == result.page_count


def test_another_output_folder_gets_every_file(tiny: Path, tmp_path: Path) -> None:
    run(tiny, tmp_path / "one")
    other = run(tiny, tmp_path / "two")
    assert other.remade == other.page_count
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    again = run(tiny, tmp_path / "one")  # the cache now describes "two"
    assert again.report is not None and again.report.written == []


def test_a_listing_without_a_date_is_read_again_on_another_day(tmp_path: Path) -> None:
    """A yearless date resolves against the build date when the listing declares none:
    the cache keeps such a listing for one day only, a dated one across days."""
    project = tmp_path / "project"
    listings = project / "content" / "listings"
    listings.mkdir(parents=True)
    (project / "digest.yaml").write_text("title: Days\n", encoding="utf-8")
    (listings / "undated.json").write_text('[{"title": "Paper one", "date": "Dec 20"}]', "utf-8")
    (listings / "2025-06-01-dated.json").write_text('[{"title": "Paper two", "date": "Dec 20"}]',
                                                    "utf-8")
    site = tmp_path / "site"
    run(project, site, day=date(2025, 12, 31))
    result = run(project, site, day=date(2027, 1, 5))
    assert tree(site) == fresh(project, tmp_path, day=date(2027, 1, 5))
    text = b"".join(tree(site).values())
    assert b"2026-12-20" in text and b"2024-12-20" in text
    assert result.report is not None and result.report.written


def test_a_failed_build_leaves_the_cache_as_it_was(tiny: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(tiny, site)
    cache = tiny / ".digest-cache" / "build.pickle"
    before = cache.read_bytes()
    listing = tiny / "content" / "listings" / "2025-12-08-daily.txt"
    text = listing.read_text(encoding="utf-8")
    listing.write_text(text.replace("title: Daily papers, December 8", 'title: "unclosed', 1),
                       encoding="utf-8")
    problems = Problems()
    cfg = replace(config_mod.load(tiny, problems), output=str(site))
    assert build_site(cfg, DAY, problems) is None
    assert cache.read_bytes() == before
    listing.write_text(text, encoding="utf-8")
    again = run(tiny, site)
    assert again.report is not None and again.report.written == []


def test_the_search_memo_is_kept_beside_the_cache_and_a_bad_one_is_remade(
        tiny: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(tiny, site)
    memo = tiny / ".digest-cache" / "search.pickle"
    assert memo.is_file()
    memo.write_bytes(memo.read_bytes()[:100])  # damaged: the index is made from nothing
    listing = tiny / "content" / "listings" / "2025-12-08-daily.txt"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        "Scaling Language Models Without Tears", "Scaling Language Models With Tears", 1),
        encoding="utf-8")
    result = run(tiny, site)
    assert result.report is not None
    assert "search/index.json" in result.report.written
    assert tree(site) == fresh(tiny, tmp_path)
    assert diskcache.load(tiny, "search.pickle")[1] is None
    assert sorted(p.name for p in (tiny / ".digest-cache").iterdir()) == \
        [".gitignore", "build.pickle", "search.pickle"]  # no temporary file left


def test_a_cache_folder_that_cannot_be_written_is_a_warning_not_a_failure(
        tiny: Path, tmp_path: Path) -> None:
    (tiny / ".digest-cache").write_text("a file where the folder should be", encoding="utf-8")
    problems = Problems()
    result = run(tiny, tmp_path / "site", problems=problems)
    assert [(p.path, p.severity) for p in problems.items] == \
        [(".digest-cache/build.pickle", "warning")] * 2
    assert "cannot be read" in problems.items[0].message
    assert "cannot be written" in problems.items[1].message
    assert result.report is not None and tree(tmp_path / "site") == fresh(tiny, tmp_path)


def test_a_new_days_listing_extends_the_search_index(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A daily fetch adds papers dated after every other: the search documents are
    numbered oldest first, so the rebuild rewrites the last documents file only (not
    every one after a renumbering), and the site is the one a build from nothing makes."""
    monkeypatch.setattr(corpus, "PER_LISTING", 40)
    project = corpus.write_project(200, tmp_path / "project")
    site = tmp_path / "site"
    run(project, site)
    docs = sorted((site / "search" / "docs").iterdir(), key=lambda p: int(p.stem))
    listings = sorted((project / "content" / "listings").glob("*.json"))
    newest = json.loads(listings[-1].read_text(encoding="utf-8"))
    day = max(str(record["date"]) for record in newest)
    later = date.fromisoformat(day).replace(year=int(day[:4]) + 1).isoformat()
    (project / "content" / "listings" / f"{later}-daily.json").write_text(json.dumps(
        [{"title": "Aardvark Widgets from a New Day", "authors": ["Ada Aardvark"],
          "abstract": "Widgets for diffusion models, found on a new day.", "date": later}]),
        encoding="utf-8")
    result = run(project, site)
    assert result.report is not None
    written = {name for name in result.report.written if name.startswith("search/docs/")}
    # the new paper is the last document (its id sorts first): its file, and a new one
    # when the last was full
    assert written <= {docs[-1].relative_to(site).as_posix(), f"search/docs/{len(docs)}.json"}
    assert written
    assert tree(site) == fresh(project, tmp_path)
