"""Incremental rebuilds (build.BuildCache): only the changed listing is parsed again, only
pages whose record changed are rendered again, and the result is byte for byte a full build."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from digest import config as config_mod
from digest.build import BuildCache, BuildResult, build
from digest.errors import Problems

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "fixtures" / "golden_site"
DAY = date(2025, 12, 31)
EDITION = "content/listings/2025-12-08-daily.txt"


def run(root: Path, cache: BuildCache | None) -> BuildResult:
    problems = Problems()
    cfg = config_mod.load(root, problems)
    result = build(cfg, DAY, problems, write=False, cache=cache)
    assert result is not None, [str(p) for p in problems.items]
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    shutil.copytree(TINY, tmp_path / "tiny")
    return tmp_path / "tiny"


def test_a_rebuild_without_changes_parses_and_renders_nothing(tiny: Path) -> None:
    cache = BuildCache()
    first = run(tiny, cache)
    assert len(cache.parsed) == 3 and len(cache.rendered) == first.page_count
    again = run(tiny, cache)
    assert cache.parsed == [] and cache.rendered == []
    assert again.outputs == first.outputs


def test_one_listing_changed_reparses_it_and_renders_only_pages_it_shows_on(tiny: Path) -> None:
    cache = BuildCache()
    run(tiny, cache)
    edit(tiny / EDITION, "title: Daily papers, December 8", "title: Daily papers, 8 December")
    result = run(tiny, cache)
    assert cache.parsed == [EDITION]
    assert "editions/2025-12-08-daily/index.html" in cache.rendered
    assert "index.html" in cache.rendered  # the home page lists editions
    assert "editions/2025-12-15-daily/index.html" not in cache.rendered
    assert len(cache.rendered) < result.page_count
    assert result.outputs == run(tiny, None).outputs  # the same bytes as a full build
    assert b"8 December" in result.outputs["editions/2025-12-08-daily/index.html"]


def test_a_failed_build_keeps_the_memo_of_the_last_good_one(tiny: Path) -> None:
    cache = BuildCache()
    good = run(tiny, cache)
    edit(tiny / EDITION, "title: Daily papers, December 8", 'title: "unclosed')
    problems = Problems()
    cfg = config_mod.load(tiny, problems)
    assert build(cfg, DAY, problems, write=False, cache=cache) is None
    assert cache.parsed == [EDITION]
    assert [p.path for p in problems.errors] == [EDITION]
    edit(tiny / EDITION, 'title: "unclosed', "title: Daily papers, December 8")
    assert run(tiny, cache).outputs == good.outputs
    assert cache.rendered == []  # back to the pages of the last good build


def test_forget_pages_renders_everything_again(tiny: Path) -> None:
    cache = BuildCache()
    first = run(tiny, cache)
    cache.forget_pages()  # what the server does when a template changes
    run(tiny, cache)
    assert cache.parsed == []
    assert len(cache.rendered) == first.page_count


def test_a_config_change_renders_everything_again(tiny: Path) -> None:
    cache = BuildCache()
    first = run(tiny, cache)
    edit(tiny / "digest.yaml", "title: Tiny digest", "title: Tiny digest, renamed")
    result = run(tiny, cache)
    assert cache.parsed == []
    assert len(cache.rendered) == first.page_count
    assert b"Tiny digest, renamed" in result.outputs["index.html"]


def test_incremental_equals_full_on_the_shipped_content(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    cache = BuildCache()
    first = run(tmp_path, cache)
    listing = tmp_path / "content" / "listings" / "multimodal-search.txt"
    edit(listing, 'title: "Paper search: multimodal models and masked modeling"',
         'title: "Paper search: multimodal models"')
    result = run(tmp_path, cache)
    assert cache.parsed == ["content/listings/multimodal-search.txt"]
    assert 0 < len(cache.rendered) < first.page_count / 2
    assert result.outputs == run(tmp_path, None).outputs


def test_stored_metadata_changes_only_the_pages_of_its_paper(tiny: Path) -> None:
    cache = BuildCache()
    first = run(tiny, cache)
    papers = tiny / "content" / "metadata" / "papers"
    papers.mkdir(parents=True)
    (papers / "2401.00001.json").write_text(json.dumps({
        "id": "2401.00001",
        "match": {"how": "titles equal", "source": "arxiv search", "date": "2026-06-01",
                  "titles": ["A Study of Nothing in Particular"]},
        "arxiv": {"fetched": "2026-06-01", "title": "A Study of Nothing in Particular",
                  "authors": ["Ada Lovelace", "Alan Turing"],
                  "published": "2024-01-05T00:00:00Z"}}, sort_keys=True), "utf-8")
    result = run(tiny, cache)
    assert cache.parsed == []
    page = "papers/a-study-of-nothing-in-particular/index.html"
    assert page in cache.rendered and len(cache.rendered) < first.page_count
    html = result.outputs[page].decode()
    assert "Ada Lovelace" in html and 'href="https://arxiv.org/pdf/2401.00001"' in html
    assert result.outputs == run(tiny, None).outputs  # as a full build makes it


def test_a_paper_redated_is_redated_on_the_pages_that_list_it_as_related(
        tmp_path: Path) -> None:
    """Only the date of a paper in another listing changes: the papers whose related list
    shows it (a compact card with its date) are made again, as a full build makes them."""
    project = tmp_path / "related"
    shutil.copytree(REPO / "tests" / "fixtures" / "related_site", project)
    listings = project / "content" / "listings"
    families = listings / "2025-06-30-families.yaml"
    text = families.read_text(encoding="utf-8")
    start = text.index('- title: "DoRA')
    end = text.index("- title: ", start + 1)
    families.write_text(text[:start] + text[end:], encoding="utf-8")
    dora = listings / "2025-07-01-dora.yaml"
    # a topic of its own: no paper listing it as related is its neighbour in a topic
    dora.write_text(text[start:end] + "  topics: [Weight decomposition]\n", encoding="utf-8")
    cache = BuildCache()
    run(project, cache)
    edit(dora, "date: 2024-02-14", "date: 2019-11-05")
    again = run(project, cache)
    assert again.outputs == run(project, None).outputs
    pages = [name for name, data in again.outputs.items()
             if name.startswith("papers/") and b"DoRA" in data and b"Nov 5, 2019" in data]
    assert len(pages) > 1  # its own page, and those listing it as related


def test_reread_reads_the_named_listings_and_finds_files_added_or_removed(tiny: Path) -> None:
    """The preview passes the listings its watcher saw change: those are read again, a
    new file is read, a removed one is gone, and the site is what a full build makes."""
    problems = Problems()
    cfg = config_mod.load(tiny, problems)
    cache = BuildCache()
    assert build(cfg, DAY, problems, write=False, cache=cache, reread=None) is not None
    edit(tiny / EDITION, "title: Daily papers, December 8", "title: Daily papers, 8 December")
    added = "content/listings/2025-12-20-daily.txt"
    shutil.copy(tiny / EDITION, tiny / added)
    (tiny / "content/listings/2025-12-15-daily.txt").unlink()
    gone = "content/listings/2025-12-15-daily.txt"
    result = build(cfg, DAY, problems, write=False, cache=cache, reread={EDITION, added, gone})
    assert result is not None
    assert sorted(cache.parsed) == sorted([EDITION, added])
    assert result.outputs == run(tiny, None).outputs
    assert b"8 December" in result.outputs["editions/2025-12-08-daily/index.html"]
    assert "editions/2025-12-15-daily/index.html" not in result.outputs


def test_the_preview_rereads_what_its_watcher_saw_change_and_everything_on_a_config_change(
        ) -> None:
    from digest.serve.server import reread
    from digest.serve.watch import Change, Kind

    assert reread([]) is None  # the first build
    assert reread([Change(EDITION, Kind.LISTING), Change("templates/x.html", Kind.TEMPLATE)]) \
        == {EDITION, "templates/x.html"}
    assert reread([Change(EDITION, Kind.LISTING), Change("digest.yaml", Kind.CONFIG)]) is None


def test_a_listing_changed_while_no_build_ran_is_read_by_the_next_build(
        tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview reads only the listings its watcher named; one named while the
    config could not be loaded (no build ran) is read by the next build all the same."""
    from digest.serve.server import Preview, SiteState
    from digest.serve.watch import Change, Kind

    preview = Preview(lambda problems: config_mod.load(tiny, problems), SiteState(),
                      "http://127.0.0.1:8000")
    preview.rebuild([])
    load = preview.load_config

    def broken(problems: Problems) -> config_mod.Config:
        problems.error("digest.yaml", 1, "broken for this test")
        return load(problems)

    monkeypatch.setattr(preview, "load_config", broken)
    edit(tiny / EDITION, "title: Daily papers, December 8", "title: Daily papers, 8 December")
    assert preview.rebuild([Change(EDITION, Kind.LISTING)]).error
    monkeypatch.setattr(preview, "load_config", load)
    done = preview.rebuild([Change("templates/base.html", Kind.TEMPLATE)])
    preview.tidy()
    assert done.error is None
    assert b"8 December" in done.outputs["editions/2025-12-08-daily/index.html"]


def test_a_paper_removed_from_a_listing_leaves_its_edition(tiny: Path) -> None:
    """The plan edits the last build's papers of each listing for the papers that moved:
    one dropped from a listing (the record of every other paper the same) is gone from
    that edition, as from a full build."""
    cache = BuildCache()
    run(tiny, cache)
    path = tiny / "content/listings/2025-12-15-daily.txt"
    text = path.read_text(encoding="utf-8")
    # its last entry: no other entry moves, so no other record of the listing changes
    path.write_text(text[:text.index("A Study of Nothing")], encoding="utf-8")
    result = run(tiny, cache)
    assert result.outputs == run(tiny, None).outputs
    assert b"A Study of Nothing" not in result.outputs["editions/2025-12-15-daily/index.html"]


def test_the_charts_span_shrinks_when_the_newest_months_only_paper_goes(tiny: Path) -> None:
    """Trends are edited for the papers that moved only while each is dated strictly
    inside the charts' months: the only paper of the newest month going moves the span,
    which a full count works out."""
    extra = tiny / "content/listings/2026-03-02-extra.txt"
    extra.write_text("---\ntitle: Extra\ndate: 2026-03-02\n---\nA Paper From The Future\n"
                     "An abstract about diffusion models.\n", encoding="utf-8")
    cache = BuildCache()
    first = run(tiny, cache)
    assert b"2026" in first.outputs["topics/index.html"]
    extra.unlink()
    result = run(tiny, cache)
    assert result.outputs == run(tiny, None).outputs
    assert b"Mar 2026" not in result.outputs["topics/index.html"]
