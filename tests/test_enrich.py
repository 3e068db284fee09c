"""``digest enrich`` on 50 pasted papers (every listing format) against the replay server.

The fixture world (``fixtures/enrich/world.yaml``) knows most of the papers and, beside
them, near-identical decoys: "v2", "2" and "++" follow-ups, another subtitle, a shared
name before the colon, one title on two papers. ``expected.yaml`` says by hand what a
run must give: every known paper resolved to its id, no decoy applied, the rest reported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from replay import FakeClock, ReplayServer, Reply, World

import digest
from digest import config as config_mod
from digest.build import load_corpus
from digest.cli import main
from digest.commands import enrich
from digest.errors import Problems
from digest.inputs.metadata import Store, read_store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "enrich"
EXPECTED: dict[str, Any] = yaml.safe_load((FIXTURE / "expected.yaml").read_text("utf-8"))
JUNE_1 = "1780272000"  # SOURCE_DATE_EPOCH of 2026-06-01


def make_project(root: Path, server: ReplayServer, *, overrides: bool = True,
                 spacing: str = "{arxiv: 0, huggingface: 0}") -> Path:
    shutil.copytree(FIXTURE / "content", root / "content")
    if not overrides:
        (root / "content" / "metadata" / "overrides.yaml").unlink()
    # two host names for the one server, so that each API has its own spacing
    hf_url = server.hf_url.replace("127.0.0.1", "localhost")
    (root / "digest.yaml").write_text(
        f"apis:\n  arxiv: {server.arxiv_url}\n  huggingface: {hf_url}\n"
        f"  spacing: {spacing}\n", encoding="utf-8")
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str, epoch: str = JUNE_1) -> Result:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for name in ("DIGEST_ARXIV_API", "DIGEST_HUGGINGFACE_API"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["enrich", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def store_of(root: Path) -> Store:
    problems = Problems()
    store = read_store(root, root / "content", problems)
    assert not problems.items, [str(p) for p in problems.items]
    return store


def resolutions(root: Path) -> dict[str, str | None]:
    """Pasted title → the arXiv id the store gives it (None: unresolved)."""
    problems = Problems()
    cfg = config_mod.load(root, problems)
    corpus = load_corpus(cfg, date(2026, 6, 1), problems)
    store = store_of(root)
    found = {}
    for paper in corpus.papers:
        meta = store.for_paper(paper.title, paper.arxiv_id)
        found[paper.title] = meta.arxiv_id if meta is not None and meta.arxiv else None
    return found


def check_against_expected(root: Path) -> None:
    found = resolutions(root)
    assert len(found) == 50
    resolved = {t: i for t, i in found.items() if i is not None}
    assert resolved == EXPECTED["resolved"]
    assert not set(EXPECTED["decoys"]) & set(store_of(root).papers)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(World.load()).running() as running:
        yield running


def review_blocks(output: str) -> dict[str, list[str]]:
    """Title of each "needs review" line → the candidate ids listed under it."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        m = re.search(r": needs review: '(.*)'$", line)
        if m:
            current = m.group(1)
            blocks[current] = []
        elif current and line.startswith("    candidate "):
            blocks[current].append(line.split()[1])
        else:
            current = None
    return blocks


@pytest.mark.parametrize("legacy", [False, True], ids=["atom-2026", "atom-2016"])
def test_fifty_pasted_papers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             legacy: bool) -> None:
    with ReplayServer(World.load(), legacy=legacy).running() as server:
        root = make_project(tmp_path, server)
        result = run(root, monkeypatch)
        log = list(server.log)
    out = result.output
    assert result.exit_code == 1, out  # the fixture's bad input is reported
    assert "resolved 36 / needs review 9 / not found 5\n" in out
    check_against_expected(root)
    blocks = review_blocks(out)
    assert sorted(blocks) == sorted(EXPECTED["review"])
    for title, candidates in EXPECTED["review"].items():
        assert set(candidates) <= set(blocks[title]), (title, blocks[title])
    for title in EXPECTED["not_found"][:3]:
        assert f": not found: {title!r}" in out
    for error in EXPECTED["errors"]:
        assert error in out
    # one Daily Papers request for the one dated Hugging Face listing; batches of <= 100
    assert [q["date"] for r, q in log if r == "hf-daily"] == [["2026-03-02"]]
    id_lists = [q["id_list"][0].split(",") for r, q in log if r == "arxiv" and "id_list" in q]
    assert id_lists and all(len(ids) <= 100 for ids in id_lists)


def test_what_a_stored_paper_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    run(root, monkeypatch)
    papers = store_of(root).papers
    daily = papers["2602.20001"]
    assert daily.match.source == "huggingface daily papers" and daily.match.how == "titles equal"
    assert daily.authors is not None and daily.authors.value == (
        "Mira Okafor", "Daniel Brandt", "Yuki Tanaka", "Sofia Marquez", "Arjun Mehta")
    assert daily.date is not None and (daily.date.value, daily.date.source) == ("2026-02-27",
                                                                                "arxiv")
    assert daily.upvotes is not None and (daily.upvotes.value, daily.upvotes.fetched) == (
        41, "2026-06-01")
    assert daily.code is not None and daily.code.url == "https://github.com/fict-lab/smr-asr"
    assert daily.arxiv is not None and daily.arxiv.primary_category == "eess.AS"
    assert daily.arxiv.categories == ("cs.CL", "cs.LG")
    close = papers["2501.05009"]
    assert close.match.how == "close title (99%) and author count, date"
    assert close.match.titles == ("Modelling Tidal Flows with Neural Operators",)
    arxiv_only = papers["2408.06003"]
    assert arxiv_only.match.source == "arxiv search"
    assert arxiv_only.huggingface is not None and not arxiv_only.huggingface.indexed
    assert arxiv_only.code is not None and arxiv_only.code.source == "arxiv abstract"
    assert arxiv_only.project is not None
    assert arxiv_only.project.url == "https://fict-robotics.github.io/cloth/"
    assert papers["2403.07003"].arxiv.authors[1].affiliations == (  # type: ignore[union-attr]
        "Instituto Ficticio", "Université Fictive")
    ref = papers["2409.05006"].arxiv
    assert ref is not None and ref.doi == "10.5555/fict.2025.101" and ref.version == 3
    assert papers["2406.08007"].match.source == "overrides.yaml"
    assert papers["hep-th/9901001"].path == "content/metadata/papers/hep-th_9901001.json"
    twice = papers["2407.06001"]  # pasted by title, and listed by id
    assert twice.match.titles == (("Scaling Laws for Sparse Autoencoders in Protein Language "
                                  "Models"),)
    raw = json.loads((root / twice.path).read_text("utf-8"))
    assert raw["huggingface"]["upvotes"] == 56 and "authors" not in raw["huggingface"]


def test_a_second_run_skips_what_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    run(root, monkeypatch)
    files = {p.name: p.read_bytes() for p in (root / "content/metadata/papers").iterdir()}
    before = len(server.log)
    again = run(root, monkeypatch, epoch="1780358400")  # a day later
    assert "resolved 0 / needs review 9 / not found 5\n" in again.output
    second = server.log[before:]
    searched = sorted(q["q"][0] for r, q in second if r == "hf-search")
    unresolved = sorted([*EXPECTED["review"], *EXPECTED["not_found"][:3]])
    assert searched == unresolved  # only the papers still unresolved are looked up
    assert {p.name: p.read_bytes() for p in (root / "content/metadata/papers").iterdir()} == files


def test_a_near_miss_is_confirmed_by_an_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 server: ReplayServer) -> None:
    root = make_project(tmp_path, server, overrides=False)
    first = run(root, monkeypatch)
    assert "resolved 35 / needs review 10 / not found 5\n" in first.output
    title = "Open-Vocabulary Segmentation of Aerial Images at Scale"
    assert "2406.08007" in review_blocks(first.output)[title]
    assert resolutions(root)[title] is None
    shutil.copyfile(FIXTURE / "content/metadata/overrides.yaml",
                    root / "content/metadata/overrides.yaml")
    second = run(root, monkeypatch)
    assert "resolved 1 / needs review 9 / not found 5\n" in second.output
    check_against_expected(root)


def test_limit_looks_up_only_so_many_titles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    run(root, monkeypatch, "--limit", "3")
    assert len({q["q"][0] for r, q in server.log if r == "hf-search"}) <= 3
    titled = [t for t, i in resolutions(root).items() if i and not t.startswith("arXiv:")]
    assert 1 <= len(titled) <= 3 + 2  # three looked up; the listed ids R5, R7 come by id


def test_refresh_fetches_stored_papers_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    run(root, monkeypatch)
    hf = server.world.papers["2602.20001"].hf
    assert hf is not None
    hf["upvotes"] = 50
    before = len(server.log)
    run(root, monkeypatch, "--refresh", epoch="1780444800")  # 2026-06-03
    fetched = {i for r, q in server.log[before:] if r == "arxiv" and "id_list" in q
               for i in q["id_list"][0].split(",")}
    assert set(store_of(root).papers) <= fetched
    paper = store_of(root).papers["2602.20001"]
    assert paper.upvotes is not None and (paper.upvotes.value, paper.upvotes.fetched) == (
        50, "2026-06-03")
    assert paper.match.date == "2026-06-01"  # the match stands; the data is refreshed
    check_against_expected(root)


def test_arxiv_down_hugging_face_up(tmp_path: Path, server: ReplayServer) -> None:
    """Failures name the source; after three in a row arXiv is left alone; the rest goes on,
    and a later run completes the store."""
    root = make_project(tmp_path, server)
    server.queue("arxiv", *[Reply(503)] * 15)
    problems = Problems()
    cfg = config_mod.load(root, problems)
    corpus = load_corpus(cfg, date(2026, 6, 1), problems)
    said: list[str] = []
    code = enrich.command(cfg, corpus, problems, environ={}, today=date(2026, 6, 1),
                          echo=said.append, warn=said.append, clock=FakeClock())
    assert code == 1
    assert len(server.requests("arxiv")) == 15  # three calls of five attempts, then none
    text = "\n".join(said)
    assert "arXiv: HTTP 503 (gave up after 5 attempts)" in text
    assert "arXiv: 3 failures in a row; not asked again in this run" in text
    store = store_of(root)
    assert "2602.20001" in store.papers and store.papers["2602.20001"].arxiv is None
    assert store.papers["2602.20001"].huggingface is not None
    said.clear()
    code = enrich.command(cfg, corpus, Problems(), environ={}, today=date(2026, 6, 1),
                          echo=said.append, warn=said.append, clock=FakeClock())
    assert code == 1 and "resolved 13 / needs review 9 / not found 5" in said  # the rest
    check_against_expected(root)


def test_the_env_overrides_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    (root / "digest.yaml").write_text("apis:\n  arxiv: https://export.arxiv.org/api/query\n"
                                      "  huggingface: https://huggingface.co/api\n"
                                      "  spacing: {arxiv: 0, huggingface: 0}\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JUNE_1)
    monkeypatch.setenv("DIGEST_ARXIV_API", server.arxiv_url)
    monkeypatch.setenv("DIGEST_HUGGINGFACE_API", server.hf_url)
    problems = Problems()
    cfg = config_mod.load(root, problems)
    corpus = load_corpus(cfg, date(2026, 6, 1), problems)
    code = enrich.command(cfg, corpus, problems, today=date(2026, 6, 1), echo=lambda _: None,
                          warn=lambda _: None)
    assert code == 1 and server.log  # every request went to the local server
    check_against_expected(root)


def test_a_dry_run_counts_and_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            server: ReplayServer) -> None:
    root = make_project(tmp_path, server, spacing="{arxiv: 3, huggingface: 0.6}")
    result = run(root, monkeypatch, "--dry-run")
    assert result.output.splitlines()[:4] == [
        ("40 papers to look up by title (1 Daily Papers dates), 10 arXiv records to fetch by id, "
        "0 papers already stored, 0 not on arXiv (overrides)"),
        ("fewest requests: arXiv 1, Hugging Face 38; spacing (3 s, 0.6 s) alone takes at most "
        "0 min 26 s"),
        ("likely requests: arXiv 1, Hugging Face 51; spacing (3 s, 0.6 s) alone takes at most "
        "0 min 34 s"),
        ("most requests: arXiv 121, Hugging Face 91; spacing (3 s, 0.6 s) alone takes at most "
        "6 min 58 s"),
    ]
    assert server.log == []
    assert not (root / "content/metadata/papers").exists()


def test_a_killed_run_loses_at_most_the_paper_in_flight(tmp_path: Path,
                                                        server: ReplayServer) -> None:
    root = make_project(tmp_path, server, spacing="{arxiv: 0.05, huggingface: 0.05}")
    source = str(Path(digest.__file__).resolve().parents[1])  # the digest under test
    env = {**os.environ, "SOURCE_DATE_EPOCH": JUNE_1,
           "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    for name in ("DIGEST_ARXIV_API", "DIGEST_HUGGINGFACE_API"):
        env.pop(name, None)
    command = [sys.executable, "-m", "digest", "enrich"]
    papers = root / "content/metadata/papers"
    first = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            if papers.is_dir() and len(list(papers.glob("*.json"))) >= 10:
                break
            time.sleep(0.01)
        assert first.poll() is None, "the run ended before it could be killed"
        first.send_signal(signal.SIGKILL)
    finally:
        first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    stored = store_of(root)  # every file there parses
    assert 10 <= len(stored.papers) < 35
    second = subprocess.run(command, check=False, cwd=root, env=env, capture_output=True,
                            text=True, timeout=120)
    assert second.returncode == 1, second.stderr  # the fixture's bad input
    assert re.search(r"^resolved \d+ / needs review 9 / not found 5$", second.stdout,
                     re.MULTILINE)
    assert not list(papers.glob(".*.tmp"))
    check_against_expected(root)


def test_an_unreadable_stored_file_is_reported_and_left_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ReplayServer) -> None:
    root = make_project(tmp_path, server)
    broken = root / "content/metadata/papers/2602.20001.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"id": "2602.20001",\n "arxiv": {"title": 1}}\n', encoding="utf-8")
    result = run(root, monkeypatch)
    assert "content/metadata/papers/2602.20001.json:2: error: 'arxiv.fetched' must be text" \
        in result.output
    assert "content/metadata/papers/2602.20001.json: not updated, it could not be read" \
        in result.output
    assert broken.read_text(encoding="utf-8") == '{"id": "2602.20001",\n "arxiv": {"title": 1}}\n'
    assert result.exit_code == 1
