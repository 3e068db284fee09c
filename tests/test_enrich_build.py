"""``digest enrich`` then ``digest build`` with sockets blocked: the built pages show what
enrich stored (authors, dates, arXiv links, BibTeX ``eprint``), and ``check`` is clean."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from browser import chromium_session, run_axe, run_vnu, serve_directory
from click.testing import CliRunner
from replay import ReplayServer, World
from test_enrich import JUNE_1, make_project, run

from digest.cli import main

DAILY = "sparse-mixture-routing-for-efficient-speech-recognition"  # 2602.20001, eess.AS


def _no_network(*args: object, **kwargs: object) -> None:
    raise OSError("the network is blocked in this test")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("enriched")
    with pytest.MonkeyPatch.context() as mp:
        with ReplayServer(World.load()).running() as server:
            make_project(root, server)
            result = run(root, mp)
            assert "resolved" in result.output, result.output
        # Lines an ids listing cannot use are errors (tested in test_listings_ids); the
        # build needs a clean listing.
        ids = root / "content" / "listings" / "to-read-ids.txt"
        ids.write_text("".join(line for line in ids.read_text("utf-8").splitlines(True)
                               if "trending" not in line and line.strip() != "new"), "utf-8")
        mp.setattr(socket.socket, "connect", _no_network)
        mp.setattr(socket.socket, "connect_ex", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        mp.setenv("SOURCE_DATE_EPOCH", JUNE_1)
        mp.chdir(root)
        for args in (["check"], ["build", "--quiet"]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
        (root / "check.txt").write_text(CliRunner().invoke(main, ["check"]).output, "utf-8")
        (root / "export.json").write_text(
            CliRunner().invoke(main, ["export", "--format", "json"]).output, "utf-8")
    return root


def _page(root: Path, path: str) -> str:
    return (root / "site" / path / "index.html").read_text("utf-8")


def test_paper_page_links_arxiv_pdf_and_code(built: Path) -> None:
    html = _page(built, f"papers/{DAILY}")
    assert '<a href="https://arxiv.org/abs/2602.20001">' in html
    assert '<a href="https://arxiv.org/pdf/2602.20001">' in html
    assert 'href="https://github.com/fict-lab/smr-asr"' in html
    assert '<meta name="citation_arxiv_id" content="2602.20001">' in html
    assert '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2602.20001">' in html
    assert '<meta name="citation_author" content="Mira Okafor">' in html
    assert "eprint = {2602.20001}" in html
    assert "archivePrefix = {arXiv}" in html
    assert "primaryClass = {eess.AS}" in html


def test_cards_show_authors_and_dates(built: Path) -> None:
    html = _page(built, "")
    card = html[html.index(f'href="papers/{DAILY}/"'):]
    card = card[:card.index("</article>")]
    assert "Mira Okafor" in card and "Arjun Mehta" in card
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', card)
    assert "Authors unknown" not in html


def test_an_ids_entry_takes_arxivs_title_and_a_twice_pasted_paper_is_one(built: Path) -> None:
    records = json.loads((built / "export.json").read_text("utf-8"))
    by_id = {r["arxiv_id"]: r for r in records if r["arxiv_id"]}
    # listed only by id (to-read-ids.txt), titled from the replayed arXiv record
    assert by_id["2502.09003"]["title"] == "Agents that Negotiate Shared Calendars"
    assert by_id["2502.09999"]["title"] == "arXiv:2502.09999"  # not on arXiv: as listed
    twice = by_id["2407.06001"]
    assert twice["title"] == "Scaling Laws for Sparse Autoencoders in Protein Language Models"
    assert len([r for r in records if r["arxiv_id"] == "2407.06001"]) == 1
    assert {s["path"].rsplit("/", 1)[1] for s in twice["sources"]} >= {"to-read-ids.txt"}
    daily = by_id["2602.20001"]
    assert daily["authors"][0] == "Mira Okafor" and daily["pdf_url"].endswith("2602.20001")
    assert daily["primary_category"] == "eess.AS" and daily["upvotes"] == 41


def test_check_is_clean_apart_from_undated_listings(built: Path) -> None:
    text = (built / "check.txt").read_text("utf-8")
    assert " 0 errors," in text


def test_the_built_site_passes_the_html_checker_and_axe(built: Path) -> None:
    errors = run_vnu(built / "site")
    assert errors == [], errors[:10]
    with serve_directory(built / "site", "/") as base, chromium_session() as browser:
        page = browser.new_page()
        for path in ("", f"papers/{DAILY}/"):
            page.goto(base + path)
            violations = run_axe(page)
            assert violations == [], (path, [v["id"] for v in violations])
        page.close()


def test_search_keys_hold_the_arxiv_id_and_the_author_names(built: Path) -> None:
    keys = json.loads((built / "site" / "search" / "keys" / "0.json").read_text("utf-8"))
    text = json.dumps(keys)
    # the stored id and the filled author find the same paper
    found = re.search(r'"2602\.20001": "([^"]+)"', text)
    assert found is not None
    assert f'"mira okafor": "{found.group(1)}"' in text
