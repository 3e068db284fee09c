"""The fast paths of a large build give the same site as the plain ones.

Worker processes (``parallel``), the card cache with its link prefix, the
incremental plan, merge and search counts of a rebuild: each is checked against
the straightforward computation on small projects, with the thresholds forced.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from edits import edits
from sitebuild import FIXED_DAY, GOLDEN_SITE, REPO, tree

from digest import build as build_mod
from digest import config as config_mod
from digest import executor
from digest.build import BuildCache, build, parse_all
from digest.errors import Problems
from digest.inputs.files import listing_files
from digest.output import render
from digest.output.render import describe
from digest.site import routes as pages

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_project

DAY = date(2026, 3, 31)


def _build(project: Path, output: Path, jobs: int) -> None:
    problems = Problems()
    cfg = replace(config_mod.load(project, problems), output=str(output))
    result = build(cfg, FIXED_DAY, problems, jobs=jobs)
    assert result is not None and not problems.errors, [str(p) for p in problems.items]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(120, tmp_path_factory.mktemp("synthetic"))


@pytest.mark.parametrize("project", ["golden", "synthetic"])
def test_workers_build_the_same_site(project: str, synthetic: Path, tmp_path: Path) -> None:
    root = GOLDEN_SITE if project == "golden" else synthetic
    _build(root, tmp_path / "serial", jobs=1)
    _build(root, tmp_path / "parallel", jobs=2)
    serial, forked = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert sorted(forked) == sorted(serial)
    assert [n for n in sorted(serial) if serial[n] != forked[n]] == []


def test_workers_rewrite_nothing_unchanged_and_remove_stale(synthetic: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(synthetic, out, jobs=2)
    (out / "papers" / "gone").mkdir()
    (out / "papers" / "gone" / "index.html").write_text("old")
    problems = Problems()
    cfg = replace(config_mod.load(synthetic, problems), output=str(out))
    result = build(cfg, FIXED_DAY, problems, jobs=2)
    assert result is not None and result.report is not None
    assert result.report.written == []
    assert result.report.removed == ["papers/gone/index.html"]
    assert not (out / "papers" / "gone").exists()


def test_a_worker_error_keeps_the_old_site_and_names_the_template(synthetic: Path,
                                                                  tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    out = tmp_path / "site"
    _build(project, out, jobs=2)
    before = tree(out)
    (project / "templates").mkdir()
    (project / "templates" / "author.html").write_text(
        '{% extends "base.html" %}{% block main %}\n{{ no_such_value.x }}{% endblock %}\n')
    problems = Problems()
    cfg = replace(config_mod.load(project, problems), output=str(out))
    with pytest.raises(Exception) as caught:
        build(cfg, FIXED_DAY, problems, jobs=2)
    assert "author.html:2" in describe(caught.value)
    assert tree(out) == before  # nothing staged is left behind


def test_parallel_parsing_matches_serial(synthetic: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    files = listing_files(synthetic, synthetic / "content")
    serial = parse_all(files, DAY, Problems())
    monkeypatch.setattr(build_mod, "MIN_LISTING_BYTES", 0)
    monkeypatch.setattr(executor, "workers", lambda: 2)
    assert parse_all(files, DAY, Problems()) == serial


def test_cached_card_html_equals_a_direct_render(synthetic: Path) -> None:
    problems = Problems()
    cfg = config_mod.load(synthetic, problems)
    result = build(cfg, DAY, problems, write=False)
    assert result is not None
    env = render.environment(cfg)
    render_card = render.CardCache().renderer(env)
    planner = pages.Planner(result.site)
    for prefix in ("", "../../", "../../../../"):
        for paper in result.site.papers[:20]:
            card = planner.card(paper, prefix)
            direct = env.get_template("partials/card.html").render(card=card)
            assert render_card(card) == markupsafe.Markup(direct)


def test_incremental_rebuild_equals_a_full_build(synthetic: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(synthetic, project)
    problems = Problems()
    cfg = config_mod.load(project, problems)
    cache = BuildCache()
    assert build(cfg, DAY, problems, write=False, cache=cache) is not None
    listing = min((project / "content" / "listings").glob("*.json"))
    records = json.loads(listing.read_text(encoding="utf-8"))
    records[0]["title"] += " revisited"
    records[1]["authors"] = records[1]["authors"][:3]
    listing.write_text(json.dumps(records), encoding="utf-8")
    again = build(cfg, DAY, problems, write=False, cache=cache)
    fresh = build(cfg, DAY, Problems(), write=False)
    assert again is not None and fresh is not None
    assert again.outputs == fresh.outputs
    assert 0 < len(cache.rendered) < again.page_count


def test_a_chain_of_incremental_rebuilds_equals_full_builds(tmp_path: Path) -> None:
    """Each preview memo (merge, topics, plan, cards, feeds) stays exact over many edits:
    titles, dates that move a paper into the feeds, topics, notes, a listing removed, a
    paper inserted, deleted or moved to another month, an author given a page."""
    project = write_project(600, tmp_path / "project")
    cache = BuildCache()
    edit = edits(project)
    for name in ("first", "retitle", "newest", "topics", "note", "remove", "restore",
                 "drop_note", "insert", "delete", "redate", "coauthor", "retitle"):
        if name != "first":
            edit[name]()
        problems = Problems()
        cfg = config_mod.load(project, problems)
        again = build(cfg, DAY, problems, write=False, cache=cache)
        fresh = build(cfg, DAY, Problems(), write=False)
        assert again is not None and fresh is not None
        assert sorted(again.outputs) == sorted(fresh.outputs), name
        assert [k for k in fresh.outputs if again.outputs[k] != fresh.outputs[k]] == [], name


def test_one_large_records_file_spread_over_workers_matches_serial(
        synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records: list[object] = []
    for path in sorted((synthetic / "content" / "listings").glob("*.json")):
        records += json.loads(path.read_text(encoding="utf-8"))
    records[3] = {**records[3], "abstract": r"A 17.5$\times$ gain, up to 9.8\% more."}  # type: ignore[dict-item]
    records[5] = {"title": 5}  # a bad record: its problem is reported once, at its line
    folder = tmp_path / "content" / "listings"
    folder.mkdir(parents=True)
    (folder / "2024-06-01-all.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    (folder / "2024-06-02-small.txt").write_text("A small listing\n\nSome abstract.\n",
                                                   encoding="utf-8")
    files = listing_files(tmp_path, tmp_path / "content")
    serial_problems, spread_problems = Problems(), Problems()
    serial = parse_all(files, DAY, serial_problems)
    monkeypatch.setattr(build_mod, "MIN_LISTING_BYTES", 1000)
    monkeypatch.setattr(build_mod, "MIN_RECORDS", 0)
    monkeypatch.setattr(executor, "workers", lambda: 2)
    started: list[str] = []
    run_all = executor.run_all

    def spy(function, shared, chunks, processes):  # type: ignore[no-untyped-def]
        started.append(f"{function.__name__} {len(chunks)} {processes}")
        return run_all(function, shared, chunks, processes)

    monkeypatch.setattr(executor, "run_all", spy)
    assert parse_all(files, DAY, Problems()) == serial
    assert not any(s.startswith("_entries_chunk") for s in started)  # too little LaTeX
    monkeypatch.setattr(build_mod, "LATEX_SHARE", len(records))  # one record with LaTeX: enough
    spread = parse_all(files, DAY, spread_problems)
    assert "_entries_chunk 4 2" in started  # the large file's records, on two workers
    assert spread == serial
    assert "×" in spread.listings[0].entries[3].abstract
    assert spread_problems.items == serial_problems.items and serial_problems.errors


def test_several_large_records_files_parse_side_by_side(
        synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Years of daily fetches make several records files of similar size: each goes to a
    worker whole, the largest first, rather than one at a time with its records spread."""
    records: list[object] = []
    for path in sorted((synthetic / "content" / "listings").glob("*.json")):
        records += json.loads(path.read_text(encoding="utf-8"))
    records[2] = {"title": 5}  # a bad record: reported at its line, in its file
    folder = tmp_path / "content" / "listings"
    folder.mkdir(parents=True)
    step = len(records) // 4
    for n in range(4):
        part = records[n * step:(n + 1) * step + (n % 2)]
        (folder / f"2024-06-0{n + 1}-part.json").write_text(json.dumps(part, indent=1),
                                                           encoding="utf-8")
    (folder / "2024-06-09-small.txt").write_text("A small listing\n\nSome abstract.\n",
                                                   encoding="utf-8")
    files = listing_files(tmp_path, tmp_path / "content")
    serial_problems, spread_problems = Problems(), Problems()
    serial = parse_all(files, DAY, serial_problems)
    monkeypatch.setattr(build_mod, "MIN_LISTING_BYTES", 1000)
    monkeypatch.setattr(build_mod, "MIN_RECORDS", 0)
    monkeypatch.setattr(build_mod, "LATEX_SHARE", len(records))
    monkeypatch.setattr(executor, "workers", lambda: 2)
    started: list[tuple[str, list[list[int]]]] = []
    run_all = executor.run_all

    def spy(function, shared, chunks, processes):  # type: ignore[no-untyped-def]
        started.append((function.__name__, [list(c) for c in chunks]))
        return run_all(function, shared, chunks, processes)

    monkeypatch.setattr(executor, "run_all", spy)
    spread = parse_all(files, DAY, spread_problems)
    assert spread == serial
    assert spread_problems.items == serial_problems.items and serial_problems.errors
    assert [name for name, _ in started] == ["_parse_chunk"]  # no file's records split
    chunks = started[0][1]
    sizes = [len(f.data) for f in files]
    firsts = [sizes[c[0]] for c in chunks]
    assert firsts == sorted(firsts, reverse=True) and len(chunks) >= 4
    assert sorted(i for c in chunks for i in c) == list(range(len(files)))


def test_chunks_by_size_put_the_largest_files_first() -> None:
    from digest.build import _by_size

    sizes = [5, 100, 7, 90, 3, 1, 95]
    chunks = _by_size(list(range(len(sizes))), sizes, 4)
    assert chunks[:3] == [[1], [6], [3]]  # each larger than a quarter of the bytes: alone
    assert sorted(i for c in chunks for i in c) == list(range(len(sizes)))
    assert _by_size([], sizes, 4) == []


def test_a_plan_is_cut_into_runs_of_one_kind_of_step() -> None:
    """The preview's plan keeps each kind's steps at both ends of its run; ``Planner.specs``
    lists each kind together, and a kind listed apart still gets runs of its own."""
    from digest.build import _runs
    from digest.site.routes import Kind

    specs: list[Any] = [(Kind.HOME, None), (Kind.PAPER, 1), (Kind.PAPER, 2),
                        (Kind.AUTHOR, "a"), (Kind.AUTHOR, "b"), (Kind.STATIC, 4)]
    assert _runs(specs) == [(Kind.HOME, 0, 1), (Kind.PAPER, 1, 3), (Kind.AUTHOR, 3, 5),
                            (Kind.STATIC, 5, 6)]
    apart = [*specs[:4], (Kind.PAPER, 3), specs[5]]
    assert _runs(apart) == [(Kind.HOME, 0, 1), (Kind.PAPER, 1, 3), (Kind.AUTHOR, 3, 4),
                            (Kind.PAPER, 4, 5), (Kind.STATIC, 5, 6)]
    assert _runs([]) == []
