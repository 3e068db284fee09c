"""``digest fetch`` against the replay server: days to listings, the log, failures, freshness.

Every expected value is written out by hand from the invented world below.
"""

from __future__ import annotations

import calendar
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from replay import Paper, ReplayServer, Reply, World, atom_feed, rss_feed

from digest.cli import main
from digest.config import Source
from digest.corpus.freshness import freshness, stale
from digest.inputs.fetchlog import Fetched

TODAY = "2025-10-27"


def epoch(day: str) -> str:
    return str(calendar.timegm(date.fromisoformat(day).timetuple()) + 12 * 3600)


def hf_paper(ident: str, title: str, featured: str, upvotes: int, **more: object) -> Paper:
    return Paper(ident, title, ("Ada Lovelace", "Alan Turing"), f"{featured}T17:00:00Z",
                 summary=f"We study {title.lower()}. Code: https://github.com/x/{ident}",
                 hf={"featured": featured, "upvotes": upvotes, **more})


def world() -> World:
    return World({p.id: p for p in [
        hf_paper("2510.20001", "Sparse Kernels for Vision", "2025-10-24", 41,
                 github="https://github.com/sparse/kernels"),
        hf_paper("2510.20002", "Masked Tokens at Scale", "2025-10-24", 7),
        hf_paper("2510.20003", "Quiet Diffusion", "2025-10-24", 0),
        hf_paper("2510.20011", "Robots That Read Maps", "2025-10-27", 12),
    ]}, today=TODAY)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    replay = ReplayServer(world())
    with replay.running():
        yield replay


def project(tmp_path: Path, server: ReplayServer, sources: str = "") -> Path:
    root = tmp_path / "d"
    (root / "content" / "listings").mkdir(parents=True)
    (root / "digest.yaml").write_text(
        "title: Test digest\napis:\n  spacing: {arxiv: 0, huggingface: 0}\n" + sources,
        encoding="utf-8")
    return root


def run(root: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch, *args: str,
        today: str = TODAY) -> Result:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(today))
    monkeypatch.setenv("DIGEST_HUGGINGFACE_API", server.hf_url)
    monkeypatch.setenv("DIGEST_ARXIV_API", server.arxiv_url)
    monkeypatch.setenv("DIGEST_ARXIV_RSS", server.rss_url)
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted((root / "content").rglob("*")) if p.is_file()}


def log_lines(root: Path) -> list[str]:
    return (root / "content" / "fetch-log.tsv").read_text("utf-8").splitlines()[1:]


def test_a_normal_day_becomes_a_records_listing(tmp_path: Path, server: ReplayServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    result = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert result.exit_code == 0, result.output
    assert "huggingface 2025-10-24: 3 papers, 3 new" in result.output
    listing = root / "content" / "listings" / "2025-10-24-huggingface.json"
    records = json.loads(listing.read_text("utf-8"))
    assert [r["arxiv"] for r in records] == ["2510.20001", "2510.20002", "2510.20003"]
    first = records[0]
    assert first == {
        "arxiv": "2510.20001", "title": "Sparse Kernels for Vision",
        "authors": ["Ada Lovelace", "Alan Turing"], "date": "2025-10-24",
        "abstract": "We study sparse kernels for vision. Code: https://github.com/x/2510.20001",
        "links": ["https://arxiv.org/abs/2510.20001", "https://arxiv.org/pdf/2510.20001",
                  "https://github.com/sparse/kernels"],
        "upvotes": 41, "submitter": "Curator"}
    assert records[2]["upvotes"] == 0
    assert listing.read_text("utf-8").startswith('[\n  {\n    "abstract"')  # sorted, indented
    assert log_lines(root) == ["huggingface\t2025-10-24\t3\t3"]
    assert "requests: Hugging Face 1" in result.output
    check = run(root, server, monkeypatch, "check")
    assert check.exit_code == 0, check.output
    assert "1 listings, 3 entries, 3 papers" in check.output


def test_an_empty_day_and_a_future_day_are_fetched_with_none(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    empty = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-25")
    future = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-30")
    assert empty.exit_code == 0 and future.exit_code == 0, empty.output + future.output
    assert "huggingface 2025-10-25: fetched, 0 new" in empty.output
    assert "huggingface 2025-10-30: fetched, 0 new (Hugging Face refused the date: " \
        "Invalid date)" in future.output
    assert not list((root / "content" / "listings").iterdir())
    assert log_lines(root) == ["huggingface\t2025-10-25\t0\t0", "huggingface\t2025-10-30\t0\t0"]
    before = snapshot(root)
    again = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-25")
    assert again.exit_code == 0 and snapshot(root) == before


def test_429_then_success(tmp_path: Path, server: ReplayServer,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    server.queue("hf-daily", Reply(429, b"slow down", {"Retry-After": "0"}))
    result = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert result.exit_code == 0, result.output
    assert len(server.requests("hf-daily")) == 2
    assert (root / "content" / "listings" / "2025-10-24-huggingface.json").exists()


def test_503_past_the_retries_loses_nothing_and_other_sources_go_on(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server, "sources:\n  - {name: hf, kind: huggingface}\n"
                   "  - {name: cv, kind: arxiv, query: 'cat:cs.CV'}\n")
    first = run(root, server, monkeypatch, "fetch", "hf", "--date", "2025-10-24")
    assert first.exit_code == 0, first.output
    before = snapshot(root)
    for _ in range(5):
        server.queue("hf-daily", Reply(503, b"down", {"Retry-After": "0"}))
    # Thu 2025-10-23 05:00 EDT: Thursday's deadline, announced that evening, dated Fri 24
    arxiv_paper = Paper("2510.30001", "Self-Supervised Depth", ("Grace Hopper",),
                        "2025-10-23T09:00:00Z", summary="Depth without labels.")
    server.queue("arxiv", Reply(200, atom_feed([arxiv_paper], "q")))
    result = run(root, server, monkeypatch, "fetch", "--date", "2025-10-24")
    assert result.exit_code == 1
    assert "source 'hf' failed: Hugging Face: HTTP 503" in result.output
    assert len(server.requests("hf-daily")) == 1 + 5
    after = snapshot(root)
    assert after["content/listings/2025-10-24-hf.json"] == \
        before["content/listings/2025-10-24-hf.json"]
    cv = json.loads((root / "content/listings/2025-10-24-cv.json").read_text("utf-8"))
    assert [r["arxiv"] for r in cv] == ["2510.30001"]


def test_the_same_day_twice_changes_only_counts(tmp_path: Path, server: ReplayServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    before = snapshot(root)
    again = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert "3 papers, 0 new" in again.output and "(unchanged)" in again.output
    assert snapshot(root) == before  # not even rewritten
    old = server.world.papers["2510.20002"]
    server.world.papers["2510.20002"] = Paper(**{**old.__dict__, "hf": {**(old.hf or {}),
                                                                      "upvotes": 9}})
    third = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert "(written)" in third.output
    after = snapshot(root)
    assert set(after) == set(before)
    name = "content/listings/2025-10-24-huggingface.json"
    changed = [(a, b) for a, b in zip(before[name][0].decode().splitlines(),
                                      after[name][0].decode().splitlines(), strict=True) if a != b]
    assert changed == [('    "upvotes": 7', '    "upvotes": 9')]
    assert after["content/fetch-log.tsv"] == before["content/fetch-log.tsv"]


def test_a_paper_already_pasted_is_not_added_again(tmp_path: Path, server: ReplayServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    (root / "content/listings/2025-10-20-pasted.yaml").write_text(
        '- title: Masked tokens at scale (our reading group copy)\n  arxiv: "2510.20002"\n'
        "- title: Quiet Diffusion\n", encoding="utf-8")
    result = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert "3 papers, 1 new, 2 in other listings" in result.output
    records = json.loads((root / "content/listings/2025-10-24-huggingface.json").read_text())
    assert [r["arxiv"] for r in records] == ["2510.20001"]
    check = run(root, server, monkeypatch, "check")
    assert "2 listings, 3 entries, 3 papers (0 duplicate" in check.output


def test_plain_fetch_runs_from_the_newest_day_and_freshness(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server, "sources:\n  - name: hf\n    kind: huggingface\n"
                   "    max_age_days: 2\n")
    never = run(root, server, monkeypatch, "check", "--freshness")
    assert never.exit_code == 1 and "digest.yaml:5: stale: source 'hf' has never been " \
        "fetched" in never.output
    result = run(root, server, monkeypatch, "fetch")  # today 2025-10-27: 25, 26, 27
    assert result.exit_code == 0, result.output
    assert [q["date"] for q in server.requests("hf-daily")] == [
        ["2025-10-25"], ["2025-10-26"], ["2025-10-27"]]
    assert "hf 2025-10-27: 1 paper, 1 new" in result.output
    assert run(root, server, monkeypatch, "check", "--freshness").exit_code == 0
    later = run(root, server, monkeypatch, "check", "--freshness", today="2025-10-30")
    assert later.exit_code == 1
    assert "newest fetched day 2025-10-27 is 3 days old (max_age_days: 2)" in later.output
    assert run(root, server, monkeypatch, "check", today="2025-10-30").exit_code == 0
    build = run(root, server, monkeypatch, "build", "-q", today="2025-10-30")
    assert build.exit_code == 0 and "warning: stale: source 'hf'" in build.output


def test_freshness_is_a_pure_comparison() -> None:
    sources = [Source("a", "huggingface", max_age_days=3, line=2),
               Source("b", "arxiv", "cat:cs.CV", max_age_days=1, line=3),
               Source("c", "huggingface", line=4)]
    log = [Fetched("a", "2025-10-20", 0, 0), Fetched("a", "2025-10-24", 5, 5),
           Fetched("b", "2025-10-24", 2, 2), Fetched("b", "2025-11-02", 0, 0)]  # future
    today = date(2025, 10, 27)
    verdicts = {f.source: (f.newest, f.age_days, f.stale) for f in freshness(sources, log, today)}
    assert verdicts == {"a": ("2025-10-24", 3, False), "b": ("2025-10-24", 3, True),
                        "c": (None, None, True)}
    assert [f.source for f in stale(sources, log, today)] == ["b", "c"]


def test_an_arxiv_query_groups_records_by_announcement_day(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    papers = [
        # Fri 2025-10-24 01:00 UTC is Thu 21:00 EDT: after Thursday's deadline, announced
        # Sunday evening, dated Mon 27 (its UTC submission day, the 24th, is not its listing)
        Paper("2510.30002", "Depth Two", ("B",), "2025-10-24T01:00:00Z", doi="10.1/x"),
        # Thu 2025-10-23 05:00 EDT: announced Thursday evening, dated Fri 24
        Paper("2510.30001", "Depth One", ("A",), "2025-10-23T09:00:00Z"),
        # v2 of a paper first submitted Thu 13:59 EDT: stays in Friday's listing
        Paper("2510.30004", "Depth Four", ("D",), "2025-10-23T17:59:00Z", v=2,
              updated="2025-10-27T10:00:00Z"),
        # Fri 14:00 EDT, the query's last minute: Tuesday 28's, not fetched yet
        Paper("2510.30003", "Depth Three", ("C",), "2025-10-24T18:00:00Z"),
    ]
    server.queue("arxiv", Reply(200, atom_feed(papers, "q", per_page=100)))
    result = run(root, server, monkeypatch, "fetch", "arxiv", "--query",
                 'cat:cs.CV AND abs:"depth"', "--since", "2025-10-24")
    assert result.exit_code == 0, result.output
    (query,) = server.requests("arxiv")
    # Fri 24's listing: Wed 22 14:00 EDT to Thu 23 14:00; Mon 27's: to Fri 24 14:00 (18:00 UTC)
    assert query["search_query"] == [('(cat:cs.CV AND abs:"depth") AND '
                                      "submittedDate:[202510221800 TO 202510241800]")]
    assert query["sortBy"] == ["submittedDate"] and query["sortOrder"] == ["descending"]
    listings = root / "content/listings"
    assert sorted(p.name for p in listings.iterdir()) == ["2025-10-24-arxiv.json",
                                                          "2025-10-27-arxiv.json"]
    friday = json.loads((listings / "2025-10-24-arxiv.json").read_text())
    assert [r["arxiv"] for r in friday] == ["2510.30001", "2510.30004"]
    monday = json.loads((listings / "2025-10-27-arxiv.json").read_text())
    assert monday == [{"arxiv": "2510.30002", "title": "Depth Two", "authors": ["B"],
                       "date": "2025-10-24",
                       "links": ["https://arxiv.org/abs/2510.30002",
                                 "https://arxiv.org/pdf/2510.30002", "https://doi.org/10.1/x"]}]
    assert "arxiv 2025-10-25: fetched, 0 new (arXiv dates no listing on a weekend)" \
        in result.output
    assert log_lines(root) == ["arxiv\t2025-10-24\t2\t2", "arxiv\t2025-10-25\t0\t0",
                               "arxiv\t2025-10-26\t0\t0", "arxiv\t2025-10-27\t1\t1"]


def test_an_arxiv_weekend_day_asks_nothing_and_is_fetched_with_none(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    result = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                 "--date", "2025-10-25")
    assert result.exit_code == 0, result.output
    assert server.requests("arxiv") == []
    assert "arxiv 2025-10-25: fetched, 0 new (arXiv dates no listing on a weekend)" \
        in result.output
    assert log_lines(root) == ["arxiv\t2025-10-25\t0\t0"]


def test_an_empty_arxiv_announcement_day_and_a_day_fetched_again(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    empty = atom_feed([], "q", per_page=100)
    server.queue("arxiv", *[Reply(200, empty)] * 3)  # an empty page is asked twice more
    quiet = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                "--date", "2025-10-22")
    assert quiet.exit_code == 0, quiet.output
    (query, *_) = server.requests("arxiv")
    # Wed 22's listing: Mon 20 14:00 EDT to Tue 21 14:00 EDT
    assert query["search_query"] == [("(cat:cs.CV) AND submittedDate:[202510201800 TO "
                                      "202510211800]")]
    assert "arxiv 2025-10-22: fetched, 0 new" in quiet.output
    assert log_lines(root) == ["arxiv\t2025-10-22\t0\t0"]
    paper = Paper("2510.30001", "Depth One", ("A",), "2025-10-21T09:00:00Z")  # Tue 05:00 EDT
    server.queue("arxiv", Reply(200, atom_feed([paper], "q", per_page=100)),
                 Reply(200, atom_feed([paper], "q", per_page=100)))
    first = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                "--date", "2025-10-22")
    assert "arxiv 2025-10-22: 1 paper, 1 new" in first.output
    before = snapshot(root)
    again = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                "--date", "2025-10-22")
    assert "arxiv 2025-10-22: 1 paper, 0 new" in again.output and "(unchanged)" in again.output
    assert snapshot(root) == before
    assert log_lines(root) == ["arxiv\t2025-10-22\t1\t1"]


def test_a_plain_arxiv_fetch_backfills_by_announcement_day(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server, "sources:\n  - {name: cv, kind: arxiv, query: "
                   "'cat:cs.CV', backfill_days: 3}\n")
    empty = atom_feed([], "q", per_page=100)
    server.queue("arxiv", *[Reply(200, empty)] * 3)
    monday = run(root, server, monkeypatch, "fetch")  # Mon 27: 3 listings back, from Thu 23
    assert monday.exit_code == 0, monday.output
    # Thu 23's listing starts Tue 21 14:00 EDT; Mon 27's ends Fri 24 14:00 EDT
    assert server.requests("arxiv")[0]["search_query"] == [
        "(cat:cs.CV) AND submittedDate:[202510211800 TO 202510241800]"]
    assert log_lines(root) == [f"cv\t2025-10-{d}\t0\t0" for d in (23, 24, 25, 26, 27)]
    paper = Paper("2510.30009", "Weekend Work", ("W",), "2025-10-25T15:00:00Z")  # Sat
    server.queue("arxiv", Reply(200, atom_feed([paper], "q", per_page=100)))
    tuesday = run(root, server, monkeypatch, "fetch", today="2025-10-28")
    assert tuesday.exit_code == 0, tuesday.output
    # again the last 3 listings, Fri 24, Mon 27, Tue 28: Wed 22 14:00 EDT to Mon 27 14:00
    assert server.requests("arxiv")[3]["search_query"] == [
        "(cat:cs.CV) AND submittedDate:[202510221800 TO 202510271800]"]
    assert "cv 2025-10-28: 1 paper, 1 new" in tuesday.output
    assert log_lines(root) == [*(f"cv\t2025-10-{d}\t0\t0" for d in (23, 24, 25, 26, 27)),
                               "cv\t2025-10-28\t1\t1"]


def test_the_announcement_feed_overrules_the_schedule_on_a_holiday(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    papers = [
        # Wed 2025-11-26 15:00 EST: the schedule says Thursday evening, dated Fri 28; arXiv
        # deferred that mailing (Thanksgiving) and its feed dates the paper Mon 1 December
        Paper("2511.40001", "Holiday One", ("A",), "2025-11-26T20:00:00Z"),
        # Fri 2025-11-28 10:00 EST: Sunday evening, dated Mon 1 December, both agree
        Paper("2511.40002", "Holiday Two", ("B",), "2025-11-28T15:00:00Z"),
        # Tue 2025-11-25 10:00 EST: dated Wed 26; the feed lists only its replacement
        Paper("2511.40003", "Replaced Three", ("C",), "2025-11-25T15:00:00Z", v=2,
              updated="2025-11-28T16:00:00Z"),
    ]
    server.queue("arxiv", Reply(200, atom_feed(papers, "q", per_page=100)))
    server.queue("arxiv-rss", Reply(200, rss_feed("cs.CV", "2025-12-01", [
        ("2511.40001v1", "new"), ("2511.40002v1", "cross"), ("2511.40003v2", "replace")])))
    result = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                 "--since", "2025-11-26", today="2025-12-01")
    assert result.exit_code == 0, result.output
    # Wed 26's listing starts Mon 24 14:00 EST; Mon 1's ends Fri 28 14:00 EST (19:00 UTC)
    (query,) = server.requests("arxiv")
    assert query["search_query"] == [("(cat:cs.CV) AND submittedDate:[202511241900 TO "
                                     "202511281900]")]
    assert [q["_path"] for q in server.requests("arxiv-rss")] == [["/arxiv-rss/atom/cs.CV"]]
    listings = root / "content/listings"
    assert sorted(p.name for p in listings.iterdir()) == ["2025-11-26-arxiv.json",
                                                          "2025-12-01-arxiv.json"]
    assert [r["arxiv"] for r in json.loads((listings / "2025-12-01-arxiv.json").read_text())] \
        == ["2511.40001", "2511.40002"]
    assert [r["arxiv"] for r in json.loads((listings / "2025-11-26-arxiv.json").read_text())] \
        == ["2511.40003"]
    assert log_lines(root) == ["arxiv\t2025-11-26\t1\t1", "arxiv\t2025-11-27\t0\t0",
                               "arxiv\t2025-11-28\t0\t0", "arxiv\t2025-11-29\t0\t0",
                               "arxiv\t2025-11-30\t0\t0", "arxiv\t2025-12-01\t2\t2"]
    assert "requests: arXiv 1, arXiv announcements 1" in result.output


def test_an_unreadable_announcement_feed_is_a_warning_and_the_schedule_decides(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    paper = Paper("2510.30001", "Depth One", ("A",), "2025-10-23T09:00:00Z")  # → Fri 24
    server.queue("arxiv", Reply(200, atom_feed([paper], "q", per_page=100)))
    server.queue("arxiv-rss", *[Reply(503, b"down", {"Retry-After": "0"})] * 5)
    result = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                 "--date", "2025-10-24")
    assert result.exit_code == 0, result.output
    assert "warning: source 'arxiv': arXiv announcements: HTTP 503" in result.output
    assert "arxiv 2025-10-24: 1 paper, 1 new" in result.output
    assert (root / "content/listings/2025-10-24-arxiv.json").exists()


def test_a_paper_in_a_listing_of_the_source_stays_there(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    papers = [Paper("2510.30001", "Friday One", ("A",), "2025-10-23T09:00:00Z"),  # → Fri 24
              # Fri 05:00 EDT → Mon 27; listed on the 24th by the submission-day grouping
              Paper("2510.30002", "Friday Two", ("B",), "2025-10-24T09:00:00Z")]
    old = [{"arxiv": p.id, "title": p.title, "authors": list(p.authors),
            "date": p.published[:10],
            "links": [f"https://arxiv.org/abs/{p.id}", f"https://arxiv.org/pdf/{p.id}"]}
           for p in papers]
    listing = root / "content/listings/2025-10-24-arxiv.json"
    listing.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    before = listing.read_bytes()
    server.queue("arxiv", Reply(200, atom_feed(papers, "q", per_page=100)))
    result = run(root, server, monkeypatch, "fetch", "arxiv", "--query", "cat:cs.CV",
                 "--since", "2025-10-24")
    assert result.exit_code == 0, result.output
    assert listing.read_bytes() == before  # neither paper moved nor was lost
    assert "arxiv 2025-10-24: 2 papers, 0 new" in result.output
    assert "arxiv 2025-10-27: fetched, 0 new" in result.output
    assert not (root / "content/listings/2025-10-27-arxiv.json").exists()


def test_bad_sources_are_reported_with_their_line(tmp_path: Path, server: ReplayServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server, "sources:\n  - {name: hf, kind: rss}\n"
                   "  - {name: cv, kind: arxiv}\n  - {name: x, kind: huggingface, "
                   "max_age_days: 0}\n")
    result = run(root, server, monkeypatch, "check")
    assert result.exit_code == 1
    assert "digest.yaml:5: error: sources[0]: 'kind' must be one of huggingface, arxiv" \
        in result.output
    assert "digest.yaml:6: error: sources[1]: an arxiv source needs a 'query'" in result.output
    assert "digest.yaml:7: error: sources[2]: 'max_age_days' must be" in result.output


def test_a_kill_mid_fetch_leaves_no_half_written_listing(tmp_path: Path,
                                                         server: ReplayServer) -> None:
    root = project(tmp_path, server)
    server.queue("hf-daily", Reply(200, json.dumps([]).encode()),  # 2025-10-23: none
                 Reply(200, b"[]", delay=30.0))  # 2025-10-24 hangs: the kill comes then
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch(TODAY),
           "DIGEST_HUGGINGFACE_API": server.hf_url, "DIGEST_ARXIV_API": server.arxiv_url}
    (root / "content/listings/2025-10-01-old.json").write_text('[{"title": "Old"}]\n')
    proc = subprocess.Popen([sys.executable, "-m", "digest", "fetch", "huggingface",
                             "--since", "2025-10-23"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(600):
        if len(server.requests("hf-daily")) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    names = sorted(p.name for p in (root / "content/listings").iterdir())
    assert names == ["2025-10-01-old.json"]
    assert log_lines(root) == ["huggingface\t2025-10-23\t0\t0"]
    env_run = subprocess.run([sys.executable, "-m", "digest", "fetch", "huggingface",
                              "--since", "2025-10-23"], cwd=root, env=env, capture_output=True,
                             text=True, check=False)
    assert env_run.returncode == 0, env_run.stderr
    listing = root / "content/listings/2025-10-24-huggingface.json"
    assert len(json.loads(listing.read_text())) == 3


def test_end_to_end_new_fetch_build_refetch_and_stale(tmp_path: Path, server: ReplayServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "x"]).exit_code == 0
    root = tmp_path / "x"
    fetched = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert fetched.exit_code == 0, fetched.output
    built = run(root, server, monkeypatch, "build", "-q")
    assert built.exit_code == 0, built.output
    page = (root / "site/editions/2025-10-24-huggingface/index.html").read_text("utf-8")
    for text in ("Sparse Kernels for Vision", "Masked Tokens at Scale", "Quiet Diffusion",
                 "Ada Lovelace", "We study sparse kernels for vision", "▲ 41"):
        assert text in page, text
    paper = (root / "site/papers/sparse-kernels-for-vision/index.html").read_text("utf-8")
    for text in ("https://github.com/sparse/kernels", "https://arxiv.org/abs/2510.20001",
                 "Alan Turing"):
        assert text in paper, text
    before = snapshot(root)
    again = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert again.exit_code == 0 and snapshot(root) == before
    assert "3 papers, 0 new" in again.output
    with (root / "digest.yaml").open("a", encoding="utf-8") as config:
        config.write("sources:\n  - {name: huggingface, kind: huggingface, max_age_days: 3}\n")
    assert run(root, server, monkeypatch, "check", "--freshness").exit_code == 0
    stale_run = run(root, server, monkeypatch, "check", "--freshness", today="2025-10-28")
    assert stale_run.exit_code == 1
    assert "newest fetched day 2025-10-24 is 4 days old (max_age_days: 3)" in stale_run.output


def test_a_malformed_body_is_an_error_naming_the_source(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    server.queue("hf-daily", Reply(200, b"<html>maintenance</html>"))
    result = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert result.exit_code == 1
    assert "error: source 'huggingface' failed: Hugging Face: malformed JSON" in result.output
    assert not list((root / "content/listings").iterdir())
    assert not (root / "content/fetch-log.tsv").exists()


def test_a_pasted_paper_resolved_by_enrich_is_not_added_again(
        tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, server)
    (root / "content/listings/2025-10-20-pasted.yaml").write_text(
        "- title: Diffusion, quietly (as we pasted it)\n", encoding="utf-8")
    papers = root / "content/metadata/papers"
    papers.mkdir(parents=True)
    (papers / "2510.20003.json").write_text(json.dumps({
        "id": "2510.20003", "match": {"how": "titles equal", "source": "huggingface search",
                                      "date": "2025-10-21",
                                      "titles": ["Diffusion, quietly (as we pasted it)"]}}))
    result = run(root, server, monkeypatch, "fetch", "huggingface", "--date", "2025-10-24")
    assert "3 papers, 2 new, 1 in other listings" in result.output, result.output
    records = json.loads((root / "content/listings/2025-10-24-huggingface.json").read_text())
    assert [r["arxiv"] for r in records] == ["2510.20001", "2510.20002"]
